"""The commands on a workstation with a system policy: locks shown and kept, a broken policy
stops every command with one line, a fixed database cannot be swapped."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from collab_console.store import Store, open_store
from collab_console.store.location import DATA_DIR_ENV
from collab_console.store.system_policy import POLICY_ENV
from tests.cli.conftest import assert_one_line_error, run_collab_console
from tests.store.admins import become_admin, passphrase_for

ANA = "admin.ana"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text("[locked]\ncopy-url = false\nclipboard-clear-seconds = 12\n")
    return path


@pytest.fixture
def cli(data_dir: Path, policy: Path) -> Run:
    """``collab-console ARGS`` on ``data_dir`` under ``policy``, ``stdin`` its input."""

    def run(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        given = {**os.environ, DATA_DIR_ENV: str(data_dir), POLICY_ENV: str(policy), **env}
        return run_collab_console(args, stdin=stdin, env=given)

    return run


@pytest.fixture
def with_admin(demo_store: Store) -> Store:
    become_admin(demo_store, ANA)
    return demo_store


def test_settings_show_says_which_settings_the_policy_locks(with_admin, cli, policy):
    shown = cli("settings", "show")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(
        line.split()[:5] == ["Clear", "a", "copied", "Session", "URL"]
        and line.endswith("12 (locked by the system policy)")
        for line in lines
    ), shown.stdout
    assert any(line.endswith("off (locked by the system policy)") for line in lines)
    assert lines[-1] == f"System policy: {policy}"
    as_json = json.loads(cli("settings", "show", "--json").stdout)
    assert as_json["clipboard_clear_seconds"] == 12
    assert as_json["locked"] == ["copy_session_url", "clipboard_clear_seconds"]
    assert as_json["system_policy"] == str(policy)


def test_settings_set_of_a_locked_setting_is_refused_before_a_passphrase_is_asked(
    with_admin, cli, data_dir
):
    done = cli("settings", "set", "--clipboard-clear-seconds", "50", "--admin", ANA)
    said = assert_one_line_error(done, 2)
    assert "Clear a copied Session URL after (seconds) is locked on this workstation" in said
    store = open_store(data_dir, readonly=True)  # no policy in this process
    try:
        assert store.load_settings().value("clipboard_clear_seconds") == 30
    finally:
        store.close()


def test_settings_set_of_other_settings_saves_them_and_leaves_the_locks_out(
    with_admin, cli, data_dir
):
    done = cli(
        "settings",
        "set",
        "--copy-id",
        "off",
        "--admin",
        ANA,
        "--passphrase-stdin",
        stdin=passphrase_for(ANA) + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Copy Session ID: on -> off"
    store = open_store(data_dir, readonly=True)  # no policy in this process
    try:
        settings = store.load_settings()
        assert settings.copy_session_id is False
        assert settings.value("clipboard_clear_seconds") == 30
    finally:
        store.close()


@pytest.mark.parametrize(
    "text", ["[locked]\ncopy-url = true\n", "[locked\n", "[locked]\nurl-base = 'x'\n"]
)
def test_a_broken_policy_stops_every_command_with_one_line(demo_store, cli, policy, text):
    policy.write_text(text)
    for args in (("settings", "show"), ("session", "list")):
        said = assert_one_line_error(cli(*args), 1)
        assert f"the policy file {policy}" in said


def test_a_fixed_database_refuses_data_dir_and_db_use(cli, tmp_path, policy):
    fixed = "postgresql://agent@127.0.0.1:1/collab"
    policy.write_text(f"[organisation]\ndatabase = '{fixed}'\nfixed = true\n")
    said = assert_one_line_error(cli("--data-dir", str(tmp_path), "settings", "show"), 2)
    assert "fixes the organisation database on this workstation; --data-dir" in said
    said = assert_one_line_error(cli("db", "use", "postgresql://other.example/collab"), 2)
    assert "db use cannot choose another" in said
    # With no choice of its own the command goes to the fixed database (closed here).
    said = assert_one_line_error(cli("settings", "show"), 1)
    assert "127.0.0.1:1" in said
