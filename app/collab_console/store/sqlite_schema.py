"""The embedded store's schema: migrations, each one step, never edited once released.

The rules live in the database, so they hold whoever writes to the file with
whatever tool: CHECK constraints and triggers refuse what breaks them
(including REPLACE, UPSERT and INSERT OR REPLACE, which SQLite runs without
the delete triggers), and triggers write the audit trail and the change log
that other processes read their events from. ``SqliteStore`` compares the
file's schema with the one these migrations make in memory
(:func:`expected_schema`, about 4 ms), so a removed rule is seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache

_ON_OFF = "CASE {v} WHEN 1 THEN 'on' ELSE 'off' END"
#: Who made a change: the app names itself in ``writer`` for its own transactions.
_WRITER = "coalesce((SELECT name FROM writer WHERE id = 1), 'unknown (outside Collab Console)')"
_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"


def _refuse(message: str) -> str:
    return "BEGIN SELECT RAISE(ABORT, '" + message.replace("'", "''") + "'); END"


def _settings_moved(subject: str) -> str:
    """The statements that follow any change of the settings, inside a trigger."""
    return f"""
            UPDATE policy SET version = version + 1, updated_by = {_WRITER}, updated_at = {_NOW}
            WHERE id = 1;
            INSERT INTO change_log (kind, subject) VALUES ('settings', {subject});"""


_V1 = (
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
)

# Version 2: settings as one row per declared setting (a new setting is one
# INSERT in a later migration), a version for compare-and-swap, one audit
# trail written by triggers with the store's own clock, a change log for
# events, and rules that REPLACE and UPSERT cannot get past.
_V2 = (
    """
    CREATE TABLE writer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0)
    ) STRICT
    """,
    """
    CREATE TABLE policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL CHECK (version >= 1),
        updated_by TEXT NOT NULL CHECK (length(trim(updated_by)) > 0),
        updated_at TEXT NOT NULL
    ) STRICT
    """,
    """
    CREATE TABLE setting (
        key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
        kind TEXT NOT NULL CHECK (kind IN ('bool', 'text', 'int')),
        sensitive INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
        value TEXT NOT NULL CHECK (length(value) <= 1000),
        CHECK (kind <> 'bool' OR value IN ('on', 'off')),
        CHECK (sensitive = 0 OR kind = 'bool')
    ) STRICT, WITHOUT ROWID
    """,
    """
    CREATE TABLE acknowledgement (
        key TEXT PRIMARY KEY REFERENCES setting (key),
        acknowledged_by TEXT NOT NULL CHECK (length(trim(acknowledged_by)) > 0),
        acknowledged_at TEXT NOT NULL,
        warning_version INTEGER NOT NULL CHECK (warning_version >= 1)
    ) STRICT, WITHOUT ROWID
    """,
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
        actor TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('setting', 'acknowledgement', 'session_started',
                                           'session_ended', 'copy')),
        subject TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT
    ) STRICT
    """,
    """
    CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('settings', 'session_started', 'session_ended')),
        subject TEXT NOT NULL
    ) STRICT
    """,
    # -- carry version 1's data over
    """
    INSERT INTO policy (id, version, updated_by, updated_at)
    SELECT 1, 1, updated_by, updated_at FROM settings
    """,
    f"""
    INSERT INTO setting (key, kind, sensitive, value)
    SELECT 'copy_session_id', 'bool', 0, {_ON_OFF.format(v="copy_session_id")} FROM settings
    UNION ALL
    SELECT 'copy_session_url', 'bool', 1, {_ON_OFF.format(v="copy_session_url")} FROM settings
    UNION ALL
    SELECT 'session_url_base', 'text', 0, session_url_base FROM settings
    """,
    """
    INSERT INTO acknowledgement (key, acknowledged_by, acknowledged_at, warning_version)
    SELECT 'copy_session_url', url_ack_by, url_ack_at, url_ack_warning_version
    FROM settings WHERE copy_session_url = 1
    """,
    """
    INSERT INTO audit (at, actor, kind, subject, old_value, new_value)
    SELECT changed_at, changed_by,
           CASE setting WHEN 'url_warning_acknowledged' THEN 'acknowledgement' ELSE 'setting' END,
           CASE setting WHEN 'url_warning_acknowledged' THEN 'copy_session_url' ELSE setting END,
           old_value, new_value
    FROM settings_audit ORDER BY id
    """,
    "DROP TRIGGER settings_changes_recorded",
    "DROP TRIGGER settings_audit_no_update",
    "DROP TRIGGER settings_audit_no_delete",
    "DROP TRIGGER settings_row_kept",
    "DROP TRIGGER ended_sessions_stay_ended",
    "DROP TABLE settings_audit",
    "DROP TABLE settings",
    "ALTER TABLE sessions ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1))",
    # -- the settings' rules
    f"""
    CREATE TRIGGER policy_row_kept BEFORE DELETE ON policy
    {_refuse("the settings cannot be deleted")}
    """,
    f"""
    CREATE TRIGGER policy_not_replaced BEFORE INSERT ON policy
    {_refuse("the settings cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER policy_version_steps BEFORE UPDATE ON policy
    WHEN NEW.id IS NOT OLD.id OR NEW.version IS NOT OLD.version + 1
    {_refuse("the settings version moves forward one step per change")}
    """,
    f"""
    CREATE TRIGGER setting_rows_kept BEFORE DELETE ON setting
    {_refuse("a setting cannot be deleted")}
    """,
    f"""
    CREATE TRIGGER setting_not_replaced BEFORE INSERT ON setting
    WHEN EXISTS (SELECT 1 FROM setting WHERE key = NEW.key)
    {_refuse("a setting cannot be replaced, only changed")}
    """,
    f"""
    CREATE TRIGGER sensitive_setting_starts_off BEFORE INSERT ON setting
    WHEN NEW.sensitive = 1 AND NEW.value <> 'off'
    {_refuse("a sensitive setting starts off")}
    """,
    f"""
    CREATE TRIGGER setting_declaration_kept BEFORE UPDATE OF key, kind, sensitive ON setting
    {_refuse("the name, kind and sensitivity of a setting cannot change")}
    """,
    f"""
    CREATE TRIGGER sensitive_setting_needs_acknowledgement BEFORE UPDATE OF value ON setting
    WHEN NEW.sensitive = 1 AND NEW.value <> 'off'
        AND NOT EXISTS (SELECT 1 FROM acknowledgement WHERE key = NEW.key)
    {_refuse("a sensitive setting cannot be turned on without an acknowledged warning")}
    """,
    f"""
    CREATE TRIGGER setting_changes_recorded AFTER UPDATE OF value ON setting
    WHEN OLD.value IS NOT NEW.value
    BEGIN
        INSERT INTO audit (actor, kind, subject, old_value, new_value)
        VALUES ({_WRITER}, 'setting', NEW.key, OLD.value, NEW.value);
        DELETE FROM acknowledgement WHERE key = NEW.key AND NEW.value = 'off';
        {_settings_moved("NEW.key")}
    END
    """,
    f"""
    CREATE TRIGGER acknowledgement_not_replaced BEFORE INSERT ON acknowledgement
    WHEN EXISTS (SELECT 1 FROM acknowledgement WHERE key = NEW.key)
    {_refuse("an acknowledgement cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_only_for_sensitive BEFORE INSERT ON acknowledgement
    WHEN NOT EXISTS (SELECT 1 FROM setting WHERE key = NEW.key AND sensitive = 1)
    {_refuse("only a sensitive setting takes an acknowledgement")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_key_kept BEFORE UPDATE OF key ON acknowledgement
    {_refuse("an acknowledgement cannot move to another setting")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_kept_while_on BEFORE DELETE ON acknowledgement
    WHEN (SELECT value FROM setting WHERE key = OLD.key) IS NOT 'off'
    {_refuse("the acknowledgement of a setting that is on cannot be removed")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_recorded AFTER INSERT ON acknowledgement
    BEGIN
        INSERT INTO audit (actor, kind, subject, old_value, new_value)
        VALUES ({_WRITER}, 'acknowledgement', NEW.key, NULL,
                NEW.acknowledged_by || ' at ' || NEW.acknowledged_at
                    || ' (warning v' || NEW.warning_version || ')');
        {_settings_moved("NEW.key")}
    END
    """,
    f"""
    CREATE TRIGGER acknowledgement_changes_recorded AFTER UPDATE ON acknowledgement
    BEGIN
        INSERT INTO audit (actor, kind, subject, old_value, new_value)
        VALUES ({_WRITER}, 'acknowledgement', NEW.key,
                OLD.acknowledged_by || ' at ' || OLD.acknowledged_at
                    || ' (warning v' || OLD.warning_version || ')',
                NEW.acknowledged_by || ' at ' || NEW.acknowledged_at
                    || ' (warning v' || NEW.warning_version || ')');
        {_settings_moved("NEW.key")}
    END
    """,
    # -- the audit trail's rules
    f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    {_refuse("the audit trail is append-only")}
    """,
    f"""
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    {_refuse("the audit trail is append-only")}
    """,
    f"""
    CREATE TRIGGER audit_not_replaced BEFORE INSERT ON audit
    WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
    {_refuse("the audit trail is append-only")}
    """,
    f"""
    CREATE TRIGGER audit_time_from_store BEFORE INSERT ON audit
    WHEN NEW.at IS NOT {_NOW}
    {_refuse("the store sets the time of an audit entry itself")}
    """,
    # -- the sessions' rules
    f"""
    CREATE TRIGGER sessions_not_replaced BEFORE INSERT ON sessions
    WHEN EXISTS (SELECT 1 FROM sessions WHERE session_id = NEW.session_id OR id = NEW.id)
    {_refuse("that Session ID is taken")}
    """,
    f"""
    CREATE TRIGGER sessions_kept BEFORE DELETE ON sessions
    {_refuse("a session cannot be deleted")}
    """,
    f"""
    CREATE TRIGGER session_identity_kept
    BEFORE UPDATE OF id, session_id, created_at, demo ON sessions
    {_refuse("a session's ID, start time and demo mark cannot change")}
    """,
    f"""
    CREATE TRIGGER ended_sessions_stay_ended BEFORE UPDATE ON sessions
    WHEN OLD.state = 'ended'
    {_refuse("an ended session cannot be reopened or changed")}
    """,
    f"""
    CREATE TRIGGER session_started_recorded AFTER INSERT ON sessions
    BEGIN
        INSERT INTO audit (actor, kind, subject, old_value, new_value)
        VALUES ({_WRITER}, 'session_started', NEW.session_id, NULL, NEW.state);
        INSERT INTO change_log (kind, subject) VALUES ('session_started', NEW.session_id);
    END
    """,
    f"""
    CREATE TRIGGER session_ended_recorded AFTER UPDATE OF state ON sessions
    WHEN OLD.state = 'active' AND NEW.state = 'ended'
    BEGIN
        INSERT INTO audit (actor, kind, subject, old_value, new_value)
        VALUES ({_WRITER}, 'session_ended', NEW.session_id, 'active', 'ended');
        INSERT INTO change_log (kind, subject) VALUES ('session_ended', NEW.session_id);
    END
    """,
    f"""
    CREATE TRIGGER participants_not_replaced BEFORE INSERT ON participants
    WHEN EXISTS (SELECT 1 FROM participants
                 WHERE (session = NEW.session AND position = NEW.position)
                    OR access_id = NEW.access_id)
    {_refuse("a participant cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER participants_fixed BEFORE UPDATE ON participants
    {_refuse("a participant's details cannot be changed")}
    """,
    f"""
    CREATE TRIGGER participants_kept BEFORE DELETE ON participants
    {_refuse("a participant cannot be removed")}
    """,
)

# Version 3: the privacy screen's admin default, added as the README says a
# setting is added: one declaration and this row.
_V3 = (
    """
    INSERT INTO setting (key, kind, sensitive, value)
    VALUES ('mask_sensitive_data', 'bool', 0, 'off')
    """,
)

# Version 4: how long a copied Session URL stays on the clipboard (issue 9).
_V4 = (
    """
    INSERT INTO setting (key, kind, sensitive, value)
    VALUES ('clipboard_clear_seconds', 'int', 0, '30')
    """,
)

# Version 5 (issue 9): admins, and one audit trail for everything an audit needs.
#
# * ``admin`` holds each admin's name and passphrase hash (``core/admins.py`` makes
#   it); ``unlock_failure`` counts failed unlock attempts per name (under a hash of
#   the name as typed), so a restart does not reset them.
# * ``writer`` says in which role the app writes: a settings, acknowledgement or
#   admin write whose writer is not an existing admin is refused (``demo`` may set
#   the first settings of a store with no admin and no session).
# * ``audit`` is rebuilt with a column per fact (who and in which role, session and
#   person, which detail, old and new, warning version, masked contact, result),
#   numbered without gaps and chained: each entry holds the SHA-256 of its content
#   and of the entry before (``core/audit.py``). Entries are added through the
#   ``audit_append`` view only, which numbers and dates them, names the writer
#   (whatever the inserter claims), masks the contact and chains them; the table
#   refuses anything else. Version 4's entries are carried over, in order,
#   keeping their times, and chained.
#
# The hash and the masking are the app's SQL functions (:func:`install_functions`):
# a tool without them cannot write anything the audit records.

_MASK = "\u2022"
_ROLE = "coalesce((SELECT role FROM writer WHERE id = 1), 'outside')"
_WRITER_NAME = "(SELECT name FROM writer WHERE id = 1)"
#: The next entry's number: one past the last entry, and past any number ever handed out
#: (``sqlite_sequence``, which SQLite updates only at the end of a statement), so an
#: entry removed from the end leaves a gap that ``audit verify`` reports.
_NEXT_SEQ = (
    "max(coalesce((SELECT max(id) FROM audit), 0),"
    " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0)) + 1"
)
_LAST_HASH = "coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '" + "0" * 64 + "')"
_IS_ADMIN = (
    "EXISTS (SELECT 1 FROM writer w JOIN admin a ON a.name = w.name"
    " WHERE w.id = 1 AND w.role = 'admin')"
)
#: Who may change the settings: an admin, or the demo filling an unused store.
_MAY_SET = (
    f"({_IS_ADMIN} OR (EXISTS (SELECT 1 FROM writer WHERE id = 1 AND role = 'demo')"
    " AND NOT EXISTS (SELECT 1 FROM admin) AND NOT EXISTS (SELECT 1 FROM sessions)))"
)
#: The columns of ``audit_append``: what a writer gives (the view ignores an actor and
#: role given, and takes the writer's) and what version 4's entries carry over.
_APPENDED = (
    "kind, actor, actor_role, session_id, participant_id, detail,"
    " old_value, new_value, warning_version, contact, result"
)
#: Version 5's vocabulary, frozen: its migration must make the same schema forever.
_V5_AUDIT_KINDS = (
    "setting",
    "acknowledgement",
    "session_started",
    "session_ended",
    "copy",
    "unlock",
    "admin_added",
    "admin_removed",
    "passphrase_changed",
)
_V5_ACTOR_ROLES = ("agent", "admin", "demo", "outside", "unknown")
#: Version 6's vocabulary, frozen as version 5's is.
_V6_AUDIT_KINDS = (
    *_V5_AUDIT_KINDS,
    "link_made",
    "link_revoked",
    "link_limit",
    "join",
    "join_request",
    "join_decision",
    "lobby_lock",
    "participant_id_changed",
)
#: What the audit's ``kind`` may be now: ``core.audit.AuditKind`` but the kinds only the
#: organisation's store records (a test keeps the two equal).
AUDIT_KINDS = (
    *_V6_AUDIT_KINDS,
    "participant_added",
    "invitation_queued",
    "invitation_sent",
    "invitation_failed",
    "invitation_delivered",
)
#: ``core.audit.ActorRole``; ``visitor``: a browser on the join service (the actor is its address).
ACTOR_ROLES = (*_V5_ACTOR_ROLES, "visitor")
#: ``core.audit.UnlockResult``.
UNLOCK_RESULTS = ("ok", "wrong_passphrase", "too_soon")
#: ``core.links.RedeemResult``: what a click on *Join* did.
JOIN_RESULTS = ("joined", "rejoined", "lobby", "refused")
#: ``core.lobby.RequestState``: a request put to the agent, and the agent's decision.
REQUEST_RESULTS = ("waiting", "admitted", "denied")
#: ``core.lobby.LobbyRefusal``: a request not put to the agent.
LOBBY_REFUSALS = ("rate_limited", "locked", "unknown_id", "ended")
#: ``core.audit.INVITATION_RESULTS``: what one try to send an invitation did.
INVITATION_RESULTS = ("sent", "delivered", "retry", "failed")
_V6_AUDIT_RESULTS = (*UNLOCK_RESULTS, *JOIN_RESULTS, *REQUEST_RESULTS, *LOBBY_REFUSALS)
#: Every value an audit entry's ``result`` may hold.
AUDIT_RESULTS = (*_V6_AUDIT_RESULTS, *INVITATION_RESULTS)
#: What the SQL function ``collab_audit_hash`` takes after the previous hash, in order:
#: ``core.audit.HASHED_FIELDS`` (a test keeps the two equal).
HASHED_COLUMNS = (
    "id",
    "at",
    "kind",
    "actor",
    "actor_role",
    "session_id",
    "participant_id",
    "detail",
    "old_value",
    "new_value",
    "warning_version",
    "contact",
    "result",
)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _hash_of(prefix: str, prev: str, seq: str, at: str, contact: str) -> str:
    """``collab_audit_hash(...)`` over the columns of ``prefix`` (``NEW.``) with these overrides."""
    given = {"id": seq, "at": at, "contact": contact}
    args = [given.get(column, f"{prefix}{column}") for column in HASHED_COLUMNS]
    return f"collab_audit_hash({prev}, {', '.join(args)})"


def _appended_by(at: str, actor: str, role: str) -> str:
    """The INSTEAD OF INSERT body of ``audit_append``: number, date, name, mask and chain.

    ``at``, ``actor`` and ``role`` are SQL: the store's clock and the
    transaction's writer, except when version 4's entries are carried over.
    """
    given = {"id": "seq", "at": "at", "actor": "actor", "actor_role": "role", "contact": "contact"}
    values = [given.get(column, f"NEW.{column}") for column in HASHED_COLUMNS]
    return f"""
    BEGIN
        INSERT INTO audit ({", ".join(HASHED_COLUMNS)}, prev_hash, hash)
        SELECT {", ".join(values)}, prev, collab_audit_hash(prev, {", ".join(values)})
        FROM (SELECT {_NEXT_SEQ} AS seq, {at} AS at, {actor} AS actor, {role} AS role,
                     {_LAST_HASH} AS prev,
                     nullif(collab_mask_contact(NEW.contact), '') AS contact);
    END"""


def _audit(kind: str, **columns: str) -> str:
    """An INSERT of one audit entry of ``kind`` (by the writer), inside a trigger."""
    given = {"kind": f"'{kind}'", **columns}
    return f"INSERT INTO audit_append ({', '.join(given)}) VALUES ({', '.join(given.values())});"


_TEXT = "{c} TEXT CHECK ({c} IS NULL OR length({c}) BETWEEN 1 AND {n})"


def _audit_table(kinds: tuple[str, ...], roles: tuple[str, ...], results: tuple[str, ...]) -> str:
    """The audit table with ``kinds``, ``roles`` and ``results`` as its vocabulary."""
    return f"""
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL CHECK (length(at) BETWEEN 20 AND 40),
        kind TEXT NOT NULL CHECK (kind IN ({_sql_list(kinds)})),
        actor TEXT NOT NULL CHECK (length(trim(actor)) BETWEEN 1 AND 200),
        actor_role TEXT NOT NULL CHECK (actor_role IN ({_sql_list(roles)})),
        session_id TEXT CHECK (session_id IS NULL OR length(session_id) = 9),
        participant_id TEXT
            CHECK (participant_id IS NULL OR length(participant_id) BETWEEN 9 AND 24),
        {_TEXT.format(c="detail", n=200)},
        {_TEXT.format(c="old_value", n=1000)},
        {_TEXT.format(c="new_value", n=1000)},
        warning_version INTEGER CHECK (warning_version IS NULL OR warning_version >= 1),
        contact TEXT CHECK (
            contact IS NULL OR (length(contact) BETWEEN 1 AND 300 AND instr(contact, '{_MASK}') > 0)
        ),
        result TEXT CHECK (result IS NULL OR result IN ({_sql_list(results)})),
        prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash TEXT NOT NULL CHECK (length(hash) = 64)
    ) STRICT
    """


def _setting_changes_recorded(old: str, new: str) -> str:
    """The trigger that audits a setting's change, with ``old`` and ``new`` (SQL) as its
    entry's old and new values."""
    return f"""
    CREATE TRIGGER setting_changes_recorded AFTER UPDATE OF value ON setting
    WHEN OLD.value IS NOT NEW.value
    BEGIN
        {
        _audit(
            "setting",
            detail="NEW.key",
            old_value=old,
            new_value=new,
            warning_version="CASE WHEN NEW.sensitive = 1 AND NEW.value = 'on' THEN"
            " (SELECT warning_version FROM acknowledgement WHERE key = NEW.key) END",
        )
    }
        DELETE FROM acknowledgement WHERE key = NEW.key AND NEW.value = 'off';
        {_settings_moved("NEW.key")}
    END
    """


#: How the audit table is written and guarded, made by version 5 and made again, the
#: same, by version 6 when it rebuilds the table (dropping a table drops its triggers).
_AUDIT_RULES = (
    f"""
    CREATE TRIGGER audit_appended INSTEAD OF INSERT ON audit_append
    {_appended_by(_NOW, _WRITER, _ROLE)}
    """,
    f"""
    CREATE TRIGGER audit_entry_chained BEFORE INSERT ON audit
    WHEN NEW.id IS NOT {_NEXT_SEQ}
        OR NEW.at IS NOT {_NOW}
        OR NEW.prev_hash IS NOT {_LAST_HASH}
        OR NEW.hash IS NOT {_hash_of("NEW.", "NEW.prev_hash", "NEW.id", "NEW.at", "NEW.contact")}
    {_refuse("an audit entry is added by the store only: numbered, dated and chained")}
    """,
    f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    {_refuse("the audit trail is append-only")}
    """,
    f"""
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    {_refuse("the audit trail is append-only")}
    """,
    "CREATE INDEX audit_by_kind ON audit (kind, id)",
    "CREATE INDEX audit_by_actor ON audit (actor COLLATE NOCASE, id)",
    "CREATE INDEX audit_by_time ON audit (at, id)",
)

_V5 = (
    # -- who writes, in which role
    "ALTER TABLE writer ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'"
    " CHECK (role IN ('agent', 'admin', 'demo'))",
    """
    CREATE TABLE admin (
        name TEXT PRIMARY KEY COLLATE NOCASE
            CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^A-Za-z0-9._@-]*'),
        passphrase_hash TEXT NOT NULL
            CHECK (substr(passphrase_hash, 1, 7) = 'scrypt$' AND length(passphrase_hash) <= 300),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL CHECK (length(trim(created_by)) > 0),
        changed_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID
    """,
    """
    CREATE TABLE unlock_failure (
        name_key TEXT PRIMARY KEY CHECK (length(name_key) = 64),
        failures INTEGER NOT NULL CHECK (failures >= 1),
        last_failure_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID
    """,
    # -- the audit trail, rebuilt and chained
    "DROP TRIGGER setting_changes_recorded",
    "DROP TRIGGER acknowledgement_recorded",
    "DROP TRIGGER acknowledgement_changes_recorded",
    "DROP TRIGGER session_started_recorded",
    "DROP TRIGGER session_ended_recorded",
    "DROP TRIGGER audit_no_update",
    "DROP TRIGGER audit_no_delete",
    "DROP TRIGGER audit_not_replaced",
    "DROP TRIGGER audit_time_from_store",
    "ALTER TABLE audit RENAME TO audit_v4",
    _audit_table(_V5_AUDIT_KINDS, _V5_ACTOR_ROLES, UNLOCK_RESULTS),
    f"CREATE VIEW audit_append AS SELECT at, {_APPENDED} FROM audit WHERE 0",
    # Version 4's entries keep their own times: a trigger for this step only.
    f"""
    CREATE TRIGGER audit_carried_over INSTEAD OF INSERT ON audit_append
    {_appended_by("NEW.at", "NEW.actor", "NEW.actor_role")}
    """,
    f"""
    INSERT INTO audit_append (at, {_APPENDED})
    SELECT coalesce(strftime('%Y-%m-%dT%H:%M:%f+00:00', at), at),
           kind,
           actor,
           CASE actor WHEN 'unknown (outside Collab Console)' THEN 'outside'
                      WHEN 'demo' THEN 'demo' ELSE 'unknown' END,
           CASE WHEN kind IN ('session_started', 'session_ended', 'copy')
                THEN substr(subject, 1, 9) END,
           CASE WHEN kind = 'copy' THEN
                CASE WHEN instr(subject, ' / ') > 0
                     THEN substr(subject, instr(subject, ' / ') + 3) ELSE subject END END,
           CASE WHEN kind IN ('setting', 'acknowledgement') THEN subject
                WHEN kind = 'copy' THEN nullif(new_value, '') END,
           CASE WHEN kind <> 'copy' THEN nullif(old_value, '') END,
           CASE WHEN kind <> 'copy' THEN nullif(new_value, '') END,
           CASE WHEN kind = 'acknowledgement' AND instr(new_value, '(warning v') > 0
                THEN CAST(substr(new_value, instr(new_value, '(warning v') + 10) AS INTEGER) END,
           NULL,
           NULL
    FROM audit_v4 ORDER BY id
    """,
    "DROP TRIGGER audit_carried_over",
    "DROP TABLE audit_v4",
    *_AUDIT_RULES,
    # -- what writes the audit trail
    _setting_changes_recorded("OLD.value", "NEW.value"),
    f"""
    CREATE TRIGGER acknowledgement_recorded AFTER INSERT ON acknowledgement
    BEGIN
        {
        _audit(
            "acknowledgement",
            detail="NEW.key",
            new_value="NEW.acknowledged_by || ' at ' || NEW.acknowledged_at"
            " || ' (warning v' || NEW.warning_version || ')'",
            warning_version="NEW.warning_version",
        )
    }
        {_settings_moved("NEW.key")}
    END
    """,
    f"""
    CREATE TRIGGER acknowledgement_changes_recorded AFTER UPDATE ON acknowledgement
    BEGIN
        {
        _audit(
            "acknowledgement",
            detail="NEW.key",
            old_value="OLD.acknowledged_by || ' at ' || OLD.acknowledged_at"
            " || ' (warning v' || OLD.warning_version || ')'",
            new_value="NEW.acknowledged_by || ' at ' || NEW.acknowledged_at"
            " || ' (warning v' || NEW.warning_version || ')'",
            warning_version="NEW.warning_version",
        )
    }
        {_settings_moved("NEW.key")}
    END
    """,
    """
    CREATE TRIGGER session_started_recorded AFTER INSERT ON sessions
    BEGIN
        INSERT INTO change_log (kind, subject) VALUES ('session_started', NEW.session_id);
    END
    """,
    """
    CREATE TRIGGER session_start_audited AFTER INSERT ON participants
    WHEN NEW.position = 0
    BEGIN
        INSERT INTO audit_append (kind, session_id, participant_id, new_value, contact)
        SELECT 'session_started', s.session_id, NEW.access_id, s.state, nullif(NEW.contact, '')
        FROM sessions s WHERE s.id = NEW.session;
    END
    """,
    f"""
    CREATE TRIGGER session_ended_recorded AFTER UPDATE OF state ON sessions
    WHEN OLD.state = 'active' AND NEW.state = 'ended'
    BEGIN
        {
        _audit(
            "session_ended",
            session_id="NEW.session_id",
            old_value="'active'",
            new_value="'ended'",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('session_ended', NEW.session_id);
    END
    """,
    # -- only an admin changes the settings
    f"""
    CREATE TRIGGER writer_admin_is_an_admin BEFORE INSERT ON writer
    WHEN NEW.role = 'admin' AND NOT EXISTS (SELECT 1 FROM admin WHERE name = NEW.name)
    {_refuse("only an admin can write as one")}
    """,
    f"""
    CREATE TRIGGER writer_kept BEFORE UPDATE ON writer
    {_refuse("the writer of a change cannot be changed")}
    """,
    f"""
    CREATE TRIGGER setting_changed_by_an_admin BEFORE UPDATE OF value ON setting
    WHEN NOT {_MAY_SET}
    {_refuse("only an admin can change the settings")}
    """,
    f"""
    CREATE TRIGGER policy_changed_by_an_admin BEFORE UPDATE ON policy
    WHEN NOT {_MAY_SET}
    {_refuse("only an admin can change the settings")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_given_by_an_admin BEFORE INSERT ON acknowledgement
    WHEN NOT {_MAY_SET} OR NEW.acknowledged_by IS NOT {_WRITER_NAME}
    {_refuse("only an admin can acknowledge a warning, in their own name")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_changed_by_an_admin BEFORE UPDATE ON acknowledgement
    WHEN NOT {_MAY_SET} OR NEW.acknowledged_by IS NOT {_WRITER_NAME}
    {_refuse("only an admin can acknowledge a warning, in their own name")}
    """,
    f"""
    CREATE TRIGGER acknowledgement_removed_by_an_admin BEFORE DELETE ON acknowledgement
    WHEN NOT {_MAY_SET}
    {_refuse("only an admin can change the settings")}
    """,
    # -- the admins' rules
    f"""
    CREATE TRIGGER admin_not_replaced BEFORE INSERT ON admin
    WHEN EXISTS (SELECT 1 FROM admin WHERE name = NEW.name)
    {_refuse("there is already an admin of that name")}
    """,
    f"""
    CREATE TRIGGER admin_added_by_an_admin BEFORE INSERT ON admin
    WHEN EXISTS (SELECT 1 FROM admin) AND NOT {_IS_ADMIN}
    {_refuse("only an admin can add an admin")}
    """,
    f"""
    CREATE TRIGGER admin_dated_by_the_store BEFORE INSERT ON admin
    WHEN NEW.created_at IS NOT {_NOW} OR NEW.changed_at IS NOT {_NOW}
        OR NEW.created_by IS NOT {_WRITER}
    {_refuse("the store records who added an admin, and when")}
    """,
    f"""
    CREATE TRIGGER admin_removed_by_an_admin BEFORE DELETE ON admin
    WHEN NOT {_IS_ADMIN}
    {_refuse("only an admin can remove an admin")}
    """,
    f"""
    CREATE TRIGGER last_admin_kept BEFORE DELETE ON admin
    WHEN NOT EXISTS (SELECT 1 FROM admin WHERE name <> OLD.name)
    {_refuse("the last admin cannot be removed")}
    """,
    f"""
    CREATE TRIGGER admin_identity_kept BEFORE UPDATE OF name, created_at, created_by ON admin
    {_refuse("an admin's name and creation cannot change")}
    """,
    f"""
    CREATE TRIGGER own_passphrase_only BEFORE UPDATE OF passphrase_hash, changed_at ON admin
    WHEN NOT EXISTS (SELECT 1 FROM writer WHERE id = 1 AND role = 'admin' AND name = OLD.name)
        OR NEW.changed_at IS NOT {_NOW}
    {_refuse("an admin can change only their own passphrase")}
    """,
    f"""
    CREATE TRIGGER admin_added_recorded AFTER INSERT ON admin
    BEGIN {_audit("admin_added", detail="NEW.name")} END
    """,
    f"""
    CREATE TRIGGER admin_removed_recorded AFTER DELETE ON admin
    BEGIN {_audit("admin_removed", detail="OLD.name")} END
    """,
    f"""
    CREATE TRIGGER passphrase_change_recorded AFTER UPDATE OF passphrase_hash ON admin
    BEGIN {_audit("passphrase_changed", detail="NEW.name")} END
    """,
)


# Version 6 (the Session URL becomes its own secret): links, the lobby, random own IDs.
#
# * A Session URL is a link made for one person when it is copied or sent
#   (``core/links.py``). ``link`` keeps the SHA-256 of its token, never the token,
#   with who made it, when (the store's clock), for whom and why; its expiry and
#   first-join-only rule come from the settings in force, which the database checks.
#   A link's identity, token hash and expiry never change, a revoked link stays
#   revoked, and a link of an ended session opens nothing.
# * ``participants`` loses its stored URL; document participants' own IDs
#   (``7QKM-92HX-P2``, derivable from the Session ID) become random IDs like Session
#   IDs, drawn by the app (``collab_fresh_id``, see :func:`migrate`) and recorded in
#   the audit so older entries can still be followed. ``sessions`` gains its agent.
# * The lobby (``core/lobby.py``): requests to join, each session's lock and count
#   of denials, the browsers (by the hash of their cookie) and where they stand, and
#   the attempts counted for the rate limits.
# * ``writer`` may be a ``visitor``: a browser on the join service, named by its
#   address; it can ask to join and use a link, and nothing else.
# * ``audit`` and ``change_log`` are rebuilt for their new vocabulary; every audit
#   entry is copied as it is (number, time, content, hashes), so the chain verifies,
#   and the last numbers handed out are kept.

_C = "[0-9A-HJKMNP-TV-Z]"
_OWN_ID_GLOB = f"'{_C * 4}-{_C * 4}'"
_LINK_ID_GLOB = f"'L-{_C * 8}'"
_REQUEST_ID_GLOB = f"'R-{_C * 8}'"
_WRITER_ROLE = "(SELECT role FROM writer WHERE id = 1)"
#: An agent of Collab Console writes (not a browser, not another program).
_BY_AN_AGENT = f"coalesce({_WRITER_ROLE}, 'outside') IN ('agent', 'admin', 'demo')"
_BY_A_VISITOR = f"{_WRITER_ROLE} IS 'visitor'"


def _hex64(column: str) -> str:
    return f"length({column}) = 64 AND {column} NOT GLOB '*[^0-9a-f]*'"


def _stamp(column: str) -> str:
    return f"length({column}) BETWEEN 20 AND 40"


def _rebuilt(table: str, create: str, key: str) -> tuple[str, ...]:
    """Rebuild ``table`` with the CREATE statement ``create``: every row copied as it is,
    and the last number its AUTOINCREMENT ``key`` handed out kept."""
    return (
        f"CREATE TABLE {table}_v5 AS SELECT * FROM {table}",
        f"CREATE TABLE {table}_v5_seq AS SELECT seq FROM sqlite_sequence WHERE name = '{table}'",
        f"DROP TABLE {table}",
        create,
        f"INSERT INTO {table} SELECT * FROM {table}_v5 ORDER BY {key}",
        f"""
        INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', seq FROM {table}_v5_seq
        WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')
        """,
        f"""
        UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM {table}_v5_seq))
        WHERE name = '{table}' AND EXISTS (SELECT 1 FROM {table}_v5_seq)
        """,
        f"DROP TABLE {table}_v5",
        f"DROP TABLE {table}_v5_seq",
    )


#: How long a link made now lasts (SQL, inside a trigger on ``link``): the setting for
#: its purpose, in minutes; 0 is until the session ends (``core.links.expires_at``).
_LINK_MINUTES = (
    "(SELECT CAST(value AS INTEGER) FROM setting WHERE key = CASE NEW.purpose"
    " WHEN 'copy' THEN 'copied_link_minutes' ELSE 'invitation_link_minutes' END)"
)
_LINK_EXPIRY = (
    f"CASE {_LINK_MINUTES} WHEN 0 THEN NULL"
    f" ELSE strftime('%Y-%m-%dT%H:%M:%f+00:00', NEW.made_at, '+' || {_LINK_MINUTES} || ' minutes')"
    " END"
)
_FIRST_JOIN_ONLY = "(SELECT value = 'on' FROM setting WHERE key = 'link_first_join_only')"
_SESSION_ACTIVE = (
    "EXISTS (SELECT 1 FROM participants p JOIN sessions s ON s.id = p.session"
    " WHERE s.session_id = NEW.session_id AND s.state = 'active' AND p.access_id = NEW.access_id)"
)


def _renewed(old: str, new: str) -> str:
    """Whether a link's or a request's browser moves from cookie hash ``old`` to ``new``
    because that browser was just renewed (``browser_renewed_everywhere``): by the join
    service, the browser row now has ``new`` (changed now) and no row has ``old`` any more.
    No other write can meet it: a browser row is never deleted."""
    return (
        f"({_BY_A_VISITOR} AND {new} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM browser WHERE cookie_hash = {old})"
        f" AND EXISTS (SELECT 1 FROM browser WHERE cookie_hash = {new} AND changed_at = {_NOW}))"
    )


#: The cookie hash ``NEW.cookie_hash`` belongs to no browser, link or request yet.
_FRESH_COOKIE = (
    "NOT EXISTS (SELECT 1 FROM browser WHERE cookie_hash = NEW.cookie_hash)"
    " AND NOT EXISTS (SELECT 1 FROM link WHERE browser = NEW.cookie_hash)"
    " AND NOT EXISTS (SELECT 1 FROM join_request WHERE browser = NEW.cookie_hash)"
)

#: The rules of ``writer`` since version 6 (made again when version 7 rebuilds it).
_WRITER_RULES = (
    f"""
    CREATE TRIGGER writer_admin_is_an_admin BEFORE INSERT ON writer
    WHEN NEW.role = 'admin' AND NOT EXISTS (SELECT 1 FROM admin WHERE name = NEW.name)
    {_refuse("only an admin can write as one")}
    """,
    f"""
    CREATE TRIGGER writer_kept BEFORE UPDATE ON writer
    {_refuse("the writer of a change cannot be changed")}
    """,
)

_V6 = (
    # -- the link settings, one row each
    """
    INSERT INTO setting (key, kind, sensitive, value)
    VALUES ('copied_link_minutes', 'int', 0, '30'),
           ('invitation_link_minutes', 'int', 0, '0'),
           ('link_first_join_only', 'bool', 0, 'off'),
           ('max_live_links_per_person', 'int', 0, '3'),
           ('max_links_per_agent_hour', 'int', 0, '30')
    """,
    # -- who writes: a browser on the join service too
    "DROP TABLE writer",
    """
    CREATE TABLE writer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin', 'demo', 'visitor'))
    ) STRICT
    """,
    *_WRITER_RULES,
    # -- who runs each session: whoever started it, as the audit says
    "ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT 'unknown'"
    " CHECK (length(trim(agent)) BETWEEN 1 AND 200)",
    "DROP TRIGGER ended_sessions_stay_ended",
    """
    UPDATE sessions SET agent = coalesce(
        (SELECT a.actor FROM audit a
         WHERE a.kind = 'session_started' AND a.session_id = sessions.session_id
             AND a.actor_role <> 'outside'
         ORDER BY a.id LIMIT 1),
        'unknown')
    """,
    f"""
    CREATE TRIGGER ended_sessions_stay_ended BEFORE UPDATE ON sessions
    WHEN OLD.state = 'ended'
    {_refuse("an ended session cannot be reopened or changed")}
    """,
    f"""
    CREATE TRIGGER session_agent_kept BEFORE UPDATE OF agent ON sessions
    {_refuse("the agent of a session cannot change")}
    """,
    # -- participants: no stored Session URL, and own IDs nobody can work out
    "CREATE TABLE participants_v5 AS SELECT session, position, name, access_id, contact"
    " FROM participants",
    """
    CREATE TABLE participant_ids_v6 (
        session INTEGER NOT NULL,
        position INTEGER NOT NULL,
        old_id TEXT NOT NULL,
        new_id TEXT NOT NULL UNIQUE,
        PRIMARY KEY (session, position)
    )
    """,
    """
    INSERT INTO participant_ids_v6 (session, position, old_id, new_id)
    SELECT session, position, access_id,
           CASE WHEN position = 0 THEN access_id ELSE collab_fresh_id() END
    FROM participants_v5 ORDER BY session, position
    """,
    "DROP TABLE participants",
    f"""
    CREATE TABLE participants (
        session INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        access_id TEXT NOT NULL UNIQUE CHECK (access_id GLOB {_OWN_ID_GLOB}),
        contact TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (session, position)
    ) STRICT, WITHOUT ROWID
    """,
    """
    INSERT INTO participants (session, position, name, access_id, contact)
    SELECT p.session, p.position, p.name, m.new_id, p.contact
    FROM participants_v5 p JOIN participant_ids_v6 m USING (session, position)
    ORDER BY p.session, p.position
    """,
    f"""
    CREATE TRIGGER participants_not_replaced BEFORE INSERT ON participants
    WHEN EXISTS (SELECT 1 FROM participants
                 WHERE (session = NEW.session AND position = NEW.position)
                    OR access_id = NEW.access_id)
    {_refuse("a participant cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER participants_own_ids BEFORE INSERT ON participants
    WHEN (NEW.position = 0) IS NOT (NEW.access_id IS (SELECT session_id FROM sessions
                                                     WHERE id = NEW.session))
        OR EXISTS (SELECT 1 FROM sessions WHERE session_id = NEW.access_id
                   AND id IS NOT NEW.session)
    {_refuse("the customer's own ID is the Session ID; everyone else's is an ID of their own")}
    """,
    f"""
    CREATE TRIGGER participants_fixed BEFORE UPDATE ON participants
    {_refuse("a participant's details cannot be changed")}
    """,
    f"""
    CREATE TRIGGER participants_kept BEFORE DELETE ON participants
    {_refuse("a participant cannot be removed")}
    """,
    """
    CREATE TRIGGER session_start_audited AFTER INSERT ON participants
    WHEN NEW.position = 0
    BEGIN
        INSERT INTO audit_append (kind, session_id, participant_id, new_value, contact)
        SELECT 'session_started', s.session_id, NEW.access_id, s.state, nullif(NEW.contact, '')
        FROM sessions s WHERE s.id = NEW.session;
    END
    """,
    # -- the audit trail, rebuilt for its new vocabulary, every entry kept as it is
    "DROP VIEW audit_append",
    *_rebuilt(
        "audit",
        _audit_table(_V6_AUDIT_KINDS, ACTOR_ROLES, _V6_AUDIT_RESULTS),
        "id",
    ),
    f"CREATE VIEW audit_append AS SELECT at, {_APPENDED} FROM audit WHERE 0",
    # The own IDs rewritten above, recorded by the upgrade itself: a trigger for this step.
    f"""
    CREATE TRIGGER audit_upgraded INSTEAD OF INSERT ON audit_append
    {_appended_by(_NOW, "'Collab Console upgrade'", "'unknown'")}
    """,
    """
    INSERT INTO audit_append (kind, session_id, participant_id, old_value, new_value)
    SELECT 'participant_id_changed', s.session_id, m.new_id, m.old_id, m.new_id
    FROM participant_ids_v6 m JOIN sessions s ON s.id = m.session
    WHERE m.old_id IS NOT m.new_id
    ORDER BY m.session, m.position
    """,
    "DROP TRIGGER audit_upgraded",
    "DROP TABLE participant_ids_v6",
    "DROP TABLE participants_v5",
    *_AUDIT_RULES,
    # -- the change log: links and lobbies change too
    *_rebuilt(
        "change_log",
        """
        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL
                CHECK (kind IN ('settings', 'session_started', 'session_ended', 'links', 'lobby')),
            subject TEXT NOT NULL
        ) STRICT
        """,
        "seq",
    ),
    # -- links
    f"""
    CREATE TABLE link (
        id INTEGER PRIMARY KEY,
        link_id TEXT NOT NULL UNIQUE CHECK (link_id GLOB {_LINK_ID_GLOB}),
        token_hash TEXT NOT NULL UNIQUE CHECK ({_hex64("token_hash")}),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        access_id TEXT NOT NULL REFERENCES participants (access_id),
        purpose TEXT NOT NULL CHECK (purpose IN ('copy', 'invitation')),
        made_by TEXT NOT NULL CHECK (length(trim(made_by)) BETWEEN 1 AND 200),
        made_at TEXT NOT NULL CHECK ({_stamp("made_at")}),
        expires_at TEXT CHECK (expires_at IS NULL OR expires_at > made_at),
        first_join_only INTEGER NOT NULL CHECK (first_join_only IN (0, 1)),
        used_at TEXT CHECK (used_at IS NULL OR {_stamp("used_at")}),
        browser TEXT CHECK (browser IS NULL OR ({_hex64("browser")})),
        revoked_at TEXT CHECK (revoked_at IS NULL OR {_stamp("revoked_at")}),
        revoked_by TEXT CHECK (revoked_by IS NULL OR length(trim(revoked_by)) BETWEEN 1 AND 200),
        CHECK ((used_at IS NULL) = (browser IS NULL)),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
    ) STRICT
    """,
    "CREATE INDEX link_by_session ON link (session_id, id)",
    "CREATE INDEX link_by_person ON link (access_id, id)",
    "CREATE INDEX link_by_maker ON link (made_by, made_at)",
    f"""
    CREATE TRIGGER link_made_by_an_agent BEFORE INSERT ON link
    WHEN NOT {_BY_AN_AGENT} OR NEW.made_by IS NOT {_WRITER_NAME}
    {_refuse("a link is made by Collab Console, in the name of the agent who asked for it")}
    """,
    f"""
    CREATE TRIGGER link_made_as_the_settings_say BEFORE INSERT ON link
    WHEN NEW.made_at IS NOT {_NOW}
        OR NEW.expires_at IS NOT {_LINK_EXPIRY}
        OR NEW.first_join_only IS NOT {_FIRST_JOIN_ONLY}
        OR NEW.used_at IS NOT NULL OR NEW.browser IS NOT NULL
        OR NEW.revoked_at IS NOT NULL OR NEW.revoked_by IS NOT NULL
    {_refuse("the store dates a new link and gives it the expiry the settings say")}
    """,
    f"""
    CREATE TRIGGER link_for_a_person_of_an_active_session BEFORE INSERT ON link
    WHEN NOT {_SESSION_ACTIVE}
    {_refuse("a link is made only for a person of an active session")}
    """,
    # Made after the other rules of a new link, so that it is the one that speaks first.
    f"""
    CREATE TRIGGER link_not_replaced BEFORE INSERT ON link
    WHEN EXISTS (SELECT 1 FROM link WHERE id = NEW.id OR link_id = NEW.link_id
                 OR token_hash = NEW.token_hash)
    {_refuse("a link cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER link_identity_kept
    BEFORE UPDATE OF id, link_id, token_hash, session_id, access_id, purpose, made_by, made_at,
                     expires_at, first_join_only ON link
    {_refuse("a link's name, token, person, purpose and expiry cannot change")}
    """,
    f"""
    CREATE TRIGGER link_stays_revoked BEFORE UPDATE OF revoked_at, revoked_by ON link
    WHEN OLD.revoked_at IS NOT NULL OR OLD.revoked_by IS NOT NULL
    {_refuse("a revoked link stays revoked")}
    """,
    f"""
    CREATE TRIGGER link_revoked_by_the_store BEFORE UPDATE OF revoked_at, revoked_by ON link
    WHEN OLD.revoked_at IS NULL
        AND (NEW.revoked_at IS NOT {_NOW} OR NEW.revoked_by IS NOT {_WRITER} OR {_BY_A_VISITOR})
    {_refuse("the store records who revoked a link, and when")}
    """,
    f"""
    CREATE TRIGGER link_used_once BEFORE UPDATE OF used_at, browser ON link
    WHEN (OLD.used_at IS NOT NULL OR OLD.browser IS NOT NULL)
        AND NOT (NEW.used_at IS OLD.used_at AND {_renewed("OLD.browser", "NEW.browser")})
    {_refuse("the browser that joined with a link cannot change")}
    """,
    f"""
    CREATE TRIGGER link_used_while_live BEFORE UPDATE OF used_at, browser ON link
    WHEN OLD.used_at IS NULL AND (
        NEW.used_at IS NOT {_NOW} OR NOT {_BY_A_VISITOR}
        OR OLD.revoked_at IS NOT NULL
        OR (OLD.expires_at IS NOT NULL AND OLD.expires_at <= {_NOW})
        OR EXISTS (SELECT 1 FROM sessions WHERE session_id = OLD.session_id AND state = 'ended'))
    {_refuse("a link lets a browser join only while it works")}
    """,
    f"""
    CREATE TRIGGER links_kept BEFORE DELETE ON link
    {_refuse("a link cannot be deleted")}
    """,
    f"""
    CREATE TRIGGER link_made_recorded AFTER INSERT ON link
    BEGIN
        {
        _audit(
            "link_made",
            session_id="NEW.session_id",
            participant_id="NEW.access_id",
            detail="NEW.link_id",
            new_value="NEW.purpose",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('links', NEW.session_id);
    END
    """,
    f"""
    CREATE TRIGGER link_revoked_recorded AFTER UPDATE OF revoked_at ON link
    WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
    BEGIN
        {
        _audit(
            "link_revoked",
            session_id="NEW.session_id",
            participant_id="NEW.access_id",
            detail="NEW.link_id",
            new_value="'revoked'",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('links', NEW.session_id);
    END
    """,
    """
    CREATE TRIGGER link_used_recorded AFTER UPDATE OF used_at ON link
    WHEN OLD.used_at IS NULL AND NEW.used_at IS NOT NULL
    BEGIN
        INSERT INTO change_log (kind, subject) VALUES ('links', NEW.session_id);
    END
    """,
    # -- the lobby of each session: locked or not, and the denials that lock it
    """
    CREATE TABLE lobby (
        session_id TEXT PRIMARY KEY REFERENCES sessions (session_id),
        locked INTEGER NOT NULL CHECK (locked IN (0, 1)),
        lock_reason TEXT
            CHECK (lock_reason IS NULL OR lock_reason IN ('agent', 'denials', 'requests_per_id')),
        denials INTEGER NOT NULL CHECK (denials >= 0),
        CHECK ((locked = 1) = (lock_reason IS NOT NULL))
    ) STRICT, WITHOUT ROWID
    """,
    "INSERT INTO lobby (session_id, locked, lock_reason, denials)"
    " SELECT session_id, 0, NULL, 0 FROM sessions",
    """
    CREATE TRIGGER session_lobby_made AFTER INSERT ON sessions
    BEGIN
        INSERT INTO lobby (session_id, locked, lock_reason, denials)
        VALUES (NEW.session_id, 0, NULL, 0);
    END
    """,
    f"""
    CREATE TRIGGER lobby_not_replaced BEFORE INSERT ON lobby
    WHEN EXISTS (SELECT 1 FROM lobby WHERE session_id = NEW.session_id)
        OR NEW.locked <> 0 OR NEW.denials <> 0
    {_refuse("a session has one lobby, made open with the session")}
    """,
    f"""
    CREATE TRIGGER lobby_kept BEFORE DELETE ON lobby
    {_refuse("a session's lobby cannot be removed")}
    """,
    f"""
    CREATE TRIGGER lobby_session_kept BEFORE UPDATE OF session_id ON lobby
    {_refuse("a lobby cannot move to another session")}
    """,
    f"""
    CREATE TRIGGER lobby_unlocked_by_an_agent BEFORE UPDATE OF locked, lock_reason, denials ON lobby
    WHEN (NEW.locked < OLD.locked OR NEW.denials < OLD.denials
          OR (OLD.locked = 1 AND NEW.lock_reason IS NOT OLD.lock_reason))
        AND coalesce({_WRITER_ROLE}, 'outside') NOT IN ('agent', 'admin')
    {_refuse("only the agent can unlock a lobby")}
    """,
    f"""
    CREATE TRIGGER lobby_lock_recorded AFTER UPDATE OF locked ON lobby
    WHEN OLD.locked IS NOT NEW.locked
    BEGIN
        {
        _audit(
            "lobby_lock",
            session_id="NEW.session_id",
            detail="NEW.lock_reason",
            old_value="CASE OLD.locked WHEN 1 THEN 'locked' ELSE 'unlocked' END",
            new_value="CASE NEW.locked WHEN 1 THEN 'locked' ELSE 'unlocked' END",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('lobby', NEW.session_id);
    END
    """,
    # -- requests to join
    f"""
    CREATE TABLE join_request (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE CHECK (request_id GLOB {_REQUEST_ID_GLOB}),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        access_id TEXT NOT NULL REFERENCES participants (access_id),
        name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
        route TEXT NOT NULL CHECK (route IN ('by_id', 'link_reused')),
        link_id TEXT REFERENCES link (link_id),
        browser TEXT NOT NULL CHECK ({_hex64("browser")}),
        address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 100),
        made_at TEXT NOT NULL CHECK ({_stamp("made_at")}),
        state TEXT NOT NULL CHECK (state IN ('waiting', 'admitted', 'denied')),
        decided_by TEXT CHECK (decided_by IS NULL OR length(trim(decided_by)) BETWEEN 1 AND 200),
        decided_at TEXT CHECK (decided_at IS NULL OR {_stamp("decided_at")}),
        CHECK ((route = 'link_reused') = (link_id IS NOT NULL)),
        CHECK ((state = 'waiting') = (decided_by IS NULL)),
        CHECK ((decided_by IS NULL) = (decided_at IS NULL))
    ) STRICT
    """,
    "CREATE INDEX join_request_by_session ON join_request (session_id, state, id)",
    "CREATE INDEX join_request_by_browser ON join_request (browser, id)",
    f"""
    CREATE TRIGGER join_request_not_replaced BEFORE INSERT ON join_request
    WHEN EXISTS (SELECT 1 FROM join_request WHERE id = NEW.id OR request_id = NEW.request_id)
    {_refuse("a request to join cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER join_request_from_a_browser BEFORE INSERT ON join_request
    WHEN NOT {_BY_A_VISITOR} OR NEW.address IS NOT {_WRITER_NAME}
        OR NEW.made_at IS NOT {_NOW} OR NEW.state IS NOT 'waiting'
    {_refuse("a request to join comes from a browser, waiting, dated by the store")}
    """,
    f"""
    CREATE TRIGGER join_request_for_an_open_lobby BEFORE INSERT ON join_request
    WHEN NOT {_SESSION_ACTIVE}
        OR EXISTS (SELECT 1 FROM lobby WHERE session_id = NEW.session_id AND locked = 1)
        OR (NEW.link_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM link WHERE link_id = NEW.link_id AND session_id = NEW.session_id
                    AND access_id = NEW.access_id))
    {_refuse("a request to join goes to the open lobby of an active session")}
    """,
    f"""
    CREATE TRIGGER join_request_identity_kept
    BEFORE UPDATE OF id, request_id, session_id, access_id, name, route, link_id, address,
                     made_at ON join_request
    {_refuse("a request to join cannot be changed, only decided")}
    """,
    f"""
    CREATE TRIGGER join_request_browser_renewed_only BEFORE UPDATE OF browser ON join_request
    WHEN NOT {_renewed("OLD.browser", "NEW.browser")}
    {_refuse("a request to join cannot be changed, only decided")}
    """,
    f"""
    CREATE TRIGGER join_request_decided_once
    BEFORE UPDATE OF state, decided_by, decided_at ON join_request
    WHEN OLD.state IS NOT 'waiting'
    {_refuse("a decided request to join stays decided")}
    """,
    f"""
    CREATE TRIGGER join_request_decided_by_an_agent
    BEFORE UPDATE OF state, decided_by, decided_at ON join_request
    WHEN coalesce({_WRITER_ROLE}, 'outside') NOT IN ('agent', 'admin')
        OR NEW.decided_by IS NOT {_WRITER_NAME} OR NEW.decided_at IS NOT {_NOW}
        OR NEW.state IS 'waiting'
    {_refuse("only the agent decides a request to join")}
    """,
    f"""
    CREATE TRIGGER join_requests_kept BEFORE DELETE ON join_request
    {_refuse("a request to join cannot be deleted")}
    """,
    f"""
    CREATE TRIGGER join_request_recorded AFTER INSERT ON join_request
    BEGIN
        {
        _audit(
            "join_request",
            session_id="NEW.session_id",
            participant_id="NEW.access_id",
            detail="NEW.request_id",
            new_value="NEW.route",
            result="'waiting'",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('lobby', NEW.session_id);
    END
    """,
    f"""
    CREATE TRIGGER join_decision_recorded AFTER UPDATE OF state ON join_request
    WHEN OLD.state = 'waiting' AND NEW.state <> 'waiting'
    BEGIN
        {
        _audit(
            "join_decision",
            session_id="NEW.session_id",
            participant_id="NEW.access_id",
            detail="NEW.request_id",
            new_value="NEW.route",
            result="NEW.state",
        )
    }
        INSERT INTO change_log (kind, subject) VALUES ('lobby', NEW.session_id);
    END
    """,
    # -- browsers, by the hash of their cookie: where each stands
    f"""
    CREATE TABLE browser (
        cookie_hash TEXT PRIMARY KEY CHECK ({_hex64("cookie_hash")}),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        access_id TEXT NOT NULL REFERENCES participants (access_id),
        name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 120),
        state TEXT NOT NULL CHECK (state IN ('joined', 'waiting', 'denied')),
        link_id TEXT REFERENCES link (link_id),
        request_id TEXT REFERENCES join_request (request_id),
        changed_at TEXT NOT NULL CHECK ({_stamp("changed_at")}),
        CHECK (link_id IS NOT NULL OR request_id IS NOT NULL)
    ) STRICT, WITHOUT ROWID
    """,
    *(
        f"""
        CREATE TRIGGER browser_{event.lower()}_where_its_link_or_request_says
        BEFORE {event} ON browser
        WHEN {guard} (NEW.changed_at IS NOT {_NOW} OR NOT (
            (NEW.state = 'joined' AND NEW.request_id IS NULL AND EXISTS (
                SELECT 1 FROM link l JOIN participants p ON p.access_id = l.access_id
                WHERE l.link_id = NEW.link_id AND l.browser = NEW.cookie_hash
                    AND l.session_id = NEW.session_id AND l.access_id = NEW.access_id
                    AND p.name = NEW.name))
            OR EXISTS (
                SELECT 1 FROM join_request WHERE request_id = NEW.request_id
                    AND browser = NEW.cookie_hash AND session_id = NEW.session_id
                    AND access_id = NEW.access_id AND name = NEW.name
                    AND state = CASE NEW.state WHEN 'joined' THEN 'admitted' ELSE NEW.state END)))
        {_refuse("a browser stands only where its link or its request to join puts it")}
        """
        # A renewal is checked by browser_renewed_where_it_stands instead.
        for event, guard in (("INSERT", ""), ("UPDATE", "NEW.cookie_hash IS OLD.cookie_hash AND"))
    ),
    # A browser's cookie is renewed by the join service (Store.renew_browser): the row
    # takes a cookie hash nobody has, and nothing else of it changes; its link and its
    # requests follow it, so the old cookie opens nothing any more.
    f"""
    CREATE TRIGGER browser_renewed_where_it_stands BEFORE UPDATE OF cookie_hash ON browser
    WHEN NEW.cookie_hash IS NOT OLD.cookie_hash AND (
        NOT {_BY_A_VISITOR} OR NEW.changed_at IS NOT {_NOW}
        OR NEW.session_id IS NOT OLD.session_id OR NEW.access_id IS NOT OLD.access_id
        OR NEW.name IS NOT OLD.name OR NEW.state IS NOT OLD.state
        OR NEW.link_id IS NOT OLD.link_id OR NEW.request_id IS NOT OLD.request_id
        OR NOT ({_FRESH_COOKIE}))
    {_refuse("a browser's cookie is renewed by the join service only, to one nobody has")}
    """,
    """
    CREATE TRIGGER browser_renewed_everywhere AFTER UPDATE OF cookie_hash ON browser
    WHEN NEW.cookie_hash IS NOT OLD.cookie_hash
    BEGIN
        UPDATE link SET browser = NEW.cookie_hash WHERE browser = OLD.cookie_hash;
        UPDATE join_request SET browser = NEW.cookie_hash WHERE browser = OLD.cookie_hash;
    END
    """,
    f"""
    CREATE TRIGGER browser_not_replaced BEFORE INSERT ON browser
    WHEN EXISTS (SELECT 1 FROM browser WHERE cookie_hash = NEW.cookie_hash)
    {_refuse("a browser cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER browsers_kept BEFORE DELETE ON browser
    {_refuse("a browser cannot be forgotten")}
    """,
    # -- attempts to join by ID or with a reused link, counted for the rate limits
    f"""
    CREATE TABLE lobby_attempt (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL CHECK ({_stamp("at")}),
        address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 100),
        access_id TEXT CHECK (access_id IS NULL OR access_id GLOB {_OWN_ID_GLOB})
    ) STRICT
    """,
    "CREATE INDEX lobby_attempt_by_address ON lobby_attempt (address, at)",
    "CREATE INDEX lobby_attempt_by_id ON lobby_attempt (access_id, at)",
    f"""
    CREATE TRIGGER lobby_attempt_counted BEFORE INSERT ON lobby_attempt
    WHEN NEW.at IS NOT {_NOW} OR EXISTS (SELECT 1 FROM lobby_attempt WHERE id = NEW.id)
    {_refuse("the store dates and counts each attempt to join")}
    """,
    f"""
    CREATE TRIGGER lobby_attempt_fixed BEFORE UPDATE ON lobby_attempt
    {_refuse("an attempt to join cannot be changed")}
    """,
    f"""
    CREATE TRIGGER lobby_attempt_kept_a_day BEFORE DELETE ON lobby_attempt
    WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-1 day')
    {_refuse("an attempt to join counts for a day")}
    """,
    # -- ending a session stops its links: say so to other consoles
    """
    CREATE TRIGGER session_end_stops_links AFTER UPDATE OF state ON sessions
    WHEN OLD.state = 'active' AND NEW.state = 'ended'
    BEGIN
        INSERT INTO change_log (kind, subject)
        SELECT 'links', NEW.session_id
        WHERE EXISTS (SELECT 1 FROM link WHERE session_id = NEW.session_id);
        INSERT INTO change_log (kind, subject)
        SELECT 'lobby', NEW.session_id
        WHERE EXISTS (SELECT 1 FROM join_request WHERE session_id = NEW.session_id);
    END
    """,
)


# Version 7 (issue 12): invitations sent for real, from an outbox in the store.
#
# * ``invitation`` is the outbox: one row per invitation (a resend is a new row),
#   never deleted. A row is queued by an agent's console, dated by the store, for a
#   person of an active session, with a copy of that person's contact; a person's
#   first invitation is queued once, and a resend only after ``resend_interval_seconds``
#   (the store's clock), unless it follows a regenerate: the same writer, in the same
#   transaction, revoked links of that person that still let someone in, none of their
#   links works any more, and no other invitation of theirs was queued in it (``writer``
#   gains ``since``, when its transaction began by the store's clock, to tell what that
#   transaction did). Then only the sender's columns change, only forward (queued, then
#   sent, delivered or failed; queued again after a transient failure), each change
#   dated by the store. Triggers write the audit entries (the recipient
#   masked by ``collab_mask_contact``) and the change log ('invitations').
# * Document participants can be added to an active session, after everyone in it;
#   such an addition is audited and logged ('participant', the person's own ID).
#   ``session_starting`` tells an addition from the people of a session being added:
#   it holds the sessions inserted by the transaction under way (emptied when a
#   writer is named and when it is removed, so at every commit of the app), and
#   only a session nobody is in yet can be put in it. The demo's invitations, with
#   their made-up history, go in only with the demo session they belong to.
# * The legacy ``sessions.invite_status`` (a fixed label) is read no more: what it said
#   becomes the customer's invitation, delivered or failed; 'pending' becomes nothing,
#   so an upgrade never sends anything. New sessions write 'pending' into it.

_INVITATION_ID_GLOB = f"'I-{_C * 8}'"
_RESEND_INTERVAL = (
    "(SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'resend_interval_seconds')"
)
_RESENT_TOO_SOON = (
    "EXISTS (SELECT 1 FROM invitation WHERE access_id = NEW.access_id AND queued_at >"
    f" strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-' || {_RESEND_INTERVAL} || ' seconds'))"
)
#: The demo adds its sessions with their invitations as its story tells them: a demo
#: session that this transaction, the demo's, is adding.
_DEMO_STARTING = (
    f"({_WRITER_ROLE} IS 'demo' AND EXISTS (SELECT 1 FROM session_starting t"
    " JOIN sessions s ON s.id = t.session WHERE s.session_id = NEW.session_id AND s.demo = 1))"
)
#: The contact ``NEW.access_id`` has in the session ``NEW.session_id`` (NULL: not in it).
_CONTACT_IN_SESSION = (
    "(SELECT p.contact FROM participants p JOIN sessions s ON s.id = p.session"
    " WHERE s.session_id = NEW.session_id AND p.access_id = NEW.access_id)"
)
_BY_THE_APP = f"coalesce({_WRITER_ROLE}, 'outside') IN ('agent', 'admin')"
#: The invitation ``NEW`` follows a regenerate of its person's links (``Store.regenerate_links``):
#: in this transaction (since its writer was named) that writer revoked links of the person
#: that still let someone in, none of the person's links works now, and no other invitation of
#: theirs was queued. So a resend that skips the interval costs real links, one per regenerate.
_FOLLOWS_A_REGENERATE = (
    "(EXISTS (SELECT 1 FROM link l JOIN writer w ON w.id = 1"
    " WHERE l.access_id = NEW.access_id AND l.revoked_by = w.name AND l.revoked_at >= w.since"
    " AND (l.expires_at IS NULL OR l.expires_at > l.revoked_at))"
    " AND NOT EXISTS (SELECT 1 FROM link WHERE access_id = NEW.access_id AND revoked_at IS NULL"
    f" AND (expires_at IS NULL OR expires_at > {_NOW}))"
    " AND NOT EXISTS (SELECT 1 FROM invitation i JOIN writer w ON w.id = 1"
    " WHERE i.access_id = NEW.access_id AND i.queued_at >= w.since))"
)
#: An invitation's columns that change after it is queued: the sender's.
_SENDER_COLUMNS = (
    "state",
    "attempts",
    "reason",
    "next_attempt_at",
    "gateway_id",
    "link_id",
    "claimed_until",
)


def _audit_if(condition: str, kind: str, **columns: str) -> str:
    """Like :func:`_audit`, the entry written only when ``condition`` holds."""
    given = {"kind": f"'{kind}'", **columns}
    return (
        f"INSERT INTO audit_append ({', '.join(given)})"
        f" SELECT {', '.join(given.values())} WHERE {condition};"
    )


def _invitation_audit(condition: str, kind: str, **columns: str) -> str:
    """An entry about the invitation ``NEW``: its session, person, name and masked recipient."""
    return _audit_if(
        condition,
        kind,
        session_id="NEW.session_id",
        participant_id="NEW.access_id",
        detail="NEW.invitation_id",
        contact="NEW.recipient",
        **columns,
    )


def _outcome_recorded(retried: str) -> str:
    """The entry of where the invitation ``NEW`` now stands; ``retried``: it failed and is
    tried again (SQL)."""
    return "\n".join(
        (
            _invitation_audit(
                "NEW.state = 'sent'", "invitation_sent", new_value="NEW.channel", result="'sent'"
            ),
            _invitation_audit(
                "NEW.state = 'delivered'", "invitation_delivered", result="'delivered'"
            ),
            _invitation_audit(
                "NEW.state = 'failed'",
                "invitation_failed",
                new_value="NEW.reason",
                result="'failed'",
            ),
            _invitation_audit(
                retried, "invitation_failed", new_value="nullif(NEW.reason, '')", result="'retry'"
            ),
        )
    )


_V7 = (
    # -- the delivery settings, one row each
    """
    INSERT INTO setting (key, kind, sensitive, value)
    VALUES ('smtp_host', 'text', 0, ''),
           ('smtp_port', 'int', 0, '587'),
           ('smtp_security', 'text', 0, 'starttls'),
           ('smtp_username', 'text', 0, ''),
           ('smtp_sender', 'text', 0, ''),
           ('sms_gateway_url', 'text', 0, ''),
           ('resend_interval_seconds', 'int', 0, '30')
    """,
    # A text setting may be empty now (no mail server): its audit entry says NULL, as an
    # entry's empty values do.
    "DROP TRIGGER setting_changes_recorded",
    _setting_changes_recorded("nullif(OLD.value, '')", "nullif(NEW.value, '')"),
    # -- who writes, and since when (the store's clock): what this transaction did
    "DROP TABLE writer",
    f"""
    CREATE TABLE writer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin', 'demo', 'visitor')),
        since TEXT NOT NULL DEFAULT ({_NOW})
    ) STRICT
    """,
    *_WRITER_RULES,
    f"""
    CREATE TRIGGER writer_dated_by_the_store BEFORE INSERT ON writer
    WHEN NEW.since IS NOT {_NOW}
    {_refuse("the store dates when a writer begins")}
    """,
    # -- the sessions the transaction under way adds
    """
    CREATE TABLE session_starting (
        session INTEGER PRIMARY KEY REFERENCES sessions (id)
    ) STRICT
    """,
    """
    CREATE TRIGGER session_starts AFTER INSERT ON sessions
    BEGIN
        INSERT INTO session_starting (session) VALUES (NEW.id);
    END
    """,
    f"""
    CREATE TRIGGER session_starting_only_while_empty BEFORE INSERT ON session_starting
    WHEN NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session)
        OR EXISTS (SELECT 1 FROM participants WHERE session = NEW.session)
    {_refuse("only a session being added is starting")}
    """,
    f"""
    CREATE TRIGGER session_starting_fixed BEFORE UPDATE ON session_starting
    {_refuse("only a session being added is starting")}
    """,
    """
    CREATE TRIGGER session_starting_forgotten_by_a_new_writer AFTER INSERT ON writer
    BEGIN
        DELETE FROM session_starting;
    END
    """,
    """
    CREATE TRIGGER session_starting_forgotten_at_the_end AFTER DELETE ON writer
    BEGIN
        DELETE FROM session_starting;
    END
    """,
    # -- document participants added to an active session
    f"""
    CREATE TRIGGER participants_in_order BEFORE INSERT ON participants
    WHEN NEW.position IS NOT
            coalesce((SELECT max(position) FROM participants WHERE session = NEW.session), -1) + 1
        OR (NOT EXISTS (SELECT 1 FROM session_starting WHERE session = NEW.session)
            AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session AND state = 'active'))
    {_refuse("a participant is added to an active session, after everyone in it")}
    """,
    """
    CREATE TRIGGER participant_added_recorded AFTER INSERT ON participants
    WHEN NOT EXISTS (SELECT 1 FROM session_starting WHERE session = NEW.session)
    BEGIN
        INSERT INTO audit_append (kind, session_id, participant_id, contact)
        SELECT 'participant_added', s.session_id, NEW.access_id, nullif(NEW.contact, '')
        FROM sessions s WHERE s.id = NEW.session;
        INSERT INTO change_log (kind, subject) VALUES ('participant', NEW.access_id);
    END
    """,
    # -- the audit trail, rebuilt for its new vocabulary, every entry kept as it is
    "DROP VIEW audit_append",
    *_rebuilt("audit", _audit_table(AUDIT_KINDS, ACTOR_ROLES, AUDIT_RESULTS), "id"),
    f"CREATE VIEW audit_append AS SELECT at, {_APPENDED} FROM audit WHERE 0",
    *_AUDIT_RULES,
    # -- the change log: invitations and added participants too
    *_rebuilt(
        "change_log",
        """
        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('settings', 'session_started', 'session_ended',
                                               'links', 'lobby', 'invitations', 'participant')),
            subject TEXT NOT NULL
        ) STRICT
        """,
        "seq",
    ),
    # -- the outbox
    f"""
    CREATE TABLE invitation (
        id INTEGER PRIMARY KEY,
        invitation_id TEXT NOT NULL UNIQUE CHECK (invitation_id GLOB {_INVITATION_ID_GLOB}),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        access_id TEXT NOT NULL REFERENCES participants (access_id),
        channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
        recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),
        queued_at TEXT NOT NULL CHECK ({_stamp("queued_at")}),
        updated_at TEXT NOT NULL CHECK ({_stamp("updated_at")} AND updated_at >= queued_at),
        queued_by TEXT NOT NULL CHECK (length(trim(queued_by)) BETWEEN 1 AND 200),
        resend INTEGER NOT NULL CHECK (resend IN (0, 1)),
        attempts INTEGER NOT NULL CHECK (attempts >= 0),
        reason TEXT NOT NULL CHECK (length(reason) <= 300),
        next_attempt_at TEXT CHECK (next_attempt_at IS NULL OR {_stamp("next_attempt_at")}),
        gateway_id TEXT NOT NULL CHECK (length(gateway_id) <= 200),
        link_id TEXT REFERENCES link (link_id),
        claimed_until TEXT CHECK (claimed_until IS NULL OR {_stamp("claimed_until")}),
        CHECK (channel = CASE WHEN instr(recipient, '@') > 0 THEN 'email' ELSE 'sms' END),
        CHECK ((state = 'queued') = (next_attempt_at IS NOT NULL)),
        CHECK ((state = 'failed') = (reason <> '') OR (state = 'queued' AND attempts > 0)),
        CHECK (claimed_until IS NULL OR state IN ('queued', 'sent'))
    ) STRICT
    """,
    "CREATE INDEX invitation_by_person ON invitation (access_id, queued_at, id)",
    "CREATE INDEX invitation_by_session ON invitation (session_id, id)",
    "CREATE INDEX invitation_due ON invitation (next_attempt_at, id) WHERE state = 'queued'",
    "CREATE INDEX invitation_awaiting_report ON invitation (updated_at, id) WHERE state = 'sent'",
    # What the legacy label said, as the customer's invitation; 'pending' queues nothing.
    """
    INSERT INTO invitation (invitation_id, session_id, access_id, channel, recipient, state,
                            queued_at, updated_at, queued_by, resend, attempts, reason,
                            gateway_id)
    SELECT 'I-' || replace(collab_fresh_id(), '-', ''), s.session_id, p.access_id,
           CASE WHEN instr(p.contact, '@') > 0 THEN 'email' ELSE 'sms' END, p.contact,
           CASE s.invite_status WHEN 'delivered' THEN 'delivered' ELSE 'failed' END,
           t.at, t.at, s.agent, 0, 1,
           CASE s.invite_status WHEN 'sms_blocked' THEN 'SMS blocked'
                                WHEN 'email_bounced' THEN 'e-mail bounced' ELSE '' END,
           ''
    FROM sessions s
    JOIN participants p ON p.session = s.id AND p.position = 0
    JOIN (SELECT id, coalesce(strftime('%Y-%m-%dT%H:%M:%f+00:00', created_at), created_at) AS at
          FROM sessions) t ON t.id = s.id
    WHERE s.invite_status <> 'pending' AND p.contact <> ''
    ORDER BY s.id
    """,
    f"""
    CREATE TRIGGER invitation_queued_by_the_store BEFORE INSERT ON invitation
    WHEN NOT {_DEMO_STARTING} AND NOT (
        {_BY_THE_APP} AND NEW.queued_by IS {_WRITER_NAME}
        AND NEW.state IS 'queued' AND NEW.queued_at IS {_NOW} AND NEW.updated_at IS {_NOW}
        AND NEW.next_attempt_at IS {_NOW} AND NEW.attempts IS 0 AND NEW.reason IS ''
        AND NEW.gateway_id IS '' AND NEW.link_id IS NULL AND NEW.claimed_until IS NULL)
    {_refuse("an invitation is queued by Collab Console, in the agent's name, dated by the store")}
    """,
    f"""
    CREATE TRIGGER invitation_for_a_person_of_an_active_session BEFORE INSERT ON invitation
    WHEN NOT ({_SESSION_ACTIVE} OR {_DEMO_STARTING})
        OR NEW.recipient IS NOT {_CONTACT_IN_SESSION}
    {_refuse("an invitation goes to a person of an active session, at their contact")}
    """,
    f"""
    CREATE TRIGGER invitation_resent_after_the_interval BEFORE INSERT ON invitation
    WHEN (NEW.resend IS NOT 1) = EXISTS (SELECT 1 FROM invitation WHERE access_id = NEW.access_id)
        OR (NEW.resend IS 1 AND {_RESENT_TOO_SOON} AND NOT {_FOLLOWS_A_REGENERATE})
    {_refuse("a person's first invitation is queued once, and a resend waits for the interval")}
    """,
    # Made after the other rules of a new invitation, so that it is the one that speaks first.
    f"""
    CREATE TRIGGER invitation_not_replaced BEFORE INSERT ON invitation
    WHEN EXISTS (SELECT 1 FROM invitation WHERE id = NEW.id OR invitation_id = NEW.invitation_id)
    {_refuse("an invitation cannot be replaced")}
    """,
    f"""
    CREATE TRIGGER invitation_identity_kept
    BEFORE UPDATE OF id, invitation_id, session_id, access_id, channel, recipient, queued_at,
                     queued_by, resend ON invitation
    {_refuse("an invitation's person, recipient and queueing cannot change")}
    """,
    f"""
    CREATE TRIGGER invitation_sent_by_collab_console
    BEFORE UPDATE OF {", ".join(_SENDER_COLUMNS)}, updated_at ON invitation
    WHEN NOT {_BY_THE_APP}
    {_refuse("only Collab Console sends an invitation")}
    """,
    f"""
    CREATE TRIGGER invitation_moves_forward
    BEFORE UPDATE OF {", ".join(_SENDER_COLUMNS)}, updated_at ON invitation
    WHEN OLD.state IN ('delivered', 'failed')
        OR (OLD.state = 'sent' AND NEW.state = 'queued')
        OR NEW.attempts NOT IN (OLD.attempts, OLD.attempts + 1)
        OR (NEW.attempts > OLD.attempts AND OLD.state IS NOT 'queued')
        OR ((NEW.gateway_id IS NOT OLD.gateway_id OR NEW.link_id IS NOT OLD.link_id)
            AND OLD.state IS NOT 'queued')
        OR (OLD.state = 'queued' AND NEW.state IN ('sent', 'delivered') AND EXISTS (
                SELECT 1 FROM sessions WHERE session_id = NEW.session_id AND state = 'ended'))
    {_refuse("an invitation only moves forward: queued, then sent, delivered or failed")}
    """,
    f"""
    CREATE TRIGGER invitation_dated_by_the_store
    BEFORE UPDATE OF {", ".join(_SENDER_COLUMNS)}, updated_at ON invitation
    WHEN (NEW.updated_at IS NOT OLD.updated_at OR NEW.state IS NOT OLD.state
          OR NEW.attempts IS NOT OLD.attempts OR NEW.reason IS NOT OLD.reason
          OR NEW.next_attempt_at IS NOT OLD.next_attempt_at
          OR NEW.gateway_id IS NOT OLD.gateway_id OR NEW.link_id IS NOT OLD.link_id)
        AND NEW.updated_at IS NOT {_NOW}
    {_refuse("the store dates each change of an invitation")}
    """,
    f"""
    CREATE TRIGGER invitation_carries_its_own_link BEFORE UPDATE OF link_id ON invitation
    WHEN NEW.link_id IS NOT NULL AND NEW.link_id IS NOT OLD.link_id AND NOT EXISTS (
        SELECT 1 FROM link WHERE link_id = NEW.link_id AND session_id = NEW.session_id
            AND access_id = NEW.access_id AND purpose = 'invitation')
    {_refuse("an invitation carries an invitation link of its own person")}
    """,
    f"""
    CREATE TRIGGER invitations_kept BEFORE DELETE ON invitation
    {_refuse("an invitation cannot be deleted")}
    """,
    # A session's first invitations need no word of their own: its start says it all.
    f"""
    CREATE TRIGGER invitation_queued_recorded AFTER INSERT ON invitation
    BEGIN
        {
        _invitation_audit(
            "1",
            "invitation_queued",
            new_value="CASE NEW.resend WHEN 1 THEN 'resend' ELSE 'first' END",
        )
    }
        {_outcome_recorded("0")}
        INSERT INTO change_log (kind, subject) SELECT 'invitations', NEW.session_id
        WHERE NOT EXISTS (SELECT 1 FROM session_starting t JOIN sessions s ON s.id = t.session
                          WHERE s.session_id = NEW.session_id);
    END
    """,
    f"""
    CREATE TRIGGER invitation_outcome_recorded AFTER UPDATE OF state, attempts ON invitation
    WHEN NEW.state IS NOT OLD.state OR NEW.attempts IS NOT OLD.attempts
    BEGIN
        {_outcome_recorded("NEW.state = 'queued' AND NEW.attempts > OLD.attempts")}
        INSERT INTO change_log (kind, subject) VALUES ('invitations', NEW.session_id);
    END
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
SCHEMA_VERSION = len(MIGRATIONS)


# -- what the migrations make -------------------------------------------------------------

#: A schema as ``SqliteStore`` compares one: (type, name, table, SQL with each run of
#: whitespace as one space) of every entry of ``sqlite_master``.
Schema = frozenset[tuple[str, str, str, str]]


#: :func:`schema_digest` of what the migrations make, so that opening a store need not
#: replay them (about 6 ms of every command). ``test_the_schema_digest_is_the_migrations``
#: keeps it true, and prints the new value when a migration is added.
SCHEMA_DIGEST = "fa3fd8e2836f11f791985e47b650548c932c0b2c6726bf1157a118a88c0f9394"


def schema_of(db: sqlite3.Connection) -> Schema:
    rows = db.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master")
    return frozenset((t, n, tb, " ".join(sql.split())) for t, n, tb, sql in rows)


def schema_digest(schema: Schema) -> str:
    """SHA-256 of ``schema`` in a canonical order."""
    try:  # CPython's own SHA-256: hashlib loads OpenSSL first, 3-4 ms of every command
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:  # another Python, or a release that renamed it
        from hashlib import sha256
    digest: str = sha256(repr(sorted(schema)).encode()).hexdigest()
    return digest


def is_expected_schema(found: Schema) -> bool:
    """Whether ``found`` is exactly what the migrations make.

    The digest answers at once for the schema as this project's SQLite spells
    it; another SQLite release may spell a statement differently, so anything
    else is compared with a replay of the migrations.
    """
    return schema_digest(found) == SCHEMA_DIGEST or found == expected_schema()


@cache
def expected_schema() -> Schema:
    """What the migrations make with this process's SQLite, made in memory once."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    install_functions(db)
    try:
        migrate(db, 0)
        return schema_of(db)
    finally:
        db.close()


def migrate(db: sqlite3.Connection, current: int) -> None:
    """Run the migrations after version ``current`` on ``db`` (in the caller's transaction).

    Before version 6, ``collab_fresh_id()`` is given every ID the store
    holds, so the own IDs it draws for document participants are new and
    unique (the table's UNIQUE constraint would refuse a clash anyway).
    """
    for version in range(current, SCHEMA_VERSION):
        if version + 1 == 6:
            taken = {
                str(row[0])
                for row in db.execute(
                    "SELECT session_id FROM sessions UNION SELECT access_id FROM participants"
                )
            }
            db.create_function("collab_fresh_id", 0, _id_drawer(taken), deterministic=False)
        for statement in MIGRATIONS[version]:
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def install_functions(db: sqlite3.Connection) -> None:
    """Give ``db`` the SQL functions the schema's triggers call.

    ``collab_audit_hash(prev, …)`` is :func:`collab_console.core.audit.chain_hash`
    over :data:`HASHED_COLUMNS`; ``collab_mask_contact`` is
    :func:`collab_console.core.masking.mask_contact`; ``collab_fresh_id()``
    draws a random own ID (version 6's migration; :func:`migrate` gives it the
    IDs already taken). All are imported on first use, so a reader that writes
    nothing never loads them.
    """
    db.create_function(
        "collab_audit_hash", 1 + len(HASHED_COLUMNS), _audit_hash, deterministic=True
    )
    db.create_function("collab_mask_contact", 1, _mask_contact, deterministic=True)
    db.create_function("collab_fresh_id", 0, _id_drawer(set()), deterministic=False)


def _id_drawer(taken: set[str]) -> Callable[[], str]:
    """``collab_fresh_id()``: a random own ID (``core.domain.new_session_id``) not in ``taken``,
    which then holds it too."""

    def draw() -> str:
        from collab_console.core.domain import new_session_id

        while True:
            own_id = new_session_id()
            if own_id not in taken:
                taken.add(own_id)
                return own_id

    return draw


def _audit_hash(prev_hash: str, *content: object) -> str:
    from collab_console.core.audit import chain_hash

    return chain_hash(prev_hash, content)


def _mask_contact(contact: object) -> str | None:
    if contact is None:
        return None
    from collab_console.core.masking import mask_contact

    return mask_contact(str(contact))
