"""An invitation queued when the console is killed goes out when it starts again.

The real program (``python -m collab_console``) runs on the test's X server,
with the SMTP settings pointing at a port where nothing listens: its sender
tries, fails (the connection is refused, a transient failure) and queues the
invitation again. The console is then killed (SIGKILL: no chance to tidy up),
a real SMTP server (aiosmtpd) starts on that port, and the console started
again sends the invitation there; the store says it was sent.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.store import open_store
from tests.gui.helpers import save_as_admin

pytestmark = pytest.mark.gui

HOST = "127.0.0.1"
#: The sender tries again 30 s after a first failure (invitations.transports.next_retry),
#: and looks for due invitations every 5 s: room for both, and a slow start.
SENT_TIMEOUT_S = 90
#: How long the first console has to try, and fail, once.
RETRY_TIMEOUT_S = 60


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def start_console(data_dir: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start the console program on ``data_dir``, as many times as asked; all killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
        process = subprocess.Popen(
            [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def wait_for(what: str, timeout_s: float, check: Callable[[], Any]) -> Any:
    """Ask ``check`` until it answers something true; that answer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout_s} s")


def customer_invitation(data_dir: Path, session_id: str) -> Delivery:
    """The customer's newest invitation, read through a connection of its own."""
    store = open_store(data_dir)
    try:
        return store.deliveries(session_id)[session_id]
    finally:
        store.close()


def test_an_invitation_queued_when_the_console_was_killed_goes_out_at_the_next_start(
    data_dir, start_console
):
    port = free_port()  # nothing listens there yet
    store = open_store(data_dir, create=True)
    try:
        save_as_admin(
            store,
            smtp_host=HOST,
            smtp_port=port,
            smtp_security="none",
            smtp_sender="invites@example.com",
        )
        session, _ = store.start_session(
            customer_name="Ana Souza",
            contact="ana.souza@example.org",
            now=datetime.now(UTC),
            actor="agent.tess",
        )
    finally:
        store.close()
    sid = session.session_id

    first = start_console()
    tried = wait_for(
        "a first try that failed and was queued again",
        RETRY_TIMEOUT_S,
        lambda: (found := customer_invitation(data_dir, sid)).attempts >= 1 and found,
    )
    assert tried.state is DeliveryState.QUEUED
    assert tried.reason  # why it did not go through: the connection was refused
    first.kill()  # SIGKILL: the console cannot tidy anything up
    first.wait(timeout=30)

    inbox = Inbox()
    server = Controller(inbox, hostname=HOST, port=port)
    server.start()
    try:
        start_console()
        wait_for("the message at the SMTP server", SENT_TIMEOUT_S, lambda: inbox.received)
        sent = wait_for(
            "the store saying it was sent",
            10,
            lambda: (
                (found := customer_invitation(data_dir, sid)).state is DeliveryState.SENT and found
            ),
        )
    finally:
        server.stop()

    [message] = inbox.received
    assert message.rcpt_tos == ["ana.souza@example.org"]
    assert message.mail_from == "invites@example.com"
    content = message.original_content or b""
    assert b"Ana Souza" in content
    assert sent.attempts == 2
    assert sent.invitation_id == tried.invitation_id
