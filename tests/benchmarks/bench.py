"""Every row of issue 8's speed table, with its target, measured in one run.

Run it on a real X server with the xcb platform (never ``offscreen``)::

    xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python tests/benchmarks/bench.py

Options: ``--runs N`` (processes per kind for the start-up, memory and
``settings show`` figures, default 15), ``--rounds N`` (repetitions of each
in-process figure, default 7) and ``--no-bytecode-cache`` (see
:func:`child_env`). A default run takes about 30 s on two cores.

This is not a pytest test (pytest collects only ``test_*.py``) and it asserts
nothing about time: it prints each figure with its target and "ok" or "over
target", then all of them again as one table. A figure that cannot be measured
(the console's widgets change while this runs, xclip is missing…) is printed as
"not measured" with the reason, and the run goes on. Exit status: 0 when every
figure was measured, 1 when one was not, 2 when there is no ``$DISPLAY``.

The in-process figures drive the console only through its public parts, which
``docs/qa.md`` lists: ``console.view`` (``open``, ``shown``,
``participants_view``), ``console.session`` and object names (``sessionList``,
``customerIcon``, ``copyCard``, ``copyIdButton``).

Figures, in the order they are measured:

1. Start-up: wall time of a whole process, from spawn to exit, of
   ``python -m collab_console --data-dir TMP --demo --quit-when-ready`` (which
   exits once the console window has painted once) against a bare PySide6
   ``QMainWindow`` of the same size that quits on its first paint. The demo store
   is created during the warm-up runs, so no timed run creates it; the warm-up
   runs also fill a private bytecode cache, so the app's modules are not compiled
   from source at each start. The runs alternate app / bare so both share the
   machine's noise. Median and p90 (nearest rank) of each, and the ratio of the
   medians. Target: ratio <= 1.3. Shown beside it, from runs of their own: the
   bare window made to build first the Python classes of every PySide name the
   console's start-up modules import (the ``Qt`` namespace builds all its
   enumerations at once), with none of the app's code: the part of the gap that
   PySide's class building alone makes.
2. Memory: peak resident set size (``ru_maxrss`` of that one child, read with
   ``os.wait4``) of the same processes as figure 1. Median of each and the
   difference. Target: at most 25 MB more than the bare window (1 MB = 2**20 bytes).
3. ``collab-console settings show``: wall time of the whole process, as an admin
   runs it (the ``collab-console`` script beside this Python, on the demo store
   of figure 1), against ``python -c 'import sqlite3'``, with the same bytecode
   cache and warm-ups, alternating. Ratio of the medians. Target: <= 2.
4. Opening a large session, in this process: a console on a temporary demo
   store that also holds a session with 10 000 document participants and an
   empty one. Each round switches to one session with ``console.view.open`` (the
   read runs on the store's worker thread) and forces a synchronous layout and
   paint, then the next round switches to the other one. Median of each and the
   difference. Target: the large session opens at most 150 ms slower than the
   empty one. The store read alone (``store.get_session``) is shown beside it.
5. Scrolling the 10 000 participants: with the large session open, the
   participants view (``console.view.participants_view``) is scrolled down by
   one page (its scroll bar's page step) 80 times; each frame is the scroll and
   a synchronous repaint of the view. Target: no frame over 16 ms.
6. Hover to card: from moving the pointer onto the customer icon until the
   copy card has painted (the first paint event of ``copyCard`` and the rest of
   that paint pass), less the intent delay the card waits on purpose
   (``INTENT_DELAY_MS``, 300 ms). Between rounds the pointer rests on the session
   list until the card has gone. The first hover also builds the card and is
   shown apart. Median of the other rounds. Target: <= 16 ms.
7. Click to clipboard: with the card open on the customer and the pointer on its
   ``copyIdButton``, the clipboard holds a marker; from the click until an
   ``xclip -selection clipboard -o`` started in a separate process returns the
   Session ID. The copy is asynchronous (the click re-reads the policy on the
   store's worker thread), and xclip asks this process for the text, so xclip
   runs in a thread, again and again, while the Qt event loop runs. Median of
   the rounds; one xclip read of an unchanged clipboard is shown beside it, as
   the figure includes at least one. Target: <= 20 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from collab_console.gui.console_window import ConsoleWindow
    from collab_console.store import Store

XVFB_COMMAND = 'xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python tests/benchmarks/bench.py'

STARTUP_RATIO_TARGET = 1.3
MEMORY_DELTA_TARGET_MB = 25.0
CLI_RATIO_TARGET = 2.0
OPEN_DELTA_TARGET_MS = 150.0
FRAME_BUDGET_MS = 16.0
SCROLL_FRAMES = 80
CARD_TARGET_MS = 16.0
COPY_TARGET_MS = 20.0
LARGE_SESSION_PARTICIPANTS = 10_000
WARMUP_RUNS = 2
CHILD_TIMEOUT_S = 60.0
#: How long an in-process step may take before its figure is given up.
STEP_TIMEOUT_MS = 10_000

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

#: What the console's start-up modules import from PySide6, found in a child process.
STARTUP_QT_NAMES_SCRIPT = textwrap.dedent(
    """\
    import ast, sys
    import collab_console.gui.app

    names = set()
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("collab_console.gui") or not getattr(module, "__file__", None):
            continue
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        for node in tree.body:  # module level only: not TYPE_CHECKING blocks nor functions
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6."):
                names.update(alias.name for alias in node.names)
    print(" ".join(sorted(names)))
    """
)


class StartFailure(Exception):
    """A child process did not start, paint and exit 0."""


class NotMeasured(Exception):
    """A figure could not be measured; the message says why, and the run goes on."""


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall time from spawn to exit, and its own peak RSS."""

    wall_ms: float
    max_rss_mb: float


