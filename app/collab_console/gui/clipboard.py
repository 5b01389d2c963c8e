"""The system clipboard, as the console uses it."""

from __future__ import annotations

from PySide6.QtGui import QClipboard, QGuiApplication


def put_on_clipboard(text: str) -> bool:
    """Put ``text`` on the clipboard other programs paste from; False if it did not take."""
    clipboard = QGuiApplication.clipboard()
    if clipboard is None:
        return False
    clipboard.setText(text, QClipboard.Mode.Clipboard)
    return clipboard.text(QClipboard.Mode.Clipboard) == text
