"""Preferences › Session › Tools › Copy session details, driven as an admin would.

Most tests show the dialog on its own (``.show()``, not ``exec()``), so the test
keeps control. The flows through the console (Ctrl+,) run the real modal
``exec()``; their steps run from a timer inside the dialog's own event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_URL_BASE
from collab_console.core.identity import current_user
from collab_console.core.settings import URL_WARNING_VERSION, CopySettings
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store, seed_demo
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    centre,
    change_settings_elsewhere,
    click,
    driving_modal,
    named,
    park_pointer,
    retype,
    shown_card,
)

pytestmark = pytest.mark.gui


#: When the admin in ``url_copy_stored_on`` acknowledged the warning.
EARLIER = datetime(2026, 3, 1, 8, 15, tzinfo=UTC)
OTHER_URL_BASE = "https://other.example.com/join/"


# -- helpers --------------------------------------------------------------------


def show_preferences(qtbot: QtBot, hub: StoreHub, parent: QWidget | None = None) -> QDialog:
    dialog = PreferencesDialog(hub, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its indicator, where a user would click."""
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=indicator.center())


def press_ok(
    qtbot: QtBot, seen: list[tuple[QMessageBox.Icon, str]]
) -> Callable[[QMessageBox], None]:
    """Steps for a message box: note its icon and text, then click its OK button.

    A box from ``QMessageBox.critical()`` and friends is deleted when it closes,
    so what the test checks is noted while it is open.
    """

    def steps(box: QMessageBox) -> None:
        seen.append((box.icon(), box.text()))
        click(qtbot, box.button(QMessageBox.StandardButton.Ok))

    return steps


def settings_and_stamp(store: Store) -> tuple[CopySettings, datetime | None, int]:
    """What the store holds, including what equality ignores (who saved when, the audit)."""
    settings = store.load_settings()
    return settings, settings.updated_at, len(store.audit_log(limit=1000))


@pytest.fixture
def url_copy_stored_on(hub: StoreHub) -> CopySettings:
    """The store already has URL copy on, acknowledged by another admin earlier."""
    return hub.save_settings(
        hub.settings.changed(
            actor="admin.jo", now=EARLIER, acknowledged=True, copy_session_url=True
        )
    )


# -- what the dialog shows --------------------------------------------------------


def test_opens_on_session_tools_with_the_copy_session_details_group(qtbot, hub):
    dialog = show_preferences(qtbot, hub)

    assert dialog.objectName() == "preferencesDialog"
    nav = named(dialog, QTreeWidget, "preferencesNav")
    current = nav.currentItem()
    assert current is not None
    assert current.isSelected()
    assert current.text(0) == "Tools"
    section = current.parent()
    assert section is not None
    assert section.text(0) == "Session"
    assert named(dialog, QLabel, "sessionToolsHeading").text() == "Session › Tools"
    group = named(dialog, QGroupBox, "copySessionDetailsGroup")
    assert group.isVisible()
    assert group.title() == "Copy session details"
    for name, label in [
        ("copySessionIdCheck", "Copy Session ID"),
        ("copySessionUrlCheck", "Copy Session URL"),
    ]:
        box = named(group, QCheckBox, name)
        assert box.isVisible()
        assert box.text() == label
        assert box.accessibleName() == label


def test_shows_the_stored_settings(qtbot, hub):
    dialog = show_preferences(qtbot, hub)

    assert named(dialog, QCheckBox, "copySessionIdCheck").isChecked()
    assert not named(dialog, QCheckBox, "copySessionUrlCheck").isChecked()
    assert named(dialog, QLineEdit, "sessionUrlBaseEdit").text() == DEMO_URL_BASE
    assert not named(dialog, QFrame, "urlWarningFrame").isVisible()
    assert not named(dialog, QLabel, "urlAcknowledgedLabel").isVisible()
    assert not named(dialog, QLabel, "sessionUrlBaseError").isVisible()
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()
    assert named(dialog, QPushButton, "saveButton").isEnabled()


