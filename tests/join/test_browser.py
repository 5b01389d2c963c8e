"""A real browser on the join service: headless Chromium against uvicorn on 127.0.0.1.

A freshly minted Session URL opens its page and *Join* joins; the same URL
after it was revoked or expired says so; a second browser on a used link
waits in the lobby marked "link reused"; a person who has only the ID asks
in the lobby and is in once the agent admits them (``decide_join``, as the
console's Admit button does). Skipped only where Chromium or its driver is
not installed; ``packaging/bootstrap test`` installs both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_AGENT
from collab_console.core.links import REFUSALS, LinkState
from collab_console.core.lobby import JOINED_TEXT, WAITING_TEXT, JoinRoute
from collab_console.join_service.app import JoinService
from collab_console.join_service.server import BackgroundServer
from collab_console.store import Store
from tests.join import browser
from tests.join.browser import WAIT_S, heading, wait_for_heading
from tests.join.conftest import AGENT, BASE, Clock, mint

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing()))


@pytest.fixture
def origin(service: JoinService) -> Iterator[str]:
    """The service on a free port of 127.0.0.1, served by uvicorn from a thread."""
    with BackgroundServer(service.app) as running:
        yield running.origin


@pytest.fixture
def chromium() -> Iterator[WebDriver]:
    with browser.chromium() as driver:
        yield driver


def test_a_copied_url_opens_the_page_of_that_person_and_join_joins(
    origin: str, chromium: WebDriver, join_store: Store, clock: Clock
) -> None:
    url = origin + BASE + mint(join_store, clock)

    chromium.get(url)

    assert heading(chromium) == "Join the session"
    body = chromium.find_element(By.TAG_NAME, "body").text
    assert "Dana Levi" in body
    assert DEMO_AGENT in body
    assert chromium.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # By keyboard: the button is the first thing Tab reaches.
    chromium.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert chromium.switch_to.active_element.tag_name == "button"
    chromium.switch_to.active_element.send_keys(Keys.ENTER)

    wait_for_heading(chromium, "You are in")
    assert chromium.current_url == origin + BASE + "status"
    assert JOINED_TEXT in chromium.find_element(By.TAG_NAME, "body").text
    [cookie] = chromium.get_cookies()
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == BASE
    assert cookie["secure"] is False  # plain http on loopback: the local demo
    assert chromium.execute_script("return document.cookie") == ""


def test_the_same_url_after_revoke_says_it_was_withdrawn(
    origin: str, chromium: WebDriver, join_store: Store, clock: Clock
) -> None:
    url = origin + BASE + mint(join_store, clock)
    chromium.get(url)
    chromium.find_element(By.TAG_NAME, "button").click()
    wait_for_heading(chromium, "You are in")

    [link] = join_store.list_links(DEMO_ACTIVE_ID)
    join_store.revoke_link(link.link_id, actor=AGENT, now=clock.now)
    chromium.refresh()  # the status page of the browser that had joined

    withdrawn = REFUSALS[LinkState.REVOKED]
    assert heading(chromium) == withdrawn.title
    chromium.get(url)
    assert heading(chromium) == withdrawn.title
    assert withdrawn.text in chromium.find_element(By.TAG_NAME, "body").text


def test_the_same_url_after_expiry_says_it_expired(
    origin: str, chromium: WebDriver, join_store: Store, clock: Clock
) -> None:
    url = origin + BASE + mint(join_store, clock)
    chromium.get(url)
    assert heading(chromium) == "Join the session"

    clock.advance(minutes=31)
    # Join, pressed on the page opened before, is refused: the link expired meanwhile.
    chromium.find_element(By.TAG_NAME, "button").click()
    wait_for_heading(chromium, REFUSALS[LinkState.EXPIRED].title)
    chromium.get(url)

    assert heading(chromium) == REFUSALS[LinkState.EXPIRED].title
    assert REFUSALS[LinkState.EXPIRED].text in chromium.find_element(By.TAG_NAME, "body").text
    assert chromium.get_cookies() == []


def test_a_second_browser_on_a_used_link_waits_marked_link_reused(
    origin: str, chromium: WebDriver, join_store: Store, clock: Clock
) -> None:
    url = origin + BASE + mint(join_store, clock)
    chromium.get(url)
    chromium.find_element(By.TAG_NAME, "button").click()
    wait_for_heading(chromium, "You are in")

    with browser.chromium() as second:
        second.get(url)
        assert heading(second) == "Join the session"
        second.find_element(By.TAG_NAME, "button").click()

        wait_for_heading(second, "Waiting for your agent")
        text = second.find_element(By.TAG_NAME, "body").text
        assert WAITING_TEXT in text
        assert "already used in another browser" in text
    [request] = join_store.join_requests(DEMO_ACTIVE_ID)
    assert request.route is JoinRoute.LINK_REUSED
    assert request.address == "127.0.0.1"
    # The first browser is still in.
    chromium.refresh()
    assert heading(chromium) == "You are in"


def test_asking_by_id_in_the_lobby_until_the_agent_admits(
    origin: str, chromium: WebDriver, join_store: Store, clock: Clock
) -> None:
    chromium.get(origin + BASE)
    assert heading(chromium) == "Join with a Session ID"
    chromium.find_element(By.ID, "session_id").send_keys("7qkm 92hx")
    chromium.find_element(By.ID, "name").send_keys("Dana Levi", Keys.ENTER)

    wait_for_heading(chromium, "Waiting for your agent")
    assert "already used" not in chromium.find_element(By.TAG_NAME, "body").text
    [request] = join_store.join_requests(DEMO_ACTIVE_ID)
    assert request.route is JoinRoute.BY_ID
    assert request.name == "Dana Levi"

    join_store.decide_join(request.request_id, admit=True, actor=AGENT, now=clock.now)

    wait_for_heading(chromium, "You are in")  # the waiting page refreshed by itself
    assert JOINED_TEXT in chromium.find_element(By.TAG_NAME, "body").text
    # Admitted, the browser has a new cookie: the one it waited with is worth nothing.
    [cookie] = chromium.get_cookies()
    assert not cookie["value"].startswith("w.")


def test_a_wrong_id_in_the_lobby_is_said_next_to_the_form(origin: str, chromium: WebDriver) -> None:
    chromium.get(origin + BASE)
    chromium.find_element(By.ID, "session_id").send_keys("7QKM")
    chromium.find_element(By.ID, "name").send_keys("Dana Levi", Keys.ENTER)

    WebDriverWait(chromium, WAIT_S).until(lambda d: d.find_elements(By.ID, "form-error"))
    error = chromium.find_element(By.ID, "form-error")
    assert error.get_attribute("role") == "alert"
    assert "That is not a Session ID" in error.text
    field = chromium.find_element(By.ID, "session_id")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("value") == "7QKM"
