"""The organisation's store: a shared PostgreSQL database (``pg_schema``).

The database decides: who may change the policy (``collab_admin``), whose sessions
a login sees (row-level security on the login), who did what and when in the audit
trail (``session_user`` and the transaction's time). This class holds two
connections: one for reads and writes (autocommit off, one transaction per call,
reopened on the next call after the server went away) and one that LISTENs on
``collab_events`` for :meth:`poll_events`, whose socket :meth:`event_socket` hands
to the console's socket notifier. Every value read back goes through the core's
validators; a server error becomes one of the store's errors in one sentence, never
the SQL and never the password.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg import Cursor
from psycopg.conninfo import conninfo_to_dict

from collab_console.core.errors import (
    CollabConsoleError,
    NotAllowedError,
    NotFoundError,
    SettingsError,
    StaleSettingsError,
    ValidationError,
)
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.settings import SPECS_BY_KEY, Acknowledgement, CopySettings
from collab_console.store.errors import (
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    StoreLoginRefusedError,
    StoreMissingError,
    StoreRefusedError,
    StoreTooNewError,
    StoreUnavailableError,
    StoreUnreadableError,
)
from collab_console.store.location import printable
from collab_console.store.pg_links import (
    INVITATION_COLUMNS,
    IdTakenError,
    InvitationsPart,
    LinksPart,
    delivery_from,
    id_collision,
    newest_deliveries,
)
from collab_console.store.pg_schema import EVENTS_CHANNEL, GROUP_ROLES, SCHEMA_VERSION
from collab_console.store.stored_values import (
    StoreValueError,
    declared_spec,
    doing,
    require_every_setting,
    settings_head,
    shown_doing,
    zoned_datetime,
)

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
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
    from collab_console.core.delivery import Delivery
    from collab_console.core.domain import Session, SessionSummary
    from collab_console.core.events import (
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )

#: Attempts at a fresh Session ID before giving up (40 random bits: one is plenty).
MAX_ID_ATTEMPTS = 8
#: Entries checked per read by :meth:`PostgresStore.verify_audit`.
VERIFY_SLICE = 20_000
#: Seconds to wait for the server to answer a new connection.
CONNECT_TIMEOUT = 10
#: TCP keepalives on both connections. The listening one only reads: when the network
#: drops (or the server's machine dies) no FIN ever comes, and without probes its socket
#: would stay quiet for hours (the kernel's first probe waits 2 h) while the console
#: goes on trusting a policy it no longer hears about. Probed after 10 s of silence,
#: every 5 s, given up after 3 unanswered: a dead connection shows within about 25 s,
#: and a healthy idle one costs a few bytes every 10 s. Keepalives do not cover a
#: request in flight (the kernel retransmits it for some 15 minutes):
#: ``tcp_user_timeout`` gives up on unacknowledged data after 25 s too. (A Unix socket
#: ignores them all: there the kernel knows at once.)
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 25_000,
}
#: What refuses every passphrase-admin call: here the database decides who is an admin.
DATABASE_DECIDES = N_(
    "in organisation mode the database decides who is an admin: the database owner adds "
    "you with collab-console db add-user NAME --role admin"
)
_AUDIT_COLUMNS = (
    "seq, collab.audit_stamp(at), kind, actor, actor_role, session_id, participant_id, detail,"
    " old_value, new_value, warning_version, contact, result, prev_hash, hash"
)
#: Where a free-text filter looks: every field but the number, the time and the hashes.
_AUDIT_TEXT_COLUMNS = (
    "kind",
    "actor",
    "actor_role",
    "session_id",
    "participant_id",
    "detail",
    "old_value",
    "new_value",
    "contact",
    "result",
)
#: A session's line: its customer's name and newest invitation come with it (one query for
#: a whole list).
_SUMMARY_SQL = (
    "SELECT s.session_id, p.name, s.state, s.created_at, s.demo, invite.*"
    " FROM collab.session s"
    " LEFT JOIN collab.participant p ON p.session_id = s.session_id AND p.position = 0"
    f" LEFT JOIN LATERAL (SELECT {INVITATION_COLUMNS} FROM collab.invitation i"
    "  WHERE i.session_id = s.session_id AND i.access_id = s.session_id"
    "  ORDER BY i.queued_at DESC, i.id DESC LIMIT 1) AS invite ON true"
)


#: How a session is shared: ``collab.session_access.kind``.
SHARE_KINDS = ("supervisor", "co_agent")


class PostgresStore(LinksPart, InvitationsPart):
    """The organisation's :class:`~collab_console.store.Store`, on PostgreSQL.

    Open it with :meth:`open`. ``user`` is the database login (``session_user``):
    every write is that login's, whatever ``actor`` a caller names. It never keeps
    the password anywhere but in memory, to reconnect.
    """

    #: The database's roles say who is an admin (``collab_admin``), not a passphrase.
    admins_by_database = True

    def __init__(
        self,
        conninfo: str,
        password: str | None,
        connection: psycopg.Connection[Any],
        listener: psycopg.Connection[Any],
        *,
        location: str,
        user: str,
    ) -> None:
        self.location = location
        self.warnings: tuple[str, ...] = ()
        self.user = user
        self._conninfo = conninfo
        self._password = password
        self._conn = connection
        self._listener: psycopg.Connection[Any] | None = listener
        self._heard: list[psycopg.Notify] = []
        #: Changes may have been missed (the listening connection was made again, or a
        #: poll failed after hearing of some): owed until a poll goes through and says
        #: so with StoreResynced.
        self._resync_owed = False
        #: The server processes of this store's own writing connections: what they
        #: announce this store already returned as the events of its writes.
        self._own_pids = {connection.info.backend_pid}
        listener.add_notify_handler(self._heard.append)

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, dsn: str, *, password: str | None = None) -> PostgresStore:
        """Connect to the organisation database at ``dsn`` (a ``postgresql://`` URL or
        ``key=value`` conninfo) as its user, with ``password`` if the server asks for one.

        The schema must be there and be the version this Collab Console knows.
        """
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.Error:
            raise ValidationError(
                _("that is not a database address; write it like {example}").format(
                    example=isolate("postgresql://agent.amy@db.example.com/collab")
                )
            ) from None
        location = _describe(params)
        secret = password if password is not None else _as_text(params.get("password"))
        connection = connect(dsn, password, location, secret, autocommit=False)
        try:
            listener = connect(dsn, password, location, secret, autocommit=True)
        except BaseException:
            connection.close()
            raise
        try:
            listener.execute(f"LISTEN {EVENTS_CHANNEL}")
            user = _check_schema(connection, location, secret)
        except psycopg.Error as exc:
            connection.close()
            listener.close()
            raise _unreachable(
                exc, location, secret, N_("open the organisation database")
            ) from None
        except BaseException:
            connection.close()
            listener.close()
            raise
        return cls(dsn, password, connection, listener, location=location, user=user)

    def close(self) -> None:
        self._conn.close()
        if self._listener is not None:
            self._listener.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def _transaction(
        self, doing: str = N_("change the store"), *, demo: bool = False
    ) -> Iterator[Cursor[Any]]:
        """One write transaction on a cursor; any error rolls it back and is translated.

        ``demo`` marks it as the demo filling an unused database (the schema checks
        that it is one, and that the writer is an admin).
        """
        with self._errors(doing):
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cursor:
                if demo:
                    cursor.execute("SELECT set_config('collab.demo', 'on', true)")
                yield cursor

    @contextmanager
    def _read(self, doing: str = N_("read the store")) -> Iterator[Cursor[Any]]:
        """One read-only transaction on a cursor; errors translated."""
        with self._errors(doing):
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
                yield cursor

    def _connection(self) -> psycopg.Connection[Any]:
        """The writing connection, made afresh when the last one was lost."""
        if self._conn.closed or self._conn.broken:
            self._conn.close()
            self._conn = connect(
                self._conninfo, self._password, self.location, self._secret, autocommit=False
            )
            self._own_pids.add(self._conn.info.backend_pid)
        return self._conn

    @property
    def _secret(self) -> str | None:
        return self._password or _as_text(conninfo_to_dict(self._conninfo).get("password"))

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn what the server or a validator says into the store's errors, one sentence."""
        try:
            yield
        except CollabConsoleError:
            raise
        except StoreValueError as exc:
            # One line whatever the value held (a damaged one may hold line breaks).
            raise StoreDamagedError(
                _(
                    "Could not {doing}: the database {location} holds a value this version "
                    "cannot use ({problem}); it was left as it is."
                ).format(
                    doing=shown_doing(doing),
                    location=isolate(self.location),
                    problem=" ".join(str(exc).split()),
                )
            ) from None
        except psycopg.Error as exc:
            raise _translated(exc, doing, self) from None

    # -- settings ----------------------------------------------------------------------

    def load_settings(self) -> CopySettings:
        """The settings in force for this login: the organisation's, with its team's
        overrides."""
        join_login = self._is_join_login()
        with self._read(N_("read the settings")) as cursor:
            return _read_settings(cursor, join_login=join_login)

    def save_settings(
        self, settings: CopySettings, *, admin: AdminSession | None = None
    ) -> SettingsChanged:
        """Write the settings that differ from those in force, if nobody saved since
        ``settings.version``; the policy stays locked until the save commits."""
        from collab_console.core.admins import is_admin_session
        from collab_console.core.events import SettingsChanged

        if admin is None or not is_admin_session(admin):
            raise NotAllowedError(_("only an admin can change the settings"))
        if admin.name != self.user:
            raise NotAllowedError(_only_own_login().format(login=isolate(self.user)))
        with self._transaction(N_("save the settings")) as cursor:
            cursor.execute("SELECT collab.lock_policy()")
            current = _read_settings(cursor)
            if current.version != settings.version:
                raise StaleSettingsError(_stale_message(current), current)
            for key, ack in settings.acknowledgements.items():
                if ack != current.acknowledgements.get(key) and ack.by != admin.name:
                    raise NotAllowedError(
                        _("only an admin can acknowledge a warning, in their own name")
                    )
            _write_settings(cursor, settings, current)
        return SettingsChanged(self.load_settings())

    def save_demo_settings(self, settings: CopySettings) -> SettingsChanged:
        """The demo's first settings, into a database nobody has used (as an admin)."""
        from collab_console.core.events import SettingsChanged

        with self._transaction(N_("save the demo settings"), demo=True) as cursor:
            current = _read_settings(cursor)
            if not _pristine(cursor) or current.version != settings.version:
                raise NotAllowedError(_("demo settings go only into a store nobody has used"))
            _write_settings(cursor, settings, current)
        return SettingsChanged(self.load_settings())

    def is_pristine(self) -> bool:
        """Nobody has saved settings or started a session (admins are the database's)."""
        with self._read(N_("read the store")) as cursor:
            return _pristine(cursor)

    # -- teams (organisation mode only; the CLI's ``teams`` commands call these) ---------

    def set_team_setting(
        self, team: str, key: str, value: object, *, admin: AdminSession, now: datetime
    ) -> SettingsChanged:
        """Override the setting ``key`` for the team (made if new) with ``value``.

        Turning a sensitive setting on records the admin's acknowledgement of its
        warning with the override, in the admin's name.
        """
        from collab_console.core.events import SettingsChanged
        from collab_console.core.settings import spec_for

        session = self._admin(admin, now)
        spec = spec_for(key)
        parsed = spec.parse(value)
        team = _team_name(team)
        ack: tuple[str | None, datetime | None, int | None] = (None, None, None)
        if spec.warning is not None and parsed:
            ack = (session.name, now, spec.warning.version)
        with self._transaction(
            doing(
                N_("override {setting} for team {team}"), setting=_(spec.label), team=isolate(team)
            )
        ) as cursor:
            cursor.execute("SELECT collab.lock_policy()")
            cursor.execute(
                "INSERT INTO collab.team (name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (team,)
            )
            cursor.execute(
                "INSERT INTO collab.team_setting (team, key, kind, sensitive, value,"
                " acknowledged_by, acknowledged_at, warning_version, version)"
                " SELECT %s, key, kind, sensitive, %s, %s, %s, %s, p.version + 1"
                " FROM collab.setting, collab.policy p WHERE key = %s"
                " ON CONFLICT (team, key) DO UPDATE SET value = EXCLUDED.value,"
                " acknowledged_by = EXCLUDED.acknowledged_by,"
                " acknowledged_at = EXCLUDED.acknowledged_at,"
                " warning_version = EXCLUDED.warning_version, version = EXCLUDED.version,"
                " updated_by = session_user, updated_at = transaction_timestamp()",
                (team, spec.to_store(parsed), *ack, key),
            )
        return SettingsChanged(self.load_settings())

    def clear_team_setting(
        self, team: str, key: str, *, admin: AdminSession, now: datetime
    ) -> SettingsChanged:
        """Drop the team's override of ``key``: the organisation's value applies again."""
        from collab_console.core.events import SettingsChanged
        from collab_console.core.settings import spec_for

        self._admin(admin, now)
        spec = spec_for(key)
        team = _team_name(team)
        with self._transaction(
            doing(
                N_("clear the override of {setting} for team {team}"),
                setting=_(spec.label),
                team=isolate(team),
            )
        ) as cursor:
            cursor.execute("SELECT collab.lock_policy()")
            cursor.execute(
                "DELETE FROM collab.team_setting WHERE team = %s AND key = %s", (team, key)
            )
            if cursor.rowcount == 0:
                raise NotFoundError(
                    _("team {team} does not override {setting}").format(
                        team=isolate(team), setting=_(spec.label)
                    )
                )
        return SettingsChanged(self.load_settings())

    def add_team_member(
        self, team: str, login: str, *, admin: AdminSession, now: datetime
    ) -> SettingsChanged:
        """Put the database login ``login`` in the team (made if new), out of any other."""
        from collab_console.core.events import SettingsChanged
        from collab_console.store.pg_setup import validate_login

        self._admin(admin, now)
        team, login = _team_name(team), validate_login(login)
        with self._transaction(
            doing(N_("put {login} in team {team}"), login=isolate(login), team=isolate(team))
        ) as cursor:
            _require_colleague(cursor, login)
            cursor.execute("SELECT collab.lock_policy()")
            cursor.execute(
                "INSERT INTO collab.team (name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (team,)
            )
            cursor.execute(
                "INSERT INTO collab.team_member (login, team) VALUES (%s, %s)"
                " ON CONFLICT (login) DO UPDATE SET team = EXCLUDED.team,"
                " added_by = session_user, added_at = transaction_timestamp()",
                (login, team),
            )
        return SettingsChanged(self.load_settings())

    def remove_team_member(
        self, login: str, *, admin: AdminSession, now: datetime
    ) -> SettingsChanged:
        """Take ``login`` out of its team: the organisation's settings apply to it again."""
        from collab_console.core.events import SettingsChanged

        self._admin(admin, now)
        with self._transaction(
            doing(N_("take {login} out of their team"), login=isolate(login))
        ) as cursor:
            cursor.execute("SELECT collab.lock_policy()")
            cursor.execute("DELETE FROM collab.team_member WHERE login = %s", (login,))
            if cursor.rowcount == 0:
                raise NotFoundError(_("{login} is in no team").format(login=isolate(login)))
        return SettingsChanged(self.load_settings())

    def team_overrides(self) -> dict[str, dict[str, object]]:
        """Every team the login may see, with its overrides (parsed) by setting key."""
        with self._read(N_("read the teams")) as cursor:
            teams: dict[str, dict[str, object]] = {
                str(name): {} for (name,) in cursor.execute("SELECT name FROM collab.team")
            }
            for team, key, value in cursor.execute(
                "SELECT team, key, value FROM collab.team_setting ORDER BY team, key"
            ):
                spec = SPECS_BY_KEY.get(key)
                if spec is None or team not in teams:
                    raise StoreValueError(
                        _("a team overrides an unknown setting {key}").format(
                            key=isolate(repr(str(key)[:40]))
                        )
                    )
                teams[team][key] = _parsed(spec.key, value)
            return teams

    def team_members(self) -> dict[str, list[str]]:
        """The logins of every team the login may see (an admin: all), by team, sorted."""
        with self._read(N_("read the teams")) as cursor:
            members: dict[str, list[str]] = {
                _team_read_back(name): []
                for (name,) in cursor.execute("SELECT name FROM collab.team")
            }
            for login, team in cursor.execute(
                "SELECT login, team FROM collab.team_member ORDER BY team, login"
            ):
                if team in members:  # a membership of a team hidden from this login
                    members[team].append(_login(login))
            return members

    def _admin(self, admin: object, now: datetime) -> AdminSession:
        from collab_console.core.admins import require_admin

        session = require_admin(admin, now)
        if session.name != self.user:
            raise NotAllowedError(_only_own_login().format(login=isolate(self.user)))
        return session

    # -- the audit trail -------------------------------------------------------------------

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        from collab_console.core.audit import AuditQuery

        return self.audit_entries(AuditQuery(limit=limit))

    def audit_entries(self, query: AuditQuery) -> list[AuditEntry]:
        where, params = _audit_filter(query)
        order = "ASC" if query.oldest_first else "DESC"
        statement = f"SELECT {_AUDIT_COLUMNS} FROM collab.audit{where} ORDER BY seq {order}"
        if query.limit is not None:
            statement += " LIMIT %s"
            params.append(query.limit)
        with self._read(N_("read the audit trail")) as cursor:
            return [_audit_entry(row) for row in cursor.execute(statement, params)]

    def count_audit_entries(self, query: AuditQuery) -> int:
        where, params = _audit_filter(query)
        with self._read(N_("count the audit trail")) as cursor:
            row = cursor.execute(f"SELECT count(*) FROM collab.audit{where}", params).fetchone()
            return int(row[0]) if row else 0

    def verify_audit(self) -> AuditBreak | None:
        from collab_console.core.audit import verify_in_slices

        return verify_in_slices(self.verify_audit_slice, VERIFY_SLICE)

    def verify_audit_slice(self, after_seq: int, prev_hash: str, limit: int) -> AuditProgress:
        """Check the ``limit`` entries after ``after_seq``; at the end, the last number the
        database handed out (``audit_head``, read first) shows entries removed from it."""
        from collab_console.core.audit import verify_slice

        if limit < 1:
            raise ValidationError(_("a slice of the audit trail holds at least one entry"))
        with self._read(N_("check the audit trail")) as cursor:
            head = cursor.execute("SELECT seq FROM collab.audit_head").fetchone()
            rows = cursor.execute(
                f"SELECT {_AUDIT_COLUMNS} FROM collab.audit WHERE seq > %s ORDER BY seq LIMIT %s",
                (after_seq, limit),
            ).fetchall()
        progress = verify_slice(
            rows,
            after_seq=after_seq,
            prev_hash=prev_hash,
            at_end=len(rows) < limit,
            last_seq=int(head[0]) if head and isinstance(head[0], int) else None,
        )
        found = progress.found
        if found is None or found.row is None:
            return progress
        try:
            entry: AuditEntry | None = _audit_entry(tuple(found.row))
        except StoreValueError:
            entry = None
        return progress.replace(found=found.replace(entry=entry, row=None))

    # -- admins: the database's roles ------------------------------------------------------

    def database_admin(self) -> str | None:
        """This login's name when it is a member of ``collab_admin``, else None."""
        with self._read(N_("read the admins")) as cursor:
            row = cursor.execute(
                "SELECT pg_has_role(session_user, 'collab_admin', 'MEMBER')"
            ).fetchone()
        return self.user if row and row[0] is True else None

    def has_admins(self) -> bool:
        with self._read(N_("read the admins")) as cursor:
            row = cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_auth_members m"
                " JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = 'collab_admin')"
            ).fetchone()
        return bool(row and row[0] is True)

    def list_admins(self) -> list[AdminInfo]:
        """Every login in ``collab_admin``: when and by whom ``db add-user`` made it, or,
        for one made otherwise, when the schema was made and "the database"."""
        from collab_console.core.admins import AdminInfo

        with self._read(N_("read the admins")) as cursor:
            rows = cursor.execute(
                _ADMINS_SQL.format(
                    columns="r.rolname, a.added_at, a.added_by,"
                    " (SELECT min(applied_at) FROM collab.schema_version)"
                )
                + " ORDER BY r.rolname"
            ).fetchall()
        admins = []
        for name, added_at, added_by, schema_made in rows:
            when = zoned_datetime(
                added_at if added_at is not None else schema_made, "an admin's time"
            )
            admins.append(
                AdminInfo(
                    name=_login(name),
                    created_at=when,
                    created_by=_login(added_by) if added_by is not None else "the database",
                    changed_at=when,
                )
            )
        return admins

    def admin_credentials(self, name: str) -> tuple[str, str] | None:
        raise NotAllowedError(_(DATABASE_DECIDES))

    def add_admin(
        self, name: str, passphrase_hash: str, *, actor: str, by: AdminSession | None = None
    ) -> None:
        raise NotAllowedError(_(DATABASE_DECIDES))

    def remove_admin(self, name: str, *, by: AdminSession) -> str:
        raise NotAllowedError(_(DATABASE_DECIDES))

    def set_passphrase_hash(self, passphrase_hash: str, *, by: AdminSession) -> None:
        raise NotAllowedError(_(DATABASE_DECIDES))

    def unlock_failures(self, name_key: str) -> tuple[int, datetime | None]:
        raise NotAllowedError(_(DATABASE_DECIDES))

    def record_unlock(
        self,
        name_key: str,
        *,
        result: UnlockResult,
        admin: str | None,
        at: datetime,
        actor: str,
    ) -> int:
        raise NotAllowedError(_(DATABASE_DECIDES))

    # -- sessions --------------------------------------------------------------------------

    def list_sessions(self) -> list[SessionSummary]:
        """The sessions this login may see: active first, newest first within each state."""
        with self._read(N_("list the sessions")) as cursor:
            rows = cursor.execute(
                _SUMMARY_SQL + " ORDER BY s.state = 'ended', s.created_at DESC, s.session_id"
            ).fetchall()
        return [_summary_from(row) for row in rows]

    def _summary(self, cursor: Cursor[Any], session_id: str) -> SessionSummary:
        row = cursor.execute(_SUMMARY_SQL + " WHERE s.session_id = %s", (session_id,)).fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        return _summary_from(row)

    def get_session(self, session_id: str) -> Session:
        from collab_console.core.domain import restore_session

        with self._read(doing(N_("read session {id}"), id=isolate(session_id))) as cursor:
            head = cursor.execute(
                "SELECT session_id, state, created_at, ended_at, demo, agent"
                " FROM collab.session WHERE session_id = %s",
                (session_id,),
            ).fetchone()
            if head is None:
                raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
            people = cursor.execute(
                "SELECT name, access_id, contact FROM collab.participant"
                " WHERE session_id = %s ORDER BY position",
                (session_id,),
            ).fetchall()
            deliveries = newest_deliveries(cursor, session_id)
            sid, state, created_at, ended_at, demo, agent = head
            try:
                if not isinstance(demo, bool):
                    raise StoreValueError(_("its demo mark is not true or false"))
                return restore_session(
                    session_id=sid,
                    state=state,
                    created_at=zoned_datetime(created_at, _("its start time")),
                    ended_at=None
                    if ended_at is None
                    else zoned_datetime(ended_at, _("its end time")),
                    demo=int(demo),
                    agent=agent,
                    people=[(name, access_id, contact) for name, access_id, contact in people],
                    deliveries=deliveries,
                )
            except CollabConsoleError as exc:
                raise StoreValueError(
                    _("session {id}: {problem}").format(
                        id=isolate(session_id), problem=str(exc).rstrip(".")
                    )
                ) from None

    def start_session(
        self, *, customer_name: str, contact: str, now: datetime, actor: str
    ) -> tuple[Session, SessionStarted]:
        """Start a session of this login's with a fresh ID (the database's key decides) and
        queue its customer's first invitation, in one transaction.

        ``actor`` is the Protocol's: the session is the login's, whatever it says.
        """
        from collab_console.core.domain import build_session, new_session_id
        from collab_console.core.events import SessionStarted

        for _attempt in range(MAX_ID_ATTEMPTS):
            session = build_session(
                session_id=new_session_id(),
                customer_name=customer_name,
                contact=contact,
                created_at=now,
                agent=self.user,
            )
            customer = session.customer
            try:
                with self._transaction(N_("start a session")) as cursor:
                    self._insert_session(cursor, session)
                    invite = self._queue(
                        cursor,
                        session.session_id,
                        customer.access_id,
                        customer.contact,
                        resend=False,
                    )
            except IdTakenError:
                continue  # the ID was taken: draw another
            started = session.replace(deliveries={customer.access_id: invite})
            return started, SessionStarted(started.summary())
        raise StoreRefusedError(
            _("The database refused to start a session: no free Session ID found.")
        )

    def add_sessions(self, sessions: Iterable[Session], *, actor: str) -> list[SessionStarted]:
        """Add whole sessions with their people and, for the demo, their invitations as
        given; one without an agent is this login's (demo ones keep theirs)."""
        from collab_console.core.events import SessionStarted

        sessions = list(sessions)
        demo = bool(sessions) and all(s.demo for s in sessions)
        added = []
        with self._transaction(N_("add a session"), demo=demo) as cursor:
            for session in sessions:
                self._insert_session(cursor, session)
                _insert_deliveries(cursor, session.deliveries.values())
                added.append(SessionStarted(session.summary()))
        return added

    def _insert_session(self, cursor: Cursor[Any], session: Session) -> None:
        """The session's row and its people's; IdTakenError when an ID is somebody's."""
        try:
            cursor.execute(
                "INSERT INTO collab.session (session_id, agent, state, created_at, ended_at,"
                " demo) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    session.session_id,
                    session.agent or self.user,
                    session.state.value,
                    session.created_at,
                    session.ended_at,
                    session.demo,
                ),
            )
            cursor.executemany(
                "INSERT INTO collab.participant (session_id, access_id, position, name,"
                " contact) VALUES (%s, %s, %s, %s, %s)",
                [
                    (session.session_id, p.access_id, position, p.name, p.contact)
                    for position, p in enumerate(session.everyone)
                ],
            )
        except psycopg.errors.UniqueViolation as exc:
            if id_collision(exc):
                raise IdTakenError from None
            raise

    def end_session(self, session_id: str, at: datetime, *, actor: str) -> SessionEnded:
        """End the session (once; ending it again changes nothing). One this login may not
        see is not found: row-level security hides it."""
        from collab_console.core.events import SessionEnded

        with self._transaction(doing(N_("end session {id}"), id=isolate(session_id))) as cursor:
            cursor.execute(
                "UPDATE collab.session SET state = 'ended', ended_at = %s"
                " WHERE session_id = %s AND state = 'active'",
                (at, session_id),
            )
            return SessionEnded(self._summary(cursor, session_id))

    # -- sharing a session (organisation mode only; ``session share`` calls these) --------

    def share_session(self, session_id: str, login: str, *, kind: str = "supervisor") -> None:
        """Let ``login``, an agent or admin of the organisation, see and work on the session
        as its ``supervisor`` or ``co_agent`` (a second grant replaces the first).

        The server decides who may: the session's agent or an admin (else NotAllowedError);
        a login that is no agent or admin is NotFoundError, and so is a session nobody has.
        """
        from collab_console.store.pg_setup import validate_login

        login = validate_login(login)
        if kind not in SHARE_KINDS:
            raise ValidationError(
                _("a session is shared as one of {kinds}").format(
                    kinds=isolate(", ".join(SHARE_KINDS))
                )
            )
        with self._transaction(
            doing(
                N_("share session {id} with {login}"), id=isolate(session_id), login=isolate(login)
            )
        ) as cursor:
            _require_colleague(cursor, login)
            try:
                cursor.execute(
                    "SELECT collab.grant_session_access(%s, %s, %s)", (session_id, login, kind)
                )
            except psycopg.errors.ForeignKeyViolation:
                raise NotFoundError(_("no session {id}").format(id=isolate(session_id))) from None

    def unshare_session(self, session_id: str, login: str) -> None:
        """Take the access :meth:`share_session` gave ``login`` away again (NotFoundError when
        there was none; NotAllowedError from the server for anyone but the session's agent
        or an admin)."""
        with self._transaction(
            doing(
                N_("take {login}'s access to session {id} away"),
                login=isolate(login),
                id=isolate(session_id),
            )
        ) as cursor:
            row = cursor.execute(
                "SELECT collab.revoke_session_access(%s, %s)", (session_id, login)
            ).fetchone()
            if row is None or row[0] is not True:
                raise NotFoundError(
                    _("{login} had no access of their own to session {id}").format(
                        login=isolate(login), id=isolate(session_id)
                    )
                )

    def record_copy(self, record: CopyRecord) -> None:
        """An audit entry for a copy, in this login's name and role; never the value. Why a
        Session URL was copied for someone whose invitation did not fail is its new value."""
        with self._transaction(N_("record the copy")) as cursor:
            cursor.execute(
                "SELECT collab.append_audit('copy', %s, %s, %s, NULL, %s, NULL, %s, NULL)",
                (
                    record.session_id,
                    record.access_id,
                    record.action.value,
                    record.reason or None,
                    record.contact or None,
                ),
            )

    # -- changes made elsewhere ------------------------------------------------------------

    def event_socket(self) -> int | None:
        """The listening connection's socket, for a socket notifier (None once closed or
        lost)."""
        if self._listener is None or self._listener.closed or self._listener.broken:
            return None
        return self._listener.fileno()

    def poll_events(self) -> list[StoreEvent]:
        """What other connections changed since the last call, from ``collab_events``.

        Never blocks: one round trip on the listening connection collects what the
        server has sent. A payload only says where to look (anyone may NOTIFY): the
        settings and sessions are read afresh, and a session this login may not see
        yields nothing. A session shared with this login arrives as ``SessionStarted``
        (new to its list); one it lost access to as ``StoreResynced`` (no event says
        "gone": the list is read afresh). After the listening connection was lost and
        made again, changes may have been missed: ``StoreResynced`` and the settings
        come first, in the first poll that goes through (one that fails after hearing of
        changes owes it too: what it heard is lost with it).
        """
        if self._listen():
            self._resync_owed = True
        resynced = self._resync_owed
        heard, self._heard[:] = list(self._heard), []
        heard = [n for n in heard if n.pid not in self._own_pids and n.channel == EVENTS_CHANNEL]
        if not heard and not resynced:
            return []
        try:
            events = self._changes(heard, resynced=resynced)
        except BaseException:
            self._resync_owed = True
            raise
        self._resync_owed = False
        return events

    def _changes(self, heard: list[psycopg.Notify], *, resynced: bool) -> list[StoreEvent]:
        """The events of what was ``heard``, read afresh; everything when ``resynced``."""
        from collab_console.core.events import (
            InvitationsChanged,
            LinksChanged,
            LobbyChanged,
            ParticipantAdded,
            SessionEnded,
            SessionStarted,
            SettingsChanged,
            StoreResynced,
        )

        events: list[StoreEvent] = []
        settings_moved = resynced
        # A session taken out of this login's sight: no event says "gone", a resync does.
        lost_sight = False
        told: set[tuple[str, str, str | None]] = set()
        join_login = self._is_join_login()
        with self._read(N_("check for changes in the store")) as cursor:
            for note in heard:
                kind, session_id, grantee, access_id = _payload(note.payload)
                if kind == "settings":
                    settings_moved = True
                    continue
                if session_id is None or (kind, session_id, access_id) in told:
                    continue
                if kind == "participant" and access_id is None:
                    continue  # says nothing of whom
                if kind in _ACCESS_CHANGES and grantee != self.user:
                    continue  # whose sessions it changed: the grantee's, nobody else's
                try:
                    summary = self._summary(cursor, session_id)
                except NotFoundError:
                    lost_sight = lost_sight or kind == "session_unshared"
                    continue  # not this login's to see (any more)
                except StoreValueError:
                    continue  # not a session at all
                if kind == "session_shared":
                    told.add((kind, session_id, access_id))
                    events.append(SessionStarted(summary))  # new to this login's list
                elif kind == "session_started":
                    events.append(SessionStarted(summary))
                elif kind == "session_ended":
                    events.append(SessionEnded(summary))
                elif kind in ("links", "lobby", "invitations"):
                    told.add((kind, session_id, access_id))  # one per session says it all
                    if kind == "links":
                        events.append(LinksChanged(session_id))
                    elif kind == "lobby":
                        events.append(LobbyChanged(session_id))
                    else:
                        events.append(InvitationsChanged(session_id))
                elif (
                    kind == "participant"
                    and access_id is not None
                    and _is_person_of(cursor, session_id, access_id)
                ):
                    told.add((kind, session_id, access_id))
                    events.append(ParticipantAdded(session_id, access_id))
            if settings_moved:
                events.insert(0, SettingsChanged(_read_settings(cursor, join_login=join_login)))
        if resynced or lost_sight:
            events.insert(0, StoreResynced())
        return events

    def _listen(self) -> bool:
        """Collect what the listening connection was sent; True when it had to be made again."""
        listener = self._listener
        if listener is not None and not listener.closed and not listener.broken:
            try:
                listener.execute("SELECT 1")
                return False
            except psycopg.OperationalError:
                pass  # lost: make it again below
        if listener is not None:
            listener.close()
        self._listener = None
        try:
            fresh = connect(
                self._conninfo, self._password, self.location, self._secret, autocommit=True
            )
            fresh.execute(f"LISTEN {EVENTS_CHANNEL}")
        except psycopg.Error as exc:
            raise _unreachable(exc, self.location, self._secret, N_("listen for changes")) from None
        fresh.add_notify_handler(self._heard.append)
        self._heard.clear()
        self._listener = fresh
        # The listener is lost mostly when the server restarted or the network dropped,
        # and then the writing connection is lost too without knowing it yet (it finds
        # out when next used, and fails that call). Made again now, the read that
        # follows goes through, instead of failing and costing the caller a back-off.
        self._conn.close()
        return True


