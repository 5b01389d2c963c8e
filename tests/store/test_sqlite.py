"""The embedded SQLite store: schema rules, audit trail, and files it must leave alone."""

from __future__ import annotations

import os
import random
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

import collab_console.store.sqlite as sqlite_store
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, demo_sessions
from collab_console.core.domain import (
    SESSION_ID_PATTERN,
    InviteStatus,
    SessionState,
    build_session,
)
from collab_console.core.errors import NotFoundError
from collab_console.core.settings import (
    SESSION_URL_BASE,
    URL_WARNING_VERSION,
    Acknowledgement,
    CopySettings,
)
from collab_console.store import Store, open_store, seed_demo, start_session
from collab_console.store.errors import (
    StoreDamagedError,
    StoreLockedError,
    StoreMissingError,
    StoreTooNewError,
    StoreUnreadableError,
)
from collab_console.store.location import STORE_FILENAME
from collab_console.store.sqlite import SCHEMA_VERSION

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
WEDNESDAY = datetime(2026, 3, 4, 16, 45, tzinfo=UTC)
URL_BASE = "https://collab.example.com/join/"


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


def session_with(session_id: str, state: SessionState, created_at: datetime, *names: str):
    return build_session(
        session_id=session_id,
        customer_name=f"Customer of {session_id}",
        contact="customer@example.com",
        url_base=URL_BASE,
        created_at=created_at,
        participant_names=names,
        state=state,
        ended_at=created_at if state is SessionState.ENDED else None,
    )


# -- creating and migrating -------------------------------------------------------------


@pytest.mark.parametrize("start", ["no file", "empty file"])
def test_a_new_store_gets_the_current_schema_and_everything_off(
    data_dir: Path, store_file: Path, start: str
) -> None:
    if start == "empty file":
        store_file.write_bytes(b"")

    opened = open_store(data_dir, create=True)
    try:
        settings = opened.load_settings()
        assert opened.audit_log() == []
        assert opened.list_sessions() == []
    finally:
        opened.close()

    with closing(sqlite3.connect(store_file)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert settings.copy_session_id is False
    assert settings.copy_session_url is False
    assert settings.url_acknowledgement is None
    assert settings.session_url_base == SESSION_URL_BASE.default


def test_settings_round_trip_with_the_acknowledgement(store: Store, data_dir: Path) -> None:
    wanted = CopySettings().changed(
        actor="admin.ana",
        now=MONDAY,
        acknowledged=True,
        copy_session_id=True,
        copy_session_url=True,
        session_url_base="https://support.example.org/s",
    )

    assert store.save_settings(wanted) == wanted

    reopened = open_store(data_dir)
    try:
        loaded = reopened.load_settings()
    finally:
        reopened.close()
    assert loaded == wanted
    assert loaded.url_acknowledgement == Acknowledgement("admin.ana", MONDAY, URL_WARNING_VERSION)
    assert loaded.session_url_base == "https://support.example.org/s/"
    assert loaded.updated_at == MONDAY


# -- rules the schema enforces, even against raw SQL -------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE settings SET copy_session_url = 1", id="url-on-no-ack"),
        pytest.param(
            "UPDATE settings SET copy_session_url = 1, url_ack_by = 'dba',"
            " url_ack_at = '2026-03-02T09:00:00+00:00'",
            id="url-on-ack-without-warning-version",
        ),
        pytest.param(
            "UPDATE settings SET url_ack_by = 'dba', url_ack_at = '2026-03-02T09:00:00+00:00',"
            " url_ack_warning_version = 1",
            id="ack-while-url-off",
        ),
        pytest.param(
            "UPDATE settings SET session_url_base = 'http://collab.example.com/join/'",
            id="http-url-base",
        ),
    ],
)
def test_raw_sql_cannot_break_the_settings_rules(
    store: Store, raw: sqlite3.Connection, statement: str
) -> None:
    before = store.load_settings()

    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        raw.execute(statement)

    assert store.load_settings() == before
    assert store.load_settings().copy_session_url is False
    assert store.audit_log() == []


