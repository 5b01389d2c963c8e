"""The checks of values read back from a store, shared by its backends.

Every backend checks what it reads back with these; a bad value raises
:class:`StoreValueError`, which the backend turns into StoreDamagedError with
what it was doing. (A browser's cookie hash and address are checked with the
same rule on the way in, where a bad one is the caller's ValidationError.)
Where the backends differ on purpose they keep their own check: SQLite hands
times back as ISO text and flags as 0 or 1, PostgreSQL as ``datetime`` and
``bool``.

Imported by every command that opens a store (``settings show`` included), so it
imports nothing at module level that the SQLite store does not already need.
"""

from __future__ import annotations

from datetime import UTC, datetime

from collab_console.core.errors import ValidationError
from collab_console.core.i18n import _, isolate
from collab_console.core.settings import SETTING_SPECS, SPECS_BY_KEY

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Container

    from collab_console.core.delivery import Delivery
    from collab_console.core.settings import SettingSpec


class StoreValueError(ValueError):
    """A value read back that the app cannot trust; becomes StoreDamagedError."""


class Doing(str):
    """What a store was doing, for its "Could not …" messages: the English words, which a
    backend may read (who may do it), and :attr:`shown`, the same in the reader's language."""

    shown: str


def doing(text: str, **fields: object) -> Doing:
    """``text`` (marked with ``N_``) with ``fields``, in English and, as ``shown``, translated.

    Fields are put in as given: the caller isolates the values that read left to right.
    """
    made = Doing(text.format(**fields))
    made.shown = _(text).format(**fields)
    return made


def shown_doing(what: str) -> str:
    """What a store was doing, in the reader's language (``what`` marked with ``N_``, or a
    :class:`Doing`)."""
    return what.shown if isinstance(what, Doing) else _(what)


# -- browsers (checked on the way in too) -----------------------------------------------------


def is_hex64(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(ch in "0123456789abcdef" for ch in value)
    )


def cookie_hash(value: object) -> str:
    if not is_hex64(value):
        raise ValidationError(
            _("a browser is known by the SHA-256 of its cookie, in lower-case hex")
        )
    return str(value)


def visitor_address(value: object) -> str:
    """Where a request came from, as the join service saw it: printable ASCII, no spaces."""
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= 100
        or not value.isascii()
        or not value.isprintable()
        or " " in value
    ):
        raise ValidationError(_("the address of a browser is 1 to 100 printable characters"))
    return value


def join_request_input(
    typed_id: str, name: str, browser: str, address: str
) -> tuple[str, str, str, str | None]:
    """A request to join as the join service hands it to any store: (the name given, the
    browser's cookie hash, its address, the Session ID typed, or None when what was typed
    is no Session ID; the store then refuses it as unknown, as it would a wrong one)."""
    from collab_console.core.domain import normalise_session_id
    from collab_console.core.lobby import MAX_NAME_LENGTH
    from collab_console.core.text import clean_name

    given = clean_name(name, what=_("your name"), max_length=MAX_NAME_LENGTH)
    cookie, where = cookie_hash(browser), visitor_address(address)
    try:
        wanted: str | None = normalise_session_id(typed_id)
    except ValidationError:
        wanted = None
    return given, cookie, where, wanted


# -- names and IDs ----------------------------------------------------------------------------


def stored_own_id(value: object) -> str:
    from collab_console.core.domain import SESSION_ID_PATTERN

    if not isinstance(value, str) or not SESSION_ID_PATTERN.fullmatch(value):
        raise StoreValueError(_("a person's own ID is malformed"))
    return value


def stored_request_id(value: object) -> str:
    from collab_console.core.lobby import REQUEST_ID_PATTERN

    if not isinstance(value, str) or not REQUEST_ID_PATTERN.fullmatch(value):
        raise StoreValueError(_("a request's name is malformed"))
    return value


def stored_text(value: object, what: str, max_length: int) -> str:
    """A name as stored: exactly what ``clean_name`` makes of it, or StoreValueError."""
    from collab_console.core.text import clean_name

    cleaned = clean_name(value, what=what, max_length=max_length)
    if cleaned != value:
        raise StoreValueError(_("{what} is not in its stored form").format(what=what))
    return cleaned


def stored_person_name(value: object) -> str:
    from collab_console.core.domain import MAX_NAME_LENGTH

    return stored_text(value, _("a person's name"), MAX_NAME_LENGTH)


def stored_agent_name(value: object) -> str:
    return stored_text(value, _("the agent's name"), 200)


# -- times ------------------------------------------------------------------------------------


def zoned_datetime(value: object, what: str) -> datetime:
    """A time PostgreSQL hands back (``timestamptz``: a ``datetime`` with its zone), in UTC.

    SQLite's times are text; ``sqlite.py`` parses those itself.
    """
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise StoreValueError(_("{what} is not a time with its zone").format(what=what))
    return value.astimezone(UTC)


# -- settings ---------------------------------------------------------------------------------


def settings_head(policy: tuple[object, ...] | None) -> tuple[int, object, object]:
    """(version, updated_by, updated_at) of the settings row; the version checked."""
    if policy is None:
        raise StoreValueError(_("there is no settings row"))
    version, updated_by, updated_at = policy
    if not isinstance(version, int) or version < 1:
        raise StoreValueError(_("the settings version is not a positive number"))
    return version, updated_by, updated_at


