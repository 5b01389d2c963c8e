"""Sender rounds against a real store, a real SMTP server (aiosmtpd) and a real HTTP gateway.

Each test queues invitations the way the console does (starting a session queues
the customer's), runs rounds with the clock it chooses, and reads back what the
store, the servers and the outbox folder hold.
"""

from __future__ import annotations

import json
import re
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_console.core.admins import change_settings
from collab_console.core.delivery import CLAIM_SECONDS, Delivery, DeliveryState
from collab_console.core.domain import Session
from collab_console.core.errors import SecretStoreError
from collab_console.core.events import InvitationsChanged
from collab_console.core.links import LinkPurpose, LinkState
from collab_console.core.logs import log_files, setup_logging
from collab_console.invitations.sender import MAX_TRIES, Sender, SendRound
from collab_console.store import Store, open_store
from tests.invitations.conftest import HOST, SmtpServer, received_message
from tests.store.admins import become_admin, cheap_scrypt

__all__ = ["cheap_scrypt"]

AGENT = "agent.sam"
TOKEN = "tok-s3cret-9f8e"
EMAIL = "dana@example.com"
PHONE = "+442079460912"


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_scrypt: None) -> None:
    """Making the admin who configures the sender hashes a passphrase cheaply."""


def configure(store: Store, **values: Any) -> None:
    """An admin saves ``values``, as ``collab-console settings set`` would."""
    admin = become_admin(store)
    change_settings(store, store.load_settings(), admin, now=datetime.now(UTC), **values)


def start(store: Store, contact: str = EMAIL, name: str = "Dana Levi") -> Session:
    """A session started now, which queues its customer's invitation."""
    session, _ = store.start_session(
        customer_name=name, contact=contact, now=datetime.now(UTC), actor=AGENT
    )
    return session


def invite_of(store: Store, session: Session) -> Delivery:
    return store.deliveries(session.session_id)[session.customer.access_id]


def soon() -> datetime:
    """A moment just after the store dated what was queued: it is due then."""
    return datetime.now(UTC) + timedelta(seconds=1)


def counts(done: SendRound) -> tuple[int, int, int, int]:
    return (done.sent, done.retrying, done.failed, done.delivered)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def plain_and_html(message: EmailMessage) -> tuple[str, str]:
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    return plain.get_content(), rich.get_content()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def make_sender(store: Store, outbox: Path) -> Callable[..., Sender]:
    """A sender on the test's store; ``secrets`` is what the keyring holds."""

    def make(secrets: dict[str, str] | None = None, timeout: float = 2.0) -> Sender:
        held = {} if secrets is None else secrets
        return Sender(store, actor="sender", outbox_dir=outbox, secret=held.get, timeout=timeout)

    return make


@pytest.fixture
def smtp_relay(store: Store, smtp_server: SmtpServer) -> SmtpServer:
    """E-mail goes to a relay on this machine, without TLS."""
    configure(
        store,
        smtp_host=HOST,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_sender="invites@example.org",
    )
    return smtp_server


@pytest.fixture
def gateway(store: Store, httpserver: HTTPServer) -> HTTPServer:
    """SMS goes to the gateway at ``/v1/`` of a local HTTP server."""
    configure(store, sms_gateway_url=httpserver.url_for("/v1/"))
    return httpserver


# -- e-mail


