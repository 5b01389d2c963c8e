"""The embedded SQLite store defending itself: raw SQL, altered schemas, bad files and values.

These tests use the file the way an attacker or a careless tool would: a plain
``sqlite3`` connection, statements that try to get past the rules, flipped
bytes, removed triggers. What the store must do is in ``test_contract.py``.
"""

from __future__ import annotations

import random
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

import collab_console.store.sqlite as sqlite_store
from collab_console.core.audit import GENESIS, AuditBreak, AuditProgress, chain_hash
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.domain import SESSION_ID_PATTERN
from collab_console.core.events import SettingsChanged, StoreResynced
from collab_console.core.links import LinkPurpose, token_hash
from collab_console.core.settings import CopySettings
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.errors import (
    StoreAlteredError,
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    StoreTooNewError,
)
from collab_console.store.location import STORE_FILENAME
from collab_console.store.sqlite_schema import (
    MIGRATIONS,
    SCHEMA_DIGEST,
    SCHEMA_VERSION,
    expected_schema,
    install_functions,
    is_expected_schema,
    schema_digest,
)
from tests.store.admins import become_admin
from tests.tampering import tamper

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OUTSIDE = "unknown (outside Collab Console)"
NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"


def make_store(data_dir: Path) -> None:
    open_store(data_dir, create=True).close()


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def everything(store: Store) -> tuple[object, ...]:
    """All a user could see of a store, to show that a refused statement changed nothing."""
    sessions = store.list_sessions()
    return (
        store.load_settings(),
        store.audit_log(limit=1000),
        sessions,
        [store.get_session(s.session_id) for s in sessions],
    )


def url_on(store: Store) -> None:
    store.save_settings(
        store.load_settings().changed(
            actor="admin.ana", now=MONDAY, acknowledged=True, copy_session_url=True
        ),
        admin=become_admin(store, "admin.ana"),
    )


def assert_one_line(error: StoreError, store_file: Path) -> None:
    text = str(error)
    assert "\n" not in text
    assert str(store_file) in text
    assert text.endswith("."), "a message never ends mid-sentence"
    for sql in ("SELECT", "UPDATE", "INSERT", "CHECK (", "WHERE"):
        assert sql not in text, f"the message shows SQL: {text}"


# -- creating ----------------------------------------------------------------------------


def test_a_new_store_is_private_and_whole(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "data"

    make_store(folder)

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    store_file = folder / STORE_FILENAME
    assert stat.S_IMODE(store_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [STORE_FILENAME], "no half-made file left"
    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_others_can_read_is_made_private_and_said(data_dir: Path, store_file: Path) -> None:
    make_store(data_dir)
    data_dir.chmod(0o755)
    store_file.chmod(0o644)

    opened = open_store(data_dir)
    opened.close()

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(store_file.stat().st_mode) == 0o600
    assert len(opened.warnings) == 2
    assert all("readable by other accounts" in w for w in opened.warnings)


# -- files the store must not use, and must leave exactly as they are ---------------------


@pytest.mark.parametrize("how", ["open", "open-or-create", "read-only"])
@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param(b"", "empty file", id="0-bytes"),
        pytest.param(b"\x00", "not a Collab Console store", id="1-byte"),
        pytest.param(random.Random(7).randbytes(8192), "damaged", id="random-bytes"),
        pytest.param(b"name,phone\nDana Levi,+1 555 0100 200\n" * 50, "damaged", id="text"),
        pytest.param(b"SQLite format 3\x00" + bytes(range(256)) * 16, "damaged", id="junk"),
    ],
)
def test_a_file_that_is_not_a_store_is_reported_and_left_alone(
    data_dir: Path, store_file: Path, content: bytes, says: str, how: str
) -> None:
    store_file.write_bytes(content)

    with pytest.raises(StoreDamagedError, match=says) as caught:
        open_store(data_dir, create=how == "open-or-create", readonly=how == "read-only")

    assert folder_snapshot(data_dir) == {STORE_FILENAME: content}
    assert_one_line(caught.value, store_file)


def test_another_apps_sqlite_file_is_reported_and_left_alone(
    data_dir: Path, store_file: Path
) -> None:
    with closing(sqlite3.connect(store_file, isolation_level=None)) as other:
        other.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        other.execute("INSERT INTO contacts VALUES ('Dana Levi', '+1 555 0100 200')")
    before = folder_snapshot(data_dir)

    with pytest.raises(StoreDamagedError, match="not a Collab Console store"):
        open_store(data_dir, create=True)

    assert folder_snapshot(data_dir) == before


def test_a_store_from_a_newer_version_is_reported_and_left_alone(
    data_dir: Path, store_file: Path
) -> None:
    make_store(data_dir)
    with closing(sqlite3.connect(store_file, isolation_level=None)) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = folder_snapshot(data_dir)

    with pytest.raises(StoreTooNewError, match=f"schema {SCHEMA_VERSION + 1}"):
        open_store(data_dir)

    assert folder_snapshot(data_dir) == before


def test_a_missing_store_is_reported_and_not_created(tmp_path: Path) -> None:
    nowhere = tmp_path / "no-such-folder"

    with pytest.raises(StoreMissingError, match="--data-dir"):
        open_store(nowhere)
    with pytest.raises(StoreMissingError):
        open_store(nowhere, create=True, readonly=True)

    assert not nowhere.exists()


def test_reading_only_writes_nothing(demo_store: Store, data_dir: Path) -> None:
    demo_store.close()
    before = folder_snapshot(data_dir)

    reader = open_store(data_dir, readonly=True)
    try:
        assert reader.load_settings().copy_session_id is True
        assert len(reader.list_sessions()) == 2
        with pytest.raises(StoreError, match="read-only"):
            reader.end_session(DEMO_ACTIVE_ID, MONDAY, actor="agent.kai")
    finally:
        reader.close()

    assert folder_snapshot(data_dir) == before


def test_a_locked_store_refuses_to_save_and_keeps_its_data(
    store: Store, data_dir: Path, raw: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 100)
    second = open_store(data_dir)
    try:
        ana = become_admin(second, "admin.ana")
        before = second.load_settings()
        change = before.changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
        raw.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreLockedError, match="locked by another program"):
                second.save_settings(change, admin=ana)
        finally:
            raw.execute("ROLLBACK")

        assert second.load_settings() == before
        assert second.save_settings(change, admin=ana).settings.copy_session_id, "works unlocked"
    finally:
        second.close()


def test_a_folder_in_place_of_the_store_file_is_reported(data_dir: Path, store_file: Path) -> None:
    store_file.mkdir()

    with pytest.raises(StoreError, match="is a folder, not a store file"):
        open_store(data_dir, create=True)

    assert list(store_file.iterdir()) == []


# -- rules the database keeps, whoever writes ----------------------------------------------

