"""The embedded store: one SQLite file in the user's data directory.

The schema enforces the rules that matter: URL copy cannot be on without a
recorded acknowledgement, every settings change lands in an append-only audit
table, and an ended session cannot be reopened. A file this version cannot
use is reported, never rewritten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from collab_console.core.domain import (
    InviteStatus,
    Participant,
    Role,
    Session,
    SessionState,
    SessionSummary,
)
from collab_console.core.errors import NotFoundError, SettingsError
from collab_console.core.settings import Acknowledgement, CopySettings
from collab_console.store import AuditEntry
from collab_console.store.errors import (
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    StoreRefusedError,
    StoreTooNewError,
    StoreUnreadableError,
)

BUSY_TIMEOUT_MS = 3000

_ON_OFF = "CASE {v} WHEN 1 THEN 'on' ELSE 'off' END"

# Each entry upgrades the schema by one version; never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE settings (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            copy_session_id INTEGER NOT NULL CHECK (copy_session_id IN (0, 1)),
            copy_session_url INTEGER NOT NULL CHECK (copy_session_url IN (0, 1)),
            session_url_base TEXT NOT NULL
                CHECK (substr(session_url_base, 1, 8) = 'https://'
                       AND length(session_url_base) BETWEEN 12 AND 200),
            url_ack_by TEXT CHECK (url_ack_by IS NULL OR length(trim(url_ack_by)) > 0),
            url_ack_at TEXT,
            url_ack_warning_version INTEGER
                CHECK (url_ack_warning_version IS NULL OR url_ack_warning_version >= 1),
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CONSTRAINT url_copy_needs_acknowledgement CHECK (
                (copy_session_url = 0 AND url_ack_by IS NULL AND url_ack_at IS NULL
                    AND url_ack_warning_version IS NULL)
                OR (copy_session_url = 1 AND url_ack_by IS NOT NULL AND url_ack_at IS NOT NULL
                    AND url_ack_warning_version IS NOT NULL)
            )
        ) STRICT
        """,
        """
        CREATE TABLE settings_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            setting TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT
        ) STRICT
        """,
        """
        CREATE TRIGGER settings_audit_no_update BEFORE UPDATE ON settings_audit
        BEGIN SELECT RAISE(ABORT, 'the settings audit log is append-only'); END
        """,
        """
        CREATE TRIGGER settings_audit_no_delete BEFORE DELETE ON settings_audit
        BEGIN SELECT RAISE(ABORT, 'the settings audit log is append-only'); END
        """,
        """
        CREATE TRIGGER settings_row_kept BEFORE DELETE ON settings
        BEGIN SELECT RAISE(ABORT, 'the settings row cannot be deleted'); END
        """,
        f"""
        CREATE TRIGGER settings_changes_recorded AFTER UPDATE ON settings
        BEGIN
            INSERT INTO settings_audit (changed_at, changed_by, setting, old_value, new_value)
            SELECT NEW.updated_at, NEW.updated_by, 'copy_session_id',
                   {_ON_OFF.format(v="OLD.copy_session_id")},
                   {_ON_OFF.format(v="NEW.copy_session_id")}
            WHERE OLD.copy_session_id IS NOT NEW.copy_session_id;
            INSERT INTO settings_audit (changed_at, changed_by, setting, old_value, new_value)
            SELECT NEW.updated_at, NEW.updated_by, 'copy_session_url',
                   {_ON_OFF.format(v="OLD.copy_session_url")},
                   {_ON_OFF.format(v="NEW.copy_session_url")}
            WHERE OLD.copy_session_url IS NOT NEW.copy_session_url;
            INSERT INTO settings_audit (changed_at, changed_by, setting, old_value, new_value)
            SELECT NEW.updated_at, NEW.updated_by, 'url_warning_acknowledged',
                   NULL,
                   NEW.url_ack_by || ' at ' || NEW.url_ack_at
                       || ' (warning v' || NEW.url_ack_warning_version || ')'
            WHERE NEW.url_ack_by IS NOT NULL AND OLD.url_ack_at IS NOT NEW.url_ack_at;
            INSERT INTO settings_audit (changed_at, changed_by, setting, old_value, new_value)
            SELECT NEW.updated_at, NEW.updated_by, 'session_url_base',
                   OLD.session_url_base, NEW.session_url_base
            WHERE OLD.session_url_base IS NOT NEW.session_url_base;
        END
        """,
        """
        INSERT INTO settings (id, copy_session_id, copy_session_url, session_url_base,
                              updated_by, updated_at)
        VALUES (1, 0, 0, 'https://collab.example.com/join/', 'system',
                strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
        """,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL UNIQUE CHECK (length(session_id) = 9),
            state TEXT NOT NULL CHECK (state IN ('active', 'ended')),
            invite_status TEXT NOT NULL
                CHECK (invite_status IN ('pending', 'delivered', 'sms_blocked', 'email_bounced')),
            created_at TEXT NOT NULL,
            ended_at TEXT,
            CHECK ((state = 'ended') = (ended_at IS NOT NULL))
        ) STRICT
        """,
        """
        CREATE TRIGGER ended_sessions_stay_ended BEFORE UPDATE OF state ON sessions
        WHEN OLD.state = 'ended'
        BEGIN SELECT RAISE(ABORT, 'an ended session cannot be reopened'); END
        """,
        """
        CREATE TABLE participants (
            session INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            access_id TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL CHECK (substr(url, 1, 8) = 'https://'),
            contact TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (session, position)
        ) STRICT, WITHOUT ROWID
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class SqliteStore:
    """The embedded :class:`~collab_console.store.Store`.

    Open it with :meth:`open`; it never creates, migrates or rewrites a file
    it cannot fully read.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.location = str(path)
        self._db = connection

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> SqliteStore:
        """Open the store at ``path``; with ``create``, make a new one if none is there."""
        fresh = not path.exists()
        if fresh and not create:
            raise StoreMissingError(
                f"No Collab Console store at {path}. Start the console once to create it, "
                "or point --data-dir at the right folder."
            )
        try:
            if fresh:
                path.parent.mkdir(parents=True, exist_ok=True)
            uri = path.absolute().as_uri() + ("?mode=rwc" if fresh else "?mode=rw")
            connection = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnreadableError(f"Cannot open the store {path}: {exc}.") from None
        store = cls(path, connection)
        try:
            store._prepare(fresh)
        except BaseException:
            connection.close()
            raise
        return store

    def _prepare(self, fresh: bool) -> None:
        with self._translate_errors("open"):
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA foreign_keys = ON")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreTooNewError(
                    f"The store {self.path} was written by a newer Collab Console "
                    f"(schema {version}, this version knows {SCHEMA_VERSION}). "
                    "Update Collab Console; the file was left as it is."
                )
            if version == 0:
                tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise StoreDamagedError(
                        f"{self.path} is an SQLite file but not a Collab Console store; "
                        "it was left as it is."
                    )
            if version < SCHEMA_VERSION:
                self._migrate(version)
            if fresh:
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("SELECT count(*) FROM settings").fetchone()

    def _migrate(self, current: int) -> None:
        with self._transaction():
            for version in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _translate_errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except sqlite3.IntegrityError as exc:
            raise StoreRefusedError(f"The store refused to {doing}: {exc}.") from None
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreLockedError(
                    f"The store {self.path} is locked by another program; "
                    f"could not {doing}. Try again in a moment."
                ) from None
            if "readonly" in text or "unable to open" in text or "disk I/O" in text:
                raise StoreUnreadableError(
                    f"Cannot {doing} the store {self.path}: {text}."
                ) from None
            raise StoreDamagedError(
                f"The store {self.path} is damaged ({text}); could not {doing}. "
                "The file was left as it is."
            ) from None
        except sqlite3.DatabaseError as exc:
            raise StoreDamagedError(
                f"The store {self.path} is damaged or not a Collab Console store ({exc}). "
                "The file was left as it is."
            ) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def change_token(self) -> int:
        with self._translate_errors("check for changes in"):
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    # -- settings ----------------------------------------------------------

    def load_settings(self) -> CopySettings:
        with self._translate_errors("read the settings from"):
            row = self._db.execute(
                "SELECT copy_session_id, copy_session_url, session_url_base, url_ack_by,"
                " url_ack_at, url_ack_warning_version, updated_by, updated_at"
                " FROM settings WHERE id = 1"
            ).fetchone()
        if row is None:
            raise StoreDamagedError(f"The store {self.path} has no settings row.")
        id_on, url_on, base, ack_by, ack_at, ack_version, updated_by, updated_at = row
        ack = None
        if ack_by is not None:
            ack = Acknowledgement(by=ack_by, at=_moment(ack_at), warning_version=ack_version)
        try:
            return CopySettings(
                copy_session_id=bool(id_on),
                copy_session_url=bool(url_on),
                session_url_base=base,
                url_acknowledgement=ack,
                updated_by=updated_by,
                updated_at=_moment(updated_at),
            )
        except (SettingsError, ValueError) as exc:
            raise StoreDamagedError(
                f"The settings in {self.path} are not valid ({exc}); they were left as they are."
            ) from None

    def save_settings(self, settings: CopySettings) -> CopySettings:
        """Write ``settings`` in one transaction and return what the store now holds."""
        ack = settings.url_acknowledgement
        updated_at = settings.updated_at or datetime.now(UTC)
        with self._translate_errors("save the settings"), self._transaction():
            self._db.execute(
                "UPDATE settings SET copy_session_id = ?, copy_session_url = ?,"
                " session_url_base = ?, url_ack_by = ?, url_ack_at = ?,"
                " url_ack_warning_version = ?, updated_by = ?, updated_at = ? WHERE id = 1",
                (
                    int(settings.copy_session_id),
                    int(settings.copy_session_url),
                    settings.session_url_base,
                    ack.by if ack else None,
                    _iso(ack.at) if ack else None,
                    ack.warning_version if ack else None,
                    settings.updated_by,
                    _iso(updated_at),
                ),
            )
        return self.load_settings()

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        with self._translate_errors("read the audit log from"):
            rows = self._db.execute(
                "SELECT changed_at, changed_by, setting, old_value, new_value"
                " FROM settings_audit ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(_moment(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    # -- sessions ----------------------------------------------------------

    def list_sessions(self) -> list[SessionSummary]:
        """Active sessions first, newest first within each state."""
        with self._translate_errors("list the sessions in"):
            rows = self._db.execute(
                "SELECT s.session_id, p.name, s.state, s.invite_status, s.created_at"
                " FROM sessions s JOIN participants p ON p.session = s.id AND p.position = 0"
                " ORDER BY s.state = 'ended', s.created_at DESC, s.session_id"
            ).fetchall()
        return [
            SessionSummary(sid, name, SessionState(state), InviteStatus(invite), _moment(created))
            for sid, name, state, invite, created in rows
        ]

    def get_session(self, session_id: str) -> Session:
        with self._translate_errors("read a session from"):
            head = self._db.execute(
                "SELECT id, state, invite_status, created_at, ended_at FROM sessions"
                " WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            if head is None:
                raise NotFoundError(f"no session {session_id}")
            key, state, invite, created_at, ended_at = head
            rows = self._db.execute(
                "SELECT name, access_id, url, contact FROM participants"
                " WHERE session = ? ORDER BY position",
                (key,),
            ).fetchall()
        if not rows:
            raise StoreDamagedError(f"Session {session_id} in {self.path} has no customer.")
        customer = Participant(rows[0][0], Role.CUSTOMER, rows[0][1], rows[0][2], rows[0][3])
        participants = tuple(
            Participant(name, Role.PARTICIPANT, access_id, url, contact)
            for name, access_id, url, contact in rows[1:]
        )
        return Session(
            session_id=session_id,
            state=SessionState(state),
            invite_status=InviteStatus(invite),
            customer=customer,
            participants=participants,
            created_at=_moment(created_at),
            ended_at=_moment(ended_at) if ended_at else None,
        )

    def add_sessions(self, sessions: Iterable[Session]) -> None:
        with self._translate_errors("add a session to"), self._transaction():
            for session in sessions:
                cursor = self._db.execute(
                    "INSERT INTO sessions (session_id, state, invite_status, created_at, ended_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        session.session_id,
                        session.state.value,
                        session.invite_status.value,
                        _iso(session.created_at),
                        _iso(session.ended_at) if session.ended_at else None,
                    ),
                )
                key = cursor.lastrowid
                self._db.executemany(
                    "INSERT INTO participants (session, position, name, access_id, url, contact)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (key, position, p.name, p.access_id, p.url, p.contact)
                        for position, p in enumerate(session.everyone)
                    ),
                )

    def has_session(self, session_id: str) -> bool:
        with self._translate_errors("read a session from"):
            row = self._db.execute(
                "SELECT 1 FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        return row is not None

    def end_session(self, session_id: str, at: datetime) -> Session:
        with self._translate_errors("end a session in"), self._transaction():
            self._db.execute(
                "UPDATE sessions SET state = 'ended', ended_at = ?"
                " WHERE session_id = ? AND state = 'active'",
                (_iso(at), session_id),
            )
        return self.get_session(session_id)
