"""SmtpTransport against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from collab_console.invitations.message import Invitation
from collab_console.invitations.transports import SmtpTransport
from tests.invitations.conftest import HOST, Certificate, SmtpServer, StartSmtp, free_port

SENDER = "Collab Console <invites@example.org>"


def transport(port: int, **kwargs: object) -> SmtpTransport:
    options: dict[str, object] = {"security": "none", "sender": SENDER, "timeout": 5}
    options.update(kwargs)
    return SmtpTransport(HOST, port, **options)  # type: ignore[arg-type]


def received_message(server: SmtpServer) -> EmailMessage:
    (envelope,) = server.handler.received
    assert isinstance(envelope.content, bytes)
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_a_message_is_delivered_whole(smtp_server: SmtpServer, invitation: Invitation) -> None:
    delivery = transport(smtp_server.port).send(invitation)

    assert delivery.state == "sent", delivery.reason
    assert delivery.reason == f"accepted by the mail server {HOST}:{smtp_server.port}"
    (envelope,) = smtp_server.handler.received
    assert envelope.mail_from == "invites@example.org"
    assert envelope.rcpt_tos == ["dana@example.com"]
    message = received_message(smtp_server)
    assert message["Message-ID"] == delivery.gateway_id
    assert message["From"] == SENDER
    assert message["Subject"].startswith("Dana <Levi> & Co:")
    assert message["Date"]
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    assert invitation.link in plain.get_content()
    assert "Dana &lt;Levi&gt; &amp; Co" in rich.get_content()


def test_a_rejected_recipient_fails_for_good(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    smtp_server.handler.rcpt_reply = "550-5.1.1 <dana@example.com>: no\r\n550 5.1.1  such user"

    delivery = transport(smtp_server.port).send(invitation)

    assert delivery.state == "failed"
    assert not delivery.retry
    assert delivery.reason.endswith("refused it: 550 5.1.1 <d••••@example.com>: no 5.1.1 such user")
    assert "dana@" not in delivery.reason
    assert smtp_server.handler.received == []


def test_a_temporary_refusal_retries_and_the_next_send_goes_through(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    smtp_server.handler.data_replies = ["421 4.3.2 system busy, try later"]
    smtp = transport(smtp_server.port)

    first = smtp.send(invitation)
    second = smtp.send(invitation)

    assert (first.state, first.retry) == ("failed", True)
    assert "421 4.3.2 system busy, try later" in first.reason
    assert second.state == "sent", second.reason
    assert len(smtp_server.handler.received) == 1


def test_a_dropped_connection_retries(smtp_server: SmtpServer, invitation: Invitation) -> None:
    smtp_server.handler.drop_on_data = True

    delivery = transport(smtp_server.port).send(invitation)

    assert (delivery.state, delivery.retry) == ("failed", True)
    assert "closed the connection" in delivery.reason


def test_no_server_retries(invitation: Invitation) -> None:
    port = free_port()

    delivery = transport(port).send(invitation)

    assert (delivery.state, delivery.retry) == ("failed", True)
    assert delivery.reason.startswith(f"cannot reach the mail server {HOST}:{port}: ")


def test_a_server_that_never_greets_times_out_and_retries(invitation: Invitation) -> None:
    with socket.socket() as listener:  # the kernel accepts; nobody ever answers
        listener.bind((HOST, 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        delivery = transport(port, timeout=0.5).send(invitation)

    assert (delivery.state, delivery.retry) == ("failed", True)
    assert delivery.reason == f"the mail server {HOST}:{port} did not answer within 0.5 s"


def test_starttls_delivers_over_a_secure_connection(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(tls_context=certificate.server_context(), require_starttls=True)
    smtp = transport(server.port, security="starttls", ssl_context=certificate.client_context())

    delivery = smtp.send(invitation)

    assert delivery.state == "sent", delivery.reason
    assert received_message(server)["To"] == "dana@example.com"


def test_implicit_tls_delivers(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(ssl_context=certificate.server_context())
    smtp = transport(server.port, security="tls", ssl_context=certificate.client_context())

    delivery = smtp.send(invitation)

    assert delivery.state == "sent", delivery.reason
    assert len(server.handler.received) == 1


def test_an_untrusted_certificate_fails_for_good(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(tls_context=certificate.server_context(), require_starttls=True)

    delivery = transport(server.port, security="starttls").send(invitation)

    assert (delivery.state, delivery.retry) == ("failed", False)
    assert "no secure connection" in delivery.reason
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.reason
    assert server.handler.received == []


def test_starttls_without_the_servers_offer_fails_for_good(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    delivery = transport(smtp_server.port, security="starttls").send(invitation)

    assert (delivery.state, delivery.retry) == ("failed", False)
    assert "does not offer STARTTLS" in delivery.reason
    assert smtp_server.handler.received == []


def test_the_password_is_never_shown() -> None:
    smtp = SmtpTransport(HOST, 25, "starttls", SENDER, username="bot", password="hunter2-secret")

    assert "hunter2-secret" not in repr(smtp)
    assert "bot" in repr(smtp)


def test_an_unknown_security_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="must be starttls, tls or none"):
        SmtpTransport(HOST, 25, "ssl", SENDER)  # type: ignore[arg-type]
