"""One invitation, and what it becomes on each channel: a MIME e-mail or an SMS body.

Pure composition: nothing here sends, logs or reads a setting. The values are
taken as given (the caller has cleaned the names and normalised the contact);
the HTML part escapes every one of them, and header values are kept on one line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from collab_console.core import clock, randomness
from collab_console.core.masking import mask_contact

#: Two SMS segments: longer texts are split, billed twice over and arrive out of order.
SMS_MAX_LENGTH = 320
#: How much of a name an SMS keeps; the link always goes whole.
_SMS_NAME_LENGTH = 40


def _new_id() -> str:
    return randomness.token_hex(8)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Invitation:
    """Who is invited, where the invitation goes, and the link that lets them join.

    ``to`` is an e-mail address or an E.164 phone number; ``id`` names the
    invitation in the outbox and in delivery records. ``repr`` shows the
    recipient masked and never the link.
    """

    who: str
    to: str
    link: str
    agent: str
    customer: str
    id: str = field(default_factory=_new_id)

    @property
    def channel(self) -> str:
        """``"email"`` or ``"sms"``, as the contact implies."""
        return "email" if "@" in self.to else "sms"

    @property
    def masked_to(self) -> str:
        """The recipient as logs and the audit trail show it: ``+44 •••• ••12``."""
        return mask_contact(self.to)

    def __repr__(self) -> str:
        return f"Invitation(id={self.id!r}, channel={self.channel!r}, to={self.masked_to!r})"


def email_subject(invitation: Invitation) -> str:
    """``Dana Levi: your link to join Sam's session``, on one line."""
    return _one_line(f"{invitation.who}: your link to join {invitation.agent}'s session")


def _whose_session(invitation: Invitation, customer: str) -> str:
    """``your session`` to the customer, ``the session for Dana Levi`` to anyone else."""
    return (
        "your session" if invitation.who == invitation.customer else f"the session for {customer}"
    )


def email_text(invitation: Invitation) -> str:
    """The plain-text part."""
    whose = _whose_session(invitation, invitation.customer)
    return (
        f"Hello {invitation.who},\n\n"
        f"{invitation.agent} invites you to join {whose}.\n"
        f"Open this link to join:\n\n{invitation.link}\n\n"
        "If you did not expect this invitation, you can ignore it.\n"
    )


def email_html(invitation: Invitation) -> str:
    """The HTML part: every value escaped, the link both as the target and as text."""
    who = html.escape(invitation.who)
    agent = html.escape(invitation.agent)
    whose = _whose_session(invitation, html.escape(invitation.customer))
    link = html.escape(invitation.link, quote=True)
    return (
        '<!DOCTYPE html>\n<html><body style="font-family: sans-serif">\n'
        f"<p>Hello {who},</p>\n"
        f"<p>{agent} invites you to join {whose}.</p>\n"
        f'<p><a href="{link}">Join the session</a></p>\n'
        f"<p>Or copy this link into your browser: {link}</p>\n"
        "<p>If you did not expect this invitation, you can ignore it.</p>\n"
        "</body></html>\n"
    )


def compose_email(
    invitation: Invitation, sender: str, *, now: datetime | None = None
) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML) from ``sender`` to the invitee."""
    message = EmailMessage()
    message["Subject"] = email_subject(invitation)
    message["From"] = sender
    message["To"] = invitation.to
    message["Date"] = format_datetime(now or clock.now())
    domain = sender.rpartition("@")[2].strip("<> ") or None
    message["Message-ID"] = make_msgid(idstring=invitation.id, domain=domain)
    message.set_content(email_text(invitation))
    message.add_alternative(email_html(invitation), subtype="html")
    return message


def sms_body(invitation: Invitation) -> str:
    """``Dana Levi, join Sam's session: https://…``, at most :data:`SMS_MAX_LENGTH` characters.

    Long names are shortened; the link never is. Raises :class:`ValueError`
    when the link alone leaves no room for a message.
    """

    def short(name: str) -> str:
        name = _one_line(name)
        return name if len(name) <= _SMS_NAME_LENGTH else name[: _SMS_NAME_LENGTH - 1] + "…"

    body = f"{short(invitation.who)}, join {short(invitation.agent)}'s session: {invitation.link}"
    if len(body) > SMS_MAX_LENGTH:
        raise ValueError(
            f"the join link is {len(invitation.link)} characters, too long for an SMS "
            f"of at most {SMS_MAX_LENGTH}"
        )
    return body
