"""``settings set``, ``admin``, ``session`` and ``audit``, run as an admin's script runs them.

Each command runs in a subprocess with its standard input given (passphrases
with ``--passphrase-stdin``) and no terminal, so a prompt can never hang a
test. Admins set up by the tests themselves are hashed cheaply
(``tests/store/admins.py``); ``admin init`` and ``admin add`` in a subprocess
pay the production cost, which is why there are few of them.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collab_console.core.admins import change_settings
from collab_console.core.audit import AuditQuery, read_csv, read_jsonl, verify_chain
from collab_console.core.errors import NotAllowedError
from collab_console.core.settings import URL_WARNING
from collab_console.store import Store, open_store
from collab_console.store.location import DATA_DIR_ENV, STORE_FILENAME
from tests.cli.conftest import run_collab_console
from tests.store.admins import become_admin, passphrase_for
from tests.tampering import tamper

PREFIX = "collab-console: "
ANA = "admin.ana"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(data_dir: Path) -> Run:
    """``collab-console ARGS`` on ``data_dir``, ``stdin`` its standard input (no terminal)."""

    def run(*args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess[str]:
        env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
        return run_collab_console(args, stdin=stdin, env=env)

    return run


def one_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The one ``collab-console: ...`` line of a refused command (and nothing on stdout)."""
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(PREFIX)
    return lines[0].removeprefix(PREFIX)


@pytest.fixture
def with_admin(demo_store: Store) -> Store:
    """The demo store with admin.ana set up (cheaply hashed)."""
    become_admin(demo_store, ANA)
    return demo_store


def reread(data_dir: Path) -> Store:
    return open_store(data_dir, readonly=True)


# -- settings set ----------------------------------------------------------------------------


def test_settings_set_as_an_admin_saves_and_says_what_changed(
    with_admin: Store, cli: Run, data_dir: Path
) -> None:
    saved = with_admin.load_settings().version + 2  # the store counts each setting changed
    done = cli(
        "settings",
        "set",
        "--copy-id",
        "off",
        "--clipboard-clear-seconds",
        "45",
        "--admin",
        ANA,
        "--passphrase-stdin",
        stdin=passphrase_for(ANA) + "\n",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Copy Session ID: on -> off",
        "Clear a copied Session URL after (seconds): 30 -> 45",
        f"Saved by {ANA} (settings version {saved}).",
    ]
    store = reread(data_dir)
    settings = store.load_settings()
    assert (settings.copy_session_id, settings.value("clipboard_clear_seconds")) == (False, 45)
    changes = [e for e in store.audit_log() if e.kind == "setting"][:2]
    assert {(e.actor, e.actor_role) for e in changes} == {(ANA, "admin")}
    store.close()


