"""The chosen session: its header, its Document participants and what the agent may do."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QStackedWidget, QToolButton, QWidget

from collab_console.core.delivery import Delivery, delivery_label
from collab_console.core.domain import Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import isolate
from collab_console.core.policy import (
    card_plan,
    copy_actions,
    nothing_to_copy_reason,
    withheld_reasons,
)
from collab_console.gui.forms import child, icon
from collab_console.gui.lobby_panel import LobbyPanel
from collab_console.gui.models import ParticipantsModel, filter_rows
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.session_delegate import RowDelegate, elide
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style

#: Marked in the "SessionView" context; translated where shown (:func:`_tr`).
COPY_HINT = str(
    QT_TRANSLATE_NOOP(
        "SessionView", "Point at the customer icon or a participant to copy session details."
    )
)
#: With copying turned off, what the card still offers (before the core's reason why).
RESEND_HINT = str(
    QT_TRANSLATE_NOOP(
        "SessionView", "Point at the customer icon or a participant to resend their invite."
    )
)
#: The same when no document participant has a phone or e-mail to resend to.
RESEND_CUSTOMER_HINT = str(
    QT_TRANSLATE_NOOP("SessionView", "Point at the customer icon to resend the customer's invite.")
)
READING_POLICY = str(QT_TRANSLATE_NOOP("SessionView", "Reading the copy settings from the store…"))
NO_PARTICIPANTS = str(QT_TRANSLATE_NOOP("SessionView", "No other participants in this session."))


def _tr(text: str) -> str:
    """``text`` (marked in the "SessionView" context) in the console's language."""
    return QCoreApplication.translate("SessionView", text)


