"""The QA kit's pytest plugin: fixtures that give a test the real console on known data.

Registered through the ``pytest11`` entry point of the package, so ``pytest`` in
any repository where ``collab-console[qa]`` is installed finds these fixtures
with no conftest. Loading it imports neither Qt nor the console: pytest loads
every plugin in every run, a run without a display or without Qt included.
Each fixture imports what it needs when a test asks for it.

Fixtures (see docs/qa.md for their signatures and an example):

- ``collab_data_dir``, ``collab_store``, ``collab_admin``: a fresh store with the
  deterministic demo data, shaped by ``@pytest.mark.collab_demo(...)``;
- ``console_page``: the console shown on it, as a ``ConsolePage`` (``testing/pages.py``);
- ``system_clipboard``: the clipboard as another program reads it;
- ``fixed_clock``, ``fixed_ids``: time and randomness under the test's control;
- ``accessibility``: checks the running console's AT-SPI tree.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from collab_console.core.logs import LOG_DIR_ENV
from collab_console.store.location import CONFIG_DIR_ENV, DATA_DIR_ENV, DB_ENV

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from collab_console.gui.store_hub import StoreHub
    from collab_console.store import Store
    from collab_console.testing.clipboard import SystemClipboard
    from collab_console.testing.demo_store import Credentials, DemoOptions
    from collab_console.testing.pages import ConsolePage
    from collab_console.testing.reproducible import FixedClock

MARKER = (
    "collab_demo(participants=0, url_copy=False, admin=True): the demo store of the test's "
    "console: a session BNCH-0000 with that many document participants, Copy Session URL "
    "turned on by the admin with the warning acknowledged, and whether the store has its "
    "admin (admin.ana)"
)
THEMES = ("light", "dark", "system")
_BUS_KEY = pytest.StashKey[Any]()  # the AccessibilityBus, or None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("collab-console", "Collab Console QA kit")
    group.addoption(
        "--collab-artifacts",
        metavar="DIR",
        help="where a failing step saves its screenshot (default: the test's tmp_path)",
    )
    group.addoption(
        "--collab-theme",
        choices=THEMES,
        help="the look console_page opens with (default: collab_theme in the ini, else light)",
    )
    group.addoption(
        "--collab-accessibility",
        action="store_true",
        default=None,
        help="start an AT-SPI bus so the accessibility fixture can walk the console's tree",
    )
    parser.addini("collab_theme", "the look console_page opens with: light, dark or system")
    parser.addini(
        "collab_accessibility",
        "start an AT-SPI bus for the accessibility fixture (true/false)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.stash[_BUS_KEY] = None
    if _accessibility_wanted(config):
        # Before any QApplication exists: Qt looks for the bus only when it starts.
        from collab_console.testing.accessibility import (
            AccessibilityUnavailable,
            start_accessibility_bus,
        )

        try:
            config.stash[_BUS_KEY] = start_accessibility_bus()
        except AccessibilityUnavailable as exc:
            # pytest says a usage error in one line, where a raised error is a traceback.
            raise pytest.UsageError(
                f"collab_accessibility is on, but {exc} (or set collab_accessibility = false)"
            ) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    bus = config.stash.get(_BUS_KEY, None)
    if bus is not None:
        bus.stop()


def pytest_report_header(config: pytest.Config) -> str:
    bus = config.stash.get(_BUS_KEY, None)
    return (
        f"collab-console QA kit: theme {_theme(config)}, "
        f"accessibility bus {'on' if bus is not None else 'off'}"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test that showed the console gets a section saying what was on screen."""
    report = yield
    if report.failed and "console_page" in getattr(item, "fixturenames", ()):
        from collab_console.testing.screen import StepFailed, describe_screen

        if call.excinfo is not None and call.excinfo.errisinstance(StepFailed):
            return report  # its message says what was on screen already

        try:
            report.sections.append(("collab-console: on screen", describe_screen()))
        except Exception as exc:  # the report must not hide the test's own failure
            report.sections.append(("collab-console: on screen", f"(not described: {exc})"))
    return report


def _accessibility_wanted(config: pytest.Config) -> bool:
    flag = config.getoption("collab_accessibility")
    wanted = bool(config.getini("collab_accessibility") if flag is None else flag)
    # Set up already (by hand, or by a process that runs pytest inside itself): use it.
    ready = os.environ.get("QT_LINUX_ACCESSIBILITY_ALWAYS_ON") == "1" and bool(
        os.environ.get("AT_SPI_BUS_ADDRESS") or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    )
    # A run without Qt (the commands' own tests) shows no console to check.
    return wanted and not ready and importlib.util.find_spec("PySide6") is not None


def _theme(config: pytest.Config) -> str:
    chosen = config.getoption("collab_theme") or config.getini("collab_theme") or "light"
    if chosen not in THEMES:
        raise pytest.UsageError(f"collab_theme is light, dark or system, not {chosen!r}")
    return str(chosen)


# -- The store ----------------------------------------------------------------------


