"""Regenerating a person's links: every link that still works is stopped, and a new invitation
is queued for them at once (the sender makes its link when it sends it).

Contract tests first (each runs once per backend, ``tests/store/conftest.py``); then what
the embedded store's file does against raw SQL: an invitation inside the resend interval
gets in only after links of the person were really revoked, in the same transaction, by
the same writer (the organisation database's turn is in ``tests/org/test_org_links.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from collab_console.core.audit import AuditKind
from collab_console.core.delivery import DeliveryState, RateLimitedError
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.events import InvitationsChanged, LinksChanged
from collab_console.core.links import LinkPurpose, LinkState, MintedLink
from collab_console.core.masking import mask_contact
from collab_console.store import Store
from tests.store.admins import become_admin
from tests.store.test_invitations_sqlite import raw_invitation
from tests.store.test_sqlite import NOW_SQL, everything

Agent = Callable[[str], Store]
OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
#: On PostgreSQL the login is recorded, so each test works at the agent's own console.
AGENT = "agent.kai"
BOTH_CHANGED = [LinksChanged(DEMO_ACTIVE_ID), InvitationsChanged(DEMO_ACTIVE_ID)]


def now() -> datetime:
    return datetime.now(UTC)


def mint(db: Store, person: str = OMAR) -> MintedLink:
    minted, _ = db.mint_link(
        DEMO_ACTIVE_ID, person, purpose=LinkPurpose.COPY, actor=AGENT, now=now()
    )
    return minted


def regenerate(db: Store, person: str = OMAR) -> tuple[int, object, list[object]]:
    revoked, queued, events = db.regenerate_links(DEMO_ACTIVE_ID, person, actor=AGENT, now=now())
    return revoked, queued, list(events)


def seen(db: Store) -> tuple[object, ...]:
    """What an admin sees of the session's links and invitations, and the audit trail."""
    return (
        db.list_links(DEMO_ACTIVE_ID),
        db.deliveries(DEMO_ACTIVE_ID),
        db.audit_log(limit=1000),
    )


# -- the contract --------------------------------------------------------------------------------


def test_regenerating_stops_every_link_of_the_person_and_queues_their_invitation(
    demo_db: Store, demo_agent: Agent
) -> None:
    kai = demo_agent(AGENT)
    old = [mint(kai) for _ in range(3)]  # Omar at his limit of live links
    graces = mint(kai, GRACE)
    omar = kai.get_session(DEMO_ACTIVE_ID).participants[0]

    revoked, queued, events = kai.regenerate_links(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())

    assert (revoked, events) == (3, BOTH_CHANGED)
    assert queued is not None
    assert (queued.access_id, queued.recipient, queued.state, queued.resend) == (
        OMAR,
        omar.contact,
        DeliveryState.QUEUED,
        True,
    )
    assert queued.queued_by == AGENT
    assert kai.deliveries(DEMO_ACTIVE_ID)[OMAR] == queued, "his invitation is the new one"
    states = {link.link_id: link.state(now()) for link in kai.list_links(DEMO_ACTIVE_ID)}
    assert states == {
        **{minted.link.link_id: LinkState.REVOKED for minted in old},
        graces.link.link_id: LinkState.LIVE,
    }, "no link is made: the sender makes one when it sends the invitation"
    assert [d.invitation_id for d in kai.claim_invitations(now=now())] == [queued.invitation_id]
    trail = demo_db.audit_log(limit=4)[::-1]  # an admin reads it (on PostgreSQL)
    assert [(e.kind, e.actor, e.participant_id) for e in trail] == [
        *[(AuditKind.LINK_REVOKED, AGENT, OMAR)] * 3,
        (AuditKind.INVITATION_QUEUED, AGENT, OMAR),
    ]
    assert {e.detail for e in trail[:3]} == {minted.link.link_id for minted in old}
    assert (trail[3].detail, trail[3].new_value) == (queued.invitation_id, "resend")
    assert trail[3].contact == mask_contact(omar.contact)
    assert demo_db.verify_audit() is None


