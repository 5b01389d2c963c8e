"""Performance figures of Collab Console against its targets, measured in one run.

Run it on a real X server with the xcb platform (never ``offscreen``)::

    xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python tests/benchmarks/bench.py

Options: ``--runs N`` (processes per kind for figures 1 and 2, default 15),
``--rounds N`` (opens per session for figure 3, default 7) and
``--no-bytecode-cache`` (see :func:`child_env`). A default run takes about 8 s.

This is not a pytest test (pytest collects only ``test_*.py``) and it asserts
nothing about time: it prints each figure with its target and "ok" or "over
target". It exits 0 whenever it could measure, 1 when the app (or Qt itself)
fails to start, and 2 when there is no ``$DISPLAY``.

Figures:

1. Start-up: wall time of a whole process, from spawn to exit, of
   ``python -m collab_console --data-dir TMP --demo --quit-when-ready`` (which
   exits once the console window has painted once) against a bare PySide6
   ``QMainWindow`` of the same size that quits on its first paint. The demo store
   is created during the warm-up runs, so no timed run creates it; the warm-up
   runs also fill a private bytecode cache, so the app's modules are not compiled
   from source at each start. The runs alternate app / bare so both share the
   machine's noise. Median and p90 (nearest rank) of each, and the ratio of the
   medians. Target: ratio <= 1.3.
2. Memory: peak resident set size (``ru_maxrss`` of that one child, read with
   ``os.wait4``) of the same processes as figure 1. Median of each and the
   difference. Target: at most 25 MB more than the bare window (1 MB = 2**20 bytes).
3. Opening a large session, in this process after the subprocess figures: a
   console on a temporary demo store that also holds a session with 10 000
   document participants and an empty one. Each round switches to one session
   with ``SessionView.open`` (the read runs on the store's worker thread) and
   forces a synchronous layout and paint, then the next round switches to the
   other one. Median of each and the difference. Target: the large session
   opens at most 150 ms slower than the empty one. The store read alone
   (``store.get_session``) is shown beside it so a reader can see how much of
   the time is SQLite and building (and validating) the Session.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

XVFB_COMMAND = 'xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python tests/benchmarks/bench.py'

STARTUP_RATIO_TARGET = 1.3
MEMORY_DELTA_TARGET_MB = 25.0
OPEN_DELTA_TARGET_MS = 150.0
LARGE_SESSION_PARTICIPANTS = 10_000
WARMUP_RUNS = 2
CHILD_TIMEOUT_S = 60.0

BARE_WINDOW_SCRIPT = textwrap.dedent(
    """\
    import sys

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow


    class QuitOnFirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False


    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(980, 640)
    quitter = QuitOnFirstPaint(window)
    window.installEventFilter(quitter)
    window.show()
    sys.exit(app.exec())
    """
)


class StartFailure(Exception):
    """A child process did not start, paint and exit 0."""


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall time from spawn to exit, and its own peak RSS."""

    wall_ms: float
    max_rss_mb: float


@dataclass(frozen=True)
class Summary:
    median: float
    p90: float


def summarize(values: Sequence[float]) -> Summary:
    """Median and nearest-rank 90th percentile."""
    ordered = sorted(values)
    rank = math.ceil(0.9 * len(ordered))
    return Summary(statistics.median(ordered), ordered[rank - 1])


def verdict(ok: bool) -> str:
    return "ok" if ok else "over target"