def test_a_round_sends_the_queued_email_and_its_link_opens_the_session(
    store: Store, smtp_relay: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    session = start(store)
    now = soon()

    done = make_sender().run_once(now)

    assert counts(done) == (1, 0, 0, 0)
    assert done.events == (InvitationsChanged(session.session_id),)
    assert done.problem == ""
    sent = invite_of(store, session)
    assert (sent.state, sent.attempts) == (DeliveryState.SENT, 1)
    message = received_message(smtp_relay)
    assert message["To"] == EMAIL
    assert message["From"] == "invites@example.org"
    text, markup = plain_and_html(message)
    assert "Hello Dana Levi," in text
    assert "Hello Dana Levi," in markup
    found = re.search(r"https://\S+", text)
    assert found is not None
    url = found.group()
    assert f'href="{url}"' in markup
    base = store.load_settings().session_url_base
    check = store.check_link(url.removeprefix(base), now=now)
    assert check is not None
    assert check.state is LinkState.LIVE
    assert check.link.link_id == sent.link_id
    assert check.link.purpose is LinkPurpose.INVITATION
    assert check.page.person_name == "Dana Levi"
    assert message["Message-ID"] == sent.gateway_id


def test_a_550_fails_with_the_servers_reply_and_revokes_the_link(
    store: Store, smtp_relay: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    smtp_relay.handler.rcpt_reply = f"550 5.1.1 <{EMAIL}>: no such user"
    session = start(store)

    done = make_sender().run_once(soon())

    assert counts(done) == (0, 0, 1, 0)
    failed = invite_of(store, session)
    assert failed.state is DeliveryState.FAILED
    assert failed.reason.endswith("refused it: 550 5.1.1 <d••••@example.com>: no such user")
    assert "dana@" not in failed.reason
    (link,) = store.list_links(session.session_id)
    assert link.revoked_at is not None


def test_a_421_is_tried_again_after_the_back_off_and_then_sent(
    store: Store, smtp_relay: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    smtp_relay.handler.data_replies = ["421 4.3.2 system busy, try later"]
    session = start(store)
    sender = make_sender()
    now = soon()

    first = sender.run_once(now)
    waiting = invite_of(store, session)
    too_early = sender.run_once(now + timedelta(seconds=20))
    second = sender.run_once(now + timedelta(seconds=31))

    assert counts(first) == (0, 1, 0, 0)
    assert (waiting.state, waiting.attempts) == (DeliveryState.QUEUED, 1)
    assert waiting.retrying
    assert "421 4.3.2 system busy, try later" in waiting.reason
    assert waiting.next_attempt_at is not None
    assert abs((waiting.next_attempt_at - (now + timedelta(seconds=30))).total_seconds()) < 1
    assert counts(too_early) == (0, 0, 0, 0)
    assert counts(second) == (1, 0, 0, 0)
    sent = invite_of(store, session)
    assert (sent.state, sent.attempts) == (DeliveryState.SENT, 2)
    assert len(smtp_relay.handler.received) == 1
    links = {link.link_id: link for link in store.list_links(session.session_id)}
    assert len(links) == 2
    revoked = {link_id for link_id, link in links.items() if link.revoked_at is not None}
    assert revoked == set(links) - {sent.link_id}


def test_a_dropped_connection_is_tried_again(
    store: Store, smtp_relay: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    smtp_relay.handler.drop_on_data = True
    session = start(store)
    sender = make_sender()
    now = soon()

    first = sender.run_once(now)
    smtp_relay.handler.drop_on_data = False
    second = sender.run_once(now + timedelta(seconds=31))

    assert counts(first) == (0, 1, 0, 0)
    assert counts(second) == (1, 0, 0, 0)
    assert invite_of(store, session).state is DeliveryState.SENT
    assert len(smtp_relay.handler.received) == 1


def test_a_missing_password_waits_for_the_admin_and_makes_no_link(
    store: Store, smtp_server: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    configure(
        store,
        smtp_host=HOST,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_sender="invites@example.org",
        smtp_username="bot",
    )
    session = start(store)

    done = make_sender().run_once(soon())

    assert counts(done) == (0, 1, 0, 0)
    assert done.problem == (
        "No password is stored for the SMTP user bot: collab-console secrets set smtp-password."
    )
    waiting = invite_of(store, session)
    assert waiting.retrying
    assert "collab-console secrets set smtp-password" in waiting.reason
    assert store.list_links(session.session_id) == []


def test_an_unreadable_keyring_is_the_rounds_problem(
    store: Store, gateway: HTTPServer, outbox: Path
) -> None:
    def locked(name: str) -> str | None:
        raise SecretStoreError("the keyring is locked")

    session = start(store, PHONE)
    sender = Sender(store, actor="sender", outbox_dir=outbox, secret=locked, timeout=2)

    done = sender.run_once(soon())

    assert done.problem == "The sms-token cannot be read: the keyring is locked."
    assert invite_of(store, session).retrying
    assert gateway.log == []


# -- SMS


def test_an_accepted_sms_is_sent_with_the_gateways_id(
    store: Store, gateway: HTTPServer, make_sender: Callable[..., Sender]
) -> None:
    gateway.expect_request(
        "/v1/messages", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"id": "m-1", "status": "queued"})
    session = start(store, PHONE)

    done = make_sender({"sms-token": TOKEN}).run_once(soon())

    assert counts(done) == (1, 0, 0, 0)
    sent = invite_of(store, session)
    assert (sent.state, sent.gateway_id) == (DeliveryState.SENT, "m-1")
    request, _ = gateway.log[0]
    body = json.loads(request.data)
    assert body["to"] == PHONE
    assert body["body"].startswith("Dana Levi, join ")


@pytest.mark.parametrize(
    ("status", "state"),
    [(429, DeliveryState.QUEUED), (500, DeliveryState.QUEUED), (400, DeliveryState.FAILED)],
)
def test_gateway_errors_retry_or_fail(
    store: Store,
    gateway: HTTPServer,
    make_sender: Callable[..., Sender],
    status: int,
    state: DeliveryState,
) -> None:
    gateway.expect_request("/v1/messages").respond_with_json({"error": "no"}, status=status)
    session = start(store, PHONE)

    make_sender({"sms-token": TOKEN}).run_once(soon())

    row = invite_of(store, session)
    assert row.state is state
    assert row.reason.startswith(f"the SMS gateway answered HTTP {status} ")
    assert row.reason.endswith(": no")
    (link,) = store.list_links(session.session_id)
    assert link.revoked_at is not None


@pytest.fixture
def stalled(gateway: HTTPServer) -> Iterator[threading.Event]:
    """The gateway holds every answer until the test has its result (released at teardown)."""
    release = threading.Event()

    def hold(request: Request) -> Response:
        release.wait(10)
        return Response(json.dumps({"id": "late", "status": "queued"}), 201)

    gateway.expect_request("/v1/messages").respond_with_handler(hold)
    yield release
    release.set()


def test_a_gateway_that_times_out_is_tried_again(
    store: Store, stalled: threading.Event, make_sender: Callable[..., Sender]
) -> None:
    session = start(store, PHONE)

    done = make_sender({"sms-token": TOKEN}, timeout=0.5).run_once(soon())
    stalled.set()

    assert counts(done) == (0, 1, 0, 0)
    assert invite_of(store, session).reason == "the SMS gateway timed out after 0.5 s"


@pytest.mark.parametrize(
    ("report", "state", "reason"),
    [
        ({"status": "delivered"}, DeliveryState.DELIVERED, ""),
        (
            {"status": "failed", "error": "handset unreachable"},
            DeliveryState.FAILED,
            "the SMS gateway could not deliver it: handset unreachable",
        ),
    ],
)
def test_a_delivery_report_updates_the_invitation(
    store: Store,
    gateway: HTTPServer,
    make_sender: Callable[..., Sender],
    report: dict[str, str],
    state: DeliveryState,
    reason: str,
) -> None:
    gateway.expect_request("/v1/messages", method="POST").respond_with_json(
        {"id": "m-7", "status": "queued"}
    )
    gateway.expect_request("/v1/messages/m-7", method="GET").respond_with_json(
        {"id": "m-7", **report}
    )
    session = start(store, PHONE)
    sender = make_sender({"sms-token": TOKEN})
    now = soon()

    rounds = [sender.run_once(now), sender.run_once(now + timedelta(seconds=31))]

    row = invite_of(store, session)
    assert (row.state, row.reason) == (state, reason)
    reported = [done for done in rounds if done.delivered or done.failed]
    assert len(reported) == 1
    assert reported[0].events == (InvitationsChanged(session.session_id),)
    (link,) = store.list_links(session.session_id)
    assert (link.revoked_at is not None) is (state is DeliveryState.FAILED)


def test_the_gateway_is_asked_about_one_sms_at_most_every_30_seconds(
    store: Store, gateway: HTTPServer, make_sender: Callable[..., Sender]
) -> None:
    gateway.expect_request("/v1/messages", method="POST").respond_with_json(
        {"id": "m-8", "status": "queued"}
    )
    gateway.expect_request("/v1/messages/m-8", method="GET").respond_with_json(
        {"id": "m-8", "status": "sent"}
    )
    start(store, PHONE)
    sender = make_sender({"sms-token": TOKEN})
    now = soon()

    for seconds in (0, 5, 10, 29, 31, 40):
        sender.run_once(now + timedelta(seconds=seconds))

    asked = [request for request, _ in gateway.log if request.method == "GET"]
    assert len(asked) == 2  # at 0 s and at 31 s


def test_a_token_stored_later_lets_the_sms_go_out(
    store: Store, gateway: HTTPServer, make_sender: Callable[..., Sender]
) -> None:
    gateway.expect_request(
        "/v1/messages", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"id": "m-2", "status": "sent"})
    session = start(store, PHONE)
    keyring: dict[str, str] = {}
    sender = make_sender(keyring)
    now = soon()

    first = sender.run_once(now)
    keyring["sms-token"] = TOKEN
    second = sender.run_once(now + timedelta(seconds=31))

    assert counts(first) == (0, 1, 0, 0)
    assert "collab-console secrets set sms-token" in first.problem
    assert counts(second) == (1, 0, 0, 0)
    assert second.problem == ""
    assert invite_of(store, session).gateway_id == "m-2"


def test_after_eight_failed_tries_it_gives_up(
    store: Store, gateway: HTTPServer, make_sender: Callable[..., Sender]
) -> None:
    gateway.expect_request("/v1/messages").respond_with_json({"error": "down"}, status=503)
    session = start(store, PHONE)
    sender = make_sender({"sms-token": TOKEN})
    now = soon()

    rounds = [sender.run_once(now + timedelta(hours=hour)) for hour in range(MAX_TRIES + 1)]

    assert [counts(done) for done in rounds] == [(0, 1, 0, 0)] * (MAX_TRIES - 1) + [
        (0, 0, 1, 0),
        (0, 0, 0, 0),
    ]
    row = invite_of(store, session)
    assert (row.state, row.attempts) == (DeliveryState.FAILED, MAX_TRIES)
    assert row.reason.startswith("gave up after 8 tries: the SMS gateway answered HTTP 503 ")
    links = store.list_links(session.session_id)
    assert len(links) == MAX_TRIES
    assert all(link.revoked_at is not None for link in links)


def test_a_link_limit_is_waited_out(
    store: Store, make_sender: Callable[..., Sender], outbox: Path
) -> None:
    configure(store, max_live_links_per_person=1)
    session = start(store)
    store.mint_link(
        session.session_id,
        session.customer.access_id,
        purpose=LinkPurpose.COPY,
        actor=AGENT,
        now=datetime.now(UTC),
    )

    done = make_sender().run_once(soon())

    assert counts(done) == (0, 1, 0, 0)
    assert invite_of(store, session).reason == (
        "this person already has 1 live link (at most 1); revoke one, or regenerate their links"
    )
    assert invite_of(store, session).label.startswith("E-mail invite not sent yet, retrying: this")
    assert not outbox.exists()


def test_a_resend_takes_the_place_of_the_earlier_invitations_links(
    store: Store, make_sender: Callable[..., Sender], outbox: Path
) -> None:
    """Resending again and again never runs into the live-link limit: each resend that
    goes out stops the links earlier invitations gave; a copied link stays."""
    configure(store, resend_interval_seconds=0)
    session = start(store)
    customer = session.customer.access_id
    copied, _ = store.mint_link(
        session.session_id, customer, purpose=LinkPurpose.COPY, actor=AGENT, now=datetime.now(UTC)
    )
    sender = make_sender()

    for _ in range(4):
        done = sender.run_once(soon())
        assert counts(done) == (1, 0, 0, 0)
        store.queue_invitation(session.session_id, customer, actor=AGENT, now=datetime.now(UTC))
    sender.run_once(soon())

    live = [link for link in store.list_links(session.session_id) if link.is_live(soon())]
    newest = invite_of(store, session)
    assert newest.state is DeliveryState.SENT
    assert newest.resend
    assert sorted(link.link_id for link in live) == sorted([copied.link.link_id, newest.link_id])
    assert len(list(outbox.iterdir())) == 5


# -- the outbox folder, and senders that meet or die


def test_with_nothing_configured_invitations_are_written_to_the_outbox(
    store: Store, make_sender: Callable[..., Sender], outbox: Path
) -> None:
    by_email, by_sms = start(store), start(store, PHONE, name="Omar Haddad")

    done = make_sender().run_once(soon())

    assert counts(done) == (2, 0, 0, 0)
    eml = invite_of(store, by_email)
    sms = invite_of(store, by_sms)
    assert eml.state is sms.state is DeliveryState.SENT
    assert eml.gateway_id.endswith(f"-{eml.invitation_id}.eml")
    assert sms.gateway_id.endswith(f"-{sms.invitation_id}.json")
    assert sorted(path.name for path in outbox.iterdir()) == sorted(
        [eml.gateway_id, sms.gateway_id]
    )
    assert mode(outbox) == 0o700
    assert {mode(path) for path in outbox.iterdir()} == {0o600}
    message = message_from_bytes((outbox / eml.gateway_id).read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert "Hello Dana Levi," in plain_and_html(message)[0]
    record = json.loads((outbox / sms.gateway_id).read_text(encoding="utf-8"))
    assert record["to"] == PHONE
    assert record["body"].startswith("Omar Haddad, join ")


def test_two_senders_never_send_one_invitation_twice(
    store: Store, data_dir: Path, outbox: Path
) -> None:
    sessions = [start(store, f"guest{n}@example.com", name=f"Guest {n}") for n in range(8)]
    now = soon()
    together = threading.Barrier(2)
    no_secrets: dict[str, str] = {}
    rounds: list[SendRound] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            own = open_store(data_dir)
            try:
                sender = Sender(own, actor="sender", outbox_dir=outbox, secret=no_secrets.get)
                together.wait(5)
                rounds.append(sender.run_once(now))
            finally:
                own.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sum(done.sent for done in rounds) == len(sessions)
    written = sorted(path.name.rpartition("-I-")[2] for path in outbox.iterdir())
    assert len(written) == len(set(written)) == len(sessions)
    assert all(invite_of(store, session).attempts == 1 for session in sessions)


def test_an_invitation_a_killed_sender_held_is_sent_once_its_claim_runs_out(
    store: Store, make_sender: Callable[..., Sender], outbox: Path
) -> None:
    session = start(store)
    now = soon()
    (held,) = store.claim_invitations(now=now)  # ... and the sender that claimed it died
    sender = make_sender()

    meanwhile = sender.run_once(now + timedelta(seconds=10))
    later = sender.run_once(now + timedelta(seconds=CLAIM_SECONDS + 1))

    assert held.invitation_id == invite_of(store, session).invitation_id
    assert counts(meanwhile) == (0, 0, 0, 0)
    assert counts(later) == (1, 0, 0, 0)
    assert invite_of(store, session).state is DeliveryState.SENT
    assert len(list(outbox.iterdir())) == 1


def test_the_log_has_one_line_per_try_with_the_recipient_masked(
    store: Store, smtp_relay: SmtpServer, make_sender: Callable[..., Sender]
) -> None:
    setup_logging()
    smtp_relay.handler.data_replies = ["421 4.3.2 busy"]
    session = start(store)
    sender = make_sender()
    now = soon()

    sender.run_once(now)
    sender.run_once(now + timedelta(seconds=31))

    logged = "".join(path.read_text(encoding="utf-8") for path in log_files())
    # the app's own lines (the test's SMTP server, in this process, logs its side too)
    text = "\n".join(line for line in logged.splitlines() if " collab_console: " in line)
    found = re.search(r"https://\S+", plain_and_html(received_message(smtp_relay))[0])
    assert found is not None
    token = found.group().removeprefix(store.load_settings().session_url_base)
    sent = invite_of(store, session)
    lines = [line for line in text.splitlines() if f"invitation {sent.invitation_id}" in line]
    assert len(lines) == 2
    assert "not sent (try 1), trying again in 30 s" in lines[0]
    assert "sent to d••••@example.com (try 2)" in lines[1]
    assert EMAIL not in text
    assert token not in text
