"""Storage behind one small interface; SQLite is the embedded default."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from collab_console.core.domain import Session, SessionSummary, build_session, new_session_id
from collab_console.core.settings import CopySettings


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change of the copy settings."""

    changed_at: datetime
    changed_by: str
    setting: str
    old_value: str | None
    new_value: str | None


class Store(Protocol):
    """What the app needs from storage. Every write is one transaction."""

    location: str

    def load_settings(self) -> CopySettings: ...

    def save_settings(self, settings: CopySettings) -> CopySettings: ...

    def audit_log(self, limit: int = 50) -> list[AuditEntry]: ...

    def list_sessions(self) -> list[SessionSummary]: ...

    def get_session(self, session_id: str) -> Session: ...

    def has_session(self, session_id: str) -> bool: ...

    def add_sessions(self, sessions: Iterable[Session]) -> None: ...

    def end_session(self, session_id: str, at: datetime) -> Session: ...

    def change_token(self) -> int:
        """A number that changes whenever another connection commits."""
        ...

    def close(self) -> None: ...


def open_store(data_dir: str | os.PathLike[str] | None = None, *, create: bool = False) -> Store:
    """Open the embedded store in ``data_dir`` (see :func:`location.data_dir`)."""
    from collab_console.store.location import store_path
    from collab_console.store.sqlite import SqliteStore

    return SqliteStore.open(store_path(data_dir), create=create)


def seed_demo(store: Store, *, extra_participants: int = 0) -> bool:
    """Fill an empty store with the demo data; return False if it already held sessions.

    A store that has sessions is never touched, except that a missing large
    benchmark session is added when ``extra_participants`` asks for one.
    """
    from collab_console.core.demo import DEMO_BENCH_ID, DEMO_SETTINGS, demo_sessions

    if store.list_sessions():
        if extra_participants and not store.has_session(DEMO_BENCH_ID):
            store.add_sessions(demo_sessions(extra_participants)[2:])
        return False
    store.save_settings(DEMO_SETTINGS)
    store.add_sessions(demo_sessions(extra_participants))
    return True


MAX_ID_ATTEMPTS = 5


def start_session(store: Store, *, customer_name: str, contact: str, now: datetime) -> Session:
    """Create an active session with a fresh Session ID and URL; return it."""
    url_base = store.load_settings().session_url_base
    for _ in range(MAX_ID_ATTEMPTS):
        session_id = new_session_id()
        if store.has_session(session_id):
            continue
        session = build_session(
            session_id=session_id,
            customer_name=customer_name,
            contact=contact,
            url_base=url_base,
            created_at=now,
        )
        store.add_sessions([session])
        return session
    raise RuntimeError("could not find a free Session ID")  # 40 random bits: not in practice
