"""Invitations in organisation mode: the outbox is the server's, and it keeps its rules.

Each test connects as real login roles of the ``org`` fixture (``agent.amy`` runs the
session, ``agent.bob`` is another agent, ``admin.ana`` an admin, ``auditor.aud`` the
auditor, ``join.svc`` the join service) and works through the store, as the console and
the sender do, or through raw SQL, as psql would: forging a delivered invitation,
backdating one, moving one back, reading or claiming another agent's, deleting one. The
server must refuse, and an admin's re-read must find everything as it was. Two consoles at
once are two connections: a resend asked for twice queues one, a claim takes what the
other does not hold, and a change made by one reaches the other as an event.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from collab_console.core.admins import change_settings, verify_database_admin
from collab_console.core.audit import AuditKind, AuditQuery
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.delivery import (
    CLAIM_SECONDS,
    REPORT_SECONDS,
    SESSION_ENDED_REASON,
    Delivery,
    DeliveryState,
    RateLimitedError,
)
from collab_console.core.errors import NotAllowedError, NotFoundError, ValidationError
from collab_console.core.events import (
    InvitationsChanged,
    ParticipantAdded,
    SessionStarted,
    StoreEvent,
)
from collab_console.core.links import LinkPurpose
from collab_console.core.settings import SPECS_BY_KEY
from collab_console.store import pg_setup, seed_demo
from collab_console.store.postgres import PostgresStore
from tests.org.conftest import Org
from tests.org.roles import OWNER, PASSWORDS
from tests.org.test_server_rules import REFUSED, refused, rows_touched, unchanged

AMY, BOB, ANA, AUD, SVC = "agent.amy", "agent.bob", "admin.ana", "auditor.aud", "join.svc"
PHONE, STORED_PHONE, MASKED_PHONE = "+44 20 7946 0123", "+442079460123", "+44 •••• ••23"

Open = Callable[[str], PostgresStore]
Sql = Callable[[str], psycopg.Connection[Any]]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def store(org: Org) -> Open:
    """Open the organisation store as a login (closed after the test)."""
    return org.connect


@pytest.fixture
def psql(org: Org) -> Iterator[Sql]:
    """A raw SQL connection as a login, autocommit (each statement its own transaction)."""
    opened: list[psycopg.Connection[Any]] = []

    def connect(user: str) -> psycopg.Connection[Any]:
        opened.append(psycopg.connect(org.dsn(user), autocommit=True))
        return opened[-1]

    yield connect
    for each in opened:
        each.close()


def start(db: PostgresStore, customer: str = "Ruth Cohen", contact: str = PHONE) -> str:
    session, _ = db.start_session(customer_name=customer, contact=contact, now=now(), actor="x")
    return session.session_id


@pytest.fixture
def amys(store: Open) -> str:
    """A session amy started: its customer's first invitation is queued."""
    return start(store(AMY))


def set_policy(db: PostgresStore, **values: object) -> None:
    """Change the organisation's settings as the admin ``db`` is opened as."""
    admin = verify_database_admin(db, now=now())
    change_settings(db, db.load_settings(), admin, now=now(), acknowledged=False, **values)


def invitation_rows(conn: psycopg.Connection[Any], session_id: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT invitation_id, state, attempts, resend FROM collab.invitation"
        " WHERE session_id = %s ORDER BY id",
        (session_id,),
    ).fetchall()


def heard(db: PostgresStore) -> list[StoreEvent]:
    """What ``db``'s console hears once its socket wakes it up."""
    socket = db.event_socket()
    assert socket is not None
    ready, _, _ = select.select([socket], [], [], 5)
    assert ready == [socket], "the socket wakes the console up"
    return db.poll_events()


def wait_until_blocked(org: Org, user: str) -> None:
    """Until a statement of ``user`` waits for a lock (seen by the superuser, who only looks)."""
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        for _ in range(500):
            waiting = su.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = %s"
                " AND wait_event_type = 'Lock'",
                (org.dbname, user),
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    pytest.fail(f"{user} never waited for the lock")


# -- through the app ------------------------------------------------------------------------


