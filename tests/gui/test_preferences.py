"""Preferences › Session › Tools, driven as an admin would.

Most tests show the dialog on its own (``.show()``, not ``exec()``), so the test
keeps control. The flows through the console (Ctrl+,) run the real modal
``exec()``; their steps run from a timer inside the dialog's own event loop.

Saving is asynchronous: the store answers on the hub's worker thread, so a test
waits for the dialog's ``accepted`` signal, or for the box the answer brings.
What the store holds is read through a connection of the test's own
(:func:`stored`), as another program would see it. The user's own preferences
file (Appearance) lives in ``tmp_path`` (``own_config_dir``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core import settings as declarations
from collab_console.core.admins import AdminSession, init_admin
from collab_console.core.demo import DEMO_URL_BASE
from collab_console.core.errors import SettingsError
from collab_console.core.events import SettingsChanged
from collab_console.core.settings import (
    COPY_SESSION_URL,
    SETTING_SPECS,
    URL_WARNING,
    CopySettings,
    SecurityWarning,
    SettingKind,
    SettingSpec,
    parse_bool,
)
from collab_console.gui.preferences_dialog import SETTINGS_SAVED, PreferencesDialog
from collab_console.gui.store_hub import POLL_INTERVAL_MS, StoreHub
from collab_console.store import Store, open_store, seed_demo
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    ADMIN,
    change_settings_elsewhere,
    click,
    driving_modal,
    named,
    retype,
    show_preferences,
    unlock_preferences,
    unlocked_preferences,
)
from tests.store.admins import SETUP_ACTOR, become_admin, passphrase_for

pytestmark = pytest.mark.gui


#: When the admin in ``url_copy_stored_on`` acknowledged the warning.
EARLIER = datetime(2026, 3, 1, 8, 15, tzinfo=UTC)
OTHER_URL_BASE = "https://other.example.com/join/"
#: Why a plain-http URL base on another machine is refused, as the page says it.
HTTPS_ONLY = (
    "The Session URL base must start with https:// (plain http only for 127.0.0.1 or localhost)."
)
MY_URL_BASE = "https://mine.example.com/join/"
#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000
#: Long enough for any save through the hub's worker on a slow machine.
SAVE_TIMEOUT_MS = 10_000
#: A poll interval no test lasts: such a hub hears of other connections' saves only by saving.
NEVER_MS = 3_600_000
#: The audit entries of a settings save.
SETTING_KINDS = ("setting", "acknowledgement")
#: What sits under the Copy Session URL check box: none of it may move when the warning shows.
MOVABLE = ("sessionLinksGroup", "sessionUrlBaseEdit", "privacyGroup")


# -- helpers --------------------------------------------------------------------


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its indicator, where a user would click."""
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=indicator.center())


Seen = list[tuple[QMessageBox.Icon, str, str]]


def press_ok(qtbot: QtBot, seen: Seen) -> Callable[[QMessageBox], None]:
    """Steps for a message box: note its icon, title and text, then click its OK button.

    A box from ``QMessageBox.critical()`` and friends is deleted when it closes,
    so what the test checks is noted while it is open.
    """

    def steps(box: QMessageBox) -> None:
        seen.append((box.icon(), box.windowTitle(), box.text()))
        click(qtbot, box.button(QMessageBox.StandardButton.Ok))

    return steps


def save_and_answer_box(qtbot: QtBot, dialog: QDialog) -> tuple[QMessageBox.Icon, str, str]:
    """Click Save, wait for the box the store's answer brings, and press its OK."""
    boxes: Seen = []
    with driving_modal(QMessageBox, press_ok(qtbot, boxes)):
        click(qtbot, named(dialog, QPushButton, "saveButton"))
        qtbot.waitUntil(lambda: bool(boxes), timeout=SAVE_TIMEOUT_MS)
    [box] = boxes
    return box


def save_and_close(qtbot: QtBot, dialog: QDialog) -> None:
    """Click Save and wait until the store said yes and the dialog closed."""
    with qtbot.waitSignal(dialog.accepted, timeout=SAVE_TIMEOUT_MS):
        click(qtbot, named(dialog, QPushButton, "saveButton"))
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted


@contextmanager
def other_connection(data_dir: Path) -> Iterator[Store]:
    other = open_store(data_dir)
    try:
        yield other
    finally:
        other.close()


def stored(data_dir: Path) -> CopySettings:
    """The settings the store holds, read through a connection of the test's own."""
    with other_connection(data_dir) as other:
        return other.load_settings()