def test_turning_url_copy_on_needs_the_acknowledgement_and_prints_the_warning(
    with_admin: Store, cli: Run, data_dir: Path
) -> None:
    refused = one_error(
        cli(
            "settings",
            "set",
            "--copy-url",
            "on",
            "--admin",
            ANA,
            "--passphrase-stdin",
            stdin=passphrase_for(ANA) + "\n",
        ),
        2,
    )

    assert refused == (
        "turning on Copy Session URL needs --acknowledge-security-warning. "
        f"{URL_WARNING.title}: {URL_WARNING.text}"
    )
    assert reread(data_dir).load_settings().copy_session_url is False

    done = cli(
        "settings",
        "set",
        "--copy-url",
        "on",
        "--acknowledge-security-warning",
        "--admin",
        ANA,
        "--passphrase-stdin",
        stdin=passphrase_for(ANA) + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert (
        f"Copy Session URL warning: acknowledged by admin.ana (warning v{URL_WARNING.version})"
        in done.stdout
    )
    ack = reread(data_dir).load_settings().url_acknowledgement
    assert ack is not None
    assert ack.by == ANA, "the admin's name, not the OS login"


@pytest.mark.parametrize(
    ("passphrase", "says"),
    [
        ("not the passphrase", "wrong name or passphrase; 1 failed attempt — try again in 1 s"),
        ("", "wrong name or passphrase; 1 failed attempt — try again in 1 s"),
    ],
)
def test_a_wrong_passphrase_exits_6_and_changes_nothing(
    with_admin: Store, cli: Run, data_dir: Path, passphrase: str, says: str
) -> None:
    before = with_admin.load_settings()
    args = ("settings", "set", "--copy-id", "off", "--admin", ANA, "--passphrase-stdin")

    assert one_error(cli(*args, stdin=passphrase + "\n"), 6) == says
    again = one_error(cli(*args, stdin=passphrase_for(ANA) + "\n"), 6)

    assert again == "1 failed attempt for that name; try again in 1 s", "refused unchecked"
    assert reread(data_dir).load_settings() == before


def test_an_agent_is_not_allowed_and_learns_nothing_about_names(
    with_admin: Store, cli: Run
) -> None:
    args = ("settings", "set", "--copy-id", "off", "--passphrase-stdin")
    unknown = one_error(cli(*args, "--admin", "agent.kai", stdin="agent.kai guesses\n"), 6)
    known = one_error(cli(*args, "--admin", ANA, stdin="agent.kai guesses\n"), 6)

    assert unknown == known == "wrong name or passphrase; 1 failed attempt — try again in 1 s"


def test_without_an_admin_set_up_settings_set_says_to_run_admin_init(
    demo_store: Store, cli: Run
) -> None:
    refused = one_error(
        cli("settings", "set", "--copy-id", "off", "--admin", ANA, "--passphrase-stdin"), 6
    )

    assert refused == "no admin is set up yet; run collab-console admin init --name NAME first"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(
            (), "nothing to change; give at least one of --copy-id, --copy-url,", id="none"
        ),
        pytest.param(
            ("--copy-id", "maybe"), "--copy-id: expected on or off, got 'maybe'", id="bool"
        ),
        pytest.param(
            ("--clipboard-clear-seconds", "99999"),
            "--clipboard-clear-seconds: the clipboard is cleared after 0 (never) to 3600 seconds",
            id="range",
        ),
        pytest.param(("--url-base", "http://collab.example.com/"), "--url-base: ", id="http"),
        pytest.param(("--copy-id", "on"), "say which admin you are with --admin NAME", id="who"),
    ],
)
def test_bad_settings_set_arguments_exit_2_before_asking_anything(
    with_admin: Store, cli: Run, args: tuple[str, ...], says: str
) -> None:
    assert one_error(cli("settings", "set", *args, "--passphrase-stdin"), 2).startswith(says)


def test_without_a_terminal_the_passphrase_must_come_from_stdin(
    with_admin: Store, cli: Run
) -> None:
    refused = one_error(cli("settings", "set", "--copy-id", "on", "--admin", ANA), 2)

    assert refused == (
        "there is no terminal to ask for the passphrase; give it on standard input with "
        "--passphrase-stdin (the admin's passphrase, one line each)"
    )


def test_unchanged_values_change_nothing(with_admin: Store, cli: Run) -> None:
    done = cli(
        "settings",
        "set",
        "--copy-id",
        "on",
        "--admin",
        ANA,
        "--passphrase-stdin",
        stdin=passphrase_for(ANA) + "\n",
    )

    assert (done.returncode, done.stdout) == (
        0,
        "Nothing changed: the settings already hold these values.\n",
    )


def test_every_policy_write_path_refuses_an_agent(demo_store: Store, cli: Run) -> None:
    """The CLI, the core API, the store and the database each refuse a write without an admin.

    (The Preferences dialog is the GUI's test: it calls the same core API.)
    """
    become_admin(demo_store, ANA)
    current = demo_store.load_settings()
    agent_wants = current.changed(actor="agent.kai", now=datetime.now(UTC), copy_session_id=False)

    cli_refusal = one_error(
        cli(
            "settings",
            "set",
            "--copy-id",
            "off",
            "--admin",
            "agent.kai",
            "--passphrase-stdin",
            stdin="kai's own password\n",
        ),
        6,
    )
    with pytest.raises(NotAllowedError, match="only an admin"):
        change_settings(demo_store, current, None, now=datetime.now(UTC), copy_session_id=False)
    with pytest.raises(NotAllowedError, match="only an admin can change the settings"):
        demo_store.save_settings(agent_wants)

    assert cli_refusal.startswith("wrong name or passphrase")
    assert demo_store.load_settings() == current


