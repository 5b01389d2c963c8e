"""Settings IT locks in the workstation's system policy, as an agent and an admin meet them.

The console's store is opened as the console opens it (``open_store``) with
``$COLLAB_CONSOLE_POLICY`` naming a policy file in ``tmp_path``, so it applies
the policy's locks. The demo data is set up before the policy is in force, as
an organisation's settings are before IT locks anything: a store opened under
a policy that locks URL copy off could not turn it on. What the store holds is
read through a connection of the test's own opened without the policy, as
another workstation would see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox

from collab_console.core.settings import CopySettings
from collab_console.gui.store_hub import POLL_INTERVAL_MS
from collab_console.store import Store, open_store
from collab_console.store.policy_bound import policy_of
from collab_console.store.system_policy import POLICY_ENV
from collab_console.testing.demo_store import DemoOptions, open_demo_store
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import change_settings_elsewhere, named

pytestmark = pytest.mark.gui

LOCKED = " (locked)"
#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000


@pytest.fixture
def locked() -> str:
    """The ``[locked]`` lines of the workstation's policy: each test parametrizes them."""
    pytest.fail("parametrize `locked` with the policy's [locked] lines", pytrace=False)


@pytest.fixture
def policy_file(tmp_path: Path, locked: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(f"[locked]\n{locked}\n", encoding="utf-8")
    return path


@pytest.fixture
def collab_store(
    collab_data_dir: Path,
    collab_demo_options: DemoOptions,
    policy_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Store]:
    """The demo store (shaped by ``collab_demo``), opened again under the test's policy."""
    monkeypatch.delenv(POLICY_ENV, raising=False)
    open_demo_store(collab_data_dir, collab_demo_options).close()
    monkeypatch.setenv(POLICY_ENV, str(policy_file))
    store = open_store(collab_data_dir)
    assert policy_of(store) is not None, "open_store did not apply the system policy"
    yield store
    store.close()


def stored_without_policy(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CopySettings:
    """The organisation's settings as the store holds them, read with no policy in force."""
    monkeypatch.delenv(POLICY_ENV, raising=False)
    other = open_store(data_dir)
    try:
        assert policy_of(other) is None
        return other.load_settings()
    finally:
        other.close()


@pytest.mark.collab_demo(url_copy=True)
@pytest.mark.parametrize("locked", ["copy-url = false"])
def test_url_copy_locked_off_is_offered_nowhere_and_cannot_be_turned_on(
    console_page: ConsolePage,
    collab_data_dir: Path,
    policy_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    card = console_page.hover_participant("Luis Ortega")
    buttons = card.buttons()
    assert "Copy Session ID" in buttons
    assert not [text for text in buttons if "URL" in text or "both" in text.lower()], buttons
    card.close()

    prefs = console_page.open_preferences()
    url_check = named(prefs.dialog, QCheckBox, "copySessionUrlCheck")
    assert not url_check.isChecked()
    prefs.unlock()

    assert not prefs.is_locked
    assert named(prefs.dialog, QCheckBox, "copySessionIdCheck").isEnabled()
    assert not url_check.isChecked()
    assert not url_check.isEnabled()
    assert not named(prefs.dialog, QCheckBox, "urlAcknowledgeCheck").isEnabled()
    assert url_check.text() == "Copy Session URL" + LOCKED
    reason = f"Copy Session URL is locked on this workstation by {policy_file}."
    assert url_check.toolTip() == reason
    assert url_check.accessibleDescription() == reason
    banner = named(prefs.dialog, QLabel, "adminBannerLabel").text()
    assert banner.endswith(
        f"Settings marked (locked) are set on this workstation by IT's system policy "
        f"({policy_file})."
    )
    prefs.close()

    # The organisation still has it on: the lock is this workstation's alone.
    assert stored_without_policy(collab_data_dir, monkeypatch).copy_session_url


@pytest.mark.parametrize("locked", ["clipboard-clear-seconds = 12"])
def test_a_locked_setting_is_shown_but_a_save_keeps_the_organisations_value(
    console_page: ConsolePage,
    collab_data_dir: Path,
    policy_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefs = console_page.open_preferences()
    prefs.unlock()
    spin = named(prefs.dialog, QSpinBox, "clipboardClearSecondsSpin")
    copy_id = named(prefs.dialog, QCheckBox, "copySessionIdCheck")

    assert spin.value() == 12
    assert not spin.isEnabled()
    assert copy_id.isEnabled()
    assert copy_id.isChecked()
    label = named(prefs.dialog, QLabel, "clipboardClearSecondsLabel")
    assert label.text() == "Clear a copied Session URL after (seconds)" + LOCKED
    reason = (
        "Clear a copied Session URL after (seconds) is locked on this workstation by "
        f"{policy_file}."
    )
    assert spin.toolTip() == reason

    prefs.set_setting("Copy Session ID", False)
    prefs.save()

    saved = stored_without_policy(collab_data_dir, monkeypatch)
    assert not saved.copy_session_id
    assert saved.values["clipboard_clear_seconds"] == 30


@pytest.mark.parametrize("locked", ["clipboard-clear-seconds = 12"])
def test_a_change_from_another_workstation_arrives_with_the_lock_still_in_place(
    console_page: ConsolePage, collab_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefs = console_page.open_preferences()
    spin = named(prefs.dialog, QSpinBox, "clipboardClearSecondsSpin")
    copy_id = named(prefs.dialog, QCheckBox, "copySessionIdCheck")
    assert copy_id.isChecked()

    # Another admin, on a workstation without this policy, changes both.
    monkeypatch.delenv(POLICY_ENV)
    change_settings_elsewhere(collab_data_dir, clipboard_clear_seconds=45, copy_session_id=False)

    console_page.qtbot.waitUntil(lambda: not copy_id.isChecked(), timeout=POLL_TIMEOUT_MS)
    assert spin.value() == 12
    assert not spin.isEnabled()
    prefs.close()
    assert (
        stored_without_policy(collab_data_dir, monkeypatch).values["clipboard_clear_seconds"] == 45
    )
