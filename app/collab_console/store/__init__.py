"""Storage behind one interface; SQLite is the embedded default.

The interface, :class:`Store`, and :class:`AuditEntry` are declared in
:mod:`collab_console.store.interface` and loaded from there on first use:
``Protocol`` needs ``typing``, which ``collab-console settings show`` does
without (``tests/benchmarks/README.md``).

Every backend passes the contract tests in ``tests/store/test_contract.py``.
"""

from __future__ import annotations

import os

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.store.interface import AuditEntry as AuditEntry
    from collab_console.store.interface import Store as Store

_INTERFACE = frozenset({"AuditEntry", "Store"})


def __getattr__(name: str) -> object:
    """``Store`` and ``AuditEntry``, imported from :mod:`.interface` when first asked for."""
    if name in _INTERFACE:
        from collab_console.store import interface

        return getattr(interface, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    create: bool = False,
    readonly: bool = False,
) -> Store:
    """Open the embedded store in ``data_dir`` (see :func:`location.data_dir`).

    ``readonly`` opens it so that nothing, not even a migration, can write.
    """
    from collab_console.store.location import store_path
    from collab_console.store.sqlite import SqliteStore

    return SqliteStore.open(store_path(data_dir), create=create, readonly=readonly)


def seed_demo(store: Store, *, extra_participants: int = 0) -> bool:
    """Fill a store nobody has used yet with the demo data; return whether it did.

    A store that holds anything an admin or agent saved, or that has an
    admin, is never changed, except that a store holding only demo data gets
    the large benchmark session when ``extra_participants`` asks for one.
    """
    from collab_console.core.demo import (
        DEMO_ACTOR,
        DEMO_BENCH_ID,
        DEMO_SETTINGS,
        demo_sessions,
    )

    if store.is_pristine():
        version = store.load_settings().version
        store.save_demo_settings(DEMO_SETTINGS.replace(version=version))
        store.add_sessions(demo_sessions(extra_participants), actor=DEMO_ACTOR)
        return True
    if extra_participants:
        sessions = store.list_sessions()
        only_demo = bool(sessions) and all(s.demo for s in sessions)
        if only_demo and not any(s.session_id == DEMO_BENCH_ID for s in sessions):
            store.add_sessions(demo_sessions(extra_participants)[2:], actor=DEMO_ACTOR)
    return False
