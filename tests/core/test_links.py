"""Session links: tokens, names, states, lifetimes and limits (``core/links.py``)."""

from __future__ import annotations

import base64
import hashlib
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_console.core import errors
from collab_console.core.errors import CollabConsoleError, LinkLimitError, ValidationError
from collab_console.core.links import (
    LINK_ID_PATTERN,
    REFUSALS,
    TOKEN_BYTES,
    TOKEN_LENGTH,
    TOKEN_PATTERN,
    Link,
    LinkPurpose,
    LinkState,
    MintedLink,
    RedeemResult,
    expires_at,
    is_token,
    limit_refusal,
    link_url,
    masked_link,
    new_link_id,
    new_token,
    normalise_link_id,
    token_hash,
)
from collab_console.store import sqlite_schema

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
BASE = "https://collab.example.com/join/"
URL_SAFE = set(string.ascii_letters + string.digits + "-_")
LINK_ID_ALPHABET = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def make_link(**changes: Any) -> Link:
    values: dict[str, Any] = {
        "link_id": "L-7QKM92HX",
        "session_id": "7QKM-92HX",
        "access_id": "K9ZC-3HNP",
        "purpose": LinkPurpose.COPY,
        "made_by": "agent.kai",
        "made_at": NOW,
        "expires_at": NOW + timedelta(minutes=30),
        "first_join_only": False,
    }
    return Link(**(values | changes))


# -- tokens ----------------------------------------------------------------------------------


def test_a_token_is_24_url_safe_characters_carrying_144_random_bits() -> None:
    token = new_token()

    assert len(token) == TOKEN_LENGTH == 24
    assert set(token) <= URL_SAFE
    assert TOKEN_PATTERN.fullmatch(token)
    assert is_token(token)
    assert TOKEN_BYTES * 8 >= 128, "the issue asks for at least 128 bits"
    assert len(base64.urlsafe_b64decode(token)) == TOKEN_BYTES
    assert "=" not in token, "18 bytes fill 24 characters: no padding"


def test_tokens_never_repeat_and_use_the_whole_alphabet() -> None:
    tokens = [new_token() for _ in range(2000)]

    assert len(set(tokens)) == len(tokens)
    assert set("".join(tokens)) == URL_SAFE, "every one of the 64 characters turns up"


def test_the_token_hash_is_the_sha_256_of_the_token_in_hex() -> None:
    token = new_token()

    digest = token_hash(token)

    assert digest == hashlib.sha256(token.encode("ascii")).hexdigest()
    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")
    assert token not in digest
    assert token_hash(token) == digest, "the same token finds the same link"
    assert token_hash(new_token()) != digest


def test_the_token_hash_is_pinned_for_stores_already_written() -> None:
    """Changing what is hashed would orphan every stored link: this pins it."""
    assert token_hash("q8Xz-3_vLm0PaR7tYw2bNc5d") == (
        "fd2c679a1b7a6d5400b2f0ba809eba4eef3a63a4f3823ad160e2d1d23af32882"
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5", id="23-chars"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5dx", id="25-chars"),
        pytest.param("q8Xz+3/vLm0PaR7tYw2bNc5d", id="plain-base64"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc==", id="padding"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5d\n", id="newline"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5\u0661", id="arabic-indic-digit"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5\u00e9", id="accented-letter"),
        pytest.param("7QKM-92HX", id="a-session-id"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param(b"q8Xz-3_vLm0PaR7tYw2bNc5d", id="bytes"),
    ],
)
def test_is_token_refuses_what_new_token_never_makes(text: object) -> None:
    assert is_token(text) is False


# -- Session URLs ------------------------------------------------------------------------------


def test_a_session_url_is_the_base_and_the_token_and_nothing_else() -> None:
    token = new_token()

    url = link_url(BASE, token)

    assert url == BASE + token
    assert url.removeprefix(BASE) == token
    assert "7QKM" not in url


@pytest.mark.parametrize(
    "token",
    ["7QKM-92HX", "7QKM-92HX-P1", "../admin", "q8Xz-3_vLm0PaR7tYw2bNc5d?x=1", ""],
)
def test_a_session_url_is_never_made_of_an_id_or_anything_but_a_token(token: str) -> None:
    """The old bypass (base + ID) cannot be built by this function."""
    with pytest.raises(ValidationError, match="needs a token"):
        link_url(BASE, token)


