"""The hover copy card, driven with the pointer and the keyboard as an agent would."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_URL_BASE
from collab_console.core.errors import ClipboardError
from collab_console.core.identity import current_user
from collab_console.core.links import LinkState, token_hash
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT, FAREWELL_MS, INTENT_DELAY_MS
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.store_hub import POLL_INTERVAL_MS, StoreHub
from collab_console.store import Store, seed_demo
from collab_console.testing.pages import COPY_BUTTONS, ConsolePage
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    MASKED_URL,
    STORE_TIMEOUT_MS,
    both_text,
    centre,
    change_settings_elsewhere,
    click,
    clipboard_now,
    hover_customer,
    park_pointer,
    planted_url_base,
    right_click,
    run_context_menu,
    save_as_admin,
    save_through_hub,
    session_links,
    show_console,
    stored_link,
    token_of,
    url_in,
)

#: Grace Kim's own ID in the demo: random, nothing like the Session ID.
GRACE_ID = "K9ZC-3HNP"
#: Where the demo's links open, as the card and the status bar name it.
LINK_HOST = "127.0.0.1:8765"
NOTHING_COPIED = "nothing copied yet"
#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000


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


def test_resting_on_the_customer_icon_shows_the_card_below_it(console_page: ConsolePage):
    console = console_page.window
    assert not console.copying.card.isVisible()
    card = console_page.hover_customer()
    assert card.person == "Dana Levi"
    assert console.copying.card.subtitle.text() == "Customer · SMS invite failed"
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


def test_escape_closes_the_card(console_page: ConsolePage):
    console = console_page.window
    card = console_page.hover_customer()
    console.copying.card.visible_buttons()[0].setFocus()
    card.close()
    assert not card.is_open
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


def test_with_no_detail_enabled_the_card_offers_resend_invite_only(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=False, url_on=False)
    assert "turned off" in console.view.copy_hint.text()
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    card = console.copying.card
    assert visible_button_names(console) == []
    assert [b.objectName() for b in card.ordered_buttons()] == ["resendInviteButton"]
    note = card.findChild(QLabel, "deliveryNoteLabel")
    assert note is not None
    assert note.isVisible()
    assert "ask an admin to turn on Copy Session ID or Copy Session URL" in note.text()


def test_no_card_for_an_ended_session(qtbot, console_page: ConsolePage, hub):
    console = console_page.window
    set_copy(qtbot, hub, id_on=True, url_on=True)
    console_page.select_session(DEMO_ENDED_ID)
    assert console_page.header_text == f"Ended · Session {DEMO_ENDED_ID}"
    assert console.view.customer_icon.accessibleName() == "Customer: Priya Nair"
    assert not console.view.end_button.isEnabled()
    hover_customer(qtbot, console)
    wait_until_intent_passed(qtbot, console)
    assert not console.copying.card.isVisible()
    qtbot.keyClick(console.view.customer_icon, Qt.Key.Key_Return)
    assert not console.copying.card.isVisible()
    assert "has ended" in console.statusBar().currentMessage()


# -- copying --------------------------------------------------------------------


def everything_shown(console: ConsoleWindow) -> str:
    """What the console shows and tells screen readers of the card and in the status bar."""
    card = console.copying.card
    texts = [console.statusBar().currentMessage(), card.accessibleName()]
    texts += [label.text() for label in card.findChildren(QLabel)]
    for button in card.findChildren(QPushButton):
        texts += [button.text(), button.accessibleName(), button.accessibleDescription()]
    return "\n".join(texts)


def assert_never_shown(console: ConsoleWindow, url: str) -> None:
    """A copied Session URL is a secret: not on the card, not in the status bar."""
    shown = everything_shown(console)
    assert url not in shown
    assert token_of(url) not in shown


@pytest.mark.usefixtures("clear_clipboard")
def test_copy_session_id_puts_the_exact_id_on_the_system_clipboard(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    set_copy(qtbot, hub, id_on=True, url_on=True)
    card = console_page.hover_customer()
    button = card_button(console, "copyIdButton")

    assert card.copy("Session ID") == DEMO_ACTIVE_ID  # as another program pastes it

    assert clipboard_now() == DEMO_ACTIVE_ID
    assert button.text() == COPIED_TEXT
    assert button.accessibleName() == COPIED_TEXT
    assert console.statusBar().currentMessage() == (
        f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."
    )
    qtbot.waitUntil(lambda: button.text() != COPIED_TEXT, timeout=CARD_TIMEOUT_MS)


@pytest.mark.parametrize(
    ("button_name", "text", "status"),
    [
        (
            "Session URL",
            lambda url: url,
            f"Copied a new Session URL ({LINK_HOST}) for Dana Levi.",
        ),
        (
            "both",
            lambda url: both_text("Dana Levi", url, DEMO_ACTIVE_ID),
            f"Copied Session ID {DEMO_ACTIVE_ID} and a new Session URL ({LINK_HOST}) "
            "for Dana Levi.",
        ),
    ],
    ids=["url", "both"],
)
@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_button_puts_a_fresh_link_on_the_system_clipboard_and_never_on_screen(
    qtbot, console_page: ConsolePage, hub, data_dir, button_name, text, status
):
    console = console_page.window
    set_copy(qtbot, hub, id_on=True, url_on=True)
    card = console_page.hover_customer()
    button = card_button(console, COPY_BUTTONS[button_name])

    copied = card.copy(button_name)  # Dana's invitation failed: no reason is asked

    assert clipboard_now() == copied
    url = url_in(copied)
    assert copied == text(url), "exactly this, and nothing else"
    link = stored_link(data_dir, url, access_id=DEMO_ACTIVE_ID)
    assert link.expires_at is not None
    assert round((link.expires_at - link.made_at).total_seconds()) == 30 * 60
    assert button.text() == COPIED_TEXT
    assert button.accessibleName() == COPIED_TEXT
    assert console.statusBar().currentMessage() == (f"{status} It works for 30 minutes.")
    assert_never_shown(console, url)
    qtbot.waitUntil(lambda: button.text() != COPIED_TEXT, timeout=CARD_TIMEOUT_MS)


@pytest.mark.usefixtures("clear_clipboard")
def test_a_participant_row_offers_that_participants_own_details(
    qtbot, console_page: ConsolePage, hub, data_dir
):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    card = console_page.hover_participant("Grace Kim")
    assert card.person == "Grace Kim"
    subtitle = console_page.window.copying.card.subtitle
    assert subtitle.text() == "Document participant · E-mail invite failed"
    url = card.copy("Session URL")
    stored_link(data_dir, url, access_id=GRACE_ID)
    assert console_page.status_message.startswith(
        f"Copied a new Session URL ({LINK_HOST}) for Grace Kim."
    )
    assert card.copy("Session ID") == GRACE_ID


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
    def unreachable(text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
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


# -- a new link for every URL copy --------------------------------------------------


def every_file(folder: Path) -> bytes:
    """Everything the store wrote under ``folder`` (its file and journals), as bytes."""
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


@pytest.mark.usefixtures("clear_clipboard")
def test_two_url_copies_for_one_person_put_two_different_live_links_on_the_clipboard(
    qtbot, console, hub, data_dir
):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_participant(qtbot, console, row=1)
    wait_for_card(qtbot, console)
    button = card_button(console, "copyUrlButton")

    copy_by_click(qtbot, console, button)
    first = clipboard_now()
    copy_by_click(qtbot, console, button)
    second = clipboard_now()

    assert first != second, "every copy makes a new link"
    older, newer = (stored_link(data_dir, url, access_id=GRACE_ID) for url in (first, second))
    assert older.link_id != newer.link_id
    assert session_links(data_dir) == [newer, older], "both live, newest first"
    stored = every_file(data_dir)
    for url in (first, second):
        assert token_hash(token_of(url)).encode() in stored
        assert token_of(url).encode() not in stored, "the store keeps the token's hash only"


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_past_the_per_person_limit_says_not_copied_and_copies_nothing(
    qtbot, console, hub, data_dir
):
    save_through_hub(
        qtbot, hub, acknowledged=True, copy_session_url=True, max_live_links_per_person=1
    )
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    copy_by_click(qtbot, console, card_button(console, "copyUrlButton"))
    kept = stored_link(data_dir, clipboard_now(), access_id=DEMO_ACTIVE_ID)
    QApplication.clipboard().setText(NOTHING_COPIED)  # the agent copies something else
    both = card_button(console, "copyBothButton")

    copy_by_click(qtbot, console, both)

    assert clipboard_now() == NOTHING_COPIED
    assert both.text() == "Copy both", "no Copied ✓"
    assert console.statusBar().currentMessage() == (
        "Not copied: this person already has 1 live link (at most 1); "
        "revoke one, or regenerate their links."
    )
    assert session_links(data_dir) == [kept], "no second link was made"
    assert visible_button_names(console) == ["copyIdButton", "copyUrlButton", "copyBothButton"]


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_whose_clipboard_fails_revokes_the_link_it_made(
    qtbot, console, hub, data_dir, monkeypatch
):
    """Nobody has that link: it must not stay live."""
    set_copy(qtbot, hub, id_on=True, url_on=True)

    def unreachable(text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
        raise ClipboardError("the system clipboard could not be reached; try again")

    monkeypatch.setattr(console.copying.clipboard, "put", unreachable)
    heard: list[str] = []
    hub.links_changed.connect(heard.append)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    button = card_button(console, "copyUrlButton")

    copy_by_click(qtbot, console, button)

    assert console.statusBar().currentMessage() == (
        "Not copied: The system clipboard could not be reached; try again."
    )
    assert button.text() == "Copy Session URL"
    assert clipboard_now() == NOTHING_COPIED
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=STORE_TIMEOUT_MS)  # made, then revoked
    assert heard == [DEMO_ACTIVE_ID, DEMO_ACTIVE_ID]
    [link] = session_links(data_dir)
    assert link.access_id == DEMO_ACTIVE_ID
    assert link.state(datetime.now(UTC)) is LinkState.REVOKED
    assert link.revoked_by == current_user()


def test_a_link_made_for_a_copy_the_console_closed_before_is_revoked(
    qtbot, console, hub, data_dir, monkeypatch
):
    """The console closes while a URL copy is on the store's thread: the link was made,
    but it never reaches the clipboard, so nobody holds it and it must not stay live."""
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    made = threading.Event()
    mint_link = hub.store.mint_link

    def mint_and_say(*args: Any, **kwargs: Any) -> Any:
        minted = mint_link(*args, **kwargs)
        made.set()
        return minted

    monkeypatch.setattr(hub.store, "mint_link", mint_and_say)
    card_button(console, "copyUrlButton").click()  # no event loop runs from here on

    assert made.wait(STORE_TIMEOUT_MS / 1000), "no link was made"
    hub.close()  # as the console's quit does, before the copy's result arrived

    [link] = session_links(data_dir)
    assert link.state(datetime.now(UTC)) is LinkState.REVOKED
    assert link.revoked_by == current_user()
    assert clipboard_now() == NOTHING_COPIED


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_tells_open_windows_of_its_new_link_and_an_id_copy_makes_none(
    qtbot, console, hub, data_dir
):
    """The Links dialog follows ``links_changed``: a link this console made is listed at once."""
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)

    with qtbot.assertNotEmitted(hub.links_changed):
        copy_by_click(qtbot, console, card_button(console, "copyIdButton"))
    assert session_links(data_dir) == []

    with qtbot.waitSignal(hub.links_changed, timeout=STORE_TIMEOUT_MS) as heard:
        copy_by_click(qtbot, console, card_button(console, "copyUrlButton"))

    assert heard.args == [DEMO_ACTIVE_ID]
    assert len(session_links(data_dir)) == 1


def test_a_url_base_that_is_not_valid_withholds_the_url_buttons_and_says_why(
    qtbot, demo_store, data_dir
):
    """Fail closed: no Session URL is made on a base that does not pass its checks."""
    save_as_admin(demo_store, acknowledged=True, copy_session_url=True)
    planted = StoreHub(
        demo_store,
        settings=planted_url_base(demo_store.load_settings()),
        sessions=demo_store.list_sessions(),
        poll_ms=3_600_000,
    )
    try:
        window = show_console(qtbot, planted)
        hover_customer(qtbot, window)
        wait_for_card(qtbot, window)

        assert visible_button_names(window) == ["copyIdButton"]
        withheld = window.copying.card.findChild(QLabel, "copyCardWithheld")
        assert withheld is not None
        assert withheld.isVisible()
        assert withheld.text() == (
            "Not offered: The Session URL base is not valid "
            "(the Session URL base must not contain '?' or '#')."
        )
        assert "phish" not in everything_shown(window), "the planted link is not repeated"
        assert window.copying.card.findChild(QLabel, "copyCardLinkHost").isHidden()
        seen = run_context_menu(
            qtbot,
            lambda: right_click(window.view.customer_icon, centre(window.view.customer_icon)),
            None,
        )
        assert seen == [("Copy Session ID", True), ("", True), ("Resend invite", True)]
        assert session_links(data_dir) == []
    finally:
        planted.close()


def assert_no_gaps(card: QWidget) -> None:
    """What the card shows is stacked with the layout's spacing, and the card ends
    with the last of it: no empty space where a hidden button was."""
    form = card.findChild(QWidget, "copyCardForm")
    assert form is not None
    layout = form.layout()
    assert layout is not None
    shown = sorted(
        (w for w in form.findChildren(QWidget) if w.parentWidget() is form and w.isVisible()),
        key=lambda w: w.y(),
    )
    for above, below in itertools.pairwise(shown):
        gap = below.geometry().top() - above.geometry().bottom() - 1
        assert gap <= layout.spacing(), f"{gap} px between {above.objectName()} and below"
    bottom = shown[-1].mapTo(card, QPoint(0, shown[-1].height())).y()
    assert card.height() - bottom <= layout.contentsMargins().bottom() + 2 * card.frameWidth()
    assert card.height() == card.sizeHint().height()


def test_an_open_card_says_what_an_admin_turned_off_and_closes_up_the_gap(qtbot, console, hub):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    card = console.copying.card
    change = card.findChild(QLabel, "copyCardChange")
    assert change is not None
    assert change.isHidden()
    tall = card.height()

    set_copy(qtbot, hub, id_on=True, url_on=False)

    assert visible_button_names(console) == ["copyIdButton"]
    assert change.isVisible()
    assert change.text() == "Copy Session URL was turned off by an admin."
    assert card.findChild(QLabel, "copyUrlPreview").isHidden()
    assert card.findChild(QLabel, "copyBothPreview").isHidden()
    assert card.findChild(QLabel, "copyCardLinkHost").isHidden()
    assert card.height() < tall
    assert_no_gaps(card)

    set_copy(qtbot, hub, id_on=True, url_on=True)  # back on: the note goes
    assert visible_button_names(console) == ["copyIdButton", "copyUrlButton", "copyBothButton"]
    assert change.isHidden()
    assert_no_gaps(card)


def test_a_card_left_with_no_copy_detail_keeps_resend_invite_and_says_why(
    qtbot, console, hub, data_dir: Path
):
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    card = console.copying.card
    change = card.findChild(QLabel, "copyCardChange")
    assert change is not None

    change_settings_elsewhere(data_dir, copy_session_id=False)

    qtbot.waitUntil(lambda: change.isVisible(), timeout=POLL_TIMEOUT_MS)
    assert card.isVisible()
    assert change.text() == "Copy Session ID was turned off by an admin."
    assert visible_button_names(console) == []
    assert [b.objectName() for b in card.ordered_buttons()] == ["resendInviteButton"]
    assert "ask an admin" in card.findChild(QLabel, "deliveryNoteLabel").text()
    assert_no_gaps(card)
    assert not console.copying.card_controller.closing


def test_focus_on_a_copy_button_that_goes_moves_to_resend_invite(qtbot, console, hub):
    icon = console.view.customer_icon
    icon.setFocus()
    qtbot.waitUntil(icon.hasFocus)
    qtbot.keyClick(icon, Qt.Key.Key_Return)
    card = console.copying.card
    assert card_button(console, "copyIdButton").hasFocus()

    set_copy(qtbot, hub, id_on=False, url_on=False)

    assert card.isVisible()
    assert card_button(console, "resendInviteButton").hasFocus()


def test_focus_stays_in_a_card_that_is_saying_goodbye_then_returns_home(qtbot, console, hub):
    icon = console.view.customer_icon
    icon.setFocus()
    qtbot.waitUntil(icon.hasFocus)
    qtbot.keyClick(icon, Qt.Key.Key_Return)
    card = console.copying.card
    assert card_button(console, "copyIdButton").hasFocus()

    hub.call(lambda store: store.end_session(DEMO_ACTIVE_ID, datetime.now(UTC), actor="qa"))

    qtbot.waitUntil(lambda: console.copying.card_controller.closing, timeout=POLL_TIMEOUT_MS)
    assert card.isVisible()
    focused = QApplication.focusWidget()
    assert focused is card or card.isAncestorOf(focused)
    qtbot.waitUntil(lambda: not card.isVisible(), timeout=FAREWELL_MS + 3000)
    assert icon.hasFocus()


def test_a_card_whose_session_ends_says_so_before_it_closes(qtbot, console, hub):
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    card = console.copying.card
    ended = console.session
    assert ended is not None
    hub.call(lambda store: store.end_session(DEMO_ACTIVE_ID, datetime.now(UTC), actor="qa"))

    qtbot.waitUntil(lambda: card.change_text != "", timeout=POLL_TIMEOUT_MS)
    assert card.change_text == "This session has ended; there is nothing to copy now."
    qtbot.waitUntil(lambda: not card.isVisible(), timeout=FAREWELL_MS + 3000)


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


@pytest.mark.usefixtures("clear_clipboard")
def test_right_click_on_the_icon_gives_the_same_actions_as_a_menu(qtbot, console, hub, data_dir):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    icon = console.view.customer_icon

    seen = run_context_menu(qtbot, lambda: right_click(icon, centre(icon)), "Copy Session URL")
    assert seen == [
        ("Copy Session ID", True),
        ("Copy Session URL", True),
        ("Copy both", True),
        ("", True),  # a separator
        (f"Links open {LINK_HOST}", False),
        ("", True),
        ("Resend invite", True),  # after the copies: Dana's invitation failed
    ]
    qtbot.waitUntil(lambda: clipboard_now().startswith(DEMO_URL_BASE), timeout=5000)
    stored_link(data_dir, clipboard_now(), access_id=DEMO_ACTIVE_ID)


def test_right_click_when_copying_is_off_offers_resend_invite(
    qtbot, console_page: ConsolePage, hub
):
    set_copy(qtbot, hub, id_on=False, url_on=False)

    assert console_page.context_menu("Luis Ortega") == ["Resend invite"]


def test_right_click_with_nothing_to_offer_explains_why(qtbot, console, hub):
    ended_row = console.sessions.model.row_of(DEMO_ENDED_ID)
    rect = console.session_list.visualRect(console.sessions.model.index(ended_row, 0))
    qtbot.mouseClick(console.session_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: console.session is not None and not console.session.is_active)
    view = console.view.participants_view
    row = view.visualRect(console.view.participants_model.index(0, 0))

    seen = run_context_menu(qtbot, lambda: right_click(view.viewport(), row.center()), None)
    assert seen == [(f"Session {DEMO_ENDED_ID} has ended; there is nothing to copy.", False)]


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
    save_as_admin(demo_store, acknowledged=True, copy_session_url=True)
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

        assert clipboard_now() == NOTHING_COPIED
        assert (
            window.statusBar()
            .currentMessage()
            .startswith("Not copied: Copy Session URL is turned off")
        )
        assert visible_button_names(window) == ["copyIdButton"], "the card caught up too"
        assert session_links(data_dir) == [], "a refused copy makes no link"
    finally:
        quiet.close()


# -- where the card goes, and the wheel (WCAG 1.4.13) -------------------------------------

BUSY_SESSION_ID = "BNCH-0000"


@pytest.fixture
def busy_console(qtbot: QtBot, store: Store) -> Iterator[ConsoleWindow]:
    """The console on a session with more Document participants than its list shows."""
    assert seed_demo(store, extra_participants=60)
    busy_hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    window = show_console(qtbot, busy_hub)
    window.sessions.select(BUSY_SESSION_ID)
    qtbot.waitUntil(
        lambda: window.session is not None and window.session.session_id == BUSY_SESSION_ID
    )
    park_pointer(qtbot, window)
    yield window
    busy_hub.close()


def row_in_window(console: ConsoleWindow, row: int) -> QRect:
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    return QRect(view.viewport().mapTo(console, rect.topLeft()), rect.size())


def rest_on_row(qtbot: QtBot, console: ConsoleWindow, row: int, *, from_right: int) -> QPoint:
    """Rest the pointer on ``row``, ``from_right`` pixels from its right end; where, in
    the window's coordinates."""
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    spot = QPoint(rect.right() - from_right, rect.center().y())
    qtbot.mouseMove(view.viewport(), spot)
    return view.viewport().mapTo(console, spot)


