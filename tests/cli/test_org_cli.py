"""Organisation mode from the command line: ``--db`` and the ``db`` commands.

Every command runs as the real ``collab-console`` in a subprocess against a
throwaway PostgreSQL cluster (``tests/pg_cluster.py``); login roles use real
passwords. The keyring is a real Secret Service on a private bus
(``tests/secret_service.py``), so "the password is only in the keyring" is
checked where it would leak: the command line, the environment, the files
under the home folder, the log and the output.
"""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import secretstorage
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from psycopg import sql

from collab_console.core.admins import NOT_A_DATABASE_ADMIN
from collab_console.core.audit import AuditKind
from collab_console.core.secrets import SERVICE
from collab_console.store.location import (
    CONFIG_DIR_ENV,
    DATA_DIR_ENV,
    DB_ENV,
    REMEMBERED_DB_FILENAME,
)
from tests.cli.conftest import run_collab_console
from tests.org import conftest as org_fixtures
from tests.org.conftest import Org
from tests.org.roles import OWNER, PASSWORDS
from tests.pg_cluster import PgCluster
from tests.secret_service import SecretService, running_secret_service

PREFIX = "collab-console: "
NO_PASSWORD = "a password never goes in the DSN; use collab-console db login"
#: A login role the tests make on the shared cluster (roles are cluster-wide).
LEE = "cli.lee"
LEE_PASSWORD = "Lee's database password 9f2"
#: Variables of libpq and of the app that would choose for the command behind the test's back.
CHOOSERS = (DB_ENV, "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE")

Run = Callable[..., subprocess.CompletedProcess[str]]

# The organisation databases of tests/org (a fresh one per test, from a template).
org = org_fixtures.org
org_template = org_fixtures.org_template


@pytest.fixture(scope="module")
def keyring_daemons() -> Iterator[SecretService]:
    with running_secret_service() as service:
        yield service


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A home and XDG config folder of this test's own, for what goes to the home folder."""
    folders = {"HOME": tmp_path / "home", "XDG_CONFIG_HOME": tmp_path / "home" / ".config"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {name: str(folder) for name, folder in folders.items()}


@pytest.fixture
def cli(data_dir: Path, home: dict[str, str]) -> Run:
    """``collab-console ARGS`` with ``stdin`` as its input (no terminal), ``env`` added and
    ``unset`` removed; ``$COLLAB_CONSOLE_DATA_DIR`` is ``data_dir`` unless unset."""

    def run(
        *args: str,
        stdin: str | bytes = "",
        env: dict[str, str] | None = None,
        unset: tuple[str, ...] = (),
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, DATA_DIR_ENV: str(data_dir), **home}
        for name in (*CHOOSERS, *unset):
            full_env.pop(name, None)
        full_env.update(env or {})
        return run_collab_console(args, stdin=stdin, env=full_env)

    return run


@pytest.fixture
def keyring(keyring_daemons: SecretService, home: dict[str, str]) -> Iterator[dict[str, str]]:
    """The variables that reach the private Secret Service, this test's home kept.

    The app's secrets are deleted afterwards: the service outlives the test.
    """
    env = {
        **keyring_daemons.env,
        **home,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    yield env
    with secret_service_connection(env) as connection:
        for item in secretstorage.search_items(connection, {"service": SERVICE}):
            item.delete()


@pytest.fixture
def lee(pg_cluster: PgCluster) -> Iterator[str]:
    """A login role with a real password on the cluster; the DSN naming it (no password)."""
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(LEE)))
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(LEE), sql.Literal(LEE_PASSWORD)
            )
        )
    yield pg_cluster.dsn("postgres", LEE)
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(LEE)))


def one_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The one ``collab-console: ...`` line of a refused command (and nothing on stdout)."""
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(PREFIX)
    return lines[0].removeprefix(PREFIX)


@contextmanager
def secret_service_connection(keyring: dict[str, str]) -> Iterator[DBusConnection]:
    """A D-Bus connection to the private Secret Service of ``keyring``."""
    connection = open_dbus_connection(bus=keyring["DBUS_SESSION_BUS_ADDRESS"])
    try:
        yield connection
    finally:
        connection.close()


def stored_password(keyring: dict[str, str], name_part: str) -> list[str]:
    """The app's secrets in the private keyring whose name holds ``name_part``."""
    with secret_service_connection(keyring) as connection:
        return [
            item.get_secret().decode()
            for item in secretstorage.search_items(connection, {"service": SERVICE})
            if name_part in item.get_attributes().get("username", "")
        ]