def test_two_urls_for_one_person_differ_and_share_only_the_base() -> None:
    first, second = link_url(BASE, new_token()), link_url(BASE, new_token())

    assert first != second
    assert first.startswith(BASE)
    assert second.startswith(BASE)


def test_the_screen_shows_the_base_and_dots_for_the_token() -> None:
    assert masked_link(BASE) == BASE + "\u2022\u2022\u2022\u2022"
    assert not is_token(masked_link(BASE).removeprefix(BASE))


def test_a_minted_link_s_repr_names_the_link_but_never_shows_the_url() -> None:
    token = new_token()
    minted = MintedLink(make_link(), link_url(BASE, token))

    for shown in (repr(minted), str(minted), f"{minted}", repr([minted]), repr({"m": minted})):
        assert token not in shown
        assert BASE not in shown
        assert "L-7QKM92HX" in shown
    assert repr(minted) == "MintedLink(L-7QKM92HX for K9ZC-3HNP)"
    assert minted.url == BASE + token, "the URL is there for the clipboard"


# -- link names --------------------------------------------------------------------------------


def test_new_link_ids_are_readable_distinct_and_normalised() -> None:
    ids = [new_link_id() for _ in range(500)]

    assert len(set(ids)) == len(ids)
    for link_id in ids:
        assert LINK_ID_PATTERN.fullmatch(link_id), link_id
        assert normalise_link_id(link_id) == link_id
        assert normalise_link_id(f"  {link_id.lower()}\n") == link_id
    assert {c for link_id in ids for c in link_id[2:]} == LINK_ID_ALPHABET


@pytest.mark.parametrize("typed", ["L-7QKM92HX", "l-7qkm92hx", "  L-7QKM92HX  ", "\tl-7QKm92hX\n"])
def test_normalise_link_id_accepts_what_an_agent_types(typed: str) -> None:
    assert normalise_link_id(typed) == "L-7QKM92HX"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("L-7QKM92H", id="7-chars"),
        pytest.param("L-7QKM92HXX", id="9-chars"),
        pytest.param("L-7QKI92HX", id="I"),
        pytest.param("L-7QKO92HX", id="O"),
        pytest.param("L-7QKU92HX", id="U"),
        pytest.param("7QKM92HX", id="no-prefix"),
        pytest.param("L7QKM92HX", id="no-dash"),
        pytest.param("L-7QKM-92HX", id="session-id-shape"),
        pytest.param("R-7QKM92HX", id="a-request-id"),
        pytest.param("L-7QKM 92HX", id="inner-space"),
        pytest.param("L-7QKM92H\u0425", id="cyrillic-kha"),
        pytest.param("L-7QKM92H\uff38", id="fullwidth-x"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5d", id="a-token"),
        pytest.param("", id="empty"),
    ],
)
def test_normalise_link_id_refuses(typed: str) -> None:
    with pytest.raises(ValidationError, match="is not a link's name \\(like L-7QKM92HX\\)"):
        normalise_link_id(typed)


def test_a_refused_link_id_is_shown_short_and_on_one_line() -> None:
    typed = "L-\u202e" + "X" * 500 + "\nsecond line"

    with pytest.raises(ValidationError) as caught:
        normalise_link_id(typed)

    message = str(caught.value)
    assert "\n" not in message
    assert "\u202e" not in message
    assert len(message) < 100


@settings(deadline=None)
@given(st.text())
def test_normalise_link_id_gives_a_link_name_or_a_validation_error(text: str) -> None:
    try:
        name = normalise_link_id(text)
    except ValidationError as exc:
        message = str(exc)
    else:
        assert LINK_ID_PATTERN.fullmatch(name)
        assert name.isascii()
        assert normalise_link_id(name) == name
        return
    assert "\n" not in message
    assert len(message) < 300, "at most 20 characters of what was typed, escaped"


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(LINK_ID_ALPHABET)), min_size=8, max_size=8))
def test_every_well_formed_link_id_round_trips(chars: str) -> None:
    assert normalise_link_id(f"l-{chars.lower()}") == f"L-{chars}"


