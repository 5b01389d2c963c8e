"""The lobby: a request to join reaches the console at once, and the agent decides it.

The join service is another process with its own connection to the store; here
it is a second store opened on the same folder (``join_service``), which records
requests as the service does (``Store.request_join``). The console hears of them
only through its hub's poll, as it would of the real service.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QFrame, QLabel, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import LinkPurpose, RedeemResult, new_token, token_hash
from collab_console.core.lobby import BrowserState, JoinRequest, LobbyRefusal
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.lobby_panel import NOBODY_WAITING, RequestRow
from collab_console.gui.store_hub import POLL_INTERVAL_MS, StoreHub
from collab_console.store import Store, open_store
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import STORE_TIMEOUT_MS, click, named, show_console
from tests.gui.test_contrast import appearance, look, readings, too_faint

__all__ = ["appearance", "look"]  # fixtures of tests/gui/test_contrast.py, used here by name

pytestmark = pytest.mark.gui

#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000
ADDRESS = "203.0.113.5"
#: A poll interval no test lasts: such a hub hears of other connections' writes only when asked.
NEVER_MS = 3_600_000


@pytest.fixture
def join_service(demo_store: Store, data_dir: Path) -> Iterator[Store]:
    """The join service's own connection to the console's store."""
    other = open_store(data_dir)
    yield other
    other.close()


def ask_to_join(
    service: Store, name: str, typed_id: str = DEMO_ACTIVE_ID, address: str = ADDRESS
) -> tuple[JoinRequest, str]:
    """A browser asks to join by ID, as the join service records it; the request and the
    browser's cookie hash."""
    browser = token_hash(new_token())
    request = service.request_join(
        typed_id, name, browser=browser, address=address, now=datetime.now(UTC)
    )
    assert isinstance(request, JoinRequest), request
    return request, browser


def rows_of(console: ConsoleWindow) -> list[RequestRow]:
    return list(console.lobby.rows.values())


def wait_for_rows(qtbot: QtBot, console: ConsoleWindow, count: int) -> list[RequestRow]:
    qtbot.waitUntil(lambda: len(rows_of(console)) == count, timeout=POLL_TIMEOUT_MS)
    return rows_of(console)


def wait_for_browser(qtbot: QtBot, service: Store, browser: str, state: BrowserState) -> None:
    """Wait until the join service sees ``browser`` in ``state`` (let in, turned away)."""

    def reached() -> bool:
        status = service.browser_status(browser)
        return status is not None and status.state is state

    qtbot.waitUntil(reached, timeout=STORE_TIMEOUT_MS)


def wait_for_lobby_read(qtbot: QtBot, console: ConsoleWindow) -> None:
    qtbot.waitUntil(lambda: console.lobby.loaded, timeout=STORE_TIMEOUT_MS)


def tab_to(qtbot: QtBot, start: QWidget, target: QWidget, *, most: int = 12) -> None:
    """Press Tab from ``start`` until ``target`` has the focus, as a keyboard user would."""
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    for _ in range(most):
        if target.hasFocus():
            return
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert target.hasFocus(), f"Tab never reached {target.objectName()}"


# -- a request arrives --------------------------------------------------------------------


def test_a_request_from_the_join_service_shows_within_the_poll(
    qtbot, console_page: ConsolePage, join_service
):
    console = console_page.window
    bar = named(console, QFrame, "lobbyBar")
    wait_for_lobby_read(qtbot, console)
    assert bar.isVisible()
    assert named(console, QLabel, "lobbyStatusLabel").text() == NOBODY_WAITING

    ask_to_join(join_service, "Dana Levi")

    (row,) = wait_for_rows(qtbot, console, 1)
    assert row.frame.isVisible()
    assert row.name.text() == "“Dana Levi” · unverified"
    assert row.how.text().startswith(
        f"Typed the ID {DEMO_ACTIVE_ID} (Dana Levi’s), from {ADDRESS} · "
    )
    assert named(console, QLabel, "lobbyStatusLabel").text() == (
        "1 person asks to join. Unverified: check who they are before you admit them."
    )
    assert console_page.status_message == (
        f"“Dana Levi” asks to join session {DEMO_ACTIVE_ID}, unverified. "
        "Ctrl+J goes to Admit and Deny."
    )