def test_regenerating_right_after_a_resend_queues_anyway(demo_db: Store, demo_agent: Agent) -> None:
    """Regenerating is a deliberate act to stop the old links: the resend interval, which
    holds back a second resend, does not hold back the invitation that follows it."""
    kai = demo_agent(AGENT)
    graces = mint(kai, GRACE)
    resent, _ = kai.queue_invitation(DEMO_ACTIVE_ID, GRACE, actor=AGENT, now=now())
    with pytest.raises(RateLimitedError):
        kai.queue_invitation(DEMO_ACTIVE_ID, GRACE, actor=AGENT, now=now())

    revoked, queued, events = regenerate(kai, GRACE)

    assert (revoked, events) == (1, BOTH_CHANGED)
    assert isinstance(queued, type(resent))
    assert queued.invitation_id != resent.invitation_id
    assert kai.deliveries(DEMO_ACTIVE_ID)[GRACE] == queued
    (link,) = kai.list_links(DEMO_ACTIVE_ID)
    assert (link.link_id, link.state(now())) == (graces.link.link_id, LinkState.REVOKED)


def test_regenerating_with_no_link_to_stop_is_a_plain_resend(
    demo_db: Store, demo_agent: Agent
) -> None:
    """With nothing revoked there is nothing to skip the interval for: inside it the
    regenerate is refused with how long to wait, and nothing is written; after it, it
    queues an invitation as a resend does."""
    kai = demo_agent(AGENT)
    mint(kai, GRACE)
    regenerate(kai, GRACE)
    before = seen(demo_db)

    with pytest.raises(RateLimitedError, match="Grace Kim") as refused:
        regenerate(kai, GRACE)

    assert refused.value.wait_seconds > 0
    assert seen(demo_db) == before
    demo_db.save_settings(
        demo_db.load_settings().changed(actor="admin.ana", now=now(), resend_interval_seconds=0),
        admin=become_admin(demo_db, "admin.ana"),
    )
    revoked, queued, events = regenerate(kai, GRACE)
    assert (revoked, events) == (0, BOTH_CHANGED)
    assert kai.deliveries(DEMO_ACTIVE_ID)[GRACE] == queued


def test_a_person_without_a_contact_has_their_links_stopped_and_gets_no_invitation(
    demo_db: Store, demo_agent: Agent
) -> None:
    kai = demo_agent(AGENT)
    mei, _, invited = kai.add_participant(
        DEMO_ACTIVE_ID, name="Mei Tan", contact="", actor=AGENT, now=now()
    )
    assert invited is None
    meis = mint(kai, mei.access_id)
    trail = len(demo_db.audit_log(limit=1000))

    assert regenerate(kai, mei.access_id) == (1, None, [LinksChanged(DEMO_ACTIVE_ID)])

    assert mei.access_id not in kai.deliveries(DEMO_ACTIVE_ID)
    (link,) = (link for link in kai.list_links(DEMO_ACTIVE_ID) if link.access_id == mei.access_id)
    assert (link.link_id, link.state(now())) == (meis.link.link_id, LinkState.REVOKED)
    entries = demo_db.audit_log(limit=1000)
    assert [e.kind for e in entries[: len(entries) - trail]] == [AuditKind.LINK_REVOKED]
    assert regenerate(kai, mei.access_id) == (0, None, [LinksChanged(DEMO_ACTIVE_ID)])


def test_a_regenerate_is_heard_by_the_other_consoles(
    demo_db: Store, connect: Callable[..., Store]
) -> None:
    console = connect()
    mint(demo_db, LUIS)
    console.poll_events()

    regenerate(demo_db, LUIS)

    assert sorted(map(repr, console.poll_events())) == sorted(map(repr, BOTH_CHANGED))


# -- the embedded store's file against raw SQL ---------------------------------------------------

LIVE_LINKS_OF_OMAR = (
    f"UPDATE link SET revoked_at = {NOW_SQL}, revoked_by = (SELECT name FROM writer)"
    f" WHERE access_id = '{OMAR}' AND revoked_at IS NULL"
)
NEWEST_OF_OMAR = f"(SELECT max(id) FROM link WHERE access_id = '{OMAR}')"
TOO_SOON = "a resend waits for the interval"


@pytest.fixture
def resent(demo_store: Store) -> Store:
    """The demo store, two copy links for Omar, and his invitation resent just now: a
    resend inside the interval (30 seconds) must follow a regenerate."""
    mint(demo_store)
    mint(demo_store)
    demo_store.queue_invitation(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())
    return demo_store


