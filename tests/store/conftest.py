"""Backends for the store contract tests.

Every test in ``test_contract.py`` runs once per backend. A backend is a way
to make a fresh store and to open more connections to that same store, as
another console or process would. The organisation's PostgreSQL joins the
list in its own issue; it is skipped only where no server can be started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from collab_console.store import Store, open_store, seed_demo
from tests.store.admins import cheap_scrypt

__all__ = ["cheap_scrypt"]


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_scrypt: None) -> None:
    """Every store test hashes passphrases cheaply (``tests/store/admins.py``)."""


@dataclass
class Backend:
    name: str
    #: Where the store is, as a process would be told (a folder, a DSN).
    address: str
    connect: Callable[[], Store]
    #: Everything the backend keeps, as bytes a thief could take away (files, a dump).
    stored_bytes: Callable[[], bytes]


def _folder_bytes(folder: Path) -> bytes:
    """Every file in ``folder`` (the store and any journal), one after another."""
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        folder = tmp_path / "contract"
        open_store(folder, create=True).close()
        yield Backend(
            "sqlite",
            str(folder),
            lambda: reconnect("sqlite", str(folder)),
            lambda: _folder_bytes(folder),
        )
        return
    pytest.fail(f"unknown backend {request.param}")


@pytest.fixture
def connect(backend: Backend) -> Iterator[Callable[[], Store]]:
    """Open connections to the backend's store; all are closed after the test."""
    opened: list[Store] = []

    def open_one() -> Store:
        opened.append(backend.connect())
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()


@pytest.fixture
def db(connect: Callable[[], Store]) -> Store:
    """A fresh store of the backend under test."""
    return connect()


@pytest.fixture
def demo_db(db: Store) -> Store:
    assert seed_demo(db)
    return db


def reconnect(backend: str, address: str) -> Store:
    """Open the store at ``address`` from another process (see the lost-updates test)."""
    if backend == "sqlite":
        return open_store(address)
    raise ValueError(f"unknown backend {backend}")