# -- connecting ----------------------------------------------------------------------------


def connect(
    conninfo: str, password: str | None, location: str, secret: str | None, *, autocommit: bool
) -> psycopg.Connection[Any]:
    """A connection as the store makes its own; its failure is one of the store's errors,
    worded with ``location`` and never showing ``secret`` (the CLI's ``db`` commands
    connect through this too)."""
    extra: dict[str, Any] = {
        "autocommit": autocommit,
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": "collab-console",
        "options": "-c TimeZone=UTC",
        **KEEPALIVES,
    }
    if password is not None:
        extra["password"] = password
    try:
        return psycopg.connect(conninfo, **extra)
    except psycopg.Error as exc:
        raise _unreachable(exc, location, secret, N_("connect")) from None


def _check_schema(conn: psycopg.Connection[Any], location: str, secret: str | None) -> str:
    """The login's name, once the schema is known to be there and of this version."""
    with conn.transaction():
        row = conn.execute(
            "SELECT session_user, to_regnamespace('collab') IS NOT NULL,"
            " has_schema_privilege('collab', 'USAGE')"
        ).fetchone()
        if row is None or not row[1]:
            raise StoreMissingError(
                _(
                    "The database {location} has no Collab Console schema: its owner runs "
                    "collab-console db init-org first."
                ).format(location=isolate(location))
            )
        user = str(row[0])
        if not row[2]:
            raise NotAllowedError(
                _(
                    "the database user {user} is not a Collab Console user: the database owner "
                    "adds it with collab-console db add-user"
                ).format(user=isolate(user))
            )
        readable = conn.execute(
            "SELECT has_table_privilege('collab.schema_version', 'SELECT')"
        ).fetchone()
        if readable and readable[0]:  # an auditor reads the audit trail and nothing else
            found = conn.execute("SELECT max(version) FROM collab.schema_version").fetchone()
            version = int(found[0]) if found and isinstance(found[0], int) else 0
            if version > SCHEMA_VERSION:
                raise StoreTooNewError(
                    _(
                        "The database {location} was set up by a newer Collab Console (schema "
                        "{version}, this version knows {known}). Update Collab Console."
                    ).format(location=isolate(location), version=version, known=SCHEMA_VERSION)
                )
            if version < SCHEMA_VERSION:
                raise StoreTooNewError(
                    _(
                        "The database {location} has an older Collab Console schema ({version}); "
                        "its owner runs collab-console db init-org to bring it up to date."
                    ).format(location=isolate(location), version=version)
                )
    return user