def declared_spec(key: object, kind: object, sensitive: object) -> SettingSpec:
    """The declaration of a stored setting, which must be stored as declared.

    ``sensitive`` is compared by identity: a backend passes a ``bool`` (SQLite's
    0 or 1 made one first).
    """
    spec = SPECS_BY_KEY.get(key) if isinstance(key, str) else None
    if spec is None:
        raise StoreValueError(_("unknown setting {key}").format(key=isolate(repr(str(key)[:40]))))
    if kind != spec.kind.value or sensitive is not spec.sensitive:
        raise StoreValueError(
            _("{setting} is not stored as declared").format(setting=_(spec.label))
        )
    return spec


def require_every_setting(keys: Container[str]) -> None:
    """StoreValueError naming the first declared setting not among ``keys``."""
    missing = [spec.label for spec in SETTING_SPECS if spec.key not in keys]
    if missing:
        raise StoreValueError(_("there is no value for {setting}").format(setting=_(missing[0])))


# -- invitations ------------------------------------------------------------------------------


def stored_delivery(
    *,
    invitation_id: object,
    session_id: object,
    access_id: object,
    channel: object,
    recipient: object,
    state: object,
    queued_at: datetime,
    updated_at: datetime,
    queued_by: object,
    resend: bool,
    attempts: object,
    reason: object,
    next_attempt_at: datetime | None,
    gateway_id: object,
    link_id: object,
) -> Delivery:
    """An invitation read back, every value checked; times already parsed by the backend
    (SQLite's text, PostgreSQL's ``timestamptz``), the flag already a bool."""
    from collab_console.core.delivery import (
        INVITATION_ID_PATTERN,
        MAX_REASON_LENGTH,
        Delivery,
        DeliveryState,
    )
    from collab_console.core.domain import ContactKind, check_stored_contact
    from collab_console.core.links import LINK_ID_PATTERN

    if not isinstance(invitation_id, str) or not INVITATION_ID_PATTERN.fullmatch(invitation_id):
        raise StoreValueError(_("an invitation's name is malformed"))
    shown = isolate(invitation_id)
    if not isinstance(state, str):
        raise StoreValueError(_("invitation {id} has an unknown state").format(id=shown))
    try:
        kind = ContactKind(channel)
        delivery_state = DeliveryState(state)
        contact = check_stored_contact(recipient) if isinstance(recipient, str) else None
    except (ValueError, ValidationError):
        raise StoreValueError(
            _("invitation {id} has an unknown channel, state or recipient").format(id=shown)
        ) from None
    if contact is None or (kind is ContactKind.EMAIL) != ("@" in contact):
        raise StoreValueError(
            _("invitation {id} goes to a recipient of another channel").format(id=shown)
        )
    if type(attempts) is not int or attempts < 0:
        raise StoreValueError(_("invitation {id} has a bad count of attempts").format(id=shown))
    if not isinstance(reason, str) or len(reason) > MAX_REASON_LENGTH or not reason.isprintable():
        raise StoreValueError(_("invitation {id} has a malformed reason").format(id=shown))
    if not isinstance(gateway_id, str) or len(gateway_id) > 200 or not gateway_id.isprintable():
        raise StoreValueError(_("invitation {id} has a malformed gateway ID").format(id=shown))
    if not isinstance(link_id, str) or (link_id and not LINK_ID_PATTERN.fullmatch(link_id)):
        raise StoreValueError(_("invitation {id} names a malformed link").format(id=shown))
    if (delivery_state is DeliveryState.FAILED) != bool(reason) and not (
        delivery_state is DeliveryState.QUEUED and attempts
    ):
        raise StoreValueError(
            _("invitation {id} is {state} with no reason").format(
                id=shown, state=isolate(str(delivery_state))
            )
        )
    if (next_attempt_at is None) == (delivery_state is DeliveryState.QUEUED):
        raise StoreValueError(
            _("invitation {id} is {state} with a wrong next try").format(
                id=shown, state=isolate(str(delivery_state))
            )
        )
    if updated_at < queued_at:
        raise StoreValueError(_("invitation {id} changed before it was queued").format(id=shown))
    return Delivery(
        invitation_id=invitation_id,
        session_id=stored_own_id(session_id),
        access_id=stored_own_id(access_id),
        channel=kind,
        recipient=contact,
        state=delivery_state,
        queued_at=queued_at,
        updated_at=updated_at,
        queued_by=stored_agent_name(queued_by),
        resend=resend,
        attempts=attempts,
        reason=reason,
        next_attempt_at=next_attempt_at,
        gateway_id=gateway_id,
        link_id=link_id,
    )


def attempt_ids(gateway_id: object, link_id: object) -> tuple[str, str]:
    """What a sender reports of a try (the gateway's message ID, the link's name), checked
    on the way in: one printable line of at most 200, and a link name or nothing."""
    from collab_console.core.links import LINK_ID_PATTERN

    if not isinstance(gateway_id, str) or len(gateway_id) > 200 or not gateway_id.isprintable():
        raise ValidationError(_("a gateway's message ID is at most 200 printable characters"))
    if not isinstance(link_id, str) or (link_id and not LINK_ID_PATTERN.fullmatch(link_id)):
        raise ValidationError(
            _("an invitation's link is named like {example}").format(example=isolate("L-7QKM92HX"))
        )
    return gateway_id, link_id
