"""Fixtures of the CLI tests: passphrases hashed cheaply in this process, and the clipboard.

A CLI subprocess checks a hash at the cost the hash was made with, so admins
set up here (``tests/store/admins.py``) are as cheap to verify there; what a
subprocess hashes itself costs the production price.

The copy tests read the X clipboard back with a separate ``xclip`` process, so
they need an X server: run them under ``xvfb-run -a``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from collab_console.cli.clipboard import SystemClipboard
from collab_console.store import Store
from tests.store.admins import become_admin, cheap_scrypt

__all__ = ["cheap_scrypt"]

ACK_TIME = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
SENTINEL = "clipboard before the command"
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY")


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_scrypt: None) -> None:
    """Every CLI test hashes passphrases cheaply in its own process."""


@pytest.fixture
def display() -> str:
    value = os.environ.get("DISPLAY")
    if not value:
        pytest.fail(
            "DISPLAY is not set, so the clipboard cannot be checked. Run the tests under an "
            "X server: xvfb-run -a python -m pytest tests/cli"
        )
    return value


@pytest.fixture
def clipboard(display: str) -> str:
    """The X clipboard, set to :data:`SENTINEL` so a copy that did nothing shows.

    Set through the CLI's own clipboard adapter, which waits until other programs
    read the new value (a bare ``xclip`` returns before its child owns it).
    """
    SystemClipboard().put(SENTINEL, sensitive=False)
    assert read_clipboard() == SENTINEL
    return SENTINEL


def read_clipboard() -> str:
    done = subprocess.run(
        ["xclip", "-selection", "clipboard", "-o"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"xclip could not read the clipboard: {done.stderr}"
    return done.stdout


@pytest.fixture
def url_on(demo_store: Store) -> Store:
    """The demo store after admin.test acknowledged the warning and turned URL copy on."""
    demo_store.save_settings(
        demo_store.load_settings().changed(
            actor="admin.test", now=ACK_TIME, acknowledged=True, copy_session_url=True
        ),
        admin=become_admin(demo_store, "admin.test"),
    )
    return demo_store


def assert_one_line_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("collab-console: ")
    return lines[0]


def run_collab_console(
    args: tuple[str, ...], *, stdin: str | bytes, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """``collab-console ARGS`` in a child process with ``env``, ``stdin`` its standard input
    read from a file (no terminal, as from a script); output decoded as UTF-8."""
    command = [sys.executable, "-m", "collab_console", *args]
    with tempfile.TemporaryFile() as given:
        given.write(stdin.encode() if isinstance(stdin, str) else stdin)
        given.seek(0)
        done = subprocess.run(
            command, stdin=given, capture_output=True, env=dict(env), check=False, timeout=120
        )
    return subprocess.CompletedProcess(
        command, done.returncode, done.stdout.decode(), done.stderr.decode()
    )
