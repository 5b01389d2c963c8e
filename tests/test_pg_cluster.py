"""The throwaway PostgreSQL cluster the organisation-mode tests stand on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests import pg_cluster as pg_cluster_module
from tests.pg_cluster import MAKER_FILE, ClusterUnavailable, PgCluster, start_cluster


@pytest.fixture
def own_cluster(pg_cluster: PgCluster) -> Iterator[PgCluster]:
    """A second cluster of the test's own, to stop and start (after ``pg_cluster``, which
    skips the test where no cluster can be started)."""
    with start_cluster() as cluster:
        yield cluster


def test_the_superuser_connects_over_the_socket_without_a_password(pg_cluster: PgCluster) -> None:
    with psycopg.connect(pg_cluster.dsn("postgres")) as conn:
        row = conn.execute("SELECT current_user, current_setting('listen_addresses')").fetchone()
    assert row == ("postgres", "")


def test_a_login_role_needs_its_real_password(pg_cluster: PgCluster) -> None:
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS cluster_probe")
        conn.execute("CREATE ROLE cluster_probe LOGIN PASSWORD 'right horse'")
    try:
        with psycopg.connect(pg_cluster.dsn("postgres", "cluster_probe", "right horse")) as conn:
            assert conn.execute("SELECT session_user").fetchone() == ("cluster_probe",)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(pg_cluster.dsn("postgres", "cluster_probe", "wrong horse"))
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pg_cluster.dsn("postgres", "cluster_probe"))
    finally:
        with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as conn:
            conn.execute("DROP ROLE cluster_probe")


def test_a_stopped_cluster_is_gone(pg_cluster: PgCluster) -> None:
    second = start_cluster()
    dsn = second.dsn("postgres")
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    second.stop()

    assert not second.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=5)


def test_a_server_stopped_and_started_again_keeps_its_data_socket_and_port(
    own_cluster: PgCluster,
) -> None:
    dsn = own_cluster.dsn("postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('before the restart')")
    held = psycopg.connect(dsn)
    try:
        own_cluster.stop_server()

        assert own_cluster.server_running is False
        assert own_cluster.folder.exists()
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")  # an open connection is cut, as in a crash
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=5)
        own_cluster.stop_server()  # stopping it again does nothing

        own_cluster.start_server()

        assert own_cluster.server_running is True
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT note FROM kept").fetchall() == [("before the restart",)]
        own_cluster.start_server()  # starting it again does nothing
        assert own_cluster.server_running is True
    finally:
        held.close()


def test_a_cluster_s_folder_names_the_process_that_made_it(own_cluster: PgCluster) -> None:
    """packaging/bootstrap stops the clusters of a pytest that was killed by this."""
    assert own_cluster.folder.name.startswith("collab-pg-")
    assert (own_cluster.folder / MAKER_FILE).read_text(encoding="ascii") == f"{os.getpid()}\n"


def test_a_removed_cluster_cannot_be_started_again(pg_cluster: PgCluster) -> None:
    cluster = start_cluster()
    cluster.stop()

    assert cluster.server_running is False
    with pytest.raises(ClusterUnavailable, match="removed"):
        cluster.start_server()


def test_without_postgresql_installed_the_reason_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pg_cluster_module, "PG_ROOT", tmp_path / "no-postgresql")

    with pytest.raises(ClusterUnavailable, match="PostgreSQL is not installed") as refused:
        start_cluster()

    assert "apt-get install postgresql" in str(refused.value)
