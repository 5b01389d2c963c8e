"""What the organisation store does that the embedded one does not: the database says who
is an admin, changes arrive on a socket, and a server that goes away is said so.

The contract both stores keep is ``tests/store``; the server's rules under attack are
``test_server_rules.py``. These are the PostgreSQL side of the contract tests marked
``backends("sqlite", …)`` (passphrase admins), and the store's faults: a server
stopped and started again under an open store, and a writer killed with SIGKILL.
"""

from __future__ import annotations

import itertools
import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from collab_console.core.admins import (
    NOT_A_DATABASE_ADMIN,
    change_settings,
    verify_admin,
    verify_database_admin,
)
from collab_console.core.audit import (
    ORG_ONLY_KINDS,
    ActorRole,
    AuditKind,
    AuditQuery,
    UnlockResult,
)
from collab_console.core.errors import NotAllowedError, NotFoundError, ValidationError
from collab_console.core.events import (
    SessionEnded,
    SessionStarted,
    SettingsChanged,
    StoreEvent,
    StoreResynced,
)
from collab_console.store import seed_demo
from collab_console.store.errors import (
    StoreDamagedError,
    StoreTooNewError,
    StoreUnavailableError,
    StoreUnreadableError,
)
from collab_console.store.pg_setup import add_user, migrate
from collab_console.store.postgres import DATABASE_DECIDES, KEEPALIVES, PostgresStore, connect
from tests.org.conftest import Org
from tests.org.roles import OWNER, PASSWORDS, ROLES

HASH = "scrypt$16$1$1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA=="
REPO = Path(__file__).resolve().parents[2]


def now() -> datetime:
    return datetime.now(UTC)


def start(store: PostgresStore, name: str = "Ruth Cohen") -> str:
    session, _ = store.start_session(
        customer_name=name, contact="ruth@example.com", now=now(), actor="ignored"
    )
    return session.session_id


def terminate(org: Org, pid: int) -> None:
    """The server drops one connection, as a restart or a network cut would."""
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        su.execute("SELECT pg_terminate_backend(%s)", (pid,))


# -- admins: the database's roles ----------------------------------------------------------


def test_an_admin_is_a_member_of_collab_admin_and_nobody_else_is(org: Org) -> None:
    ana, amy = org.connect("admin.ana"), org.connect("agent.amy")

    assert ana.database_admin() == "admin.ana"
    assert verify_database_admin(ana, now=now()).name == "admin.ana"
    assert amy.database_admin() is None
    with pytest.raises(NotAllowedError, match="collab_admin") as refused:
        verify_database_admin(amy, now=now())
    assert str(refused.value) == NOT_A_DATABASE_ADMIN
    assert amy.has_admins() is True


def test_the_admins_listed_are_the_database_s(org: Org) -> None:
    listed = org.connect("agent.amy").list_admins()

    assert [a.name for a in listed] == sorted(n for n, role in ROLES.items() if role == "admin")
    assert {a.created_by for a in listed} == {OWNER}
    assert "scrypt" not in repr(listed)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda db, ana: db.admin_credentials("admin.ana"), id="credentials"),
        pytest.param(lambda db, ana: db.add_admin("carol", HASH, actor="x", by=ana), id="add"),
        pytest.param(lambda db, ana: db.remove_admin("admin.ali", by=ana), id="remove"),
        pytest.param(lambda db, ana: db.set_passphrase_hash(HASH, by=ana), id="passphrase"),
        pytest.param(lambda db, ana: db.unlock_failures("0" * 64), id="failures"),
        pytest.param(
            lambda db, ana: db.record_unlock(
                "0" * 64, result=UnlockResult.OK, admin=None, at=now(), actor="x"
            ),
            id="record-unlock",
        ),
        pytest.param(
            lambda db, ana: verify_admin(db, "admin.ana", "a passphrase 42", now=now(), actor="x"),
            id="unlock",
        ),
    ],
)
def test_passphrase_admins_are_refused_and_nothing_is_recorded(
    org: Org, call: Callable[[PostgresStore, object], object]
) -> None:
    db = org.connect("admin.ana")
    ana = verify_database_admin(db, now=now())
    before = db.audit_log(limit=1000)

    with pytest.raises(NotAllowedError) as refused:
        call(db, ana)

    assert str(refused.value) == DATABASE_DECIDES
    assert db.audit_log(limit=1000) == before


