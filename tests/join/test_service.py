"""The join service over HTTP (Starlette's TestClient), on a real store.

Every status code the service answers with, the headers every answer
carries, the cookie's flags, that opening a link never uses it, that forms
from other sites are refused, that no token reaches a log line, a header or
a page, and that hostile paths are a plain 404.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_AGENT,
    DEMO_ENDED_ID,
    DEMO_PARTICIPANT_IDS,
)
from collab_console.core.links import REFUSALS, LinkState, token_hash
from collab_console.core.lobby import (
    DENIED_TEXT,
    JOINED_TEXT,
    MAX_REQUESTS_PER_ADDRESS,
    WAITING_TEXT,
    JoinRoute,
    LobbyRefusal,
)
from collab_console.join_service import server
from collab_console.join_service.access_log import LOGGER_NAME as ACCESS_LOGGER
from collab_console.join_service.app import LOGGER_NAME, MAX_FORM_BYTES, JoinService
from collab_console.join_service.security import COOKIE_NAME, SECURE_COOKIE_NAME
from collab_console.store import Store
from collab_console.store.errors import StoreLockedError, StoreUnreadableError
from tests.join.conftest import AGENT, BASE, Clock, mint, seeded_store

STATUS = BASE + "status"
SECURITY_HEADERS = {
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


def cookie_of(response: Any, name: str = COOKIE_NAME) -> str:
    """The value the response sets for the service's cookie."""
    header = response.headers.get("set-cookie", "")
    match = re.match(rf"{re.escape(name)}=([^;]+)", header)
    assert match, f"no {name} cookie in {header!r}"
    return match.group(1)