def settings_and_stamp(data_dir: Path) -> tuple[CopySettings, datetime | None, int]:
    """What the store holds, including what equality ignores (who saved when, the audit)."""
    with other_connection(data_dir) as other:
        settings = other.load_settings()
        return settings, settings.updated_at, len(other.audit_log(limit=1000))


def audit_by(data_dir: Path, actor: str) -> list[tuple[str, str, str | None, str | None]]:
    with other_connection(data_dir) as other:
        return [
            (e.kind, e.subject, e.old_value, e.new_value)
            for e in other.audit_log(limit=1000)
            if e.actor == actor
        ]


def hub_saves(qtbot: QtBot, hub: StoreHub, settings: CopySettings) -> CopySettings:
    """The admin ``settings.updated_by`` (made one if needed) saves ``settings`` on the
    hub's worker, as dated; wait until every window heard it.

    Straight to the store with the admin's session, not through the core's
    ``change_settings``: that one dates a save now, and this one may be older.
    """
    errors: list[Exception] = []

    def save(store: Store) -> SettingsChanged:
        admin = become_admin(store, settings.updated_by)
        return store.save_settings(settings, admin=admin)

    with qtbot.waitSignal(hub.settings_changed, timeout=SAVE_TIMEOUT_MS) as changed:
        hub.call(save, lambda _event: None, errors.append)
    assert not errors
    saved: CopySettings = changed.args[0]
    return saved


def quiet_hub_on(store: Store, settings: CopySettings | None = None) -> StoreHub:
    """A hub on ``store`` that never polls it: it hears of another connection's save only
    when a save of its own is refused, so a test decides when the dialog learns of it."""
    return StoreHub(
        store,
        settings=settings if settings is not None else store.load_settings(),
        sessions=store.list_sessions(),
        poll_ms=NEVER_MS,
    )


@pytest.fixture
def quiet_hub(demo_store: Store) -> Iterator[StoreHub]:
    hub = quiet_hub_on(demo_store)
    yield hub
    hub.close()
    hub.deleteLater()


@pytest.fixture
def url_copy_stored_on(qtbot: QtBot, hub: StoreHub) -> CopySettings:
    """The store already has URL copy on, acknowledged by another admin earlier."""
    assert hub.settings is not None
    return hub_saves(
        qtbot,
        hub,
        hub.settings.changed(
            actor="admin.jo", now=EARLIER, acknowledged=True, copy_session_url=True
        ),
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
    assert named(dialog, QGroupBox, "sessionLinksGroup").title() == "Session links"
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
    # Nothing changed yet: nothing to save, and nothing to explain.
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()
    assert not named(dialog, QPushButton, "saveButton").isEnabled()


def test_opened_before_the_settings_are_read_it_waits_for_them(qtbot, demo_store):
    hub = StoreHub(demo_store)  # its first read is still on its way
    try:
        dialog = PreferencesDialog(hub)
        qtbot.addWidget(dialog)

        assert not named(dialog, QPushButton, "saveButton").isEnabled()
        assert named(dialog, QLabel, "saveBlockedLabel").text() == "Reading the settings…"
        assert not named(dialog, QCheckBox, "copySessionIdCheck").isEnabled()

        dialog.show()
        qtbot.waitUntil(named(dialog, QCheckBox, "copySessionIdCheck").isChecked)
        assert named(dialog, QLineEdit, "sessionUrlBaseEdit").text() == DEMO_URL_BASE
        assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()

        unlock_preferences(qtbot, dialog)
        assert named(dialog, QCheckBox, "copySessionIdCheck").isEnabled()
    finally:
        hub.close()
        hub.deleteLater()


def test_save_is_enabled_only_while_something_is_changed(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
    save = named(dialog, QPushButton, "saveButton")
    blocked = named(dialog, QLabel, "saveBlockedLabel")
    id_check = named(dialog, QCheckBox, "copySessionIdCheck")
    edit = named(dialog, QLineEdit, "sessionUrlBaseEdit")
    assert not save.isEnabled()

    tick(qtbot, id_check)
    assert save.isEnabled()
    tick(qtbot, id_check)  # back as stored
    assert not save.isEnabled()

    retype(qtbot, edit, OTHER_URL_BASE)
    assert save.isEnabled()
    retype(qtbot, edit, DEMO_URL_BASE)
    assert not save.isEnabled()
    assert not blocked.isVisible()  # nothing to explain: nothing is changed


def test_re_ticking_a_stored_url_copy_and_acknowledging_again_is_a_change(
    qtbot, hub, url_copy_stored_on
):
    dialog = unlocked_preferences(qtbot, hub)
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")
    tick(qtbot, url_check)
    tick(qtbot, url_check)
    assert not named(dialog, QPushButton, "saveButton").isEnabled()

    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))

    assert named(dialog, QPushButton, "saveButton").isEnabled()


