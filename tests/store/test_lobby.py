"""What every store backend must do with the lobby: an ID admits nobody without the agent.

Contract tests (each runs once per backend, ``tests/store/conftest.py``). The
limits are ``core.lobby``'s; the store counts them with its own clock, so the
tests look ahead of now instead of making up dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.audit import AuditKind
from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_ENDED_PARTICIPANT_ID,
    DEMO_PARTICIPANT_IDS,
    DEMO_URL_BASE,
)
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.events import LobbyChanged
from collab_console.core.links import LinkPurpose, LinkState, RedeemResult, token_hash
from collab_console.core.lobby import (
    LOCK_AFTER_DENIALS,
    MAX_REQUESTS_PER_ADDRESS,
    MAX_REQUESTS_PER_ID,
    RATE_WINDOW,
    BrowserState,
    JoinRequest,
    JoinRoute,
    LobbyRefusal,
    RequestState,
)
from collab_console.store import Store

Connect = Callable[[], Store]
Agent = Callable[[str], Store]
OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
#: The agents who decide and lock: each at their own console (``demo_agent``) where the
#: test checks who did it, since on PostgreSQL the login, not ``actor``, is recorded.
AGENT, OTHER_AGENT = "agent.kai", "agent.lee"
HERE = "203.0.113.5"


def now() -> datetime:
    return datetime.now(UTC)


def browser(n: int) -> str:
    """The n-th browser, as the join service names it: the SHA-256 of its cookie."""
    return token_hash(f"cookie-{n:04d}-{'y' * 16}")


def ask(
    db: Store,
    typed: str,
    name: str = "Grace Kim",
    *,
    n: int = 1,
    address: str = HERE,
    when: datetime | None = None,
) -> JoinRequest | LobbyRefusal:
    return db.request_join(typed, name, browser=browser(n), address=address, now=when or now())


def waiting(db: Store, typed: str, **kwargs: object) -> JoinRequest:
    asked = ask(db, typed, **kwargs)  # type: ignore[arg-type]
    assert isinstance(asked, JoinRequest), asked
    return asked


# -- asking to join ------------------------------------------------------------------------


def test_a_request_by_the_customer_s_id_waits_for_the_agent(demo_db: Store) -> None:
    request = waiting(demo_db, DEMO_ACTIVE_ID, name="  Dana   Levi ")

    assert (request.session_id, request.access_id, request.name, request.route) == (
        DEMO_ACTIVE_ID,
        DEMO_ACTIVE_ID,
        "Dana Levi",
        JoinRoute.BY_ID,
    )
    assert (request.state, request.address, request.link_id) == (RequestState.WAITING, HERE, None)
    assert demo_db.join_requests(DEMO_ACTIVE_ID) == [request]
    status = demo_db.browser_status(browser(1))
    assert status is not None
    assert (status.state, status.session_id, status.name, status.agent, status.request_id) == (
        BrowserState.WAITING,
        DEMO_ACTIVE_ID,
        "Dana Levi",
        "Sam Rivera",
        request.request_id,
    )
    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.actor_role, entry.detail, entry.result) == (
        AuditKind.JOIN_REQUEST,
        HERE,
        "visitor",
        request.request_id,
        "waiting",
    )
    assert browser(1) not in repr(demo_db.audit_log(limit=1000))


def test_a_request_by_a_participant_s_id_names_that_participant(demo_db: Store) -> None:
    typed = " " + GRACE.lower().replace("-", "") + " "

    request = waiting(demo_db, typed)

    assert (request.session_id, request.access_id) == (DEMO_ACTIVE_ID, GRACE)
    assert request.how == f"typed the ID {GRACE}, from {HERE}"


def test_asking_twice_from_one_browser_makes_one_request(demo_db: Store) -> None:
    first = waiting(demo_db, GRACE)
    again = waiting(demo_db, GRACE)

    assert again == first
    assert len(demo_db.join_requests(DEMO_ACTIVE_ID)) == 1


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("ZZZZ-ZZZZ", LobbyRefusal.UNKNOWN_ID),
        ("not an id at all", LobbyRefusal.UNKNOWN_ID),
        (f"{DEMO_ACTIVE_ID}-P2", LobbyRefusal.UNKNOWN_ID),
        (DEMO_URL_BASE, LobbyRefusal.UNKNOWN_ID),
        (DEMO_ENDED_ID, LobbyRefusal.ENDED),
        (DEMO_ENDED_PARTICIPANT_ID, LobbyRefusal.ENDED),
    ],
)
def test_an_unknown_id_or_an_ended_session_is_refused_and_audited(
    demo_db: Store, typed: str, refusal: LobbyRefusal
) -> None:
    assert ask(demo_db, typed) is refusal

    assert demo_db.browser_status(browser(1)) is None
    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.result) == (AuditKind.JOIN_REQUEST, HERE, refusal.value)
    assert demo_db.join_requests(DEMO_ACTIVE_ID) == []


@pytest.mark.parametrize("name", ["", "   ", "\u202eevil", "x" * 81, "a\x00b"])
def test_the_name_given_is_validated_as_a_name(demo_db: Store, name: str) -> None:
    audit = demo_db.audit_log(limit=1000)

    with pytest.raises(ValidationError):
        ask(demo_db, GRACE, name)

    assert demo_db.audit_log(limit=1000) == audit


# -- limits --------------------------------------------------------------------------------


def test_one_address_may_ask_only_so_often(demo_db: Store) -> None:
    for n in range(MAX_REQUESTS_PER_ADDRESS):  # for IDs nobody has: they count too
        assert ask(demo_db, f"ZZZZ-{n:04d}", n=n) is LobbyRefusal.UNKNOWN_ID

    assert ask(demo_db, GRACE, n=99) is LobbyRefusal.RATE_LIMITED
    assert isinstance(ask(demo_db, GRACE, n=99, address="198.51.100.7"), JoinRequest)
    later = now() + RATE_WINDOW + timedelta(seconds=1)
    assert isinstance(ask(demo_db, LUIS, n=98, when=later), JoinRequest), "the window passed"
    results = [e.result for e in demo_db.audit_log() if e.kind == AuditKind.JOIN_REQUEST]
    assert results.count("rate_limited") == 1


def test_too_many_requests_for_one_id_lock_the_lobby(demo_db: Store) -> None:
    for n in range(MAX_REQUESTS_PER_ID):  # from anywhere: each from its own address
        waiting(demo_db, GRACE, n=n, address=f"192.0.2.{n}")

    assert ask(demo_db, GRACE, n=50, address="192.0.2.50") is LobbyRefusal.LOCKED

    assert demo_db.lobby_locked(DEMO_ACTIVE_ID)
    assert ask(demo_db, DEMO_ACTIVE_ID, n=51, address="192.0.2.51") is LobbyRefusal.LOCKED
    lock = next(e for e in demo_db.audit_log() if e.kind == AuditKind.LOBBY_LOCK)
    assert (lock.actor, lock.actor_role, lock.session_id, lock.detail, lock.new_value) == (
        "192.0.2.50",
        "visitor",
        DEMO_ACTIVE_ID,
        "requests_per_id",
        "locked",
    )
    assert [r.state for r in demo_db.join_requests(DEMO_ACTIVE_ID)] == [
        RequestState.WAITING
    ] * MAX_REQUESTS_PER_ID, "the requests already made still wait for the agent"


def test_denials_lock_the_lobby_until_the_agent_unlocks_it(
    demo_db: Store, demo_agent: Agent
) -> None:
    kai = demo_agent(AGENT)
    for n in range(LOCK_AFTER_DENIALS):
        request = waiting(demo_db, OMAR if n % 2 else LUIS, n=n, address=f"192.0.2.{n}")
        assert not kai.lobby_locked(DEMO_ACTIVE_ID)
        kai.decide_join(request.request_id, admit=False, actor=AGENT, now=now())

    assert demo_db.lobby_locked(DEMO_ACTIVE_ID)
    assert ask(demo_db, DEMO_ACTIVE_ID, n=9) is LobbyRefusal.LOCKED
    lock = next(e for e in demo_db.audit_log() if e.kind == AuditKind.LOBBY_LOCK)
    assert (lock.actor, lock.detail) == (AGENT, "denials")

    kai.set_lobby_locked(DEMO_ACTIVE_ID, False, actor=AGENT, now=now())

    assert not kai.lobby_locked(DEMO_ACTIVE_ID)
    next_one = waiting(demo_db, DEMO_ACTIVE_ID, n=9)
    kai.decide_join(next_one.request_id, admit=False, actor=AGENT, now=now())
    assert not kai.lobby_locked(DEMO_ACTIVE_ID), "unlocking forgot the earlier denials"


def test_the_agent_locks_and_unlocks_the_lobby(demo_db: Store, demo_agent: Agent) -> None:
    kai, lee = demo_agent(AGENT), demo_agent(OTHER_AGENT)
    minted, _ = kai.mint_link(
        DEMO_ACTIVE_ID, GRACE, purpose=LinkPurpose.COPY, actor=AGENT, now=now()
    )
    token = minted.url[len(DEMO_URL_BASE) :]
    demo_db.redeem_link(token, browser=browser(1), address=HERE, now=now())

    assert kai.set_lobby_locked(DEMO_ACTIVE_ID, True, actor=AGENT, now=now()) == LobbyChanged(
        DEMO_ACTIVE_ID
    )

    assert kai.lobby_locked(DEMO_ACTIVE_ID)
    assert ask(demo_db, GRACE, n=2) is LobbyRefusal.LOCKED
    reused = demo_db.redeem_link(token, browser=browser(3), address=HERE, now=now())
    assert reused is not None
    assert (reused.result, reused.state) == (RedeemResult.REFUSED, LinkState.USED)
    back = demo_db.redeem_link(token, browser=browser(1), address=HERE, now=now())
    assert back is not None
    assert back.result is RedeemResult.REJOINED, "the lock keeps out no one already in"
    lee.set_lobby_locked(DEMO_ACTIVE_ID, False, actor=OTHER_AGENT, now=now())
    assert isinstance(ask(demo_db, GRACE, n=2), JoinRequest)
    locks = [
        (e.actor, e.old_value, e.new_value)
        for e in reversed(demo_db.audit_log())
        if e.kind == AuditKind.LOBBY_LOCK
    ]
    assert locks == [(AGENT, "unlocked", "locked"), (OTHER_AGENT, "locked", "unlocked")]
    with pytest.raises(NotFoundError):
        kai.lobby_locked("ZZZZ-ZZZZ")
    with pytest.raises(NotFoundError):
        kai.set_lobby_locked("ZZZZ-ZZZZ", True, actor=AGENT, now=now())


# -- the agent decides ---------------------------------------------------------------------


def test_admitting_a_request_joins_its_browser_and_denying_turns_it_away(
    demo_db: Store, demo_agent: Agent
) -> None:
    kai = demo_agent(AGENT)
    grace = waiting(demo_db, GRACE, n=1)
    luis = waiting(demo_db, LUIS, name="Luis Ortega", n=2)

    event = kai.decide_join(grace.request_id, admit=True, actor=AGENT, now=now())
    kai.decide_join(luis.request_id, admit=False, actor=AGENT, now=now())

    assert event == LobbyChanged(DEMO_ACTIVE_ID)
    admitted = demo_db.browser_status(browser(1))
    denied = demo_db.browser_status(browser(2))
    assert admitted is not None
    assert denied is not None
    assert (admitted.state, admitted.name, admitted.session_id) == (
        BrowserState.JOINED,
        "Grace Kim",
        DEMO_ACTIVE_ID,
    )
    assert denied.state is BrowserState.DENIED
    decided = {r.request_id: r for r in kai.join_requests(DEMO_ACTIVE_ID)}
    assert decided[grace.request_id].state is RequestState.ADMITTED
    assert decided[grace.request_id].decided_by == AGENT
    assert decided[grace.request_id].decided_at is not None
    assert decided[luis.request_id].state is RequestState.DENIED
    with pytest.raises(ValidationError, match="already admitted"):
        kai.decide_join(grace.request_id, admit=False, actor=AGENT, now=now())
    with pytest.raises(NotFoundError):
        kai.decide_join("R-00000000", admit=True, actor=AGENT, now=now())
    decisions = [
        (e.actor, e.participant_id, e.detail, e.result)
        for e in reversed(demo_db.audit_log())
        if e.kind == AuditKind.JOIN_DECISION
    ]
    assert decisions == [
        (AGENT, GRACE, grace.request_id, "admitted"),
        (AGENT, LUIS, luis.request_id, "denied"),
    ]


def test_a_browser_admitted_after_a_reused_link_may_come_back_with_it(demo_db: Store) -> None:
    minted, _ = demo_db.mint_link(
        DEMO_ACTIVE_ID, OMAR, purpose=LinkPurpose.INVITATION, actor=AGENT, now=now()
    )
    token = minted.url[len(DEMO_URL_BASE) :]
    demo_db.redeem_link(token, browser=browser(1), address=HERE, now=now())
    lobby = demo_db.redeem_link(token, browser=browser(2), address=HERE, now=now())
    assert lobby is not None
    assert lobby.request_id is not None

    demo_db.decide_join(lobby.request_id, admit=True, actor=AGENT, now=now())
    back = demo_db.redeem_link(token, browser=browser(2), address=HERE, now=now())

    assert back is not None
    assert back.result is RedeemResult.REJOINED
    request = demo_db.join_requests(DEMO_ACTIVE_ID)[0]
    assert request.how == f"link {minted.link.link_id} reused, from {HERE}"


def test_requests_are_listed_waiting_first_then_newest_first(demo_db: Store) -> None:
    first = waiting(demo_db, OMAR, n=1)
    second = waiting(demo_db, GRACE, n=2)
    third = waiting(demo_db, LUIS, n=3)
    demo_db.decide_join(third.request_id, admit=True, actor=AGENT, now=now())

    listed = [r.request_id for r in demo_db.join_requests(DEMO_ACTIVE_ID)]

    assert listed == [second.request_id, first.request_id, third.request_id]
    assert demo_db.join_requests(DEMO_ENDED_ID) == []
    with pytest.raises(NotFoundError):
        demo_db.join_requests("ZZZZ-ZZZZ")


def test_ending_the_session_stops_its_browsers_and_turns_its_waiting_ones_away(
    demo_db: Store,
) -> None:
    minted, _ = demo_db.mint_link(
        DEMO_ACTIVE_ID, OMAR, purpose=LinkPurpose.INVITATION, actor=AGENT, now=now()
    )
    demo_db.redeem_link(
        minted.url[len(DEMO_URL_BASE) :], browser=browser(1), address=HERE, now=now()
    )
    admitted = waiting(demo_db, GRACE, n=2)
    demo_db.decide_join(admitted.request_id, admit=True, actor=AGENT, now=now())
    denied = waiting(demo_db, LUIS, name="Luis Ortega", n=3)
    demo_db.decide_join(denied.request_id, admit=False, actor=AGENT, now=now())
    request = waiting(demo_db, DEMO_ACTIVE_ID, name="Dana Levi", n=4)

    demo_db.end_session(DEMO_ACTIVE_ID, now(), actor=AGENT)

    standing = {}
    for n in range(1, 5):
        status = demo_db.browser_status(browser(n))
        assert status is not None
        assert demo_db.browser_status(browser(n), now=now()) == status
        standing[n] = (status.state, status.stopped_because)
    assert standing == {
        1: (BrowserState.STOPPED, LinkState.ENDED.value),
        2: (BrowserState.STOPPED, LinkState.ENDED.value),
        3: (BrowserState.DENIED, None),
        4: (BrowserState.DENIED, None),
    }
    with pytest.raises(ValidationError, match="the session has ended"):
        demo_db.decide_join(request.request_id, admit=True, actor=AGENT, now=now())


def test_a_browser_admitted_after_a_reused_link_is_stopped_when_that_link_is_revoked(
    demo_db: Store,
) -> None:
    minted, _ = demo_db.mint_link(
        DEMO_ACTIVE_ID, OMAR, purpose=LinkPurpose.INVITATION, actor=AGENT, now=now()
    )
    token = minted.url[len(DEMO_URL_BASE) :]
    demo_db.redeem_link(token, browser=browser(1), address=HERE, now=now())
    lobby = demo_db.redeem_link(token, browser=browser(2), address=HERE, now=now())
    assert lobby is not None
    assert lobby.request_id is not None
    demo_db.decide_join(lobby.request_id, admit=True, actor=AGENT, now=now())
    by_id = waiting(demo_db, OMAR, name="Omar Haddad", n=3)
    demo_db.decide_join(by_id.request_id, admit=True, actor=AGENT, now=now())

    demo_db.regenerate_links(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())

    stood = [demo_db.browser_status(browser(n)) for n in (1, 2, 3)]
    assert [(s.state, s.stopped_because) for s in stood if s is not None] == [
        (BrowserState.STOPPED, LinkState.REVOKED.value),
        (BrowserState.STOPPED, LinkState.REVOKED.value),
        (BrowserState.JOINED, None),
    ], "admitted by ID, with no link: in until the agent denies or the session ends"


def test_a_waiting_browser_renewed_is_admitted_under_its_new_cookie(demo_db: Store) -> None:
    request = waiting(demo_db, GRACE, n=1)

    assert demo_db.renew_browser(browser(1), browser(2), now=now()) is True
    moved = demo_db.browser_status(browser(2))
    demo_db.decide_join(request.request_id, admit=True, actor=AGENT, now=now())

    assert demo_db.browser_status(browser(1)) is None
    assert moved is not None
    assert (moved.state, moved.request_id) == (BrowserState.WAITING, request.request_id)
    admitted = demo_db.browser_status(browser(2))
    assert admitted is not None
    assert (admitted.state, admitted.name) == (BrowserState.JOINED, "Grace Kim")
    assert demo_db.renew_browser(browser(2), browser(3), now=now()) is True
    again = demo_db.browser_status(browser(3))
    assert again is not None
    assert again.state is BrowserState.JOINED
    assert waiting(demo_db, GRACE, n=1).request_id != request.request_id, (
        "the cookie seen before admission asks again, like any stranger"
    )


def test_an_unknown_browser_stands_nowhere(demo_db: Store) -> None:
    assert demo_db.browser_status(browser(1)) is None
    assert demo_db.browser_status("not a hash") is None


# -- events --------------------------------------------------------------------------------


def test_lobby_changes_reach_the_agent_s_console(demo_db: Store, connect: Connect) -> None:
    console, join_service = connect(), connect()

    request = waiting(join_service, GRACE)
    heard_request = console.poll_events()
    demo_db.decide_join(request.request_id, admit=False, actor=AGENT, now=now())
    heard_decision = console.poll_events()
    demo_db.set_lobby_locked(DEMO_ACTIVE_ID, True, actor=AGENT, now=now())
    heard_lock = console.poll_events()
    assert ask(join_service, LUIS, n=2) is LobbyRefusal.LOCKED
    heard_refusal = console.poll_events()

    assert heard_request == [LobbyChanged(DEMO_ACTIVE_ID)]
    assert heard_decision == [LobbyChanged(DEMO_ACTIVE_ID)]
    assert heard_lock == [LobbyChanged(DEMO_ACTIVE_ID)]
    assert heard_refusal == [], "a refused request changes nothing the agent sees"
    assert console.verify_audit() is None