def test_an_admin_taken_out_of_collab_admin_can_no_longer_save(org: Org) -> None:
    ben = org.connect("admin.ben")
    session, settings = verify_database_admin(ben, now=now()), ben.load_settings()
    with psycopg.connect(org.dsn(OWNER), autocommit=True) as owner:
        owner.execute('REVOKE collab_admin FROM "admin.ben"')
    try:
        with pytest.raises(NotAllowedError, match=r"does not let admin\.ben save the settings"):
            change_settings(ben, settings, session, now=now(), copy_session_id=True)
        assert org.connect("admin.ana").load_settings() == settings
        assert ben.database_admin() is None
    finally:
        with psycopg.connect(org.dsn(OWNER), autocommit=True) as owner:
            owner.execute('GRANT collab_admin TO "admin.ben"')


def test_an_admin_session_is_good_only_on_its_own_login(org: Org) -> None:
    ana_session = verify_database_admin(org.connect("admin.ana"), now=now())
    ali = org.connect("admin.ali")

    with pytest.raises(NotAllowedError, match="own database login"):
        change_settings(ali, ali.load_settings(), ana_session, now=now(), copy_session_id=True)
    assert ali.load_settings().copy_session_id is False


# -- the demo --------------------------------------------------------------------------


def test_an_admin_may_fill_an_unused_database_with_the_demo_once(org: Org) -> None:
    ana = org.connect("admin.ana")

    assert seed_demo(ana) is True
    assert ana.load_settings().updated_by == "demo"
    assert all(s.demo for s in ana.list_sessions())
    assert seed_demo(ana) is False
    demo_entries = [e for e in ana.audit_log(limit=100) if e.actor_role == "demo"]
    assert demo_entries
    assert {e.actor for e in demo_entries} == {"admin.ana"}, "the login, never the word demo"


def test_an_agent_cannot_fill_the_database_with_the_demo(org: Org) -> None:
    amy = org.connect("agent.amy")

    with pytest.raises(NotAllowedError):
        seed_demo(amy)
    assert amy.load_settings().version == 1
    assert amy.list_sessions() == []


def test_the_demo_never_goes_into_a_database_in_use(org: Org) -> None:
    start(org.connect("agent.amy"))
    ana = org.connect("admin.ana")

    assert seed_demo(ana) is False
    assert not any(s.demo for s in ana.list_sessions())


# -- events ----------------------------------------------------------------------------


def test_changes_arrive_on_the_event_socket_and_are_read_from_the_tables(org: Org) -> None:
    ana, amy, bob = org.connect("admin.ana"), org.connect("agent.amy"), org.connect("agent.bob")
    socket = amy.event_socket()
    assert isinstance(socket, int)

    sid = start(amy)
    change_settings(
        ana,
        ana.load_settings(),
        verify_database_admin(ana, now=now()),
        now=now(),
        copy_session_id=True,
    )
    bobs = start(bob)
    amy.end_session(sid, now(), actor="ignored")

    ready, _, _ = select.select([socket], [], [], 5)
    assert ready == [socket], "the socket wakes the console up"
    heard = amy.poll_events()
    assert [type(e) for e in heard] == [SettingsChanged], (
        "amy's own writes are not heard again; bob's session is not hers to see"
    )
    assert heard[0].settings.copy_session_id is True
    watching = ana.poll_events()
    assert [type(e) for e in watching] == [SessionStarted, SessionStarted, SessionEnded]
    assert {e.summary.session_id for e in watching} == {sid, bobs}
    assert amy.poll_events() == ana.poll_events() == []


def test_a_payload_is_only_a_hint(org: Org) -> None:
    """Anyone may NOTIFY: what a payload names is looked up, and nonsense is ignored."""
    amy = org.connect("agent.amy")
    with org.sql("agent.bob") as bob:
        for payload in (
            "not json",
            '{"kind": "session_started", "session_id": "ZZZZ-ZZZZ"}',
            '{"kind": "session_started", "session_id": 42}',
            '{"kind": "links"}',
            "[1, 2]",
        ):
            bob.execute("SELECT pg_notify('collab_events', %s)", (payload,))
        bob.commit()

    assert amy.poll_events() == []


