"""Sessions and the people in them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum

from collab_console.core import text as text_rules
from collab_console.core import urls
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.records import Record

# Crockford's base-32 without I, L, O, U: nothing an agent can misread over the phone.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SESSION_ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
MAX_NAME_LENGTH = 120

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,22}$")


class SessionState(Enum):
    ACTIVE = "active"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {SessionState.ACTIVE: "Active", SessionState.ENDED: "Ended"}[self]


class ContactKind(Enum):
    SMS = "sms"
    EMAIL = "email"


class InviteStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    SMS_BLOCKED = "sms_blocked"
    EMAIL_BOUNCED = "email_bounced"

    @property
    def label(self) -> str:
        return _INVITE_LABELS[self]

    @property
    def failed(self) -> bool:
        return self in (InviteStatus.SMS_BLOCKED, InviteStatus.EMAIL_BOUNCED)


_INVITE_LABELS = {
    InviteStatus.PENDING: "Invite pending",
    InviteStatus.DELIVERED: "Invite delivered",
    InviteStatus.SMS_BLOCKED: "Invite failed: SMS blocked",
    InviteStatus.EMAIL_BOUNCED: "Invite failed: e-mail bounced",
}


class Role(Enum):
    CUSTOMER = "customer"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return {Role.CUSTOMER: "Customer", Role.PARTICIPANT: "Document participant"}[self]


class Participant(Record):
    """Someone invited to a session: the customer or a document participant.

    ``access_id`` and ``url`` are this person's own Session ID and Session URL.
    """

    name: str
    role: Role
    access_id: str
    url: str
    contact: str = ""


class SessionSummary(Record):
    """One line of the agent's session list; no participants loaded."""

    session_id: str
    customer_name: str
    state: SessionState
    invite_status: InviteStatus
    created_at: datetime
    #: Made by ``--demo``, not by an agent.
    demo: bool = False


class Session(Record):
    """A collaboration session with its customer and document participants."""

    session_id: str
    state: SessionState
    invite_status: InviteStatus
    customer: Participant
    participants: tuple[Participant, ...]
    created_at: datetime
    ended_at: datetime | None = None
    demo: bool = False

    @property
    def is_active(self) -> bool:
        return self.state is SessionState.ACTIVE

    @property
    def everyone(self) -> tuple[Participant, ...]:
        return (self.customer, *self.participants)

    def find(self, name: str | None) -> Participant:
        """The customer when ``name`` is None, else the person of that name (any case)."""
        if name is None:
            return self.customer
        wanted = name.strip().casefold()
        for person in self.everyone:
            if person.name.casefold() == wanted:
                return person
        raise NotFoundError(f"no participant named {name!r} in session {self.session_id}")

    def summary(self) -> SessionSummary:
        return SessionSummary(
            self.session_id,
            self.customer.name,
            self.state,
            self.invite_status,
            self.created_at,
            self.demo,
        )


