"""Starting the console: a fresh demo store, and stores it must refuse to touch.

Most of these start the real program (``python -m collab_console``) on the test's
X server. ``--quit-when-ready`` makes it exit once the window has painted, and
report a store it cannot use on stderr instead of in a dialog. The user's own
preferences file is in ``tmp_path`` for every test here, and for the programs
they start (``own_config_dir``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.gui.app import run_gui
from collab_console.store import open_store, seed_demo
from collab_console.store.location import STORE_FILENAME
from collab_console.store.sqlite import SCHEMA_VERSION
from tests.tampering import tamper

pytestmark = pytest.mark.gui

#: Junk that no SQLite version takes for a database.
JUNK = b"this is not a database\x00\xff" * 200

#: A console in a process of its own that shows and hides the customer's copy card
#: ``argv[2]`` times, as a busy agent's pointer would over a day.
BUSY_DAY = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.store import open_store
store = open_store(sys.argv[1])
hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
window = ConsoleWindow(hub)
window.show()
while window.session is None:
    app.processEvents()
for _ in range(int(sys.argv[2])):
    assert window.copying.open_card_for_customer(focus=False)
    window.copying.card_controller.close(return_focus=False)
window.close()
hub.close()
store.close()
print("still running")
"""


def start_console(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console program on ``data_dir`` and wait for it to exit.

    The timeout turns a console that never quits (say, one stuck behind an error
    dialog) into a failure instead of a hung test run.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    return subprocess.run(
        [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def damaged(data_dir: Path) -> Path:
    """A store file full of junk."""
    path = data_dir / STORE_FILENAME
    path.write_bytes(JUNK)
    return path


def from_a_newer_version(data_dir: Path) -> Path:
    """A real store whose schema is newer than this version knows."""
    open_store(data_dir, create=True).close()
    path = data_dir / STORE_FILENAME
    raw = sqlite3.connect(path)
    try:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        raw.commit()
    finally:
        raw.close()
    return path


def spoiled(*statements: str) -> Callable[[Path], Path]:
    """A demo store with values the app must not trust, written past its rules."""

    def make(data_dir: Path) -> Path:
        store = open_store(data_dir, create=True)
        seed_demo(store)
        store.close()
        tamper(data_dir / STORE_FILENAME, *statements)
        return data_dir / STORE_FILENAME

    return make


def altered(data_dir: Path) -> Path:
    """A demo store whose audit rule was dropped."""
    path = spoiled()(data_dir)
    with closing(sqlite3.connect(path)) as tool:
        tool.execute("DROP TRIGGER audit_no_delete")
    return path


def empty_file(data_dir: Path) -> Path:
    path = data_dir / STORE_FILENAME
    path.write_bytes(b"")
    return path


def folder_contents(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir())}


# -- the program ----------------------------------------------------------------


def test_demo_on_an_empty_folder_starts_and_creates_the_demo_store(data_dir):
    assert not any(data_dir.iterdir())

    done = start_console(data_dir, "--demo", "--quit-when-ready")

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    store = open_store(data_dir)
    try:
        sessions = {s.session_id: s.customer_name for s in store.list_sessions()}
    finally:
        store.close()
    assert sessions == {DEMO_ACTIVE_ID: "Dana Levi", DEMO_ENDED_ID: "Priya Nair"}


@pytest.mark.parametrize(
    ("make_store", "says"),
    [
        pytest.param(damaged, "is damaged or not a Collab Console store", id="damaged"),
        pytest.param(from_a_newer_version, "was written by a newer Collab Console", id="newer"),
        pytest.param(empty_file, "is an empty file", id="empty-file"),
        pytest.param(altered, "was altered outside Collab Console", id="altered"),
        pytest.param(spoiled("DELETE FROM policy"), "no settings row", id="no-settings-row"),
        pytest.param(
            spoiled("UPDATE invitation SET state = 'carrier_pigeon'"),
            "has an unknown channel, state or recipient",
            id="unknown-delivery-state",
        ),
        pytest.param(
            spoiled("UPDATE sessions SET created_at = 'last Tuesday'"),
            "not a time",
            id="malformed-timestamp",
        ),
        pytest.param(
            spoiled(
                "UPDATE setting SET value = 'on' WHERE key = 'copy_session_url'",
                "INSERT INTO acknowledgement VALUES"
                " ('copy_session_url', '\u200b', '2026-03-02T09:00:00+00:00', 1)",
            ),
            "acknowledged the warning",
            id="invisible-acknowledger",
        ),
        pytest.param(
            spoiled("UPDATE setting SET value = 'yes' WHERE key = 'copy_session_id'"),
            "not on or off",
            id="bad-setting-value",
        ),
    ],
)
def test_a_store_it_cannot_use_exits_1_with_one_line_and_is_left_as_it_is(
    data_dir: Path, make_store: Callable[[Path], Path], says: str
):
    path = make_store(data_dir)
    before = folder_contents(data_dir)

    done = start_console(data_dir, "--quit-when-ready")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("collab-console: ")
    assert str(path) in line
    assert says in line
    assert folder_contents(data_dir) == before


def test_a_data_folder_that_is_a_file_exits_1_with_one_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("notes\n")

    done = start_console(not_a_folder, "--quit-when-ready")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "is a file, not a folder" in line
    assert not_a_folder.read_text() == "notes\n"


# -- the interactive start -----------------------------------------------------------


@pytest.fixture
def app_names_restored(qapp: QApplication) -> Iterator[None]:
    """run_gui names the application; give the test session its own names back."""
    name, desktop = qapp.applicationName(), qapp.desktopFileName()
    yield
    qapp.setApplicationName(name)
    qapp.setDesktopFileName(desktop)


@pytest.mark.parametrize("make_store", [damaged, from_a_newer_version], ids=["damaged", "newer"])
def test_a_store_it_cannot_use_is_explained_in_a_dialog(
    qtbot, data_dir, capsys, app_names_restored, make_store
):
    path = make_store(data_dir)
    before = folder_contents(data_dir)
    seen: list[tuple[QMessageBox.Icon, str, str]] = []
    poll = QTimer()
    poll.setInterval(0)

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        poll.stop()
        seen.append((box.icon(), box.windowTitle(), box.text()))
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    poll.timeout.connect(read_and_close)
    poll.start()
    try:
        args = argparse.Namespace(
            data_dir=str(data_dir),
            demo=False,
            demo_participants=0,
            theme=None,
            quit_when_ready=False,
        )
        code = run_gui(args)
    finally:
        poll.stop()

    assert code == 1
    [(icon, title, text)] = seen
    assert icon == QMessageBox.Icon.Critical
    assert title == "Collab Console cannot start"
    assert str(path) in text
    assert str(path) in capsys.readouterr().err
    assert folder_contents(data_dir) == before


# -- staying up --------------------------------------------------------------------


def test_the_console_survives_a_busy_day_of_copy_cards(demo_store, data_dir):
    # PySide6 6.12.0 on Python 3.11 drops a reference to None (and True/False) on
    # many calls; the interpreter aborts once None's count reaches zero.
    done = subprocess.run(
        [sys.executable, "-c", BUSY_DAY, str(data_dir), "1000"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        timeout=120,
        check=False,
    )

    assert "Fatal Python error" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "still running"


def test_without_a_display_the_console_says_so_instead_of_aborting(data_dir: Path) -> None:
    """Qt's xcb plugin ends the process when it cannot reach an X server (abort, 134)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir), "--demo"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**env, "QT_QPA_PLATFORM": "xcb"},
        timeout=60,
        check=False,
    )

    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("collab-console: there is no display to show the console on")
    assert list(data_dir.iterdir()) == [], "nothing was created for a console that cannot show"
