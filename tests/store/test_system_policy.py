"""The workstation's system policy: the file IT deploys, its locks, and the database it names.

What an agent would notice: a locked setting is what their console uses
whatever the store says, a save from their workstation never changes a lock
nor writes it into the organisation's settings, a policy that cannot be
trusted stops everything with one line, and a policy can never turn the
Session URL copy on.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collab_console.core.errors import SettingsError, StaleSettingsError, ValidationError
from collab_console.core.events import SettingsChanged
from collab_console.core.settings import SETTING_SPECS
from collab_console.store import open_store, seed_demo, system_policy
from collab_console.store.location import chosen_database
from collab_console.store.policy_bound import policy_of
from collab_console.store.system_policy import POLICY_ENV, PolicyError
from tests.store.admins import become_admin

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def write_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV, str(path))
    return path


@pytest.fixture
def url_on_store(data_dir: Path) -> Path:
    """A demo store whose admin turned the URL copy on, acknowledged; closed again."""
    store = open_store(data_dir, create=True)
    try:
        seed_demo(store)
        admin = become_admin(store, "admin.test")
        store.save_settings(
            store.load_settings().changed(
                actor="admin.test", now=NOW, acknowledged=True, copy_session_url=True
            ),
            admin=admin,
        )
    finally:
        store.close()
    return data_dir


def test_no_policy_file_is_no_policy(tmp_path, monkeypatch):
    monkeypatch.delenv(POLICY_ENV, raising=False)
    monkeypatch.setattr(system_policy, "SYSTEM_POLICY_PATH", str(tmp_path / "absent.toml"))
    assert system_policy.system_policy() is None


def test_a_lock_is_what_the_workstation_uses_whatever_the_store_holds(
    url_on_store, tmp_path, monkeypatch
):
    write_policy(
        tmp_path, monkeypatch, "[locked]\ncopy-url = false\nclipboard-clear-seconds = 12\n"
    )
    store = open_store(url_on_store)
    try:
        settings = store.load_settings()
        assert settings.copy_session_url is False
        assert settings.url_acknowledgement is None
        assert settings.value("clipboard_clear_seconds") == 12
        assert settings.copy_session_id is True  # not locked: the store's
        assert policy_of(store) is not None
    finally:
        store.close()
    monkeypatch.delenv(POLICY_ENV)
    unbound = open_store(url_on_store)
    try:
        raw = unbound.load_settings()
        assert raw.copy_session_url is True
        assert raw.url_acknowledgement is not None
        assert raw.value("clipboard_clear_seconds") == 30
        assert policy_of(unbound) is None
    finally:
        unbound.close()


def test_a_save_keeps_the_stored_values_of_locked_settings_and_refuses_changing_them(
    url_on_store, tmp_path, monkeypatch
):
    write_policy(
        tmp_path, monkeypatch, "[locked]\ncopy-url = false\nclipboard-clear-seconds = 12\n"
    )
    store = open_store(url_on_store)
    try:
        admin = become_admin(store, "admin.two")
        seen = store.load_settings()
        changed = store.save_settings(
            seen.changed(actor="admin.two", now=NOW, copy_session_id=False), admin=admin
        )
        assert isinstance(changed, SettingsChanged)
        assert changed.settings.copy_session_id is False
        assert changed.settings.copy_session_url is False  # the event carries the lock
        with pytest.raises(SettingsError, match=r"locked on this workstation by .*policy\.toml"):
            store.save_settings(
                changed.settings.changed(actor="admin.two", now=NOW, clipboard_clear_seconds=40),
                admin=admin,
            )
        with pytest.raises(StaleSettingsError) as stale:
            store.save_settings(
                seen.changed(actor="admin.two", now=NOW, copy_session_id=True), admin=admin
            )
        assert stale.value.current.copy_session_url is False  # what the dialog shows
    finally:
        store.close()
    monkeypatch.delenv(POLICY_ENV)
    unbound = open_store(url_on_store)
    try:
        raw = unbound.load_settings()
        assert raw.copy_session_id is False  # the change was saved
        assert raw.copy_session_url is True
        assert raw.url_acknowledgement is not None
        assert raw.value("clipboard_clear_seconds") == 30  # the lock was not
    finally:
        unbound.close()


def test_other_processes_changes_arrive_with_the_locks(url_on_store, tmp_path, monkeypatch):
    write_policy(tmp_path, monkeypatch, "[locked]\nclipboard-clear-seconds = 12\n")
    watcher = open_store(url_on_store)
    try:
        watcher.poll_events()
        monkeypatch.delenv(POLICY_ENV)
        other = open_store(url_on_store)
        try:
            admin = become_admin(other, "admin.three")
            other.save_settings(
                other.load_settings().changed(
                    actor="admin.three", now=NOW, clipboard_clear_seconds=45, copy_session_id=False
                ),
                admin=admin,
            )
        finally:
            other.close()
        events = [e for e in watcher.poll_events() if isinstance(e, SettingsChanged)]
        assert events, "the watcher heard nothing"
        assert events[-1].settings.copy_session_id is False
        assert events[-1].settings.value("clipboard_clear_seconds") == 12
    finally:
        watcher.close()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[locked]\ncopy-url = true\n", "copy-url may only be locked off"),
        ("[locked]\ncopy-url = 'yes'\n", "copy-url may only be locked off"),
        ("[locked]\nurl-base = 'https://x.example/'\n", "url-base cannot be locked"),
        ("[locked]\nno-such = 1\n", "no-such is not a setting"),
        ("[locked]\nclipboard-clear-seconds = 99999\n", "clipboard-clear-seconds: "),
        ("[locked]\ncopy-id = 'maybe'\n", "copy-id: expected on or off"),
        ("[colours]\nred = 1\n", "unknown section [colours]"),
        ("locked = 1\n", "locked must be a [locked] section"),
        ("[organisation]\nserver = 'db'\n", "unknown key server in [organisation]"),
        ("[organisation]\nfixed = true\n", "fixed = true needs the database"),
        ("[organisation]\nfixed = 'yes'\ndatabase = 'postgresql://db/x'\n", "fixed must be"),
        ("[organisation]\ndatabase = 'postgresql://ana:s3cret@db/x'\n", "never goes in the DSN"),
        ("[organisation]\ndatabase = 5\n", "must be a DSN"),
        ("[locked\ncopy-url = false\n", "is not valid TOML"),
    ],
)
def test_a_policy_that_cannot_be_trusted_is_an_error_naming_the_file(
    tmp_path, monkeypatch, text, said
):
    path = write_policy(tmp_path, monkeypatch, text)
    with pytest.raises(PolicyError) as error:
        system_policy.system_policy()
    message = str(error.value)
    assert said in message
    assert str(path) in message
    assert "\n" not in message
    assert "s3cret" not in message


def test_a_policy_that_is_not_utf8_or_too_big_is_an_error(tmp_path, monkeypatch):
    path = write_policy(tmp_path, monkeypatch, "")
    path.write_bytes(b"[locked]\ncopy-id = '\xff'\n")
    with pytest.raises(PolicyError, match="not valid TOML"):
        system_policy.system_policy()
    path.write_text("# " + "x" * system_policy.MAX_POLICY_BYTES)
    with pytest.raises(PolicyError, match="larger than"):
        system_policy.system_policy()


def test_a_named_policy_that_is_missing_or_empty_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(POLICY_ENV, str(tmp_path / "absent.toml"))
    with pytest.raises(PolicyError, match="does not exist"):
        system_policy.system_policy()
    monkeypatch.setenv(POLICY_ENV, "")
    with pytest.raises(PolicyError, match="set but empty"):
        system_policy.system_policy()


def test_the_system_policy_must_be_roots_and_not_writable_by_others(tmp_path, monkeypatch):
    monkeypatch.delenv(POLICY_ENV, raising=False)
    path = tmp_path / "policy.toml"
    path.write_text("[locked]\ncopy-url = false\n")
    monkeypatch.setattr(system_policy, "SYSTEM_POLICY_PATH", str(path))
    path.chmod(0o664)
    with pytest.raises(PolicyError, match="may be changed by someone other than root"):
        system_policy.system_policy()
    path.chmod(0o644)
    if os.getuid() == 0:
        policy = system_policy.system_policy()
        assert policy is not None
        assert policy.is_locked("copy_session_url")
    else:
        with pytest.raises(PolicyError, match="someone other than root"):
            system_policy.system_policy()


def test_an_edited_policy_is_read_again(tmp_path, monkeypatch):
    path = write_policy(tmp_path, monkeypatch, "[locked]\ncopy-id = false\n")
    first = system_policy.system_policy()
    assert first is not None
    assert first.locked == {"copy_session_id": False}
    path.write_text("[locked]\ncopy-id = true\nmask-by-default = true\n")
    second = system_policy.system_policy()
    assert second is not None
    assert second.locked == {"copy_session_id": True, "mask_sensitive_data": True}


def test_the_policys_database_is_the_default_after_the_users_own_choices(
    tmp_path, monkeypatch, data_dir
):
    write_policy(
        tmp_path, monkeypatch, "[organisation]\ndatabase = 'postgresql://db.example/collab'\n"
    )
    dsn, source = chosen_database()
    assert dsn == "postgresql://db.example/collab"
    assert "system policy" in source
    assert chosen_database(data_dir=data_dir) is None
    assert chosen_database("postgresql://other/x") == ("postgresql://other/x", "--db")
    monkeypatch.setenv("COLLAB_CONSOLE_DB", "postgresql://env/x")
    assert chosen_database()[0] == "postgresql://env/x"


def test_a_fixed_database_refuses_any_other_choice_made_for_the_run(
    tmp_path, monkeypatch, data_dir
):
    fixed = "postgresql://db.example/collab"
    write_policy(tmp_path, monkeypatch, f"[organisation]\ndatabase = '{fixed}'\nfixed = true\n")
    assert chosen_database()[0] == fixed
    assert chosen_database(fixed)[0] == fixed
    for db, folder in (("postgresql://other/x", None), (None, data_dir)):
        with pytest.raises(ValidationError, match="fixes the organisation database"):
            chosen_database(db, folder)
    monkeypatch.setenv("COLLAB_CONSOLE_DB", "postgresql://env/x")
    with pytest.raises(ValidationError, match=r"\$COLLAB_CONSOLE_DB cannot choose another"):
        chosen_database()


def test_the_packaged_example_is_a_valid_policy_commented_and_switched_on(tmp_path, monkeypatch):
    example = Path(__file__).parents[2] / "packaging" / "linux" / "policy.toml"
    text = example.read_text(encoding="utf-8")
    write_policy(tmp_path, monkeypatch, text)
    policy = system_policy.system_policy()
    assert policy is not None
    assert (policy.database, policy.locked) == (None, {})
    write_policy(tmp_path, monkeypatch, re.sub(r"(?m)^#(?=[\[a-z])", "", text))
    switched_on = system_policy.system_policy()
    assert switched_on is not None
    assert switched_on.database_fixed
    assert switched_on.locked["copy_session_url"] is False
    assert set(switched_on.locked) == {spec.key for spec in SETTING_SPECS if spec.lockable}, (
        "the example shows every setting a policy may lock"
    )
