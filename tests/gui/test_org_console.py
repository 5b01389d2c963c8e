"""The console in organisation mode, on the real PostgreSQL of the ``org`` fixture.

Each console here is a real window with its own hub and its own store, logged
in as a real login role of ``tests/org/roles.py``: ``admin.ana`` and
``admin.ali`` (members of collab_admin), ``agent.amy``. Changes reach the other
consoles through LISTEN/NOTIFY and the hub's socket notifier; nothing polls.

The server is stopped and started under running consoles with the cluster's
``stop_server()`` and ``start_server()`` (``pg_ctl``, as an operator would:
:func:`server_down`); it is always running again when a test ends, since the
session shares one cluster.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.admins import change_settings, verify_database_admin
from collab_console.core.settings import CopySettings
from collab_console.gui.console_window import RECONNECTED, ConsoleWindow
from collab_console.gui.preferences_dialog import CHANGED_MEANWHILE, PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.unreachable_dialog import CONNECTING, UnreachableStoreDialog
from collab_console.store.postgres import PostgresStore
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    STORE_TIMEOUT_MS,
    driving_modal,
    hover_customer,
    named,
    show_console,
    show_preferences,
    shown_card,
    tick,
)
from tests.org.conftest import Org, org, org_template
from tests.org.roles import PASSWORDS
from tests.pg_cluster import PgCluster

__all__ = ["org", "org_template"]  # fixtures of tests/org/conftest.py, used here by name

pytestmark = pytest.mark.gui

AMY, ANA, ALI = "agent.amy", "admin.ana", "admin.ali"
CUSTOMER = "Ruth Cohen"
ALL_THREE = ["copyIdButton", "copyUrlButton", "copyBothButton"]
#: How long a console may take to notice the server is back: the hub tries after 1, 2
#: and 4 s (7 s in all), and a loaded machine takes longer to start the server.
RECONNECT_TIMEOUT_MS = 20_000


def now() -> datetime:
    return datetime.now(UTC)


# -- the server under the consoles -------------------------------------------------------


@pytest.fixture
def server_down(pg_cluster: PgCluster) -> Iterator[Callable[[bool], None]]:
    """``server_down(True)`` stops the server, ``server_down(False)`` starts it again;
    it runs again after the test whatever happened (other tests share it)."""

    def switch(down: bool) -> None:
        if down:
            pg_cluster.stop_server()
        else:
            pg_cluster.start_server()

    yield switch
    pg_cluster.start_server()  # does nothing when it runs


# -- data and consoles -------------------------------------------------------------------


def open_as(org: Org, user: str) -> PostgresStore:
    """A store logged in as ``user``, as the console opens it (the DSN has no password)."""
    return org.connect(user)


@pytest.fixture
def url_copy_on(org: Org) -> CopySettings:
    """admin.ana turned ID and URL copy on, acknowledging the warning in her name."""
    ana = open_as(org, ANA)
    change_settings(
        ana,
        ana.load_settings(),
        verify_database_admin(ana, now=now()),
        now=now(),
        acknowledged=True,
        copy_session_id=True,
        copy_session_url=True,
    )
    return ana.load_settings()


@pytest.fixture
def amys_session(org: Org, url_copy_on: CopySettings) -> str:
    """The Session ID of a session agent.amy started, with URL copy on."""
    amy = open_as(org, AMY)
    session, _ = amy.start_session(
        customer_name=CUSTOMER, contact="ruth@example.com", now=now(), actor=AMY
    )
    return session.session_id


Consoles = Callable[..., ConsoleWindow]


@pytest.fixture
def consoles(qtbot: QtBot, org: Org) -> Iterator[Consoles]:
    """Open a console as a login: a window, its hub, its store (closed after the test)."""
    hubs: list[StoreHub] = []

    def open_console(user: str, **hub_options: Any) -> ConsoleWindow:
        store = open_as(org, user)
        hub = StoreHub(
            store, settings=store.load_settings(), sessions=store.list_sessions(), **hub_options
        )
        hubs.append(hub)
        window = show_console(qtbot, hub)
        qtbot.waitUntil(lambda: hub.listening, timeout=STORE_TIMEOUT_MS)
        return window

    yield open_console
    for hub in hubs:
        hub.close()


def card_buttons(window: ConsoleWindow) -> list[str]:
    return [button.objectName() for button in window.copying.card.visible_buttons()]


def open_customer_card(qtbot: QtBot, window: ConsoleWindow) -> None:
    hover_customer(qtbot, window)
    qtbot.waitUntil(lambda: shown_card(window) is not None, timeout=CARD_TIMEOUT_MS)


def database_preferences(qtbot: QtBot, window: ConsoleWindow) -> PreferencesDialog:
    """Preferences of ``window``'s console, once the database said who its login is."""
    dialog = show_preferences(qtbot, window.hub, window)
    banner = named(dialog, QLabel, "adminBannerLabel")
    qtbot.waitUntil(lambda: "Checking" not in banner.text(), timeout=STORE_TIMEOUT_MS)
    return dialog


