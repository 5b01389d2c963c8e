# ruff: noqa: E501  (SOURCE_ONLY and UNVERIFIED quote qa.md's sentences whole)
"""docs/qa.md's promises hold in the running app: every object name with its class, every text.

A tour drives the console on the demo store to every place qa.md documents and
records what was there (:mod:`tests.gui.qa_contract`); the test then lists every
name and text of qa.md that the tour did not meet, all at once, each with its
line of qa.md. The parser and the checker are tested on small inline pages,
including one that must fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import new_token, token_hash
from collab_console.core.lobby import JoinRequest
from collab_console.gui.add_participant_dialog import AddParticipantDialog
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.new_session_dialog import NewSessionDialog
from collab_console.gui.store_hub import POLL_INTERVAL_MS, StoreHub
from collab_console.gui.unreachable_dialog import UnreachableStoreDialog
from collab_console.store import Store, open_store
from tests.gui.helpers import (
    ADMIN,
    CARD_TIMEOUT_MS,
    STORE_TIMEOUT_MS,
    click,
    clipboard_now,
    driving_modal,
    hover_customer,
    named,
    open_unlock_dialog,
    park_pointer,
    retype,
    right_click,
    save_through_hub,
    show_preferences,
    token_of,
    type_credentials,
    url_in,
)
from tests.gui.qa_contract import (
    LiveRecord,
    checked_against_source,
    contract_breaches,
    in_source,
    met_live,
    parse_promises,
    quoted_texts,
    record_screen,
    source_strings,
    text_pattern,
)
from tests.store.admins import passphrase_for

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
QA_MD = ROOT / "docs" / "qa.md"
PACKAGE = ROOT / "app" / "collab_console"
FORMS = ROOT / "ui_forms"
OMAR, GRACE = DEMO_PARTICIPANT_IDS[0], DEMO_PARTICIPANT_IDS[1]
#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000

#: Texts of qa.md's widget tables that the tour does not bring about (a state that
#: takes a failing store, a clock that has run on, another admin…): each is
#: checked against the app's source strings instead, and says why here.
SOURCE_ONLY: dict[str, str] = {
    "Point at the customer icon to resend the customer's invite. Copying …": "the copy settings still being read, or copying turned off",  # qa.md line 194
    "Reading the copy settings from the store…": "the copy settings still being read, or copying turned off",  # qa.md line 194
    "Reading the lobby…": "the lobby being read, locked, failing, or several requests",  # qa.md line 196
    "Lobby locked: nobody can ask to join this session by its ID.": "the lobby being read, locked, failing, or several requests",  # qa.md line 196
    "The lobby could not be read: `<sentence>`": "the lobby being read, locked, failing, or several requests",  # qa.md line 196
    "Links open collab.example.com": "another URL base",  # qa.md line 323
    "Queuing…": "the moment the store is asked",  # qa.md line 325
    "Not offered: `<reason>`.": "a URL base or policy withheld",  # qa.md line 327
    "Copying is turned off for this session now.": "an admin turning details off while the card is open",  # qa.md line 328
    "This session has ended; there is nothing to copy now.": "an admin turning details off while the card is open",  # qa.md line 328
    "Only an admin can change these settings, and none is set up yet. To set up the first one, run collab-console admin init --name NAME in a terminal.": "no admin, or an unlock that ended",  # qa.md line 440
    "The unlock as `<admin>` has ended. Only an admin can change these settings.": "no admin, or an unlock that ended",  # qa.md line 440
    "To save, fix the SMTP server.": "a save under way, blocked, or settings still being read",  # qa.md line 477
    "Saving…": "a save under way, blocked, or settings still being read",  # qa.md line 477
    "Reading the settings…": "a save under way, blocked, or settings still being read",  # qa.md line 477
    "Unlock again to save your changes.": "a save under way, blocked, or settings still being read",  # qa.md line 477
    "This console was started with --theme `<theme>`. A choice here replaces it now and is kept for next time.": "a console started with --theme",  # qa.md line 485
    "Checking…": "the moment the core checks",
    "`<n>` failed attempts": "a second wrong passphrase, after the first one's wait",
    "… invite not sent yet, retrying: `<reason>`": "a transient send failure",
    "Keep the reason to 200 characters.": "a reason over 200 characters, which the field's limit stops",
    "The SMTP user name must be one line of at most 200 printable characters.": "a user name past the field's limit",
    "To save with Copy Session URL on, tick “I understand the security risk”.": "Copy Session URL ticked and not acknowledged in Preferences",
    "will be tried again": "a transient send failure",
    "`<n>` failed attempts for that name; try again in `<s>` s.": "a try inside the wait, which the dialog's countdown prevents",
    "No admin is set up yet; run collab-console admin init --name NAME first.": "no admin, or an unlock that ended",
    "The audit trail was altered: entry #`<n>` (`<time>` UTC, `<kind>` by `<actor>`) `<what does not match>`. The entries before #`<n>` still match their hashes; this one and those after it may have been changed, removed or slipped in.": "an altered audit chain",  # qa.md line 543
    "Warning: the audit trail was altered": "an altered audit chain",  # qa.md line 543
    "Refused: too soon after failed attempts": "audit entries the tour does not make",  # qa.md line 548
    "by e-mail to …": "audit entries the tour does not make",  # qa.md line 548
    "no phone or e-mail: not invited": "audit entries the tour does not make",  # qa.md line 548
    "Reading the audit trail…": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "1 entry": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "No entries.": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "No entries match.": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "More than `<n>` entries": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "The audit trail could not be read: `<sentence>`": "the audit log being read, empty, failing or past a page",  # qa.md line 549
    "Ivo Petrov is already in session 7QKM-92HX.": "a name taken meanwhile in another console, or an unreachable store",  # qa.md line 599
    "I••• P••• is already in session ••••-••HX.": "a name taken meanwhile in another console, or an unreachable store",  # qa.md line 599
    "Participant not added": "a name taken meanwhile in another console, or an unreachable store",  # qa.md line 599
    "Adding…": "the moment the store is asked",  # qa.md line 600
    "Reading the links…": "the links being read, none, or failing",  # qa.md line 622
    "The links could not be read: `<sentence>`": "the links being read, none, or failing",  # qa.md line 622
    "Invitation": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "When the session ends": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "Expired": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "09:30": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "4 Mar 09:30": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "4 Mar 2025 09:30": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "Works for the first join only": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "Stopped when the session ended": "invitation links, expired links, ended sessions, other days",  # qa.md line 623
    "Revoked `<n>` links of `<name>`; a new invitation is queued (`<delivery label>`).": "a regenerate, or a refusal",  # qa.md line 624
    "…; `<name>` has no contact, so no invitation was queued.": "a regenerate, or a refusal",  # qa.md line 624
}

#: SOURCE_ONLY texts the tour may meet or not, by timing: a card painted for a moment
#: before the recording moves on. Still checked against the source; never reported as met.
SOMETIMES_ON_SCREEN: frozenset[str] = frozenset(
    {
        "Links open collab.example.com",  # a card offering a URL on the default base
        "Reading the audit trail…",  # the Audit log page while its first page loads
    }
)

#: Texts of qa.md the tour does not meet and the checker does not find in the source:
#: drift or wording qa.md should fix (see the report of issue 13), or a sentence the
#: app builds from pieces. Not checked; each must still be in qa.md, so that fixing the
#: page fails this test until its entry goes.
UNVERIFIED: tuple[str, ...] = (
    "Hello `<name>`,⏎⏎`<agent>` invites you to join your session.⏎Open this link to join:⏎⏎`<link>`⏎⏎If you did not expect this invitation, you can ignore it.",  # the e-mail is joined from whole sentences, each translated once for the text and the HTML parts; tests/invitations checks the outbox's text
    "Nobody was invited: no contact was given. Give them the session's details another way (collab-console copy `<ID>` --participant ",  # the command is one field, isolated whole in right-to-left text; tests/cli checks the line
    "Luis Ortega (+1 •••• ••77): SMS invite sent, into the outbox folder /tmp/d/outbox (no SMS gateway is set: settings set --sms-gateway-url).",  # the CLI's person's line, assembled from a frame too bare to check ("{} ({}): {}"); tests/cli checks it
)

#: Contacts New session refuses, one after another: each shows its own sentence.
NEW_SESSION_REFUSALS = (
    "020 7946 0958",
    "+44 20 7946 09x8",
    "+1 555",
    "ivo@",
    "Ivo <ivo@example.com>",
)
#: Values Preferences refuses (the Invitations page), each field's own sentence.
PREFERENCES_REFUSALS = (
    ("smtpHostEdit", "bad host!"),
    ("smtpSenderEdit", "not an address"),
    ("smsGatewayUrlEdit", "http://sms.example.com/"),
)


# -- the parser and the checker, on small pages -------------------------------------------

PAGE = """\
# QA contract

## Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)

| objectName | Class | Visible text / accessible name | What it is for |
|---|---|---|---|
| `filterEdit` | QLineEdit | Placeholder "Filter sessions"; code `aria="x"` is no text | Says "Nobody is waiting." |
| `nameLabel` / `nameEdit` | QLabel / QLineEdit | "&Name" | — |
| `rowView` | QListView | "`<name>`\\n`<ID>` · `<Active\\|Ended>`[ · Demo]" | — |

### Status bar messages

| When | Text |
|---|---|
| Copied | "Copied Session ID `<id>` for `<name>`." |

```
| `notATable` | QLabel | "inside a fence" |
```
"""


def test_the_parser_reads_names_classes_and_quoted_texts_per_row():
    promises = parse_promises(PAGE)

    assert [(p.section, p.names, p.classes, p.texts, p.mentions) for p in promises] == [
        (
            "Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)",
            ("consoleWindow",),
            ("ConsoleWindow",),
            (),
            (),
        ),
        (
            "Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)",
            ("filterEdit",),
            ("QLineEdit",),
            ("Filter sessions",),
            ("Nobody is waiting.",),
        ),
        (
            "Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)",
            ("nameLabel", "nameEdit"),
            ("QLabel", "QLineEdit"),
            ("&Name",),
            (),
        ),
        (
            "Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)",
            ("rowView",),
            ("QListView",),
            ("`<name>`\\n`<ID>` · `<Active|Ended>`[ · Demo]",),
            (),
        ),
        ("Status bar messages", (), (), (), ("Copied Session ID `<id>` for `<name>`.",)),
    ]
    assert promises[1].line == 7


def test_quoted_texts_keep_code_spans_and_skip_quotes_inside_code():
    cell = 'Title "`<button label>`: why?" (`x="y"`), "Copy both: why?"'
    assert quoted_texts(cell) == ["`<button label>`: why?", "Copy both: why?"]


@pytest.mark.parametrize(
    ("text", "matches", "differs"),
    [
        (
            "Copied Session ID `<id>` for `<name>`.",
            "Copied Session ID 7QKM-92HX for Dana Levi.",
            "Copied Session URL for Dana Levi.",
        ),
        ("… invite sent", "SMS invite sent", "SMS invite delivered"),
        ("New session…", "New session…", "New session"),
        ("`<customer>`\\n`<ID>`[ · Demo]", "Dana Levi\n7QKM-92HX · Demo", "Dana Levi 7QKM-92HX"),
        ("Hello `<name>`:⏎http://x/", "Hello Dana Levi:\nhttp://x/", "Hello Dana Levi: http://x/"),
        ("Anyone can join the live session…", "Anyone can join the live session, once.", "Anyone"),
    ],
)
def test_a_quoted_text_becomes_a_pattern_with_its_placeholders(text, matches, differs):
    pattern = text_pattern(text)
    assert pattern.fullmatch(matches)
    assert not pattern.fullmatch(differs)


def test_the_checker_reports_every_wrong_name_and_text_at_once():
    live = LiveRecord()
    live.add_object("consoleWindow", ["ConsoleWindow", "QMainWindow", "QWidget"])
    live.add_object("filterEdit", ["QLineEdit", "QWidget"])
    live.add_object("nameLabel", ["QLabel"])
    live.add_object("nameEdit", ["QLabel"])  # the doc says a QLineEdit
    live.add_text("Filter sessions", "Nobody is waiting.", "&Name", "Dana Levi\n7QKM-92HX · Active")
    wrong = PAGE.replace("`rowView`", "`rowsView`").replace("Filter sessions", "Filter people")

    breaches = contract_breaches(parse_promises(wrong), live, ["Copied Session ID {} for {}."])

    assert breaches == [
        "qa.md line 7 (Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)): "
        '"Filter people" was not on screen',
        "qa.md line 8 (Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)): "
        "`nameEdit` is not a QLineEdit (it is: QLabel)",
        "qa.md line 9 (Console window — `consoleWindow` (`ConsoleWindow`, a `QMainWindow`)): "
        "no object called `rowsView` in the running app",
    ]


def test_a_text_off_screen_is_looked_for_in_the_source_with_its_fields(tmp_path):
    module = tmp_path / "messages.py"
    module.write_text(
        'def said(n, name):\n    return f"Copied Session ID {n} for {name}."\n'
        'LATER = "It works for {minutes} minutes."\n',
        encoding="utf-8",
    )
    strings = source_strings(tmp_path)
    page = (
        "| When | Text |\n|---|---|\n"
        '| a | "Copied Session ID `<id>` for `<name>`." |\n'
        '| b | "It works for 30 minutes." |\n'
        '| c | "Copied nothing at all." |\n'
    )

    breaches = contract_breaches(parse_promises(page), LiveRecord(), strings)

    assert breaches == [
        'qa.md line 5 (): "Copied nothing at all." is neither on screen nor in source'
    ]


# -- the tour -----------------------------------------------------------------------------


@pytest.fixture
def join_service(demo_store: Store, data_dir: Path) -> Iterator[Store]:
    """The join service's own connection to the console's store."""
    other = open_store(data_dir)
    yield other
    other.close()


def open_card_of_row(qtbot: QtBot, console: ConsoleWindow, access_id: str, name: str) -> None:
    park_pointer(qtbot, console)  # away from the card open now, which may cover the row
    qtbot.waitUntil(lambda: not console.copying.card.isVisible(), timeout=CARD_TIMEOUT_MS)
    view = console.view.participants_view
    model = console.view.participants_model
    rect = view.visualRect(model.index(model.row_of_key(access_id), 0))
    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + 10, rect.center().y()))
    wait_for_card(qtbot, console, name)


def wait_for_card(qtbot: QtBot, console: ConsoleWindow, name: str) -> None:
    card = console.copying.card
    qtbot.waitUntil(lambda: card.isVisible() and card.title.text() == name, timeout=CARD_TIMEOUT_MS)


def record_context_menu(
    qtbot: QtBot, live: LiveRecord, open_menu: Callable[[], None], choose: str
) -> None:
    """Open a context menu, record the screen while it is up, then trigger ``choose``."""
    done: list[bool] = []

    def inspect() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, inspect)
            return
        record_screen(live)
        target = next((a for a in menu.actions() if a.text() == choose), None)
        menu.close()
        if target is not None:
            target.trigger()
        done.append(True)

    QTimer.singleShot(0, inspect)
    open_menu()
    qtbot.waitUntil(lambda: bool(done))


def choose_item(qtbot: QtBot, combo: QComboBox, opening: str) -> None:
    """Choose the item whose text opens with ``opening`` in a closed combo box, as the
    arrow keys do: Home, then Down until it is current."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(opening):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith(opening), f"no item {opening!r} in {combo.objectName()}"


