"""The New session dialog: a customer's name and phone or e-mail."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyle,
    QStyleOptionFrame,
    QVBoxLayout,
    QWidget,
)

from collab_console.core import clock
from collab_console.core.domain import Session, parse_contact, validate_name
from collab_console.core.errors import CollabConsoleError, ValidationError
from collab_console.core.events import SessionStarted
from collab_console.core.identity import current_user
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style

#: QLineEdit's own space between its frame and its text, on each side (QLineEditPrivate).
_LINE_EDIT_TEXT_MARGIN = 2


def fit_placeholder(edit: QLineEdit) -> None:
    """Make ``edit`` at least wide enough to show its whole placeholder in its own font."""
    margins = edit.textMargins()
    metrics = edit.fontMetrics()
    text_width = (
        metrics.horizontalAdvance(edit.placeholderText())
        + 2 * _LINE_EDIT_TEXT_MARGIN
        + margins.left()
        + margins.right()
        + metrics.averageCharWidth()  # room for the cursor
    )
    option = QStyleOptionFrame()
    option.initFrom(edit)
    style = edit.style()
    option.lineWidth = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option, edit)
    option.midLineWidth = 0
    option.state |= QStyle.StateFlag.State_Sunken
    size = style.sizeFromContents(
        QStyle.ContentsType.CT_LineEdit, option, QSize(text_width, metrics.height()), edit
    )
    edit.setMinimumWidth(size.width())


class NewSessionDialog(QDialog):
    """Starts an active session; ``created`` holds it after the dialog is accepted.

    The store call runs through the hub, off the GUI thread: the dialog stays
    responsive and Start session stays disabled until the store has answered.
    """

    def __init__(self, hub: StoreHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.created: Session | None = None
        self.setObjectName("newSessionDialog")
        self.setWindowTitle(QCoreApplication.translate("NewSessionDialog", "New session"))
        self.form = load_form("new_session", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.name_edit = child(self.form, QLineEdit, "customerNameEdit")
        self.contact_edit = child(self.form, QLineEdit, "customerContactEdit")
        self.name_edit.setAccessibleName(
            QCoreApplication.translate("NewSessionDialog", "Customer name")
        )
        self.contact_edit.setAccessibleName(
            QCoreApplication.translate("NewSessionDialog", "Phone or e-mail")
        )
        fit_placeholder(self.contact_edit)
        self.error_label = child(self.form, QLabel, "newSessionError")
        self.error_label.setStyleSheet(error_style(self.error_label.palette()))
        self._starting = False
        buttons = child(self.form, QDialogButtonBox, "newSessionButtons")
        self.start_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Ok,
            "startSessionButton",
            QCoreApplication.translate("NewSessionDialog", "Start session"),
        )
        box_button(
            buttons,
            QDialogButtonBox.StandardButton.Cancel,
            "cancelButton",
            QCoreApplication.translate("NewSessionDialog", "Cancel"),
        )
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
        self.start_button.setEnabled(not problem and not self._starting)

    def start(self) -> None:
        if self._problem() or self._starting:
            return
        self._starting = True
        self._update()
        name, contact, actor = self.name_edit.text(), self.contact_edit.text(), current_user()
        self.hub.call(
            lambda store: store.start_session(
                customer_name=name, contact=contact, now=clock.now(), actor=actor
            ),
            self._started,
            self._failed,
        )

    def _started(self, result: tuple[Session, SessionStarted]) -> None:
        self.created = result[0]
        from collab_console.core.logs import log_event

        log_event("session %s started in the console", self.created.session_id)
        self.accept()

    def _failed(self, error: CollabConsoleError) -> None:
        self._starting = False
        self._update()
        QMessageBox.critical(
            self,
            QCoreApplication.translate("NewSessionDialog", "Session not started"),
            error.sentence,
        )