def test_a_lost_listening_connection_is_made_again_and_says_it_may_have_missed_things(
    org: Org,
) -> None:
    amy = org.connect("agent.amy")
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        (listener,) = su.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename = 'agent.amy'"
            " AND query LIKE 'LISTEN%%'",
            (org.dbname,),
        ).fetchall()
    terminate(org, int(listener[0]))

    heard = amy.poll_events()

    assert [type(e) for e in heard] == [StoreResynced, SettingsChanged]
    assert amy.event_socket() is not None
    assert amy.poll_events() == []


@contextmanager
def server_stopped(org: Org) -> Iterator[None]:
    """The session's server stopped (open connections cut), and started again after,
    whatever happens inside (other tests share it)."""
    org.cluster.stop_server()
    try:
        yield
    finally:
        org.cluster.start_server()


@contextmanager
def connection_limit(org: Org, user: str, limit: int) -> Iterator[None]:
    """``user`` may hold at most ``limit`` connections (a server at its limit, as after a
    restart when every console reconnects at once); no limit again after."""

    def set_limit(to: int) -> None:
        with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
            su.execute(
                sql.SQL("ALTER ROLE {} CONNECTION LIMIT {}").format(
                    sql.Identifier(user), sql.Literal(to)
                )
            )

    set_limit(limit)
    try:
        yield
    finally:
        set_limit(-1)


def test_after_a_server_restart_the_first_poll_says_it_may_have_missed_things(
    org: Org,
) -> None:
    amy = org.connect("agent.amy")
    with server_stopped(org):
        with pytest.raises(StoreUnavailableError, match="does not answer"):
            amy.poll_events()
        assert amy.event_socket() is None, "nothing to listen on while it is down"
    # Said while amy was away: no notification of it ever reaches her.
    ana = org.connect("admin.ana")
    change_settings(
        ana,
        ana.load_settings(),
        verify_database_admin(ana, now=now()),
        now=now(),
        copy_session_id=True,
    )

    heard = amy.poll_events()

    assert heard == [StoreResynced(), SettingsChanged(ana.load_settings())]
    assert ana.load_settings().copy_session_id is True
    assert amy.event_socket() is not None
    assert amy.poll_events() == []


def test_a_resync_is_owed_until_a_poll_goes_through(org: Org) -> None:
    """After a restart the listener is made again but the read that follows fails (the
    server turns the second connection away): the next poll that goes through still
    says that changes may have been missed, first."""
    amy = org.connect("agent.amy")
    with server_stopped(org):
        pass  # amy's connections are cut; she finds out when she next uses them
    with connection_limit(org, "agent.amy", 1):
        with pytest.raises(StoreUnavailableError):
            amy.poll_events()  # the listener is back; the writing connection is refused
        with pytest.raises(StoreUnavailableError):
            amy.poll_events()

    heard = amy.poll_events()

    assert [type(e) for e in heard] == [StoreResynced, SettingsChanged]
    assert amy.poll_events() == []


def test_both_connections_probe_a_silent_network(org: Org) -> None:
    """TCP keepalives: a dropped network (no FIN from the server) shows on the listening
    socket in well under a minute, not after the kernel's two hours."""
    conn = connect(org.dsn("agent.amy"), None, "the test database", None, autocommit=True)
    try:
        in_force = conn.info.get_parameters()
    finally:
        conn.close()

    assert {key: in_force.get(key) for key in KEEPALIVES} == {
        key: str(value) for key, value in KEEPALIVES.items()
    }
    assert KEEPALIVES["keepalives"] == 1
    noticed_s = KEEPALIVES["keepalives_idle"] + (
        KEEPALIVES["keepalives_interval"] * KEEPALIVES["keepalives_count"]
    )
    assert noticed_s <= 30
    assert KEEPALIVES["tcp_user_timeout"] <= 30_000


# -- faults ----------------------------------------------------------------------------


def test_a_wrong_password_is_said_so_without_repeating_it(org: Org) -> None:
    wrong = "not-the-password 9f8e7d"

    with pytest.raises(StoreUnreadableError) as refused:
        PostgresStore.open(org.dsn("agent.amy", password=False), password=wrong)

    assert not isinstance(refused.value, StoreUnavailableError), "trying again will not help"
    message = str(refused.value)
    assert "password is wrong or missing" in message
    assert wrong not in message
    assert PASSWORDS["agent.amy"] not in message
    assert "\n" not in message


