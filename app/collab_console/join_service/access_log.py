"""One access line per request, in the app's own log, without the token.

uvicorn's own access log is turned off (``server.py``): it writes the path
as requested, and the path of a Session URL is its token. This one names the
page instead, a link as ``/join/…``, any path the service does not serve as
``(another path)``, and never the query string, a header or a cookie::

    127.0.0.1 "GET /join/… HTTP/1.1" 200 1.4 ms

The lines go to the logger :data:`LOGGER_NAME` at INFO; ``collab-console
serve`` sends them to its log file (masked again there, by ``core.logs``)
and to standard error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER_NAME = "collab_console.join.access"


class AccessLog:
    """ASGI middleware: logs each HTTP request as one line once its answer has started.

    ``shown_path`` turns the raw request path into what the line may show; it
    must never return a token.
    """

    def __init__(self, app: ASGIApp, shown_path: Callable[[bytes], str]) -> None:
        self.app = app
        self.shown_path = shown_path
        self.logger = logging.getLogger(LOGGER_NAME)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            client = scope.get("client")
            raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
            self.logger.info(
                '%s "%s %s HTTP/%s" %d %.1f ms',
                client[0] if client else "-",
                scope.get("method", "-"),
                self.shown_path(raw_path),
                scope.get("http_version", "1.1"),
                status,
                (time.perf_counter() - started) * 1000,
            )
