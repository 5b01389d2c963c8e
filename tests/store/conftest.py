"""Backends for the store contract tests.

Every test in ``test_contract.py`` runs once per backend. A backend is a way
to make a fresh store and to open more connections to that same store, as
another console or process would. The organisation's PostgreSQL is skipped
only where no server can be started (``tests/conftest.py``, ``pg_cluster``).

On PostgreSQL a connection is one login, and the database, not the caller,
names who writes: ``connect("agent.kai")`` opens a store as that login (on
SQLite the name changes nothing: the caller's ``actor`` names the writer). A
test that writes as several people opens one store each, as several consoles
would. The default login is ``admin.ana`` (``DEFAULT_LOGIN``); an agent sees
only the sessions they run or were granted, so a test that works on the demo's
sessions as an agent opens its console with ``demo_agent("agent.kai")``. A test that
checks what only one backend does is marked ``@pytest.mark.backends("sqlite",
reason=…)`` and skipped on the others, with the reason.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME
from collab_console.store.sqlite_schema import install_functions
from tests.org.conftest import Org, org, org_template
from tests.store.admins import cheap_scrypt

__all__ = ["cheap_scrypt", "org", "org_template"]

#: Who a PostgreSQL store of the contract tests logs in as, unless a test asks for another.
DEFAULT_LOGIN = "admin.ana"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends(*names, reason): the test checks what only these backends do; "
        "it is skipped on the others, with the reason",
    )


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_scrypt: None) -> None:
    """Every store test hashes passphrases cheaply (``tests/store/admins.py``)."""


@dataclass
class Backend:
    name: str
    #: Where the store is, as a process would be told (a folder, a DSN).
    address: str
    #: A new connection; on PostgreSQL as the login named (default: DEFAULT_LOGIN).
    connect: Callable[..., Store]
    #: Everything the backend keeps, as bytes a thief could take away (files, a dump).
    stored_bytes: Callable[[], bytes]
    #: Let a login see and work on a session (``share(session_id, login)``), as a grant
    #: by its agent or an admin does on PostgreSQL; on SQLite every console sees every session.
    share: Callable[[str, str], None] = lambda session_id, login: None
    #: The server dates an acknowledgement itself (PostgreSQL: a client could backdate
    #: it); the embedded store keeps the time the admin's console gives.
    dates_acknowledgements: bool = False


def _folder_bytes(folder: Path) -> bytes:
    """Every file in ``folder`` (the store and any journal), one after another."""
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


def _granted_by_an_admin(database: Org) -> Callable[[str, str], None]:
    def share(session_id: str, login: str) -> None:
        conn = database.sql(DEFAULT_LOGIN)
        conn.execute("SELECT collab.grant_session_access(%s, %s, 'co_agent')", (session_id, login))
        conn.commit()

    return share


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    only = request.node.get_closest_marker("backends")
    if only is not None and request.param not in only.args:
        pytest.skip(f"{request.param}: {only.kwargs['reason']}")
    if request.param == "sqlite":
        folder = tmp_path / "contract"
        open_store(folder, create=True).close()
        yield Backend(
            "sqlite",
            str(folder),
            lambda user=None: reconnect("sqlite", str(folder), user),
            lambda: _folder_bytes(folder),
        )
        return
    if request.param == "postgresql":
        database: Org = request.getfixturevalue("org")
        yield Backend(
            "postgresql",
            database.dbname,
            lambda user=None: database.connect(user or DEFAULT_LOGIN),
            database.dump,
            share=_granted_by_an_admin(database),
            dates_acknowledgements=True,
        )
        return
    pytest.fail(f"unknown backend {request.param}")


@pytest.fixture
def connect(backend: Backend) -> Iterator[Callable[..., Store]]:
    """Open connections to the backend's store (``connect("agent.kai")``: as that login on
    PostgreSQL); all are closed after the test."""
    opened: list[Store] = []

    def open_one(user: str | None = None) -> Store:
        opened.append(backend.connect(user))
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()


@pytest.fixture
def db(connect: Callable[..., Store]) -> Store:
    """A fresh store of the backend under test."""
    return connect()


@pytest.fixture
def demo_db(db: Store) -> Store:
    assert seed_demo(db)
    return db


@pytest.fixture
def demo_agent(
    demo_db: Store, backend: Backend, connect: Callable[..., Store]
) -> Callable[[str], Store]:
    """Open the console of the agent ``login`` (``demo_agent("agent.kai")``), who works on
    every demo session: on PostgreSQL the login writes as itself whatever ``actor`` says,
    and sees the demo's sessions (seeded by an admin) only once they are shared with it."""

    def open_as(login: str) -> Store:
        for summary in demo_db.list_sessions():
            backend.share(summary.session_id, login)
        return connect(login)

    return open_as


def reconnect(backend: str, address: str, user: str | None = None) -> Store:
    """Open the store at ``address`` from another process (see the lost-updates test).

    On PostgreSQL ``address`` is the database's name on the test cluster that
    ``tests.org`` left in ``$COLLAB_TEST_PG``, and ``user`` the login (default
    DEFAULT_LOGIN); on SQLite ``user`` changes nothing.
    """
    if backend == "sqlite":
        return open_store(address)
    if backend == "postgresql":
        from collab_console.store.postgres import PostgresStore
        from tests.org.conftest import cluster_dsn
        from tests.org.roles import PASSWORDS

        login = user or DEFAULT_LOGIN
        return PostgresStore.open(cluster_dsn(address, login), password=PASSWORDS[login])
    raise ValueError(f"unknown backend {backend}")


# -- the embedded store's file, as another tool sees it ---------------------------------------


@pytest.fixture
def store_file(data_dir: Path) -> Path:
    """Where the ``store`` fixture's file is."""
    return data_dir / STORE_FILENAME


@pytest.fixture
def raw(store: Store, store_file: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the store's file, as a DBA or another tool would use.

    It has the app's SQL functions (the audit chain's hash, contact masking), as
    a tool written by someone who read the source would: without them nothing
    the audit records can be written at all (see
    ``test_a_tool_without_the_app_s_functions_cannot_write_what_is_audited``).
    """
    connection = sqlite3.connect(store_file, isolation_level=None)
    install_functions(connection)
    yield connection
    connection.close()