def test_a_server_that_does_not_answer_is_said_so_in_one_sentence(org: Org) -> None:
    nowhere = org.dsn("agent.amy").replace(f"port={org.cluster.port}", "port=1")

    with pytest.raises(StoreUnavailableError, match="does not answer") as refused:
        PostgresStore.open(nowhere)

    assert PASSWORDS["agent.amy"] not in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_connection_lost_mid_session_is_said_so_then_made_again(org: Org) -> None:
    amy = org.connect("agent.amy")
    sid = start(amy)
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        for (pid,) in su.execute(
            "SELECT pid FROM pg_stat_activity WHERE usename = 'agent.amy' AND datname = %s",
            (org.dbname,),
        ).fetchall():
            su.execute("SELECT pg_terminate_backend(%s)", (pid,))

    with pytest.raises(StoreUnavailableError, match=r"connection .* was lost") as lost:
        amy.get_session(sid)
    assert PASSWORDS["agent.amy"] not in str(lost.value)

    assert amy.get_session(sid).session_id == sid, "the next call reconnects"
    assert StoreResynced() in amy.poll_events()


def test_what_the_server_forbids_is_a_sentence_not_sql(org: Org) -> None:
    aud = org.connect("auditor.aud")

    with pytest.raises(NotAllowedError) as refused:
        aud.load_settings()

    assert str(refused.value) == (
        "the database does not let auditor.aud read the settings (only a member of "
        "collab_admin may)"
    )
    assert aud.audit_log(limit=1), "the auditor reads the audit trail"


def test_another_agent_s_session_is_not_found(org: Org) -> None:
    sid = start(org.connect("agent.amy"))
    bob = org.connect("agent.bob")

    with pytest.raises(NotFoundError):
        bob.get_session(sid)
    with pytest.raises(NotFoundError):
        bob.end_session(sid, now(), actor="agent.bob")
    assert org.connect("admin.ana").get_session(sid).state.value == "active"


# -- the schema ------------------------------------------------------------------------


def test_migrating_again_changes_nothing_and_a_newer_schema_is_left_alone(org: Org) -> None:
    with psycopg.connect(org.dsn(OWNER)) as owner:
        assert migrate(owner) == 0
        owner.execute("ALTER TABLE collab.schema_version NO FORCE ROW LEVEL SECURITY")
        owner.execute("INSERT INTO collab.schema_version (version) VALUES (99)")
        owner.commit()
        with pytest.raises(StoreTooNewError, match="schema 99"):
            migrate(owner)

    with pytest.raises(StoreTooNewError, match="newer Collab Console"):
        PostgresStore.open(org.dsn("agent.amy"))


def test_every_kind_of_audit_entry_is_one_the_core_knows(org: Org) -> None:
    """The schema's vocabulary is the core's (a new AuditKind needs a migration)."""
    with psycopg.connect(org.dsn(OWNER)) as owner:
        check = owner.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'collab.audit'::regclass AND pg_get_constraintdef(oid) LIKE '%kind%'"
        ).fetchone()
    assert check is not None
    assert all(f"'{kind}'" in check[0] for kind in AuditKind)


def test_a_value_the_rules_were_bypassed_for_is_reported_not_used(org: Org) -> None:
    """Only a superuser can get past the CHECKs; what it leaves is read, refused, reported."""
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
        su.execute("ALTER TABLE collab.setting DISABLE TRIGGER USER")
        for (name,) in su.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'collab.setting'::regclass"
            " AND contype = 'c'"
        ).fetchall():
            su.execute(f'ALTER TABLE collab.setting DROP CONSTRAINT "{name}"')
        su.execute("UPDATE collab.setting SET value = 'maybe' WHERE key = 'copy_session_id'")

    with pytest.raises(StoreDamagedError, match="Copy Session ID") as damaged:
        org.connect("agent.amy").load_settings()
    assert "\n" not in str(damaged.value)