ATTACKS = [
    pytest.param("UPDATE setting SET value = 'on' WHERE key = 'copy_session_url'", id="url-on"),
    pytest.param(
        "INSERT OR REPLACE INTO setting VALUES ('copy_session_url', 'bool', 1, 'on')",
        id="insert-or-replace-url-on",
    ),
    pytest.param(
        "REPLACE INTO setting VALUES ('copy_session_url', 'bool', 0, 'on')",
        id="replace-not-sensitive",
    ),
    pytest.param(
        "INSERT INTO setting VALUES ('copy_session_url', 'bool', 1, 'off')"
        " ON CONFLICT (key) DO UPDATE SET value = 'on'",
        id="upsert-url-on",
    ),
    pytest.param(
        "UPDATE setting SET sensitive = 0 WHERE key = 'copy_session_url'", id="unmark-sensitive"
    ),
    pytest.param("DELETE FROM setting WHERE key = 'copy_session_url'", id="delete-setting"),
    pytest.param(
        "UPDATE setting SET value = 'maybe' WHERE key = 'copy_session_id'", id="bool-garbage"
    ),
    pytest.param(
        "INSERT OR REPLACE INTO acknowledgement VALUES ('copy_session_id', 'x', '2026', 1)",
        id="ack-not-sensitive",
    ),
    pytest.param("DELETE FROM policy", id="delete-policy"),
    pytest.param(
        "INSERT OR REPLACE INTO policy VALUES (1, 1, 'dba', '2026-01-01T00:00:00+00:00')",
        id="replace-policy",
    ),
    pytest.param("UPDATE policy SET version = 1, updated_by = 'dba'", id="rewind-version"),
    pytest.param("UPDATE audit SET actor = 'someone else'", id="edit-audit"),
    pytest.param("DELETE FROM audit", id="delete-audit"),
    pytest.param(
        "INSERT OR REPLACE INTO audit SELECT id, at, kind, 'someone else', actor_role,"
        " session_id, participant_id, detail, old_value, new_value, warning_version, contact,"
        " result, prev_hash, hash FROM audit LIMIT 1",
        id="replace-audit",
    ),
    pytest.param(
        "INSERT INTO audit (id, at, kind, actor, actor_role, prev_hash, hash)"
        " SELECT id + 1, at, 'copy', 'dba', 'agent', hash, hash FROM audit"
        " ORDER BY id DESC LIMIT 1",
        id="forged-audit",
    ),
    pytest.param(
        "INSERT INTO audit (id, at, kind, actor, actor_role, prev_hash, hash)"
        " SELECT id + 1, '2020-01-01T00:00:00.000+00:00', 'copy', 'dba', 'agent', hash,"
        " collab_audit_hash(hash, id + 1, '2020-01-01T00:00:00.000+00:00', 'copy', 'dba',"
        " 'agent', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
        " FROM audit ORDER BY id DESC LIMIT 1",
        id="backdated-audit",
    ),
    pytest.param(
        "UPDATE setting SET value = 'off' WHERE key = 'copy_session_id'", id="no-admin-writer"
    ),
    pytest.param(
        "INSERT INTO admin VALUES ('mallory', 'scrypt$1', '2026', 'mallory', '2026')",
        id="admin-made-up",
    ),
    pytest.param(
        "UPDATE sessions SET state = 'active', ended_at = NULL"
        f" WHERE session_id = '{DEMO_ENDED_ID}'",
        id="reopen",
    ),
    pytest.param(
        "INSERT OR REPLACE INTO sessions (id, session_id, state, invite_status, created_at)"
        f" SELECT id, session_id, 'active', invite_status, created_at FROM sessions"
        f" WHERE session_id = '{DEMO_ENDED_ID}'",
        id="insert-or-replace-reopen",
    ),
    pytest.param(
        "REPLACE INTO sessions (session_id, state, invite_status, created_at)"
        f" VALUES ('{DEMO_ENDED_ID}', 'active', 'pending', '2026-03-04T09:30:00+00:00')",
        id="replace-reopen",
    ),
    pytest.param(
        "INSERT INTO sessions (session_id, state, invite_status, created_at)"
        f" VALUES ('{DEMO_ENDED_ID}', 'active', 'pending', '2026-03-04T09:30:00+00:00')"
        " ON CONFLICT (session_id) DO UPDATE SET state = 'active', ended_at = NULL",
        id="upsert-reopen",
    ),
    pytest.param(f"DELETE FROM sessions WHERE session_id = '{DEMO_ENDED_ID}'", id="delete-session"),
    pytest.param(
        "UPDATE participants SET access_id = '7QKM-92HX-P2' WHERE position = 2",
        id="derivable-own-id",
    ),
    pytest.param(
        "REPLACE INTO participants SELECT session, position, name, 'AAAA-AAAA', contact"
        " FROM participants WHERE position = 1",
        id="replace-own-id",
    ),
    pytest.param(
        "INSERT INTO participants SELECT session, 9, 'Mallory', session_id, ''"
        " FROM participants JOIN sessions ON sessions.id = session WHERE position = 0 LIMIT 1",
        id="someone-else-with-the-session-id",
    ),
    pytest.param(
        f"UPDATE sessions SET agent = 'Mallory' WHERE session_id = '{DEMO_ACTIVE_ID}'",
        id="another-agent",
    ),
]


@pytest.mark.parametrize("statement", ATTACKS)
def test_raw_sql_cannot_get_past_the_rules(
    demo_store: Store, raw: sqlite3.Connection, statement: str
) -> None:
    before = everything(demo_store)

    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(statement)

    assert everything(demo_store) == before
    assert demo_store.load_settings().copy_session_url is False


@contextmanager
def writing_as(raw: sqlite3.Connection, name: str, role: str) -> Iterator[None]:
    """A raw transaction whose writer claims to be ``name`` in ``role``, rolled back after."""
    raw.execute("BEGIN")
    try:
        raw.execute("INSERT INTO writer (id, name, role) VALUES (1, ?, ?)", (name, role))
        yield
    finally:
        raw.execute("ROLLBACK")


def assert_refused(
    raw: sqlite3.Connection, writer: tuple[str, str] | None, statement: str, says: str
) -> None:
    """``statement`` is refused with ``says``: run bare, or as ``writer`` (name, role)."""
    if writer is None:
        with pytest.raises(sqlite3.IntegrityError, match=says):
            raw.execute(statement)
    else:
        with writing_as(raw, *writer), pytest.raises(sqlite3.IntegrityError, match=says):
            raw.execute(statement)


def test_the_acknowledgement_of_url_copy_that_is_on_cannot_be_removed(
    demo_store: Store, raw: sqlite3.Connection
) -> None:
    url_on(demo_store)
    before = everything(demo_store)

    with (
        writing_as(raw, "admin.ana", "admin"),
        pytest.raises(sqlite3.IntegrityError, match="cannot be removed"),
    ):
        raw.execute("DELETE FROM acknowledgement")

    assert everything(demo_store) == before