def _only_own_login() -> str:
    return _(
        "only an admin can change the settings, as their own database login (this one is {login})"
    )


def _describe(params: dict[str, Any]) -> str:
    """Where the database is, for messages: never the password."""
    user = _as_text(params.get("user")) or "(your login)"
    host = _as_text(params.get("host")) or "localhost"
    port = _as_text(params.get("port"))
    dbname = _as_text(params.get("dbname")) or user
    where = f"{host}:{port}" if port and not host.startswith("/") else host
    return f"{dbname} on {where} as {user}"


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


def _scrub(text: str, secret: str | None) -> str:
    text = " ".join(text.split())
    return text.replace(secret, "•••") if secret else text


def _reason(exc: psycopg.Error, secret: str | None) -> str:
    primary = exc.diag.message_primary if exc.diag else None
    text = primary or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return _scrub(str(text), secret).rstrip(".")


def _unreachable(exc: psycopg.Error, location: str, secret: str | None, doing: str) -> StoreError:
    """A connection that failed, in words: down, refused the login, or no such database."""
    text = _scrub(str(exc), secret)
    if "password authentication failed" in text or "no password supplied" in text:
        return StoreLoginRefusedError(
            _(
                "The database {location} refused the login: the password is wrong or missing "
                "(collab-console db login stores it)."
            ).format(location=isolate(location))
        )
    if "permission denied" in text or (
        "does not exist" in text and ("database" in text or "role" in text)
    ):
        return StoreUnreadableError(
            _("Could not {doing}: the database {location} refused the login ({reason}).").format(
                doing=shown_doing(doing), location=isolate(location), reason=_reason(exc, secret)
            )
        )
    return StoreUnavailableError(
        _(
            "Could not {doing}: the database {location} does not answer (the server is down or "
            "unreachable). Try again in a moment."
        ).format(doing=shown_doing(doing), location=isolate(location))
    )