class SessionView(QObject):
    """Shows one session as the store last gave it; loads it through the hub.

    Signals:
        shown(Session | None): the session now on screen (also after it changed).
        problem(str): a session could not be read; the message says why.

    It asks the core what may be copied for the hint (and, with nothing to copy,
    whether the card still offers Resend invite); it decides nothing itself.
    Its lobby bar (``lobby``, a :class:`LobbyPanel`) shows who asks to join the
    shown session, and ``links_button`` opens its links, ``add_button`` the Add
    participant dialog (the console connects them).
    The header says where the customer's invitation stands (``Delivery.label``,
    in bold red when it failed); each participant row says theirs. Both follow
    the store live: a change of an invitation updates the header and the rows it
    concerns in place (``StoreHub.deliveries_changed``), a person added is a row
    inserted, so a card open on a row stays open.
    The customer's name is elided to the header's width (the full name is in
    its tooltip and accessible name), so no name widens the window. With the
    privacy screen on, names and IDs are shown masked. A filter hides the
    participant rows that do not match it (``setRowHidden``: view rows stay
    model rows, which the copy card relies on).
    """

    shown = Signal(object)
    problem = Signal(str)

    def __init__(self, form: QWidget, hub: StoreHub, privacy: PrivacyScreen | None = None) -> None:
        super().__init__(form)
        self.hub = hub
        self.privacy = privacy if privacy is not None else PrivacyScreen(parent=self)
        self.session: Session | None = None
        self._wanted: str | None = None
        self._filter = ""
        self._hiding = False
        self._full_name = ""
        self.stack = child(form, QStackedWidget, "sessionStack")
        self.page = child(form, QWidget, "sessionPage")
        self.customer_icon = child(form, QToolButton, "customerIcon")
        self.customer_name = child(form, QLabel, "customerNameLabel")
        self.state_label = child(form, QLabel, "sessionStateLabel")
        self.invite_label = child(form, QLabel, "inviteStatusLabel")
        self.copy_hint = child(form, QLabel, "copyHintLabel")
        self.participants_view = child(form, QListView, "documentParticipantsView")
        self.no_participants = child(form, QLabel, "noParticipantsLabel")
        self.end_button = child(form, QPushButton, "endSessionButton")
        self.links_button = child(form, QPushButton, "linksButton")
        self.add_button = child(form, QPushButton, "newParticipantButton")
        self.lobby = LobbyPanel(form, hub, self.privacy)

        self.participants_model = ParticipantsModel(self.privacy)
        self.participants_view.setModel(self.participants_model)
        self.participants_view.setItemDelegate(RowDelegate(self.participants_view))
        self.participants_view.setMouseTracking(True)
        self.customer_icon.setIcon(icon("customer.svg"))
        font = self.customer_name.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.customer_name.setFont(font)
        self.customer_name.installEventFilter(self)
        self.invite_label.installEventFilter(self)

        self.privacy.changed.connect(self._show_header)
        self.privacy.changed.connect(self.update_hint)

        hub.settings_changed.connect(self.update_hint)
        hub.policy_confirmed_changed.connect(self.update_hint)
        hub.session_ended.connect(lambda summary: self._reload_if_shown(summary.session_id))
        hub.session_started.connect(lambda summary: self._reload_if_shown(summary.session_id))
        hub.participant_added.connect(lambda session_id, _own_id: self._reload_if_shown(session_id))
        hub.deliveries_changed.connect(self._deliveries_changed)
        # Read afresh as a whole (a reconnection, or too much changed to tell): so is this one.
        hub.sessions_reloaded.connect(lambda _sessions: self._reload_if_shown(self._shown_id))
        self.show_session(None)

    def open(self, session_id: str | None) -> None:
        """Show ``session_id`` once the store has returned it (None: no session)."""
        self._wanted = session_id
        if session_id is None:
            self.show_session(None)
            return
        self.hub.call(
            lambda store: store.get_session(session_id),
            lambda session: self._loaded(session_id, session),
            lambda error: self._failed(session_id, error),
        )

    @property
    def _shown_id(self) -> str | None:
        return self.session.session_id if self.session is not None else None

    def _reload_if_shown(self, session_id: str | None) -> None:
        if session_id is not None and self._shown_id == session_id:
            self.open(session_id)

    def _deliveries_changed(self, session_id: str, deliveries: dict[str, Delivery]) -> None:
        """The shown session's invitations changed: show them, the session otherwise as is.

        An invitation of someone not on screen yet (added a moment ago) waits for that
        person's own event, which reads the whole session.
        """
        session = self.session
        if session is None or session.session_id != session_id or session_id != self._wanted:
            return
        people = {person.access_id for person in session.everyone}
        known = {key: value for key, value in deliveries.items() if key in people}
        if known != dict(session.deliveries):
            self.show_session(session.replace(deliveries=known))

    def _loaded(self, session_id: str, session: Session) -> None:
        if session_id == self._wanted and session != self.session:
            self.show_session(session)

    def _failed(self, session_id: str, error: CollabConsoleError) -> None:
        if session_id == self._wanted:
            self.problem.emit(error.sentence)

    def show_session(self, session: Session | None) -> None:
        self.session = session
        self.lobby.show_session(session)
        if session is None:
            self.stack.setCurrentIndex(0)
            self.end_button.setEnabled(False)
            self.links_button.setEnabled(False)
            self.add_button.setEnabled(False)
            self.shown.emit(None)
            return
        self.stack.setCurrentWidget(self.page)
        self._show_header()
        self._show_invite(session.invite)
        self.participants_model.set_participants(session.participants, session.deliveries)
        self._refilter()
        self.end_button.setEnabled(session.is_active)
        self.add_button.setEnabled(session.is_active)
        self.links_button.setEnabled(True)  # an ended session's links can still be looked at
        self.update_hint()
        self.shown.emit(session)

    def _show_header(self, *_: object) -> None:
        """The customer's name and the Session ID, masked while the privacy screen is on."""
        session = self.session
        if session is None:
            return
        self._full_name = self.privacy.name(session.customer.name)
        self._elide_name()
        self.customer_name.setAccessibleName(self._full_name)
        self.customer_icon.setAccessibleName(
            QCoreApplication.translate("SessionView", "Customer: {name}").format(
                name=self._full_name
            )
        )
        session_id = isolate(self.privacy.access_id(session.session_id))
        self.state_label.setText(
            QCoreApplication.translate("SessionView", "{state} · Session {session_id}").format(
                state=session.state.label, session_id=session_id
            )
        )

    def _show_invite(self, invite: Delivery | None) -> None:
        """Where the customer's invitation stands, with why when it failed (bold red)."""
        text = delivery_label(invite)
        label = self.invite_label
        label.setText(text)
        label.setAccessibleName(
            QCoreApplication.translate("SessionView", "Customer's invitation: {status}").format(
                status=text
            )
        )
        failed = invite is not None and invite.failed
        label.setStyleSheet(error_style(label.palette(), bold=True) if failed else "")
        self._fit_invite()

    def _elide_name(self) -> None:
        label, name = self.customer_name, self._full_name
        width = label.contentsRect().width()
        shown = elide(label.fontMetrics(), name, width) if width > 0 else name
        label.setText(shown)
        label.setToolTip(name if shown != name else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            if watched is self.customer_name:
                self._elide_name()
            elif watched is self.invite_label:
                self._fit_invite()
        return False

    def _fit_invite(self) -> None:
        """As tall as the wrapped reason: the header's layout does not ask a label
        that ignores its width hint for its height at that width."""
        label = self.invite_label
        height = label.heightForWidth(label.width())
        if height > 0 and height != label.minimumHeight():
            label.setMinimumHeight(height)

    def set_filter(self, text: str) -> None:
        """Show only the participants whose name, ID or contact contain ``text``."""
        self._filter = text.strip()
        self._refilter()

    def _refilter(self) -> None:
        session = self.session
        people = session.participants if session is not None else ()
        visible = len(people)
        if self._filter or self._hiding:
            visible = filter_rows(self.participants_view, self.participants_model, self._filter)
            self._hiding = bool(self._filter)
        if people and not visible:
            self.no_participants.setText(
                QCoreApplication.translate(
                    "SessionView", "No participant matches “{filter}”."
                ).format(filter=self._filter)
            )
        else:
            self.no_participants.setText(_tr(NO_PARTICIPANTS))
        self.no_participants.setVisible(not visible)
        self.participants_view.setVisible(bool(visible))

    def update_hint(self, *_: object) -> None:
        session, settings = self.session, self.hub.settings
        if session is None:
            return
        if settings is None:
            self.copy_hint.setText(_tr(READING_POLICY))
            return
        confirmed = self.hub.policy_confirmed
        if not copy_actions(settings, session, session.customer, policy_confirmed=confirmed):
            reason = nothing_to_copy_reason(settings, session)
            masked_id = self.privacy.access_id(session.session_id)
            resend = self._resend_hint()
            self.copy_hint.setText(
                " ".join(filter(None, (resend, reason.replace(session.session_id, masked_id))))
            )
            return
        withheld = withheld_reasons(settings, session, session.customer, policy_confirmed=confirmed)
        extra = "".join(f" {reason[:1].upper()}{reason[1:]}." for reason in withheld)
        self.copy_hint.setText(_tr(COPY_HINT) + extra)

    def _resend_hint(self) -> str:
        """With nothing to copy, where the card still offers Resend invite ("" nowhere):
        the hint leads with what the agent can do, then says why copying is off."""
        session, settings = self.session, self.hub.settings
        if session is None or settings is None:
            return ""
        confirmed = self.hub.policy_confirmed
        resends = [
            card_plan(settings, session, person, policy_confirmed=confirmed).can_resend
            for person in session.everyone
        ]
        if any(resends[1:]):
            return _tr(RESEND_HINT)
        return _tr(RESEND_CUSTOMER_HINT) if resends[0] else ""
