"""The organisation store's rules, attacked by people who have a login.

Each test connects as one of the ``org`` fixture's real login roles
(``tests/org/conftest.py``: agents amy and bob, admins ana and ali, the
auditor aud, the join service's svc) and tries, through SQL as psql would
and through the app, what that person must not do: turn URL copy on, rewrite
the audit trail, forge an audit entry's author or time, read or end another
agent's session. The server must refuse (an error from the server, or a
statement that finds no row to touch), and a re-read as an admin must find
everything as it was.

None of them connects as the ``postgres`` superuser: it bypasses row-level
security and privileges, so a test run as it would pass or fail for the wrong
reason. :func:`test_no_test_login_is_a_superuser_or_bypasses_row_security`
keeps it so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from collab_console.core.admins import (
    AdminSession,
    change_settings,
    verify_database_admin,
)
from collab_console.core.audit import ActorRole, AuditKind
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.errors import NotAllowedError, NotFoundError
from collab_console.core.masking import mask_contact
from collab_console.core.settings import URL_WARNING
from collab_console.store import postgres
from collab_console.store.postgres import PostgresStore
from tests.org.roles import OWNER, PASSWORDS

AMY, BOB, ANA, ALI, AUD, SVC = (
    "agent.amy",
    "agent.bob",
    "admin.ana",
    "admin.ali",
    "auditor.aud",
    "join.svc",
)
LOGINS = (AMY, BOB, ANA, ALI, AUD, SVC)

Open = Callable[[str], PostgresStore]
Sql = Callable[[str], psycopg.Connection[Any]]
#: Every table an admin may read, as (table name, its rows in a stable order).
Snapshot = dict[str, list[tuple[Any, ...]]]

#: What a refusal by the server looks like: never a syntax or "no such column" error,
#: which would be the test's own mistake passing for a refusal.
REFUSED = (errors.InsufficientPrivilege, errors.CheckViolation, errors.RaiseException)

#: The owner's refusals: its rights first; an INSERT past them meets the chain's trigger.
ROLE_OR_TRIGGER = (errors.InsufficientPrivilege, errors.CheckViolation)

URL_ON_WITH_ACK = (
    "UPDATE collab.setting SET value = 'on', acknowledged_by = {by},"
    " acknowledged_at = transaction_timestamp(), warning_version = "
    f"{URL_WARNING.version} WHERE key = 'copy_session_url'"
)


def now() -> datetime:
    return datetime.now(UTC)


# -- connections ------------------------------------------------------------------------


@pytest.fixture
def store(org: Any) -> Iterator[Open]:
    """Open the organisation store as a login; every store is closed after the test."""
    opened: list[PostgresStore] = []

    def open_as(user: str) -> PostgresStore:
        opened.append(PostgresStore.open(org.dsn(user), password=PASSWORDS[user]))
        return opened[-1]

    yield open_as
    for each in opened:
        each.close()


@pytest.fixture
def psql(org: Any) -> Iterator[Sql]:
    """A raw SQL connection as a login (autocommit: each statement is its own transaction)."""
    opened: list[psycopg.Connection[Any]] = []

    def connect(user: str) -> psycopg.Connection[Any]:
        assert user in LOGINS, "attacks run as the test logins, never as the superuser"
        opened.append(psycopg.connect(org.dsn(user), password=PASSWORDS[user], autocommit=True))
        return opened[-1]

    yield connect
    for each in opened:
        each.close()


def refused(
    conn: psycopg.Connection[Any],
    statement: str | sql.Composed,
    *params: object,
    error: type[psycopg.Error] | tuple[type[psycopg.Error], ...] = REFUSED,
) -> str:
    """Run ``statement``: the server must refuse it with ``error``. Return its first line."""
    with pytest.raises(error) as caught:
        conn.execute(statement, params or None)
    return str(caught.value).splitlines()[0]


def rows_touched(conn: psycopg.Connection[Any], statement: str, *params: object) -> int:
    """Run ``statement``, which the server lets run; how many rows it touched."""
    return conn.execute(statement, params or None).rowcount


def tables(conn: psycopg.Connection[Any], kinds: str = "rp") -> list[str]:
    """The relations of schema collab of those ``relkind``s (tables by default), by name."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'collab' AND c.relkind = ANY(%s) ORDER BY c.relname",
            (list(kinds),),
        )
    ]


def an_updatable_column(conn: psycopg.Connection[Any], table: str) -> str:
    row = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
        " AND NOT attisdropped AND attidentity = '' AND attgenerated = '' ORDER BY attnum"
        " LIMIT 1",
        (f"collab.{table}",),
    ).fetchone()
    assert row is not None
    return str(row[0])


def snapshot(psql: Sql) -> Snapshot:
    """Every row of every table of schema collab that an admin may read, re-read afresh."""
    admin = psql(ANA)
    everything: Snapshot = {}
    for name in tables(admin):
        readable = admin.execute(
            "SELECT has_table_privilege(session_user, %s, 'SELECT')", (f"collab.{name}",)
        ).fetchone()
        if readable and readable[0]:
            rows = admin.execute(sql.SQL("SELECT * FROM collab.{}").format(sql.Identifier(name)))
            everything[name] = sorted(rows.fetchall(), key=repr)
    admin.close()
    return everything