def assert_guarded(response: Any) -> None:
    """The headers every answer of the service carries, whatever its status."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    assert "form-action 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    assert "server" not in response.headers


# -- a link, opened


def test_a_live_link_shows_whose_session_it_is_and_a_join_button(
    client: TestClient, token: str
) -> None:
    response = client.get(BASE + token)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert_guarded(response)
    page = response.text
    assert '<html lang="en">' in page
    assert "<h1>Join the session</h1>" in page
    assert "Dana Levi" in page
    assert DEMO_AGENT in page
    assert '<form method="post">' in page
    assert "Join the session</button>" in page
    # Nothing the agent alone should see: no contact, no ID, no agent's login.
    assert "+1 555" not in page
    assert DEMO_ACTIVE_ID not in page
    assert AGENT not in page
    assert token not in page


def test_a_participant_link_names_that_participant(
    client: TestClient, join_store: Store, clock: Clock
) -> None:
    token = mint(join_store, clock, DEMO_PARTICIPANT_IDS[1])

    page = client.get(BASE + token).text

    assert "Grace Kim" in page
    assert "Dana Levi" not in page


def test_opening_a_first_join_only_link_many_times_never_uses_it(
    tmp_path: Path, clock: Clock
) -> None:
    store = seeded_store(tmp_path / "first", link_first_join_only=True)
    try:
        token = mint(store, clock)
        service = JoinService(lambda: _reopen(store), clock=clock, threads=2)
        with TestClient(service.app, follow_redirects=False) as scanner:
            for _ in range(25):
                assert scanner.get(BASE + token).status_code == 200
                assert scanner.head(BASE + token).status_code == 200
        check = store.check_link(token, now=clock.now)
        assert check is not None
        assert check.state is LinkState.LIVE
        assert check.link.used_at is None

        with TestClient(service.app, follow_redirects=False) as person:
            assert person.post(BASE + token).status_code == 303
            assert JOINED_TEXT in person.get(STATUS).text
            # The browser that joined with it may come back through the link.
            back = person.get(BASE + token)
            assert (back.status_code, back.headers["location"]) == (303, STATUS)
        with TestClient(service.app, follow_redirects=False) as later:
            assert later.get(BASE + token).status_code == 410
        service.close()
    finally:
        store.close()


def _reopen(store: Store) -> Store:
    from collab_console.store import open_store

    return open_store(Path(store.location).parent)


def test_a_head_request_checks_only_and_sends_no_body(client: TestClient, token: str) -> None:
    response = client.head(BASE + token)

    assert response.status_code == 200
    assert response.content == b""
    assert_guarded(response)


@pytest.mark.parametrize(
    ("stop", "state"),
    [
        ("revoke", LinkState.REVOKED),
        ("expire", LinkState.EXPIRED),
        ("end", LinkState.ENDED),
    ],
)
def test_a_stopped_link_is_gone_and_says_why(
    client: TestClient, join_store: Store, clock: Clock, token: str, stop: str, state: LinkState
) -> None:
    if stop == "revoke":
        link = join_store.list_links(DEMO_ACTIVE_ID)[0]
        join_store.revoke_link(link.link_id, actor=AGENT, now=clock.now)
    elif stop == "expire":
        clock.advance(minutes=DEMO_COPIED_MINUTES + 1)
    else:
        join_store.end_session(DEMO_ACTIVE_ID, clock.now, actor=AGENT)

    for response in (client.get(BASE + token), client.post(BASE + token)):
        assert response.status_code == 410
        assert_guarded(response)
        assert f"<h1>{REFUSALS[state].title}</h1>" in response.text
        assert REFUSALS[state].text in response.text
        assert "set-cookie" not in response.headers


#: A copied link's lifetime in the demo settings (the default).
DEMO_COPIED_MINUTES = 30


def test_an_unknown_token_and_an_id_in_its_place_are_the_same_404(
    client: TestClient, token: str
) -> None:
    unknown = client.get(BASE + "A" * 24)
    by_id = client.get(BASE + DEMO_ACTIVE_ID)
    elsewhere = client.get("/elsewhere")

    for response in (unknown, by_id, elsewhere):
        assert response.status_code == 404
        assert_guarded(response)
    assert unknown.text == by_id.text == elsewhere.text
    assert "<h1>Page not found</h1>" in unknown.text
    assert client.post(BASE + "A" * 24).status_code == 404


#: Paths that name no page. The test client resolves ``..`` itself, so the paths
#: with it are sent as they are by ``test_real_server.py``.
HOSTILE_PATHS = [
    "/join/..",
    "/join/../join/",
    "/join/%2e%2e/",
    "/join/%2E%2E%2Fetc%2Fpasswd",
    "/join/..%2f..%2fetc%2fpasswd",
    "/join//",
    "/join/status/",
    "/join/STATUS",
    "/join/%73tatus",
    "/join/" + "A" * 23,
    "/join/" + "A" * 25,
    "/join/" + "A" * 24 + "/",
    "/join/" + "A" * 24 + "%00",
    "/join/" + "A" * 23 + "%41",
    "/join/" + "A" * 23 + "=",
    "/join/" + "x" * 5000,
    "/join/ＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡ",
    "/join/%EF%BC%A1" * 3,
    "/join/%C0%AE%C0%AE/",
    "/join/%ff%fe",
    "/JOIN/",
    "/join%2f",
    "/",
    "/favicon.ico",
    "/join/style.css",
]


@pytest.mark.parametrize("path", [path for path in HOSTILE_PATHS if "/.." not in path])
def test_a_malformed_path_is_a_plain_404(
    client: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        assert_guarded(response)
        assert "<h1>Page not found</h1>" in response.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_base_path_without_its_slash_leads_to_the_lobby(client: TestClient) -> None:
    response = client.get("/join")

    assert response.status_code == 308
    assert response.headers["location"] == BASE
    assert_guarded(response)


def test_other_methods_are_not_allowed(client: TestClient, token: str) -> None:
    for path, allow in (
        (BASE + token, "GET, HEAD, POST"),
        (BASE, "GET, HEAD, POST"),
        (STATUS, "GET, HEAD"),
    ):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"):
            response = client.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == allow
            assert_guarded(response)
    assert client.post(STATUS).status_code == 405


# -- a link, joined


def test_join_gives_the_browser_a_cookie_and_shows_it_joined(
    client: TestClient, join_store: Store, token: str
) -> None:
    response = client.post(BASE + token)

    assert response.status_code == 303
    assert response.headers["location"] == STATUS
    assert_guarded(response)
    cookie = cookie_of(response)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie)
    flags = [part.strip().lower() for part in response.headers["set-cookie"].split(";")[1:]]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert f"path={BASE}" in flags
    assert "secure" not in flags
    # The store knows the browser by the cookie's hash, never by the cookie.
    status = join_store.browser_status(token_hash(cookie))
    assert status is not None
    assert status.name == "Dana Levi"
    assert join_store.browser_status(cookie) is None

    page = client.get(STATUS)
    assert page.status_code == 200
    assert JOINED_TEXT in page.text
    assert "Dana Levi" in page.text
    assert 'http-equiv="refresh"' not in page.text


def test_the_same_browser_may_join_again(client: TestClient, token: str) -> None:
    first = cookie_of(client.post(BASE + token))

    again = client.post(BASE + token)

    assert again.status_code == 303
    assert cookie_of(again) == first
    assert JOINED_TEXT in client.get(STATUS).text


def test_a_second_browser_on_a_used_link_waits_in_the_lobby_marked_link_reused(
    service: JoinService, join_store: Store, clock: Clock, token: str
) -> None:
    with TestClient(service.app, follow_redirects=False) as first:
        assert first.post(BASE + token).status_code == 303
    with TestClient(service.app, follow_redirects=False) as second:
        response = second.post(BASE + token)
        assert response.status_code == 303
        assert response.headers["location"] == STATUS

        page = second.get(STATUS).text
        assert WAITING_TEXT in page
        assert "already used in another browser" in page
        assert '<meta http-equiv="refresh" content="2">' in page

        [request] = join_store.join_requests(DEMO_ACTIVE_ID)
        assert request.route is JoinRoute.LINK_REUSED
        join_store.decide_join(request.request_id, admit=False, actor=AGENT, now=clock.now)
        assert DENIED_TEXT in second.get(STATUS).text


def test_the_status_page_of_a_browser_without_a_cookie(client: TestClient) -> None:
    response = client.get(STATUS)

    assert response.status_code == 200
    assert_guarded(response)
    assert "<h1>Nothing to show yet</h1>" in response.text
    assert f'href="{BASE}"' in response.text


def test_a_forged_or_foreign_cookie_is_a_stranger(client: TestClient) -> None:
    client.cookies.set(COOKIE_NAME, "not-one-of-ours")
    assert "Nothing to show yet" in client.get(STATUS).text
    client.cookies.set(COOKIE_NAME, "A" * 43)
    assert "Nothing to show yet" in client.get(STATUS).text


def test_over_https_the_cookie_is_secure_and_host_bound_by_its_name(
    service: JoinService, token: str
) -> None:
    with TestClient(service.app, base_url="https://join.example", follow_redirects=False) as tls:
        response = tls.post(BASE + token)

        assert response.status_code == 303
        cookie_of(response, SECURE_COOKIE_NAME)
        assert "secure" in response.headers["set-cookie"].lower()
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        assert JOINED_TEXT in tls.get(STATUS).text


def test_forwarded_headers_count_only_with_proxy_headers(
    service: JoinService, join_store: Store, token: str
) -> None:
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7"}
    plain = server.config(service.app)
    plain.load()
    with TestClient(plain.loaded_app, follow_redirects=False) as direct:
        response = direct.post(BASE, data=_lobby_form(), headers=forwarded)
        assert response.status_code == 303
        assert "secure" not in response.headers["set-cookie"].lower()

    proxied = server.config(service.app, proxy_headers=True, trusted_proxies=["testclient"])
    proxied.load()
    with TestClient(proxied.loaded_app, follow_redirects=False) as behind_proxy:
        response = behind_proxy.post(BASE, data=_lobby_form(), headers=forwarded)
        assert response.status_code == 303
        cookie_of(response, SECURE_COOKIE_NAME)

    addresses = {request.address for request in join_store.join_requests(DEMO_ACTIVE_ID)}
    assert addresses == {"testclient", "203.0.113.7"}


# -- forms from elsewhere


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "none"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "http://testserver.evil.example"},
        {"sec-fetch-site": "cross-site", "origin": "http://testserver"},
    ],
)
def test_a_form_posted_from_another_site_is_refused(
    client: TestClient, join_store: Store, clock: Clock, token: str, headers: dict[str, str]
) -> None:
    for path, data in ((BASE + token, None), (BASE, _lobby_form())):
        response = client.post(path, data=data, headers=headers)
        assert response.status_code == 403, path
        assert_guarded(response)
        assert "set-cookie" not in response.headers

    check = join_store.check_link(token, now=clock.now)
    assert check is not None
    assert check.link.used_at is None
    assert join_store.join_requests(DEMO_ACTIVE_ID) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"sec-fetch-site": "same-origin", "origin": "null"},  # Chromium under no-referrer
        {"origin": "http://testserver"},
    ],
)
def test_a_form_from_the_service_itself_is_taken(
    client: TestClient, token: str, headers: dict[str, str]
) -> None:
    assert client.post(BASE + token, headers=headers).status_code == 303


# -- the lobby


def _lobby_form(session_id: str = DEMO_ACTIVE_ID, name: str = "Dana Levi") -> dict[str, str]:
    return {"session_id": session_id, "name": name}


def test_the_lobby_form_asks_for_the_id_and_a_name(client: TestClient) -> None:
    response = client.get(BASE)

    assert response.status_code == 200
    assert_guarded(response)
    page = response.text
    assert "<h1>Join with a Session ID</h1>" in page
    assert '<label for="session_id">Session ID</label>' in page
    assert '<label for="name">Your name</label>' in page
    assert 'autocomplete="name"' in page


def test_asking_by_id_waits_until_the_agent_admits(
    client: TestClient, join_store: Store, clock: Clock
) -> None:
    response = client.post(BASE, data=_lobby_form(" 7qkm92hx ", "Dana  Levi"))

    assert response.status_code == 303
    assert response.headers["location"] == STATUS
    waiting_cookie = cookie_of(response)
    assert waiting_cookie.startswith("w.")
    page = client.get(STATUS).text
    assert WAITING_TEXT in page
    assert "already used" not in page
    assert '<meta http-equiv="refresh" content="2">' in page

    [request] = join_store.join_requests(DEMO_ACTIVE_ID)
    assert request.name == "Dana Levi"
    assert request.route is JoinRoute.BY_ID
    join_store.decide_join(request.request_id, admit=True, actor=AGENT, now=clock.now)

    joined = client.get(STATUS)
    assert JOINED_TEXT in joined.text
    assert 'http-equiv="refresh"' not in joined.text


def test_an_admitted_browser_gets_a_new_cookie_and_the_old_one_is_worth_nothing(
    client: TestClient, join_store: Store, clock: Clock
) -> None:
    waiting = cookie_of(client.post(BASE, data=_lobby_form()))
    assert client.get(STATUS).headers.get("set-cookie") is None  # still waiting
    [request] = join_store.join_requests(DEMO_ACTIVE_ID)
    join_store.decide_join(request.request_id, admit=True, actor=AGENT, now=clock.now)

    response = client.get(STATUS)

    assert JOINED_TEXT in response.text
    renewed = cookie_of(response)
    assert renewed != waiting
    assert not renewed.startswith("w.")
    assert "httponly" in response.headers["set-cookie"].lower()
    assert join_store.browser_status(token_hash(waiting)) is None
    again = client.get(STATUS)  # the client now sends the new cookie
    assert JOINED_TEXT in again.text
    assert again.headers.get("set-cookie") is None
    with TestClient(client.app, follow_redirects=False) as thief:
        thief.cookies.set(COOKIE_NAME, waiting)
        assert "Nothing to show yet" in thief.get(STATUS).text


def test_a_cookie_the_browser_brought_is_replaced_when_it_joins_with_a_link(
    client: TestClient, join_store: Store, token: str
) -> None:
    brought = cookie_of(client.post(BASE, data=_lobby_form()))  # asked by ID first

    joined = client.post(BASE + token)

    assert joined.status_code == 303
    renewed = cookie_of(joined)
    assert renewed != brought
    assert not renewed.startswith("w.")
    assert join_store.browser_status(token_hash(brought)) is None
    assert JOINED_TEXT in client.get(STATUS).text


def test_a_browser_that_reuses_a_link_waits_marked_and_is_renewed_when_admitted(
    service: JoinService, join_store: Store, clock: Clock, token: str
) -> None:
    with TestClient(service.app, follow_redirects=False) as first:
        first.post(BASE + token)
    other = mint(join_store, clock, DEMO_PARTICIPANT_IDS[0])
    with TestClient(service.app, follow_redirects=False) as second:
        plain = cookie_of(second.post(BASE + other))  # in, as Omar Haddad

        response = second.post(BASE + token)  # Dana Levi's link, used by the first browser

        marked = cookie_of(response)
        assert marked.startswith("w.")
        assert join_store.browser_status(token_hash(plain)) is None
        assert WAITING_TEXT in second.get(STATUS).text
        [request] = join_store.join_requests(DEMO_ACTIVE_ID)
        join_store.decide_join(request.request_id, admit=True, actor=AGENT, now=clock.now)
        admitted = second.get(STATUS)
        assert JOINED_TEXT in admitted.text
        assert not cookie_of(admitted).startswith("w.")


@pytest.mark.parametrize(
    ("stop", "state"), [("revoke", LinkState.REVOKED), ("end", LinkState.ENDED)]
)
def test_a_joined_browser_is_told_when_its_link_or_session_stops(
    client: TestClient, join_store: Store, clock: Clock, token: str, stop: str, state: LinkState
) -> None:
    client.post(BASE + token)
    assert JOINED_TEXT in client.get(STATUS).text

    if stop == "revoke":
        [link] = join_store.list_links(DEMO_ACTIVE_ID)
        join_store.revoke_link(link.link_id, actor=AGENT, now=clock.now)
    else:
        join_store.end_session(DEMO_ACTIVE_ID, clock.now, actor=AGENT)
    page = client.get(STATUS).text

    assert f"<h1>{REFUSALS[state].title}</h1>" in page
    assert REFUSALS[state].text in page
    assert JOINED_TEXT not in page


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        (_lobby_form("7QKM"), 400, "That is not a Session ID"),
        (_lobby_form("7QKM-92HX-P1"), 400, "That is not a Session ID"),
        (_lobby_form(name=""), 400, "Enter your name"),
        (_lobby_form(name="\u202eevil"), 400, "text-direction"),
        (_lobby_form("ZZZZ-ZZZZ"), 404, LobbyRefusal.UNKNOWN_ID.sentence),
        (_lobby_form(DEMO_ENDED_ID), 410, LobbyRefusal.ENDED.sentence),
        ({}, 400, "That is not a Session ID"),
    ],
)
def test_a_lobby_request_that_cannot_be_made_says_why(
    client: TestClient, form: dict[str, str], status: int, words: str
) -> None:
    response = client.post(BASE, data=form)

    assert response.status_code == status
    assert_guarded(response)
    assert words in response.text
    assert 'role="alert"' in response.text
    assert "set-cookie" not in response.headers


def test_a_locked_lobby_takes_no_request(
    client: TestClient, join_store: Store, clock: Clock
) -> None:
    join_store.set_lobby_locked(DEMO_ACTIVE_ID, True, actor=AGENT, now=clock.now)

    response = client.post(BASE, data=_lobby_form())

    assert response.status_code == 403
    assert LobbyRefusal.LOCKED.sentence in response.text


def test_too_many_requests_from_one_address_wait(client: TestClient) -> None:
    statuses = [
        client.post(BASE, data=_lobby_form("ZZZZ-ZZZZ")).status_code
        for _ in range(MAX_REQUESTS_PER_ADDRESS + 1)
    ]

    assert statuses[-1] == 429
    response = client.post(BASE, data=_lobby_form())
    assert response.status_code == 429
    assert response.headers["retry-after"] == "600"
    assert LobbyRefusal.RATE_LIMITED.sentence in response.text


def test_a_form_too_large_or_not_text_is_refused(client: TestClient) -> None:
    large = client.post(
        BASE,
        content=b"name=" + b"a" * (MAX_FORM_BYTES + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    binary = client.post(
        BASE,
        content=b"name=%ff%fe&session_id=7QKM-92HX",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert large.status_code == 413
    assert binary.status_code == 400
    for response in (large, binary):
        assert_guarded(response)


def test_what_a_person_types_is_escaped(client: TestClient) -> None:
    response = client.post(BASE, data=_lobby_form("<script>", '"><b>x</b>'))

    assert response.status_code == 400
    assert "<script>" not in response.text
    assert "<b>x</b>" not in response.text
    assert "&lt;script&gt;" in response.text


# -- the token stays out of logs, headers and pages


def test_no_token_in_any_log_line_header_or_page(
    service: JoinService,
    join_store: Store,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    tokens = [mint(join_store, clock), mint(join_store, clock)]
    responses = []
    with (
        TestClient(service.app, follow_redirects=True) as first,
        TestClient(service.app, follow_redirects=True) as second,
    ):
        for token in tokens:
            responses += [first.get(BASE + token), first.head(BASE + token)]
            responses += [first.post(BASE + token), second.post(BASE + token)]
            responses += [first.get(BASE + token + "?utm=1"), first.get(BASE + token + "/x")]
            responses += [second.post(BASE + token, headers={"sec-fetch-site": "cross-site"})]
        join_store.revoke_link(
            join_store.list_links(DEMO_ACTIVE_ID)[0].link_id, actor=AGENT, now=clock.now
        )
        responses += [first.get(BASE + token) for token in tokens]

    seen = [f"{r.status_code} {r.headers} {r.text}" for r in responses]
    seen += [f"{earlier.headers} {earlier.text}" for r in responses for earlier in r.history]
    access = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(access) >= len(responses)
    assert any(f'"GET {BASE}… HTTP/1.1" 200' in line for line in access)
    assert any(f'"POST {BASE}… HTTP/1.1" 303' in line for line in access)
    ours = [f"{r.getMessage()} {r.exc_text}" for r in caplog.records if _ours(r)]
    for token in tokens:
        for text in [*seen, *ours]:
            assert token not in text
            assert token[:12] not in text


def _ours(record: logging.LogRecord) -> bool:
    """A line of the app's (not the test client's, which logs the URLs it asks for)."""
    return record.name.startswith("collab_console")


# -- when the store fails


def test_a_store_that_cannot_be_opened_is_a_503_and_one_log_line(
    make_service: Callable[..., JoinService], caplog: pytest.LogCaptureFixture
) -> None:
    def unusable() -> Store:
        raise StoreUnreadableError("Cannot open the store /somewhere: disk I/O error.")

    caplog.set_level(logging.INFO)
    service = make_service(unusable)
    with TestClient(service.app) as client:
        response = client.get(BASE + "A" * 24)

    assert response.status_code == 503
    assert_guarded(response)
    assert "<h1>Please try again in a minute</h1>" in response.text
    assert "disk I/O" not in response.text
    assert "Traceback" not in response.text
    problems = [r for r in caplog.records if r.name == LOGGER_NAME and r.levelno >= logging.WARNING]
    assert len(problems) == 1
    assert problems[0].exc_info is None


@pytest.mark.parametrize("method", ["check_link", "redeem_link", "browser_status", "request_join"])
def test_a_store_failing_mid_request_is_a_503(
    make_service: Callable[..., JoinService],
    data_dir: Path,
    join_store: Store,
    token: str,
    method: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Locked:
        def __init__(self) -> None:
            from collab_console.store import open_store

            self.store = open_store(data_dir)

        def __getattr__(self, name: str) -> Any:
            if name == method:
                raise StoreLockedError("Could not read: the store is locked by another program.")
            return getattr(self.store, name)

    caplog.set_level(logging.INFO)
    service = make_service(Locked)
    with TestClient(service.app, follow_redirects=False) as client:
        client.cookies.set(COOKIE_NAME, "A" * 43)
        response = {
            "check_link": lambda: client.get(BASE + token),
            "redeem_link": lambda: client.post(BASE + token),
            "browser_status": lambda: client.get(STATUS),
            "request_join": lambda: client.post(BASE, data=_lobby_form()),
        }[method]()

    assert response.status_code == 503
    assert_guarded(response)
    assert "locked" not in response.text
    assert "set-cookie" not in response.headers
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1
    assert not [r for r in caplog.records if _ours(r) and token in r.getMessage()]


def test_a_bug_is_a_500_page_without_a_traceback(
    make_service: Callable[..., JoinService], data_dir: Path, join_store: Store, token: str
) -> None:
    class Broken:
        def __init__(self) -> None:
            from collab_console.store import open_store

            self.store = open_store(data_dir)

        def __getattr__(self, name: str) -> Any:
            if name == "check_link":
                raise ZeroDivisionError("a bug")
            return getattr(self.store, name)

    service = make_service(Broken)
    with TestClient(service.app) as client:
        response = client.get(BASE + token)

    assert response.status_code == 500
    assert_guarded(response)
    assert "ZeroDivisionError" not in response.text
    assert "Traceback" not in response.text