def raw_transaction(raw: sqlite3.Connection, *statements: str, writer: str = AGENT) -> None:
    """Run ``statements`` in one transaction as ``writer`` (an agent), as a tool could;
    rolled back when one is refused."""
    raw.execute("BEGIN")
    try:
        raw.execute("INSERT INTO writer (id, name, role) VALUES (1, ?, 'agent')", (writer,))
        for statement in statements:
            raw.execute(statement)
        raw.execute("DELETE FROM writer")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")


@pytest.mark.parametrize(
    "before",
    [
        pytest.param((), id="nothing-revoked"),
        pytest.param((f"{LIVE_LINKS_OF_OMAR} AND id = {NEWEST_OF_OMAR}",), id="one-of-two-revoked"),
        pytest.param(
            (f"{LIVE_LINKS_OF_OMAR.replace(OMAR, GRACE)}",),
            id="someone-else-s-revoked",
        ),
    ],
)
def test_a_raw_resend_inside_the_interval_without_stopping_every_link_is_refused(
    resent: Store, raw: sqlite3.Connection, before: tuple[str, ...]
) -> None:
    mint(resent, GRACE)
    unchanged = everything(resent)

    with pytest.raises(sqlite3.IntegrityError, match=TOO_SOON):
        raw_transaction(raw, *before, raw_invitation())

    assert everything(resent) == unchanged


def test_links_revoked_in_an_earlier_transaction_let_no_resend_in(
    resent: Store, raw: sqlite3.Connection
) -> None:
    raw_transaction(raw, LIVE_LINKS_OF_OMAR)
    unchanged = everything(resent)

    with pytest.raises(sqlite3.IntegrityError, match=TOO_SOON):
        raw_transaction(raw, raw_invitation())

    assert everything(resent) == unchanged


def test_links_revoked_by_another_writer_let_no_resend_in(
    resent: Store, raw: sqlite3.Connection
) -> None:
    """A writer that names itself twice in one transaction starts afresh: the second one
    did not revoke what the first did."""
    with pytest.raises(sqlite3.IntegrityError, match=TOO_SOON):
        raw_transaction(
            raw,
            LIVE_LINKS_OF_OMAR,
            "DELETE FROM writer",
            "INSERT INTO writer (id, name, role) VALUES (1, 'agent.lee', 'agent')",
            raw_invitation(by="agent.lee"),
        )


def test_a_writer_cannot_be_backdated_to_claim_earlier_revocations(
    resent: Store, raw: sqlite3.Connection
) -> None:
    raw_transaction(raw, LIVE_LINKS_OF_OMAR)

    with pytest.raises(sqlite3.IntegrityError, match="the store dates when a writer begins"):
        raw.execute(
            "INSERT INTO writer (id, name, role, since)"
            " VALUES (1, 'agent.kai', 'agent', '2000-01-01T00:00:00.000+00:00')"
        )


def test_a_raw_regenerate_that_really_stops_the_links_queues_one_invitation(
    resent: Store, raw: sqlite3.Connection
) -> None:
    """Whoever can write the file and really stops every working link of the person may
    queue their invitation at once, as the app does: once per transaction."""
    with pytest.raises(sqlite3.IntegrityError, match=TOO_SOON):
        raw_transaction(
            raw,
            LIVE_LINKS_OF_OMAR,
            raw_invitation(),
            raw_invitation().replace("I-AAAAAAAA", "I-AAAAAAAB"),
        )
    resent.poll_events()

    raw_transaction(raw, LIVE_LINKS_OF_OMAR, raw_invitation())

    queued = resent.deliveries(DEMO_ACTIVE_ID)[OMAR]
    assert (queued.invitation_id, queued.state, queued.resend) == (
        "I-AAAAAAAA",
        DeliveryState.QUEUED,
        True,
    )
    assert {link.state(now()) for link in resent.list_links(DEMO_ACTIVE_ID)} == {LinkState.REVOKED}
    assert [e.kind for e in resent.audit_log(limit=3)] == [
        AuditKind.INVITATION_QUEUED,
        AuditKind.LINK_REVOKED,
        AuditKind.LINK_REVOKED,
    ]
    assert resent.poll_events() == BOTH_CHANGED
    assert resent.verify_audit() is None
