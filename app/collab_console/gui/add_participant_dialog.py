"""Add participant…: a document participant's name and phone or e-mail; their invitation queues."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from collab_console.core import clock
from collab_console.core import text as text_rules
from collab_console.core.domain import MAX_NAME_LENGTH, Participant, Session, parse_contact
from collab_console.core.errors import CollabConsoleError, ValidationError
from collab_console.core.events import InvitationsChanged, ParticipantAdded
from collab_console.core.i18n import _, isolate
from collab_console.core.identity import current_user
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.new_session_dialog import fit_placeholder
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style
from collab_console.store.errors import StoreUnavailableError

ADD_TEXT = str(QT_TRANSLATE_NOOP("AddParticipantDialog", "Add participant"))
ADDING_TEXT = str(QT_TRANSLATE_NOOP("AddParticipantDialog", "Adding…"))


class AddParticipantDialog(QDialog):
    """Adds a document participant to ``session``; ``added`` holds them once accepted.

    What is typed is checked as it is typed, by the core's own rules: the name
    (and that nobody in the session has it already, in any case) and the
    contact (``core.domain.parse_contact``, whose sentence shows under the
    fields). The store call (``Store.add_participant``, which queues their
    invitation in the same transaction) runs through the hub, off the GUI
    thread; Add participant stays disabled until the store has answered. A
    refusal by the store (a name taken meanwhile) shows under the fields and
    the dialog stays open; a store that cannot be reached is a message box.

    With the privacy screen on (``privacy``; by default the one of the window
    it opens over, if any), the title, the sentences under the fields and the
    message box show names and the Session ID masked, as the console does; it
    follows the screen switched while it is open. What is typed stays as typed.
    """

    def __init__(
        self,
        hub: StoreHub,
        session: Session,
        parent: QWidget | None = None,
        privacy: PrivacyScreen | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.session = session
        self.added: Participant | None = None
        if privacy is None and parent is not None:
            privacy = parent.findChild(
                PrivacyScreen, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
        self.privacy = privacy if privacy is not None else PrivacyScreen(parent=self)
        self.setObjectName("addParticipantDialog")
        self.form = load_form("add_participant", self)
        QVBoxLayout(self).addWidget(self.form)
        # Wide enough that the validators' sentences (a phone number in them) wrap little.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.name_edit = child(self.form, QLineEdit, "participantNameEdit")
        self.contact_edit = child(self.form, QLineEdit, "participantContactEdit")
        self.name_edit.setAccessibleName(QCoreApplication.translate("AddParticipantDialog", "Name"))
        self.contact_edit.setAccessibleName(
            QCoreApplication.translate("AddParticipantDialog", "Phone or e-mail")
        )
        fit_placeholder(self.contact_edit)
        self.error_label = child(self.form, QLabel, "addParticipantError")
        self.error_label.setStyleSheet(error_style(self.error_label.palette()))
        buttons = child(self.form, QDialogButtonBox, "addParticipantButtons")
        self.add_button = box_button(
            buttons, QDialogButtonBox.StandardButton.Ok, "addParticipantButton", _tr(ADD_TEXT)
        )
        box_button(
            buttons,
            QDialogButtonBox.StandardButton.Cancel,
            "cancelButton",
            QCoreApplication.translate("AddParticipantDialog", "Cancel"),
        )
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        self._adding = False
        #: What the store refused last, shown until the fields change.
        self._refused = ""
        self.name_edit.textChanged.connect(self._edited)
        self.contact_edit.textChanged.connect(self._edited)
        self.privacy.changed.connect(self._rewrite)
        self._rewrite()

    def _rewrite(self, *_: object) -> None:
        """The title and the sentence under the fields, as the screen may show them now."""
        shown_id = self.privacy.access_id(self.session.session_id)
        self.setWindowTitle(
            QCoreApplication.translate(
                "AddParticipantDialog", "Add participant to session {session_id}"
            ).format(session_id=isolate(shown_id))
        )
        self._update()

    def _shown(self, sentence: str, *, from_store: bool = False) -> str:
        """``sentence`` as the screen may show it: the Session ID and people's names masked
        while the privacy screen is on. A sentence ``from_store`` may name someone added
        since the dialog opened: the name typed is masked too, in whatever case the store
        spells it."""
        if not self.privacy.masked:
            return sentence
        session_id = self.session.session_id
        sentence = sentence.replace(session_id, self.privacy.access_id(session_id))
        names = {person.name for person in self.session.everyone}
        if from_store:
            names.add(" ".join(self.name_edit.text().split()))
        for name in sorted(filter(None, names), key=len, reverse=True):
            sentence = re.sub(
                rf"(?<!\w){re.escape(name)}(?!\w)",
                lambda match: self.privacy.name(match.group(0)),
                sentence,
                flags=re.IGNORECASE,
            )
        return sentence

    def _problem(self) -> str:
        try:
            name = text_rules.clean_name(
                self.name_edit.text(), what=_("the participant's name"), max_length=MAX_NAME_LENGTH
            )
            taken = {person.name.casefold(): person.name for person in self.session.everyone}
            if name.casefold() in taken:
                raise ValidationError(
                    QCoreApplication.translate(
                        "AddParticipantDialog", "{name} is already in this session"
                    ).format(name=taken[name.casefold()])
                )
            parse_contact(self.contact_edit.text())
        except ValidationError as exc:
            return exc.sentence
        return ""

    def _edited(self) -> None:
        self._refused = ""
        self._update()

    def _update(self) -> None:
        problem = self._refused or self._problem()
        touched = bool(self.name_edit.text() or self.contact_edit.text())
        shown = self._shown(problem, from_store=bool(self._refused))
        set_text(self.error_label, shown if touched else "")
        set_text(self.add_button, _tr(ADDING_TEXT if self._adding else ADD_TEXT))
        self.add_button.setEnabled(not problem and not self._adding)

    def add(self) -> None:
        if self._problem() or self._adding:
            return
        self._adding = True
        self._update()
        session_id, actor = self.session.session_id, current_user()
        name, contact = self.name_edit.text(), self.contact_edit.text()
        self.hub.call(
            lambda store: store.add_participant(
                session_id, name=name, contact=contact, actor=actor, now=clock.now()
            ),
            self._added,
            self._failed,
        )

    def _added(
        self, result: tuple[Participant, ParticipantAdded, InvitationsChanged | None]
    ) -> None:
        self.added = result[0]
        from collab_console.core.logs import log_event

        log_event(
            "participant %s added to session %s", self.added.access_id, self.session.session_id
        )
        self.accept()

    def _failed(self, error: CollabConsoleError) -> None:
        self._adding = False
        if isinstance(error, StoreUnavailableError):
            self._update()
            QMessageBox.critical(
                self,
                QCoreApplication.translate("AddParticipantDialog", "Participant not added"),
                self._shown(error.sentence, from_store=True),
            )
            return
        self._refused = error.sentence
        self._update()


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("AddParticipantDialog", text)
