"""The Audit log page of Preferences, as an admin who unlocked it sees it.

The store's trail holds :data:`SEEDED` entries from the past three days
(``tests/gui/audit_entries.py``), then the demo data's and admin.ana's own.
What each filter should leave is asked of the store through a connection of
the test's own, with the same query, so the test checks what the page shows,
not how the store filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QTableView, QTreeWidget
from pytestqt.qtbot import QtBot

from collab_console.core.admins import init_admin
from collab_console.core.audit import AuditEntry, AuditKind, AuditProgress, AuditQuery
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
from collab_console.gui.audit_log import CHECK_SLICE, PAGE_SIZE, local_midnight, local_time
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import MIN_CONTRAST, contrast_ratio, painted_background
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME
from tests.gui.audit_entries import seed_audit
from tests.gui.helpers import (
    ADMIN,
    STORE_TIMEOUT_MS,
    click,
    named,
    retype,
    right_click,
    run_context_menu,
    save_through_hub,
    show_console,
    show_preferences,
    unlocked_preferences,
)
from tests.store.admins import SETUP_ACTOR, become_admin, passphrase_for
from tests.tampering import tamper

pytestmark = pytest.mark.gui

OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
#: Entries seeded before the demo data: more than two pages.
SEEDED = 2 * PAGE_SIZE + 50


def yesterday() -> datetime:
    """The last minute of yesterday, here: the seeded entries end then."""
    return local_midnight(datetime.now().date()) - timedelta(minutes=1)


@pytest.fixture
def audit_store(data_dir: Path) -> Iterator[Store]:
    """SEEDED entries ending yesterday, then the demo data, then admin.ana."""
    open_store(data_dir, create=True).close()
    seed_audit(data_dir / STORE_FILENAME, SEEDED, newest=yesterday())
    store = open_store(data_dir)
    assert seed_demo(store)
    init_admin(store, ADMIN, passphrase_for(ADMIN), actor=SETUP_ACTOR)
    yield store
    store.close()


@pytest.fixture
def audit_hub(audit_store: Store) -> Iterator[StoreHub]:
    hub = StoreHub(
        audit_store, settings=audit_store.load_settings(), sessions=audit_store.list_sessions()
    )
    yield hub
    hub.close()
    hub.deleteLater()


def expected(data_dir: Path, query: AuditQuery) -> list[AuditEntry]:
    """What the store holds for ``query``, every entry, newest first, read on the side."""
    other = open_store(data_dir)
    try:
        return other.audit_entries(query.replace(limit=None))
    finally:
        other.close()


def shown_seqs(dialog: PreferencesDialog) -> list[int]:
    return [row.entry.seq for row in dialog.audit.model.rows]


def cells(table: QTableView, row: int) -> list[str]:
    model = table.model()
    return [model.index(row, column).data() for column in range(model.columnCount())]


def open_audit_log(
    qtbot: QtBot, hub: StoreHub, parent: ConsoleWindow | None = None
) -> PreferencesDialog:
    """Preferences unlocked by admin.ana, on the Audit log page, its first rows in."""
    dialog = unlocked_preferences(qtbot, hub, parent)
    nav = named(dialog, QTreeWidget, "preferencesNav")
    item = nav.topLevelItem(2)
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center()
    )
    table = named(dialog, QTableView, "auditTable")
    qtbot.waitUntil(table.isVisible)
    wait_for_rows(qtbot, dialog)
    return dialog


def wait_for_rows(qtbot: QtBot, dialog: PreferencesDialog) -> None:
    model = dialog.audit.model
    qtbot.waitUntil(lambda: not model.loading and model.query is not None, timeout=STORE_TIMEOUT_MS)


def filtered_to(qtbot: QtBot, dialog: PreferencesDialog, wanted: list[AuditEntry]) -> None:
    """Wait until the table shows the newest of ``wanted`` (the filter has taken)."""
    model = dialog.audit.model
    newest = [entry.seq for entry in wanted[: min(PAGE_SIZE, len(wanted))]]
    qtbot.waitUntil(
        lambda: (
            not model.loading
            and shown_seqs(dialog)[: len(newest)] == newest
            and len(model.rows) == len(newest)
        ),
        timeout=STORE_TIMEOUT_MS,
    )


def count_text(dialog: PreferencesDialog) -> str:
    return named(dialog, QLabel, "auditCount").text()


# -- what an admin sees ------------------------------------------------------------


def test_the_audit_log_lists_the_newest_entries_first_and_counts_them(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    table = named(dialog, QTableView, "auditTable")
    everything = expected(data_dir, AuditQuery())

    assert table.model().rowCount() == PAGE_SIZE  # one page, not the whole trail
    assert shown_seqs(dialog) == [entry.seq for entry in everything[:PAGE_SIZE]]
    headers = [
        table.model().headerData(column, Qt.Orientation.Horizontal)
        for column in range(table.model().columnCount())
    ]
    assert headers == ["Time", "Kind", "Person", "Session", "Participant", "Detail"]
    newest = everything[0]
    assert newest.kind is AuditKind.UNLOCK  # admin.ana's own unlock, a moment ago
    assert cells(table, 0) == [
        local_time(newest.at),
        "Unlock attempt",
        f"{newest.actor} (agent)",
        "",
        "",
        f"Unlocked as {ADMIN}",
    ]
    assert count_text(dialog) == f"{len(everything):,} entries"
    assert named(dialog, QTableView, "auditTable").accessibleName() == "Audit log entries"


def test_scrolling_to_the_end_brings_the_next_entries(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    table = named(dialog, QTableView, "auditTable")
    everything = [entry.seq for entry in expected(data_dir, AuditQuery())]

    while table.model().rowCount() < len(everything):
        held = table.model().rowCount()
        table.scrollToBottom()
        qtbot.waitUntil(lambda held=held: table.model().rowCount() > held, timeout=5000)

    assert shown_seqs(dialog) == everything  # in order, none twice, none missing
    assert not table.model().canFetchMore(table.rootIndex())


def test_the_kind_filter_narrows_the_rows(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    combo = named(dialog, QComboBox, "auditKindFilter")
    kinds = [combo.itemText(index) for index in range(combo.count())]
    assert kinds[0] == "All kinds"
    assert kinds[1:] == [kind.label for kind in AuditKind]
    wanted = expected(data_dir, AuditQuery(kinds=frozenset({AuditKind.SETTING})))

    click(qtbot, combo)
    qtbot.keyClicks(combo.view(), "Setting changed")
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    filtered_to(qtbot, dialog, wanted)

    table = named(dialog, QTableView, "auditTable")
    assert {cells(table, row)[1] for row in range(table.model().rowCount())} == {"Setting changed"}
    assert count_text(dialog) == f"{len(wanted):,} entries"


def test_the_person_filter_narrows_the_rows(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    wanted = expected(data_dir, AuditQuery(person="agent.kim"))
    assert 0 < len(wanted) < SEEDED

    retype(qtbot, named(dialog, QLineEdit, "auditPersonFilter"), "Agent.Kim")
    filtered_to(qtbot, dialog, wanted)

    table = named(dialog, QTableView, "auditTable")
    people = {cells(table, row)[2] for row in range(table.model().rowCount())}
    assert people == {"agent.kim (agent)"}
    assert count_text(dialog) == f"{len(wanted):,} entries"


def test_the_text_filter_finds_text_in_any_field(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    wanted = expected(data_dir, AuditQuery(text="S030-"))
    assert 0 < len(wanted) < 20

    retype(qtbot, named(dialog, QLineEdit, "auditTextFilter"), "S030-")
    filtered_to(qtbot, dialog, wanted)

    table = named(dialog, QTableView, "auditTable")
    for row in range(table.model().rowCount()):
        assert "S030-" in " ".join(cells(table, row))
    assert count_text(dialog) == f"{len(wanted)} entries"


def test_a_filter_that_leaves_nothing_says_so(qtbot, audit_hub):
    dialog = open_audit_log(qtbot, audit_hub)

    retype(qtbot, named(dialog, QLineEdit, "auditTextFilter"), "no such text anywhere")
    qtbot.waitUntil(lambda: count_text(dialog) == "No entries match.", timeout=STORE_TIMEOUT_MS)

    assert named(dialog, QTableView, "auditTable").model().rowCount() == 0


def test_the_dates_span_the_trail_and_narrow_it_to_a_day(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    since, until = (
        named(dialog, QDateEdit, "auditFromFilter"),
        named(dialog, QDateEdit, "auditToFilter"),
    )
    first_day = expected(data_dir, AuditQuery(oldest_first=True))[0].at.astimezone().date()
    assert since.date() == QDate(first_day.year, first_day.month, first_day.day)
    assert until.date() == QDate.currentDate()
    day = yesterday().date()
    wanted = expected(
        data_dir,
        AuditQuery(since=local_midnight(day), until=local_midnight(day + timedelta(days=1))),
    )
    assert 0 < len(wanted) < SEEDED

    for edit in (until, since):  # To first: From may not pass it
        click(qtbot, edit)
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(edit, f"{day:%Y-%m-%d}")
    filtered_to(qtbot, dialog, wanted)

    table = named(dialog, QTableView, "auditTable")
    for row in range(table.model().rowCount()):
        assert cells(table, row)[0].startswith(f"{day:%Y-%m-%d} ")
    # More than a page: counted once the first rows are on screen.
    assert len(wanted) > PAGE_SIZE
    qtbot.waitUntil(
        lambda: count_text(dialog) == f"{len(wanted):,} entries", timeout=STORE_TIMEOUT_MS
    )


def test_filters_combine(qtbot, audit_hub, data_dir):
    dialog = open_audit_log(qtbot, audit_hub)
    wanted = expected(data_dir, AuditQuery(kinds=frozenset({AuditKind.COPY}), person="agent.omar"))

    combo = named(dialog, QComboBox, "auditKindFilter")
    combo.setCurrentIndex(combo.findText("Copied"))
    retype(qtbot, named(dialog, QLineEdit, "auditPersonFilter"), "agent.omar")
    filtered_to(qtbot, dialog, wanted)

    assert shown_seqs(dialog) == [entry.seq for entry in wanted][:PAGE_SIZE]


# -- an altered trail -------------------------------------------------------------------


def test_an_altered_trail_shows_a_red_banner_and_warns_the_admin_once(qtbot, hub, data_dir):
    tamper(data_dir / STORE_FILENAME, "UPDATE audit SET actor = 'someone.else' WHERE id = 3")
    console = show_console(qtbot, hub)
    assert console.statusBar().currentMessage() == ""  # the console checks nothing itself

    dialog = open_audit_log(qtbot, hub, console)
    qtbot.waitUntil(lambda: dialog.audit.checked, timeout=STORE_TIMEOUT_MS)

    banner = named(dialog, QLabel, "auditTamperWarning")
    assert banner.isVisible()
    assert banner.text().startswith("The audit trail was altered: entry #3 (")
    assert "does not match its hash (it was changed)." in banner.text()
    assert banner.accessibleName() == "Warning: the audit trail was altered"
    assert banner.accessibleDescription() == banner.text()
    palette, role = painted_background(banner)
    red = banner.palette().color(banner.foregroundRole())
    assert contrast_ratio(red, palette.color(role)) >= MIN_CONTRAST
    message = console.statusBar().currentMessage()
    assert message.startswith("Warning: the audit trail was altered: entry #3 (")
    assert message.endswith(". See Preferences › Audit log.")


def test_an_intact_trail_shows_no_banner(qtbot, hub, console):
    dialog = open_audit_log(qtbot, hub, console)
    qtbot.waitUntil(lambda: dialog.audit.checked, timeout=STORE_TIMEOUT_MS)

    assert not named(dialog, QLabel, "auditTamperWarning").isVisible()
    assert not console.statusBar().currentMessage().startswith("Warning")


#: A trail long enough for the check to take several slices (CHECK_SLICE entries each).
LONG_TRAIL = 30_000


@pytest.fixture
def long_store(data_dir: Path) -> Iterator[Store]:
    """LONG_TRAIL entries ending yesterday, then the demo data, then admin.ana."""
    open_store(data_dir, create=True).close()
    seed_audit(data_dir / STORE_FILENAME, LONG_TRAIL, newest=yesterday())
    store = open_store(data_dir)
    assert seed_demo(store)
    yield store
    store.close()


def test_a_copy_right_after_unlocking_does_not_wait_for_the_whole_check(qtbot, long_store):
    """The check goes a slice per store call, so a copy queued with its first slice comes
    back while the check is still going, not after it."""
    assert LONG_TRAIL >= 5 * CHECK_SLICE
    admin = become_admin(long_store, ADMIN)  # before the hub: its worker has the store after
    hub = StoreHub(
        long_store, settings=long_store.load_settings(), sessions=long_store.list_sessions()
    )
    try:
        dialog = show_preferences(qtbot, hub)
        qtbot.waitUntil(lambda: dialog.has_admins is not None, timeout=STORE_TIMEOUT_MS)
        grace = long_store.get_session(DEMO_ACTIVE_ID).find("Grace Kim")
        record = CopyRecord(
            DEMO_ACTIVE_ID, grace.access_id, CopyAction.ID, "agent.kai", grace.contact
        )
        copied: list[tuple[bool, int]] = []

        dialog.use_admin(admin)  # the page asks for its rows and the check's first slice
        hub.call(
            lambda store: store.record_copy(record),
            lambda _none: copied.append((dialog.audit.checked, dialog.audit.checked_through)),
        )
        qtbot.waitUntil(lambda: bool(copied), timeout=STORE_TIMEOUT_MS)
        checked, through = copied[0]
        assert not checked, "the copy came back before the check finished"
        assert through < LONG_TRAIL - CHECK_SLICE, "with most of the trail still to check"

        qtbot.waitUntil(lambda: dialog.audit.checked, timeout=STORE_TIMEOUT_MS)
        assert dialog.audit.found_break is None
        assert dialog.audit.checked_through > LONG_TRAIL  # the demo's entries, the copy's
        assert not named(dialog, QLabel, "auditTamperWarning").isVisible()
    finally:
        hub.close()
        hub.deleteLater()


def test_a_break_in_a_late_slice_still_shows_the_banner(qtbot, long_store, data_dir):
    late = LONG_TRAIL - CHECK_SLICE // 2  # in the last slice of the seeded entries
    init_admin(long_store, ADMIN, passphrase_for(ADMIN), actor=SETUP_ACTOR)
    long_store.close()
    tamper(data_dir / STORE_FILENAME, f"UPDATE audit SET detail = 'url' WHERE id = {late}")
    store = open_store(data_dir)
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    try:
        dialog = open_audit_log(qtbot, hub)
        qtbot.waitUntil(lambda: dialog.audit.checked, timeout=STORE_TIMEOUT_MS)

        banner = named(dialog, QLabel, "auditTamperWarning")
        assert banner.isVisible()
        assert banner.text().startswith(f"The audit trail was altered: entry #{late} (")
        assert "does not match its hash (it was changed)." in banner.text()
        assert dialog.audit.found_break is not None
        assert dialog.audit.checked_through == late - 1  # every entry before it matched
    finally:
        hub.close()
        hub.deleteLater()
        store.close()


def test_locking_again_stops_the_check(qtbot, long_store, monkeypatch):
    """No slice is asked for once the page is stopped (Preferences locked or closed)."""
    admin = become_admin(long_store, ADMIN)
    hub = StoreHub(
        long_store, settings=long_store.load_settings(), sessions=long_store.list_sessions()
    )
    asked: list[int] = []
    verify = long_store.verify_audit_slice

    def counting(after_seq: int, prev_hash: str, limit: int) -> AuditProgress:
        asked.append(after_seq)
        return verify(after_seq, prev_hash, limit)

    monkeypatch.setattr(long_store, "verify_audit_slice", counting)
    try:
        dialog = show_preferences(qtbot, hub)
        qtbot.waitUntil(lambda: dialog.has_admins is not None, timeout=STORE_TIMEOUT_MS)
        dialog.use_admin(admin)
        qtbot.waitUntil(lambda: dialog.audit.checked_through > 0, timeout=STORE_TIMEOUT_MS)
        assert not dialog.audit.checked
        dialog.lock()
        asked_then = len(asked)
        done: list[bool] = []
        hub.call(lambda _store: None, lambda _none: done.append(True))  # after any slice queued
        qtbot.waitUntil(lambda: bool(done), timeout=STORE_TIMEOUT_MS)

        assert len(asked) <= asked_then + 1, "at most the slice on its way when it stopped"
        assert len(asked) < LONG_TRAIL // CHECK_SLICE, "not the whole trail"
        assert not dialog.audit.checked
    finally:
        hub.close()
        hub.deleteLater()


def test_the_seeded_trail_is_whole(audit_store):
    """The seeding itself leaves a chain the store finds whole (else the tests above lie)."""
    assert audit_store.verify_audit() is None
    assert len(audit_store.audit_entries(AuditQuery(limit=None))) > SEEDED


def test_the_page_reads_nothing_until_an_admin_unlocks(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    qtbot.waitUntil(lambda: dialog.has_admins is not None, timeout=STORE_TIMEOUT_MS)

    assert dialog.audit.model.query is None
    assert dialog.audit.model.rowCount() == 0
    assert named(dialog, QTreeWidget, "preferencesNav").topLevelItem(2).isHidden()
    assert named(dialog, QLabel, "auditCount").text() == ""


@pytest.mark.parametrize(
    ("kind", "old", "new", "says"),
    [
        (AuditKind.SESSION_SHARED, None, "co_agent", "with agent.bob as co-agent"),
        (
            AuditKind.SESSION_SHARED,
            "co_agent",
            "supervisor",
            "with agent.bob as supervisor (was co-agent)",
        ),
        (AuditKind.SESSION_UNSHARED, "supervisor", None, "from agent.bob (supervisor)"),
    ],
)
def test_a_shared_session_s_entry_says_with_whom_and_how(
    kind: AuditKind, old: str | None, new: str | None, says: str
) -> None:
    from collab_console.core.audit import ActorRole
    from collab_console.gui.audit_log import AuditRow

    entry = AuditEntry(
        seq=7,
        at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        kind=kind,
        actor="agent.amy",
        actor_role=ActorRole.AGENT,
        session_id=DEMO_ACTIVE_ID,
        detail="agent.bob",
        old_value=old,
        new_value=new,
    )

    row = AuditRow(entry)

    assert row.cells[1] == kind.label
    assert row.cells[5] == says


# -- what the Detail column says ------------------------------------------------------------


def rows_of(table: QTableView, kind: AuditKind, participant: str) -> list[str]:
    """The Detail cells of the rows of ``kind`` about ``participant``, newest first."""
    return [
        cells(table, row)[5]
        for row in range(table.model().rowCount())
        if cells(table, row)[1] == kind.label and cells(table, row)[4] == participant
    ]


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_copy_s_reason_shows_in_the_detail(qtbot, hub, console):
    """The reason dialog promises "the audit trail keeps your reason": the admin reads it."""
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    view = console.view.participants_view
    model = console.view.participants_model
    omar = model.row_of_key(OMAR)
    rect = view.visualRect(model.index(omar, 0))
    run_context_menu(
        qtbot, lambda: right_click(view.viewport(), rect.center()), CopyAction.URL.label
    )
    qtbot.waitUntil(
        lambda: (
            console.copying.reason_dialog is not None and console.copying.reason_dialog.isVisible()
        ),
        timeout=5000,
    )
    dialog = console.copying.reason_dialog
    assert dialog is not None
    edit = named(dialog, QLineEdit, "copyReasonEdit")
    qtbot.keyClicks(edit, "customer's phone drops SMS")
    with qtbot.waitSignal(console.copying.said, timeout=STORE_TIMEOUT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.statusBar().currentMessage().startswith("Copied a new"))

    preferences = open_audit_log(qtbot, hub, console)
    table = named(preferences, QTableView, "auditTable")

    details = rows_of(table, AuditKind.COPY, OMAR)
    assert details[0] == ("Copy Session URL · +44 •••• ••12 · reason: customer's phone drops SMS")
    row = [cells(table, r)[5] for r in range(table.model().rowCount())].index(details[0])
    tooltip = table.model().index(row, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == details[0]


def test_the_detail_says_where_each_invitation_went_and_how_it_fared(qtbot, hub, data_dir):
    """The demo's invitations (first, sent, failed for good, delivered), a resend and two
    people added, one with no phone or e-mail, as an admin reads them."""
    other = open_store(data_dir)
    try:
        now = datetime.now(UTC)
        other.queue_invitation(DEMO_ACTIVE_ID, OMAR, actor="agent.sam", now=now)
        ivo, _, _ = other.add_participant(
            DEMO_ACTIVE_ID, name="Ivo Petrov", contact="ivo@example.org", actor="x", now=now
        )
        eve, _, _ = other.add_participant(
            DEMO_ACTIVE_ID, name="Eve Moss", contact="", actor="agent.sam", now=now
        )
        resend = other.deliveries(DEMO_ACTIVE_ID)[OMAR].invitation_id
        first = other.deliveries(DEMO_ACTIVE_ID)[ivo.access_id].invitation_id
    finally:
        other.close()

    dialog = open_audit_log(qtbot, hub)
    table = named(dialog, QTableView, "auditTable")

    assert rows_of(table, AuditKind.PARTICIPANT_ADDED, ivo.access_id) == ["i••••@example.org"]
    assert rows_of(table, AuditKind.PARTICIPANT_ADDED, eve.access_id) == [
        "no phone or e-mail: not invited"
    ]
    assert rows_of(table, AuditKind.INVITATION_QUEUED, ivo.access_id) == [
        f"{first} · first invite · to i••••@example.org"
    ]
    assert rows_of(table, AuditKind.INVITATION_QUEUED, OMAR) == [
        f"{resend} · resend · to +44 •••• ••12",
        "I-7QKM0002 · first invite · to +44 •••• ••12",
    ]
    assert rows_of(table, AuditKind.INVITATION_DELIVERED, OMAR) == ["I-7QKM0002 · to +44 •••• ••12"]
    assert rows_of(table, AuditKind.INVITATION_SENT, LUIS) == [
        "I-7QKM0004 · by SMS to +1 •••• ••77"
    ]
    assert rows_of(table, AuditKind.INVITATION_FAILED, GRACE) == [
        "I-7QKM0003 · to g••••@example.org · the mail server smtp.example.com:587 refused it:"
        " 550 5.1.1 mailbox unavailable · failed for good"
    ]


@pytest.mark.parametrize(
    ("kind", "new_value", "result", "says"),
    [
        (AuditKind.INVITATION_SENT, "email", "sent", "I-7QKM0003 · by e-mail to +1 •••• ••00"),
        (
            AuditKind.INVITATION_FAILED,
            "the mail server did not answer",
            "retry",
            "I-7QKM0003 · to +1 •••• ••00 · the mail server did not answer · will be tried again",
        ),
        # A value a later version may store is shown as it is, never dropped.
        (
            AuditKind.INVITATION_QUEUED,
            "scheduled",
            None,
            "I-7QKM0003 · scheduled · to +1 •••• ••00",
        ),
    ],
    ids=["sent by e-mail", "failed, tried again", "unknown value"],
)
def test_an_invitation_entry_reads_as_words(
    kind: AuditKind, new_value: str, result: str | None, says: str
) -> None:
    from collab_console.core.audit import ActorRole
    from collab_console.gui.audit_log import AuditRow

    entry = AuditEntry(
        seq=9,
        at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        kind=kind,
        actor="collab-console",
        actor_role=ActorRole.AGENT,
        session_id=DEMO_ACTIVE_ID,
        participant_id=DEMO_ACTIVE_ID,
        detail="I-7QKM0003",
        new_value=new_value,
        contact="+1 •••• ••00",
        result=result,
    )

    assert AuditRow(entry).cells[5] == says