@contextlib.contextmanager
def unchanged(psql: Sql) -> Iterator[Snapshot]:
    """The block changes nothing an admin can read (checked when it ends)."""
    before = snapshot(psql)
    yield before
    after = snapshot(psql)
    changed = sorted(name for name in before if before[name] != after.get(name))
    assert not changed, f"changed: {changed}"


# -- the people and their data ---------------------------------------------------------


def admin_session(db: PostgresStore) -> AdminSession:
    return verify_database_admin(db, now=now())


def start(db: PostgresStore, agent: str, customer: str = "Ruth Cohen") -> str:
    """A session ``agent`` starts through the app; its Session ID."""
    session, _ = db.start_session(
        customer_name=customer, contact="+44 20 7946 0123", now=now(), actor=agent
    )
    return session.session_id


@pytest.fixture
def amys(store: Open) -> str:
    """The Session ID of a session amy started (its customer is its one participant)."""
    return start(store(AMY), AMY)


def url_on(db: PostgresStore) -> None:
    """Turn URL copy on as the admin ``db`` is opened as, with their acknowledgement."""
    change_settings(
        db,
        db.load_settings(),
        admin_session(db),
        now=now(),
        acknowledged=True,
        copy_session_url=True,
    )


def make_team(admin: psycopg.Connection[Any], team: str, *members: str) -> None:
    admin.execute("INSERT INTO collab.team (name) VALUES (%s)", (team,))
    for member in members:
        admin.execute(
            "INSERT INTO collab.team_member (login, team) VALUES (%s, %s)", (member, team)
        )


def override(
    admin: psycopg.Connection[Any], team: str, key: str, value: str, *, acknowledged: bool = False
) -> None:
    """A team's override of setting ``key``, written by ``admin`` as a DBA would."""
    ack = (
        sql.SQL("session_user, transaction_timestamp(), {}").format(
            sql.Literal(URL_WARNING.version)
        )
        if acknowledged
        else sql.SQL("NULL, NULL, NULL")
    )
    admin.execute(
        sql.SQL(
            "INSERT INTO collab.team_setting (team, key, kind, sensitive, value,"
            " acknowledged_by, acknowledged_at, warning_version, version)"
            " SELECT %s, key, kind, sensitive, %s, {}, 1 FROM collab.setting WHERE key = %s"
        ).format(ack),
        (team, value, key),
    )


# -- who the test logins are -----------------------------------------------------------


@pytest.mark.parametrize("login", LOGINS)
def test_no_test_login_is_a_superuser_or_bypasses_row_security(psql: Sql, login: str) -> None:
    """Otherwise every refusal below could pass for the wrong reason, or none could fail."""
    conn = psql(login)
    row = conn.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,"
        " current_setting('is_superuser'), session_user"
        " FROM pg_roles WHERE rolname = session_user"
    ).fetchone()
    assert row == (False, False, False, False, "off", login)
    owns = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'collab' AND pg_has_role(session_user, c.relowner, 'MEMBER')"
    ).fetchone()
    assert owns == (0,), "a login that owns a table could turn its row-level security off"


def test_row_level_security_is_forced_on_every_table(psql: Sql) -> None:
    conn = psql(AMY)
    found = tables(conn)
    assert {"setting", "team_setting", "session", "participant", "audit"} <= set(found)
    lax = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'collab' AND c.relkind IN ('r', 'p')"
        " AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1"
    ).fetchall()
    assert lax == []


def test_every_view_runs_with_the_caller_s_rights(psql: Sql) -> None:
    """A view without security_invoker reads as its owner, past the caller's row security;
    a materialised view keeps rows nobody's row security filters."""
    conn = psql(AMY)
    views = conn.execute(
        "SELECT c.relname, c.relkind, coalesce(c.reloptions, '{}') FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'collab' AND c.relkind IN ('v', 'm') ORDER BY 1"
    ).fetchall()
    invoker = {"security_invoker=true", "security_invoker=on", "security_invoker=1"}
    wrong = [name for name, kind, options in views if kind == "m" or not invoker & set(options)]
    assert wrong == []


# -- the policy: only admins change it, never without the acknowledgement ----------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(URL_ON_WITH_ACK.format(by="session_user"), id="update-url-on"),
        pytest.param(
            "UPDATE collab.setting SET value = 'on', acknowledged_by = 'admin.ana',"
            " acknowledged_at = now(), warning_version = 2",
            id="update-all-rows-in-an-admin-s-name",
        ),
        pytest.param(
            "UPDATE collab.setting SET value = 'on' WHERE key = 'copy_session_id'",
            id="update-id-on",
        ),
        pytest.param("DELETE FROM collab.setting", id="delete-the-policy"),
        pytest.param("UPDATE collab.policy SET version = version + 1", id="move-the-version"),
        pytest.param(
            "INSERT INTO collab.setting (key, kind, sensitive, value)"
            " VALUES ('copy_session_url2', 'bool', false, 'on')",
            id="insert-a-setting",
        ),
    ],
)
def test_an_agent_cannot_change_the_policy_in_sql(psql: Sql, amys: str, statement: str) -> None:
    amy = psql(AMY)
    with unchanged(psql):
        refused(amy, statement, error=errors.InsufficientPrivilege)


