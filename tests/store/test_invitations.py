"""What every store backend must do with invitations: an outbox, queued before anything is sent.

Contract tests (each runs once per backend, ``tests/store/conftest.py``). An
invitation is queued in the transaction that starts the session or adds the
person, dated by the store's clock; senders claim it, try it and record what the
try did, only forward; a resend waits for the admin's interval. The store's clock
is the real one, so these tests pass the time as it is now, or look ahead of it
("past the claim") instead of making up dates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.audit import AuditEntry, AuditKind, AuditQuery
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.delivery import (
    CLAIM_SECONDS,
    INVITATION_ID_PATTERN,
    MAX_REASON_LENGTH,
    REPORT_SECONDS,
    Delivery,
    DeliveryState,
    RateLimitedError,
)
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS, demo_sessions
from collab_console.core.domain import (
    SESSION_ID_PATTERN,
    ContactKind,
    Role,
    Session,
)
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.events import (
    InvitationsChanged,
    ParticipantAdded,
    SessionStarted,
)
from collab_console.core.links import LinkPurpose
from collab_console.store import Store
from tests.store.admins import become_admin

Connect = Callable[..., Store]
Agent = Callable[[str], Store]
QUEUED, SENT, DELIVERED, FAILED = (
    DeliveryState.QUEUED,
    DeliveryState.SENT,
    DeliveryState.DELIVERED,
    DeliveryState.FAILED,
)
OMAR = DEMO_PARTICIPANT_IDS[0]
#: The agent whose console starts sessions and sends: on PostgreSQL the login is the writer.
AGENT = "agent.kai"
#: How often the gateway may be asked about one sent SMS (``invitations.sender``).
BOUNCED = "the mail server smtp.example.com:587 refused it: 550 5.1.1 mailbox unavailable"


def now() -> datetime:
    return datetime.now(UTC)


def start(store: Store, contact: str = "ruth.cohen@example.com") -> Session:
    session, _ = store.start_session(
        customer_name="Ruth Cohen", contact=contact, now=now(), actor=AGENT
    )
    return session


def add(store: Store, session: Session, name: str, contact: str = "") -> str:
    person, _, _ = store.add_participant(
        session.session_id, name=name, contact=contact, actor=AGENT, now=now()
    )
    return person.access_id


def resend_every(db: Store, seconds: int) -> None:
    """An admin sets how often one person may be sent an invitation."""
    db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=now(), resend_interval_seconds=seconds),
        admin=become_admin(db, "admin.ana"),
    )


def entries_of(db: Store, invitation_id: str) -> list[AuditEntry]:
    """The audit entries about one invitation, oldest first."""
    everything = db.audit_entries(AuditQuery(limit=None, oldest_first=True))
    return [e for e in everything if e.detail == invitation_id]


def send(store: Store, delivery: Delivery, gateway_id: str = "") -> None:
    """What a sender does with a claimed invitation that went out: its own link, then SENT."""
    minted, _ = store.mint_link(
        delivery.session_id,
        delivery.access_id,
        purpose=LinkPurpose.INVITATION,
        actor=AGENT,
        now=now(),
    )
    store.record_attempt(
        delivery.invitation_id,
        state=SENT,
        gateway_id=gateway_id,
        link_id=minted.link.link_id,
        now=now(),
        actor=AGENT,
    )


# -- queued with the session or the person ----------------------------------------------------


def test_starting_a_session_queues_the_customer_s_invitation_dated_by_the_store(
    db: Store, connect: Connect
) -> None:
    kai = connect(AGENT)
    before = now() - timedelta(milliseconds=1)  # the store keeps milliseconds, truncated
    session, started = kai.start_session(
        customer_name="Ruth Cohen",
        contact="+44 20 7946 0958",
        now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        actor=AGENT,
    )
    after = now()

    invite = session.invite
    assert invite is not None
    assert INVITATION_ID_PATTERN.fullmatch(invite.invitation_id)
    assert (invite.session_id, invite.access_id) == (session.session_id, session.session_id)
    assert (invite.channel, invite.recipient) == (ContactKind.SMS, "+442079460958")
    assert (invite.state, invite.queued_by, invite.resend, invite.attempts) == (
        QUEUED,
        AGENT,
        False,
        0,
    )
    assert before <= invite.queued_at <= after, "dated by the store, not by the caller"
    assert invite.updated_at == invite.next_attempt_at == invite.queued_at, "due at once"
    assert invite.label == "SMS invite queued"
    assert started == SessionStarted(session.summary())
    assert started.summary.invite == invite
    assert kai.get_session(session.session_id) == session
    assert kai.deliveries(session.session_id) == {session.session_id: invite}
    assert [summary.invite for summary in kai.list_sessions()] == [invite]
    (queued,) = entries_of(db, invite.invitation_id)
    assert (queued.kind, queued.actor, queued.session_id, queued.participant_id) == (
        AuditKind.INVITATION_QUEUED,
        AGENT,
        session.session_id,
        session.session_id,
    )
    assert (queued.new_value, queued.contact) == ("first", "+44 •••• ••58")


def test_a_participant_added_with_a_contact_is_invited_in_the_same_transaction(
    db: Store, connect: Connect
) -> None:
    kai = connect(AGENT)
    session = start(kai)

    person, added, invited = kai.add_participant(
        session.session_id,
        name="  Grace   Kim ",
        contact=" grace.kim@EXAMPLE.org ",
        actor=AGENT,
        now=now(),
    )

    assert (person.name, person.role, person.contact) == (
        "Grace Kim",
        Role.PARTICIPANT,
        "grace.kim@example.org",
    )
    assert SESSION_ID_PATTERN.fullmatch(person.access_id)
    assert person.access_id != session.session_id, "an own ID of their own, drawn at random"
    assert added == ParticipantAdded(session.session_id, person.access_id)
    assert invited == InvitationsChanged(session.session_id)
    again = kai.get_session(session.session_id)
    assert again.participants == (person,), "added after everyone in the session"
    delivery = again.delivery_of(person)
    assert delivery is not None
    assert (delivery.state, delivery.channel, delivery.recipient, delivery.resend) == (
        QUEUED,
        ContactKind.EMAIL,
        "grace.kim@example.org",
        False,
    )
    assert kai.deliveries(session.session_id) == again.deliveries
    recorded = [
        (e.kind, e.actor, e.participant_id, e.contact)
        for e in db.audit_entries(AuditQuery(limit=None, oldest_first=True))
        if e.participant_id == person.access_id
    ]
    assert recorded == [
        (AuditKind.PARTICIPANT_ADDED, AGENT, person.access_id, "g••••@example.org"),
        (AuditKind.INVITATION_QUEUED, AGENT, person.access_id, "g••••@example.org"),
    ]


def test_a_participant_added_without_a_contact_is_not_invited(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)

    person, added, invited = kai.add_participant(
        session.session_id, name="Omar Haddad", contact="", actor=AGENT, now=now()
    )

    assert invited is None
    assert added == ParticipantAdded(session.session_id, person.access_id)
    again = kai.get_session(session.session_id)
    assert again.delivery_of(again.find("Omar Haddad")) is None
    assert set(kai.deliveries(session.session_id)) == {session.session_id}
    with pytest.raises(ValidationError, match="no phone number or e-mail address"):
        kai.queue_invitation(session.session_id, person.access_id, actor=AGENT, now=now())


@pytest.mark.parametrize(
    ("name", "contact", "says"),
    [
        pytest.param("RUTH  cohen", "", "already in session", id="the-customer-s-name"),
        pytest.param("Grace Kim", "020 7946 0958", "country code", id="no-country-code"),
        pytest.param("Grace Kim", "grace@", "not a valid e-mail address", id="bad-address"),
        pytest.param(" ", "", "name", id="no-name"),
    ],
)
def test_add_participant_refuses_bad_input_and_adds_nobody(
    connect: Connect, name: str, contact: str, says: str
) -> None:
    kai = connect(AGENT)
    session = start(kai)

    with pytest.raises(ValidationError, match=says):
        kai.add_participant(session.session_id, name=name, contact=contact, actor=AGENT, now=now())

    assert kai.get_session(session.session_id) == session


def test_nobody_is_added_to_an_ended_or_unknown_session(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    kai.end_session(session.session_id, now(), actor=AGENT)

    with pytest.raises(ValidationError, match="has ended"):
        add(kai, session, "Grace Kim", "grace.kim@example.org")
    with pytest.raises(NotFoundError, match="ZZZZ-ZZZZ"):
        kai.add_participant("ZZZZ-ZZZZ", name="Grace Kim", contact="", actor=AGENT, now=now())
    assert kai.get_session(session.session_id).participants == ()


# -- resending ---------------------------------------------------------------------------------


def test_a_resend_within_the_interval_is_refused_with_the_wait(db: Store, connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    sid = session.session_id

    with pytest.raises(RateLimitedError, match=r"to Ruth Cohen moments ago: wait \d+ second"):
        kai.queue_invitation(sid, sid, actor=AGENT, now=now())
    resend_every(db, 3600)
    with pytest.raises(RateLimitedError) as refused:
        kai.queue_invitation(sid, sid, actor=AGENT, now=now())

    assert 3590 <= refused.value.wait_seconds <= 3600, "counted from the first, by the store"
    assert kai.deliveries(sid) == {sid: session.invite}, "nothing queued"
    queued = db.audit_entries(AuditQuery(kinds=frozenset({AuditKind.INVITATION_QUEUED})))
    assert [e.new_value for e in queued] == ["first"]


def test_a_resend_after_the_interval_is_a_new_invitation(db: Store, connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    sid = session.session_id
    resend_every(db, 0)

    resent, event = kai.queue_invitation(sid, sid, actor=AGENT, now=now())

    assert event == InvitationsChanged(sid)
    first = session.invite
    assert first is not None
    assert resent.invitation_id != first.invitation_id
    assert (resent.state, resent.resend, resent.recipient) == (QUEUED, True, first.recipient)
    assert resent.queued_at >= first.queued_at
    assert kai.deliveries(sid) == {sid: resent}, "a person's delivery is their newest"
    assert kai.list_sessions()[0].invite == resent
    assert [e.new_value for e in entries_of(db, resent.invitation_id)] == ["resend"]


def test_two_consoles_resending_at_once_queue_one(demo_agent: Agent, connect: Connect) -> None:
    """The demo's invitation to Omar is old: either console may resend it, not both."""
    consoles = [demo_agent(AGENT), connect(AGENT)]
    together = threading.Barrier(len(consoles))

    def resend(store: Store) -> Delivery | RateLimitedError:
        together.wait()
        try:
            return store.queue_invitation(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())[0]
        except RateLimitedError as refused:
            return refused

    with ThreadPoolExecutor(len(consoles)) as pool:
        results = list(pool.map(resend, consoles))

    queued = [r for r in results if isinstance(r, Delivery)]
    refused = [r for r in results if isinstance(r, RateLimitedError)]
    assert (len(queued), len(refused)) == (1, 1), results
    assert consoles[0].deliveries(DEMO_ACTIVE_ID)[OMAR] == queued[0]
    assert refused[0].wait_seconds > 0


