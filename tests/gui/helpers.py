"""Pointer and clipboard helpers shared by the GUI tests."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QClipboard
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from collab_console.gui.copy_card import HIDE_DELAY_MS, INTENT_DELAY_MS

#: Long enough for any card timer to have fired, with room for a slow CI machine.
CARD_TIMEOUT_MS = INTENT_DELAY_MS + HIDE_DELAY_MS + 3000


def park_pointer(qtbot: QtBot, window: QWidget) -> None:
    """Move the pointer onto a corner of the session list, away from every anchor."""
    qtbot.mouseMove(window.findChild(QWidget, "sessionList"), QPoint(3, 3))


def centre(widget: QWidget) -> QPoint:
    return widget.rect().center()


def clipboard_now() -> str:
    clipboard = QApplication.clipboard()
    return clipboard.text(QClipboard.Mode.Clipboard)


def right_click(widget: QWidget, pos: QPoint) -> None:
    """Right-click through the window, so Qt makes the context-menu event as for a user.

    QTest's widget overload hands the click straight to the widget, which skips
    the step where Qt turns a right-click into a context-menu request.
    """
    window = widget.window()
    handle = window.windowHandle()
    assert handle is not None
    QTest.mouseClick(
        handle,
        Qt.MouseButton.RightButton,
        Qt.KeyboardModifier.NoModifier,
        widget.mapTo(window, pos),
    )
