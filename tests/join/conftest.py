"""Fixtures of the join service tests: a demo store, a clock, the service, its links.

The service runs on the real ``SqliteStore`` (each worker thread opens its
own connection to the test's store file), asked about the time by a
:class:`Clock` the test can move, so a link expires without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_SETTINGS, demo_sessions
from collab_console.core.links import LinkPurpose
from collab_console.join_service.app import JoinService
from collab_console.store import Store, open_store

#: Who mints links in these tests.
AGENT = "sam.rivera"
#: The demo's URL base: the service answers under its path.
BASE = "/join/"


class Clock:
    """The time the service and the test's store calls use; moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def seeded_store(data_dir: Path, **settings: object) -> Store:
    """A new store in ``data_dir`` with the demo sessions and ``settings`` over the demo's."""
    store = open_store(data_dir, create=True)
    version = store.load_settings().version
    demo = DEMO_SETTINGS.values | settings
    store.save_demo_settings(
        DEMO_SETTINGS.build(
            version=version,
            updated_by=DEMO_SETTINGS.updated_by,
            updated_at=DEMO_SETTINGS.updated_at,
            **demo,
        )
    )
    store.add_sessions(demo_sessions(), actor="demo")
    return store


def mint(store: Store, clock: Clock, access_id: str = DEMO_ACTIVE_ID, *, session: str = "") -> str:
    """A fresh link's token for ``access_id`` (the demo customer by default)."""
    minted, _ = store.mint_link(
        session or DEMO_ACTIVE_ID,
        access_id,
        purpose=LinkPurpose.COPY,
        actor=AGENT,
        now=clock.now,
    )
    base = store.load_settings().session_url_base
    assert minted.url.startswith(base)
    return minted.url[len(base) :]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def join_store(data_dir: Path) -> Iterator[Store]:
    """The demo store, with the demo's settings."""
    store = seeded_store(data_dir)
    yield store
    store.close()


@pytest.fixture
def make_service(data_dir: Path, clock: Clock) -> Iterator[Callable[..., JoinService]]:
    """Makes services on the test's store (closed after the test)."""
    made: list[JoinService] = []

    def make(open_one: Callable[[], Store] | None = None) -> JoinService:
        service = JoinService(open_one or (lambda: open_store(data_dir)), clock=clock, threads=2)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def service(join_store: Store, make_service: Callable[..., JoinService]) -> JoinService:
    return make_service()


@pytest.fixture
def client(service: JoinService) -> Iterator[TestClient]:
    """A browser without a cookie, on the service over plain http."""
    with TestClient(service.app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def token(join_store: Store, clock: Clock) -> str:
    """A live link of the demo customer, Dana Levi."""
    return mint(join_store, clock)
