"""The copy card by keyboard and for assistive technology (WCAG 2.1: 2.1.1, 2.4.7, 1.4.13, 4.1.2).

Keys go through Qt as a user's would (``qtbot.keyClick``), and what a screen
reader gets is read from Qt's own accessibility interfaces.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QImage, QPainter
from PySide6.QtWidgets import QApplication, QPushButton, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT, COPY_FIRST_DESCRIPTION
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    hover_customer,
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


def open_participant_card_by_key(qtbot: QtBot, console: ConsoleWindow, row: int) -> QPushButton:
    """Focus row ``row``, press Enter: the card's first button (Resend invite first where the
    invitation did not fail), which has focus."""
    view = console.view.participants_view
    focus(qtbot, view)
    view.setCurrentIndex(console.view.participants_model.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert console.copying.card.isVisible()
    first = console.copying.card.ordered_buttons()[0]
    assert first.hasFocus()
    return first


def hover_participant(qtbot: QtBot, console: ConsoleWindow, row: int, dx: int = 10) -> None:
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + dx, rect.center().y()))


def wait_for_card(qtbot: QtBot, console: ConsoleWindow) -> None:
    qtbot.waitUntil(console.copying.card.isVisible, timeout=CARD_TIMEOUT_MS)


def wait_until_intent_passed(qtbot: QtBot, console: ConsoleWindow) -> None:
    """Wait until a card would have shown, had it been going to."""
    controller = console.copying.card_controller
    qtbot.waitUntil(lambda: not controller._intent.isActive(), timeout=CARD_TIMEOUT_MS)


# -- 2.1.1: Enter copies, as Space does ----------------------------------------------


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_on_a_focused_card_button_copies(qtbot, console, read_with_xclip, key, modifier):
    button = open_customer_card_by_key(qtbot, console)
    assert button.objectName() == "copyIdButton"
    assert button.hasFocus()

    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(button, key, modifier)

    assert read_with_xclip() == DEMO_ACTIVE_ID
    assert button.text() == COPIED_TEXT
    assert console.statusBar().currentMessage() == (
        f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."
    )


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_copies_from_a_participant_card_opened_by_keyboard(
    qtbot, console, read_with_xclip, key, modifier
):
    button = open_participant_card_by_key(qtbot, console, row=1)
    assert console.copying.card.title.text() == "Grace Kim"

    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(button, key, modifier)

    assert read_with_xclip() == GRACE_ID


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
@pytest.mark.usefixtures("clear_clipboard")
def test_enter_on_copy_session_url_copies_a_fresh_link_for_that_participant(
    qtbot, console, hub, data_dir, read_with_xclip, key, modifier
):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    open_participant_card_by_key(qtbot, console, row=1)
    url_button = named(console.copying.card, QPushButton, "copyUrlButton")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert url_button.hasFocus()

    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(url_button, key, modifier)

    url = read_with_xclip()
    stored_link(data_dir, url, access_id=GRACE_ID)
    assert url_button.text() == COPIED_TEXT
    message = console.statusBar().currentMessage()
    assert message.startswith("Copied a new Session URL (127.0.0.1:8765) for Grace Kim.")
    assert token_of(url) not in message


def test_enter_with_a_modifier_does_not_copy(qtbot, console):
    button = open_customer_card_by_key(qtbot, console)
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


def test_a_participant_card_opened_by_keyboard_shows_the_focus_ring_at_once(qtbot, console):
    console.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)

    button = open_participant_card_by_key(qtbot, console, row=2)

    assert console.copying.card.title.text() == "Luis Ortega"
    assert button.objectName() == "resendInviteButton"  # his invitation did not fail
    assert_focus_ring_drawn(button)


# -- 1.4.13: Esc dismisses a hover card, wherever focus is --------------------------------


@pytest.mark.parametrize(
    "focus_on", ["sessionList", "documentParticipantsView", "endSessionButton"]
)
def test_escape_closes_a_hover_card_wherever_focus_is_in_the_window(qtbot, console, focus_on):
    elsewhere = named(console, QWidget, focus_on)
    focus(qtbot, elsewhere)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    assert elsewhere.hasFocus(), "a hover card takes no focus"

    qtbot.keyClick(elsewhere, Qt.Key.Key_Escape)

    assert not console.copying.card.isVisible()
    assert elsewhere.hasFocus(), "Esc dismisses the card and moves no focus"


def test_a_dismissed_card_stays_away_until_the_pointer_moves_to_another_anchor(qtbot, console):
    session_list = named(console, QWidget, "sessionList")
    focus(qtbot, session_list)
    hover_participant(qtbot, console, row=1)
    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Grace Kim"

    qtbot.keyClick(session_list, Qt.Key.Key_Escape)
    hover_participant(qtbot, console, row=1, dx=30)  # the pointer wiggles on the same row
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()

    hover_participant(qtbot, console, row=2)
    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Luis Ortega"


def test_a_hover_card_still_stays_while_the_pointer_moves_into_it(qtbot, console):
    """Dismissible, and still hoverable and persistent."""
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    note = named(console.copying.card, QWidget, "copyCardNote")
    qtbot.mouseMove(note, note.rect().center())
    qtbot.waitUntil(
        lambda: not console.copying.card_controller._hide.isActive(), timeout=CARD_TIMEOUT_MS
    )
    assert console.copying.card.isVisible()


# -- 4.1.2: names, roles and descriptions ------------------------------------------------


def accessible(widget: QWidget) -> QAccessibleInterface:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface


@pytest.mark.parametrize(
    ("open_card", "name"),
    [
        (lambda qtbot, console: open_customer_card_by_key(qtbot, console), "Dana Levi"),
        (lambda qtbot, console: open_participant_card_by_key(qtbot, console, 1), "Grace Kim"),
    ],
    ids=["customer", "participant"],
)
def test_the_card_is_a_named_and_described_dialog_for_screen_readers(
    qtbot, console, hub, open_card: Callable[[QtBot, ConsoleWindow], QPushButton], name
):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    open_card(qtbot, console)
    card = console.copying.card

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


def test_esc_takes_focus_back_to_the_icon_with_its_focus_ring(qtbot, console):
    console.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)
    button = open_customer_card_by_key(qtbot, console)

    qtbot.keyClick(button, Qt.Key.Key_Escape)

    icon = console.view.customer_icon
    assert not console.copying.card.isVisible()
    assert icon.hasFocus()
    assert console.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)


def test_focus_on_a_button_an_admin_turns_off_moves_to_one_that_stays(qtbot, console, hub):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    open_customer_card_by_key(qtbot, console)
    card = console.copying.card
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert named(card, QPushButton, "copyUrlButton").hasFocus()

    save_through_hub(qtbot, hub, copy_session_url=False)

    assert card.isVisible()
    assert_focus_ring_drawn(named(card, QPushButton, "copyIdButton"))