def test_a_session_starts_with_its_customer_s_invitation_queued_by_the_server(
    store: Open,
) -> None:
    amy, ana = store(AMY), store(ANA)
    session, event = amy.start_session(
        customer_name="Ruth Cohen", contact=PHONE, now=now() - timedelta(days=3), actor="x"
    )

    invite = session.invite
    assert invite is not None
    assert (invite.state, invite.recipient, invite.queued_by) == (
        DeliveryState.QUEUED,
        STORED_PHONE,
        AMY,
    )
    assert (invite.resend, invite.attempts, invite.next_attempt_at) == (
        False,
        0,
        invite.queued_at,
    )
    assert abs(invite.queued_at - now()) < timedelta(minutes=1), (
        "the server's clock, not 3 days ago"
    )
    assert event.summary.invite == invite
    assert amy.get_session(session.session_id).deliveries == {session.session_id: invite}
    assert [s.invite for s in amy.list_sessions()] == [invite]
    assert amy.deliveries(session.session_id) == {session.session_id: invite}
    started, queued = ana.audit_entries(AuditQuery(oldest_first=True, limit=None))[-2:]
    assert (started.kind, queued.kind) == (AuditKind.SESSION_STARTED, AuditKind.INVITATION_QUEUED)
    assert (queued.actor, queued.detail, queued.new_value, queued.contact, queued.at) == (
        AMY,
        invite.invitation_id,
        "first",
        MASKED_PHONE,
        invite.queued_at,
    )


def test_an_invitation_is_sent_then_reported_and_every_step_is_on_record(
    store: Open, amys: str
) -> None:
    amy, ana = store(AMY), store(ANA)

    (claimed,) = amy.claim_invitations(now=now())
    assert claimed.session_id == amys
    assert amy.claim_invitations(now=now()) == [], "held for the sender that took it"
    minted, _ = amy.mint_link(amys, amys, purpose=LinkPurpose.INVITATION, actor="x", now=now())
    sent = amy.record_attempt(
        claimed.invitation_id,
        state=DeliveryState.SENT,
        gateway_id="gw-7",
        link_id=minted.link.link_id,
        now=now(),
        actor="x",
    )
    assert sent == InvitationsChanged(amys)
    (awaiting,) = amy.invitations_awaiting_report(now=now())
    assert (awaiting.state, awaiting.gateway_id, awaiting.link_id, awaiting.attempts) == (
        DeliveryState.SENT,
        "gw-7",
        minted.link.link_id,
        1,
    )
    assert amy.invitations_awaiting_report(now=now()) == [], "asked just now"
    later = now() + timedelta(seconds=REPORT_SECONDS + 1)
    assert [d.invitation_id for d in amy.invitations_awaiting_report(now=later)] == [
        claimed.invitation_id
    ]
    assert (
        amy.record_report(claimed.invitation_id, state=DeliveryState.SENT, now=now(), actor="x")
        is None
    )
    assert amy.record_report(
        claimed.invitation_id, state=DeliveryState.DELIVERED, now=now(), actor="x"
    ) == InvitationsChanged(amys)

    delivered = amy.deliveries(amys)[amys]
    assert (delivered.state, delivered.reason, delivered.next_attempt_at) == (
        DeliveryState.DELIVERED,
        "",
        None,
    )
    with pytest.raises(ValidationError, match="delivered"):
        amy.record_attempt(claimed.invitation_id, state=DeliveryState.SENT, now=now(), actor="x")
    with pytest.raises(ValidationError):
        amy.record_report(
            claimed.invitation_id, state=DeliveryState.FAILED, reason="no", now=now(), actor="x"
        )
    kinds = frozenset(
        {
            AuditKind.INVITATION_QUEUED,
            AuditKind.INVITATION_SENT,
            AuditKind.INVITATION_FAILED,
            AuditKind.INVITATION_DELIVERED,
        }
    )
    trail = ana.audit_entries(AuditQuery(kinds=kinds, oldest_first=True, limit=None))
    assert [(e.kind, e.new_value, e.result, e.contact, e.detail) for e in trail] == [
        (AuditKind.INVITATION_QUEUED, "first", None, MASKED_PHONE, claimed.invitation_id),
        (AuditKind.INVITATION_SENT, "sms", "sent", MASKED_PHONE, claimed.invitation_id),
        (AuditKind.INVITATION_DELIVERED, None, "delivered", MASKED_PHONE, claimed.invitation_id),
    ]
    assert {e.actor for e in trail} == {AMY}
    assert ana.verify_audit() is None


