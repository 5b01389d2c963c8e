"""The join service's pages: plain HTML5 in customer-facing English, every value escaped.

Each page is one small document with its stylesheet inline (allowed by its
hash in the Content-Security-Policy, :data:`STYLE_HASH`): no script, no
image, nothing fetched from elsewhere, readable on a phone, in light or dark.
A page never holds a token or a cookie: the *Join* form posts to the page's
own address by leaving out ``action``, and links point at the lobby and
status pages only. What a person reads about a stopped link or a lobby
request comes from ``core.links.REFUSALS`` and ``core.lobby``. Pages made
only from a link's page, a link's state or the base path are kept once made:
the same link is opened again and again.
"""

from __future__ import annotations

import re
from base64 import b64encode
from functools import lru_cache
from hashlib import sha256
from html import escape

from collab_console.core.links import REFUSALS, JoinPage, LinkState
from collab_console.core.lobby import (
    DENIED_TEXT,
    JOINED_TEXT,
    MAX_NAME_LENGTH,
    WAITING_TEXT,
    BrowserState,
    BrowserStatus,
)

#: How often a waiting browser asks again, in seconds (``<meta http-equiv="refresh">``).
REFRESH_SECONDS = 2
BRAND = "Live collaboration session"

STYLE = """\
:root{color-scheme:light dark;--bg:#eef1f5;--card:#fff;--text:#1b1f24;--muted:#4a5361;\
--line:#c9d0da;--accent:#0a58ca;--on-accent:#fff;--ok:#11693d;--ok-bg:#e6f4ec;\
--wait:#0a58ca;--wait-bg:#e8f0fd;--bad:#a8261b;--bad-bg:#fcebea;--focus:#c25e00}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1c2127;--text:#eceff3;\
--muted:#b3bcc8;--line:#3a434e;--accent:#8cb8ff;--on-accent:#0b1a33;--ok:#7fd9a5;\
--ok-bg:#15301f;--wait:#8cb8ff;--wait-bg:#16243a;--bad:#ffb0a8;--bad-bg:#3a1a18;\
--focus:#ffb347}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--text);font:100%/1.5 system-ui,-apple-system,\
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
body{margin:0;padding:1rem}
main{max-width:33rem;margin:5vh auto 2rem;background:var(--card);border:1px solid var(--line);\
border-radius:14px;padding:1.75rem 1.5rem 1.5rem;box-shadow:0 1px 3px rgb(0 0 0/.08)}
.brand{margin:0 0 1.25rem;color:var(--muted);font-size:.8125rem;font-weight:600;\
letter-spacing:.06em;text-transform:uppercase}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
p{margin:0 0 1rem}
form{margin:0 0 1.25rem}
.lead{font-size:1.125rem}
.muted{color:var(--muted);font-size:.9375rem}
.who{margin:0 0 1.25rem;padding:.875rem 1rem;border-radius:10px;background:var(--bg)}
.who dt{color:var(--muted);font-size:.8125rem;font-weight:600}
.who dd{margin:0 0 .5rem;font-size:1.0625rem;font-weight:600;overflow-wrap:anywhere}
.who dd:last-child{margin:0}
.state{margin:0 0 1rem;padding:.875rem 1rem;border-radius:10px;border-left:5px solid}
.state p:last-child{margin:0}
.ok{background:var(--ok-bg);border-color:var(--ok)}
.wait{background:var(--wait-bg);border-color:var(--wait)}
.bad{background:var(--bad-bg);border-color:var(--bad)}
.error{color:var(--bad);font-weight:600}
.id{white-space:nowrap}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{display:block;color:var(--muted);font-size:.875rem;margin:0 0 .375rem}
input{display:block;width:100%;font:inherit;font-size:1.0625rem;padding:.625rem .75rem;\
margin:0 0 1rem;color:var(--text);background:var(--card);border:1px solid var(--muted);\
border-radius:8px}
input[aria-invalid=true]{border:2px solid var(--bad)}
button{font:inherit;font-size:1.0625rem;font-weight:600;min-height:2.875rem;padding:.625rem 1.5rem;\
color:var(--on-accent);background:var(--accent);border:0;border-radius:8px;cursor:pointer;width:100%}
button:hover{filter:brightness(1.08)}
a{color:var(--accent);text-underline-offset:.15em}
:focus-visible{outline:3px solid var(--focus);outline-offset:3px}
.dot{display:inline-block;width:.625rem;height:.625rem;margin-right:.5rem;border-radius:50%;\
background:var(--wait);animation:pulse 1.6s ease-in-out infinite}
@keyframes pulse{50%{opacity:.25}}
@media (prefers-reduced-motion:reduce){.dot{animation:none}}
@media (min-width:40rem){main{padding:2.25rem 2.5rem 2rem}button{width:auto}}
"""

#: The Content-Security-Policy source that allows :data:`STYLE` and no other style.
STYLE_HASH = "'sha256-" + b64encode(sha256(STYLE.encode("utf-8")).digest()).decode("ascii") + "'"

_HEAD = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<meta name="robots" content="noindex, nofollow">\n'
)
_STYLE_TAG = f"<style>{STYLE}</style>\n"


def _e(text: str) -> str:
    return escape(text, quote=True)


_ID_LIKE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def _e_ids(text: str) -> str:
    """``text`` escaped, with every Session ID in it kept on one line (never split at its dash)."""
    return _ID_LIKE.sub(r'<span class="id">\g<0></span>', _e(text))


