"""Start the console window: open the store, show the window, run the event loop.

The language (``--lang``, the user's choice, the desktop's locale) is installed
first (:mod:`~collab_console.gui.language`), then the look (light, dark or the
desktop's) is applied, from ``--theme`` or
the user's own choice; the window opens where the user left it, fitted into
the screen's free area (at 2x a window saved at 1x would not fit).

Once the window has painted, the invitations queued in the store start going
out in the background (:mod:`~collab_console.gui.invitation_sender`, on a
store connection of its own, into ``<data folder>/outbox`` when nothing is
configured to send them); quitting waits at most a second for a send under way.

A store that cannot be used is said in one dialog and the console does not
start; an organisation database that cannot be reached (the server down, the
network gone) offers *Retry* instead (:mod:`~collab_console.gui.unreachable_dialog`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import _, choose_language
from collab_console.gui.appearance import Appearance, Theme, keep_on_screen
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.language import install_language
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.user_prefs import UserPrefs
from collab_console.store import open_store, seed_demo

#: ``typing.TYPE_CHECKING`` without importing ``typing``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.core.domain import SessionSummary
    from collab_console.core.settings import CopySettings
    from collab_console.gui.invitation_sender import InvitationSender
    from collab_console.store import Store

    Opened = tuple[Store, CopySettings, list[SessionSummary]]


class _AfterFirstPaint(QObject):
    """Runs ``then`` once ``window`` has painted: what the first sight does not need waits."""

    def __init__(self, window: QWidget, then: Callable[[], object]) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def _cannot_start(message: str, *, quietly: bool) -> int:
    print(f"collab-console: {message}", file=sys.stderr)
    if not quietly:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(
            None, QCoreApplication.translate("ConsoleApp", "Collab Console cannot start"), message
        )
    return 1


def place_window(window: ConsoleWindow, prefs: UserPrefs) -> None:
    """Where the user left the window last time, fitted into its screen's free area."""
    saved = prefs.window_geometry()
    if saved is not None:
        window.restoreGeometry(saved)
    keep_on_screen(window)


def start_log(window: ConsoleWindow, location: str) -> None:
    """Open the log file once the window is up (``logging`` is not needed to show it).

    A log that cannot be written is said in the status bar; the console works on.
    """
    from collab_console.core.logs import log_event, setup_logging

    try:
        path = setup_logging()
    except OSError as exc:
        window.say(
            QCoreApplication.translate(
                "ConsoleApp", "Cannot write the log file ({reason}); the console works on."
            ).format(reason=exc.strerror or exc)
        )
        return
    log_event("console started on the store %s; log %s", location, path)


def start_sender(
    window: ConsoleWindow, hub: StoreHub, args: argparse.Namespace
) -> InvitationSender | None:
    """Send the queued invitations from now on, as the agent the console names.

    Its store connection is opened as the console's was (``--data-dir``, ``--db``),
    on its own thread. A data folder that cannot hold the outbox is said in the
    status bar; the console works on and nothing is sent.
    """
    from pathlib import Path

    from collab_console.core.identity import current_user
    from collab_console.gui.invitation_sender import InvitationSender
    from collab_console.store.location import data_dir

    try:
        outbox = Path(data_dir(args.data_dir)) / "outbox"
    except CollabConsoleError as exc:
        window.say(
            QCoreApplication.translate(
                "ConsoleApp", "Invitations cannot be sent: {reason}."
            ).format(reason=exc)
        )
        return None
    db = getattr(args, "db", None)
    sender = InvitationSender(
        hub, lambda: open_store(args.data_dir, db=db), actor=current_user(), outbox_dir=outbox
    )
    sender.problem.connect(lambda message: window.say(message) if message else None)
    sender.start()
    return sender


