"""SmsGatewayTransport against a real HTTP server (pytest-httpserver) on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_console.core.delivery import DeliveryState
from collab_console.invitations.message import Invitation, sms_body
from collab_console.invitations.transports import Attempt, SmsGatewayTransport
from tests.invitations.conftest import Trickle, free_port

TOKEN = "tok-s3cret-9f8e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def gateway(httpserver: HTTPServer) -> SmsGatewayTransport:
    return SmsGatewayTransport(httpserver.url_for("/v1/"), TOKEN, timeout=0.5)


def assert_token_hidden(*attempts: Attempt | None) -> None:
    for attempt in attempts:
        assert attempt is None or TOKEN not in attempt.reason


def test_an_accepted_sms_and_its_delivery_report(
    httpserver: HTTPServer, gateway: SmsGatewayTransport, sms_invitation: Invitation
) -> None:
    httpserver.expect_ordered_request(
        "/v1/messages",
        method="POST",
        headers=AUTH,
        json={"to": "+442079460912", "body": sms_body(sms_invitation)},
    ).respond_with_json({"id": "m-1", "status": "queued"}, status=201)
    httpserver.expect_ordered_request(
        "/v1/messages/m-1", method="GET", headers=AUTH
    ).respond_with_json({"id": "m-1", "status": "delivered"})

    sent = gateway.send(sms_invitation)
    report = gateway.status("m-1")

    httpserver.check_assertions()
    # The gateway has it: sent, as far as the console is concerned.
    assert sent == Attempt(DeliveryState.SENT, "queued by the SMS gateway", gateway_id="m-1")
    assert report == Attempt(
        DeliveryState.DELIVERED, "delivered, as the SMS gateway reports", gateway_id="m-1"
    )


def test_a_failed_report_carries_the_gateways_error(
    httpserver: HTTPServer, gateway: SmsGatewayTransport
) -> None:
    httpserver.expect_request("/v1/messages/m-2").respond_with_json(
        {"id": "m-2", "status": "failed", "error": "handset\n unreachable"}
    )

    report = gateway.status("m-2")

    assert report is not None
    assert (report.state, report.retry) == ("failed", False)
    assert report.reason == "the SMS gateway could not deliver it: handset unreachable"


def test_an_unknown_message_has_no_report(
    httpserver: HTTPServer, gateway: SmsGatewayTransport
) -> None:
    httpserver.expect_request("/v1/messages/nope").respond_with_json({"error": "x"}, status=404)

    assert gateway.status("nope") is None


@pytest.mark.parametrize(("status", "retry"), [(429, True), (500, True), (503, True), (400, False)])
def test_http_errors_are_classified(
    httpserver: HTTPServer,
    gateway: SmsGatewayTransport,
    sms_invitation: Invitation,
    status: int,
    retry: bool,
) -> None:
    httpserver.expect_request("/v1/messages", method="POST").respond_with_json(
        {"error": f"bad request for token {TOKEN}"}, status=status
    )

    attempt = gateway.send(sms_invitation)

    assert (attempt.state, attempt.retry) == ("failed", retry)
    assert attempt.reason.startswith(f"the SMS gateway answered HTTP {status} ")
    assert attempt.reason.endswith(": bad request for token •••")
    assert_token_hidden(attempt)


@pytest.fixture
def stalled(httpserver: HTTPServer) -> Iterator[threading.Event]:
    """The gateway holds every answer until the test has its result (released at teardown)."""
    release = threading.Event()

    def hold(request: Request) -> Response:
        release.wait(10)
        return Response(json.dumps({"id": "late", "status": "queued"}), 201)

    httpserver.expect_request("/v1/messages").respond_with_handler(hold)
    yield release
    release.set()


def test_a_time_out_retries(
    gateway: SmsGatewayTransport, stalled: threading.Event, sms_invitation: Invitation
) -> None:
    attempt = gateway.send(sms_invitation)
    stalled.set()

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == "the SMS gateway timed out after 0.5 s"


@pytest.mark.parametrize(
    "answer",
    [b"<html>ok</html>", b"[1, 2]", b'{"id": "m-3"}', b'{"id": "m-3", "status": "lost"}'],
)
def test_a_malformed_answer_fails_for_good(
    httpserver: HTTPServer, gateway: SmsGatewayTransport, sms_invitation: Invitation, answer: bytes
) -> None:
    httpserver.expect_request("/v1/messages").respond_with_data(answer, status=200)

    attempt = gateway.send(sms_invitation)

    assert (attempt.state, attempt.retry) == ("failed", False)
    assert "the SMS gateway's answer" in attempt.reason


def test_a_redirect_is_not_followed_with_the_token(
    httpserver: HTTPServer, gateway: SmsGatewayTransport, sms_invitation: Invitation
) -> None:
    httpserver.expect_request("/v1/messages").respond_with_data(
        "", status=307, headers={"Location": httpserver.url_for("/elsewhere")}
    )

    attempt = gateway.send(sms_invitation)

    assert (attempt.state, attempt.retry) == ("failed", False)
    assert "HTTP 307" in attempt.reason
    assert [request.path for request, _ in httpserver.log] == ["/v1/messages"]


def test_no_gateway_retries(sms_invitation: Invitation) -> None:
    gateway = SmsGatewayTransport(f"http://127.0.0.1:{free_port()}", TOKEN, timeout=0.5)

    attempt = gateway.send(sms_invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason.startswith("cannot reach the SMS gateway: ")
    assert gateway.status("m-1") is None


def test_the_token_is_never_shown(gateway: SmsGatewayTransport) -> None:
    assert TOKEN not in repr(gateway)
    assert "/v1" in repr(gateway)


def test_only_http_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="must start with https:// or http://"):
        SmsGatewayTransport("file:///etc/passwd", TOKEN)


def test_a_gateway_that_answers_a_byte_at_a_time_is_cut_off_at_the_time_out(
    trickle: Trickle, sms_invitation: Invitation
) -> None:
    port = trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 500, after_request=True)
    gateway = SmsGatewayTransport(f"http://127.0.0.1:{port}/", TOKEN, timeout=0.5)
    started = time.monotonic()

    attempt = gateway.send(sms_invitation)

    assert time.monotonic() - started < 2
    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == "the SMS gateway timed out after 0.5 s"


def test_no_token_waits_for_the_fix_and_asks_nothing(
    httpserver: HTTPServer, sms_invitation: Invitation
) -> None:
    gateway = SmsGatewayTransport(httpserver.url_for("/v1/"), None, timeout=0.5)

    attempt = gateway.send(sms_invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason == "no SMS gateway token is stored: collab-console secrets set sms-token"
    assert gateway.status("m-1") is None
    assert httpserver.log == []


def test_an_echoed_link_or_number_is_not_repeated(
    httpserver: HTTPServer, gateway: SmsGatewayTransport, sms_invitation: Invitation
) -> None:
    httpserver.expect_request("/v1/messages", method="POST").respond_with_json(
        {"error": f"rejected {sms_invitation.to}: {sms_invitation.link}"}, status=400
    )

    attempt = gateway.send(sms_invitation)

    assert attempt.reason.endswith(": rejected +44 •••• ••12: •••")
    assert sms_invitation.link not in attempt.reason


def test_a_gateway_url_without_its_slash_still_reaches_messages(
    httpserver: HTTPServer, sms_invitation: Invitation
) -> None:
    httpserver.expect_request("/v1/messages", method="POST").respond_with_json(
        {"id": 7, "status": "sent"}
    )
    gateway = SmsGatewayTransport(httpserver.url_for("/v1"), TOKEN, timeout=0.5)

    attempt = gateway.send(sms_invitation)

    assert attempt == Attempt(DeliveryState.SENT, "sent by the SMS gateway", gateway_id="7")
