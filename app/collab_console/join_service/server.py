"""uvicorn around the join service: the socket, the settings, and a server for tests.

The service speaks plain HTTP. On a loopback address that is the local demo
(a URL base of ``http://127.0.0.1:8765/join/``); anywhere else it must sit
behind a TLS reverse proxy, which ``collab-console serve`` insists on by
asking for ``--proxy-headers``. Only then are ``X-Forwarded-For`` and
``X-Forwarded-Proto`` believed, and only from the proxies named (loopback by
default): uvicorn takes the client's address as the nearest hop not a
trusted proxy, so a browser cannot pass itself off as another address by
sending the header itself.

uvicorn's access log is off (it would write the token, see
:mod:`.access_log`), it sends no ``Server`` header, and it configures no
logging of its own: its lines go where the app's go.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Sequence

import uvicorn
from starlette.types import ASGIApp

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Who may set ``X-Forwarded-*`` with ``--proxy-headers``, unless told otherwise.
LOOPBACK_PROXIES = ("127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (0: any free port), ready for uvicorn; OSError if not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    infos = socket.getaddrinfo(host.strip("[]"), port, family, socket.SOCK_STREAM)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def config(
    app: ASGIApp,
    *,
    proxy_headers: bool = False,
    trusted_proxies: Sequence[str] = LOOPBACK_PROXIES,
) -> uvicorn.Config:
    """uvicorn's settings for the join service (the socket is passed to ``Server.run``).

    uvicorn's access logger is also disabled outright: uvicorn writes its line
    whenever that logger has a handler anywhere (a test's log capture, a
    logging set-up that configures every logger), and its line has the token.
    """
    logging.getLogger("uvicorn.access").disabled = True
    return uvicorn.Config(
        app,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=list(trusted_proxies) if proxy_headers else [],
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,
    )


class BackgroundServer:
    """The service on a free loopback port, served from a thread: for tests and benchmarks.

    Use as a context manager; :attr:`origin` is ``http://127.0.0.1:PORT``.
    Never listens anywhere but 127.0.0.1.
    """

    def __init__(self, app: ASGIApp, *, port: int = 0) -> None:
        self._socket = listen("127.0.0.1", port)
        self.port: int = self._socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(config(app))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the join service did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
