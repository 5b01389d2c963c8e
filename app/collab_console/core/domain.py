"""Sessions and the people in them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum

from collab_console.core import randomness
from collab_console.core import text as text_rules
from collab_console.core.errors import NotFoundError, ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record, field

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from collab_console.core.delivery import Delivery

# Crockford's base-32 without I, L, O, U: nothing an agent can misread over the phone.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SESSION_ID_PATTERN = text_rules.SESSION_ID_PATTERN
MAX_NAME_LENGTH = 120

#: The shape a contact read back from a store must have: looser than ``parse_contact``, so a
#: store written by an older version (no normalisation, national numbers) stays readable.
_STORED_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_STORED_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,22}$")
#: What a typed phone number may hold besides digits; phonenumbers would read letters as
#: a keypad's digits (1-800-FLOWERS), which an agent typing a customer's number never means.
_PHONE_CHARS = frozenset("0123456789+ ()-./")
#: Longer than any phone number or e-mail address anyone types; longer input is not echoed whole.
_SHOWN_LENGTH = 40
PHONE_EXAMPLE = "+44 20 7946 0958"


class SessionState(Enum):
    ACTIVE = "active"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """In the current language."""
        return _({SessionState.ACTIVE: N_("Active"), SessionState.ENDED: N_("Ended")}[self])


class ContactKind(Enum):
    SMS = "sms"
    EMAIL = "email"


class Role(Enum):
    CUSTOMER = "customer"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        """In the current language."""
        labels = {Role.CUSTOMER: N_("Customer"), Role.PARTICIPANT: N_("Document participant")}
        return _(labels[self])


class Participant(Record):
    """Someone invited to a session: the customer or a document participant.

    ``access_id`` is this person's own Session ID: the customer's is the
    session's, every other person's is drawn at random, so no ID can be worked
    out from another. It admits nobody alone (the join service's lobby asks
    the agent). A Session URL is not a property of a person: each one is a
    link made when it is copied or sent (``core.links``).
    """

    name: str
    role: Role
    access_id: str
    contact: str = ""


class SessionSummary(Record):
    """One line of the agent's session list; no participants loaded."""

    session_id: str
    customer_name: str
    state: SessionState
    #: The customer's newest invitation (``core.delivery``), None when never invited.
    invite: Delivery | None
    created_at: datetime
    #: Made by ``--demo``, not by an agent.
    demo: bool = False


class Session(Record):
    """A collaboration session with its customer and document participants."""

    session_id: str
    state: SessionState
    customer: Participant
    participants: tuple[Participant, ...]
    created_at: datetime
    ended_at: datetime | None = None
    demo: bool = False
    #: Who started the session: the join service tells the person joining whose session it is.
    agent: str = ""
    #: Each invited person's newest invitation, by their own ID (``core.delivery``).
    deliveries: Mapping[str, Delivery] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.state is SessionState.ACTIVE

    @property
    def everyone(self) -> tuple[Participant, ...]:
        return (self.customer, *self.participants)

    @property
    def invite(self) -> Delivery | None:
        """The customer's newest invitation, None when never invited."""
        return self.deliveries.get(self.customer.access_id)

    def delivery_of(self, person: Participant) -> Delivery | None:
        """``person``'s newest invitation, None when never invited."""
        return self.deliveries.get(person.access_id)

    def find(self, name: str | None) -> Participant:
        """The customer when ``name`` is None, else the person of that name (any case)."""
        if name is None:
            return self.customer
        wanted = name.strip().casefold()
        for person in self.everyone:
            if person.name.casefold() == wanted:
                return person
        from collab_console.core.links import is_token

        # A name is echoed unless it may be a pasted token (a link's secret).
        if is_token(name.strip()):
            message = _("no participant by that name in session {session_id}")
        else:
            message = _("no participant named {name} in session {session_id}")
        raise NotFoundError(message.format(name=repr(name), session_id=isolate(self.session_id)))

    def summary(self) -> SessionSummary:
        return SessionSummary(
            self.session_id,
            self.customer.name,
            self.state,
            self.invite,
            self.created_at,
            self.demo,
        )


