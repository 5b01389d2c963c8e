"""A full scripted day of an admin and an agent, then a look at every log file it left.

The day goes through the real program: an admin is set up, sessions start,
every detail is copied, the settings change with a wrong and then the right
passphrase, a session ends and the audit trail is exported. The log must say
what happened, and hold no Session URL and no passphrase anywhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collab_console.core.admins import name_key, wait_seconds
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_URL_BASE
from collab_console.core.logs import log_files
from collab_console.store import open_store
from collab_console.store.location import DATA_DIR_ENV

ADMIN = "admin.ana"
PASSPHRASE = "correct horse battery staple 9"
WRONG = "wrong horse battery staple 8"
REASON = "the customer asked for the link at the desk"
JOIN = DEMO_URL_BASE
TOKEN_IN_URL = re.compile(re.escape(JOIN) + r"([A-Za-z0-9_-]{24})")


def pasted() -> str:
    """The X clipboard, as another program reads it."""
    done = subprocess.run(
        ["xclip", "-selection", "clipboard", "-o"], capture_output=True, check=False, timeout=10
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


def collab_console(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "collab_console", *args]
    env = {**os.environ, DATA_DIR_ENV: str(data_dir), "QT_QPA_PLATFORM": "xcb"}
    with tempfile.TemporaryFile() as given:
        given.write(stdin.encode())
        given.seek(0)
        done = subprocess.run(
            command, stdin=given, capture_output=True, env=env, check=False, timeout=120
        )
    return subprocess.CompletedProcess(
        command, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def outbox(data_dir: Path) -> list[Path]:
    """The invitations written to the outbox folder (no SMTP server or gateway is set)."""
    return sorted(path for path in (data_dir / "outbox").iterdir() if path.is_file())


def wait_until_unlock_allowed(data_dir: Path) -> None:
    """After a failed attempt the store refuses the next one for a while: wait that out."""
    deadline = time.monotonic() + 10
    while True:
        store = open_store(data_dir, readonly=True)
        try:
            failures, last = store.unlock_failures(name_key(ADMIN))
        finally:
            store.close()
        if not wait_seconds(failures, last, datetime.now(UTC)):
            return
        assert time.monotonic() < deadline, "the wait after a failed unlock never ended"
        time.sleep(0.05)


@pytest.fixture
def display() -> str:
    value = os.environ.get("DISPLAY")
    if not value:
        pytest.fail("the day copies to the clipboard: run it under an X server (xvfb-run)")
    return value


@pytest.mark.usefixtures("display", "demo_store")
def test_a_scripted_day_leaves_no_session_url_or_passphrase_in_any_log(
    data_dir: Path, own_log_dir: Path
) -> None:
    def ok(*args: str, stdin: str = "") -> str:
        done = collab_console(data_dir, *args, stdin=stdin)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    ok("admin", "init", "--name", ADMIN, "--passphrase-stdin", stdin=f"{PASSPHRASE}\n" * 2)
    started = [
        ok("session", "start", "--customer", name, "--contact", contact).strip()
        for name, contact in (
            ("Noor Haddad", "+44 20 7946 0123"),
            ("Ravi Patel", "ravi@example.org"),
        )
    ]
    wrong = collab_console(
        data_dir,
        "settings", "set", "--copy-url", "on", "--acknowledge-security-warning",
        "--admin", ADMIN, "--passphrase-stdin",
        stdin=f"{WRONG}\n",
    )  # fmt: skip
    assert wrong.returncode == 6, wrong.stderr
    wait_until_unlock_allowed(data_dir)
    ok(
        "settings", "set", "--copy-url", "on", "--acknowledge-security-warning",
        "--admin", ADMIN, "--passphrase-stdin",
        stdin=f"{PASSPHRASE}\n",
    )  # fmt: skip
    tokens = []
    for session_id in (DEMO_ACTIVE_ID, *started):
        for what in ("id", "url", "both"):
            # The demo customer's SMS failed; the new sessions' invitations did not: a URL
            # copy for them needs the agent's reason.
            why = () if session_id == DEMO_ACTIVE_ID or what == "id" else ("--reason", REASON)
            ok("copy", session_id, "--what", what, *why)
            tokens += TOKEN_IN_URL.findall(pasted())
    assert len(tokens) == 6, "each url and both copy hands out a link of its own"
    assert len(set(tokens)) == len(tokens)
    added = ok(
        "session", "add-participant", started[0], "--name", "Mia Chen", "--contact",
        "mia.chen@example.org",
    )  # fmt: skip
    ok("session", "invite", DEMO_ACTIVE_ID)
    ok("invitations", "send")
    sent = [TOKEN_IN_URL.findall(path.read_text("utf-8")) for path in outbox(data_dir)]
    invitation_tokens = [token for found in sent for token in found]
    assert len(sent) == 4, "two first invitations, one participant's, one resend"
    assert all(sent), "each invitation carries its link"
    listed = json.loads(ok("links", "list", DEMO_ACTIVE_ID, "--json"))
    ok("links", "revoke", listed[0]["link_id"])
    ok("links", "regenerate", started[1])
    ok("session", "end", started[0])
    export = data_dir.parent / "audit.jsonl"
    ok("audit", "export", "--format", "jsonl", "-o", str(export))

    files = log_files(own_log_dir)
    assert files, "the day left no log file"
    written = "\n".join(path.read_text(encoding="utf-8") for path in files)
    for line in (
        f"first admin {ADMIN} set up",
        f"unlocked as the admin {ADMIN}",
        "unlock refused: wrong name or passphrase",
        f"settings changed by {ADMIN}: copy_session_url",
        f"copied Session URL for {started[1]} in session {started[1]}",
        f"copied both for {started[1]} in session {started[1]}",
        f"session {started[0]} ended",
        f"link {listed[0]['link_id']} revoked from the command line",
        f"added to session {started[0]} from the command line",
        "queued again from the command line",
    ):
        assert line in written, f"the log does not say {line!r}"
    for secret in (PASSPHRASE, WRONG, *tokens, *invitation_tokens):
        assert secret not in written, f"{secret!r} is in the log"
    assert "mia.chen@example.org" not in added
    assert "/join/" + DEMO_ACTIVE_ID not in written
    kept = export.read_text(encoding="utf-8")
    for path in data_dir.rglob("*"):
        if path.is_file():
            kept += path.read_bytes().decode("latin-1")
    for token in tokens:
        assert token not in kept, "a token is in the store or the audit trail"
