"""kill -9 in the middle of link and lobby writes: the store loses nothing and half-writes nothing.

A child process mints links, redeems them, revokes and regenerates them and
puts requests in the lobby as fast as it can, on a store file; the test
SIGKILLs it at a random moment, a few times over. After each kill the store
opens without a word, its audit chain is whole, SQLite finds the file
sound, every link has its ``link_made`` entry (and every entry its link),
every revoked link its ``link_revoked`` entry (and back), and the store takes
new writes.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collab_console.core.audit import AuditKind, AuditQuery
from collab_console.core.delivery import RateLimitedError
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import LinkPurpose, token_hash
from collab_console.core.lobby import RATE_WINDOW, JoinRequest
from collab_console.store import Store, open_store
from tests.join.conftest import AGENT, seeded_store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")

ROUNDS = 10
#: How long the child writes before it is killed, at most (after it said it started).
MAX_RUN_S = 0.6
REPO = Path(__file__).resolve().parents[2]

#: The child: every kind of link and lobby write, in a loop, until it is killed.
WRITER = textwrap.dedent(
    """
    import itertools, random, secrets, sys
    from datetime import UTC, datetime, timedelta
    from hashlib import sha256

    from collab_console.core.errors import CollabConsoleError
    from collab_console.core.links import LinkPurpose
    from collab_console.store import open_store

    data_dir, session_id, agent = sys.argv[1], sys.argv[2], sys.argv[4]
    people = sys.argv[3].split(",")
    store = open_store(data_dir)
    tokens = []
    print("writing", flush=True)
    for n in itertools.count():
        now = datetime.now(UTC)
        person = people[n % len(people)]
        browser = sha256(secrets.token_bytes(16)).hexdigest()
        address = f"10.{n % 250}.{(n // 250) % 250}.{random.randrange(1, 250)}"
        try:
            step = n % 6
            if step in (0, 1):
                minted, _ = store.mint_link(
                    session_id, person, purpose=LinkPurpose.COPY, actor=agent, now=now
                )
                tokens.append(minted.url.rsplit("/", 1)[1])
            elif step == 2 and tokens:
                store.redeem_link(random.choice(tokens), browser=browser, address=address, now=now)
            elif step == 3:
                # Never the last person's ID: the parent asks by it after the kill.
                asked = people[n % (len(people) - 1)]
                store.request_join(asked, f"Visitor {n}", browser=browser, address=address, now=now)
            elif step == 4:
                live = [link for link in store.list_links(session_id) if link.is_live(now)]
                if live:
                    store.revoke_link(random.choice(live).link_id, actor=agent, now=now)
            else:
                store.regenerate_links(session_id, person, actor=agent, now=now)
        except CollabConsoleError:
            pass  # a limit, a locked lobby: refused and recorded, which is a write too
    """
)


def _run_and_kill(data_dir: Path, rng: random.Random) -> int:
    """Start the writer, let it write for a random moment, SIGKILL it; its exit status."""
    people = ",".join([DEMO_ACTIVE_ID, *DEMO_PARTICIPANT_IDS])
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), DEMO_ACTIVE_ID, people, AGENT],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        started = child.stdout.readline()
        assert started == b"writing\n", child.stderr.read() if child.stderr else b""
        time.sleep(rng.uniform(0.02, MAX_RUN_S))
        assert child.poll() is None, (child.stderr.read() if child.stderr else b"").decode()
        os.kill(child.pid, signal.SIGKILL)
        return child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


def _entries(store: Store, kind: AuditKind) -> list[str]:
    query = AuditQuery(kinds=frozenset({kind}), limit=None, oldest_first=True)
    return [str(entry.detail) for entry in store.audit_entries(query)]


def _assert_whole(data_dir: Path) -> tuple[int, int]:
    """The store after a kill: opens, verifies, and its links match its audit trail."""
    store = open_store(data_dir)
    try:
        assert not store.warnings, store.warnings
        assert store.verify_audit() is None
        links = store.list_links(DEMO_ACTIVE_ID)
        made = _entries(store, AuditKind.LINK_MADE)
        revoked = _entries(store, AuditKind.LINK_REVOKED)
        assert Counter(made) == Counter(link.link_id for link in links), "a link half-written"
        assert Counter(revoked) == Counter(
            link.link_id for link in links if link.revoked_at is not None
        ), "a revocation half-written"
        # Every join recorded is of a link the store has.
        names = {link.link_id for link in links}
        joins = store.audit_entries(
            AuditQuery(kinds=frozenset({AuditKind.JOIN}), limit=None, oldest_first=True)
        )
        assert {entry.detail for entry in joins} <= names
        # The store takes new writes, of every kind the child was killed in.
        now = datetime.now(UTC)
        person = DEMO_PARTICIPANT_IDS[-1]
        # Nothing to stop, and invited moments ago by the child: a plain resend, refused.
        with suppress(RateLimitedError):
            store.regenerate_links(DEMO_ACTIVE_ID, person, actor=AGENT, now=now)
        minted, _ = store.mint_link(
            DEMO_ACTIVE_ID, person, purpose=LinkPurpose.INVITATION, actor=AGENT, now=now
        )
        browser = token_hash("after the crash" + str(now))
        token = minted.url.rsplit("/", 1)[1]
        assert store.redeem_link(token, browser=browser, address="192.0.2.1", now=now)
        # Unlocked, from a fresh address, once the rate window is over: a request is taken.
        store.set_lobby_locked(DEMO_ACTIVE_ID, False, actor=AGENT, now=now)
        request = store.request_join(
            DEMO_PARTICIPANT_IDS[-1],
            "After Crash",
            browser=token_hash(f"a visitor at {now}"),
            address=f"192.0.2.{len(made) % 250 + 1}",
            now=now + RATE_WINDOW + timedelta(minutes=1),
        )
        assert isinstance(request, JoinRequest), request
        assert store.verify_audit() is None
        assert minted.link.link_id in _entries(store, AuditKind.LINK_MADE)
        assert minted.link.purpose is LinkPurpose.INVITATION
        return len(links), len(made)
    finally:
        store.close()


def _integrity(data_dir: Path) -> None:
    """SQLite's own check of the file, read-only, as any tool would run it."""
    [database] = [p for p in data_dir.iterdir() if p.suffix in (".db", ".sqlite", ".sqlite3")]
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def test_kill_9_mid_write_loses_and_half_writes_nothing(data_dir: Path) -> None:
    store = seeded_store(data_dir, max_live_links_per_person=20, max_links_per_agent_hour=1000)
    store.close()
    rng = random.Random(os.urandom(8))
    counts = []

    deadline = time.monotonic() + 45
    for _ in range(ROUNDS):
        status = _run_and_kill(data_dir, rng)
        assert status == -signal.SIGKILL
        counts.append(_assert_whole(data_dir))
        _integrity(data_dir)
        if time.monotonic() > deadline:
            break

    # The child did write between kills (the test would prove nothing otherwise).
    links_seen = [links for links, _ in counts]
    assert links_seen[-1] > ROUNDS, counts
