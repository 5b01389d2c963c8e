"""Sends the queued invitations in the background, on a thread and a store connection of its own.

Why not the hub's worker: one send may wait up to its time-out (10 s) for a
mail server or an SMS gateway, and every store call the agent makes (a copy,
a resend) would queue behind it. The sender's store connection is opened the
way the console's was (``open_store``), on the sender's thread, and closed
there. The store is the only thing the two share; its claims
(``Store.claim_invitations``) keep two senders, here or in other consoles,
from sending one invitation twice.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import isolate
from collab_console.gui.store_hub import StoreHub

if TYPE_CHECKING:
    from collab_console.invitations.sender import Sender, SendRound
    from collab_console.store import Store

#: How often the sender looks for invitations that are due, and for delivery reports.
SEND_INTERVAL_MS = 5000
#: How long quitting waits for a send under way; after that it is abandoned: its claim
#: expires (core.delivery.CLAIM_SECONDS) and the next start sends it.
QUIT_WAIT_S = 1.0
#: The sender's store connection is opened the way the console's was; this says so.
OpenStore = Callable[[], "Store"]


class InvitationSender(QObject):
    """Runs ``invitations.sender.Sender.run_once`` on a thread of its own, again and again.

    A round runs at :meth:`start` (invitations queued before a crash or a quit go
    out now), every ``interval_ms``, and at once when the hub hears that an
    invitation was queued (a session started, a person added, a resend; here or
    in another process). Rounds asked for while one runs make one more round.

    The events of its writes reach every window through the hub
    (:meth:`StoreHub.apply`), like the events of the console's own writes.

    Signals:
        round_done(SendRound): a round ended (after its events were applied).
        problem(str): why invitations cannot go out now, in one sentence; '' once
            they can again. Emitted once per change, never on every round.

    It never runs on the GUI thread and never blocks it; :meth:`close` waits at
    most ``QUIT_WAIT_S`` for a send under way.
    """

    round_done = Signal(object)
    problem = Signal(str)
    _finished = Signal(object, object)  # (SendRound | None, CollabConsoleError | None)

    def __init__(
        self,
        hub: StoreHub,
        open_store: OpenStore,
        *,
        actor: str,
        outbox_dir: Path,
        interval_ms: int = SEND_INTERVAL_MS,
        secret: Callable[[str], str | None] | None = None,
        timeout: float = 10.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else hub)
        self.hub = hub
        self.actor = actor
        self.outbox_dir = outbox_dir
        self._open_store = open_store
        self._interval_s = interval_ms / 1000
        self._secret = secret
        self._timeout = timeout
        self._wake = threading.Event()
        self._stopping = False
        self._closed = False
        self._thread: threading.Thread | None = None
        #: True while this sender's own events are being applied: they wake nobody.
        self._applying = False
        self._problem = ""
        self._finished.connect(self._deliver)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def last_problem(self) -> str:
        return self._problem

    def start(self) -> None:
        """Start the thread; its first round runs at once."""
        if self._thread is not None or self._closed:
            return
        for signal in (self.hub.session_started, self.hub.invitations_changed):
            signal.connect(self._heard)
        self.hub.participant_added.connect(self._heard)
        self._thread = threading.Thread(target=self._run, name="invitations", daemon=True)
        self._wake.set()
        self._thread.start()

    def wake(self) -> None:
        """Run a round now (or right after the one under way)."""
        self._wake.set()

    def _heard(self, *_: object) -> None:
        if not self._applying:
            self.wake()

    def close(self, wait_s: float = QUIT_WAIT_S) -> bool:
        """Stop: let the round under way finish for at most ``wait_s``; True when the
        thread has ended. An abandoned send's claim expires, and the next start sends it."""
        if self._closed:
            return not self.running
        self._closed = True
        self._stopping = True
        with contextlib.suppress(RuntimeError, TypeError):  # never connected
            self.hub.session_started.disconnect(self._heard)
            self.hub.invitations_changed.disconnect(self._heard)
            self.hub.participant_added.disconnect(self._heard)
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(wait_s)
        return not self.running

    # -- on the sender's thread -------------------------------------------------

    def _run(self) -> None:
        store: Store | None = None
        sender: Sender | None = None
        try:
            while True:
                self._wake.wait(self._interval_s)
                self._wake.clear()
                if self._stopping:
                    return
                try:
                    if store is None:
                        store = self._open_store()
                    if sender is None:
                        sender = self._make_sender(store)
                    result = sender.run_once()
                except CollabConsoleError as exc:
                    self._emit(None, exc)
                except (
                    Exception
                ) as exc:  # a bug must reach the user as a message, not a dead thread
                    failure = QCoreApplication.translate(
                        "InvitationSender",
                        "invitations cannot be sent: unexpected failure ({error})",
                    )
                    self._emit(
                        None,
                        CollabConsoleError(
                            failure.format(error=isolate(f"{type(exc).__name__}: {exc}"))
                        ),
                    )
                else:
                    self._emit(result, None)
        finally:
            if store is not None:
                with contextlib.suppress(CollabConsoleError):
                    store.close()

    def _make_sender(self, store: Store) -> Sender:
        # Imported here, on this thread: smtplib, ssl and the e-mail package are not
        # needed for the console's first paint.
        from collab_console.invitations.sender import Sender

        if self._secret is None:
            return Sender(
                store, actor=self.actor, outbox_dir=self.outbox_dir, timeout=self._timeout
            )
        return Sender(
            store,
            actor=self.actor,
            outbox_dir=self.outbox_dir,
            secret=self._secret,
            timeout=self._timeout,
        )

    def _emit(self, result: SendRound | None, error: CollabConsoleError | None) -> None:
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the console is being torn down
            self._finished.emit(result, error)

    # -- back on the GUI thread -------------------------------------------------

    def _deliver(self, result: SendRound | None, error: CollabConsoleError | None) -> None:
        if self._closed:
            return
        if error is not None:
            self._set_problem(
                QCoreApplication.translate(
                    "InvitationSender", "Invitations cannot be sent now: {reason}"
                ).format(reason=error.sentence)
            )
            return
        if result is None:
            return
        self._applying = True
        try:
            self.hub.apply(list(result.events))
        finally:
            self._applying = False
        self._set_problem(result.problem)
        self.round_done.emit(result)

    def _set_problem(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self.problem.emit(message)
