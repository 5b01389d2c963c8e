"""How fast the Audit log page of Preferences opens and filters on 100 000 entries.

Run it on a real X server with the xcb platform (never ``offscreen``)::

    xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python tests/benchmarks/bench_audit.py

Options: ``--entries N`` (audit entries seeded, default 100 000) and ``--rounds N``
(repetitions of each figure, default 5). Not a pytest test, and it asserts
nothing about time: it prints each figure (median, and the slowest round).

The store is a temporary one: ``--entries`` chained entries spread over the
past months (``tests/gui/audit_entries.py``, the chain computed as the store
computes it), then the demo data and an admin whose passphrase is hashed at
the production scrypt cost. Figures, in the order they are measured:

1. Opening: a fresh Preferences dialog on the console's hub is unlocked with
   that admin's session and shows its Audit log page; from the unlock until
   the table's viewport has painted the first rows. The unlock also starts the
   check of the chain, ``CHECK_SLICE`` entries per store call
   (``Store.verify_audit_slice``), the next slice asked for when one answers.
   Timed too: from the unlock to the check's end, and how long a store call
   made meanwhile waited for its answer (a settings read every 10 ms, as a
   copy, poll or save would queue: from the call until its done-callback).
   Then the same on the trail with its last seeded entry altered: from the
   unlock to the red banner showing.
2. Filtering: with the page open, a filter is typed (or chosen) and the time
   is taken from the last key press until the table has painted the filtered
   rows; this includes the page's debounce (``AUDIT_FILTER_DELAY_MS``, 150 ms),
   shown apart. Between rounds the filter is cleared and the full list waited
   for. One figure per kind of filter.
3. For information: the store calls alone, in this process (the newest page,
   a page deep in the trail by its ``before_seq`` cursor, a free-text search
   that finds nothing, a filtered count, one slice of the chain check and the
   whole check), and the unlock's own passphrase check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench  # the benchmark beside this one: this folder is on sys.path
from bench import NotMeasured
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView, QWidget

from collab_console.core.admins import AdminSession, init_admin, verify_admin
from collab_console.core.audit import GENESIS, AuditQuery
from collab_console.gui.audit_log import AUDIT_FILTER_DELAY_MS, CHECK_SLICE, PAGE_SIZE
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME

#: The repository, for ``tests.gui.audit_entries`` (run as a script, not by pytest).
REPOSITORY = Path(__file__).resolve().parents[2]

ADMIN = "admin.bench"
PASSPHRASE = "benchmarks need a passphrase too"
STEP_TIMEOUT_MS = 60_000
#: How often a store call is made while the chain is checked, to see how long it waits.
PROBE_EVERY_MS = 10


def run_until(condition: Callable[[], bool], what: str, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """``bench.run_until``, with this benchmark's longer wait (100 000 entries are slow to seed)."""
    bench.run_until(condition, what, timeout_ms)


class RowsPainted(QObject):
    """Notes when the table's viewport (or, for no rows, the count under it) has painted
    once ``ready()`` holds: the end of that paint pass."""

    def __init__(self, table: QTableView, ready: Callable[[], bool], *also: QWidget) -> None:
        super().__init__()
        self.ready = ready
        self.done = 0.0
        self.watched = [table.viewport(), *also]
        for widget in self.watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint and self.ready():
            QTimer.singleShot(0, self._finished)  # after this paint pass
        return False

    def _finished(self) -> None:
        if not self.done:
            self.done = time.perf_counter()
            for widget in self.watched:
                widget.removeEventFilter(self)


def ms(seconds: float) -> float:
    return seconds * 1000


def report(title: str, values: Sequence[float], note: str = "") -> None:
    print(
        f"   {title:<44} median {statistics.median(values):7.1f} ms   "
        f"slowest {max(values):7.1f} ms{note}"
    )


# -- the store --------------------------------------------------------------------------


def make_store(entries: int) -> tuple[Store, AdminSession, Path]:
    if str(REPOSITORY) not in sys.path:
        sys.path.insert(0, str(REPOSITORY))
    from tests.gui.audit_entries import seed_audit

    data_dir = Path(tempfile.mkdtemp(prefix="collab-bench-audit-"))
    open_store(data_dir, create=True).close()
    start = time.perf_counter()
    seed_audit(data_dir / STORE_FILENAME, entries, newest=datetime.now(UTC) - timedelta(hours=1))
    seeded = time.perf_counter() - start
    store = open_store(data_dir)
    seed_demo(store)
    init_admin(store, ADMIN, PASSPHRASE, actor="bench")
    start = time.perf_counter()
    admin = verify_admin(store, ADMIN, PASSPHRASE, now=datetime.now(UTC), actor="bench")
    checked = time.perf_counter() - start
    total = len(store.audit_entries(AuditQuery(limit=None)))
    print(f"Store: {total:,} audit entries in {data_dir}")
    print(f"   seeded {entries:,} chained entries in {seeded:.1f} s (not part of any figure)")
    print(f"   the unlock's passphrase check (scrypt, production cost): {ms(checked):.0f} ms")
    print()
    return store, admin, data_dir / STORE_FILENAME


