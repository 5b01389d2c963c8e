"""The CLI's clipboard: pyperclip puts the value there, and a separate reader checks it stayed.

Why :meth:`SystemClipboard.put` waits: on X11 the helpers pyperclip runs (xclip,
xsel) read the text, fork, and let the parent exit; only the forked child then
tells the X server that it owns the clipboard (xclip's Xlib requests are still
buffered when the parent exits; xsel forks twice first). So when
``pyperclip.copy`` returns, another program reading the clipboard may still get
the previous value. ``put`` therefore reads the clipboard back with a separate
program until it gets the text, for up to :attr:`SystemClipboard.timeout`
seconds; each read has its own, shorter time limit, as a reader that asked an
owner that is going away, or a stopped one, never gets an answer.

This module is on the CLI path: it must never import Qt, and it imports
pyperclip only when something is copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import ModuleType

from collab_console.core.errors import ClipboardError
from collab_console.core.records import Record

NO_CLIPBOARD_HELP = (
    "no clipboard is reachable. On X11 install xclip or xsel (apt-get install xclip) "
    "and run inside a desktop session; on Wayland install wl-clipboard."
)

# What a Linux reader says on stderr when there is no display to read from.
_NO_DISPLAY_MARKERS = (b"can't open display", b"failed to connect to a wayland")


class _Helper(Record):
    """A Linux clipboard program: pyperclip's name for it, and how to read the clipboard."""

    mechanism: str  # the name pyperclip.set_clipboard knows it by
    programs: tuple[str, ...]  # all must be on PATH
    read: tuple[str, ...]  # prints the clipboard on stdout, exactly as it is

    @property
    def available(self) -> bool:
        return all(shutil.which(program) for program in self.programs)


_WAYLAND = _Helper(
    "wl-clipboard", ("wl-copy", "wl-paste"), ("wl-paste", "--no-newline", "--type", "text")
)
_X11 = (
    _Helper("xclip", ("xclip",), ("xclip", "-selection", "clipboard", "-o")),
    _Helper("xsel", ("xsel",), ("xsel", "--clipboard", "--output")),
)


class SystemClipboard:
    """The desktop's clipboard, reached through pyperclip (implements ``ClipboardPort``).

    On Linux only programs that take the text on stdin are used (wl-copy, xclip,
    xsel, in pyperclip's order): never klipper, whose helper gets the text on its
    command line, nor a Qt binding.
    """

    def __init__(
        self, *, timeout: float = 2.0, poll_interval: float = 0.005, read_timeout: float = 0.5
    ) -> None:
        self.timeout = timeout  # for the whole check, in seconds
        self.poll_interval = poll_interval  # between two reads
        self.read_timeout = read_timeout  # for one read; doubled after each read that ran out

    def put(self, text: str, *, sensitive: bool) -> None:
        """Put ``text`` on the clipboard; return once another program reading it gets ``text``.

        ``sensitive`` is accepted but changes nothing yet on Linux; a later issue
        marks such values so clipboard managers keep them out of their history.

        Raises :class:`ClipboardError` with :data:`NO_CLIPBOARD_HELP` when nothing
        can hold the clipboard, and with another message when the clipboard
        exists but other programs still read something else after
        :attr:`timeout` seconds. Neither message contains ``text``.
        """
        import pyperclip  # here, not at the top: importing it probes the desktop

        helper = _linux_helper()
        if helper is not None:
            pyperclip.set_clipboard(helper.mechanism)
        try:
            with _helpers_write_to_devnull():
                pyperclip.copy(text)
        except (pyperclip.PyperclipException, OSError) as exc:
            raise ClipboardError(NO_CLIPBOARD_HELP) from exc
        if not self._reads_back(text, lambda limit: _read(helper, pyperclip, limit)):
            where = f" ({helper.mechanism})" if helper is not None else ""
            raise ClipboardError(
                f"the clipboard{where} did not keep the copied text: other programs still "
                f"read something else after {self.timeout:g} s; copy again"
            )

    def _reads_back(self, text: str, read: Callable[[float], str | None]) -> bool:
        """Read the clipboard until it holds ``text`` (True) or the deadline passes (False).

        A reader can wait for ever: one that asked the previous owner just as it
        lost the clipboard (seen with xsel) or a stopped owner never gets an
        answer. So each read has :attr:`read_timeout` seconds, doubled after
        each read that ran out (a busy machine), and the next read asks again.
        """
        deadline = time.monotonic() + self.timeout
        read_timeout = self.read_timeout
        while True:
            limit = max(min(read_timeout, deadline - time.monotonic()), self.poll_interval)
            started = time.monotonic()
            if read(limit) == text:
                return True
            if time.monotonic() - started >= limit:
                read_timeout *= 2
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self.poll_interval, remaining))


def _linux_helper() -> _Helper | None:
    """The program to copy with on Linux; None where pyperclip should choose.

    Raises :class:`ClipboardError` on a Linux desktop-less session, or one
    without any of the programs.
    """
    if sys.platform != "linux" or _on_wsl():
        return None
    if os.environ.get("WAYLAND_DISPLAY") and _WAYLAND.available:
        return _WAYLAND
    if os.environ.get("DISPLAY"):
        for helper in _X11:
            if helper.available:
                return helper
    raise ClipboardError(NO_CLIPBOARD_HELP)


def _on_wsl() -> bool:
    try:
        with open("/proc/version", encoding="utf-8", errors="replace") as version:
            return "microsoft" in version.read().lower()
    except OSError:
        return False


def _read(helper: _Helper | None, pyperclip: ModuleType, limit: float) -> str | None:
    """The clipboard as a separate program reads it, or None if it could not within ``limit`` s.

    Without a Linux ``helper``, pyperclip's own reader (pbpaste, Windows' API,
    PowerShell on WSL) reads it.
    """
    if helper is None:
        try:
            value = pyperclip.paste()
        except Exception:  # pyperclip's WSL reader raises a bare Exception
            return None
        return value if isinstance(value, str) else None
    try:
        done = subprocess.run(
            helper.read, stdin=subprocess.DEVNULL, capture_output=True, timeout=limit, check=False
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if done.returncode != 0:
        if any(marker in done.stderr.lower() for marker in _NO_DISPLAY_MARKERS):
            raise ClipboardError(NO_CLIPBOARD_HELP)
        return None
    return done.stdout.decode("utf-8", errors="replace")


@contextmanager
def _helpers_write_to_devnull() -> Iterator[None]:
    """Point file descriptors 1 and 2 at /dev/null while pyperclip starts its helper.

    On X11 the helper stays behind to serve the clipboard. xclip keeps our
    stdout and stderr, and would hold ``$(collab-console copy ...)`` or a pipe
    open until something else is copied. A descriptor that was closed at the
    start is closed again at the end. Nothing to do where helpers do not fork.
    """
    if os.name != "posix":
        yield
        return
    import fcntl  # POSIX only

    def high_copy(fd: int) -> int:
        # Above 2, so a copy never lands on 1 or 2 when one of them is closed.
        return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with suppress(OSError, ValueError):
                stream.flush()
    saved: dict[int, int | None] = {}
    for fd in (1, 2):
        try:
            saved[fd] = high_copy(fd)
        except OSError:  # closed
            saved[fd] = None
    opened = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
    devnull = high_copy(opened)
    os.close(opened)
    try:
        for fd in saved:
            os.dup2(devnull, fd)
        yield
    finally:
        for fd, copy in saved.items():
            if copy is None:
                os.close(fd)
            else:
                os.dup2(copy, fd)
                os.close(copy)
        os.close(devnull)
