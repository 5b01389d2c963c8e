"""The agent's session list: which sessions there are, and which one is chosen."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Signal
from PySide6.QtWidgets import QListView

from collab_console.core.delivery import Delivery
from collab_console.core.domain import SessionSummary
from collab_console.gui.models import SESSION_ID_ROLE, SessionListModel, filter_rows
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.session_delegate import RowDelegate
from collab_console.gui.store_hub import StoreHub


class SessionListPanel(QObject):
    """Keeps the list view in step with the store's events; says which session is chosen.

    Signals:
        chosen(str | None): the Session ID of the current row, or None.

    Rows change by row operations, so the current row survives other sessions
    starting or ending. A filter hides the rows whose customer and Session ID
    do not match it; the rows stay in the model. It reads nothing from the
    store itself.
    """

    chosen = Signal(object)

    def __init__(
        self, view: QListView, hub: StoreHub, privacy: PrivacyScreen | None = None
    ) -> None:
        super().__init__(view)
        self.view = view
        self.model = SessionListModel(privacy)
        view.setModel(self.model)
        view.setItemDelegate(RowDelegate(view))
        self._current: str | None = None
        self._filter = ""
        view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.rowsInserted.connect(self._refilter)
        self.model.rowsMoved.connect(self._refilter)
        self.model.modelReset.connect(self._refilter)
        hub.session_started.connect(self._changed)
        hub.session_ended.connect(self._changed)
        hub.sessions_reloaded.connect(self._reloaded)
        hub.deliveries_changed.connect(self._invitations_changed)
        if hub.sessions is not None:
            self._reloaded(hub.sessions)

    @property
    def current(self) -> str | None:
        return self._current

    def select(self, session_id: str) -> None:
        row = self.model.row_of(session_id)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def set_filter(self, text: str) -> None:
        """Show only the sessions whose customer name or Session ID contain ``text``."""
        self._filter = text
        self._refilter()

    def _refilter(self, *_: object) -> None:
        filter_rows(self.view, self.model, self._filter)

    def _changed(self, summary: SessionSummary) -> None:
        self.model.upsert(summary)
        self._choose_first_if_none()

    def _invitations_changed(self, session_id: str, deliveries: Mapping[str, Delivery]) -> None:
        """The customer's invitation may have moved on: that row, and only it, follows."""
        row = self.model.row_of(session_id)
        if row < 0:
            return
        summary = self.model.item(row)
        invite = deliveries.get(session_id)  # the customer's own ID is the Session ID
        if summary.invite != invite:
            self.model.upsert(summary.replace(invite=invite))

    def _reloaded(self, sessions: list[SessionSummary]) -> None:
        self.model.set_sessions(sessions)
        self._choose_first_if_none()

    def _choose_first_if_none(self) -> None:
        if self._current is None and self.model.rowCount():
            self.select(self.model.item(0).session_id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        session_id = current.data(SESSION_ID_ROLE) if current.isValid() else None
        if session_id != self._current:
            self._current = session_id
            self.chosen.emit(session_id)
