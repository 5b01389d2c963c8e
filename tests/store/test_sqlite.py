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
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

import collab_console.store.sqlite as sqlite_store
from collab_console.core.copy_actions import CopyAction
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.core.events import SettingsChanged, StoreResynced
from collab_console.core.policy import refusal
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
    is_expected_schema,
    schema_digest,
)
from tests.tampering import tamper

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OUTSIDE = "unknown (outside Collab Console)"


@pytest.fixture
def store_file(data_dir: Path) -> Path:
    return data_dir / STORE_FILENAME


@pytest.fixture
def raw(store: Store, store_file: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the store's file, as a DBA or another tool would use."""
    connection = sqlite3.connect(store_file, isolation_level=None)
    yield connection
    connection.close()


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
        )
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
        before = second.load_settings()
        change = before.changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
        raw.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreLockedError, match="locked by another program"):
                second.save_settings(change)
        finally:
            raw.execute("ROLLBACK")

        assert second.load_settings() == before
        assert second.save_settings(change).settings.copy_session_id is True, "works unlocked"
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
        "INSERT OR REPLACE INTO audit (id, at, actor, kind, subject)"
        " SELECT id, at, 'someone else', kind, subject FROM audit LIMIT 1",
        id="replace-audit",
    ),
    pytest.param(
        "INSERT INTO audit (at, actor, kind, subject)"
        " VALUES ('2020-01-01T00:00:00.000+00:00', 'dba', 'copy', 'x')",
        id="backdated-audit",
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
    pytest.param("UPDATE participants SET url = 'https://evil.example/phish'", id="phishing-url"),
    pytest.param(
        "REPLACE INTO participants SELECT session, position, name, access_id,"
        " 'https://evil.example/phish', contact FROM participants",
        id="replace-phishing-url",
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


def test_the_acknowledgement_of_url_copy_that_is_on_cannot_be_removed(
    demo_store: Store, raw: sqlite3.Connection
) -> None:
    url_on(demo_store)
    before = everything(demo_store)

    with pytest.raises(sqlite3.IntegrityError, match="cannot be removed"):
        raw.execute("DELETE FROM acknowledgement")

    assert everything(demo_store) == before


def test_a_raw_change_that_keeps_the_rules_is_audited_as_made_outside_the_app(
    demo_store: Store, raw: sqlite3.Connection
) -> None:
    url_on(demo_store)
    version = demo_store.load_settings().version

    raw.execute("UPDATE setting SET value = 'off' WHERE key = 'copy_session_url'")

    latest = demo_store.audit_log(limit=1)[0]
    assert (latest.actor, latest.subject, latest.old_value, latest.new_value) == (
        OUTSIDE,
        "copy_session_url",
        "on",
        "off",
    )
    settings = demo_store.load_settings()
    assert settings.version == version + 1, "a stale save from the app would now be refused"
    assert settings.updated_by == OUTSIDE
    assert settings.acknowledgements == {}


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
    ],
    ids=["ack-rule", "audit-rule", "ended-rule", "replace-rule", "added-trigger", "table", "index"],
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
        "UPDATE sessions SET invite_status = 'carrier_pigeon'",
        "carrier_pigeon",
        id="unknown-invite-status",
    ),
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


def test_a_flipped_bit_in_a_stored_url_keeps_it_from_being_offered(
    demo_store: Store, data_dir: Path, store_file: Path
) -> None:
    url_on(demo_store)
    demo_store.close()
    data = bytearray(store_file.read_bytes())
    where = data.index(b"collab.example.com/join/7QKM-92HX-P2")
    data[where + 4] ^= 0x02  # 'a' becomes 'c': collcb.example.com
    store_file.write_bytes(bytes(data))

    reopened = open_store(data_dir)
    try:
        session = reopened.get_session(DEMO_ACTIVE_ID)
        person = session.find("Grace Kim")
        assert person.url == "https://collcb.example.com/join/7QKM-92HX-P2"
        settings = reopened.load_settings()
        reason = refusal(settings, session, person, CopyAction.URL)
        both = refusal(settings, session, person, CopyAction.BOTH)
    finally:
        reopened.close()

    assert reason is not None
    assert "collab.example.com" in reason
    assert both == reason
    assert refusal(settings, session, session.customer, CopyAction.URL) is None


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
    finally:
        upgraded.close()

    assert (settings.copy_session_id, settings.copy_session_url) == (True, True)
    assert settings.url_acknowledgement is not None
    assert settings.url_acknowledgement.by == "admin.ana"
    assert [(e.kind, e.subject) for e in reversed(audit)] == [
        ("setting", "copy_session_id"),
        ("setting", "copy_session_url"),
        ("acknowledgement", "copy_session_url"),
    ]
    assert session.customer.name == "Dana Levi"
    assert not session.demo
    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


# -- hearing other processes ---------------------------------------------------------------


def test_a_reader_that_fell_behind_the_change_log_is_told_to_resync(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "CHANGE_LOG_KEEP", 3)
    other = open_store(data_dir)
    try:
        settings = other.load_settings()
        for n in range(6):
            settings = other.save_settings(
                settings.changed(actor="admin.sam", now=MONDAY, session_url_base=f"https://e.x/{n}")
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
