"""Deterministic demo data: the same store every time, for new users and QA."""

from __future__ import annotations

from datetime import UTC, datetime

from collab_console.core.domain import InviteStatus, Session, SessionState, build_session
from collab_console.core.settings import CopySettings

DEMO_ACTOR = "demo"
DEMO_TIME = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
DEMO_URL_BASE = "https://collab.example.com/join/"
DEMO_ACTIVE_ID = "7QKM-92HX"
DEMO_ENDED_ID = "3FDN-X8TR"
DEMO_BENCH_ID = "BNCH-0000"
DEMO_EMPTY_ID = "BNCH-0001"

#: What ``--demo`` saves into a store nobody has configured yet.
DEMO_SETTINGS = CopySettings.build(
    copy_session_id=True,
    copy_session_url=False,
    session_url_base=DEMO_URL_BASE,
    updated_by=DEMO_ACTOR,
    updated_at=DEMO_TIME,
)


def demo_sessions(extra_participants: int = 0) -> list[Session]:
    """One active session with three document participants and one ended session, marked demo.

    With ``extra_participants`` > 0, two more active sessions: one with that
    many participants and one with none, to measure opening a large session.
    """
    sessions = [
        build_session(
            session_id=DEMO_ACTIVE_ID,
            customer_name="Dana Levi",
            contact="+1 555 0100 200",
            url_base=DEMO_URL_BASE,
            created_at=DEMO_TIME,
            participant_names=("Omar Haddad", "Grace Kim", "Luis Ortega"),
            participant_contacts=("+44 20 7946 0912", "grace.kim@example.org", "+1 555 0100 377"),
            invite_status=InviteStatus.SMS_BLOCKED,
            demo=True,
        ),
        build_session(
            session_id=DEMO_ENDED_ID,
            customer_name="Priya Nair",
            contact="priya.nair@example.com",
            url_base=DEMO_URL_BASE,
            created_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
            participant_names=("Tom Becker",),
            participant_contacts=("tom.becker@example.de",),
            state=SessionState.ENDED,
            invite_status=InviteStatus.EMAIL_BOUNCED,
            ended_at=datetime(2026, 3, 3, 14, 45, tzinfo=UTC),
            demo=True,
        ),
    ]
    if extra_participants > 0:
        sessions += [
            build_session(
                session_id=DEMO_BENCH_ID,
                customer_name="Large Session Customer",
                contact="large@example.com",
                url_base=DEMO_URL_BASE,
                created_at=DEMO_TIME,
                participant_names=tuple(
                    f"Participant {n:05d}" for n in range(1, extra_participants + 1)
                ),
                invite_status=InviteStatus.DELIVERED,
                demo=True,
            ),
            build_session(
                session_id=DEMO_EMPTY_ID,
                customer_name="Empty Session Customer",
                contact="empty@example.com",
                url_base=DEMO_URL_BASE,
                created_at=DEMO_TIME,
                invite_status=InviteStatus.DELIVERED,
                demo=True,
            ),
        ]
    return sessions
