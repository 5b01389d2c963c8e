"""Storage behind one interface; SQLite is the embedded default.

Every backend passes the contract tests in ``tests/store/test_contract.py``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # for annotations only: the start-up path imports these when it needs them
    from collab_console.core.copying import CopyRecord
    from collab_console.core.domain import Session, SessionSummary
    from collab_console.core.events import (
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )
    from collab_console.core.settings import CopySettings


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the append-only audit trail; the store sets its time."""

    at: datetime
    actor: str
    #: 'setting', 'acknowledgement', 'session_started', 'session_ended' or 'copy'.
    kind: str
    #: The setting's key, or the session (and participant) concerned.
    subject: str
    old_value: str | None
    new_value: str | None


class Store(Protocol):
    """What the app needs from storage.

    Every write is one transaction and returns the events it caused;
    :meth:`poll_events` returns the events other processes caused since the
    last call. Reads parse every value with the core's validators: a value
    that fails raises ``StoreDamagedError``, never a half-built object.
    """

    #: Where the store is, for messages ("the store /home/…/x.sqlite3").
    location: str
    #: Things the user should know that did not stop the store from opening.
    warnings: tuple[str, ...]

    def load_settings(self) -> CopySettings: ...

    def save_settings(self, settings: CopySettings) -> SettingsChanged:
        """Save ``settings`` if the store still holds ``settings.version``.

        Compare-and-swap in one transaction: when someone saved in between,
        nothing is written and ``StaleSettingsError`` carries what is stored now.
        """
        ...

    def audit_log(self, limit: int = 50) -> list[AuditEntry]: ...

    def list_sessions(self) -> list[SessionSummary]: ...

    def get_session(self, session_id: str) -> Session: ...

    def start_session(
        self, *, customer_name: str, contact: str, now: datetime, actor: str
    ) -> tuple[Session, SessionStarted]:
        """Create an active session with a fresh Session ID, unique by the database."""
        ...

    def add_sessions(self, sessions: Iterable[Session], *, actor: str) -> list[SessionStarted]: ...

    def end_session(self, session_id: str, at: datetime, *, actor: str) -> SessionEnded: ...

    def record_copy(self, record: CopyRecord) -> None: ...

    def is_pristine(self) -> bool:
        """True while nobody has saved settings or added a session."""
        ...

    def poll_events(self) -> list[StoreEvent]:
        """The events other processes caused since the last call (or since opening)."""
        ...

    def close(self) -> None: ...


def open_store(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    create: bool = False,
    readonly: bool = False,
) -> Store:
    """Open the embedded store in ``data_dir`` (see :func:`location.data_dir`).

    ``readonly`` opens it so that nothing, not even a migration, can write.
    """
    from collab_console.store.location import store_path
    from collab_console.store.sqlite import SqliteStore

    return SqliteStore.open(store_path(data_dir), create=create, readonly=readonly)


def seed_demo(store: Store, *, extra_participants: int = 0) -> bool:
    """Fill a store nobody has used yet with the demo data; return whether it did.

    A store that holds anything an admin or agent saved is never changed,
    except that a store holding only demo data gets the large benchmark
    session when ``extra_participants`` asks for one.
    """
    from collab_console.core.demo import (
        DEMO_ACTOR,
        DEMO_BENCH_ID,
        DEMO_SETTINGS,
        demo_sessions,
    )

    if store.is_pristine():
        version = store.load_settings().version
        store.save_settings(dataclasses.replace(DEMO_SETTINGS, version=version))
        store.add_sessions(demo_sessions(extra_participants), actor=DEMO_ACTOR)
        return True
    if extra_participants:
        sessions = store.list_sessions()
        only_demo = bool(sessions) and all(s.demo for s in sessions)
        if only_demo and not any(s.session_id == DEMO_BENCH_ID for s in sessions):
            store.add_sessions(demo_sessions(extra_participants)[2:], actor=DEMO_ACTOR)
    return False