def test_a_failed_try_waits_for_its_next_time_and_counts(store: Open, amys: str) -> None:
    amy, ana = store(AMY), store(ANA)
    (claimed,) = amy.claim_invitations(now=now())
    retry_at = now() + timedelta(minutes=5)

    amy.record_attempt(
        claimed.invitation_id,
        state=DeliveryState.QUEUED,
        reason="the mail server answered 421: try again later",
        next_attempt_at=retry_at,
        now=now(),
        actor="x",
    )

    retrying = amy.deliveries(amys)[amys]
    assert retrying.retrying
    assert retrying.attempts == 1
    assert retrying.next_attempt_at == retry_at
    assert amy.claim_invitations(now=now()) == [], "not due yet"
    (again,) = amy.claim_invitations(now=retry_at + timedelta(seconds=1))
    with pytest.raises(ValidationError, match="say why"):
        amy.record_attempt(again.invitation_id, state=DeliveryState.FAILED, now=now(), actor="x")
    amy.record_attempt(
        again.invitation_id,
        state=DeliveryState.FAILED,
        reason="the mail server answered 550: mailbox unavailable",
        now=now(),
        actor="x",
    )

    failed = amy.deliveries(amys)[amys]
    assert (failed.state, failed.attempts, failed.next_attempt_at) == (
        DeliveryState.FAILED,
        2,
        None,
    )
    trail = ana.audit_entries(
        AuditQuery(kinds=frozenset({AuditKind.INVITATION_FAILED}), oldest_first=True)
    )
    assert [(e.result, e.new_value) for e in trail] == [
        ("retry", "the mail server answered 421: try again later"),
        ("failed", "the mail server answered 550: mailbox unavailable"),
    ]


def test_a_mail_server_s_hostile_words_are_kept_readable(store: Open, amys: str) -> None:
    """A reply or a report is anyone's text: what no reason may hold is dropped, so the
    session stays readable."""
    amy = store(AMY)
    (claimed,) = amy.claim_invitations(now=now())

    amy.record_attempt(
        claimed.invitation_id,
        state=DeliveryState.FAILED,
        reason="550\x00 no\u200b such\x7f\nmailbox\ud800" + "!" * 400,
        now=now(),
        actor="x",
    )

    failed = amy.get_session(amys).invite
    assert failed is not None
    assert failed.reason.startswith("550 no such mailbox!")
    assert len(failed.reason) == 300


def test_a_claim_runs_out_for_a_sender_that_never_came_back(store: Open, amys: str) -> None:
    first, second = store(AMY), store(AMY)
    (claimed,) = first.claim_invitations(now=now())

    assert second.claim_invitations(now=now()) == []
    later = now() + timedelta(seconds=CLAIM_SECONDS + 1)
    assert [d.invitation_id for d in second.claim_invitations(now=later)] == [claimed.invitation_id]


def test_an_invitation_still_queued_when_its_session_ended_fails(store: Open, amys: str) -> None:
    amy = store(AMY)
    amy.end_session(amys, now(), actor="x")

    assert amy.claim_invitations(now=now()) == []

    ended = amy.deliveries(amys)[amys]
    assert (ended.state, ended.reason, ended.attempts) == (
        DeliveryState.FAILED,
        SESSION_ENDED_REASON,
        0,
    )
    with pytest.raises(ValidationError, match="ended"):
        amy.queue_invitation(amys, amys, actor="x", now=now())


def test_a_resend_waits_for_the_interval_in_force_for_the_agent(
    store: Open, psql: Sql, amys: str
) -> None:
    amy, ana = store(AMY), store(ANA)
    first = amy.deliveries(amys)[amys]

    with pytest.raises(RateLimitedError) as limited:
        amy.queue_invitation(amys, amys, actor="x", now=now())
    assert 28 <= limited.value.wait_seconds <= 30
    assert "Ruth Cohen" in str(limited.value)
    assert amy.deliveries(amys)[amys] == first, "nothing queued"

    # amy's team may resend at once; the organisation keeps its 30 seconds.
    admin = verify_database_admin(ana, now=now())
    ana.set_team_setting("Night", "resend_interval_seconds", 0, admin=admin, now=now())
    ana.add_team_member("Night", AMY, admin=admin, now=now())
    assert amy.load_settings().value("resend_interval_seconds") == 0
    resent, event = amy.queue_invitation(amys, amys, actor="x", now=now())

    assert event == InvitationsChanged(amys)
    assert (resent.resend, resent.state, resent.queued_by) == (True, DeliveryState.QUEUED, AMY)
    assert amy.deliveries(amys)[amys] == resent, "the newest is the person's delivery"
    assert [row[3] for row in invitation_rows(psql(ANA), amys)] == [False, True]
    (entry,) = ana.audit_entries(
        AuditQuery(kinds=frozenset({AuditKind.INVITATION_QUEUED}), limit=1)
    )
    assert (entry.detail, entry.new_value) == (resent.invitation_id, "resend")


