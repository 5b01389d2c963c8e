"""What people type or paste: names and IDs, cleaned or refused with a reason.

Pure functions without Qt or third-party packages, shared by the dialogs, the
CLI and the store. Every refusal is a :class:`ValidationError` whose message is
one lower-case-first line that reads after a prefix (see ``core/errors.py``).

``unicodedata`` is imported inside the functions that need it, so importing
this module costs no more than :mod:`re`.
"""

from __future__ import annotations

import re

from collab_console.core.errors import ValidationError
from collab_console.core.i18n import _, isolate

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

#: Crockford's base-32 without I, L, O, U: nothing an agent can misread over the phone.
ID_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_CHAR = "[0-9A-HJKMNP-TV-Z]"

#: A Session ID as stored and shown: ``7QKM-92HX``. ``\Z``, unlike ``$``,
#: does not let a trailing newline through.
SESSION_ID_PATTERN: Final = re.compile(rf"\A{_ID_CHAR}{{4}}-{_ID_CHAR}{{4}}\Z")

_EXAMPLE_ID = "7QKM-92HX"
#: What an agent may type around and between the characters of a Session ID.
_ID_SEPARATORS: Final = {ord(ch): None for ch in " \t\r\n-"}
#: Inputs longer than this are not echoed back in a message.
_MAX_ECHO = 16

#: Embeddings, overrides and isolates: they reorder how the rest of a line is
#: shown, so a name could make a message or a log line read differently.
BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Control characters a paste commonly carries inside a name; they count as whitespace.
_WHITESPACE_CONTROLS: Final = frozenset("\t\n\r\v\f")
#: Letters and symbols that render as nothing (Hangul fillers, the blank
#: Braille pattern, the combining grapheme joiner): not enough for a name.
_BLANK_LOOKING: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
#: Categories that are invisible on their own: marks, separators, format, control.
_INVISIBLE_CATEGORIES: Final = frozenset({"Mn", "Me", "Zs", "Zl", "Zp", "Cf", "Cc"})


def is_session_id(text: object) -> bool:
    """True when ``text`` is a Session ID exactly as stored (``7QKM-92HX``)."""
    return isinstance(text, str) and SESSION_ID_PATTERN.match(text) is not None


def normalise_session_id(text: object) -> str:
    """The Session ID an agent typed, as stored (``7QKM-92HX``), or raise.

    Any case, spaces and a missing or misplaced dash are fine, but only plain
    ASCII: ``.upper()`` would turn the ligature ``ﬀ`` into ``FF`` and
    full-width letters are a different text, so both are refused rather than
    silently mapped onto somebody else's ID.
    """
    if not isinstance(text, str):
        raise ValidationError(
            _("a Session ID must be text (expected something like {example})").format(
                example=isolate(_EXAMPLE_ID)
            )
        )
    shown = isolate(repr(text)) if len(text) <= _MAX_ECHO else _("that text")
    if not text.isascii():
        raise ValidationError(
            _(
                "{text} is not a Session ID: type it with plain letters and digits"
                " (expected something like {example})"
            ).format(text=shown, example=isolate(_EXAMPLE_ID))
        )
    compact = text.translate(_ID_SEPARATORS).upper()
    if len(compact) == 8 and all(ch in ID_ALPHABET for ch in compact):
        return f"{compact[:4]}-{compact[4:]}"
    if any(ch in "ILOU" for ch in compact):
        raise ValidationError(
            _(
                "{text} is not a Session ID: Session IDs never contain I, L, O or U"
                " (expected something like {example})"
            ).format(text=shown, example=isolate(_EXAMPLE_ID))
        )
    raise ValidationError(
        _("{text} is not a Session ID (expected something like {example})").format(
            text=shown, example=isolate(_EXAMPLE_ID)
        )
    )


def clean_name(text: object, *, what: str, max_length: int = 120) -> str:
    """A person's name as it should be stored and shown, or raise.

    For the customer, a document participant, or the admin who acknowledged
    a warning; ``what`` names the field in messages (``"the customer's
    name"``). Whitespace runs (tabs and line breaks included) become one space
    and the ends are stripped; invisible formatting characters (zero-width
    spaces and joiners, the byte-order mark) are dropped and the result is in
    NFC. Refused: anything but text, other control characters, text-direction
    overrides, embeddings and isolates anywhere, a name with nothing visible
    left, and more than ``max_length`` characters once cleaned.
    """
    if not isinstance(text, str):
        raise ValidationError(_("{what} must be text").format(what=what))
    if text.isascii() and text.isprintable():
        # Printable ASCII has no controls, format or bidi characters and is its
        # own NFC: the rules below reduce to these, at C speed (10 000 stored
        # names are read back whenever a large session opens).
        cleaned = " ".join(text.split())
        if not cleaned:
            raise ValidationError(_("enter {what}").format(what=what))
        if len(cleaned) > max_length:
            raise ValidationError(_too_long(what, max_length))
        return cleaned
    import unicodedata

    kept: list[str] = []
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise ValidationError(
                _("{what} must not contain text-direction controls, which can disguise it").format(
                    what=what
                )
            )
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in _WHITESPACE_CONTROLS:
            raise ValidationError(_("{what} must not contain control characters").format(what=what))
        if category == "Cs":
            raise ValidationError(
                _("{what} contains a broken character (a lone surrogate)").format(what=what)
            )
        if category != "Cf":
            kept.append(ch)
    cleaned = " ".join(unicodedata.normalize("NFC", "".join(kept)).split())
    if not cleaned and (not text or text.isspace()):
        raise ValidationError(_("enter {what}").format(what=what))
    if not any(
        ch not in _BLANK_LOOKING and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in cleaned
    ):
        raise ValidationError(_("{what} has no visible characters").format(what=what))
    if len(cleaned) > max_length:
        raise ValidationError(_too_long(what, max_length))
    return cleaned


def _too_long(what: str, max_length: int) -> str:
    return _("{what} is longer than {max_length} characters").format(
        what=what, max_length=max_length
    )
