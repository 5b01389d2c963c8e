"""Fixtures of the core tests that need more than a folder: a real Secret Service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.secret_service import SecretService, running_secret_service


@pytest.fixture(scope="session")
def secret_service_daemons() -> Iterator[SecretService]:
    """One private Secret Service for the whole run, started by the first test that asks."""
    with running_secret_service() as service:
        yield service


@pytest.fixture
def secret_service(
    secret_service_daemons: SecretService, monkeypatch: pytest.MonkeyPatch
) -> SecretService:
    """The private Secret Service, and this test's environment pointed at it alone.

    HOME and the XDG folders are the service's, so nothing the test writes
    lands in the real home folder, and keyring finds no configuration there
    that could choose another backend.
    """
    for name, value in secret_service_daemons.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    return secret_service_daemons