def field_top(dialog: QWidget, name: str) -> int:
    """Where a widget's top is in the dialog, in the dialog's coordinates."""
    widget = named(dialog, QWidget, name)
    return widget.mapTo(dialog, QPoint(0, 0)).y()


def test_nothing_moves_when_the_url_warning_appears(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
    before = {name: field_top(dialog, name) for name in MOVABLE}

    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))

    assert named(dialog, QFrame, "urlWarningFrame").isVisible()
    assert {name: field_top(dialog, name) for name in MOVABLE} == before


def test_nothing_moves_when_a_stored_acknowledgement_gives_way_to_the_warning(
    qtbot, hub, url_copy_stored_on
):
    dialog = unlocked_preferences(qtbot, hub)
    assert named(dialog, QLabel, "urlAcknowledgedLabel").isVisible()
    before = {name: field_top(dialog, name) for name in MOVABLE}
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")

    tick(qtbot, url_check)
    assert {name: field_top(dialog, name) for name in MOVABLE} == before
    tick(qtbot, url_check)

    assert named(dialog, QFrame, "urlWarningFrame").isVisible()
    assert {name: field_top(dialog, name) for name in MOVABLE} == before


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader reads, as Qt's accessibility layer gives it."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Name)


def test_the_warning_is_named_for_what_it_is(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
    frame = named(dialog, QFrame, "urlWarningFrame")

    assert accessible_name(frame) == "Security warning: The Session URL opens the live session"
    assert frame.accessibleDescription() == URL_WARNING.text


def test_an_error_label_is_never_read_as_its_group(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
    error = named(dialog, QLabel, "sessionUrlBaseError")

    assert accessible_name(error) == "Session URL base error"

    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")
    assert accessible_name(error) == HTTPS_ONLY

    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), DEMO_URL_BASE)
    assert accessible_name(error) == "Session URL base error"


# -- the page follows the declarations ------------------------------------------------


@pytest.mark.parametrize("spec", SETTING_SPECS, ids=lambda spec: spec.key)
def test_every_declared_setting_has_its_widgets(qtbot, hub, spec: SettingSpec):
    dialog = show_preferences(qtbot, hub)
    group = named(dialog, QGroupBox, spec.ui_group)
    if named(dialog, QWidget, "invitationsPage").isAncestorOf(group):
        dialog.show_invitations()

    if spec.kind is SettingKind.BOOL:
        editor: QWidget = named(group, QCheckBox, f"{spec.ui_name}Check")
        assert editor.text() == spec.label
    else:
        label = named(group, QLabel, f"{spec.ui_name}Label")
        assert label.text() == spec.label
        assert label.isVisible()
        kind: type[QWidget] = QSpinBox
        suffix = "Spin"
        if spec.kind is SettingKind.TEXT:
            kind, suffix = (QComboBox, "Combo") if spec.choices else (QLineEdit, "Edit")
        editor = named(group, kind, f"{spec.ui_name}{suffix}")
        assert label.buddy() is editor
        assert not named(group, QLabel, f"{spec.ui_name}Error").isVisible()
    assert editor.isVisible()
    assert editor.accessibleName() == spec.label
    assert editor.toolTip() == spec.help

    if spec.warning is not None:
        prefix = spec.warning.ui_prefix
        frame = named(group, QFrame, f"{prefix}WarningFrame")
        assert named(frame, QLabel, f"{prefix}WarningTitle").text() == spec.warning.title
        assert named(frame, QLabel, f"{prefix}WarningText").text() == spec.warning.text
        assert named(frame, QLabel, f"{prefix}WarningIcon").accessibleName() == "Warning"
        acknowledge = named(frame, QCheckBox, f"{prefix}AcknowledgeCheck")
        assert acknowledge.text() == spec.warning.acknowledge_label
        named(group, QLabel, f"{prefix}AcknowledgedLabel")
        # The panel sits right under its check box.
        panel = named(group, QWidget, f"{prefix}SecurityWarning")
        layout = group.layout()
        assert isinstance(layout, QVBoxLayout)
        assert layout.indexOf(panel) == layout.indexOf(editor) + 1


