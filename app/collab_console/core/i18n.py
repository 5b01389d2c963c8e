"""The language of the core and CLI texts, and the bidi rules for what is shown in it.

Core and CLI texts (setting labels, ``settings show``'s words; also shown by
the GUI) are translated with the standard library's :mod:`gettext`, one domain
:data:`DOMAIN`, from catalogues compiled at build time (``packaging/translations
build``) into ``collab_console/_data/locale/<lang>/LC_MESSAGES/``. The GUI's own
texts use Qt's translation instead (``.ts``/``.qm``); both follow the language
chosen here.

The language is, in order: ``--lang``; the user's choice saved in the
``language`` file of the config folder; the desktop's locale (``$LANGUAGE``,
``$LC_ALL``, ``$LC_MESSAGES``, ``$LANG``, the first one set, as Python's gettext
reads them); English when none names a language the console speaks.

Values that must read left to right (Session IDs, URLs, phone numbers, e-mail
addresses) are wrapped by :func:`isolate` in what is shown in a right-to-left
language; :func:`strip_bidi` takes such controls out again, and nothing copied
or sent may ever carry one.

Importing this module costs next to nothing: every command pays it, so
:mod:`gettext` is imported only when a language other than English is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from gettext import NullTranslations as _Translations

#: The languages the console speaks, English first (the source language).
LANGUAGES = ("en", "he")
#: Each language by its own name, as a desktop's language menu lists it (never translated).
LANGUAGE_NAMES = {"en": "English", "he": "עברית"}
#: The gettext domain of the core and CLI texts (``<domain>.mo``).
DOMAIN = "collab_console"
#: The file, in the user's config folder, that keeps the language chosen in Preferences.
LANGUAGE_FILENAME = "language"
RIGHT_TO_LEFT = frozenset({"he"})
#: Where the compiled catalogues are (built by ``packaging/translations build``).
LOCALE_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "_data", "locale")

#: Read in this order; the first one set (not empty) decides, as in :func:`gettext.find`.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: Old ISO 639 code for Hebrew, still found in some locales (``iw_IL``).
_ALIASES = {"iw": "he", "c": "en", "posix": "en"}
_LRI = "\u2066"
_PDI = "\u2069"
#: Every bidi control: ALM, LRM, RLM, the embeddings and overrides, the isolates.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"
    + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A)))
)
_STRIP_TABLE = dict.fromkeys(map(ord, _BIDI_CONTROLS))


class _Catalogue:
    """What :func:`_` and :func:`ngettext` read: a gettext translation, or None for English."""

    language = "en"
    translations: _Translations | None = None


def _language_of(name: str) -> str | None:
    """``he`` for ``he_IL.UTF-8``, ``iw`` or ``he``; ``en`` for C or POSIX; None if not ours."""
    code = name.strip().split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0]
    code = _ALIASES.get(code.lower(), code.lower())
    return code if code in LANGUAGES else None


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the desktop's locale asks for, or ``en``.

    The first locale variable set decides; ``$LANGUAGE`` may list several
    (``fr:he``), the first the console speaks wins. C, POSIX or only unknown
    languages give English.
    """
    env = os.environ if environ is None else environ
    for variable in _LOCALE_VARIABLES:
        value = env.get(variable, "")
        if not value:
            continue
        for name in value.split(":"):
            language = _language_of(name)
            if language is not None:
                return language
        return "en"
    return "en"


def choose_language(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of this run: ``flag`` (``--lang``), else the saved choice, else the locale."""
    if flag is not None:
        if flag not in LANGUAGES:
            raise ValueError(f"unknown language {flag!r}: one of {', '.join(LANGUAGES)}")
        return flag
    return saved_language() or locale_language(environ)


def language_file() -> str:
    """Where the user's choice of language is kept, in the config folder."""
    from collab_console.store.location import config_dir

    return os.path.join(config_dir(), LANGUAGE_FILENAME)


def saved_language() -> str | None:
    """The language the user chose, or None to follow the locale.

    A missing or unreadable file, or one naming a language this version does
    not speak (a newer version's choice, a hand edit), also gives None: the
    locale decides, without a word. Unlike a security setting, a language
    read wrongly harms nothing, and the user can choose again.
    """
    try:
        with open(language_file(), encoding="utf-8") as file:
            text = file.read(64).strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text in LANGUAGES else None


def save_language(lang: str | None) -> str:
    """Keep ``lang`` for the next runs (None: follow the locale again); return the file's path.

    Written whole (a temporary file moved into place), as the remembered
    organisation database is; an OSError says why it could not be.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    from collab_console.store.location import write_user_file

    path = language_file()
    write_user_file(path, lang)
    return path


def use_language(lang: str) -> None:
    """Translate this process's core and CLI texts into ``lang`` from now on.

    English needs no catalogue. A language whose catalogue was not built
    (a source checkout before ``packaging/translations build``) shows English
    texts, still with the language's direction.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    _Catalogue.language = lang
    if lang == "en":
        _Catalogue.translations = None
        return
    import gettext

    _Catalogue.translations = gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[lang], fallback=True
    )


def current_language() -> str:
    return _Catalogue.language


def is_rtl(lang: str | None = None) -> bool:
    """Whether ``lang`` (the current language by default) is written right to left."""
    return (current_language() if lang is None else lang) in RIGHT_TO_LEFT


def _(text: str) -> str:
    """``text`` in the current language."""
    translations = _Catalogue.translations
    return text if translations is None else translations.gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in the current language."""
    translations = _Catalogue.translations
    if translations is None:
        return singular if n == 1 else plural
    return translations.ngettext(singular, plural, n)


def N_(text: str) -> str:
    """Mark ``text`` for translation where it is declared; :func:`_` translates it where shown."""
    return text


def isolate(value: str) -> str:
    """``value`` kept left to right inside right-to-left text: in LRI … PDI when the current
    language is right to left, else unchanged. For what is shown only, never copied."""
    return f"{_LRI}{value}{_PDI}" if is_rtl() else value


def strip_bidi(text: str) -> str:
    """``text`` without any bidi control character (for the clipboard, an invitation, a file)."""
    return text.translate(_STRIP_TABLE)
