"""What the app needs from storage: the :class:`Store` interface and its audit entries.

Every backend passes the contract tests in ``tests/store/test_contract.py``.
``collab_console.store`` hands these out on first use: ``Protocol`` needs
``typing``, which ``collab-console settings show`` does without.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from collab_console.core.audit import AuditEntry

if TYPE_CHECKING:
    from collab_console.core.admins import AdminInfo, AdminSession
    from collab_console.core.audit import AuditBreak, AuditProgress, AuditQuery, UnlockResult
    from collab_console.core.copying import CopyRecord
    from collab_console.core.domain import Session, SessionSummary
    from collab_console.core.events import (
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )
    from collab_console.core.settings import CopySettings

__all__ = ["AuditEntry", "Store"]


class Store(Protocol):
    """What the app needs from storage.

    Every write is one transaction and returns the events it caused;
    :meth:`poll_events` returns the events other processes caused since the
    last call. Reads parse every value with the core's validators: a value
    that fails raises ``StoreDamagedError``, never a half-built object.

    Admin writes (settings, admins) take an ``AdminSession`` from
    ``core.admins.verify_admin`` and refuse without one (``NotAllowedError``);
    the backend's own rules refuse them too when the writer is no admin.
    Call them through ``core.admins`` (``change_settings``, ``add_admin``…),
    which also check that the session has not expired.
    """

    #: Where the store is, for messages ("the store /home/…/x.sqlite3").
    location: str
    #: Things the user should know that did not stop the store from opening.
    warnings: tuple[str, ...]

    # -- settings

    def load_settings(self) -> CopySettings: ...

    def save_settings(
        self, settings: CopySettings, *, admin: AdminSession | None = None
    ) -> SettingsChanged:
        """Save ``settings`` as ``admin``, if the store still holds ``settings.version``.

        Without a verified admin session: ``NotAllowedError``, nothing
        written. Compare-and-swap in one transaction: when someone saved in
        between, nothing is written and ``StaleSettingsError`` carries what is
        stored now. A new acknowledgement must be in the admin's name.
        """
        ...

    def save_demo_settings(self, settings: CopySettings) -> SettingsChanged:
        """The demo's first settings; refused once the store has an admin, a session or a save."""
        ...

    # -- the audit trail

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        ...

    def audit_entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The entries ``query`` selects (kinds, person, time range, text, numbered below
        ``query.before_seq``), newest first unless ``query.oldest_first``, at most
        ``query.limit``. The ``before_seq`` cursor reads by the entries' numbers (an
        index), so the next page costs the same however many came before."""
        ...

    def count_audit_entries(self, query: AuditQuery) -> int:
        """How many entries ``query`` selects, its ``limit`` and order aside (one count,
        not a read of the entries)."""
        ...

    def verify_audit(self) -> AuditBreak | None:
        """The first entry that breaks the audit chain (edited, removed, slipped in), or None.

        The whole trail, through :meth:`verify_audit_slice`
        (``core.audit.verify_in_slices``).
        """
        ...

    def verify_audit_slice(self, after_seq: int, prev_hash: str, limit: int) -> AuditProgress:
        """Check at most ``limit`` entries after entry ``after_seq``, whose hash is ``prev_hash``
        (0 and ``GENESIS`` from the start), with ``core.audit.verify_slice``.

        The answer has the first break found in them, if any, the last number
        and hash that matched (where the next slice starts), and whether the
        end of the trail was reached; at the end, entries removed from it are
        found too (the store knows the last number it handed out). Each call is
        one short read, so other store calls can run between slices. ``limit``
        below 1: ``ValidationError``.
        """
        ...

    # -- admins and unlocking

    def has_admins(self) -> bool: ...

    def list_admins(self) -> list[AdminInfo]:
        """Every admin, by name; never a passphrase hash."""
        ...

    def admin_credentials(self, name: str) -> tuple[str, str] | None:
        """(the admin's name as stored, their passphrase hash) for ``name`` in any case, or None."""
        ...

    def add_admin(
        self, name: str, passphrase_hash: str, *, actor: str, by: AdminSession | None = None
    ) -> None:
        """Add an admin: the first one by anyone (``actor``), any other by an admin (``by``).

        A name taken in any case: ``ValidationError``. Recorded in the audit.
        """
        ...

    def remove_admin(self, name: str, *, by: AdminSession) -> str:
        """Remove an admin (never the last); return their name as stored. Recorded."""
        ...

    def set_passphrase_hash(self, passphrase_hash: str, *, by: AdminSession) -> None:
        """Replace the passphrase hash of the admin ``by`` (one's own only). Recorded."""
        ...

    def unlock_failures(self, name_key: str) -> tuple[int, datetime | None]:
        """(failed unlock attempts in a row, the last one's time) for a name's key."""
        ...

    def record_unlock(
        self,
        name_key: str,
        *,
        result: UnlockResult,
        admin: str | None,
        at: datetime,
        actor: str,
    ) -> int:
        """Record an unlock attempt (audit entry, failure count); return the failures in a row."""
        ...

    # -- sessions

    def list_sessions(self) -> list[SessionSummary]: ...

    def get_session(self, session_id: str) -> Session: ...

    def start_session(
        self, *, customer_name: str, contact: str, now: datetime, actor: str
    ) -> tuple[Session, SessionStarted]:
        """Create an active session with a fresh Session ID, unique by the database."""
        ...

    def add_sessions(self, sessions: Iterable[Session], *, actor: str) -> list[SessionStarted]: ...

    def end_session(self, session_id: str, at: datetime, *, actor: str) -> SessionEnded: ...

    def record_copy(self, record: CopyRecord) -> None:
        """An audit entry for a copy: who, session, person, detail, masked contact; no value."""
        ...

    def is_pristine(self) -> bool:
        """True while nobody has saved settings, added a session or set up an admin."""
        ...

    def poll_events(self) -> list[StoreEvent]:
        """The events other processes caused since the last call (or since opening)."""
        ...

    def close(self) -> None: ...