def test_an_agent_cannot_turn_url_copy_on_for_their_team(psql: Sql) -> None:
    """Not by writing the team's override, nor by joining a team that has URL copy on,
    nor by leaving one whose override keeps it off."""
    ana = psql(ANA)
    url_team, id_team = "Escalations", "Night"
    make_team(ana, url_team)
    make_team(ana, id_team, AMY)
    ana.execute(URL_ON_WITH_ACK.format(by="session_user"))
    override(ana, url_team, "copy_session_url", "on", acknowledged=True)
    override(ana, id_team, "copy_session_url", "off")
    amy = psql(AMY)
    with unchanged(psql):
        for statement in (
            "INSERT INTO collab.team_setting (team, key, kind, sensitive, value,"
            " acknowledged_by, acknowledged_at, warning_version, version)"
            f" VALUES ('{id_team}', 'copy_session_url', 'bool', true, 'on', 'agent.amy',"
            f" now(), {URL_WARNING.version}, 1)",
            "UPDATE collab.team_setting SET value = 'on', acknowledged_by = 'admin.ana',"
            f" acknowledged_at = now(), warning_version = {URL_WARNING.version}",
            "DELETE FROM collab.team_setting",
            f"UPDATE collab.team_member SET team = '{url_team}' WHERE login = 'agent.amy'",
            "DELETE FROM collab.team_member WHERE login = 'agent.amy'",
            f"INSERT INTO collab.team_member (login, team) VALUES ('agent.bob', '{url_team}')",
            "INSERT INTO collab.team (name) VALUES ('Amy''s own')",
        ):
            refused(amy, statement, error=errors.InsufficientPrivilege)


def test_an_agent_cannot_borrow_an_admin_s_role(psql: Sql) -> None:
    amy = psql(AMY)
    with unchanged(psql):
        for statement in (
            "SET ROLE collab_admin",
            'SET ROLE "collab.owner"',
            'SET ROLE "admin.ana"',
            'SET SESSION AUTHORIZATION "admin.ana"',
        ):
            refused(amy, statement, error=errors.InsufficientPrivilege)


def test_the_bookkeeping_functions_are_the_database_s_alone(psql: Sql) -> None:
    """The functions the triggers call past row security (the version, the chain with an
    actor of one's choosing) are not the logins' to call."""
    amy = psql(AMY)
    with unchanged(psql):
        for statement in (
            "SELECT collab.settings_moved()",
            "SELECT collab.append_audit_as('admin.ana', 'admin', 'setting', NULL, NULL,"
            " 'copy_session_url', 'off', 'on', 2, NULL, NULL)",
            "SELECT collab.note_account('agent.amy', 'admin')",
        ):
            refused(amy, statement, error=errors.InsufficientPrivilege)


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "UPDATE collab.setting SET value = 'on' WHERE key = 'copy_session_url'",
            id="value-only",
        ),
        pytest.param(
            "UPDATE collab.setting SET value = 'on', acknowledged_by = session_user"
            " WHERE key = 'copy_session_url'",
            id="no-time-no-warning-version",
        ),
        pytest.param(
            "UPDATE collab.setting SET value = 'on', acknowledged_by = session_user,"
            " acknowledged_at = now() WHERE key = 'copy_session_url'",
            id="no-warning-version",
        ),
        pytest.param(
            "UPDATE collab.setting SET acknowledged_by = session_user,"
            " acknowledged_at = now(), warning_version = 2 WHERE key = 'copy_session_id'",
            id="acknowledging-a-setting-that-needs-none",
        ),
    ],
)
def test_an_admin_cannot_turn_url_copy_on_without_the_acknowledgement(
    psql: Sql, statement: str
) -> None:
    ana = psql(ANA)
    with unchanged(psql):
        reason = refused(ana, statement, error=errors.CheckViolation)
    assert "acknowledgement" in reason


def test_url_copy_and_its_acknowledgement_go_together(psql: Sql, store: Open) -> None:
    url_on(store(ANA))
    ana = psql(ANA)
    with unchanged(psql):
        refused(
            ana,
            "UPDATE collab.setting SET value = 'off' WHERE key = 'copy_session_url'",
            error=errors.CheckViolation,
        )
        refused(
            ana,
            "UPDATE collab.setting SET acknowledged_by = NULL, acknowledged_at = NULL,"
            " warning_version = NULL WHERE key = 'copy_session_url'",
            error=errors.CheckViolation,
        )


