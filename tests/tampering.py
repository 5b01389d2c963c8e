"""Stores spoiled the way an attacker or a broken tool would leave them (for several test trees)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def tamper(store_file: Path, *statements: str) -> None:
    """Write what the rules refuse, as someone with the file and a hex editor could.

    The triggers are dropped and put back with their exact text, and CHECK
    constraints are ignored, so the schema check still passes: only the
    values are wrong.
    """
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        triggers = tool.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        tool.execute("PRAGMA ignore_check_constraints = 1")
        tool.execute("BEGIN")
        for name, _ in triggers:
            tool.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            tool.execute(statement)
        for _, sql in triggers:
            tool.execute(sql)
        tool.execute("COMMIT")