def test_an_arrival_is_announced_at_once(qtbot, console, join_service, monkeypatch):
    announced: list[tuple[str, object]] = []
    real_update = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        if event.type() == QAccessible.Event.Announcement:
            announced.append((event.message(), event.politeness()))
        real_update(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    wait_for_lobby_read(qtbot, console)

    ask_to_join(join_service, "Dana Levi")

    qtbot.waitUntil(lambda: any("asks to join" in m for m, _ in announced), timeout=POLL_TIMEOUT_MS)
    politeness = next(p for m, p in announced if "asks to join" in m)
    assert politeness == QAccessible.AnnouncementPoliteness.Assertive


def test_a_link_opened_in_a_second_browser_asks_and_names_the_link(qtbot, console, join_service):
    minted, _event = join_service.mint_link(
        DEMO_ACTIVE_ID,
        DEMO_PARTICIPANT_IDS[1],
        purpose=LinkPurpose.INVITATION,
        actor="sam",
        now=datetime.now(UTC),
    )
    token = minted.url.rsplit("/", 1)[-1]
    for browser, address in (("first", ADDRESS), ("second", "198.51.100.23")):
        redeemed = join_service.redeem_link(
            token, browser=token_hash(browser), address=address, now=datetime.now(UTC)
        )
        assert redeemed is not None

    assert redeemed.result is RedeemResult.LOBBY
    (row,) = wait_for_rows(qtbot, console, 1)
    assert row.how.text().startswith(
        f"Link {minted.link.link_id} (Grace Kim’s) reused, from 198.51.100.23 · "
    )


def test_rows_name_what_the_buttons_do_for_screen_readers(qtbot, console, join_service):
    ask_to_join(join_service, "Grace Kim", typed_id=DEMO_PARTICIPANT_IDS[1])

    (row,) = wait_for_rows(qtbot, console, 1)

    assert row.admit.accessibleName() == "Admit “Grace Kim”"
    assert row.deny.accessibleName() == "Deny “Grace Kim”"
    assert row.admit.accessibleDescription().startswith(
        f"Unverified. Typed the ID {DEMO_PARTICIPANT_IDS[1]} (Grace Kim’s), from {ADDRESS}"
    )
    assert row.admit.text() == "&Admit"
    assert row.deny.text() == "&Deny"


def test_the_privacy_screen_masks_the_name_and_the_id(
    qtbot, console_page: ConsolePage, join_service
):
    console = console_page.window
    ask_to_join(join_service, "Dana Levi")
    (row,) = wait_for_rows(qtbot, console, 1)

    console_page.privacy_screen(on=True)

    assert "Dana" not in row.name.text()
    assert "Dana" not in row.how.text()
    assert DEMO_ACTIVE_ID not in row.how.text()
    assert "Dana" not in row.admit.accessibleName()
    console_page.privacy_screen(on=False)
    assert row.name.text() == "“Dana Levi” · unverified"


def test_a_request_for_another_session_is_said_in_the_status_bar(qtbot, console, join_service):
    """The ended demo session takes no requests, so a new session of the agent's is used."""
    session, _started = join_service.start_session(
        customer_name="Ruth Cohen", contact="+44 20 7946 0958", now=datetime.now(UTC), actor="sam"
    )
    qtbot.waitUntil(
        lambda: any(s.session_id == session.session_id for s in console.hub.sessions or ()),
        timeout=POLL_TIMEOUT_MS,
    )
    assert console.session is not None
    assert console.session.session_id == DEMO_ACTIVE_ID

    ask_to_join(join_service, "Ruth Cohen", typed_id=session.session_id)

    qtbot.waitUntil(
        lambda: "asks to join" in console.statusBar().currentMessage(), timeout=POLL_TIMEOUT_MS
    )
    assert console.statusBar().currentMessage() == (
        f"“Ruth Cohen” asks to join session {session.session_id} (Ruth Cohen), unverified. "
        "Open it to admit or deny."
    )
    assert rows_of(console) == []


# -- deciding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return])
def test_admit_by_keyboard_lets_the_browser_in(qtbot, console, join_service, key):
    _request, browser = ask_to_join(join_service, "Dana Levi")
    (row,) = wait_for_rows(qtbot, console, 1)

    tab_to(qtbot, named(console, QCheckBox, "lockLobbyCheck"), row.admit)
    qtbot.keyClick(row.admit, key)

    wait_for_browser(qtbot, join_service, browser, BrowserState.JOINED)
    wait_for_rows(qtbot, console, 0)
    assert console.statusBar().currentMessage() == (
        f"Admitted “Dana Levi” to session {DEMO_ACTIVE_ID}."
    )
    # The focus stays in the lobby, on Lock lobby, not lost with the row.
    assert named(console, QCheckBox, "lockLobbyCheck").hasFocus()


def test_tab_goes_from_lock_lobby_through_admit_and_deny_to_the_participants(
    qtbot, console, join_service
):
    ask_to_join(join_service, "Dana Levi")
    ask_to_join(join_service, "Omar Haddad", typed_id=DEMO_PARTICIPANT_IDS[0])
    first, second = wait_for_rows(qtbot, console, 2)
    lock = named(console, QCheckBox, "lockLobbyCheck")
    lock.setFocus()
    qtbot.waitUntil(lock.hasFocus)

    seen = []
    for _ in range(5):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())

    assert seen == [
        first.admit,
        first.deny,
        second.admit,
        second.deny,
        console.view.participants_view,
    ]
    assert first.request.name == "Dana Levi"  # the one who waited longest comes first


