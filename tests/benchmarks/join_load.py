"""How many link checks a second the join service answers on one core, and how fast.

Run it from the repository (a few seconds to seed, then at most ``--seconds``)::

    .venv/bin/python tests/benchmarks/join_load.py

It makes a temporary store (on /dev/shm when there is one) with the demo
data, a session of 10 000 people and one live invitation link each
(``Store.mint_link`` for an invitation, which the hourly limit does not count), then starts
``collab-console serve`` on a free port of 127.0.0.1 in a subprocess pinned
to core 0, exactly as a user would start it (its access log included, sent to
a file). From core 1, a small HTTP/1.1 client on asyncio streams keeps
``--connections`` keep-alive connections busy, each asking for the page of a
random valid token (``GET /join/TOKEN``: a link check, as a browser opening
a Session URL does) and reading the whole answer. The first ``--warm-up``
answers are not counted. It stops after ``--requests`` answers or
``--seconds``, whichever comes first, stops the service, and prints::

    rps=… p50_ms=… p99_ms=…

The goal is rps ≥ 1000 and p99 ≤ 20 ms. Only loopback traffic, bounded in
count and time. Not a pytest test: it asserts nothing about time, and exits
1 when an answer was not a 200 page or the service did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from collab_console.core.demo import DEMO_BENCH_ID
from collab_console.core.links import LinkPurpose
from collab_console.store import open_store, seed_demo

PEOPLE = 10_000
SERVER_CORE = 0
CLIENT_CORE = 1


def seed(folder: Path, people: int) -> list[str]:
    """A store in ``folder`` with the demo data and one live link for each of ``people``;
    the links' tokens."""
    store = open_store(folder, create=True)
    try:
        seed_demo(store, extra_participants=people)
        base = store.load_settings().session_url_base
        session = store.get_session(DEMO_BENCH_ID)
        now = datetime.now(UTC)
        tokens = []
        for person in session.participants:
            minted, _ = store.mint_link(
                DEMO_BENCH_ID,
                person.access_id,
                purpose=LinkPurpose.INVITATION,
                actor="benchmark",
                now=now,
            )
            tokens.append(minted.url[len(base) :])
        return tokens
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_service(folder: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``collab-console serve`` on ``port``, pinned to :data:`SERVER_CORE`."""
    from collab_console.cli.commands import COMMANDS

    if "serve" in COMMANDS:
        command = [sys.executable, "-m", "collab_console"]
    else:  # until cli/commands.py dispatches it: the same command, called directly
        print("note: `serve` is not dispatched by cli/commands.py yet; calling it directly")
        command = [sys.executable, "-c", _DIRECT]
    command += ["--data-dir", str(folder), "serve", "--port", str(port)]
    env = {**os.environ, "COLLAB_CONSOLE_LOG_DIR": str(folder / "logs")}
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            env=env,
            preexec_fn=lambda: os.sched_setaffinity(0, {SERVER_CORE}),
        )


_DIRECT = """
import sys
from collab_console.cli import commands
from collab_console.cli.serve_command import serve
commands.COMMANDS["serve"] = serve
from collab_console.main import main
sys.exit(main())
"""


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, all threads) process ``pid`` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_listening(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the service did not listen in time")


class Load:
    """The client's tallies: latencies of counted answers, answers that were not 200."""

    def __init__(self, total: int, warm_up: int, deadline: float) -> None:
        self.total = total
        self.warm_up = warm_up
        self.deadline = deadline
        self.started = 0
        self.answered = 0
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.counting_since = 0.0
        self.counting_until = 0.0

    def next_request(self) -> bool:
        if self.started >= self.total + self.warm_up or time.monotonic() >= self.deadline:
            return False
        self.started += 1
        return True

    def record(self, status: int, seconds: float, ended: float) -> None:
        self.answered += 1
        if status != 200:
            self.failures.append(f"status {status}")
        if self.answered == self.warm_up:
            self.counting_since = ended
        elif self.answered > self.warm_up:
            self.latencies.append(seconds)
            self.counting_until = ended


async def connection(port: int, tokens: list[str], load: Load, draw: random.Random) -> None:
    """One keep-alive connection: a request, its whole answer, the next request."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while load.next_request():
            request = (
                f"GET /join/{draw.choice(tokens)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "User-Agent: join-load\r\n\r\n"
            ).encode("ascii")
            sent = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            ended = time.perf_counter()
            load.record(status, ended - sent, ended)
    finally:
        writer.close()
        await writer.wait_closed()


async def drive(port: int, tokens: list[str], load: Load, connections: int) -> None:
    draw = random.Random(20260304)
    await asyncio.gather(*(connection(port, tokens, load, draw) for _ in range(connections)))


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE, help="live links (default 10000)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--requests", type=int, default=30_000, help="answers counted, at most")
    parser.add_argument("--warm-up", type=int, default=2_000, help="answers not counted first")
    parser.add_argument("--seconds", type=float, default=60, help="the longest the load runs")
    args = parser.parse_args(argv)

    if len(os.sched_getaffinity(0)) < 2:
        print("note: fewer than 2 cores; the client shares the service's core")
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="collab-join-load-", dir=shm))
    process: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        tokens = seed(folder / "data", args.people)
        print(f"seeded {len(tokens)} live links in {time.perf_counter() - started:.1f} s")
        port = free_port()
        process = start_service(folder / "data", port, folder / "serve.log")
        wait_until_listening(port, process, 20)
        if CLIENT_CORE in os.sched_getaffinity(0):
            os.sched_setaffinity(0, {CLIENT_CORE})
        load = Load(args.requests, args.warm_up, time.monotonic() + args.seconds)
        cpu_before = cpu_seconds(process.pid)
        asyncio.run(drive(port, tokens, load, args.connections))
        cpu = cpu_seconds(process.pid) - cpu_before
    except RuntimeError as exc:
        log = folder / "serve.log"
        tail = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
        print(f"join_load: {exc}", *tail, sep="\n", file=sys.stderr)
        return 1
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log = folder / "serve.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        shutil.rmtree(folder, ignore_errors=True)

    latencies = sorted(load.latencies)
    if not latencies:
        print("join_load: no answer was counted", file=sys.stderr)
        return 1
    elapsed = load.counting_until - load.counting_since
    rps = len(latencies) / elapsed if elapsed > 0 else float("nan")
    print(
        f"{len(latencies)} answers counted over {elapsed:.1f} s, {args.connections} "
        f"connections, service on core {SERVER_CORE}; mean "
        f"{statistics.fmean(latencies) * 1000:.2f} ms, max {latencies[-1] * 1000:.1f} ms; "
        f"service CPU {cpu / load.answered * 1e6:.0f} µs per answer (so at most "
        f"{load.answered / cpu:.0f} answers/s on a core of its own); "
        f"{len(lines)} lines of service output"
    )
    print(
        f"rps={rps:.0f} p50_ms={percentile(latencies, 0.50) * 1000:.2f} "
        f"p99_ms={percentile(latencies, 0.99) * 1000:.2f}"
    )
    if load.failures:
        print(f"join_load: {len(load.failures)} answers were not 200: {load.failures[0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
