"""Steps a tester's hand makes on the real console: pointer, keys, clipboard, dialogs.

The low-level layer of the QA kit, under the page objects of
:mod:`collab_console.testing.pages`: each function does one thing a user does
(move the pointer onto a widget, click, tick a box, type over a field, answer
a modal dialog) through the real X server, and waits for Qt to have seen it,
never for the clock. This repository's GUI tests use the same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QClipboard, QCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from collab_console.core.demo import DEMO_URL_BASE
from collab_console.core.links import is_token, masked_link
from collab_console.gui.copy_card import HIDE_DELAY_MS, INTENT_DELAY_MS
from collab_console.gui.store_hub import StoreHub

if TYPE_CHECKING:
    from collab_console.gui.console_window import ConsoleWindow
    from collab_console.gui.preferences_dialog import PreferencesDialog

W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)

#: Long enough for any card timer to have fired, with room for a slow CI machine.
CARD_TIMEOUT_MS = INTENT_DELAY_MS + HIDE_DELAY_MS + 3000
#: Long enough for any store call through a hub's worker on a slow machine.
STORE_TIMEOUT_MS = 10_000
#: How long :func:`driving_modal` waits for a dialog the body opened with ``open()``.
MODAL_TIMEOUT_MS = STORE_TIMEOUT_MS
#: A Session URL as the screen shows it: the demo's URL base, and dots for the token.
MASKED_URL = masked_link(DEMO_URL_BASE)


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


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its indicator, where a user would click."""
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=indicator.center())


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Click into ``edit``, select everything and type ``text`` over it; an empty ``text``
    deletes what was there (Backspace), as a user clears a field."""
    click(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    elif edit.text():
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)


@contextmanager
def driving_modal(kind: type[D], steps: Callable[[D], None]) -> Iterator[None]:
    """Run ``steps`` on the next modal ``kind`` that the body of the ``with`` opens.

    Works for a dialog opened either way. A dialog run with ``exec()`` blocks the
    body until it closes, so the steps run from a timer inside the dialog's own
    event loop. A dialog shown with ``open()`` (window-modal: New session, Add
    participant, Preferences, Unlock) lets the body return at once: the event
    loop then keeps running here until the steps have run, or until
    :data:`MODAL_TIMEOUT_MS` passed with no such dialog. A failing step closes the
    dialog (so the test never hangs) and is raised here.
    """
    found: list[bool] = []
    done: list[bool] = []
    errors: list[BaseException] = []
    poll = QTimer()
    poll.setInterval(0)
    waiting = QEventLoop()

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind) or not widget.isVisible():
            return
        poll.stop()
        found.append(True)
        try:
            # A hand cannot reach a dialog the window manager has not put on screen yet.
            handle = widget.windowHandle()
            if handle is not None and not handle.isExposed():
                QTest.qWaitForWindowExposed(widget, MODAL_TIMEOUT_MS)
            steps(widget)
        except BaseException as exc:
            errors.append(exc)
            if Shiboken.isValid(widget) and widget.isVisible():
                widget.reject()
        finally:
            done.append(True)
            waiting.quit()

    poll.timeout.connect(look)
    poll.start()
    try:
        yield
        if not done:  # opened with open(): the steps are still to run
            deadline = QTimer()
            deadline.setSingleShot(True)
            deadline.timeout.connect(waiting.quit)
            deadline.start(MODAL_TIMEOUT_MS)
            waiting.exec()
            deadline.stop()
    finally:
        poll.stop()
    if errors:
        raise errors[0]
    assert found, f"no modal {kind.__name__} appeared"


def run_context_menu(
    qtbot: QtBot, open_menu: Callable[[], None], choose: str | None
) -> list[tuple[str, bool]]:
    """Open a context menu, record its items, trigger ``choose`` (or close it)."""
    seen: list[tuple[str, bool]] = []

    def inspect() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, inspect)
            return
        seen.extend((a.text(), a.isEnabled()) for a in menu.actions())
        target = next((a for a in menu.actions() if a.text() == choose), None)
        if target is not None:
            target.trigger()
        menu.close()

    QTimer.singleShot(0, inspect)
    open_menu()
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def hover_customer(qtbot: QtBot, console: QWidget) -> None:
    icon = named(console, QToolButton, "customerIcon")
    qtbot.mouseMove(icon, centre(icon))


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


def show_preferences(
    qtbot: QtBot, hub: StoreHub, parent: QWidget | None = None
) -> PreferencesDialog:
    """The Preferences dialog on ``hub``, shown (not modal: the test drives it directly)."""
    from collab_console.gui.preferences_dialog import PreferencesDialog

    dialog = PreferencesDialog(hub, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def open_unlock_dialog(qtbot: QtBot, dialog: PreferencesDialog) -> QDialog:
    """Click Unlock… (once the store said it has an admin) and wait for the Unlock dialog."""
    button = named(dialog, QPushButton, "unlockButton")
    qtbot.waitUntil(button.isEnabled, timeout=STORE_TIMEOUT_MS)
    click(qtbot, button)
    qtbot.waitUntil(
        lambda: dialog.unlock_dialog is not None and dialog.unlock_dialog.isVisible(),
        timeout=STORE_TIMEOUT_MS,
    )
    unlock = dialog.unlock_dialog
    assert unlock is not None
    qtbot.waitExposed(unlock)
    return unlock


def type_credentials(qtbot: QtBot, unlock: QDialog, name: str, passphrase: str) -> None:
    """Type a name and a passphrase into the Unlock dialog, key by key, and press Unlock."""
    retype(qtbot, named(unlock, QLineEdit, "adminNameEdit"), name)
    retype(qtbot, named(unlock, QLineEdit, "passphraseEdit"), passphrase)
    click(qtbot, named(unlock, QPushButton, "unlockConfirmButton"))


def both_text(name: str, url: str, access_id: str, base: str = DEMO_URL_BASE) -> str:
    """Exactly what *Copy both* puts on the clipboard for ``name`` (the QA contract)."""
    return (
        f"Hello {name}, here is your link to join the session: {url}\n"
        f"If it does not open, go to {base} and enter the Session ID {access_id}."
    )


def url_in(text: str, base: str = DEMO_URL_BASE) -> str:
    """The Session URL in a copied text (a URL alone, or the first line of *Copy both*)."""
    first = text.split("\n", 1)[0]
    start = first.find(base)
    assert start >= 0, f"no Session URL on {base} in {text!r}"
    return first[start:].split(" ", 1)[0]


def token_of(url: str, base: str = DEMO_URL_BASE) -> str:
    """The token of a Session URL: what follows the URL base, 24 URL-safe characters."""
    assert url.startswith(base), f"{url!r} is not on the URL base {base}"
    token = url[len(base) :]
    assert is_token(token), f"{token!r} is not a link's token"
    return token


def unlock_preferences(qtbot: QtBot, dialog: PreferencesDialog, name: str, passphrase: str) -> None:
    """Unlock Preferences as the admin ``name``, by typing into the Unlock dialog."""
    unlock = open_unlock_dialog(qtbot, dialog)
    type_credentials(qtbot, unlock, name, passphrase)
    qtbot.waitUntil(lambda: dialog.unlocked, timeout=STORE_TIMEOUT_MS)
    assert not unlock.isVisible()
    # The banner's new text lays the page out again: let that happen before the test measures.
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