def _parse_address(value: Any) -> str:
    text = str(value).strip()
    if "@" not in text:
        raise SettingsError("the support address must be an e-mail address")
    return text


def _parse_hours(value: Any) -> int:
    hours = int(value)
    if not 1 <= hours <= 72:
        raise SettingsError("a link lasts between 1 and 72 hours")
    return hours


EXTRA_BOOL = SettingSpec(
    key="copy_invite_code",
    label="Copy invite code",
    help="Agents can copy the invitation's short code.",
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="copyInviteCode",
    ui_group="copySessionDetailsGroup",
    cli_name="copy-invite",
)
EXTRA_SENSITIVE = SettingSpec(
    key="copy_recording_link",
    label="Copy recording link",
    help="Agents can copy the link to the session's recording.",
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="copyRecordingLink",
    ui_group="copySessionDetailsGroup",
    cli_name="copy-recording",
    warning=SecurityWarning(
        title="The recording shows the whole session",
        text="Anyone with the link can watch what the customer shared.",
        version=1,
        acknowledge_label="I accept the risk of sharing recordings",
        ui_prefix="recording",
    ),
)
EXTRA_TEXT = SettingSpec(
    key="support_address",
    label="Support address",
    help="Where customers write when a link does not open.",
    kind=SettingKind.TEXT,
    default="help@example.com",
    parse=_parse_address,
    ui_name="supportAddress",
    ui_group="sessionLinksGroup",
    cli_name="support-address",
)
EXTRA_INT = SettingSpec(
    key="link_lifetime_hours",
    label="Link lifetime in hours",
    help="How long a copied link opens the session.",
    kind=SettingKind.INT,
    default=24,
    parse=_parse_hours,
    ui_name="linkLifetimeHours",
    ui_group="sessionLinksGroup",
    cli_name="link-hours",
)


@pytest.fixture
def declared_too(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, demo_store: Store
) -> Iterator[tuple[SettingSpec, StoreHub]]:
    """``request.param`` declared beside the real settings, as one more declaration would be,
    and a hub whose settings hold it at its default (the store has no row for it: nothing
    here saves)."""
    extra: SettingSpec = request.param
    now = demo_store.load_settings()  # as stored, before the store knows less than the code
    specs = (*SETTING_SPECS, extra)
    monkeypatch.setattr(declarations, "SETTING_SPECS", specs)
    monkeypatch.setattr(declarations, "SPECS_BY_KEY", {spec.key: spec for spec in specs})
    monkeypatch.setattr(
        declarations, "SENSITIVE_SPECS", tuple(spec for spec in specs if spec.sensitive)
    )
    settings = now.replace(values={**now.values, extra.key: extra.default})
    hub = quiet_hub_on(demo_store, settings)
    yield extra, hub
    hub.close()
    hub.deleteLater()


@pytest.mark.parametrize("declared_too", [EXTRA_BOOL], indirect=True, ids=["bool"])
def test_a_new_check_box_setting_needs_only_its_declaration(qtbot, declared_too):
    spec, hub = declared_too
    dialog = unlocked_preferences(qtbot, hub)
    check = named(named(dialog, QGroupBox, spec.ui_group), QCheckBox, "copyInviteCodeCheck")
    assert check.text() == check.accessibleName() == "Copy invite code"
    assert check.toolTip() == spec.help
    assert not check.isChecked()

    tick(qtbot, check)

    assert named(dialog, QPushButton, "saveButton").isEnabled()
    edited = dialog.edited_settings()
    assert edited.value(spec.key) is True
    assert edited.copy_session_id  # the other settings as stored


@pytest.mark.parametrize("declared_too", [EXTRA_SENSITIVE], indirect=True, ids=["sensitive"])
def test_a_new_sensitive_setting_brings_its_own_warning(qtbot, declared_too):
    spec, hub = declared_too
    dialog = unlocked_preferences(qtbot, hub)
    check = named(dialog, QCheckBox, "copyRecordingLinkCheck")
    frame = named(dialog, QFrame, "recordingWarningFrame")
    assert not frame.isVisible()

    tick(qtbot, check)

    assert frame.isVisible()
    assert named(frame, QLabel, "recordingWarningTitle").text() == spec.warning.title
    blocked = named(dialog, QLabel, "saveBlockedLabel")
    assert blocked.text() == (
        "To save with Copy recording link on, tick “I accept the risk of sharing recordings”."
    )
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    # The Session URL's own warning is not asked for.
    assert not named(dialog, QFrame, "urlWarningFrame").isVisible()

    tick(qtbot, named(frame, QCheckBox, "recordingAcknowledgeCheck"))

    assert named(dialog, QPushButton, "saveButton").isEnabled()
    ack = dialog.edited_settings().acknowledgements[spec.key]
    assert ack.by == ADMIN
    assert ack.warning_version == 1


