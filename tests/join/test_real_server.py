"""The join service behind uvicorn, as ``collab-console serve`` runs it, on 127.0.0.1.

Request paths are sent byte for byte (``http.client`` neither resolves
``..`` nor re-encodes), so what a hostile client can send is what is
tested. Then the command itself: it refuses a public address without
``--proxy-headers``, says when its port is taken, and stops on Ctrl+C.
"""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collab_console.cli.commands import COMMANDS
from collab_console.core.lobby import JOINED_TEXT
from collab_console.join_service.app import JoinService
from collab_console.join_service.server import BackgroundServer, is_loopback
from collab_console.store import Store
from tests.conftest import RunCli, cli_env
from tests.join.conftest import BASE, Clock, mint
from tests.join.test_service import HOSTILE_PATHS


@pytest.fixture
def running(service: JoinService) -> Iterator[BackgroundServer]:
    with BackgroundServer(service.app) as server:
        yield server


class Answer:
    """A response read off the wire: its status, headers (lower-case names) and body."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = [tuple(line.split(": ", 1)) for line in lines[1:]]

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)


def ask(
    server: BackgroundServer, method: str, path: str | bytes, headers: dict[str, str] | None = None
) -> Answer:
    """Send one request with ``path`` exactly as given (even bytes not ASCII); read the answer."""
    target = path if isinstance(path, bytes) else path.encode("utf-8")
    lines = [method.encode("ascii") + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in (headers or {}).items()]
    lines += [b"Content-Length: 0", b"Connection: close", b"", b""]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"\r\n".join(lines))
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return Answer(b"".join(chunks))


@pytest.mark.parametrize(
    "path", [p for p in HOSTILE_PATHS if p.isascii()] + ["/join/./", "/join/.%2e/", "*", "/join/%"]
)
def test_a_hostile_path_sent_as_it_is_is_a_plain_404(
    running: BackgroundServer, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    for method in ("GET", "POST"):
        response = ask(running, method, path)
        assert response.status == 404, (method, path)
        assert response.header("cache-control") == "no-store"
        assert response.header("referrer-policy") == "no-referrer"
        assert b"<h1>Page not found</h1>" in response.body
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "path",
    [
        b"/join/\xff\xfe",
        "/join/ＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡ".encode(),
        b"/join/a\x00b",
    ],
)
def test_a_path_that_is_not_ascii_is_refused_by_the_parser(
    running: BackgroundServer, path: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn's HTTP parser refuses it (400) before the service sees it: nothing to leak."""
    caplog.set_level(logging.INFO)

    response = ask(running, "GET", path)

    assert response.status in (400, 404)
    assert b"Traceback" not in response.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_server_keeps_the_token_out_of_its_log_and_says_nothing_of_itself(
    running: BackgroundServer, join_store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = mint(join_store, clock)

    opened = ask(running, "GET", BASE + token)
    joined = ask(running, "POST", BASE + token, {"Sec-Fetch-Site": "same-origin"})
    cookie = (joined.header("set-cookie") or "").split(";")[0]
    status = ask(running, "GET", BASE + "status", {"Cookie": cookie})

    assert opened.status == 200
    assert joined.status == 303
    assert status.status == 200
    for response in (opened, joined, status):
        assert response.header("server") is None
        assert token not in str(response.headers)
        assert token.encode("ascii") not in response.body
    lines = [f"{r.name} {r.getMessage()}" for r in caplog.records]
    assert any(f'"GET {BASE}… HTTP/1.1" 200' in line for line in lines)
    assert any(f'"POST {BASE}… HTTP/1.1" 303' in line for line in lines)
    assert not [line for line in lines if token in line or token[:10] in line]
    assert not [line for line in lines if line.startswith("uvicorn.access")]


def test_a_joined_browser_sees_it_over_a_kept_alive_connection(
    running: BackgroundServer, join_store: Store, clock: Clock
) -> None:
    token = mint(join_store, clock)
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    connection.request("POST", BASE + token, headers={"Origin": running.origin})
    joined = connection.getresponse()
    joined.read()
    cookie = (joined.getheader("set-cookie") or "").split(";")[0]
    connection.request("GET", BASE + "status", headers={"Cookie": cookie})
    page = connection.getresponse().read().decode("utf-8")
    connection.close()

    assert JOINED_TEXT in page


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "192.0.2.1", "example.com", "")))


# -- collab-console serve

needs_dispatch = pytest.mark.skipif(
    "serve" not in COMMANDS,
    reason="cli/commands.py does not dispatch `serve` to cli/serve_command.py yet",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@needs_dispatch
def test_serve_refuses_an_address_that_is_not_loopback(run_cli: RunCli) -> None:
    done = run_cli("--demo", "serve", "--host", "0.0.0.0")

    assert done.returncode == 2
    assert "--proxy-headers" in done.stderr
    assert "Traceback" not in done.stderr


@needs_dispatch
def test_serve_says_when_its_port_is_taken(run_cli: RunCli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = run_cli("--demo", "serve", "--port", str(taken.getsockname()[1]))

    assert done.returncode == 1
    assert "collab-console: cannot listen on 127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr


@needs_dispatch
def test_serve_answers_on_loopback_and_stops_on_ctrl_c(data_dir: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--demo", "serve", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(data_dir),
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"listening on http://127.0.0.1:{port}/join/" in line
        deadline = time.monotonic() + 10
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", BASE)
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "the service did not answer"
                time.sleep(0.05)
        assert response.status == 200
        assert "Join with a Session ID" in response.read().decode("utf-8")
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=15)
    assert process.returncode == 130
    assert "Traceback" not in errors
    assert f'"GET {BASE} HTTP/1.1" 200' in errors
    assert os.path.exists(data_dir / "collab-console.sqlite3")
