"""Preferences › Session › Invitations: the channels' settings, built from their declarations."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.settings import SMTP_SECURITY_CHOICES
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.store import open_store
from tests.gui.helpers import (
    ADMIN,
    STORE_TIMEOUT_MS,
    click,
    named,
    retype,
    show_preferences,
    unlocked_preferences,
)

pytestmark = pytest.mark.gui

GROUPS = ("emailDeliveryGroup", "smsDeliveryGroup", "invitationRulesGroup")


def go_to_invitations(qtbot: QtBot, dialog: PreferencesDialog) -> QWidget:
    """Click Session › Invitations in the navigation; the page, once shown."""
    nav = named(dialog, QTreeWidget, "preferencesNav")
    session = nav.topLevelItem(0)
    assert session is not None
    item = session.child(1)
    assert item is not None
    assert item.text(0) == "Invitations"
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center()
    )
    page = named(dialog, QWidget, "invitationsPage")
    qtbot.waitUntil(page.isVisible)
    return page


def test_the_invitations_page_is_under_session_with_its_three_groups(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    assert not named(dialog, QWidget, "invitationsPage").isVisible()

    page = go_to_invitations(qtbot, dialog)

    assert not named(dialog, QWidget, "sessionToolsPage").isVisible()
    assert named(page, QLabel, "invitationsHeading").text() == "Session › Invitations"
    for name in GROUPS:
        assert named(page, QGroupBox, name).isVisible()
    # The banner says who may change them, as on Tools.
    assert named(dialog, QLabel, "adminBannerLabel").isVisible()
    combo = named(page, QComboBox, "smtpSecurityCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        shown for _, shown in SMTP_SECURITY_CHOICES
    ]
    assert combo.currentData() == "starttls"
    assert named(page, QSpinBox, "smtpPortSpin").value() == 587
    assert named(page, QSpinBox, "resendIntervalSecondsSpin").value() == 30


def test_the_page_says_where_secrets_go_and_has_no_field_for_them(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    page = go_to_invitations(qtbot, dialog)

    note = named(page, QLabel, "invitationSecretsNote")
    assert note.isVisible()
    assert note.text().startswith(
        "The SMTP password and the gateway token are kept in the system keyring: "
        "collab-console secrets set smtp-password"
    )
    assert "collab-console secrets set sms-token" in note.text()
    for edit in dialog.findChildren(QLineEdit):
        assert edit.echoMode() is QLineEdit.EchoMode.Normal, f"{edit.objectName()} hides a secret"
        assert "password" not in edit.objectName().lower()
        assert "token" not in edit.objectName().lower()


def test_an_agent_sees_the_delivery_settings_read_only(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    page = go_to_invitations(qtbot, dialog)
    for name, kind in (
        ("smtpHostEdit", QLineEdit),
        ("smtpSecurityCombo", QComboBox),
        ("smtpPortSpin", QSpinBox),
        ("smsGatewayUrlEdit", QLineEdit),
        ("resendIntervalSecondsSpin", QSpinBox),
    ):
        assert not named(page, kind, name).isEnabled(), name
    assert named(dialog, QPushButton, "unlockButton").isVisible()


def test_an_admin_saves_the_smtp_settings(qtbot, hub, data_dir):
    dialog = unlocked_preferences(qtbot, hub)
    page = go_to_invitations(qtbot, dialog)
    save = named(dialog, QPushButton, "saveButton")
    host = named(page, QLineEdit, "smtpHostEdit")
    error = named(page, QLabel, "smtpHostError")

    retype(qtbot, host, "smtp example com")
    assert error.isVisible()
    assert "is not a host name" in error.text()
    assert not save.isEnabled()
    assert named(dialog, QLabel, "saveBlockedLabel").text() == "To save, fix the SMTP server."

    retype(qtbot, host, "SMTP.Example.com")
    assert not error.isVisible()
    port = named(page, QSpinBox, "smtpPortSpin")
    retype(qtbot, port.findChild(QLineEdit), "465")
    combo = named(page, QComboBox, "smtpSecurityCombo")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "tls"
    retype(qtbot, named(page, QLineEdit, "smtpSenderEdit"), "invites@example.com")
    assert save.isEnabled()

    with qtbot.waitSignal(dialog.accepted, timeout=STORE_TIMEOUT_MS):
        click(qtbot, save)

    check = open_store(data_dir)
    try:
        settings = check.load_settings()
    finally:
        check.close()
    assert settings.value("smtp_host") == "smtp.example.com"
    assert settings.value("smtp_port") == 465
    assert settings.value("smtp_security") == "tls"
    assert settings.value("smtp_sender") == "invites@example.com"
    assert settings.updated_by == ADMIN
