"""Shared fixtures of the Qt-free tests: a data folder, a store in it, and the CLI.

GUI fixtures live in ``tests/gui``. Nothing here touches the user's own data
folder: the store is always in ``tmp_path``, and the CLI subprocess gets
``COLLAB_CONSOLE_DATA_DIR`` in its own environment only.

Without PySide6 or pytest-qt (the no-Qt venv of ``packaging/bootstrap test``)
``tests/gui`` is left out of collection instead of failing on its imports.
``packaging/bootstrap test`` checks that the full venv has both, so the GUI
tests are never silently skipped there.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from collab_console.core.logs import LOG_DIR_ENV, stop_logging
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import CONFIG_DIR_ENV, DATA_DIR_ENV, DB_ENV
from collab_console.testing.reproducible import release
from tests.pg_cluster import ClusterUnavailable, PgCluster, start_cluster

RunCli = Callable[..., subprocess.CompletedProcess[str]]

# find_spec only locates the packages; importing PySide6 here would load Qt
# into every test run, the Qt-free ones included.
QT_TEST_DEPS = ("PySide6", "pytestqt")
collect_ignore_glob = (
    [] if all(importlib.util.find_spec(name) is not None for name in QT_TEST_DEPS) else ["gui"]
)


@pytest.fixture(autouse=True)
def real_clock_and_randomness() -> Iterator[None]:
    """Whatever clock or seed a test installs (``core.clock``, ``core.randomness``, the QA
    kit's ``fixed_clock``), the next test starts with the real ones."""
    yield
    release()


@pytest.fixture(autouse=True)
def own_log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test, and every process it starts, logs into its own folder, never the user's."""
    folder = tmp_path / "logs"
    monkeypatch.setenv(LOG_DIR_ENV, str(folder))
    yield folder
    stop_logging()


@pytest.fixture(autouse=True)
def no_chosen_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test, and every process it starts, has its own config folder, never the user's.

    So an organisation database the user chose with ``collab-console db use``
    (or ``$COLLAB_CONSOLE_DB``) never reaches a test that did not choose it.
    (``tests/gui`` points the config folder elsewhere again, for its preferences.)
    """
    folder = tmp_path / "user-config"
    folder.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))
    monkeypatch.delenv(DB_ENV, raising=False)
    return folder


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the whole session, stopped and removed at its end.

    Where none can be started the tests that need it are skipped with the
    reason, except under CI (``$CI`` set): there a missing cluster would hide
    the organisation-mode tests, so it fails them instead.
    """
    try:
        cluster = start_cluster()
    except ClusterUnavailable as reason:
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL cluster under CI: {reason}")
        pytest.skip(f"no PostgreSQL cluster: {reason}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty folder for one store."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """A new, empty store in ``data_dir``, closed after the test."""
    opened = open_store(data_dir, create=True)
    yield opened
    opened.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """``store`` filled with the deterministic demo data."""
    assert seed_demo(store), "a fresh store should take the demo data"
    return store


def cli_env(data_dir: Path, *, unset: Iterable[str] = (), **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: ours, pointed at ``data_dir``."""
    env = {**os.environ, DATA_DIR_ENV: str(data_dir), **extra}
    for name in unset:
        env.pop(name, None)
    return env


@pytest.fixture
def run_cli(data_dir: Path) -> RunCli:
    """Run ``python -m collab_console --data-dir DATA_DIR ARGS...`` in a subprocess.

    Output goes to files, not pipes: a clipboard helper the command leaves
    running must not keep the test waiting for the end of a pipe (see
    ``test_copy_leaves_no_process_holding_its_output`` for that behaviour).
    """

    def run(
        *args: str,
        env: Mapping[str, str] | None = None,
        unset: Iterable[str] = (),
        with_data_dir: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "collab_console"]
        if with_data_dir:
            command += ["--data-dir", str(data_dir)]
        command += list(args)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=cli_env(data_dir, unset=unset, **(env or {})),
                check=False,
            )
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(
                command,
                done.returncode,
                out.read().decode("utf-8"),
                err.read().decode("utf-8"),
            )

    return run
