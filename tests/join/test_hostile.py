"""The join service as an attacker meets it: hypothesis-made requests, guesses, stolen values.

Whatever is sent (a path under the base or outside it, any method, any
query string, hostile headers and cookies, any lobby form) the answer is one
of the service's own HTML pages with a known status and the security
headers, never a traceback, never a live link's token, and no live link is
used up by it. Guessing gets no oracle: a token one character off, a Session
ID or a participant's ID in the URL is the same 404 as any unknown token,
and a rate-limited address learns nothing about which IDs exist.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import REFUSALS, LinkCheck, LinkState, token_hash
from collab_console.core.lobby import MAX_REQUESTS_PER_ADDRESS, LobbyRefusal
from collab_console.join_service.app import JoinService
from collab_console.join_service.security import COOKIE_NAME, SECURE_COOKIE_NAME
from collab_console.store import Store
from tests.join.conftest import AGENT, BASE, Clock, mint

STATUS = BASE + "status"
#: Every status the service answers with on purpose (500 and 503 are failures here).
KNOWN_STATUSES = frozenset({200, 303, 308, 400, 403, 404, 405, 410, 413, 429})
SECURITY_HEADERS = {
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO")
#: Characters a name may hide behind: controls, bidi overrides and isolates, zero widths.
SNEAKY = (
    "\x00\x07\x08\x1b\x7f\u0085\u200b\u200e\u200f\u202a\u202b\u202d\u202e\u2066\u2067\u2069\ufeff"
)
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Links:
    """The live links of the test (the customer's and a participant's) and a revoked one."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store, self.clock = store, clock
        self.live = [mint(store, clock), mint(store, clock, DEMO_PARTICIPANT_IDS[0])]
        self.revoked = mint(store, clock, DEMO_PARTICIPANT_IDS[1])
        revoked = store.check_link(self.revoked, now=clock.now)
        assert revoked is not None
        store.revoke_link(revoked.link.link_id, actor=AGENT, now=clock.now)

    def states(self) -> list[LinkCheck | None]:
        return [self.store.check_link(token, now=self.clock.now) for token in self.live]


@pytest.fixture
def links(join_store: Store, clock: Clock) -> Links:
    return Links(join_store, clock)


@pytest.fixture
def browser(service: JoinService) -> Iterator[TestClient]:
    with TestClient(service.app, follow_redirects=False) as test_client:
        yield test_client


def assert_a_page_of_ours(response: Any, links: Links) -> None:
    """What a browser may see of any answer: a known status, the headers, no secret, no bug."""
    assert response.status_code in KNOWN_STATUSES, (response.status_code, response.text[:300])
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers.get("content-security-policy", "")
    assert policy.startswith("default-src 'none'"), policy
    assert "frame-ancestors 'none'" in policy
    text = response.text
    if text:
        assert response.headers["content-type"].startswith("text/html"), response.headers
        assert text.startswith("<!doctype html>"), text[:200]
    else:
        assert response.request.method == "HEAD" or response.status_code in (303, 308)
    seen = f"{response.headers} {text}"
    for secret in links.live:
        assert secret not in seen, "a live link's token is on the page or in a header"
    for leak in ("Traceback", "Internal Server Error", 'File "', "sqlite", "Exception"):
        assert leak not in seen, leak
    assert "<script" not in text.lower()


# -- strategies ------------------------------------------------------------------------------------

_segment = st.sampled_from(
    ["", ".", "..", "%2e%2e", "%2E", "%2f", "%5c", "\\", "status", "join", "JOIN", "A" * 24]
)
_text_path = st.text(max_size=60).map(lambda text: quote(text, safe="/"))
_byte_path = st.binary(max_size=60).map(lambda raw: quote(raw, safe=""))
_long_path = st.integers(min_value=25, max_value=6000).map(lambda n: "A" * n)