# -- live policy -------------------------------------------------------------------------


def test_url_copy_turned_off_by_an_admin_leaves_the_agents_open_card_at_once(
    qtbot: QtBot, consoles: Consoles, amys_session: str
) -> None:
    ana = consoles(ANA)
    prefs = database_preferences(qtbot, ana)
    assert prefs.unlocked, named(prefs, QLabel, "adminBannerLabel").text()
    # Amy's console last: its window is on top, under the pointer that opens her card.
    amy = consoles(AMY)
    assert amy.hub.listening, "the agent's console listens on its connection's socket"
    open_customer_card(qtbot, amy)
    assert card_buttons(amy) == ALL_THREE

    # Ana clicks where a user would, without moving the pointer off Amy's card.
    tick(qtbot, named(prefs, QCheckBox, "copySessionUrlCheck"))
    save = named(prefs, QPushButton, "saveButton")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    clicked = time.monotonic()
    qtbot.waitUntil(lambda: card_buttons(amy) == ["copyIdButton"], timeout=2000)
    print(
        f"\nURL copy off reached the agent's card {1000 * (time.monotonic() - clicked):.0f} ms "
        "after the admin's click on Save"
    )

    assert shown_card(amy) is not None, "the card stays open with what is left"
    assert amy.hub.settings is not None
    assert not amy.hub.settings.copy_session_url
    assert amy.hub.listening, "still listening, never polling"


def test_an_agent_sees_the_policy_read_only_because_only_collab_admin_may_change_it(
    qtbot: QtBot, consoles: Consoles, amys_session: str
) -> None:
    amy = consoles(AMY)

    prefs = database_preferences(qtbot, amy)

    banner = named(prefs, QLabel, "adminBannerLabel").text()
    assert "collab_admin" in banner
    assert not prefs.unlocked
    assert not named(prefs, QPushButton, "unlockButton").isVisible(), "no passphrase here"
    for name in ("copySessionIdCheck", "copySessionUrlCheck"):
        assert not named(prefs, QCheckBox, name).isEnabled()
    assert named(prefs, QCheckBox, "copySessionUrlCheck").isChecked(), "the policy is shown"
    assert not named(prefs, QPushButton, "saveButton").isEnabled()


def test_an_admin_saves_in_her_database_name_without_a_passphrase(
    qtbot: QtBot, org: Org, consoles: Consoles, amys_session: str
) -> None:
    ana = consoles(ANA)
    prefs = database_preferences(qtbot, ana)
    banner = named(prefs, QLabel, "adminBannerLabel").text()
    assert "admin.ana" in banner
    assert "collab_admin" in banner
    assert not named(prefs, QPushButton, "unlockButton").isVisible()
    # The admin's Audit log reads the server's trail, and finds its chain whole.
    prefs.show_audit_log()
    qtbot.waitUntil(lambda: prefs.audit.checked, timeout=STORE_TIMEOUT_MS)
    assert prefs.audit.model.rowCount() > 0
    assert prefs.audit.found_break is None

    named(prefs, QSpinBox, "clipboardClearSecondsSpin").setValue(45)
    with qtbot.waitSignal(prefs.accepted, timeout=STORE_TIMEOUT_MS):
        qtbot.mouseClick(named(prefs, QPushButton, "saveButton"), Qt.MouseButton.LeftButton)

    saved = open_as(org, AMY).load_settings()
    assert saved.value("clipboard_clear_seconds") == 45
    assert saved.updated_by == ANA