def _translated(exc: psycopg.Error, doing: str, store: PostgresStore) -> CollabConsoleError:
    """What the server said, as the store's error; the connection's state is kept in mind."""
    secret = store._secret
    own_words = "at RAISE" in (exc.diag.context or "") if exc.diag else False
    reason = _reason(exc, secret)
    shown = shown_doing(doing)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        if own_words:  # the schema's words: in the reader's language where translated
            return NotAllowedError(_(reason) if reason else reason)
        return NotAllowedError(
            _("the database does not let {user} {doing} (only a member of {roles} may)").format(
                user=isolate(store.user), doing=shown, roles=_who_may(doing)
            )
        )
    if isinstance(exc, psycopg.errors.IntegrityError | psycopg.errors.RaiseException):
        words = reason if own_words else _rule_broken(exc)
        return StoreRefusedError(
            _("The database refused to {doing}: {rule}.").format(doing=shown, rule=words)
        )
    if isinstance(
        exc,
        psycopg.errors.SerializationFailure
        | psycopg.errors.DeadlockDetected
        | psycopg.errors.LockNotAvailable,
    ):
        return StoreLockedError(
            _(
                "Could not {doing}: the database {location} is busy with another change. "
                "Try again in a moment."
            ).format(doing=shown, location=isolate(store.location))
        )
    if isinstance(exc, psycopg.OperationalError) or store._conn.broken:
        return StoreUnavailableError(
            _(
                "Could not {doing}: the connection to the database {location} was lost; "
                "what was being saved may not have been. Collab Console reconnects on the next "
                "try."
            ).format(doing=shown, location=isolate(store.location))
        )
    return StoreDamagedError(
        _(
            "Could not {doing}: the database {location} answered what this version does not "
            "expect ({code}: {reason}); it was left as it is."
        ).format(
            doing=shown,
            location=isolate(store.location),
            code=exc.sqlstate or type(exc).__name__,
            reason=reason,
        )
    )


