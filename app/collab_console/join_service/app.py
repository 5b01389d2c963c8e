"""The join service: what a browser may do with a Session URL or a Session ID.

:class:`JoinService` answers every request with one of the pages of
:mod:`.pages`, after asking the store through :class:`.workers.StoreWorkers`.
The rules it keeps:

* ``GET`` (and ``HEAD``) of a link only checks it (``Store.check_link``):
  a mail gateway's scanner or a chat preview opens a link and uses nothing up.
  Only the *Join* button, a ``POST`` from the page itself, redeems it.
* A form posted from another site is refused (403) before anything is read.
* The browser's cookie is random; the store gets its hash only. It is
  HttpOnly, SameSite=Lax, limited to the base path, and Secure (and named
  ``__Secure-…``) when the request came over https. A browser that waited in
  the lobby gets a new cookie once it is admitted, and one that brought a
  cookie gets a new one when it joins with a link (``Store.renew_browser``):
  a cookie seen or planted before is worth nothing after.
* Any store failure is a 503 page with one sentence and one log line; any
  other failure a 500 page and a logged traceback. The person never sees
  either's details.

The URL base is read from the store's settings, again every
:data:`SETTINGS_EVERY_S` seconds, so a new base applies without a restart.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from collab_console.core.errors import ValidationError
from collab_console.core.links import LinkCheck, LinkState, RedeemResult, token_hash
from collab_console.core.lobby import (
    MAX_NAME_LENGTH,
    BrowserState,
    BrowserStatus,
    JoinRequest,
    JoinRoute,
    LobbyRefusal,
)
from collab_console.core.text import clean_name, normalise_session_id
from collab_console.join_service import pages
from collab_console.join_service.access_log import AccessLog
from collab_console.join_service.paths import JoinPaths, Page
from collab_console.join_service.security import (
    COOKIE_MAX_AGE_S,
    SecurityHeaders,
    cookie_name,
    cross_site_post,
    is_waiting_cookie,
    new_cookie,
    read_cookie,
)
from collab_console.join_service.workers import DEFAULT_THREADS, StoreWorkers
from collab_console.store.errors import StoreError
from collab_console.store.interface import Store

LOGGER_NAME = "collab_console.join"
#: How often the URL base is read again from the store's settings.
SETTINGS_EVERY_S = 10.0
#: A lobby form is two short fields; a larger body is refused unread (413).
MAX_FORM_BYTES = 4096

#: A store failure of any kind: the person reads one sentence, the log gets one line.
STORE_FAILURES = (StoreError, sqlite3.Error)

_GET = ("GET", "HEAD")
_LOBBY_STATUS = {
    LobbyRefusal.RATE_LIMITED: 429,
    LobbyRefusal.LOCKED: 403,
    LobbyRefusal.UNKNOWN_ID: 404,
    LobbyRefusal.ENDED: 410,
}
_BAD_ID = "That is not a Session ID: it looks like 7QKM-92HX."
_UNAVAILABLE = (
    "Please try again in a minute",
    "The session service cannot be reached right now.",
)
_BROKEN = ("Please try again in a minute", "Something went wrong on our side.")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class JoinService:
    """The join service, as an ASGI application (:attr:`app`) for uvicorn or a test client.

    ``open_store`` makes a store for one worker thread (see :class:`StoreWorkers`);
    ``clock`` gives the time the store is asked about (links expire by it).
    Never puts a token in a page, a header or a log line, and never
    redeems a link on a GET.
    """

    def __init__(
        self,
        open_store: Callable[[], Store],
        *,
        clock: Callable[[], datetime] = _utc_now,
        threads: int = DEFAULT_THREADS,
        settings_every_s: float = SETTINGS_EVERY_S,
    ) -> None:
        self.workers = StoreWorkers(open_store, threads=threads)
        self.clock = clock
        self.settings_every_s = settings_every_s
        self.logger = logging.getLogger(LOGGER_NAME)
        self._paths: JoinPaths | None = None
        self._paths_read_at = -settings_every_s
        starlette = Starlette(
            # An ASGI endpoint takes every method: the service answers 405 itself, as a page.
            routes=[Route("/{path:path}", _AnyMethod(request_response(self._dispatch)))],
            exception_handlers={HTTPException: self._http_exception},
            lifespan=self._lifespan,
        )
        self.app: ASGIApp = SecurityHeaders(AccessLog(starlette, self.shown_path))

    # -- around the requests

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        yield
        self.close()

    def close(self) -> None:
        """Close the stores of the worker threads (after the calls under way)."""
        self.workers.close()

    def shown_path(self, raw_path: bytes) -> str:
        """What the access log may show of a request path: never a token."""
        paths = self._paths
        if paths is None:
            return "(a path)"
        return paths.shown(paths.route(raw_path)[0])

    def paths(self) -> JoinPaths:
        """The pages under the URL base now in force, read from the store now (for start-up)."""
        paths = JoinPaths.from_url_base(self.workers.run_now(_url_base))
        self._paths = paths
        self._paths_read_at = time.monotonic()
        return paths

    async def _current_paths(self) -> JoinPaths:
        now = time.monotonic()
        if self._paths is not None and now - self._paths_read_at < self.settings_every_s:
            return self._paths
        self._paths_read_at = now
        try:
            base = await self.workers.run(_url_base)
        except STORE_FAILURES as exc:
            if self._paths is None:
                raise
            self.logger.warning("join service: kept the URL base; the store failed: %s", exc)
            return self._paths
        if self._paths is None or JoinPaths.from_url_base(base).base != self._paths.base:
            self._paths = JoinPaths.from_url_base(base)
            self.logger.info("join service: answering under %s", self._paths.base)
        return self._paths

    async def _dispatch(self, request: Request) -> Response:
        try:
            paths = await self._current_paths()
            raw_path = request.scope.get("raw_path") or request.url.path.encode("utf-8")
            page, token = paths.route(raw_path)
            return await self._answer(request, paths, page, token)
        except STORE_FAILURES as exc:
            self.logger.warning(
                "join service: the store failed on %s %s: %s",
                request.method,
                self.shown_path(request.scope.get("raw_path", b"")),
                exc,
            )
            return _html(pages.problem_page(*_UNAVAILABLE), 503)
        except Exception:
            self.logger.error(
                "join service: internal error on %s %s",
                request.method,
                self.shown_path(request.scope.get("raw_path", b"")),
                exc_info=True,
            )
            return _html(pages.problem_page(*_BROKEN), 500)

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        """Starlette's own refusals (a path no route takes): the service's pages, not plain text."""
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            lobby = self._paths.base if self._paths is not None else "/"
            return _html(pages.not_found_page(lobby), 404)
        return _html(pages.problem_page(*_BROKEN), status)

    async def _answer(self, request: Request, paths: JoinPaths, page: Page, token: str) -> Response:
        method = request.method
        if page is Page.NOT_FOUND:
            return _html(pages.not_found_page(paths.base), 404)
        if page is Page.BASE_WITHOUT_SLASH:
            return RedirectResponse(paths.base, status_code=308)
        if page is Page.STATUS:
            if method in _GET:
                return await self._status(request, paths)
            return _not_allowed("GET, HEAD")
        if method not in (*_GET, "POST"):
            return _not_allowed("GET, HEAD, POST")
        if method == "POST" and cross_site_post(request.headers, scheme=_scheme(request)):
            return _html(
                pages.problem_page(
                    "This form cannot be sent from here",
                    "Open the page again and use its own button.",
                ),
                403,
            )
        if page is Page.LINK:
            if method == "POST":
                return await self._join(request, paths, token)
            return await self._open_link(request, paths, token)
        if method == "POST":
            return await self._ask_to_join(request, paths)
        return _html(pages.lobby_page())

    # -- the pages

    async def _open_link(self, request: Request, paths: JoinPaths, token: str) -> Response:
        now = self.clock()
        check = await self.workers.run(lambda store: store.check_link(token, now=now))
        if check is None:
            return _html(pages.not_found_page(self._base()), 404)
        if check.state is LinkState.USED and await self._joined_with(request, check):
            # The browser that joined with a first-join-only link may come back.
            return RedirectResponse(paths.status, status_code=303)
        if check.state is not LinkState.LIVE:
            return _html(pages.refused_page(check.state), 410)
        return _html(pages.link_page(check.page))

    async def _joined_with(self, request: Request, check: LinkCheck) -> bool:
        """Whether this request's browser joined ``check``'s session with a link, as the
        link's person."""
        cookie = read_cookie(request.cookies, secure=_scheme(request) == "https")
        if cookie is None:
            return False
        browser, now = token_hash(cookie), self.clock()
        status = await self.workers.run(lambda store: store.browser_status(browser, now=now))
        return (
            status is not None
            and status.state is BrowserState.JOINED
            and status.session_id == check.link.session_id
            and status.name == check.page.person_name
            and status.request_id is None
        )

    async def _join(self, request: Request, paths: JoinPaths, token: str) -> Response:
        secure = _scheme(request) == "https"
        had = read_cookie(request.cookies, secure=secure)
        cookie = had or new_cookie()
        browser = token_hash(cookie)
        address = _address(request)
        now = self.clock()
        redemption = await self.workers.run(
            lambda store: store.redeem_link(token, browser=browser, address=address, now=now)
        )
        if redemption is None:
            return _html(pages.not_found_page(paths.base), 404)
        if redemption.result is RedeemResult.REFUSED:
            return _html(pages.refused_page(redemption.state), 410)
        if redemption.result is RedeemResult.JOINED and had is not None:
            # A cookie the browser brought is replaced once it joins: nobody who
            # planted or saw it beforehand is in the session with it.
            cookie = await self._renew(cookie, waiting=False) or cookie
        elif redemption.result is RedeemResult.LOBBY and not is_waiting_cookie(cookie):
            # Marked as waiting, so it is renewed once the agent admits it.
            cookie = await self._renew(cookie, waiting=True) or cookie
        return self._to_status(paths, cookie, secure)

    async def _ask_to_join(self, request: Request, paths: JoinPaths) -> Response:
        form = await _read_form(request)
        if isinstance(form, int):
            return _html(
                pages.problem_page(
                    "This form could not be read", "Open the page again and fill it in there."
                ),
                form,
            )
        typed, name = form.get("session_id", "")[:40], form.get("name", "")[:200]
        try:
            session_id = normalise_session_id(typed)
        except ValidationError:
            # The form comes back with what was typed, less what cannot be seen (control
            # and formatting characters), so the person can see what to fix.
            return _html(
                pages.lobby_page(
                    session_id=_visible(typed),
                    name=_visible(name),
                    error=_BAD_ID,
                    error_field="session_id",
                ),
                400,
            )
        try:
            name = clean_name(name, what="your name", max_length=MAX_NAME_LENGTH)
        except ValidationError as exc:
            return _html(
                pages.lobby_page(
                    session_id=session_id,
                    name=_visible(name),
                    error=exc.sentence,
                    error_field="name",
                ),
                400,
            )
        secure = _scheme(request) == "https"
        cookie = new_cookie(waiting=True)
        browser = token_hash(cookie)
        address = _address(request)
        now = self.clock()

        def ask(store: Store) -> JoinRequest | LobbyRefusal | ValidationError:
            try:
                return store.request_join(
                    session_id, name, browser=browser, address=address, now=now
                )
            except ValidationError as exc:  # the store's own check of the name
                return exc

        outcome = await self.workers.run(ask)
        if isinstance(outcome, ValidationError):
            return _html(
                pages.lobby_page(
                    session_id=session_id, name=name, error=outcome.sentence, error_field="name"
                ),
                400,
            )
        if isinstance(outcome, LobbyRefusal):
            field = "session_id" if outcome is LobbyRefusal.UNKNOWN_ID else ""
            response = _html(
                pages.lobby_page(
                    session_id=session_id, name=name, error=outcome.sentence, error_field=field
                ),
                _LOBBY_STATUS[outcome],
            )
            if outcome is LobbyRefusal.RATE_LIMITED:
                response.headers["retry-after"] = "600"
            return response
        return self._to_status(paths, cookie, secure)

    async def _status(self, request: Request, paths: JoinPaths) -> Response:
        secure = _scheme(request) == "https"
        cookie = read_cookie(request.cookies, secure=secure)
        if cookie is None:
            return _html(pages.status_page(None, reused=False, lobby_path=paths.base))
        browser, now = token_hash(cookie), self.clock()
        status, reused = await self.workers.run(lambda store: _standing(store, browser, now))
        response = _html(pages.status_page(status, reused=reused, lobby_path=paths.base))
        if (
            status is not None
            and status.state is BrowserState.JOINED
            and is_waiting_cookie(cookie)
            and request.method == "GET"
        ):
            renewed = await self._renew(cookie, waiting=False)
            if renewed is not None:
                _set_cookie(response, paths, renewed, secure)
        return response

    # -- helpers

    async def _renew(self, cookie: str, *, waiting: bool) -> str | None:
        """A new cookie for the browser known by ``cookie``, or None when the store cannot."""
        fresh = new_cookie(waiting=waiting)
        old, new, now = token_hash(cookie), token_hash(fresh), self.clock()

        renewed = await self.workers.run(lambda store: store.renew_browser(old, new, now=now))
        return fresh if renewed else None

    def _to_status(self, paths: JoinPaths, cookie: str, secure: bool) -> Response:
        response = RedirectResponse(paths.status, status_code=303)
        _set_cookie(response, paths, cookie, secure)
        return response

    def _base(self) -> str:
        return self._paths.base if self._paths is not None else "/"


