"""The embedded store: one SQLite file in the user's data folder.

The schema (``sqlite_schema.py``) enforces the rules that matter. This class
adds what a file on a shared workstation needs: it is created private and
whole (never half-made), checked against the schema the app made before it is
used, opened read-only for commands that only read (with the rollback
journal, so a reader creates no file at all), and every value read back goes
through the core's validators. A file it cannot use is reported, never
rewritten.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta

from collab_console.core.errors import (
    CollabConsoleError,
    NotAllowedError,
    NotFoundError,
    StaleSettingsError,
    ValidationError,
)
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.settings import (
    SPECS_BY_KEY,
    Acknowledgement,
    CopySettings,
)
from collab_console.store.errors import (
    StoreAlteredError,
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    StoreRefusedError,
    StoreTooNewError,
    StoreUnreadableError,
)
from collab_console.store.location import display_path, printable
from collab_console.store.sqlite_schema import (
    HASHED_COLUMNS,
    SCHEMA_VERSION,
    expected_schema,
    install_functions,
    is_expected_schema,
    migrate,
    schema_of,
)
from collab_console.store.stored_values import (
    StoreValueError,
    attempt_ids,
    cookie_hash,
    declared_spec,
    doing,
    is_hex64,
    join_request_input,
    require_every_setting,
    settings_head,
    shown_doing,
    stored_agent_name,
    stored_delivery,
    stored_own_id,
    stored_person_name,
    stored_request_id,
    stored_text,
    visitor_address,
)

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the methods that use these import them: ``settings show`` needs none
    from typing import Any

    from collab_console.core.admins import AdminInfo, AdminSession
    from collab_console.core.audit import (
        AuditBreak,
        AuditEntry,
        AuditProgress,
        AuditQuery,
        UnlockResult,
    )
    from collab_console.core.copying import CopyRecord
    from collab_console.core.delivery import Delivery, DeliveryState
    from collab_console.core.domain import Participant, Session, SessionSummary
    from collab_console.core.events import (
        InvitationsChanged,
        LinksChanged,
        LobbyChanged,
        ParticipantAdded,
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )
    from collab_console.core.links import (
        JoinPage,
        Link,
        LinkCheck,
        LinkPurpose,
        MintedLink,
        Redemption,
    )
    from collab_console.core.lobby import BrowserStatus, JoinRequest, JoinRoute, LobbyRefusal

BUSY_TIMEOUT_MS = 3000
#: How many change-log entries to keep; a reader further behind resynchronises.
CHANGE_LOG_KEEP = 1000
#: Attempts at a fresh Session ID before giving up (40 random bits: one is plenty).
MAX_ID_ATTEMPTS = 8
_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: object, what: str) -> datetime:
    if not isinstance(text, str):
        raise StoreValueError(_("{what} is not a time").format(what=what))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise StoreValueError(
            _("{what} {value} is not a time").format(what=what, value=isolate(repr(text[:40])))
        ) from None
    if moment.tzinfo is None:
        raise StoreValueError(
            _("{what} {value} has no time zone").format(what=what, value=isolate(repr(text[:40])))
        )
    return moment


def _store_time(moment: datetime) -> str:
    """``moment`` as the store writes its own times (UTC, milliseconds), for comparisons."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+00:00"


#: Store time, as ``sqlite_schema`` writes it.
_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
#: Entries checked per read by :meth:`SqliteStore.verify_audit` (a few hundred ms each).
VERIFY_SLICE = 20_000
#: The columns of an audit entry, in ``AuditEntry`` order.
_AUDIT_COLUMNS = (
    "id, at, kind, actor, actor_role, session_id, participant_id, detail,"
    " old_value, new_value, warning_version, contact, result, prev_hash, hash"
)
#: Where a free-text filter looks: every field but the time and the hashes. One LIKE
#: per column (ASCII letters in any case) scans 100 000 entries in about 60 ms, where
#: one over their concatenation takes 200.
_AUDIT_TEXT_COLUMNS = tuple(
    column for column in HASHED_COLUMNS if column not in ("id", "at", "warning_version")
)
_AUDIT_TEXT = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column in _AUDIT_TEXT_COLUMNS)
#: What the database says when a rule about admins refuses a write: NotAllowedError.
_ADMIN_RULES = (
    "only an admin",
    "the last admin cannot be removed",
    "an admin can change only their own passphrase",
)
#: The schema's own words for those refusals (``sqlite_schema``'s triggers), marked here so
#: that a translator sees them: a refusal is shown in the reader's language.
_ADMIN_RULE_WORDS = (
    N_("only an admin can write as one"),
    N_("only an admin can change the settings"),
    N_("only an admin can acknowledge a warning, in their own name"),
    N_("only an admin can add an admin"),
    N_("only an admin can remove an admin"),
    N_("the last admin cannot be removed"),
    N_("an admin can change only their own passphrase"),
)


#: Who claims invitations to send and sent ones to ask about (the protocol names no
#: actor there): the audit names it when a claim fails an ended session's invitation.
SENDER = "Collab Console"


class _Conflict(ValidationError):
    """A write refused because of what is already stored (an admin of that name)."""


class _IdTaken(StoreRefusedError):
    """A new session's ID is someone's already: start_session draws another."""


