"""The throwaway PostgreSQL cluster the organisation-mode tests stand on."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests import pg_cluster as pg_cluster_module
from tests.pg_cluster import ClusterUnavailable, PgCluster, start_cluster


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


def test_without_postgresql_installed_the_reason_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pg_cluster_module, "PG_ROOT", tmp_path / "no-postgresql")

    with pytest.raises(ClusterUnavailable, match="PostgreSQL is not installed") as refused:
        start_cluster()

    assert "apt-get install postgresql" in str(refused.value)