# -- the Session URL warning ---------------------------------------------------------


def test_ticking_copy_session_url_shows_the_warning_and_blocks_save(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")

    tick(qtbot, url_check)

    assert url_check.isChecked()
    warning = named(dialog, QFrame, "urlWarningFrame")
    assert warning.isVisible()
    assert "opens the live session" in named(warning, QLabel, "urlWarningTitle").text()
    assert "can join the live session" in named(warning, QLabel, "urlWarningText").text()
    acknowledge = named(warning, QCheckBox, "urlAcknowledgeCheck")
    assert acknowledge.isVisible()
    assert acknowledge.text() == "I understand the security risk"
    assert not acknowledge.isChecked()
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    blocked = named(dialog, QLabel, "saveBlockedLabel")
    assert blocked.isVisible()
    assert "Copy Session URL" in blocked.text()
    assert "I understand the security risk" in blocked.text()


def test_acknowledging_the_warning_enables_save(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))

    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))

    assert named(dialog, QPushButton, "saveButton").isEnabled()
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()


def test_save_records_who_acknowledged_and_audits_the_change(qtbot, hub, demo_store):
    dialog = show_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
    before = datetime.now(UTC)

    click(qtbot, named(dialog, QPushButton, "saveButton"))

    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = demo_store.load_settings()
    assert stored.copy_session_url
    assert stored.copy_session_id
    ack = stored.url_acknowledgement
    assert ack is not None
    assert ack.by == current_user()
    assert ack.warning_version == URL_WARNING_VERSION
    assert before <= ack.at <= datetime.now(UTC)
    audit = {(e.setting, e.old_value, e.new_value, e.changed_by) for e in demo_store.audit_log()}
    assert ("copy_session_url", "off", "on", current_user()) in audit
    assert any(
        setting == "url_warning_acknowledged" and by == current_user()
        for setting, _, _, by in audit
    )


def test_turning_url_copy_off_and_on_again_asks_again(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")
    acknowledge = named(dialog, QCheckBox, "urlAcknowledgeCheck")
    tick(qtbot, url_check)
    tick(qtbot, acknowledge)

    tick(qtbot, url_check)
    assert not named(dialog, QFrame, "urlWarningFrame").isVisible()
    tick(qtbot, url_check)

    assert url_check.isChecked()
    assert named(dialog, QFrame, "urlWarningFrame").isVisible()
    assert not acknowledge.isChecked()
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    assert named(dialog, QLabel, "saveBlockedLabel").isVisible()


def test_a_stored_acknowledgement_is_shown_instead_of_the_warning(qtbot, hub, url_copy_stored_on):
    dialog = show_preferences(qtbot, hub)

    assert named(dialog, QCheckBox, "copySessionUrlCheck").isChecked()
    assert not named(dialog, QFrame, "urlWarningFrame").isVisible()
    acknowledged = named(dialog, QLabel, "urlAcknowledgedLabel")
    assert acknowledged.isVisible()
    assert acknowledged.text() == (
        "Security warning acknowledged by admin.jo on 2026-03-01 08:15 UTC."
    )
    assert named(dialog, QPushButton, "saveButton").isEnabled()


def test_unticking_a_stored_url_copy_and_ticking_it_again_asks_again(
    qtbot, hub, demo_store, url_copy_stored_on
):
    dialog = show_preferences(qtbot, hub)
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")

    tick(qtbot, url_check)
    tick(qtbot, url_check)

    assert url_check.isChecked()
    assert named(dialog, QFrame, "urlWarningFrame").isVisible()
    assert not named(dialog, QCheckBox, "urlAcknowledgeCheck").isChecked()
    assert not named(dialog, QLabel, "urlAcknowledgedLabel").isVisible()
    assert not named(dialog, QPushButton, "saveButton").isEnabled()

    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
    before = datetime.now(UTC)
    click(qtbot, named(dialog, QPushButton, "saveButton"))

    ack = demo_store.load_settings().url_acknowledgement
    assert ack is not None
    assert ack.by == current_user()
    assert ack.at >= before > url_copy_stored_on.url_acknowledgement.at
    assert ack.warning_version == URL_WARNING_VERSION


def test_saving_other_changes_keeps_the_stored_acknowledgement(
    qtbot, hub, demo_store, url_copy_stored_on
):
    dialog = show_preferences(qtbot, hub)

    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))
    click(qtbot, named(dialog, QPushButton, "saveButton"))

    stored = demo_store.load_settings()
    assert not stored.copy_session_id
    assert stored.copy_session_url
    assert stored.url_acknowledgement == url_copy_stored_on.url_acknowledgement