def test_two_consoles_resending_at_once_queue_one(org: Org, store: Open, psql: Sql) -> None:
    """The first console's transaction holds the person's row; the second waits for it,
    then finds its invitation and is refused, with how long to wait."""
    set_policy(store(ANA), resend_interval_seconds=2)
    sid = start(store(AMY))
    time.sleep(2.1)  # the first invitation is old enough for one resend
    console = store(AMY)
    first = org.sql(AMY)  # another console, mid-resend (autocommit off)
    first.execute("SELECT collab.lock_invitee(%s, %s)", (sid, sid))
    first.execute(
        "INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel,"
        " recipient, resend) VALUES ('I-RACE0001', %s, %s, 'sms', %s, true)",
        (sid, sid, STORED_PHONE),
    )
    outcome: list[object] = []

    def resend() -> None:
        try:
            outcome.append(console.queue_invitation(sid, sid, actor="x", now=now()))
        except RateLimitedError as exc:
            outcome.append(exc)

    second = threading.Thread(target=resend)
    second.start()
    wait_until_blocked(org, AMY)
    first.commit()
    second.join(10)

    assert not second.is_alive()
    (refusal,) = outcome
    assert isinstance(refusal, RateLimitedError)
    assert 1 <= refusal.wait_seconds <= 2
    assert [row[0] for row in invitation_rows(psql(ANA), sid)][1:] == ["I-RACE0001"]


def test_the_database_alone_lets_one_of_two_resends_in(org: Org, store: Open, psql: Sql) -> None:
    """Two raw-SQL writers, no app to help: the second insert waits, then is refused."""
    set_policy(store(ANA), resend_interval_seconds=2)
    sid = start(store(AMY))
    time.sleep(2.1)
    first, second = org.sql(AMY), org.sql(AMY)
    insert = (
        "INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel,"
        " recipient, resend) VALUES (%s, %s, %s, 'sms', %s, true)"
    )
    first.execute(insert, ("I-RACE0001", sid, sid, STORED_PHONE))
    caught: list[BaseException] = []

    def insert_too() -> None:
        try:
            second.execute(insert, ("I-RACE0002", sid, sid, STORED_PHONE))
        except psycopg.Error as exc:
            caught.append(exc)

    racing = threading.Thread(target=insert_too)
    racing.start()
    wait_until_blocked(org, AMY)
    first.commit()
    racing.join(10)

    (refusal,) = caught
    assert isinstance(refusal, errors.CheckViolation)
    assert "moments ago" in str(refusal)
    assert [row[0] for row in invitation_rows(psql(ANA), sid)][1:] == ["I-RACE0001"]


