"""Sessions, IDs, contacts, and the text a copy puts on the clipboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from collab_console.core.copy_actions import COPY_ACTIONS
from collab_console.core.domain import (
    SESSION_ID_PATTERN,
    ContactKind,
    Participant,
    Role,
    Session,
    build_session,
    new_session_id,
    normalise_session_id,
    parse_contact,
    validate_name,
)
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.policy import CopyAction

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
URL_BASE = "https://collab.example.com/join/"
READABLE = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@pytest.fixture
def session() -> Session:
    return build_session(
        session_id="7qkm92hx",
        customer_name="  Dana   Levi ",
        contact=" +1 555 0100 200 ",
        url_base=URL_BASE,
        created_at=NOW,
        participant_names=("Omar Haddad", "Grace Kim", "Luis Ortega"),
    )


@pytest.mark.parametrize(
    "typed", ["7QKM-92HX", "7qkm-92hx", "7qkm 92hx", "7QKM92HX", " 7QKM 92HX\n", "7q km-92 hx"]
)
def test_normalise_session_id_accepts_what_an_agent_types(typed: str) -> None:
    assert normalise_session_id(typed) == "7QKM-92HX"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("7QKI-92HX", id="I"),
        pytest.param("7QKL-92HX", id="L"),
        pytest.param("7QKO-92HX", id="O"),
        pytest.param("7QKU-92HX", id="U"),
        pytest.param("7qki 92hx", id="lower-i"),
        pytest.param("7QKM-92H", id="7-chars"),
        pytest.param("7QKM-92HXX", id="9-chars"),
        pytest.param("7QKM92HXZ", id="9-chars-no-dash"),
        pytest.param("7QKM-92HX-P2", id="participant-id"),
        pytest.param("", id="empty"),
        pytest.param("7QKM_92HX", id="underscore"),
    ],
)
def test_normalise_session_id_refuses(typed: str) -> None:
    with pytest.raises(ValidationError, match="not a Session ID"):
        normalise_session_id(typed)


def test_new_session_id_matches_the_pattern_and_round_trips() -> None:
    for _ in range(200):
        session_id = new_session_id()
        assert SESSION_ID_PATTERN.match(session_id), session_id
        assert normalise_session_id(session_id) == session_id
        assert normalise_session_id(session_id.lower().replace("-", " ")) == session_id


def test_new_session_id_uses_every_readable_character_and_no_other() -> None:
    counter: Iterator[int] = iter(range(10_000))

    def each_in_turn(n: int) -> int:
        return next(counter) % n

    ids = [new_session_id(each_in_turn) for _ in range(4)]

    assert set("".join(ids).replace("-", "")) == READABLE
    assert ids[0] == "0123-4567"


@pytest.mark.parametrize(
    ("contact", "kind"),
    [
        ("dana.levi@example.com", ContactKind.EMAIL),
        ("  priya+work@mail.example.co.uk ", ContactKind.EMAIL),
        ("+1 555 0100 200", ContactKind.SMS),
        ("+44 (20) 7946-0958", ContactKind.SMS),
        ("0555.010.0200", ContactKind.SMS),
        ("5550100", ContactKind.SMS),
    ],
)
def test_parse_contact_tells_email_from_phone(contact: str, kind: ContactKind) -> None:
    assert parse_contact(contact) == (kind, contact.strip())


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ("", "enter a phone number or an e-mail address"),
        ("   ", "enter a phone number or an e-mail address"),
        ("dana", "not a valid phone number"),
        ("555-010", "not a valid phone number"),
        ("+1 555 abc 0100", "not a valid phone number"),
        ("1234567890123456", "not a valid phone number"),
        ("dana@", "not a valid e-mail address"),
        ("@example.com", "not a valid e-mail address"),
        ("dana@example", "not a valid e-mail address"),
        ("dana levi@example.com", "not a valid e-mail address"),
        ("dana@@example.com", "not a valid e-mail address"),
    ],
)
def test_parse_contact_refuses_junk(contact: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_contact(contact)


@pytest.mark.parametrize(
    ("name", "message"), [("", "enter the customer's name"), ("x" * 121, "longer than 120")]
)
def test_validate_name_refuses(name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_name(name)


def test_build_session_gives_everyone_their_own_id_and_url(session: Session) -> None:
    assert session.session_id == "7QKM-92HX"
    assert [(p.name, p.role, p.access_id, p.url) for p in session.everyone] == [
        ("Dana Levi", Role.CUSTOMER, "7QKM-92HX", URL_BASE + "7QKM-92HX"),
        ("Omar Haddad", Role.PARTICIPANT, "7QKM-92HX-P1", URL_BASE + "7QKM-92HX-P1"),
        ("Grace Kim", Role.PARTICIPANT, "7QKM-92HX-P2", URL_BASE + "7QKM-92HX-P2"),
        ("Luis Ortega", Role.PARTICIPANT, "7QKM-92HX-P3", URL_BASE + "7QKM-92HX-P3"),
    ]
    assert session.customer.contact == "+1 555 0100 200"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("session_id", "7QKI-92HX", "not a Session ID"),
        ("customer_name", "  ", "enter the customer's name"),
        ("contact", "dana@", "not a valid e-mail address"),
    ],
)
def test_build_session_refuses_bad_input(field: str, value: str, message: str) -> None:
    given = {"session_id": "7QKM-92HX", "customer_name": "Dana Levi", "contact": "+1 555 0100 200"}
    with pytest.raises(ValidationError, match=message):
        build_session(**(given | {field: value}), url_base=URL_BASE, created_at=NOW)


@pytest.mark.parametrize("name", ["Grace Kim", "grace kim", "GRACE KIM", "  Grace Kim  "])
def test_find_is_case_insensitive(session: Session, name: str) -> None:
    assert session.find(name).access_id == "7QKM-92HX-P2"


def test_find_without_a_name_is_the_customer(session: Session) -> None:
    assert session.find(None) is session.customer


def test_find_of_an_unknown_name_says_who_and_where(session: Session) -> None:
    with pytest.raises(NotFoundError, match=r"'Grace Kimm'.*7QKM-92HX"):
        session.find("Grace Kimm")


@pytest.mark.parametrize(
    ("who", "action", "text"),
    [
        (None, CopyAction.ID, "7QKM-92HX"),
        (None, CopyAction.URL, "https://collab.example.com/join/7QKM-92HX"),
        (
            None,
            CopyAction.BOTH,
            "Hello Dana Levi, here is your link to join the session: "
            "https://collab.example.com/join/7QKM-92HX",
        ),
        ("Grace Kim", CopyAction.ID, "7QKM-92HX-P2"),
        ("Grace Kim", CopyAction.URL, "https://collab.example.com/join/7QKM-92HX-P2"),
        (
            "Grace Kim",
            CopyAction.BOTH,
            "Hello Grace Kim, here is your link to join the session: "
            "https://collab.example.com/join/7QKM-92HX-P2",
        ),
    ],
)
def test_clipboard_text_is_exact(
    session: Session, who: str | None, action: CopyAction, text: str
) -> None:
    assert COPY_ACTIONS[action].clipboard_text(session.find(who)) == text


@pytest.mark.parametrize("who", [None, "Grace Kim"])
def test_copy_both_is_a_ready_to_send_message_that_gives_the_id_once(
    session: Session, who: str | None
) -> None:
    person = session.find(who)

    text = COPY_ACTIONS[CopyAction.BOTH].clipboard_text(person)

    assert text.startswith(f"Hello {person.name}, ")
    assert text.endswith(person.url)
    assert text.count(person.access_id) == 1, "the link carries the ID; it is not repeated"
    assert "\n" not in text


@pytest.mark.parametrize("action", list(CopyAction))
@pytest.mark.parametrize("who", [None, "Grace Kim"])
def test_copied_message_names_the_person_and_host_but_never_shows_the_url(
    session: Session, who: str | None, action: CopyAction
) -> None:
    person: Participant = session.find(who)

    message = COPY_ACTIONS[action].confirmation(person)

    assert person.name in message
    assert person.url not in message
    assert "https://" not in message
    assert "/join/" not in message
    assert ("(collab.example.com)" in message) == COPY_ACTIONS[action].uses_url


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (CopyAction.ID, "Copied Session ID 7QKM-92HX-P2 for Grace Kim."),
        (CopyAction.URL, "Copied Session URL (collab.example.com) for Grace Kim."),
        (
            CopyAction.BOTH,
            "Copied Session ID 7QKM-92HX-P2 and Session URL (collab.example.com) for Grace Kim.",
        ),
    ],
)
def test_copied_message_is_exact(session: Session, action: CopyAction, message: str) -> None:
    assert COPY_ACTIONS[action].confirmation(session.find("Grace Kim")) == message