def _who_may(doing: str) -> str:
    """Who may do ``doing`` (read in its English words), for a refusal."""
    if "audit" in doing:
        first, second = GROUP_ROLES["admin"], GROUP_ROLES["auditor"]
    elif any(word in doing for word in ("settings", "team", "override")):
        return isolate(GROUP_ROLES["admin"])
    else:
        first, second = GROUP_ROLES["agent"], GROUP_ROLES["admin"]
    return _("{role} or {other_role}").format(role=isolate(first), other_role=isolate(second))


def _rule_broken(exc: psycopg.Error) -> str:
    """The rule an integrity error names, in words; never the SQL of a CHECK."""
    name = exc.diag.constraint_name if exc.diag else None
    for kind, words in (
        (psycopg.errors.UniqueViolation, N_("that value is taken")),
        (psycopg.errors.NotNullViolation, N_("a required value is missing")),
        (psycopg.errors.ForeignKeyViolation, N_("it refers to something that does not exist")),
        (psycopg.errors.CheckViolation, N_("a value is out of bounds")),
    ):
        if isinstance(exc, kind):
            if not name:
                return _(words)
            return _("{rule} ({constraint})").format(rule=_(words), constraint=isolate(name))
    return _("it breaks one of the database's rules")


# -- reading values back --------------------------------------------------------------------

