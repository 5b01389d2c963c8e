"""The ``org`` fixture: a fresh organisation database per test, on the session's cluster.

The schema is made once per test session in a template database, by a database
owner that is no superuser (as ``collab-console db init-org`` is run), and the
login roles of ``roles.py`` once per cluster (``pg_setup.add_user``). Each test
gets ``CREATE DATABASE … TEMPLATE`` of it (a file copy: some milliseconds),
dropped afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from collab_console.store.pg_setup import add_user, init_org
from collab_console.store.postgres import PostgresStore
from tests.org.roles import OWNER, PASSWORDS, ROLES
from tests.pg_cluster import PgCluster

TEMPLATE = "collab_template"
#: Where the test cluster listens, for processes a test starts (``cluster_dsn``).
CLUSTER_ENV = "COLLAB_TEST_PG"
_numbers = itertools.count(1)


def cluster_dsn(dbname: str, user: str) -> str:
    """A URL for ``user`` on ``dbname`` of the session's cluster, without a password,
    from any process the test session started (``$COLLAB_TEST_PG``)."""
    where = json.loads(os.environ[CLUSTER_ENV])
    host = quote(where["socket_dir"], safe="")
    return (
        f"postgresql://{quote(user, safe='')}@/{quote(dbname, safe='')}"
        f"?host={host}&port={where['port']}"
    )


@dataclass
class Org:
    """One organisation database of the test cluster."""

    cluster: PgCluster
    dbname: str
    _opened: list[PostgresStore] = field(default_factory=list)
    _opened_raw: list[psycopg.Connection[tuple[object, ...]]] = field(default_factory=list)

    def dsn(self, user: str, *, password: bool = True) -> str:
        """A ``postgresql://`` URL for ``user`` (a login of ``roles.py``, or the owner),
        with its password in it unless ``password=False``."""
        return self.cluster.dsn(self.dbname, user, PASSWORDS[user] if password else None)

    def superuser_dsn(self) -> str:
        """The cluster's superuser: for setting up and looking, never for checking a rule
        (a superuser bypasses row-level security)."""
        return self.cluster.dsn(self.dbname)

    def connect(self, user: str = "admin.ana") -> PostgresStore:
        """A store logged in as ``user``, closed after the test."""
        store = PostgresStore.open(self.dsn(user, password=False), password=PASSWORDS[user])
        self._opened.append(store)
        return store

    def sql(self, user: str) -> psycopg.Connection[tuple[object, ...]]:
        """A raw connection as ``user`` (autocommit off), closed after the test."""
        conn = psycopg.connect(self.dsn(user))
        self._opened_raw.append(conn)
        return conn

    def dump(self) -> bytes:
        """Everything the database keeps, as a thief with a dump would see it."""
        done = subprocess.run(
            [str(self.cluster.bin_dir / "pg_dump"), "--no-owner", self.superuser_dsn()],
            capture_output=True,
            check=True,
        )
        return done.stdout

    def close_all(self) -> None:
        for store in self._opened:
            store.close()
        for conn in self._opened_raw:
            conn.close()


def _superuser(cluster: PgCluster) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(cluster.dsn("postgres"), autocommit=True)


#: The template made on each cluster: ``tests/store`` imports these fixtures too, and pytest
#: then runs the session fixture once per directory; the cluster is set up only once.
_templates: dict[int, str] = {}


def _make_template(cluster: PgCluster) -> str:
    if id(cluster) in _templates:
        return _templates[id(cluster)]
    with _superuser(cluster) as su:
        su.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
                sql.Identifier(OWNER), sql.Literal(PASSWORDS[OWNER])
            )
        )
        su.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(TEMPLATE), sql.Identifier(OWNER)
            )
        )
    with psycopg.connect(cluster.dsn(TEMPLATE, OWNER, PASSWORDS[OWNER])) as owner:
        init_org(owner)
        for name, role in ROLES.items():
            add_user(owner, name, role, PASSWORDS[name])
    _templates[id(cluster)] = TEMPLATE
    return TEMPLATE


@pytest.fixture(scope="session")
def org_template(pg_cluster: PgCluster) -> Iterator[str]:
    """The template database: the schema made by the owner, the test logins added."""
    template = _make_template(pg_cluster)
    where = {"socket_dir": str(pg_cluster.socket_dir), "port": pg_cluster.port}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CLUSTER_ENV, json.dumps(where))
        yield template


@pytest.fixture
def org(pg_cluster: PgCluster, org_template: str) -> Iterator[Org]:
    """A fresh organisation database, as the template made it; dropped after the test."""
    name = f"org_{next(_numbers)}"
    with _superuser(pg_cluster) as su:
        su.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(org_template), sql.Identifier(OWNER)
            )
        )
    made = Org(pg_cluster, name)
    try:
        yield made
    finally:
        made.close_all()
        with _superuser(pg_cluster) as su:
            su.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