# -- admin -----------------------------------------------------------------------------------


def test_admin_init_sets_up_the_first_admin_once(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    done = cli(
        "admin",
        "init",
        "--name",
        "ana.silva",
        "--passphrase-stdin",
        stdin="a long enough passphrase\n",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "ana.silva is the first admin. Keep the passphrase safe: it cannot be recovered.\n"
    )
    assert [a.name for a in demo_store.list_admins()] == ["ana.silva"]
    stored = demo_store.admin_credentials("ana.silva")
    assert stored is not None
    assert stored[1].startswith("scrypt$32768$8$1$"), "production cost, salt and key stored"
    assert b"a long enough passphrase" not in (data_dir / STORE_FILENAME).read_bytes()

    again = one_error(
        cli(
            "admin",
            "init",
            "--name",
            "ben",
            "--passphrase-stdin",
            stdin="another long passphrase\n",
        ),
        6,
    )
    assert again == (
        "an admin is already set up; an admin can add you with collab-console admin add"
    )


def test_admin_init_creates_the_store_when_there_is_none(cli: Run, data_dir: Path) -> None:
    done = cli(
        "admin", "init", "--name", "ana", "--passphrase-stdin", stdin="a long enough passphrase\n"
    )

    assert done.returncode == 0, done.stderr
    assert (data_dir / STORE_FILENAME).is_file()


@pytest.mark.parametrize(
    ("name", "passphrase", "says"),
    [
        (
            "ana",
            "short\n",
            "a passphrase needs at least 12 characters; a few words make a good one",
        ),
        ("ana", "ana\n", "a passphrase needs at least 12 characters"),
        ("anaanaanaana", "ANAanaANAana\n", "that passphrase is too easy to guess; choose another"),
        ("ana", "aaaaaaaaaaaaaaaa\n", "that passphrase is too easy to guess; choose another"),
        ("ana", "tab\tinside the passphrase\n", "a passphrase must not contain control characters"),
        ("ana", "", "standard input ended before a passphrase"),
        (".ana", "a long enough passphrase\n", "--name: an admin name is 1 to 64 ASCII letters"),
        ("ana silva", "a long enough passphrase\n", "--name: an admin name is 1 to 64"),
        ("аna", "a long enough passphrase\n", "--name: an admin name is 1 to 64"),
    ],
)
def test_admin_init_refuses_weak_passphrases_and_odd_names(
    demo_store: Store, cli: Run, name: str, passphrase: str, says: str
) -> None:
    refused = one_error(
        cli("admin", "init", "--name", name, "--passphrase-stdin", stdin=passphrase), 2
    )

    assert refused.startswith(says)
    assert demo_store.has_admins() is False


def test_admins_add_remove_and_change_passphrases_from_a_script(
    with_admin: Store, cli: Run
) -> None:
    me = ("--admin", ANA, "--passphrase-stdin")
    added = cli(
        "admin",
        "add",
        "--name",
        "ben",
        *me,
        stdin=f"{passphrase_for(ANA)}\nben's long passphrase\n",
    )
    assert (added.returncode, added.stdout) == (0, "ben is now an admin (added by admin.ana).\n")

    changed = cli(
        "admin",
        "passwd",
        "--admin",
        "BEN",
        "--passphrase-stdin",
        stdin="ben's long passphrase\nben's newer passphrase\n",
    )
    assert (changed.returncode, changed.stdout) == (0, "The passphrase of ben was changed.\n")

    removed = cli(
        "admin",
        "remove",
        "--name",
        ANA,
        "--admin",
        "ben",
        "--passphrase-stdin",
        stdin="ben's newer passphrase\n",
    )
    assert (removed.returncode, removed.stdout) == (
        0,
        "admin.ana is no longer an admin (removed by ben).\n",
    )
    last = one_error(
        cli(
            "admin",
            "remove",
            "--name",
            "ben",
            "--admin",
            "ben",
            "--passphrase-stdin",
            stdin="ben's newer passphrase\n",
        ),
        6,
    )
    assert last == "the last admin cannot be removed; add another admin first"

    kinds = [
        (e.kind, e.actor, e.detail)
        for e in reversed(with_admin.audit_log())
        if e.kind in ("admin_added", "admin_removed", "passphrase_changed")
    ]
    assert kinds[1:] == [
        ("admin_added", ANA, "ben"),
        ("passphrase_changed", "ben", "ben"),
        ("admin_removed", "ben", ANA),
    ]


def test_admin_commands_refuse_what_they_cannot_do(with_admin: Store, cli: Run) -> None:
    me = ("--admin", ANA, "--passphrase-stdin")
    taken = one_error(
        cli(
            "admin",
            "add",
            "--name",
            "ADMIN.ANA",
            *me,
            stdin=f"{passphrase_for(ANA)}\nsome long passphrase\n",
        ),
        2,
    )
    missing = one_error(
        cli("admin", "remove", "--name", "nobody", *me, stdin=passphrase_for(ANA) + "\n"), 4
    )
    short_stdin = one_error(
        cli("admin", "add", "--name", "ben", *me, stdin=passphrase_for(ANA) + "\n"), 2
    )

    assert taken == "there is already an admin named admin.ana"
    assert missing == "no admin named nobody"
    assert short_stdin == (
        "standard input ended before a passphrase; give your passphrase, then the new "
        "admin's, one line each"
    )


# -- session ---------------------------------------------------------------------------------


def test_session_start_list_and_end(demo_store: Store, cli: Run) -> None:
    started = cli("session", "start", "--customer", "Ruth Cohen", "--contact", "+44 20 7946 0958")
    assert started.returncode == 0, started.stderr
    session_id = started.stdout.strip()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", session_id)

    listed = json.loads(cli("session", "list", "--json").stdout)
    assert listed[0]["session_id"] == session_id
    assert (listed[0]["customer_name"], listed[0]["state"]) == ("Ruth Cohen", "active")
    table = cli("session", "list").stdout.splitlines()
    assert table[0].startswith(f"{session_id}  Active")
    assert table[0].endswith("Ruth Cohen")

    ended = cli("session", "end", session_id.lower())
    assert (ended.returncode, ended.stdout) == (0, f"Ended session {session_id} (Ruth Cohen).\n")
    again = cli("session", "end", session_id)
    assert again.returncode == 0
    assert again.stdout.startswith(f"Session {session_id} had already ended at ")

    audit = [e for e in demo_store.audit_log() if e.session_id == session_id]
    assert [e.kind for e in reversed(audit)] == [
        "session_started",
        "invitation_queued",  # the customer's invitation, queued with the session
        "link_made",  # its link
        "invitation_sent",  # sent at once (into the outbox folder: no SMS gateway is set)
        "session_ended",
    ]
    assert {(e.kind, e.actor_role) for e in audit if e.kind.startswith("session")} == {
        ("session_started", "agent"),
        ("session_ended", "agent"),
    }
    assert audit[-1].contact == "+44 •••• ••58"
    assert {e.contact for e in audit if e.kind.startswith("invitation")} == {"+44 •••• ••58"}
    assert demo_store.get_session(session_id).customer.contact == "+442079460958", "in E.164"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("end", "ZZZZ-ZZZZ"), 4, "no session ZZZZ-ZZZZ"),
        (("end", "7QKI-92HX"), 2, "'7QKI-92HX' is not a Session ID"),
        (("start", "--customer", "Ruth", "--contact", "not a phone"), 2, "not a phone"),
        (
            ("start", "--customer", "Ruth", "--contact", "020 7946 0958"),
            2,
            "write the phone number with its country code, like +44 20 7946 0958",
        ),
        (("start", "--customer", "Ruth", "--contact", "ruth@example"), 2, "not a valid e-mail"),
        (
            ("start", "--customer", "\u202eRuth", "--contact", "ruth@example.com"),
            2,
            "must not contain text-direction controls",
        ),
        (("start", "--customer", " ", "--contact", "ruth@example.com"), 2, "enter"),
    ],
)
def test_session_commands_refuse_bad_input_in_one_line(
    demo_store: Store, cli: Run, args: tuple[str, ...], code: int, says: str
) -> None:
    assert says in one_error(cli("session", *args), code)