@pytest.mark.parametrize("declared_too", [EXTRA_TEXT], indirect=True, ids=["text"])
def test_a_new_text_setting_is_checked_by_its_declaration(qtbot, declared_too):
    spec, hub = declared_too
    dialog = unlocked_preferences(qtbot, hub)
    group = named(dialog, QGroupBox, "sessionLinksGroup")
    edit = named(group, QLineEdit, "supportAddressEdit")
    assert named(group, QLabel, "supportAddressLabel").text() == "Support address"
    assert edit.text() == "help@example.com"
    error = named(group, QLabel, "supportAddressError")

    retype(qtbot, edit, "nobody")

    assert error.isVisible()
    assert error.text() == "The support address must be an e-mail address."
    assert named(dialog, QLabel, "saveBlockedLabel").text() == "To save, fix the Support address."
    assert not named(dialog, QPushButton, "saveButton").isEnabled()

    retype(qtbot, edit, "care@example.com")

    assert not error.isVisible()
    assert dialog.edited_settings().value(spec.key) == "care@example.com"


@pytest.mark.parametrize("declared_too", [EXTRA_INT], indirect=True, ids=["int"])
def test_a_new_number_setting_gets_a_spin_box(qtbot, declared_too):
    spec, hub = declared_too
    dialog = unlocked_preferences(qtbot, hub)
    spin = named(dialog, QSpinBox, "linkLifetimeHoursSpin")
    error = named(dialog, QLabel, "linkLifetimeHoursError")
    assert spin.value() == 24
    assert spin.accessibleName() == "Link lifetime in hours"

    click(qtbot, spin)
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "100")

    assert error.isVisible()
    assert error.text() == "A link lasts between 1 and 72 hours."
    assert not named(dialog, QPushButton, "saveButton").isEnabled()

    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "48")

    assert not error.isVisible()
    assert named(dialog, QPushButton, "saveButton").isEnabled()
    assert dialog.edited_settings().value(spec.key) == 48


# -- the Session URL warning ---------------------------------------------------------


def test_ticking_copy_session_url_shows_the_warning_and_blocks_save(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
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
    assert blocked.text() == (
        "To save with Copy Session URL on, tick “I understand the security risk”."
    )


def test_acknowledging_the_warning_enables_save(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))

    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))

    assert named(dialog, QPushButton, "saveButton").isEnabled()
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()


def test_save_records_who_acknowledged_and_audits_the_change(console_page: ConsolePage, data_dir):
    prefs = console_page.open_preferences()
    prefs.unlock()
    before = datetime.now(UTC)

    prefs.turn_url_copy_on()  # ticks, acknowledges the warning, saves

    saved = stored(data_dir)
    assert saved.copy_session_url
    assert saved.copy_session_id
    ack = saved.url_acknowledgement
    assert ack is not None
    assert ack.by == ADMIN
    assert ack.warning_version == URL_WARNING.version
    assert before <= ack.at <= datetime.now(UTC)
    audit = audit_by(data_dir, ADMIN)
    assert ("setting", "copy_session_url", "off", "on") in audit
    assert any(
        kind == "acknowledgement" and subject == COPY_SESSION_URL.key
        for kind, subject, _, _ in audit
    )


