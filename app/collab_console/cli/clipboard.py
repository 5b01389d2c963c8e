"""The CLI's clipboard: a keeper process for sensitive values, pyperclip for the rest.

A sensitive value (the Session URL, *Copy both*) is handed to a keeper process
(``collab_console.clipboard_keeper``) on its standard input: it owns the
clipboard with the value marked as a secret, answers once other programs can
read it, and clears it after the admin's delay if it still holds it, as
``pass -c`` does, so ``collab-console copy`` returns at once. Where the keeper
cannot own the clipboard (a Wayland session, WSL, no usable Qt) the value goes
through a helper program like any other, unmarked, and a keeper only watches it
and clears it in time. No value ever goes on a command line, where
other local accounts read it in the process list: the keeper and every helper
used (xclip, xsel, wl-copy; pbcopy, clip.exe or the Windows API through
pyperclip) take it on standard input. pyperclip's klipper backend, which puts
it on qdbus's command line, is never chosen on Linux.

Why :meth:`SystemClipboard.put` waits: on X11 the helpers pyperclip runs (xclip,
xsel) read the text, fork, and let the parent exit; only the forked child then
tells the X server that it owns the clipboard (xclip's Xlib requests are still
buffered when the parent exits; xsel forks twice first). So when
``pyperclip.copy`` returns, another program reading the clipboard may still get
the previous value. ``put`` therefore reads the clipboard back with a separate
program until it gets the text, for up to :attr:`SystemClipboard.timeout`
seconds; each read has its own, shorter time limit, as a reader that asked an
owner that is going away, or a stopped one, never gets an answer.

This module is on the CLI path: it must never import Qt (the keeper is another
program, started, never imported), and it imports pyperclip only when something
is copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from collab_console.core.errors import ClipboardError
from collab_console.core.i18n import N_, _
from collab_console.core.records import Record

#: Marked for translation; :func:`no_clipboard` says it in the current language.
NO_CLIPBOARD_HELP = N_(
    "no clipboard is reachable. On X11 install xclip or xsel (apt-get install xclip) "
    "and run inside a desktop session; on Wayland install wl-clipboard."
)


def no_clipboard() -> ClipboardError:
    """The error for a session where nothing can hold the clipboard, saying what to install."""
    return ClipboardError(_(NO_CLIPBOARD_HELP))


# What a Linux reader says on stderr when there is no display to read from.
_NO_DISPLAY_MARKERS = (b"can't open display", b"failed to connect to a wayland")


#: The keeper, run as ``python -P -m KEEPER_MODULE`` (``-P``: nothing imported from the
#: folder it is started in).
KEEPER_MODULE = "collab_console.clipboard_keeper"
#: pyperclip's own choice of program, where no Linux helper is picked (macOS, Windows, WSL).
PYPERCLIP = "pyperclip"


class KeeperRequest(Record):
    """What the CLI asks a keeper to do, as it travels on the keeper's standard input.

    One header line, ``<mode> <clear_after_s> <helper or ->``, then the value in
    UTF-8 up to the end of the input (see ``collab_console.clipboard_keeper``).
    """

    mode: str  # "own" or "watch"
    clear_after_s: int
    helper: str  # for "watch": the helper's name, or PYPERCLIP
    text: str

    def encode(self) -> bytes:
        header = f"{self.mode} {self.clear_after_s} {self.helper or '-'}\n"
        return header.encode("ascii") + self.text.encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> KeeperRequest:
        """Parse a request, or raise ValueError."""
        header, _, value = data.partition(b"\n")
        fields = header.decode("ascii").split(" ")
        if len(fields) != 3 or fields[0] not in ("own", "watch") or not fields[1].isdigit():
            raise ValueError(f"not a keeper request: {header[:40]!r}")
        mode, seconds, helper = fields
        return cls(mode, int(seconds), "" if helper == "-" else helper, value.decode("utf-8"))


class _Helper(Record):
    """A Linux clipboard program: pyperclip's name for it, how to read and clear the clipboard."""

    mechanism: str  # the name pyperclip.set_clipboard knows it by
    programs: tuple[str, ...]  # all must be on PATH
    read: tuple[str, ...]  # prints the clipboard on stdout, exactly as it is
    clear: tuple[str, ...]  # empties the clipboard

    @property
    def available(self) -> bool:
        return all(shutil.which(program) for program in self.programs)


