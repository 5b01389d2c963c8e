"""The clipboard keeper: holds a sensitive value the CLI copied, and clears it in time.

``collab-console copy`` must return at once, but on X11 the clipboard is served
by the program that copied: someone has to stay behind. For a sensitive value
(the Session URL, *Copy both*) the CLI starts this module as a detached process
(``python -P -m collab_console.clipboard_keeper``, its own session, in ``/``)
and writes it one request (``cli.clipboard.KeeperRequest``) on standard input,
never on its command line or in its environment, where other local accounts
could read the value::

    own 30 -\\n<the value, UTF-8, up to the end of the input>

The keeper answers with one line on standard output, then closes it (so the CLI
stops waiting, and holds none of the CLI's descriptors):

- ``ready``: other programs reading the clipboard get the value now;
- ``no-display``: there is no display to hold a clipboard on;
- ``failed <why>``: it could not hold the value (no Qt, the platform plugin did
  not load…); the CLI then copies through a helper program instead.

Two ways of keeping:

``own``
    Through Qt (this is a program of its own, never the CLI, which must not
    import Qt): the keeper owns the clipboard with the plain text and the
    formats that mark it as a secret (``gui.clipboard.secret_formats``: the
    ``x-kde-passwordManagerHint`` target on X11), serves it to whoever pastes,
    and when ``clear_after_s`` runs out clears it if it still owns it with the
    same text and marks. It exits as soon as another program takes the
    clipboard (nothing is cleared then), or after clearing. 0 never clears: it
    serves the value until something else is copied, as xclip would.
``watch``
    Without Qt, after the CLI put the value on the clipboard with a helper
    program (the third field names it: ``xclip``, ``xsel``, ``wl-clipboard``,
    or ``pyperclip`` where pyperclip chose): it waits ``clear_after_s``, reads
    the clipboard with that helper, and clears it if it still holds exactly the
    value. It cannot tell who copied it, nor mark it.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collab_console.cli.clipboard import KeeperRequest

READY = "ready"
NO_DISPLAY = "no-display"
FAILED = "failed"


def main() -> int:
    from collab_console.cli.clipboard import KeeperRequest

    try:
        request = KeeperRequest.decode(sys.stdin.buffer.read())
    except ValueError as exc:  # UnicodeDecodeError is one
        _answer(f"{FAILED} {exc}")
        return 2
    _detach_input()
    if request.mode == "watch":
        return _watch(request)
    return _own(request)


# -- telling the CLI ------------------------------------------------------------------


def _answer(line: str) -> None:
    """Write the one answer line and let go of standard output (the CLI stops waiting)."""
    with suppress(OSError):  # the CLI gave up waiting: what it does next needs no answer
        os.write(1, line.encode() + b"\n")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _detach_input() -> None:
    """Hold nothing of the CLI's: standard input read, the working folder is ``/``."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir("/")


# -- own: through Qt --------------------------------------------------------------------


#: How long the keeper stays to answer pastes already on their way when it lets go.
GRACE_MS = 250


def _own(request: KeeperRequest) -> int:
    if sys.platform.startswith("linux"):
        if not os.environ.get("DISPLAY"):
            _answer(NO_DISPLAY)
            return 1
        if not _x_server_reachable():
            _answer(NO_DISPLAY)
            return 1
        # X11 only: Qt's Wayland clipboard needs a focused window, which a keeper has not
        # (in a Wayland session the CLI copies with wl-copy instead).
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QClipboard, QGuiApplication

        from collab_console.gui.clipboard import clipboard_data, is_marked_secret
    except ImportError as exc:
        _answer(f"{FAILED} Qt is not available: {exc}")
        return 1

    # Not a session client: the desktop must neither wait for it at logout nor restart it.
    os.environ.pop("SESSION_MANAGER", None)
    app = QGuiApplication([sys.argv[0]])
    mode = QClipboard.Mode.Clipboard
    clipboard = app.clipboard()
    clipboard.setMimeData(clipboard_data(request.text, sensitive=True), mode)
    if not clipboard.ownsClipboard() or clipboard.text(mode) != request.text:
        _answer(f"{FAILED} the clipboard did not take the value")
        return 1

    def still_ours() -> bool:
        return (
            clipboard.ownsClipboard()
            and clipboard.text(mode) == request.text
            and is_marked_secret(clipboard.mimeData(mode))
        )

    def leave() -> None:
        # A paste asked for just before the clipboard changed hands is still on its way
        # to this window: answer it (with nothing, now) before the window goes, or the
        # program that pastes waits for an answer that never comes.
        QTimer.singleShot(GRACE_MS, app.quit)

    def taken_elsewhere() -> None:
        if not clipboard.ownsClipboard():
            leave()

    def time_is_up() -> None:
        if still_ours():
            clipboard.clear(mode)
        leave()

    clipboard.dataChanged.connect(taken_elsewhere)
    _answer(READY)
    if request.clear_after_s:
        from PySide6.QtCore import Qt

        deadline = QTimer(app)
        deadline.setSingleShot(True)
        deadline.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one may fire 5 % early
        deadline.timeout.connect(time_is_up)
        deadline.start(request.clear_after_s * 1000)
    return app.exec()


def _x_server_reachable() -> bool:
    """Whether ``$DISPLAY`` answers: Qt's xcb plugin aborts the process when it does not."""
    import ctypes

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # Qt's own libxcb will tell, the hard way
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None, None)
    try:
        return bool(xcb.xcb_connection_has_error(connection) == 0)
    finally:
        xcb.xcb_disconnect(connection)


# -- watch: through a helper program -------------------------------------------------------


def _watch(request: KeeperRequest) -> int:
    import time

    from collab_console.cli.clipboard import clear_with, read_with

    _answer(READY)
    time.sleep(request.clear_after_s)
    if read_with(request.helper, limit=10.0) == request.text:
        clear_with(request.helper)
    return 0


if __name__ == "__main__":
    sys.exit(main())
