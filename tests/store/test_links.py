"""What every store backend must do with links: a Session URL is a fresh per-person secret.

Contract tests (each runs once per backend, ``tests/store/conftest.py``). A
link's times are the store's own, so these tests take ``now`` from the clock
and look ahead of it ("31 minutes later") instead of making up dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from collab_console.core.audit import AuditKind
from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_ENDED_PARTICIPANT_ID,
    DEMO_PARTICIPANT_IDS,
    DEMO_URL_BASE,
)
from collab_console.core.domain import SESSION_ID_PATTERN, build_session
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.events import InvitationsChanged, LinksChanged, SessionEnded
from collab_console.core.links import (
    Link,
    LinkLimitError,
    LinkPurpose,
    LinkState,
    MintedLink,
    RedeemResult,
    expires_at,
    is_token,
    new_token,
    token_hash,
)
from collab_console.core.lobby import BrowserState, JoinRoute
from collab_console.store import Store
from tests.store.admins import become_admin
from tests.store.conftest import Backend

Connect = Callable[[], Store]
Agent = Callable[[str], Store]
OMAR, GRACE, LUIS = DEMO_PARTICIPANT_IDS
#: The agents who make and stop links: each at their own console (``demo_agent``) where
#: the test checks who did it, since on PostgreSQL the login, not ``actor``, is recorded.
AGENT, OTHER_AGENT = "agent.kai", "agent.lee"
#: Browsers, as the join service names them: the SHA-256 of each one's cookie.
FIRST, SECOND, THIRD = (token_hash(f"cookie-{n}-{'x' * 20}") for n in range(3))
HERE, THERE = "203.0.113.5", "198.51.100.7"


def now() -> datetime:
    return datetime.now(UTC)


def mint(
    db: Store, person: str = OMAR, purpose: LinkPurpose = LinkPurpose.COPY, *, actor: str = AGENT
) -> MintedLink:
    minted, event = db.mint_link(DEMO_ACTIVE_ID, person, purpose=purpose, actor=actor, now=now())
    assert event == LinksChanged(DEMO_ACTIVE_ID)
    return minted


def token_of(minted: MintedLink, base: str = DEMO_URL_BASE) -> str:
    assert minted.url.startswith(base)
    return minted.url[len(base) :]


def link_rules(db: Store, **values: Any) -> None:
    """An admin sets the link settings ``values``."""
    db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=now(), **values),
        admin=become_admin(db, "admin.ana"),
    )


# -- minting -------------------------------------------------------------------------------


def test_a_copied_link_is_a_fresh_token_of_which_only_the_hash_is_stored(
    demo_agent: Agent, backend: Backend
) -> None:
    kai = demo_agent(AGENT)
    first, second = mint(kai), mint(kai)
    token = token_of(first)

    assert is_token(token)
    assert token_of(second) != token, "every copy makes a new link"
    assert first.link.link_id != second.link.link_id
    link = first.link
    assert (link.session_id, link.access_id, link.purpose, link.made_by) == (
        DEMO_ACTIVE_ID,
        OMAR,
        LinkPurpose.COPY,
        AGENT,
    )
    assert link.first_join_only is False
    assert link.state(now()) is LinkState.LIVE
    assert token not in repr(first), "a minted link's repr leaves the URL out"
    assert kai.list_links(DEMO_ACTIVE_ID) == [second.link, first.link]
    stored = backend.stored_bytes()
    assert token_hash(token).encode() in stored
    assert token.encode() not in stored, "a stolen store holds no working link"
    assert first.url.encode() not in stored


def test_a_link_lasts_as_the_settings_in_force_say(demo_db: Store) -> None:
    copied = mint(demo_db).link
    invited = mint(demo_db, GRACE, LinkPurpose.INVITATION).link
    link_rules(
        demo_db, copied_link_minutes=5, invitation_link_minutes=60, link_first_join_only=True
    )
    short = mint(demo_db, LUIS).link
    week = mint(demo_db, LUIS, LinkPurpose.INVITATION).link

    def expected(link: Link, copied_minutes: int, invitation_minutes: int) -> datetime | None:
        return expires_at(
            link.purpose,
            link.made_at,
            copied_minutes=copied_minutes,
            invitation_minutes=invitation_minutes,
        )

    assert copied.expires_at == expected(copied, 30, 0) == copied.made_at + timedelta(minutes=30)
    assert invited.expires_at is None, "an invitation lasts until the session ends by default"
    assert short.expires_at == expected(short, 5, 60)
    assert week.expires_at == expected(week, 5, 60)
    assert (copied.first_join_only, short.first_join_only, week.first_join_only) == (
        False,
        True,
        True,
    )
    assert abs(short.made_at - now()) < timedelta(minutes=1), "made at the store's own time"
    later = short.made_at + timedelta(minutes=6)
    assert {link.link_id: link.state(later) for link in demo_db.list_links(DEMO_ACTIVE_ID)} == {
        copied.link_id: LinkState.LIVE,
        invited.link_id: LinkState.LIVE,
        short.link_id: LinkState.EXPIRED,
        week.link_id: LinkState.LIVE,
    }


def test_links_are_made_only_for_a_person_of_an_active_session(demo_db: Store) -> None:
    with pytest.raises(NotFoundError, match="ZZZZ-ZZZZ"):
        demo_db.mint_link("ZZZZ-ZZZZ", OMAR, purpose=LinkPurpose.COPY, actor=AGENT, now=now())
    with pytest.raises(NotFoundError, match=DEMO_ENDED_PARTICIPANT_ID):
        demo_db.mint_link(
            DEMO_ACTIVE_ID,
            DEMO_ENDED_PARTICIPANT_ID,
            purpose=LinkPurpose.COPY,
            actor=AGENT,
            now=now(),
        )
    with pytest.raises(ValidationError, match="ended"):
        demo_db.mint_link(
            DEMO_ENDED_ID,
            DEMO_ENDED_PARTICIPANT_ID,
            purpose=LinkPurpose.INVITATION,
            actor=AGENT,
            now=now(),
        )
    with pytest.raises(NotFoundError):
        demo_db.list_links("ZZZZ-ZZZZ")
    assert demo_db.list_links(DEMO_ACTIVE_ID) == []
    assert demo_db.list_links(DEMO_ENDED_ID) == []


def test_a_link_made_is_audited_by_its_name_never_its_token(
    demo_db: Store, demo_agent: Agent
) -> None:
    minted = mint(demo_agent(AGENT), GRACE)
    demo_db.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())

    made = next(e for e in demo_db.audit_log() if e.kind == AuditKind.LINK_MADE)
    assert (made.actor, made.actor_role, made.session_id, made.participant_id) == (
        AGENT,
        "agent",
        DEMO_ACTIVE_ID,
        GRACE,
    )
    assert (made.detail, made.new_value) == (minted.link.link_id, "copy")
    everything = repr(demo_db.audit_log(limit=1000))
    assert token_of(minted) not in everything
    assert token_hash(token_of(minted)) not in everything
    assert FIRST not in everything, "never a browser's cookie, nor its hash"
    assert minted.url not in everything
    assert demo_db.verify_audit() is None


# -- stopping links ------------------------------------------------------------------------


def test_revoking_stops_a_link_at_once_and_only_once(demo_db: Store, demo_agent: Agent) -> None:
    kai, lee = demo_agent(AGENT), demo_agent(OTHER_AGENT)
    minted, other = mint(kai), mint(kai, GRACE)

    event = lee.revoke_link(minted.link.link_id.lower(), actor=OTHER_AGENT, now=now())

    assert event == LinksChanged(DEMO_ACTIVE_ID)
    (revoked,) = [link for link in demo_db.list_links(DEMO_ACTIVE_ID) if link.access_id == OMAR]
    assert revoked.state(now()) is LinkState.REVOKED
    assert revoked.revoked_by == OTHER_AGENT
    check = demo_db.check_link(token_of(minted), now=now())
    assert check is not None
    assert check.state is LinkState.REVOKED
    assert demo_db.check_link(token_of(other), now=now()).state is LinkState.LIVE  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="already stopped: revoked"):
        kai.revoke_link(minted.link.link_id, actor=AGENT, now=now())
    with pytest.raises(NotFoundError, match="L-0000AAAA"):
        kai.revoke_link("L-0000AAAA", actor=AGENT, now=now())
    with pytest.raises(ValidationError):
        kai.revoke_link("7QKM-92HX", actor=AGENT, now=now())
    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.participant_id, entry.detail) == (
        AuditKind.LINK_REVOKED,
        OTHER_AGENT,
        OMAR,
        minted.link.link_id,
    )


def test_an_expired_link_cannot_be_revoked_any_more(demo_db: Store) -> None:
    minted = mint(demo_db)

    with pytest.raises(ValidationError, match="already stopped: expired"):
        demo_db.revoke_link(minted.link.link_id, actor=AGENT, now=now() + timedelta(minutes=31))


def test_regenerating_revokes_the_person_s_live_links_and_makes_no_link(demo_db: Store) -> None:
    """A regenerate stops links; the new one is made when its invitation is sent
    (``tests/store/test_regenerate.py`` follows the invitation)."""
    old = [mint(demo_db), mint(demo_db), mint(demo_db)]  # at the limit of live links
    graces = mint(demo_db, GRACE)

    revoked, queued, events = demo_db.regenerate_links(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())

    assert (revoked, events[0]) == (3, LinksChanged(DEMO_ACTIVE_ID))
    assert queued is not None
    states = {link.link_id: link.state(now()) for link in demo_db.list_links(DEMO_ACTIVE_ID)}
    assert states == {
        **{minted.link.link_id: LinkState.REVOKED for minted in old},
        graces.link.link_id: LinkState.LIVE,
    }
    for minted in old:
        check = demo_db.check_link(token_of(minted), now=now())
        assert check is not None
        assert check.state is LinkState.REVOKED
    fresh = mint(demo_db)
    assert fresh.link.state(now()) is LinkState.LIVE, "his places for live links are free again"


def test_ending_a_session_stops_all_its_links(demo_db: Store) -> None:
    minted = [mint(demo_db), mint(demo_db, GRACE, LinkPurpose.INVITATION)]
    joined = minted[0]
    assert demo_db.redeem_link(token_of(joined), browser=FIRST, address=HERE, now=now())

    demo_db.end_session(DEMO_ACTIVE_ID, now(), actor=AGENT)

    links = demo_db.list_links(DEMO_ACTIVE_ID)
    assert all(link.session_ended for link in links)
    assert {link.state(now()) for link in links} == {LinkState.ENDED}
    for each in minted:
        check = demo_db.check_link(token_of(each), now=now())
        assert check is not None
        assert check.state is LinkState.ENDED
    refused = demo_db.redeem_link(token_of(joined), browser=FIRST, address=HERE, now=now())
    assert refused is not None
    assert (refused.result, refused.state) == (RedeemResult.REFUSED, LinkState.ENDED)
    with pytest.raises(ValidationError, match="ended"):
        demo_db.regenerate_links(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())


# -- limits --------------------------------------------------------------------------------


def test_a_person_has_only_so_many_live_links_and_hitting_it_is_audited(
    demo_db: Store, demo_agent: Agent
) -> None:
    kai = demo_agent(AGENT)
    made = [mint(kai) for _ in range(3)]
    before = demo_db.list_links(DEMO_ACTIVE_ID)

    with pytest.raises(LinkLimitError, match="already has 3 live links"):
        mint(kai)

    assert demo_db.list_links(DEMO_ACTIVE_ID) == before, "nothing was made"
    refused = demo_db.audit_log(limit=1)[0]
    assert (refused.kind, refused.actor, refused.session_id, refused.participant_id) == (
        AuditKind.LINK_LIMIT,
        AGENT,
        DEMO_ACTIVE_ID,
        OMAR,
    )
    assert refused.detail == "copy"
    assert refused.new_value is not None
    assert "3 live links" in refused.new_value
    assert mint(kai, GRACE).link.access_id == GRACE, "the limit is per person"
    kai.revoke_link(made[0].link.link_id, actor=AGENT, now=now())
    assert mint(kai).link.access_id == OMAR, "a revoked link frees its place"
    kai.mint_link(
        DEMO_ACTIVE_ID,
        OMAR,
        purpose=LinkPurpose.COPY,
        actor=AGENT,
        now=now() + timedelta(minutes=31),
    )  # the copied ones have expired by then


def test_an_agent_copies_only_so_many_links_an_hour(demo_db: Store, demo_agent: Agent) -> None:
    link_rules(demo_db, max_links_per_agent_hour=2)
    kai, lee = demo_agent(AGENT), demo_agent(OTHER_AGENT)
    mint(kai, GRACE, LinkPurpose.INVITATION)
    mint(kai, OMAR)
    mint(kai, GRACE)

    with pytest.raises(LinkLimitError, match="2 links in the last hour"):
        mint(kai, LUIS)
    # An invitation goes to the person's own contact: the hourly limit is for copies.
    assert mint(kai, LUIS, LinkPurpose.INVITATION).link.purpose is LinkPurpose.INVITATION

    assert mint(lee, LUIS, actor=OTHER_AGENT).link.made_by == OTHER_AGENT
    assert [e.kind for e in demo_db.audit_log(limit=3)] == [
        AuditKind.LINK_MADE,
        AuditKind.LINK_MADE,
        AuditKind.LINK_LIMIT,
    ]
    later, _ = kai.mint_link(
        DEMO_ACTIVE_ID, LUIS, purpose=LinkPurpose.COPY, actor=AGENT, now=now() + timedelta(hours=1)
    )
    assert later.link.made_by == AGENT


# -- opening and joining -------------------------------------------------------------------


def test_opening_a_link_shows_its_page_and_uses_nothing_up(demo_db: Store) -> None:
    link_rules(demo_db, link_first_join_only=True)
    minted = mint(demo_db, GRACE)
    audit = demo_db.audit_log(limit=1000)

    check = demo_db.check_link(token_of(minted), now=now())
    again = demo_db.check_link(token_of(minted), now=now())

    assert check == again
    assert check is not None
    assert check.link == minted.link
    assert check.state is LinkState.LIVE
    assert (check.page.session_id, check.page.person_name, check.page.agent) == (
        DEMO_ACTIVE_ID,
        "Grace Kim",
        "Sam Rivera",
    )
    assert demo_db.audit_log(limit=1000) == audit


def test_the_first_browser_joins_and_may_come_back(demo_db: Store) -> None:
    minted = mint(demo_db, GRACE)
    token = token_of(minted)

    joined = demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())
    back = demo_db.redeem_link(token, browser=FIRST, address=THERE, now=now())

    assert joined is not None
    assert back is not None
    assert joined.result is RedeemResult.JOINED
    assert back.result is RedeemResult.REJOINED
    assert joined.page.person_name == "Grace Kim"
    status = demo_db.browser_status(FIRST)
    assert status is not None
    assert (status.state, status.session_id, status.name, status.agent) == (
        BrowserState.JOINED,
        DEMO_ACTIVE_ID,
        "Grace Kim",
        "Sam Rivera",
    )
    (link,) = demo_db.list_links(DEMO_ACTIVE_ID)
    assert link.used_at is not None
    assert link.state(now()) is LinkState.LIVE, "not first-join-only: used, still live"
    joins = [
        (e.actor, e.actor_role, e.participant_id, e.detail, e.result)
        for e in reversed(demo_db.audit_log())
        if e.kind == AuditKind.JOIN
    ]
    assert joins == [
        (HERE, "visitor", GRACE, minted.link.link_id, "joined"),
        (THERE, "visitor", GRACE, minted.link.link_id, "rejoined"),
    ]


def test_a_second_browser_waits_in_the_lobby_marked_link_reused(demo_db: Store) -> None:
    token = token_of(mint(demo_db, GRACE))
    demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())

    second = demo_db.redeem_link(token, browser=SECOND, address=THERE, now=now())
    again = demo_db.redeem_link(token, browser=SECOND, address=THERE, now=now())

    assert second is not None
    assert again is not None
    assert second.result is RedeemResult.LOBBY
    assert second.request_id is not None
    assert again.request_id == second.request_id, "asking twice makes one request"
    (request,) = demo_db.join_requests(DEMO_ACTIVE_ID)
    assert (request.request_id, request.route, request.access_id, request.address) == (
        second.request_id,
        JoinRoute.LINK_REUSED,
        GRACE,
        THERE,
    )
    assert request.link_id == demo_db.list_links(DEMO_ACTIVE_ID)[0].link_id
    status = demo_db.browser_status(SECOND)
    assert status is not None
    assert (status.state, status.request_id) == (BrowserState.WAITING, second.request_id)
    still = demo_db.browser_status(FIRST)
    assert still is not None
    assert still.state is BrowserState.JOINED


def test_a_first_join_only_link_is_used_up_by_the_browser_that_joined(demo_db: Store) -> None:
    link_rules(demo_db, link_first_join_only=True)
    token = token_of(mint(demo_db, GRACE))

    joined = demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())

    assert joined is not None
    assert joined.result is RedeemResult.JOINED
    check = demo_db.check_link(token, now=now())
    assert check is not None
    assert check.state is LinkState.USED
    back = demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())
    assert back is not None
    assert back.result is RedeemResult.REJOINED
    other = demo_db.redeem_link(token, browser=SECOND, address=THERE, now=now())
    assert other is not None
    assert other.result is RedeemResult.LOBBY


@pytest.mark.parametrize("why", [LinkState.EXPIRED, LinkState.REVOKED, LinkState.ENDED])
def test_a_stopped_link_is_refused_with_why(demo_db: Store, why: LinkState) -> None:
    minted = mint(demo_db, GRACE)
    when = now()
    if why is LinkState.EXPIRED:
        when += timedelta(minutes=30, seconds=1)
    elif why is LinkState.REVOKED:
        demo_db.revoke_link(minted.link.link_id, actor=AGENT, now=when)
    else:
        demo_db.end_session(DEMO_ACTIVE_ID, when, actor=AGENT)

    refused = demo_db.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=when)

    assert refused is not None
    assert (refused.result, refused.state, refused.request_id) == (
        RedeemResult.REFUSED,
        why,
        None,
    )
    assert demo_db.browser_status(FIRST) is None, "a refused browser stands nowhere"
    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.new_value, entry.result) == (
        AuditKind.JOIN,
        HERE,
        why.value,
        "refused",
    )


def test_an_unknown_token_opens_nothing(demo_db: Store) -> None:
    token_of(mint(demo_db))
    audit = demo_db.audit_log(limit=1000)

    for token in (new_token(), "", "x" * 24, DEMO_URL_BASE, "../../etc/passwd"):
        assert demo_db.check_link(token, now=now()) is None
        assert demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now()) is None
    assert demo_db.browser_status(FIRST) is None
    assert demo_db.audit_log(limit=1000) == audit


def test_a_copied_id_never_yields_a_working_url_and_one_id_never_yields_another(
    demo_db: Store,
) -> None:
    """Every person's own ID, and anything made of it, opens nothing; no ID is derived."""
    for minted in (mint(demo_db, person) for person in DEMO_PARTICIPANT_IDS):
        assert token_of(minted) not in minted.link.access_id
    session = demo_db.get_session(DEMO_ACTIVE_ID)
    for person in session.everyone:
        for guess in (
            person.access_id,
            person.access_id.replace("-", ""),
            f"{person.access_id}-{person.access_id}",
            DEMO_URL_BASE + person.access_id,
        ):
            assert demo_db.check_link(guess, now=now()) is None
            assert demo_db.redeem_link(guess, browser=FIRST, address=HERE, now=now()) is None
    assert demo_db.browser_status(FIRST) is None

    sessions = [
        build_session(
            session_id=f"TEST-{n:04d}",
            customer_name="Ruth Cohen",
            contact="ruth@example.com",
            created_at=now(),
            participant_names=("One", "Two", "Three"),
        )
        for n in range(20)
    ]
    demo_db.add_sessions(sessions, actor=AGENT)
    ids = [p.access_id for s in sessions for p in demo_db.get_session(s.session_id).everyone]
    assert len(set(ids)) == len(ids), "every ID is its own"
    for stored in sessions:
        people = demo_db.get_session(stored.session_id).participants
        assert all(SESSION_ID_PATTERN.fullmatch(p.access_id) for p in people)
        derived = {f"{stored.session_id}-P{n}" for n in range(1, len(people) + 1)}
        assert not derived & {p.access_id for p in people}, "no ID worked out from another"