_WAYLAND = _Helper(
    "wl-clipboard",
    ("wl-copy", "wl-paste"),
    ("wl-paste", "--no-newline", "--type", "text"),
    ("wl-copy", "--clear"),
)
_X11 = (
    _Helper(
        "xclip",
        ("xclip",),
        ("xclip", "-selection", "clipboard", "-o"),
        # xclip cannot give the clipboard up: it takes it over with nothing in it.
        ("xclip", "-selection", "clipboard", "-i", os.devnull),
    ),
    _Helper(
        "xsel", ("xsel",), ("xsel", "--clipboard", "--output"), ("xsel", "--clipboard", "--clear")
    ),
)
_HELPERS = {helper.mechanism: helper for helper in (_WAYLAND, *_X11)}


class SystemClipboard:
    """The desktop's clipboard, for the CLI (implements ``ClipboardPort``).

    A sensitive value is held by a keeper process (see the module's docstring).
    Anything else goes through pyperclip. On Linux only programs that take the
    text on stdin are used (wl-copy, xclip, xsel, in pyperclip's order): never
    klipper, whose helper gets the text on its command line, nor a Qt binding.
    """

    def __init__(
        self,
        *,
        timeout: float = 2.0,
        poll_interval: float = 0.005,
        read_timeout: float = 0.5,
        keeper_timeout: float = 10.0,
    ) -> None:
        self.timeout = timeout  # for the whole check, in seconds
        self.poll_interval = poll_interval  # between two reads
        self.read_timeout = read_timeout  # for one read; doubled after each read that ran out
        self.keeper_timeout = keeper_timeout  # for a keeper to say it holds the value

    def put(self, text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
        """Put ``text`` on the clipboard; return once another program reading it gets ``text``.

        A ``sensitive`` value is marked as a secret where a keeper can own the
        clipboard, and cleared ``clear_after_s`` seconds later (0: never) if the
        clipboard still holds it; returning never waits for that.

        Raises :class:`ClipboardError` with :data:`NO_CLIPBOARD_HELP` (translated) when nothing
        can hold the clipboard, and with another message when the clipboard
        exists but other programs still read something else after
        :attr:`timeout` seconds. Neither message contains ``text``.
        """
        if sensitive:
            self._put_sensitive(text, clear_after_s)
        else:
            self._put_through_helper(text)

    def _put_through_helper(self, text: str) -> _Helper | None:
        """Copy with pyperclip and read back; returns the Linux helper used (None: pyperclip's)."""
        import pyperclip  # here, not at the top: importing it probes the desktop

        helper = _linux_helper()
        if helper is not None:
            pyperclip.set_clipboard(helper.mechanism)
        try:
            with _helpers_write_to_devnull():
                pyperclip.copy(text)
        except (pyperclip.PyperclipException, OSError) as exc:
            raise no_clipboard() from exc
        self._check_read_back(text, helper)
        return helper

    def _put_sensitive(self, text: str, clear_after_s: int) -> None:
        """Let a keeper own the clipboard, or copy through a helper and let a keeper watch it."""
        if _keeper_can_own():
            answer = _start_keeper("own", clear_after_s, "", text, timeout=self.keeper_timeout)
            if answer == "ready":
                helper = _find_linux_helper()
                if helper is not None:  # without one, the keeper's word is all there is
                    self._check_read_back(text, helper)
                return
            if answer == "no-display":
                raise no_clipboard()
        helper = self._put_through_helper(text)
        if not clear_after_s:
            return
        mechanism = helper.mechanism if helper is not None else PYPERCLIP
        answer = _start_keeper("watch", clear_after_s, mechanism, text, timeout=self.keeper_timeout)
        if answer != "ready":
            clear_with(mechanism)
            raise ClipboardError(
                _(
                    "nothing could be started to clear the copied value after {seconds} s, "
                    "so it was taken off the clipboard again; copy again"
                ).format(seconds=clear_after_s)
            )

    def _check_read_back(self, text: str, helper: _Helper | None) -> None:
        if not self._reads_back(text, lambda limit: _read(helper, limit)):
            if helper is None:
                message = _(
                    "the clipboard did not keep the copied text: other programs still "
                    "read something else after {seconds:g} s; copy again"
                )
            else:
                message = _(
                    "the clipboard ({program}) did not keep the copied text: other programs "
                    "still read something else after {seconds:g} s; copy again"
                )
            raise ClipboardError(
                message.format(program=helper and helper.mechanism, seconds=self.timeout)
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
    helper = _find_linux_helper()
    if helper is None:
        raise no_clipboard()
    return helper


def _find_linux_helper() -> _Helper | None:
    """The Linux program for this session's clipboard, if one is installed."""
    if sys.platform != "linux" or _on_wsl():
        return None
    if os.environ.get("WAYLAND_DISPLAY") and _WAYLAND.available:
        return _WAYLAND
    if os.environ.get("DISPLAY"):
        for helper in _X11:
            if helper.available:
                return helper
    return None


def _keeper_can_own() -> bool:
    """Whether a keeper can own the clipboard here: X11, macOS, Windows.

    Not in a Wayland session with wl-clipboard: a compositor may not pass an X11
    clipboard on to Wayland programs while no X11 window has the focus, so
    wl-copy serves it there (unmarked).
    """
    if sys.platform in ("darwin", "win32"):
        return True
    display = bool(os.environ.get("DISPLAY"))
    return display and not _on_wsl() and _find_linux_helper() is not _WAYLAND


#: Keepers started by this process. Kept so that their ``Popen`` is never collected
#: while they run (it would warn that they still run: they are meant to).
_keepers: list[subprocess.Popen[bytes]] = []


def _start_keeper(mode: str, clear_after_s: int, helper: str, text: str, *, timeout: float) -> str:
    """Start a detached keeper, hand it the request on stdin, and return its answer.

    The value never appears in the keeper's command line or environment. The
    keeper runs in a session of its own (a closed terminal does not stop it),
    in ``/``, with none of this process's descriptors. "failed" when it could
    not start or did not answer within ``timeout`` seconds (it is then stopped).
    """
    detached: dict[str, object] = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {
            "creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        }
    try:
        keeper = subprocess.Popen(
            [sys.executable, "-P", "-m", KEEPER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd="/",
            close_fds=True,
            **detached,  # type: ignore[call-overload]
        )
    except OSError:
        return "failed"
    _keepers.append(keeper)
    assert keeper.stdin is not None
    assert keeper.stdout is not None
    answer: list[bytes] = []
    stdout = keeper.stdout
    reader = threading.Thread(target=lambda: answer.append(stdout.read()), daemon=True)
    reader.start()
    try:
        keeper.stdin.write(KeeperRequest(mode, clear_after_s, helper, text).encode())
        keeper.stdin.close()
    except OSError:
        pass  # it died before reading: its answer (none) says so
    reader.join(timeout)
    if reader.is_alive():
        keeper.kill()
        reader.join()
        return "failed"
    stdout.close()
    return answer[0].decode("utf-8", "replace").strip() if answer else "failed"


def _on_wsl() -> bool:
    try:
        with open("/proc/version", encoding="utf-8", errors="replace") as version:
            return "microsoft" in version.read().lower()
    except OSError:
        return False


def read_with(mechanism: str, *, limit: float) -> str | None:
    """The clipboard as ``mechanism`` (a helper's name, or :data:`PYPERCLIP`) reads it, or None."""
    return _read(_HELPERS.get(mechanism), limit)


def clear_with(mechanism: str) -> None:
    """Empty the clipboard with ``mechanism`` (a helper's name, or :data:`PYPERCLIP`)."""
    helper = _HELPERS.get(mechanism)
    if helper is None:
        import pyperclip

        with suppress(pyperclip.PyperclipException, OSError):
            pyperclip.copy("")
        return
    with suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            helper.clear,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=False,
        )


def _read(helper: _Helper | None, limit: float) -> str | None:
    """The clipboard as a separate program reads it, or None if it could not within ``limit`` s.

    Without a Linux ``helper``, pyperclip's own reader (pbpaste, Windows' API,
    PowerShell on WSL) reads it.
    """
    if helper is None:
        import pyperclip

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
            raise no_clipboard()
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