def test_two_consoles_claiming_at_once_take_different_invitations(org: Org, store: Open) -> None:
    amy = store(AMY)
    sessions = [start(amy, f"Customer {n}") for n in range(8)]
    # A third console is mid-claim on two of them: neither console waits for it.
    busy = org.sql(AMY)
    held = busy.execute(
        "SELECT invitation_id FROM collab.invitation WHERE session_id = ANY(%s)"
        " ORDER BY id LIMIT 2 FOR UPDATE",
        (sessions[:2],),
    ).fetchall()
    consoles = (store(AMY), store(AMY))
    barrier = threading.Barrier(2)
    claimed: dict[int, list[Delivery]] = {}

    def claim(n: int) -> None:
        barrier.wait()
        claimed[n] = consoles[n].claim_invitations(now=now(), limit=4)

    threads = [threading.Thread(target=claim, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert not any(t.is_alive() for t in threads), "SKIP LOCKED: nobody waits"
    first, second = ({d.invitation_id for d in claimed[n]} for n in (0, 1))
    assert not first & second
    everyone_else = {d.invitation_id for s in sessions[2:] for d in amy.deliveries(s).values()}
    assert first | second == everyone_else
    busy.rollback()
    assert {d.invitation_id for d in amy.claim_invitations(now=now())} == {i for (i,) in held}


def test_a_participant_added_is_invited_audited_and_told(store: Open, amys: str) -> None:
    amy, ana = store(AMY), store(ANA)

    person, added, invited = amy.add_participant(
        amys, name="Noor Haddad", contact="Noor@Example.COM", actor="x", now=now()
    )

    assert (person.name, person.contact) == ("Noor Haddad", "Noor@example.com")
    assert person.access_id not in (amys, "")
    assert added == ParticipantAdded(amys, person.access_id)
    assert invited == InvitationsChanged(amys)
    session = amy.get_session(amys)
    assert session.participants == (person,)
    delivery = session.delivery_of(person)
    assert delivery is not None
    assert (delivery.channel.value, delivery.recipient, delivery.resend) == (
        "email",
        "Noor@example.com",
        False,
    )
    (entry,) = ana.audit_entries(AuditQuery(kinds=frozenset({AuditKind.PARTICIPANT_ADDED})))
    assert (entry.actor, entry.session_id, entry.participant_id, entry.contact) == (
        AMY,
        amys,
        person.access_id,
        "N••••@example.com",
    )

    quiet, _, none = amy.add_participant(amys, name="Omar", contact="", actor="x", now=now())
    assert none is None
    assert quiet.contact == ""
    assert quiet not in amy.deliveries(amys)
    with pytest.raises(ValidationError, match="already"):
        amy.add_participant(amys, name="noor HADDAD", contact="", actor="x", now=now())
    with pytest.raises(ValidationError):
        amy.add_participant(amys, name="Lee", contact="+44 12", actor="x", now=now())
    with pytest.raises(NotFoundError):
        store(BOB).add_participant(amys, name="Mallory", contact="", actor="x", now=now())
    amy.share_session(amys, BOB)
    helper, _, _ = store(BOB).add_participant(amys, name="Grace", contact="", actor="x", now=now())
    amy.end_session(amys, now(), actor="x")
    with pytest.raises(ValidationError, match="ended"):
        amy.add_participant(amys, name="Late Comer", contact="", actor="x", now=now())
    assert [p.name for p in amy.get_session(amys).participants] == ["Noor Haddad", "Omar", "Grace"]
    assert helper.access_id in {p.access_id for p in amy.get_session(amys).participants}


def test_changes_reach_another_console_as_events(store: Open, psql: Sql, amys: str) -> None:
    amy, ana = store(AMY), store(ANA)
    ana.poll_events()  # what came before

    sid = start(amy, "Noor Haddad")
    assert [type(e) for e in heard(ana)] == [SessionStarted], "its start says it all"

    person, _, _ = amy.add_participant(
        sid, name="Omar Haddad", contact="+1 202 555 0177", actor="x", now=now()
    )
    assert heard(ana) == [ParticipantAdded(sid, person.access_id), InvitationsChanged(sid)]

    (claimed, _) = amy.claim_invitations(now=now(), limit=2)
    assert ana.poll_events() == [], "a claim changes nothing anyone sees"
    amy.record_attempt(
        claimed.invitation_id, state=DeliveryState.FAILED, reason="blocked", now=now(), actor="x"
    )
    assert heard(ana) == [InvitationsChanged(claimed.session_id)]
    assert amy.poll_events() == [], "a console does not hear its own writes again"
    bob = store(BOB)
    assert bob.poll_events() == [], "none of bob's sessions"

    # Anyone may NOTIFY: a person the session does not have is nobody to show.
    psql(BOB).execute(
        "SELECT pg_notify('collab_events', json_build_object('kind', 'participant',"
        " 'session_id', %s::text, 'access_id', 'ZZZZ-ZZZZ')::text)",
        (sid,),
    )
    assert heard(ana) == []


def test_the_invitation_settings_are_declared_and_bounded_by_the_database(
    store: Open, psql: Sql
) -> None:
    ana = store(ANA)
    keys = (
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_username",
        "smtp_sender",
        "sms_gateway_url",
        "resend_interval_seconds",
    )
    settings = ana.load_settings()
    assert {key: settings.value(key) for key in keys} == {
        key: SPECS_BY_KEY[key].default for key in keys
    }
    set_policy(
        ana,
        smtp_host="SMTP.Example.com",
        smtp_port=465,
        smtp_security="tls",
        smtp_sender="invites@example.com",
        sms_gateway_url="https://sms.example.com/api",
        resend_interval_seconds=90,
    )
    assert store(AMY).load_settings().value("sms_gateway_url") == "https://sms.example.com/api/"
    admin = psql(ANA)
    with unchanged(psql):
        for key, value in (
            ("smtp_port", "0"),
            ("smtp_port", "65536"),
            ("smtp_port", "25x"),
            ("smtp_security", "ssl"),
            ("smtp_host", "smtp example com"),
            ("smtp_username", " padded"),
            ("smtp_sender", "not an address"),
            ("sms_gateway_url", "http://sms.example.com/"),
            ("sms_gateway_url", "https://sms.example.com/?token=1"),
            ("resend_interval_seconds", "3601"),
            ("resend_interval_seconds", "-1"),
        ):
            refused(
                admin,
                "UPDATE collab.setting SET value = %s WHERE key = %s",
                value,
                key,
                error=errors.CheckViolation,
            )


def test_a_copy_s_reason_is_kept_in_the_trail(store: Open, amys: str) -> None:
    amy, ana = store(AMY), store(ANA)

    amy.record_copy(
        CopyRecord(amys, amys, CopyAction.URL, AMY, STORED_PHONE, reason="the customer asked")
    )

    (entry,) = ana.audit_entries(AuditQuery(kinds=frozenset({AuditKind.COPY})))
    assert (entry.new_value, entry.contact) == ("the customer asked", MASKED_PHONE)


def test_the_demo_s_invitations_are_stored_as_the_demo_tells_them(store: Open) -> None:
    ana = store(ANA)
    assert seed_demo(ana)
    from collab_console.core.demo import DEMO_ACTIVE_ID, demo_sessions

    expected = demo_sessions()[0]
    assert ana.get_session(DEMO_ACTIVE_ID).deliveries == expected.deliveries
    assert ana.claim_invitations(now=now()) == [], "the demo sends nothing"


# -- the server's rules against a login with SQL --------------------------------------------

_INSERT = (
    "INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel, recipient"
    "{columns}) VALUES ('I-FAKE0001', %s, %s, 'sms', {recipient}{values})"
)


def forged(columns: str = "", values: str = "", recipient: str = f"'{STORED_PHONE}'") -> str:
    return _INSERT.format(columns=columns, values=values, recipient=recipient)


@pytest.mark.parametrize("login", [AMY, ANA])
@pytest.mark.parametrize(
    ("statement", "why"),
    [
        pytest.param(
            forged(", state, attempts, next_attempt_at", ", 'delivered', 1, NULL"),
            "dated by its own clock",
            id="delivered-from-the-start",
        ),
        pytest.param(
            forged(", queued_at, updated_at, next_attempt_at", ", now() - interval '1 hour'" * 3),
            "dated by its own clock",
            id="backdated",
        ),
        pytest.param(
            forged(", queued_by", ", 'agent.bob'"),
            "in the name of the agent",
            id="in-another-agent-s-name",
        ),
        pytest.param(
            forged(recipient="'+15555550100'"),
            "the contact its person was added with",
            id="to-another-number",
        ),
        pytest.param(forged(), "a resend when, and only when", id="a-first-one-again"),
        pytest.param(forged(", resend", ", true"), "moments ago", id="a-resend-too-soon"),
        pytest.param(
            forged(", resend, attempts", ", true, 5"),
            "dated by its own clock",
            id="tries-already-counted",
        ),
        pytest.param(
            forged(", resend, claimed_until", ", true, now() + interval '1 year'"),
            "dated by its own clock",
            id="held-for-a-year",
        ),
    ],
)
def test_nobody_forges_an_invitation(
    psql: Sql, amys: str, login: str, statement: str, why: str
) -> None:
    conn = psql(login)
    with unchanged(psql):
        assert why in refused(conn, statement, amys, amys)


def test_nobody_forges_the_demo_s_right_to_store_invitations_as_given(psql: Sql, amys: str) -> None:
    for login in (AMY, ANA):
        conn = psql(login)
        with unchanged(psql), conn.transaction():
            conn.execute("SET LOCAL collab.demo = 'on'")
            refused(
                conn,
                forged(", state, attempts, next_attempt_at", ", 'delivered', 1, NULL"),
                amys,
                amys,
            )


def test_an_invitation_goes_only_to_a_person_of_an_active_session(
    store: Open, psql: Sql, amys: str
) -> None:
    store(AMY).end_session(amys, now(), actor="x")
    set_policy(store(ANA), resend_interval_seconds=0)
    with unchanged(psql):
        why = refused(psql(AMY), forged(", resend", ", true"), amys, amys)
    assert "active session" in why


def sent(db: PostgresStore, session_id: str) -> Delivery:
    """Claim the session's invitation and record it sent, as a sender does."""
    (claimed,) = (d for d in db.claim_invitations(now=now()) if d.session_id == session_id)
    db.record_attempt(
        claimed.invitation_id, state=DeliveryState.SENT, gateway_id="gw-1", now=now(), actor="x"
    )
    return db.deliveries(session_id)[session_id]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("state = 'delivered'", id="delivered-undated"),
        pytest.param("state = 'delivered', updated_at = now() - interval '1 hour'", id="backdated"),
        pytest.param("queued_at = now() - interval '1 hour'", id="queued-earlier"),
        pytest.param("state = 'queued', next_attempt_at = now(), updated_at = now()", id="back"),
        pytest.param("attempts = 0, updated_at = now(), state = 'delivered'", id="tries-undone"),
        pytest.param("gateway_id = 'other', updated_at = now()", id="another-gateway-message"),
        pytest.param("recipient = '+15555550100'", id="to-another-number"),
        pytest.param("queued_by = 'agent.bob'", id="in-another-name"),
        pytest.param("session_id = 'ZZZZ-ZZZZ'", id="to-another-session"),
    ],
)
def test_a_sent_invitation_moves_only_forward_and_only_by_the_store_s_clock(
    store: Open, psql: Sql, amys: str, change: str
) -> None:
    sent(store(AMY), amys)
    amy = psql(AMY)
    with unchanged(psql):
        refused(
            amy,
            f"UPDATE collab.invitation SET {change} WHERE session_id = %s",
            amys,
            error=(*REFUSED, errors.ForeignKeyViolation),
        )


