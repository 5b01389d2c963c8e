"""The one place the GUI talks to the store: off the GUI thread, in events.

Every store call runs on one worker thread, in order, so a slow or unreachable
database (a network PostgreSQL, a locked file) never freezes a window. What
the store says changed, here or in another process, comes back as the core's
typed events and leaves as Qt signals; no window knows which backend it has.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from collab_console.core.domain import SessionSummary
from collab_console.core.errors import CollabConsoleError
from collab_console.core.events import (
    LinksChanged,
    LobbyChanged,
    SessionEnded,
    SessionStarted,
    SettingsChanged,
    StoreEvent,
    StoreResynced,
)
from collab_console.core.settings import CopySettings

if TYPE_CHECKING:
    from collab_console.store import Store

#: How often to ask the store what other processes changed.
POLL_INTERVAL_MS = 400
#: How long the policy may go unconfirmed before sensitive copies are withdrawn.
GRACE_MS = 30_000

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
        policy_confirmed_changed(bool): False once the store could not confirm the
            settings for longer than the grace period; True again when it can.
        store_problem(str): why the store cannot be used now; '' when it recovers.
            Emitted once per change, never on every poll.

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
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
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
                error = CollabConsoleError(
                    f"unexpected store failure ({type(exc).__name__}: {exc})"
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
            if callback is not None:
                callback(error)
            else:
                self._set_problem(str(error))
            return
        self.apply(_events_in(result))
        if callback is not None:
            callback(result)

    def reload(self) -> None:
        """Read the settings and the session list afresh."""

        def read(store: Store) -> tuple[CopySettings, list[SessionSummary]]:
            return store.load_settings(), store.list_sessions()

        def loaded(result: tuple[CopySettings, list[SessionSummary]]) -> None:
            settings, sessions = result
            self._confirm()
            self._publish(settings)
            self._sessions = sessions
            self.sessions_reloaded.emit(sessions)

        self.call(read, loaded, self._poll_failed)

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
            elif isinstance(event, StoreResynced):
                self.reload()

    def _remember(self, summary: SessionSummary) -> None:
        if self._sessions is not None:
            others = [s for s in self._sessions if s.session_id != summary.session_id]
            self._sessions = [*others, summary]

    def _tick(self) -> None:
        if self._confirmed and time.monotonic() - self._confirmed_at > self._grace_s:
            self._confirmed = False
            self.policy_confirmed_changed.emit(False)
        if self._polling:
            return
        self._polling = True
        self.call(lambda store: store.poll_events(), self._polled, self._poll_failed)

    def _polled(self, _events: list[StoreEvent]) -> None:
        self._polling = False
        self._confirm()

    def _poll_failed(self, error: CollabConsoleError) -> None:
        self._polling = False
        self._set_problem(str(error))

    def _confirm(self) -> None:
        self._confirmed_at = time.monotonic()
        self._set_problem("")
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


def _events_in(result: object) -> list[StoreEvent]:
    """The events a store write returned (alone, in a list, or beside a value)."""
    if isinstance(result, StoreEvent):
        return [result]
    if isinstance(result, tuple | list):
        return [item for item in result if isinstance(item, StoreEvent)]
    return []