def test_a_browser_and_an_address_are_checked_before_anything_is_written(demo_db: Store) -> None:
    token = token_of(mint(demo_db))
    for browser, address in (("cookie", HERE), (FIRST.upper(), HERE), (FIRST, ""), (FIRST, "a b")):
        with pytest.raises(ValidationError):
            demo_db.redeem_link(token, browser=browser, address=address, now=now())
    check = demo_db.check_link(token, now=now())
    assert check is not None
    assert check.link.used_at is None


# -- a browser stopped, a browser renewed ----------------------------------------------------


@pytest.mark.parametrize("how", ["revoke", "regenerate"])
def test_a_browser_whose_link_is_revoked_is_stopped(demo_db: Store, how: str) -> None:
    graces = mint(demo_db, GRACE)
    demo_db.redeem_link(token_of(graces), browser=FIRST, address=HERE, now=now())
    demo_db.redeem_link(token_of(mint(demo_db, LUIS)), browser=SECOND, address=HERE, now=now())

    if how == "revoke":
        demo_db.revoke_link(graces.link.link_id, actor=AGENT, now=now())
    else:
        demo_db.regenerate_links(DEMO_ACTIVE_ID, GRACE, actor=AGENT, now=now())

    status = demo_db.browser_status(FIRST)
    assert status is not None
    assert (status.state, status.stopped_because, status.session_id, status.name) == (
        BrowserState.STOPPED,
        LinkState.REVOKED.value,
        DEMO_ACTIVE_ID,
        "Grace Kim",
    )
    assert demo_db.browser_status(FIRST, now=now()) == status
    other = demo_db.browser_status(SECOND)
    assert other is not None
    assert (other.state, other.stopped_because) == (BrowserState.JOINED, None)


