"""Preferences opened by an agent: read-only until an admin unlocks it.

An agent sees the organisation's settings with their values, disabled, under a
banner with *Unlock…*. The Unlock dialog hands the name and passphrase to the
core on the store's worker thread; a refusal shows the core's sentence and,
after failed attempts, a countdown during which Unlock stays disabled. The
right passphrase unlocks the editors, and a save is recorded in the admin's
name. The demo store's admin is ``admin.ana`` (``tests/gui/conftest.py``).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.admins import SESSION_LIFETIME, change_settings, verify_admin
from collab_console.core.audit import AuditKind, AuditQuery
from collab_console.core.demo import DEMO_URL_BASE
from collab_console.core.errors import NotAllowedError
from collab_console.core.identity import current_user
from collab_console.gui.preferences_dialog import (
    LOCKED,
    NO_ADMIN_YET,
    UNLOCK_TO_SAVE,
    PreferencesDialog,
)
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store, seed_demo
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    ADMIN,
    STORE_TIMEOUT_MS,
    click,
    named,
    open_unlock_dialog,
    retype,
    show_preferences,
    tick,
    type_credentials,
    unlocked_preferences,
)
from tests.store.admins import SETUP_ACTOR, passphrase_for

pytestmark = pytest.mark.gui

#: What an agent guesses: long enough to be a passphrase, and not admin.ana's.
WRONG = "correct horse battery staple"
#: The editors of the organisation's settings, as the declarations name them.
EDITORS = (
    "copySessionIdCheck",
    "copySessionUrlCheck",
    "sessionUrlBaseEdit",
    "copiedLinkMinutesSpin",
    "invitationLinkMinutesSpin",
    "linkFirstJoinOnlyCheck",
    "maxLiveLinksSpin",
    "maxLinksPerHourSpin",
)


def stored_settings(data_dir: Path) -> Any:
    other = open_store(data_dir)
    try:
        return other.load_settings()
    finally:
        other.close()


def unlock_attempts(data_dir: Path) -> list[tuple[str, str | None, str | None]]:
    """(actor, admin named, result) of every unlock attempt in the audit trail, oldest first."""
    other = open_store(data_dir)
    try:
        entries = other.audit_entries(
            AuditQuery(kinds=frozenset({AuditKind.UNLOCK}), limit=None, oldest_first=True)
        )
    finally:
        other.close()
    return [(entry.actor, entry.detail, entry.result) for entry in entries]


def wait_for_admins(qtbot: QtBot, dialog: PreferencesDialog) -> None:
    qtbot.waitUntil(lambda: dialog.has_admins is not None, timeout=STORE_TIMEOUT_MS)


def every_text(widget: QWidget) -> list[str]:
    """Every text a widget shows or gives screen readers."""
    texts = [
        widget.windowTitle(),
        widget.toolTip(),
        widget.statusTip(),
        widget.whatsThis(),
        widget.accessibleName(),
        widget.accessibleDescription(),
    ]
    if isinstance(widget, QLabel | QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, QLineEdit):
        texts += [widget.text(), widget.placeholderText(), widget.displayText()]
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(index) for index in range(widget.count())]
    return texts


# -- an agent ---------------------------------------------------------------------


def test_an_agent_sees_the_settings_read_only_under_a_banner_with_unlock(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    wait_for_admins(qtbot, dialog)

    assert named(dialog, QLabel, "adminBannerLabel").text() == LOCKED
    unlock = named(dialog, QPushButton, "unlockButton")
    assert unlock.isVisible()
    assert unlock.isEnabled()
    assert unlock.text() == "&Unlock…"
    for name in EDITORS:
        assert named(dialog, QWidget, name).isVisible()
        assert not named(dialog, QWidget, name).isEnabled(), f"{name} can be edited"
    # The values are there to read.
    assert named(dialog, QCheckBox, "copySessionIdCheck").isChecked()
    assert not named(dialog, QCheckBox, "copySessionUrlCheck").isChecked()
    assert named(dialog, QLineEdit, "sessionUrlBaseEdit").text() == DEMO_URL_BASE
    assert named(dialog, QSpinBox, "copiedLinkMinutesSpin").value() == 30
    assert named(dialog, QSpinBox, "maxLiveLinksSpin").value() == 3
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()
    # The Audit log is for admins: its navigation item is not there.
    nav = named(dialog, QTreeWidget, "preferencesNav")
    titles = [nav.topLevelItem(i).text(0) for i in range(nav.topLevelItemCount())]
    hidden = [nav.topLevelItem(i).isHidden() for i in range(nav.topLevelItemCount())]
    assert list(zip(titles, hidden, strict=True)) == [
        ("Session", False),
        ("Appearance", False),
        ("Audit log", True),
    ]


def test_an_agent_can_still_choose_their_own_appearance(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    nav = named(dialog, QTreeWidget, "preferencesNav")
    appearance = nav.topLevelItem(1)
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(appearance).center()
    )

    combo = named(dialog, QComboBox, "appearanceCombo")
    qtbot.waitUntil(combo.isVisible)
    assert combo.isEnabled()


def test_an_agent_has_no_way_to_save_the_policy(qtbot, hub, data_dir):
    before = stored_settings(data_dir)
    dialog = show_preferences(qtbot, hub)
    wait_for_admins(qtbot, dialog)
    id_check = named(dialog, QCheckBox, "copySessionIdCheck")
    edit = named(dialog, QLineEdit, "sessionUrlBaseEdit")

    with qtbot.assertNotEmitted(hub.settings_changed, wait=300):
        tick(qtbot, id_check)
        click(qtbot, edit)
        qtbot.keyClicks(edit, "evil")
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        dialog.save()  # even called directly, Save does nothing without an admin

    assert id_check.isChecked()
    assert "evil" not in edit.text()
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    assert dialog.isVisible()
    assert stored_settings(data_dir) == before


def test_the_core_refuses_a_policy_write_without_an_admin_session(demo_store, data_dir):
    current = demo_store.load_settings()
    now = datetime.now(UTC)

    with pytest.raises(NotAllowedError, match="only an admin can do this"):
        change_settings(demo_store, current, None, now=now, copy_session_url=False)
    with pytest.raises(NotAllowedError, match="only an admin"):
        demo_store.save_settings(
            current.changed(actor=current_user(), now=now, copy_session_id=False)
        )

    assert stored_settings(data_dir) == current


def test_with_no_admin_yet_the_banner_says_how_to_set_one_up(qtbot, store):
    seed_demo(store)
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    try:
        dialog = show_preferences(qtbot, hub)
        wait_for_admins(qtbot, dialog)

        banner = named(dialog, QLabel, "adminBannerLabel")
        assert banner.text() == NO_ADMIN_YET
        assert "collab-console admin init --name NAME" in banner.text()
        assert not named(dialog, QPushButton, "unlockButton").isEnabled()
        assert not named(dialog, QCheckBox, "copySessionIdCheck").isEnabled()
    finally:
        hub.close()
        hub.deleteLater()


# -- the Unlock dialog -----------------------------------------------------------------


def test_the_unlock_dialog_asks_for_a_name_and_a_hidden_passphrase(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    unlock = open_unlock_dialog(qtbot, dialog)

    assert unlock.objectName() == "unlockDialog"
    assert unlock.windowTitle() == "Unlock admin settings"
    assert unlock.parentWidget() is dialog
    assert unlock.windowModality() == Qt.WindowModality.WindowModal
    name = named(unlock, QLineEdit, "adminNameEdit")
    passphrase = named(unlock, QLineEdit, "passphraseEdit")
    assert passphrase.echoMode() == QLineEdit.EchoMode.Password
    assert unlock.focusWidget() is name
    confirm = named(unlock, QPushButton, "unlockConfirmButton")
    assert not confirm.isEnabled()
    retype(qtbot, name, ADMIN)
    assert not confirm.isEnabled()
    retype(qtbot, passphrase, "x")
    assert confirm.isEnabled()
    assert not named(unlock, QLabel, "unlockError").isVisible()

    click(qtbot, named(unlock, QPushButton, "unlockCancelButton"))

    assert not unlock.isVisible()
    assert not dialog.unlocked


def test_a_wrong_passphrase_is_refused_slowed_down_and_recorded(qtbot, hub, data_dir):
    dialog = show_preferences(qtbot, hub)
    unlock = open_unlock_dialog(qtbot, dialog)
    error = named(unlock, QLabel, "unlockError")
    countdown = named(unlock, QLabel, "unlockCountdown")
    confirm = named(unlock, QPushButton, "unlockConfirmButton")
    passphrase = named(unlock, QLineEdit, "passphraseEdit")

    type_credentials(qtbot, unlock, ADMIN, WRONG)
    qtbot.waitUntil(error.isVisible, timeout=STORE_TIMEOUT_MS)

    assert error.text() == "Wrong name or passphrase; 1 failed attempt — try again in 1 s."
    assert countdown.isVisible()
    assert countdown.text() == "You can try again in 1 s."
    assert passphrase.text() == ""
    assert unlock.focusWidget() is passphrase
    # Typed again at once, the passphrase waits for the end of the delay.
    qtbot.keyClicks(passphrase, WRONG)
    assert not confirm.isEnabled()
    qtbot.waitUntil(confirm.isEnabled, timeout=3000)
    assert not countdown.isVisible()

    click(qtbot, confirm)
    qtbot.waitUntil(lambda: "2 failed attempts" in error.text(), timeout=STORE_TIMEOUT_MS)

    assert error.text() == "Wrong name or passphrase; 2 failed attempts — try again in 2 s."
    assert countdown.text() == "You can try again in 2 s."  # the delay grows
    assert not dialog.unlocked
    assert unlock.isVisible()
    assert unlock_attempts(data_dir) == [
        (current_user(), ADMIN, "wrong_passphrase"),
        (current_user(), ADMIN, "wrong_passphrase"),
    ]


def test_no_passphrase_reaches_a_widget_or_a_log_line(qtbot, console_page: ConsolePage, caplog):
    caplog.set_level(logging.DEBUG)
    dialog = console_page.open_preferences().dialog
    unlock = open_unlock_dialog(qtbot, dialog)
    passphrase_edit = named(unlock, QLineEdit, "passphraseEdit")
    error = named(unlock, QLabel, "unlockError")

    type_credentials(qtbot, unlock, ADMIN, WRONG)
    qtbot.waitUntil(error.isVisible, timeout=STORE_TIMEOUT_MS)
    shown_after_refusal = [text for w in QApplication.allWidgets() for text in every_text(w)]
    assert not passphrase_edit.isUndoAvailable(), "undo would bring the passphrase back"
    qtbot.waitUntil(lambda: not unlock.waiting, timeout=3000)
    type_credentials(qtbot, unlock, ADMIN, passphrase_for(ADMIN))
    qtbot.waitUntil(lambda: dialog.unlocked, timeout=STORE_TIMEOUT_MS)

    shown = shown_after_refusal + [t for w in QApplication.allWidgets() for t in every_text(w)]
    for secret in (WRONG, passphrase_for(ADMIN)):
        assert not [text for text in shown if secret in text]
        assert secret not in caplog.text
    assert passphrase_edit.text() == ""


def test_the_right_passphrase_unlocks_and_the_save_names_the_admin(
    console_page: ConsolePage, data_dir
):
    prefs = console_page.open_preferences()
    dialog = prefs.dialog
    assert prefs.is_locked

    prefs.unlock(ADMIN, passphrase_for(ADMIN))  # and the Unlock dialog is gone

    assert not prefs.is_locked
    banner = named(dialog, QLabel, "adminBannerLabel").text()
    assert banner.startswith(f"Unlocked by {ADMIN} until ")
    assert banner.endswith("What you save is recorded in that name.")
    assert not named(dialog, QPushButton, "unlockButton").isVisible()
    for name in EDITORS:
        assert named(dialog, QWidget, name).isEnabled()
    nav = named(dialog, QTreeWidget, "preferencesNav")
    assert not nav.topLevelItem(2).isHidden()

    prefs.turn_url_copy_on()  # ticked, the risk acknowledged, saved: the dialog closed

    assert not prefs.is_open
    saved = stored_settings(data_dir)
    assert saved.copy_session_url
    assert saved.url_acknowledgement is not None
    assert saved.url_acknowledgement.by == ADMIN  # the admin's name, not the OS login
    assert saved.updated_by == ADMIN
    other = open_store(data_dir)
    try:
        [change] = other.audit_entries(AuditQuery(kinds=frozenset({AuditKind.SETTING}), limit=1))
    finally:
        other.close()
    assert (change.actor, change.actor_role, change.detail) == (ADMIN, "admin", "copy_session_url")
    assert unlock_attempts(data_dir)[-1] == (current_user(), ADMIN, "ok")
    assert console_page.status_message == "Settings saved."


def test_the_admin_name_may_be_typed_in_any_case(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    unlock = open_unlock_dialog(qtbot, dialog)
    type_credentials(qtbot, unlock, "ADMIN.Ana", passphrase_for(ADMIN))

    qtbot.waitUntil(lambda: dialog.unlocked, timeout=STORE_TIMEOUT_MS)
    assert dialog.admin is not None
    assert dialog.admin.name == ADMIN  # as stored


def test_the_unlock_ends_with_the_admin_session_and_keeps_the_edits(qtbot, hub, data_dir):
    dialog = show_preferences(qtbot, hub)
    wait_for_admins(qtbot, dialog)
    other = open_store(data_dir)
    try:  # verified a whole lifetime ago, less a second: it ends in a second
        almost_over = verify_admin(
            other,
            ADMIN,
            passphrase_for(ADMIN),
            now=datetime.now(UTC) - SESSION_LIFETIME + timedelta(seconds=1),
            actor=SETUP_ACTOR,
        )
    finally:
        other.close()
    dialog.use_admin(almost_over)
    assert dialog.unlocked
    id_check = named(dialog, QCheckBox, "copySessionIdCheck")
    tick(qtbot, id_check)
    assert named(dialog, QPushButton, "saveButton").isEnabled()

    qtbot.waitUntil(lambda: not id_check.isEnabled(), timeout=3000)

    assert not dialog.unlocked
    assert named(dialog, QLabel, "adminBannerLabel").text() == (
        f"The unlock as {ADMIN} has ended. Only an admin can change these settings."
    )
    assert not id_check.isChecked()  # the edit is kept, read-only
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    assert named(dialog, QLabel, "saveBlockedLabel").text() == UNLOCK_TO_SAVE
    assert named(dialog, QPushButton, "unlockButton").isVisible()
    assert named(dialog, QTreeWidget, "preferencesNav").topLevelItem(2).isHidden()
    # Unlocked again, the edit can be saved; the Unlock dialog offers the same name.
    unlock = open_unlock_dialog(qtbot, dialog)
    assert named(unlock, QLineEdit, "adminNameEdit").text() == ADMIN
    assert unlock.focusWidget() is named(unlock, QLineEdit, "passphraseEdit")
    qtbot.keyClicks(named(unlock, QLineEdit, "passphraseEdit"), passphrase_for(ADMIN))
    click(qtbot, named(unlock, QPushButton, "unlockConfirmButton"))
    qtbot.waitUntil(lambda: dialog.unlocked, timeout=STORE_TIMEOUT_MS)
    with qtbot.waitSignal(dialog.accepted, timeout=STORE_TIMEOUT_MS):
        click(qtbot, named(dialog, QPushButton, "saveButton"))
    assert not stored_settings(data_dir).copy_session_id


def test_a_closed_dialog_keeps_no_admin_session(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)

    dialog.reject()

    assert dialog.admin is None
    assert not dialog.unlocked


# -- never on the GUI thread -------------------------------------------------------------


class ThreadCheckingStore:
    """The demo store, noting every call made on the GUI thread."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.on_gui_thread: list[str] = []

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if not callable(found):
            return found

        def checked(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                self.on_gui_thread.append(name)
            return found(*args, **kwargs)

        return checked


def test_unlocking_saving_and_the_audit_log_never_use_the_gui_thread(qtbot, demo_store):
    checked = ThreadCheckingStore(demo_store)
    hub = StoreHub(
        checked,  # type: ignore[arg-type]
        settings=demo_store.load_settings(),
        sessions=demo_store.list_sessions(),
    )
    try:
        dialog = unlocked_preferences(qtbot, hub)
        dialog.show_audit_log()
        qtbot.waitUntil(lambda: dialog.audit.model.rowCount() > 0, timeout=STORE_TIMEOUT_MS)
        qtbot.waitUntil(lambda: dialog.audit.checked, timeout=STORE_TIMEOUT_MS)
        retype(qtbot, named(dialog, QLineEdit, "auditTextFilter"), "copy")
        qtbot.waitUntil(lambda: "copy" in str(dialog.audit.model.query), timeout=3000)
        dialog.nav.setCurrentItem(dialog.nav.topLevelItem(0))
        tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))
        with qtbot.waitSignal(dialog.accepted, timeout=STORE_TIMEOUT_MS):
            click(qtbot, named(dialog, QPushButton, "saveButton"))
    finally:
        hub.close()
        hub.deleteLater()

    assert checked.on_gui_thread == []


def test_preferences_opened_from_the_console_unlocks_on_top_of_it(qtbot, console_page: ConsolePage):
    """Ctrl+, opens Preferences window-modal to the console; the Unlock dialog opens on top
    of it, window-modal to Preferences, and the console's event loop runs both."""
    console = console_page.window
    prefs = console_page.open_preferences()
    assert prefs.dialog.parentWidget() is console
    assert prefs.dialog.windowModality() == Qt.WindowModality.WindowModal

    prefs.unlock(ADMIN, passphrase_for(ADMIN))

    banner = named(prefs.dialog, QLabel, "adminBannerLabel").text()
    assert banner.startswith(f"Unlocked by {ADMIN}")
    prefs.close()
    # Closed, it is gone with its Unlock dialog: opening Preferences again leaks nothing.
    qtbot.waitUntil(lambda: not console.findChildren(PreferencesDialog))
    assert console.preferences_dialog is None