@pytest.mark.parametrize("final", ["delivered", "failed"])
def test_a_delivered_or_failed_invitation_stays_so(
    store: Open, psql: Sql, amys: str, final: str
) -> None:
    amy = store(AMY)
    (claimed,) = amy.claim_invitations(now=now())
    amy.record_attempt(
        claimed.invitation_id, state=DeliveryState(final), reason="blocked", now=now(), actor="x"
    )
    conn = psql(AMY)
    with unchanged(psql):
        for change in (
            "state = 'sent', reason = ''",
            "state = 'queued', next_attempt_at = now(), attempts = attempts + 1, reason = 'x'",
            "state = 'failed', reason = 'rewritten'",
        ):
            if final == "failed" and change.startswith("state = 'failed'"):
                change = "reason = 'rewritten'"
            refused(
                conn,
                f"UPDATE collab.invitation SET {change}, updated_at = now() WHERE session_id = %s",
                amys,
            )


def test_nobody_deletes_an_invitation(org: Org, psql: Sql, amys: str) -> None:
    with unchanged(psql):
        for login in (AMY, ANA):
            conn = psql(login)
            refused(conn, "DELETE FROM collab.invitation WHERE session_id = %s", amys)
            refused(conn, "TRUNCATE collab.invitation")
        # The owner's own rows are none (row-level security holds it too); TRUNCATE, which
        # skips row security, meets the trigger.
        with psycopg.connect(org.dsn(OWNER), autocommit=True) as owner:
            assert rows_touched(owner, "DELETE FROM collab.invitation") == 0
            why = refused(owner, "TRUNCATE collab.invitation")
    assert "never deleted" in why


