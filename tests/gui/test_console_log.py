"""The console keeps a log, opened once its window is up, in the user's log folder."""

from __future__ import annotations

import stat
from pathlib import Path

from collab_console.core.logs import log_files
from collab_console.gui.app import start_log
from tests.gui.test_startup import start_console


def test_the_console_logs_that_it_started_in_a_private_file(
    data_dir: Path, own_log_dir: Path
) -> None:
    done = start_console(data_dir, "--demo", "--quit-when-ready")

    assert done.returncode == 0, done.stderr
    files = log_files(own_log_dir)
    assert len(files) == 1
    assert "console started on the store" in files[0].read_text(encoding="utf-8")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(own_log_dir.stat().st_mode) == 0o700


def test_a_log_folder_it_cannot_write_is_said_and_the_console_works_on(
    console, tmp_path: Path, monkeypatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("COLLAB_CONSOLE_LOG_DIR", str(blocked / "logs"))

    start_log(console, "the demo store")

    assert console.statusBar().currentMessage().startswith("Cannot write the log file")
    assert console.isVisible()
