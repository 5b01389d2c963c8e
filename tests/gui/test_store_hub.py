"""The store hub: what the open console hears about changes made elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

from collab_console.store import open_store, start_session
from tests.gui.helpers import change_settings_elsewhere


def test_a_change_made_elsewhere_is_not_lost_when_this_console_writes_too(qtbot, hub, data_dir):
    assert hub.settings.copy_session_id
    change_settings_elsewhere(data_dir, copy_session_id=False)
    # Before the next poll, the agent starts a session in this console.
    start_session(
        hub.store, customer_name="Ana Ruiz", contact="ana@example.com", now=datetime.now(UTC)
    )
    hub.notify_sessions_changed()

    with qtbot.waitSignal(hub.settings_changed, timeout=3000):
        pass
    assert not hub.settings.copy_session_id


def test_a_session_started_elsewhere_is_announced_after_a_save_here(qtbot, hub, data_dir):
    other = open_store(data_dir)
    try:
        start_session(
            other, customer_name="Ben Okafor", contact="+44 20 7946 0000", now=datetime.now(UTC)
        )
    finally:
        other.close()
    # Before the next poll, an admin saves settings in this console.
    hub.save_settings(
        hub.settings.changed(
            actor="admin.ana", now=datetime.now(UTC), session_url_base="https://mine.example.com/"
        )
    )

    with qtbot.waitSignal(hub.sessions_changed, timeout=3000):
        pass
    assert "Ben Okafor" in [s.customer_name for s in hub.store.list_sessions()]
