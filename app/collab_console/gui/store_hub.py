"""The one place the GUI talks to the store: off the GUI thread, in events.

Every store call runs on one worker thread, in order, so a slow or unreachable
database (a network PostgreSQL, a locked file) never freezes a window. What
the store says changed, here or in another process, comes back as the core's
typed events and leaves as Qt signals; no window knows which backend it has.

How the hub hears of other processes' changes depends on what the store
offers: a store with an event socket (PostgreSQL's LISTEN connection) is
read when that socket becomes readable (a ``QSocketNotifier``, no polling);
one without (SQLite) is polled every :data:`POLL_INTERVAL_MS`. A connection
known lost is retried with back-off (:data:`RETRY_FIRST_MS` doubling up to
:data:`RETRY_MAX_MS`), each attempt one store call on the worker: the store
reconnects on its next call.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Signal

from collab_console.core.domain import SessionSummary
from collab_console.core.errors import CollabConsoleError
from collab_console.core.events import (
    InvitationsChanged,
    LinksChanged,
    LobbyChanged,
    ParticipantAdded,
    SessionEnded,
    SessionStarted,
    SettingsChanged,
    StoreEvent,
    StoreResynced,
)
from collab_console.core.i18n import isolate
from collab_console.core.records import Record
from collab_console.core.settings import CopySettings
from collab_console.store.errors import StoreUnavailableError

if TYPE_CHECKING:
    from collab_console.core.delivery import Delivery
    from collab_console.store import Store

#: How often to ask the store what other processes changed.
POLL_INTERVAL_MS = 400
#: How long the policy may go unconfirmed before sensitive copies are withdrawn.
#: Not after a lost connection: the changes announced meanwhile are lost with it,
#: so sensitive copies are withdrawn at once then.
GRACE_MS = 30_000
#: The first wait before trying a lost connection again; each failure doubles it, up
#: to RETRY_MAX_MS.
RETRY_FIRST_MS = 1_000
RETRY_MAX_MS = 30_000

T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[CollabConsoleError], None]


class StoreHub(QObject):
    """Holds the store, the settings in force and the policy's health, for every window.

    Signals:
        settings_changed(CopySettings): the settings now in force, after any change.
        session_started(SessionSummary), session_ended(SessionSummary): here or elsewhere.
        sessions_reloaded(list[SessionSummary]): the whole list, read afresh (also after
            the store said too much changed to tell: read links and lobbies afresh too).
        links_changed(str): a link of that session was made, used or stopped, here or
            by another process (the join service, the CLI).
        lobby_changed(str): a request to join that session arrived or was decided, or its
            lobby was locked or unlocked, here or by another process.
        participant_added(str, str): someone (that own ID) was added to that session, here
            or by another process: read the session afresh.
        invitations_changed(str): an invitation of that session was queued, sent, delivered
            or failed, here, by the sender or by another process.
        deliveries_changed(str, dict[str, Delivery]): that session's deliveries (each
            person's newest invitation, by own ID), read afresh after invitations_changed;
            one read per session however many changes came meanwhile.
        policy_confirmed_changed(bool): False once the store could not confirm the
            settings for longer than the grace period, or at once when the connection
            to it is lost; True again when the settings were read afresh.
        store_problem(str): why the store cannot be used now; '' when it recovers.
            Emitted once per change, never on every poll or reconnection attempt.

    It never changes a setting on its own, and never runs a store call on the
    GUI thread. While the policy is unconfirmed, the core's policy withholds
    the sensitive copy actions (fail closed); the last settings read still say
    which others are on.
    """

    settings_changed = Signal(object)
    session_started = Signal(object)
    session_ended = Signal(object)
    sessions_reloaded = Signal(object)
    links_changed = Signal(str)
    lobby_changed = Signal(str)
    participant_added = Signal(str, str)
    invitations_changed = Signal(str)
    deliveries_changed = Signal(str, object)
    policy_confirmed_changed = Signal(bool)
    store_problem = Signal(str)
    _finished = Signal(object, object, object)  # (callback, result, error), to the GUI thread

    def __init__(
        self,
        store: Store,
        *,
        settings: CopySettings | None = None,
        sessions: list[SessionSummary] | None = None,
        poll_ms: int = POLL_INTERVAL_MS,
        grace_ms: int = GRACE_MS,
        retry_ms: int = RETRY_FIRST_MS,
        retry_max_ms: int = RETRY_MAX_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._worker = _StoreThread()
        self._finished.connect(self._deliver)
        self._settings = settings
        self._sessions = sessions
        self._grace_s = grace_ms / 1000
        self._confirmed_at = time.monotonic() if settings is not None else 0.0
        self._confirmed = settings is not None
        self._problem = ""
        self._polling = False
        self._closed = False
        self._last_calls: list[Callable[[Store], object]] = []
        #: Sessions whose deliveries are being read, and those changed again meanwhile.
        self._reading_deliveries: set[str] = set()
        self._deliveries_stale: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        #: Watches the store's event socket, when it has one (the timer is stopped then).
        self._notifier: QSocketNotifier | None = None
        #: The connection is known lost: attempts to reach it again run on _retry_timer.
        self._lost = False
        #: Lost, and the settings not read afresh since: True until the policy is confirmed.
        self._recovering = False
        self._retry_first_ms, self._retry_max_ms = retry_ms, retry_max_ms
        self._retry_ms = retry_ms
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._try_again)
        # Asked on the worker: the store's connections are the worker's to use. Until it
        # answers, the timer polls (it always does for a store without a socket).
        self.call(lambda store: store.event_socket(), self._follow_socket, lambda _error: None)
        if settings is None or sessions is None:
            self.reload()

    # -- what windows read -------------------------------------------------------

    @property
    def settings(self) -> CopySettings | None:
        """The settings last read; None until the first read finished."""
        return self._settings

    @property
    def sessions(self) -> list[SessionSummary] | None:
        """The session list last read as a whole; None until then."""
        return self._sessions

    @property
    def policy_confirmed(self) -> bool:
        return self._confirmed and self._settings is not None

    @property
    def problem(self) -> str:
        return self._problem

    @property
    def recovering(self) -> bool:
        """The connection was lost, and the policy has not been confirmed again since.

        Still True while ``store_problem('')`` says the store is back, so a listener
        can tell a reconnection from a store that was only unreadable for a while.
        """
        return self._recovering

    @property
    def listening(self) -> bool:
        """Whether changes are heard on the store's event socket (no polling)."""
        return self._notifier is not None

    # -- calling the store ---------------------------------------------------------

    def call(
        self,
        job: Callable[[Store], T],
        done: Callable[[T], None] | None = None,
        failed: Failed | None = None,
    ) -> None:
        """Run ``job(store)`` on the worker; then ``done(result)`` or ``failed(error)`` here.

        A ``CollabConsoleError`` goes to ``failed`` (or the status bar via
        ``store_problem`` when there is none); events a job returns are applied
        before ``done`` runs, so every window has seen them.
        """
        if self._closed:
            return

        def run() -> None:
            try:
                result: Any = job(self.store)
            except CollabConsoleError as exc:
                self._emit_finished(failed, None, exc)
            except Exception as exc:  # a bug must reach the user as a message, not a dead thread
                # Translated here (Qt's catalogues are read-only, safe from this thread):
                # the status bar shows it as it is.
                error = CollabConsoleError(
                    QCoreApplication.translate(
                        "StoreHub", "unexpected store failure ({error})"
                    ).format(error=isolate(f"{type(exc).__name__}: {exc}"))
                )
                self._emit_finished(failed, None, error)
            else:
                self._emit_finished(done, result, None)

        self._worker.submit(run)

    def _emit_finished(self, callback: object, result: object, error: object) -> None:
        if not self._closed:
            self._finished.emit(callback, result, error)

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        if self._closed:
            return
        if error is not None:
            if isinstance(error, StoreUnavailableError):
                self._lose(error)  # whichever call found out: the policy is withheld now
            if callback is not None:
                callback(error)
            elif not self._lost:
                self._set_problem(str(error))
            return
        if self._lost and not self._polling:
            # That call reached the store: it reconnected, so try the events now.
            self._retry_timer.start(0)
        self.apply(_events_in(result))
        if callback is not None:
            callback(result)

    def reload(self) -> None:
        """Read the settings and the session list afresh."""

        def read(store: Store) -> tuple[CopySettings, list[SessionSummary]]:
            return store.load_settings(), store.list_sessions()

        def loaded(result: tuple[CopySettings, list[SessionSummary]]) -> None:
            settings, sessions = result
            # Published before it is confirmed: a card shown again after a lost
            # connection offers what these settings allow, never the old ones.
            self._publish(settings)
            self._sessions = sessions
            self.sessions_reloaded.emit(sessions)
            self._confirm()

        def unread(error: CollabConsoleError) -> None:
            if not isinstance(error, StoreUnavailableError):  # _deliver has handled that one
                self._set_problem(str(error))

        self.call(read, loaded, unread)

    # -- hearing changes -----------------------------------------------------------

    def apply(self, events: list[StoreEvent]) -> None:
        """Tell every window what changed. Safe to call twice with the same events."""
        for event in events:
            if isinstance(event, SettingsChanged):
                self._publish(event.settings)
            elif isinstance(event, SessionStarted):
                self._remember(event.summary)
                self.session_started.emit(event.summary)
            elif isinstance(event, SessionEnded):
                self._remember(event.summary)
                self.session_ended.emit(event.summary)
            elif isinstance(event, LinksChanged):
                self.links_changed.emit(event.session_id)
            elif isinstance(event, LobbyChanged):
                self.lobby_changed.emit(event.session_id)
            elif isinstance(event, ParticipantAdded):
                self.participant_added.emit(event.session_id, event.access_id)
            elif isinstance(event, InvitationsChanged):
                self.invitations_changed.emit(event.session_id)
                self._read_deliveries(event.session_id)
            elif isinstance(event, StoreResynced):
                self.reload()

    def _read_deliveries(self, session_id: str) -> None:
        """Read the session's deliveries on the worker, then say them (``deliveries_changed``).

        A change heard while a read is under way is read once more after it: a burst of
        changes (a sender's round) costs two reads, never one per change.
        """
        if session_id in self._reading_deliveries:
            self._deliveries_stale.add(session_id)
            return
        self._reading_deliveries.add(session_id)

        def read(store: Store) -> dict[str, Delivery]:
            return store.deliveries(session_id)

        def finished() -> None:
            self._reading_deliveries.discard(session_id)
            if session_id in self._deliveries_stale:
                self._deliveries_stale.discard(session_id)
                self._read_deliveries(session_id)

        def done(deliveries: dict[str, Delivery]) -> None:
            customer = deliveries.get(session_id)  # the customer's own ID is the Session ID
            for summary in self._sessions or ():
                if summary.session_id == session_id and summary.invite != customer:
                    self._remember(summary.replace(invite=customer))
            self.deliveries_changed.emit(session_id, deliveries)
            finished()

        def failed(error: CollabConsoleError) -> None:
            if not isinstance(error, StoreUnavailableError):  # _deliver has handled that one
                self._set_problem(str(error))
            finished()

        self.call(read, done, failed)

    def _remember(self, summary: SessionSummary) -> None:
        if self._sessions is not None:
            others = [s for s in self._sessions if s.session_id != summary.session_id]
            self._sessions = [*others, summary]

    def _tick(self) -> None:
        if self._confirmed and time.monotonic() - self._confirmed_at > self._grace_s:
            self._unconfirm()
        self._poll()

    def _poll(self) -> None:
        """Ask the store for other processes' changes, and for its event socket."""
        if self._polling or self._closed:
            return
        self._polling = True
        self.call(_poll, self._polled, self._poll_failed)

    def _polled(self, result: _Polled) -> None:
        self._polling = False
        self.apply(result.events)
        if self._lost:
            self._found(result.events)
        elif self._recovering:
            self.reload()  # the settings could not be read afresh yet: try again
        else:
            self._confirm()
        self._follow_socket(result.socket)

    def _poll_failed(self, error: CollabConsoleError) -> None:
        self._polling = False
        if self._lost:
            if not isinstance(error, StoreUnavailableError):
                self._set_problem(str(error))  # it answered, with another problem
            self._retry_later()
        elif not isinstance(error, StoreUnavailableError):
            # Not the connection: poll on the timer, where the grace period applies,
            # until a poll goes through and names the socket again.
            self._set_problem(str(error))
            if self._notifier is not None:
                self._confirmed_at = time.monotonic()  # listening confirmed it until now
                self._stop_listening()
            if not self._timer.isActive():
                self._timer.start()

    # -- the event socket --------------------------------------------------------------

    def _follow_socket(self, socket: int | None) -> None:
        """Listen on ``socket`` (the store's, now), or poll when the store has none."""
        if self._closed or self._lost:
            return
        notifier = self._notifier
        if socket is None:
            self._stop_listening()
            if not self._timer.isActive():
                self._timer.start()
            return
        self._timer.stop()
        if notifier is not None and notifier.socket() == socket:
            notifier.setEnabled(True)
            return
        self._stop_listening()
        notifier = QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
        notifier.activated.connect(self._readable)
        self._notifier = notifier

    def _readable(self) -> None:
        """The store's event socket has something: read it on the worker, then listen on."""
        if self._notifier is not None:
            # Off until the worker has read it: the socket stays readable until then.
            self._notifier.setEnabled(False)
        self._poll()

    def _stop_listening(self) -> None:
        notifier, self._notifier = self._notifier, None
        if notifier is not None:
            notifier.setEnabled(False)  # before the store closes its socket
            notifier.activated.disconnect(self._readable)
            notifier.deleteLater()

    # -- a lost connection ---------------------------------------------------------------

    def _lose(self, error: CollabConsoleError) -> None:
        """The connection is gone: withhold the sensitive copies now, and try again later."""
        if self._lost or self._closed:
            return
        self._lost = True
        self._recovering = True
        self._set_problem(str(error))
        self._stop_listening()
        self._timer.stop()
        if self._confirmed:
            self._unconfirm()
        self._retry_ms = self._retry_first_ms
        if not self._polling:  # else that poll's answer decides when to try again
            self._retry_later()

    def _try_again(self) -> None:
        """One attempt: a poll, which makes the store reconnect (on the worker)."""
        if self._lost:
            self._poll()

    def _retry_later(self) -> None:
        self._retry_timer.start(self._retry_ms)
        self._retry_ms = min(self._retry_ms * 2, self._retry_max_ms)

    def _found(self, events: list[StoreEvent]) -> None:
        """The store answered again: read the settings and sessions afresh before the
        policy counts as confirmed (what was announced meanwhile never arrived)."""
        self._lost = False
        self._retry_timer.stop()
        if not any(isinstance(event, StoreResynced) for event in events):
            self.reload()  # apply() has asked for it when the store said so itself

    # -- the policy's health -------------------------------------------------------------

    def _unconfirm(self) -> None:
        self._confirmed = False
        self.policy_confirmed_changed.emit(False)

    def _confirm(self) -> None:
        self._confirmed_at = time.monotonic()
        self._set_problem("")
        self._recovering = False
        if not self._confirmed:
            self._confirmed = True
            self.policy_confirmed_changed.emit(True)

    def _publish(self, settings: CopySettings) -> None:
        changed = settings != self._settings
        self._settings = settings
        if changed:
            self.settings_changed.emit(settings)

    def _set_problem(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self.store_problem.emit(message)

    def at_close(self, job: Callable[[Store], object]) -> None:
        """Run ``job(store)`` on the worker when the hub closes, after the call under way
        (to undo what a call did whose callback will no longer run). Its errors are
        dropped: nobody is left to tell."""
        self._last_calls.append(job)

    def close(self) -> None:
        """Stop polling and let the call under way finish, then the jobs of
        :meth:`at_close`; calls still waiting are dropped, callbacks no longer run."""
        self._closed = True
        self._timer.stop()
        self._retry_timer.stop()
        self._stop_listening()
        store = self.store

        def last(job: Callable[[Store], object]) -> Callable[[], None]:
            def run() -> None:
                with contextlib.suppress(CollabConsoleError):
                    job(store)

            return run

        self._worker.shutdown([last(job) for job in self._last_calls])


class _StoreThread:
    """One thread that runs store calls in the order they were asked for.

    Not a ThreadPoolExecutor: importing concurrent.futures (and the logging it
    imports) costs the console's start-up some 10 ms, and one thread in order is
    all the hub needs.
    """

    def __init__(self) -> None:
        self._jobs: SimpleQueue[Callable[[], None] | None] = SimpleQueue()
        self._stopping = False
        self._last: list[Callable[[], None]] = []
        self._thread = threading.Thread(target=self._run, name="store", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def shutdown(self, last: list[Callable[[], None]] | None = None) -> None:
        """Finish the call under way, drop those still waiting, run ``last``, and end
        the thread."""
        self._last = last or []
        self._stopping = True
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if not self._stopping:
                job()
        for job in self._last:
            job()


class _Polled(Record):
    """What one poll found: other processes' changes, and the event socket now."""

    events: list[StoreEvent]
    socket: int | None


def _poll(store: Store) -> _Polled:
    # The socket after the events: a poll that reconnected has a new one.
    events = store.poll_events()
    return _Polled(events, store.event_socket())


def _events_in(result: object) -> list[StoreEvent]:
    """The events a store write returned (alone, in a list, or beside a value)."""
    if isinstance(result, StoreEvent):
        return [result]
    if isinstance(result, tuple | list):
        return [item for item in result if isinstance(item, StoreEvent)]
    return []