# -- cancel -----------------------------------------------------------------------


def cancel_by_click(qtbot: QtBot, dialog: QDialog) -> None:
    click(qtbot, named(dialog, QPushButton, "cancelButton"))


def cancel_by_escape(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)


@pytest.mark.parametrize("cancel", [cancel_by_click, cancel_by_escape], ids=["click", "esc"])
def test_cancel_discards_every_change(qtbot, hub, demo_store, cancel):
    before = settings_and_stamp(demo_store)
    dialog = show_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), OTHER_URL_BASE)

    with qtbot.assertNotEmitted(hub.settings_changed):
        cancel(qtbot, dialog)

    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert settings_and_stamp(demo_store) == before


# -- Session URL base --------------------------------------------------------------


def test_a_non_https_url_base_is_refused_until_corrected(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    edit = named(dialog, QLineEdit, "sessionUrlBaseEdit")
    error = named(dialog, QLabel, "sessionUrlBaseError")
    save = named(dialog, QPushButton, "saveButton")

    retype(qtbot, edit, "http://x.example.com/")

    assert edit.text() == "http://x.example.com/"
    assert error.isVisible()
    assert "must start with https://" in error.text()
    assert not save.isEnabled()
    blocked = named(dialog, QLabel, "saveBlockedLabel")
    assert blocked.isVisible()
    assert "Session URL base" in blocked.text()

    retype(qtbot, edit, "https://x.example.com/")

    assert not error.isVisible()
    assert not blocked.isVisible()
    assert save.isEnabled()


def test_the_url_base_error_reads_as_one_sentence(qtbot, hub):
    dialog = show_preferences(qtbot, hub)

    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")

    error = named(dialog, QLabel, "sessionUrlBaseError").text()
    assert error == "The Session URL base must start with https://."


# -- saving reaches every window -----------------------------------------------------


def test_save_updates_the_open_console_at_once(qtbot, hub, console):
    dialog = show_preferences(qtbot, hub, console)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))

    with qtbot.waitSignal(hub.settings_changed, timeout=1000) as changed:
        click(qtbot, named(dialog, QPushButton, "saveButton"))

    assert not changed.args[0].copy_session_id
    # No event loop has run since the click: the console heard it from the save itself.
    hint = named(console, QLabel, "copyHintLabel")
    assert hint.text().startswith("Copying session details is turned off.")


def test_ctrl_comma_opens_preferences_from_the_console_and_saves(qtbot, hub, console, demo_store):
    def steps(dialog: PreferencesDialog) -> None:
        assert dialog.objectName() == "preferencesDialog"
        assert dialog.parentWidget() is console
        tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
        tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
        click(qtbot, named(dialog, QPushButton, "saveButton"))

    with driving_modal(PreferencesDialog, steps):
        qtbot.keyClick(console, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)

    assert demo_store.load_settings().copy_session_url
    # Back from the dialog, the pointer crosses the console on its way to the icon
    # (a synthetic move straight from a closed dialog may get no Enter event).
    park_pointer(qtbot, console)
    icon = named(console, QWidget, "customerIcon")
    qtbot.mouseMove(icon, centre(icon))
    qtbot.waitUntil(lambda: shown_card(console) is not None, timeout=CARD_TIMEOUT_MS)
    card = named(console, QFrame, "copyCard")
    assert named(card, QPushButton, "copyUrlButton").isVisible()
    assert named(card, QPushButton, "copyBothButton").isVisible()