_ADMINS_SQL = (
    "SELECT {columns} FROM pg_auth_members m"
    " JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = 'collab_admin'"
    " JOIN pg_roles r ON r.oid = m.member"
    " LEFT JOIN collab.account a ON a.name = r.rolname"
)


def _login(value: object) -> str:
    from collab_console.core.text import clean_name

    try:
        name = clean_name(value, what=_("a database login"), max_length=63)
    except CollabConsoleError:
        raise StoreValueError(_("a database login's name is malformed")) from None
    if name != value:
        raise StoreValueError(_("a database login's name is malformed"))
    return name


def _parsed(key: str, value: object) -> Any:
    try:
        return SPECS_BY_KEY[key].from_store(value)
    except (SettingsError, ValidationError) as exc:
        raise StoreValueError(str(exc).rstrip(".")) from None


def _read_settings(cursor: Cursor[Any], *, join_login: bool = False) -> CopySettings:
    """The settings in force for the login, every value checked.

    ``join_login``: read them through the join service's definer functions, as
    its login holds no right on the tables.
    """
    from collab_console.core.text import clean_name

    policy_source, settings_source = (
        ("collab.join_policy()", "collab.join_settings()")
        if join_login
        else ("collab.policy", "collab.effective_setting()")
    )
    version, updated_by, updated_at = settings_head(
        cursor.execute(f"SELECT version, updated_by, updated_at FROM {policy_source}").fetchone()
    )
    values: dict[str, Any] = {}
    acknowledgements: dict[str, Acknowledgement] = {}
    rows = cursor.execute(
        "SELECT key, kind, sensitive, value, acknowledged_by, acknowledged_at, warning_version"
        f" FROM {settings_source}"
    ).fetchall()
    for key, kind, sensitive, value, by, at, warning in rows:
        spec = declared_spec(key, kind, sensitive)
        values[spec.key] = _parsed(spec.key, value)
        if by is not None:
            try:
                acknowledgements[key] = Acknowledgement(
                    by=by,
                    at=zoned_datetime(at, _("an acknowledgement time")),
                    warning_version=warning,
                )
            except SettingsError as exc:
                raise StoreValueError(str(exc).rstrip(".")) from None
    require_every_setting(values)
    try:
        return CopySettings(
            values=values,
            acknowledgements=acknowledgements,
            version=version,
            updated_by=clean_name(updated_by, what=_("the name of who changed the settings")),
            updated_at=zoned_datetime(updated_at, _("the settings' change time")),
        )
    except (SettingsError, ValidationError) as exc:
        raise StoreValueError(str(exc).rstrip(".")) from None


