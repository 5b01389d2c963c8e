"""Sessions, IDs, contacts, and the text a copy puts on the clipboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from collab_console.core.copy_actions import COPY_ACTIONS
from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.core.domain import (
    SESSION_ID_PATTERN,
    ContactKind,
    Participant,
    Role,
    Session,
    build_session,
    new_session_id,
    normalise_session_id,
    restore_session,
    validate_name,
)
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.policy import CopyAction

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
URL_BASE = "https://collab.example.com/join/"
READABLE = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


#: The document participants' own IDs in the fixture, as a store would hand them back.
OMAR, GRACE, LUIS = "M4RT-6WQA", "K9ZC-3HNP", "T2VB-8XJE"
#: A Session URL as ``core.links`` makes them: the base and a 24-character token.
TOKEN = "q8Xz-3_vLm0PaR7tYw2bNc5d"
LINK = URL_BASE + TOKEN


@pytest.fixture
def session() -> Session:
    return build_session(
        session_id="7qkm92hx",
        customer_name="  Dana   Levi ",
        contact=" +1 202 555 0100 ",
        created_at=NOW,
        participant_names=("Omar Haddad", "Grace Kim", "Luis Ortega"),
        participant_ids=(OMAR, GRACE.lower(), LUIS),
        agent=" Sam  Rivera ",
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
    ("name", "message"), [("", "enter the customer's name"), ("x" * 121, "longer than 120")]
)
def test_validate_name_refuses(name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_name(name)


def test_build_session_gives_everyone_their_own_id(session: Session) -> None:
    assert session.session_id == "7QKM-92HX"
    assert [(p.name, p.role, p.access_id) for p in session.everyone] == [
        ("Dana Levi", Role.CUSTOMER, "7QKM-92HX"),
        ("Omar Haddad", Role.PARTICIPANT, OMAR),
        ("Grace Kim", Role.PARTICIPANT, GRACE),
        ("Luis Ortega", Role.PARTICIPANT, LUIS),
    ]
    assert session.customer.contact == "+12025550100", "normalised to E.164"
    assert session.agent == "Sam Rivera"


def test_a_participant_holds_no_session_url() -> None:
    """A Session URL is a link made when it is copied or sent, not a property of a person."""
    assert "url" not in Participant.__record_fields__
    assert list(Participant.__record_fields__) == ["name", "role", "access_id", "contact"]


def random_session(session_id: str = "7QKM-92HX", people: int = 40) -> Session:
    return build_session(
        session_id=session_id,
        customer_name="Dana Levi",
        contact="+1 202 555 0100",
        created_at=NOW,
        participant_names=tuple(f"Person {n}" for n in range(1, people + 1)),
    )


def test_participant_ids_are_random_and_nothing_is_derived_from_the_session_id() -> None:
    """The old bypass: ``SID-P1``, ``SID-P2``... One ID no longer gives away another."""
    first, second = random_session(), random_session()
    ids = [p.access_id for p in first.participants]

    assert len(set(ids)) == len(ids), "every participant has an ID of their own"
    for own_id in ids:
        assert SESSION_ID_PATTERN.match(own_id), own_id
        assert own_id != "7QKM-92HX"
        assert len(own_id) == len("7QKM-92HX"), "no suffix on the session's ID"
        assert normalise_session_id(own_id) == own_id
    # the same session ID, the same names: other IDs, so they depend on nothing given
    assert set(ids).isdisjoint(p.access_id for p in second.participants)
    assert not any(f"7QKM-92HX-P{n}" in ids for n in range(1, 41))


def test_participant_ids_use_the_whole_alphabet() -> None:
    """40 random bits each: over 400 IDs every readable character turns up somewhere."""
    chars = {c for p in random_session(people=400).participants for c in p.access_id}

    assert chars - {"-"} == READABLE


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        pytest.param((OMAR,), "every participant needs an ID of their own", id="too-few"),
        pytest.param((OMAR, GRACE, LUIS, "W7QD-5MKR"), "an ID of their own", id="too-many"),
        pytest.param((OMAR, OMAR, LUIS), "have the same ID", id="twice"),
        pytest.param((OMAR, "7QKM-92HX", LUIS), "have the same ID", id="the-customer-s"),
        pytest.param((OMAR, "7QKM-92HX-P2", LUIS), "not a Session ID", id="old-style"),
        pytest.param((OMAR, "K9ZC-3HNI", LUIS), "not a Session ID", id="misreadable-char"),
    ],
)
def test_build_session_refuses_participant_ids_that_are_not_their_own(
    ids: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        build_session(
            session_id="7QKM-92HX",
            customer_name="Dana Levi",
            contact="+1 202 555 0100",
            created_at=NOW,
            participant_names=("Omar Haddad", "Grace Kim", "Luis Ortega"),
            participant_ids=ids,
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("session_id", "7QKI-92HX", "not a Session ID"),
        ("customer_name", "  ", "enter the customer's name"),
        ("contact", "dana@", "not a valid e-mail address"),
    ],
)
def test_build_session_refuses_bad_input(field: str, value: str, message: str) -> None:
    given = {"session_id": "7QKM-92HX", "customer_name": "Dana Levi", "contact": "+1 202 555 0100"}
    with pytest.raises(ValidationError, match=message):
        build_session(**(given | {field: value}), created_at=NOW)


@pytest.mark.parametrize("name", ["Grace Kim", "grace kim", "GRACE KIM", "  Grace Kim  "])
def test_find_is_case_insensitive(session: Session, name: str) -> None:
    assert session.find(name).access_id == GRACE


def test_find_without_a_name_is_the_customer(session: Session) -> None:
    assert session.find(None) is session.customer


def test_find_of_an_unknown_name_says_who_and_where(session: Session) -> None:
    with pytest.raises(NotFoundError, match=r"'Grace Kimm'.*7QKM-92HX"):
        session.find("Grace Kimm")


@pytest.mark.parametrize(
    ("who", "action", "text"),
    [
        (None, CopyAction.ID, "7QKM-92HX"),
        (None, CopyAction.URL, LINK),
        (
            None,
            CopyAction.BOTH,
            f"Hello Dana Levi, here is your link to join the session: {LINK}\n"
            f"If it does not open, go to {URL_BASE} and enter the Session ID 7QKM-92HX.",
        ),
        ("Grace Kim", CopyAction.ID, GRACE),
        ("Grace Kim", CopyAction.URL, LINK),
        (
            "Grace Kim",
            CopyAction.BOTH,
            f"Hello Grace Kim, here is your link to join the session: {LINK}\n"
            f"If it does not open, go to {URL_BASE} and enter the Session ID {GRACE}.",
        ),
    ],
)
def test_clipboard_text_is_exact(
    session: Session, who: str | None, action: CopyAction, text: str
) -> None:
    assert COPY_ACTIONS[action].clipboard_text(session.find(who), LINK, URL_BASE) == text


@pytest.mark.parametrize("who", [None, "Grace Kim"])
def test_copy_both_is_a_ready_to_send_message_that_gives_the_id_once(
    session: Session, who: str | None
) -> None:
    person = session.find(who)

    text = COPY_ACTIONS[CopyAction.BOTH].clipboard_text(person, LINK, URL_BASE)

    greeting, fallback = text.split("\n")
    assert greeting == f"Hello {person.name}, here is your link to join the session: {LINK}"
    assert text.count(LINK) == 1
    assert text.count(person.access_id) == 1, "the ID is given once, for the lobby"
    assert person.access_id not in LINK, "the link does not carry the ID any more"
    assert fallback.endswith(f"enter the Session ID {person.access_id}.")


@pytest.mark.parametrize("action", list(CopyAction))
@pytest.mark.parametrize("who", [None, "Grace Kim"])
def test_copied_message_names_the_person_and_host_but_never_shows_the_url(
    session: Session, who: str | None, action: CopyAction
) -> None:
    person: Participant = session.find(who)

    message = COPY_ACTIONS[action].confirmation(person, "collab.example.com")

    assert person.name in message
    assert LINK not in message
    assert TOKEN not in message
    assert "https://" not in message
    assert "/join/" not in message
    assert ("(collab.example.com)" in message) == COPY_ACTIONS[action].uses_url


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (CopyAction.ID, f"Copied Session ID {GRACE} for Grace Kim."),
        (CopyAction.URL, "Copied a new Session URL (collab.example.com) for Grace Kim."),
        (
            CopyAction.BOTH,
            f"Copied Session ID {GRACE} and a new Session URL (collab.example.com) for Grace Kim.",
        ),
    ],
)
def test_copied_message_is_exact(session: Session, action: CopyAction, message: str) -> None:
    assert COPY_ACTIONS[action].confirmation(session.find("Grace Kim"), "collab.example.com") == (
        message
    )


def restore(
    people: list[tuple[object, object, object]],
    agent: object = "Sam Rivera",
    deliveries: dict[str, Delivery] | None = None,
) -> Session:
    return restore_session(
        session_id="7QKM-92HX",
        state="active",
        created_at=NOW,
        ended_at=None,
        demo=0,
        agent=agent,
        people=people,
        deliveries=deliveries,
    )


#: As an older version stored it: as typed, a number phonenumbers does not call valid.
CUSTOMER_ROW = ("Dana Levi", "7QKM-92HX", "+1 555 0100 200")


def test_restore_session_takes_random_participant_ids_and_the_agent() -> None:
    restored = restore([CUSTOMER_ROW, ("Grace Kim", GRACE, ""), ("Omar Haddad", OMAR, "")])

    assert [p.access_id for p in restored.everyone] == ["7QKM-92HX", GRACE, OMAR]
    assert restored.agent == "Sam Rivera"


@pytest.mark.parametrize(
    ("people", "agent", "message"),
    [
        pytest.param(
            [CUSTOMER_ROW, ("Grace Kim", "7QKM-92HX-P1", "")],
            "Sam Rivera",
            "malformed own ID",
            id="old-style-id",
        ),
        pytest.param(
            [CUSTOMER_ROW, ("Grace Kim", GRACE.lower(), "")],
            "Sam Rivera",
            "malformed own ID",
            id="not-stored-form",
        ),
        pytest.param(
            [CUSTOMER_ROW, ("Grace Kim", None, "")], "Sam Rivera", "malformed own ID", id="none"
        ),
        pytest.param(
            [CUSTOMER_ROW, ("Grace Kim", GRACE, ""), ("Omar Haddad", GRACE, "")],
            "Sam Rivera",
            "have the same ID",
            id="twice",
        ),
        pytest.param(
            [CUSTOMER_ROW, ("Grace Kim", "7QKM-92HX", "")],
            "Sam Rivera",
            "have the same ID",
            id="the-customer-s",
        ),
        pytest.param(
            [("Dana Levi", GRACE, "+1 555 0100 200")], "Sam Rivera", "wrong own ID", id="customer"
        ),
        pytest.param([CUSTOMER_ROW], 7, "agent is not text", id="agent-not-text"),
        pytest.param([CUSTOMER_ROW], "Sam\x00Rivera", "agent", id="agent-control-char"),
    ],
)
def test_restore_session_trusts_no_stored_id(
    people: list[tuple[object, object, object]], agent: object, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        restore(people, agent)


# -- invitations: each person's newest one -------------------------------------------------


def invitation(access_id: str, state: DeliveryState, *, session_id: str = "7QKM-92HX") -> Delivery:
    return Delivery(
        invitation_id="I-7QKM0001",
        session_id=session_id,
        access_id=access_id,
        channel=ContactKind.SMS,
        recipient="+12025550100",
        state=state,
        queued_at=NOW,
        updated_at=NOW,
        queued_by="Sam Rivera",
        attempts=1,
        reason="the SMS gateway answered 403" if state is DeliveryState.FAILED else "",
    )


def test_a_session_shows_each_person_s_invitation_and_the_customer_s_in_its_summary(
    session: Session,
) -> None:
    failed = invitation(session.session_id, DeliveryState.FAILED)
    sent = invitation(GRACE, DeliveryState.SENT)
    invited = session.replace(deliveries={failed.access_id: failed, GRACE: sent})

    assert invited.invite == failed
    assert invited.delivery_of(invited.find("Grace Kim")) == sent
    assert invited.delivery_of(invited.find("Omar Haddad")) is None, "never invited"
    assert invited.summary().invite == failed
    assert session.invite is None
    assert session.summary().invite is None


def test_restore_session_keeps_the_invitations_of_its_people() -> None:
    delivered = invitation(GRACE, DeliveryState.DELIVERED)

    restored = restore([CUSTOMER_ROW, ("Grace Kim", GRACE, "")], deliveries={GRACE: delivered})

    assert restored.delivery_of(restored.find("Grace Kim")) == delivered
    assert restored.invite is None


@pytest.mark.parametrize(
    "deliveries",
    [
        pytest.param({OMAR: invitation(OMAR, DeliveryState.SENT)}, id="someone-not-in-it"),
        pytest.param({GRACE: invitation(OMAR, DeliveryState.SENT)}, id="filed-under-another"),
        pytest.param(
            {GRACE: invitation(GRACE, DeliveryState.SENT, session_id="ZZZZ-ZZZZ")},
            id="another-session-s",
        ),
    ],
)
def test_restore_session_refuses_an_invitation_of_someone_not_in_it(
    deliveries: dict[str, Delivery],
) -> None:
    with pytest.raises(ValidationError, match="names someone not in it"):
        restore([CUSTOMER_ROW, ("Grace Kim", GRACE, "")], deliveries=deliveries)