def test_a_user_is_added_with_a_scram_verifier_never_the_password(org: Org) -> None:
    password = "a fresh 'password' for carol 7"
    with psycopg.connect(org.dsn(OWNER)) as owner:
        add_user(owner, "agent.carol", "agent", password)
        with pytest.raises(ValidationError, match=r"already a database role named agent\.carol"):
            add_user(owner, "agent.carol", "admin", password)
        with pytest.raises(ValidationError, match="a role is one of"):
            add_user(owner, "agent.dan", "superuser", password)
        with pytest.raises(ValidationError, match="1 to 63"):
            add_user(owner, 'bobby"; DROP TABLE collab.audit; --', "agent", password)
    try:
        with psycopg.connect(org.superuser_dsn()) as su:
            row = su.execute(
                "SELECT rolpassword FROM pg_authid WHERE rolname = 'agent.carol'"
            ).fetchone()
        assert row is not None
        assert str(row[0]).startswith("SCRAM-SHA-256$")
        assert password not in str(row[0])
        carol = PostgresStore.open(org.dsn("agent.carol", password=False), password=password)
        assert (carol.user, carol.database_admin()) == ("agent.carol", None)
        carol.close()
    finally:
        with psycopg.connect(org.superuser_dsn(), autocommit=True) as su:
            su.execute('DROP OWNED BY "agent.carol"')
            su.execute('DROP ROLE "agent.carol"')


# -- kill -9 mid-write -------------------------------------------------------------------

KILL_ROUNDS = 5
#: How long the child saves before it is killed, at most (after it said it started).
MAX_RUN_S = 0.5
#: The setting the child changes: one key per save, so each save is one version step and
#: one audit entry.
KEY = "max_links_per_agent_hour"

#: The child: saves the settings as admin.ana as fast as it can, saying each version it
#: saw committed, until it is killed.
SAVE_FOREVER = textwrap.dedent(
    f"""
    import os, sys
    from datetime import UTC, datetime

    from collab_console.core.admins import change_settings, verify_database_admin
    from collab_console.store.postgres import PostgresStore

    store = PostgresStore.open(sys.argv[1], password=os.environ["COLLAB_TEST_PASSWORD"])
    admin = verify_database_admin(store, now=datetime.now(UTC))
    print("writing", flush=True)
    while True:
        current = store.load_settings()
        wanted = current.value("{KEY}") % 1000 + 1
        saved = change_settings(
            store, current, admin, now=datetime.now(UTC), {KEY}=wanted
        )
        print(saved.settings.version, flush=True)
    """
)


def _save_and_kill(org: Org, rng: random.Random) -> list[int]:
    """Start the writer, let it save for a random moment, SIGKILL it; the versions it
    saw committed."""
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, org.dsn("admin.ana", password=False)],
        cwd=REPO,
        env={**os.environ, "COLLAB_TEST_PASSWORD": PASSWORDS["admin.ana"]},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stderr is not None
        assert child.stdout.readline() == "writing\n", child.stderr.read()
        time.sleep(rng.uniform(0.02, MAX_RUN_S))
        assert child.poll() is None, child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
        return [int(line) for line in child.stdout.read().split()]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


def test_kill_9_mid_save_leaves_no_half_written_change(org: Org) -> None:
    rng = random.Random(os.urandom(8))
    committed: list[int] = []

    for _ in range(KILL_ROUNDS):
        committed += _save_and_kill(org, rng)

        ana = org.connect("admin.ana")
        settings = ana.load_settings()  # every value read back through the core's validators
        assert ana.verify_audit() is None
        changes = [
            entry
            for entry in ana.audit_entries(
                AuditQuery(kinds=frozenset({AuditKind.SETTING}), limit=None, oldest_first=True)
            )
            if entry.detail == KEY
        ]
        # One version step per save, and its entry with it: none without the other.
        assert len(changes) == settings.version - 1
        assert {entry.actor for entry in changes} == {"admin.ana"}
        for earlier, later in itertools.pairwise(changes):
            assert later.old_value == earlier.new_value
        assert changes[-1].new_value == str(settings.value(KEY))
        assert set(committed) <= set(range(2, settings.version + 1)), "a save seen lost"

    assert len(committed) > KILL_ROUNDS, "the writer saved between kills"
    ana = org.connect("admin.ana")
    current = ana.load_settings()
    admin = verify_database_admin(ana, now=now())
    wanted = current.value(KEY) % 1000 + 1
    saved = change_settings(ana, current, admin, now=now(), max_links_per_agent_hour=wanted)
    assert saved.settings.version == current.version + 1, "the store takes new saves"