def _write_settings(cursor: Cursor[Any], settings: CopySettings, current: CopySettings) -> None:
    """Each setting whose value or acknowledgement changed, with its acknowledgement, in one
    UPDATE (the row's CHECK holds a sensitive setting on only with one)."""
    for key in settings.changed_keys(current):
        spec = SPECS_BY_KEY[key]
        ack = settings.acknowledgements.get(key)
        cursor.execute(
            "UPDATE collab.setting SET value = %s, acknowledged_by = %s, acknowledged_at = %s,"
            " warning_version = %s WHERE key = %s",
            (
                spec.to_store(settings.values[key]),
                None if ack is None else ack.by,
                None if ack is None else ack.at,
                None if ack is None else ack.warning_version,
                key,
            ),
        )


def _pristine(cursor: Cursor[Any]) -> bool:
    row = cursor.execute("SELECT collab.is_pristine()").fetchone()
    return bool(row and row[0] is True)


def _stale_message(current: CopySettings) -> str:
    who = isolate(current.updated_by)
    if not current.updated_at:
        return _("{admin} changed these settings, after you opened them").format(admin=who)
    return _("{admin} changed these settings at {time} UTC, after you opened them").format(
        admin=who, time=isolate(f"{current.updated_at:%Y-%m-%d %H:%M}")
    )


