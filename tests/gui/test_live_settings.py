"""Changes made by another process reach the open console without a restart.

Another process here is a real one: ``python -c`` opening the same data folder
through ``collab_console.store.open_store``, as the CLI or a second console
would. The console hears of it through the store hub's poll of the store.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import POLL_INTERVAL_MS
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    ADMIN,
    CARD_TIMEOUT_MS,
    hover_customer,
    named,
    shown_card,
)
from tests.store.admins import passphrase_for

pytestmark = pytest.mark.gui

#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000
COPYING_OFF = (
    "Point at the customer icon or a participant to resend their invite. "
    "Copying session details is turned off. An admin can turn it on in "
    "Settings > Preferences > Session > Tools > Copy session details."
)

#: The demo store's admin, unlocked in the other process (its hash carries the tests'
#: low scrypt cost, so the check is as quick there).
AS_ADMIN = f"""
    admin = verify_admin(store, {ADMIN!r}, {passphrase_for(ADMIN)!r}, now=now, actor="elsewhere")
"""
URL_COPY_ON = (
    AS_ADMIN
    + """
    change_settings(
        store, store.load_settings(), admin, now=now, acknowledged=True, copy_session_url=True
    )
"""
)
EVERYTHING_OFF = (
    AS_ADMIN
    + """
    change_settings(
        store, store.load_settings(), admin, now=now, copy_session_id=False, copy_session_url=False
    )
"""
)
END_ACTIVE_SESSION = f"""
    store.end_session({DEMO_ACTIVE_ID!r}, now, actor="agent.elsewhere")
"""


def in_another_process(data_dir: Path, body: str) -> None:
    """Run ``body`` in a separate Python process, with ``store`` open on ``data_dir``."""
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from collab_console.core.admins import change_settings, verify_admin\n"
        "from collab_console.store import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "now = datetime.now(UTC)\n"
        "try:\n"
        f"{textwrap.indent(textwrap.dedent(body), '    ')}"
        "finally:\n"
        "    store.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def hover_customer_and_wait_out_the_intent_delay(qtbot: QtBot, console: ConsoleWindow) -> None:
    """Rest on the customer icon until the card would have shown, had it been going to."""
    with qtbot.waitSignal(console.copying.card_controller._intent.timeout, timeout=CARD_TIMEOUT_MS):
        hover_customer(qtbot, console)


#: Dana Levi's card (her invitation failed: the copy buttons first) with the URL allowed.
EVERY_BUTTON = ["Copy Session ID", "Copy Session URL", "Copy both", "Resend invite"]


# -- settings changed elsewhere ---------------------------------------------------


def test_url_copy_turned_on_elsewhere_adds_the_url_buttons(
    qtbot, console_page: ConsolePage, hub, data_dir
):
    with qtbot.waitSignal(hub.settings_changed, timeout=POLL_TIMEOUT_MS) as changed:
        in_another_process(data_dir, URL_COPY_ON)

    assert changed.args[0].copy_session_url
    assert console_page.hover_customer().buttons() == EVERY_BUTTON


def test_copying_turned_off_elsewhere_updates_the_hint_and_leaves_resend_invite(
    qtbot, console_page: ConsolePage, data_dir
):
    hint = named(console_page.window, QLabel, "copyHintLabel")
    assert hint.text() != COPYING_OFF

    in_another_process(data_dir, EVERYTHING_OFF)

    qtbot.waitUntil(lambda: hint.text() == COPYING_OFF, timeout=POLL_TIMEOUT_MS)
    assert console_page.hover_customer().buttons() == ["Resend invite"]


def test_an_open_card_gains_the_url_buttons_without_moving_the_pointer(
    qtbot, console_page: ConsolePage, data_dir
):
    card = console_page.hover_customer()
    assert card.buttons() == ["Copy Session ID", "Resend invite"]

    in_another_process(data_dir, URL_COPY_ON)

    url_button = named(console_page.window.copying.card, QPushButton, "copyUrlButton")
    qtbot.waitUntil(url_button.isVisible, timeout=POLL_TIMEOUT_MS)
    assert card.buttons() == EVERY_BUTTON
    assert card.is_open, "still Dana Levi's card"


def test_an_open_card_loses_its_copy_buttons_when_copying_is_turned_off_elsewhere(
    qtbot, console_page: ConsolePage, data_dir
):
    card = console_page.hover_customer()
    frame = console_page.window.copying.card

    in_another_process(data_dir, EVERYTHING_OFF)

    copy_id = named(frame, QPushButton, "copyIdButton")
    qtbot.waitUntil(lambda: not copy_id.isVisible(), timeout=POLL_TIMEOUT_MS)
    assert card.is_open, "Resend invite is still there to offer"
    assert card.buttons() == ["Resend invite"]
    assert named(frame, QLabel, "copyCardChange").text() == (
        "Copy Session ID was turned off by an admin."
    )


# -- the session ended elsewhere ---------------------------------------------------


def test_a_session_ended_elsewhere_shows_ended_and_offers_no_card(
    qtbot, console_page: ConsolePage, data_dir
):
    console = console_page.window
    assert console_page.header_text == f"Active · Session {DEMO_ACTIVE_ID}"

    in_another_process(data_dir, END_ACTIVE_SESSION)

    qtbot.waitUntil(
        lambda: console_page.header_text == f"Ended · Session {DEMO_ACTIVE_ID}",
        timeout=POLL_TIMEOUT_MS,
    )
    assert named(console, QLabel, "copyHintLabel").text() == (
        f"Session {DEMO_ACTIVE_ID} has ended; there is nothing to copy."
    )
    assert not named(console, QPushButton, "endSessionButton").isEnabled()
    hover_customer_and_wait_out_the_intent_delay(qtbot, console)
    assert shown_card(console) is None


def test_an_open_card_closes_when_the_session_ends_elsewhere(
    qtbot, console_page: ConsolePage, data_dir
):
    card = console_page.hover_customer()

    in_another_process(data_dir, END_ACTIVE_SESSION)

    qtbot.waitUntil(lambda: shown_card(console_page.window) is None, timeout=POLL_TIMEOUT_MS)
    assert not card.is_open
    assert console_page.header_text.startswith("Ended")
