"""``collab-console secrets``: the SMTP password and the SMS gateway token in the keyring.

The keyring is a real Secret Service on a private D-Bus bus
(``tests/secret_service.py``, the fixtures of ``test_org_cli``), so "only in the
keyring" is checked where a secret would leak: the output, the log, the files
under the home and data folders, and the command line (it is never an argument).
"""

from __future__ import annotations

import os
import pty
import re
import sys
from pathlib import Path

from collab_console.store.location import DATA_DIR_ENV
from tests.cli.test_org_cli import (
    Run,
    cli,
    home,
    keyring,
    keyring_daemons,
    one_error,
    read_until,
    stored_password,
)

__all__ = ["cli", "home", "keyring", "keyring_daemons"]

PASSWORD = "smtp pass: 7f3a kept secret"
TOKEN = "sk_live_0123456789abcdef"


def test_a_secret_from_standard_input_is_kept_in_the_keyring_and_nowhere_else(
    cli: Run, keyring: dict[str, str], home: dict[str, str], data_dir: Path, own_log_dir: Path
) -> None:
    done = cli("secrets", "set", "smtp-password", stdin=PASSWORD + "\n", env=keyring)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("The SMTP password is kept in ")
    assert stored_password(keyring, "smtp-password") == [PASSWORD]
    assert stored_password(keyring, "sms-token") == []
    for folder in (Path(home["HOME"]), own_log_dir, data_dir):
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(".keyring"):
                assert PASSWORD.encode() not in path.read_bytes(), path
    assert PASSWORD not in done.stdout + done.stderr


def test_status_says_which_secrets_are_stored_and_never_their_values(
    cli: Run, keyring: dict[str, str]
) -> None:
    assert cli("secrets", "set", "sms-token", stdin=TOKEN + "\n", env=keyring).returncode == 0

    status = cli("secrets", "status", env=keyring)

    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith("Keyring: ")
    rows = dict(re.split(r"\s{2,}", line)[:2] for line in lines[1:])
    assert rows == {"smtp-password": "not stored", "sms-token": "stored"}
    assert TOKEN not in status.stdout


def test_delete_forgets_a_secret_and_says_when_there_was_none(
    cli: Run, keyring: dict[str, str]
) -> None:
    assert cli("secrets", "set", "sms-token", stdin=TOKEN + "\n", env=keyring).returncode == 0

    first = cli("secrets", "delete", "sms-token", env=keyring)
    again = cli("secrets", "delete", "sms-token", env=keyring)

    assert (first.returncode, first.stdout) == (
        0,
        "The SMS gateway token was deleted from the keyring.\n",
    )
    assert (again.returncode, again.stdout) == (0, "No SMS gateway token is stored.\n")
    assert stored_password(keyring, "sms-token") == []


def test_setting_a_new_value_replaces_the_old_one(cli: Run, keyring: dict[str, str]) -> None:
    for value in (TOKEN, TOKEN + "-rotated"):
        assert cli("secrets", "set", "sms-token", stdin=value + "\n", env=keyring).returncode == 0

    assert stored_password(keyring, "sms-token") == [TOKEN + "-rotated"]


def test_an_unknown_name_or_a_value_as_an_argument_is_exit_2(
    cli: Run, keyring: dict[str, str]
) -> None:
    unknown = cli("secrets", "set", "db-password", stdin=TOKEN + "\n", env=keyring)
    as_argument = cli("secrets", "set", "sms-token", TOKEN, env=keyring)

    assert unknown.returncode == 2
    assert "invalid choice: 'db-password'" in unknown.stderr
    assert as_argument.returncode == 2
    assert "Traceback" not in unknown.stderr + as_argument.stderr
    assert stored_password(keyring, "") == []


def test_an_empty_or_missing_line_stores_nothing(cli: Run, keyring: dict[str, str]) -> None:
    empty = one_error(cli("secrets", "set", "sms-token", stdin="\n", env=keyring), 2)
    missing = one_error(cli("secrets", "set", "sms-token", stdin="", env=keyring), 2)
    not_text = one_error(cli("secrets", "set", "sms-token", stdin=b"\xff\xfe\n", env=keyring), 2)

    assert empty == (
        "an empty SMS gateway token is not kept; nothing was stored "
        "(collab-console secrets delete sms-token forgets the stored one)"
    )
    assert (
        missing == "standard input ended before a secret; give the SMS gateway token, one line each"
    )
    assert not_text == "the secret on standard input is not UTF-8 text"
    assert stored_password(keyring, "sms-token") == []


def test_without_a_secure_keyring_it_says_so_before_reading_anything(
    cli: Run, tmp_path: Path
) -> None:
    # No session bus, no keyring chosen: a headless host. Standard input is empty, so a
    # command that read it first would stop on that instead (exit 2).
    env = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"}
    for command in (("set", "smtp-password"), ("status",)):
        done = cli("secrets", *command, env=env, unset=("PYTHON_KEYRING_BACKEND",))
        assert one_error(done, 1).startswith("no secure keyring is available"), command

    chosen = cli(
        "secrets", "status", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    )
    assert one_error(chosen, 1).startswith("PYTHON_KEYRING_BACKEND chooses ")


def test_at_a_terminal_the_secret_is_asked_twice_and_never_echoed(
    keyring: dict[str, str], data_dir: Path
) -> None:
    env = {**os.environ, DATA_DIR_ENV: str(data_dir), **keyring}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, on the terminal's other end
        try:
            os.execve(
                sys.executable,
                [sys.executable, "-m", "collab_console", "secrets", "set", "smtp-password"],
                env,
            )
        finally:
            os._exit(127)
    screen = read_until(terminal, b"SMTP password: ")
    os.write(terminal, PASSWORD.encode() + b"\n")
    screen += read_until(terminal, b"Repeat it: ")
    os.write(terminal, PASSWORD.encode() + b"\n")
    screen += read_until(terminal, None)
    _, status = os.waitpid(pid, 0)
    os.close(terminal)

    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert b"The SMTP password is kept in" in screen
    assert PASSWORD.encode() not in screen
    assert stored_password(keyring, "smtp-password") == [PASSWORD]
