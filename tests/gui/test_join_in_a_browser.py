"""The console and the join service together, with a real browser on each side of the lobby.

A URL the agent copies in the console opens, in headless Chromium, the page of
the person it was made for; a person who has only the ID asks in the browser,
the agent admits them with the console's Admit button, and the browser shows
them in. The service is uvicorn on 127.0.0.1 (a free port), reading the
console's store through connections of its own, as ``collab-console serve``
does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_AGENT
from collab_console.core.lobby import JOINED_TEXT, WAITING_TEXT, JoinRoute
from collab_console.gui.console_window import ConsoleWindow
from collab_console.join_service.app import JoinService
from collab_console.join_service.server import BackgroundServer
from collab_console.store import Store, open_store
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    centre,
    click,
    clipboard_now,
    hover_customer,
    named,
    save_as_admin,
)
from tests.gui.test_lobby import wait_for_rows
from tests.join import browser
from tests.join.browser import heading, page_text, wait_for_heading

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing())),
]


@pytest.fixture
def origin(demo_store: Store, data_dir: Path) -> Iterator[str]:
    """The join service on a free port of 127.0.0.1, with the store's URL base pointing at it
    and Copy Session URL on (an admin acknowledged the warning)."""
    service = JoinService(lambda: open_store(data_dir), threads=2)
    server = BackgroundServer(service.app)  # listening now, serving once entered
    save_as_admin(
        demo_store,
        acknowledged=True,
        copy_session_url=True,
        session_url_base=f"{server.origin}/join/",
    )
    try:
        with server:
            yield server.origin
    finally:
        service.close()


@pytest.fixture
def chromium() -> Iterator[WebDriver]:
    with browser.chromium() as driver:
        yield driver


def test_a_url_copied_in_the_console_opens_that_persons_page_and_join_joins(
    qtbot: QtBot, origin: str, console: ConsoleWindow, chromium: WebDriver
) -> None:
    hover_customer(qtbot, console)
    qtbot.waitUntil(console.copying.card.isVisible, timeout=CARD_TIMEOUT_MS)
    button = named(console.copying.card, QPushButton, "copyUrlButton")
    with qtbot.waitSignal(console.copying.said, timeout=5000):
        click(qtbot, button)
    url = clipboard_now()
    assert url.startswith(f"{origin}/join/")
    assert DEMO_ACTIVE_ID not in url

    chromium.get(url)

    assert heading(chromium) == "Join the session"
    assert f"{DEMO_AGENT} invited Dana Levi to a live session." in page_text(chromium)
    chromium.find_element(By.TAG_NAME, "button").click()
    wait_for_heading(chromium, "You are in")
    assert JOINED_TEXT in page_text(chromium)


def test_the_browser_asks_by_id_and_the_agent_admits_with_the_console(
    qtbot: QtBot, origin: str, console: ConsoleWindow, chromium: WebDriver
) -> None:
    chromium.get(f"{origin}/join/")
    chromium.find_element(By.ID, "session_id").send_keys(DEMO_ACTIVE_ID.lower())
    chromium.find_element(By.ID, "name").send_keys("Dana Levi", Keys.ENTER)
    wait_for_heading(chromium, "Waiting for your agent")
    assert WAITING_TEXT in page_text(chromium)

    (row,) = wait_for_rows(qtbot, console, 1)
    assert row.request.route is JoinRoute.BY_ID
    assert row.request.address == "127.0.0.1"
    qtbot.mouseMove(row.admit, centre(row.admit))
    click(qtbot, row.admit)
    wait_for_rows(qtbot, console, 0)
    assert console.statusBar().currentMessage() == (
        f"Admitted “Dana Levi” to session {DEMO_ACTIVE_ID}."
    )

    # The waiting page refreshes by itself, and the browser is in.
    wait_for_heading(chromium, "You are in")
    assert JOINED_TEXT in page_text(chromium)