# -- audit -----------------------------------------------------------------------------------


@pytest.fixture
def busy(with_admin: Store) -> Store:
    """Settings saved by an admin, a session started and ended, a failed unlock."""
    admin = become_admin(with_admin, ANA)
    change_settings(
        with_admin,
        with_admin.load_settings(),
        admin,
        now=datetime.now(UTC),
        acknowledged=True,
        copy_session_url=True,
    )
    session, _ = with_admin.start_session(
        customer_name="Ruth Cohen",
        contact="ruth@example.com",
        now=datetime.now(UTC),
        actor="agent.kai",
    )
    # An account name a spreadsheet would take for a formula, with a comma in it.
    with_admin.end_session(session.session_id, datetime.now(UTC), actor="-agent,=1+1")
    return with_admin


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_audit_export_round_trips_every_entry(busy: Store, cli: Run, fmt: str) -> None:
    done = cli("audit", "export", "--format", fmt)

    assert done.returncode == 0, done.stderr
    entries = busy.audit_entries(AuditQuery(limit=None, oldest_first=True))
    read = read_csv(done.stdout) if fmt == "csv" else read_jsonl(done.stdout)
    assert read == entries
    assert verify_chain(read) is None, "an export can be checked on its own"


def test_the_csv_export_is_rfc_4180_and_defuses_formulas(busy: Store, data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "collab_console", "audit", "export", "--format", "csv"],
        capture_output=True,
        env={**os.environ, DATA_DIR_ENV: str(data_dir)},
        check=True,
    ).stdout

    assert out.endswith(b"\r\n")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert out.startswith(b"seq,at,kind,actor,actor_role,session_id,participant_id,detail,")
    assert b",'-agent,=1+1," not in out, "a value with a comma is quoted"
    assert b',"\'-agent,=1+1",' in out, "and one a spreadsheet would run starts with '"


