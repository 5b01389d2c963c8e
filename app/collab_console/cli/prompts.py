"""What the admin commands ask for: a name at a prompt, passphrases at a prompt or on stdin.

A passphrase never comes from an argument or the environment (both are visible
to other processes and end up in shell histories): it is typed at a prompt
that does not echo it (:mod:`getpass`, on the terminal), or read from standard
input with ``--passphrase-stdin``, one line per passphrase. Without a terminal
and without ``--passphrase-stdin`` the command stops (exit 2) rather than
guess. A refusal here is a :class:`ValidationError` (exit 2), and its message
never repeats what was read. The database commands read passwords the same
way, with ``--password-stdin``.
"""

from __future__ import annotations

import sys

from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record

#: Bytes read for one line of standard input: a passphrase has at most 1024
#: characters, each at most 4 bytes in UTF-8, and a line end.
_MAX_LINE_BYTES = 4 * 1024 + 2


class _Refusals(Record):
    """The refusals of :class:`SecretSource` for one kind of secret, marked for translation.

    Whole sentences for each kind: "passphrase", "password" and "secret" differ
    in gender and plural in other languages, so none is pieced together.
    """

    no_terminal: str  # {option}, {lines}
    not_typed: str
    differ: str
    input_ended: str  # {lines}
    too_long: str
    not_utf8: str


_REFUSALS = {
    "passphrase": _Refusals(
        N_(
            "there is no terminal to ask for the passphrase; give it on standard input "
            "with {option} ({lines}, one line each)"
        ),
        N_("no passphrase was typed; nothing was changed"),
        N_("the two passphrases differ; nothing was changed"),
        N_("standard input ended before a passphrase; give {lines}, one line each"),
        N_("the line on standard input is too long for a passphrase (at most 1024 characters)"),
        N_("the passphrase on standard input is not UTF-8 text"),
    ),
    "password": _Refusals(
        N_(
            "there is no terminal to ask for the password; give it on standard input "
            "with {option} ({lines}, one line each)"
        ),
        N_("no password was typed; nothing was changed"),
        N_("the two passwords differ; nothing was changed"),
        N_("standard input ended before a password; give {lines}, one line each"),
        N_("the line on standard input is too long for a password (at most 1024 characters)"),
        N_("the password on standard input is not UTF-8 text"),
    ),
    "secret": _Refusals(
        N_(
            "there is no terminal to ask for the secret; give it on standard input "
            "with {option} ({lines}, one line each)"
        ),
        N_("no secret was typed; nothing was changed"),
        N_("the two secrets differ; nothing was changed"),
        N_("standard input ended before a secret; give {lines}, one line each"),
        N_("the line on standard input is too long for a secret (at most 1024 characters)"),
        N_("the secret on standard input is not UTF-8 text"),
    ),
}


def stdin_is_terminal() -> bool:
    stream = sys.stdin
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


class SecretSource:
    """Passphrases (or passwords) from the terminal, or one line each from standard input.

    ``from_stdin`` is ``--passphrase-stdin``; ``lines`` says, for messages,
    what the lines on standard input must be (``"the admin's passphrase, then
    the new admin's"``), marked for translation by the caller (it is translated
    where shown). ``what`` is the kind of secret, ``"passphrase"``,
    ``"password"`` or ``"secret"``, and ``option`` the option named in
    messages: the database commands ask for a ``password`` with
    ``--password-stdin``.
    """

    def __init__(
        self,
        *,
        from_stdin: bool,
        lines: str,
        what: str = "passphrase",
        option: str = "--passphrase-stdin",
    ) -> None:
        if what not in _REFUSALS:
            raise ValueError(f"unknown kind of secret {what!r}: one of {', '.join(_REFUSALS)}")
        self.from_stdin = from_stdin
        self.lines = lines
        self.what = what
        self._refusals = _REFUSALS[what]
        if not from_stdin and not stdin_is_terminal():
            raise ValidationError(
                _(self._refusals.no_terminal).format(option=isolate(option), lines=_(lines))
            )

    def secret(self, prompt: str) -> str:
        """One passphrase: the next line of standard input, or typed at ``prompt``."""
        if self.from_stdin:
            return self._line()
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise ValidationError(_(self._refusals.not_typed)) from None

    def new_secret(self, prompt: str) -> str:
        """A new passphrase: asked twice at a terminal, read once from standard input."""
        first = self.secret(prompt)
        if self.from_stdin:
            return first
        if self.secret(_("Repeat it: ")) != first:
            raise ValidationError(_(self._refusals.differ))
        return first

    def _line(self) -> str:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        try:
            raw = buffer.readline(_MAX_LINE_BYTES) if buffer is not None else b""
        except (OSError, ValueError):
            raw = b""
        if not raw:
            raise ValidationError(_(self._refusals.input_ended).format(lines=_(self.lines)))
        if len(raw) >= _MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise ValidationError(_(self._refusals.too_long))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_(self._refusals.not_utf8)) from None
        return text.removesuffix("\n").removesuffix("\r")


def ask_admin_name(given: str | None, *, secrets_on_stdin: bool) -> str:
    """``--admin NAME``, or the name typed at a prompt; exit 2 without either.

    With ``--passphrase-stdin`` standard input holds passphrases only, so the
    name must be given with ``--admin``.
    """
    from collab_console.core.admins import validate_admin_name

    if given is None:
        if secrets_on_stdin or not stdin_is_terminal():
            raise ValidationError(_("say which admin you are with --admin NAME"))
        sys.stderr.write(_("Admin name: "))
        sys.stderr.flush()
        typed = sys.stdin.readline(256)
        if not typed:
            raise ValidationError(_("no admin name was typed; nothing was changed"))
        given = typed
    try:
        return validate_admin_name(given)
    except ValidationError as exc:
        raise ValidationError(f"--admin: {exc}") from None