def clear(qtbot: QtBot, edit: QLineEdit) -> None:
    """Empty a field as a user would: select everything, then Backspace."""
    retype(qtbot, edit, "")
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)


def copy_and_record(qtbot: QtBot, console: ConsoleWindow, live: LiveRecord, button: str) -> None:
    with qtbot.waitSignal(console.copying.said, timeout=STORE_TIMEOUT_MS):
        click(qtbot, named(console.copying.card, QPushButton, button))
    record_screen(live)


def tour_console(qtbot: QtBot, console: ConsoleWindow, hub: StoreHub, live: LiveRecord) -> str:
    """The console, the customer's and a participant's card, copies, the reason dialog.

    Returns the Session URL copied for Grace Kim, for a browser to join with."""
    record_screen(live)
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    record_screen(live)

    hover_customer(qtbot, console)
    wait_for_card(qtbot, console, "Dana Levi")
    record_screen(live)
    copy_and_record(qtbot, console, live, "copyIdButton")
    copy_and_record(qtbot, console, live, "copyUrlButton")  # failed invitation: no reason asked
    open_card_of_row(qtbot, console, GRACE, "Grace Kim")
    copy_and_record(qtbot, console, live, "copyUrlButton")
    grace_url = url_in(clipboard_now())

    open_card_of_row(qtbot, console, OMAR, "Omar Haddad")
    record_screen(live)
    resend = named(console.copying.card, QPushButton, "resendInviteButton")
    click(qtbot, resend)
    qtbot.waitUntil(lambda: resend.text() == "Invite queued ✓", timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    qtbot.waitUntil(lambda: resend.text().startswith("Resend in"), timeout=CARD_TIMEOUT_MS)
    record_screen(live)

    view = console.view.participants_view
    model = console.view.participants_model
    rect = view.visualRect(model.index(model.row_of_key(OMAR), 0))
    record_context_menu(
        qtbot, live, lambda: right_click(view.viewport(), rect.center()), "Copy Session URL"
    )
    qtbot.waitUntil(
        lambda: (
            console.copying.reason_dialog is not None and console.copying.reason_dialog.isVisible()
        ),
        timeout=STORE_TIMEOUT_MS,
    )
    dialog = console.copying.reason_dialog
    assert dialog is not None
    edit = named(dialog, QLineEdit, "copyReasonEdit")
    qtbot.keyClicks(edit, "why")  # too short: the hint says why
    record_screen(live)
    retype(qtbot, edit, "customer's phone drops SMS")  # the audit log's example
    with qtbot.waitSignal(console.copying.said, timeout=STORE_TIMEOUT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    record_screen(live)
    park_pointer(qtbot, console)

    filter_edit = named(console, QLineEdit, "filterEdit")
    nobody = named(console, QLabel, "noParticipantsLabel")
    qtbot.keyClicks(filter_edit, "zz")  # matches no participant
    qtbot.waitUntil(nobody.isVisible, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    qtbot.keyClick(filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not nobody.isVisible(), timeout=STORE_TIMEOUT_MS)
    return grace_url


def tour_copying_turned_off(
    qtbot: QtBot, console: ConsoleWindow, hub: StoreHub, live: LiveRecord
) -> None:
    """An admin turns the copy details off, one then the other, while Omar Haddad's card
    is open: the card keeps *Resend invite* and says what went; the hint says why."""
    open_card_of_row(qtbot, console, OMAR, "Omar Haddad")
    change = named(console.copying.card, QLabel, "copyCardChange")
    save_through_hub(qtbot, hub, copy_session_url=False)
    qtbot.waitUntil(change.isVisible, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    said = change.text()
    save_through_hub(qtbot, hub, copy_session_id=False)
    qtbot.waitUntil(lambda: change.text() != said, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_id=True, copy_session_url=True)
    qtbot.waitUntil(lambda: not change.isVisible(), timeout=STORE_TIMEOUT_MS)
    save_through_hub(qtbot, hub, copy_session_id=False, copy_session_url=False)  # both at once
    qtbot.waitUntil(change.isVisible, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    park_pointer(qtbot, console)
    hover_customer(qtbot, console)  # failed, nothing to copy: the note says whom to ask
    wait_for_card(qtbot, console, "Dana Levi")
    record_screen(live)
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_id=True, copy_session_url=True)
    park_pointer(qtbot, console)


def tour_lobby(
    qtbot: QtBot, console: ConsoleWindow, join_service: Store, grace_url: str, live: LiveRecord
) -> None:
    """Two requests: Dana Levi's ID typed, and Grace Kim's link reused by a second browser.

    Their times are the store's own (it stamps a request when it takes it), so no
    fixed clock makes them known: qa.md writes them as `<HH:MM>`.
    """
    request = join_service.request_join(
        DEMO_ACTIVE_ID,
        "Dana Levi",
        browser=token_hash(new_token()),
        address="203.0.113.5",
        now=datetime.now(UTC),
    )
    assert isinstance(request, JoinRequest), request
    qtbot.waitUntil(lambda: len(console.lobby.rows) == 1, timeout=POLL_TIMEOUT_MS)
    record_screen(live)
    token = token_of(grace_url)
    for browser, address in (("joined", "198.51.100.7"), ("reused", "198.51.100.23")):
        redeemed = join_service.redeem_link(
            token, browser=token_hash(new_token()), address=address, now=datetime.now(UTC)
        )
        assert redeemed is not None, browser
    qtbot.waitUntil(lambda: len(console.lobby.rows) == 2, timeout=POLL_TIMEOUT_MS)
    record_screen(live)


def tour_links(qtbot: QtBot, console: ConsoleWindow, live: LiveRecord) -> None:
    """Revoke a link; Grace Kim's links regenerated, then again (refused: too soon);
    Luis Ortega's, who has none."""
    click(qtbot, named(console, QPushButton, "linksButton"))
    qtbot.waitUntil(lambda: console.links_dialog is not None)
    links = console.links_dialog
    assert links is not None
    qtbot.waitExposed(links)
    qtbot.waitUntil(lambda: links.loaded, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    table = links.table
    first = table.visualRect(links.model.index(0, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.waitUntil(lambda: links.selected_link() is not None)
    record_screen(live)
    message = named(links, QLabel, "linksMessage")
    click(qtbot, named(links, QPushButton, "revokeLinkButton"))
    qtbot.waitUntil(message.isVisible, timeout=STORE_TIMEOUT_MS)
    record_screen(live)

    person = named(links, QComboBox, "linksPersonFilter")
    regenerate = named(links, QPushButton, "regenerateLinksButton")

    def confirm(box: QMessageBox) -> None:
        record_screen(live)
        click(qtbot, named(box, QPushButton, "confirmRegenerateButton"))

    for name in ("Grace", "Grace", "Luis"):
        choose_item(qtbot, person, name)
        qtbot.waitUntil(regenerate.isEnabled, timeout=STORE_TIMEOUT_MS)
        record_screen(live)
        said = message.text()
        with driving_modal(QMessageBox, confirm):
            click(qtbot, regenerate)
        qtbot.waitUntil(lambda said=said: message.text() != said, timeout=STORE_TIMEOUT_MS)
        record_screen(live)
    links.close()
    park_pointer(qtbot, console)


def tour_unreachable_store(qtbot: QtBot, live: LiveRecord) -> None:
    """The organisation database's "cannot reach the store" dialog, as it first shows."""
    dialog = UnreachableStoreDialog(lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    record_screen(live)
    dialog.close()


def tour_dialogs(qtbot: QtBot, console: ConsoleWindow, live: LiveRecord) -> None:
    """Add participant, New session and the End session box, each with a refusal typed."""

    def add_participant(dialog: AddParticipantDialog) -> None:
        name = named(dialog, QLineEdit, "participantNameEdit")
        retype(qtbot, name, "grace KIM")
        record_screen(live)
        clear(qtbot, name)
        retype(qtbot, named(dialog, QLineEdit, "participantContactEdit"), "+44 20 7946 0958")
        record_screen(live)
        dialog.reject()

    with driving_modal(AddParticipantDialog, add_participant):
        click(qtbot, named(console, QPushButton, "newParticipantButton"))

    def new_session(dialog: NewSessionDialog) -> None:
        name = named(dialog, QLineEdit, "customerNameEdit")
        contact = named(dialog, QLineEdit, "customerContactEdit")
        retype(qtbot, contact, "+44 20 7946 0958")
        record_screen(live)  # no name yet
        retype(qtbot, name, "Ivo Petrov")
        clear(qtbot, contact)
        record_screen(live)  # no contact
        for typed in NEW_SESSION_REFUSALS:
            retype(qtbot, contact, typed)
            record_screen(live)
        dialog.reject()

    park_pointer(qtbot, console)
    with driving_modal(NewSessionDialog, new_session):
        click(qtbot, named(console, QPushButton, "newSessionButton"))

    def end_session(box: QMessageBox) -> None:
        record_screen(live)
        click(qtbot, named(box, QPushButton, "keepSessionButton"))

    park_pointer(qtbot, console)
    with driving_modal(QMessageBox, end_session):
        click(qtbot, named(console, QPushButton, "endSessionButton"))
    park_pointer(qtbot, console)


def tour_privacy_screen(qtbot: QtBot, console: ConsoleWindow, live: LiveRecord) -> None:
    """The privacy screen on: the customer's card and Add participant's refusal, masked."""
    privacy = named(console, QAction, "privacyScreenAction")
    privacy.trigger()
    qtbot.waitUntil(lambda: console.privacy.masked)
    hover_customer(qtbot, console)
    wait_for_card(qtbot, console, "D••• L•••")
    record_screen(live)
    park_pointer(qtbot, console)
    qtbot.waitUntil(lambda: not console.copying.card.isVisible(), timeout=CARD_TIMEOUT_MS)

    def add_participant(dialog: AddParticipantDialog) -> None:
        retype(qtbot, named(dialog, QLineEdit, "participantNameEdit"), "grace KIM")
        record_screen(live)
        dialog.reject()

    with driving_modal(AddParticipantDialog, add_participant):
        click(qtbot, named(console, QPushButton, "newParticipantButton"))
    privacy.trigger()
    qtbot.waitUntil(lambda: not console.privacy.masked)
    park_pointer(qtbot, console)


def tour_preferences(qtbot: QtBot, console: ConsoleWindow, hub: StoreHub, live: LiveRecord) -> None:
    """Preferences locked, the Unlock dialog (a wrong passphrase, then the right one),
    unlocked, and the Audit log page."""
    dialog = show_preferences(qtbot, hub, console)
    qtbot.waitUntil(named(dialog, QPushButton, "unlockButton").isEnabled, timeout=STORE_TIMEOUT_MS)
    record_screen(live)

    unlock = open_unlock_dialog(qtbot, dialog)
    record_screen(live)
    type_credentials(qtbot, unlock, ADMIN, "not the passphrase")
    error = named(unlock, QLabel, "unlockError")
    qtbot.waitUntil(error.isVisible, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    countdown = named(unlock, QLabel, "unlockCountdown")
    for _ in range(2):  # wait out the refusal's 1 s, then 2 s after a second wrong one
        qtbot.waitUntil(lambda: not countdown.isVisible(), timeout=STORE_TIMEOUT_MS)
        if "2 failed attempts" in error.text():
            break
        said = error.text()
        type_credentials(qtbot, unlock, ADMIN, "still not the passphrase")
        qtbot.waitUntil(lambda said=said: error.text() != said, timeout=STORE_TIMEOUT_MS)
        record_screen(live)
    type_credentials(qtbot, unlock, ADMIN, passphrase_for(ADMIN))
    qtbot.waitUntil(lambda: dialog.unlocked, timeout=STORE_TIMEOUT_MS)
    record_screen(live)

    nav = named(dialog, QTreeWidget, "preferencesNav")
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")
    record_screen(live)
    session = nav.topLevelItem(0)
    assert session is not None
    invitations = session.child(1)
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(invitations).center()
    )
    qtbot.waitUntil(named(dialog, QLineEdit, "smtpHostEdit").isVisible)
    for field, typed in PREFERENCES_REFUSALS:
        retype(qtbot, named(dialog, QLineEdit, field), typed)
        record_screen(live)
    audit = nav.topLevelItem(nav.topLevelItemCount() - 1)
    assert audit is not None
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(audit).center()
    )
    qtbot.waitUntil(named(dialog, QTableView, "auditTable").isVisible)
    model = dialog.audit.model
    qtbot.waitUntil(lambda: not model.loading and model.query is not None, timeout=STORE_TIMEOUT_MS)
    record_screen(live)
    dialog.reject()


def tour_ended_session(qtbot: QtBot, console: ConsoleWindow, live: LiveRecord) -> None:
    row = console.sessions.model.row_of(DEMO_ENDED_ID)
    rect = console.session_list.visualRect(console.sessions.model.index(row, 0))
    qtbot.mouseClick(console.session_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: console.session is not None and not console.session.is_active)
    record_screen(live)


@pytest.fixture
def windows_gone_before_exit(qapp: QApplication) -> Iterator[None]:
    """Delete the tour's windows before the test ends, while Python is whole.

    The tour asks every widget for its accessible interface, the copy card's
    too, which the card's own factory (``copy_card._card_accessible``) makes in
    Python, owned by Python. Qt's accessibility cache holds it as well: left in
    the cache until the QApplication goes at exit (a closed window's
    ``deleteLater`` needs an event loop the last test never runs), it was freed
    twice and by the time the cache let go of it at exit the run ended in "Segmentation
    fault" after pytest had reported. Deleting the card with its window takes
    it out of the cache now.
    """
    yield
    for window in QApplication.topLevelWidgets():
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_every_name_and_text_qa_md_promises_is_in_the_running_app(
    qtbot, hub, console, join_service, windows_gone_before_exit
):
    promises = parse_promises(QA_MD.read_text(encoding="utf-8"))
    live = LiveRecord()
    started = time.monotonic()

    grace_url = tour_console(qtbot, console, hub, live)
    tour_copying_turned_off(qtbot, console, hub, live)
    tour_lobby(qtbot, console, join_service, grace_url, live)
    tour_links(qtbot, console, live)
    tour_unreachable_store(qtbot, live)
    tour_dialogs(qtbot, console, live)
    tour_privacy_screen(qtbot, console, live)
    tour_preferences(qtbot, console, hub, live)
    tour_ended_session(qtbot, console, live)

    toured_s = time.monotonic() - started
    strings = source_strings(PACKAGE, FORMS)
    breaches = contract_breaches(
        promises,
        live,
        strings,
        source_only=SOURCE_ONLY,
        unchecked=UNVERIFIED,
    )
    written = {text for promise in promises for text in (*promise.texts, *promise.mentions)}
    breaches += [
        f'UNVERIFIED lists "{text}", which qa.md no longer has'
        for text in UNVERIFIED
        if text not in written
    ]
    breaches += [
        f'SOURCE_ONLY lists "{text}", which the tour met on screen: take it out'
        for text in SOURCE_ONLY
        if text not in SOMETIMES_ON_SCREEN and met_live(text_pattern(text), live.texts)
    ]
    breaches += [
        f'UNVERIFIED lists "{text}", which is now met on screen or in the source: take it out'
        for text in UNVERIFIED
        if met_live(text_pattern(text), live.texts) or in_source(text_pattern(text), text, strings)
    ]
    from_source = checked_against_source(promises, live, SOURCE_ONLY)
    names = sum(len(p.names) for p in promises)
    texts = sum(len(p.texts) + len(p.mentions) for p in promises)
    summary = (
        f"qa.md: {names} names, {texts} texts; tour {toured_s:.1f} s; "
        f"{len(from_source)} texts checked against the source only"
    )
    print(summary)
    assert not breaches, f"{len(breaches)} promises of docs/qa.md are not kept ({summary}):\n" + (
        "\n".join(breaches)
    )
