"""SmtpTransport against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from collab_console.invitations.message import Invitation
from collab_console.invitations.transports import SmtpTransport, is_loopback
from tests.invitations.conftest import (
    HOST,
    Certificate,
    SmtpServer,
    StartSmtp,
    Trickle,
    free_port,
    received_message,
)

SENDER = "Collab Console <invites@example.org>"


def transport(port: int, **kwargs: object) -> SmtpTransport:
    options: dict[str, object] = {"security": "none", "sender": SENDER, "timeout": 5}
    options.update(kwargs)
    return SmtpTransport(HOST, port, **options)  # type: ignore[arg-type]


def test_a_message_is_delivered_whole(smtp_server: SmtpServer, invitation: Invitation) -> None:
    attempt = transport(smtp_server.port).send(invitation)

    assert attempt.state == "sent", attempt.reason
    assert attempt.reason == f"accepted by the mail server {HOST}:{smtp_server.port}"
    (envelope,) = smtp_server.handler.received
    assert envelope.mail_from == "invites@example.org"
    assert envelope.rcpt_tos == ["dana@example.com"]
    message = received_message(smtp_server)
    assert message["Message-ID"] == attempt.gateway_id
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

    attempt = transport(smtp_server.port).send(invitation)

    assert attempt.state == "failed"
    assert not attempt.retry
    assert attempt.reason.endswith("refused it: 550 5.1.1 <d••••@example.com>: no 5.1.1 such user")
    assert "dana@" not in attempt.reason
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

    attempt = transport(smtp_server.port).send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert "closed the connection" in attempt.reason


def test_no_server_retries(invitation: Invitation) -> None:
    port = free_port()

    attempt = transport(port).send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason.startswith(f"cannot reach the mail server {HOST}:{port}: ")


def test_a_server_that_never_greets_times_out_and_retries(invitation: Invitation) -> None:
    with socket.socket() as listener:  # the kernel accepts; nobody ever answers
        listener.bind((HOST, 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        attempt = transport(port, timeout=0.5).send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == f"the mail server {HOST}:{port} timed out after 0.5 s"


def test_starttls_delivers_over_a_secure_connection(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(tls_context=certificate.server_context(), require_starttls=True)
    smtp = transport(server.port, security="starttls", ssl_context=certificate.client_context())

    attempt = smtp.send(invitation)

    assert attempt.state == "sent", attempt.reason
    assert received_message(server)["To"] == "dana@example.com"


def test_implicit_tls_delivers(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(ssl_context=certificate.server_context())
    smtp = transport(server.port, security="tls", ssl_context=certificate.client_context())

    attempt = smtp.send(invitation)

    assert attempt.state == "sent", attempt.reason
    assert len(server.handler.received) == 1


def test_an_untrusted_certificate_fails_for_good(
    start_smtp: StartSmtp, certificate: Certificate, invitation: Invitation
) -> None:
    server = start_smtp(tls_context=certificate.server_context(), require_starttls=True)

    attempt = transport(server.port, security="starttls").send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", False)
    assert "no secure connection" in attempt.reason
    assert "CERTIFICATE_VERIFY_FAILED" in attempt.reason
    assert server.handler.received == []


def test_starttls_without_the_servers_offer_fails_for_good(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    attempt = transport(smtp_server.port, security="starttls").send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", False)
    assert "does not offer STARTTLS" in attempt.reason
    assert smtp_server.handler.received == []


def test_the_password_is_never_shown() -> None:
    smtp = SmtpTransport(HOST, 25, "starttls", SENDER, username="bot", password="hunter2-secret")

    assert "hunter2-secret" not in repr(smtp)
    assert "bot" in repr(smtp)


def test_an_unknown_security_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="must be starttls, tls or none"):
        SmtpTransport(HOST, 25, "ssl", SENDER)  # type: ignore[arg-type]


def test_a_server_that_answers_a_byte_at_a_time_is_cut_off_at_the_time_out(
    trickle: Trickle, invitation: Invitation
) -> None:
    port = trickle(b"220-" + b"a" * 500 + b"\r\n")
    started = time.monotonic()

    attempt = transport(port, timeout=0.5).send(invitation)

    assert time.monotonic() - started < 2
    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == f"the mail server {HOST}:{port} timed out after 0.5 s"


def test_a_login_is_made_to_a_relay_on_this_machine(
    start_smtp: StartSmtp, invitation: Invitation
) -> None:
    logins: list[tuple[bytes, bytes]] = []
    server = start_smtp(authenticator=accept_only(logins), auth_require_tls=False)

    attempt = transport(server.port, username="bot", password="right-pass").send(invitation)

    assert attempt.state == "sent", attempt.reason
    assert logins == [(b"bot", b"right-pass")]
    assert len(server.handler.received) == 1


def test_a_refused_login_retries_and_names_the_fix(
    start_smtp: StartSmtp, invitation: Invitation
) -> None:
    server = start_smtp(authenticator=accept_only([]), auth_require_tls=False)

    attempt = transport(server.port, username="bot", password="wrong-pass").send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason.startswith(
        f"the mail server {HOST}:{server.port} refused the SMTP user name or password (535 "
    )
    assert "collab-console secrets set smtp-password" in attempt.reason
    assert "wrong-pass" not in attempt.reason
    assert server.handler.received == []


def test_no_password_is_sent_unencrypted_to_another_machine(invitation: Invitation) -> None:
    smtp = SmtpTransport(
        "smtp.example.com", 25, "none", SENDER, username="bot", password="hunter2-secret"
    )

    attempt = smtp.send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", False)
    assert attempt.reason == (
        "the SMTP password would go unencrypted to smtp.example.com:25: choose STARTTLS "
        "or TLS (collab-console settings set --smtp-security starttls)"
    )
    assert smtp.refusal() == attempt


def test_a_user_name_without_a_stored_password_waits_for_the_fix(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    attempt = transport(smtp_server.port, username="bot", password=None).send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == (
        "no password is stored for the SMTP user bot: collab-console secrets set smtp-password"
    )
    assert smtp_server.handler.received == []


def test_no_sender_address_waits_for_the_fix(
    smtp_server: SmtpServer, invitation: Invitation
) -> None:
    attempt = transport(smtp_server.port, sender="").send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert "collab-console settings set --smtp-sender" in attempt.reason
    assert smtp_server.handler.received == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
     ("mail.localhost", True), ("smtp.example.com", False), ("10.0.0.1", False),
     ("localhost.example.com", False)],
)  # fmt: skip
def test_only_this_machine_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def accept_only(logins: list[tuple[bytes, bytes]]) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator that keeps each login and accepts only bot / right-pass."""

    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        right = (data.login, data.password) == (b"bot", b"right-pass")
        return AuthResult(success=right, handled=False)  # not handled: the server says 535

    return check
