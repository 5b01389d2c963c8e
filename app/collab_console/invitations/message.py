"""One invitation, and what it becomes on each channel: a MIME e-mail or an SMS body.

Pure composition: nothing here sends, logs or reads a setting. The values are
taken as given (the caller has cleaned the names and normalised the contact);
the HTML part escapes every one of them, and header values are kept on one line.

The words are in the agent's language (the current one, :mod:`collab_console.core.i18n`),
but the customer's phone or mail program gets plain text: no value is wrapped in
bidi isolates, and every text is passed through :func:`strip_bidi`, so that not
even a catalogue's translation can slip a bidi control into an invitation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from collab_console.core import clock, randomness
from collab_console.core.i18n import N_, _, is_rtl, strip_bidi
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
    return strip_bidi(
        _one_line(
            _("{who}: your link to join {agent}'s session").format(
                who=invitation.who, agent=invitation.agent
            )
        )
    )


def _whose_session(invitation: Invitation) -> str:
    """``your session`` to the customer, ``the session for Dana Levi`` to anyone else."""
    return (
        _("your session")
        if invitation.who == invitation.customer
        else _("the session for {customer}").format(customer=invitation.customer)
    )


def email_text(invitation: Invitation) -> str:
    """The plain-text part."""
    whose = _whose_session(invitation)
    return strip_bidi(
        _("Hello {who},").format(who=invitation.who)
        + "\n\n"
        + _("{agent} invites you to join {whose}.").format(agent=invitation.agent, whose=whose)
        + "\n"
        + _("Open this link to join:")
        + f"\n\n{invitation.link}\n\n"
        + _("If you did not expect this invitation, you can ignore it.")
        + "\n"
    )


def email_html(invitation: Invitation) -> str:
    """The HTML part: every value escaped, the link both as the target and as text; right to
    left (``dir="rtl"``, markup rather than a control character) in a right-to-left language."""

    def words(text: str) -> str:
        """``text`` (marked with ``N_``) translated, escaped as HTML before the escaped values
        go into its fields."""
        return html.escape(_(text), quote=False)

    who = html.escape(invitation.who)
    agent = html.escape(invitation.agent)
    customer = html.escape(invitation.customer)
    whose = (
        words(N_("your session"))
        if invitation.who == invitation.customer
        else words(N_("the session for {customer}")).format(customer=customer)
    )
    link = html.escape(invitation.link, quote=True)
    html_tag = '<html dir="rtl">' if is_rtl() else "<html>"
    join = words(N_("Join the session"))
    paragraphs = (
        words(N_("Hello {who},")).format(who=who),
        words(N_("{agent} invites you to join {whose}.")).format(agent=agent, whose=whose),
        f'<a href="{link}">{join}</a>',
        words(N_("Or copy this link into your browser: {link}")).format(link=link),
        words(N_("If you did not expect this invitation, you can ignore it.")),
    )
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return strip_bidi(
        f'<!DOCTYPE html>\n{html_tag}<body style="font-family: sans-serif">\n{body}</body></html>\n'
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

    body = strip_bidi(
        _("{who}, join {agent}'s session: {link}").format(
            who=short(invitation.who), agent=short(invitation.agent), link=invitation.link
        )
    )
    if len(body) > SMS_MAX_LENGTH:
        raise ValueError(
            f"the join link is {len(invitation.link)} characters, too long for an SMS "
            f"of at most {SMS_MAX_LENGTH}"
        )
    return body