def test_an_admin_cannot_acknowledge_in_another_user_s_name(psql: Sql, store: Open) -> None:
    ana = psql(ANA)
    with unchanged(psql):
        refused(ana, URL_ON_WITH_ACK.format(by="'admin.ali'"), error=errors.InsufficientPrivilege)
        refused(ana, URL_ON_WITH_ACK.format(by="'agent.amy'"), error=errors.InsufficientPrivilege)

    url_on(store(ANA))
    ali = psql(ALI)
    with unchanged(psql):
        # ana's acknowledgement stays ana's: ali may not re-date it or re-word it under her name.
        refused(
            ali,
            "UPDATE collab.setting SET acknowledged_at = acknowledged_at - interval '1 day'"
            " WHERE key = 'copy_session_url'",
            error=errors.InsufficientPrivilege,
        )
        refused(
            ali,
            "UPDATE collab.setting SET warning_version = 1 WHERE key = 'copy_session_url'",
            error=errors.InsufficientPrivilege,
        )


def test_an_acknowledgement_is_dated_by_the_server(psql: Sql) -> None:
    """An admin who types a time into the acknowledgement does not get a backdated one."""
    ana = psql(ANA)
    forged = datetime(2001, 1, 1, tzinfo=UTC)
    try:
        ana.execute(
            "UPDATE collab.setting SET value = 'on', acknowledged_by = session_user,"
            " acknowledged_at = %s, warning_version = %s WHERE key = 'copy_session_url'",
            (forged, URL_WARNING.version),
        )
    except REFUSED:
        return
    row = ana.execute(
        "SELECT acknowledged_at FROM collab.setting WHERE key = 'copy_session_url'"
    ).fetchone()
    assert row is not None
    assert row[0] != forged, "the acknowledgement kept the time the admin typed"


# -- the audit trail: insert-only, by the database -------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE collab.audit SET actor = 'nobody'", id="update-all"),
        pytest.param("UPDATE collab.audit SET detail = 'x' WHERE seq = 1", id="update-one"),
        pytest.param("DELETE FROM collab.audit", id="delete-all"),
        pytest.param(
            "DELETE FROM collab.audit WHERE seq = (SELECT max(seq) FROM collab.audit)",
            id="delete-the-last",
        ),
        pytest.param("TRUNCATE collab.audit", id="truncate"),
        pytest.param("TRUNCATE collab.audit CASCADE", id="truncate-cascade"),
        pytest.param("UPDATE collab.audit_head SET seq = seq - 1", id="step-the-head-back"),
        pytest.param("DELETE FROM collab.audit_head", id="delete-the-head"),
        pytest.param(
            "INSERT INTO collab.audit SELECT seq + 1000, at, kind, 'admin.ali', actor_role,"
            " session_id, participant_id, detail, old_value, new_value, warning_version,"
            " contact, result, hash, hash FROM collab.audit WHERE seq = 1",
            id="insert-a-copy-in-another-s-name",
        ),
    ],
)
def test_an_admin_cannot_rewrite_the_audit_trail(
    psql: Sql, store: Open, amys: str, statement: str
) -> None:
    url_on(store(ANA))
    ana = psql(ANA)
    with unchanged(psql) as before:
        refused(ana, statement, error=errors.InsufficientPrivilege)
    assert len(before["audit"]) >= 3


def test_the_trail_s_triggers_hold_even_for_the_owner(org: Any, store: Open, amys: str) -> None:
    """The database's owner (who made the schema; no superuser) owns the audit table: it
    could grant itself back the rights it gave up and lift the forced row security. Even
    then, the trail's own triggers refuse to rewrite it (each try rolled back)."""
    db = store(ANA)
    before = snapshot_of_audit(org)
    with psycopg.connect(org.dsn(OWNER), autocommit=True) as owner:
        for statement in (
            "UPDATE collab.audit SET actor = 'nobody' WHERE seq = 1",
            "DELETE FROM collab.audit WHERE seq = 1",
            "TRUNCATE collab.audit",
            "UPDATE collab.audit_head SET seq = 0",
            "DELETE FROM collab.audit_head",
            "INSERT INTO collab.audit SELECT seq + 1000, at, kind, actor, actor_role,"
            " session_id, participant_id, detail, old_value, new_value, warning_version,"
            " contact, result, hash, hash FROM collab.audit WHERE seq = 1",
        ):
            refused(owner, statement, error=ROLE_OR_TRIGGER)
            with owner.transaction(force_rollback=True):
                owner.execute(
                    "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE"
                    " ON collab.audit, collab.audit_head TO CURRENT_USER"
                )
                owner.execute("ALTER TABLE collab.audit NO FORCE ROW LEVEL SECURITY")
                owner.execute("ALTER TABLE collab.audit_head NO FORCE ROW LEVEL SECURITY")
                assert owner.execute("SELECT count(*) FROM collab.audit").fetchone() != (0,)
                refused(
                    owner, statement, error=(errors.InsufficientPrivilege, errors.CheckViolation)
                )
    assert snapshot_of_audit(org) == before
    assert db.verify_audit() is None