def test_another_agent_neither_reads_nor_claims_nor_changes_amy_s_invitations(
    store: Open, psql: Sql, amys: str
) -> None:
    bob_sql, bob = psql(BOB), store(BOB)
    invitation = store(AMY).deliveries(amys)[amys].invitation_id
    with unchanged(psql):
        assert bob_sql.execute("SELECT count(*) FROM collab.invitation").fetchone() == (0,)
        assert (
            rows_touched(
                bob_sql,
                "UPDATE collab.invitation SET claimed_until = now() + interval '120 seconds'",
            )
            == 0
        )
        assert (
            rows_touched(
                bob_sql,
                "UPDATE collab.invitation SET state = 'failed', reason = 'x', updated_at = now(),"
                " next_attempt_at = NULL, attempts = attempts + 1",
            )
            == 0
        )
        refused(bob_sql, forged(", queued_by", ", 'agent.bob'"), amys, amys)
        assert bob.claim_invitations(now=now()) == []
        assert bob.invitations_awaiting_report(now=now()) == []
        for call in (
            lambda: bob.deliveries(amys),
            lambda: bob.queue_invitation(amys, amys, actor="x", now=now()),
            lambda: bob.record_attempt(
                invitation, state=DeliveryState.FAILED, reason="x", now=now(), actor="x"
            ),
            lambda: bob.record_report(
                invitation, state=DeliveryState.DELIVERED, now=now(), actor="x"
            ),
        ):
            with pytest.raises(NotFoundError):
                call()
    # Granted the session, bob helps: he sees its invitations and may send them.
    store(AMY).share_session(amys, BOB)
    assert [d.invitation_id for d in bob.claim_invitations(now=now())] == [invitation]