# -- saves that cannot happen ----------------------------------------------------------


@pytest.fixture
def impatient_store(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A demo store that gives up on a lock after 100 ms instead of 3 s."""
    monkeypatch.setattr("collab_console.store.sqlite.BUSY_TIMEOUT_MS", 100)
    opened = open_store(data_dir, create=True)
    seed_demo(opened)
    yield opened
    opened.close()


@pytest.fixture
def impatient_hub(impatient_store: Store) -> Iterator[StoreHub]:
    hub = StoreHub(impatient_store)
    yield hub
    hub.deleteLater()


@contextmanager
def locked(store: Store) -> Iterator[None]:
    """Another program holds the store's write lock."""
    other = sqlite3.connect(store.location, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


#: The three check boxes an admin works through to turn URL copy on.
CHOICES = ("copySessionIdCheck", "copySessionUrlCheck", "urlAcknowledgeCheck")
#: What ``choose_url_copy_instead_of_id_copy`` leaves ticked, in CHOICES order.
URL_INSTEAD_OF_ID = [False, True, True]


def choose_url_copy_instead_of_id_copy(qtbot: QtBot, dialog: QDialog) -> None:
    """Untick Copy Session ID, tick Copy Session URL and acknowledge the warning."""
    for name in CHOICES:
        tick(qtbot, named(dialog, QCheckBox, name))


def shown_choices(dialog: QDialog) -> list[bool]:
    return [named(dialog, QCheckBox, name).isChecked() for name in CHOICES]


def test_a_locked_store_is_reported_and_the_dialog_keeps_the_choices(
    qtbot, impatient_hub, impatient_store
):
    before = settings_and_stamp(impatient_store)
    dialog = show_preferences(qtbot, impatient_hub)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)
    boxes: list[tuple[QMessageBox.Icon, str]] = []

    with locked(impatient_store), driving_modal(QMessageBox, press_ok(qtbot, boxes)):
        click(qtbot, named(dialog, QPushButton, "saveButton"))

    [(icon, text)] = boxes
    assert icon == QMessageBox.Icon.Critical
    assert "locked" in text
    assert "Nothing was changed" in text
    assert dialog.isVisible()
    assert shown_choices(dialog) == URL_INSTEAD_OF_ID
    assert settings_and_stamp(impatient_store) == before


def test_settings_changed_meanwhile_warns_and_keeps_both_changes(qtbot, hub, demo_store, data_dir):
    dialog = show_preferences(qtbot, hub)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)
    change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)
    boxes: list[tuple[QMessageBox.Icon, str]] = []

    with driving_modal(QMessageBox, press_ok(qtbot, boxes)):
        click(qtbot, named(dialog, QPushButton, "saveButton"))

    [(icon, text)] = boxes
    assert icon == QMessageBox.Icon.Warning
    assert "admin.sam changed these settings" in text
    stored = demo_store.load_settings()
    assert stored.session_url_base == OTHER_URL_BASE
    assert stored.copy_session_id
    assert not stored.copy_session_url
    assert dialog.isVisible()
    assert shown_choices(dialog) == URL_INSTEAD_OF_ID


def test_saving_again_after_changed_meanwhile_keeps_the_other_admins_change(
    qtbot, hub, demo_store, data_dir
):
    dialog = show_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))
    change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)
    save = named(dialog, QPushButton, "saveButton")
    with driving_modal(QMessageBox, press_ok(qtbot, [])):
        click(qtbot, save)

    # The admin reviews what the dialog shows and saves again, as the warning asks.
    click(qtbot, save)

    stored = demo_store.load_settings()
    assert not stored.copy_session_id
    assert stored.session_url_base == OTHER_URL_BASE, (
        "saving again silently reverted the other admin's Session URL base"
    )
