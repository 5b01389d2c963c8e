"""Invitations in the console: where each one stands, Resend invite, the reason for a URL copy,
Add participant, and the sender at work, driven as an agent would.

The demo's invitations (``core.demo``): Dana Levi's SMS failed (the carrier blocked it),
Omar Haddad's SMS was delivered, Grace Kim's e-mail bounced, Luis Ortega's SMS was sent.
Another process is another store object on the same file, as another console or the
CLI would be.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.audit import AuditKind
from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS, DEMO_URL_BASE
from collab_console.core.domain import Participant, Session
from collab_console.core.events import SessionStarted
from collab_console.core.identity import current_user
from collab_console.gui.add_participant_dialog import AddParticipantDialog
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import (
    CARD_DESCRIPTION,
    CONFIRM_MS,
    COPY_FIRST_DESCRIPTION,
    RESEND_DESCRIPTION,
    RESEND_DONE_TEXT,
    RESEND_FIRST_DESCRIPTION,
    RESEND_TEXT,
)
from collab_console.gui.copy_controller import NOT_COPIED_NO_REASON
from collab_console.gui.invitation_sender import InvitationSender
from collab_console.gui.models import ALERT_LINE_ROLE, SESSION_ID_ROLE
from collab_console.gui.session_view import RESEND_CUSTOMER_HINT, RESEND_HINT
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store
from collab_console.testing.pages import ConsolePage, CopyCardPage
from tests.gui.helpers import (
    STORE_TIMEOUT_MS,
    click,
    clipboard_now,
    named,
    park_pointer,
    right_click,
    run_context_menu,
    save_as_admin,
    save_through_hub,
    stored_link,
)

pytestmark = pytest.mark.gui

OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
#: The demo's invitation of Luis Ortega (the fourth of the active session).
LUIS_INVITATION = "I-7QKM0004"
DANA_FAILED = (
    "SMS invite failed: the SMS gateway answered HTTP 403 Forbidden:"
    " the carrier blocked the message"
)
GRACE_FAILED = (
    "E-mail invite failed: the mail server smtp.example.com:587 refused it:"
    " 550 5.1.1 mailbox unavailable"
)
COPY_BUTTONS = ["copyIdButton", "copyUrlButton", "copyBothButton"]
#: The core's sentence when no copy detail is enabled (``nothing_to_copy_reason``).
COPYING_OFF = (
    "Copying session details is turned off. An admin can turn it on in "
    "Settings > Preferences > Session > Tools > Copy session details."
)


def row_of(console: ConsoleWindow, access_id: str) -> int:
    row = console.view.participants_model.row_of_key(access_id)
    assert row >= 0, f"no row for {access_id}"
    return row


def row_lines(console: ConsoleWindow, access_id: str) -> list[str]:
    model = console.view.participants_model
    return str(model.index(row_of(console, access_id), 0).data()).split("\n")


def open_card_of(console_page: ConsolePage, name: str) -> CopyCardPage:
    """Hover ``name`` (the customer's icon or a participant's row) and wait for their card."""
    if name == console_page.customer_name:
        return console_page.hover_customer()
    return console_page.hover_participant(name)


def button_order(console: ConsoleWindow) -> list[str]:
    return [button.objectName() for button in console.copying.card.ordered_buttons()]


def resend_button(console: ConsoleWindow) -> QPushButton:
    return named(console.copying.card, QPushButton, "resendInviteButton")


def above(first: QWidget, second: QWidget) -> bool:
    """``first`` is drawn above ``second`` on screen."""
    return first.mapToGlobal(QPoint(0, 0)).y() < second.mapToGlobal(QPoint(0, 0)).y()


@pytest.fixture
def elsewhere(data_dir: Path) -> Iterator[Store]:
    """Another process's connection to the console's store (another console, the CLI)."""
    other = open_store(data_dir)
    yield other
    other.close()


@pytest.fixture
def sender(hub: StoreHub, data_dir: Path) -> Iterator[InvitationSender]:
    """The console's sender, on a store connection of its own, writing to the outbox folder."""
    running = InvitationSender(
        hub,
        lambda: open_store(data_dir),
        actor="agent.tess",
        outbox_dir=data_dir / "outbox",
        interval_ms=500,
    )
    running.start()
    yield running
    assert running.close(wait_s=5.0), "the sender's thread did not end"


