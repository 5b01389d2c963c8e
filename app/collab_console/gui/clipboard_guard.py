"""Clears a copied Session URL from the clipboard when its time runs out.

Made by :class:`~collab_console.gui.clipboard.QtClipboard` at the first
sensitive copy, so the console's start-up never loads it.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from collab_console.gui.clipboard import is_marked_secret

_CLIPBOARD = QClipboard.Mode.Clipboard


class ClipboardGuard(QObject):
    """Watches one sensitive value the console put on the clipboard, and clears it in time.

    Signals:
        countdown(int): whole seconds left, once a second while a value is
            watched; 0 once it is not any more (cleared, replaced, released).
        cleared(): the time ran out and the clipboard was cleared.

    It clears only what the console put there and the clipboard still holds:
    the console still owns the clipboard, with the same text and the secret
    marks. If anything else was copied meanwhile (by another program, or the
    same text copied again elsewhere), it never touches the clipboard. A new
    copy starts the count again (:meth:`watch`); the console clears an
    unchanged value when it closes, and so does quitting the application.
    """

    countdown = Signal(int)
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text: str | None = None
        self._deadline = 0.0
        # Precise timers: a coarse one may fire up to 5 % early, and the shown count
        # would then skip or repeat a second.
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setTimerType(Qt.TimerType.PreciseTimer)
        self._expiry.timeout.connect(self._expire)
        self._ticks = QTimer(self)
        self._ticks.setInterval(1000)
        self._ticks.setTimerType(Qt.TimerType.PreciseTimer)
        self._ticks.timeout.connect(self._tick)
        clipboard = QGuiApplication.clipboard()
        clipboard.dataChanged.connect(self._clipboard_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.clear_now)

    @property
    def watching(self) -> bool:
        return self._text is not None

    def watch(self, text: str, seconds: int) -> None:
        """``text`` was just put on the clipboard: clear it in ``seconds`` (restarts the count)."""
        self._text = text
        self._deadline = time.monotonic() + seconds
        self._expiry.start(seconds * 1000)
        self._ticks.start()
        self.countdown.emit(seconds)

    def release(self) -> None:
        """Stop watching, leaving the clipboard as it is (something replaces the value)."""
        if self._text is None:
            return
        self._text = None
        self._expiry.stop()
        self._ticks.stop()
        self.countdown.emit(0)

    def holds_watched_value(self) -> bool:
        """True while the clipboard holds exactly what the console put there, marks and all."""
        clipboard = QGuiApplication.clipboard()
        return (
            self._text is not None
            and clipboard.ownsClipboard()
            and clipboard.text(_CLIPBOARD) == self._text
            and is_marked_secret(clipboard.mimeData(_CLIPBOARD))
        )

    def clear_now(self) -> bool:
        """Clear the watched value if the clipboard still holds it; True when it did."""
        ours = self.holds_watched_value()
        if ours:
            QGuiApplication.clipboard().clear(_CLIPBOARD)
        self.release()
        return ours

    def _expire(self) -> None:
        if self.clear_now():
            self.cleared.emit()

    def _tick(self) -> None:
        left = math.ceil(self._deadline - time.monotonic())
        if self._text is not None and left > 0:
            self.countdown.emit(left)

    def _clipboard_changed(self) -> None:
        """Another program took the clipboard: the count ends at once, nothing is cleared."""
        if self._text is not None and not QGuiApplication.clipboard().ownsClipboard():
            self.release()
