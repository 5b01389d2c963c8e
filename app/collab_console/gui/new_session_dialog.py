"""The New session dialog: a customer's name and phone or e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from collab_console.core.domain import Session, parse_contact, validate_name
from collab_console.core.errors import CollabConsoleError, ValidationError
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.store_hub import StoreHub
from collab_console.store import start_session


class NewSessionDialog(QDialog):
    """Starts an active session; ``created`` holds it after the dialog is accepted."""

    def __init__(self, hub: StoreHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.created: Session | None = None
        self.setObjectName("newSessionDialog")
        self.setWindowTitle("New session")
        self.form = load_form("new_session", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.name_edit = child(self.form, QLineEdit, "customerNameEdit")
        self.contact_edit = child(self.form, QLineEdit, "customerContactEdit")
        self.name_edit.setAccessibleName("Customer name")
        self.contact_edit.setAccessibleName("Phone or e-mail")
        self.error_label = child(self.form, QLabel, "newSessionError")
        self.error_label.setStyleSheet("color: #b3261e;")
        buttons = child(self.form, QDialogButtonBox, "newSessionButtons")
        self.start_button = box_button(
            buttons, QDialogButtonBox.StandardButton.Ok, "startSessionButton", "Start session"
        )
        box_button(buttons, QDialogButtonBox.StandardButton.Cancel, "cancelButton", "Cancel")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update)
        self.contact_edit.textChanged.connect(self._update)
        self._update()

    def _problem(self) -> str:
        try:
            validate_name(self.name_edit.text())
            parse_contact(self.contact_edit.text())
        except ValidationError as exc:
            return exc.sentence
        return ""

    def _update(self) -> None:
        problem = self._problem()
        touched = bool(self.name_edit.text() or self.contact_edit.text())
        set_text(self.error_label, problem if touched else "")
        self.start_button.setEnabled(not problem)

    def start(self) -> None:
        if self._problem():
            return
        try:
            self.created = start_session(
                self.hub.store,
                customer_name=self.name_edit.text(),
                contact=self.contact_edit.text(),
                now=datetime.now(UTC),
            )
        except CollabConsoleError as exc:
            QMessageBox.critical(self, "Session not started", str(exc))
            return
        self.accept()