@dataclass(frozen=True)
class Summary:
    median: float
    p90: float


@dataclass(frozen=True)
class InProcess:
    """What figures 4 to 7 work on: one console on one temporary demo store."""

    app: QApplication
    console: ConsoleWindow
    store: Store
    rounds: int


@dataclass(frozen=True)
class Row:
    """One row of the speed table: what was measured, against which target."""

    what: str
    target: str
    #: The figure as the table shows it; empty when it was not measured.
    measured: str = ""
    ok: bool = False
    #: Why it was not measured.
    why: str = ""

    @property
    def verdict(self) -> str:
        return verdict(self.ok) if self.measured else "not measured"


STARTUP = "Start-up to first paint"
CLI = "settings show"
COPY = "Click on a copy button → clipboard"
SCROLL = "Scrolling 10 000 participants"
CARD = "Hover → card painted"
MEMORY = "Memory when ready"
OPEN = "Opening 10 000 participants"
#: The rows in the order of issue 8's table, and their targets.
TABLE = {
    STARTUP: f"≤ {STARTUP_RATIO_TARGET:.1f}× a bare window",
    CLI: f"≤ {CLI_RATIO_TARGET:.0f}× import sqlite3",
    COPY: f"≤ {COPY_TARGET_MS:.0f} ms",
    SCROLL: f"0 of {SCROLL_FRAMES} frames > {FRAME_BUDGET_MS:.0f} ms",
    CARD: f"≤ {CARD_TARGET_MS:.0f} ms past the intent delay",
    MEMORY: f"≤ +{MEMORY_DELTA_TARGET_MB:.0f} MB over a bare window",
    OPEN: f"≤ +{OPEN_DELTA_TARGET_MS:.0f} ms over an empty session",
}


def row(what: str, measured: str, ok: bool) -> Row:
    return Row(what, TABLE[what], measured, ok)


def not_measured(number: int, what: str, why: str) -> Row:
    print(f"{number}. {what}: not measured: {why}")
    print()
    return Row(what, TABLE[what], why=why)


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
    every child ``RUSAGE_CHILDREN`` would give. Its output goes to /dev/null.
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
                why = f"killed after {CHILD_TIMEOUT_S:.0f} s without finishing"
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


# -- figures 1 to 3: whole processes ---------------------------------------------------------


def cli_command(data_dir: Path) -> list[str]:
    """``collab-console settings show`` as an admin types it: the installed script."""
    script = Path(sys.executable).with_name("collab-console")
    start = [str(script)] if script.is_file() else [sys.executable, "-m", "collab_console"]
    return [*start, "--data-dir", str(data_dir), "settings", "show"]