def snapshot_of_audit(org: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(org.dsn(AUD)) as auditor:
        return auditor.execute("SELECT * FROM collab.audit ORDER BY seq").fetchall()


def test_an_agent_cannot_insert_into_the_audit_trail(psql: Sql, amys: str) -> None:
    amy = psql(AMY)
    with unchanged(psql):
        refused(
            amy,
            "INSERT INTO collab.audit (seq, at, kind, actor, actor_role, prev_hash, hash)"
            " VALUES (1000, '2001-01-01', 'copy', 'admin.ana', 'admin', repeat('0', 64),"
            " repeat('0', 64))",
            error=errors.InsufficientPrivilege,
        )
        refused(amy, "SELECT * FROM collab.audit", error=errors.InsufficientPrivilege)


def test_an_entry_an_agent_appends_carries_the_server_s_actor_and_time(
    psql: Sql, amys: str
) -> None:
    """append_audit takes no actor or time; whatever the session says of itself (its
    application name, its time zone, a role it cannot take), the entry is amy's, now."""
    amy = psql(AMY)
    amy.execute("SET application_name = 'admin.ana'")
    amy.execute("SET TIME ZONE 'Pacific/Kiritimati'")
    with amy.transaction():
        started = amy.execute("SELECT transaction_timestamp()").fetchone()
        appended = amy.execute(
            "SELECT collab.append_audit('copy', %s, %s, 'id', NULL, NULL, NULL,"
            " '+44 20 7946 0123', NULL)",
            (amys, amys),
        ).fetchone()
    assert started is not None
    assert appended is not None
    entry = (
        psql(AUD)
        .execute(
            "SELECT actor, actor_role, at, kind, contact FROM collab.audit WHERE seq = %s",
            (appended[0],),
        )
        .fetchone()
    )
    assert entry == (AMY, "agent", started[0], "copy", mask_contact("+44 20 7946 0123"))


@pytest.mark.parametrize(
    "kind", ["setting", "acknowledgement", "session_ended", "admin_added", "unlock", "join"]
)
def test_an_agent_cannot_append_what_the_database_records_itself(
    psql: Sql, amys: str, kind: str
) -> None:
    """A 'Setting changed' or 'Warning acknowledged' entry in an agent's name would be a
    lie the trail cannot tell from the truth."""
    amy = psql(AMY)
    with unchanged(psql):
        refused(
            amy,
            "SELECT collab.append_audit(%s, %s, NULL, 'copy_session_url', 'off', 'on', 2,"
            " NULL, NULL)",
            kind,
            amys,
        )


# -- the auditor reads the trail, and nothing else --------------------------------------


def test_the_auditor_reads_the_audit_trail(psql: Sql, store: Open, amys: str) -> None:
    url_on(store(ANA))
    entries = psql(AUD).execute("SELECT kind, actor FROM collab.audit ORDER BY seq").fetchall()
    assert ("session_started", AMY) in entries
    assert ("acknowledgement", ANA) in entries


def test_the_auditor_reads_nothing_but_the_audit_trail(psql: Sql, amys: str) -> None:
    aud = psql(AUD)
    others = [name for name in tables(aud) if name not in ("audit", "audit_head")]
    assert {"setting", "session", "participant", "team_setting"} <= set(others)
    for name in others:
        refused(
            aud,
            sql.SQL("SELECT * FROM collab.{}").format(sql.Identifier(name)),
            error=errors.InsufficientPrivilege,
        )
    refused(aud, "SELECT * FROM collab.effective_setting()", error=errors.InsufficientPrivilege)


def test_the_auditor_writes_nothing(psql: Sql, amys: str) -> None:
    aud = psql(AUD)
    with unchanged(psql):
        for name in tables(aud):
            table = sql.Identifier("collab", name)
            column = sql.Identifier(an_updatable_column(aud, name))
            for statement in (
                sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table),
                sql.SQL("UPDATE {} SET {} = {}").format(table, column, column),
                sql.SQL("DELETE FROM {}").format(table),
                sql.SQL("TRUNCATE {}").format(table),
            ):
                refused(aud, statement, error=errors.InsufficientPrivilege)
        refused(
            aud,
            "SELECT collab.append_audit('copy', %s, %s, 'id', NULL, NULL, NULL, NULL, NULL)",
            amys,
            amys,
            error=errors.InsufficientPrivilege,
        )
        refused(
            aud,
            "SELECT collab.grant_session_access(%s, 'auditor.aud', 'supervisor')",
            amys,
            error=errors.InsufficientPrivilege,
        )


# -- sessions belong to the agent who started them -------------------------------------


