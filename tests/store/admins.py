"""Admins for tests: cheap passphrase hashes, and a verified admin in one call.

``cheap_scrypt`` is the documented test-only hook of ``core/admins.py``: it
lowers the module's scrypt cost for this test process only (a hash then takes
a tenth of a millisecond instead of 0.15 s). Hashes made under it carry their
low cost with them, so a CLI subprocess checks them as cheaply, while hashes
that subprocess makes itself cost the production price.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import collab_console.core.admins as admins
from collab_console.core.admins import (
    AdminSession,
    add_admin,
    init_admin,
    verify_admin,
    verify_database_admin,
)
from collab_console.store import Store

#: Who sets up the first admin in tests (an OS account, for the audit).
SETUP_ACTOR = "setup.account"


@pytest.fixture
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at the lowest cost for this test: n=16, r=1, p=1 (undone after it)."""
    monkeypatch.setattr(admins, "SCRYPT_N", 16)
    monkeypatch.setattr(admins, "SCRYPT_R", 1)
    monkeypatch.setattr(admins, "SCRYPT_P", 1)


def passphrase_for(name: str) -> str:
    """Each test admin's passphrase: long enough, and not their name."""
    return f"{name} knows the passphrase 42"


def become_admin(
    store: Store, name: str = "admin.ana", *, now: datetime | None = None
) -> AdminSession:
    """``name``'s verified admin session in ``store``, adding them first if needed.

    The first admin of a store is set up as ``admin init`` does; any other is
    added by the first admin. Where the database says who is an admin
    (PostgreSQL), the store must be logged in as ``name`` (``connect(name)``),
    an admin login of ``tests/org/roles.py``: the database confirms it.
    """
    now = now or datetime.now(UTC)
    if store.admins_by_database:
        login = store.database_admin()
        assert login == name, f"on PostgreSQL, open the store as {name} (it is {login})"
        return verify_database_admin(store, now=now)
    if not store.has_admins():
        init_admin(store, name, passphrase_for(name), actor=SETUP_ACTOR)
    elif store.admin_credentials(name) is None:
        first = store.list_admins()[0].name
        by = verify_admin(store, first, passphrase_for(first), now=now, actor=SETUP_ACTOR)
        add_admin(store, by, name, passphrase_for(name), now=now)
    return verify_admin(store, name, passphrase_for(name), now=now, actor=SETUP_ACTOR)
