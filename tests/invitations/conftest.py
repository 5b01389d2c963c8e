"""Real counterparts for the invitations: a local SMTP server (aiosmtpd) on 127.0.0.1.

The SMS gateway is pytest-httpserver's ``httpserver`` fixture. Nothing is mocked:
smtplib and urllib talk to these servers over real sockets.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from collab_console.invitations.message import Invitation

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts and answers as scripted.

    ``rcpt_reply`` / ``data_replies`` replace the usual ``250 OK``; each entry
    of ``data_replies`` answers one message, then the handler accepts again.
    ``drop_on_data`` closes the connection instead of answering the message.
    """

    received: list[Envelope] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_replies: list[str] = field(default_factory=list)
    drop_on_data: bool = False

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.drop_on_data:
            assert server.transport is not None
            server.transport.close()
            return "250 OK"
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(envelope)
        return "250 2.0.0 queued as 1234"


@dataclass
class SmtpServer:
    handler: Recorder
    port: int


def received_message(server: SmtpServer) -> EmailMessage:
    """The one message ``server`` took, as its recipient reads it."""
    (envelope,) = server.handler.received
    assert isinstance(envelope.content, bytes)
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


StartSmtp = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp() -> Iterator[StartSmtp]:
    """Starts a real SMTP server on 127.0.0.1 (``Controller`` keyword arguments pass through)."""
    controllers: list[Controller] = []

    def start(**kwargs: Any) -> SmtpServer:
        handler = Recorder()
        port = free_port()
        controller = Controller(handler, hostname=HOST, port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return SmtpServer(handler, port)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp: StartSmtp) -> SmtpServer:
    return start_smtp()


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed; TLS is not tested")
    folder = tmp_path_factory.mktemp("tls")
    made = Certificate(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(made.key), "-out", str(made.cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return made


Trickle = Callable[..., int]


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    """Starts a server on 127.0.0.1 that answers every connection with ``answer``, one byte
    every 0.1 s (after the request's head when ``after_request``): never silent long enough
    for a read to time out, and never done. Returns its port; stopped after the test."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def serve(listener: socket.socket, answer: bytes, after_request: bool) -> None:
        with listener:
            listener.settimeout(0.1)
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                with conn:
                    if after_request:
                        head = b""
                        while b"\r\n\r\n" not in head and not stop.is_set():
                            head += conn.recv(4096) or b"\r\n\r\n"
                    for byte in answer:
                        if stop.wait(0.1):
                            break
                        try:
                            conn.sendall(bytes([byte]))
                        except OSError:  # the client gave up: good
                            break

    def start(answer: bytes, *, after_request: bool = False) -> int:
        listener = socket.socket()
        listener.bind((HOST, 0))
        listener.listen(1)
        thread = threading.Thread(target=serve, args=(listener, answer, after_request))
        thread.start()
        threads.append(thread)
        port: int = listener.getsockname()[1]
        return port

    yield start
    stop.set()
    for thread in threads:
        thread.join(5)


@pytest.fixture
def invitation() -> Invitation:
    return Invitation(
        who="Dana <Levi> & Co",
        to="dana@example.com",
        link="https://join.example.com/j/7QKM-92HX?t=abc&p=1",
        agent="Sam O'Neil",
        customer="Priya Nair",
        id="inv42",
    )


@pytest.fixture
def sms_invitation() -> Invitation:
    return Invitation(
        who="Dana Levi",
        to="+442079460912",
        link="https://join.example.com/j/7QKM-92HX?t=abc",
        agent="Sam",
        customer="Priya Nair",
        id="inv43",
    )