def document(title: str, body: str, *, refresh: bool = False) -> str:
    """A whole page: ``title`` (plain text) as its title and heading, ``body`` (HTML) under it."""
    meta = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">\n' if refresh else ""
    return (
        f"{_HEAD}{meta}<title>{_e(title)}</title>\n{_STYLE_TAG}</head>\n<body>\n<main>\n"
        f'<p class="brand">{_e(BRAND)}</p>\n<h1>{_e(title)}</h1>\n{body}</main>\n</body>\n</html>\n'
    )


def _who(rows: tuple[tuple[str, str], ...]) -> str:
    items = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in rows)
    return f'<dl class="who">{items}</dl>\n'


@lru_cache(maxsize=1024)
def link_page(page: JoinPage) -> str:
    """A live link: whose session it is, with which agent, and the *Join* button."""
    body = (
        f'<p class="lead">{_e(page.agent)} invited {_e(page.person_name)} '
        "to a live session.</p>\n"
        + _who((("This link is for", page.person_name), ("Your agent", page.agent)))
        + '<form method="post">\n<button type="submit">Join the session</button>\n</form>\n'
        f'<p class="muted">If you are not {_e(page.person_name)}, do not join: close this page '
        "and tell the person who sent you the link.</p>\n"
    )
    return document("Join the session", body)


@lru_cache(maxsize=16)
def refused_page(state: LinkState) -> str:
    """A link that stopped (410): what happened and what to do, from ``REFUSALS``."""
    refusal = REFUSALS[state]
    body = f'<div class="state bad"><p>{_e(refusal.text)}</p></div>\n'
    return document(refusal.title, body)


@lru_cache(maxsize=16)
def not_found_page(lobby_path: str) -> str:
    """No page here (404): the same words for every unknown or malformed address."""
    body = (
        "<p>There is no page at this address. Check that you copied the whole link, "
        "or ask the person who sent it for a new one.</p>\n"
        f'<p class="muted">Were you given a Session ID instead? '
        f'<a href="{_e(lobby_path)}">Ask to join with the Session ID</a>.</p>\n'
    )
    return document("Page not found", body)


def lobby_page(
    *, session_id: str = "", name: str = "", error: str = "", error_field: str = ""
) -> str:
    """The lobby's form: the Session ID the person was given, and their name.

    ``error`` is a sentence to show above the form; ``error_field`` (``session_id`` or
    ``name``) marks the field it is about.
    """
    alert = f'<p class="error" id="form-error" role="alert">{_e_ids(error)}</p>\n' if error else ""

    def invalid(field: str) -> str:
        if error and field == error_field:
            return ' aria-invalid="true" aria-describedby="form-error"'
        return ""

    body = (
        "<p>Type the Session ID you were given and your name. Your agent sees your "
        "request and lets you in.</p>\n"
        f"{alert}"
        '<form method="post" novalidate>\n'
        '<label for="session_id">Session ID</label>\n'
        '<span class="hint" id="session_id-hint">It looks like '
        '<span class="id">7QKM-92HX</span>.</span>\n'
        '<input id="session_id" name="session_id" type="text" required maxlength="20" '
        'autocomplete="off" autocapitalize="characters" spellcheck="false" '
        f'aria-describedby="session_id-hint" value="{_e(session_id)}"{invalid("session_id")}>\n'
        '<label for="name">Your name</label>\n'
        f'<input id="name" name="name" type="text" required maxlength="{MAX_NAME_LENGTH}" '
        f'autocomplete="name" value="{_e(name)}"{invalid("name")}>\n'
        '<button type="submit">Ask to join</button>\n'
        "</form>\n"
    )
    return document("Join with a Session ID", body)


def status_page(status: BrowserStatus | None, *, reused: bool, lobby_path: str) -> str:
    """Where this browser stands: joined, waiting (the page refreshes itself), or turned away."""
    if status is None:
        body = (
            "<p>This browser has not joined a session or asked to join one.</p>\n"
            "<p>Open the link you were sent, or "
            f'<a href="{_e(lobby_path)}">ask to join with a Session ID</a>.</p>\n'
        )
        return document("Nothing to show yet", body)
    who = _who(
        (
            ("Your name" if status.state in _ASKING else "Joined as", status.name),
            ("Your agent", status.agent),
        )
    )
    if status.state is BrowserState.JOINED:
        body = f'<div class="state ok"><p class="lead">{_e(JOINED_TEXT)}</p></div>\n{who}'
        return document("You are in", body)
    if status.state is BrowserState.WAITING:
        note = (
            f"<p>This link was already used in another browser, so {_e(status.agent)} "
            "has to let you in.</p>\n"
            if reused
            else ""
        )
        body = (
            f'<div class="state wait"><p><span class="dot" aria-hidden="true"></span>'
            f"{_e(WAITING_TEXT)}</p></div>\n{note}{who}"
        )
        return document("Waiting for your agent", body, refresh=True)
    if status.state is BrowserState.STOPPED:
        refusal = REFUSALS[_stopped_state(status.stopped_because)]
        body = f'<div class="state bad"><p>{_e(refusal.text)}</p></div>\n{who}'
        return document(refusal.title, body)
    body = f'<div class="state bad"><p>{_e(DENIED_TEXT)}</p></div>\n{who}'
    return document("Not let in", body)


_ASKING = (BrowserState.WAITING, BrowserState.DENIED)


def _stopped_state(because: str | None) -> LinkState:
    """Why a browser that had joined is out: its link was revoked, or else the session ended."""
    return LinkState.REVOKED if because == LinkState.REVOKED else LinkState.ENDED


def problem_page(title: str, sentence: str) -> str:
    """Any other answer (403, 405, 413, 503…): a title and one sentence, nothing technical."""
    return document(title, f"<p>{_e(sentence)}</p>\n")
