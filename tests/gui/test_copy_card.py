"""The hover copy card, driven with the pointer and the keyboard as an agent would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.core.errors import ClipboardError
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT
from collab_console.gui.store_hub import StoreHub
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    centre,
    change_settings_elsewhere,
    click,
    clipboard_now,
    hover_customer,
    park_pointer,
    right_click,
    save_through_hub,
)

SESSION_URL = f"https://collab.example.com/join/{DEMO_ACTIVE_ID}"
GRACE_ID = f"{DEMO_ACTIVE_ID}-P2"
GRACE_URL = f"https://collab.example.com/join/{GRACE_ID}"
BOTH_TEXT = f"Join your collaboration session:\n{SESSION_URL}\nSession ID: {DEMO_ACTIVE_ID}"


def set_copy(qtbot: QtBot, hub: StoreHub, *, id_on: bool, url_on: bool) -> None:
    """Change the settings as an admin would, acknowledging the URL warning."""
    save_through_hub(
        qtbot, hub, acknowledged=url_on, copy_session_id=id_on, copy_session_url=url_on
    )


def hover_participant(qtbot: QtBot, console: ConsoleWindow, row: int) -> None:
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + 10, rect.center().y()))


def wait_for_card(qtbot: QtBot, console: ConsoleWindow) -> None:
    qtbot.waitUntil(console.copying.card.isVisible, timeout=CARD_TIMEOUT_MS)


def wait_until_intent_passed(qtbot: QtBot, console: ConsoleWindow) -> None:
    """Wait until the card would have shown, had it been going to."""
    controller = console.copying.card_controller
    qtbot.waitUntil(lambda: not controller._intent.isActive(), timeout=CARD_TIMEOUT_MS)


def visible_button_names(console: ConsoleWindow) -> list[str]:
    return [b.objectName() for b in console.copying.card.visible_buttons()]


def copy_by_click(qtbot: QtBot, console: ConsoleWindow, button: QPushButton) -> None:
    """Click a copy button and wait until the console has said what happened.

    The click is checked against the store first (on the worker thread), so the
    value lands a moment later; ``said`` marks that moment.
    """
    with qtbot.waitSignal(console.copying.said, timeout=5000):
        click(qtbot, button)


def card_button(console: ConsoleWindow, name: str) -> QPushButton:
    button = console.copying.card.findChild(QPushButton, name)
    assert button is not None
    return button


# -- hovering -------------------------------------------------------------------


def test_resting_on_the_customer_icon_shows_the_card_below_it(qtbot, console):
    assert not console.copying.card.isVisible()
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Dana Levi"
    assert console.copying.card.subtitle.text() == "Customer"
    icon_bottom = console.view.customer_icon.mapTo(
        console, QPoint(0, console.view.customer_icon.height())
    )
    assert console.copying.card.geometry().top() >= icon_bottom.y()
    assert abs(console.copying.card.geometry().left() - icon_bottom.x()) < 4


def test_passing_over_the_icon_shows_no_card(qtbot, console):
    hover_customer(qtbot, console)
    park_pointer(qtbot, console)
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()


def test_card_holds_while_the_pointer_moves_into_it_and_hides_after_leaving(qtbot, console):
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    button = console.copying.card.visible_buttons()[0]
    qtbot.mouseMove(button, centre(button))
    qtbot.waitUntil(
        lambda: not console.copying.card_controller._hide.isActive(), timeout=CARD_TIMEOUT_MS
    )
    assert console.copying.card.isVisible()
    park_pointer(qtbot, console)
    qtbot.waitUntil(lambda: not console.copying.card.isVisible(), timeout=CARD_TIMEOUT_MS)


def test_escape_closes_the_card(qtbot, console):
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    button = console.copying.card.visible_buttons()[0]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Escape)
    assert not console.copying.card.isVisible()
    assert console.view.customer_icon.hasFocus()


@pytest.mark.parametrize(
    ("id_on", "url_on", "buttons"),
    [
        (True, False, ["copyIdButton"]),
        (False, True, ["copyUrlButton"]),
        (True, True, ["copyIdButton", "copyUrlButton", "copyBothButton"]),
    ],
)
def test_card_offers_one_button_per_enabled_detail(qtbot, console, hub, id_on, url_on, buttons):
    set_copy(qtbot, hub, id_on=id_on, url_on=url_on)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    assert visible_button_names(console) == buttons
    for button in console.copying.card.visible_buttons():
        assert button.accessibleName() == button.text()


def test_no_card_when_no_detail_is_enabled(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=False, url_on=False)
    assert "turned off" in console.view.copy_hint.text()
    hover_customer(qtbot, console)
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()


def test_no_card_for_an_ended_session(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    ended_row = console.sessions.model.row_of(DEMO_ENDED_ID)
    rect = console.session_list.visualRect(console.sessions.model.index(ended_row, 0))
    qtbot.mouseClick(console.session_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: console.session is not None and not console.session.is_active)
    assert console.view.customer_icon.accessibleName() == "Customer: Priya Nair"
    assert not console.view.end_button.isEnabled()
    hover_customer(qtbot, console)
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()
    qtbot.keyClick(console.view.customer_icon, Qt.Key.Key_Return)
    assert not console.copying.card.isVisible()
    assert "has ended" in console.statusBar().currentMessage()


# -- copying --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("button_name", "expected", "status"),
    [
        ("copyIdButton", DEMO_ACTIVE_ID, f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."),
        ("copyUrlButton", SESSION_URL, "Copied Session URL (collab.example.com) for Dana Levi."),
        ("copyBothButton", BOTH_TEXT, f"Copied Session ID {DEMO_ACTIVE_ID} and Session URL"),
    ],
)
@pytest.mark.usefixtures("clear_clipboard")
def test_clicking_a_button_puts_the_exact_value_on_the_system_clipboard(
    qtbot, console, hub, read_with_xclip, button_name, expected, status
):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    button = card_button(console, button_name)
    copy_by_click(qtbot, console, button)
    assert clipboard_now() == expected
    assert read_with_xclip() == expected
    assert button.text() == COPIED_TEXT
    assert button.accessibleName() == COPIED_TEXT
    message = console.statusBar().currentMessage()
    assert message.startswith(status)
    assert "https://" not in message
    qtbot.waitUntil(lambda: button.text() != COPIED_TEXT, timeout=CARD_TIMEOUT_MS)


@pytest.mark.usefixtures("clear_clipboard")
def test_a_participant_row_offers_that_participants_own_details(
    qtbot, console, hub, read_with_xclip
):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_participant(qtbot, console, row=1)
    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Grace Kim"
    assert console.copying.card.subtitle.text() == "Document participant"
    copy_by_click(qtbot, console, card_button(console, "copyUrlButton"))
    assert read_with_xclip() == GRACE_URL
    copy_by_click(qtbot, console, card_button(console, "copyIdButton"))
    assert read_with_xclip() == GRACE_ID


def test_moving_to_another_row_moves_the_card(qtbot, console):
    hover_participant(qtbot, console, row=0)
    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Omar Haddad"
    hover_participant(qtbot, console, row=2)
    qtbot.waitUntil(
        lambda: console.copying.card.title.text() == "Luis Ortega", timeout=CARD_TIMEOUT_MS
    )
    assert console.copying.card.isVisible()


@pytest.mark.usefixtures("clear_clipboard")
def test_a_clipboard_that_cannot_be_reached_is_reported(qtbot, console, monkeypatch):
    def unreachable(text: str, *, sensitive: bool) -> None:
        raise ClipboardError("the system clipboard could not be reached; try again")

    monkeypatch.setattr(console.copying.clipboard, "put", unreachable)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    button = card_button(console, "copyIdButton")
    copy_by_click(qtbot, console, button)
    assert button.text() == "Copy Session ID"
    assert "clipboard could not be reached" in console.statusBar().currentMessage()
    assert clipboard_now() == "nothing copied yet"


def test_a_detail_turned_off_while_the_card_is_open_is_not_copied(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    url_button = card_button(console, "copyUrlButton")
    set_copy(qtbot, hub, id_on=True, url_on=False)
    assert url_button.isHidden()
    assert visible_button_names(console) == ["copyIdButton"]


# -- keyboard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_keys_on_the_customer_icon_open_the_card_with_focus_on_its_first_button(
    qtbot, console, key, modifier
):
    console.view.customer_icon.setFocus()
    qtbot.waitUntil(console.view.customer_icon.hasFocus)
    qtbot.keyClick(console.view.customer_icon, key, modifier)
    assert console.copying.card.isVisible()
    assert card_button(console, "copyIdButton").hasFocus()


@pytest.mark.usefixtures("clear_clipboard")
def test_keyboard_only_copy_from_a_participant_row(qtbot, console, read_with_xclip):
    view = console.view.participants_view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.setCurrentIndex(console.view.participants_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert console.copying.card.title.text() == "Grace Kim"
    button = card_button(console, "copyIdButton")
    assert button.hasFocus()
    with qtbot.waitSignal(console.copying.said, timeout=5000):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert read_with_xclip() == GRACE_ID
    qtbot.keyClick(button, Qt.Key.Key_Escape)
    assert not console.copying.card.isVisible()
    assert view.hasFocus()


def test_tabbing_out_of_the_card_closes_it(qtbot, console):
    console.view.customer_icon.setFocus()
    qtbot.keyClick(console.view.customer_icon, Qt.Key.Key_Return)
    assert console.copying.card.isVisible()
    console.view.end_button.setFocus()
    qtbot.waitUntil(lambda: not console.copying.card.isVisible())


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


@pytest.mark.usefixtures("clear_clipboard")
def test_right_click_on_the_icon_gives_the_same_actions_as_a_menu(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    icon = console.view.customer_icon

    seen = run_context_menu(qtbot, lambda: right_click(icon, centre(icon)), "Copy Session URL")
    assert seen == [
        ("Copy Session ID", True),
        ("Copy Session URL", True),
        ("Copy both", True),
        ("", True),  # the separator
        ("Links open collab.example.com", False),
    ]
    qtbot.waitUntil(lambda: clipboard_now() == SESSION_URL, timeout=5000)


def test_right_click_when_copying_is_off_explains_why(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=False, url_on=False)
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(2, 0))

    seen = run_context_menu(qtbot, lambda: right_click(view.viewport(), rect.center()), None)
    assert len(seen) == 1
    text, enabled = seen[0]
    assert "turned off" in text
    assert not enabled


def test_every_control_is_named_for_screen_readers(console):
    assert console.view.customer_icon.accessibleName() == "Customer: Dana Levi"
    for button in console.copying.card.buttons.values():
        assert button.accessibleName() == button.text()
    assert console.view.participants_view.accessibleName() == "Document participants"
    assert console.view.end_button.accessibleName() == console.view.end_button.text()


@pytest.mark.usefixtures("clear_clipboard")
def test_a_detail_turned_off_elsewhere_is_refused_at_the_click_before_the_card_knows(
    qtbot, demo_store, data_dir
):
    """Another admin turns URL copy off; this console has not polled yet and still shows
    the button. The click asks the store first, so nothing is copied."""
    demo_store.save_settings(
        demo_store.load_settings().changed(
            actor="admin.ana", now=datetime.now(UTC), acknowledged=True, copy_session_url=True
        )
    )
    quiet = StoreHub(
        demo_store,
        settings=demo_store.load_settings(),
        sessions=demo_store.list_sessions(),
        poll_ms=3_600_000,
    )
    try:
        window = ConsoleWindow(quiet)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.session is not None)
        park_pointer(qtbot, window)
        hover_customer(qtbot, window)
        wait_for_card(qtbot, window)
        url_button = card_button(window, "copyUrlButton")
        assert url_button.isVisible()

        change_settings_elsewhere(data_dir, copy_session_url=False)
        copy_by_click(qtbot, window, url_button)

        assert clipboard_now() == "nothing copied yet"
        assert (
            window.statusBar()
            .currentMessage()
            .startswith("Not copied: Copy Session URL is turned off")
        )
        assert visible_button_names(window) == ["copyIdButton"], "the card caught up too"
    finally:
        quiet.close()