def test_turning_url_copy_off_and_on_again_asks_again(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
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
    assert not named(dialog, QLabel, "saveBlockedLabel").isVisible()


def test_unticking_a_stored_url_copy_and_ticking_it_again_asks_again(
    qtbot, hub, data_dir, url_copy_stored_on
):
    dialog = unlocked_preferences(qtbot, hub)
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
    save_and_close(qtbot, dialog)

    ack = stored(data_dir).url_acknowledgement
    assert ack is not None
    assert ack.by == ADMIN
    assert ack.at >= before > url_copy_stored_on.url_acknowledgement.at
    assert ack.warning_version == URL_WARNING.version


def test_saving_other_changes_keeps_the_stored_acknowledgement(
    console_page: ConsolePage, data_dir, url_copy_stored_on
):
    prefs = console_page.open_preferences()
    prefs.unlock()

    prefs.set_setting("Copy Session ID", False)
    prefs.save()

    saved = stored(data_dir)
    assert not saved.copy_session_id
    assert saved.copy_session_url
    assert saved.url_acknowledgement == url_copy_stored_on.url_acknowledgement


# -- cancel -----------------------------------------------------------------------


def cancel_by_click(qtbot: QtBot, dialog: QDialog) -> None:
    click(qtbot, named(dialog, QPushButton, "cancelButton"))


def cancel_by_escape(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)


@pytest.mark.parametrize("cancel", [cancel_by_click, cancel_by_escape], ids=["click", "esc"])
def test_cancel_discards_every_change(qtbot, hub, data_dir, cancel):
    dialog = unlocked_preferences(qtbot, hub)
    before = settings_and_stamp(data_dir)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
    tick(qtbot, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), OTHER_URL_BASE)

    with qtbot.assertNotEmitted(hub.settings_changed):
        cancel(qtbot, dialog)

    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert settings_and_stamp(data_dir) == before


# -- Session URL base --------------------------------------------------------------


def test_a_non_https_url_base_is_refused_until_corrected(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)
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
    assert blocked.text() == "To save, fix the Session URL base."

    retype(qtbot, edit, "https://x.example.com/")

    assert not error.isVisible()
    assert not blocked.isVisible()
    assert save.isEnabled()


def test_the_url_base_error_reads_as_one_sentence(qtbot, hub):
    dialog = unlocked_preferences(qtbot, hub)

    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")

    error = named(dialog, QLabel, "sessionUrlBaseError").text()
    assert error == HTTPS_ONLY


@pytest.mark.parametrize(
    "url_base", ["http://127.0.0.1:9000/join/", "http://localhost/join/"], ids=["ip", "name"]
)
def test_plain_http_on_this_machine_is_a_url_base_for_a_local_demo(qtbot, hub, url_base):
    dialog = unlocked_preferences(qtbot, hub)

    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), url_base)

    assert not named(dialog, QLabel, "sessionUrlBaseError").isVisible()
    assert named(dialog, QPushButton, "saveButton").isEnabled()


# -- saving reaches every window -----------------------------------------------------


def test_save_updates_the_open_console_at_once(qtbot, hub, console):
    dialog = unlocked_preferences(qtbot, hub, console)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))

    with qtbot.waitSignal(hub.settings_changed, timeout=SAVE_TIMEOUT_MS) as changed:
        click(qtbot, named(dialog, QPushButton, "saveButton"))

    assert not changed.args[0].copy_session_id
    # The console heard it from the save's own answer, before any poll of the store.
    hint = named(console, QLabel, "copyHintLabel")
    assert "Copying session details is turned off." in hint.text()


def test_the_console_says_the_settings_were_saved(console_page: ConsolePage):
    prefs = console_page.open_preferences()
    prefs.unlock()
    prefs.set_setting("Copy Session ID", False)
    assert console_page.status_message == ""

    prefs.save()

    assert not prefs.is_open
    assert console_page.status_message == SETTINGS_SAVED == "Settings saved."


def test_a_refused_save_says_nothing_was_saved(qtbot, quiet_hub, data_dir, console):
    dialog = unlocked_preferences(qtbot, quiet_hub, console)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)
    change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)

    save_and_answer_box(qtbot, dialog)

    assert console.statusBar().currentMessage() != SETTINGS_SAVED


def test_ctrl_comma_opens_preferences_from_the_console_and_saves(
    console_page: ConsolePage, data_dir
):
    prefs = console_page.open_preferences()
    assert prefs.dialog.objectName() == "preferencesDialog"
    assert prefs.dialog.parentWidget() is console_page.window
    prefs.unlock()

    prefs.turn_url_copy_on()

    assert stored(data_dir).copy_session_url
    buttons = console_page.hover_customer().buttons()
    assert buttons == ["Copy Session ID", "Copy Session URL", "Copy both", "Resend invite"]


# -- saving never waits on the GUI thread -------------------------------------------------