# -- sharing a session -----------------------------------------------------------------------


ANA, AMY, BOB = "admin.ana", "agent.amy", "agent.bob"


def test_sharing_and_unsharing_are_on_record_in_the_server_s_name(org: Org) -> None:
    amy, ana = org.connect("agent.amy"), org.connect("admin.ana")
    sid = start(amy)
    bob = org.connect("agent.bob")
    with pytest.raises(NotAllowedError):
        bob.share_session(sid, "agent.bob")  # refused: nothing on record

    amy.share_session(sid, "agent.bob", kind="co_agent")
    ana.share_session(sid, "agent.bob", kind="supervisor")  # a second grant replaces the first
    amy.unshare_session(sid, "agent.bob")

    (started,) = ana.audit_entries(AuditQuery(kinds=frozenset({AuditKind.SESSION_STARTED})))
    (invited,) = ana.audit_entries(AuditQuery(kinds=frozenset({AuditKind.INVITATION_QUEUED})))
    sharing = ana.audit_entries(
        AuditQuery(kinds=frozenset(ORG_ONLY_KINDS), limit=None, oldest_first=True)
    )
    assert [
        (e.kind, e.actor, e.actor_role, e.session_id, e.detail, e.old_value, e.new_value)
        for e in sharing
    ] == [
        (AuditKind.SESSION_SHARED, AMY, ActorRole.AGENT, sid, BOB, None, "co_agent"),
        (AuditKind.SESSION_SHARED, ANA, ActorRole.ADMIN, sid, BOB, "co_agent", "supervisor"),
        (AuditKind.SESSION_UNSHARED, AMY, ActorRole.AGENT, sid, BOB, "supervisor", None),
    ]
    # Dated by the server, each in its own transaction, and chained like every other entry
    # (the start's transaction queued the customer's invitation too).
    assert started.at == invited.at < sharing[0].at < sharing[1].at < sharing[2].at
    assert invited.seq == started.seq + 1
    assert [e.seq for e in sharing] == [invited.seq + 1, invited.seq + 2, invited.seq + 3]
    assert ana.verify_audit() is None


def _heard(store: PostgresStore) -> list[StoreEvent]:
    socket = store.event_socket()
    assert socket is not None
    ready, _, _ = select.select([socket], [], [], 5)
    assert ready == [socket], "the socket wakes the grantee's console up"
    return store.poll_events()


def test_the_grantee_s_console_hears_a_session_shared_and_taken_away(org: Org) -> None:
    amy, bob, ana = org.connect("agent.amy"), org.connect("agent.bob"), org.connect("admin.ana")
    sid = start(amy)
    assert bob.poll_events() == [], "not bob's to see"

    amy.share_session(sid, "agent.bob")

    heard = _heard(bob)
    assert [type(e) for e in heard] == [SessionStarted]
    assert isinstance(heard[0], SessionStarted)
    assert heard[0].summary == amy.get_session(sid).summary()
    assert sid in {s.session_id for s in bob.list_sessions()}
    # The admin saw it start; the grant changes nothing in what the admin sees.
    assert [type(e) for e in _heard(ana)] == [SessionStarted]

    amy.unshare_session(sid, "agent.bob")

    assert _heard(bob) == [StoreResynced()], "the list is read afresh: the session is gone"
    assert sid not in {s.session_id for s in bob.list_sessions()}
    with pytest.raises(NotFoundError):
        bob.get_session(sid)
    assert bob.poll_events() == ana.poll_events() == []


def test_a_team_member_is_a_login_of_the_organisation(org: Org) -> None:
    ana = org.connect("admin.ana")
    admin = verify_database_admin(ana, now=now())
    before = (ana.team_members(), ana.load_settings().version, ana.audit_log(limit=1))

    for typo in ("agent.amyy", "auditor.aud", "join.svc"):
        with pytest.raises(NotFoundError) as refused:
            ana.add_team_member("Night", typo, admin=admin, now=now())
        assert str(refused.value) == f"{typo} is no agent or admin of the organisation database"

    assert (ana.team_members(), ana.load_settings().version, ana.audit_log(limit=1)) == before
    ana.add_team_member("Night", "agent.amy", admin=admin, now=now())
    assert ana.team_members() == {"Night": ["agent.amy"]}