class SqliteStore:
    """The embedded :class:`~collab_console.store.Store`.

    Open it with :meth:`open`. It never migrates or rewrites a file it cannot
    fully read, never writes when opened read-only, and never hands out a value
    it has not validated.
    """

    #: Admins are names and passphrase hashes kept in the file (``core.admins``).
    admins_by_database = False

    def __init__(self, path: str, connection: sqlite3.Connection, *, readonly: bool) -> None:
        self.path = path
        self.location = display_path(path)
        self.readonly = readonly
        self.warnings: tuple[str, ...] = ()
        self._db = connection
        self._data_version = -1
        self._cursor = 0
        self._own_changes: set[int] = set()

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: str, *, create: bool = False, readonly: bool = False) -> SqliteStore:
        """Open the store at ``path``; with ``create``, make a new one if none is there."""
        warnings: list[str] = []
        try:
            exists = os.path.exists(path)
            if not exists and create and not readonly:
                cls._create(path)
            elif not exists:
                raise StoreMissingError(
                    _(
                        "No Collab Console store at {path}. Start the console once to "
                        "create it, or point --data-dir at the right folder."
                    ).format(path=isolate(display_path(path)))
                )
            warnings += _keep_private(path)
            if os.path.isfile(path) and os.stat(path).st_size == 0:
                raise StoreDamagedError(
                    _(
                        "The store {path} is an empty file, not a Collab Console store; "
                        "it was left as it is (remove it to start afresh)."
                    ).format(path=isolate(display_path(path)))
                )
            mode = "ro" if readonly else "rw"
            connection = sqlite3.connect(
                f"{sqlite_uri(path)}?mode={mode}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        except StoreError:
            raise
        except (OSError, sqlite3.Error, ValueError) as exc:
            raise StoreUnreadableError(
                _("Cannot open the store {path}: {reason}.").format(
                    path=isolate(display_path(path)), reason=_reason(exc)
                )
            ) from None
        install_functions(connection)
        store = cls(path, connection, readonly=readonly)
        store.warnings = tuple(warnings)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    @staticmethod
    def _create(path: str) -> None:
        """Make a new store whole under a temporary name, then move it into place.

        So a file at ``path`` is always one the app finished making: an empty
        or half-made file there is never the app's own, and is reported.
        """
        folder, name = os.path.split(path)
        os.makedirs(folder or ".", mode=_PRIVATE_DIR, exist_ok=True)
        temporary = os.path.join(folder, f".{name}.{os.getpid()}.new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
        os.close(fd)
        try:
            db = sqlite3.connect(temporary, isolation_level=None)
            install_functions(db)
            try:
                db.execute("BEGIN IMMEDIATE")
                migrate(db, 0)
                db.execute("COMMIT")
            finally:
                db.close()
            # link, not rename: never replaces a store another process made meanwhile
            with suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)

    def _prepare(self) -> None:
        with self._translate_errors(N_("open")):
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA foreign_keys = ON")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreTooNewError(
                    _(
                        "The store {path} was written by a newer Collab Console "
                        "(schema {version}, this version knows {known}). "
                        "Update Collab Console; the file was left as it is."
                    ).format(path=self._shown, version=version, known=SCHEMA_VERSION)
                )
            if version == 0:
                raise StoreDamagedError(
                    _("{path} is not a Collab Console store; it was left as it is.").format(
                        path=self._shown
                    )
                )
            if version < SCHEMA_VERSION:
                if self.readonly:
                    raise StoreTooNewError(
                        _(
                            "The store {path} was written by an older Collab Console; "
                            "start the console once to upgrade it."
                        ).format(path=self._shown)
                    )
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    migrate(self._db, version)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                # Version 1 used WAL, whose -wal and -shm files even a read-only
                # reader creates; the rollback journal leaves a reader's folder alone.
                with suppress(sqlite3.OperationalError):
                    self._db.execute("PRAGMA journal_mode = DELETE")
            self._check_schema()
            self._cursor = self._last_change()
            self._data_version = self._read_data_version()

    def _check_schema(self) -> None:
        """Raise StoreAlteredError unless the file's schema is the one the migrations make."""
        found = schema_of(self._db)
        if is_expected_schema(found):
            return
        expected = expected_schema()
        missing = sorted(f"{kind} {name}" for kind, name, _sql, _table in expected - found)
        extra = sorted(f"{kind} {name}" for kind, name, _sql, _table in found - expected)
        changed = sorted(set(missing) & set(extra))
        what = (
            _("{part} was changed").format(part=isolate(changed[0]))
            if changed
            else _("{part} is missing").format(part=isolate(missing[0]))
            if missing
            else _("{part} was added").format(part=isolate(extra[0]))
        )
        raise StoreAlteredError(
            _(
                "The store {path} was altered outside Collab Console ({what}), so its "
                "rules cannot be trusted; it was left as it is. Restore it from a backup."
            ).format(path=self._shown, what=what)
        )

    @property
    def _shown(self) -> str:
        """:attr:`location` (the file's path) as a message shows it: left to right."""
        return isolate(self.location)

    @contextmanager
    def _translate_errors(self, doing: str) -> Iterator[None]:
        """Turn a database error into a one-line StoreError that says what failed."""
        try:
            yield
        except (StoreError, NotFoundError, StaleSettingsError, NotAllowedError, _Conflict):
            raise
        except StoreValueError as exc:
            raise StoreDamagedError(
                _(
                    "Could not {doing}: the store {location} holds a value this version "
                    "cannot use ({problem}); it was left as it is."
                ).format(doing=shown_doing(doing), location=self._shown, problem=exc)
            ) from None
        except CollabConsoleError as exc:
            raise StoreDamagedError(
                _(
                    "Could not {doing}: the store {location} holds a value this version "
                    "cannot use ({problem}); it was left as it is."
                ).format(
                    doing=shown_doing(doing), location=self._shown, problem=str(exc).rstrip(".")
                )
            ) from None
        except sqlite3.IntegrityError as exc:
            rule = _rule_broken(exc)
            if rule.startswith(_ADMIN_RULES):
                raise NotAllowedError(_(rule)) from None
            raise StoreRefusedError(
                _("The store refused to {doing}: {rule}.").format(
                    doing=shown_doing(doing), rule=rule
                )
            ) from None
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreLockedError(
                    _(
                        "Could not {doing}: the store {location} is locked by another "
                        "program. Try again in a moment."
                    ).format(doing=shown_doing(doing), location=self._shown)
                ) from None
            if "readonly" in text or "unable to open" in text or "disk I/O" in text:
                raise StoreUnreadableError(
                    _("Could not {doing}: cannot use the store {location} ({reason}).").format(
                        doing=shown_doing(doing), location=self._shown, reason=text
                    )
                ) from None
            raise StoreDamagedError(
                _(
                    "Could not {doing}: the store {location} is damaged ({reason}); "
                    "it was left as it is."
                ).format(doing=shown_doing(doing), location=self._shown, reason=_reason(exc))
            ) from None
        except sqlite3.DatabaseError as exc:
            raise StoreDamagedError(
                _(
                    "Could not {doing}: {location} is damaged or not a Collab Console store "
                    "({reason}); it was left as it is."
                ).format(doing=shown_doing(doing), location=self._shown, reason=_reason(exc))
            ) from None

    @contextmanager
    def _transaction(self, *, writer: str, role: str = "agent") -> Iterator[None]:
        """One write transaction, with ``writer`` and its ``role`` named for the triggers.

        ``role`` is ``agent``, ``admin`` (the database checks that ``writer``
        is an admin) or ``demo``.
        """
        if self.readonly:
            raise StoreUnreadableError(
                _("The store {path} was opened read-only.").format(path=self._shown)
            )
        self._db.execute("BEGIN IMMEDIATE")
        try:
            before = self._last_change()
            self._db.execute("INSERT INTO writer (id, name, role) VALUES (1, ?, ?)", (writer, role))
            yield
            self._db.execute("DELETE FROM writer")
            after = self._last_change()
            self._own_changes.update(range(before + 1, after + 1))
            self._db.execute("DELETE FROM change_log WHERE seq <= ?", (after - CHANGE_LOG_KEEP,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    # -- settings ----------------------------------------------------------

    def load_settings(self) -> CopySettings:
        with self._translate_errors(N_("read the settings")):
            return self._read_settings()

    def _read_settings(self) -> CopySettings:
        version, updated_by, updated_at = settings_head(
            self._db.execute(
                "SELECT version, updated_by, updated_at FROM policy WHERE id = 1"
            ).fetchone()
        )
        values = {}
        for key, kind, sensitive, value in self._db.execute(
            "SELECT key, kind, sensitive, value FROM setting"
        ):
            # SQLite keeps the sensitive mark as 0 or 1.
            spec = declared_spec(key, kind, bool(sensitive))
            values[spec.key] = spec.from_store(value)
        require_every_setting(values)
        acknowledgements = {
            key: Acknowledgement(
                by=by, at=_moment(at, _("an acknowledgement time")), warning_version=warning
            )
            for key, by, at, warning in self._db.execute(
                "SELECT key, acknowledged_by, acknowledged_at, warning_version FROM acknowledgement"
            )
        }
        from collab_console.core.text import clean_name

        return CopySettings(
            values=values,
            acknowledgements=acknowledgements,
            version=version,
            updated_by=clean_name(updated_by, what=_("the name of who changed the settings")),
            updated_at=_moment(updated_at, _("the settings' change time")),
        )

    def save_settings(
        self, settings: CopySettings, *, admin: AdminSession | None = None
    ) -> SettingsChanged:
        """Write ``settings`` as ``admin``, if nobody saved since ``settings.version``.

        Without a verified admin session: NotAllowedError, nothing written (and
        the database refuses a settings write whose writer is not an admin).
        A new acknowledgement must be in the admin's own name.
        """
        from collab_console.core.admins import is_admin_session
        from collab_console.core.events import SettingsChanged

        if admin is None or not is_admin_session(admin):
            raise NotAllowedError(_("only an admin can change the settings"))
        with self._translate_errors(N_("save the settings")):
            with self._transaction(writer=admin.name, role="admin"):
                current = self._read_settings()
                if current.version != settings.version:
                    raise StaleSettingsError(_stale_message(current), current)
                for key, ack in settings.acknowledgements.items():
                    if ack != current.acknowledgements.get(key) and ack.by != admin.name:
                        raise NotAllowedError(
                            _("only an admin can acknowledge a warning, in their own name")
                        )
                self._write_settings(settings, current)
            return SettingsChanged(self._read_settings())

    def save_demo_settings(self, settings: CopySettings) -> SettingsChanged:
        """The demo's first settings, into a store nobody has used (no admin, no session)."""
        from collab_console.core.events import SettingsChanged

        with self._translate_errors(N_("save the demo settings")):
            with self._transaction(writer=settings.updated_by, role="demo"):
                current = self._read_settings()
                if not self._pristine() or current.version != settings.version:
                    raise NotAllowedError(_("demo settings go only into a store nobody has used"))
                self._write_settings(settings, current)
            return SettingsChanged(self._read_settings())

    def _write_settings(self, settings: CopySettings, current: CopySettings) -> None:
        self._write_acknowledgements(settings, current)
        for key in settings.changed_keys(current):
            spec = SPECS_BY_KEY[key]
            # An acknowledgement alone changed: the same value, so no audit row.
            self._db.execute(
                "UPDATE setting SET value = ? WHERE key = ?",
                (spec.to_store(settings.values[key]), key),
            )

    def _write_acknowledgements(self, settings: CopySettings, current: CopySettings) -> None:
        """Record fresh acknowledgements before the settings they allow are turned on."""
        for key, ack in settings.acknowledgements.items():
            old = current.acknowledgements.get(key)
            if ack == old:
                continue
            row = (ack.by, _iso(ack.at), ack.warning_version, key)
            if old is None:
                self._db.execute(
                    "INSERT INTO acknowledgement (acknowledged_by, acknowledged_at,"
                    " warning_version, key) VALUES (?, ?, ?, ?)",
                    row,
                )
            else:
                self._db.execute(
                    "UPDATE acknowledgement SET acknowledged_by = ?, acknowledged_at = ?,"
                    " warning_version = ? WHERE key = ?",
                    row,
                )

    def is_pristine(self) -> bool:
        with self._translate_errors(N_("read the store")):
            return self._pristine()

    def _pristine(self) -> bool:
        version = self._db.execute("SELECT version FROM policy").fetchone()
        has_sessions = self._db.execute("SELECT 1 FROM sessions LIMIT 1").fetchone()
        has_admins = self._db.execute("SELECT 1 FROM admin LIMIT 1").fetchone()
        return version is not None and version[0] == 1 and has_sessions is None and not has_admins

    # -- the audit trail -----------------------------------------------------

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        from collab_console.core.audit import AuditQuery

        return self.audit_entries(AuditQuery(limit=limit))

    def audit_entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The entries ``query`` selects, newest first unless it asks for oldest first."""
        where, params = _audit_filter(query)
        order = "ASC" if query.oldest_first else "DESC"
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit{where} ORDER BY id {order}"
        if query.limit is not None:
            sql += " LIMIT ?"
            params.append(query.limit)
        with self._translate_errors(N_("read the audit trail")):
            return [_audit_entry(row) for row in self._db.execute(sql, params)]

    def count_audit_entries(self, query: AuditQuery) -> int:
        """How many entries ``query`` selects (its limit and order aside)."""
        where, params = _audit_filter(query)
        with self._translate_errors(N_("count the audit trail")):
            return int(self._db.execute(f"SELECT count(*) FROM audit{where}", params).fetchone()[0])

    def verify_audit(self) -> AuditBreak | None:
        """The first entry that breaks the audit chain, or None when every entry matches.

        Checked :data:`VERIFY_SLICE` entries at a time (:meth:`verify_audit_slice`).
        """
        from collab_console.core.audit import verify_in_slices

        return verify_in_slices(self.verify_audit_slice, VERIFY_SLICE)

    def verify_audit_slice(self, after_seq: int, prev_hash: str, limit: int) -> AuditProgress:
        """Check the ``limit`` entries after entry ``after_seq`` (whose hash is ``prev_hash``).

        One read by the primary key. When it reaches the end of the trail, an
        entry removed from the end shows too: SQLite's ``sqlite_sequence``
        keeps the last number handed out (read first, so that entries added
        meanwhile are among the rows read).
        """
        from collab_console.core.audit import verify_slice

        if limit < 1:
            raise ValidationError(_("a slice of the audit trail holds at least one entry"))
        with self._translate_errors(N_("check the audit trail")):
            last = self._db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'audit'"
            ).fetchone()
            rows = self._db.execute(
                f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ?",
                (after_seq, limit),
            ).fetchall()
            progress = verify_slice(
                rows,
                after_seq=after_seq,
                prev_hash=prev_hash,
                at_end=len(rows) < limit,
                last_seq=_int_or_none(last),
            )
        found = progress.found
        if found is None or found.row is None:
            return progress
        try:
            entry: AuditEntry | None = _audit_entry(found.row)
        except StoreValueError:
            entry = None  # so changed that it cannot be read: the number says which
        return progress.replace(found=found.replace(entry=entry, row=None))

    # -- admins ----------------------------------------------------------------

    def has_admins(self) -> bool:
        with self._translate_errors(N_("read the admins")):
            return self._db.execute("SELECT 1 FROM admin LIMIT 1").fetchone() is not None

    def database_admin(self) -> str | None:
        """None: an admin here is who gives an admin's passphrase (``verify_admin``)."""
        return None

    def list_admins(self) -> list[AdminInfo]:
        """Every admin, by name; never a passphrase hash."""
        from collab_console.core.admins import AdminInfo

        with self._translate_errors(N_("read the admins")):
            rows = self._db.execute(
                "SELECT name, created_at, created_by, changed_at FROM admin ORDER BY name"
            ).fetchall()
            return [
                AdminInfo(
                    name=_admin_name(name),
                    created_at=_moment(created, _("an admin's creation time")),
                    created_by=str(by),
                    changed_at=_moment(changed, _("an admin's passphrase time")),
                )
                for name, created, by, changed in rows
            ]

    def admin_credentials(self, name: str) -> tuple[str, str] | None:
        """(the admin's name as stored, their passphrase hash) for ``name`` in any case."""
        with self._translate_errors(N_("read the admins")):
            row = self._db.execute(
                "SELECT name, passphrase_hash FROM admin WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                return None
            return _admin_name(row[0]), str(row[1])

    def add_admin(
        self, name: str, passphrase_hash: str, *, actor: str, by: AdminSession | None = None
    ) -> None:
        """Add an admin: the first by anyone (``actor``), any other by an admin (``by``)."""
        from collab_console.core.admins import ONLY_ADMINS, is_admin_session

        if by is not None and not is_admin_session(by):
            raise NotAllowedError(_(ONLY_ADMINS))
        writer, role = (by.name, "admin") if by is not None else (actor, "agent")
        with (
            self._translate_errors(N_("add the admin")),
            self._transaction(writer=writer, role=role),
        ):
            if by is None and self._db.execute("SELECT 1 FROM admin").fetchone():
                raise NotAllowedError(
                    _(
                        "an admin is already set up; an admin can add you with "
                        "collab-console admin add"
                    )
                )
            existing = self._db.execute("SELECT name FROM admin WHERE name = ?", (name,)).fetchone()
            if existing:
                raise _Conflict(
                    _("there is already an admin named {admin}").format(admin=isolate(existing[0]))
                )
            self._db.execute(
                "INSERT INTO admin (name, passphrase_hash, created_at, created_by, changed_at)"
                f" VALUES (?, ?, {_NOW}, ?, {_NOW})",
                (name, passphrase_hash, writer),
            )

    def remove_admin(self, name: str, *, by: AdminSession) -> str:
        """Remove the admin ``name`` (any case) as the admin ``by``; return the name as stored."""
        from collab_console.core.admins import ONLY_ADMINS, is_admin_session

        if not is_admin_session(by):
            raise NotAllowedError(_(ONLY_ADMINS))
        with (
            self._translate_errors(N_("remove the admin")),
            self._transaction(writer=by.name, role="admin"),
        ):
            row = self._db.execute("SELECT name FROM admin WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(_("no admin named {admin}").format(admin=isolate(name)))
            others = self._db.execute(
                "SELECT 1 FROM admin WHERE name <> ? LIMIT 1", (row[0],)
            ).fetchone()
            if others is None:
                raise NotAllowedError(
                    _("the last admin cannot be removed; add another admin first")
                )
            self._db.execute("DELETE FROM admin WHERE name = ?", (row[0],))
            return str(row[0])

    def set_passphrase_hash(self, passphrase_hash: str, *, by: AdminSession) -> None:
        """Replace the passphrase hash of the admin ``by`` (only one's own)."""
        from collab_console.core.admins import ONLY_ADMINS, is_admin_session

        if not is_admin_session(by):
            raise NotAllowedError(_(ONLY_ADMINS))
        with (
            self._translate_errors(N_("change the passphrase")),
            self._transaction(writer=by.name, role="admin"),
        ):
            self._db.execute(
                f"UPDATE admin SET passphrase_hash = ?, changed_at = {_NOW} WHERE name = ?",
                (passphrase_hash, by.name),
            )

    # -- unlock attempts ---------------------------------------------------------

    def unlock_failures(self, name_key: str) -> tuple[int, datetime | None]:
        """(failed attempts in a row, the last one's time) for the name hashed as ``name_key``."""
        with self._translate_errors(N_("read the failed attempts")):
            row = self._db.execute(
                "SELECT failures, last_failure_at FROM unlock_failure WHERE name_key = ?",
                (name_key,),
            ).fetchone()
            if row is None:
                return 0, None
            failures, last = row
            if not isinstance(failures, int) or failures < 1:
                raise StoreValueError(_("a count of failed attempts is not a positive number"))
            return failures, _moment(last, _("the time of a failed attempt"))

    def record_unlock(
        self,
        name_key: str,
        *,
        result: UnlockResult,
        admin: str | None,
        at: datetime,
        actor: str,
    ) -> int:
        """Record an unlock attempt (audit entry and failure count); return failures in a row.

        ``admin`` is the admin's name when the name given was one, else None:
        a name that is no admin's is never stored (it may be a passphrase).
        """
        from collab_console.core.audit import UnlockResult

        with (
            self._translate_errors(N_("record the unlock attempt")),
            self._transaction(writer=actor),
        ):
            if result is UnlockResult.OK:
                self._db.execute("DELETE FROM unlock_failure WHERE name_key = ?", (name_key,))
            elif result is UnlockResult.WRONG_PASSPHRASE:
                self._db.execute(
                    "INSERT INTO unlock_failure (name_key, failures, last_failure_at)"
                    " VALUES (?, 1, ?) ON CONFLICT (name_key) DO UPDATE"
                    " SET failures = failures + 1, last_failure_at = excluded.last_failure_at",
                    (name_key, _iso(at)),
                )
            row = self._db.execute(
                "SELECT failures FROM unlock_failure WHERE name_key = ?", (name_key,)
            ).fetchone()
            self._db.execute(
                "INSERT INTO audit_append (kind, detail, result) VALUES ('unlock', ?, ?)",
                (admin, result.value),
            )
        return int(row[0]) if row else 0

    # -- sessions ----------------------------------------------------------

    def list_sessions(self) -> list[SessionSummary]:
        """Active sessions first, newest first within each state; with each customer's
        newest invitation, read in the same query."""
        with self._translate_errors(N_("list the sessions")):
            rows = self._db.execute(
                _SUMMARY_SQL + " ORDER BY s.state = 'ended', s.created_at DESC, s.session_id"
            ).fetchall()
            return [_summary_from(row) for row in rows]

    def _summary(self, session_id: str) -> SessionSummary:
        row = self._db.execute(_SUMMARY_SQL + " WHERE s.session_id = ?", (session_id,)).fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        return _summary_from(row)

    def get_session(self, session_id: str) -> Session:
        from collab_console.core.domain import restore_session

        with self._translate_errors(doing(N_("read session {id}"), id=isolate(session_id))):
            head = self._db.execute(
                "SELECT id, session_id, state, created_at, ended_at, demo, agent"
                " FROM sessions WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            if head is None:
                raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
            key, sid, state, created_at, ended_at, demo, agent = head
            people = self._db.execute(
                "SELECT name, access_id, contact FROM participants"
                " WHERE session = ? ORDER BY position",
                (key,),
            ).fetchall()
            try:
                session = restore_session(
                    session_id=sid,
                    state=state,
                    created_at=_moment(created_at, _("the session's start time")),
                    ended_at=None if ended_at is None else _moment(ended_at, _("its end time")),
                    demo=demo,
                    agent=agent,
                    people=[tuple(p) for p in people],
                )
            except CollabConsoleError as exc:
                raise StoreValueError(
                    _("session {id}: {problem}").format(
                        id=isolate(session_id), problem=str(exc).rstrip(".")
                    )
                ) from None
            # Its people checked first, so a wrong own ID is reported as such; each
            # invitation's person is checked by the query that reads it.
            return session.replace(deliveries=self._newest_deliveries(session_id))

    def start_session(
        self, *, customer_name: str, contact: str, now: datetime, actor: str
    ) -> tuple[Session, SessionStarted]:
        """Insert a session with a fresh ID and queue the customer's invitation, in one
        transaction; the database's uniqueness decides the ID, not a lookup."""
        from collab_console.core.domain import build_session, new_session_id
        from collab_console.core.events import SessionStarted

        for _attempt in range(MAX_ID_ATTEMPTS):
            session = build_session(
                session_id=new_session_id(),
                customer_name=customer_name,
                contact=contact,
                created_at=now,
                agent=actor,
            )
            try:
                with (
                    self._translate_errors(N_("start a session")),
                    self._transaction(writer=actor),
                ):
                    try:
                        self._insert_session(session, actor)
                    except sqlite3.IntegrityError:
                        raise _IdTaken from None
                    invite = self._queue(session.session_id, session.customer, actor, resend=False)
            except _IdTaken:
                continue  # the ID was taken: draw another
            session = session.replace(deliveries={invite.access_id: invite})
            return session, SessionStarted(session.summary())
        raise StoreRefusedError(
            _("The store refused to start a session: no free Session ID found.")
        )

    def add_sessions(self, sessions: Iterable[Session], *, actor: str) -> list[SessionStarted]:
        """Add whole sessions; one whose ``agent`` is empty is ``actor``'s.

        A demo session comes with its invitations as the demo tells them
        (``core.demo``); any other is added with none (start_session queues one).
        """
        from collab_console.core.events import SessionStarted

        sessions = list(sessions)
        role = "demo" if sessions and all(s.demo for s in sessions) else "agent"
        if role != "demo" and any(s.deliveries for s in sessions):
            raise ValidationError(_("only the demo's sessions are added with their invitations"))
        with (
            self._translate_errors(N_("add a session")),
            self._transaction(writer=actor, role=role),
        ):
            for session in sessions:
                self._insert_session(session, actor)
                for delivery in session.deliveries.values():
                    self._insert_demo_delivery(delivery)
        return [SessionStarted(session.summary()) for session in sessions]

    def _insert_session(self, session: Session, actor: str) -> None:
        """The session's row and its people's, in order (inside a write transaction)."""
        cursor = self._db.execute(
            "INSERT INTO sessions"
            " (session_id, state, invite_status, created_at, ended_at, demo, agent)"
            " VALUES (?, ?, 'pending', ?, ?, ?, ?)",  # invite_status: read no more
            (
                session.session_id,
                session.state.value,
                _iso(session.created_at),
                _iso(session.ended_at) if session.ended_at else None,
                int(session.demo),
                session.agent or actor,
            ),
        )
        key = cursor.lastrowid
        self._db.executemany(
            "INSERT INTO participants (session, position, name, access_id, contact)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (key, position, p.name, p.access_id, p.contact)
                for position, p in enumerate(session.everyone)
            ),
        )

    def end_session(self, session_id: str, at: datetime, *, actor: str) -> SessionEnded:
        from collab_console.core.events import SessionEnded

        with self._translate_errors(doing(N_("end session {id}"), id=isolate(session_id))):
            with self._transaction(writer=actor):
                self._db.execute(
                    "UPDATE sessions SET state = 'ended', ended_at = ?"
                    " WHERE session_id = ? AND state = 'active'",
                    (_iso(at), session_id),
                )
            return SessionEnded(self._summary(session_id))

    def record_copy(self, record: CopyRecord) -> None:
        """An audit entry for a copy: who, which session and person, which detail, and the
        agent's reason for a Session URL when one was asked for; never the value."""
        with (
            self._translate_errors(N_("record the copy")),
            self._transaction(writer=record.actor, role=record.role),
        ):
            # The actor and role are the transaction's writer: the view takes them from there.
            self._db.execute(
                "INSERT INTO audit_append"
                " (kind, session_id, participant_id, detail, new_value, contact)"
                " VALUES ('copy', ?, ?, ?, ?, ?)",
                (
                    record.session_id,
                    record.access_id,
                    record.action.value,
                    record.reason or None,
                    record.contact or None,
                ),
            )

    def add_participant(
        self, session_id: str, *, name: str, contact: str, actor: str, now: datetime
    ) -> tuple[Participant, ParticipantAdded, InvitationsChanged | None]:
        """Add a document participant, with an own ID drawn at random, at the end of an
        active session; queue their invitation in the same transaction when they have a
        contact. The database audits the addition and tells other processes."""
        from collab_console.core.domain import (
            Participant,
            Role,
            new_session_id,
            parse_contact,
            validate_name,
        )
        from collab_console.core.events import InvitationsChanged, ParticipantAdded

        person = Participant(
            name=validate_name(name),
            role=Role.PARTICIPANT,
            access_id="",
            contact=parse_contact(contact)[1] if contact.strip() else "",
        )
        with (
            self._translate_errors(
                doing(N_("add a participant to session {id}"), id=isolate(session_id))
            ),
            self._transaction(writer=actor),
        ):
            key, state = self._session_row(session_id)
            if state != "active":
                raise _Conflict(
                    _("session {id} has ended; nobody can be added to it").format(
                        id=isolate(session_id)
                    )
                )
            wanted = person.name.casefold()
            for (taken,) in self._db.execute(
                "SELECT name FROM participants WHERE session = ?", (key,)
            ):
                if str(taken).casefold() == wanted:
                    raise _Conflict(
                        _("{name} is already in session {id}").format(
                            name=taken, id=isolate(session_id)
                        )
                    )
            person = person.replace(
                access_id=self._fresh_name(
                    new_session_id,
                    "SELECT 1 FROM participants WHERE access_id = ?1"
                    " UNION ALL SELECT 1 FROM sessions WHERE session_id = ?1",
                )
            )
            self._db.execute(
                "INSERT INTO participants (session, position, name, access_id, contact)"
                " SELECT ?1, coalesce(max(position), -1) + 1, ?2, ?3, ?4 FROM participants"
                " WHERE session = ?1",
                (key, person.name, person.access_id, person.contact),
            )
            if person.contact:
                self._queue(session_id, person, actor, resend=False)
        invited = InvitationsChanged(session_id) if person.contact else None
        return person, ParticipantAdded(session_id, person.access_id), invited

    def _session_row(self, session_id: str) -> tuple[int, str]:
        """(the row's key, its state) of the session; NotFoundError when there is none."""
        row = self._db.execute(
            "SELECT id, state FROM sessions WHERE session_id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        return int(row[0]), str(row[1])

    # -- invitations: the outbox -------------------------------------------------

    def deliveries(self, session_id: str) -> dict[str, Delivery]:
        """Each invited person's newest invitation, by their own ID."""
        with self._translate_errors(
            doing(N_("read the invitations of session {id}"), id=isolate(session_id))
        ):
            self._session_row(session_id)
            return self._newest_deliveries(session_id)

    def _newest_deliveries(self, session_id: str) -> dict[str, Delivery]:
        """Each person's newest invitation in session ``session_id``, each checked to name a
        person of that session: one query."""
        rows = self._db.execute(
            f"SELECT {_INVITATION_COLUMNS}, s.session_id FROM (SELECT *, row_number() OVER ("
            " PARTITION BY access_id ORDER BY queued_at DESC, id DESC) AS newest"
            " FROM invitation WHERE session_id = ?) i"
            " LEFT JOIN participants p ON p.access_id = i.access_id"
            " LEFT JOIN sessions s ON s.id = p.session WHERE i.newest = 1",
            (session_id,),
        ).fetchall()
        deliveries = {}
        for *columns, persons_session in rows:
            delivery = _delivery_from(tuple(columns))
            if persons_session != delivery.session_id:
                raise StoreValueError(
                    _("an invitation of session {id} names someone not in it").format(
                        id=isolate(session_id)
                    )
                )
            deliveries[delivery.access_id] = delivery
        return deliveries

    def queue_invitation(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[Delivery, InvitationsChanged]:
        """Queue a resend (or the first invitation of someone never sent one) for a person
        of an active session who has a contact.

        The interval is counted by the store's clock inside the write transaction, so
        two consoles resending at once queue one; the refusal (``RateLimitedError``)
        is raised once the transaction is over, as a link's limit is.
        """
        from collab_console.core.delivery import rate_limited
        from collab_console.core.domain import Participant, Role
        from collab_console.core.events import InvitationsChanged

        with self._translate_errors(N_("queue an invitation")), self._transaction(writer=actor):
            row = self._db.execute(
                "SELECT s.state, p.name, p.contact FROM sessions s"
                " LEFT JOIN participants p ON p.session = s.id AND p.access_id = ?"
                " WHERE s.session_id = ?",
                (access_id, session_id),
            ).fetchone()
            if row is None:
                raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
            state, name, contact = row
            if name is None:
                raise NotFoundError(
                    _("no person with the ID {person} in session {id}").format(
                        person=isolate(access_id), id=isolate(session_id)
                    )
                )
            if state != "active":
                raise _Conflict(
                    _("session {id} has ended; no invitation can be sent").format(
                        id=isolate(session_id)
                    )
                )
            if not contact:
                raise _Conflict(
                    _("{name} has no phone number or e-mail address to invite").format(name=name)
                )
            person = Participant(str(name), Role.PARTICIPANT, access_id, str(contact))
            queued, wait = self._resend(session_id, person, actor)
        if queued is None:
            raise rate_limited(person.name, wait)
        return queued, InvitationsChanged(session_id)

    def _resend(
        self, session_id: str, person: Participant, actor: str, *, after_regenerate: bool = False
    ) -> tuple[Delivery | None, int]:
        """Queue another invitation of ``person`` (their first if they never had one), unless
        their newest was queued less than the interval ago by the store's clock: (the
        invitation, 0), or (None, the seconds to wait). ``after_regenerate``: their links
        were revoked in this transaction, so the interval does not hold it back (the
        database checks that they were)."""
        from collab_console.core.delivery import resend_wait

        last = self._db.execute(
            "SELECT queued_at FROM invitation WHERE access_id = ?"
            " ORDER BY queued_at DESC, id DESC LIMIT 1",
            (person.access_id,),
        ).fetchone()
        if last is not None and not after_regenerate:
            interval = self._setting("resend_interval_seconds")
            wait = resend_wait(_moment(last[0], _("an invitation's time")), self._now(), interval)
            if wait:
                return None, wait
        return self._queue(session_id, person, actor, resend=last is not None), 0

    def _setting(self, key: str) -> Any:
        """One setting's value, parsed as :meth:`_read_settings` parses every one."""
        row = self._db.execute(
            "SELECT key, kind, sensitive, value FROM setting WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            raise StoreValueError(
                _("there is no value for {setting}").format(setting=_(SPECS_BY_KEY[key].label))
            )
        stored_key, kind, sensitive, value = row
        return declared_spec(stored_key, kind, bool(sensitive)).from_store(value)

    def _queue(self, session_id: str, person: Participant, actor: str, *, resend: bool) -> Delivery:
        """Put an invitation to ``person`` in the outbox, dated by the store, due at once."""
        from collab_console.core.delivery import new_invitation_id

        name = self._fresh_name(
            new_invitation_id, "SELECT 1 FROM invitation WHERE invitation_id = ?"
        )
        self._db.execute(
            "INSERT INTO invitation (invitation_id, session_id, access_id, channel, recipient,"
            " state, queued_at, updated_at, queued_by, resend, attempts, reason,"
            " next_attempt_at, gateway_id)"
            " SELECT ?, ?, ?, ?, ?, 'queued', t.now, t.now, ?, ?, 0, '', t.now, ''"
            f" FROM (SELECT {_NOW} AS now) t",
            (
                name,
                session_id,
                person.access_id,
                _channel_of(person.contact),
                person.contact,
                actor,
                int(resend),
            ),
        )
        return self._invitation(name)

    def _insert_demo_delivery(self, delivery: Delivery) -> None:
        """One of the demo's invitations, as its story tells it (the database lets only the
        demo add these, and only with their session)."""
        self._db.execute(
            "INSERT INTO invitation (invitation_id, session_id, access_id, channel, recipient,"
            " state, queued_at, updated_at, queued_by, resend, attempts, reason,"
            " next_attempt_at, gateway_id, link_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                delivery.invitation_id,
                delivery.session_id,
                delivery.access_id,
                delivery.channel.value,
                delivery.recipient,
                delivery.state.value,
                _store_time(delivery.queued_at),
                _store_time(delivery.updated_at),
                delivery.queued_by,
                int(delivery.resend),
                delivery.attempts,
                delivery.reason,
                None if delivery.next_attempt_at is None else _store_time(delivery.next_attempt_at),
                delivery.gateway_id,
                delivery.link_id or None,
            ),
        )

    def _invitation(self, invitation_id: str) -> Delivery:
        row = self._db.execute(
            f"SELECT {_INVITATION_COLUMNS} FROM invitation i WHERE i.invitation_id = ?",
            (invitation_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                _("no invitation {invitation}").format(
                    invitation=isolate(printable(invitation_id[:12]))
                )
            )
        return _delivery_from(row)

    def claim_invitations(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """Hold up to ``limit`` due invitations of active sessions that nobody holds, oldest
        first, for ``CLAIM_SECONDS``; fail the queued ones of ended sessions.

        Due, and held, by the store's clock, or by ``now`` when it is later (a sender
        looking ahead). One write transaction, so two senders never hold the same one.
        """
        from collab_console.core.delivery import CLAIM_SECONDS, SESSION_ENDED_REASON

        if limit < 1:
            return []
        with (
            self._translate_errors(N_("take invitations to send")),
            self._transaction(writer=SENDER),
        ):
            at = max(now, self._now())
            free = "(i.claimed_until IS NULL OR i.claimed_until < :at)"
            self._db.execute(
                "UPDATE invitation SET state = 'failed', reason = :why, next_attempt_at = NULL,"
                f" claimed_until = NULL, updated_at = {_NOW} WHERE id IN (SELECT i.id"
                " FROM invitation i JOIN sessions s ON s.session_id = i.session_id"
                f" WHERE i.state = 'queued' AND s.state = 'ended' AND {free})",
                {"why": SESSION_ENDED_REASON, "at": _store_time(at)},
            )
            return self._hold(
                "i.state = 'queued' AND i.next_attempt_at <= :at"
                f" AND {free} ORDER BY i.queued_at, i.id",
                at=at,
                until=at + timedelta(seconds=CLAIM_SECONDS),
                limit=limit,
            )

    def _hold(self, where: str, *, at: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Hold until ``until`` the invitations of active sessions ``where`` selects (SQL
        that sees ``:at``), at most ``limit``; return them as they are now."""
        held = [
            int(key)
            for (key,) in self._db.execute(
                "SELECT i.id FROM invitation i JOIN sessions s ON s.session_id = i.session_id"
                f" WHERE s.state = 'active' AND {where} LIMIT :limit",
                {"at": _store_time(at), "limit": limit},
            )
        ]
        if not held:
            return []
        marks = ", ".join("?" * len(held))
        self._db.execute(
            f"UPDATE invitation SET claimed_until = ? WHERE id IN ({marks})",
            (_store_time(until), *held),
        )
        rows = self._db.execute(
            f"SELECT {_INVITATION_COLUMNS} FROM invitation i WHERE i.id IN ({marks})"
            " ORDER BY i.queued_at, i.id",
            held,
        ).fetchall()
        return [_delivery_from(row) for row in rows]

    def record_attempt(
        self,
        invitation_id: str,
        *,
        state: DeliveryState,
        reason: str = "",
        next_attempt_at: datetime | None = None,
        gateway_id: str = "",
        link_id: str = "",
        now: datetime,
        actor: str,
    ) -> InvitationsChanged:
        """What one try to send a claimed invitation did (or, for a sent one, what the
        gateway reported); lets the claim go. Only forward: ``ValidationError`` else."""
        from collab_console.core.delivery import DeliveryState
        from collab_console.core.events import InvitationsChanged

        state = DeliveryState(state)
        gateway_id, link_id = attempt_ids(gateway_id, link_id)
        with (
            self._translate_errors(
                doing(
                    N_("record what sending invitation {invitation} did"),
                    invitation=isolate(invitation_id),
                )
            ),
            self._transaction(writer=actor),
        ):
            current = self._invitation(invitation_id)
            tried = current.state is DeliveryState.QUEUED
            if not _moves_forward(current.state, state):
                raise _Conflict(
                    _("invitation {invitation} is {state}; it cannot become {wanted}").format(
                        invitation=isolate(current.invitation_id),
                        state=isolate(current.state.value),
                        wanted=isolate(state.value),
                    )
                )
            if state is DeliveryState.QUEUED and next_attempt_at is None:
                raise _Conflict(_("an invitation queued again needs the time of its next try"))
            self._update_invitation(
                current,
                state,
                reason=_reason_for(state, reason),
                attempts=current.attempts + int(tried),
                next_attempt_at=next_attempt_at if state is DeliveryState.QUEUED else None,
                gateway_id=gateway_id if tried else current.gateway_id,
                link_id=link_id if tried else current.link_id,
            )
        return InvitationsChanged(current.session_id)

    def record_report(
        self,
        invitation_id: str,
        *,
        state: DeliveryState,
        reason: str = "",
        now: datetime,
        actor: str,
    ) -> InvitationsChanged | None:
        """A gateway's report on a sent invitation: delivered or failed. None, with nothing
        written (the invitation stays held until its next report is due), when it says
        nothing new."""
        from collab_console.core.delivery import REPORTED_FAILURE, DeliveryState
        from collab_console.core.events import InvitationsChanged

        state = DeliveryState(state)
        with (
            self._translate_errors(
                doing(
                    N_("record the report on invitation {invitation}"),
                    invitation=isolate(invitation_id),
                )
            ),
            self._transaction(writer=actor),
        ):
            current = self._invitation(invitation_id)
            if state is current.state:
                return None
            if current.state is not DeliveryState.SENT or not state.final:
                raise _Conflict(
                    _(
                        "invitation {invitation} is {state}; a report cannot make it {wanted}"
                    ).format(
                        invitation=isolate(current.invitation_id),
                        state=isolate(current.state.value),
                        wanted=isolate(state.value),
                    )
                )
            self._update_invitation(
                current,
                state,
                reason=_reason_for(state, reason or REPORTED_FAILURE),
                attempts=current.attempts,
                next_attempt_at=None,
                gateway_id=current.gateway_id,
                link_id=current.link_id,
            )
        return InvitationsChanged(current.session_id)

    def _update_invitation(
        self,
        current: Delivery,
        state: DeliveryState,
        *,
        reason: str,
        attempts: int,
        next_attempt_at: datetime | None,
        gateway_id: str,
        link_id: str,
    ) -> None:
        """Move ``current`` to ``state`` (the database checks the move), dated by the store,
        and let it go."""
        self._db.execute(
            "UPDATE invitation SET state = ?, reason = ?, attempts = ?, next_attempt_at = ?,"
            f" gateway_id = ?, link_id = ?, claimed_until = NULL, updated_at = {_NOW}"
            " WHERE invitation_id = ?",
            (
                state.value,
                reason,
                attempts,
                None if next_attempt_at is None else _store_time(next_attempt_at),
                gateway_id,
                link_id or None,
                current.invitation_id,
            ),
        )

    def invitations_awaiting_report(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """Sent SMS invitations (a gateway ID) of active sessions, sent in the last day, whose
        report was not asked for in the last ``REPORT_SECONDS``, oldest first; each held
        for that long, so it is asked for at most that often, by one sender."""
        from collab_console.core.delivery import REPORT_SECONDS

        if limit < 1:
            return []
        with (
            self._translate_errors(N_("read the invitations awaiting a report")),
            self._transaction(writer=SENDER),
        ):
            at = max(now, self._now())
            return self._hold(
                "i.state = 'sent' AND i.gateway_id <> ''"
                " AND i.updated_at > strftime('%Y-%m-%dT%H:%M:%f+00:00', :at, '-1 day')"
                " AND (i.claimed_until IS NULL OR i.claimed_until < :at)"
                " ORDER BY i.updated_at, i.id",
                at=at,
                until=at + timedelta(seconds=REPORT_SECONDS),
                limit=limit,
            )

    # -- links ---------------------------------------------------------------

    def mint_link(
        self, session_id: str, access_id: str, *, purpose: LinkPurpose, actor: str, now: datetime
    ) -> tuple[MintedLink, LinksChanged]:
        """Make a link for the person ``access_id``, unless a limit in force is reached.

        The limits are counted in the write transaction (so two consoles cannot
        both make the last allowed link); a refusal is recorded, committed, and
        then raised as ``LinkLimitError``.
        """
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkLimitError, LinkPurpose, limit_refusal

        purpose = LinkPurpose(purpose)
        refused: str | None = None
        with self._translate_errors(N_("make a link")), self._transaction(writer=actor):
            settings = self._read_settings()
            self._person_for_links(session_id, access_id)
            live = sum(link.is_live(now) for link in self._links("l.access_id = ?", access_id))
            # Only copies count: an invitation goes to the person's own contact.
            made = self._db.execute(
                "SELECT count(*) FROM link WHERE made_by = ? AND made_at > ? AND purpose = 'copy'",
                (actor, _store_time(now - _HOUR)),
            ).fetchone()[0]
            if purpose is LinkPurpose.INVITATION:
                made = 0
            refused = limit_refusal(
                live_for_person=live,
                made_by_agent_last_hour=int(made),
                max_live=settings.value("max_live_links_per_person"),
                max_per_hour=settings.value("max_links_per_agent_hour"),
            )
            if refused is None:
                minted = self._make_link(session_id, access_id, purpose, actor, settings)
            else:
                self._db.execute(
                    "INSERT INTO audit_append (kind, session_id, participant_id, detail, new_value)"
                    " VALUES ('link_limit', ?, ?, ?, ?)",
                    (session_id, access_id, purpose.value, refused[:1000]),
                )
        if refused is not None:
            raise LinkLimitError(refused)
        return minted, LinksChanged(session_id)

    def list_links(self, session_id: str) -> list[Link]:
        """Every link of the session, live or not, newest first."""
        with self._translate_errors(
            doing(N_("read the links of session {id}"), id=isolate(session_id))
        ):
            self._summary(session_id)  # NotFoundError for an unknown session
            return self._links("l.session_id = ?", session_id)

    def revoke_link(self, link_id: str, *, actor: str, now: datetime) -> LinksChanged:
        """Stop one link at once.

        A link that still lets someone in can be revoked: a live one, and one
        used up by its first join (its browser could come back with it).
        """
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkState, normalise_link_id

        name = normalise_link_id(link_id)
        with (
            self._translate_errors(doing(N_("revoke link {link}"), link=isolate(name))),
            self._transaction(writer=actor),
        ):
            found = self._links("l.link_id = ?", name)
            if not found:
                raise NotFoundError(_("no link {link}").format(link=isolate(name)))
            state = found[0].state(now)
            if state not in (LinkState.LIVE, LinkState.USED):
                raise _Conflict(
                    _("link {link} already stopped: {state}").format(
                        link=isolate(name), state=state.label.lower()
                    )
                )
            self._revoke(name)
        return LinksChanged(found[0].session_id)

    def regenerate_links(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[int, Delivery | None, list[StoreEvent]]:
        """Revoke every link of the person that still lets someone in and, when they have
        a contact, queue their new invitation, in one transaction (no link limit applies).

        Links revoked, the invitation skips the resend interval (the database checks
        that it follows them); with none revoked it is a resend like any other, and
        the refusal (``RateLimitedError``) is raised once the transaction is over.
        """
        from collab_console.core.delivery import rate_limited
        from collab_console.core.domain import Participant, Role
        from collab_console.core.events import InvitationsChanged, LinksChanged
        from collab_console.core.links import LinkState

        queued: Delivery | None = None
        wait = 0
        with self._translate_errors(N_("regenerate the links")), self._transaction(writer=actor):
            name = self._person_for_links(session_id, access_id)
            (contact,) = self._db.execute(
                "SELECT contact FROM participants WHERE access_id = ?", (access_id,)
            ).fetchone()
            # By the earlier of the caller's clock and the store's, so that every link the
            # store still counts as working is stopped: the database checks that none is left.
            at = min(now, self._now())
            revoked = 0
            for link in self._links("l.access_id = ?", access_id):
                if link.state(at) in (LinkState.LIVE, LinkState.USED):
                    self._revoke(link.link_id)
                    revoked += 1
            if contact:
                person = Participant(name, Role.PARTICIPANT, access_id, str(contact))
                queued, wait = self._resend(
                    session_id, person, actor, after_regenerate=bool(revoked)
                )
        if wait:
            raise rate_limited(name, wait)
        events: list[StoreEvent] = [LinksChanged(session_id)]
        if queued is not None:
            events.append(InvitationsChanged(session_id))
        return revoked, queued, events

    def _person_for_links(self, session_id: str, access_id: str) -> str:
        """The name of the person ``access_id`` of the active session; raise if there is none."""
        row = self._db.execute(
            "SELECT s.state, p.name FROM sessions s"
            " LEFT JOIN participants p ON p.session = s.id AND p.access_id = ?"
            " WHERE s.session_id = ?",
            (access_id, session_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        if row[1] is None:
            raise NotFoundError(
                _("no person with the ID {person} in session {id}").format(
                    person=isolate(access_id), id=isolate(session_id)
                )
            )
        if row[0] != "active":
            raise _Conflict(
                _("session {id} has ended; it takes no new links").format(id=isolate(session_id))
            )
        return str(row[1])

    def _make_link(
        self,
        session_id: str,
        access_id: str,
        purpose: LinkPurpose,
        actor: str,
        settings: CopySettings,
    ) -> MintedLink:
        """Insert a link with a fresh token (only its hash is stored); return it with its URL."""
        from collab_console.core.links import (
            LinkPurpose,
            MintedLink,
            link_url,
            new_link_id,
            new_token,
            token_hash,
        )

        key = "copied_link_minutes" if purpose is LinkPurpose.COPY else "invitation_link_minutes"
        minutes = int(settings.value(key))
        name = self._fresh_name(new_link_id, "SELECT 1 FROM link WHERE link_id = ?")
        token = new_token()
        self._db.execute(
            "INSERT INTO link (link_id, token_hash, session_id, access_id, purpose, made_by,"
            " made_at, expires_at, first_join_only)"
            " SELECT ?, ?, ?, ?, ?, ?, t.now, CASE WHEN ? = 0 THEN NULL"
            " ELSE strftime('%Y-%m-%dT%H:%M:%f+00:00', t.now, '+' || ? || ' minutes') END, ?"
            f" FROM (SELECT {_NOW} AS now) t",
            (
                name,
                token_hash(token),
                session_id,
                access_id,
                purpose.value,
                actor,
                minutes,
                minutes,
                int(bool(settings.value("link_first_join_only"))),
            ),
        )
        (link,) = self._links("l.link_id = ?", name)
        return MintedLink(link, link_url(settings.session_url_base, token))

    def _fresh_name(self, draw: Callable[[], str], taken_sql: str) -> str:
        """A name from ``draw`` that ``taken_sql`` does not find (inside the write transaction)."""
        for _attempt in range(MAX_ID_ATTEMPTS):
            name = draw()
            if self._db.execute(taken_sql, (name,)).fetchone() is None:
                return name
        raise StoreRefusedError(_("The store refused to name a new entry: no free name found."))

    def _revoke(self, link_id: str) -> None:
        self._db.execute(
            f"UPDATE link SET revoked_at = {_NOW}, revoked_by = (SELECT name FROM writer)"
            " WHERE link_id = ?",
            (link_id,),
        )

    def _links(self, where: str, *params: object) -> list[Link]:
        rows = self._db.execute(f"{_LINK_SQL} WHERE {where} ORDER BY l.id DESC", params)
        return [_link_from(row) for row in rows]

    # -- the join service ------------------------------------------------------

    def _link_by_token(self, token: str) -> tuple[Link, str | None, JoinPage] | None:
        """The link whose token is ``token``, the browser that joined with it, and its page."""
        from collab_console.core.links import JoinPage, token_hash

        row = self._db.execute(
            f"SELECT {_LINK_COLUMNS}, l.browser, p.name, s.agent FROM link l"
            " JOIN sessions s ON s.session_id = l.session_id"
            " LEFT JOIN participants p ON p.access_id = l.access_id"
            " WHERE l.token_hash = ?",
            (token_hash(token),),
        ).fetchone()
        if row is None:
            return None
        link = _link_from(row[:12])
        browser, name, agent = row[12:]
        if browser is not None and not is_hex64(browser):
            raise StoreValueError(
                _("link {link}: the browser that joined is malformed").format(
                    link=isolate(link.link_id)
                )
            )
        page = JoinPage(link.session_id, stored_person_name(name), stored_agent_name(agent))
        return link, browser, page

    def check_link(self, token: str, *, now: datetime) -> LinkCheck | None:
        """The link ``token`` names, its state and its page; None for no link. Reads only."""
        from collab_console.core.links import LinkCheck, is_token

        if not is_token(token):
            return None
        with self._translate_errors(N_("check a link")):
            found = self._link_by_token(token)
        if found is None:
            return None
        link, _state, page = found
        return LinkCheck(link, link.state(now), page)

    def redeem_link(
        self, token: str, *, browser: str, address: str, now: datetime
    ) -> Redemption | None:
        """A click on *Join* with ``token`` by the browser whose cookie hashes to ``browser``."""
        from collab_console.core.links import LinkState, RedeemResult, Redemption, is_token
        from collab_console.core.lobby import JoinRoute

        cookie, where = cookie_hash(browser), visitor_address(address)
        if not is_token(token):
            return None
        with (
            self._translate_errors(N_("join with a link")),
            self._transaction(writer=where, role="visitor"),
        ):
            found = self._link_by_token(token)
            if found is None:
                return None
            link, owner, page = found
            state, request_id, refusal = link.state(now), None, None
            if state in (LinkState.EXPIRED, LinkState.REVOKED, LinkState.ENDED):
                result = RedeemResult.REFUSED
            elif owner == cookie or self._joined_as(cookie, link.session_id, link.access_id):
                result = RedeemResult.REJOINED
            elif owner is None:
                self._db.execute(
                    f"UPDATE link SET used_at = {_NOW}, browser = ? WHERE link_id = ?",
                    (cookie, link.link_id),
                )
                self._place_browser(
                    cookie,
                    link.session_id,
                    link.access_id,
                    page.person_name,
                    "joined",
                    link_id=link.link_id,
                )
                result = RedeemResult.JOINED
            else:  # another browser joined with it: this one may only ask
                refusal = self._lobby_admission(
                    where, (link.session_id, link.access_id, "active"), now
                )
                if refusal is None:
                    request_id = self._request(
                        link.session_id,
                        link.access_id,
                        page.person_name,
                        JoinRoute.LINK_REUSED,
                        link.link_id,
                        cookie,
                        where,
                    )
                    result = RedeemResult.LOBBY
                else:
                    result, state = RedeemResult.REFUSED, LinkState.USED
            self._db.execute(
                "INSERT INTO audit_append (kind, session_id, participant_id, detail, old_value,"
                " new_value, result) VALUES ('join', ?, ?, ?, ?, ?, ?)",
                (
                    link.session_id,
                    link.access_id,
                    link.link_id,
                    None if refusal is None else refusal.value,
                    state.value,
                    result.value,
                ),
            )
        shown = state if result is RedeemResult.REFUSED else LinkState.LIVE
        return Redemption(result, page, shown, request_id)

    def _joined_as(self, cookie: str, session_id: str, access_id: str) -> bool:
        """Whether the browser is in the session as the person ``access_id`` already."""
        row = self._db.execute(
            "SELECT 1 FROM browser WHERE cookie_hash = ? AND state = 'joined'"
            " AND session_id = ? AND access_id = ?",
            (cookie, session_id, access_id),
        ).fetchone()
        return row is not None

    def _place_browser(
        self,
        cookie: str,
        session_id: str,
        access_id: str,
        name: str,
        state: str,
        *,
        link_id: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Record where the browser now stands (the database checks its link or request)."""
        values = (session_id, access_id, name, state, link_id, request_id, cookie)
        if self._db.execute("SELECT 1 FROM browser WHERE cookie_hash = ?", (cookie,)).fetchone():
            self._db.execute(
                "UPDATE browser SET session_id = ?, access_id = ?, name = ?, state = ?,"
                f" link_id = ?, request_id = ?, changed_at = {_NOW} WHERE cookie_hash = ?",
                values,
            )
        else:
            self._db.execute(
                "INSERT INTO browser (session_id, access_id, name, state, link_id, request_id,"
                f" cookie_hash, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, {_NOW})",
                values,
            )

    def _lobby_admission(
        self, address: str, target: tuple[str, str, str] | None, now: datetime
    ) -> LobbyRefusal | None:
        """Count an attempt to join from ``address`` and say why it may not go to the agent.

        ``target`` is (Session ID, the ID named, the session's state), or None
        for an ID nobody has. The limits are ``core.lobby``'s: per address,
        then per ID (one past it locks the lobby).
        """
        from collab_console.core.lobby import (
            MAX_REQUESTS_PER_ADDRESS,
            MAX_REQUESTS_PER_ID,
            RATE_WINDOW,
            LobbyRefusal,
        )

        since = _store_time(now - RATE_WINDOW)
        self._db.execute(
            "DELETE FROM lobby_attempt"
            " WHERE at < strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-1 day', '-1 minute')"
        )
        from_there = self._db.execute(
            "SELECT count(*) FROM lobby_attempt WHERE address = ? AND at > ?", (address, since)
        ).fetchone()[0]
        named = None if target is None or from_there >= MAX_REQUESTS_PER_ADDRESS else target[1]
        for_id = self._db.execute(
            "SELECT count(*) FROM lobby_attempt WHERE access_id = ? AND at > ?", (named, since)
        ).fetchone()[0]
        self._db.execute(
            f"INSERT INTO lobby_attempt (at, address, access_id) VALUES ({_NOW}, ?, ?)",
            (address, named),
        )
        if from_there >= MAX_REQUESTS_PER_ADDRESS:
            return LobbyRefusal.RATE_LIMITED
        if target is None:
            return LobbyRefusal.UNKNOWN_ID
        session_id, _name, state = target
        if state != "active":
            return LobbyRefusal.ENDED
        if self._locked(session_id):
            return LobbyRefusal.LOCKED
        if for_id >= MAX_REQUESTS_PER_ID:
            self._db.execute(
                "UPDATE lobby SET locked = 1, lock_reason = 'requests_per_id'"
                " WHERE session_id = ? AND locked = 0",
                (session_id,),
            )
            return LobbyRefusal.LOCKED
        return None

    def _request(
        self,
        session_id: str,
        access_id: str,
        name: str,
        route: JoinRoute,
        link_id: str | None,
        cookie: str,
        address: str,
    ) -> str:
        """The browser's waiting request for the person, made now unless it has one already."""
        from collab_console.core.lobby import new_request_id

        row = self._db.execute(
            "SELECT request_id FROM join_request WHERE browser = ? AND session_id = ?"
            " AND access_id = ? AND route = ? AND state = 'waiting' ORDER BY id DESC LIMIT 1",
            (cookie, session_id, access_id, route.value),
        ).fetchone()
        if row is not None:
            return stored_request_id(row[0])
        request_id = self._fresh_name(
            new_request_id, "SELECT 1 FROM join_request WHERE request_id = ?"
        )
        self._db.execute(
            "INSERT INTO join_request (request_id, session_id, access_id, name, route, link_id,"
            " browser, address, made_at, state)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, {_NOW}, 'waiting')",
            (request_id, session_id, access_id, name, route.value, link_id, cookie, address),
        )
        self._place_browser(cookie, session_id, access_id, name, "waiting", request_id=request_id)
        return request_id

    def request_join(
        self, typed_id: str, name: str, *, browser: str, address: str, now: datetime
    ) -> JoinRequest | LobbyRefusal:
        """Put a request to join in the lobby of the session of the person ``typed_id``."""
        from collab_console.core.lobby import JoinRoute

        given, cookie, where, wanted = join_request_input(typed_id, name, browser, address)
        with (
            self._translate_errors(N_("ask to join")),
            self._transaction(writer=where, role="visitor"),
        ):
            row = self._db.execute(
                "SELECT s.session_id, p.access_id, s.state FROM participants p"
                " JOIN sessions s ON s.id = p.session WHERE p.access_id = ?",
                (wanted,),
            ).fetchone()
            target = None if row is None else (str(row[0]), str(row[1]), str(row[2]))
            refusal = self._lobby_admission(where, target, now)
            if refusal is not None:
                self._db.execute(
                    "INSERT INTO audit_append (kind, session_id, participant_id, new_value, result)"
                    " VALUES ('join_request', ?, ?, 'by_id', ?)",
                    (None if target is None else target[0], wanted, refusal.value),
                )
                return refusal
            assert target is not None
            request_id = self._request(
                target[0], target[1], given, JoinRoute.BY_ID, None, cookie, where
            )
            return self._requests("r.request_id = ?", request_id)[0]

    def browser_status(self, browser: str, *, now: datetime | None = None) -> BrowserStatus | None:
        """Where the browser whose cookie hashes to ``browser`` stands at ``now`` (else the
        store's clock), or None.

        A browser in a session is STOPPED once the link it joined with (its own, or
        the one it reused before the agent admitted it) is revoked, or its session
        ends; a request still waiting when its session ended reads as DENIED.
        """
        if not is_hex64(browser):
            return None
        from collab_console.core.links import LinkState
        from collab_console.core.lobby import BrowserState, BrowserStatus, JoinRoute

        with self._translate_errors(N_("read where a browser stands")):
            row = self._db.execute(
                "SELECT b.state, b.session_id, b.name, s.agent, b.request_id, s.state,"
                " coalesce(b.link_id, r.link_id), r.route FROM browser b"
                " JOIN sessions s ON s.session_id = b.session_id"
                " LEFT JOIN join_request r ON r.request_id = b.request_id"
                " WHERE b.cookie_hash = ?",
                (browser,),
            ).fetchone()
            if row is None:
                return None
            state, sid, name, agent, request_id, session_state, link_id, route = row
            try:
                standing = BrowserState(state)
                if session_state not in ("active", "ended"):
                    raise StoreValueError(
                        _("its session's state {state}").format(
                            state=isolate(repr(str(session_state)[:20]))
                        )
                    )
                ended = session_state == "ended"
                because: LinkState | None = None
                if standing is BrowserState.JOINED and link_id is not None:
                    found = self._links("l.link_id = ?", link_id)
                    if len(found) != 1 or found[0].session_id != sid:
                        raise StoreValueError(_("the link it joined with is missing"))
                    stopped = found[0].state(self._now() if now is None else now)
                    if stopped in (LinkState.REVOKED, LinkState.ENDED):
                        because = stopped
                elif standing is BrowserState.JOINED and ended:
                    because = LinkState.ENDED
                if because is not None:
                    standing = BrowserState.STOPPED
                elif standing is BrowserState.WAITING and ended:
                    standing = BrowserState.DENIED
                return BrowserStatus(
                    state=standing,
                    session_id=_session_id(sid),
                    name=stored_person_name(name),
                    agent=stored_agent_name(agent),
                    request_id=None if request_id is None else stored_request_id(request_id),
                    stopped_because=None if because is None else because.value,
                    route=JoinRoute(route) if standing is BrowserState.WAITING else None,
                )
            except ValueError as exc:
                raise StoreValueError(
                    _("a browser's place: {problem}").format(problem=str(exc).rstrip("."))
                ) from None

    def _now(self) -> datetime:
        """The store's clock."""
        return _moment(self._db.execute(f"SELECT {_NOW}").fetchone()[0], "the store's clock")

    def renew_browser(self, old: str, new: str, *, now: datetime) -> bool:
        """Give the browser known by cookie hash ``old`` the cookie hash ``new``: its row,
        its link and its requests move together (the database does it, and checks that
        nothing else of the browser changes), so ``old`` is unknown afterwards. False,
        with nothing changed, when ``old`` is unknown or ``new`` is anyone's already.
        ``now`` is the Protocol's; the database dates the change with its own clock."""
        was, fresh = cookie_hash(old), cookie_hash(new)
        with (
            self._translate_errors(N_("renew a browser's cookie")),
            self._transaction(writer=_JOIN_SERVICE, role="visitor"),
        ):
            known = self._db.execute(
                "SELECT 1 FROM browser WHERE cookie_hash = ?", (was,)
            ).fetchone()
            taken = self._db.execute(
                "SELECT 1 FROM browser WHERE cookie_hash = ?1"
                " UNION ALL SELECT 1 FROM link WHERE browser = ?1"
                " UNION ALL SELECT 1 FROM join_request WHERE browser = ?1 LIMIT 1",
                (fresh,),
            ).fetchone()
            if known is None or taken is not None:
                return False
            self._db.execute(
                f"UPDATE browser SET cookie_hash = ?, changed_at = {_NOW} WHERE cookie_hash = ?",
                (fresh, was),
            )
        return True

    def join_requests(self, session_id: str) -> list[JoinRequest]:
        """The session's requests to join, the waiting ones first, then newest first."""
        with self._translate_errors(
            doing(N_("read the requests to join session {id}"), id=isolate(session_id))
        ):
            self._summary(session_id)
            return self._requests("r.session_id = ?", session_id)

    def _requests(self, where: str, *params: object) -> list[JoinRequest]:
        rows = self._db.execute(
            f"SELECT {_REQUEST_COLUMNS} FROM join_request r WHERE {where}"
            " ORDER BY r.state = 'waiting' DESC, r.id DESC",
            params,
        )
        return [_request_from(row) for row in rows]

    def decide_join(
        self, request_id: str, *, admit: bool, actor: str, now: datetime
    ) -> LobbyChanged:
        """Admit or deny a waiting request; a denial may lock the lobby."""
        from collab_console.core.events import LobbyChanged
        from collab_console.core.lobby import LOCK_AFTER_DENIALS, RequestState

        with (
            self._translate_errors(
                doing(N_("decide request {request}"), request=isolate(request_id))
            ),
            self._transaction(writer=actor),
        ):
            found = self._requests("r.request_id = ?", request_id)
            if not found:
                raise NotFoundError(_("no request {request}").format(request=isolate(request_id)))
            request = found[0]
            if request.state is not RequestState.WAITING:
                raise _Conflict(
                    _("request {request} was already {state}").format(
                        request=isolate(request_id), state=isolate(request.state.value)
                    )
                )
            if self._summary(request.session_id).state.value != "active":
                raise _Conflict(
                    _("request {request} cannot be decided: the session has ended").format(
                        request=isolate(request.request_id)
                    )
                )
            decision = RequestState.ADMITTED if admit else RequestState.DENIED
            self._db.execute(
                f"UPDATE join_request SET state = ?, decided_by = (SELECT name FROM writer),"
                f" decided_at = {_NOW} WHERE request_id = ?",
                (decision.value, request.request_id),
            )
            cookie = self._db.execute(
                "SELECT b.cookie_hash FROM browser b JOIN join_request r"
                " ON r.browser = b.cookie_hash AND r.request_id = b.request_id"
                " WHERE r.request_id = ?",
                (request.request_id,),
            ).fetchone()
            if cookie is not None:  # the browser is still where this request put it
                self._place_browser(
                    cookie[0],
                    request.session_id,
                    request.access_id,
                    request.name,
                    "joined" if admit else "denied",
                    request_id=request.request_id,
                )
            if not admit:
                self._db.execute(
                    "UPDATE lobby SET denials = denials + 1 WHERE session_id = ?",
                    (request.session_id,),
                )
                self._db.execute(
                    "UPDATE lobby SET locked = 1, lock_reason = 'denials'"
                    " WHERE session_id = ? AND locked = 0 AND denials >= ?",
                    (request.session_id, LOCK_AFTER_DENIALS),
                )
        return LobbyChanged(request.session_id)

    def lobby_locked(self, session_id: str) -> bool:
        with self._translate_errors(
            doing(N_("read the lobby of session {id}"), id=isolate(session_id))
        ):
            self._summary(session_id)
            return self._locked(session_id)

    def _locked(self, session_id: str) -> bool:
        row = self._db.execute(
            "SELECT locked FROM lobby WHERE session_id = ?", (session_id,)
        ).fetchone()
        if row is None or row[0] not in (0, 1):
            raise StoreValueError(
                _("the lobby of session {id} is missing or malformed").format(
                    id=isolate(session_id)
                )
            )
        return bool(row[0])

    def set_lobby_locked(
        self, session_id: str, locked: bool, *, actor: str, now: datetime
    ) -> LobbyChanged:
        """Lock or unlock the session's lobby as the agent; unlocking forgets the denials."""
        from collab_console.core.events import LobbyChanged

        with (
            self._translate_errors(
                doing(N_("lock the lobby of session {id}"), id=isolate(session_id))
            ),
            self._transaction(writer=actor),
        ):
            self._summary(session_id)
            if locked:
                self._db.execute(
                    "UPDATE lobby SET locked = 1, lock_reason = 'agent'"
                    " WHERE session_id = ? AND locked = 0",
                    (session_id,),
                )
            else:
                self._db.execute(
                    "UPDATE lobby SET locked = 0, lock_reason = NULL, denials = 0"
                    " WHERE session_id = ? AND (locked = 1 OR denials > 0)",
                    (session_id,),
                )
        return LobbyChanged(session_id)

    # -- changes made elsewhere ----------------------------------------------

    def _read_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _last_change(self) -> int:
        row = self._db.execute("SELECT max(seq) FROM change_log").fetchone()
        return int(row[0] or 0)

    def event_socket(self) -> int | None:
        """None: a file announces nothing, so it is polled (``poll_events`` is cheap)."""
        return None

    def poll_events(self) -> list[StoreEvent]:
        """What other processes changed since the last call, read from the change log.

        Session events carry each session as it is now, so applying them in
        order ends in the current state. SQLite's ``data_version`` tells
        cheaply whether anyone else committed; only then is the log read.
        """
        from collab_console.core.events import (
            InvitationsChanged,
            LinksChanged,
            LobbyChanged,
            SessionEnded,
            SessionStarted,
            SettingsChanged,
            StoreResynced,
        )

        with self._translate_errors(N_("check for changes in the store")):
            data_version = self._read_data_version()
            if data_version == self._data_version:
                return []
            self._data_version = data_version
            rows = self._db.execute(
                "SELECT seq, kind, subject FROM change_log WHERE seq > ? ORDER BY seq",
                (self._cursor,),
            ).fetchall()
            last = self._last_change()
            behind = (rows and rows[0][0] != self._cursor + 1) or last < self._cursor
            self._cursor = last
            if behind:
                self._own_changes.clear()
                return [StoreResynced(), SettingsChanged(self._read_settings())]
            per_session: dict[str, Callable[[str], StoreEvent]] = {
                "links": LinksChanged,
                "lobby": LobbyChanged,
                "invitations": InvitationsChanged,
            }
            events: list[StoreEvent] = []
            settings_moved = False
            told: set[tuple[str, str]] = set()
            for seq, kind, subject in rows:
                if seq in self._own_changes:
                    self._own_changes.discard(seq)
                    continue
                if kind == "settings":
                    settings_moved = True
                elif kind == "session_started":
                    events.append(SessionStarted(self._summary(subject)))
                elif kind == "session_ended":
                    events.append(SessionEnded(self._summary(subject)))
                elif kind == "participant":  # the subject is the person's own ID
                    events.append(self._participant_added(subject))
                elif kind in per_session and (kind, subject) not in told:
                    told.add((kind, subject))  # one event per session says it all
                    events.append(per_session[kind](_session_id(subject)))
            if settings_moved:
                events.insert(0, SettingsChanged(self._read_settings()))
            return events

    def _participant_added(self, access_id: str) -> ParticipantAdded:
        from collab_console.core.events import ParticipantAdded

        row = self._db.execute(
            "SELECT s.session_id FROM participants p JOIN sessions s ON s.id = p.session"
            " WHERE p.access_id = ?",
            (access_id,),
        ).fetchone()
        if row is None:
            raise StoreValueError(_("the change log names someone who is in no session"))
        return ParticipantAdded(_session_id(row[0]), stored_own_id(access_id))


#: An invitation's columns, in ``stored_delivery`` order.
_INVITATION_COLUMNS = (
    "i.invitation_id, i.session_id, i.access_id, i.channel, i.recipient, i.state,"
    " i.queued_at, i.updated_at, i.queued_by, i.resend, i.attempts, i.reason,"
    " i.next_attempt_at, i.gateway_id, i.link_id"
)
#: One line of the session list per session: the session, its customer and the customer's
#: newest invitation (one index lookup each, in the same query).
_SUMMARY_SQL = (
    f"SELECT s.session_id, p.name, s.state, s.created_at, s.demo, {_INVITATION_COLUMNS}"
    " FROM sessions s LEFT JOIN participants p ON p.session = s.id AND p.position = 0"
    " LEFT JOIN invitation i ON i.id = (SELECT id FROM invitation WHERE access_id = s.session_id"
    " ORDER BY queued_at DESC, id DESC LIMIT 1)"
)


def _summary_from(row: tuple[Any, ...]) -> SessionSummary:
    """A row of :data:`_SUMMARY_SQL` as a SessionSummary, every value checked."""
    sid, name, state, created, demo = row[:5]
    shown = isolate(printable(str(sid)[:12]))
    if name is None:
        raise StoreValueError(_("session {id} has no customer").format(id=shown))
    from collab_console.core.domain import (
        SessionState,
        SessionSummary,
        normalise_session_id,
        validate_name,
    )

    try:
        session_id = _exactly(normalise_session_id(sid), sid)
        invite = None if row[5] is None else _delivery_from(row[5:])
        if invite is not None and (invite.session_id, invite.access_id) != (sid, sid):
            raise StoreValueError(_("its customer's invitation is someone else's"))
        return SessionSummary(
            session_id=session_id,
            customer_name=validate_name(name),
            state=SessionState(state),
            invite=invite,
            created_at=_moment(
                created, _("the start time of session {id}").format(id=isolate(str(sid)))
            ),
            demo=_flag(demo),
        )
    except (ValueError, CollabConsoleError) as exc:
        raise StoreValueError(
            _("session {id}: {problem}").format(id=shown, problem=str(exc).rstrip("."))
        ) from None


def _delivery_from(row: tuple[Any, ...]) -> Delivery:
    """A row of :data:`_INVITATION_COLUMNS` as a Delivery, every value checked."""
    name, sid, pid, channel, recipient, state, queued, updated, by, resend, tries = row[:11]
    reason, next_at, gateway_id, link_id = row[11:]
    shown = printable(str(name)[:12])
    try:
        if resend not in (0, 1):
            raise StoreValueError(_("its resend mark is neither 0 nor 1"))
        return stored_delivery(
            invitation_id=name,
            session_id=sid,
            access_id=pid,
            channel=channel,
            recipient=recipient,
            state=state,
            queued_at=_moment(queued, _("its queueing time")),
            updated_at=_moment(updated, _("its change time")),
            queued_by=by,
            resend=resend == 1,
            attempts=tries,
            reason=reason,
            next_attempt_at=_optional_moment(next_at, _("its next try")),
            gateway_id=gateway_id,
            link_id="" if link_id is None else link_id,
        )
    except (ValueError, CollabConsoleError) as exc:
        raise StoreValueError(
            _("invitation {invitation}: {problem}").format(
                invitation=isolate(shown), problem=str(exc).rstrip(".")
            )
        ) from None


def _channel_of(contact: str) -> str:
    """The channel a stored contact implies (``core.domain.ContactKind``'s value)."""
    return "email" if "@" in contact else "sms"


def _moves_forward(was: DeliveryState, to: DeliveryState) -> bool:
    """Whether an invitation may go from ``was`` to ``to``: a try from the queue (queued
    again after a transient failure), or a report on a sent one."""
    from collab_console.core.delivery import DeliveryState

    return was is DeliveryState.QUEUED or (was is DeliveryState.SENT and to.final)


def _reason_for(state: DeliveryState, reason: str) -> str:
    """The reason kept with ``state``: one line for a failure or a retry, none otherwise."""
    from collab_console.core.delivery import DeliveryState, clean_reason

    if state not in (DeliveryState.FAILED, DeliveryState.QUEUED):
        return ""
    kept = clean_reason(reason)
    if state is DeliveryState.FAILED and not kept:
        raise _Conflict(_("say why the invitation failed"))
    return kept


_HOUR = timedelta(hours=1)
#: Who writes when the join service renews a browser's cookie (no address is at hand).
_JOIN_SERVICE = "join service"
#: A link's columns, in ``_link_from`` order (the session's state last).
_LINK_COLUMNS = (
    "l.link_id, l.session_id, l.access_id, l.purpose, l.made_by, l.made_at, l.expires_at,"
    " l.first_join_only, l.used_at, l.revoked_at, l.revoked_by, s.state"
)
_LINK_SQL = f"SELECT {_LINK_COLUMNS} FROM link l JOIN sessions s ON s.session_id = l.session_id"
_REQUEST_COLUMNS = (
    "r.request_id, r.session_id, r.access_id, r.name, r.route, r.link_id, r.address,"
    " r.made_at, r.state, r.decided_by, r.decided_at"
)


def _session_id(value: object) -> str:
    from collab_console.core.domain import normalise_session_id

    if not isinstance(value, str):
        raise StoreValueError(_("a Session ID is not text"))
    return _exactly(normalise_session_id(value), value)


def _optional_moment(value: object, what: str) -> datetime | None:
    return None if value is None else _moment(value, what)


def _link_from(row: tuple[Any, ...]) -> Link:
    """A row of :data:`_LINK_COLUMNS` as a Link, every value checked."""
    from collab_console.core.links import LINK_ID_PATTERN, Link, LinkPurpose

    name, sid, pid, purpose, made_by, made, expires, first, used, revoked, by, state = row
    shown = printable(str(name)[:12])
    try:
        if not isinstance(name, str) or not LINK_ID_PATTERN.fullmatch(name):
            raise StoreValueError(_("its name is malformed"))
        made_at = _moment(made, _("its making time"))
        expires_at = _optional_moment(expires, _("its expiry"))
        if expires_at is not None and expires_at <= made_at:
            raise StoreValueError(_("it expires before it was made"))
        if first not in (0, 1):
            raise StoreValueError(_("its first-join-only mark is neither 0 nor 1"))
        if (revoked is None) != (by is None) or state not in ("active", "ended"):
            raise StoreValueError(_("its revocation or session is malformed"))
        return Link(
            link_id=name,
            session_id=_session_id(sid),
            access_id=stored_own_id(pid),
            purpose=LinkPurpose(purpose),
            made_by=stored_agent_name(made_by),
            made_at=made_at,
            expires_at=expires_at,
            first_join_only=first == 1,
            used_at=_optional_moment(used, _("its use")),
            revoked_at=_optional_moment(revoked, _("its revocation")),
            revoked_by=None if by is None else stored_agent_name(by),
            session_ended=state == "ended",
        )
    except (ValueError, CollabConsoleError) as exc:
        raise StoreValueError(
            _("link {link}: {problem}").format(link=isolate(shown), problem=str(exc).rstrip("."))
        ) from None


def _request_from(row: tuple[Any, ...]) -> JoinRequest:
    """A row of :data:`_REQUEST_COLUMNS` as a JoinRequest, every value checked."""
    from collab_console.core.links import LINK_ID_PATTERN
    from collab_console.core.lobby import MAX_NAME_LENGTH, JoinRequest, JoinRoute, RequestState

    name_id, sid, pid, name, route, link_id, address, made, state, by, at = row
    shown = printable(str(name_id)[:12])
    try:
        if link_id is not None and (
            not isinstance(link_id, str) or not LINK_ID_PATTERN.fullmatch(link_id)
        ):
            raise StoreValueError(_("its link's name is malformed"))
        try:
            where = visitor_address(address)
        except ValidationError:
            raise StoreValueError(_("its address is malformed")) from None
        decided = RequestState(state)
        if (decided is RequestState.WAITING) != (by is None) or (by is None) != (at is None):
            raise StoreValueError(_("its decision is malformed"))
        return JoinRequest(
            request_id=stored_request_id(name_id),
            session_id=_session_id(sid),
            access_id=stored_own_id(pid),
            name=stored_text(name, _("the name given"), MAX_NAME_LENGTH),
            route=JoinRoute(route),
            link_id=link_id,
            address=where,
            made_at=_moment(made, _("its time")),
            state=decided,
            decided_by=None if by is None else stored_agent_name(by),
            decided_at=_optional_moment(at, _("its decision time")),
        )
    except (ValueError, CollabConsoleError) as exc:
        raise StoreValueError(
            _("request {request}: {problem}").format(
                request=isolate(shown), problem=str(exc).rstrip(".")
            )
        ) from None


def _audit_filter(query: AuditQuery) -> tuple[str, list[object]]:
    """The WHERE clause (with its leading space, or empty) and parameters of ``query``."""
    clauses: list[str] = []
    params: list[object] = []
    if query.kinds is not None:
        kinds = sorted(str(kind) for kind in query.kinds)
        clauses.append(f"kind IN ({', '.join('?' * len(kinds))})" if kinds else "0")
        params += kinds
    if query.person and query.person.strip():
        clauses.append("actor = ? COLLATE NOCASE")
        params.append(query.person.strip())
    if query.since is not None:
        clauses.append("at >= ?")
        params.append(_store_time(query.since))
    if query.until is not None:
        clauses.append("at < ?")
        params.append(_store_time(query.until))
    if query.before_seq is not None:
        clauses.append("id < ?")  # the primary key: a page costs the same however deep
        params.append(query.before_seq)
    if query.text and query.text.strip():
        clauses.append(f"({_AUDIT_TEXT})")
        wanted = query.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [f"%{wanted}%"] * len(_AUDIT_TEXT_COLUMNS)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _audit_entry(row: tuple[Any, ...]) -> AuditEntry:
    """A row of :data:`_AUDIT_COLUMNS` as an AuditEntry; a value it cannot be raises."""
    from collab_console.core.audit import ActorRole, AuditEntry, AuditKind

    seq, at, kind, actor, role, sid, pid, detail, old, new, version, contact, result, prev, h = row
    try:
        return AuditEntry(
            seq,
            _moment(at, _("the time of audit entry {number}").format(number=seq)),
            AuditKind(kind),
            actor,
            ActorRole(role),
            sid,
            pid,
            detail,
            old,
            new,
            version,
            contact,
            result,
            prev,
            h,
            at,
        )
    except ValueError as exc:
        raise StoreValueError(
            _("audit entry {number}: {problem}").format(number=seq, problem=exc)
        ) from None


def _admin_name(value: object) -> str:
    from collab_console.core.admins import validate_admin_name

    try:
        return validate_admin_name(value)
    except ValidationError:
        raise StoreValueError(_("an admin's name is not one this version accepts")) from None


def _int_or_none(row: tuple[Any, ...] | None) -> int | None:
    return row[0] if row is not None and isinstance(row[0], int) else None


def sqlite_uri(path: str) -> str:
    """``path`` as an SQLite URI file name (``file:/abs/path``, without a query).

    SQLite decodes ``%HH`` in it and ends the name at ``?`` or ``#``, so those
    three are escaped; pathlib's ``as_uri`` would do too, but pathlib costs
    every command some milliseconds to import.
    """
    absolute = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    return "file:" + absolute.replace("%", "%25").replace("?", "%3F").replace("#", "%23")


def _keep_private(path: str) -> list[str]:
    """Tighten the store (and its folder) when others may read them; say what was done."""
    said = []
    folder = os.path.dirname(path) or "."
    for target, private in ((folder, _PRIVATE_DIR), (path, _PRIVATE_FILE)):
        try:
            info = os.stat(target)
        except OSError:
            continue
        if not info.st_mode & 0o077:
            continue
        if target is folder and info.st_mode & stat.S_ISVTX:
            continue  # a shared folder such as /tmp: the file's own mode protects it
        if info.st_uid == os.getuid():
            try:
                os.chmod(target, private)
            except OSError:
                pass
            else:
                said.append(
                    _("{path} was readable by other accounts; made it private").format(
                        path=isolate(display_path(target))
                    )
                )
                continue
        said.append(
            _(
                "{path} can be read by other accounts on this computer; "
                "ask its owner to make it private"
            ).format(path=isolate(display_path(target)))
        )
    for suffix in ("-wal", "-shm"):
        extra = path + suffix
        try:
            info = os.stat(extra)
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                os.chmod(extra, _PRIVATE_FILE)
        except OSError:
            pass
    return said


def _stale_message(current: CopySettings) -> str:
    who = isolate(current.updated_by)
    if not current.updated_at:
        return _("{admin} changed these settings, after you opened them").format(admin=who)
    return _("{admin} changed these settings at {time} UTC, after you opened them").format(
        admin=who, time=isolate(f"{current.updated_at:%Y-%m-%d %H:%M}")
    )


def _rule_broken(exc: sqlite3.IntegrityError) -> str:
    """The rule an IntegrityError names, in words; never the SQL of a CHECK."""
    text = str(exc)
    for prefix, words in (
        ("UNIQUE constraint failed", N_("that value is taken")),
        ("NOT NULL constraint failed", N_("a required value is missing")),
        ("FOREIGN KEY constraint failed", N_("it refers to something that does not exist")),
        ("CHECK constraint failed", N_("a value is out of bounds")),
    ):
        if text.startswith(prefix):
            name = text.partition(":")[2].strip()
            if not name.replace("_", "").isalnum():
                return _(words)
            return _("{rule} ({constraint})").format(rule=_(words), constraint=isolate(name))
    # A trigger's own words (the schema's RAISE), as the SQL holds them.
    return text.splitlines()[0] if text else _("it breaks one of the store's rules")


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split()).rstrip(".")


def _exactly(normalised: str, stored: object) -> str:
    if normalised != stored:
        raise StoreValueError(
            _("the Session ID {id} is not in its stored form").format(
                id=isolate(repr(str(stored)[:12]))
            )
        )
    return normalised


def _flag(value: object) -> bool:
    if value not in (0, 1):
        raise StoreValueError(_("a demo mark is neither 0 nor 1"))
    return value == 1