def test_audit_export_to_a_file_is_private_and_filtered_by_date(
    busy: Store, cli: Run, tmp_path: Path
) -> None:
    target = tmp_path / "audit.jsonl"
    today = datetime.now(UTC).date()

    done = cli("audit", "export", "--format", "jsonl", "--since", str(today), "-o", str(target))
    nothing = cli("audit", "export", "--format", "jsonl", "--until", str(today - timedelta(days=2)))

    count = len(busy.audit_log(limit=1000))
    assert (done.returncode, done.stdout) == (0, f"Exported {count} audit entries to {target}.\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(target.read_text().splitlines()) == count
    assert (nothing.returncode, nothing.stdout) == (0, "")


NOT_A_DATE = "is not a date; write it like 2026-03-02 or 2026-03-02T09:30"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--since", "yesterday"), f"'yesterday' {NOT_A_DATE}"),
        (("--until", "2026-02-30"), f"'2026-02-30' {NOT_A_DATE}"),
        (("--since", "x" * 5000), f"that text {NOT_A_DATE}"),
        (("--since", "2026-03-02", "--until", "2026-03-01"), "--since must be before --until"),
    ],
)
def test_audit_export_refuses_dates_it_cannot_read(
    busy: Store, cli: Run, args: tuple[str, ...], says: str
) -> None:
    assert one_error(cli("audit", "export", "--format", "csv", *args), 2) == says


def test_audit_verify_passes_an_intact_trail_and_names_its_newest_hash(
    busy: Store, cli: Run
) -> None:
    done = cli("audit", "verify")

    newest = busy.audit_log(limit=1)[0]
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"The audit trail is intact: {newest.seq} entries, the newest at "
        f"{newest.at:%Y-%m-%d %H:%M:%S} UTC.",
        f"Newest hash: {newest.hash}",
    ]


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        (
            "UPDATE audit SET actor = 'nobody' WHERE id = 2",
            r"entry #2 \(.*\) does not match its hash \(it was changed\)",
        ),
        ("DELETE FROM audit WHERE id = 3", r"entry #3 is missing \(#4 follows #2\)"),
    ],
)
def test_audit_verify_exits_7_naming_the_first_altered_entry(
    busy: Store, cli: Run, data_dir: Path, statement: str, says: str
) -> None:
    busy.close()
    tamper(data_dir / STORE_FILENAME, statement)

    line = one_error(cli("audit", "verify"), 7)

    assert re.fullmatch("the audit trail was altered: " + says, line), line
