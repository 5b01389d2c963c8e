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

#: Bytes read for one line of standard input: a passphrase has at most 1024
#: characters, each at most 4 bytes in UTF-8, and a line end.
_MAX_LINE_BYTES = 4 * 1024 + 2


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
    the new admin's"``). ``what`` and ``option`` name the secret and the
    option in messages: the database commands ask for a ``password`` with
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
        self.from_stdin = from_stdin
        self.lines = lines
        self.what = what
        if not from_stdin and not stdin_is_terminal():
            raise ValidationError(
                f"there is no terminal to ask for the {what}; give it on standard input "
                f"with {option} ({lines}, one line each)"
            )

    def secret(self, prompt: str) -> str:
        """One passphrase: the next line of standard input, or typed at ``prompt``."""
        if self.from_stdin:
            return self._line()
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise ValidationError(f"no {self.what} was typed; nothing was changed") from None

    def new_secret(self, prompt: str) -> str:
        """A new passphrase: asked twice at a terminal, read once from standard input."""
        first = self.secret(prompt)
        if self.from_stdin:
            return first
        if self.secret("Repeat it: ") != first:
            raise ValidationError(f"the two {self.what}s differ; nothing was changed")
        return first

    def _line(self) -> str:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        try:
            raw = buffer.readline(_MAX_LINE_BYTES) if buffer is not None else b""
        except (OSError, ValueError):
            raw = b""
        if not raw:
            raise ValidationError(
                f"standard input ended before a {self.what}; give {self.lines}, one line each"
            )
        if len(raw) >= _MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise ValidationError(
                f"the line on standard input is too long for a {self.what} "
                "(at most 1024 characters)"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"the {self.what} on standard input is not UTF-8 text") from None
        return text.removesuffix("\n").removesuffix("\r")


def ask_admin_name(given: str | None, *, secrets_on_stdin: bool) -> str:
    """``--admin NAME``, or the name typed at a prompt; exit 2 without either.

    With ``--passphrase-stdin`` standard input holds passphrases only, so the
    name must be given with ``--admin``.
    """
    from collab_console.core.admins import validate_admin_name

    if given is None:
        if secrets_on_stdin or not stdin_is_terminal():
            raise ValidationError("say which admin you are with --admin NAME")
        sys.stderr.write("Admin name: ")
        sys.stderr.flush()
        typed = sys.stdin.readline(256)
        if not typed:
            raise ValidationError("no admin name was typed; nothing was changed")
        given = typed
    try:
        return validate_admin_name(given)
    except ValidationError as exc:
        raise ValidationError(f"--admin: {exc}") from None
