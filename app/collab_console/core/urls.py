"""Session URLs: the base an admin sets, the links built from it, and what is shown.

Pure functions without Qt or third-party packages. The rules are stricter than
:func:`urllib.parse.urlsplit`, because a browser (WHATWG URL rules) and
``urllib`` disagree on hostile input: a browser treats ``\\`` as ``/``, drops
tabs and line breaks, and decodes punycode into look-alike letters. Anything
where the two could disagree is refused rather than interpreted.

``unicodedata``, ``encodings.idna`` and ``urllib.parse`` are imported inside
the functions that need them, so importing this module costs no more than
:mod:`re`.
"""

from __future__ import annotations

import re

from collab_console.core.errors import SettingsError, ValidationError
from collab_console.core.i18n import N_, _, isolate

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

MAX_URL_BASE_LENGTH: Final = 200
MAX_LABEL_LENGTH: Final = 63
HTTPS_PORT: Final = 443

_BASE = N_("the Session URL base")
_HOST_EXAMPLE = "https://collab.example.com/"
#: Longer input is refused before any per-character work.
_MAX_INPUT = 4 * MAX_URL_BASE_LENGTH

_LDH_HOST = re.compile(r"[a-z0-9.-]+", re.ASCII)
_PORT = re.compile(r"[1-9][0-9]{0,4}", re.ASCII)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: RFC 3986 path characters (unreserved, sub-delims, ':' '@' and '/'); '%' is
#: checked on its own, since it must start an escape.
_PATH_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%"
)
#: Path segments a browser resolves away, so the link would not open the path it shows.
_DOT_SEGMENTS: Final = frozenset({".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"})
#: What ends the authority (user info, host, port) of an https URL for a browser.
_AUTHORITY_END = re.compile(r"[/\\?#]")
#: Scripts that are one writing system when mixed within a label (Japanese, Chinese, Korean).
_CJK_SETS: Final = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)
#: First words of character names that are not the script's own name.
_SCRIPT_ALIASES: Final = {"KATAKANA-HIRAGANA": "KATAKANA", "IDEOGRAPHIC": "CJK"}
_DEFAULT_PORTS: Final = {"https": HTTPS_PORT, "http": 80}
_BIDI_RTL: Final = frozenset({"R", "AL", "AN"})
_FIRST_STRONG_ISOLATE = "\u2068"
_POP_DIRECTIONAL_ISOLATE = "\u2069"


class _Refused(Exception):
    """A rule of :func:`_check_host` broken; the caller adds whose host it was."""


def validate_url_base(value: object, *, what: str = _BASE) -> str:
    """Return the normalised Session URL base, or raise :class:`SettingsError`.

    A Session URL is this base plus a link's token, so it must be a plain
    https address (plain http only on ``127.0.0.1`` or ``localhost``, for a
    local demo) of a real host name: ASCII letters, digits, hyphens and dots
    in labels of 1 to 63 characters, punycode labels (``xn--``) that decode
    and do not mix scripts, no IP address, no user name or password, no port
    other than 1 to 65535, no ``?`` or ``#``, no whitespace, control or
    invisible formatting character, no backslash, and only RFC 3986
    characters in the path, without ``.`` or ``..`` segments.

    The result starts with lower-case ``https://``, has a lower-case host and
    ends in ``/``; it is at most :data:`MAX_URL_BASE_LENGTH` characters long.
    Validating a result again returns it unchanged. ``what`` names the setting in
    the messages (the SMS gateway's address is checked the same way).
    """
    what = _(what)
    if not isinstance(value, str):
        raise SettingsError(_("{what} must be text").format(what=what))
    text = value.strip(" \t\r\n")
    if not text:
        raise SettingsError(_("{what} is empty").format(what=what))
    if len(text) > _MAX_INPUT:
        raise SettingsError(_too_long(what))
    problem = _character_problem(text)
    if problem:
        raise SettingsError(
            _("{what} must not contain {problem}").format(what=what, problem=problem)
        )
    if "\\" in text:
        raise SettingsError(_("{what} must not contain a backslash (\\)").format(what=what))
    scheme = "https"
    if text[:5].lower() == "http:" and _loopback_authority(text[7:].partition("/")[0]):
        scheme = "http"  # a local demo: the join service on this machine
    elif text[:6].lower() != "https:":
        raise SettingsError(
            _(
                "{what} must start with {https} (plain http only for {loopback} or localhost)"
            ).format(what=what, https=isolate("https://"), loopback=isolate("127.0.0.1"))
        )
    start = len(scheme) + 3
    if text[start - 2 : start] != "//":
        raise SettingsError(
            _("{what} needs a host name, like {example}").format(
                what=what, example=isolate(_HOST_EXAMPLE)
            )
        )
    if "?" in text or "#" in text:
        raise SettingsError(_("{what} must not contain '?' or '#'").format(what=what))
    authority, slash, path = text[start:].partition("/")
    if "@" in authority:
        raise SettingsError(_("{what} must not contain a user name or password").format(what=what))
    if authority.startswith("["):
        raise SettingsError(
            _("{what} needs a host name, like {example}, not an IP address").format(
                what=what, example=isolate(_HOST_EXAMPLE)
            )
        )
    host, colon, port = authority.partition(":")
    if colon and not _is_port(port):
        raise SettingsError(
            _("{what} is not a valid URL (its port must be a number 1 to 65535)").format(what=what)
        )
    if not host.isascii():
        raise SettingsError(_unicode_host_message(host, what))
    host = host.lower()
    try:
        if scheme == "https":
            _check_host(host)
    except _Refused as refused:
        raise SettingsError(_("{what} {problem}").format(what=what, problem=refused)) from None
    path = slash + path
    if not path.isascii():
        raise SettingsError(
            _(
                "the path of {what} must be plain ASCII: percent-encode other characters"
                " (é is %C3%A9)"
            ).format(what=what)
        )
    path_problem = _path_problem(path)
    if path_problem:
        raise SettingsError(
            _("the path of {what} {problem}").format(what=what, problem=path_problem)
        )
    normalised = f"{scheme}://{host}{colon}{port}{path}"
    if not normalised.endswith("/"):
        normalised += "/"
    if len(normalised) > MAX_URL_BASE_LENGTH:
        raise SettingsError(_too_long(what))
    return normalised