def test_every_settings_change_is_audited_even_raw_sql(
    store: Store, raw: sqlite3.Connection
) -> None:
    settings = store.save_settings(
        store.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    )
    settings = store.save_settings(
        settings.changed(actor="admin.ben", now=TUESDAY, acknowledged=True, copy_session_url=True)
    )
    settings = store.save_settings(
        settings.changed(
            actor="admin.ben", now=TUESDAY, session_url_base="https://support.example.org/s/"
        )
    )
    store.save_settings(settings.changed(actor="admin.cy", now=WEDNESDAY, copy_session_url=False))
    raw.execute(
        "UPDATE settings SET copy_session_id = 0, updated_by = 'dba.raw',"
        " updated_at = '2026-03-05T08:00:00.000000+00:00'"
    )

    entries = [
        (e.changed_at, e.changed_by, e.setting, e.old_value, e.new_value)
        for e in reversed(store.audit_log())
    ]
    assert entries == [
        (MONDAY, "admin.ana", "copy_session_id", "off", "on"),
        (TUESDAY, "admin.ben", "copy_session_url", "off", "on"),
        (
            TUESDAY,
            "admin.ben",
            "url_warning_acknowledged",
            None,
            "admin.ben at 2026-03-03T11:30:00.000000+00:00 (warning v1)",
        ),
        (TUESDAY, "admin.ben", "session_url_base", URL_BASE, "https://support.example.org/s/"),
        (WEDNESDAY, "admin.cy", "copy_session_url", "on", "off"),
        (datetime(2026, 3, 5, 8, 0, tzinfo=UTC), "dba.raw", "copy_session_id", "on", "off"),
    ]


def test_saving_unchanged_settings_adds_no_audit_entry(store: Store) -> None:
    settings = store.save_settings(
        store.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    )

    store.save_settings(settings.changed(actor="admin.ben", now=TUESDAY, copy_session_id=True))

    assert [e.setting for e in store.audit_log()] == ["copy_session_id"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE settings_audit SET changed_by = 'someone else'", "DELETE FROM settings_audit"],
)
def test_the_audit_log_is_append_only(
    store: Store, raw: sqlite3.Connection, statement: str
) -> None:
    store.save_settings(
        store.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    )
    before = store.audit_log()
    assert len(before) == 1

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(statement)

    assert store.audit_log() == before


def test_the_settings_row_cannot_be_deleted(store: Store, raw: sqlite3.Connection) -> None:
    before = store.load_settings()

    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        raw.execute("DELETE FROM settings")

    assert store.load_settings() == before


def test_an_ended_session_cannot_be_reopened_with_raw_sql(
    demo_store: Store, raw: sqlite3.Connection
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="cannot be reopened"):
        raw.execute(
            "UPDATE sessions SET state = 'active', ended_at = NULL WHERE session_id = ?",
            (DEMO_ENDED_ID,),
        )

    assert demo_store.get_session(DEMO_ENDED_ID).state is SessionState.ENDED


def test_ending_a_session_ends_it_and_ending_again_keeps_the_first_end(demo_store: Store) -> None:
    ended = demo_store.end_session(DEMO_ACTIVE_ID, TUESDAY)
    again = demo_store.end_session(DEMO_ACTIVE_ID, WEDNESDAY)

    assert ended.state is SessionState.ENDED
    assert again.ended_at == TUESDAY


# -- files the store must not use, and must leave exactly as they are ----------------------


@pytest.mark.parametrize("create", [False, True], ids=["open", "open-or-create"])
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(random.Random(7).randbytes(8192), id="random-bytes"),
        pytest.param(b"name,phone\nDana Levi,+1 555 0100 200\n" * 50, id="text-file"),
        pytest.param(b"SQLite format 3\x00" + bytes(range(256)) * 16, id="sqlite-header-junk"),
    ],
)
def test_a_damaged_file_is_reported_and_left_alone(
    data_dir: Path, store_file: Path, content: bytes, create: bool
) -> None:
    store_file.write_bytes(content)

    with pytest.raises(StoreDamagedError, match="left as it is"):
        open_store(data_dir, create=create)

    assert folder_snapshot(data_dir) == {STORE_FILENAME: content}


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

    assert not nowhere.exists()


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
        assert store.audit_log() == []
        assert second.save_settings(change).copy_session_id is True, "works once unlocked"
    finally:
        second.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_store_file_is_reported(data_dir: Path, store_file: Path) -> None:
    make_store(data_dir)
    store_file.chmod(0)
    try:
        with pytest.raises(StoreUnreadableError, match=re.escape(str(store_file))):
            open_store(data_dir)
    finally:
        store_file.chmod(0o600)


