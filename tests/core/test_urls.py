"""The Session URL base, the links built from it, and their hosts (core/urls.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_console.core.errors import SettingsError, ValidationError
from collab_console.core.links import link_url, new_token
from collab_console.core.urls import (
    MAX_URL_BASE_LENGTH,
    link_host,
    validate_url_base,
)

HOST = "https://collab.example.com/"
BASE = HOST + "join/"
#: Exactly MAX_URL_BASE_LENGTH characters, without the trailing '/'.
LONGEST = HOST + "a" * (MAX_URL_BASE_LENGTH - len(HOST))
SID = "7QKM-92HX"
#: "exаmple" with a Cyrillic а (U+0430), and the same label as punycode.
CYRILLIC_A_EXAMPLE = "ex\u0430mple"
CYRILLIC_A_PUNYCODE = "xn--exmple-4nf"

# -- validate_url_base -------------------------------------------------------------------

GOOD_URL_BASES = [
    pytest.param(BASE, BASE, id="as-is"),
    pytest.param("https://collab.example.com/join", BASE, id="add-/"),
    pytest.param("https://collab.example.com", HOST, id="host-only"),
    pytest.param("  https://collab.example.com/join/\n", BASE, id="strip"),
    pytest.param("\thttps://collab.example.com/join/\r\n", BASE, id="strip-tab-crlf"),
    pytest.param("HTTPS://collab.example.com/join/", BASE, id="scheme-case"),
    pytest.param("https://Collab.EXAMPLE.com/Join/", HOST + "Join/", id="host-lower-path-kept"),
    pytest.param(
        "https://collab.example.com:8443/join/", "https://collab.example.com:8443/join/", id="port"
    ),
    pytest.param("https://a.b", "https://a.b/", id="shortest"),
    pytest.param("https://collab-1.example.com/", "https://collab-1.example.com/", id="hyphen"),
    pytest.param("https://1collab.example.com/", "https://1collab.example.com/", id="digit-first"),
    pytest.param(
        "https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/", id="punycode-latin"
    ),
    pytest.param(
        "https://XN--BCHER-KVA.example/", "https://xn--bcher-kva.example/", id="punycode-upper"
    ),
    pytest.param(
        "https://collab.xn--wgv71a119e.jp/", "https://collab.xn--wgv71a119e.jp/", id="punycode-han"
    ),
    pytest.param(
        "https://collab.example.com/r%C3%A9union/", HOST + "r%C3%A9union/", id="percent-encoded"
    ),
    pytest.param(
        "https://collab.example.com/a-b_c~d.e/!$&'()*+,;=:@/",
        "https://collab.example.com/a-b_c~d.e/!$&'()*+,;=:@/",
        id="rfc3986-path-chars",
    ),
    pytest.param(LONGEST[:-1], LONGEST[:-1] + "/", id="200-with-the-added-slash"),
    # plain http only for the join service on this machine (a local demo)
    pytest.param(
        "http://127.0.0.1:8765/join", "http://127.0.0.1:8765/join/", id="loopback-http-demo"
    ),
    pytest.param("HTTP://LocalHost:8080/join/", "http://localhost:8080/join/", id="localhost"),
]

BAD_URL_BASES = [
    # scheme
    pytest.param("http://collab.example.com/join/", "start with https://", id="http"),
    pytest.param("javascript:alert(1)", "start with https://", id="javascript"),
    pytest.param("ftp://collab.example.com/join/", "start with https://", id="ftp"),
    pytest.param("collab.example.com/join/", "start with https://", id="no-scheme"),
    pytest.param("http://127.0.0.2/join/", "start with https://", id="http-other-loopback"),
    pytest.param("http://localhost.evil.com/", "start with https://", id="http-localhost-prefix"),
    pytest.param("http://127.0.0.1:0/", "start with https://", id="http-loopback-bad-port"),
    pytest.param("http://user@127.0.0.1/", "start with https://", id="http-loopback-user"),
    # host present
    pytest.param("https://", "host name", id="nothing-after-scheme"),
    pytest.param("https:///join/", "host name", id="no-host"),
    pytest.param("https:collab.example.com/join/", "host name", id="no-slashes"),
    pytest.param("https://localhost/join/", "host name", id="host-without-domain"),
    pytest.param("https://.com/", "host name", id="only-a-tld"),
    pytest.param("https://127.0.0.1/join/", "not an IP address", id="ipv4"),
    pytest.param("https://0x7f.1/join/", "not an IP address", id="ipv4-hex-as-browsers-read"),
    pytest.param("https://[::1]/join/", "not an IP address", id="ipv6"),
    pytest.param("https://collab.example.123/", "not an IP address", id="numeric-tld"),
    # user info, including the classic attacks
    pytest.param("https://user:pass@collab.example.com/", "user name or password", id="user-pass"),
    pytest.param("https://agent@collab.example.com/", "user name or password", id="user"),
    pytest.param(
        "https://collab.example.com@evil.example/", "user name or password", id="at-evil-host"
    ),
    pytest.param(
        "https://evil.example\\@collab.example.com/", "backslash", id="backslash-at-real-host"
    ),
    pytest.param("https://collab.example.com\\join\\", "backslash", id="backslash-path"),
    # query, fragment
    pytest.param("https://collab.example.com/join/?agent=7", "'?' or '#'", id="query"),
    pytest.param("https://collab.example.com/join/#top", "'?' or '#'", id="fragment"),
    pytest.param("https://collab.example.com/join/?", "'?' or '#'", id="empty-query"),
    pytest.param("https://collab.example.com#@evil.example/", "'?' or '#'", id="fragment-at"),
    # whitespace, control and invisible characters
    pytest.param("https://collab example.com/join/", "spaces", id="space-in-host"),
    pytest.param("https://collab.example.com/my join/", "spaces", id="space-in-path"),
    pytest.param("https://collab.example.com/\tjoin/", "spaces", id="tab"),
    pytest.param("https://collab.exam\nple.com/", "spaces", id="newline"),
    pytest.param("https://collab.example.com/\u00a0/", "spaces", id="no-break-space"),
    pytest.param("https://collab.example.com/\u2028/", "spaces", id="line-separator"),
    pytest.param("https://collab.example.com\x00/join/", "control characters", id="nul"),
    pytest.param("https://collab.example.com/\x7f/", "control characters", id="del"),
    pytest.param("\x1fhttps://collab.example.com/", "control characters", id="leading-c0"),
    pytest.param("https://collab.example.com/\u200b", "invisible formatting", id="zwsp"),
    pytest.param("https://collab.example.com/\u202e/", "invisible formatting", id="rlo"),
    pytest.param("\ufeffhttps://collab.example.com/", "invisible formatting", id="bom"),
    # Unicode and look-alike hosts
    pytest.param(
        f"https://collab.{CYRILLIC_A_EXAMPLE}.com/", "mixes Cyrillic and Latin", id="cyrillic-a-raw"
    ),
    pytest.param(
        f"https://collab.{CYRILLIC_A_PUNYCODE}.com/",
        "xn--exmple-4nf in its host name, which mixes Cyrillic and Latin",
        id="cyrillic-a-punycode",
    ),
    pytest.param(
        "https://xn--collb-7ve.example.com/", "mixes Cyrillic and Latin", id="cyrillic-a-in-collab"
    ),
    pytest.param("https://g\u03bfogle.com/", "mixes Greek and Latin", id="greek-omicron-raw"),
    pytest.param("https://xn--gogle-rce.com/", "mixes Greek and Latin", id="greek-punycode"),
    pytest.param(
        "https://bücher.example/", "punycode form, xn--bcher-kva.example", id="unicode-host"
    ),
    pytest.param("https://日本語.jp/", "punycode form, xn--wgv71a119e.jp", id="unicode-han-host"),
    pytest.param("https://ｃｏｌｌａｂ.example.com/", "plain ASCII", id="full-width-host"),
    pytest.param("https://xn--zzzzzz.com/", "not valid punycode", id="bad-punycode"),
    pytest.param("https://xn--abc-.com/", "hyphen", id="punycode-of-ascii"),
    pytest.param("https://xn--g6h.example/", "symbols or punctuation", id="punycode-symbol"),
    # hostname rules
    pytest.param("https://collab_1.example.com/", "letters, digits, hyphens", id="underscore"),
    pytest.param("https://coll%61b.example.com/", "letters, digits, hyphens", id="percent-host"),
    pytest.param("https://collab..example.com/", "two dots in a row", id="empty-label"),
    pytest.param("https://collab.example.com./", "dot at either end", id="trailing-dot"),
    pytest.param("https://-collab.example.com/", "hyphen", id="leading-hyphen"),
    pytest.param("https://collab-.example.com/", "hyphen", id="trailing-hyphen"),
    pytest.param("https://" + "a" * 64 + ".example.com/", "longer than 63", id="label-64"),
    # port
    pytest.param("https://collab.example.com:port/join/", "not a valid URL", id="port-word"),
    pytest.param("https://collab.example.com:99999/join/", "not a valid URL", id="port-range"),
    pytest.param("https://collab.example.com:0/join/", "not a valid URL", id="port-0"),
    pytest.param("https://collab.example.com:/join/", "not a valid URL", id="port-empty"),
    pytest.param("https://collab.example.com:１/join/", "not a valid URL", id="port-full-width"),
    pytest.param("https://collab.example.com:1:2/join/", "not a valid URL", id="two-ports"),
    # path
    pytest.param("https://collab.example.com/réunion/", "percent-encode", id="unicode-path"),
    pytest.param("https://collab.example.com/<b>/", "must not contain '<'", id="angle-bracket"),
    pytest.param('https://collab.example.com/"x/', "must not contain", id="double-quote"),
    pytest.param("https://collab.example.com/%zz/", "two hex digits", id="bad-percent"),
    pytest.param("https://collab.example.com/join/../admin/", "'..'", id="dot-dot"),
    pytest.param("https://collab.example.com/join/%2E%2e/", "'..'", id="encoded-dot-dot"),
    pytest.param("https://collab.example.com/./join/", "'.'", id="dot"),
    # length, emptiness, type
    pytest.param(LONGEST + "b", "longer than 200", id="too-long"),
    pytest.param(LONGEST, "longer than 200", id="200-chars-plus-the-added-slash"),
    pytest.param(LONGEST * 50, "longer than 200", id="huge"),
    pytest.param("", "empty", id="empty"),
    pytest.param("   ", "empty", id="blank"),
    pytest.param(None, "must be text", id="none"),
    pytest.param(42, "must be text", id="number"),
    pytest.param(b"https://collab.example.com/", "must be text", id="bytes"),
]


@pytest.mark.parametrize(("given_", "normalised"), GOOD_URL_BASES)
def test_validate_url_base_accepts_and_normalises(given_: str, normalised: str) -> None:
    assert validate_url_base(given_) == normalised
    assert validate_url_base(normalised) == normalised


@pytest.mark.parametrize(("given_", "message"), BAD_URL_BASES)
def test_validate_url_base_refuses_with_a_reason(given_: Any, message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        validate_url_base(given_)

    text = str(refused.value)
    assert message in text
    assert text[0].islower()
    assert "\n" not in text
    assert not text.endswith((",", ":", " "))


def test_a_unicode_host_message_suggests_punycode_without_a_bad_suggestion() -> None:
    """A suggestion is only given when the punycode form would itself be accepted."""
    with pytest.raises(SettingsError, match=r"punycode form \(xn--…\)"):
        validate_url_base("https://a\u2215b.example/")  # DIVISION SLASH looks like '/'


# -- link_host ---------------------------------------------------------------------------

LINK_HOSTS = [
    pytest.param("https://collab.example.com/join/X", "collab.example.com", id="plain"),
    pytest.param("https://Collab.Example.COM/join/X", "collab.example.com", id="lower-case"),
    pytest.param("https://collab.example.com:8443/j/X", "collab.example.com:8443", id="port"),
    pytest.param("https://collab.example.com:443/j/X", "collab.example.com", id="default-port"),
    pytest.param("https://collab.example.com", "collab.example.com", id="no-path"),
    pytest.param(
        f"https://collab.{CYRILLIC_A_PUNYCODE}.com/join/X",
        f"collab.{CYRILLIC_A_PUNYCODE}.com (collab.{CYRILLIC_A_EXAMPLE}.com)",
        id="punycode-shows-decoded",
    ),
    pytest.param(
        f"https://collab.{CYRILLIC_A_EXAMPLE}.com/join/X",
        f"collab.{CYRILLIC_A_PUNYCODE}.com (collab.{CYRILLIC_A_EXAMPLE}.com)",
        id="unicode-shown-as-punycode",
    ),
    pytest.param(
        "https://xn--bcher-kva.example:8443/",
        "xn--bcher-kva.example:8443 (bücher.example)",
        id="punycode-and-port",
    ),
    pytest.param(
        "https://xn--4gbrim.xn--ygbi2ammx/x",
        "xn--4gbrim.xn--ygbi2ammx (\u2068موقع.فلسطين\u2069)",
        id="rtl-decoded-is-isolated",
    ),
    pytest.param("https://xn--zzzzzz.com/", "xn--zzzzzz.com (not valid punycode)", id="bad-puny"),
    pytest.param("https://collab.example.com@evil.example/", "evil.example", id="user-info"),
    pytest.param("https://evil.example\\@collab.example.com/", "evil.example", id="backslash"),
    pytest.param("https://evil.example?@collab.example.com/", "evil.example", id="query-at"),
    pytest.param("https://evil.example#@collab.example.com/", "evil.example", id="fragment-at"),
    pytest.param("https://coll%61b.example.com/", "collab.example.com", id="percent-host"),
    pytest.param("https://ev\til.example/", "evil.example", id="tab-dropped-like-a-browser"),
    pytest.param("https://[::1]:8443/", "[::1]:8443", id="ipv6"),
]


@pytest.mark.parametrize(("url", "shown"), LINK_HOSTS)
def test_link_host_shows_the_host_a_browser_would_open(url: str, shown: str) -> None:
    assert link_host(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "",
        "collab.example.com/join/X",
        "https://",
        "https:///join/X",
        "https://a<b.example/",
        "https://a\u202eb.example/",
        "https://%ff.example/",
    ],
)
def test_link_host_refuses_what_it_cannot_show(url: str) -> None:
    with pytest.raises(ValidationError):
        link_host(url)


# -- properties --------------------------------------------------------------------------

label = st.builds(
    lambda inner, edge: f"{edge}{inner}{edge}".strip("-") or edge,
    st.text(st.sampled_from("abcxyz059-"), max_size=8),
    st.sampled_from("aqz07"),
)
tld = st.text(st.sampled_from("abcmorz"), min_size=2, max_size=6) | st.sampled_from(
    ["xn--p1ai", "xn--wgbh1c"]
)
punycode_label = st.sampled_from(["xn--bcher-kva", "xn--wgv71a119e", "xn--80ak6aa92e"])
host_names = st.builds(
    lambda labels, top: ".".join([*labels, top]),
    st.lists(label | punycode_label, min_size=1, max_size=3),
    tld,
)
PATH_PIECES = [*"AZaz09_~!$&'()*+,;=:@-", "%2F", "%C3%A9", ".", "..", "%2e"]
segment = (
    st.lists(st.sampled_from(PATH_PIECES), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda part: part.lower() not in {".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"})
)
paths = st.lists(segment, max_size=3).map(lambda parts: "/" + "/".join(parts))
ports = st.none() | st.integers(min_value=1, max_value=65535)


@st.composite
def typed_url_bases(draw: st.DrawFn) -> str:
    """URL bases as an admin might type them: mostly valid, some with mixed case or padding."""
    scheme = draw(st.sampled_from(["https://", "HTTPS://", "Https://"]))
    host = draw(host_names)
    if draw(st.booleans()):
        host = host.upper()
    port = draw(ports)
    authority = host if port is None else f"{host}:{port}"
    padding = draw(st.sampled_from(["", " ", "\n", " \t"]))
    return f"{padding}{scheme}{authority}{draw(paths)}{padding}"


#: Anything: typed bases, arbitrary text, and text made of URL-ish characters.
any_url_text = (
    typed_url_bases()
    | st.text(max_size=60)
    | st.text(st.sampled_from("https:/\\@?#.:%-aбxn0 \t\u200b"), max_size=40)
)


def accepted(value: str) -> str | None:
    try:
        return validate_url_base(value)
    except SettingsError:
        return None


@settings(max_examples=200, deadline=None)
@given(any_url_text)
def test_validate_url_base_is_idempotent_and_urllib_agrees(value: str) -> None:
    base = accepted(value)
    if base is None:
        return
    assert validate_url_base(base) == base
    parts = urlsplit(base)
    assert parts.scheme == "https" or parts.hostname in ("127.0.0.1", "localhost")
    assert parts.hostname is not None
    assert parts.hostname.isascii()
    assert "." in parts.hostname or parts.hostname == "localhost"
    assert parts.username is None
    assert parts.password is None
    assert parts.query == ""
    assert parts.fragment == ""
    assert parts.port is None or 1 <= parts.port <= 65535
    assert base.startswith(("https://", "http://127.0.0.1", "http://localhost"))
    assert base.endswith("/")
    assert len(base) <= MAX_URL_BASE_LENGTH


@settings(max_examples=100, deadline=None)
@given(typed_url_bases())
def test_typed_bases_are_mostly_accepted(value: str) -> None:
    """The generator of the other properties really produces accepted bases."""
    base = accepted(value)

    assert base is not None
    assert urlsplit(base).hostname == urlsplit(value.strip()).hostname


@settings(max_examples=150, deadline=None)
@given(typed_url_bases())
def test_a_session_url_from_an_accepted_base_opens_the_base_host(value: str) -> None:
    base = accepted(value)
    if base is None:
        return
    url = link_url(base, new_token())

    assert urlsplit(url).hostname == urlsplit(base).hostname
    host = urlsplit(base).hostname
    assert host is not None
    assert link_host(url).startswith(host)