def shown(settings: CopySettings) -> tuple[int, bool]:
    """The clipboard time and the privacy screen's default: what the two admins edit."""
    return settings.value("clipboard_clear_seconds"), settings.value("mask_sensitive_data")


def waiting_for_the_policy(org: Org) -> set[str]:
    """The logins whose transaction waits for a lock now (the policy's), as the server says."""
    with psycopg.connect(org.superuser_dsn(), autocommit=True) as look:
        rows = look.execute(
            "SELECT usename FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (org.dbname,),
        ).fetchall()
    return {str(row[0]) for row in rows}


def test_two_admins_saving_at_once_the_second_learns_who_and_when_and_decides(
    qtbot: QtBot, org: Org, consoles: Consoles, amys_session: str
) -> None:
    ana_prefs = database_preferences(qtbot, consoles(ANA))
    ali_prefs = database_preferences(qtbot, consoles(ALI))
    assert ana_prefs.unlocked
    assert ali_prefs.unlocked
    # Both change the clipboard time; Ana also turns the privacy screen's default on.
    named(ana_prefs, QSpinBox, "clipboardClearSecondsSpin").setValue(45)
    tick(qtbot, named(ana_prefs, QCheckBox, "maskSensitiveDataCheck"))
    named(ali_prefs, QSpinBox, "clipboardClearSecondsSpin").setValue(60)
    ali_save = named(ali_prefs, QPushButton, "saveButton")
    # A save under way elsewhere holds the policy, so both clicks reach the server before
    # either save can take: Ana's first, then Ali's.
    held = org.sql(ALI)
    held.execute("SELECT collab.lock_policy()")
    qtbot.mouseClick(named(ana_prefs, QPushButton, "saveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: waiting_for_the_policy(org) == {ANA}, timeout=STORE_TIMEOUT_MS)
    qtbot.mouseClick(ali_save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: waiting_for_the_policy(org) == {ANA, ALI}, timeout=STORE_TIMEOUT_MS)
    boxes: list[tuple[str, str]] = []

    def read_and_close(box: QMessageBox) -> None:
        boxes.append((box.windowTitle(), box.text()))
        box.button(QMessageBox.StandardButton.Ok).click()

    with driving_modal(QMessageBox, read_and_close):
        held.rollback()  # the other save changed nothing; the two go on in turn
        qtbot.waitUntil(lambda: bool(boxes), timeout=STORE_TIMEOUT_MS)

    assert not ana_prefs.isVisible(), "Ana's save took"
    stored = open_as(org, AMY).load_settings()
    assert shown(stored) == (45, True)
    assert stored.updated_by == ANA, "Ali's save wrote nothing"
    [(title, text)] = boxes
    assert title == CHANGED_MEANWHILE
    assert stored.updated_at is not None
    at = stored.updated_at.astimezone(UTC)
    assert text.startswith(f"{ANA} changed these settings on {at:%Y-%m-%d} at {at:%H:%M} UTC")
    assert "45" in text
    # Ali sees Ana's values, his own edit kept on top, and decides: he saves again.
    assert ali_prefs.isVisible()
    assert named(ali_prefs, QCheckBox, "maskSensitiveDataCheck").isChecked()
    assert named(ali_prefs, QSpinBox, "clipboardClearSecondsSpin").value() == 60
    with qtbot.waitSignal(ali_prefs.accepted, timeout=STORE_TIMEOUT_MS):
        qtbot.mouseClick(ali_save, Qt.MouseButton.LeftButton)
    stored = open_as(org, AMY).load_settings()
    assert shown(stored) == (60, True)
    assert stored.updated_by == ALI


# -- faults --------------------------------------------------------------------------------


def test_the_server_stopped_and_started_under_a_running_console(
    qtbot: QtBot,
    consoles: Consoles,
    amys_session: str,
    server_down: Callable[[bool], None],
    read_with_xclip: Callable[[], str],
    clear_clipboard: None,
) -> None:
    amy = consoles(AMY)
    open_customer_card(qtbot, amy)
    assert card_buttons(amy) == ALL_THREE
    problems: list[str] = []
    said: list[str] = []
    amy.hub.store_problem.connect(problems.append)
    amy.statusBar().messageChanged.connect(said.append)
    status = named(amy, QLabel, "storeStatusLabel")

    server_down(True)
    # Fail closed at once, not after the grace period: the URL goes, the ID stays.
    qtbot.waitUntil(lambda: card_buttons(amy) == ["copyIdButton"], timeout=5000)
    assert not amy.hub.policy_confirmed
    assert "cannot confirm the copy policy" in named(amy, QLabel, "copyCardWithheld").text()
    assert status.isVisible()
    assert "does not answer" in status.text() or "was lost" in status.text(), status.text()
    with qtbot.waitSignal(amy.copying.said, timeout=5000):
        amy.copying.card.visible_buttons()[0].click()
    assert read_with_xclip() == amys_session, "the Session ID keeps its last known state"

    server_down(False)
    qtbot.waitUntil(lambda: card_buttons(amy) == ALL_THREE, timeout=RECONNECT_TIMEOUT_MS)

    assert amy.hub.policy_confirmed
    assert not status.isVisible()
    assert len(problems) == 2, f"said once when lost, once when back: {problems}"
    assert problems[0]
    assert problems[1] == ""
    assert said.count(RECONNECTED) == 1
    qtbot.waitUntil(lambda: amy.hub.listening, timeout=STORE_TIMEOUT_MS)


def test_preferences_opened_while_the_server_is_down_ask_who_you_are_once_it_is_back(
    qtbot: QtBot,
    consoles: Consoles,
    amys_session: str,
    server_down: Callable[[bool], None],
) -> None:
    ana = consoles(ANA)
    server_down(True)
    qtbot.waitUntil(lambda: not ana.hub.policy_confirmed, timeout=5000)

    prefs = database_preferences(qtbot, ana)
    banner = named(prefs, QLabel, "adminBannerLabel")
    assert banner.text().startswith("Could not check your role"), banner.text()
    assert not named(prefs, QCheckBox, "copySessionUrlCheck").isEnabled()

    server_down(False)
    qtbot.waitUntil(lambda: prefs.unlocked, timeout=RECONNECT_TIMEOUT_MS)
    assert "admin.ana" in banner.text()
    assert named(prefs, QCheckBox, "copySessionUrlCheck").isEnabled()


@pytest.fixture
def app_names_restored(qapp: QApplication) -> Iterator[None]:
    """run_gui names the application; give the test session its own names back."""
    name, desktop = qapp.applicationName(), qapp.desktopFileName()
    yield
    qapp.setApplicationName(name)
    qapp.setDesktopFileName(desktop)


def no_dead_end(dialog: QWidget | None) -> None:
    """Fail (closing it, so the test never hangs) on a message box instead of Retry."""
    if isinstance(dialog, QMessageBox):
        text = dialog.text()
        dialog.reject()
        raise AssertionError(f"a message box instead of the Retry dialog: {text}")


@contextmanager
def polling(step: Callable[[], None]) -> Iterator[None]:
    """Run ``step`` every 20 ms of the event loop while the body runs (a modal dialog's
    ``exec()`` and the console's ``app.exec()`` have their own loops)."""
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(step)
    timer.start()
    try:
        yield
    finally:
        timer.stop()


def test_the_server_down_at_start_offers_retry_and_the_console_opens_once_it_is_back(
    qtbot: QtBot,
    org: Org,
    amys_session: str,
    server_down: Callable[[bool], None],
    logged_in: Callable[[str, str], None],
    app_names_restored: None,
) -> None:
    from collab_console.gui.app import run_gui

    dsn = org.dsn(AMY, password=False)
    logged_in(dsn, PASSWORDS[AMY])
    server_down(True)
    seen: dict[str, Any] = {"retries": 0}
    errors: list[BaseException] = []

    def drive() -> None:
        try:
            drive_once()
        except BaseException as exc:  # stop the program; the test raises it
            errors.append(exc)
            QApplication.closeAllWindows()
            QApplication.quit()

    def drive_once() -> None:
        dialog = QApplication.activeModalWidget()
        no_dead_end(dialog)
        if isinstance(dialog, UnreachableStoreDialog):
            reason = named(dialog, QLabel, "unreachableReasonLabel").text()
            status = named(dialog, QLabel, "unreachableStatusLabel")
            retry = named(dialog, QPushButton, "retryButton")
            assert named(dialog, QPushButton, "quitButton").isVisible()
            if dialog.trying:
                return
            if seen["retries"] == 0:
                seen["first"] = reason
                seen["retries"] = 1
                qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)  # still down: tried, again
                # What the dialog says while the attempt runs (its answer comes through
                # this thread's event loop, so not before this step returns).
                seen["connecting"] = status.text() if status.isVisible() else ""
                seen["retry_enabled"] = retry.isEnabled()
            elif seen["retries"] == 1 and status.isVisible():
                seen["after_retry"] = status.text()
                server_down(False)
                seen["retries"] = 2
                qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
            return
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsoleWindow)]
        if windows and windows[0].isVisible() and windows[0].session is not None:
            seen["console"] = windows[0].session.session_id
            windows[0].close()

    args = argparse.Namespace(
        db=dsn, data_dir=None, demo=False, demo_participants=0, theme=None, quit_when_ready=False
    )
    with polling(drive):
        code = run_gui(args)

    if errors:
        raise errors[0]
    assert "does not answer" in seen["first"], seen["first"]
    assert seen["first"].endswith("."), "one sentence"
    assert "\n" not in seen["first"], "one sentence"
    assert seen["connecting"] == CONNECTING
    assert seen["retry_enabled"] is False, "one attempt at a time"
    assert "Tried again at" in seen["after_retry"]
    assert seen.get("console") == amys_session, "the console opened on Amy's session"
    assert code == 0


