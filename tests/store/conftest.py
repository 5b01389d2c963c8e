"""Backends for the store contract tests.

Every test in ``test_contract.py`` runs once per backend. A backend is a way
to make a fresh store and to open more connections to that same store, as
another console or process would. The organisation's PostgreSQL is skipped
only where no server can be started (``tests/conftest.py``, ``pg_cluster``).

On PostgreSQL a connection is one login, and the database, not the caller,
names who writes: ``connect("agent.kai")`` opens a store as that login (on
SQLite the name changes nothing: the caller's ``actor`` names the writer). A
test that writes as several people opens one store each, as several consoles
would. The default login is ``admin.ana`` (``DEFAULT_LOGIN``). A test that
checks what only one backend does is marked ``@pytest.mark.backends("sqlite",
reason=…)`` and skipped on the others, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from collab_console.store import Store, open_store, seed_demo
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
    #: The server dates an acknowledgement itself (PostgreSQL: a client could backdate
    #: it); the embedded store keeps the time the admin's console gives.
    dates_acknowledgements: bool = False


def _folder_bytes(folder: Path) -> bytes:
    """Every file in ``folder`` (the store and any journal), one after another."""
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


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