def _too_long(what: str) -> str:
    return _("{what} is longer than {most} characters").format(what=what, most=MAX_URL_BASE_LENGTH)


def _loopback_authority(authority: str) -> bool:
    """``127.0.0.1`` or ``localhost``, with or without a port: this machine only."""
    host, colon, port = authority.partition(":")
    return host.lower() in ("127.0.0.1", "localhost") and (not colon or _is_port(port))


def link_host(url: str) -> str:
    """The host of ``url`` as an agent should see it before trusting a link.

    The ASCII host in lower case as a browser would reach it (a Unicode host
    is shown in its punycode form), the port unless it is the default one,
    and, when the host has punycode labels, ``(decoded form)`` after it, like
    ``xn--exmple-4nf.com (exаmple.com)``. A right-to-left decoded form is
    wrapped in a bidi isolate so it cannot reorder the rest of the line.
    User info and anything after ``/``, ``\\``, ``?`` or ``#`` are not part of
    the host, as in a browser. Raises :class:`ValidationError` when there is
    no host, or it cannot be shown as ASCII.
    """
    text = url.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None})
    scheme, sep, rest = text.partition("://")
    if not sep or not rest:
        raise ValidationError(_("the link has no host name"))
    end = _AUTHORITY_END.search(rest)
    authority = rest if end is None else rest[: end.start()]
    host, port = _host_and_port(authority.rpartition("@")[2])
    if "%" in host:
        from urllib.parse import unquote

        try:
            host = unquote(host, errors="strict")
        except ValueError:
            raise ValidationError(_("the link's host name cannot be shown as plain text")) from None
    ascii_host = _ascii_host(host)
    if port and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme.lower()):
        port = None
    shown = ascii_host if port is None else f"{ascii_host}:{port}"
    if not any(label.startswith("xn--") for label in ascii_host.split(".")):
        return shown
    decoded = ".".join(_decoded_label(label) or label for label in ascii_host.split("."))
    if any(label.startswith("xn--") for label in decoded.split(".")):
        return _("{host} (not valid punycode)").format(host=shown)
    import unicodedata

    if any(unicodedata.bidirectional(ch) in _BIDI_RTL for ch in decoded):
        decoded = _FIRST_STRONG_ISOLATE + decoded + _POP_DIRECTIONAL_ISOLATE
    return f"{shown} ({decoded})"


def _character_problem(text: str) -> str | None:
    """Whitespace, control or invisible formatting characters in ``text``, named."""
    if text.isascii() and text.isprintable():
        # Of printable ASCII only the space is one of these: the loop below reduces to
        # this, and every store read validates the URL base (``settings show`` too).
        return _("spaces, tabs or line breaks") if " " in text else None
    import unicodedata

    for ch in text:
        category = unicodedata.category(ch)
        if ch in " \t\n\r\v\f" or category in ("Zs", "Zl", "Zp"):
            return _("spaces, tabs or line breaks")
        if category == "Cc":
            return _("control characters")
        if category in ("Cf", "Cs"):
            return _("invisible formatting characters")
    return None


def _is_port(text: str) -> bool:
    return _PORT.fullmatch(text) is not None and int(text) <= 65535


def _host_and_port(authority: str) -> tuple[str, str | None]:
    """Split ``host:port``; the port is None without ':' and "" when not a valid port."""
    if authority.startswith("["):
        close = authority.find("]")
        if close != -1:
            host, after = authority[: close + 1], authority[close + 1 :]
            if not after:
                return host, None
            return host, after[1:] if after[0] == ":" and _is_port(after[1:]) else ""
    host, colon, port = authority.rpartition(":")
    if not colon:
        return authority, None
    return host, port if _is_port(port) else ""


