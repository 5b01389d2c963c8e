"""The list models: what the views show and read out for each row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.gui import models
from collab_console.gui.models import ParticipantsModel, RowListModel, SessionListModel


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
    assert (
        active.data(Qt.ItemDataRole.DisplayRole) == f"Dana Levi\n{DEMO_ACTIVE_ID} · Active · Demo"
    )
    assert active.data(Qt.ItemDataRole.ToolTipRole) == "Invite failed: SMS blocked"
    assert active.data(Qt.ItemDataRole.ForegroundRole) is None
    assert ended.data(models.SESSION_ID_ROLE) == DEMO_ENDED_ID
    assert ended.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.row_of(DEMO_ENDED_ID) == 1


class NumberedRows(RowListModel[tuple[int, str]]):
    """The smallest concrete row model: rows of (number, version), keyed by number."""

    def __init__(self) -> None:
        super().__init__(key=lambda item: item[0])

    def data(self, index, role=models.DISPLAY_ROLE):
        return f"{self.item(index.row())}" if index.isValid() and role == 0 else None


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(st.integers(0, 30), unique=True, max_size=15),
    after=st.lists(st.integers(0, 30), unique=True, max_size=15),
    changed=st.sets(st.integers(0, 30)),
)
def test_sync_reaches_any_list_by_row_operations_that_keep_indexes(before, after, changed):
    """Whatever the change, the rows end as wanted; rows that stay keep their persistent
    index; Qt's model tester sees consistent signals; and lists that share a row are never
    reset."""
    model = NumberedRows()
    # Qt's own checker: an inconsistent signal is a Qt warning, and warnings fail the test.
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.sync([(n, "old") for n in before])
    kept = {
        n: QPersistentModelIndex(model.index(row, 0)) for row, n in enumerate(before) if n in after
    }
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    wanted = [(n, "new" if n in changed else "old") for n in after]

    model.sync(wanted)

    assert list(model.items()) == wanted
    for n, index in kept.items():
        assert index.isValid()
        assert model.item(index.row())[0] == n
    assert resets == [] or not (set(before) & set(after))
    del tester