ADMIN_ATTACKS = [
    pytest.param(
        None,
        "UPDATE setting SET value = 'off' WHERE key = 'copy_session_id'",
        "only an admin can change",
        id="settings-from-outside",
    ),
    pytest.param(
        ("agent.kai", "agent"),
        "UPDATE setting SET value = 'off' WHERE key = 'copy_session_id'",
        "only an admin can change",
        id="settings-by-an-agent",
    ),
    pytest.param(
        ("agent.kai", "agent"),
        "UPDATE policy SET version = version + 1",
        "only an admin can change",
        id="policy-by-an-agent",
    ),
    pytest.param(
        ("admin.ana", "agent"),
        "UPDATE setting SET value = 'off' WHERE key = 'copy_session_id'",
        "only an admin can change",
        id="an-admin-acting-as-agent",
    ),
    pytest.param(
        ("agent.kai", "agent"),
        "UPDATE writer SET role = 'admin'",
        "cannot be changed",
        id="promoted-writer",
    ),
    pytest.param(
        None,
        "INSERT INTO writer (id, name, role) VALUES (1, 'mallory', 'admin')",
        "only an admin can write as one",
        id="made-up-admin-writer",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        "INSERT INTO acknowledgement VALUES"
        " ('copy_session_url', 'ciso.jane', '2026-03-02T09:00:00+00:00', 1)",
        "in their own name",
        id="acknowledged-in-another-name",
    ),
    pytest.param(
        None,
        f"INSERT INTO admin VALUES ('mallory', 'scrypt$1', {NOW_SQL}, '{OUTSIDE}', {NOW_SQL})",
        "only an admin can add",
        id="admin-from-outside",
    ),
    pytest.param(
        ("agent.kai", "agent"),
        f"INSERT INTO admin VALUES ('mallory', 'scrypt$1', {NOW_SQL}, 'agent.kai', {NOW_SQL})",
        "only an admin can add",
        id="admin-by-an-agent",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        f"REPLACE INTO admin VALUES ('admin.ben', 'scrypt$1', {NOW_SQL}, 'admin.ana', {NOW_SQL})",
        "already an admin",
        id="admin-replaced",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        "INSERT INTO admin VALUES ('carol', 'scrypt$1',"
        " '2020-01-01T00:00:00.000+00:00', 'admin.ana', '2020-01-01T00:00:00.000+00:00')",
        "records who added an admin",
        id="admin-backdated",
    ),
    pytest.param(
        ("agent.kai", "agent"),
        "DELETE FROM admin WHERE name = 'admin.ben'",
        "only an admin can remove",
        id="admin-removed-by-an-agent",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        "DELETE FROM admin",
        "last admin cannot be removed",
        id="every-admin-removed",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        "UPDATE admin SET passphrase_hash = 'scrypt$mine',"
        f" changed_at = {NOW_SQL} WHERE name = 'admin.ben'",
        "only their own passphrase",
        id="another-s-passphrase",
    ),
    pytest.param(
        ("admin.ana", "admin"),
        "UPDATE admin SET name = 'root' WHERE name = 'admin.ana'",
        "cannot change",
        id="admin-renamed",
    ),
]


@pytest.mark.parametrize(("writer", "statement", "says"), ADMIN_ATTACKS)
def test_raw_sql_cannot_get_past_the_admin_rules(
    demo_store: Store,
    raw: sqlite3.Connection,
    writer: tuple[str, str] | None,
    statement: str,
    says: str,
) -> None:
    become_admin(demo_store, "admin.ana")
    become_admin(demo_store, "admin.ben")
    before = (everything(demo_store), demo_store.list_admins())

    assert_refused(raw, writer, statement, says)

    assert (everything(demo_store), demo_store.list_admins()) == before


def test_a_tool_without_the_app_s_functions_cannot_write_what_is_audited(
    demo_store: Store, store_file: Path
) -> None:
    url_on(demo_store)
    before = everything(demo_store)

    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        for statement in (
            "UPDATE setting SET value = 'off' WHERE key = 'copy_session_url'",
            f"UPDATE sessions SET state = 'ended' WHERE session_id = '{DEMO_ACTIVE_ID}'",
            "INSERT INTO audit_append (kind) VALUES ('copy')",
        ):
            with pytest.raises(sqlite3.OperationalError, match="no such function: collab_"):
                tool.execute(statement)

    assert everything(demo_store) == before


def test_a_raw_change_in_an_admin_s_name_lands_as_theirs_the_embedded_store_s_limit(
    demo_store: Store, raw: sqlite3.Connection
) -> None:
    """Whoever can write the file, and names an admin, can change the policy (README).

    The change is still audited, chained and dated by the store; the
    organisation mode (PostgreSQL roles, a later issue) closes this.
    """
    url_on(demo_store)
    version = demo_store.load_settings().version

    raw.execute("BEGIN")
    raw.execute("INSERT INTO writer (id, name, role) VALUES (1, 'admin.ana', 'admin')")
    raw.execute("UPDATE setting SET value = 'off' WHERE key = 'copy_session_url'")
    raw.execute("DELETE FROM writer")
    raw.execute("COMMIT")

    latest = demo_store.audit_log(limit=1)[0]
    assert (latest.actor, latest.actor_role, latest.detail, latest.old_value, latest.new_value) == (
        "admin.ana",
        "admin",
        "copy_session_url",
        "on",
        "off",
    )
    settings = demo_store.load_settings()
    assert settings.version == version + 1, "a stale save from the app would now be refused"
    assert settings.acknowledgements == {}
    assert demo_store.verify_audit() is None


# -- a schema whose rules were removed ----------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER sensitive_setting_needs_acknowledgement",
        "DROP TRIGGER audit_no_delete",
        "DROP TRIGGER ended_sessions_stay_ended",
        "DROP TRIGGER sessions_not_replaced",
        "CREATE TRIGGER sneaky AFTER INSERT ON audit BEGIN DELETE FROM change_log; END",
        "CREATE TABLE notes (text TEXT)",
        "CREATE INDEX by_name ON participants (name)",
        "DROP TRIGGER audit_entry_chained",
        "DROP TRIGGER setting_changed_by_an_admin",
        "DROP TRIGGER own_passphrase_only",
        "DROP INDEX audit_by_kind",
        "DROP TRIGGER link_stays_revoked",
        "DROP TRIGGER link_made_as_the_settings_say",
        "DROP TRIGGER lobby_unlocked_by_an_agent",
        "DROP TRIGGER invitation_moves_forward",
        "DROP TRIGGER session_starting_only_while_empty",
    ],
    ids=[
        "ack-rule",
        "audit-rule",
        "ended-rule",
        "replace-rule",
        "added-trigger",
        "table",
        "index",
        "chain-rule",
        "admin-only-rule",
        "own-passphrase-rule",
        "audit-index",
        "revoked-rule",
        "expiry-rule",
        "unlock-rule",
        "forward-only-rule",
        "starting-rule",
    ],
)
def test_a_store_whose_schema_was_altered_is_reported_and_not_used(
    demo_store: Store, data_dir: Path, store_file: Path, statement: str
) -> None:
    demo_store.close()
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        tool.execute(statement)
    before = folder_snapshot(data_dir)

    for readonly in (False, True):
        with pytest.raises(StoreAlteredError, match="altered outside Collab Console") as caught:
            open_store(data_dir, readonly=readonly)
        assert_one_line(caught.value, store_file)

    assert folder_snapshot(data_dir) == before


def test_the_schema_digest_is_the_migrations() -> None:
    """Opening a store trusts SCHEMA_DIGEST instead of replaying the migrations."""
    replayed = schema_digest(expected_schema())
    assert replayed == SCHEMA_DIGEST, (
        f"the migrations changed: set SCHEMA_DIGEST in sqlite_schema.py to {replayed!r}"
    )


def test_a_schema_spelled_otherwise_is_checked_against_a_replay() -> None:
    """Another SQLite may spell the same schema differently; only the replay decides."""
    made = expected_schema()
    respelled = frozenset((kind, name, table, sql.lower()) for kind, name, table, sql in made)

    assert is_expected_schema(made)
    assert not is_expected_schema(respelled), "not the schema, whatever its digest"
    assert not is_expected_schema(made - {next(iter(made))})