# -- the DSN: never a password, and well formed --------------------------------------------

SECRET = "hunter2-in-the-dsn"
DSNS_WITH_A_PASSWORD = [
    pytest.param(f"postgresql://ana:{SECRET}@db.example.org/collab", id="url-userinfo"),
    pytest.param(f"postgres://ana:{SECRET}@db.example.org:5433/collab", id="postgres-scheme"),
    pytest.param(f"postgresql://ana@db.example.org/collab?password={SECRET}", id="url-query"),
    pytest.param(f"host=db.example.org dbname=collab password={SECRET}", id="key-value"),
    pytest.param(f"host=db.example.org PASSWORD = '{SECRET}' dbname=x", id="key-value-spaced"),
    pytest.param(f"postgresql://ana:{SECRET}@[broken", id="malformed-url"),
]


@pytest.mark.parametrize("dsn", DSNS_WITH_A_PASSWORD)
def test_a_dsn_with_a_password_is_refused_and_never_echoed(cli: Run, dsn: str) -> None:
    for how, run in (
        ("--db", lambda: cli("--db", dsn, "settings", "show")),
        (f"${DB_ENV}", lambda: cli("settings", "show", env={DB_ENV: dsn})),
        ("DSN", lambda: cli("db", "use", dsn)),
    ):
        done = run()
        assert one_error(done, 2) == f"{how}: {NO_PASSWORD}"
        assert SECRET not in done.stderr + done.stdout


@pytest.mark.parametrize(
    "dsn",
    [
        pytest.param("not a dsn", id="words"),
        pytest.param("postgresql://ana@[::1/collab", id="broken-ipv6"),
        pytest.param("host=db.example.org dbname='collab", id="unterminated-quote"),
        pytest.param("postgresql://ana@db.example.org/collab?colour=red", id="unknown-option"),
        pytest.param("   ", id="blank"),
        pytest.param("host=db\nexample", id="line-break"),
    ],
)
def test_a_malformed_dsn_is_one_line_and_exit_2(cli: Run, dsn: str) -> None:
    line = one_error(cli("--db", dsn, "settings", "show"), 2)

    assert line.startswith("--db ")
    assert "postgresql://[USER@]HOST[:PORT]/DATABASE" in line


