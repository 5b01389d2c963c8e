"""The system clipboard through Qt: the console's adapter of the clipboard port."""

from __future__ import annotations

from PySide6.QtGui import QClipboard, QGuiApplication

from collab_console.core.errors import ClipboardError


class QtClipboard:
    """Puts text on the clipboard other programs paste from (see ``core.clipboard_port``)."""

    def put(self, text: str, *, sensitive: bool) -> None:
        """Set and read back ``text``; ``sensitive`` values are marked in a later issue."""
        clipboard = QGuiApplication.clipboard()
        if clipboard is None:
            raise ClipboardError("the system clipboard could not be reached; try again")
        clipboard.setText(text, QClipboard.Mode.Clipboard)
        if clipboard.text(QClipboard.Mode.Clipboard) != text:
            raise ClipboardError("the system clipboard did not keep the value; try again")