def child_env(pycache: Path | None) -> dict[str, str]:
    """This environment with xcb; with ``pycache``, bytecode is cached there.

    An installed app has its ``.pyc`` files, but ``PYTHONDONTWRITEBYTECODE=1`` in
    a developer's shell would make every start compile the app's modules again
    (while PySide6 and the standard library keep their cached bytecode). A
    private ``PYTHONPYCACHEPREFIX`` filled by the warm-up runs removes that
    difference without writing ``__pycache__`` folders into the repository.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_child(command: Sequence[str], label: str, env: dict[str, str]) -> ChildRun:
    """Run ``command`` to completion; time it and read its peak RSS with ``os.wait4``.

    This is ``subprocess.run`` taken apart: ``Popen`` then ``os.wait4`` instead of
    ``wait``, so the rusage is that one child's and not the running maximum over
    every child ``RUSAGE_CHILDREN`` would give.
    """
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        timed_out = threading.Event()

        def kill_when_stuck() -> None:
            timed_out.set()
            proc.kill()

        watchdog = threading.Timer(CHILD_TIMEOUT_S, kill_when_stuck)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall_ms = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            stderr.seek(0)
            output = stderr.read().decode(errors="replace").strip()
            if timed_out.is_set():
                why = f"killed after {CHILD_TIMEOUT_S:.0f} s without painting"
            elif proc.returncode < 0:
                why = f"died of signal {-proc.returncode}"
            else:
                why = f"exit status {proc.returncode}"
            raise StartFailure(f"{label}: {why}\n  command: {' '.join(command)}\n{output}")
    return ChildRun(wall_ms, usage.ru_maxrss / 1024)  # ru_maxrss is in KB on Linux


def print_header(*, cache_bytecode: bool) -> None:
    import PySide6
    from PySide6.QtCore import qVersion

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    print("Collab Console benchmark")
    print(f"  python   {sys.version.split()[0]} ({sys.executable})")
    print(f"  PySide6  {PySide6.__version__}, Qt {qVersion()}")
    print(f"  CPUs     {cpus} ({usable} usable by this process)")
    print(f"  display  {os.environ['DISPLAY']}, QT_QPA_PLATFORM=xcb")
    bytecode = (
        "private PYTHONPYCACHEPREFIX for the children"
        if cache_bytecode
        else f"children inherit PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')}"
    )
    print(f"  bytecode {bytecode}")
    print()


def measure_processes(runs: int, *, cache_bytecode: bool) -> tuple[list[ChildRun], list[ChildRun]]:
    """Figures 1 and 2: alternate app and bare-window processes; return (app, bare)."""
    with tempfile.TemporaryDirectory(prefix="collab-bench-") as tmp:
        env = child_env(Path(tmp) / "pycache" if cache_bytecode else None)
        bare_script = Path(tmp) / "bare_window.py"
        bare_script.write_text(BARE_WINDOW_SCRIPT)
        data_dir = Path(tmp) / "data"
        app_cmd = [
            sys.executable,
            "-m",
            "collab_console",
            "--data-dir",
            str(data_dir),
            "--demo",
            "--quit-when-ready",
        ]
        bare_cmd = [sys.executable, str(bare_script)]

        for _ in range(WARMUP_RUNS):  # the first app run creates the demo store
            run_child(app_cmd, "Collab Console", env)
            run_child(bare_cmd, "bare PySide6 window", env)
        app_runs: list[ChildRun] = []
        bare_runs: list[ChildRun] = []
        for _ in range(runs):
            app_runs.append(run_child(app_cmd, "Collab Console", env))
            bare_runs.append(run_child(bare_cmd, "bare PySide6 window", env))
    return app_runs, bare_runs


def report_startup(app_runs: list[ChildRun], bare_runs: list[ChildRun]) -> None:
    app = summarize([r.wall_ms for r in app_runs])
    bare = summarize([r.wall_ms for r in bare_runs])
    ratio = app.median / bare.median
    print(
        f"1. Start-up to first paint, whole process "
        f"({len(app_runs)} runs each after {WARMUP_RUNS} warm-ups, alternating)"
    )
    print(f"   app          median {app.median:7.1f} ms   p90 {app.p90:7.1f} ms")
    print(f"   bare window  median {bare.median:7.1f} ms   p90 {bare.p90:7.1f} ms")
    allowed_ms = bare.median * STARTUP_RATIO_TARGET
    detail = (
        ""
        if ratio <= STARTUP_RATIO_TARGET
        else f" (by {ratio - STARTUP_RATIO_TARGET:.2f}×: the app would need "
        f"≤ {allowed_ms:.0f} ms, {app.median - allowed_ms:.0f} ms less)"
    )
    print(
        f"   ratio of medians {ratio:.2f}×   target ≤ {STARTUP_RATIO_TARGET:.1f}×   "
        f"{verdict(ratio <= STARTUP_RATIO_TARGET)}{detail}"
    )
    print()


def report_memory(app_runs: list[ChildRun], bare_runs: list[ChildRun]) -> None:
    app = statistics.median(r.max_rss_mb for r in app_runs)
    bare = statistics.median(r.max_rss_mb for r in bare_runs)
    delta = app - bare
    print("2. Peak resident memory when ready (ru_maxrss per process, same runs)")
    print(f"   app          median {app:6.1f} MB")
    print(f"   bare window  median {bare:6.1f} MB")
    detail = (
        "" if delta <= MEMORY_DELTA_TARGET_MB else f" (by {delta - MEMORY_DELTA_TARGET_MB:.1f} MB)"
    )
    print(
        f"   difference {delta:+.1f} MB   target ≤ +{MEMORY_DELTA_TARGET_MB:.0f} MB   "
        f"{verdict(delta <= MEMORY_DELTA_TARGET_MB)}{detail}"
    )
    print()


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def measure_session_open(rounds: int) -> None:
    """Figure 3, in this process: open the 10 000-participant and the empty session."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from collab_console.core.demo import DEMO_BENCH_ID, DEMO_EMPTY_ID
    from collab_console.gui.console_window import ConsoleWindow
    from collab_console.gui.store_hub import StoreHub
    from collab_console.store import open_store, seed_demo

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="collab-bench-") as tmp:
        store = open_store(tmp, create=True)
        try:
            seed_ms = timed_ms(
                lambda: seed_demo(store, extra_participants=LARGE_SESSION_PARTICIPANTS)
            )
            try:
                hub = StoreHub(
                    store, settings=store.load_settings(), sessions=store.list_sessions()
                )
                window = ConsoleWindow(hub)
                window.show()
            except Exception as exc:
                raise StartFailure(f"Collab Console window (in-process): {exc!r}") from exc
            if not QTest.qWaitForWindowExposed(window, 10_000):
                raise StartFailure("the console window was never exposed on the X server")

            def open_and_paint(session_id: str) -> float:
                def action() -> None:
                    # The read runs on the store's worker thread; wait in an event loop,
                    # as the console does (a processEvents() spin would hold the GIL
                    # and starve the worker).
                    loop = QEventLoop()

                    def shown(session: object) -> None:
                        if getattr(session, "session_id", None) == session_id:
                            loop.quit()

                    window.view.shown.connect(shown)
                    window.view.open(session_id)
                    loop.exec()
                    window.view.shown.disconnect(shown)
                    app.processEvents()  # posted layout requests and delayed item layout
                    window.repaint()  # synchronous paint of the window and its children
                    app.processEvents()

                return timed_ms(action)

            # One untimed switch each way first; the cold open is shown for information.
            open_and_paint(DEMO_EMPTY_ID)
            cold_ms = open_and_paint(DEMO_BENCH_ID)
            open_and_paint(DEMO_EMPTY_ID)

            times: dict[str, list[float]] = {DEMO_BENCH_ID: [], DEMO_EMPTY_ID: []}
            rows: dict[str, int] = {}
            for _ in range(rounds):
                for session_id in (DEMO_BENCH_ID, DEMO_EMPTY_ID):  # each open is a switch
                    times[session_id].append(open_and_paint(session_id))
                    rows[session_id] = window.view.participants_model.rowCount()
            reads = {
                sid: [timed_ms(lambda sid=sid: store.get_session(sid)) for _ in range(rounds)]
                for sid in (DEMO_BENCH_ID, DEMO_EMPTY_ID)
            }
            window.close()
            hub.close()
            from shiboken6 import Shiboken

            Shiboken.delete(window)
        finally:
            store.close()

    large = statistics.median(times[DEMO_BENCH_ID])
    empty = statistics.median(times[DEMO_EMPTY_ID])
    delta = large - empty
    read_large = statistics.median(reads[DEMO_BENCH_ID])
    read_empty = statistics.median(reads[DEMO_EMPTY_ID])
    print(
        f"3. Opening a session with {LARGE_SESSION_PARTICIPANTS:,} participants vs an empty one "
        f"(in-process, {rounds} rounds each, open + layout + paint)"
    )
    print(
        f"   {LARGE_SESSION_PARTICIPANTS:,} participants  median {large:7.1f} ms   "
        f"(view rows: {rows[DEMO_BENCH_ID]}; first, untimed open took {cold_ms:.1f} ms)"
    )
    print(f"   empty session        median {empty:7.1f} ms   (view rows: {rows[DEMO_EMPTY_ID]})")
    detail = "" if delta <= OPEN_DELTA_TARGET_MS else f" (by {delta - OPEN_DELTA_TARGET_MS:.1f} ms)"
    print(
        f"   difference {delta:+.1f} ms   target ≤ +{OPEN_DELTA_TARGET_MS:.0f} ms   "
        f"{verdict(delta <= OPEN_DELTA_TARGET_MS)}{detail}"
    )
    print(
        f"   the store read alone (store.get_session, included above): "
        f"{read_large:.1f} ms large, {read_empty:.1f} ms empty (median of {rounds})"
    )
    print(f"   (seeding the temporary store took {seed_ms:.0f} ms; not part of any figure)")
    print()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Collab Console start-up, memory and large-session figures.",
        epilog=f"Run on an X server, e.g.: {XVFB_COMMAND}",
    )
    parser.add_argument(
        "--runs", type=int, default=15, help="timed processes per kind (default 15)"
    )
    parser.add_argument("--rounds", type=int, default=7, help="timed opens per session (default 7)")
    parser.add_argument(
        "--no-bytecode-cache",
        dest="cache_bytecode",
        action="store_false",
        help="run the child processes with this environment as it is, so that "
        "PYTHONDONTWRITEBYTECODE=1 (if set) makes the app compile its modules at each start",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("bench.py needs a real X server ($DISPLAY is not set). Run it as:")
        print(f"    {XVFB_COMMAND}")
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # for this process (figure 3) and every child

    began = time.perf_counter()
    print_header(cache_bytecode=args.cache_bytecode)
    try:
        app_runs, bare_runs = measure_processes(args.runs, cache_bytecode=args.cache_bytecode)
        report_startup(app_runs, bare_runs)
        report_memory(app_runs, bare_runs)
        measure_session_open(args.rounds)
    except StartFailure as exc:
        print(f"FAILED to start: {exc}", file=sys.stderr)
        return 1
    print(f"Benchmark took {time.perf_counter() - began:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