def assert_placed_clear_of(console: ConsoleWindow, row: QRect, pointer: QPoint) -> None:
    card = console.copying.card.geometry()
    assert not card.intersects(row), f"the card {card} covers its row {row}"
    assert not card.contains(pointer), "the card opened under the pointer"
    assert console.rect().contains(card), "the card is kept inside the window"


@pytest.mark.parametrize("from_right", [4, 300], ids=["far-right", "middle"])
def test_a_participant_card_covers_neither_its_row_nor_the_pointer(qtbot, console, from_right):
    pointer = rest_on_row(qtbot, console, 1, from_right=from_right)
    wait_for_card(qtbot, console)

    assert console.copying.card.title.text() == "Grace Kim"
    assert_placed_clear_of(console, row_in_window(console, 1), pointer)
    view = console.view.participants_view
    name_end = (
        view.viewport()
        .mapTo(console, QPoint(view.fontMetrics().horizontalAdvance("Grace Kim"), 0))
        .x()
    )
    assert console.copying.card.geometry().left() > name_end, "beside the row's text"


def test_a_card_with_no_room_below_its_row_flips_above_it(qtbot, busy_console):
    console = busy_console
    view = console.view.participants_view
    model = console.view.participants_model
    whole = [
        row
        for row in range(model.rowCount())
        if view.viewport().rect().contains(view.visualRect(model.index(row, 0)))
    ]
    last = whole[-1]
    assert last > 0
    pointer = rest_on_row(qtbot, console, last, from_right=4)
    wait_for_card(qtbot, console)

    row = row_in_window(console, last)
    assert_placed_clear_of(console, row, pointer)
    assert console.copying.card.geometry().bottom() < row.top()


