"""GUI fixtures: a console on the demo store, pointer and clipboard helpers.

The tests run on a real X server (Xvfb) with the xcb platform, so the clipboard
is the one other programs read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store
from tests.gui.helpers import show_console


@pytest.fixture(autouse=True, scope="session")
def _real_x_server() -> None:
    if QGuiApplication.platformName() != "xcb":
        pytest.fail(
            "GUI tests need an X server with QT_QPA_PLATFORM=xcb "
            "(run them through packaging/bootstrap test)",
            pytrace=False,
        )


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