def test_db_and_data_dir_together_is_a_usage_error(cli: Run, data_dir: Path) -> None:
    done = cli(
        "--db",
        "postgresql://db.example.org/collab",
        "--data-dir",
        str(data_dir),
        "settings",
        "show",
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "argument --data-dir: not allowed with argument --db" in done.stderr
    assert list(data_dir.iterdir()) == []


def test_the_db_commands_need_an_organisation_database(cli: Run) -> None:
    for action in (("login",), ("logout",), ("init-org",), ("add-user", "amy", "--role", "agent")):
        assert one_error(cli("db", *action), 2).startswith(
            "no organisation database is chosen; give --db postgresql://HOST/DATABASE"
        )


# -- the server cannot be reached ----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [pytest.param(("db", "status"), id="db-status"), pytest.param(("settings", "show"), id="show")],
)
def test_a_server_that_is_down_is_one_line_and_exit_1(
    cli: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    # A socket folder with no server in it: what libpq meets when the server is stopped.
    nowhere = tmp_path / "no-server"
    nowhere.mkdir()
    dsn = f"postgresql://{LEE}@/collab?host={nowhere}&port=5999"

    line = one_error(cli("--db", dsn, *command), 1)

    assert f"the database collab on {nowhere} as {LEE} does not answer" in line
    assert "the server is down or unreachable" in line


# -- db use: the remembered choice ---------------------------------------------------------


def test_db_use_remembers_the_database_until_embedded_is_chosen_again(
    cli: Run, pg_cluster: PgCluster, no_chosen_database: Path, data_dir: Path
) -> None:
    dsn = pg_cluster.dsn("postgres")
    remembered = no_chosen_database / REMEMBERED_DB_FILENAME

    used = cli("db", "use", dsn)
    assert used.returncode == 0, used.stderr
    assert remembered.read_text() == dsn + "\n"
    assert stat.S_IMODE(remembered.stat().st_mode) == 0o600

    # Without --db the remembered database is opened ($COLLAB_CONSOLE_DATA_DIR only says
    # where the embedded store would be).
    status = cli("db", "status")
    assert status.returncode == 0, status.stderr
    assert "Connected as           postgres" in status.stdout
    assert f"postgres on {pg_cluster.socket_dir} as postgres (from the choice remembered in" in (
        status.stdout
    )
    # $COLLAB_CONSOLE_DB, then --db, choose over it for one run; so does --data-dir.
    from_env = cli("db", "status", env={DB_ENV: pg_cluster.dsn("template1")})
    assert f"template1 on {pg_cluster.socket_dir} as postgres (from ${DB_ENV})" in from_env.stdout
    from_option = cli(
        "--db", pg_cluster.dsn("postgres"), "db", "status", env={DB_ENV: "not even a dsn"}
    )
    assert "(from --db)" in from_option.stdout
    embedded = cli("--data-dir", str(data_dir), "db", "status")
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.startswith("Embedded store: ")

    forgot = cli("db", "use", "--embedded")
    assert forgot.returncode == 0, forgot.stderr
    assert not remembered.exists()
    assert cli("db", "status").stdout.startswith("Embedded store: ")


def test_the_remembered_database_lives_in_the_users_config_folder(
    cli: Run, home: dict[str, str]
) -> None:
    dsn = "postgresql://ana@db.example.org/collab"

    done = cli("db", "use", dsn, unset=(CONFIG_DIR_ENV,))

    assert done.returncode == 0, done.stderr
    remembered = Path(home["XDG_CONFIG_HOME"]) / "collab-console" / REMEMBERED_DB_FILENAME
    assert remembered.read_text() == dsn + "\n"
    assert f"remembered in {remembered}" in done.stdout


# -- db login, db logout -------------------------------------------------------------------


def test_db_login_keeps_the_password_in_the_keyring_and_nowhere_else(
    cli: Run,
    lee: str,
    keyring: dict[str, str],
    home: dict[str, str],
    own_log_dir: Path,
    data_dir: Path,
) -> None:
    done = cli(
        "--db", lee, "db", "login", "--password-stdin", stdin=LEE_PASSWORD + "\n", env=keyring
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"The password of {LEE} works; it is kept in ")
    assert stored_password(keyring, f"as {LEE}") == [LEE_PASSWORD]
    assert LEE_PASSWORD not in " ".join(done.args)
    assert LEE_PASSWORD not in done.stdout + done.stderr
    assert all(LEE_PASSWORD not in value for value in keyring.values())
    assert any(own_log_dir.rglob("*.log")), "the login was logged (without the password)"
    for folder in (Path(home["HOME"]), own_log_dir, data_dir):
        for path in folder.rglob("*"):
            if path.is_file():
                assert LEE_PASSWORD.encode() not in path.read_bytes(), path

    # The stored password is what the next command logs in with.
    status = cli("--db", lee, "db", "status", env=keyring)
    assert status.returncode == 0, status.stderr
    assert f"Connected as           {LEE}" in status.stdout
    assert "kept in the keyring" in status.stdout

    out = cli("--db", lee, "db", "logout", env=keyring)
    assert out.returncode == 0, out.stderr
    assert stored_password(keyring, f"as {LEE}") == []
    refused = one_error(cli("--db", lee, "db", "status", env=keyring), 1)
    assert refused.endswith(
        f"as {LEE} refused the login: the password is wrong or missing "
        "(collab-console db login stores it)."
    )


def test_a_wrong_password_is_one_line_exit_1_and_nothing_is_stored(
    cli: Run, lee: str, keyring: dict[str, str]
) -> None:
    wrong = "not Lee's password at all"
    done = cli("--db", lee, "db", "login", "--password-stdin", stdin=wrong + "\n", env=keyring)

    line = one_error(done, 1)
    assert "refused the login: the password is wrong or missing" in line
    assert wrong not in line
    assert stored_password(keyring, f"as {LEE}") == []


def test_db_login_without_a_keyring_says_so_before_asking(
    cli: Run, lee: str, tmp_path: Path
) -> None:
    # No session bus, no keyring chosen: a headless host. No terminal and no
    # --password-stdin either: a command that asked first would stop on that (exit 2).
    done = cli(
        "--db",
        lee,
        "db",
        "login",
        env={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"},
        unset=("PYTHON_KEYRING_BACKEND",),
    )

    assert one_error(done, 1).startswith("no secure keyring is available")


def test_db_login_at_a_terminal_does_not_echo_the_password(
    lee: str, keyring: dict[str, str], data_dir: Path
) -> None:
    env = {**os.environ, DATA_DIR_ENV: str(data_dir), **keyring}
    for name in CHOOSERS:
        env.pop(name, None)
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, on the terminal's other end
        try:
            os.execve(
                sys.executable,
                [sys.executable, "-m", "collab_console", "--db", lee, "db", "login"],
                env,
            )
        finally:
            os._exit(127)
    screen = read_until(terminal, b"Password of")
    os.write(terminal, LEE_PASSWORD.encode() + b"\n")
    screen += read_until(terminal, None)
    _, status = os.waitpid(pid, 0)
    os.close(terminal)

    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert f"Password of {LEE} for".encode() in screen
    assert b"works; it is kept in" in screen
    assert LEE_PASSWORD.encode() not in screen
    assert stored_password(keyring, f"as {LEE}") == [LEE_PASSWORD]


def read_until(fd: int, wanted: bytes | None, timeout: float = 60) -> bytes:
    """What the terminal shows until ``wanted`` appears (None: until the program ends)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted is None or wanted not in seen:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            pytest.fail(f"the terminal showed no {wanted!r}; it showed {seen!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the program ended and closed the terminal
            chunk = b""
        if not chunk:
            if wanted is None:
                break
            pytest.fail(f"the program ended before showing {wanted!r}; it showed {seen!r}")
        seen += chunk
    return seen


# -- the embedded store stays as light as it was ---------------------------------------------

SETTINGS_SHOW_LOADS = """
import contextlib, io, sys
from collab_console.main import main

with contextlib.redirect_stdout(io.StringIO()):
    code = main(["settings", "show"])
heavy = ("psycopg", "keyring", "platformdirs", "pathlib")
print(code, " ".join(sorted({name.split(".")[0] for name in sys.modules} & set(heavy))))
"""


@pytest.mark.parametrize(
    ("where", "absent"),
    [
        # The user data folder itself is found with platformdirs, as it always was.
        pytest.param("default", {"psycopg", "keyring"}, id="user-data-folder"),
        pytest.param(
            DATA_DIR_ENV, {"psycopg", "keyring", "platformdirs", "pathlib"}, id="data-dir-variable"
        ),
    ],
)
def test_settings_show_on_the_embedded_store_loads_no_database_driver(
    demo_store: object,
    data_dir: Path,
    home: dict[str, str],
    tmp_path: Path,
    where: str,
    absent: set[str],
) -> None:
    # No option and no config folder variable: the look for a remembered database
    # runs as on a user's machine.
    (tmp_path / "xdg-data").mkdir()
    (tmp_path / "xdg-data" / "collab-console").symlink_to(data_dir)
    env = {**os.environ, **home, "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    for name in (DATA_DIR_ENV, CONFIG_DIR_ENV, *CHOOSERS):
        env.pop(name, None)
    if where == DATA_DIR_ENV:
        env[DATA_DIR_ENV] = str(data_dir)

    done = subprocess.run(
        [sys.executable, "-c", SETTINGS_SHOW_LOADS],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    code, *loaded = done.stdout.split()
    assert code == "0"
    assert absent.isdisjoint(loaded)


# -- with the organisation schema: init-org, add-user, settings as admin and agent ---------


def log_in(cli: Run, dsn: str, password: str, keyring: dict[str, str]) -> None:
    done = cli("--db", dsn, "db", "login", "--password-stdin", stdin=password + "\n", env=keyring)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def empty_database(pg_cluster: PgCluster, org_template: str) -> Iterator[str]:
    """A new database owned by the organisation's owner (no superuser), with nothing in it."""
    name = "cli_empty"
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as su:
        su.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        su.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(OWNER)
            )
        )
    yield name
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as su:
        su.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(NEWBIE)))