def test_an_agent_sees_their_own_sessions_and_nobody_else_s(
    psql: Sql, store: Open, amys: str
) -> None:
    bobs = start(store(BOB), BOB, "Noor Haddad")
    bob = psql(BOB)
    assert bob.execute("SELECT session_id FROM collab.session").fetchall() == [(bobs,)]
    assert bob.execute("SELECT session_id FROM collab.participant").fetchall() == [(bobs,)]
    assert bob.execute(
        "SELECT count(*) FROM collab.session WHERE session_id = %s", (amys,)
    ).fetchone() == (0,)
    assert bob.execute(
        "SELECT count(*) FROM collab.participant WHERE session_id = %s", (amys,)
    ).fetchone() == (0,)
    assert bob.execute(
        "SELECT count(*) FROM collab.session_access WHERE session_id = %s", (amys,)
    ).fetchone() == (0,)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE collab.session SET state = 'ended', ended_at = now() WHERE session_id = %s",
        "UPDATE collab.session SET state = 'ended', ended_at = now()",
        "UPDATE collab.session SET state = state WHERE session_id = %s",
    ],
    ids=["end-hers", "end-all", "touch-hers"],
)
def test_an_agent_cannot_end_another_agent_s_session_in_sql(
    psql: Sql, amys: str, statement: str
) -> None:
    bob = psql(BOB)
    with unchanged(psql):
        params = (amys,) if "%s" in statement else ()
        assert rows_touched(bob, statement, *params) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM collab.session WHERE session_id = %s",
        "DELETE FROM collab.session",
        "DELETE FROM collab.participant WHERE session_id = %s",
        "DELETE FROM collab.participant",
        "UPDATE collab.participant SET name = 'Mallory' WHERE session_id = %s",
        "UPDATE collab.participant SET contact = 'mallory@example.com'",
        "UPDATE collab.session SET agent = 'agent.bob' WHERE session_id = %s",
        "TRUNCATE collab.session CASCADE",
        "INSERT INTO collab.session_access (session_id, grantee, kind)"
        " VALUES (%s, 'agent.bob', 'supervisor')",
    ],
    ids=[
        "delete-hers",
        "delete-all",
        "delete-her-participants",
        "delete-all-participants",
        "rename-her-participant",
        "change-every-contact",
        "take-her-session",
        "truncate",
        "grant-oneself-access",
    ],
)
def test_an_agent_cannot_change_another_agent_s_session_in_sql(
    psql: Sql, amys: str, statement: str
) -> None:
    bob = psql(BOB)
    with unchanged(psql):
        params = (amys,) if "%s" in statement else ()
        refused(bob, statement, *params, error=errors.InsufficientPrivilege)


def test_an_agent_cannot_add_people_to_another_agent_s_session(psql: Sql, amys: str) -> None:
    bob = psql(BOB)
    with unchanged(psql):
        reason = refused(
            bob,
            "INSERT INTO collab.participant (session_id, access_id, position, name)"
            " VALUES (%s, 'K9ZC-3HNP', 7, 'Mallory')",
            amys,
            error=errors.InsufficientPrivilege,
        )
    assert "row-level security" in reason


def test_an_agent_cannot_start_a_session_in_another_agent_s_name(psql: Sql) -> None:
    bob = psql(BOB)
    with unchanged(psql):
        refused(
            bob,
            "INSERT INTO collab.session (session_id, agent, state, invite_status, created_at)"
            " VALUES ('ABCD-EFGH', 'agent.amy', 'active', 'pending', now())",
            error=errors.InsufficientPrivilege,
        )
        refused(
            bob,
            "INSERT INTO collab.session (session_id, agent, state, invite_status, created_at,"
            " demo) VALUES ('ABCD-EFGH', 'agent.bob', 'active', 'pending', now(), true)",
            error=errors.InsufficientPrivilege,
        )


def test_an_agent_cannot_grant_themself_another_agent_s_session(psql: Sql, amys: str) -> None:
    bob = psql(BOB)
    with unchanged(psql):
        refused(
            bob,
            "SELECT collab.grant_session_access(%s, 'agent.bob', 'supervisor')",
            amys,
            error=errors.InsufficientPrivilege,
        )
    assert bob.execute("SELECT count(*) FROM collab.session").fetchone() == (0,)


def test_through_the_app_another_agent_s_session_is_not_there(
    psql: Sql, store: Open, amys: str
) -> None:
    bob = store(BOB)
    with unchanged(psql):
        assert amys not in {summary.session_id for summary in bob.list_sessions()}
        with pytest.raises(NotFoundError):
            bob.get_session(amys)
        with pytest.raises(NotFoundError):
            bob.end_session(amys, now(), actor=BOB)


def test_views_show_an_agent_none_of_another_agent_s_rows(
    psql: Sql, store: Open, amys: str
) -> None:
    start(store(BOB), BOB, "Noor Haddad")
    views = tables(psql(ANA), "v")
    if not views:
        pytest.skip(
            "the schema has no views (test_every_view_runs_with_the_caller_s_rights "
            "guards any added later)"
        )
    bob, ana = psql(BOB), psql(ANA)
    for view in views:
        query = sql.SQL("SELECT * FROM collab.{}").format(sql.Identifier(view))
        with contextlib.suppress(errors.InsufficientPrivilege):
            assert not any(amys in map(str, row) for row in bob.execute(query)), view
        with contextlib.suppress(errors.InsufficientPrivilege):
            ana.execute(query)


