"""Pointer, clipboard and dialog helpers shared by the GUI tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QClipboard, QCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLineEdit, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.gui.copy_card import HIDE_DELAY_MS, INTENT_DELAY_MS
from collab_console.gui.store_hub import StoreHub
from collab_console.store import open_store

if TYPE_CHECKING:
    from collab_console.gui.console_window import ConsoleWindow

W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)

#: Long enough for any card timer to have fired, with room for a slow CI machine.
CARD_TIMEOUT_MS = INTENT_DELAY_MS + HIDE_DELAY_MS + 3000


def park_pointer(qtbot: QtBot, window: QWidget) -> None:
    """Move the pointer onto a corner of the session list, away from every anchor.

    Waits until Qt has seen it there: xcb merges pointer motions that arrive
    together, so a next move made at once could be merged with this one, and
    Qt drops a move back to where it last saw the pointer (no Enter then). A
    warp to where the pointer already is makes no event at all, and a window
    that opened under the pointer may not know it is there: so the spot is
    never the pointer's own, and another is tried if Qt does not see the first.
    """
    sessions = window.findChild(QWidget, "sessionList")
    assert sessions is not None
    for spot in (QPoint(3, 3), QPoint(7, 5), QPoint(5, 11), QPoint(11, 7)):
        if sessions.mapToGlobal(spot) == QCursor.pos():
            continue
        qtbot.mouseMove(sessions, spot)
        try:
            qtbot.waitUntil(sessions.underMouse, timeout=1500)
        except qtbot.TimeoutError:
            continue
        return
    raise AssertionError("the pointer could not be parked on the session list")


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


def named(parent: QWidget, kind: type[W], name: str) -> W:
    """The widget called ``name``: object names are the QA contract."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} called {name}"
    return found


def shown_card(console: QWidget) -> QFrame | None:
    """The copy card when it is on screen (the console builds it on first use)."""
    card = console.findChild(QFrame, "copyCard")
    return card if card is not None and card.isVisible() else None


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Move the pointer onto ``widget`` and click its centre, as a user would."""
    qtbot.mouseMove(widget, centre(widget))
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre(widget))


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Click into ``edit``, select everything and type ``text`` over it."""
    click(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


@contextmanager
def driving_modal(kind: type[D], steps: Callable[[D], None]) -> Iterator[None]:
    """Run ``steps`` on the next modal ``kind`` that the body of the ``with`` opens.

    A modal ``exec()`` blocks until the dialog closes, so the steps run from a
    timer inside the dialog's event loop once it is the active modal widget. A
    failing step closes the dialog (so the test never hangs) and is raised here.
    """
    found: list[bool] = []
    errors: list[BaseException] = []
    poll = QTimer()
    poll.setInterval(0)

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            return
        poll.stop()
        found.append(True)
        try:
            steps(widget)
        except BaseException as exc:
            errors.append(exc)
            widget.reject()

    poll.timeout.connect(look)
    poll.start()
    try:
        yield
    finally:
        poll.stop()
    if errors:
        raise errors[0]
    assert found, f"no modal {kind.__name__} appeared"


def hover_customer(qtbot: QtBot, console: QWidget) -> None:
    icon = named(console, QToolButton, "customerIcon")
    qtbot.mouseMove(icon, centre(icon))


def change_settings_elsewhere(data_dir: Path, **values: object) -> None:
    """admin.sam saves ``values`` through a connection of its own, as another console would."""
    other = open_store(data_dir)
    try:
        other.save_settings(
            other.load_settings().changed(actor="admin.sam", now=datetime.now(UTC), **values)
        )
    finally:
        other.close()


def save_through_hub(
    qtbot: QtBot, hub: StoreHub, *, acknowledged: bool = False, **values: object
) -> None:
    """Save ``values`` as qa-admin through the console's own hub, and wait until it took.

    The hub saves on its worker thread; the settings_changed signal says every
    window has heard of it.
    """
    assert hub.settings is not None
    wanted = hub.settings.changed(
        actor="qa-admin", now=datetime.now(UTC), acknowledged=acknowledged, **values
    )
    if not wanted.differs_from(hub.settings):
        return
    errors: list[BaseException] = []
    with qtbot.waitSignal(hub.settings_changed, timeout=5000):
        hub.save_settings(wanted, lambda _event: None, errors.append)
    assert errors == []


def show_console(qtbot: QtBot, hub: StoreHub, *, session_timeout_ms: int = 5000) -> ConsoleWindow:
    """A console on ``hub``, shown and active, its first session on screen, pointer parked."""
    from collab_console.gui.console_window import ConsoleWindow

    window = ConsoleWindow(hub)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.session is not None, timeout=session_timeout_ms)
    park_pointer(qtbot, window)
    return window


def show_preferences(qtbot: QtBot, hub: StoreHub, parent: QWidget | None = None) -> QDialog:
    """The Preferences dialog on ``hub``, shown (not modal: the test drives it directly)."""
    from collab_console.gui.preferences_dialog import PreferencesDialog

    dialog = PreferencesDialog(hub, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog
