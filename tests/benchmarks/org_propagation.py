"""How fast a policy change reaches every console in organisation mode.

Run it from the repository (about ten seconds with the defaults)::

    .venv/bin/python tests/benchmarks/org_propagation.py [--consoles 20] [--flips 50]

It starts its own throwaway PostgreSQL cluster (``tests/pg_cluster.py``: a
temporary folder, a Unix socket, removed at the end, Ctrl+C included), makes
the organisation schema and roles in a new database (``store.pg_setup``: an
admin login and one agent login per console), then starts ``--consoles``
listener processes. Each opens a ``PostgresStore`` as its agent, as a console
does, and waits on ``store.event_socket()`` with ``select`` (no polling loop),
then drains ``store.poll_events()`` and notes the time it saw each settings
version. One admin process flips *Copy Session ID* on and off ``--flips``
times through ``core.admins.change_settings`` (``--pause`` seconds apart), the
one policy write the console and the CLI use.

The latency of one flip at one console runs from the moment the admin's
``change_settings`` call began (so it includes the admin's own transaction up
to its commit: an upper bound on commit-to-console) to the moment that
console's ``poll_events`` returned a ``SettingsChanged`` of that version or a
newer one (a console that hears of two changes at once has seen both). The
same figures counted from the moment the admin's call returned (a lower bound:
the call reads the settings again after its commit) are printed above the last
line. The clock is ``time.time()`` in every process: they run on one machine,
so they share it.
``connections`` is the most client connections ``pg_stat_activity`` showed on
the benchmark's database while the flips ran (sampled after each flip, the
sampling connection left out).

The last line is always::

    p50_ms=… p95_ms=… max_ms=… connections=…

The target is p95 ≤ 1000 ms, the aim p95 ≤ 200 ms. Not a pytest test: it
asserts nothing about time. Exit status 1 when the cluster cannot be started,
a process fails, or a console missed a change.
"""

from __future__ import annotations

import argparse
import multiprocessing
import select
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:
    from tests.pg_cluster import PgCluster

REPOSITORY = Path(__file__).resolve().parents[2]

DATABASE = "collab_bench"
ADMIN = "admin.bench"
#: Passwords of the benchmark's own throwaway logins (the cluster is removed at the end).
PASSWORD = "bench-only-password-0"
#: How long a listener waits for the next change before it gives up on the rest.
LISTENER_PATIENCE_SECONDS = 30.0


def agent_name(index: int) -> str:
    return f"agent.c{index:03d}"


# -- the database -----------------------------------------------------------------------


def set_up_database(cluster: PgCluster, consoles: int) -> None:
    """A new database with the organisation schema, an admin and ``consoles`` agents."""
    from collab_console.store.pg_setup import add_user, init_org

    with closing(psycopg.connect(cluster.dsn("postgres"), autocommit=True)) as server:
        server.execute(f'CREATE DATABASE "{DATABASE}"')
    with closing(psycopg.connect(cluster.dsn(DATABASE), autocommit=True)) as owner:
        init_org(owner)
        add_user(owner, ADMIN, "admin", PASSWORD)
        for index in range(consoles):
            add_user(owner, agent_name(index), "agent", PASSWORD)


def client_connections(server: psycopg.Connection[tuple[Any, ...]]) -> int:
    """Client connections to the benchmark's database now, the asking one left out."""
    row = server.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        (DATABASE,),
    ).fetchone()
    assert row is not None
    count = row[0]
    assert isinstance(count, int)
    return count


# -- the processes ----------------------------------------------------------------------


def start_deaf_to_ctrl_c(process: multiprocessing.process.BaseProcess) -> None:
    """Start ``process`` with SIGINT blocked, as it stays (a blocked signal stays blocked
    across fork and exec): Ctrl+C is the parent's alone, which stops the children and
    then the cluster, in that order. A Ctrl+C pressed meanwhile reaches the parent as
    soon as the child has started."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def listen(dsn: str, last_version: int, report: Connection) -> None:
    """A console: report ("ready", the version it read), then ("seen", {version: time})
    once it saw ``last_version`` (or gave up waiting), or ("failed", reason)."""
    from collab_console.core.events import SettingsChanged
    from collab_console.store.postgres import PostgresStore

    seen: dict[int, float] = {}
    try:
        store = PostgresStore.open(dsn, password=PASSWORD)
        try:
            socket = store.event_socket()
            if socket is None:
                raise RuntimeError("the store has no event socket to wait on")
            store.poll_events()
            newest = store.load_settings().version
            report.send(("ready", newest))
            while newest < last_version:
                readable, _, _ = select.select([socket], [], [], LISTENER_PATIENCE_SECONDS)
                if not readable:
                    break
                events = store.poll_events()
                now = time.time()
                for event in events:
                    if isinstance(event, SettingsChanged) and event.settings.version > newest:
                        for version in range(newest + 1, event.settings.version + 1):
                            seen[version] = now
                        newest = event.settings.version
        finally:
            store.close()
        report.send(("seen", seen))
    except Exception as exc:  # reported to the parent, which prints it
        report.send(("failed", f"{type(exc).__name__}: {exc}"))


def flip(dsn: str, flips: int, pause: float, go: Connection, report: Connection) -> None:
    """The admin: wait for "go", then flip Copy Session ID ``flips`` times; report
    ("flipped", {version: (time the save began, time it returned)}) or ("failed", reason)."""
    from collab_console.core.admins import change_settings, verify_database_admin
    from collab_console.store.postgres import PostgresStore

    timed: dict[int, tuple[float, float]] = {}
    try:
        store = PostgresStore.open(dsn, password=PASSWORD)
        try:
            admin = verify_database_admin(store, now=datetime.now(UTC))
            current = store.load_settings()
            report.send(("ready", current.version))
            go.recv()
            for _ in range(flips):
                start = time.time()
                changed = change_settings(
                    store,
                    current,
                    admin,
                    now=datetime.now(UTC),
                    copy_session_id=not current.copy_session_id,
                )
                current = changed.settings
                timed[current.version] = (start, time.time())
                report.send(("flip", current.version))
                time.sleep(pause)
        finally:
            store.close()
        report.send(("flipped", timed))
    except Exception as exc:  # reported to the parent, which prints it
        report.send(("failed", f"{type(exc).__name__}: {exc}"))


def expect(pipe: Connection, kind: str, who: str, seconds: float) -> tuple[object, ...]:
    """The next message on ``pipe``, which must be of ``kind``; RuntimeError otherwise."""
    if not pipe.poll(seconds):
        raise RuntimeError(f"{who} said nothing for {seconds:.0f} s")
    message: tuple[object, ...] = pipe.recv()
    if message[0] == "failed":
        raise RuntimeError(f"{who} failed: {message[1]}")
    if message[0] != kind:
        raise RuntimeError(f"{who} said {message[0]!r}, expected {kind!r}")
    return message


@contextmanager
def processes() -> Iterator[list[multiprocessing.process.BaseProcess]]:
    """Started processes, stopped (terminated, then killed) however the block ends."""
    started: list[multiprocessing.process.BaseProcess] = []
    try:
        yield started
    finally:
        for process in started:
            if process.is_alive():
                process.terminate()
        for process in started:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()


# -- the run ----------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run(cluster: PgCluster, consoles: int, flips: int, pause: float) -> int:
    started = time.perf_counter()
    set_up_database(cluster, consoles)
    print(f"schema and {consoles + 1} logins made in {time.perf_counter() - started:.1f} s")
    context = multiprocessing.get_context("spawn")
    with (
        processes() as children,
        closing(psycopg.connect(cluster.dsn(DATABASE), autocommit=True)) as server,
    ):
        limit = server.execute("SHOW max_connections").fetchone()
        max_connections = limit[0] if limit else "?"
        listener_pipes = []
        for index in range(consoles):
            mine, theirs = context.Pipe(duplex=False)
            listener_pipes.append((mine, theirs, cluster.dsn(DATABASE, agent_name(index))))
        admin_in, admin_out = context.Pipe(duplex=False)
        go_in, go_out = context.Pipe(duplex=False)
        admin = context.Process(
            target=flip,
            args=(cluster.dsn(DATABASE, ADMIN), flips, pause, go_in, admin_out),
            name="admin",
        )
        children.append(admin)
        start_deaf_to_ctrl_c(admin)
        # Every flip moves the version on by one: the consoles wait for the last one.
        initial = int(expect(admin_in, "ready", "the admin", 60)[1])  # type: ignore[call-overload]
        last_version = initial + flips
        for index, (_, theirs, dsn) in enumerate(listener_pipes):
            child = context.Process(
                target=listen, args=(dsn, last_version, theirs), name=agent_name(index)
            )
            children.append(child)
            start_deaf_to_ctrl_c(child)
        for index, (mine, _, _) in enumerate(listener_pipes):
            expect(mine, "ready", agent_name(index), 60)
        print(f"{consoles} consoles listening (max_connections={max_connections})")

        peak = client_connections(server)
        go_out.send("go")
        for _ in range(flips):
            expect(admin_in, "flip", "the admin", 60)
            peak = max(peak, client_connections(server))
        timed = expect(admin_in, "flipped", "the admin", 60)[1]
        assert isinstance(timed, dict)

        latencies: list[float] = []
        after_saves: list[float] = []
        missed: list[str] = []
        for index, (mine, _, _) in enumerate(listener_pipes):
            seen = expect(mine, "seen", agent_name(index), LISTENER_PATIENCE_SECONDS + 30)[1]
            assert isinstance(seen, dict)
            for version, (start, returned) in timed.items():
                if version in seen:
                    latencies.append(seen[version] - start)
                    after_saves.append(seen[version] - returned)
                else:
                    missed.append(f"{agent_name(index)} v{version}")

    if not latencies:
        print("org_propagation: no change was seen by any console", file=sys.stderr)
        return 1
    latencies.sort()
    after_saves.sort()
    saves = [returned - start for start, returned in timed.values()]
    print(
        f"{flips} flips × {consoles} consoles = {len(latencies)} deliveries; the admin's "
        f"change_settings call took median {statistics.median(saves) * 1000:.1f} ms "
        "(its commit is somewhere inside it); clock: time.time() on one machine"
    )
    print(
        "from the call's return (a lower bound, negative when a console heard before the "
        f"admin's call returned): p50_ms={percentile(after_saves, 0.50) * 1000:.1f} "
        f"p95_ms={percentile(after_saves, 0.95) * 1000:.1f}; from the call's start (the "
        "upper bound, on the last line):"
    )
    if missed:
        print(f"org_propagation: {len(missed)} changes never arrived, e.g. {', '.join(missed[:5])}")
    print(
        f"p50_ms={percentile(latencies, 0.50) * 1000:.1f} "
        f"p95_ms={percentile(latencies, 0.95) * 1000:.1f} "
        f"max_ms={latencies[-1] * 1000:.1f} connections={peak}"
    )
    return 1 if missed else 0


def stop_on_sigterm() -> None:
    """A SIGTERM ends the run like Ctrl+C: through the ``finally`` that stops the cluster."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=20, help="listening consoles (20)")
    parser.add_argument("--flips", type=int, default=50, help="policy changes (50)")
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between two flips (0.1)")
    args = parser.parse_args(argv)
    if args.consoles < 1 or args.flips < 1 or args.pause < 0:
        parser.error("--consoles and --flips must be at least 1, --pause at least 0")

    if str(REPOSITORY) not in sys.path:
        sys.path.insert(0, str(REPOSITORY))
    from tests.pg_cluster import ClusterUnavailable, start_cluster

    stop_on_sigterm()
    cluster: PgCluster | None = None
    try:
        cluster = start_cluster()
        return run(cluster, args.consoles, args.flips, args.pause)
    except ClusterUnavailable as reason:
        print(f"org_propagation: no PostgreSQL cluster: {reason}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(f"org_propagation: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("org_propagation: interrupted; the cluster is removed", file=sys.stderr)
        return 130
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
