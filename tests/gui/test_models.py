"""The list models: what the views show and read out for each row."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_TIME
from collab_console.gui import models
from collab_console.gui.models import (
    ParticipantsModel,
    RowListModel,
    SessionListModel,
    started_text,
)
from collab_console.gui.privacy import PrivacyScreen


@pytest.fixture
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test, whatever the machine's time zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


DANA_FAILED = (
    "SMS invite failed: the SMS gateway answered HTTP 403 Forbidden:"
    " the carrier blocked the message"
)
GRACE_FAILED = (
    "E-mail invite failed: the mail server smtp.example.com:587 refused it:"
    " 550 5.1.1 mailbox unavailable"
)
#: Late on the demo day, and the day after.
DEMO_DAY_EVENING = datetime(2026, 3, 4, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "role"),
    [
        (models.DISPLAY_ROLE, Qt.ItemDataRole.DisplayRole),
        (models.TOOLTIP_ROLE, Qt.ItemDataRole.ToolTipRole),
        (models.FOREGROUND_ROLE, Qt.ItemDataRole.ForegroundRole),
        (models.ACCESSIBLE_TEXT_ROLE, Qt.ItemDataRole.AccessibleTextRole),
        (models.ACCESSIBLE_DESCRIPTION_ROLE, Qt.ItemDataRole.AccessibleDescriptionRole),
        (models.USER_ROLE, Qt.ItemDataRole.UserRole),
    ],
)
def test_role_numbers_are_qts_own(number, role):
    assert number == role.value


def test_participant_rows_show_the_name_role_a_masked_contact_and_the_invitation(demo_store):
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    model = ParticipantsModel()
    model.set_participants(session.participants, session.deliveries)
    omar, grace = model.index(0, 0), model.index(1, 0)
    assert model.rowCount() == 3
    assert omar.data(Qt.ItemDataRole.DisplayRole) == (
        "Omar Haddad\nDocument participant · +44 •••• ••12\nSMS invite delivered"
    )
    assert grace.data(Qt.ItemDataRole.DisplayRole) == (
        "Grace Kim\nDocument participant · g••••@example.org\nE-mail invite failed"
    )
    # Why it failed: in the tooltip and read out, where there is room for it.
    assert grace.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Grace Kim, Document participant, g••••@example.org, " + GRACE_FAILED
    )
    assert grace.data(Qt.ItemDataRole.ToolTipRole) == f"Grace Kim\n{GRACE_FAILED}"
    assert grace.data(Qt.ItemDataRole.AccessibleDescriptionRole) == (
        "Press Enter to open the copy card."
    )
    assert grace.data(models.PARTICIPANT_ROLE).access_id == "K9ZC-3HNP"
    assert grace.data(models.DELIVERY_ROLE) == session.deliveries["K9ZC-3HNP"]
    assert (grace.data(models.ALERT_LINE_ROLE), omar.data(models.ALERT_LINE_ROLE)) == (2, None)


def test_a_changed_invitation_updates_its_row_only(qtbot, demo_store):
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    model = ParticipantsModel()
    model.set_participants(session.participants, session.deliveries)
    grace = session.participants[1]
    resent = session.deliveries[grace.access_id].replace(
        state=DeliveryState.QUEUED, reason="", attempts=0
    )
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))

    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.rowsInserted):
        model.set_participants(
            session.participants, {**session.deliveries, grace.access_id: resent}
        )

    assert changed == [(1, 1)]
    assert model.index(1, 0).data().endswith("\nE-mail invite queued")


def test_a_person_never_invited_says_so(demo_store):
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    model = ParticipantsModel()
    model.set_participants(session.participants)
    assert model.index(0, 0).data().endswith("\nNot invited")


def test_the_privacy_screen_masks_participant_names_in_place(qtbot, demo_store):
    privacy = PrivacyScreen()
    model = ParticipantsModel(privacy)
    session = demo_store.get_session(DEMO_ACTIVE_ID)
    model.set_participants(session.participants, session.deliveries)

    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        privacy.set_masked(True)

    grace = model.index(1, 0)
    assert grace.data(Qt.ItemDataRole.DisplayRole) == (
        "G••• K•••\nDocument participant · g••••@example.org\nE-mail invite failed"
    )
    assert "Grace" not in grace.data(Qt.ItemDataRole.ToolTipRole)
    assert "Grace" not in grace.data(Qt.ItemDataRole.AccessibleTextRole)
    assert grace.data(models.PARTICIPANT_ROLE).name == "Grace Kim"  # the card still copies


def test_session_rows_show_customer_id_state_and_start_and_mute_ended(demo_store, utc_clock):
    model = SessionListModel(now=lambda: DEMO_DAY_EVENING)
    model.set_sessions(demo_store.list_sessions())
    active, ended = model.index(0, 0), model.index(1, 0)
    assert active.data(models.SESSION_ID_ROLE) == DEMO_ACTIVE_ID
    assert active.data(Qt.ItemDataRole.DisplayRole) == (
        f"Dana Levi\n{DEMO_ACTIVE_ID} · Active · Demo\nStarted 09:30 · SMS invite failed"
    )
    assert active.data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"Dana Levi, {DEMO_ACTIVE_ID}, Active, Demo, Started 09:30, SMS invite failed"
    )
    assert active.data(Qt.ItemDataRole.ToolTipRole) == f"Dana Levi\n{DANA_FAILED}"
    assert active.data(models.ALERT_LINE_ROLE) == 2
    assert active.data(Qt.ItemDataRole.ForegroundRole) is None
    assert ended.data(models.SESSION_ID_ROLE) == DEMO_ENDED_ID
    assert ended.data(Qt.ItemDataRole.DisplayRole) == (
        f"Priya Nair\n{DEMO_ENDED_ID} · Ended · Demo\nStarted 3 Mar 14:00 · E-mail invite delivered"
    )
    assert ended.data(models.ALERT_LINE_ROLE) is None
    assert ended.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.row_of(DEMO_ENDED_ID) == 1


def test_the_privacy_screen_masks_session_names_and_ids(demo_store, utc_clock):
    privacy = PrivacyScreen(masked=True)
    model = SessionListModel(privacy, now=lambda: DEMO_DAY_EVENING)
    model.set_sessions(demo_store.list_sessions())
    active = model.index(0, 0)
    assert active.data(Qt.ItemDataRole.DisplayRole) == (
        "D••• L•••\n••••-••HX · Active · Demo\nStarted 09:30 · SMS invite failed"
    )
    assert active.data(Qt.ItemDataRole.ToolTipRole) == f"D••• L•••\n{DANA_FAILED}"
    assert active.data(models.SESSION_ID_ROLE) == DEMO_ACTIVE_ID


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (DEMO_DAY_EVENING, "Started 09:30"),
        (datetime(2026, 3, 5, 8, 0, tzinfo=UTC), "Started 4 Mar 09:30"),
        (datetime(2027, 1, 2, 8, 0, tzinfo=UTC), "Started 4 Mar 2026 09:30"),
    ],
)
def test_the_start_time_names_the_day_unless_it_is_today(utc_clock, now, text):
    assert started_text(DEMO_TIME, now) == text


@pytest.mark.parametrize(
    ("needle", "fields", "found"),
    [
        ("", ("Dana Levi",), True),
        ("dana", ("Dana Levi",), True),
        ("7qkm", ("Dana Levi", "7QKM-92HX"), True),
        ("example.org", ("Grace Kim", "K9ZC-3HNP", "grace.kim@example.org"), True),
        ("k9zc-3hnp", ("Grace Kim", "K9ZC-3HNP", "grace.kim@example.org"), True),
        ("priya", ("Dana Levi", "7QKM-92HX"), False),
    ],
)
def test_the_filter_matches_any_field_ignoring_case(needle, fields, found):
    assert models.matches(needle, *fields) is found


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