def test_a_browser_whose_session_ended_is_stopped_and_an_expired_link_stops_nobody(
    demo_db: Store,
) -> None:
    demo_db.redeem_link(token_of(mint(demo_db, GRACE)), browser=FIRST, address=HERE, now=now())

    later = demo_db.browser_status(FIRST, now=now() + timedelta(minutes=31))
    demo_db.end_session(DEMO_ACTIVE_ID, now(), actor=AGENT)
    ended = demo_db.browser_status(FIRST)

    assert later is not None
    assert (later.state, later.stopped_because) == (BrowserState.JOINED, None), (
        "a link's expiry stops new joins, not a browser already in"
    )
    assert ended is not None
    assert (ended.state, ended.stopped_because) == (BrowserState.STOPPED, LinkState.ENDED.value)


def test_a_renewed_browser_is_known_by_its_new_cookie_only(demo_db: Store) -> None:
    token = token_of(mint(demo_db, GRACE))
    demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())
    before, audit = demo_db.browser_status(FIRST), demo_db.audit_log(limit=1000)

    renewed = demo_db.renew_browser(FIRST, SECOND, now=now())

    assert renewed is True
    assert demo_db.browser_status(FIRST) is None, "the old cookie is unknown"
    assert demo_db.browser_status(SECOND) == before
    assert demo_db.audit_log(limit=1000) == audit, "a renewal decides nothing"
    assert demo_db.renew_browser(FIRST, THIRD, now=now()) is False
    back = demo_db.redeem_link(token, browser=SECOND, address=HERE, now=now())
    assert back is not None
    assert back.result is RedeemResult.REJOINED, "the link is the renewed browser's"
    old = demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())
    assert old is not None
    assert old.result is RedeemResult.LOBBY, "the old cookie is worth nothing"