NEWBIE = "cli.newbie"
NEWBIE_PASSWORD = "the newbie's first password"


def test_the_owner_sets_up_an_empty_database_once_and_adds_a_user(
    cli: Run, pg_cluster: PgCluster, empty_database: str, keyring: dict[str, str]
) -> None:
    owner = pg_cluster.dsn(empty_database, OWNER)
    log_in(cli, owner, PASSWORDS[OWNER], keyring)

    first = cli("--db", owner, "db", "init-org", env=keyring)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Set up the organisation schema in {empty_database} on ")
    again = cli("--db", owner, "db", "init-org", env=keyring)
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stdout
    assert "nothing was changed" in again.stdout

    added = cli(
        "--db",
        owner,
        "db",
        "add-user",
        NEWBIE,
        "--role",
        "agent",
        "--password-stdin",
        stdin=NEWBIE_PASSWORD + "\n",
        env=keyring,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"{NEWBIE} can now log in as a member of collab_agent.")
    assert NEWBIE_PASSWORD not in added.stdout + added.stderr
    with psycopg.connect(pg_cluster.dsn(empty_database, NEWBIE, NEWBIE_PASSWORD)) as conn:
        row = conn.execute("SELECT pg_has_role(session_user, 'collab_agent', 'MEMBER')").fetchone()
    assert row == (True,)

    # The new agent logs in from the command line too, and sees who they are.
    newbie = pg_cluster.dsn(empty_database, NEWBIE)
    log_in(cli, newbie, NEWBIE_PASSWORD, keyring)
    status = cli("--db", newbie, "db", "status", env=keyring)
    assert status.returncode == 0, status.stderr
    assert f"Connected as           {NEWBIE}" in status.stdout
    assert "Roles                  collab_agent" in status.stdout
    assert "(up to date)" in status.stdout

    taken = one_error(
        cli(
            "--db", owner, "db", "add-user", NEWBIE, "--role", "admin", "--password-stdin",
            stdin=NEWBIE_PASSWORD + "\n", env=keyring,
        ),
        2,
    )  # fmt: skip
    assert taken == f"there is already a database role named {NEWBIE}"


