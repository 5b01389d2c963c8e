"""Many audit entries in a store at once, chained as the store chains them.

The store adds entries one by one through triggers that number, date and
chain each; a benchmark or a test of a long Audit log page needs thousands at
once, spread over past days. So, as ``tests/tampering.py`` does, the triggers
on ``audit`` are dropped and put back with their exact text around one
``executemany``, and every entry's hash is computed with the core's own
:func:`~collab_console.core.audit.chain_hash`: the chain stays whole, and
``Store.verify_audit`` finds nothing wrong with it.

The entries (:func:`planned_entries`) are deterministic: kinds, people,
sessions and times follow the entry's number, so a test knows what each
filter leaves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from collab_console.core.audit import HASHED_FIELDS, chain_hash

#: Who the seeded entries name, in turn (``actor``, ``actor_role``).
PEOPLE = (
    ("agent.kim", "agent"),
    ("agent.omar", "agent"),
    ("admin.ana", "admin"),
    ("agent.lee", "agent"),
    ("agent.priya", "agent"),
)
#: The kinds of the seeded entries, in turn (with the detail each one holds).
KINDS = (
    ("copy", "id"),
    ("session_started", None),
    ("copy", "url"),
    ("setting", "copy_session_id"),
    ("session_ended", None),
    ("unlock", "admin.ana"),
    ("copy", "both"),
)
#: How far apart the seeded entries are dated (the newest one an hour ago).
SPACING = timedelta(minutes=7)


def stamp(moment: datetime) -> str:
    """``moment`` as the store writes its own times (UTC, milliseconds)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+00:00"


def planned_entries(
    count: int, *, first_seq: int, newest: datetime
) -> Iterator[tuple[object, ...]]:
    """The content of ``count`` entries numbered from ``first_seq``, in HASHED_FIELDS order.

    Entry ``first_seq + i`` is ``SPACING`` later than the one before; the last
    is dated ``newest``. Kinds and people cycle through :data:`KINDS` and
    :data:`PEOPLE`; each session number lasts seven entries.
    """
    oldest = newest - SPACING * (count - 1)
    for offset in range(count):
        seq = first_seq + offset
        kind, detail = KINDS[seq % len(KINDS)]
        actor, role = PEOPLE[seq % len(PEOPLE)]
        session = f"S{seq // 7 % 1000:03d}-{seq // 7000 % 10000:04d}"
        about_a_session = kind in ("copy", "session_started", "session_ended")
        yield (
            seq,
            stamp(oldest + SPACING * offset),
            kind,
            actor,
            role,
            session if about_a_session else None,
            (f"{session}-P{seq % 4}" if seq % 4 else session) if kind == "copy" else None,
            detail,
            "on" if kind == "setting" else None,
            "off" if kind == "setting" else None,
            None,
            "+44 •••• ••12" if kind == "copy" else None,
            ("ok" if seq % 3 else "wrong_passphrase") if kind == "unlock" else None,
        )


def seed_audit(
    store_file: Path, count: int, *, newest: datetime | None = None, batch: int = 20_000
) -> int:
    """Add ``count`` chained entries after those ``store_file`` holds; return the last number.

    The newest is dated ``newest`` (default: an hour ago), so seed a store
    before anything else writes its audit (before the demo data) for the
    trail's times to grow with its numbers. Close any store on the file first,
    or open it afresh after: this writes past its connection.
    """
    newest = newest or datetime.now(UTC) - timedelta(hours=1)
    columns = ", ".join(("id" if name == "seq" else name) for name in HASHED_FIELDS)
    marks = ", ".join("?" * (len(HASHED_FIELDS) + 2))
    insert = f"INSERT INTO audit ({columns}, prev_hash, hash) VALUES ({marks})"
    with closing(sqlite3.connect(store_file, isolation_level=None)) as db:
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall()
        db.execute("BEGIN IMMEDIATE")
        try:
            last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            first_seq, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
            for name, _ in triggers:
                db.execute(f"DROP TRIGGER {name}")
            rows: list[tuple[object, ...]] = []
            for content in planned_entries(count, first_seq=first_seq, newest=newest):
                digest = chain_hash(prev, content)
                rows.append((*content, prev, digest))
                prev = digest
                if len(rows) >= batch:
                    db.executemany(insert, rows)
                    rows.clear()
            db.executemany(insert, rows)
            for _, sql in triggers:
                db.execute(sql)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return first_seq + count - 1
