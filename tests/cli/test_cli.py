"""``collab-console settings show`` and ``collab-console copy``, run as a user runs them.

The copy tests read the X clipboard back with a separate ``xclip`` process, so they
need an X server: run them under ``xvfb-run -a``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pytest

from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_PARTICIPANT_IDS,
    DEMO_URL_BASE,
)
from collab_console.core.settings import URL_WARNING
from collab_console.core.urls import link_host
from collab_console.store import Store
from collab_console.store.location import DATA_DIR_ENV, STORE_FILENAME
from tests.cli.conftest import ACK_TIME, NO_DISPLAY, assert_one_line_error, read_clipboard
from tests.conftest import RunCli
from tests.store.admins import become_admin

#: The demo store's URL base, and its host as a confirmation names it.
JOIN = DEMO_URL_BASE
HOST = link_host(DEMO_URL_BASE)
#: Grace Kim's own ID in the demo data: random, nothing to do with the session's.
GRACE = DEMO_PARTICIPANT_IDS[1]
#: Stands for the Session URL in an expected clipboard text: the base and a fresh token.
URL = "{url}"


# -- settings show ---------------------------------------------------------------------


def shown_rows(output: str) -> dict[str, str]:
    """The ``label  value`` rows of ``settings show``, whatever the column width."""
    rows = {}
    for line in output.splitlines()[1:-1]:
        label, value = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        rows[label] = value
    return rows


def rows_value(output: str, label: str) -> str:
    return shown_rows(output)[label]


def test_settings_show_prints_the_settings_and_the_store(
    demo_store: Store, run_cli: RunCli, data_dir: Path
) -> None:
    done = run_cli("settings", "show")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Session > Tools > Copy session details"
    assert shown_rows(done.stdout) == {
        "Copy Session ID": "on",
        "Copy Session URL": "off",
        "Session URL base": JOIN,
        "Mask customer details by default": "off",
        "Clear a copied Session URL after (seconds)": "30",
        "A copied Session URL works for (minutes)": "30",
        "An invitation link works for (minutes)": "0",
        "A link works for the first join only": "off",
        "Live links per person, at most": "3",
        "Session URLs an agent may copy per hour, at most": "30",
        "SMTP server": "not set",
        "SMTP port": "587",
        "Connection security": "starttls",
        "SMTP user name": "not set",
        "Sender address": "not set",
        "SMS gateway URL": "not set",
        "Resend an invite at most once per (seconds)": "30",
        "Copy Session URL warning": "not acknowledged",
        "Last changed": rows_value(done.stdout, "Last changed"),
    }
    version = demo_store.load_settings().version
    assert re.fullmatch(
        rf"by demo at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC \(version {version}\)",
        rows_value(done.stdout, "Last changed"),
    ), "the store dates a change itself"
    assert lines[-1] == f"Store: {data_dir / STORE_FILENAME}"


def test_settings_show_names_who_acknowledged_the_url_warning(
    url_on: Store, run_cli: RunCli
) -> None:
    done = run_cli("settings", "show")

    assert done.returncode == 0, done.stderr
    assert rows_value(done.stdout, "Copy Session URL") == "on"
    assert rows_value(done.stdout, "Copy Session URL warning") == (
        f"acknowledged by admin.test at 2026-03-05 10:00 UTC (warning v{URL_WARNING.version})"
    )


def test_settings_show_json(demo_store: Store, run_cli: RunCli, data_dir: Path) -> None:
    done = run_cli("settings", "show", "--json")

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert datetime.fromisoformat(data.pop("updated_at")).tzinfo is not None
    assert data == {
        "copy_session_id": True,
        "copy_session_url": False,
        "session_url_base": JOIN,
        "mask_sensitive_data": False,
        "clipboard_clear_seconds": 30,
        "copied_link_minutes": 30,
        "invitation_link_minutes": 0,
        "link_first_join_only": False,
        "max_live_links_per_person": 3,
        "max_links_per_agent_hour": 30,
        "smtp_host": "",
        "smtp_port": 587,
        "smtp_security": "starttls",
        "smtp_username": "",
        "smtp_sender": "",
        "sms_gateway_url": "",
        "resend_interval_seconds": 30,
        "acknowledgements": {},
        "version": demo_store.load_settings().version,
        "updated_by": "demo",
        "store": str(data_dir / STORE_FILENAME),
        "system_policy": None,
        "locked": [],
    }


def test_settings_show_json_after_an_acknowledged_url_enable(
    url_on: Store, run_cli: RunCli
) -> None:
    data = json.loads(run_cli("settings", "show", "--json").stdout)

    assert data["copy_session_url"] is True
    assert data["acknowledgements"]["copy_session_url"] == {
        "by": "admin.test",
        "at": "2026-03-05T10:00:00+00:00",
        "warning_version": URL_WARNING.version,
    }
    assert data["updated_by"] == "admin.test"


def test_the_data_dir_comes_from_the_environment_without_the_option(
    demo_store: Store, run_cli: RunCli, data_dir: Path
) -> None:
    done = run_cli("settings", "show", "--json", with_data_dir=False)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["store"] == str(data_dir / STORE_FILENAME)


def test_the_data_dir_option_wins_over_the_environment(
    demo_store: Store, run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    done = run_cli("settings", "show", "--json", env={DATA_DIR_ENV: str(tmp_path / "elsewhere")})

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["store"] == str(data_dir / STORE_FILENAME)


#: What ``settings show`` has no use for: each of these made it measurably slower to
#: start (tests/benchmarks/README.md).
NOT_FOR_SETTINGS_SHOW = (
    "typing",
    "dataclasses",
    "inspect",
    "pathlib",
    "shutil",
    "json",
    "unicodedata",
    "collab_console.core.copy_actions",
    "collab_console.core.copying",
    "collab_console.core.domain",
    "collab_console.core.events",
    "collab_console.core.policy",
    "collab_console.cli.clipboard",
    "collab_console.store.interface",
    "collab_console.gui",
    "collab_console.core.admins",
    "collab_console.core.audit",
    "collab_console.core.masking",
    "collab_console.cli.admin_commands",
    "collab_console.cli.prompts",
    "hmac",
    "getpass",
    "csv",
    "hashlib",
    "logging",
    "collab_console.core.logs",
    "phonenumbers",
    "email_validator",
)

SETTINGS_SHOW_IN_A_FRESH_PROCESS = """
import contextlib, io, sys
from collab_console.main import main