def test_a_changed_trigger_body_is_seen(demo_store: Store, store_file: Path) -> None:
    """Same name, a rule that no longer bites: still not the schema the app made."""
    demo_store.close()
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        tool.execute("DROP TRIGGER audit_no_delete")
        tool.execute(
            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit WHEN 0"
            " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )

    with pytest.raises(StoreAlteredError, match="trigger audit_no_delete was changed"):
        open_store(store_file.parent)


# -- values inside valid rows that the app must not trust ---------------------------------


BAD_VALUES = [
    pytest.param("settings", "DELETE FROM policy", "no settings row", id="no-settings-row"),
    pytest.param(
        "settings", "DELETE FROM setting WHERE key = 'copy_session_id'", "no value", id="no-value"
    ),
    pytest.param(
        "settings",
        "INSERT INTO setting VALUES ('copy_everything', 'bool', 0, 'on')",
        "unknown",
        id="unknown-setting",
    ),
    pytest.param(
        "settings",
        "UPDATE setting SET value = 'yes' WHERE key = 'copy_session_id'",
        "not on or off",
        id="bool-word",
    ),
    pytest.param(
        "settings",
        "UPDATE setting SET value = 'https://collab.exаmple.com/' WHERE key = 'session_url_base'",
        "URL base",
        id="look-alike-url-base",
    ),
    pytest.param(
        "settings",
        "UPDATE setting SET value = 'on' WHERE key = 'copy_session_url'",
        "acknowledg",
        id="url-on-without-ack",
    ),
    pytest.param(
        "settings",
        "UPDATE setting SET value = 'on' WHERE key = 'copy_session_url';"
        "INSERT INTO acknowledgement VALUES ('copy_session_url', '\u200b', "
        "'2026-03-02T09:00:00+00:00', 1)",
        "acknowledged",
        id="invisible-acknowledger",
    ),
    pytest.param(
        "settings",
        "UPDATE setting SET value = 'on' WHERE key = 'copy_session_url';"
        "INSERT INTO acknowledgement VALUES ('copy_session_url', 'dba', 'yesterday', 1)",
        "not a time",
        id="malformed-ack-time",
    ),
    pytest.param(
        "settings",
        "UPDATE policy SET updated_at = '2026-13-45'",
        "not a time",
        id="malformed-update-time",
    ),
    pytest.param("settings", "UPDATE policy SET version = 0", "version", id="version-0"),
    pytest.param(
        "sessions",
        "UPDATE sessions SET created_at = 'last Tuesday'",
        "not a time",
        id="malformed-start",
    ),
    pytest.param(
        "sessions", "UPDATE participants SET name = ' ' WHERE position = 0", "name", id="blank-name"
    ),
    pytest.param(
        "sessions", "DELETE FROM participants WHERE position = 0", "no customer", id="no-customer"
    ),
    pytest.param("sessions", "UPDATE sessions SET demo = 7", "demo", id="demo-mark"),
    pytest.param(
        "sessions",
        f"UPDATE sessions SET session_id = 'ﬀﬀ-ﬀﬀ' WHERE session_id = '{DEMO_ACTIVE_ID}'",
        "Session ID",
        id="compatibility-id",
    ),
    pytest.param(
        "session",
        "UPDATE participants SET access_id = access_id || 'X'",
        "own ID",
        id="wrong-own-id",
    ),
    pytest.param(
        "session",
        "UPDATE participants SET contact = 'not a phone' WHERE position = 0",
        "phone",
        id="bad-contact",
    ),
]


@pytest.mark.parametrize(("read", "statements", "says"), BAD_VALUES)
def test_a_bad_value_inside_a_valid_row_is_reported_not_trusted(
    demo_store: Store, store_file: Path, read: str, statements: str, says: str
) -> None:
    demo_store.close()
    tamper(store_file, *statements.split(";"))

    reopened = open_store(store_file.parent, readonly=True)
    reading = {
        "settings": reopened.load_settings,
        "sessions": reopened.list_sessions,
        "session": lambda: reopened.get_session(DEMO_ACTIVE_ID),
    }[read]
    try:
        with pytest.raises(StoreDamagedError, match=says) as caught:
            reading()
    finally:
        reopened.close()

    assert_one_line(caught.value, store_file)


def test_the_store_file_holds_no_session_url(demo_store: Store, store_file: Path) -> None:
    """Whoever copies the file finds no link to any session: no URL base plus an ID."""
    url_on(demo_store)
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    demo_store.close()
    data = store_file.read_bytes()

    for person in session.everyone:
        assert f"/join/{person.access_id}".encode() not in data
        assert f"{DEMO_ACTIVE_ID}-P".encode() not in data, "no own ID derived from another"


# -- the audit chain catches what got past the rules ----------------------------------------


@pytest.fixture
def busy_store(demo_store: Store) -> Store:
    """The demo store after an admin turned URL copy on, a copy and an ended session."""
    url_on(demo_store)
    grace = demo_store.get_session(DEMO_ACTIVE_ID).find("Grace Kim")
    demo_store.record_copy(
        CopyRecord(DEMO_ACTIVE_ID, grace.access_id, CopyAction.URL, "agent.kai", grace.contact)
    )
    demo_store.end_session(DEMO_ACTIVE_ID, MONDAY, actor="agent.kai")
    assert demo_store.verify_audit() is None
    return demo_store


def reopened_break(store_file: Path) -> AuditBreak | None:
    reopened = open_store(store_file.parent, readonly=True)
    try:
        return reopened.verify_audit()
    finally:
        reopened.close()


#: Raw edits of the trail: (statement, the first entry found wrong, what the break says).
RAW_EDITS = [
    pytest.param(
        "UPDATE audit SET actor = 'someone else' WHERE id = 3", 3, "does not match", id="edit"
    ),
    pytest.param(
        "UPDATE audit SET detail = 'id' WHERE kind = 'copy'",
        None,
        "does not match",
        id="what-was-copied",
    ),
    pytest.param(
        "UPDATE audit SET at = '2020-01-01T00:00:00.000+00:00' WHERE id = 2",
        2,
        "does not match",
        id="backdate",
    ),
    pytest.param("DELETE FROM audit WHERE id = 4", 4, "is missing", id="delete-one"),
    pytest.param(
        "DELETE FROM audit WHERE kind = 'unlock'", None, "is missing", id="delete-unlocks"
    ),
    pytest.param(
        "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
        "last",
        "is missing",
        id="delete-the-last",
    ),
    pytest.param(
        "INSERT INTO audit SELECT id + 1, at, 'copy', 'agent.kai', 'agent', session_id,"
        " session_id, 'url', NULL, NULL, NULL, NULL, NULL, hash, hash"
        " FROM audit ORDER BY id DESC LIMIT 1",
        "after-last",
        "does not match",
        id="forged-entry",
    ),
    pytest.param("UPDATE audit SET id = id + 1000 WHERE id = 5", 5, "is missing", id="renumbered"),
]


@pytest.mark.parametrize(("statement", "seq", "says"), RAW_EDITS)
def test_raw_edits_of_the_audit_trail_are_caught_by_verify(
    busy_store: Store, store_file: Path, statement: str, seq: int | str | None, says: str
) -> None:
    """With the triggers dropped and put back exactly (so the schema check passes)."""
    entries = list(reversed(busy_store.audit_log(limit=1000)))
    busy_store.close()

    tamper(store_file, statement)
    found = reopened_break(store_file)

    assert found is not None, "the chain must not match any more"
    assert says in found.reason
    where = {"last": len(entries), "after-last": len(entries) + 1}
    if seq is not None:
        assert found.seq == where.get(str(seq), seq), found
    assert found.message.startswith(f"the audit trail was altered: entry #{found.seq} ")


@pytest.mark.parametrize("size", [1, 2, 3])
@pytest.mark.parametrize(("statement", "seq", "says"), RAW_EDITS)
def test_raw_edits_are_caught_slice_by_slice_wherever_the_slices_end(
    busy_store: Store, store_file: Path, statement: str, seq: int | str | None, says: str, size: int
) -> None:
    """As the console checks: the break is found in whichever slice holds it, the slices
    before it pass, and the whole check (``verify_audit``) finds the same."""
    busy_store.close()
    tamper(store_file, statement)
    reopened = open_store(store_file.parent, readonly=True)
    try:
        whole = reopened.verify_audit()
        progress, slices = AuditProgress(0, GENESIS, at_end=False), 0
        while not progress.finished:
            before = progress
            progress = reopened.verify_audit_slice(before.last_seq, before.last_hash, size)
            slices += 1
            assert progress.last_seq >= before.last_seq
    finally:
        reopened.close()

    assert progress.found is not None
    assert progress.found == whole
    assert says in progress.found.reason
    assert progress.last_seq == progress.found.seq - 1, "every entry before the break matched"
    assert slices >= progress.found.seq // size


def test_a_rewritten_history_with_every_hash_recomputed_changes_the_newest_hash(
    busy_store: Store, store_file: Path
) -> None:
    """The chain has no secret: a full rewrite verifies again, but its newest hash differs.

    That is why ``audit verify`` prints the newest hash: kept elsewhere, it
    tells a rewritten history from the one that was.
    """
    head = busy_store.audit_log(limit=1)[0].hash
    busy_store.close()
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        rows = tool.execute("SELECT * FROM audit ORDER BY id").fetchall()
    rewritten, prev = [], GENESIS
    for row in rows:
        content = list(row[:13])
        if content[2] == "copy":
            content[3] = "someone else"
        digest = chain_hash(prev, content)
        rewritten.append((*content, prev, digest))
        prev = digest
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        triggers = tool.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall()
        tool.execute("BEGIN")
        for name, _ in triggers:
            tool.execute(f"DROP TRIGGER {name}")
        tool.execute("DELETE FROM audit")
        tool.executemany(f"INSERT INTO audit VALUES ({', '.join('?' * 15)})", rewritten)
        for _, sql in triggers:
            tool.execute(sql)
        tool.execute("COMMIT")

    reopened = open_store(store_file.parent, readonly=True)
    try:
        assert reopened.verify_audit() is None
        assert reopened.audit_log(limit=1)[0].hash != head
    finally:
        reopened.close()


def test_an_entry_changed_beyond_reading_is_reported_by_its_number(
    busy_store: Store, store_file: Path
) -> None:
    busy_store.close()
    tamper(store_file, "UPDATE audit SET kind = 'coffee', at = 'yesterday' WHERE id = 2")

    found = reopened_break(store_file)

    assert found is not None
    assert (found.seq, found.entry) == (2, None)
    assert found.message == (
        "the audit trail was altered: entry #2 does not match its hash (it was changed)"
    )


# -- migrating from version 1 --------------------------------------------------------------


def test_a_version_1_store_is_upgraded_with_its_settings_audit_and_sessions(
    data_dir: Path, store_file: Path
) -> None:
    with closing(sqlite3.connect(store_file, isolation_level=None)) as v1:
        v1.execute("PRAGMA journal_mode = WAL")
        for statement in MIGRATIONS[0]:
            v1.execute(statement)
        v1.execute("PRAGMA user_version = 1")
        v1.execute(
            "UPDATE settings SET copy_session_id = 1, copy_session_url = 1,"
            " url_ack_by = 'admin.ana', url_ack_at = '2026-03-02T09:00:00.000000+00:00',"
            " url_ack_warning_version = 1, updated_by = 'admin.ana',"
            " updated_at = '2026-03-02T09:00:00.000000+00:00'"
        )
        v1.execute(
            "INSERT INTO sessions (session_id, state, invite_status, created_at)"
            " VALUES ('7QKM-92HX', 'active', 'sms_blocked', '2026-03-04T09:30:00.000000+00:00')"
        )
        v1.execute(
            "INSERT INTO participants VALUES (1, 0, 'Dana Levi', '7QKM-92HX',"
            " 'https://collab.example.com/join/7QKM-92HX', '+1 555 0100 200')"
        )

    upgraded = open_store(data_dir)
    try:
        settings = upgraded.load_settings()
        audit = upgraded.audit_log()
        session = upgraded.get_session("7QKM-92HX")
        intact = upgraded.verify_audit()
    finally:
        upgraded.close()

    assert intact is None
    assert (settings.copy_session_id, settings.copy_session_url) == (True, True)
    assert settings.url_acknowledgement is not None
    assert settings.url_acknowledgement.by == "admin.ana"
    assert [(e.kind, e.subject) for e in reversed(audit)] == [
        ("setting", "copy_session_id"),
        ("setting", "copy_session_url"),
        ("acknowledgement", "copy_session_url"),
    ]
    assert [e.at for e in audit] == [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)] * 3
    assert session.customer.name == "Dana Levi"
    assert not session.demo
    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_version_4_audit_trail_is_carried_over_in_order_and_chained(
    data_dir: Path, store_file: Path
) -> None:
    with closing(sqlite3.connect(store_file, isolation_level=None)) as v4:
        for statements in MIGRATIONS[:4]:
            for statement in statements:
                v4.execute(statement)
        v4.execute("PRAGMA user_version = 4")
        for statement in (
            "INSERT INTO writer (id, name) VALUES (1, 'admin.ana')",
            "UPDATE setting SET value = 'on' WHERE key = 'copy_session_id'",
            "INSERT INTO acknowledgement VALUES"
            " ('copy_session_url', 'admin.ana', '2026-03-02T09:00:00.000000+00:00', 1)",
            "UPDATE setting SET value = 'on' WHERE key = 'copy_session_url'",
            "DELETE FROM writer",
            "INSERT INTO writer (id, name) VALUES (1, 'agent.kai')",
            "INSERT INTO sessions (session_id, state, invite_status, created_at)"
            " VALUES ('7QKM-92HX', 'active', 'sms_blocked', '2026-03-04T09:30:00.000000+00:00')",
            "INSERT INTO participants VALUES (1, 0, 'Dana Levi', '7QKM-92HX',"
            " 'https://collab.example.com/join/7QKM-92HX', '+1 555 0100 200')",
            "INSERT INTO participants VALUES (1, 1, 'Grace Kim', '7QKM-92HX-P1',"
            " 'https://collab.example.com/join/7QKM-92HX-P1', 'grace.kim@example.org')",
            "INSERT INTO audit (actor, kind, subject, new_value)"
            " VALUES ('agent.kai', 'copy', '7QKM-92HX / 7QKM-92HX-P1', 'url')",
            "UPDATE sessions SET state = 'ended', ended_at = '2026-03-04T10:00:00.000000+00:00'",
            "DELETE FROM writer",
        ):
            v4.execute(statement)
        before = v4.execute("SELECT at, actor, kind, subject FROM audit ORDER BY id").fetchall()

    upgraded = open_store(data_dir)
    try:
        entries = list(reversed(upgraded.audit_log()))
        intact = upgraded.verify_audit()
        upgraded.record_copy(CopyRecord("7QKM-92HX", "7QKM-92HX", CopyAction.ID, "agent.kai"))
        still_intact = upgraded.verify_audit()
    finally:
        upgraded.close()

    assert [(e.stamp, e.actor, e.kind, e.subject) for e in entries[:6]] == before
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6, 7]
    renamed = entries[6]
    assert (renamed.kind, renamed.actor, renamed.session_id, renamed.old_value) == (
        "participant_id_changed",
        "Collab Console upgrade",
        "7QKM-92HX",
        "7QKM-92HX-P1",
    ), "version 6 gives Grace an own ID of her own, and says which one replaced which"
    assert {e.actor_role for e in entries} == {"unknown"}, "roles were not recorded before"
    ack = next(e for e in entries if e.kind == "acknowledgement")
    assert ack.warning_version == 1
    copy = next(e for e in entries if e.kind == "copy")
    assert (copy.session_id, copy.participant_id, copy.detail, copy.new_value) == (
        "7QKM-92HX",
        "7QKM-92HX-P1",
        "url",
        None,
    )
    assert renamed.participant_id == renamed.new_value != "7QKM-92HX-P1"
    assert intact is None
    assert still_intact is None