def _team_name(name: object) -> str:
    import re

    if not isinstance(name, str) or not re.fullmatch(
        r"[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9])?", name.strip()
    ):
        raise ValidationError(
            _("a team's name is 1 to 64 ASCII letters, digits and spaces, with . _ - inside")
        )
    return name.strip()


def _team_read_back(name: object) -> str:
    try:
        team = _team_name(name)
    except ValidationError:
        raise StoreValueError(_("a team's name is malformed")) from None
    if team != name:
        raise StoreValueError(_("a team's name is malformed"))
    return team


def _summary_from(row: tuple[Any, ...]) -> SessionSummary:
    """A row of :data:`_SUMMARY_SQL`: the session, then its customer's newest invitation
    (all NULL when there is none)."""
    from collab_console.core.domain import (
        SessionState,
        SessionSummary,
        normalise_session_id,
        validate_name,
    )

    sid, name, state, created, demo = row[:5]
    invite = row[5:]
    try:
        if name is None:
            raise StoreValueError(_("it has no customer"))
        if not isinstance(demo, bool):
            raise StoreValueError(_("its demo mark is not true or false"))
        if normalise_session_id(sid) != sid:
            raise StoreValueError(_("its ID is not in its stored form"))
        return SessionSummary(
            session_id=sid,
            customer_name=validate_name(name),
            state=SessionState(state),
            invite=None if invite[0] is None else delivery_from(invite),
            created_at=zoned_datetime(created, _("its start time")),
            demo=demo,
        )
    except (ValueError, CollabConsoleError) as exc:
        raise StoreValueError(
            _("session {id}: {problem}").format(
                id=isolate(printable(str(sid)[:12])), problem=str(exc).rstrip(".")
            )
        ) from None


#: What ``collab_events`` says when a login is given a session or loses it (``pg_schema``).
_ACCESS_CHANGES = ("session_shared", "session_unshared")


def _insert_deliveries(cursor: Cursor[Any], deliveries: Iterable[Delivery]) -> None:
    """Invitations stored as given: the demo's (the database refuses anyone else's, whose
    invitations the store queues itself, dated by the server)."""
    rows = [
        (
            d.invitation_id,
            d.session_id,
            d.access_id,
            d.channel.value,
            d.recipient,
            d.state.value,
            d.queued_at,
            d.updated_at,
            d.queued_by,
            d.resend,
            d.attempts,
            d.reason,
            d.next_attempt_at,
            d.gateway_id,
            d.link_id or None,
        )
        for d in deliveries
    ]
    if rows:
        cursor.executemany(
            "INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel,"
            " recipient, state, queued_at, updated_at, queued_by, resend, attempts, reason,"
            " next_attempt_at, gateway_id, link_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def _require_colleague(cursor: Cursor[Any], login: str) -> None:
    """NotFoundError unless ``login`` is a login role of the organisation's agents or admins
    (a typo would otherwise name somebody nobody is)."""
    known = cursor.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = %s AND rolcanlogin"
        " AND (pg_has_role(oid, %s, 'MEMBER') OR pg_has_role(oid, %s, 'MEMBER'))",
        (login, GROUP_ROLES["agent"], GROUP_ROLES["admin"]),
    ).fetchone()
    if known is None:
        raise NotFoundError(
            _("{login} is no agent or admin of the organisation database").format(
                login=isolate(login)
            )
        )


def _is_person_of(cursor: Cursor[Any], session_id: str, access_id: str) -> bool:
    """Whether ``access_id`` is a person of the session (a payload's word is not enough)."""
    row = cursor.execute(
        "SELECT 1 FROM collab.participant WHERE session_id = %s AND access_id = %s",
        (session_id, access_id),
    ).fetchone()
    return row is not None


def _payload(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(kind, Session ID, grantee, own ID) of a ``collab_events`` payload; None for anything
    missing or malformed."""
    from collab_console.core.text import SESSION_ID_PATTERN

    try:
        data = json.loads(text)
    except ValueError:
        return None, None, None, None
    if not isinstance(data, dict):
        return None, None, None, None
    kind, session_id, grantee = data.get("kind"), data.get("session_id"), data.get("grantee")
    access_id = data.get("access_id")
    if not isinstance(kind, str):
        return None, None, None, None
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.fullmatch(session_id):
        session_id = None
    if not isinstance(access_id, str) or not SESSION_ID_PATTERN.fullmatch(access_id):
        access_id = None
    return kind, session_id, grantee if isinstance(grantee, str) else None, access_id


def _audit_filter(query: AuditQuery) -> tuple[str, list[object]]:
    """The WHERE clause (with its leading space, or empty) and parameters of ``query``."""
    clauses: list[str] = []
    params: list[object] = []
    if query.kinds is not None:
        clauses.append("kind = ANY(%s)")
        params.append(sorted(str(kind) for kind in query.kinds))
    if query.person and query.person.strip():
        clauses.append("lower(actor) = lower(%s)")
        params.append(query.person.strip())
    if query.since is not None:
        clauses.append("at >= %s")
        params.append(query.since)
    if query.until is not None:
        clauses.append("at < %s")
        params.append(query.until)
    if query.before_seq is not None:
        clauses.append("seq < %s")  # the primary key: a page costs the same however deep
        params.append(query.before_seq)
    if query.text and query.text.strip():
        wanted = query.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(
            "(" + " OR ".join(f"{c} ILIKE %s ESCAPE '\\'" for c in _AUDIT_TEXT_COLUMNS) + ")"
        )
        params += [f"%{wanted}%"] * len(_AUDIT_TEXT_COLUMNS)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _audit_entry(row: tuple[Any, ...]) -> AuditEntry:
    """A row of :data:`_AUDIT_COLUMNS` as an AuditEntry; a value it cannot be raises."""
    from collab_console.core.audit import ActorRole, AuditEntry, AuditKind

    seq, stamp, kind, actor, role, sid, pid, detail, old, new, version, contact, result, prev, h = (
        row
    )
    try:
        if not isinstance(stamp, str):
            raise ValueError(_("its time is not text"))
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            raise ValueError(_("its time has no zone"))
        return AuditEntry(
            seq,
            at,
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
            stamp,
        )
    except ValueError as exc:
        raise StoreValueError(
            _("audit entry {number}: {problem}").format(number=seq, problem=exc)
        ) from None