@st.composite
def hostile_paths(draw: st.DrawFn, links: Links) -> str:
    """A path under the base or outside it that names no live link."""
    kind = draw(st.sampled_from(["bytes", "text", "segments", "long", "off-by-one", "revoked"]))
    if kind == "bytes":
        tail = draw(_byte_path)
    elif kind == "text":
        tail = draw(_text_path)
    elif kind == "segments":
        tail = "/".join(draw(st.lists(_segment, min_size=1, max_size=6)))
    elif kind == "long":
        tail = draw(_long_path)
    elif kind == "off-by-one":
        tail = draw(one_character_off(draw(st.sampled_from(links.live))))
    else:
        tail = draw(other_cases(links.revoked))
    prefix = draw(st.sampled_from([BASE, BASE, "/", "//", "/JOIN/", "/join", "/join//", "/x/"]))
    path = prefix + tail
    assert all(path != BASE + token for token in links.live)
    return path


def one_character_off(token: str) -> st.SearchStrategy[str]:
    return (
        st.tuples(st.integers(0, len(token) - 1), st.sampled_from(TOKEN_ALPHABET))
        .filter(lambda change: token[change[0]] != change[1])
        .map(lambda change: token[: change[0]] + change[1] + token[change[0] + 1 :])
    )


def other_cases(token: str) -> st.SearchStrategy[str]:
    """``token`` with the case of some of its letters changed (never ``token`` itself)."""
    letters = [n for n, ch in enumerate(token) if ch.isalpha()]
    if not letters:
        return st.just(token + "x")
    return (
        st.sets(st.sampled_from(letters), min_size=1)
        .map(lambda flip: "".join(ch.swapcase() if n in flip else ch for n, ch in enumerate(token)))
        .filter(lambda variant: variant != token)
    )


_query = st.one_of(
    st.just(""),
    st.text(max_size=80).map(lambda text: "?" + quote(text, safe="=&")),
    st.binary(max_size=80).map(lambda raw: "?" + quote(raw, safe="=&")),
    st.sampled_from(
        ["?", "??", "?#", "?a=1&a=2", "?session_id=" + DEMO_ACTIVE_ID, "?" + "x" * 5000]
    ),
)
_header_value = st.one_of(
    st.binary(max_size=200).filter(lambda raw: not set(raw) & {0, 10, 13}),
    st.integers(1000, 20000).map(lambda n: b"v" * n),
    st.text(max_size=60)
    .map(lambda text: text.encode("utf-8", "surrogatepass"))
    .filter(lambda raw: not set(raw) & {0, 10, 13}),
)


@st.composite
def cookie_headers(draw: st.DrawFn) -> bytes:
    """A Cookie header: huge, non-ASCII, many cookies, the service's names with odd values."""
    name = draw(st.sampled_from([COOKIE_NAME, SECURE_COOKIE_NAME, "other", COOKIE_NAME.upper()]))
    value = draw(
        st.one_of(
            st.binary(max_size=100).filter(lambda raw: not set(raw) & {0, 10, 13, 59}),
            st.integers(100, 20000).map(lambda n: b"A" * n),
            st.just(b"w." + b"A" * 43),
            st.just(b"A" * 43),
            st.text(max_size=40)
            .map(lambda text: text.encode("utf-8", "surrogatepass"))
            .filter(lambda raw: not set(raw) & {0, 10, 13, 59}),
        )
    )
    many = draw(st.integers(0, 300))
    extra = b"".join(b"c%d=%d; " % (n, n) for n in range(many))
    return extra + name.encode("ascii") + b"=" + value


@st.composite
def request_headers(draw: st.DrawFn) -> dict[bytes, bytes]:
    """Some of the headers an attacker controls, with hostile values."""
    headers: dict[bytes, bytes] = {}
    if draw(st.booleans()):
        headers[b"cookie"] = draw(cookie_headers())
    for name in (b"origin", b"sec-fetch-site", b"x-forwarded-for", b"referer", b"content-type"):
        if draw(st.booleans()):
            headers[name] = draw(_header_value)
    return headers


# -- 1. any request is one of the service's pages ----------------------------------------------