def process_rows(runs: int, *, cache_bytecode: bool) -> list[Row]:
    """Figures 1 to 3, sharing one bytecode cache and the demo store the app makes."""
    rows: list[Row] = []
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
        floor_source = floor_script(bare_script, env)
        floor_script_path = Path(tmp) / "bare_window_with_console_classes.py"
        floor_script_path.write_text(floor_source)
        floor_runs: tuple[list[ChildRun], list[ChildRun]] = ([], [])
        try:
            app_runs, bare_runs = alternate(
                (app_cmd, "Collab Console"), (bare_cmd, "bare PySide6 window"), runs, env
            )
            if floor_source:
                floor_cmd = [sys.executable, str(floor_script_path)]
                floor_runs = alternate(
                    (floor_cmd, "bare window with the console's classes"),
                    (bare_cmd, "bare PySide6 window"),
                    runs,
                    env,
                )
        except StartFailure as exc:
            rows.append(not_measured(1, STARTUP, str(exc)))
            rows.append(not_measured(2, MEMORY, "the start-up runs failed (figure 1)"))
        else:
            rows.append(report_startup(app_runs, bare_runs, floor_runs))
            rows.append(report_memory(app_runs, bare_runs))
        sqlite_cmd = [sys.executable, "-c", "import sqlite3"]
        try:
            if not data_dir.is_dir():  # figure 1 failed before the app made its demo store
                from collab_console.store import open_store, seed_demo

                store = open_store(data_dir, create=True)
                seed_demo(store)
                store.close()
            cli_cmd = cli_command(data_dir)
            cli_runs, sqlite_runs = alternate(
                (cli_cmd, "collab-console settings show"), (sqlite_cmd, "python"), runs, env
            )
        except StartFailure as exc:
            rows.append(not_measured(3, CLI, str(exc)))
        else:
            rows.append(report_cli(cli_runs, sqlite_runs, cli_cmd))
    return rows


def alternate(
    first: tuple[list[str], str], second: tuple[list[str], str], runs: int, env: dict[str, str]
) -> tuple[list[ChildRun], list[ChildRun]]:
    """Run both commands ``runs`` times, alternating, after untimed warm-ups of each."""
    for _ in range(WARMUP_RUNS):  # the first app run creates the demo store
        run_child(*first, env)
        run_child(*second, env)
    timed: tuple[list[ChildRun], list[ChildRun]] = ([], [])
    for _ in range(runs):
        timed[0].append(run_child(*first, env))
        timed[1].append(run_child(*second, env))
    return timed