def test_deny_turns_the_browser_away(qtbot, console, join_service):
    _request, browser = ask_to_join(join_service, "Someone Else")
    (row,) = wait_for_rows(qtbot, console, 1)

    click(qtbot, row.deny)

    wait_for_browser(qtbot, join_service, browser, BrowserState.DENIED)
    wait_for_rows(qtbot, console, 0)
    assert named(console, QLabel, "lobbyStatusLabel").text() == NOBODY_WAITING


def test_ctrl_j_goes_to_admit_and_alt_a_admits(qtbot, console, join_service):
    _request, browser = ask_to_join(join_service, "Dana Levi")
    (row,) = wait_for_rows(qtbot, console, 1)
    console.session_list.setFocus()

    qtbot.keyClick(console.session_list, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert row.admit.hasFocus()
    qtbot.keyClick(row.admit, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)

    wait_for_browser(qtbot, join_service, browser, BrowserState.JOINED)


def test_a_request_decided_in_another_console_leaves_this_one(qtbot, console, join_service):
    request, _browser = ask_to_join(join_service, "Dana Levi")
    wait_for_rows(qtbot, console, 1)

    join_service.decide_join(request.request_id, admit=False, actor="sam", now=datetime.now(UTC))

    wait_for_rows(qtbot, console, 0)


def test_deciding_a_request_another_console_decided_meanwhile_says_so(
    qtbot, demo_store, join_service
):
    """A console that polls rarely still shows the row; the store refuses the second decision."""
    quiet = StoreHub(
        demo_store,
        settings=demo_store.load_settings(),
        sessions=demo_store.list_sessions(),
        poll_ms=NEVER_MS,
    )
    try:
        console = show_console(qtbot, quiet)
        wait_for_lobby_read(qtbot, console)
        request, browser = ask_to_join(join_service, "Dana Levi")
        console.lobby.reload()
        (row,) = wait_for_rows(qtbot, console, 1)
        join_service.decide_join(
            request.request_id, admit=False, actor="sam", now=datetime.now(UTC)
        )

        click(qtbot, row.admit)

        qtbot.waitUntil(
            lambda: console.statusBar().currentMessage().startswith("Not admitted: "),
            timeout=STORE_TIMEOUT_MS,
        )
        wait_for_rows(qtbot, console, 0)
        status = join_service.browser_status(browser)
        assert status is not None
        assert status.state is BrowserState.DENIED
    finally:
        quiet.close()


# -- the lock ----------------------------------------------------------------------------------


def test_locking_the_lobby_refuses_new_requests(qtbot, console, join_service):
    wait_for_lobby_read(qtbot, console)
    lock = named(console, QCheckBox, "lockLobbyCheck")
    assert lock.isEnabled()
    assert not lock.isChecked()

    click(qtbot, lock)

    qtbot.waitUntil(lambda: join_service.lobby_locked(DEMO_ACTIVE_ID), timeout=STORE_TIMEOUT_MS)
    refused = join_service.request_join(
        DEMO_ACTIVE_ID,
        "Dana Levi",
        browser=token_hash(new_token()),
        address=ADDRESS,
        now=datetime.now(UTC),
    )
    assert refused is LobbyRefusal.LOCKED
    qtbot.waitUntil(lambda: console.lock_lobby_action.isChecked())
    assert lock.isChecked()
    assert named(console, QLabel, "lobbyStatusLabel").text().startswith("Lobby locked")


def test_ctrl_shift_l_locks_and_unlocks_the_lobby(qtbot, console, join_service):
    wait_for_lobby_read(qtbot, console)
    assert console.lock_lobby_action.isEnabled()
    lock = named(console, QCheckBox, "lockLobbyCheck")
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

    qtbot.keyClick(console.session_list, Qt.Key.Key_L, shortcut)
    qtbot.waitUntil(lambda: join_service.lobby_locked(DEMO_ACTIVE_ID), timeout=STORE_TIMEOUT_MS)
    qtbot.waitUntil(lock.isChecked)

    qtbot.keyClick(console.session_list, Qt.Key.Key_L, shortcut)
    qtbot.waitUntil(lambda: not join_service.lobby_locked(DEMO_ACTIVE_ID), timeout=STORE_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not lock.isChecked())


def test_a_lock_set_elsewhere_shows_within_the_poll(qtbot, console, join_service):
    wait_for_lobby_read(qtbot, console)

    join_service.set_lobby_locked(DEMO_ACTIVE_ID, True, actor="sam", now=datetime.now(UTC))

    lock = named(console, QCheckBox, "lockLobbyCheck")
    qtbot.waitUntil(lock.isChecked, timeout=POLL_TIMEOUT_MS)


# -- where there is no lobby ---------------------------------------------------------------------


def test_an_ended_session_shows_no_lobby(console_page: ConsolePage):
    console = console_page.window

    console_page.select_session(DEMO_ENDED_ID)

    assert console_page.header_text == f"Ended · Session {DEMO_ENDED_ID}"
    assert not named(console, QFrame, "lobbyBar").isVisible()
    assert not console.lock_lobby_action.isEnabled()
    assert not console.lobby_focus_action.isEnabled()


def test_the_lobby_bar_holds_no_verified_claims(qtbot, console, join_service):
    """Whatever a person types is shown as theirs, never as a fact."""
    ask_to_join(join_service, "Bank Security Team")
    (row,) = wait_for_rows(qtbot, console, 1)

    assert row.name.text() == "“Bank Security Team” · unverified"
    assert row.admit.accessibleName() == "Admit “Bank Security Team”"
    # The ID typed is the customer's: the name does not match, and the row shows both.
    assert row.how.text().startswith(f"Typed the ID {DEMO_ACTIVE_ID} (Dana Levi’s)")


# -- colours -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("look")
def test_a_waiting_request_reads_at_4_5_to_1_in_light_and_dark(qtbot, console, join_service):
    ask_to_join(join_service, "Dana Levi")
    wait_for_rows(qtbot, console, 1)
    bar = named(console, QFrame, "lobbyBar")
    qtbot.waitUntil(lambda: "#lobbyBar" in bar.styleSheet())

    found = readings(console)

    for name in ("lobbyStatusLabel", "lobbyRequestName", "lobbyRequestHow"):
        assert any(r.where == f"QLabel {name}" for r in found), name
    assert too_faint(found) == []
