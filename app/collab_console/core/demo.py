"""Deterministic demo data: the same store every time, for new users and QA."""

from __future__ import annotations

from datetime import UTC, datetime

from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.core.domain import (
    Session,
    SessionState,
    build_session,
    new_session_id,
    parse_contact,
)
from collab_console.core.settings import CopySettings

DEMO_ACTOR = "demo"
#: The agent the demo's sessions belong to, as the join service names them.
DEMO_AGENT = "Sam Rivera"
DEMO_TIME = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
#: Where the demo's Session URLs open: `collab-console serve` on this machine (its default port).
DEMO_URL_BASE = "http://127.0.0.1:8765/join/"
DEMO_ACTIVE_ID = "7QKM-92HX"
DEMO_ENDED_ID = "3FDN-X8TR"
DEMO_BENCH_ID = "BNCH-0000"
DEMO_EMPTY_ID = "BNCH-0001"
#: The document participants' own IDs: random-looking, and the same in every demo store.
DEMO_PARTICIPANT_IDS = ("M4RT-6WQA", "K9ZC-3HNP", "T2VB-8XJE")
DEMO_ENDED_PARTICIPANT_ID = "W7QD-5MKR"

#: What ``--demo`` saves into a store nobody has configured yet.
DEMO_SETTINGS = CopySettings.build(
    copy_session_id=True,
    copy_session_url=False,
    session_url_base=DEMO_URL_BASE,
    updated_by=DEMO_ACTOR,
    updated_at=DEMO_TIME,
)


_ENDED_STARTED = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
#: Why the demo's failed invitations failed, as a gateway and a mail server would say.
_SMS_BLOCKED = "the SMS gateway answered HTTP 403 Forbidden: the carrier blocked the message"
_BOUNCED = "the mail server smtp.example.com:587 refused it: 550 5.1.1 mailbox unavailable"


def _deliveries(
    session_id: str, sent_at: datetime, *people: tuple[str, str, DeliveryState, str]
) -> dict[str, Delivery]:
    """The demo's invitations, queued at ``sent_at`` (the session's start): (own ID, contact,
    state, reason) each, numbered in order. The reasons read as the real transports say."""
    deliveries = {}
    for number, (access_id, contact, state, reason) in enumerate(people, start=1):
        channel, recipient = parse_contact(contact)
        deliveries[access_id] = Delivery(
            invitation_id=f"I-{session_id[:4]}{number:04d}",
            session_id=session_id,
            access_id=access_id,
            channel=channel,
            recipient=recipient,
            state=state,
            queued_at=sent_at,
            updated_at=sent_at,
            queued_by=DEMO_AGENT,
            attempts=0 if state is DeliveryState.QUEUED else 1,
            reason=reason,
        )
    return deliveries


def demo_sessions(extra_participants: int = 0) -> list[Session]:
    """One active session with three document participants and one ended session, marked demo.

    With ``extra_participants`` > 0, two more active sessions: one with that
    many participants and one with none, to measure opening a large session.
    """
    sessions = [
        build_session(
            session_id=DEMO_ACTIVE_ID,
            customer_name="Dana Levi",
            contact="+1 202 555 0100",
            created_at=DEMO_TIME,
            participant_names=("Omar Haddad", "Grace Kim", "Luis Ortega"),
            participant_contacts=("+44 20 7946 0912", "grace.kim@example.org", "+1 202 555 0177"),
            participant_ids=DEMO_PARTICIPANT_IDS,
            deliveries=_deliveries(
                DEMO_ACTIVE_ID,
                DEMO_TIME,
                (DEMO_ACTIVE_ID, "+1 202 555 0100", DeliveryState.FAILED, _SMS_BLOCKED),
                (DEMO_PARTICIPANT_IDS[0], "+44 20 7946 0912", DeliveryState.DELIVERED, ""),
                (DEMO_PARTICIPANT_IDS[1], "grace.kim@example.org", DeliveryState.FAILED, _BOUNCED),
                (DEMO_PARTICIPANT_IDS[2], "+1 202 555 0177", DeliveryState.SENT, ""),
            ),
            demo=True,
            agent=DEMO_AGENT,
        ),
        build_session(
            session_id=DEMO_ENDED_ID,
            customer_name="Priya Nair",
            contact="priya.nair@example.com",
            created_at=_ENDED_STARTED,
            participant_names=("Tom Becker",),
            participant_contacts=("tom.becker@example.de",),
            participant_ids=(DEMO_ENDED_PARTICIPANT_ID,),
            state=SessionState.ENDED,
            deliveries=_deliveries(
                DEMO_ENDED_ID,
                _ENDED_STARTED,
                (DEMO_ENDED_ID, "priya.nair@example.com", DeliveryState.DELIVERED, ""),
            ),
            ended_at=datetime(2026, 3, 3, 14, 45, tzinfo=UTC),
            demo=True,
            agent=DEMO_AGENT,
        ),
    ]
    if extra_participants > 0:
        sessions += [
            build_session(
                session_id=DEMO_BENCH_ID,
                customer_name="Large Session Customer",
                contact="large@example.com",
                created_at=DEMO_TIME,
                participant_names=tuple(
                    f"Participant {n:05d}" for n in range(1, extra_participants + 1)
                ),
                participant_ids=_seeded_ids(extra_participants),
                demo=True,
                agent=DEMO_AGENT,
            ),
            build_session(
                session_id=DEMO_EMPTY_ID,
                customer_name="Empty Session Customer",
                contact="empty@example.com",
                created_at=DEMO_TIME,
                demo=True,
                agent=DEMO_AGENT,
            ),
        ]
    return sessions


def _seeded_ids(count: int) -> tuple[str, ...]:
    """``count`` distinct IDs, the same every run, none of them a demo ID above."""
    import random

    draw = random.Random(20260304).randrange
    taken = {DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_BENCH_ID, DEMO_EMPTY_ID}
    taken.update(DEMO_PARTICIPANT_IDS, (DEMO_ENDED_PARTICIPANT_ID,))
    ids: list[str] = []
    while len(ids) < count:
        own_id = new_session_id(draw)
        if own_id not in taken:
            taken.add(own_id)
            ids.append(own_id)
    return tuple(ids)