def test_a_resend_goes_only_to_a_person_of_an_active_session(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    sid = session.session_id

    with pytest.raises(NotFoundError):
        kai.queue_invitation(sid, "ZZZZ-ZZZZ", actor=AGENT, now=now())
    kai.end_session(sid, now(), actor=AGENT)
    with pytest.raises(ValidationError, match="has ended"):
        kai.queue_invitation(sid, sid, actor=AGENT, now=now())


# -- senders -------------------------------------------------------------------------------------


def test_a_claimed_invitation_is_held_from_other_senders(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    grace = add(kai, session, "Grace Kim", "grace.kim@example.org")
    omar = add(kai, session, "Omar Haddad", "+44 20 7946 0912")
    first, second = connect(AGENT), connect(AGENT)

    taken = first.claim_invitations(now=now(), limit=2)
    rest = second.claim_invitations(now=now())

    assert [d.access_id for d in taken] == [session.session_id, grace], "oldest first"
    assert [d.access_id for d in rest] == [omar]
    assert all(d.state is QUEUED for d in taken + rest)
    assert first.claim_invitations(now=now()) == []
    assert second.claim_invitations(now=now()) == [], "each is held by the sender that took it"


def test_an_invitation_held_past_the_claim_is_taken_by_another_sender(connect: Connect) -> None:
    """A sender killed mid-send leaves its claim behind: once it lapses, the next one sends."""
    kai = connect(AGENT)
    session = start(kai)
    (held,) = connect(AGENT).claim_invitations(now=now())

    later = now() + timedelta(seconds=CLAIM_SECONDS + 1)
    assert kai.claim_invitations(now=now()) == []
    (taken,) = kai.claim_invitations(now=later)

    assert taken == held
    assert session.invite is not None
    assert taken.invitation_id == session.invite.invitation_id


def test_an_invitation_moves_only_forward(db: Store, connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai, "+44 20 7946 0958")
    sid = session.session_id
    (claimed,) = kai.claim_invitations(now=now())
    name = claimed.invitation_id

    send(kai, claimed, gateway_id="msg-0001")
    sent = kai.deliveries(sid)[sid]
    for backwards in (QUEUED, SENT):
        with pytest.raises(ValidationError, match="cannot become"):
            kai.record_attempt(
                name, state=backwards, reason="x", next_attempt_at=now(), now=now(), actor=AGENT
            )
    assert kai.record_report(name, state=SENT, now=now(), actor=AGENT) is None, "nothing new"
    reported = kai.record_report(name, state=DELIVERED, now=now(), actor=AGENT)
    delivered = kai.deliveries(sid)[sid]
    for anything in DeliveryState:
        with pytest.raises(ValidationError, match="cannot become"):
            kai.record_attempt(
                name, state=anything, reason="x", next_attempt_at=now(), now=now(), actor=AGENT
            )
    with pytest.raises(ValidationError, match="cannot make it failed"):
        kai.record_report(name, state=FAILED, reason="late", now=now(), actor=AGENT)

    assert (sent.state, sent.attempts, sent.gateway_id, sent.reason) == (SENT, 1, "msg-0001", "")
    assert sent.next_attempt_at is None
    assert sent.link_id in {link.link_id for link in kai.list_links(sid)}
    assert sent.label == "SMS invite sent"
    assert reported == InvitationsChanged(sid)
    assert (delivered.state, delivered.attempts, delivered.link_id) == (DELIVERED, 1, sent.link_id)
    assert kai.deliveries(sid) == {sid: delivered}, "what was refused changed nothing"
    assert [(e.kind, e.new_value, e.result, e.contact) for e in entries_of(db, name)] == [
        (AuditKind.INVITATION_QUEUED, "first", None, "+44 •••• ••58"),
        (AuditKind.INVITATION_SENT, "sms", "sent", "+44 •••• ••58"),
        (AuditKind.INVITATION_DELIVERED, None, "delivered", "+44 •••• ••58"),
    ]


def test_a_transient_failure_queues_the_invitation_again_until_its_next_try(
    db: Store, connect: Connect
) -> None:
    kai = connect(AGENT)
    session = start(kai)
    sid = session.session_id
    (claimed,) = kai.claim_invitations(now=now())
    next_try = (now() + timedelta(minutes=5)).replace(microsecond=0)

    kai.record_attempt(
        claimed.invitation_id,
        state=QUEUED,
        reason="the mail server answered 421:\n try again later",
        next_attempt_at=next_try,
        now=now(),
        actor=AGENT,
    )
    retrying = kai.deliveries(sid)[sid]
    not_yet = kai.claim_invitations(now=now())
    (again,) = kai.claim_invitations(now=next_try + timedelta(seconds=1))
    kai.record_attempt(again.invitation_id, state=FAILED, reason=BOUNCED, now=now(), actor=AGENT)
    failed = kai.deliveries(sid)[sid]

    assert retrying.retrying
    assert (retrying.attempts, retrying.next_attempt_at) == (1, next_try)
    assert retrying.reason == "the mail server answered 421: try again later", "one line"
    assert retrying.label == (
        "E-mail invite not sent yet, retrying: the mail server answered 421: try again later"
    )
    assert not_yet == [], "not before its next try"
    assert again == retrying
    assert (failed.state, failed.attempts, failed.reason, failed.next_attempt_at) == (
        FAILED,
        2,
        BOUNCED,
        None,
    )
    assert failed.label == f"E-mail invite failed: {BOUNCED}"
    assert [(e.kind, e.new_value, e.result) for e in entries_of(db, claimed.invitation_id)] == [
        (AuditKind.INVITATION_QUEUED, "first", None),
        (AuditKind.INVITATION_FAILED, "the mail server answered 421: try again later", "retry"),
        (AuditKind.INVITATION_FAILED, BOUNCED, "failed"),
    ]
    assert {e.contact for e in entries_of(db, claimed.invitation_id)} == {"r••••@example.com"}


def test_a_failure_says_why(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    (claimed,) = kai.claim_invitations(now=now())

    with pytest.raises(ValidationError, match="why"):
        kai.record_attempt(claimed.invitation_id, state=FAILED, reason=" ", now=now(), actor=AGENT)
    with pytest.raises(ValidationError, match="next try"):
        kai.record_attempt(claimed.invitation_id, state=QUEUED, reason="x", now=now(), actor=AGENT)
    with pytest.raises(NotFoundError):
        kai.record_attempt("I-ZZZZZZZZ", state=SENT, now=now(), actor=AGENT)

    assert kai.deliveries(session.session_id) == {session.session_id: claimed}


def test_a_reason_from_a_hostile_server_is_kept_as_one_printable_line(connect: Connect) -> None:
    """A mail server or gateway may answer anything: what is kept reads back."""
    kai = connect(AGENT)
    session = start(kai)
    (claimed,) = kai.claim_invitations(now=now())

    kai.record_attempt(
        claimed.invitation_id,
        state=FAILED,
        reason="550 \x1b[31mno such user\x00\r\n" + "x" * 400,
        now=now(),
        actor=AGENT,
    )

    kept = kai.deliveries(session.session_id)[session.session_id].reason
    assert kept.startswith("550 ")
    assert "no such user" in kept
    assert kept.isprintable()
    assert len(kept) <= MAX_REASON_LENGTH
    assert kai.get_session(session.session_id).invite == kai.list_sessions()[0].invite


def test_ending_a_session_fails_its_queued_invitations(db: Store, connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai)
    grace = add(kai, session, "Grace Kim", "grace.kim@example.org")
    kai.end_session(session.session_id, now(), actor=AGENT)

    assert kai.claim_invitations(now=now()) == [], "nothing is sent for an ended session"
    deliveries = kai.deliveries(session.session_id)

    assert set(deliveries) == {session.session_id, grace}
    assert {(d.state, d.reason) for d in deliveries.values()} == {(FAILED, "the session ended")}
    failures = [
        (e.participant_id, e.new_value, e.result)
        for e in db.audit_log()
        if e.kind == AuditKind.INVITATION_FAILED
    ]
    assert sorted(failures) == sorted(
        [
            (session.session_id, "the session ended", "failed"),
            (grace, "the session ended", "failed"),
        ]
    )


def test_sent_sms_invitations_await_their_report_at_most_every_so_often(connect: Connect) -> None:
    kai = connect(AGENT)
    session = start(kai, "+44 20 7946 0958")
    add(kai, session, "Grace Kim", "grace.kim@example.org")
    sms, email = kai.claim_invitations(now=now())
    send(kai, sms, gateway_id="msg-0001")
    send(kai, email)  # a mail server tells nothing more once it took the message

    asked = kai.invitations_awaiting_report(now=now())
    again = kai.invitations_awaiting_report(now=now())
    later = kai.invitations_awaiting_report(now=now() + timedelta(seconds=REPORT_SECONDS + 1))
    kai.record_report(sms.invitation_id, state=DELIVERED, now=now(), actor=AGENT)

    assert [(d.invitation_id, d.state, d.gateway_id) for d in asked] == [
        (sms.invitation_id, SENT, "msg-0001")
    ]
    assert again == [], "asked about a moment ago"
    assert [d.invitation_id for d in later] == [sms.invitation_id]
    assert kai.invitations_awaiting_report(now=now() + timedelta(minutes=5)) == []


# -- other consoles ------------------------------------------------------------------------------


def test_other_consoles_hear_of_added_participants_and_invitations(connect: Connect) -> None:
    kai, watcher = connect(AGENT), connect()
    assert watcher.poll_events() == []
    session = start(kai)
    assert [type(e) for e in watcher.poll_events()] == [SessionStarted], "its start says it all"

    _, added, invited = kai.add_participant(
        session.session_id,
        name="Grace Kim",
        contact="grace.kim@example.org",
        actor=AGENT,
        now=now(),
    )
    heard_added = watcher.poll_events()
    claimed = kai.claim_invitations(now=now())
    heard_claimed = watcher.poll_events()
    kai.record_attempt(
        claimed[0].invitation_id, state=FAILED, reason=BOUNCED, now=now(), actor=AGENT
    )
    heard_failed = watcher.poll_events()

    assert invited is not None
    assert sorted(heard_added, key=repr) == sorted([added, invited], key=repr)
    assert heard_claimed == [], "a claim changes nothing anyone sees"
    assert heard_failed == [InvitationsChanged(session.session_id)]
    assert kai.poll_events() == [], "a store does not hear its own writes again"


# -- the delivery settings -----------------------------------------------------------------------


def test_the_delivery_settings_are_stored_and_audited_from_empty_and_back(db: Store) -> None:
    """A mail server, a sender and a gateway start empty (nothing is sent, only written to
    the outbox folder); setting them and emptying them again is audited both ways."""
    admin = become_admin(db, "admin.ana")
    fresh = db.load_settings()
    assert (fresh.value("smtp_host"), fresh.value("sms_gateway_url")) == ("", "")
    assert (fresh.value("smtp_port"), fresh.value("smtp_security")) == (587, "starttls")
    assert fresh.value("resend_interval_seconds") == 30

    configured = db.save_settings(
        fresh.changed(
            actor="admin.ana",
            now=now(),
            smtp_host="SMTP.Example.com",
            smtp_port=465,
            smtp_security="tls",
            smtp_username="collab",
            smtp_sender="invites@example.com",
            sms_gateway_url="https://sms.example.com/v1",
            resend_interval_seconds=60,
        ),
        admin=admin,
    ).settings
    emptied = db.save_settings(
        configured.changed(actor="admin.ana", now=now(), smtp_host="", sms_gateway_url=""),
        admin=admin,
    ).settings

    assert (configured.value("smtp_host"), configured.value("sms_gateway_url")) == (
        "smtp.example.com",
        "https://sms.example.com/v1/",
    )
    assert db.load_settings() == emptied
    changes = [
        (e.detail, e.old_value, e.new_value)
        for e in db.audit_entries(AuditQuery(limit=None, oldest_first=True))
        if e.kind == AuditKind.SETTING and e.detail in ("smtp_host", "sms_gateway_url")
    ]
    assert changes == [
        ("smtp_host", None, "smtp.example.com"),
        ("sms_gateway_url", None, "https://sms.example.com/v1/"),
        ("smtp_host", "smtp.example.com", None),
        ("sms_gateway_url", "https://sms.example.com/v1/", None),
    ]


# -- copies and the demo -------------------------------------------------------------------------


def test_a_url_copy_keeps_the_agent_s_reason_in_the_audit(demo_db: Store, connect: Connect) -> None:
    omar = demo_db.get_session(DEMO_ACTIVE_ID).find("Omar Haddad")
    connect("kai").record_copy(
        CopyRecord(
            DEMO_ACTIVE_ID,
            omar.access_id,
            CopyAction.URL,
            "kai",
            omar.contact,
            reason="he deleted the text message",
        )
    )

    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.kind, entry.detail, entry.new_value) == (
        AuditKind.COPY,
        "url",
        "he deleted the text message",
    )


def test_the_demo_s_invitations_are_stored_as_its_story_tells_them(demo_db: Store) -> None:
    expected = demo_sessions()

    for session in expected:
        assert demo_db.deliveries(session.session_id) == session.deliveries
    assert {s.session_id: s.invite for s in demo_db.list_sessions()} == {
        s.session_id: s.invite for s in expected
    }
    assert demo_db.claim_invitations(now=now()) == [], "the demo sends nothing"