# -- where each invitation stands ---------------------------------------------------------


def test_the_header_says_the_customers_sms_invite_failed_and_why_in_bold_red(console):
    label = named(console, QLabel, "inviteStatusLabel")
    assert label.text() == DANA_FAILED
    assert label.isVisible()
    assert "color: #" in label.styleSheet()
    assert "font-weight: bold" in label.styleSheet()
    assert label.accessibleName() == f"Customer's invitation: {DANA_FAILED}"


def test_each_participant_row_says_where_their_invitation_stands(console):
    model = console.view.participants_model
    assert row_lines(console, OMAR)[2] == "SMS invite delivered"
    assert row_lines(console, GRACE)[2] == "E-mail invite failed"
    assert row_lines(console, LUIS)[2] == "SMS invite sent"
    grace = model.index(row_of(console, GRACE), 0)
    # The reason is in the tooltip and for screen readers, not squeezed into the row.
    assert grace.data(Qt.ItemDataRole.ToolTipRole) == f"Grace Kim\n{GRACE_FAILED}"
    assert grace.data(Qt.ItemDataRole.AccessibleTextRole).endswith(GRACE_FAILED)
    assert grace.data(ALERT_LINE_ROLE) == 2  # drawn as a failure
    assert model.index(row_of(console, OMAR), 0).data(ALERT_LINE_ROLE) is None


def test_the_session_list_says_where_each_customers_invitation_stands(console):
    model = console.sessions.model
    lines = {
        str(model.index(row, 0).data(SESSION_ID_ROLE)): str(model.index(row, 0).data())
        for row in range(model.rowCount())
    }
    assert lines[DEMO_ACTIVE_ID].split("\n")[2].endswith(" · SMS invite failed")
    active = model.index(model.row_of(DEMO_ACTIVE_ID), 0)
    assert active.data(Qt.ItemDataRole.ToolTipRole) == f"Dana Levi\n{DANA_FAILED}"


# -- the card follows the card plan ---------------------------------------------------------


def test_a_failed_invitation_puts_the_note_and_the_copy_buttons_before_resend(
    qtbot, console_page: ConsolePage
):
    console = console_page.window
    open_card_of(console_page, "Dana Levi")
    card = console.copying.card

    note = named(card, QLabel, "deliveryNoteLabel")
    assert note.isVisible()
    assert note.text() == (
        "The invitation could not be delivered: the SMS gateway answered HTTP 403 Forbidden: "
        "the carrier blocked the message. Copy the details and give them another way."
    )
    assert button_order(console) == ["copyIdButton", "resendInviteButton"]
    assert above(note, card.buttons[next(iter(card.buttons))])
    assert above(card.visible_buttons()[-1], resend_button(console))
    assert card.subtitle.text() == "Customer · SMS invite failed"
    assert not named(card, QLabel, "copyCardNote").isVisible()


def test_a_delivered_invitation_leads_with_resend_invite(qtbot, console_page: ConsolePage):
    console = console_page.window
    open_card_of(console_page, "Omar Haddad")
    card = console.copying.card

    assert button_order(console) == ["resendInviteButton", "copyIdButton"]
    assert above(resend_button(console), card.visible_buttons()[0])
    assert not named(card, QLabel, "deliveryNoteLabel").isVisible()
    assert card.subtitle.text() == "Document participant · SMS invite delivered"
    assert named(card, QLabel, "resendInvitePreview").text() == "A new SMS invite to +44 •••• ••12"
    note = named(card, QLabel, "copyCardNote")
    assert note.isVisible()
    assert "Use Resend invite" in note.text()


def test_a_card_opened_by_keyboard_focuses_the_first_button_of_the_plan(
    qtbot, console_page: ConsolePage
):
    console = console_page.window
    omar = console_page.open_card_with_keyboard("Omar Haddad")
    assert resend_button(console).hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert named(console.copying.card, QPushButton, "copyIdButton").hasFocus()

    omar.close()
    console_page.open_card_with_keyboard("Grace Kim")
    assert named(console.copying.card, QPushButton, "copyIdButton").hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert resend_button(console).hasFocus()