def test_a_card_opened_by_keyboard_does_not_open_under_the_pointer(qtbot, console):
    view = console.view.participants_view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.setCurrentIndex(console.view.participants_model.index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    where = console.copying.card.geometry()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.mouseMove(console, where.center())  # the pointer waits where the card would go

    qtbot.keyClick(view, Qt.Key.Key_Return)

    assert console.copying.card.isVisible()
    assert_placed_clear_of(console, row_in_window(console, 1), where.center())


def test_the_wheel_over_a_card_scrolls_the_list_under_it(qtbot, busy_console):
    console = busy_console
    bar = console.view.participants_view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == 0
    second = console.view.participants_model.participant(1)
    rest_on_row(qtbot, console, 1, from_right=4)
    wait_for_card(qtbot, console)
    card = console.copying.card
    assert card.title.text() == second.name
    note = card.findChild(QLabel, "copyCardNote")
    assert note is not None
    qtbot.mouseMove(note, note.rect().center())
    over_card = note.mapTo(console, note.rect().center())
    viewport = console.view.participants_view.viewport()
    list_area = QRect(viewport.mapTo(console, QPoint(0, 0)), viewport.size())
    assert list_area.contains(over_card), "the pointer is on the card, over the list"
    assert QApplication.widgetAt(console.mapToGlobal(over_card)) is note

    handle = console.windowHandle()
    assert handle is not None
    QTest.wheelEvent(handle, over_card, QPoint(0, -120))

    qtbot.waitUntil(lambda: bar.value() > 0, timeout=CARD_TIMEOUT_MS)
    if card.isVisible():  # it follows its row, still clear of it
        row = console.view.participants_model.row_of_key(second.access_id)
        assert row == 1
        assert not card.geometry().intersects(row_in_window(console, row))


# -- what the card says it copies, and the privacy screen ---------------------------------


def preview(console: ConsoleWindow, name: str) -> QLabel:
    label = console.copying.card.findChild(QLabel, name)
    assert label is not None
    return label


def test_the_card_says_whose_details_and_what_each_button_copies(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    set_copy(qtbot, hub, id_on=True, url_on=True)
    page = console_page.hover_customer()

    card = console.copying.card
    assert page.person == "Dana Levi"
    assert card.subtitle.text() == "Customer · SMS invite failed"
    assert page.preview("Session ID") == DEMO_ACTIVE_ID
    assert page.preview("Session URL") == MASKED_URL
    both = both_text("Dana Levi", MASKED_URL, DEMO_ACTIVE_ID)
    # Each link starts a line of its own: word wrap never breaks one after its "http://".
    assert page.preview("both") == (
        "Hello Dana Levi, here is your link to join the session:\n"
        f"{MASKED_URL}\n"
        f"If it does not open, go to\n{DEMO_URL_BASE} and enter the Session ID {DEMO_ACTIVE_ID}."
    )
    for name, text in (
        ("copyIdButton", DEMO_ACTIVE_ID),
        ("copyUrlButton", MASKED_URL),
        ("copyBothButton", both),
    ):
        assert card_button(console, name).accessibleDescription() == text
    assert preview(console, "copyCardLinkHost").text() == f"Links open {LINK_HOST}"
    resend = "A new SMS invite to +1 •••• ••00"
    assert page.preview("Resend invite") == resend
    assert card_button(console, "resendInviteButton").accessibleDescription() == resend


@pytest.fixture
def privacy(console: ConsoleWindow) -> PrivacyScreen:
    screen = console.copying.privacy
    assert screen is not None, "the console hands its privacy screen to the copy card"
    screen.set_masked(False)
    return screen


@pytest.mark.usefixtures("clear_clipboard")
def test_the_privacy_screen_masks_the_card_and_the_status_bar_but_not_the_clipboard(
    qtbot, console, hub, data_dir, privacy, read_with_xclip
):
    set_copy(qtbot, hub, id_on=True, url_on=True)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    card = console.copying.card

    with qtbot.waitSignal(privacy.changed):
        privacy.set_masked(True)

    assert card.title.text() == "D••• L•••"
    assert card.accessibleName() == "Invitation and session details for D••• L•••"
    assert preview(console, "copyIdPreview").text() == "••••-••HX"
    assert preview(console, "copyUrlPreview").text() == MASKED_URL
    assert preview(console, "copyBothPreview").text().startswith("Hello D••• L•••, here is")
    shown = " ".join(label.text() for label in card.findChildren(QLabel))
    assert "Dana" not in shown
    assert DEMO_ACTIVE_ID not in shown

    copy_by_click(qtbot, console, card_button(console, "copyIdButton"))
    assert read_with_xclip() == DEMO_ACTIVE_ID
    assert console.statusBar().currentMessage() == "Copied Session ID ••••-••HX for D••• L•••."

    copy_by_click(qtbot, console, card_button(console, "copyBothButton"))
    copied = read_with_xclip()
    url = url_in(copied)
    assert copied == both_text("Dana Levi", url, DEMO_ACTIVE_ID)
    stored_link(data_dir, url, access_id=DEMO_ACTIVE_ID)
    message = console.statusBar().currentMessage()
    assert message == (
        f"Copied Session ID ••••-••HX and a new Session URL ({LINK_HOST}) for D••• L•••. "
        "It works for 30 minutes."
    )
    assert_never_shown(console, url)

    with qtbot.waitSignal(privacy.changed):
        privacy.set_masked(False)
    assert card.title.text() == "Dana Levi"
    assert preview(console, "copyIdPreview").text() == DEMO_ACTIVE_ID


def test_a_participant_card_is_masked_too(qtbot, console, privacy):
    privacy.set_masked(True)
    hover_participant(qtbot, console, row=1)
    wait_for_card(qtbot, console)

    assert console.copying.card.title.text() == "G••• K•••"
    assert preview(console, "copyIdPreview").text() == "••••-••NP"
    shown = everything_shown(console)
    assert "Grace" not in shown
    assert GRACE_ID not in shown


# -- the intent delay, never short -------------------------------------------------------


class ShowSpy(QObject):
    """Calls ``seen`` each time ``widget`` is shown."""

    def __init__(self, widget: QWidget, seen: Callable[[], None]) -> None:
        super().__init__(widget)
        self._seen = seen
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._seen()
        return False


def test_the_card_never_shows_before_the_pointer_rested_the_intent_delay(qtbot, console):
    """The controller's clock runs at 80 % speed here, so every timer seems to fire
    early by a fifth: the card must wait out the rest. A slow machine only makes the
    rest longer, so this cannot flake; and it does not time anything itself."""
    controller = console.copying.card_controller
    real = controller.clock
    start = real()
    controller.clock = lambda: start + (real() - start) * 0.8
    rested_when_shown: list[float] = []
    ShowSpy(console.copying.card, lambda: rested_when_shown.append(controller.rested_ms()))

    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)

    assert rested_when_shown
    assert min(rested_when_shown) >= INTENT_DELAY_MS


def test_moving_on_the_icon_brings_the_card_after_a_stale_leave(qtbot, console):
    """X can deliver a Leave late, after the pointer is already back on the icon: the
    next move on the icon must still bring the card, as resting on a row does."""
    icon = console.view.customer_icon
    hover_customer(qtbot, console)
    QApplication.sendEvent(icon, QEvent(QEvent.Type.Leave))  # the stale Leave

    qtbot.mouseMove(icon, centre(icon) + QPoint(2, 1))

    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Dana Levi"


def test_a_session_that_arrives_under_a_resting_pointer_brings_its_card(qtbot, console):
    """The pointer rests on the icon while the agent switches sessions by keyboard:
    no Enter comes, yet the card of the session now shown appears."""
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console)
    sessions = console.session_list
    sessions.setFocus()
    qtbot.keyClick(sessions, Qt.Key.Key_Down)  # the ended session: no card
    qtbot.waitUntil(lambda: console.session.session_id == DEMO_ENDED_ID)
    qtbot.waitUntil(lambda: not console.copying.card.isVisible(), timeout=CARD_TIMEOUT_MS)

    qtbot.keyClick(sessions, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: console.session.session_id == DEMO_ACTIVE_ID)

    wait_for_card(qtbot, console)
    assert console.copying.card.title.text() == "Dana Levi"
