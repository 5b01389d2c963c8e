"""The lobby: requests to join by ID, their limits, and what the person waiting reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.lobby import (
    DENIED_TEXT,
    JOINED_TEXT,
    LOCK_AFTER_DENIALS,
    MAX_NAME_LENGTH,
    MAX_REQUESTS_PER_ADDRESS,
    MAX_REQUESTS_PER_ID,
    RATE_WINDOW,
    REQUEST_ID_PATTERN,
    WAITING_TEXT,
    BrowserState,
    BrowserStatus,
    JoinRequest,
    JoinRoute,
    LobbyRefusal,
    RequestState,
    new_request_id,
)
from collab_console.store import sqlite_schema

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def request(route: JoinRoute = JoinRoute.BY_ID, link_id: str | None = None) -> JoinRequest:
    return JoinRequest(
        request_id="R-7QKM92HX",
        session_id="7QKM-92HX",
        access_id="K9ZC-3HNP",
        name="Grace Kim",
        route=route,
        link_id=link_id,
        address="203.0.113.5",
        made_at=NOW,
    )


def test_a_new_request_waits_undecided() -> None:
    waiting = request()

    assert waiting.state is RequestState.WAITING
    assert waiting.decided_by is None
    assert waiting.decided_at is None


def test_how_a_person_arrived_by_id_names_the_id_and_the_address() -> None:
    assert request().how == "typed the ID K9ZC-3HNP, from 203.0.113.5"


def test_how_a_person_arrived_with_a_reused_link_names_the_link_not_a_token() -> None:
    reused = request(JoinRoute.LINK_REUSED, link_id="L-7QKM92HX")

    assert reused.how == "link L-7QKM92HX reused, from 203.0.113.5"


def test_routes_are_labelled_for_the_agent_and_stored_by_value() -> None:
    assert [(r.value, r.label) for r in JoinRoute] == [
        ("by_id", "typed the ID"),
        ("link_reused", "link reused"),
    ]


def test_request_ids_are_readable_distinct_and_not_link_ids() -> None:
    ids = [new_request_id() for _ in range(500)]

    assert len(set(ids)) == len(ids)
    for request_id in ids:
        assert REQUEST_ID_PATTERN.fullmatch(request_id), request_id
        assert request_id.startswith("R-")
    assert {c for request_id in ids for c in request_id[2:]} == set(
        "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    )


# -- limits ------------------------------------------------------------------------------------


def test_the_limits_are_small_whole_numbers_over_a_ten_minute_window() -> None:
    assert RATE_WINDOW.total_seconds() == 10 * 60
    assert 1 <= MAX_REQUESTS_PER_ID <= MAX_REQUESTS_PER_ADDRESS <= 20
    assert 1 <= LOCK_AFTER_DENIALS <= MAX_REQUESTS_PER_ID
    assert 1 <= MAX_NAME_LENGTH <= 120


def test_the_rate_limited_sentence_says_the_window_the_store_counts() -> None:
    """The person is told to wait as long as the window the limits are counted over."""
    minutes = RATE_WINDOW // timedelta(minutes=1)
    words = {10: "ten"}

    assert f"Wait {words[minutes]} minutes" in LobbyRefusal.RATE_LIMITED.sentence


# -- what the person reads ---------------------------------------------------------------------


def test_every_refusal_has_one_sentence_of_its_own() -> None:
    sentences = [refusal.sentence for refusal in LobbyRefusal]

    assert len(set(sentences)) == len(sentences)
    for sentence in sentences:
        assert sentence == sentence.strip()
        assert "\n" not in sentence
        assert sentence.endswith(".")
        assert sentence[0].isupper()


def test_an_unknown_id_is_refused_without_saying_whether_any_session_exists() -> None:
    """Nothing in the refusals tells a guesser about sessions or people behind other IDs."""
    for refusal in LobbyRefusal:
        assert not re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", refusal.sentence)
        assert "@" not in refusal.sentence


@pytest.mark.parametrize("text", [WAITING_TEXT, DENIED_TEXT, JOINED_TEXT])
def test_what_the_waiting_person_reads_is_one_line(text: str) -> None:
    assert text == text.strip()
    assert "\n" not in text
    assert text.endswith(".")


def test_a_browser_status_names_its_request_only_while_it_waits() -> None:
    joined = BrowserStatus(BrowserState.JOINED, "7QKM-92HX", "Grace Kim", "Sam Rivera")
    waiting = BrowserStatus(
        BrowserState.WAITING, "7QKM-92HX", "Grace Kim", "Sam Rivera", request_id="R-7QKM92HX"
    )

    assert joined.request_id is None
    assert waiting.request_id == "R-7QKM92HX"
    assert {"joined", "waiting", "denied"} <= {s.value for s in BrowserState}


# -- one declaration, shared with the store ----------------------------------------------------


def test_the_store_s_schema_lists_the_same_request_states_and_refusals() -> None:
    assert tuple(state.value for state in RequestState) == sqlite_schema.REQUEST_RESULTS
    assert tuple(refusal.value for refusal in LobbyRefusal) == sqlite_schema.LOBBY_REFUSALS