with contextlib.redirect_stdout(io.StringIO()) as shown:
    code = main(["settings", "show"])

print(code, "Store:" in shown.getvalue())
print(" ".join(sorted(name for name in sys.modules if name in sys.argv[1:])))
"""


def test_settings_show_loads_only_what_it_uses(demo_store: Store, data_dir: Path) -> None:
    """Not a timing (bench.py measures it): what a fresh ``settings show`` imports and runs."""
    done = subprocess.run(
        [sys.executable, "-c", SETTINGS_SHOW_IN_A_FRESH_PROCESS, *NOT_FOR_SETTINGS_SHOW],
        capture_output=True,
        text=True,
        env={**os.environ, DATA_DIR_ENV: str(data_dir)},
        check=False,
    )

    assert done.returncode == 0, done.stderr
    ran, loaded = done.stdout.splitlines()
    assert ran == "0 True", "it printed the settings"
    assert loaded == ""


# -- the store cannot be used: exit 1, one line, no traceback --------------------------------

COMMANDS = [
    pytest.param(("settings", "show"), id="settings-show"),
    pytest.param(("copy", DEMO_ACTIVE_ID, "--what", "id"), id="copy"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_store_is_one_line_and_exit_1(
    run_cli: RunCli, data_dir: Path, command: tuple[str, ...]
) -> None:
    line = assert_one_line_error(run_cli(*command), 1)

    assert "No Collab Console store" in line
    assert list(data_dir.iterdir()) == [], "a command must not create a store"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_store_is_one_line_exit_1_and_left_alone(
    run_cli: RunCli, data_dir: Path, command: tuple[str, ...]
) -> None:
    damaged = data_dir / STORE_FILENAME
    damaged.write_text("this is not a database\n")

    line = assert_one_line_error(run_cli(*command), 1)

    assert "damaged" in line
    assert damaged.read_text() == "this is not a database\n"


# -- copy: refused, not found, malformed -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "changes", "reason"),
    [
        pytest.param(
            (DEMO_ACTIVE_ID, "--what", "url"),
            {},
            "refused: Copy Session URL is turned off in Session > Tools > Copy session details",
            id="url-off",
        ),
        pytest.param(
            (DEMO_ACTIVE_ID, "--what", "both"),
            {},
            "refused: Copy both needs Copy Session ID and Copy Session URL turned on",
            id="both-needs-url",
        ),
        pytest.param(
            (DEMO_ACTIVE_ID, "--what", "id", "--participant", "grace kim"),
            {"copy_session_id": False},
            "refused: Copy Session ID is turned off in Session > Tools > Copy session details",
            id="id-off-participant",
        ),
        pytest.param(
            (DEMO_ENDED_ID, "--what", "id"),
            {},
            f"refused: session {DEMO_ENDED_ID} is not active (ended)",
            id="ended-session",
        ),
    ],
)
def test_copy_refused_exits_3_with_the_reason_and_leaves_the_clipboard(
    demo_store: Store,
    run_cli: RunCli,
    clipboard: str,
    args: tuple[str, ...],
    changes: dict[str, Any],
    reason: str,
) -> None:
    if changes:
        demo_store.save_settings(
            demo_store.load_settings().changed(actor="admin.test", now=ACK_TIME, **changes),
            admin=become_admin(demo_store, "admin.test"),
        )

    line = assert_one_line_error(run_cli("copy", *args), 3)

    assert reason in line
    assert read_clipboard() == clipboard


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("ZZZZ-ZZZZ", "--what", "id"), "no session ZZZZ-ZZZZ", id="session"),
        pytest.param(
            (DEMO_ACTIVE_ID, "--what", "id", "--participant", "Grace Kimm"),
            f"no participant named 'Grace Kimm' in session {DEMO_ACTIVE_ID}",
            id="participant",
        ),
    ],
)
def test_copy_of_something_unknown_exits_4(
    demo_store: Store, run_cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    line = assert_one_line_error(run_cli("copy", *args), 4)

    assert message in line


@pytest.mark.parametrize(
    "session_id", ["7QKI-92HX", "12345", "7QKM-92HX-P2", "7QKM/92HX", "L-7QKM92HX"]
)
def test_copy_of_a_malformed_session_id_exits_2(
    demo_store: Store, run_cli: RunCli, session_id: str
) -> None:
    line = assert_one_line_error(run_cli("copy", session_id, "--what", "id"), 2)

    assert "is not a Session ID" in line


def test_copy_of_an_unknown_detail_is_a_usage_error(demo_store: Store, run_cli: RunCli) -> None:
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "pin")

    assert done.returncode == 2
    assert "invalid choice: 'pin'" in done.stderr
    assert "Traceback" not in done.stderr


# -- copy that works -------------------------------------------------------------------------


def clipboard_pattern(text: str) -> re.Pattern[str]:
    """``text`` with :data:`URL` standing for a Session URL: the base and a 24-character token."""
    return re.compile(
        re.escape(text).replace(re.escape(URL), re.escape(JOIN) + r"[A-Za-z0-9_-]{24}")
    )


@pytest.mark.parametrize(
    ("args", "text", "message"),
    [
        pytest.param(
            ("--what", "id"),
            "7QKM-92HX",
            "Copied Session ID 7QKM-92HX for Dana Levi.",
            id="customer-id",
        ),
        pytest.param(
            ("--what", "url"),
            URL,
            f"Copied a new Session URL ({HOST}) for Dana Levi. "
            "It works for 30 minutes. Clears from the clipboard in 30 s.",
            id="customer-url",
        ),
        pytest.param(
            ("--what", "both"),
            f"Hello Dana Levi, here is your link to join the session: {URL}\n"
            f"If it does not open, go to {JOIN} and enter the Session ID 7QKM-92HX.",
            f"Copied Session ID 7QKM-92HX and a new Session URL ({HOST}) for "
            "Dana Levi. It works for 30 minutes. Clears from the clipboard in 30 s.",
            id="customer-both",
        ),
        pytest.param(
            ("--what", "id", "--participant", "grace kim"),
            GRACE,
            f"Copied Session ID {GRACE} for Grace Kim.",
            id="participant-id",
        ),
        pytest.param(
            ("--what", "both", "--participant", "GRACE KIM"),
            f"Hello Grace Kim, here is your link to join the session: {URL}\n"
            f"If it does not open, go to {JOIN} and enter the Session ID {GRACE}.",
            f"Copied Session ID {GRACE} and a new Session URL ({HOST}) for "
            "Grace Kim. It works for 30 minutes. Clears from the clipboard in 30 s.",
            id="participant-both",
        ),
    ],
)
def test_copy_puts_the_exact_text_on_the_clipboard_and_never_prints_the_url(
    url_on: Store, run_cli: RunCli, clipboard: str, args: tuple[str, ...], text: str, message: str
) -> None:
    done = run_cli("copy", "7qkm 92hx", *args)

    assert done.returncode == 0, done.stderr
    assert done.stdout == message + "\n"
    assert done.stderr == ""
    assert JOIN not in done.stdout
    copied = read_clipboard()
    assert clipboard_pattern(text).fullmatch(copied), copied
    for token in re.findall(re.escape(JOIN) + r"([A-Za-z0-9_-]{24})", copied):
        assert token not in done.stdout
        assert "7QKM" not in token


def test_copy_without_a_display_exits_5_and_says_what_to_install(
    demo_store: Store, run_cli: RunCli, clipboard: str
) -> None:
    line = assert_one_line_error(
        run_cli("copy", DEMO_ACTIVE_ID, "--what", "id", unset=NO_DISPLAY), 5
    )

    assert "no clipboard is reachable" in line
    assert "apt-get install xclip" in line
    assert "wl-clipboard" in line
    assert read_clipboard() == clipboard


def reaches_end(pipe: IO[bytes]) -> bool:
    """True when nobody holds the writing end of ``pipe`` any more (reading hits EOF)."""
    os.set_blocking(pipe.fileno(), False)
    while True:
        try:
            chunk = os.read(pipe.fileno(), 65536)
        except BlockingIOError:
            return False
        if not chunk:
            return True


def test_copy_leaves_no_process_holding_its_output(
    demo_store: Store, data_dir: Path, clipboard: str
) -> None:
    """``ID=$(collab-console copy ...)`` or ``... | tee log`` waits for the pipe to close.

    If the command leaves a helper (such as the xclip that serves the clipboard)
    holding its stdout or stderr, the script hangs until someone copies something else.
    """
    command = [sys.executable, "-m", "collab_console", "--data-dir", str(data_dir)]
    command += ["copy", DEMO_ACTIVE_ID, "--what", "id"]
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        code = process.wait()
        still_open = [
            name
            for name, pipe in (("stdout", process.stdout), ("stderr", process.stderr))
            if pipe is not None and not reaches_end(pipe)
        ]

    assert code == 0
    assert read_clipboard() == DEMO_ACTIVE_ID
    assert still_open == [], (
        f"collab-console exited but left a process holding its {' and '.join(still_open)}; "
        "a shell reading its output would hang"
    )


def test_a_participant_s_id_is_copied_whatever_the_url_base_says(
    url_on: Store, run_cli: RunCli, clipboard: str
) -> None:
    """The ID copy needs no link: it works, and makes none."""
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "id", "--participant", "Grace Kim")

    assert done.returncode == 0, done.stderr
    assert read_clipboard() == GRACE
    assert url_on.list_links(DEMO_ACTIVE_ID) == []


def test_the_audit_names_the_account_not_what_the_environment_claims(
    demo_store: Store, run_cli: RunCli, clipboard: str
) -> None:
    import pwd

    done = run_cli(
        "copy", DEMO_ACTIVE_ID, "--what", "id", env={"LOGNAME": "ciso.jane", "USER": "ciso.jane"}
    )

    assert done.returncode == 0, done.stderr
    entry = demo_store.audit_log(limit=1)[0]
    assert (entry.kind, entry.subject, entry.detail) == ("copy", DEMO_ACTIVE_ID, "id")
    assert (entry.actor_role, entry.contact) == ("agent", "+1 •••• ••00")
    assert entry.actor == pwd.getpwuid(os.getuid()).pw_name != "ciso.jane"
