"""Preferences: Session › Tools › Copy session details, with the Session URL warning."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from collab_console.core.errors import CollabConsoleError
from collab_console.core.identity import current_user
from collab_console.core.settings import (
    COPY_SESSION_ID,
    COPY_SESSION_URL,
    SESSION_URL_BASE,
    SPECS_BY_KEY,
    URL_ACKNOWLEDGE_LABEL,
    URL_WARNING_TEXT,
    URL_WARNING_TITLE,
    CopySettings,
    SettingSpec,
    validate_url_base,
)
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.store_hub import StoreHub

ERROR_STYLE = "color: #b3261e;"


class PreferencesDialog(QDialog):
    """Edits the copy settings. Save stays disabled while URL copy is on unacknowledged.

    Turning URL copy off and on again within the dialog asks again; Cancel
    discards everything. Labels and help come from the settings declarations.
    """

    def __init__(self, hub: StoreHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.form = load_form("preferences", self)
        QVBoxLayout(self).addWidget(self.form)
        self.resize(780, 480)

        self.nav = child(self.form, QTreeWidget, "preferencesNav")
        self.pages = child(self.form, QStackedWidget, "preferencesPages")
        self.id_check = child(self.form, QCheckBox, "copySessionIdCheck")
        self.url_check = child(self.form, QCheckBox, "copySessionUrlCheck")
        self.warning_frame = child(self.form, QFrame, "urlWarningFrame")
        self.acknowledge_check = child(self.form, QCheckBox, "urlAcknowledgeCheck")
        self.acknowledged_label = child(self.form, QLabel, "urlAcknowledgedLabel")
        self.url_base_edit = child(self.form, QLineEdit, "sessionUrlBaseEdit")
        self.url_base_error = child(self.form, QLabel, "sessionUrlBaseError")
        self.save_blocked_label = child(self.form, QLabel, "saveBlockedLabel")
        buttons = child(self.form, QDialogButtonBox, "preferencesButtons")
        self.save_button = box_button(
            buttons, QDialogButtonBox.StandardButton.Save, "saveButton", "&Save"
        )
        box_button(buttons, QDialogButtonBox.StandardButton.Cancel, "cancelButton", "Cancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        self._label_from_spec(self.id_check, COPY_SESSION_ID)
        self._label_from_spec(self.url_check, COPY_SESSION_URL)
        label = child(self.form, QLabel, "sessionUrlBaseLabel")
        set_text(label, SESSION_URL_BASE.label)
        self.url_base_edit.setToolTip(SESSION_URL_BASE.help)
        self.url_base_edit.setAccessibleName(SESSION_URL_BASE.label)
        self._build_warning()
        self.url_base_error.setStyleSheet(ERROR_STYLE)
        self.save_blocked_label.setStyleSheet(ERROR_STYLE)

        self.nav.expandAll()
        session_item = self.nav.topLevelItem(0)
        self.nav.setCurrentItem(session_item.child(0))
        self.pages.setCurrentIndex(0)

        self._base = hub.settings
        self._load(self._base)
        self.url_check.toggled.connect(self._url_toggled)
        self.acknowledge_check.toggled.connect(self._update)
        self.id_check.toggled.connect(self._update)
        self.url_base_edit.textChanged.connect(self._update)
        self._update()

    @staticmethod
    def _label_from_spec(check: QCheckBox, spec: SettingSpec) -> None:
        set_text(check, spec.label)
        check.setToolTip(spec.help)

    def _build_warning(self) -> None:
        self.warning_frame.setStyleSheet(
            "#urlWarningFrame { background: #fff4e5; border: 1px solid #e0a030;"
            " border-radius: 4px; }"
        )
        title = child(self.form, QLabel, "urlWarningTitle")
        set_text(title, URL_WARNING_TITLE)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        set_text(child(self.form, QLabel, "urlWarningText"), URL_WARNING_TEXT)
        set_text(self.acknowledge_check, URL_ACKNOWLEDGE_LABEL)
        warning_icon = child(self.form, QLabel, "urlWarningIcon")
        pixmap = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32)
        warning_icon.setPixmap(pixmap)
        warning_icon.setAccessibleName("Warning")

    def _shown_values(self) -> dict[str, Any]:
        """What the dialog shows, keyed by setting (the URL base as typed)."""
        return {
            COPY_SESSION_ID.key: self.id_check.isChecked(),
            COPY_SESSION_URL.key: self.url_check.isChecked(),
            SESSION_URL_BASE.key: self.url_base_edit.text(),
        }

    def _edits(self) -> dict[str, Any]:
        """The settings this admin changed in the dialog, against what it was opened on."""
        edits = {}
        for key, shown in self._shown_values().items():
            try:
                value = SPECS_BY_KEY[key].parse(shown)
            except CollabConsoleError:
                value = shown  # invalid: certainly an edit (and Save is disabled)
            if value != self._base.value(key):
                edits[key] = value
        return edits

    def _load(self, settings: CopySettings, keep: Iterable[str] = ()) -> None:
        """Show ``settings``, except the settings named in ``keep`` (this admin's edits)."""
        if COPY_SESSION_ID.key not in keep:
            self.id_check.setChecked(settings.copy_session_id)
        if SESSION_URL_BASE.key not in keep:
            self.url_base_edit.setText(settings.session_url_base)
        if COPY_SESSION_URL.key not in keep:
            self.url_check.setChecked(settings.copy_session_url)
            self.acknowledge_check.setChecked(False)
            # A stored acknowledgement holds until URL copy is turned off in this dialog.
            self._needs_acknowledgement = settings.url_acknowledgement is None
        ack = settings.url_acknowledgement
        if ack is not None:
            set_text(
                self.acknowledged_label,
                f"Security warning acknowledged by {ack.by} on {ack.at:%Y-%m-%d %H:%M} UTC.",
            )

    def _url_toggled(self, on: bool) -> None:
        if not on:
            self._needs_acknowledgement = True
            self.acknowledge_check.setChecked(False)
        self._update()

    # -- state ------------------------------------------------------------------

    @property
    def acknowledgement_pending(self) -> bool:
        return (
            self.url_check.isChecked()
            and self._needs_acknowledgement
            and not self.acknowledge_check.isChecked()
        )

    def _url_base_problem(self) -> str:
        try:
            validate_url_base(self.url_base_edit.text())
        except CollabConsoleError as exc:
            return exc.sentence
        return ""

    def _update(self) -> None:
        asking = self.url_check.isChecked() and self._needs_acknowledgement
        self.warning_frame.setVisible(asking)
        self.acknowledged_label.setVisible(
            self.url_check.isChecked() and not self._needs_acknowledgement
        )
        url_problem = self._url_base_problem()
        set_text(self.url_base_error, url_problem)
        self.url_base_error.setVisible(bool(url_problem))
        if self.acknowledgement_pending:
            reason = f"To save with {COPY_SESSION_URL.label} on, tick “{URL_ACKNOWLEDGE_LABEL}”."
        elif url_problem:
            reason = f"To save, fix the {SESSION_URL_BASE.label}."
        else:
            reason = ""
        set_text(self.save_blocked_label, reason)
        self.save_blocked_label.setVisible(bool(reason))
        self.save_button.setEnabled(not reason)

    # -- saving -----------------------------------------------------------------

    def edited_settings(self) -> CopySettings:
        """The stored settings with this admin's edits applied (raises SettingsError)."""
        return self._base.changed(
            actor=current_user(),
            now=datetime.now(UTC),
            acknowledged=self._needs_acknowledgement and self.acknowledge_check.isChecked(),
            **self._edits(),
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            current = self.hub.store.load_settings()
            if current.updated_at != self._base.updated_at:
                self._changed_meanwhile(current)
                return
            settings = self.edited_settings()
            if settings.differs_from(self._base):
                self.hub.save_settings(settings)
        except CollabConsoleError as exc:
            QMessageBox.critical(self, "Settings not saved", f"{exc}\n\nNothing was changed.")
            return
        self.accept()

    def _changed_meanwhile(self, current: CopySettings) -> None:
        """Someone else saved: show their values, keep this admin's edits, save nothing yet."""
        edits = self._edits()
        self._base = current
        self._load(current, keep=edits)
        self._update()
        QMessageBox.warning(
            self,
            "Settings changed meanwhile",
            f"{current.updated_by} changed these settings while this dialog was open. "
            "The dialog now shows their values, with your own changes kept on top: "
            "review them and save again to apply them.",
        )
