"""List models: thin adapters from core data to Qt's model/view. No rules here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from collab_console.core.domain import Participant, SessionState, SessionSummary

Index = QModelIndex | QPersistentModelIndex
# Qt.ItemDataRole values as plain numbers (fixed in Qt's ABI; a test checks them).
# The first paint asks for roles, and touching PySide6's Qt namespace then would
# build all of its enums: about 15 ms of start-up.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 256
PARTICIPANT_ROLE = USER_ROLE + 1
SESSION_ID_ROLE = USER_ROLE + 2


class ParticipantsModel(QAbstractListModel):
    """The Document participants of one session, one row each."""

    def __init__(self) -> None:
        super().__init__()
        self._people: tuple[Participant, ...] = ()

    def set_participants(self, people: tuple[Participant, ...]) -> None:
        self.beginResetModel()
        self._people = people
        self.endResetModel()

    def participant(self, row: int) -> Participant:
        return self._people[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        person = self._people[index.row()]
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
            return person.name
        if role == PARTICIPANT_ROLE:
            return person
        return None


class SessionListModel(QAbstractListModel):
    """The agent's sessions, in the order the store gives (active first)."""

    def __init__(self) -> None:
        super().__init__()
        self._sessions: Sequence[SessionSummary] = ()

    def set_sessions(self, sessions: Sequence[SessionSummary]) -> None:
        self.beginResetModel()
        self._sessions = tuple(sessions)
        self.endResetModel()

    def row_of(self, session_id: str) -> int:
        for row, summary in enumerate(self._sessions):
            if summary.session_id == session_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._sessions)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        summary = self._sessions[index.row()]
        if role == DISPLAY_ROLE:
            return f"{summary.customer_name}\n{summary.session_id} · {summary.state.label}"
        if role == ACCESSIBLE_TEXT_ROLE:
            return f"{summary.customer_name}, {summary.session_id}, {summary.state.label}"
        if role == TOOLTIP_ROLE:
            return summary.invite_status.label
        if role == FOREGROUND_ROLE and summary.state is not SessionState.ACTIVE:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == SESSION_ID_ROLE:
            return summary.session_id
        return None