def test_a_folder_in_place_of_the_store_file_is_reported(data_dir: Path, store_file: Path) -> None:
    store_file.mkdir()

    with pytest.raises(StoreUnreadableError, match=re.escape(str(store_file))):
        open_store(data_dir, create=True)

    assert store_file.is_dir()
    assert list(store_file.iterdir()) == []


# -- noticing changes ----------------------------------------------------------------------


def test_change_token_changes_only_when_another_connection_commits(
    store: Store, data_dir: Path
) -> None:
    first = store.change_token()
    other = open_store(data_dir)
    try:
        store.load_settings()
        other.load_settings()
        other.list_sessions()
        assert store.change_token() == first

        other.save_settings(
            other.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
        )
        assert store.change_token() != first
    finally:
        other.close()


# -- sessions ------------------------------------------------------------------------------


def test_list_sessions_puts_active_sessions_first_then_newest(demo_store: Store) -> None:
    demo_store.add_sessions(
        [
            session_with("ACTV-0001", SessionState.ACTIVE, datetime(2026, 1, 1, tzinfo=UTC)),
            session_with("ENDD-0001", SessionState.ENDED, datetime(2026, 3, 10, tzinfo=UTC)),
        ]
    )

    listed = [(s.session_id, s.state) for s in demo_store.list_sessions()]

    assert listed == [
        (DEMO_ACTIVE_ID, SessionState.ACTIVE),
        ("ACTV-0001", SessionState.ACTIVE),
        ("ENDD-0001", SessionState.ENDED),
        (DEMO_ENDED_ID, SessionState.ENDED),
    ]


def test_get_session_keeps_participants_in_their_order(store: Store) -> None:
    names = tuple(f"Person {n}" for n in range(1, 11))
    store.add_sessions([session_with("TENP-0010", SessionState.ACTIVE, MONDAY, *names)])

    session = store.get_session("TENP-0010")

    assert [p.name for p in session.participants] == list(names)
    assert [p.access_id for p in session.participants] == [f"TENP-0010-P{n}" for n in range(1, 11)]
    assert session.customer.name == "Customer of TENP-0010"


def test_get_session_of_an_unknown_id_is_not_found(demo_store: Store) -> None:
    with pytest.raises(NotFoundError, match="ZZZZ-ZZZZ"):
        demo_store.get_session("ZZZZ-ZZZZ")


def test_seed_demo_gives_the_same_store_every_time(tmp_path: Path) -> None:
    stores = [open_store(tmp_path / name, create=True) for name in ("first", "second")]
    try:
        for each in stores:
            assert seed_demo(each) is True
        first, second = stores

        assert first.list_sessions() == second.list_sessions()
        assert first.load_settings() == second.load_settings()
        for expected in demo_sessions():
            assert first.get_session(expected.session_id) == expected
            assert second.get_session(expected.session_id) == expected
    finally:
        for each in stores:
            each.close()


def test_seed_demo_leaves_a_store_with_sessions_alone(store: Store) -> None:
    own = start_session(store, customer_name="Ruth Cohen", contact="ruth@example.com", now=MONDAY)
    settings_before = store.load_settings()

    assert seed_demo(store) is False

    assert [s.session_id for s in store.list_sessions()] == [own.session_id]
    assert store.load_settings() == settings_before
    assert store.load_settings().copy_session_id is False


def test_start_session_uses_the_configured_url_base(store: Store) -> None:
    store.save_settings(
        store.load_settings().changed(
            actor="admin.ana", now=MONDAY, session_url_base="https://support.example.org/s"
        )
    )

    session = start_session(
        store, customer_name="Ruth Cohen", contact="+44 20 7946 0958", now=TUESDAY
    )

    assert SESSION_ID_PATTERN.match(session.session_id)
    assert session.state is SessionState.ACTIVE
    assert session.invite_status is InviteStatus.PENDING
    assert session.customer.url == f"https://support.example.org/s/{session.session_id}"
    assert store.get_session(session.session_id) == session