@pytest.fixture
def collab_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, and the console's other folders beside it, never the user's.

    The preferences file (look, window place) and the logs go to ``tmp_path``
    too, and no organisation database chosen on this machine is used: also for
    the ``collab-console`` commands the test starts.
    """
    folder = tmp_path / "collab-data"
    folder.mkdir()
    for variable, name in ((CONFIG_DIR_ENV, "collab-config"), (LOG_DIR_ENV, "collab-logs")):
        (tmp_path / name).mkdir(exist_ok=True)
        monkeypatch.setenv(variable, str(tmp_path / name))
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    monkeypatch.delenv(DB_ENV, raising=False)
    return folder


@pytest.fixture
def collab_demo_options(request: pytest.FixtureRequest) -> DemoOptions:
    """What the test's ``collab_demo`` marker asks of the demo store."""
    from collab_console.testing.demo_store import DemoOptions

    marker = request.node.get_closest_marker("collab_demo")
    if marker is None:
        return DemoOptions()
    if marker.args:
        raise pytest.UsageError("collab_demo takes keywords only: participants=, url_copy=, admin=")
    try:
        return DemoOptions.from_marker(dict(marker.kwargs))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture
def collab_store(collab_data_dir: Path, collab_demo_options: DemoOptions) -> Iterator[Store]:
    """A new embedded store with the deterministic demo data (see docs/qa.md, Demo data)."""
    from collab_console.testing.demo_store import open_demo_store

    store = open_demo_store(collab_data_dir, collab_demo_options)
    yield store
    store.close()


@pytest.fixture
def collab_admin(collab_demo_options: DemoOptions) -> Credentials:
    """The demo store's admin, as typed into the Unlock dialog; fails if the store has none."""
    if collab_demo_options.admin is None:
        pytest.fail("this test's store has no admin (collab_demo(admin=False))", pytrace=False)
    return collab_demo_options.admin


# -- The console --------------------------------------------------------------------


@pytest.fixture
def collab_hub(collab_store: Store) -> Iterator[StoreHub]:
    """The console's link to the store, with what start-up reads already read."""
    from collab_console.gui.store_hub import StoreHub

    hub = StoreHub(
        collab_store, settings=collab_store.load_settings(), sessions=collab_store.list_sessions()
    )
    yield hub
    hub.close()
    hub.deleteLater()


@pytest.fixture
def collab_artifacts(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where a failing step saves its screenshot: ``--collab-artifacts``/<test>, else tmp_path."""
    chosen = request.config.getoption("collab_artifacts")
    if not chosen:
        return tmp_path
    folder = Path(chosen) / re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-120:]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def system_clipboard(qtbot: QtBot) -> SystemClipboard:
    """The X clipboard as another program reads it (``xclip -o``)."""
    from collab_console.testing.clipboard import ClipboardUnreadable, SystemClipboard

    try:
        return SystemClipboard(qtbot)
    except ClipboardUnreadable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def collab_look(request: pytest.FixtureRequest, qapp: Any) -> Iterator[None]:
    """The look ``console_page`` opens with: ``--collab-theme``, ``collab_theme``, or light."""
    from collab_console.gui.appearance import Appearance, Theme
    from collab_console.gui.user_prefs import UserPrefs

    appearance = Appearance(UserPrefs(), override=Theme(_theme(request.config)))
    appearance.install()
    appearance.apply()
    yield
    from shiboken6 import Shiboken

    Shiboken.delete(appearance)  # stop following the desktop; the look stays, as at quit


@pytest.fixture
def console_page(
    qtbot: QtBot,
    collab_hub: StoreHub,
    collab_demo_options: DemoOptions,
    collab_look: None,
    system_clipboard: SystemClipboard,
    collab_artifacts: Path,
) -> ConsolePage:
    """The console, shown and active, the active demo session on screen, the pointer parked."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() != "xcb":
        pytest.fail(
            "the console needs an X server and QT_QPA_PLATFORM=xcb (not "
            f"{QGuiApplication.platformName()!r}: it has no clipboard other programs can read)",
            pytrace=False,
        )
    from collab_console.testing.driving import show_console
    from collab_console.testing.pages import ConsolePage

    window = show_console(qtbot, collab_hub)
    return ConsolePage(
        qtbot,
        window,
        admin=collab_demo_options.admin,
        clipboard=system_clipboard,
        artifacts=collab_artifacts,
    )


# -- Time and randomness ------------------------------------------------------------


@pytest.fixture
def fixed_clock() -> Iterator[FixedClock]:
    """The console's clock, standing at 2026-03-04 10:00 UTC until the test moves it.

    The local time zone is UTC meanwhile, so what the console shows (09:30, not
    10:30 in Paris) is the same on every machine.
    """
    from collab_console.core import clock
    from collab_console.testing.reproducible import FixedClock

    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    fixed = FixedClock()
    fixed.install()
    try:
        yield fixed
    finally:
        clock.use_clock(None)
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        time.tzset()


@pytest.fixture
def fixed_ids() -> Iterator[int]:
    """New Session IDs, link IDs and tokens, invitation and request IDs the same every run."""
    from collab_console.core import randomness
    from collab_console.testing.reproducible import FIXED_SEED, use_fixed_ids

    use_fixed_ids(FIXED_SEED)
    try:
        yield FIXED_SEED
    finally:
        randomness.use_seed(None)


# -- Accessibility ------------------------------------------------------------------


@pytest.fixture
def accessibility(qtbot: QtBot) -> Callable[..., None]:
    """``accessibility()`` fails the test on a control of the running console that has no
    accessible name or a misleading one, as a screen reader's AT-SPI tree shows it."""
    from collab_console.testing.accessibility import assert_accessible, bridge_is_on

    if not bridge_is_on():
        pytest.fail(
            "the accessibility check needs Qt's AT-SPI bridge: add collab_accessibility = true "
            "to the [pytest] ini, or run pytest --collab-accessibility",
            pytrace=False,
        )

    def check(**options: Any) -> None:
        assert_accessible(qtbot, **options)

    return check