@HOSTILE
@given(data=st.data())
def test_any_method_on_any_path_is_a_page_of_ours_and_uses_no_link(
    browser: TestClient, links: Links, data: st.DataObject
) -> None:
    before = links.states()
    path = data.draw(hostile_paths(links), label="path")
    method = data.draw(st.sampled_from(METHODS), label="method")
    query = data.draw(_query, label="query")
    headers = data.draw(request_headers(), label="headers")

    response = browser.request(method, path + query, headers=headers)

    assert_a_page_of_ours(response, links)
    assert links.states() == before
    browser.cookies.clear()


@HOSTILE
@given(data=st.data())
def test_opening_a_live_link_whatever_comes_with_it_never_uses_it(
    browser: TestClient, links: Links, data: st.DataObject
) -> None:
    before = links.states()
    token = data.draw(st.sampled_from(links.live), label="which link")
    method = data.draw(st.sampled_from(["GET", "HEAD"]), label="method")
    query = data.draw(_query, label="query")

    headers = data.draw(request_headers(), label="headers")

    response = browser.request(method, BASE + token + query, headers=headers)

    assert_a_page_of_ours(response, links)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert links.states() == before
    assert all(state is not None and state.link.used_at is None for state in before)
    browser.cookies.clear()


_name = st.one_of(
    st.text(max_size=100),
    st.text(alphabet=st.sampled_from(SNEAKY + "Dana Lev<>&\"'"), max_size=40),
    st.integers(81, 3000).map(lambda n: "N" * n),
    st.sampled_from(["", " ", "Dana Levi", "<script>alert(1)</script>", "Dana\u202eiveL", "\x00"]),
)
_session_id = st.one_of(
    st.sampled_from([DEMO_ACTIVE_ID, DEMO_ENDED_ID, *DEMO_PARTICIPANT_IDS, "ZZZZ-ZZZZ", ""]),
    st.text(max_size=50),
    st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ-", min_size=8, max_size=10),
)
_content_type = st.sampled_from(
    [
        b"application/x-www-form-urlencoded",
        b"APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-16",
        b"multipart/form-data; boundary=x",
        b"application/json",
        b"text/plain",
        b"",
        b"\xff\xfe",
    ]
)


@st.composite
def lobby_bodies(draw: st.DrawFn) -> bytes:
    """A lobby form: fields duplicated, reordered, extra or missing, or no form at all."""
    kind = draw(st.sampled_from(["form", "form", "duplicated", "raw", "huge"]))
    if kind == "raw":
        return draw(st.binary(max_size=300))
    if kind == "huge":
        return b"name=" + b"a" * draw(st.integers(4000, 20000))
    fields = [("session_id", draw(_session_id)), ("name", draw(_name))]
    if kind == "duplicated":
        fields += [(draw(st.sampled_from(["session_id", "name", "x"])), draw(_name))] * draw(
            st.integers(1, 12)
        )
    fields = draw(st.permutations(fields))
    return "&".join(
        quote(key, safe="") + "=" + quote(value, safe="", errors="surrogatepass")
        for key, value in fields
    ).encode("ascii")


@HOSTILE
@given(
    body=lobby_bodies(),
    content_type=_content_type,
    address=st.ip_addresses().map(str),
)
def test_any_lobby_form_is_a_page_of_ours_and_touches_no_link(
    service: JoinService, links: Links, body: bytes, content_type: bytes, address: str
) -> None:
    before = links.states()
    headers = {b"content-type": content_type} if content_type else {}
    with TestClient(service.app, follow_redirects=False, client=(address, 4000)) as visitor:
        response = visitor.post(BASE, content=body, headers=headers)

    assert_a_page_of_ours(response, links)
    if response.status_code == 303:
        assert response.headers["location"] == STATUS
        assert "httponly" in response.headers["set-cookie"].lower()
    else:
        assert "set-cookie" not in response.headers
    # What the visitor typed may come back only inside the form's own fields (see
    # test_a_refused_form_is_shown_again_without_its_hidden_characters for those).
    outside_fields = re.sub(r'value="[^"]*"', 'value=""', response.text)
    for sneaky in SNEAKY:
        assert sneaky not in outside_fields, f"{sneaky!r} came back on the page"
    assert links.states() == before