def no_display_reason(environ: Mapping[str, str]) -> str | None:
    """Why Qt could not show a window here, or None; said before Qt aborts the process.

    Qt's xcb and wayland plugins end the process (qFatal) when they cannot reach
    a display server, with no way to catch it.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc", "eglfs", "linuxfb")):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    # Said before Qt's translators are installed: a core (gettext) text.
    return _(
        "there is no display to show the console on ($DISPLAY and $WAYLAND_DISPLAY are "
        "empty); run it inside a desktop session. The commands (settings, copy) need none"
    )


def run_gui(args: argparse.Namespace) -> int:
    if QApplication.instance() is None:
        reason = no_display_reason(os.environ)
        if reason is not None:
            print(f"collab-console: {reason}.", file=sys.stderr)
            return 1
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Collab Console")
    app.setDesktopFileName("collab-console")
    # Before any form is built: the forms are translated as they are built.
    install_language(app, choose_language(getattr(args, "lang", None)))
    prefs = UserPrefs()
    flag = getattr(args, "theme", None)
    appearance = Appearance(prefs, override=Theme(flag) if flag else None)
    appearance.install()
    appearance.apply()
    try:
        return _run_console(app, args, prefs)
    finally:
        from shiboken6 import Shiboken

        Shiboken.delete(appearance)  # stop following the desktop; the look stays


def open_for_console(args: argparse.Namespace) -> Opened:
    """Open the store ``args`` name, with what the window needs first: settings, sessions.

    Read before the window: a store that cannot be used, down to a bad value
    inside a valid row, is a dialog now. A bad value inside one session is said
    when that session is opened.
    """
    store = open_store(args.data_dir, create=True, db=getattr(args, "db", None))
    try:
        if args.demo or args.demo_participants:
            seed_demo(store, extra_participants=args.demo_participants)
        return store, store.load_settings(), store.list_sessions()
    except BaseException:
        store.close()
        raise


def _open_or_retry(args: argparse.Namespace) -> Opened | None:
    """What :func:`open_for_console` opened; None when the user gave up (said on stderr).

    The embedded store opens here and now, as it always did (a file answers at
    once). The organisation's database is opened off the GUI thread, with the
    dialog of :mod:`~collab_console.gui.unreachable_dialog` when it takes its
    time or cannot be reached; ``--quit-when-ready`` (a smoke test, a benchmark)
    waits for it here instead, and says an unreachable one on stderr.
    """
    from collab_console.store.location import chosen_database

    organisation = chosen_database(getattr(args, "db", None), args.data_dir) is not None
    if not organisation or args.quit_when_ready:
        return open_for_console(args)
    from collab_console.gui.unreachable_dialog import UnreachableStoreDialog

    dialog = UnreachableStoreDialog(
        lambda: open_for_console(args), discard=lambda opened: opened[0].close()
    )
    opened: Opened | None = dialog.open_store()
    if opened is None:
        print(f"collab-console: {dialog.reason}", file=sys.stderr)
    dialog.deleteLater()
    return opened


def _run_console(app: QApplication, args: argparse.Namespace, prefs: UserPrefs) -> int:
    try:
        opened = _open_or_retry(args)
    except CollabConsoleError as exc:
        return _cannot_start(exc.sentence, quietly=args.quit_when_ready)
    if opened is None:
        return 1
    store, settings, sessions = opened
    hub = StoreHub(store, settings=settings, sessions=sessions)
    window: ConsoleWindow | None = None
    senders: list[InvitationSender | None] = []
    try:
        window = ConsoleWindow(hub)
        place_window(window, prefs)
        for warning in store.warnings:
            window.say(warning[:1].upper() + warning[1:] + ".")
        _AfterFirstPaint(window, lambda: start_log(window, store.location))
        if args.quit_when_ready:
            _AfterFirstPaint(window, QApplication.quit)
        else:  # a smoke test or benchmark sends nothing
            shown = window
            _AfterFirstPaint(window, lambda: senders.append(start_sender(shown, hub, args)))
        window.show()
        code = app.exec()
        if not args.quit_when_ready:  # a smoke test or benchmark leaves the user's file alone
            prefs.set_window_geometry(window.saveGeometry())
        return code
    finally:
        for sender in senders:
            if sender is not None:
                sender.close()
        if window is not None:
            # Destroy the widgets now, not during interpreter shutdown, when the
            # copy controller's Python event filter can no longer run.
            from shiboken6 import Shiboken

            Shiboken.delete(window)
        hub.close()
        store.close()
        from collab_console.core.logs import stop_logging

        stop_logging()