def test_with_no_copy_detail_enabled_the_card_tells_the_agent_to_ask_an_admin(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    save_through_hub(qtbot, hub, copy_session_id=False, copy_session_url=False)
    open_card_of(console_page, "Dana Levi")

    note = named(console.copying.card, QLabel, "deliveryNoteLabel")
    assert "No session detail may be copied: ask an admin" in note.text()
    assert console.copying.card.visible_buttons() == []
    assert button_order(console) == ["resendInviteButton"]
    assert resend_button(console).isEnabled()


def card_says(console: ConsoleWindow) -> tuple[str, str]:
    """The open card's accessible name and description, as a screen reader gets them."""
    interface = QAccessible.queryAccessibleInterface(console.copying.card)
    assert interface is not None
    return interface.text(QAccessible.Text.Name), interface.text(QAccessible.Text.Description)


def add_elsewhere(
    qtbot: QtBot, console: ConsoleWindow, store: Store, name: str, contact: str
) -> Participant:
    """Another console adds ``name`` to the demo session; this one shows their row."""
    added, _event, _queued = store.add_participant(
        DEMO_ACTIVE_ID, name=name, contact=contact, actor="agent.sam", now=datetime.now(UTC)
    )
    model = console.view.participants_model
    qtbot.waitUntil(lambda: model.row_of_key(added.access_id) >= 0, timeout=STORE_TIMEOUT_MS)
    return added


def test_the_cards_name_says_what_it_offers_and_for_whom(
    qtbot, console_page: ConsolePage, elsewhere
):
    console = console_page.window
    # Copy Session ID is on (the demo's settings): Resend invite leads where the
    # invitation did not fail, the copy buttons where it did.
    open_card_of(console_page, "Omar Haddad")
    assert card_says(console) == (
        "Invitation and session details for Omar Haddad",
        RESEND_FIRST_DESCRIPTION,
    )
    assert RESEND_FIRST_DESCRIPTION == (
        "Send the invitation again, or choose what to copy to the clipboard."
    )
    open_card_of(console_page, "Grace Kim")
    assert card_says(console) == (
        "Invitation and session details for Grace Kim",
        COPY_FIRST_DESCRIPTION,
    )

    # No phone or e-mail: nothing to resend, copying only.
    ivo = add_elsewhere(qtbot, console, elsewhere, "Ivo Petrov", "")
    open_card_of(console_page, ivo.name)
    assert button_order(console) == ["copyIdButton"]
    assert card_says(console) == ("Copy session details for Ivo Petrov", CARD_DESCRIPTION)


def test_with_copying_off_the_hint_and_the_card_offer_resend_invite(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    hint = named(console, QLabel, "copyHintLabel")
    save_through_hub(qtbot, hub, copy_session_id=False, copy_session_url=False)

    qtbot.waitUntil(lambda: hint.text() == f"{RESEND_HINT} {COPYING_OFF}")
    assert RESEND_HINT == "Point at the customer icon or a participant to resend their invite."
    omar = open_card_of(console_page, "Omar Haddad")
    assert button_order(console) == ["resendInviteButton"]
    assert card_says(console) == ("Resend invite for Omar Haddad", RESEND_DESCRIPTION)
    assert RESEND_DESCRIPTION == "Send the invitation again."

    # By keyboard too, as before: Enter on the customer icon, focus on Resend invite.
    park_pointer(qtbot, console)
    omar.close()
    console_page.open_card_with_keyboard("Dana Levi")
    assert resend_button(console).hasFocus()
    assert card_says(console) == ("Resend invite for Dana Levi", RESEND_DESCRIPTION)


def test_with_copying_off_and_no_participant_to_invite_the_hint_names_the_customer(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    save_through_hub(qtbot, hub, copy_session_id=False, copy_session_url=False)
    started: list[Session] = []

    def done(result: tuple[Session, SessionStarted]) -> None:
        started.append(result[0])

    hub.call(
        lambda store: store.start_session(
            customer_name="Ana Souza", contact="ana@example.org", now=datetime.now(UTC), actor="qa"
        ),
        done,
    )
    qtbot.waitUntil(lambda: bool(started), timeout=STORE_TIMEOUT_MS)
    console_page.select_session(started[0].session_id)
    qtbot.waitUntil(lambda: console.session == started[0], timeout=STORE_TIMEOUT_MS)

    hint = named(console, QLabel, "copyHintLabel")
    assert hint.text() == f"{RESEND_CUSTOMER_HINT} {COPYING_OFF}"
    assert RESEND_CUSTOMER_HINT == "Point at the customer icon to resend the customer's invite."


def test_the_context_menu_follows_the_card_plan(qtbot, console):
    view = console.view.participants_view
    model = console.view.participants_model
    omar = view.visualRect(model.index(row_of(console, OMAR), 0)).center()
    grace = view.visualRect(model.index(row_of(console, GRACE), 0)).center()

    seen_omar = run_context_menu(qtbot, lambda: right_click(view.viewport(), omar), None)
    seen_grace = run_context_menu(qtbot, lambda: right_click(view.viewport(), grace), None)

    assert seen_omar == [("Resend invite", True), ("", True), ("Copy Session ID", True)]
    assert seen_grace == [("Copy Session ID", True), ("", True), ("Resend invite", True)]


# -- Resend invite ----------------------------------------------------------------------------


def test_resend_queues_an_invite_then_counts_down_and_the_row_follows(
    qtbot, console_page: ConsolePage, data_dir
):
    console = console_page.window
    omar_card = open_card_of(console_page, "Omar Haddad")
    button = resend_button(console)
    assert button.text() == RESEND_TEXT

    assert omar_card.resend_invite() == "Invite queued for Omar Haddad."

    assert console_page.status_message == "Invite queued for Omar Haddad."
    qtbot.waitUntil(lambda: row_lines(console, OMAR)[2] == "SMS invite queued", timeout=5000)
    card = console.copying.card
    assert card.isVisible(), "the card stays open while its row changes"
    assert card.subtitle.text() == "Document participant · SMS invite queued"
    qtbot.waitUntil(lambda: button.text().startswith("Resend in "), timeout=5000)
    assert not button.isEnabled()
    first = int(button.text().split()[2])
    assert 0 < first <= 30
    qtbot.waitUntil(lambda: int(button.text().split()[2]) < first, timeout=3000)
    check = open_store(data_dir)
    try:
        omar = check.deliveries(DEMO_ACTIVE_ID)[OMAR]
        entry = check.audit_log(limit=5)[0]
    finally:
        check.close()
    assert omar.state is DeliveryState.QUEUED
    assert omar.resend
    assert (entry.kind, entry.participant_id, entry.new_value) == (
        AuditKind.INVITATION_QUEUED,
        OMAR,
        "resend",
    )


def queued_resends(data_dir: Path, access_id: str) -> int:
    check = open_store(data_dir)
    try:
        entries = check.audit_log(limit=50)
    finally:
        check.close()
    return sum(
        1
        for entry in entries
        if entry.kind is AuditKind.INVITATION_QUEUED
        and entry.participant_id == access_id
        and entry.new_value == "resend"
    )


def test_with_no_resend_interval_resend_invite_is_never_disabled_after_a_resend(
    qtbot, console_page: ConsolePage, hub, data_dir
):
    console = console_page.window
    save_through_hub(qtbot, hub, resend_interval_seconds=0)
    card = open_card_of(console_page, "Omar Haddad")
    button = resend_button(console)

    assert card.resend_invite() == "Invite queued for Omar Haddad."

    assert console_page.status_message == "Invite queued for Omar Haddad."
    assert button.text() == RESEND_DONE_TEXT
    assert button.isEnabled()
    qtbot.waitUntil(lambda: button.text() == RESEND_TEXT, timeout=CONFIRM_MS + 2000)
    assert button.isEnabled()
    # Nothing to wait for: a second click at once queues another invitation.
    assert card.resend_invite() == "Invite queued for Omar Haddad."
    assert console_page.status_message == "Invite queued for Omar Haddad."
    assert button.isEnabled()
    assert queued_resends(data_dir, OMAR) == 2


def test_an_interval_turned_to_zero_ends_the_countdown_at_once(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    card = open_card_of(console_page, "Omar Haddad")
    button = resend_button(console)
    assert card.resend_invite() == "Invite queued for Omar Haddad."
    qtbot.waitUntil(lambda: button.text().startswith("Resend in "), timeout=5000)
    assert not button.isEnabled()

    save_through_hub(qtbot, hub, resend_interval_seconds=0)

    assert button.isEnabled()
    assert button.text() == RESEND_TEXT


def test_a_resend_too_soon_shows_the_stores_wait_and_says_why(
    qtbot, console_page: ConsolePage, elsewhere
):
    console = console_page.window
    # Another console resent Grace's invite a moment ago.
    elsewhere.queue_invitation(DEMO_ACTIVE_ID, GRACE, actor="agent.sam", now=datetime.now(UTC))
    card = open_card_of(console_page, "Grace Kim")
    button = resend_button(console)
    qtbot.waitUntil(button.isEnabled, timeout=5000)

    message = card.resend_invite()

    assert console_page.status_message == message
    assert message.startswith("An invite was sent to Grace Kim moments ago: wait ")
    assert message.endswith(" seconds before resending.")
    assert button.text().startswith("Resend in ")
    assert not button.isEnabled()
    assert button.text().endswith(" s")


def test_an_invitation_delivered_elsewhere_updates_its_row_while_the_card_stays_open(
    qtbot, console_page: ConsolePage, elsewhere
):
    console = console_page.window
    luis = open_card_of(console_page, "Luis Ortega")
    card = console.copying.card
    assert card.subtitle.text() == "Document participant · SMS invite sent"

    elsewhere.record_report(
        LUIS_INVITATION, state=DeliveryState.DELIVERED, now=datetime.now(UTC), actor="gateway"
    )

    qtbot.waitUntil(lambda: row_lines(console, LUIS)[2] == "SMS invite delivered", timeout=5000)
    qtbot.waitUntil(
        lambda: card.subtitle.text() == "Document participant · SMS invite delivered", timeout=5000
    )
    assert luis.is_open, "Luis Ortega's card stays open"


# -- the reason for a URL copy ------------------------------------------------------------------


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_for_someone_whose_invite_did_not_fail_asks_why(
    qtbot, console_page: ConsolePage, hub, data_dir
):
    console = console_page.window
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    open_card_of(console_page, "Omar Haddad")
    click(qtbot, named(console.copying.card, QPushButton, "copyUrlButton"))
    dialog = wait_for_reason_dialog(qtbot, console)
    ok = named(dialog, QPushButton, "copyReasonButton")
    edit = named(dialog, QLineEdit, "copyReasonEdit")
    qtbot.waitUntil(edit.hasFocus, timeout=3000)
    assert not ok.isEnabled()

    with qtbot.waitSignal(console.copying.said, timeout=STORE_TIMEOUT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert console_page.status_message == NOT_COPIED_NO_REASON
    assert clipboard_now() == "nothing copied yet"

    open_card_of(console_page, "Omar Haddad")
    click(qtbot, named(console.copying.card, QPushButton, "copyUrlButton"))
    dialog = wait_for_reason_dialog(qtbot, console)
    edit = named(dialog, QLineEdit, "copyReasonEdit")
    qtbot.keyClicks(edit, "why")
    assert not named(dialog, QPushButton, "copyReasonButton").isEnabled()
    qtbot.keyClicks(edit, ": his phone  blocks links")
    assert named(dialog, QPushButton, "copyReasonButton").isEnabled()
    with qtbot.waitSignal(console.copying.said, timeout=STORE_TIMEOUT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    url = clipboard_now()
    assert url.startswith(DEMO_URL_BASE)
    stored_link(data_dir, url, access_id=OMAR)
    check = open_store(data_dir)
    try:
        copies = [e for e in check.audit_log(limit=10) if e.kind is AuditKind.COPY]
    finally:
        check.close()
    assert copies[0].participant_id == OMAR
    assert copies[0].detail == "url"
    assert copies[0].new_value == "why: his phone blocks links"


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_for_a_failed_invitation_asks_nothing(
    qtbot, console_page: ConsolePage, hub, data_dir
):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)

    url = open_card_of(console_page, "Grace Kim").copy("Session URL")  # fails if asked why

    assert console_page.window.copying.reason_dialog is None
    stored_link(data_dir, url, access_id=GRACE)


def wait_for_reason_dialog(qtbot: QtBot, console: ConsoleWindow) -> QWidget:
    qtbot.waitUntil(
        lambda: (
            console.copying.reason_dialog is not None and console.copying.reason_dialog.isVisible()
        ),
        timeout=5000,
    )
    dialog = console.copying.reason_dialog
    assert dialog is not None
    assert dialog.objectName() == "copyReasonDialog"
    qtbot.waitExposed(dialog)
    return dialog


# -- Add participant, and the sender ------------------------------------------------------


def test_add_participant_adds_a_row_and_its_invitation_reaches_the_outbox(
    qtbot, console_page: ConsolePage, sender, data_dir
):
    console = console_page.window
    outbox = data_dir / "outbox"
    add = console_page.open_add_participant()
    assert add.dialog.objectName() == "addParticipantDialog"
    add_button = named(add.dialog, QPushButton, "addParticipantButton")

    add.fill("grace KIM", "")
    assert add.error_text == "Grace Kim is already in this session."
    add.fill("Ivo Petrov", "+44 20 79")
    assert add.error_text  # parse_contact's sentence about the number
    assert not add_button.isEnabled()

    said = add.add("Ivo Petrov", "ivo@example.org")

    assert said == f"Added Ivo Petrov to session {DEMO_ACTIVE_ID}; their invitation is queued."
    # Window-modal and deleted once closed: adding again and again leaks no dialog.
    qtbot.waitUntil(lambda: not console.findChildren(AddParticipantDialog))
    assert console.add_participant_dialog is None
    model = console.view.participants_model
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=STORE_TIMEOUT_MS)
    ivo = model.participant(3)
    assert ivo.name == "Ivo Petrov"
    qtbot.waitUntil(lambda: any(outbox.glob("*.eml")), timeout=10_000)
    qtbot.waitUntil(
        lambda: row_lines(console, ivo.access_id)[2] == "E-mail invite sent", timeout=5000
    )


def test_the_sender_sends_what_was_queued_before_it_started(qtbot, hub, elsewhere, data_dir):
    elsewhere.queue_invitation(DEMO_ACTIVE_ID, OMAR, actor="agent.sam", now=datetime.now(UTC))
    running = InvitationSender(
        hub, lambda: open_store(data_dir), actor=current_user(), outbox_dir=data_dir / "outbox"
    )
    try:
        with qtbot.waitSignal(running.round_done, timeout=10_000):
            running.start()
        assert [path.suffix for path in (data_dir / "outbox").iterdir()] == [".json"]
        assert elsewhere.deliveries(DEMO_ACTIVE_ID)[OMAR].state is DeliveryState.SENT
    finally:
        assert running.close()
    assert not running.running


def test_quitting_while_a_send_hangs_takes_no_more_than_a_second(qtbot, hub, data_dir):
    """A mail server that accepts the connection and never answers: close() gives up on
    the send, and the thread's claim is left to expire."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    other = open_store(data_dir)
    try:
        save_as_admin(
            other,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            smtp_sender="invites@example.com",
        )
        other.queue_invitation(DEMO_ACTIVE_ID, GRACE, actor="agent.sam", now=datetime.now(UTC))
    finally:
        other.close()
    running = InvitationSender(
        hub,
        lambda: open_store(data_dir),
        actor="agent.tess",
        outbox_dir=data_dir / "outbox",
        timeout=3.0,  # its thread ends soon after the test
    )
    running.start()
    silent.settimeout(10)
    connection, _ = silent.accept()  # the sender waits for the server's greeting now
    try:
        started = time.monotonic()
        ended = running.close()
        took = time.monotonic() - started
    finally:
        connection.close()
        silent.close()
    assert took < 1.5
    assert not ended, "the send was abandoned, not waited for"