@pytest.mark.parametrize("login", [AUD, SVC])
def test_the_auditor_and_the_join_service_have_no_hand_on_invitations(
    store: Open, psql: Sql, amys: str, login: str
) -> None:
    conn = psql(login)
    with unchanged(psql):
        for statement in (
            "SELECT * FROM collab.invitation",
            "UPDATE collab.invitation SET reason = reason",
            "DELETE FROM collab.invitation",
            "SELECT collab.lock_invitee('A', 'B')",
        ):
            refused(conn, statement, error=errors.InsufficientPrivilege)
        refused(conn, forged(), amys, amys, error=errors.InsufficientPrivilege)
    with pytest.raises(NotAllowedError):
        store(login).claim_invitations(now=now())


def test_a_participant_added_in_sql_is_on_record_and_only_to_an_active_session(
    store: Open, psql: Sql, amys: str
) -> None:
    amy, ana = psql(AMY), store(ANA)
    ana.poll_events()
    insert = (
        "INSERT INTO collab.participant (session_id, access_id, position, name, contact)"
        " VALUES (%s, %s, %s, %s, '')"
    )
    with unchanged(psql):
        why = refused(amy, insert, amys, "K9ZC-3HNP", 1, "ruth COHEN")
    assert "same name" in why

    amy.execute(insert, (amys, "K9ZC-3HNP", 1, "Mallory"))

    assert heard(ana) == [ParticipantAdded(amys, "K9ZC-3HNP")]
    (entry,) = ana.audit_entries(AuditQuery(kinds=frozenset({AuditKind.PARTICIPANT_ADDED})))
    assert (entry.actor, entry.participant_id) == (AMY, "K9ZC-3HNP")
    store(AMY).end_session(amys, now(), actor="x")
    with unchanged(psql):
        why = refused(amy, insert, amys, "K9ZC-3HNQ", 2, "Late Comer")
    assert "active session" in why


# -- the upgrade --------------------------------------------------------------------------


@pytest.fixture
def version_1(org: Org) -> Iterator[psycopg.Connection[Any]]:
    """An empty organisation database at schema version 1, as the owner (autocommit off)."""
    name = f"{org.dbname}_v1"
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        su.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(OWNER)
            )
        )
    owner = psycopg.connect(org.cluster.dsn(name, OWNER, PASSWORDS[OWNER]))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pg_setup, "SCHEMA_VERSION", 1)
            pg_setup.migrate(owner)
        yield owner
    finally:
        owner.close()
        with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
            su.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_an_upgrade_turns_the_old_invite_labels_into_invitations_and_sends_nothing(
    org: Org, version_1: psycopg.Connection[Any]
) -> None:
    owner = version_1
    name = owner.info.dbname
    agent = psycopg.connect(org.cluster.dsn(name, AMY, PASSWORDS[AMY]))
    with agent:
        for sid, status, contact in (
            ("AAAA-AAAA", "pending", "+442079460123"),
            ("BBBB-BBBB", "delivered", "+442079460124"),
            ("CCCC-CCCC", "sms_blocked", "+442079460125"),
            ("DDDD-DDDD", "email_bounced", "ruth@example.com"),
        ):
            agent.execute(
                "INSERT INTO collab.session (session_id, state, invite_status, created_at)"
                " VALUES (%s, 'active', %s, '2026-01-05 10:00+00')",
                (sid, status),
            )
            agent.execute(
                "INSERT INTO collab.participant (session_id, access_id, position, name, contact)"
                " VALUES (%s, %s, 0, 'Ruth Cohen', %s)",
                (sid, sid, contact),
            )

    assert pg_setup.migrate(owner) == 1

    db = PostgresStore.open(org.cluster.dsn(name, AMY), password=PASSWORDS[AMY])
    try:
        invites = {s.session_id: s.invite for s in db.list_sessions()}
        assert invites["AAAA-AAAA"] is None, "pending: nothing queued, nothing sent"
        shown = {
            sid: (d.state, d.reason, d.channel.value, d.queued_by)
            for sid, d in invites.items()
            if d is not None
        }
        assert shown == {
            "BBBB-BBBB": (DeliveryState.DELIVERED, "", "sms", AMY),
            "CCCC-CCCC": (DeliveryState.FAILED, "SMS blocked", "sms", AMY),
            "DDDD-DDDD": (DeliveryState.FAILED, "e-mail bounced", "email", AMY),
        }
        assert db.claim_invitations(now=now()) == []
        assert db.load_settings().value("resend_interval_seconds") == 30
        # A session started now leaves the unused column at its default.
        sid = start(db)
        with psycopg.connect(org.cluster.dsn(name, AMY, PASSWORDS[AMY])) as raw:
            assert raw.execute(
                "SELECT invite_status FROM collab.session WHERE session_id = %s", (sid,)
            ).fetchone() == ("pending",)
    finally:
        db.close()
