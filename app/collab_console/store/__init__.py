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
    db: str | None = None,
) -> Store:
    """Open the organisation database or the embedded store, as the user chose.

    ``db`` (``--db``) names the organisation's PostgreSQL database; without
    it :func:`location.chosen_database` decides (an explicit ``data_dir``
    means the embedded store there, see :func:`location.data_dir`; else
    ``$COLLAB_CONSOLE_DB``, else the choice ``collab-console db use``
    remembered, else the embedded store).

    ``readonly`` opens the embedded store so that nothing, not even a
    migration, can write; ``create`` makes one where there is none. Neither
    applies to the organisation database, whose schema only
    ``collab-console db init-org`` makes and whose roles decide who writes.

    The workstation's system policy (:mod:`.system_policy`) may fix or default
    the database, and its locked settings are applied to what the store reads
    and saves (:mod:`.policy_bound`).
    """
    from collab_console.store.location import chosen_database
    from collab_console.store.system_policy import system_policy

    policy = system_policy()
    chosen = chosen_database(db, data_dir)
    if chosen is not None:
        store = open_org_store(*chosen)
    else:
        from collab_console.store.location import store_path
        from collab_console.store.sqlite import SqliteStore

        store = SqliteStore.open(store_path(data_dir), create=create, readonly=readonly)
    if policy is None or not policy.locked:
        return store
    from collab_console.store.policy_bound import bind_policy

    return bind_policy(store, policy)


def open_org_store(dsn: str, source: str = "--db") -> Store:
    """The organisation store at ``dsn``, logged in with the password ``db login`` stored.

    ``dsn`` is checked first (never a password in it: ValidationError). A
    keyring that cannot be read is no reason to fail yet: a server that
    trusts the login another way (peer, Kerberos, a certificate) needs no
    password; if it asks for one, the keyring's trouble is in the message.
    Only the organisation path imports psycopg, never the embedded one.
    """
    from collab_console.core.errors import SecretStoreError
    from collab_console.core.i18n import _
    from collab_console.core.secrets import get_secret
    from collab_console.store.errors import StoreError, StoreLoginRefusedError
    from collab_console.store.location import parse_database

    database = parse_database(dsn, source)
    from collab_console.store.postgres import PostgresStore

    keyring_problem = None
    try:
        password = get_secret(database.secret_name())
    except SecretStoreError as exc:
        password, keyring_problem = None, exc
    try:
        return PostgresStore.open(database.dsn, password=password)
    except StoreError as exc:
        # The server's own words (English) may name the password too.
        asked = isinstance(exc, StoreLoginRefusedError) or "password" in str(exc)
        if keyring_problem is not None and asked:
            # The same error, its type kept (the console offers Retry by it), with the cause.
            said = str(exc).rstrip(".")
            exc.args = (
                _("{message}; the stored password could not be read: {problem}").format(
                    message=said, problem=keyring_problem
                ),
            )
        raise


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
