"""What the app needs from storage: the :class:`Store` interface and its audit entries.

Every backend passes the contract tests in ``tests/store/test_contract.py``.
``collab_console.store`` hands these out on first use: ``Protocol`` needs
``typing``, which ``collab-console settings show`` does without.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from collab_console.core.records import Record

if TYPE_CHECKING:
    from collab_console.core.copying import CopyRecord
    from collab_console.core.domain import Session, SessionSummary
    from collab_console.core.events import (
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )
    from collab_console.core.settings import CopySettings


class AuditEntry(Record):
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
