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

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from collab_console.core.admins import AdminSession, init_admin, verify_admin
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.user_prefs import CONFIG_DIR_ENV
from collab_console.store import Store, open_store, seed_demo
from tests.gui.helpers import ADMIN, show_console
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
def hub(demo_store: Store) -> Iterator[StoreHub]:
    """The hub on the demo store, with what start-up reads already read (as run_gui does)."""
    hub = StoreHub(
        demo_store, settings=demo_store.load_settings(), sessions=demo_store.list_sessions()
    )
    yield hub
    hub.close()
    hub.deleteLater()


@pytest.fixture
def console(qtbot: QtBot, hub: StoreHub) -> ConsoleWindow:
    """The console on the demo store, shown, with the active demo session on screen."""
    return show_console(qtbot, hub)


@pytest.fixture
def clear_clipboard() -> None:
    QApplication.clipboard().setText("nothing copied yet", QClipboard.Mode.Clipboard)


@pytest.fixture
def read_with_xclip(qtbot: QtBot) -> Callable[[], str]:
    """Read the clipboard from a separate ``xclip -o`` process, as another program would.

    xclip asks this process for the text, so the Qt event loop must keep running
    while it waits: it runs in a thread and the test waits on its result.
    """
    xclip = shutil.which("xclip")
    if xclip is None:
        pytest.fail("xclip is needed to read the clipboard from another process", pytrace=False)

    def read() -> str:
        result: dict[str, subprocess.CompletedProcess[str]] = {}

        def run() -> None:
            result["done"] = subprocess.run(
                [xclip, "-selection", "clipboard", "-o"],
                capture_output=True,
                text=True,
                timeout=10,
                env=os.environ.copy(),
                check=False,
            )

        worker = threading.Thread(target=run)
        worker.start()
        qtbot.waitUntil(lambda: "done" in result, timeout=12_000)
        worker.join()
        done = result["done"]
        assert done.returncode == 0, done.stderr
        return done.stdout

    return read


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
