"""The copy card by keyboard and for assistive technology (WCAG 2.1: 2.1.1, 2.4.7, 1.4.13, 4.1.2).

Keys go through Qt as a user's would (``qtbot.keyClick``), and what a screen
reader gets is read from Qt's own accessibility interfaces.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QImage, QPainter
from PySide6.QtWidgets import QApplication, QPushButton, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT, COPY_FIRST_DESCRIPTION
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    named,
    save_through_hub,
    stored_link,
    token_of,
)

pytestmark = pytest.mark.gui

#: Grace Kim's own ID in the demo.
GRACE_ID = "K9ZC-3HNP"
ENTER_KEYS = [
    pytest.param(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, id="Return"),
    pytest.param(Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier, id="keypad-Enter"),
]
OPEN_KEYS = [
    pytest.param(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, id="Return"),
    pytest.param(Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier, id="keypad-Enter"),
    pytest.param(Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, id="Space"),
    pytest.param(Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier, id="Menu"),
    pytest.param(Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier, id="Shift+F10"),
]


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def open_customer_card_by_key(
    qtbot: QtBot,
    console: ConsoleWindow,
    key: Qt.Key = Qt.Key.Key_Return,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> QPushButton:
    """Focus the customer icon, press ``key``: the card's first button, which has focus."""
    icon = console.view.customer_icon
    focus(qtbot, icon)
    qtbot.keyClick(icon, key, modifier)
    assert console.copying.card.isVisible()
    return console.copying.card.visible_buttons()[0]


def opened_by_keyboard(console_page: ConsolePage, person: str) -> QPushButton:
    """Open ``person``'s card with the keyboard (Enter on their icon or row): the button
    that has the focus, as the next key press finds it."""
    card = console_page.open_card_with_keyboard(person)
    focused = QApplication.focusWidget()
    assert isinstance(focused, QPushButton)
    assert focused.text() == card.buttons()[0], "the card's first button has the focus"
    return focused


def hover_participant(qtbot: QtBot, console: ConsoleWindow, row: int, dx: int = 10) -> None:
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + dx, rect.center().y()))


def wait_until_intent_passed(qtbot: QtBot, console: ConsoleWindow) -> None:
    """Wait until a card would have shown, had it been going to."""
    controller = console.copying.card_controller
    qtbot.waitUntil(lambda: not controller._intent.isActive(), timeout=CARD_TIMEOUT_MS)


# -- 2.1.1: Enter copies, as Space does ----------------------------------------------


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_on_a_focused_card_button_copies(
    qtbot, console_page: ConsolePage, read_with_xclip, key, modifier
):
    console = console_page.window
    button = opened_by_keyboard(console_page, "Dana Levi")
    assert button.objectName() == "copyIdButton"
    assert button.hasFocus()

    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(button, key, modifier)

    assert read_with_xclip() == DEMO_ACTIVE_ID
    assert button.text() == COPIED_TEXT
    assert console_page.status_message == f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_copies_from_a_participant_card_opened_by_keyboard(
    qtbot, console_page: ConsolePage, read_with_xclip, key, modifier
):
    button = opened_by_keyboard(console_page, "Grace Kim")
    assert button.objectName() == "copyIdButton"

    with qtbot.waitSignal(console_page.window.copying.said, timeout=5000):
        qtbot.keyClick(button, key, modifier)

    assert read_with_xclip() == GRACE_ID


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_on_copy_session_url_copies_a_fresh_link_for_that_participant(
    qtbot, console_page: ConsolePage, hub, data_dir, read_with_xclip, key, modifier
):
    console = console_page.window
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    opened_by_keyboard(console_page, "Grace Kim")
    url_button = named(console.copying.card, QPushButton, "copyUrlButton")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert url_button.hasFocus()

    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(url_button, key, modifier)

    url = read_with_xclip()
    stored_link(data_dir, url, access_id=GRACE_ID)
    assert url_button.text() == COPIED_TEXT
    message = console_page.status_message
    assert message.startswith("Copied a new Session URL (127.0.0.1:8765) for Grace Kim.")
    assert token_of(url) not in message


def test_enter_with_a_modifier_does_not_copy(qtbot, console_page: ConsolePage):
    button = opened_by_keyboard(console_page, "Dana Levi")
    with qtbot.assertNotEmitted(button.clicked):
        qtbot.keyClick(button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


# -- 2.4.7: the focus ring shows at once ----------------------------------------------


def render_button(button: QPushButton, state: QStyle.StateFlag) -> QImage:
    """Paint ``button`` with the current style as it would be in ``state``."""
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = button.text()
    option.state = state
    image = QImage(button.size(), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    button.style().drawControl(QStyle.ControlElement.CE_PushButton, option, painter, button)
    painter.end()
    return image


def assert_focus_ring_drawn(button: QPushButton) -> None:
    """The button has focus, and the style is told to draw its focus frame, and does.

    Styles draw a focus frame only with ``State_KeyboardFocusChange`` (Fusion's
    PE_FrameFocusRect and its button bevel return without it), which
    ``QStyleOption.initFrom`` sets from the window's ``WA_KeyboardFocusChange``.
    Qt sets that attribute itself only during a Tab key event or for a shortcut.
    """
    assert button.hasFocus()
    option = QStyleOptionButton()
    option.initFrom(button)
    assert option.state & QStyle.StateFlag.State_HasFocus
    assert option.state & QStyle.StateFlag.State_KeyboardFocusChange
    assert button.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    without_ring = option.state & ~QStyle.StateFlag.State_KeyboardFocusChange
    assert render_button(button, option.state) != render_button(button, without_ring), (
        "the style draws the same button with and without the focus frame"
    )


@pytest.mark.parametrize(("key", "modifier"), OPEN_KEYS)
def test_a_card_opened_by_keyboard_shows_the_focus_ring_on_its_first_button_at_once(
    qtbot, console, key, modifier
):
    console.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)  # as after a click

    button = open_customer_card_by_key(qtbot, console, key, modifier)

    assert button.objectName() == "copyIdButton"
    assert_focus_ring_drawn(button)


def test_a_participant_card_opened_by_keyboard_shows_the_focus_ring_at_once(
    console_page: ConsolePage,
):
    console_page.window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)

    button = opened_by_keyboard(console_page, "Luis Ortega")

    assert button.objectName() == "resendInviteButton"  # his invitation did not fail
    assert_focus_ring_drawn(button)


