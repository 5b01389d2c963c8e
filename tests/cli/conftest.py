"""Fixtures of the CLI tests: passphrases hashed cheaply in this process.

A CLI subprocess checks a hash at the cost the hash was made with, so admins
set up here (``tests/store/admins.py``) are as cheap to verify there; what a
subprocess hashes itself costs the production price.
"""

from __future__ import annotations

import pytest

from tests.store.admins import cheap_scrypt

__all__ = ["cheap_scrypt"]


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_scrypt: None) -> None:
    """Every CLI test hashes passphrases cheaply in its own process."""