# -- links and the lobby: rules raw SQL cannot get past ------------------------------------

OMAR, GRACE = DEMO_PARTICIPANT_IDS[:2]
#: A token whose hash an attacker knows, because they made the token.
KNOWN_TOKEN = "A" * 24
KNOWN = token_hash(KNOWN_TOKEN)
VISITOR = ("203.0.113.5", "visitor")
AGENT = ("agent.kai", "agent")
_RAW_LINK = (
    "INSERT INTO link (link_id, token_hash, session_id, access_id, purpose, made_by, made_at,"
    " expires_at, first_join_only) VALUES ('L-AAAAAAAA', '{known}', '{sid}', '{pid}', '{purpose}',"
    " '{by}', {made_at}, {expires}, 0)"
)


def raw_link(
    *,
    by: str = "agent.kai",
    purpose: str = "invitation",
    made_at: str = NOW_SQL,
    expires: str = "NULL",
    tail: str = "",
) -> str:
    statement = _RAW_LINK.format(
        known=KNOWN,
        sid=DEMO_ACTIVE_ID,
        pid=OMAR,
        purpose=purpose,
        by=by,
        made_at=made_at,
        expires=expires,
    )
    return statement + tail


@pytest.fixture
def linked_store(demo_store: Store) -> Store:
    """The demo store with links made, revoked, used and reused, a request waiting, and its
    lobby then locked by the agent."""
    when = datetime.now(UTC)
    used, _ = demo_store.mint_link(
        DEMO_ACTIVE_ID, OMAR, purpose=LinkPurpose.COPY, actor="agent.kai", now=when
    )
    demo_store.mint_link(
        DEMO_ACTIVE_ID, GRACE, purpose=LinkPurpose.COPY, actor="agent.kai", now=when
    )
    demo_store.regenerate_links(DEMO_ACTIVE_ID, GRACE, actor="agent.kai", now=when)
    token = used.url.rsplit("/", 1)[1]
    demo_store.redeem_link(token, browser="a" * 64, address="203.0.113.5", now=when)
    demo_store.redeem_link(token, browser="b" * 64, address="203.0.113.6", now=when)
    demo_store.set_lobby_locked(DEMO_ACTIVE_ID, True, actor="agent.kai", now=when)
    return demo_store


