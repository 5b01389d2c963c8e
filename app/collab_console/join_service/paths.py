"""Which page a request names: read from the path exactly as the browser sent it.

The service answers under the path of the Session URL base (``/join/``) and
nowhere else. The path is matched as raw bytes, never decoded: a token is
24 URL-safe characters that need no escaping, so ``/join/%41…``, ``..``
segments, a trailing slash, a unicode look-alike or a path too long all name
no page (404) rather than being normalised into one. The page names
(``status``) cannot be tokens: they are not 24 characters long.
"""

from __future__ import annotations

from enum import Enum

from collab_console.core.links import TOKEN_PATTERN

#: The page where a browser sees where it stands, under the base path.
STATUS_NAME = "status"
#: Longer request paths name nothing: no work is spent on them.
MAX_PATH_BYTES = 1024
_STATUS = STATUS_NAME.encode("ascii")


class Page(Enum):
    """What a request path names."""

    LOBBY = "lobby"
    STATUS = "status"
    LINK = "link"
    #: The base path without its final slash (``/join``): redirected to the lobby.
    BASE_WITHOUT_SLASH = "base"
    NOT_FOUND = "other"


class JoinPaths:
    """The pages under one base path (``/join/``), and how a raw request path maps to them.

    Holds no secret and never keeps a path it was asked about.
    """

    def __init__(self, base_path: str) -> None:
        if not base_path.startswith("/") or not base_path.endswith("/") or not base_path.isascii():
            raise ValueError("a base path is ASCII and starts and ends with '/'")
        self.base = base_path
        self.status = base_path + STATUS_NAME
        self._prefix = base_path.encode("ascii")
        self._without_slash = self._prefix[:-1] if len(self._prefix) > 1 else None

    @classmethod
    def from_url_base(cls, url_base: str) -> JoinPaths:
        """The pages of a (validated) Session URL base: its path, ``/`` when it has none."""
        from urllib.parse import urlsplit

        return cls(urlsplit(url_base).path or "/")

    def route(self, raw_path: bytes) -> tuple[Page, str]:
        """The page ``raw_path`` names and, for a link, its token ("" otherwise).

        ``raw_path`` is the path as received (a query string after ``?`` is
        ignored). Anything that is not exactly a page is :attr:`Page.NOT_FOUND`.
        """
        path = raw_path.split(b"?", 1)[0]
        if len(path) > MAX_PATH_BYTES:
            return Page.NOT_FOUND, ""
        if not path.startswith(self._prefix):
            if path == self._without_slash:
                return Page.BASE_WITHOUT_SLASH, ""
            return Page.NOT_FOUND, ""
        rest = path[len(self._prefix) :]
        if not rest:
            return Page.LOBBY, ""
        if rest == _STATUS:
            return Page.STATUS, ""
        if len(rest) == 24 and rest.isascii():
            token = rest.decode("ascii")
            if TOKEN_PATTERN.fullmatch(token):
                return Page.LINK, token
        return Page.NOT_FOUND, ""

    def shown(self, page: Page) -> str:
        """The path of ``page`` as a log line may show it: a link's token is ``…``."""
        if page is Page.LOBBY:
            return self.base
        if page is Page.STATUS:
            return self.status
        if page is Page.LINK:
            return self.base + "…"
        if page is Page.BASE_WITHOUT_SLASH:
            return self.base[:-1]
        return "(another path)"