class GuardedStore:
    """The demo store, refusing any call on the GUI thread; a save waits at a gate.

    ``saving`` is set once a save reached the store (on the hub's worker);
    the save goes on when the test opens ``gate``.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.on_gui_thread: list[str] = []
        self.saving = threading.Event()
        self.gate = threading.Event()

    def _check(self, name: str) -> None:
        if threading.current_thread() is threading.main_thread():
            self.on_gui_thread.append(name)
            raise AssertionError(f"store.{name} was called on the GUI thread")

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if not callable(found):
            return found

        def guarded(*args: Any, **kwargs: Any) -> Any:
            self._check(name)
            return found(*args, **kwargs)

        return guarded

    def save_settings(self, settings: CopySettings, *, admin: AdminSession | None = None) -> Any:
        self._check("save_settings")
        self.saving.set()
        assert self.gate.wait(timeout=30), "the test never let the save go on"
        return self._store.save_settings(settings, admin=admin)


@pytest.fixture
def guarded_store(demo_store: Store) -> Iterator[GuardedStore]:
    guarded = GuardedStore(demo_store)
    yield guarded
    guarded.gate.set()  # a failing test must not leave the hub's worker waiting


@pytest.fixture
def guarded_hub(demo_store: Store, guarded_store: GuardedStore) -> Iterator[StoreHub]:
    hub = StoreHub(
        guarded_store,  # type: ignore[arg-type]
        settings=demo_store.load_settings(),
        sessions=demo_store.list_sessions(),
    )
    yield hub
    guarded_store.gate.set()
    hub.close()
    hub.deleteLater()


def test_saving_leaves_the_gui_thread_free_and_holds_the_edits_still(
    qtbot, guarded_store, guarded_hub, data_dir
):
    dialog = unlocked_preferences(qtbot, guarded_hub)
    id_check = named(dialog, QCheckBox, "copySessionIdCheck")
    tick(qtbot, id_check)
    save = named(dialog, QPushButton, "saveButton")

    click(qtbot, save)
    qtbot.waitUntil(guarded_store.saving.is_set, timeout=SAVE_TIMEOUT_MS)

    # The store is answering: Save waits for it, and what is being saved cannot change.
    assert not save.isEnabled()
    assert not named(dialog, QPushButton, "cancelButton").isEnabled()
    blocked = named(dialog, QLabel, "saveBlockedLabel")
    assert blocked.isVisible()
    assert blocked.text() == "Saving…"
    tick(qtbot, id_check)
    assert not id_check.isChecked()
    cancel_by_escape(qtbot, dialog)
    assert dialog.isVisible()
    # The dialog still answers the admin: another section can be picked meanwhile.
    nav = named(dialog, QTreeWidget, "preferencesNav")
    section = nav.topLevelItem(0)
    spot = nav.visualItemRect(section).center()
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: nav.currentItem() is section)
    assert stored(data_dir).copy_session_id

    with qtbot.waitSignal(dialog.accepted, timeout=SAVE_TIMEOUT_MS):
        guarded_store.gate.set()

    assert not stored(data_dir).copy_session_id
    assert guarded_store.on_gui_thread == []


# -- saves that cannot happen ----------------------------------------------------------


@pytest.fixture
def impatient_store(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A demo store that gives up on a lock after 100 ms instead of 3 s."""
    monkeypatch.setattr("collab_console.store.sqlite.BUSY_TIMEOUT_MS", 100)
    opened = open_store(data_dir, create=True)
    seed_demo(opened)
    init_admin(opened, ADMIN, passphrase_for(ADMIN), actor=SETUP_ACTOR)
    yield opened
    opened.close()


@pytest.fixture
def impatient_hub(impatient_store: Store) -> Iterator[StoreHub]:
    hub = quiet_hub_on(impatient_store)
    yield hub
    hub.close()
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
    qtbot, impatient_hub, impatient_store, data_dir
):
    dialog = unlocked_preferences(qtbot, impatient_hub)
    before = settings_and_stamp(data_dir)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)

    with locked(impatient_store):
        icon, title, text = save_and_answer_box(qtbot, dialog)

    assert icon == QMessageBox.Icon.Critical
    assert title == "Settings not saved"
    assert "locked" in text
    assert text.endswith("\n\nNothing was changed.")
    assert dialog.isVisible()
    assert shown_choices(dialog) == URL_INSTEAD_OF_ID
    assert named(dialog, QPushButton, "saveButton").isEnabled()
    assert settings_and_stamp(data_dir) == before


# -- another admin saved meanwhile ------------------------------------------------------