def stored_links(store: Store) -> tuple[object, ...]:
    return (
        everything(store),
        store.list_links(DEMO_ACTIVE_ID),
        store.join_requests(DEMO_ACTIVE_ID),
        store.lobby_locked(DEMO_ACTIVE_ID),
        store.browser_status("a" * 64),
        store.browser_status("b" * 64),
    )


LINK_ATTACKS = [
    pytest.param(
        None,
        "UPDATE link SET revoked_at = NULL, revoked_by = NULL WHERE revoked_at IS NOT NULL",
        "stays revoked",
        id="un-revoke",
    ),
    pytest.param(
        AGENT,
        "UPDATE link SET revoked_at = NULL, revoked_by = NULL WHERE revoked_at IS NOT NULL",
        "stays revoked",
        id="un-revoke-as-an-agent",
    ),
    pytest.param(
        AGENT,
        "UPDATE link SET expires_at = '2099-01-01T00:00:00.000+00:00'",
        "cannot change",
        id="extend-expiry",
    ),
    pytest.param(None, "UPDATE link SET expires_at = NULL", "cannot change", id="never-expire"),
    pytest.param(
        AGENT, f"UPDATE link SET token_hash = '{KNOWN}'", "cannot change", id="known-token-hash"
    ),
    pytest.param(AGENT, f"UPDATE link SET access_id = '{GRACE}'", "cannot change", id="link-moved"),
    pytest.param(
        AGENT, "UPDATE link SET first_join_only = 0", "cannot change", id="reusable-again"
    ),
    pytest.param(None, raw_link(), "made by Collab Console", id="link-from-outside"),
    pytest.param(VISITOR, raw_link(by="203.0.113.5"), "made by Collab Console", id="by-a-browser"),
    pytest.param(
        AGENT, raw_link(by="agent.lee"), "made by Collab Console", id="in-another-agent-s-name"
    ),
    pytest.param(
        AGENT,
        raw_link(made_at="'2020-01-01T00:00:00.000+00:00'"),
        "settings say",
        id="backdated-link",
    ),
    pytest.param(AGENT, raw_link(purpose="copy"), "settings say", id="copy-without-expiry"),
    pytest.param(
        AGENT,
        raw_link(
            purpose="copy",
            expires=f"strftime('%Y-%m-%dT%H:%M:%f+00:00', {NOW_SQL}, '+30 days')",
        ),
        "settings say",
        id="copy-for-a-month",
    ),
    pytest.param(
        AGENT,
        "REPLACE INTO link (id, link_id, token_hash, session_id, access_id, purpose, made_by,"
        f" made_at, expires_at, first_join_only) SELECT id, link_id, '{KNOWN}', session_id,"
        f" access_id, purpose, made_by, {NOW_SQL}, NULL, 0 FROM link LIMIT 1",
        "cannot be replaced",
        id="replace-link",
    ),
    pytest.param(
        AGENT,
        "INSERT INTO link (id, link_id, token_hash, session_id, access_id, purpose, made_by,"
        " made_at, first_join_only) SELECT id, link_id, token_hash, session_id, access_id,"
        " purpose, made_by, made_at, 0 FROM link WHERE true"
        " ON CONFLICT (id) DO UPDATE SET revoked_at = NULL",
        "cannot be replaced",
        id="upsert-link",
    ),
    pytest.param(None, "DELETE FROM link", "cannot be deleted", id="forget-links"),
    pytest.param(
        None,
        f"UPDATE link SET used_at = {NOW_SQL}, browser = '{'c' * 64}' WHERE used_at IS NULL",
        "only while it works",
        id="used-from-outside",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE link SET used_at = {NOW_SQL}, browser = '{'c' * 64}' WHERE revoked_at IS NOT NULL",
        "only while it works",
        id="revoked-link-used",
    ),
    pytest.param(
        VISITOR, "UPDATE lobby SET locked = 0, lock_reason = NULL", "only the agent", id="unlock"
    ),
    pytest.param(
        None, "UPDATE lobby SET locked = 0, lock_reason = NULL", "only the agent", id="unlock-raw"
    ),
    pytest.param(VISITOR, "DELETE FROM lobby", "cannot be removed", id="remove-lobby"),
    pytest.param(
        VISITOR,
        f"UPDATE join_request SET state = 'admitted', decided_by = '203.0.113.5',"
        f" decided_at = {NOW_SQL}",
        "only the agent decides",
        id="self-admitted",
    ),
    pytest.param(
        VISITOR,
        "INSERT INTO join_request (request_id, session_id, access_id, name, route, browser,"
        f" address, made_at, state) VALUES ('R-AAAAAAAA', '{DEMO_ACTIVE_ID}', '{GRACE}',"
        f" 'Mallory', 'by_id', '{'c' * 64}', '203.0.113.5', {NOW_SQL}, 'waiting')",
        "open lobby",
        id="request-into-a-locked-lobby",
    ),
    pytest.param(
        AGENT,
        "UPDATE join_request SET name = 'Grace Kim', address = '10.0.0.1'",
        "only decided",
        id="request-rewritten",
    ),
    pytest.param(VISITOR, "DELETE FROM join_request", "cannot be deleted", id="forget-requests"),
    pytest.param(
        VISITOR,
        "INSERT INTO browser (cookie_hash, session_id, access_id, name, state, link_id,"
        f" changed_at) SELECT '{'c' * 64}', session_id, access_id, 'Mallory', 'joined', link_id,"
        f" {NOW_SQL} FROM link WHERE browser IS NOT NULL",
        "only where its link or its request",
        id="joined-with-another-s-link",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE browser SET state = 'joined', changed_at = {NOW_SQL} WHERE state = 'waiting'",
        "only where its link or its request",
        id="waiting-browser-joins",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE browser SET name = 'Mallory', changed_at = {NOW_SQL}",
        "only where its link or its request",
        id="browser-renamed",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE browser SET cookie_hash = '{'c' * 64}', state = 'joined', changed_at = {NOW_SQL}"
        " WHERE state = 'waiting'",
        "renewed by the join service only",
        id="renewal-sets-state",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE browser SET cookie_hash = '{'b' * 64}', changed_at = {NOW_SQL}"
        f" WHERE cookie_hash = '{'a' * 64}'",
        "to one nobody has",
        id="takeover-of-a-joined-browser",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE OR REPLACE browser SET cookie_hash = '{'b' * 64}', changed_at = {NOW_SQL}"
        f" WHERE cookie_hash = '{'a' * 64}'",
        "to one nobody has",
        id="takeover-replacing-a-browser",
    ),
    pytest.param(
        None,
        f"UPDATE browser SET cookie_hash = '{'c' * 64}', changed_at = {NOW_SQL}",
        "renewed by the join service only",
        id="renewal-from-outside",
    ),
    pytest.param(
        AGENT,
        f"UPDATE browser SET cookie_hash = '{'c' * 64}', changed_at = {NOW_SQL}",
        "renewed by the join service only",
        id="renewal-by-an-agent",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE link SET browser = '{'b' * 64}' WHERE browser = '{'a' * 64}'",
        "cannot change",
        id="link-given-to-another-browser",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE link SET browser = '{'c' * 64}' WHERE browser IS NOT NULL",
        "cannot change",
        id="link-given-to-a-new-cookie",
    ),
    pytest.param(
        VISITOR,
        f"UPDATE join_request SET browser = '{'a' * 64}'",
        "only decided",
        id="request-given-to-another-browser",
    ),
    pytest.param(VISITOR, "DELETE FROM lobby_attempt", "counts for a day", id="forget-attempts"),
    pytest.param(
        VISITOR,
        "UPDATE lobby_attempt SET address = '10.0.0.1'",
        "cannot be changed",
        id="attempts-moved",
    ),
]