def store_figures(store: Store, rounds: int) -> None:
    print("3. The store calls alone (in this process, no GUI)")

    def timed(call: Callable[[], object], times: int = rounds) -> list[float]:
        values = []
        for _ in range(times):
            start = time.perf_counter()
            call()
            values.append(ms(time.perf_counter() - start))
        return values

    report(
        f"newest page ({PAGE_SIZE + 1} entries)",
        timed(lambda: store.audit_entries(AuditQuery(limit=PAGE_SIZE + 1))),
    )
    deep = store.audit_entries(AuditQuery(limit=1))[0].seq // 10
    report(
        f"a page below entry #{deep:,} (before_seq)",
        timed(lambda: store.audit_entries(AuditQuery(before_seq=deep, limit=PAGE_SIZE + 1))),
    )
    report(
        "free text that matches nothing",
        timed(lambda: store.audit_entries(AuditQuery(text="no such text", limit=PAGE_SIZE + 1))),
    )
    report(
        "count, person agent.kim (count_audit_entries)",
        timed(lambda: store.count_audit_entries(AuditQuery(person="agent.kim"))),
    )
    report(
        "count, free text P3",
        timed(lambda: store.count_audit_entries(AuditQuery(text="P3"))),
    )
    report(
        f"one slice of the chain check ({CHECK_SLICE:,} entries)",
        timed(lambda: store.verify_audit_slice(0, GENESIS, CHECK_SLICE)),
    )
    report("the whole chain check (verify_audit), 2 rounds", timed(store.verify_audit, 2))
    print()


# -- the page ---------------------------------------------------------------------------


class Probe:
    """While running, a store call every PROBE_EVERY_MS (each once the one before has
    answered): how long each waited, from the call to its done-callback, in ms."""

    def __init__(self, hub: StoreHub) -> None:
        self.hub = hub
        self.waits: list[float] = []
        self.running = False
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_EVERY_MS)
        self.timer.timeout.connect(self._call)

    def start(self) -> None:
        self.running = True
        self._call()

    def stop(self) -> None:
        self.running = False
        self.timer.stop()

    def _call(self) -> None:
        if not self.running:
            return
        start = time.perf_counter()

        def done(_settings: object) -> None:
            self.waits.append(ms(time.perf_counter() - start))
            if self.running:
                self.timer.start()

        self.hub.call(lambda store: store.load_settings(), done)


def open_page(hub: StoreHub, admin: AdminSession) -> tuple[PreferencesDialog, float]:
    """A fresh Preferences, unlocked, on the Audit log: ms from the unlock to rows painted."""
    dialog = PreferencesDialog(hub)
    dialog.move(40, 40)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    run_until(lambda: dialog.has_admins is not None, "Preferences asking for the admins")
    table = dialog.audit.table
    model = dialog.audit.model
    watch = RowsPainted(table, lambda: model.rowCount() > 0)
    start = time.perf_counter()
    dialog.use_admin(admin)
    dialog.show_audit_log()
    run_until(lambda: bool(watch.done), "the first rows of the Audit log painting")
    return dialog, ms(watch.done - start)


class Opened:
    """One round of opening: its figures, in ms."""

    def __init__(self, painted: float, checked: float, waits: list[float]) -> None:
        self.painted = painted
        self.checked = checked
        self.waits = waits


def open_and_check(hub: StoreHub, admin: AdminSession) -> tuple[PreferencesDialog, Opened]:
    """:func:`open_page`, a store call every PROBE_EVERY_MS until the chain check ends."""
    probe = Probe(hub)
    start = time.perf_counter()
    probe.start()
    dialog, painted = open_page(hub, admin)
    run_until(lambda: dialog.audit.checked, "the end of the chain check")
    checked = ms(time.perf_counter() - start)
    probe.stop()
    return dialog, Opened(painted, checked, probe.waits)


def measure_open(hub: StoreHub, admin: AdminSession, rounds: int) -> PreferencesDialog:
    print(
        f"1. Opening the Audit log ({rounds} fresh dialogs; a store call every "
        f"{PROBE_EVERY_MS} ms during the check)"
    )
    opened: list[Opened] = []
    dialog: PreferencesDialog | None = None
    for _ in range(rounds):
        if dialog is not None:
            dialog.reject()
            dialog.deleteLater()
        dialog, figures = open_and_check(hub, admin)
        if dialog.audit.found_break is not None:
            raise NotMeasured(f"the seeded trail is broken: {dialog.audit.found_break.message}")
        opened.append(figures)
    assert dialog is not None
    report("unlock to first rows painted", [o.painted for o in opened])
    report("unlock to the end of the chain check", [o.checked for o in opened])
    waits = [wait for o in opened for wait in o.waits]
    report(
        f"a store call's wait during the check ({len(waits)})",
        waits,
        " (the longest: the most any call waited)",
    )
    print()
    return dialog


