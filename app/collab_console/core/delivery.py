"""Where each person's invitation stands: queued, sent, delivered or failed.

An invitation is a row of the store's outbox, queued in the same transaction
that starts the session or adds the person (so a crash or a quit loses none),
then sent by :mod:`collab_console.invitations.sender` on a worker, never on the
GUI thread. A person's *delivery* is their newest invitation: the session
header, the Document participants rows, the card and ``session list --json``
all show it, and the card's remedies follow from it (``core.copy_actions``).

A resend is a new invitation for the same person, rate-limited per person by
the ``resend_interval_seconds`` setting (:func:`resend_wait`).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from collab_console.core import randomness
from collab_console.core.domain import ContactKind
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import N_, _, ngettext
from collab_console.core.records import Record

#: An invitation's public name (``I-7QKM92HX``), for the audit trail and logs.
INVITATION_ID_PATTERN = re.compile(r"I-[0-9A-HJKMNP-TV-Z]{8}", re.ASCII)
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: How long a sender may hold an invitation it claimed before another may take it over
#: (a sender killed mid-send leaves its claim behind; the next start sends it again).
CLAIM_SECONDS = 120
#: The longest reason kept with a delivery (an SMTP reply, an HTTP status, a time-out).
MAX_REASON_LENGTH = 300
#: Why a queued invitation of a session that ended is given up.
SESSION_ENDED_REASON = "the session ended"
#: The reason of a failure the SMS gateway reported without saying why.
REPORTED_FAILURE = "the SMS gateway reported it undelivered"
#: How long after asking the gateway about an invitation it is asked again.
REPORT_SECONDS = 30


class DeliveryState(StrEnum):
    """The values are stored."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        """True when nothing more will happen to the invitation by itself."""
        return self in (DeliveryState.DELIVERED, DeliveryState.FAILED)


class RateLimitedError(CollabConsoleError):
    """A resend asked for before the person's interval is over (``collab-console`` exit 3)."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class Delivery(Record):
    """One invitation of one person and where it stands.

    ``reason`` is one sentence: why it failed, or (queued with ``attempts`` > 0)
    why the last try did not go through; never a secret, the recipient masked.
    ``next_attempt_at`` is set while queued: not sent before then.
    ``gateway_id`` is the SMS gateway's message ID, for its delivery reports.
    """

    invitation_id: str
    session_id: str
    access_id: str
    channel: ContactKind
    recipient: str
    state: DeliveryState
    queued_at: datetime
    updated_at: datetime
    queued_by: str
    resend: bool = False
    attempts: int = 0
    reason: str = ""
    next_attempt_at: datetime | None = None
    gateway_id: str = ""
    #: The link (``core.links``) the sent invitation carries, once sent.
    link_id: str = ""

    @property
    def failed(self) -> bool:
        return self.state is DeliveryState.FAILED

    @property
    def retrying(self) -> bool:
        """Queued again after a transient failure."""
        return self.state is DeliveryState.QUEUED and self.attempts > 0

    @property
    def label(self) -> str:
        """What the header and the card say: the state, and why when it failed."""
        return delivery_label(self)


def delivery_label(delivery: Delivery | None, *, with_reason: bool = True) -> str:
    """``SMS invite sent``, ``E-mail invite failed: the mail server answered 550 …``;
    None: ``Not invited``."""
    if delivery is None:
        return _("Not invited")
    sms = delivery.channel is ContactKind.SMS
    if delivery.retrying:
        text = (
            _("SMS invite not sent yet, retrying")
            if sms
            else _("E-mail invite not sent yet, retrying")
        )
        why = delivery.reason
    else:
        text = _(_STATE_TEXTS[delivery.channel][delivery.state])
        why = delivery.reason if delivery.state is DeliveryState.FAILED else ""
    return _("{status}: {reason}").format(status=text, reason=why) if why and with_reason else text


#: What :func:`delivery_label` says of each state, whole, per channel (English: translated
#: where shown).
_STATE_TEXTS = {
    ContactKind.SMS: {
        DeliveryState.QUEUED: N_("SMS invite queued"),
        DeliveryState.SENT: N_("SMS invite sent"),
        DeliveryState.DELIVERED: N_("SMS invite delivered"),
        DeliveryState.FAILED: N_("SMS invite failed"),
    },
    ContactKind.EMAIL: {
        DeliveryState.QUEUED: N_("E-mail invite queued"),
        DeliveryState.SENT: N_("E-mail invite sent"),
        DeliveryState.DELIVERED: N_("E-mail invite delivered"),
        DeliveryState.FAILED: N_("E-mail invite failed"),
    },
}


def resend_wait(last_queued_at: datetime | None, now: datetime, interval_seconds: int) -> int:
    """Whole seconds until a person may be sent another invitation; 0 when now."""
    if last_queued_at is None or interval_seconds <= 0:
        return 0
    left = interval_seconds - (now - last_queued_at).total_seconds()
    return max(0, int(left) + (1 if left > int(left) else 0))


def rate_limited(name: str, wait_seconds: int) -> RateLimitedError:
    """The refusal of a resend to ``name`` that comes ``wait_seconds`` too soon."""
    message = ngettext(
        "an invite was sent to {name} moments ago: wait {seconds} second before resending",
        "an invite was sent to {name} moments ago: wait {seconds} seconds before resending",
        wait_seconds,
    )
    return RateLimitedError(message.format(name=name, seconds=wait_seconds), wait_seconds)


def new_invitation_id() -> str:
    """A fresh invitation name, ``I-`` and 8 characters of Crockford's base 32."""
    return "I-" + "".join(randomness.choice(_ID_ALPHABET) for _ in range(8))


def clean_reason(text: str) -> str:
    """``text`` on one line of printable characters, at most :data:`MAX_REASON_LENGTH` long.

    Reasons quote outside text (a mail server's reply, a gateway's error): a control
    or invisible character in one would be refused by the store, or make the
    session unreadable once stored, so they are dropped here.
    """
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    if len(line) > MAX_REASON_LENGTH:
        line = line[: MAX_REASON_LENGTH - 1] + "…"
    return line