class _AnyMethod:
    """An ASGI endpoint, which Starlette routes whatever the method (a function it would
    route for GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _visible(text: str) -> str:
    """``text`` without control, formatting, separator or surrogate characters."""
    import unicodedata

    return "".join(
        char for char in text if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs")
    )


def _url_base(store: Store) -> str:
    return store.load_settings().session_url_base


def _standing(store: Store, browser: str, now: datetime) -> tuple[BrowserStatus | None, bool]:
    """Where the browser stands, and whether it waits because its link was used elsewhere."""
    status = store.browser_status(browser, now=now)
    return status, status is not None and status.route is JoinRoute.LINK_REUSED


async def _read_form(request: Request) -> dict[str, str] | int:
    """The fields of a url-encoded form (the first of each name), or the status to refuse
    it with: 413 when it is too large, 400 when it is not text. A body of another type
    counts as an empty form."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return 413
    if kind != "application/x-www-form-urlencoded":
        return {}
    try:
        text = body.decode("ascii")
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=10, errors="strict")
    except ValueError:  # not ASCII, not UTF-8 once decoded, or too many fields
        return 400
    return {name: values[0] for name, values in fields.items()}


def _scheme(request: Request) -> str:
    return str(request.scope.get("scheme", "http"))


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _html(text: str, status: int = 200) -> Response:
    return HTMLResponse(text, status_code=status)


def _not_allowed(allow: str) -> Response:
    response = _html(
        pages.problem_page("This page cannot do that", "Go back and use the page's own button."),
        405,
    )
    response.headers["allow"] = allow
    return response


def _set_cookie(response: Response, paths: JoinPaths, cookie: str, secure: bool) -> None:
    response.set_cookie(
        cookie_name(secure),
        cookie,
        max_age=COOKIE_MAX_AGE_S,
        path=paths.base,
        secure=secure,
        httponly=True,
        samesite="lax",
    )
