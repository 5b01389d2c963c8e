"""The CLI's output and error lines, written so that no stream problem becomes a traceback.

Standard output may be closed when the program starts (``>&-``), full
(``>/dev/full``), or a pipe whose reader has gone (``| head -c0``); standard
error may be closed too (``2>&-``). :func:`write_out` and :func:`flush_out`
turn every such failure into :class:`OutputError` (exit 1), and
:func:`say_error` writes the one ``collab-console: ...`` line, or nothing
when it cannot.

This module imports only the standard library, the core's errors and its
translation (:mod:`collab_console.core.i18n`, as light), so ``main()`` can set
up its guard before anything else is loaded; it leaves
out ``typing``, and imports ``unicodedata`` only for a message that is not
printable ASCII, as every command loads it (``tests/benchmarks/README.md``).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import _, strip_bidi

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

PROG = "collab-console"

#: Errors of a write that has no file name: they can only be the output's own.
_WRITE_ERRNOS = frozenset(
    {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}
)
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})

#: Standard descriptors (0, 1, 2) that were closed when :func:`ensure_standard_fds` ran.
_closed_at_start: set[int] = set()


class OutputError(CollabConsoleError):
    """Standard output is closed, full, or nobody reads it any more."""


def stdout_closed_message() -> str:
    """What is said when standard output is closed, in the current language."""
    return _("standard output is closed; nothing could be printed")


def ensure_standard_fds() -> frozenset[int]:
    """Open /dev/null on whichever of fds 0, 1 and 2 are closed, as daemons do.

    Otherwise the next file the program opens (the SQLite store) would get
    the lowest free number, 1 say, and receive what we print. Returns the
    descriptors that were closed; :func:`stdout_is_open` remembers fd 1.
    A stream Python left as ``None`` for a closed descriptor is replaced by
    one on /dev/null, so that code printing to it neither fails nor writes
    somewhere else (``print(file=None)`` would write to stdout).
    """
    closed: set[int] = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if 0 in closed and sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    if 1 in closed and sys.stdout is None:
        sys.stdout = _devnull_writer(1)
    if 2 in closed and sys.stderr is None:
        sys.stderr = _devnull_writer(2)
    _closed_at_start.clear()
    _closed_at_start.update(closed)
    return frozenset(closed)


def _devnull_writer(fd: int) -> TextIO:
    return open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False)


def stdout_is_open() -> bool:
    """False when standard output was closed at start, so whatever we print is lost."""
    return 1 not in _closed_at_start and sys.stdout is not None


def check_stdout() -> None:
    """Raise :class:`OutputError` unless there is somewhere for the output to go.

    Call it before a command does anything, so that a command run with
    ``>&-`` fails before it changes the clipboard or the store.
    """
    if not stdout_is_open():
        raise OutputError(stdout_closed_message())


def write_out(text: str) -> None:
    """Print ``text`` and a newline on standard output, and flush it.

    Raises :class:`OutputError` when standard output is closed, full or its
    reader has gone; the rest of the output then goes to /dev/null, so that
    nothing fails again when Python exits.
    """
    check_stdout()
    stream = sys.stdout
    try:
        stream.write(_encodable(text + "\n", stream))
        stream.flush()
    except (OSError, ValueError) as exc:
        raise output_error(exc) from None


def flush_out() -> None:
    """Flush standard output; raise :class:`OutputError` as :func:`write_out` does.

    ``main()`` calls it before returning, because output to a pipe or file
    is buffered and would otherwise fail only as Python exits.
    """
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError) as exc:
        raise output_error(exc) from None


def output_error(exc: OSError | ValueError) -> OutputError:
    """The :class:`OutputError` for a failed write of stdout; sends what is left to /dev/null.

    See "Note on SIGPIPE" in the :mod:`signal` documentation.
    """
    discard_stdout()
    if isinstance(exc, BrokenPipeError):
        return OutputError(_("cannot write the output: the program reading it has exited"))
    if isinstance(exc, OSError):
        return OutputError(
            _("cannot write the output: {reason}").format(reason=exc.strerror or exc)
        )
    return OutputError(stdout_closed_message())


def is_output_failure(exc: OSError) -> bool:
    """Whether ``exc`` (raised by a ``print``, say) is standard output failing.

    An error of a named file (the store) is not; a broken pipe always is; an
    unnamed write error is when standard output cannot be flushed either.
    """
    if exc.filename is not None:
        return False
    if isinstance(exc, BrokenPipeError) or exc.errno in _WRITE_ERRNOS:
        return True
    stream = sys.stdout
    if stream is None:
        return False
    try:
        stream.flush()
    except (OSError, ValueError):
        return True
    return False


@contextmanager
def recording_write_errors(failures: list[OSError]) -> Iterator[None]:
    """Append to ``failures`` every error of writing stdout in the block, even a swallowed one.

    argparse prints ``--help`` and ``--version`` and ignores an ``OSError``
    doing so, then exits 0: with this, ``main()`` can still tell the output
    was lost. The errors are raised as before.
    """
    real = sys.stdout
    if real is None:
        yield
        return
    sys.stdout = _Recording(real, failures)
    try:
        yield
    finally:
        sys.stdout = real


class _Recording:
    """A text stream that notes the ``OSError`` of each failed write or flush."""

    def __init__(self, stream: TextIO, failures: list[OSError]) -> None:
        self._stream = stream
        self._failures = failures

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self._failures.append(exc)
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self._failures.append(exc)
            raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def discard_stdout() -> None:
    """Point standard output's descriptor at /dev/null, so buffered output cannot fail again."""
    _discard(sys.stdout)


def _discard(stream: TextIO | None) -> None:
    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # not a real file (io.StringIO), or closed
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def say_error(message: str) -> None:
    """Write ``collab-console: <message>`` as one line on standard error; never raise.

    Line breaks in ``message`` become spaces, and control characters and
    bytes that were not UTF-8 are escaped. With standard error closed or
    broken the line is dropped (there is nowhere left to say it).
    """
    line = f"{PROG}: {one_line(message)}\n"
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(_encodable(line, stream))
        stream.flush()
    except (OSError, ValueError):
        _discard(stream)


def aligned(rows: Sequence[Sequence[str]]) -> str:
    """``rows`` as lines of columns two spaces apart, each but the last padded to its
    widest cell (the last, free text, is left as it is).

    A cell's width leaves out the bidi controls :func:`~collab_console.core.i18n.isolate`
    puts around a value in a right-to-left language: they take no room on screen.
    """
    widths = [max(_shown_width(row[n]) for row in rows) for n in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(
            cell + " " * (width - _shown_width(cell))
            for cell, width in zip(row, widths, strict=False)
        )
        + "  "
        + row[-1]
        for row in rows
    )


def _shown_width(cell: str) -> int:
    return len(cell) if cell.isascii() else len(strip_bidi(cell))


def one_line(text: str) -> str:
    """``text`` on one line: breaks become spaces, other unprintable characters escapes."""
    text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    if text.isascii() and text.isprintable():  # no control characters: nothing to escape
        return text
    import unicodedata

    if not any(unicodedata.category(char) in _UNSAFE_CATEGORIES for char in text):
        return text
    out = []
    for char in text:
        code = ord(char)
        if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(repr(char)[1:-1])  # as repr() writes it: \n, \x1b, \u2028
    return "".join(out)


def _encodable(text: str, stream: TextIO) -> str:
    """``text``, with what ``stream`` cannot encode written as backslash escapes."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding, getattr(stream, "errors", None) or "strict")
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding, "replace")
    except LookupError:
        pass
    return text