@pytest.fixture
def logged_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """``logged_in(dsn, password)``: the password in a private Secret Service's keyring,
    where ``collab-console db login`` keeps it, for the console to find."""
    from collab_console.core.secrets import delete_secret, set_secret
    from collab_console.store.location import parse_database
    from tests.secret_service import running_secret_service

    names: list[str] = []
    with running_secret_service() as service:
        for name, value in service.env.items():
            monkeypatch.setenv(name, value)

        def log_in(dsn: str, password: str) -> None:
            name = parse_database(dsn).secret_name()
            set_secret(name, password)
            names.append(name)

        yield log_in
        for name in names:
            delete_secret(name)


def test_quitting_the_retry_dialog_exits_1_with_the_reason(
    qtbot: QtBot,
    org: Org,
    server_down: Callable[[bool], None],
    logged_in: Callable[[str, str], None],
    app_names_restored: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from collab_console.gui.app import run_gui

    dsn = org.dsn(AMY, password=False)
    logged_in(dsn, PASSWORDS[AMY])
    server_down(True)
    reasons: list[str] = []

    def quit_it() -> None:
        dialog = QApplication.activeModalWidget()
        no_dead_end(dialog)
        if isinstance(dialog, UnreachableStoreDialog) and not reasons:
            reasons.append(named(dialog, QLabel, "unreachableReasonLabel").text())
            qtbot.mouseClick(named(dialog, QPushButton, "quitButton"), Qt.MouseButton.LeftButton)

    args = argparse.Namespace(
        db=dsn, data_dir=None, demo=False, demo_participants=0, theme=None, quit_when_ready=False
    )
    errors: list[BaseException] = []

    def step() -> None:
        try:
            quit_it()
        except BaseException as exc:  # the program goes on to its end; the test raises it
            errors.append(exc)

    with polling(step):
        code = run_gui(args)

    if errors:
        raise errors[0]

    assert code == 1
    [reason] = reasons
    assert capsys.readouterr().err == f"collab-console: {reason}\n"
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsoleWindow)]