@pytest.mark.parametrize(("writer", "statement", "says"), LINK_ATTACKS)
def test_raw_sql_cannot_get_past_the_rules_of_links_and_the_lobby(
    linked_store: Store,
    raw: sqlite3.Connection,
    writer: tuple[str, str] | None,
    statement: str,
    says: str,
) -> None:
    before = stored_links(linked_store)

    assert_refused(raw, writer, statement, says)

    assert stored_links(linked_store) == before
    assert linked_store.check_link(KNOWN_TOKEN, now=datetime.now(UTC)) is None


def test_a_raw_link_made_as_the_rules_ask_is_audited_as_the_agent_s(
    linked_store: Store, raw: sqlite3.Connection
) -> None:
    """Whoever can write the file, names an agent and follows every rule, makes a link
    (the embedded store's limit, as for admins); it is recorded as that agent's."""
    raw.execute("BEGIN")
    raw.execute("INSERT INTO writer (id, name, role) VALUES (1, 'agent.kai', 'agent')")
    raw.execute(raw_link())
    raw.execute("DELETE FROM writer")
    raw.execute("COMMIT")

    check = linked_store.check_link(KNOWN_TOKEN, now=datetime.now(UTC))
    assert check is not None
    assert check.link.made_by == "agent.kai"
    entry = linked_store.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.detail) == ("link_made", "agent.kai", "L-AAAAAAAA")
    assert linked_store.verify_audit() is None


def test_a_raw_renewal_as_the_rules_ask_moves_the_browser_whole(
    linked_store: Store, raw: sqlite3.Connection
) -> None:
    """Whoever can write the file can renew a cookie as the join service does (the
    embedded store's limit): the row, its link and its requests move together, the old
    cookie opens nothing, and no audit entry or other value changes."""
    before = linked_store.browser_status("a" * 64)
    audit = linked_store.audit_log(limit=1000)
    raw.execute("BEGIN")
    raw.execute("INSERT INTO writer (id, name, role) VALUES (1, 'join service', 'visitor')")
    raw.execute(
        f"UPDATE browser SET cookie_hash = '{'c' * 64}', changed_at = {NOW_SQL}"
        f" WHERE cookie_hash = '{'a' * 64}'"
    )
    raw.execute("DELETE FROM writer")
    raw.execute("COMMIT")

    assert linked_store.browser_status("a" * 64) is None
    assert linked_store.browser_status("c" * 64) == before
    assert raw.execute(
        "SELECT count(*) FROM link WHERE browser = ?1"
        " UNION ALL SELECT count(*) FROM join_request WHERE browser = ?1",
        ("a" * 64,),
    ).fetchall() == [(0,), (0,)]
    assert linked_store.audit_log(limit=1000) == audit


def test_a_flipped_bit_in_a_token_hash_opens_nothing(linked_store: Store, store_file: Path) -> None:
    links = linked_store.list_links(DEMO_ACTIVE_ID)
    linked_store.close()
    tamper(
        store_file,
        "UPDATE link SET token_hash = substr(token_hash, 1, 63) || "
        "CASE substr(token_hash, 64) WHEN '0' THEN '1' ELSE '0' END",
    )

    reopened = open_store(store_file.parent, readonly=True)
    try:
        assert reopened.list_links(DEMO_ACTIVE_ID) == links, "the links are still listed"
    finally:
        reopened.close()


