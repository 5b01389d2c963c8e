"""Composing an invitation: the MIME e-mail and the SMS body."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from collab_console.invitations.message import (
    SMS_MAX_LENGTH,
    Invitation,
    compose_email,
    email_html,
    email_text,
    sms_body,
)


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a receiver reads it back from its bytes."""
    back = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(back, EmailMessage)
    return back


def test_an_email_has_plain_text_and_escaped_html(invitation: Invitation) -> None:
    message = parsed(compose_email(invitation, "Support <support@example.org>"))

    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    text, markup = plain.get_content(), rich.get_content()
    assert "Dana <Levi> & Co" in text
    assert invitation.link in text
    assert "Dana &lt;Levi&gt; &amp; Co" in markup
    assert "<Levi>" not in markup
    assert 'href="https://join.example.com/j/7QKM-92HX?t=abc&amp;p=1"' in markup
    assert "Sam O&#x27;Neil" in markup


def test_an_email_has_the_headers_a_mail_server_expects(invitation: Invitation) -> None:
    message = parsed(compose_email(invitation, "Support <support@example.org>"))

    assert message["From"] == "Support <support@example.org>"
    assert message["To"] == "dana@example.com"
    assert message["Subject"] == "Dana <Levi> & Co: your link to join Sam O'Neil's session"
    assert message["Date"]
    assert message["Message-ID"].endswith("@example.org>")
    assert "inv42" in message["Message-ID"]


def test_a_name_cannot_add_a_header(invitation: Invitation) -> None:
    sneaky = Invitation("Dana\r\nBcc: all@example.com", "dana@example.com", "https://x", "Sam", "P")

    message = parsed(compose_email(sneaky, "support@example.org"))

    assert message["Bcc"] is None
    assert message["Subject"].startswith("Dana Bcc: all@example.com:")


def test_an_sms_has_the_name_and_the_whole_link(sms_invitation: Invitation) -> None:
    assert sms_body(sms_invitation) == (
        "Dana Levi, join Sam's session: https://join.example.com/j/7QKM-92HX?t=abc"
    )


def test_an_sms_shortens_long_names_but_never_the_link() -> None:
    link = "https://join.example.com/j/" + "x" * 180
    long = Invitation("D" * 300, "+442079460912", link, "S" * 300, "P")

    body = sms_body(long)

    assert len(body) <= SMS_MAX_LENGTH
    assert body.endswith(link)
    assert "D" * 39 + "…" in body


def test_an_sms_refuses_a_link_that_cannot_fit() -> None:
    huge = Invitation("Dana", "+442079460912", "https://x/" + "y" * SMS_MAX_LENGTH, "Sam", "P")

    with pytest.raises(ValueError, match="too long for an SMS"):
        sms_body(huge)


def test_the_repr_masks_the_recipient_and_leaves_out_the_link(invitation: Invitation) -> None:
    shown = repr(invitation)

    assert "dana@example.com" not in shown
    assert "d••••@example.com" in shown
    assert invitation.link not in shown
    assert invitation.channel == "email"


def test_the_customer_is_invited_to_their_own_session() -> None:
    own = Invitation("Priya Nair", "priya@example.com", "https://x/j", "Sam", "Priya Nair")
    other = Invitation("Dana Levi", "dana@example.com", "https://x/j", "Sam", "Priya Nair")

    assert "Sam invites you to join your session." in email_text(own)
    assert "Sam invites you to join the session for Priya Nair." in email_text(other)
    assert "Sam invites you to join your session." in email_html(own)
