"""Asks the agent why a Session URL is copied for someone whose invitation did not fail."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from collab_console.core.errors import ValidationError
from collab_console.core.policy import clean_copy_reason
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.new_session_dialog import fit_placeholder

#: What the dialog says above the reason; ``{name}`` as the screen may show it.
INTRO = str(
    QT_TRANSLATE_NOOP(
        "CopyReasonDialog",
        "{name}'s invitation did not fail. The Session URL is for invitations that could not "
        "be delivered; if the link was only lost, use Resend invite instead. Say in a few "
        "words why you copy it: the audit trail keeps your reason.",
    )
)


class CopyReasonDialog(QDialog):
    """The reason for one Session URL copy; ``reason`` holds it, cleaned, once accepted.

    Window-modal (``open()``), so the console's event loop runs on. Its OK
    button stays disabled, with the core's sentence under the field saying
    why, until :func:`~collab_console.core.policy.clean_copy_reason` accepts
    what is typed; Esc or Cancel rejects it, and then nothing is copied. It
    never copies anything itself.
    """

    def __init__(self, name: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = ""
        self.setObjectName("copyReasonDialog")
        self.setWindowTitle(
            QCoreApplication.translate("CopyReasonDialog", "{what}: why?").format(what=what)
        )
        self.form = load_form("copy_reason", self)
        QVBoxLayout(self).addWidget(self.form)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        set_text(child(self.form, QLabel, "copyReasonIntro"), _tr(INTRO).format(name=name))
        self.edit = child(self.form, QLineEdit, "copyReasonEdit")
        self.edit.setAccessibleName(QCoreApplication.translate("CopyReasonDialog", "Reason"))
        fit_placeholder(self.edit)
        self.hint = child(self.form, QLabel, "copyReasonHint")
        buttons = child(self.form, QDialogButtonBox, "copyReasonButtons")
        self.ok_button = box_button(
            buttons, QDialogButtonBox.StandardButton.Ok, "copyReasonButton", what
        )
        box_button(
            buttons,
            QDialogButtonBox.StandardButton.Cancel,
            "cancelButton",
            QCoreApplication.translate("CopyReasonDialog", "Cancel"),
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(self._update)
        self._update()
        self.edit.setFocus()

    def _problem(self) -> str:
        try:
            clean_copy_reason(self.edit.text())
        except ValidationError as exc:
            return exc.sentence
        return ""

    def _update(self) -> None:
        problem = self._problem()
        set_text(self.hint, problem)
        self.edit.setAccessibleDescription(problem)
        self.ok_button.setEnabled(not problem)

    def accept(self) -> None:
        try:
            self.reason = clean_copy_reason(self.edit.text())
        except ValidationError:
            return  # Enter with a reason the core refuses: the hint says why
        super().accept()


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("CopyReasonDialog", text)