def test_renewing_to_a_cookie_someone_has_or_from_an_unknown_one_changes_nothing(
    demo_db: Store, backend: Backend
) -> None:
    token = token_of(mint(demo_db, GRACE))
    demo_db.redeem_link(token, browser=FIRST, address=HERE, now=now())
    demo_db.redeem_link(token, browser=SECOND, address=THERE, now=now())
    nobody = token_hash(f"cookie-nobody-{'z' * 16}")

    def everything() -> tuple[object, ...]:
        return (
            demo_db.browser_status(FIRST),
            demo_db.browser_status(SECOND),
            demo_db.list_links(DEMO_ACTIVE_ID),
            demo_db.join_requests(DEMO_ACTIVE_ID),
            demo_db.audit_log(limit=1000),
        )

    before = everything()

    for old, new in ((FIRST, SECOND), (SECOND, FIRST), (FIRST, FIRST), (THIRD, nobody)):
        assert demo_db.renew_browser(old, new, now=now()) is False, (old, new)
    for old, new in (("cookie", nobody), (FIRST, nobody.upper()), (FIRST, "")):
        with pytest.raises(ValidationError):
            demo_db.renew_browser(old, new, now=now())

    assert everything() == before
    assert demo_db.browser_status(THIRD) is None
    assert demo_db.browser_status(nobody) is None
    assert nobody.encode() not in backend.stored_bytes()


# -- events --------------------------------------------------------------------------------


def test_link_changes_reach_other_processes(demo_db: Store, connect: Connect) -> None:
    console, join_service = connect(), connect()

    minted = mint(demo_db)
    mint(demo_db, GRACE)
    heard = console.poll_events()
    join_service.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())
    heard_join = console.poll_events()
    demo_db.regenerate_links(DEMO_ACTIVE_ID, OMAR, actor=AGENT, now=now())
    heard_regenerate = console.poll_events()
    demo_db.end_session(DEMO_ACTIVE_ID, now(), actor=AGENT)
    heard_end = console.poll_events()

    assert heard == [LinksChanged(DEMO_ACTIVE_ID)], "one event per session and poll"
    assert heard_join == [LinksChanged(DEMO_ACTIVE_ID)]
    assert heard_regenerate == [LinksChanged(DEMO_ACTIVE_ID), InvitationsChanged(DEMO_ACTIVE_ID)]
    assert LinksChanged(DEMO_ACTIVE_ID) in heard_end
    assert [type(e) for e in heard_end].count(SessionEnded) == 1
    assert demo_db.poll_events() == [LinksChanged(DEMO_ACTIVE_ID)], "the join service's write"
    assert console.verify_audit() is None