# -- states -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        pytest.param({}, LinkState.LIVE, id="fresh"),
        pytest.param({"used_at": NOW}, LinkState.LIVE, id="used-but-not-first-join-only"),
        pytest.param(
            {"used_at": NOW, "first_join_only": True}, LinkState.USED, id="first-join-used"
        ),
        pytest.param({"first_join_only": True}, LinkState.LIVE, id="first-join-unused"),
        pytest.param({"expires_at": NOW}, LinkState.EXPIRED, id="expired"),
        pytest.param({"expires_at": None}, LinkState.LIVE, id="until-the-session-ends"),
        pytest.param({"session_ended": True}, LinkState.ENDED, id="ended"),
        pytest.param({"revoked_at": NOW, "revoked_by": "agent.kai"}, LinkState.REVOKED, id="rev"),
        # the strongest reason wins
        pytest.param(
            {
                "revoked_at": NOW,
                "session_ended": True,
                "used_at": NOW,
                "first_join_only": True,
                "expires_at": NOW - timedelta(days=1),
            },
            LinkState.REVOKED,
            id="revoked-beats-all",
        ),
        pytest.param(
            {"session_ended": True, "used_at": NOW, "first_join_only": True, "expires_at": NOW},
            LinkState.ENDED,
            id="ended-beats-used-and-expired",
        ),
        pytest.param(
            {"used_at": NOW, "first_join_only": True, "expires_at": NOW},
            LinkState.USED,
            id="used-beats-expired",
        ),
    ],
)
def test_link_state(changes: dict[str, Any], state: LinkState) -> None:
    link = make_link(**changes)

    assert link.state(NOW) is state
    assert link.is_live(NOW) is (state is LinkState.LIVE)


@settings(deadline=None)
@given(
    revoked=st.booleans(),
    ended=st.booleans(),
    first_join_only=st.booleans(),
    used=st.booleans(),
    minutes_left=st.none() | st.integers(min_value=-10_000, max_value=10_000),
)
def test_state_precedence_is_revoked_ended_used_expired_live(
    revoked: bool, ended: bool, first_join_only: bool, used: bool, minutes_left: int | None
) -> None:
    link = make_link(
        revoked_at=NOW if revoked else None,
        session_ended=ended,
        first_join_only=first_join_only,
        used_at=NOW if used else None,
        expires_at=None if minutes_left is None else NOW + timedelta(minutes=minutes_left),
    )
    reasons = [
        (revoked, LinkState.REVOKED),
        (ended, LinkState.ENDED),
        (first_join_only and used, LinkState.USED),
        (minutes_left is not None and minutes_left <= 0, LinkState.EXPIRED),
    ]

    expected = next((state for holds, state in reasons if holds), LinkState.LIVE)

    assert link.state(NOW) is expected


def test_a_link_expires_at_its_expiry_instant_not_a_moment_later() -> None:
    link = make_link()
    end = NOW + timedelta(minutes=30)

    assert link.state(end - timedelta(microseconds=1)) is LinkState.LIVE
    assert link.state(end) is LinkState.EXPIRED
    assert link.state(end + timedelta(microseconds=1)) is LinkState.EXPIRED


def test_a_link_for_the_whole_session_never_expires_by_itself() -> None:
    link = make_link(expires_at=None, purpose=LinkPurpose.INVITATION)

    assert link.state(NOW + timedelta(days=3650)) is LinkState.LIVE
    assert link.replace(session_ended=True).state(NOW) is LinkState.ENDED


def test_every_stopped_state_tells_the_person_what_happened_and_what_to_do() -> None:
    assert set(REFUSALS) == set(LinkState) - {LinkState.LIVE}
    titles = [refusal.title for refusal in REFUSALS.values()]
    assert len(set(titles)) == len(titles)
    for refusal in REFUSALS.values():
        for words in (refusal.title, refusal.text):
            assert words == words.strip()
            assert "\n" not in words
            assert "{" not in words
            assert "http" not in words
    assert "expired" in REFUSALS[LinkState.EXPIRED].title
    assert "used" in REFUSALS[LinkState.USED].title
    assert "withdrawn" in REFUSALS[LinkState.REVOKED].title
    assert "ended" in REFUSALS[LinkState.ENDED].title


def test_labels_and_stored_values() -> None:
    assert [p.value for p in LinkPurpose] == ["copy", "invitation"]
    assert [p.label for p in LinkPurpose] == ["Copied", "Invitation"]
    assert [s.value for s in LinkState] == ["live", "expired", "used", "revoked", "ended"]
    assert [s.label for s in LinkState] == ["Live", "Expired", "Used", "Revoked", "Session ended"]


def test_the_store_s_schema_lists_the_same_join_results() -> None:
    assert tuple(result.value for result in RedeemResult) == sqlite_schema.JOIN_RESULTS