# -- 1.4.13: Esc dismisses a hover card, wherever focus is --------------------------------


@pytest.mark.parametrize(
    "focus_on", ["sessionList", "documentParticipantsView", "endSessionButton"]
)
def test_escape_closes_a_hover_card_wherever_focus_is_in_the_window(
    qtbot, console_page: ConsolePage, focus_on
):
    elsewhere = named(console_page.window, QWidget, focus_on)
    focus(qtbot, elsewhere)
    card = console_page.hover_customer()
    assert elsewhere.hasFocus(), "a hover card takes no focus"

    card.close()  # Esc, pressed where the focus is

    assert not card.is_open
    assert elsewhere.hasFocus(), "Esc dismisses the card and moves no focus"


def test_a_dismissed_card_stays_away_until_the_pointer_moves_to_another_anchor(
    qtbot, console_page: ConsolePage
):
    console = console_page.window
    session_list = named(console, QWidget, "sessionList")
    focus(qtbot, session_list)
    grace = console_page.hover_participant("Grace Kim")

    grace.close()  # Esc, with the focus on the session list
    hover_participant(qtbot, console, row=1, dx=30)  # the pointer wiggles on the same row
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()

    assert console_page.hover_participant("Luis Ortega").person == "Luis Ortega"


def test_a_hover_card_still_stays_while_the_pointer_moves_into_it(qtbot, console_page: ConsolePage):
    """Dismissible, and still hoverable and persistent."""
    console = console_page.window
    card = console_page.hover_customer()
    note = named(console.copying.card, QWidget, "copyCardNote")
    qtbot.mouseMove(note, note.rect().center())
    qtbot.waitUntil(
        lambda: not console.copying.card_controller._hide.isActive(), timeout=CARD_TIMEOUT_MS
    )
    assert card.is_open


# -- 4.1.2: names, roles and descriptions ------------------------------------------------


def accessible(widget: QWidget) -> QAccessibleInterface:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface


@pytest.mark.parametrize("name", ["Dana Levi", "Grace Kim"], ids=["customer", "participant"])
def test_the_card_is_a_named_and_described_dialog_for_screen_readers(
    qtbot, console_page: ConsolePage, hub, name
):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    console_page.open_card_with_keyboard(name)
    card = console_page.window.copying.card

    interface = accessible(card)
    assert interface.role() == QAccessible.Role.Dialog
    # Both invitations failed: the card offers the copy buttons, then Resend invite.
    assert interface.text(QAccessible.Text.Name) == f"Invitation and session details for {name}"
    assert interface.text(QAccessible.Text.Description) == COPY_FIRST_DESCRIPTION
    assert COPY_FIRST_DESCRIPTION == (
        "Choose what to copy to the clipboard, or send the invitation again."
    )
    for button in card.visible_buttons():
        button_interface = accessible(button)
        assert button_interface.role() == QAccessible.Role.Button
        assert button_interface.text(QAccessible.Text.Name) == button.text()
        preview = card.previews[next(a for a, b in card.buttons.items() if b is button)]
        assert button_interface.text(QAccessible.Text.Description) == preview.accessibleName()
        assert accessible(preview).role() == QAccessible.Role.StaticText
    parent = accessible(card.visible_buttons()[0]).parent()
    while parent is not None and parent.object() is not card:
        parent = parent.parent()
    assert parent is not None, "the buttons are inside the card's dialog for screen readers"


def test_esc_takes_focus_back_to_the_icon_with_its_focus_ring(console_page: ConsolePage):
    console = console_page.window
    console.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)
    card = console_page.open_card_with_keyboard("Dana Levi")
    assert QApplication.focusWidget() is named(console.copying.card, QPushButton, "copyIdButton")

    card.close()  # Esc, on the focused button

    icon = console.view.customer_icon
    assert not card.is_open
    assert icon.hasFocus()
    assert console.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)


def test_focus_on_a_button_an_admin_turns_off_moves_to_one_that_stays(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    console_page.open_card_with_keyboard("Dana Levi")
    card = console.copying.card
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert named(card, QPushButton, "copyUrlButton").hasFocus()

    save_through_hub(qtbot, hub, copy_session_url=False)

    assert card.isVisible()
    assert_focus_ring_drawn(named(card, QPushButton, "copyIdButton"))