def test_an_admin_sees_every_agent_s_sessions(psql: Sql, store: Open, amys: str) -> None:
    bobs = start(store(BOB), BOB, "Noor Haddad")
    ana = psql(ANA)
    assert {row[0] for row in ana.execute("SELECT session_id FROM collab.session")} == {
        amys,
        bobs,
    }
    assert {row[0] for row in ana.execute("SELECT session_id FROM collab.participant")} == {
        amys,
        bobs,
    }
    assert {s.session_id for s in store(ALI).list_sessions()} == {amys, bobs}


def test_a_supervisor_granted_a_session_sees_it_until_the_grant_is_taken_away(
    psql: Sql, amys: str
) -> None:
    amy, bob = psql(AMY), psql(BOB)
    amy.execute("SELECT collab.grant_session_access(%s, 'agent.bob', 'supervisor')", (amys,))
    assert bob.execute("SELECT session_id, agent FROM collab.session").fetchall() == [(amys, AMY)]
    assert bob.execute("SELECT session_id FROM collab.participant").fetchall() == [(amys,)]
    # The grant is to see and help, not to take: the session stays amy's.
    refused(
        bob,
        "UPDATE collab.session SET agent = 'agent.bob' WHERE session_id = %s",
        amys,
        error=errors.InsufficientPrivilege,
    )

    amy.execute("SELECT collab.revoke_session_access(%s, 'agent.bob')", (amys,))
    assert bob.execute("SELECT count(*) FROM collab.session").fetchone() == (0,)


def test_a_granted_session_is_there_for_the_supervisor_through_the_app(
    psql: Sql, store: Open, amys: str
) -> None:
    psql(ANA).execute("SELECT collab.grant_session_access(%s, 'agent.bob', 'supervisor')", (amys,))
    assert store(BOB).get_session(amys).session_id == amys


# -- the join service's login reads no table ---------------------------------------------


def test_the_join_service_s_login_reads_and_writes_no_table(psql: Sql, amys: str) -> None:
    svc = psql(SVC)
    found = tables(svc)
    assert {"session", "participant", "setting", "audit"} <= set(found)
    with unchanged(psql):
        for name in found:
            table = sql.Identifier("collab", name)
            for statement in (
                sql.SQL("SELECT * FROM {}").format(table),
                sql.SQL("DELETE FROM {}").format(table),
                sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table),
            ):
                refused(svc, statement, error=errors.InsufficientPrivilege)
        refused(
            svc,
            "SELECT collab.append_audit('copy', %s, %s, 'id', NULL, NULL, NULL, NULL, NULL)",
            amys,
            amys,
            error=errors.InsufficientPrivilege,
        )


# -- through the app -------------------------------------------------------------------


def test_an_agent_is_not_a_database_admin(store: Open) -> None:
    amy = store(AMY)
    assert amy.admins_by_database
    assert amy.database_admin() is None
    with pytest.raises(NotAllowedError, match="collab_admin"):
        verify_database_admin(amy, now=now())


def test_an_agent_s_app_cannot_change_the_settings_even_with_an_admin_s_session(
    psql: Sql, store: Open
) -> None:
    """The app's own check aside (an AdminSession of ana's handed to amy's store), the
    server refuses: amy's login is not in collab_admin."""
    amy = store(AMY)
    anas = admin_session(store(ANA))
    current = amy.load_settings()
    with unchanged(psql):
        with pytest.raises(NotAllowedError):
            amy.save_settings(current.changed(actor=AMY, now=now(), copy_session_id=True))
        with pytest.raises(NotAllowedError):
            change_settings(amy, current, anas, now=now(), copy_session_id=True)
        with pytest.raises(NotAllowedError):
            change_settings(amy, current, anas, now=now(), acknowledged=True, copy_session_url=True)
    assert not amy.load_settings().copy_session_url


def test_the_app_s_own_settings_write_is_refused_for_an_agent(psql: Sql, store: Open) -> None:
    """The store's write, its own checks skipped (as a modified client would): amy's
    login writes the rows the app writes for an admin, and the server refuses."""
    amy = store(AMY)
    current = amy.load_settings()
    wanted = current.changed(actor=AMY, now=now(), acknowledged=True, copy_session_url=True)
    with unchanged(psql), pytest.raises(NotAllowedError), amy._transaction("attack") as cursor:
        postgres._write_settings(cursor, wanted, current)


def test_an_admin_changes_the_settings_in_their_own_name(psql: Sql, store: Open) -> None:
    ana = store(ANA)
    assert ana.database_admin() == ANA
    session = admin_session(ana)
    assert session.name == ANA
    before = ana.load_settings()
    changed = change_settings(
        ana, before, session, now=now(), acknowledged=True, copy_session_url=True
    )

    seen = store(AMY).load_settings()
    assert seen.copy_session_url
    assert seen.version == changed.settings.version > before.version
    ack = seen.url_acknowledgement
    assert ack is not None
    assert (ack.by, ack.warning_version) == (ANA, URL_WARNING.version)
    newest = ana.audit_log(2)
    assert {(e.kind, e.actor, e.actor_role) for e in newest} == {
        (AuditKind.SETTING, ANA, ActorRole.ADMIN),
        (AuditKind.ACKNOWLEDGEMENT, ANA, ActorRole.ADMIN),
    }


