"""The app's random IDs and tokens (``core/randomness.py``): from ``secrets``, or seeded.

A seed makes a run reproducible: the same Session ID, invitation ID, link ID
and token, and lobby request ID, in the same order, from a fresh store each
time. Passphrase salts never follow the seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collab_console.core import randomness
from collab_console.core.admins import hash_passphrase
from collab_console.core.delivery import INVITATION_ID_PATTERN, new_invitation_id
from collab_console.core.domain import SESSION_ID_PATTERN, new_session_id
from collab_console.core.links import (
    LINK_ID_PATTERN,
    LinkPurpose,
    is_token,
    new_link_id,
    new_token,
    token_hash,
)
from collab_console.core.lobby import REQUEST_ID_PATTERN, JoinRequest, new_request_id
from collab_console.invitations.message import Invitation
from collab_console.store import open_store

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
AGENT = "agent.kai"


def one_run(folder: Path) -> dict[str, str]:
    """What a short run makes in a fresh store: a session and its invitation, a copied
    link, and a browser's request to join; each ID by the name a tester would use."""
    folder.mkdir()
    store = open_store(folder, create=True)
    try:
        session, _ = store.start_session(
            customer_name="Ana Lima", contact="ana@example.com", now=NOW, actor=AGENT
        )
        (invite,) = session.deliveries.values()
        minted, _ = store.mint_link(
            session.session_id,
            session.customer.access_id,
            purpose=LinkPurpose.COPY,
            actor=AGENT,
            now=NOW,
        )
        # The browser's cookie is the join service's own secret: never from the seed.
        browser = token_hash(new_token())
        request = store.request_join(
            session.session_id, "Ana Lima", browser=browser, address="192.0.2.7", now=NOW
        )
        assert isinstance(request, JoinRequest), request
    finally:
        store.close()
    return {
        "session": session.session_id,
        "invitation": invite.invitation_id,
        "link": minted.link.link_id,
        "token": minted.url.rsplit("/", 1)[1],
        "request": request.request_id,
    }


def drawn() -> list[str]:
    """One of each ID the core draws, straight from its functions."""
    return [new_session_id(), new_link_id(), new_token(), new_invitation_id(), new_request_id()]


# -- seeded: the same every run ----------------------------------------------------------------


def test_the_same_seed_gives_the_same_ids_in_two_runs(tmp_path: Path) -> None:
    randomness.use_seed(7)
    first = one_run(tmp_path / "first")
    randomness.use_seed(7)
    second = one_run(tmp_path / "second")

    assert first == second


def test_another_seed_gives_other_ids(tmp_path: Path) -> None:
    randomness.use_seed(7)
    seven = one_run(tmp_path / "seven")
    randomness.use_seed(8)
    eight = one_run(tmp_path / "eight")

    assert all(seven[name] != eight[name] for name in seven), (seven, eight)


def test_a_seeded_sequence_is_the_same_in_order_and_has_no_repeats() -> None:
    randomness.use_seed(2026)
    first = [drawn() for _ in range(50)]
    randomness.use_seed(2026)
    again = [drawn() for _ in range(50)]

    assert first == again
    every = [value for values in first for value in values]
    assert len(set(every)) == len(every), "a seed is reproducible, not repetitive"


def test_seeded_ids_and_tokens_keep_their_shapes() -> None:
    randomness.use_seed(1)

    for _ in range(200):
        session_id, link_id, token, invitation_id, request_id = drawn()
        assert SESSION_ID_PATTERN.fullmatch(session_id), session_id
        assert LINK_ID_PATTERN.fullmatch(link_id), link_id
        assert is_token(token), token
        assert INVITATION_ID_PATTERN.fullmatch(invitation_id), invitation_id
        assert REQUEST_ID_PATTERN.fullmatch(request_id), request_id
        assert re.fullmatch("[0-9a-f]{16}", randomness.token_hex(8))


def test_an_invitations_message_id_name_follows_the_seed() -> None:
    def invited() -> Invitation:
        return Invitation(
            who="Ana Lima",
            to="ana@example.com",
            link="https://collab.example.com/join/abc",
            agent="Kai",
            customer="Ana Lima",
        )

    randomness.use_seed(3)
    first = invited().id
    randomness.use_seed(3)

    assert invited().id == first


def test_passphrase_salts_never_follow_the_seed() -> None:
    randomness.use_seed(5)
    one = hash_passphrase("correct horse battery")
    randomness.use_seed(5)
    two = hash_passphrase("correct horse battery")

    assert one.split("$")[4] != two.split("$")[4], "each hash has its own salt from secrets"


def test_a_seed_must_be_a_whole_number() -> None:
    with pytest.raises(TypeError, match="use_seed takes a whole number or None, not '7'"):
        randomness.use_seed("7")  # type: ignore[arg-type]


# -- unseeded: secrets ------------------------------------------------------------------------


def test_without_a_seed_every_run_makes_other_ids(tmp_path: Path) -> None:
    first = one_run(tmp_path / "first")
    second = one_run(tmp_path / "second")

    assert all(first[name] != second[name] for name in first), (first, second)


def test_use_seed_none_goes_back_to_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    randomness.use_seed(7)
    seeded = drawn()
    randomness.use_seed(None)
    asked: list[str] = []

    def spy(name: str) -> None:
        real: Callable[..., object] = getattr(secrets, name)

        def counted(*args: object) -> object:
            asked.append(name)
            return real(*args)

        monkeypatch.setattr(secrets, name, counted)

    for name in ("choice", "randbelow", "token_bytes"):
        spy(name)

    assert drawn() != seeded
    assert set(asked) == {"choice", "randbelow", "token_bytes"}