def new_session_id(randbelow: Callable[[int], int] | None = None) -> str:
    """A fresh Session ID like ``7QKM-92HX`` (40 random bits), also a participant's own ID.

    40 bits are plenty for what an ID can do: it opens nothing, and the join
    service's lobby takes a few requests per address and per ID at most.
    """
    if randbelow is None:
        randbelow = randomness.randbelow
    chars = [_ID_ALPHABET[randbelow(len(_ID_ALPHABET))] for _ in range(8)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def normalise_session_id(text: str) -> str:
    """Accept what an agent types (any case, spaces, missing dash; ASCII only) or raise."""
    return text_rules.normalise_session_id(text)


def validate_name(name: object) -> str:
    """A person's name, whitespace collapsed; refuses empty, invisible or control text."""
    return text_rules.clean_name(name, what=_("the customer's name"), max_length=MAX_NAME_LENGTH)


def parse_contact(contact: str) -> tuple[ContactKind, str]:
    """Tell an e-mail address from a phone number and normalise it, or say what is wrong.

    A phone number needs its country code (there is no default region) and must
    be one ``phonenumbers`` calls valid; it comes back in E.164 (``+442079460958``).
    An e-mail address is checked by ``email_validator`` without DNS and comes back
    as it normalises it (lowercase domain, internationalised domains in Unicode).
    For new input only: values read back from a store go through
    :func:`check_stored_contact`.
    """
    text = contact.strip()
    if not text:
        raise ValidationError(_("enter a phone number or an e-mail address"))
    if "@" in text:
        return ContactKind.EMAIL, _normalise_email(text)
    return ContactKind.SMS, _normalise_phone(text)


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut when long, kept left to right in a right-to-left one."""
    if len(text) > _SHOWN_LENGTH:
        return isolate(repr(text[: _SHOWN_LENGTH - 1] + "…"))
    return isolate(repr(text))


def _normalise_phone(text: str) -> str:
    # Imported here: phonenumbers loads its metadata on import, which start-up never needs.
    import phonenumbers

    digits = sum(ch.isdigit() for ch in text)
    if not set(text) <= _PHONE_CHARS or not digits or len(text) > _SHOWN_LENGTH:
        raise ValidationError(_("{text} is not a valid phone number").format(text=_shown(text)))
    if not text.startswith("+"):
        raise ValidationError(
            _("write the phone number with its country code, like {example}").format(
                example=isolate(PHONE_EXAMPLE)
            )
        )
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("{text} is not a valid phone number").format(text=_shown(text))
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("{text} is not a valid phone number: check its country code and digits").format(
                text=_shown(text)
            )
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _normalise_email(text: str) -> str:
    # Imported here: email_validator pulls in idna and dnspython, which start-up never needs.
    from email_validator import EmailNotValidError, validate_email

    if any(ch.isspace() for ch in text) or "<" in text or ">" in text:
        raise ValidationError(
            _(
                "{text} is not a valid e-mail address: enter the address alone,"
                " without a name or spaces"
            ).format(text=_shown(text))
        )
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        # The library's own words name RFC details (quoted strings, @-sign parts): not ours.
        raise ValidationError(
            _("{text} is not a valid e-mail address").format(text=_shown(text))
        ) from None
    return str(checked.normalized)


def check_stored_contact(contact: str) -> str:
    """A contact read back from a store: the shape any version wrote, not today's rule.

    Older versions kept contacts as typed ("+44 20 7946 0958", national numbers),
    so read-back checks only the shape (no control characters, no junk) and keeps
    the value as stored. Raises ValidationError for anything else, without echoing it.
    """
    text = contact.strip()
    if "@" in text:
        if not _STORED_EMAIL.match(text):
            raise ValidationError("a stored contact is not an e-mail address")
        return contact
    digits = sum(ch.isdigit() for ch in text)
    if not _STORED_PHONE.match(text) or not 7 <= digits <= 15:
        raise ValidationError("a stored contact is not a phone number")
    return contact


def build_session(
    *,
    session_id: str,
    customer_name: str,
    contact: str,
    created_at: datetime,
    participant_names: tuple[str, ...] = (),
    participant_contacts: tuple[str, ...] = (),
    participant_ids: tuple[str, ...] | None = None,
    state: SessionState = SessionState.ACTIVE,
    deliveries: Mapping[str, Delivery] | None = None,
    ended_at: datetime | None = None,
    demo: bool = False,
    agent: str = "",
) -> Session:
    """Assemble a valid session. The customer's own ID is ``session_id``; each document
    participant gets ``participant_ids`` in order, or a fresh random ID."""
    session_id = normalise_session_id(session_id)
    customer = Participant(
        name=validate_name(customer_name),
        role=Role.CUSTOMER,
        access_id=session_id,
        contact=parse_contact(contact)[1],
    )
    if len(participant_contacts) > len(participant_names):
        raise ValidationError("there are more participant contacts than participants")
    contacts = tuple(
        parse_contact(contact)[1] if contact.strip() else "" for contact in participant_contacts
    ) + ("",) * (len(participant_names) - len(participant_contacts))
    if participant_ids is None:
        participant_ids = _fresh_ids(len(participant_names), taken={session_id})
    elif len(participant_ids) != len(participant_names):
        raise ValidationError("every participant needs an ID of their own")
    ids = tuple(normalise_session_id(own_id) for own_id in participant_ids)
    if len({session_id, *ids}) != len(ids) + 1:
        raise ValidationError(f"two people of session {session_id} have the same ID")
    participants = tuple(
        Participant(
            name=validate_name(name),
            role=Role.PARTICIPANT,
            access_id=own_id,
            contact=contact,
        )
        for name, own_id, contact in zip(participant_names, ids, contacts, strict=True)
    )
    return Session(
        session_id=session_id,
        state=state,
        deliveries=dict(deliveries or {}),
        customer=customer,
        participants=participants,
        created_at=created_at,
        ended_at=ended_at,
        demo=demo,
        agent=_agent_name(agent),
    )


def _fresh_ids(count: int, *, taken: set[str]) -> tuple[str, ...]:
    ids: list[str] = []
    while len(ids) < count:
        own_id = new_session_id()
        if own_id not in taken:
            taken.add(own_id)
            ids.append(own_id)
    return tuple(ids)


def _agent_name(agent: object) -> str:
    if agent == "":
        return ""
    return text_rules.clean_name(agent, what="the agent's name", max_length=200)


def restore_session(
    *,
    session_id: object,
    state: object,
    created_at: datetime,
    ended_at: datetime | None,
    demo: object,
    agent: object,
    people: list[tuple[object, object, object]],
    deliveries: Mapping[str, Delivery] | None = None,
) -> Session:
    """Rebuild a session read back from a store, trusting none of it.

    ``people`` holds (name, access_id, contact) in position order, the
    customer first. Every value goes through the validators that new input
    goes through, except contacts: they get the looser shape check of
    :func:`check_stored_contact`, so contacts an older version kept as typed
    stay readable. Raises ValidationError on the first value that fails.
    """
    sid = normalise_session_id(_text(session_id, "Session ID"))
    if sid != session_id:
        raise ValidationError(f"the Session ID {session_id!r} is not in its stored form")
    try:
        session_state = SessionState(state)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if (session_state is SessionState.ENDED) != (ended_at is not None):
        raise ValidationError(f"session {sid} is {session_state.value} with ended_at {ended_at}")
    if demo not in (0, 1):
        raise ValidationError(f"session {sid} has an unknown demo mark")
    if not people:
        raise ValidationError(f"session {sid} has no customer")
    name, access_id, contact = people[0]
    if access_id != sid:
        raise ValidationError(f"the customer of session {sid} has a wrong own ID")
    customer_contact = check_stored_contact(_text(contact, "contact"))
    everyone = [Participant(validate_name(name), Role.CUSTOMER, sid, customer_contact)]
    seen = {sid}
    # The loop below runs once per document participant (10 000 in a large session):
    # each value is compared with the one it must be, or validated, once.
    for name, access_id, contact in people[1:]:
        if type(access_id) is not str or not text_rules.is_session_id(access_id):
            raise ValidationError(f"a participant of session {sid} has a malformed own ID")
        if access_id in seen:
            raise ValidationError(f"two people of session {sid} have the same ID")
        seen.add(access_id)
        own_contact = _text(contact, "contact")
        if own_contact:  # optional for a document participant; checked when there is one
            check_stored_contact(own_contact)
        everyone.append(Participant(validate_name(name), Role.PARTICIPANT, access_id, own_contact))
    return Session(
        session_id=sid,
        state=session_state,
        deliveries=_deliveries_of(sid, seen, deliveries or {}),
        customer=everyone[0],
        participants=tuple(everyone[1:]),
        created_at=created_at,
        ended_at=ended_at,
        demo=bool(demo),
        agent=_agent_name(_text(agent, "agent")),
    )


def _deliveries_of(
    sid: str, people: set[str], deliveries: Mapping[str, Delivery]
) -> dict[str, Delivery]:
    """``deliveries`` when each is the invitation of a person of session ``sid``."""
    for access_id, delivery in deliveries.items():
        if access_id not in people or delivery.access_id != access_id or delivery.session_id != sid:
            raise ValidationError(f"an invitation of session {sid} names someone not in it")
    return dict(deliveries)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"the stored {what} is not text")
    return value