def test_an_agent_cannot_set_up_the_schema_or_add_users(
    cli: Run, org: Org, keyring: dict[str, str]
) -> None:
    amy = org.dsn("agent.amy", password=False)
    log_in(cli, amy, PASSWORDS["agent.amy"], keyring)

    refused = one_error(
        cli(
            "--db", amy, "db", "add-user", "agent.zed", "--role", "admin", "--password-stdin",
            stdin="a long enough password\n", env=keyring,
        ),
        6,
    )  # fmt: skip
    assert refused.startswith("the database refused to let this user add the user agent.zed")


def test_settings_as_a_database_admin_need_no_passphrase_and_are_audited_as_the_login(
    cli: Run, org: Org, keyring: dict[str, str]
) -> None:
    ana = org.dsn("admin.ana", password=False)
    log_in(cli, ana, PASSWORDS["admin.ana"], keyring)

    shown = cli("--db", ana, "settings", "show", env=keyring)
    assert shown.returncode == 0, shown.stderr
    assert "Copy Session ID" in shown.stdout

    # No --admin, no passphrase, no terminal: the database says who is an admin.
    store = org.connect("admin.ali")
    wanted = not store.load_settings().copy_session_id
    saved = cli(
        "--db", ana, "settings", "set", "--copy-id", "on" if wanted else "off", env=keyring
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.splitlines()[-1].startswith("Saved by admin.ana (settings version ")

    assert store.load_settings().copy_session_id is wanted
    newest = store.audit_log(limit=1)[0]
    assert (newest.kind, newest.actor, newest.actor_role.value) == (
        AuditKind.SETTING,
        "admin.ana",
        "admin",
    )


def test_in_organisation_mode_the_login_acts_not_another_admin_name(
    cli: Run, org: Org, keyring: dict[str, str]
) -> None:
    ana = org.dsn("admin.ana", password=False)
    log_in(cli, ana, PASSWORDS["admin.ana"], keyring)

    refused = one_error(
        cli("--db", ana, "settings", "set", "--copy-id", "on", "--admin", "admin.ali", env=keyring),
        2,
    )

    assert refused.startswith("--admin: you are logged in to the database as admin.ana")


def test_an_agent_changing_the_policy_exits_6_in_one_line(
    cli: Run, org: Org, keyring: dict[str, str]
) -> None:
    amy = org.dsn("agent.amy", password=False)
    log_in(cli, amy, PASSWORDS["agent.amy"], keyring)
    before = org.connect("admin.ali").load_settings()

    refused = one_error(cli("--db", amy, "settings", "set", "--copy-id", "off", env=keyring), 6)

    assert refused == NOT_A_DATABASE_ADMIN
    assert org.connect("admin.ali").load_settings() == before


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(("init", "--name", "ana"), id="init"),
        pytest.param(("add", "--name", "ben"), id="add"),
        pytest.param(("remove", "--name", "ben"), id="remove"),
        pytest.param(("passwd",), id="passwd"),
    ],
)
def test_the_embedded_admin_commands_point_at_db_add_user(
    cli: Run, org: Org, action: tuple[str, ...]
) -> None:
    refused = one_error(cli("--db", org.dsn("admin.ana", password=False), "admin", *action), 6)

    assert refused == (
        "in organisation mode the database decides who is an admin; its owner adds one with "
        "collab-console db add-user NAME --role admin"
    )
