"""What every answer of the join service carries, which forms it accepts, and its cookie.

* :class:`SecurityHeaders` puts the same headers on every response, errors
  included: no Referer leaves a page (so a token in the address never reaches
  another site), nothing is cached, nothing but the page's own stylesheet
  may load, and no other site may frame a page or post to it.
* :func:`cross_site_post` tells a form posted from another site, by the
  browser's ``Sec-Fetch-Site`` (every current browser sends it), else by
  ``Origin``. ``Origin`` alone cannot prove a post came from the service's own
  page: under ``Referrer-Policy: no-referrer`` a browser sends ``Origin:
  null`` for its own forms.
* The browser's cookie (:func:`new_cookie`) is 32 random bytes from
  :mod:`secrets`; the store only ever sees its SHA-256 (``core.links.token_hash``).
  A cookie given to a browser that waits in the lobby starts with
  :data:`WAITING_MARK`, so the service knows to give it a new one once the
  agent admits it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from collab_console.join_service.pages import STYLE_HASH

CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {STYLE_HASH}; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
#: On every response, whatever its status.
HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)
#: Over https only: browsers remember to use https for this host (a year; this host only).
HSTS = ("strict-transport-security", "max-age=31536000")

_ENCODED = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in HEADERS]
_ENCODED_HSTS = (HSTS[0].encode("latin-1"), HSTS[1].encode("latin-1"))
_OURS = frozenset(name for name, _ in _ENCODED) | {_ENCODED_HSTS[0]}


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every HTTP response (and HSTS over https).

    Headers of the same names set by the app inside are replaced, never doubled.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [pair for pair in message.get("headers", ()) if pair[0] not in _OURS]
                headers += _ENCODED
                if secure:
                    headers.append(_ENCODED_HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def own_origin(scheme: str, host_header: str) -> str:
    """``scheme://host[:port]`` as a browser writes it in ``Origin`` (default port left out)."""
    host = host_header.strip().lower()
    default = ":443" if scheme == "https" else ":80"
    if host.endswith(default):
        host = host[: -len(default)]
    return f"{scheme}://{host}"


def cross_site_post(headers: Mapping[str, str], *, scheme: str) -> bool:
    """True when a form post did not come from a page of this service.

    ``Sec-Fetch-Site`` decides when the browser sent it: only ``same-origin``
    passes. Without it, an ``Origin`` that is not this service's own (``null``
    included) is refused. A request with neither did not come from a browser
    page that could be forged (curl, a test client): nothing to protect there.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() != "same-origin"
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin.strip().lower() != own_origin(scheme, headers.get("host", ""))


#: The browser's cookie: ``__Secure-`` over https, so no plain-http page can set it.
COOKIE_NAME = "collab_join"
SECURE_COOKIE_NAME = "__Secure-collab_join"
#: Starts the cookie of a browser waiting in the lobby ('.' is no URL-safe base-64 character).
WAITING_MARK = "w."
#: A browser stays known for half a day, so a person who closed the tab can come back.
COOKIE_MAX_AGE_S = 12 * 60 * 60
_COOKIE_PATTERN = re.compile(r"(?:w\.)?[A-Za-z0-9_-]{43}", re.ASCII)


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def read_cookie(cookies: Mapping[str, str], *, secure: bool) -> str | None:
    """The browser's cookie when it has one of the service's form, else None."""
    value = cookies.get(cookie_name(secure))
    if value is None or not _COOKIE_PATTERN.fullmatch(value):
        return None
    return value


def new_cookie(*, waiting: bool = False) -> str:
    """A fresh random cookie: 32 bytes from :mod:`secrets`, marked when the browser waits."""
    value = secrets.token_urlsafe(32)
    return WAITING_MARK + value if waiting else value


def is_waiting_cookie(value: str) -> bool:
    return value.startswith(WAITING_MARK)
