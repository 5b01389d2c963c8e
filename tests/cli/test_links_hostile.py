"""``collab-console links`` given what an attacker, or a hurried agent, would type.

Run as a user runs it, in a subprocess on a demo store holding live links.
Control characters, bidi overrides, very long text, a token or a whole
Session URL pasted where a link's name or a Session ID belongs: every one is
exit 2 (not an ID or a name) or 4 (no such thing), exactly one
``collab-console: ...`` line on stderr, nothing on stdout, no traceback,
nothing that reorders or hides the terminal's text, and never a token.
With stdout closed, ``links list`` is exit 1 in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.errors import ValidationError
from collab_console.core.links import LinkPurpose, LinkState
from collab_console.core.text import normalise_session_id
from collab_console.store import Store
from tests.cli.conftest import assert_one_line_error
from tests.conftest import RunCli, cli_env

AGENT = "sam.rivera"
#: What an error line may not hold raw: controls, format characters (bidi, zero width),
#: line and paragraph separators, lone surrogates.
UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
SNEAKY = "\x07\x08\x1b[2J\x7f\u0085\u200b\u200e\u202a\u202e\u2066\u2069\u2028\ufeff"
#: The shortest piece of a token that counts as giving it away (as ``tests/join`` checks).
WINDOW = 12
FEW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Minted:
    """A live link of the demo customer: its name, its token and its Session URL."""

    def __init__(self, store: Store) -> None:
        while True:
            minted, _ = store.mint_link(
                DEMO_ACTIVE_ID,
                DEMO_ACTIVE_ID,
                purpose=LinkPurpose.COPY,
                actor=AGENT,
                now=datetime.now(UTC),
            )
            # One token in 64 starts with '-', which argparse reads as an option (its own
            # two-line usage error); these tests are about the commands' own refusals.
            if not minted.url.rsplit("/", 1)[1].startswith("-"):
                break
            store.revoke_link(minted.link.link_id, actor=AGENT, now=datetime.now(UTC))
        self.link_id = minted.link.link_id
        self.url = minted.url
        self.token = minted.url.rsplit("/", 1)[1]


@pytest.fixture
def minted(demo_store: Store) -> Minted:
    return Minted(demo_store)


def assert_refused_in_one_safe_line(done: subprocess.CompletedProcess[str], *secrets: str) -> str:
    """Exit 2 or 4, one line on stderr that shows no raw control character and no secret."""
    assert done.returncode in (2, 4), (done.returncode, done.stderr)
    line = assert_one_line_error(done, done.returncode)
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.endswith("\n"), done.stderr
    unsafe = [char for char in line if unicodedata.category(char) in UNSAFE]
    assert not unsafe, f"raw {unsafe!r} reached the terminal: {line!r}"
    for secret in secrets:
        assert_not_echoed(line, secret)
    return line


def assert_still_live(store: Store, minted: Minted) -> None:
    check = store.check_link(minted.token, now=datetime.now(UTC))
    assert check is not None
    assert check.state is LinkState.LIVE


def assert_not_echoed(line: str, secret: str) -> None:
    pieces = {secret[n : n + WINDOW] for n in range(len(secret) - WINDOW + 1)}
    shown = [piece for piece in pieces if piece in line]
    assert not shown, f"the error line gives away part of a token: {line!r}"


def _can_be_an_argument(text: str) -> bool:
    """What a shell can pass at all (no NUL, encodable), and that argparse takes as a value."""
    if not text or "\x00" in text or text.startswith("-"):
        return False
    try:
        os.fsencode(text)
    except UnicodeError:
        return False
    return True


def _names_no_demo_session(text: str) -> bool:
    try:
        return normalise_session_id(text) not in {DEMO_ACTIVE_ID, *DEMO_PARTICIPANT_IDS}
    except ValidationError:
        return True


HOSTILE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40),
    st.text(st.sampled_from(SNEAKY + "L-7QKM92HX"), min_size=1, max_size=30),
    st.tuples(st.sampled_from("AL\u202e\u00e9\U0001f600x"), st.integers(100, 20000)).map(
        lambda pair: pair[0] * pair[1]
    ),
    st.sampled_from(["L-7QKM92HX\u202e", "l-7qkm92hx\x1b[31m", "L-\u200b7QKM92HX", "L-OOOOOOOO"]),
).filter(_can_be_an_argument)


# -- hypothesis: anything typed is one line ------------------------------------------------------


@FEW
@given(link_name=HOSTILE_TEXT)
def test_links_revoke_with_anything_is_one_safe_line(
    minted: Minted, run_cli: RunCli, demo_store: Store, link_name: str
) -> None:
    done = run_cli("links", "revoke", link_name)

    assert_refused_in_one_safe_line(done, minted.token)
    assert_still_live(demo_store, minted)


@FEW
@given(session_id=HOSTILE_TEXT.filter(_names_no_demo_session))
def test_links_list_with_anything_is_one_safe_line(
    minted: Minted, run_cli: RunCli, session_id: str
) -> None:
    assert_refused_in_one_safe_line(run_cli("links", "list", session_id), minted.token)


@FEW
@given(
    session_id=HOSTILE_TEXT.filter(_names_no_demo_session),
    participant=st.none() | HOSTILE_TEXT,
)
def test_links_regenerate_with_anything_is_one_safe_line_and_revokes_nothing(
    minted: Minted, run_cli: RunCli, demo_store: Store, session_id: str, participant: str | None
) -> None:
    extra = () if participant is None else ("--participant", participant)
    done = run_cli("links", "regenerate", session_id, *extra)

    assert_refused_in_one_safe_line(done, minted.token)
    assert_still_live(demo_store, minted)


@FEW
@given(participant=HOSTILE_TEXT)
def test_regenerate_for_a_hostile_participant_name_is_one_safe_line(
    minted: Minted, run_cli: RunCli, demo_store: Store, participant: str
) -> None:
    """A real session, a name nobody has: exit 4 in one line (the name escaped), no link
    touched."""
    done = run_cli("links", "regenerate", DEMO_ACTIVE_ID, "--participant", participant)

    assert done.returncode == 4, done.stderr
    assert_refused_in_one_safe_line(done, minted.token)
    assert_still_live(demo_store, minted)


# -- a secret pasted where a name or an ID belongs ----------------------------------------------


def test_a_session_url_pasted_in_place_of_anything_is_not_echoed(
    minted: Minted, run_cli: RunCli, demo_store: Store
) -> None:
    for args in (
        ("links", "revoke", minted.url),
        ("links", "list", minted.url),
        ("links", "regenerate", minted.url),
        ("links", "revoke", " " + minted.url + "\n"),
        ("links", "list", minted.url.replace("http://", "")),
    ):
        assert_refused_in_one_safe_line(run_cli(*args), minted.token)
    assert_still_live(demo_store, minted)


@pytest.mark.parametrize("command", ["list", "regenerate"])
def test_a_token_pasted_in_place_of_a_session_id_is_not_echoed(
    minted: Minted, run_cli: RunCli, command: str
) -> None:
    assert_refused_in_one_safe_line(run_cli("links", command, minted.token), minted.token)


def test_a_token_pasted_in_place_of_a_link_name_is_not_echoed(
    minted: Minted, run_cli: RunCli
) -> None:
    assert_refused_in_one_safe_line(run_cli("links", "revoke", minted.token), minted.token)


def test_a_token_pasted_as_the_participant_is_not_echoed(minted: Minted, run_cli: RunCli) -> None:
    done = run_cli("links", "regenerate", DEMO_ACTIVE_ID, "--participant", minted.token)

    assert done.returncode == 4
    assert_refused_in_one_safe_line(done, minted.token)


def test_a_link_s_name_or_an_id_in_the_wrong_place_is_one_line(
    minted: Minted, run_cli: RunCli, demo_store: Store
) -> None:
    cases = [
        (("links", "revoke", DEMO_ACTIVE_ID), 2),
        (("links", "revoke", minted.link_id.replace("L-", "")), 2),
        (("links", "revoke", "L-ZZZZZZZZ"), 4),
        (("links", "list", minted.link_id), 2),
        (("links", "regenerate", minted.link_id), 2),
        (("links", "list", "ZZZZ-ZZZZ"), 4),
        (("links", "regenerate", DEMO_ENDED_ID), 2),
    ]
    for args, code in cases:
        done = run_cli(*args)
        assert done.returncode == code, (args, done.stderr)
        assert_refused_in_one_safe_line(done, minted.token)
    assert_still_live(demo_store, minted)


# -- standard output closed ------------------------------------------------------------------


@pytest.mark.parametrize("json", [False, True])
def test_links_list_with_stdout_closed_is_exit_1_in_one_line(
    minted: Minted, data_dir: Path, json: bool
) -> None:
    command = [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir)]
    command += ["links", "list", DEMO_ACTIVE_ID, *(["--json"] if json else [])]
    with tempfile.TemporaryFile() as err:
        done = subprocess.run(
            ["bash", "-c", 'exec "$@" >&-', "collab-console", *command],
            stdin=subprocess.DEVNULL,
            stderr=err,
            env=cli_env(data_dir),
            check=False,
        )
        err.seek(0)
        stderr = err.read().decode("utf-8")

    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines() == [
        "collab-console: standard output is closed; nothing could be printed"
    ]
    assert_not_echoed(stderr, minted.token)