BAD_LINK_VALUES = [
    pytest.param("links", "UPDATE link SET expires_at = 'tomorrow'", "not a time", id="expiry"),
    pytest.param(
        "links",
        "UPDATE link SET expires_at = '2000-01-01T00:00:00.000+00:00' WHERE expires_at IS NOT NULL",
        "expires before it was made",
        id="expired-before-made",
    ),
    pytest.param("links", "UPDATE link SET purpose = 'forever'", "forever", id="purpose"),
    pytest.param(
        "links", "UPDATE link SET link_id = 'L-' || id", "name is malformed", id="link-name"
    ),
    pytest.param("links", "UPDATE link SET revoked_by = NULL", "revocation", id="half-revoked"),
    pytest.param(
        "links", "UPDATE link SET made_by = '\u202eadmin'", "direction", id="made-by-disguised"
    ),
    pytest.param(
        "requests", "UPDATE join_request SET route = 'back_door'", "back_door", id="route"
    ),
    pytest.param(
        "requests", "UPDATE join_request SET address = 'a b'", "address", id="request-address"
    ),
    pytest.param("browser", "UPDATE browser SET state = 'boss'", "boss", id="browser-state"),
    pytest.param("lobby", "UPDATE lobby SET locked = 7", "lobby", id="lobby-lock"),
]


@pytest.mark.parametrize(("read", "statements", "says"), BAD_LINK_VALUES)
def test_a_bad_link_or_lobby_value_is_reported_not_trusted(
    linked_store: Store, store_file: Path, read: str, statements: str, says: str
) -> None:
    linked_store.close()
    tamper(store_file, *statements.split(";"))

    reopened = open_store(store_file.parent, readonly=True)
    reading = {
        "links": lambda: reopened.list_links(DEMO_ACTIVE_ID),
        "requests": lambda: reopened.join_requests(DEMO_ACTIVE_ID),
        "browser": lambda: reopened.browser_status("b" * 64),
        "lobby": lambda: reopened.lobby_locked(DEMO_ACTIVE_ID),
    }[read]
    try:
        with pytest.raises(StoreDamagedError, match=says) as caught:
            reading()
    finally:
        reopened.close()

    assert_one_line(caught.value, store_file)


# -- migrating to version 6 ----------------------------------------------------------------


def _version_5_store(store_file: Path) -> list[tuple[object, ...]]:
    """A version-5 store with derivable own IDs and stored URLs; its audit rows."""
    with closing(sqlite3.connect(store_file, isolation_level=None)) as v5:
        install_functions(v5)
        for statements in MIGRATIONS[:5]:
            for statement in statements:
                v5.execute(statement)
        v5.execute("PRAGMA user_version = 5")
        url = "https://collab.example.com/join/"
        for statement in (
            "INSERT INTO writer (id, name, role) VALUES (1, 'agent.kai', 'agent')",
            "INSERT INTO sessions (session_id, state, invite_status, created_at)"
            " VALUES ('7QKM-92HX', 'active', 'sms_blocked', '2026-03-04T09:30:00.000000+00:00')",
            f"INSERT INTO participants VALUES (1, 0, 'Dana Levi', '7QKM-92HX', '{url}7QKM-92HX',"
            " '+1 555 0100 200')",
            "INSERT INTO participants VALUES (1, 1, 'Grace Kim', '7QKM-92HX-P1',"
            f" '{url}7QKM-92HX-P1', 'grace.kim@example.org')",
            "INSERT INTO participants VALUES (1, 2, 'Omar Haddad', '7QKM-92HX-P2',"
            f" '{url}7QKM-92HX-P2', '')",
            "INSERT INTO audit_append (kind, session_id, participant_id, detail)"
            " VALUES ('copy', '7QKM-92HX', '7QKM-92HX-P2', 'url')",
            "DELETE FROM writer",
            "INSERT INTO sessions (session_id, state, invite_status, created_at, ended_at)"
            " VALUES ('3FDN-X8TR', 'ended', 'delivered', '2026-03-03T14:00:00.000000+00:00',"
            " '2026-03-03T14:45:00.000000+00:00')",
            f"INSERT INTO participants VALUES (2, 0, 'Priya Nair', '3FDN-X8TR', '{url}3FDN-X8TR',"
            " 'priya.nair@example.com')",
        ):
            v5.execute(statement)
        return v5.execute("SELECT * FROM audit ORDER BY id").fetchall()


def test_a_version_5_store_gets_random_own_ids_its_agents_and_keeps_its_trail(
    data_dir: Path, store_file: Path
) -> None:
    trail = _version_5_store(store_file)

    upgraded = open_store(data_dir)
    try:
        session = upgraded.get_session("7QKM-92HX")
        ended = upgraded.get_session("3FDN-X8TR")
        entries = list(reversed(upgraded.audit_log()))
        intact = upgraded.verify_audit()
        minted, _ = upgraded.mint_link(
            "7QKM-92HX",
            session.find("Omar Haddad").access_id,
            purpose=LinkPurpose.INVITATION,
            actor="agent.kai",
            now=datetime.now(UTC),
        )
        locked = upgraded.lobby_locked("7QKM-92HX")
    finally:
        upgraded.close()

    assert intact is None, "every entry kept as it was, the chain whole"
    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("SELECT * FROM audit ORDER BY id").fetchall()[: len(trail)] == trail
        columns = [row[1] for row in check.execute("PRAGMA table_info(participants)")]
        data = store_file.read_bytes()
    assert "url" not in columns
    assert b"/join/7QKM" not in data
    assert (session.agent, ended.agent) == ("agent.kai", "unknown")
    grace, omar = session.participants
    for person in (grace, omar):
        assert SESSION_ID_PATTERN.fullmatch(person.access_id)
        assert not person.access_id.startswith("7QKM"), "nothing of the Session ID in it"
    assert len({session.session_id, grace.access_id, omar.access_id}) == 3
    renamed = [
        (e.actor, e.actor_role, e.old_value, e.participant_id) for e in entries[len(trail) :]
    ]
    assert renamed == [
        ("Collab Console upgrade", "unknown", "7QKM-92HX-P1", grace.access_id),
        ("Collab Console upgrade", "unknown", "7QKM-92HX-P2", omar.access_id),
    ]
    assert minted.link.access_id == omar.access_id
    assert locked is False


def test_an_entry_removed_before_the_upgrade_is_still_missing_after_it(
    data_dir: Path, store_file: Path
) -> None:
    trail = _version_5_store(store_file)
    tamper(store_file, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")

    upgraded = open_store(data_dir)
    try:
        found = upgraded.verify_audit()
    finally:
        upgraded.close()

    assert found is not None
    assert found.seq == len(trail)
    assert "is missing" in found.reason


# -- hearing other processes ---------------------------------------------------------------


def test_a_reader_that_fell_behind_the_change_log_is_told_to_resync(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "CHANGE_LOG_KEEP", 3)
    other = open_store(data_dir)
    try:
        sam = become_admin(other, "admin.sam")
        settings = other.load_settings()
        for n in range(6):
            settings = other.save_settings(
                settings.changed(
                    actor="admin.sam", now=MONDAY, session_url_base=f"https://e.x/{n}"
                ),
                admin=sam,
            ).settings
    finally:
        other.close()

    events = store.poll_events()

    assert events == [StoreResynced(), SettingsChanged(settings)]


def test_demo_settings_come_with_a_fresh_store_only(store: Store) -> None:
    assert store.load_settings() == CopySettings.build(
        version=1, updated_by="system", updated_at=store.load_settings().updated_at
    )
    assert seed_demo(store)
    assert not seed_demo(store)
