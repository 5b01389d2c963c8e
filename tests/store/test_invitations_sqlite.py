"""The embedded store's outbox defending itself: raw SQL, bad values, an upgrade that sends nothing.

As ``test_sqlite.py`` does, these tests use the file the way an attacker or a
careless tool would: a plain ``sqlite3`` connection, naming itself any writer it
likes. What the store must do with invitations is in ``test_invitations.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collab_console.core import audit as core_audit
from collab_console.core.audit import AuditKind
from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_ENDED_PARTICIPANT_ID,
    DEMO_PARTICIPANT_IDS,
)
from collab_console.core.domain import ContactKind
from collab_console.core.events import InvitationsChanged, ParticipantAdded
from collab_console.core.links import LinkPurpose
from collab_console.store import Store, open_store
from collab_console.store import sqlite_schema as schema
from collab_console.store.errors import StoreDamagedError
from collab_console.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION, install_functions
from tests.store.test_sqlite import NOW_SQL, assert_one_line, assert_refused, everything
from tests.tampering import tamper

OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
AGENT = ("agent.kai", "agent")
VISITOR = ("203.0.113.5", "visitor")
DEMO = ("demo", "demo")
#: The invitation queued by the ``outbox`` fixture (the only one queued in it).
QUEUED_ONE = "(SELECT access_id FROM invitation WHERE state = 'queued')"


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def outbox(demo_store: Store) -> Store:
    """The demo store (invitations failed, delivered, sent), a session started since, whose
    customer's invitation is queued, a copy link for Omar, and a session ended with its
    invitation still queued."""
    demo_store.start_session(
        customer_name="Ruth Cohen", contact="ruth@example.com", now=now(), actor="agent.kai"
    )
    ended, _ = demo_store.start_session(
        customer_name="Ivo Petrov", contact="+44 20 7946 0999", now=now(), actor="agent.kai"
    )
    demo_store.end_session(ended.session_id, now(), actor="agent.kai")
    demo_store.mint_link(
        DEMO_ACTIVE_ID, OMAR, purpose=LinkPurpose.COPY, actor="agent.kai", now=now()
    )
    return demo_store


def stored_outbox(store: Store) -> tuple[object, ...]:
    """All a user could see of the store and its invitations."""
    sessions = store.list_sessions()
    return (everything(store), [store.deliveries(s.session_id) for s in sessions])


def raw_invitation(
    *,
    person: str = f"'{OMAR}'",
    state: str = "queued",
    at: str = NOW_SQL,
    by: str = "agent.kai",
    resend: int = 1,
    reason: str = "",
    next_try: str = NOW_SQL,
    recipient: str = "p.contact",
) -> str:
    """An INSERT of an invitation to ``person`` (SQL), every column as given."""
    return (
        "INSERT INTO invitation (invitation_id, session_id, access_id, channel, recipient,"
        " state, queued_at, updated_at, queued_by, resend, attempts, reason, next_attempt_at,"
        " gateway_id)"
        f" SELECT 'I-AAAAAAAA', s.session_id, p.access_id, 'sms', {recipient}, '{state}', {at},"
        f" {at}, '{by}', {resend}, 0, '{reason}', {next_try}, ''"
        f" FROM participants p JOIN sessions s ON s.id = p.session WHERE p.access_id = {person}"
    )


def raw_update(assignments: str, where: str) -> str:
    return f"UPDATE invitation SET {assignments} WHERE {where}"


SENT_NOW = (
    f"state = 'sent', attempts = attempts + 1, next_attempt_at = NULL, updated_at = {NOW_SQL}"
)

INVITATION_ATTACKS = [
    pytest.param(None, raw_invitation(), "queued by Collab Console", id="from-outside"),
    pytest.param(
        VISITOR, raw_invitation(by="203.0.113.5"), "queued by Collab Console", id="by-a-browser"
    ),
    pytest.param(
        AGENT, raw_invitation(by="agent.lee"), "queued by Collab Console", id="another-s-name"
    ),
    pytest.param(
        AGENT,
        raw_invitation(at="'2020-01-01T00:00:00.000+00:00'"),
        "dated by the store",
        id="backdated",
    ),
    pytest.param(
        AGENT,
        raw_invitation(state="delivered", next_try="NULL"),
        "queued by Collab Console",
        id="forged-delivered",
    ),
    pytest.param(
        DEMO,
        raw_invitation(state="delivered", next_try="NULL"),
        "queued by Collab Console",
        id="demo-story-after-the-demo",
    ),
    pytest.param(
        AGENT,
        raw_invitation(person=f"'{DEMO_ENDED_ID}'"),
        "person of an active session",
        id="for-an-ended-session",
    ),
    pytest.param(
        AGENT,
        raw_invitation(recipient="'+12025550199'"),
        "at their contact",
        id="to-someone-else",
    ),
    pytest.param(AGENT, raw_invitation(resend=0), "queued once", id="first-again"),
    pytest.param(
        AGENT, raw_invitation(person=QUEUED_ONE), "waits for the interval", id="resent-too-soon"
    ),
    pytest.param(
        AGENT,
        "REPLACE INTO invitation SELECT id, invitation_id, session_id, access_id, channel,"
        " recipient, 'delivered', queued_at, updated_at, queued_by, resend, attempts, '', NULL,"
        " gateway_id, link_id, NULL FROM invitation WHERE state = 'failed'",
        "cannot be replaced",
        id="replace",
    ),
    pytest.param(
        AGENT,
        "INSERT INTO invitation SELECT * FROM invitation WHERE state = 'failed'"
        " ON CONFLICT (id) DO UPDATE SET state = 'delivered', reason = ''",
        "cannot be replaced",
        id="upsert",
    ),
    pytest.param(
        AGENT,
        raw_update(
            f"state = 'queued', next_attempt_at = {NOW_SQL}, updated_at = {NOW_SQL}",
            "state = 'delivered'",
        ),
        "only moves forward",
        id="delivered-back-to-queued",
    ),
    pytest.param(
        AGENT,
        raw_update(f"state = 'delivered', reason = '', updated_at = {NOW_SQL}", "state = 'failed'"),
        "only moves forward",
        id="failed-made-delivered",
    ),
    pytest.param(
        AGENT,
        raw_update(
            f"state = 'queued', next_attempt_at = {NOW_SQL}, updated_at = {NOW_SQL}",
            "state = 'sent'",
        ),
        "only moves forward",
        id="sent-back-to-queued",
    ),
    pytest.param(
        AGENT,
        raw_update(f"gateway_id = 'msg-forged', updated_at = {NOW_SQL}", "state = 'sent'"),
        "only moves forward",
        id="gateway-id-swapped",
    ),
    pytest.param(
        AGENT,
        raw_update(f"attempts = attempts + 5, updated_at = {NOW_SQL}", "state = 'queued'"),
        "only moves forward",
        id="tries-made-up",
    ),
    pytest.param(
        AGENT,
        raw_update(
            SENT_NOW,
            "state = 'queued'"
            " AND session_id IN (SELECT session_id FROM sessions WHERE state = 'ended')",
        ),
        "only moves forward",
        id="sent-for-an-ended-session",
    ),
    pytest.param(
        AGENT,
        raw_update(
            "state = 'sent', attempts = attempts + 1, next_attempt_at = NULL",
            f"access_id = {QUEUED_ONE}",
        ),
        "dates each change",
        id="sent-undated",
    ),
    pytest.param(
        AGENT,
        raw_update(
            f"{SENT_NOW}, link_id = (SELECT link_id FROM link WHERE purpose = 'copy')",
            f"access_id = {QUEUED_ONE}",
        ),
        "invitation link of its own person",
        id="someone-else-s-link",
    ),
    pytest.param(
        AGENT, raw_update("recipient = '+12025550199'", "1"), "cannot change", id="new-recipient"
    ),
    pytest.param(
        AGENT,
        raw_update("queued_at = '2020-01-01T00:00:00.000+00:00'", "1"),
        "cannot change",
        id="backdated-queue",
    ),
    pytest.param(
        AGENT, raw_update(f"access_id = '{GRACE}'", "1"), "cannot change", id="another-person"
    ),
    pytest.param(
        None,
        raw_update(
            f"state = 'failed', reason = 'x', next_attempt_at = NULL, updated_at = {NOW_SQL}",
            "state = 'queued'",
        ),
        "only Collab Console sends",
        id="failed-from-outside",
    ),
    pytest.param(
        VISITOR, raw_update(SENT_NOW, "state = 'queued'"), "only Collab Console", id="by-a-visitor"
    ),
    pytest.param(None, "DELETE FROM invitation", "cannot be deleted", id="forget-all"),
    pytest.param(
        AGENT,
        "DELETE FROM invitation WHERE state = 'failed'",
        "cannot be deleted",
        id="forget-failures",
    ),
    pytest.param(
        AGENT,
        "INSERT INTO session_starting"
        f" SELECT id FROM sessions WHERE session_id = '{DEMO_ACTIVE_ID}'",
        "only a session being added",
        id="a-started-session-starting-again",
    ),
    pytest.param(
        AGENT,
        "INSERT INTO participants (session, position, name, access_id, contact)"
        " SELECT id, 2, 'Mallory', 'AAAA-AAAA', '' FROM sessions"
        f" WHERE session_id = '{DEMO_ENDED_ID}'",
        "added to an active session",
        id="participant-in-an-ended-session",
    ),
    pytest.param(
        AGENT,
        "INSERT INTO participants (session, position, name, access_id, contact)"
        " SELECT id, 9, 'Mallory', 'AAAA-AAAA', '' FROM sessions"
        f" WHERE session_id = '{DEMO_ACTIVE_ID}'",
        "after everyone in it",
        id="participant-out-of-order",
    ),
]


@pytest.mark.parametrize(("writer", "statement", "says"), INVITATION_ATTACKS)
def test_raw_sql_cannot_get_past_the_rules_of_the_outbox(
    outbox: Store,
    raw: sqlite3.Connection,
    writer: tuple[str, str] | None,
    statement: str,
    says: str,
) -> None:
    before = stored_outbox(outbox)

    assert_refused(raw, writer, statement, says)

    assert stored_outbox(outbox) == before


def test_a_raw_resend_as_the_rules_ask_is_audited_as_the_agent_s_and_heard(
    outbox: Store, raw: sqlite3.Connection
) -> None:
    """Whoever can write the file, names an agent and follows every rule, queues an
    invitation (the embedded store's limit, as for links); it is the agent's, audited
    with the recipient masked, and the console hears of it."""
    outbox.poll_events()
    raw.execute("BEGIN")
    raw.execute("INSERT INTO writer (id, name, role) VALUES (1, 'agent.kai', 'agent')")
    raw.execute(raw_invitation())
    raw.execute("DELETE FROM writer")
    raw.execute("COMMIT")

    resent = outbox.deliveries(DEMO_ACTIVE_ID)[OMAR]
    assert (resent.invitation_id, resent.state, resent.resend) == (
        "I-AAAAAAAA",
        DeliveryState.QUEUED,
        True,
    )
    entry = outbox.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.detail, entry.new_value, entry.contact) == (
        AuditKind.INVITATION_QUEUED,
        "agent.kai",
        "I-AAAAAAAA",
        "resend",
        "+44 •••• ••12",
    )
    assert outbox.poll_events() == [InvitationsChanged(DEMO_ACTIVE_ID)]
    assert outbox.verify_audit() is None


def test_a_raw_participant_added_as_the_rules_ask_is_audited_and_heard(
    outbox: Store, raw: sqlite3.Connection
) -> None:
    outbox.poll_events()
    raw.execute("BEGIN")
    raw.execute("INSERT INTO writer (id, name, role) VALUES (1, 'agent.kai', 'agent')")
    raw.execute(
        "INSERT INTO participants (session, position, name, access_id, contact)"
        " SELECT id, 4, 'Mei Tan', 'AAAA-AAAA', 'mei@example.com' FROM sessions"
        f" WHERE session_id = '{DEMO_ACTIVE_ID}'"
    )
    raw.execute("DELETE FROM writer")
    raw.execute("COMMIT")

    assert outbox.get_session(DEMO_ACTIVE_ID).participants[-1].name == "Mei Tan"
    entry = outbox.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.participant_id, entry.contact) == (
        AuditKind.PARTICIPANT_ADDED,
        "agent.kai",
        "AAAA-AAAA",
        "m••••@example.com",
    )
    assert outbox.poll_events() == [ParticipantAdded(DEMO_ACTIVE_ID, "AAAA-AAAA")]


def test_a_session_added_whole_audits_no_addition(store: Store) -> None:
    """The people of a session being added are its start, not additions; its start is
    audited once, with the customer."""
    from collab_console.core.demo import demo_sessions

    store.add_sessions(demo_sessions()[:1], actor="agent.kai")

    kinds = [e.kind for e in store.audit_log()]
    assert AuditKind.PARTICIPANT_ADDED not in kinds
    assert kinds.count(AuditKind.SESSION_STARTED) == 1


# -- values inside valid rows that the app must not trust ---------------------------------

EVERY_READ = ("list", "session", "deliveries")
#: The session list reads the customers' invitations only.
PEOPLE_S = ("session", "deliveries")
BAD_INVITATIONS = [
    pytest.param("UPDATE invitation SET state = 'lost'", "state", EVERY_READ, id="unknown-state"),
    pytest.param(
        "UPDATE invitation SET reason = 'it worked' WHERE state = 'delivered'",
        "with no reason",
        PEOPLE_S,
        id="reason-for-a-delivery",
    ),
    pytest.param(
        f"UPDATE invitation SET recipient = 'luis@example.org' WHERE access_id = '{LUIS}'",
        "recipient of another channel",
        PEOPLE_S,
        id="channel-and-recipient-differ",
    ),
    pytest.param(
        "UPDATE invitation SET updated_at = '2020-01-01T00:00:00.000+00:00'",
        "changed before it was queued",
        EVERY_READ,
        id="changed-before-queued",
    ),
    pytest.param(
        "UPDATE invitation SET queued_at = 'last Tuesday'",
        "not a time",
        EVERY_READ,
        id="queued-when",
    ),
    pytest.param(
        "UPDATE invitation SET next_attempt_at = queued_at WHERE state = 'failed'",
        "wrong next try",
        EVERY_READ,
        id="next-try-for-a-failure",
    ),
    pytest.param(
        "UPDATE invitation SET attempts = -1", "attempts", EVERY_READ, id="negative-tries"
    ),
    pytest.param("UPDATE invitation SET resend = 7", "resend mark", EVERY_READ, id="resend-mark"),
    pytest.param(
        "UPDATE invitation SET queued_by = '\u202eadmin'",
        "direction",
        EVERY_READ,
        id="queued-by-disguised",
    ),
    pytest.param(
        "UPDATE invitation SET invitation_id = 'I-' || id",
        "name is malformed",
        EVERY_READ,
        id="name",
    ),
    pytest.param(
        f"UPDATE invitation SET session_id = '{DEMO_ENDED_ID}'"
        f" WHERE access_id = '{DEMO_ACTIVE_ID}'",
        "someone else",
        ("list",),
        id="customer-s-filed-elsewhere",
    ),
    pytest.param(
        f"UPDATE invitation SET access_id = '{DEMO_ENDED_PARTICIPANT_ID}'"
        f" WHERE access_id = '{GRACE}'",
        "someone not in it",
        PEOPLE_S,
        id="of-someone-not-in-the-session",
    ),
    pytest.param(
        "UPDATE invitation SET reason = 'line one' || char(10) || 'line two'"
        " WHERE state = 'failed'",
        "malformed reason",
        EVERY_READ,
        id="reason-on-two-lines",
    ),
]


@pytest.mark.parametrize(("statements", "says", "reads"), BAD_INVITATIONS)
def test_a_bad_invitation_value_is_reported_not_trusted(
    demo_store: Store, store_file: Path, statements: str, says: str, reads: tuple[str, ...]
) -> None:
    demo_store.close()
    tamper(store_file, *statements.split(";"))

    reopened = open_store(store_file.parent, readonly=True)
    reading: dict[str, Callable[[], object]] = {
        "list": reopened.list_sessions,
        "session": lambda: reopened.get_session(DEMO_ACTIVE_ID),
        "deliveries": lambda: reopened.deliveries(DEMO_ACTIVE_ID),
    }
    try:
        for read in reads:
            with pytest.raises(StoreDamagedError, match=says) as caught:
                reading[read]()
            assert_one_line(caught.value, store_file)
    finally:
        reopened.close()


def test_the_legacy_invite_label_is_read_no_more(demo_store: Store, store_file: Path) -> None:
    demo_store.close()
    tamper(store_file, "UPDATE sessions SET invite_status = 'carrier_pigeon'")

    reopened = open_store(store_file.parent, readonly=True)
    try:
        invite = reopened.get_session(DEMO_ACTIVE_ID).invite
        listed = reopened.list_sessions()[0].invite
    finally:
        reopened.close()

    assert invite is not None
    assert invite == listed
    assert invite.state is DeliveryState.FAILED


def test_the_store_s_vocabulary_of_invitation_results_is_the_core_s() -> None:
    assert schema.INVITATION_RESULTS == core_audit.INVITATION_RESULTS
    assert set(schema.INVITATION_RESULTS) <= set(schema.AUDIT_RESULTS)


# -- migrating to version 7 ----------------------------------------------------------------

#: (Session ID, state, legacy label, customer's contact as an older version kept it).
LEGACY = [
    ("7QKM-92HX", "active", "sms_blocked", "+1 555 0100 200"),
    ("3FDN-X8TR", "ended", "email_bounced", "priya.nair@example.com"),
    ("9WXR-4TCM", "active", "delivered", "omar@example.com"),
    ("6HPB-2KQZ", "active", "pending", "+44 20 7946 0912"),
]
LEGACY_START = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def _version_6_store(store_file: Path) -> list[tuple[object, ...]]:
    """A version-6 store whose sessions carry the legacy invite labels; its audit rows."""
    with closing(sqlite3.connect(store_file, isolation_level=None)) as v6:
        install_functions(v6)
        for statements in MIGRATIONS[:6]:
            for statement in statements:
                v6.execute(statement)
        v6.execute("PRAGMA user_version = 6")
        v6.execute("INSERT INTO writer (id, name, role) VALUES (1, 'agent.kai', 'agent')")
        for key, (sid, state, label, contact) in enumerate(LEGACY, start=1):
            v6.execute(
                "INSERT INTO sessions (session_id, state, invite_status, created_at, ended_at,"
                " agent) VALUES (?, ?, ?, '2026-03-04T09:30:00.000000+00:00', ?, 'agent.kai')",
                (
                    sid,
                    state,
                    label,
                    "2026-03-04T10:00:00.000000+00:00" if state == "ended" else None,
                ),
            )
            v6.execute(
                "INSERT INTO participants VALUES (?, 0, ?, ?, ?)",
                (key, f"Customer {key}", sid, contact),
            )
        v6.execute("INSERT INTO participants VALUES (1, 1, 'Grace Kim', 'K9ZC-3HNP', '')")
        v6.execute("DELETE FROM writer")
        return v6.execute("SELECT * FROM audit ORDER BY id").fetchall()


def test_a_version_6_store_keeps_what_its_labels_said_and_queues_nothing(
    data_dir: Path, store_file: Path
) -> None:
    trail = _version_6_store(store_file)

    upgraded = open_store(data_dir)
    try:
        deliveries = {sid: upgraded.deliveries(sid) for sid, *_ in LEGACY}
        listed = {s.session_id: s.invite for s in upgraded.list_sessions()}
        due = upgraded.claim_invitations(now=now())
        intact = upgraded.verify_audit()
        first, _ = upgraded.queue_invitation("6HPB-2KQZ", "6HPB-2KQZ", actor="kai", now=now())
        resend, _ = upgraded.queue_invitation("7QKM-92HX", "7QKM-92HX", actor="kai", now=now())
    finally:
        upgraded.close()

    told = {
        sid: [(d.channel, d.recipient, d.state, d.reason) for d in found.values()]
        for sid, found in deliveries.items()
    }
    assert told == {
        "7QKM-92HX": [(ContactKind.SMS, "+1 555 0100 200", DeliveryState.FAILED, "SMS blocked")],
        "3FDN-X8TR": [
            (ContactKind.EMAIL, "priya.nair@example.com", DeliveryState.FAILED, "e-mail bounced")
        ],
        "9WXR-4TCM": [(ContactKind.EMAIL, "omar@example.com", DeliveryState.DELIVERED, "")],
        "6HPB-2KQZ": [],
    }, "the customer's label becomes their invitation; nobody else's is made up"
    assert due == [], "an upgrade never sends anything"
    converted = deliveries["7QKM-92HX"]["7QKM-92HX"]
    assert (converted.queued_at, converted.updated_at, converted.queued_by) == (
        LEGACY_START,
        LEGACY_START,
        "agent.kai",
    )
    assert (converted.attempts, converted.resend, converted.next_attempt_at) == (1, False, None)
    assert listed == {sid: found.get(sid) for sid, found in deliveries.items()}
    assert intact is None, "the trail kept, entry for entry"
    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("SELECT * FROM audit ORDER BY id").fetchall()[: len(trail)] == trail
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (first.resend, resend.resend) == (False, True), "a pending customer was never invited"