def test_a_save_after_another_admin_saved_names_them_and_writes_nothing(qtbot, quiet_hub, data_dir):
    dialog = unlocked_preferences(qtbot, quiet_hub)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)
    change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)
    theirs = settings_and_stamp(data_dir)
    their_time = theirs[1]
    assert their_time is not None

    icon, title, text = save_and_answer_box(qtbot, dialog)

    assert icon == QMessageBox.Icon.Warning
    assert title == "Settings changed meanwhile"
    assert text.startswith("admin.sam changed these settings on ")
    assert f"{their_time:%Y-%m-%d} at {their_time:%H:%M} UTC" in text
    assert f"They changed: Session URL base ({OTHER_URL_BASE})." in text
    assert "Copy Session" not in text  # what they left alone is not named
    # Nothing of this admin's reached the store.
    assert settings_and_stamp(data_dir) == theirs
    assert [entry for entry in audit_by(data_dir, ADMIN) if entry[0] in SETTING_KINDS] == []
    # The dialog shows their value, with this admin's choices on top.
    assert dialog.isVisible()
    assert named(dialog, QLineEdit, "sessionUrlBaseEdit").text() == OTHER_URL_BASE
    assert shown_choices(dialog) == URL_INSTEAD_OF_ID
    assert named(dialog, QPushButton, "saveButton").isEnabled()


def test_saving_again_after_changed_meanwhile_keeps_both_changes(qtbot, quiet_hub, data_dir):
    dialog = unlocked_preferences(qtbot, quiet_hub)
    choose_url_copy_instead_of_id_copy(qtbot, dialog)
    change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)
    save_and_answer_box(qtbot, dialog)

    # The admin reviews what the dialog shows and saves again, as the warning asks.
    save_and_close(qtbot, dialog)

    saved = stored(data_dir)
    assert saved.session_url_base == OTHER_URL_BASE, (
        "saving again silently reverted the other admin's Session URL base"
    )
    assert not saved.copy_session_id
    assert saved.copy_session_url
    assert saved.url_acknowledgement is not None
    assert saved.url_acknowledgement.by == ADMIN


def test_a_change_saved_elsewhere_shows_at_once_where_the_admin_edited_nothing(
    qtbot, hub, data_dir
):
    dialog = unlocked_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionIdCheck"))

    with qtbot.waitSignal(hub.settings_changed, timeout=POLL_TIMEOUT_MS):
        change_settings_elsewhere(
            data_dir, session_url_base=OTHER_URL_BASE, acknowledged=True, copy_session_url=True
        )

    assert named(dialog, QLineEdit, "sessionUrlBaseEdit").text() == OTHER_URL_BASE
    assert named(dialog, QCheckBox, "copySessionUrlCheck").isChecked()
    assert not named(dialog, QFrame, "urlWarningFrame").isVisible()
    acknowledged = named(dialog, QLabel, "urlAcknowledgedLabel")
    assert acknowledged.isVisible()
    assert acknowledged.text().startswith("Security warning acknowledged by admin.sam on ")
    assert not named(dialog, QCheckBox, "copySessionIdCheck").isChecked()  # the admin's edit

    save_and_close(qtbot, dialog)  # nothing of theirs was hidden: no box

    saved = stored(data_dir)
    assert saved.session_url_base == OTHER_URL_BASE
    assert saved.copy_session_url
    assert saved.url_acknowledgement is not None
    assert saved.url_acknowledgement.by == "admin.sam"
    assert not saved.copy_session_id


def test_an_edit_over_a_change_saved_elsewhere_is_saved_only_once_the_admin_was_told(
    qtbot, hub, data_dir
):
    dialog = unlocked_preferences(qtbot, hub)
    edit = named(dialog, QLineEdit, "sessionUrlBaseEdit")
    retype(qtbot, edit, MY_URL_BASE)

    with qtbot.waitSignal(hub.settings_changed, timeout=POLL_TIMEOUT_MS):
        change_settings_elsewhere(data_dir, session_url_base=OTHER_URL_BASE)

    assert edit.text() == MY_URL_BASE
    icon, title, text = save_and_answer_box(qtbot, dialog)
    assert icon == QMessageBox.Icon.Warning
    assert title == "Settings changed meanwhile"
    assert text.startswith("admin.sam changed these settings")
    assert f"Session URL base ({OTHER_URL_BASE})" in text
    assert stored(data_dir).session_url_base == OTHER_URL_BASE

    save_and_close(qtbot, dialog)

    assert stored(data_dir).session_url_base == MY_URL_BASE