def new_session_id(randbelow: Callable[[int], int] | None = None) -> str:
    """A fresh Session ID like ``7QKM-92HX`` (40 random bits)."""
    if randbelow is None:
        import secrets  # only new sessions need it; keeps hashlib off the start-up path

        randbelow = secrets.randbelow
    chars = [_ID_ALPHABET[randbelow(len(_ID_ALPHABET))] for _ in range(8)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def normalise_session_id(text: str) -> str:
    """Accept what an agent types (any case, spaces, missing dash; ASCII only) or raise."""
    return text_rules.normalise_session_id(text)


def participant_access_id(session_id: str, position: int) -> str:
    """The own ID of the document participant at ``position`` (1-based)."""
    return f"{session_id}-P{position}"


def join_url(url_base: str, access_id: str) -> str:
    return urls.join_url(url_base, access_id)


def validate_name(name: object) -> str:
    """A person's name, whitespace collapsed; refuses empty, invisible or control text."""
    return text_rules.clean_name(name, what="the customer's name", max_length=MAX_NAME_LENGTH)


def parse_contact(contact: str) -> tuple[ContactKind, str]:
    """Tell an e-mail address from a phone number, or say what is wrong."""
    text = contact.strip()
    if not text:
        raise ValidationError("enter a phone number or an e-mail address")
    if "@" in text:
        if not _EMAIL.match(text):
            raise ValidationError(f"{text!r} is not a valid e-mail address")
        return ContactKind.EMAIL, text
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 7 <= digits <= 15:
        raise ValidationError(f"{text!r} is not a valid phone number")
    return ContactKind.SMS, text


def build_session(
    *,
    session_id: str,
    customer_name: str,
    contact: str,
    url_base: str,
    created_at: datetime,
    participant_names: tuple[str, ...] = (),
    participant_contacts: tuple[str, ...] = (),
    state: SessionState = SessionState.ACTIVE,
    invite_status: InviteStatus = InviteStatus.PENDING,
    ended_at: datetime | None = None,
    demo: bool = False,
) -> Session:
    """Assemble a valid session: IDs and URLs of everyone derive from ``session_id``."""
    session_id = normalise_session_id(session_id)
    parse_contact(contact)
    customer = Participant(
        name=validate_name(customer_name),
        role=Role.CUSTOMER,
        access_id=session_id,
        url=join_url(url_base, session_id),
        contact=contact.strip(),
    )
    if len(participant_contacts) > len(participant_names):
        raise ValidationError("there are more participant contacts than participants")
    contacts = participant_contacts + ("",) * (len(participant_names) - len(participant_contacts))
    for contact in contacts:
        if contact:
            parse_contact(contact)
    participants = tuple(
        Participant(
            name=validate_name(name),
            role=Role.PARTICIPANT,
            access_id=participant_access_id(session_id, position),
            url=join_url(url_base, participant_access_id(session_id, position)),
            contact=contact.strip(),
        )
        for position, (name, contact) in enumerate(zip(participant_names, contacts, strict=True), 1)
    )
    return Session(
        session_id=session_id,
        state=state,
        invite_status=invite_status,
        customer=customer,
        participants=participants,
        created_at=created_at,
        ended_at=ended_at,
        demo=demo,
    )


def restore_session(
    *,
    session_id: object,
    state: object,
    invite_status: object,
    created_at: datetime,
    ended_at: datetime | None,
    demo: object,
    people: list[tuple[object, object, object, object]],
) -> Session:
    """Rebuild a session read back from a store, trusting none of it.

    ``people`` holds (name, access_id, url, contact) in position order, the
    customer first. Every value goes through the validators that new input
    goes through; the Session URL is checked later, when a copy is asked for
    (:func:`core.urls.join_url_problem`). Raises ValidationError on the first
    value that fails.
    """
    sid = normalise_session_id(_text(session_id, "Session ID"))
    if sid != session_id:
        raise ValidationError(f"the Session ID {session_id!r} is not in its stored form")
    try:
        session_state = SessionState(state)
        invite = InviteStatus(invite_status)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if (session_state is SessionState.ENDED) != (ended_at is not None):
        raise ValidationError(f"session {sid} is {session_state.value} with ended_at {ended_at}")
    if demo not in (0, 1):
        raise ValidationError(f"session {sid} has an unknown demo mark")
    if not people:
        raise ValidationError(f"session {sid} has no customer")
    name, access_id, url, contact = people[0]
    if access_id != sid:
        raise ValidationError(f"the customer of session {sid} has a wrong own ID")
    customer_contact = _text(contact, "contact")
    parse_contact(customer_contact)
    everyone = [
        Participant(validate_name(name), Role.CUSTOMER, sid, _text(url, "URL"), customer_contact)
    ]
    # The loop below runs once per document participant (10 000 in a large session):
    # each value is compared with the one it must be, or validated, once.
    for position, (name, access_id, url, contact) in enumerate(people[1:], start=1):
        if access_id != f"{sid}-P{position}":
            raise ValidationError(f"a participant of session {sid} has a wrong own ID")
        own_contact = _text(contact, "contact")
        if own_contact:  # optional for a document participant; checked when there is one
            parse_contact(own_contact)
        if type(url) is not str:
            raise ValidationError("the stored Session URL is not text")
        everyone.append(
            Participant(validate_name(name), Role.PARTICIPANT, access_id, url, own_contact)
        )
    return Session(
        session_id=sid,
        state=session_state,
        invite_status=invite,
        customer=everyone[0],
        participants=tuple(everyone[1:]),
        created_at=created_at,
        ended_at=ended_at,
        demo=bool(demo),
    )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"the stored {what} is not text")
    return value
