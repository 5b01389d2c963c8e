"""Stores spoiled the way an attacker or a broken tool would leave them (for several test trees)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def tamper(store_file: Path, *statements: str, parameters: tuple[object, ...] = ()) -> None:
    """Write what the rules refuse, as someone with the file and a hex editor could.

    The triggers are dropped and put back with their exact text, and CHECK
    constraints are ignored, so the schema check still passes: only the
    values are wrong. ``parameters`` go to every statement that has a ``?``.
    """
    with closing(sqlite3.connect(store_file, isolation_level=None)) as tool:
        triggers = tool.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        tool.execute("PRAGMA ignore_check_constraints = 1")
        tool.execute("BEGIN")
        try:
            _rewrite(tool, triggers, statements, parameters)
        except BaseException:
            tool.execute("ROLLBACK")
            raise
        tool.execute("COMMIT")


def _rewrite(
    tool: sqlite3.Connection,
    triggers: list[tuple[str, str]],
    statements: tuple[str, ...],
    parameters: tuple[object, ...],
) -> None:
    for name, _ in triggers:
        tool.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        tool.execute(statement, parameters if "?" in statement else ())
    for _, sql in triggers:
        tool.execute(sql)