def floor_script(bare_script: Path, env: dict[str, str]) -> str:
    """The bare window, made to build the Python classes the console's start-up imports first.

    PySide builds a Python class the first time a name is taken from its module,
    the ``Qt`` namespace with all its enumerations at once; the bare window uses
    five classes. This window shows how much of the gap those classes alone
    make, before any of the console's own code runs. Empty when the names
    cannot be found.
    """
    found = subprocess.run(
        [sys.executable, "-c", STARTUP_QT_NAMES_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    names = found.stdout.split()
    if found.returncode != 0 or not names:
        return ""
    touch = (
        "from PySide6 import QtCore, QtGui, QtWidgets\n"
        f"for _name in {names!r}:\n"
        "    for _module in (QtCore, QtGui, QtWidgets):\n"
        "        if _name in _module.__dict__ or hasattr(_module, _name):\n"
        "            getattr(_module, _name)\n"
        "            break\n"
    )
    return bare_script.read_text().replace("app = QApplication", touch + "app = QApplication", 1)


def report_startup(
    app_runs: list[ChildRun],
    bare_runs: list[ChildRun],
    floor_runs: tuple[list[ChildRun], list[ChildRun]],
) -> Row:
    app = summarize([r.wall_ms for r in app_runs])
    bare = summarize([r.wall_ms for r in bare_runs])
    ratio = app.median / bare.median
    ok = ratio <= STARTUP_RATIO_TARGET
    print(
        f"1. Start-up to first paint, whole process "
        f"({len(app_runs)} runs each after {WARMUP_RUNS} warm-ups, alternating)"
    )
    print(f"   app          median {app.median:7.1f} ms   p90 {app.p90:7.1f} ms")
    print(f"   bare window  median {bare.median:7.1f} ms   p90 {bare.p90:7.1f} ms")
    if floor_runs[0]:
        # Paired with bare windows of its own, as the app is with the ones above.
        floor = summarize([r.wall_ms for r in floor_runs[0]])
        floor_bare = summarize([r.wall_ms for r in floor_runs[1]])
        print(
            "   bare window + the PySide classes the console's start-up modules import, "
            "no app code:\n"
            f"                median {floor.median:7.1f} ms   p90 {floor.p90:7.1f} ms   "
            f"({floor.median / floor_bare.median:.2f}× its bare windows, "
            f"median {floor_bare.median:.0f} ms)"
        )
    allowed_ms = bare.median * STARTUP_RATIO_TARGET
    detail = (
        ""
        if ok
        else f" (by {ratio - STARTUP_RATIO_TARGET:.2f}×: the app would need "
        f"≤ {allowed_ms:.0f} ms, {app.median - allowed_ms:.0f} ms less)"
    )
    print(
        f"   ratio of medians {ratio:.2f}×   target ≤ {STARTUP_RATIO_TARGET:.1f}×   "
        f"{verdict(ok)}{detail}"
    )
    print()
    return row(STARTUP, f"{ratio:.2f}× ({app.median:.0f} vs {bare.median:.0f} ms)", ok)


def report_memory(app_runs: list[ChildRun], bare_runs: list[ChildRun]) -> Row:
    app = statistics.median(r.max_rss_mb for r in app_runs)
    bare = statistics.median(r.max_rss_mb for r in bare_runs)
    delta = app - bare
    ok = delta <= MEMORY_DELTA_TARGET_MB
    print("2. Peak resident memory when ready (ru_maxrss per process, same runs)")
    print(f"   app          median {app:6.1f} MB")
    print(f"   bare window  median {bare:6.1f} MB")
    detail = "" if ok else f" (by {delta - MEMORY_DELTA_TARGET_MB:.1f} MB)"
    print(
        f"   difference {delta:+.1f} MB   target ≤ +{MEMORY_DELTA_TARGET_MB:.0f} MB   "
        f"{verdict(ok)}{detail}"
    )
    print()
    return row(MEMORY, f"{delta:+.1f} MB ({app:.1f} vs {bare:.1f} MB)", ok)


def report_cli(cli_runs: list[ChildRun], sqlite_runs: list[ChildRun], command: list[str]) -> Row:
    cli = summarize([r.wall_ms for r in cli_runs])
    base = summarize([r.wall_ms for r in sqlite_runs])
    ratio = cli.median / base.median
    ok = ratio <= CLI_RATIO_TARGET
    print(
        f"3. `collab-console settings show` vs `python -c 'import sqlite3'`, whole process "
        f"({len(cli_runs)} runs each after {WARMUP_RUNS} warm-ups, alternating)"
    )
    print(f"   settings show   median {cli.median:7.1f} ms   p90 {cli.p90:7.1f} ms")
    print(f"   import sqlite3  median {base.median:7.1f} ms   p90 {base.p90:7.1f} ms")
    allowed_ms = base.median * CLI_RATIO_TARGET
    detail = (
        ""
        if ok
        else f" (it would need ≤ {allowed_ms:.0f} ms, {cli.median - allowed_ms:.0f} ms less)"
    )
    print(
        f"   ratio of medians {ratio:.2f}×   target ≤ {CLI_RATIO_TARGET:.0f}×   "
        f"{verdict(ok)}{detail}"
    )
    print(f"   command: {' '.join(command[:1])} settings show, on the demo store")
    print()
    return row(CLI, f"{ratio:.2f}× ({cli.median:.0f} vs {base.median:.0f} ms)", ok)


# -- figures 4 to 7: the console in this process ---------------------------------------------


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def run_until(condition: Callable[[], bool], what: str, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """Run the Qt event loop until ``condition()`` holds; NotMeasured after ``timeout_ms``.

    An event loop, not a ``processEvents()`` spin: a spin holds the GIL and starves
    the store's worker thread (and an xclip thread).
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    if condition():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setTimerType(Qt.TimerType.PreciseTimer)
    check.setInterval(1)

    def look() -> None:
        if condition():
            loop.quit()

    check.timeout.connect(look)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start(timeout_ms)
    loop.exec()
    check.stop()
    deadline.stop()
    if not condition():
        raise NotMeasured(f"{what} did not happen within {timeout_ms / 1000:g} s")


def named(parent: QWidget, name: str) -> QWidget:
    """The widget with the object name ``name`` (a QA contract); NotMeasured if there is none."""
    from PySide6.QtWidgets import QWidget

    found = parent.findChild(QWidget, name)
    if found is None:
        raise NotMeasured(f"the console has no widget called {name!r}")
    return found


def shown_card(console: QWidget) -> QWidget | None:
    """The copy card when it is on screen, without building it (it is built on first use)."""
    from PySide6.QtWidgets import QWidget

    card = console.findChild(QWidget, "copyCard")
    return card if card is not None and card.isVisible() else None


def show_session(app: QApplication, console: ConsoleWindow, session_id: str) -> None:
    """Switch ``console`` to ``session_id`` and paint it, as a click in the list would."""
    from PySide6.QtCore import QEventLoop

    if console.session is not None and console.session.session_id == session_id:
        return
    loop = QEventLoop()

    def shown(session: object) -> None:
        if getattr(session, "session_id", None) == session_id:
            loop.quit()

    console.view.shown.connect(shown)
    try:
        console.view.open(session_id)
        if console.session is None or console.session.session_id != session_id:
            loop.exec()  # the read runs on the store's worker thread
    finally:
        console.view.shown.disconnect(shown)
    app.processEvents()  # posted layout requests and delayed item layout
    console.repaint()  # synchronous paint of the window and its children
    app.processEvents()


def park_pointer(console: QWidget) -> None:
    """Rest the pointer on a corner of the session list, away from every card anchor."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    QTest.mouseMove(named(console, "sessionList"), QPoint(3, 3))


def console_rows(rounds: int) -> list[Row]:
    """Figures 4 to 7 on one console, each on its own: one that fails is reported as such."""
    from PySide6.QtWidgets import QApplication

    from collab_console.store import open_store, seed_demo

    figures: list[tuple[str, Callable[[InProcess], Row]]] = [
        (OPEN, measure_session_open),
        (SCROLL, measure_scrolling),
        (CARD, measure_card),
        (COPY, measure_copy),
    ]
    first = 4
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="collab-bench-") as tmp, ExitStack() as cleanup:
        store = open_store(tmp, create=True)
        cleanup.callback(store.close)
        seed_ms = timed_ms(lambda: seed_demo(store, extra_participants=LARGE_SESSION_PARTICIPANTS))
        print(f"(In-process figures: seeding their temporary store took {seed_ms:.0f} ms.)")
        print()
        try:
            console = show_console(store, cleanup)
        except Exception as exc:  # the GUI code may be mid-change: say so, go on
            why = f"the console could not be shown in this process: {exc!r}"
            return [not_measured(first + n, what, why) for n, (what, _) in enumerate(figures)]
        rows = []
        for n, (what, measure) in enumerate(figures):
            try:
                rows.append(measure(InProcess(app, console, store, rounds)))
            except Exception as exc:
                why = str(exc) if isinstance(exc, NotMeasured) else repr(exc)
                rows.append(not_measured(first + n, what, why))
    return rows


def show_console(store: Store, cleanup: ExitStack) -> ConsoleWindow:
    """A console on ``store``, shown and exposed; ``cleanup`` closes it and its hub."""
    from PySide6.QtTest import QTest
    from shiboken6 import Shiboken

    from collab_console.gui.console_window import ConsoleWindow
    from collab_console.gui.store_hub import StoreHub

    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    cleanup.callback(hub.close)
    console = ConsoleWindow(hub)
    cleanup.callback(Shiboken.delete, console)
    cleanup.callback(console.close)
    console.show()
    if not QTest.qWaitForWindowExposed(console, STEP_TIMEOUT_MS):
        raise NotMeasured("the console window was never exposed on the X server")
    console.activateWindow()
    return console


def measure_session_open(bench: InProcess) -> Row:
    """Figure 4: switch between the 10 000-participant session and the empty one."""
    from collab_console.core.demo import DEMO_BENCH_ID, DEMO_EMPTY_ID

    app, console, rounds = bench.app, bench.console, bench.rounds

    def open_and_paint(session_id: str) -> float:
        return timed_ms(lambda: show_session(app, console, session_id))

    # One untimed switch each way first; the cold open is shown for information.
    open_and_paint(DEMO_EMPTY_ID)
    cold_ms = open_and_paint(DEMO_BENCH_ID)
    open_and_paint(DEMO_EMPTY_ID)

    times: dict[str, list[float]] = {DEMO_BENCH_ID: [], DEMO_EMPTY_ID: []}
    rows: dict[str, int] = {}
    for _ in range(rounds):
        for session_id in (DEMO_BENCH_ID, DEMO_EMPTY_ID):  # each open is a switch
            times[session_id].append(open_and_paint(session_id))
            model = console.view.participants_view.model()
            rows[session_id] = model.rowCount() if model is not None else -1
    reads = {
        sid: statistics.median(
            timed_ms(lambda sid=sid: bench.store.get_session(sid)) for _ in range(rounds)
        )
        for sid in (DEMO_BENCH_ID, DEMO_EMPTY_ID)
    }

    large = statistics.median(times[DEMO_BENCH_ID])
    empty = statistics.median(times[DEMO_EMPTY_ID])
    delta = large - empty
    ok = delta <= OPEN_DELTA_TARGET_MS
    print(
        f"4. Opening a session with {LARGE_SESSION_PARTICIPANTS:,} participants vs an empty one "
        f"(in-process, {rounds} rounds each, open + layout + paint)"
    )
    print(
        f"   {LARGE_SESSION_PARTICIPANTS:,} participants  median {large:7.1f} ms   "
        f"(view rows: {rows[DEMO_BENCH_ID]}; first, untimed open took {cold_ms:.1f} ms)"
    )
    print(f"   empty session        median {empty:7.1f} ms   (view rows: {rows[DEMO_EMPTY_ID]})")
    detail = "" if ok else f" (by {delta - OPEN_DELTA_TARGET_MS:.1f} ms)"
    print(
        f"   difference {delta:+.1f} ms   target ≤ +{OPEN_DELTA_TARGET_MS:.0f} ms   "
        f"{verdict(ok)}{detail}"
    )
    print(
        f"   the store read alone (store.get_session, included above): "
        f"{reads[DEMO_BENCH_ID]:.1f} ms large, {reads[DEMO_EMPTY_ID]:.1f} ms empty "
        f"(median of {rounds})"
    )
    print()
    return row(OPEN, f"{delta:+.1f} ms ({large:.0f} vs {empty:.0f} ms)", ok)


def measure_scrolling(bench: InProcess) -> Row:
    """Figure 5: page down the 10 000 participants, one synchronous repaint per frame."""
    from collab_console.core.demo import DEMO_BENCH_ID

    app, console = bench.app, bench.console

    show_session(app, console, DEMO_BENCH_ID)
    view = console.view.participants_view
    if not view.isVisible():
        raise NotMeasured("the participants view is not on screen for the large session")
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    view.viewport().repaint()
    step = bar.pageStep()
    if step < 1 or bar.maximum() < SCROLL_FRAMES * step:
        raise NotMeasured(
            f"the view cannot scroll {SCROLL_FRAMES} pages (page step {step}, "
            f"maximum {bar.maximum()})"
        )
    frames = []
    for _ in range(SCROLL_FRAMES):

        def frame() -> None:
            bar.setValue(bar.value() + step)
            view.viewport().repaint()

        frames.append(timed_ms(frame))
        app.processEvents()  # what the event loop would do between two frames; not timed
    slow = [ms for ms in frames if ms > FRAME_BUDGET_MS]
    spread = summarize(frames)
    ok = not slow
    print(
        f"5. Scrolling {LARGE_SESSION_PARTICIPANTS:,} participants: {SCROLL_FRAMES} frames of one "
        f"page ({step} steps of the scroll bar) each, scroll + synchronous repaint"
    )
    print(
        f"   frame median {spread.median:5.1f} ms   p90 {spread.p90:5.1f} ms   "
        f"slowest {max(frames):5.1f} ms   (view {view.viewport().height()} px high)"
    )
    print(
        f"   frames over {FRAME_BUDGET_MS:.0f} ms: {len(slow)} of {SCROLL_FRAMES}   target 0   "
        f"{verdict(ok)}"
    )
    print()
    return row(SCROLL, f"{len(slow)} of {SCROLL_FRAMES} frames > {FRAME_BUDGET_MS:.0f} ms", ok)


def measure_card(bench: InProcess) -> Row:
    """Figure 6: pointer onto the customer icon until the card has painted, less the delay."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtTest import QTest

    from collab_console.core.demo import DEMO_ACTIVE_ID
    from collab_console.gui.copy_card import INTENT_DELAY_MS

    app, console, rounds = bench.app, bench.console, bench.rounds

    show_session(app, console, DEMO_ACTIVE_ID)
    icon = named(console, "customerIcon")

    class CardPaint(QObject):
        """Notes when ``copyCard`` starts to paint, and when that paint pass is over."""

        def __init__(self) -> None:
            super().__init__()
            self.started = 0.0
            self.done = 0.0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                not self.started
                and event.type() == QEvent.Type.Paint
                and watched.objectName() == "copyCard"
            ):
                self.started = time.perf_counter()
                QTimer.singleShot(0, self.finished)  # after the card's children painted too
            return False

        def finished(self) -> None:
            self.done = time.perf_counter()

    past_delay = []
    for _ in range(rounds + 1):  # the first hover also builds the card
        park_pointer(console)
        run_until(lambda: shown_card(console) is None, "the card closing after the pointer left")
        watch = CardPaint()
        app.installEventFilter(watch)
        try:
            start = time.perf_counter()
            QTest.mouseMove(icon, icon.rect().center())
            run_until(
                lambda watch=watch: bool(watch.done),
                "the copy card painting after a hover on the customer icon",
            )
        finally:
            app.removeEventFilter(watch)
        past_delay.append((watch.done - start) * 1000 - INTENT_DELAY_MS)
    park_pointer(console)
    first, rest = past_delay[0], summarize(past_delay[1:])
    ok = rest.median <= CARD_TARGET_MS
    print(
        f"6. Hover on the customer icon to copy card painted, past the {INTENT_DELAY_MS} ms "
        f"intent delay ({rounds} hovers after a first one)"
    )
    print(
        f"   median {rest.median:6.1f} ms   p90 {rest.p90:6.1f} ms   "
        f"(first hover, which builds the card: {first:.1f} ms)"
    )
    print(f"   target ≤ {CARD_TARGET_MS:.0f} ms   {verdict(ok)}")
    print()
    return row(CARD, f"{rest.median:.1f} ms", ok)


def xclip_read(xclip: str) -> tuple[str, float]:
    """What another program reads from the clipboard, and the perf_counter time it had it."""
    try:
        done = subprocess.run(
            [xclip, "-selection", "clipboard", "-o"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=STEP_TIMEOUT_MS / 1000,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "", time.perf_counter()
    return done.stdout.decode(errors="replace"), time.perf_counter()


def read_in_thread(xclip: str, until: str | None) -> Callable[[], tuple[str, float] | None]:
    """Start reading the clipboard with xclip in a thread, again and again until it is ``until``.

    With ``until`` None, one read. Returns a function giving (text, time) once done.
    The caller runs the Qt event loop meanwhile: xclip asks this process for the text.
    """
    result: list[tuple[str, float]] = []
    deadline = time.perf_counter() + STEP_TIMEOUT_MS / 1000

    def read() -> None:
        while True:
            text, when = xclip_read(xclip)
            if until is None or text == until or when > deadline:
                result.append((text, when))
                return

    threading.Thread(target=read, daemon=True).start()
    return lambda: result[0] if result else None


def measure_copy(bench: InProcess) -> Row:
    """Figure 7: click on Copy Session ID until a separate xclip reads the ID."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QClipboard
    from PySide6.QtTest import QTest

    from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
    from collab_console.core.demo import DEMO_ACTIVE_ID

    app, console, rounds = bench.app, bench.console, bench.rounds

    xclip = shutil.which("xclip")
    if xclip is None:
        raise NotMeasured("xclip is not installed (apt-get install xclip)")
    show_session(app, console, DEMO_ACTIVE_ID)
    session = console.session
    if session is None:
        raise NotMeasured("no session on screen")
    # The ID copy: it puts the ID alone, without the store call a URL copy makes.
    expected = COPY_ACTIONS[CopyAction.ID].clipboard_text(session.customer, "", "")
    clipboard = app.clipboard()

    def button_on_open_card() -> QWidget:
        if shown_card(console) is None:
            park_pointer(console)
            QTest.mouseMove(named(console, "customerIcon"), QPoint(8, 8))
            run_until(lambda: shown_card(console) is not None, "the copy card opening")
        card = shown_card(console)
        assert card is not None
        button = named(card, "copyIdButton")
        if not button.isVisible():
            raise NotMeasured("copyIdButton is not offered on the card (Copy Session ID off?)")
        QTest.mouseMove(button, button.rect().center())  # the pointer on the card keeps it open
        return button

    latencies, reads = [], []
    for n in range(rounds):
        button = button_on_open_card()
        marker = f"clipboard before copy {n}"
        clipboard.setText(marker, QClipboard.Mode.Clipboard)
        began = time.perf_counter()
        read = read_in_thread(xclip, None)
        run_until(lambda read=read: read() is not None, "xclip reading the clipboard")
        text, ended = read() or ("", 0.0)
        if text != marker:
            raise NotMeasured(f"xclip read {text[:40]!r}, not the marker this process set")
        reads.append((ended - began) * 1000)

        click_time = time.perf_counter()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
        copied = read_in_thread(xclip, expected)
        run_until(lambda copied=copied: copied() is not None, "xclip reading the copied value")
        text, got = copied() or ("", 0.0)
        if text != expected:
            raise NotMeasured(f"after the click xclip still read {text[:40]!r}, not the Session ID")
        latencies.append((got - click_time) * 1000)
    park_pointer(console)
    spread, read_alone = summarize(latencies), statistics.median(reads)
    ok = spread.median <= COPY_TARGET_MS
    print(
        f"7. Click on copyIdButton to the Session ID readable by another program "
        f"(xclip -o in a separate process, {rounds} clicks)"
    )
    print(
        f"   median {spread.median:6.1f} ms   p90 {spread.p90:6.1f} ms   "
        f"(one xclip read of an unchanged clipboard alone: {read_alone:.1f} ms)"
    )
    print(f"   target ≤ {COPY_TARGET_MS:.0f} ms   {verdict(ok)}")
    print()
    return row(COPY, f"{spread.median:.1f} ms", ok)


# -- the table --------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    by_name = {r.what: r for r in rows}
    ordered = [by_name[what] for what in TABLE if what in by_name]
    what_width = max(len(r.what) for r in ordered)
    measured_width = max(len(r.measured or "—") for r in ordered)
    target_width = max(len(r.target) for r in ordered)
    print("Issue 8's speed table, measured in this run")
    for r in ordered:
        print(
            f"  {r.what:<{what_width}}  {r.measured or '—':<{measured_width}}  "
            f"target {r.target:<{target_width}}  {r.verdict}"
        )
    print()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Collab Console's figures against issue 8's speed table.",
        epilog=f"Run on an X server, e.g.: {XVFB_COMMAND}",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=15,
        help="timed processes per kind for the start-up, memory and settings show figures "
        "(default 15)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=7,
        help="repetitions of each in-process figure (opens, hovers, clicks; default 7)",
    )
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
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # for this process (figures 4 to 7) and every child

    began = time.perf_counter()
    print_header(cache_bytecode=args.cache_bytecode)
    rows = process_rows(args.runs, cache_bytecode=args.cache_bytecode)
    rows += console_rows(args.rounds)
    print_table(rows)
    print(f"Benchmark took {time.perf_counter() - began:.1f} s.")
    return 0 if all(r.measured for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