def _check_host(host: str) -> None:
    """Raise :class:`_Refused` unless ``host`` (ASCII, lower case) is a proper host name."""
    if host.startswith("[") or not host:
        raise _Refused(
            _("needs a host name, like {example}").format(example=isolate(_HOST_EXAMPLE))
        )
    if not _LDH_HOST.fullmatch(host):
        raise _Refused(_("may have only letters, digits, hyphens and dots in its host name"))
    if "." not in host.strip("."):
        raise _Refused(
            _("needs a host name, like {example}").format(example=isolate(_HOST_EXAMPLE))
        )
    labels = host.split(".")
    if "" in labels:
        raise _Refused(
            _("must not have two dots in a row, or a dot at either end, in its host name")
        )
    for label in labels:
        if len(label) > MAX_LABEL_LENGTH:
            raise _Refused(
                _("has a part of its host name longer than {most} characters").format(
                    most=MAX_LABEL_LENGTH
                )
            )
        if label.startswith("-") or label.endswith("-"):
            raise _Refused(_("has a part of its host name that starts or ends with a hyphen"))
    if not labels[-1][0].isalpha():
        raise _Refused(
            _("needs a host name, like {example}, not an IP address").format(
                example=isolate(_HOST_EXAMPLE)
            )
        )
    for label in labels:
        if label.startswith("xn--"):
            decoded = _decoded_label(label)
            if decoded is None:
                raise _Refused(
                    _("has {label} in its host name, which is not valid punycode").format(
                        label=isolate(label)
                    )
                )
            if not _letters_and_digits_only(decoded):
                raise _Refused(
                    _(
                        "has {label} in its host name, which decodes to symbols or punctuation"
                    ).format(label=isolate(label))
                )
            scripts = _mixed_scripts(decoded)
            if scripts:
                raise _Refused(
                    _(
                        "has {label} in its host name, which mixes {scripts} letters "
                        "and can imitate another address"
                    ).format(label=isolate(label), scripts=isolate(scripts))
                )


def _decoded_label(label: str) -> str | None:
    """The Unicode form of the punycode ``label``, or None when it does not round-trip."""
    try:
        decoded = label.encode("ascii").decode("idna")
    except ValueError:  # UnicodeError: bad punycode, or it does not round-trip
        return None
    return decoded if decoded and decoded != label else None


def _letters_and_digits_only(label: str) -> bool:
    """True when ``label`` has only letters, combining marks, digits and '-'."""
    import unicodedata

    return all(
        ch == "-" or unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "Nd"
        for ch in label
    )


def _mixed_scripts(label: str) -> str | None:
    """The scripts a host name label mixes, like ``"Cyrillic and Latin"``, or None.

    The script of a letter is the first word of its Unicode name (LATIN,
    CYRILLIC, GREEK, ...); digits, marks and '-' go with any script. Han,
    Hiragana, Katakana, Bopomofo and Hangul mix with each other (and Latin)
    as in Japanese, Chinese and Korean names.
    """
    import unicodedata

    scripts: set[str] = set()
    for ch in label:
        if ch == "-" or not unicodedata.category(ch).startswith("L"):
            continue
        first = unicodedata.name(ch, "UNKNOWN").split()[0]
        scripts.add(_SCRIPT_ALIASES.get(first, first))
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _CJK_SETS):
        return None
    return " and ".join(sorted(script.title() for script in scripts))


def _unicode_host_message(host: str, what: str) -> str:
    """Why a host with non-ASCII letters is refused, with its punycode form when useful."""
    for label in host.split("."):
        scripts = _mixed_scripts(label)
        if scripts:
            return _(
                "the host name of {what} mixes {scripts} letters and can imitate another address"
            ).format(what=what, scripts=isolate(scripts))
    try:
        punycode = host.encode("idna").decode("ascii").lower()
        _check_host(punycode)
    except (ValueError, _Refused):
        return _(
            "the host name of {what} must be plain ASCII: use its punycode form (xn--…)"
        ).format(what=what)
    return _(
        "the host name of {what} must be plain ASCII: use its punycode form, {punycode}"
    ).format(what=what, punycode=isolate(punycode))


def _ascii_host(host: str) -> str:
    """``host`` as ASCII in lower case (punycode for a Unicode host), or raise."""
    if host.startswith("[") and re.fullmatch(r"\[[0-9A-Fa-f:.]+\]", host):
        return host.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except ValueError:
            raise ValidationError(_("the link's host name cannot be shown as plain text")) from None
    host = host.lower()
    if not host.strip("."):
        raise ValidationError(_("the link has no host name"))
    if not _LDH_HOST.fullmatch(host):
        raise ValidationError(_("the link's host name has characters a host name cannot have"))
    return host


def _path_problem(path: str) -> str | None:
    """What is wrong with an ASCII URL path, as the end of a sentence, or None."""
    for ch in path:
        if ch not in _PATH_CHARS:
            return _("must not contain {character}").format(character=isolate(repr(ch)))
    if _BAD_PERCENT.search(path):
        return _("has a '%' that is not followed by two hex digits")
    if any(segment.lower() in _DOT_SEGMENTS for segment in path.split("/")):
        return _("must not have '.' or '..' parts")
    return None