# -- lifetimes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "copied", "invitation", "expected"),
    [
        (LinkPurpose.COPY, 30, 0, NOW + timedelta(minutes=30)),
        (LinkPurpose.COPY, 1, 0, NOW + timedelta(minutes=1)),
        (LinkPurpose.COPY, 10080, 5, NOW + timedelta(days=7)),
        (LinkPurpose.INVITATION, 30, 0, None),  # 0: until the session ends
        (LinkPurpose.INVITATION, 30, 90, NOW + timedelta(minutes=90)),
        (LinkPurpose.INVITATION, 1, 10080, NOW + timedelta(days=7)),
    ],
)
def test_expires_at_takes_the_setting_of_the_link_s_purpose(
    purpose: LinkPurpose, copied: int, invitation: int, expected: datetime | None
) -> None:
    assert expires_at(purpose, NOW, copied_minutes=copied, invitation_minutes=invitation) == (
        expected
    )


@settings(deadline=None)
@given(
    purpose=st.sampled_from(LinkPurpose),
    copied=st.integers(min_value=1, max_value=10080),
    invitation=st.integers(min_value=0, max_value=10080),
)
def test_a_link_made_now_is_live_until_its_minutes_are_up(
    purpose: LinkPurpose, copied: int, invitation: int
) -> None:
    end = expires_at(purpose, NOW, copied_minutes=copied, invitation_minutes=invitation)
    minutes = copied if purpose is LinkPurpose.COPY else invitation
    link = make_link(purpose=purpose, expires_at=end)

    assert link.state(NOW) is LinkState.LIVE
    if minutes == 0:
        assert end is None
    else:
        assert end == NOW + timedelta(minutes=minutes)
        assert link.state(NOW + timedelta(minutes=minutes)) is LinkState.EXPIRED
        assert link.state(NOW + timedelta(minutes=minutes, seconds=-1)) is LinkState.LIVE


# -- limits ------------------------------------------------------------------------------------


def test_limit_refusal_is_none_just_below_both_limits() -> None:
    assert (
        limit_refusal(live_for_person=2, made_by_agent_last_hour=29, max_live=3, max_per_hour=30)
        is None
    )
    assert (
        limit_refusal(live_for_person=0, made_by_agent_last_hour=0, max_live=1, max_per_hour=1)
        is None
    )


def test_limit_refusal_at_the_person_s_limit() -> None:
    assert limit_refusal(
        live_for_person=3, made_by_agent_last_hour=0, max_live=3, max_per_hour=30
    ) == ("this person already has 3 live links (at most 3); revoke one, or regenerate their links")


def test_limit_refusal_at_the_agent_s_hourly_limit() -> None:
    assert limit_refusal(
        live_for_person=0, made_by_agent_last_hour=30, max_live=3, max_per_hour=30
    ) == ("you made 30 links in the last hour (at most 30); try again later or ask an admin")


def test_the_person_s_limit_is_named_first_when_both_are_reached() -> None:
    reason = limit_refusal(
        live_for_person=5, made_by_agent_last_hour=99, max_live=3, max_per_hour=30
    )

    assert reason is not None
    assert reason.startswith("this person already has 5 live links")


@settings(deadline=None)
@given(
    live=st.integers(min_value=0, max_value=40),
    made=st.integers(min_value=0, max_value=2000),
    max_live=st.integers(min_value=1, max_value=20),
    max_per_hour=st.integers(min_value=1, max_value=1000),
)
def test_one_more_link_is_allowed_exactly_while_both_counts_are_below_their_limits(
    live: int, made: int, max_live: int, max_per_hour: int
) -> None:
    reason = limit_refusal(
        live_for_person=live,
        made_by_agent_last_hour=made,
        max_live=max_live,
        max_per_hour=max_per_hour,
    )

    assert (reason is None) is (live < max_live and made < max_per_hour)
    if reason is not None:
        assert reason[0].islower(), "it is put after 'refused: '"
        assert "\n" not in reason
        assert not reason.endswith(".")


def test_a_limit_is_its_own_error_not_bad_input() -> None:
    """The CLI tells them apart: a limit is a refusal (exit 3), bad input a usage error (2)."""
    assert issubclass(LinkLimitError, CollabConsoleError)
    assert not issubclass(LinkLimitError, ValidationError)
    assert errors.LinkLimitError is LinkLimitError