def test_an_admin_s_app_cannot_save_an_acknowledgement_in_another_admin_s_name(
    psql: Sql, store: Open
) -> None:
    ana = store(ANA)
    session = admin_session(ana)
    current = ana.load_settings()
    in_alis_name = current.changed(actor=ALI, now=now(), acknowledged=True, copy_session_url=True)
    with unchanged(psql), pytest.raises(NotAllowedError):
        ana.save_settings(in_alis_name, admin=session)


def test_the_audit_chain_verifies_after_writes_by_several_people(psql: Sql, store: Open) -> None:
    began = now()
    ana, ali, amy, bob = store(ANA), store(ALI), store(AMY), store(BOB)
    url_on(ana)
    amys = start(amy, AMY)
    bobs = start(bob, BOB, "Noor Haddad")
    amy.record_copy(
        CopyRecord(
            session_id=amys,
            access_id=amys,
            action=CopyAction.ID,
            actor=AMY,
            contact="+44 20 7946 0123",
        )
    )
    change_settings(ali, ali.load_settings(), admin_session(ali), now=now(), copy_session_id=True)
    bob.end_session(bobs, now(), actor=BOB)
    change_settings(ana, ana.load_settings(), admin_session(ana), now=now(), copy_session_url=False)
    amy.end_session(amys, now(), actor=AMY)

    assert ana.verify_audit() is None
    assert store(AUD).verify_audit() is None
    entries = list(reversed(ana.audit_log(100)))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    ours = [e for e in entries if e.actor in (ANA, ALI, AMY, BOB)]
    assert {e.actor for e in ours} == {ANA, ALI, AMY, BOB}
    assert {(e.actor, e.actor_role) for e in ours} == {
        (ANA, ActorRole.ADMIN),
        (ALI, ActorRole.ADMIN),
        (AMY, ActorRole.AGENT),
        (BOB, ActorRole.AGENT),
    }
    stamps = [e.at for e in ours]
    assert stamps == sorted(stamps)
    assert began - timedelta(seconds=1) <= stamps[0]
    assert stamps[-1] <= now() + timedelta(seconds=1)


# -- team settings ---------------------------------------------------------------------


def test_a_team_s_override_wins_for_its_members_only(store: Open) -> None:
    ana = store(ANA)
    admin = admin_session(ana)
    ana.add_team_member("Night", AMY, admin=admin, now=now())
    ana.set_team_setting("Night", "copy_session_id", True, admin=admin, now=now())

    amy, bob = store(AMY), store(BOB)
    assert amy.load_settings().copy_session_id
    assert not bob.load_settings().copy_session_id
    assert not ana.load_settings().copy_session_id

    ana.remove_team_member(AMY, admin=admin, now=now())
    assert not amy.load_settings().copy_session_id


def test_a_team_s_url_override_carries_its_own_acknowledgement(psql: Sql, store: Open) -> None:
    """Refused by the server without one, even while the organisation's URL copy is on
    and acknowledged; saved through the app, it is the saving admin's."""
    url_on(store(ANA))
    ana = psql(ANA)
    make_team(ana, "Night", AMY)
    with unchanged(psql):
        reason = refused(
            ana,
            "INSERT INTO collab.team_setting (team, key, kind, sensitive, value, version)"
            " VALUES ('Night', 'copy_session_url', 'bool', true, 'on', 1)",
            error=errors.CheckViolation,
        )
        refused(
            ana,
            "INSERT INTO collab.team_setting (team, key, kind, sensitive, value,"
            " acknowledged_by, acknowledged_at, warning_version, version)"
            " VALUES ('Night', 'copy_session_url', 'bool', true, 'on', 'admin.ali', now(),"
            f" {URL_WARNING.version}, 1)",
            error=errors.InsufficientPrivilege,
        )
    assert "acknowledgement" in reason

    ali = store(ALI)
    ali.set_team_setting("Night", "copy_session_url", True, admin=admin_session(ali), now=now())
    amys = store(AMY).load_settings()
    assert amys.copy_session_url
    assert amys.url_acknowledgement is not None
    assert amys.url_acknowledgement.by == ALI
    bobs = store(BOB).load_settings().url_acknowledgement
    assert bobs is not None
    assert bobs.by == ANA


def test_a_team_can_keep_url_copy_off_when_the_organisation_turns_it_on(store: Open) -> None:
    ana = store(ANA)
    admin = admin_session(ana)
    ana.add_team_member("Night", AMY, admin=admin, now=now())
    ana.set_team_setting("Night", "copy_session_url", False, admin=admin, now=now())
    url_on(ana)

    assert not store(AMY).load_settings().copy_session_url
    assert store(BOB).load_settings().copy_session_url