def measure_banner(
    hub: StoreHub, admin: AdminSession, store_file: Path, entries: int, rounds: int
) -> None:
    """The last seeded entry altered: from the unlock to the red banner (every slice read)."""
    from tests.tampering import tamper

    tamper(store_file, f"UPDATE audit SET actor = 'someone.else' WHERE id = {entries}")
    print(
        f"1b. The trail altered at entry #{entries:,}: unlock to the red banner ({rounds} rounds)"
    )
    times, waits = [], []
    for _ in range(rounds):
        probe = Probe(hub)
        dialog = PreferencesDialog(hub)
        dialog.show()
        QTest.qWaitForWindowExposed(dialog)
        asked = dialog

        def admins_known(asked: PreferencesDialog = asked) -> bool:
            return asked.has_admins is not None

        run_until(admins_known, "Preferences asking for the admins")
        banner = dialog.audit.tamper_frame
        start = time.perf_counter()
        probe.start()
        dialog.use_admin(admin)
        dialog.show_audit_log()
        run_until(banner.isVisible, "the red banner")
        times.append(ms(time.perf_counter() - start))
        probe.stop()
        waits += probe.waits
        dialog.reject()
        dialog.deleteLater()
    report("unlock to the red banner", times)
    report(f"a store call's wait meanwhile ({len(waits)})", waits)
    print()


def filter_round(
    dialog: PreferencesDialog, apply: Callable[[], None], clear: Callable[[], None]
) -> float:
    """ms from the last key of a filter to its rows painted; the filter cleared after."""
    model = dialog.audit.model
    before = model.query
    watch = RowsPainted(
        dialog.audit.table,
        lambda: model.query is not before and not model.loading,
        dialog.audit.count_label,  # what paints when no row is left
    )
    apply()
    start = time.perf_counter()
    run_until(lambda: bool(watch.done), "the filtered rows painting")
    took = ms(watch.done - start)
    unfiltered = model.query
    clear()
    run_until(
        lambda: model.query is not unfiltered and not model.loading and model.rowCount() > 0,
        "the full list after clearing the filter",
    )
    return took


def measure_filters(dialog: PreferencesDialog, rounds: int) -> None:
    print(
        f"2. Filtering (last key to filtered rows painted, {rounds} rounds each; includes the "
        f"{AUDIT_FILTER_DELAY_MS} ms typing pause)"
    )
    text = dialog.audit.text_filter
    person = dialog.audit.person_filter
    kind = dialog.audit.kind_filter

    def typed(edit: QLineEdit, words: str) -> tuple[Callable[[], None], Callable[[], None]]:
        def apply() -> None:
            edit.setFocus()
            QTest.keyClicks(edit, words)

        return apply, edit.clear

    def chosen(combo: QComboBox, label: str) -> tuple[Callable[[], None], Callable[[], None]]:
        return (
            lambda: combo.setCurrentIndex(combo.findText(label)),
            lambda: combo.setCurrentIndex(0),
        )

    filters = {
        "kind: Setting changed": chosen(kind, "Setting changed"),
        "person: agent.kim": typed(person, "agent.kim"),
        "free text, common (P3)": typed(text, "P3"),
        "free text, rare (S999-0001)": typed(text, "S999-0001"),
        "free text, nothing matches": typed(text, "no such text"),
    }
    for title, (apply, clear) in filters.items():
        times = [filter_round(dialog, apply, clear) for _ in range(rounds)]
        less = [value - AUDIT_FILTER_DELAY_MS for value in times]
        report(
            title,
            times,
            f"   (past the pause: median {statistics.median(less):.1f} ms)",
        )
    print()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    app = QApplication(sys.argv[:1])
    if app.platformName() != "xcb":
        print("run it on an X server with QT_QPA_PLATFORM=xcb", file=sys.stderr)
        return 2
    app.setStyle("Fusion")
    store, admin, store_file = make_store(args.entries)
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    try:
        dialog = measure_open(hub, admin, args.rounds)
        measure_filters(dialog, args.rounds)
        dialog.reject()
        measure_banner(hub, admin, store_file, args.entries, args.rounds)
    except NotMeasured as exc:
        print(f"not measured: {exc}")
        return 1
    finally:
        hub.close()
    store_figures(store, args.rounds)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
