"""The list models: what the views show and read out for each row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.gui import models
from collab_console.gui.models import ParticipantsModel, SessionListModel


@pytest.mark.parametrize(
    ("number", "role"),
    [
        (models.DISPLAY_ROLE, Qt.ItemDataRole.DisplayRole),
        (models.TOOLTIP_ROLE, Qt.ItemDataRole.ToolTipRole),
        (models.FOREGROUND_ROLE, Qt.ItemDataRole.ForegroundRole),
        (models.ACCESSIBLE_TEXT_ROLE, Qt.ItemDataRole.AccessibleTextRole),
        (models.USER_ROLE, Qt.ItemDataRole.UserRole),
    ],
)
def test_role_numbers_are_qts_own(number, role):
    assert number == role.value


def test_participant_rows_show_and_read_out_the_name(demo_store):
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    model = ParticipantsModel()
    model.set_participants(session.participants)
    index = model.index(1, 0)
    assert model.rowCount() == 3
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Grace Kim"
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Grace Kim"
    assert index.data(models.PARTICIPANT_ROLE).access_id == f"{DEMO_ACTIVE_ID}-P2"


def test_session_rows_put_active_first_and_grey_out_ended(demo_store):
    model = SessionListModel()
    model.set_sessions(demo_store.list_sessions())
    active, ended = model.index(0, 0), model.index(1, 0)
    assert active.data(models.SESSION_ID_ROLE) == DEMO_ACTIVE_ID
    assert active.data(Qt.ItemDataRole.DisplayRole) == f"Dana Levi\n{DEMO_ACTIVE_ID} · Active"
    assert active.data(Qt.ItemDataRole.ToolTipRole) == "Invite failed: SMS blocked"
    assert active.data(Qt.ItemDataRole.ForegroundRole) is None
    assert ended.data(models.SESSION_ID_ROLE) == DEMO_ENDED_ID
    assert ended.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.row_of(DEMO_ENDED_ID) == 1