@pytest.mark.parametrize(
    "form",
    [
        {"session_id": DEMO_ACTIVE_ID, "name": "Dana\u202e Levi"},
        {"session_id": DEMO_ACTIVE_ID, "name": "\u2066Dana"},
        {"session_id": DEMO_ACTIVE_ID, "name": "Da\x1b[2Jna"},
        {"session_id": DEMO_ACTIVE_ID, "name": "\x00Dana"},
        {"session_id": "7QKM\x00-92HX", "name": "Dana Levi"},
    ],
)
def test_a_refused_form_is_shown_again_without_its_hidden_characters(
    browser: TestClient, form: dict[str, str]
) -> None:
    """The page says the name holds a control or text-direction character; the field it
    gives back must not hide that same invisible character from the person (nor put a
    NUL or an escape sequence into the HTML)."""
    response = browser.post(BASE, data=form)

    assert response.status_code == 400
    hidden = [ch for ch in response.text if ch in SNEAKY or ch == "\x00"]
    assert not hidden, f"the page holds {hidden!r}"


def test_a_stolen_cookie_hash_is_worth_nothing(
    service: JoinService, join_store: Store, clock: Clock, links: Links
) -> None:
    victim_token = mint(join_store, clock, DEMO_PARTICIPANT_IDS[2])
    with TestClient(service.app, follow_redirects=False) as victim:
        joined = victim.post(BASE + victim_token)
        assert joined.status_code == 303
        cookie = victim.cookies[COOKIE_NAME]
        assert "You are in" in victim.get(STATUS).text
    stolen = token_hash(cookie)  # what a copy of the store file holds

    for value in (stolen, stolen.upper(), stolen[:43], "w." + stolen[:43]):
        with TestClient(service.app, follow_redirects=False) as thief:
            thief.cookies.set(COOKIE_NAME, value)
            for path in (STATUS, BASE + links.live[0]):
                response = thief.get(path)
                assert_a_page_of_ours(response, links)
                assert response.status_code == 200
                assert "You are in" not in response.text
            assert "<h1>Nothing to show yet</h1>" in thief.get(STATUS).text


# -- 2. guessing gets no oracle --------------------------------------------------------------------


def _not_found(browser: TestClient) -> str:
    unknown = browser.get(BASE + "A" * 24)
    assert unknown.status_code == 404
    assert "<h1>Page not found</h1>" in unknown.text
    return unknown.text


def test_a_token_one_character_off_a_live_one_is_the_same_404_as_any_unknown_token(
    browser: TestClient, links: Links
) -> None:
    unknown = _not_found(browser)
    before = links.states()
    live = links.live[0]

    for position in range(len(live)):
        for replacement in {"A", "z", "0", "-", "_"} - {live[position]}:
            near = live[:position] + replacement + live[position + 1 :]
            for method in ("GET", "POST"):
                response = browser.request(method, BASE + near)
                assert response.status_code == 404, (position, replacement, method)
                assert response.text == unknown
                assert "set-cookie" not in response.headers
    assert links.states() == before


def test_the_tokens_of_a_revoked_link_in_another_case_are_unknown_not_withdrawn(
    browser: TestClient, links: Links
) -> None:
    unknown = _not_found(browser)
    revoked = browser.get(BASE + links.revoked)
    assert revoked.status_code == 410
    assert REFUSALS[LinkState.REVOKED].title in revoked.text

    variants = {links.revoked.swapcase(), links.revoked.upper(), links.revoked.lower()}
    for variant in variants - {links.revoked}:
        for method in ("GET", "POST"):
            response = browser.request(method, BASE + variant)
            assert response.status_code == 404
            assert response.text == unknown


