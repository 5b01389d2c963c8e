"""GUI fixtures: a console on the demo store, pointer and clipboard helpers.

The tests run on a real X server (Xvfb) with the xcb platform, so the clipboard
is the one other programs read.

The demo store of the GUI tests has one admin, ``admin.ana`` (``ADMIN``), set up
as ``collab-console admin init`` does, with the passphrase
``passphrase_for(ADMIN)`` (``tests/store/admins.py``); passphrases are hashed at
scrypt's lowest cost in every GUI test (``cheap_scrypt``), so an unlock takes
a fraction of a millisecond instead of 0.15 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from collab_console.core.admins import AdminSession, init_admin, verify_admin
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.user_prefs import CONFIG_DIR_ENV
from collab_console.store import Store, open_store, seed_demo
from collab_console.testing.clipboard import SystemClipboard
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import ADMIN
from tests.store.admins import SETUP_ACTOR, cheap_scrypt, passphrase_for

__all__ = ["cheap_scrypt"]  # a fixture of tests/store/admins.py, used here by name


@pytest.fixture(autouse=True, scope="session")
def _real_x_server() -> None:
    if QGuiApplication.platformName() != "xcb":
        pytest.fail(
            "GUI tests need an X server with QT_QPA_PLATFORM=xcb "
            "(run them through packaging/bootstrap test)",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _cheap_passphrases(cheap_scrypt: None) -> None:
    """Every passphrase a GUI test sets or checks is hashed at scrypt's lowest cost."""


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The demo data, and ``admin.ana`` as its admin (as ``admin init`` sets one up)."""
    assert seed_demo(store), "a fresh store should take the demo data"
    init_admin(store, ADMIN, passphrase_for(ADMIN), actor=SETUP_ACTOR)
    return store


@pytest.fixture
def admin(demo_store: Store, data_dir: Path) -> AdminSession:
    """admin.ana's verified session on the demo store, for a test that calls the core itself.

    Verified through a connection of its own: a hub's worker thread may be
    using the demo store's connection meanwhile.
    """
    other = open_store(data_dir)
    try:
        return verify_admin(
            other, ADMIN, passphrase_for(ADMIN), now=datetime.now(UTC), actor=SETUP_ACTOR
        )
    finally:
        other.close()


@pytest.fixture
def collab_store(demo_store: Store) -> Store:
    """The QA kit's fixtures (``console_page``…) run on this suite's demo store."""
    return demo_store


@pytest.fixture
def collab_look() -> None:
    """The kit's console opens with the look each test sets (``look_restored`` puts it back)."""


@pytest.fixture
def hub(collab_hub: StoreHub) -> StoreHub:
    """The hub on the demo store, with what start-up reads already read (as run_gui does)."""
    return collab_hub


@pytest.fixture
def console(console_page: ConsolePage) -> ConsoleWindow:
    """The console on the demo store, shown, with the active demo session on screen: the
    window of the QA kit's ``console_page``, so both drive the same window."""
    return console_page.window


@pytest.fixture
def clear_clipboard() -> None:
    QApplication.clipboard().setText("nothing copied yet", QClipboard.Mode.Clipboard)


@pytest.fixture
def read_with_xclip(system_clipboard: SystemClipboard) -> Callable[[], str]:
    """Read the clipboard from a separate ``xclip -o`` process, as another program would
    (the QA kit's ``system_clipboard``)."""
    return system_clipboard.read


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own preferences file (look, window place) of this test: never the real one.

    Set in the environment, so programs a test starts use it too.
    """
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))
    return folder


@pytest.fixture(autouse=True)
def look_restored(qapp: QApplication) -> Iterator[None]:
    """Give the application its style and palette back after a test that changed them."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    yield
    if qapp.style().name() != style:
        qapp.setStyle(style)
    qapp.setPalette(palette)
