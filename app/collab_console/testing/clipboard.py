"""The system clipboard as another program sees it: what an agent's paste would give."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

#: Long enough for ``xclip`` to get the text from this process on a slow machine.
READ_TIMEOUT_MS = 12_000


class ClipboardUnreadable(AssertionError):
    """Another program could not read the clipboard; the sentence says why."""


class SystemClipboard:
    """The X clipboard, read by a separate ``xclip -o`` process as another program would.

    The console owns the clipboard after a copy, so ``xclip`` asks this process
    for the text: Qt's event loop must run meanwhile. The read runs in a thread
    and the test waits on its result, never on the clock.
    """

    def __init__(self, qtbot: QtBot) -> None:
        self._qtbot = qtbot
        xclip = shutil.which("xclip")
        if xclip is None:
            raise ClipboardUnreadable(
                "xclip is needed to read the clipboard as another program does "
                "(Debian: apt-get install xclip)"
            )
        self._xclip = xclip

    def read(self) -> str:
        """What another program pastes now."""
        result: dict[str, subprocess.CompletedProcess[str] | BaseException] = {}

        def run() -> None:
            try:
                result["done"] = subprocess.run(
                    [self._xclip, "-selection", "clipboard", "-o"],
                    capture_output=True,
                    text=True,
                    timeout=READ_TIMEOUT_MS / 1000 - 2,
                    env=os.environ.copy(),
                    check=False,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                result["done"] = exc

        worker = threading.Thread(target=run, name="xclip-read", daemon=True)
        worker.start()
        self._qtbot.waitUntil(lambda: "done" in result, timeout=READ_TIMEOUT_MS)
        worker.join()
        done = result["done"]
        if isinstance(done, BaseException):
            raise ClipboardUnreadable(f"xclip could not read the clipboard: {done}")
        if done.returncode != 0:
            said = done.stderr.strip() or f"exit {done.returncode}"
            raise ClipboardUnreadable(f"xclip could not read the clipboard: {said}")
        return done.stdout

    def put(self, text: str) -> None:
        """Put ``text`` on the clipboard (as if the agent copied it elsewhere) and wait until
        the X server says so, so a later read tells a copy from what was there before."""
        QApplication.clipboard().setText(text, QClipboard.Mode.Clipboard)
        self._qtbot.waitUntil(
            lambda: QApplication.clipboard().text(QClipboard.Mode.Clipboard) == text
        )

    def text(self) -> str:
        """The clipboard as this process's Qt sees it (no other program asked)."""
        return QApplication.clipboard().text(QClipboard.Mode.Clipboard)