@pytest.mark.parametrize(
    "typed",
    [
        DEMO_ACTIVE_ID,
        DEMO_ACTIVE_ID.lower(),
        DEMO_ACTIVE_ID.replace("-", ""),
        DEMO_ENDED_ID,
        *DEMO_PARTICIPANT_IDS,
        DEMO_PARTICIPANT_IDS[0].replace("-", "") * 3,  # an ID stretched to a token's length
        (DEMO_ACTIVE_ID + "-").ljust(24, "A"),
        DEMO_ACTIVE_ID + "/",
    ],
)
def test_an_id_in_the_url_is_the_same_404_as_an_unknown_token(
    browser: TestClient, links: Links, typed: str
) -> None:
    unknown = _not_found(browser)

    for method in ("GET", "POST", "HEAD"):
        response = browser.request(method, BASE + typed)
        assert response.status_code == 404, method
        if method != "HEAD":
            assert response.text == unknown
        assert "set-cookie" not in response.headers


def _form(session_id: str) -> dict[str, str]:
    return {"session_id": session_id, "name": "Mallory"}


def _without(text: str, *ids: str) -> str:
    """The page with the IDs the visitor typed taken out (the form echoes them back)."""
    for typed in ids:
        text = text.replace(f'value="{typed}"', 'value="•"')
    return text


def test_a_rate_limited_address_learns_nothing_about_which_ids_exist(
    service: JoinService,
) -> None:
    unknown_ids = [f"ZZZZ-ZZ{a}{b}" for a in "AB" for b in "ABCDEF"]
    with TestClient(service.app, follow_redirects=False, client=("203.0.113.9", 1)) as prober:
        first = [prober.post(BASE, data=_form(typed)) for typed in unknown_ids]
        # Unknown IDs use up the address's allowance like any request.
        assert [r.status_code for r in first[:MAX_REQUESTS_PER_ADDRESS]] == [404] * 10
        assert {r.status_code for r in first[MAX_REQUESTS_PER_ADDRESS:]} == {429}
        after = {
            typed: prober.post(BASE, data=_form(typed))
            for typed in (
                DEMO_ACTIVE_ID,
                DEMO_PARTICIPANT_IDS[0],
                DEMO_ENDED_ID,
                "ZZZZ-ZZZZ",
                "YYYY-YYYY",
            )
        }

    pages = {typed: _without(r.text, typed) for typed, r in after.items()}
    assert {r.status_code for r in after.values()} == {429}
    assert len(set(pages.values())) == 1, "a rate-limited answer depends on the ID asked for"
    for response in after.values():
        assert LobbyRefusal.RATE_LIMITED.sentence in response.text
        assert response.headers["retry-after"] == "600"
        assert "set-cookie" not in response.headers
    # The store was not even asked to lock a session for it.
    with TestClient(service.app, follow_redirects=False, client=("198.51.100.7", 1)) as other:
        assert other.post(BASE, data=_form(DEMO_ACTIVE_ID)).status_code == 303


def test_unknown_ids_all_get_the_same_answer(service: JoinService) -> None:
    """Beyond the README's table (unknown 404, ended 410), nothing tells one unknown ID from
    another: not a well-formed one from a participant's ID that does not exist."""
    answers = {}
    for n, typed in enumerate(["ZZZZ-ZZZZ", "7QKM-92HY", DEMO_ACTIVE_ID.replace("7", "8")]):
        with TestClient(service.app, follow_redirects=False, client=(f"192.0.2.{n}", 1)) as v:
            answers[typed] = v.post(BASE, data=_form(typed))
    assert {r.status_code for r in answers.values()} == {404}
    pages = {_without(r.text, typed) for typed, r in answers.items()}
    assert len(pages) == 1
    for response in answers.values():
        assert LobbyRefusal.UNKNOWN_ID.sentence in response.text
        assert "set-cookie" not in response.headers
        assert not re.search(r"Dana|Sam Rivera|Grace", response.text)
