"""Text with Session URLs, tokens and registered secrets masked: for log lines.

A Session URL opens a live session and a token or passphrase opens an
account, so none may reach a log file, whoever wrote the line (the app, a
library, a traceback). Three rules, applied in this order:

* an http(s) URL whose path has ``/join/`` and more, a Session ID or
  participant's ID, or a segment shaped like a link's token, keeps its scheme and host only (``https://collab.example.com/••••``),
  whatever URL base an admin chose; any other URL loses its user info;
* a run of 20 or more base64url or hex characters (``A-Z a-z 0-9 - _``, ``=``
  padding) with both letters and digits in it is a token;
* every secret registered with :func:`register_secret` (a passphrase typed
  in, a password read from the keyring) is masked wherever it appears. This
  rule runs last, so the other two cannot piece a secret together.

Unlike :mod:`collab_console.core.masking` (what the screen shows) this is
for text nobody reads closely, so it masks what merely looks secret, too.
Pure, and cheap to import (:mod:`re` only): the secrets module registers
what it reads without loading :mod:`logging`.
"""

from __future__ import annotations

import re
import threading

from collab_console.core.masking import MASK
from collab_console.core.text import ID_ALPHABET

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

#: What stands in for a masked secret, token or URL path.
REDACTED: Final = MASK * 4
#: Shorter runs of token characters are words, IDs and numbers, not tokens.
MIN_TOKEN_LENGTH: Final = 20

_ID_CHAR = f"[{ID_ALPHABET}]"
#: A Session ID, which also starts every participant's ID.
_SESSION_ID = re.compile(rf"{_ID_CHAR}{{4}}-{_ID_CHAR}{{4}}")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
#: What ends the authority (user info, host, port) of a URL for a browser.
_AUTHORITY_END = re.compile(r"[/\\?#]")
#: ``/join/`` and something after it: the URL base alone opens nothing.
_JOIN_PATH = re.compile(r"/join/.", re.IGNORECASE)
#: A path segment that may be a link's token (``core.links.TOKEN_PATTERN``), whatever
#: the URL base: a token need not have a digit in it.
_TOKEN_SEGMENT = re.compile(r"/[A-Za-z0-9_-]{24,}")
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{MIN_TOKEN_LENGTH},}}={{0,2}}")


class SecretRegistry:
    """The secrets the app has handled in this process, to be masked wherever they appear.

    Only ever grows: a secret that was once in memory may still turn up in a
    later line (a traceback, a retry). Safe to add to from any thread.
    """

    def __init__(self) -> None:
        self._secrets: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        """Mask ``secret`` from now on, and its ``repr()`` form (``\\n`` for a line break)."""
        forms = {secret, repr(secret)[1:-1]} - {""}
        with self._lock:
            if forms <= self._secrets:
                return
            self._secrets |= forms
            # Longest first, so a secret that contains another is masked whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered)))

    def mask(self, text: str) -> str:
        pattern = self._pattern  # one read: another thread may replace it meanwhile
        return text if pattern is None else pattern.sub(REDACTED, text)


#: The registry :func:`register_secret` adds to and :func:`redact` reads.
SECRETS = SecretRegistry()


def register_secret(secret: str) -> None:
    """Mask ``secret`` in every line :func:`redact` sees from now on (the empty text is ignored)."""
    SECRETS.add(secret)


def redact(text: str) -> str:
    """``text`` with Session URLs, token-like strings and registered secrets masked."""
    text = _URL.sub(_masked_url, text)
    text = _TOKEN.sub(_masked_token, text)
    return SECRETS.mask(text)


def _masked_url(match: re.Match[str]) -> str:
    url = match.group()
    scheme, _, rest = url.partition("://")
    end = _AUTHORITY_END.search(rest)
    split = len(rest) if end is None else end.start()
    authority, path = rest[:split], rest[split:]
    _, at, host = authority.rpartition("@")  # user info may hold a password
    if _JOIN_PATH.search(path) or _SESSION_ID.search(path) or _TOKEN_SEGMENT.search(path):
        return f"{scheme}://{host}/{REDACTED}"
    return f"{scheme}://{REDACTED}@{host}{path}" if at else url


def _masked_token(match: re.Match[str]) -> str:
    run = match.group()
    has_digit = any(ch.isdigit() for ch in run)
    has_letter = any(ch.isalpha() for ch in run)
    return REDACTED if has_digit and has_letter else run
