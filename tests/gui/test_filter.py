"""The filter field: Ctrl+F, typing narrows the sessions and the participants, Esc clears.

Rows are hidden in the views, never through a proxy model, so a participant's
copy card still opens for the row under the pointer. The lists follow the field
once typing pauses (``FILTER_DELAY_MS``), so the tests wait until they have.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListView
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.gui.console_window import ConsoleWindow
from tests.gui.helpers import CARD_TIMEOUT_MS, named, shown_card

pytestmark = pytest.mark.gui


def filter_field(console: ConsoleWindow) -> QLineEdit:
    return named(console, QLineEdit, "filterEdit")


def type_filter(qtbot: QtBot, console: ConsoleWindow, text: str) -> None:
    """Focus the filter with Ctrl+F, as an agent would, and type ``text`` over what is there."""
    edit = filter_field(console)
    qtbot.keyClick(
        console.focusWidget() or console, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, text)


def visible_sessions(console: ConsoleWindow) -> list[str]:
    view = named(console, QListView, "sessionList")
    model = console.sessions.model
    return [
        model.item(row).session_id for row in range(model.rowCount()) if not view.isRowHidden(row)
    ]


def shows(
    qtbot: QtBot,
    console: ConsoleWindow,
    *,
    participants: list[str] | None = None,
    sessions: list[str] | None = None,
) -> None:
    """Wait until the lists show exactly these rows (those given)."""

    def settled() -> bool:
        return (participants is None or visible_participants(console) == participants) and (
            sessions is None or visible_sessions(console) == sessions
        )

    qtbot.waitUntil(settled)


def visible_participants(console: ConsoleWindow) -> list[str]:
    view = named(console, QListView, "documentParticipantsView")
    model = console.view.participants_model
    if not view.isVisible():
        return []
    return [
        model.participant(row).name for row in range(model.rowCount()) if not view.isRowHidden(row)
    ]


def test_ctrl_f_focuses_the_filter_field(qtbot, console):
    edit = filter_field(console)
    assert edit.placeholderText() == "Filter sessions and participants"
    assert edit.accessibleName() == "Filter sessions and participants"
    assert not edit.hasFocus()

    qtbot.keyClick(console.session_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(edit.hasFocus)


def test_typing_narrows_participants_by_name_ignoring_case(qtbot, console):
    type_filter(qtbot, console, "GRACE")

    shows(qtbot, console, participants=["Grace Kim"], sessions=[])


def test_participants_match_on_contact_and_id(qtbot, console):
    type_filter(qtbot, console, "example.org")
    shows(qtbot, console, participants=["Grace Kim"])

    filter_field(console).clear()
    type_filter(qtbot, console, "t2vb-8xje")  # Luis Ortega's own ID, any case
    shows(qtbot, console, participants=["Luis Ortega"])

    filter_field(console).clear()
    type_filter(qtbot, console, "+44 20")
    shows(qtbot, console, participants=["Omar Haddad"])


def test_sessions_match_on_customer_and_session_id(qtbot, console):
    type_filter(qtbot, console, "priya")
    shows(qtbot, console, sessions=[DEMO_ENDED_ID])

    filter_field(console).clear()
    type_filter(qtbot, console, DEMO_ACTIVE_ID.lower())
    # A participant's own ID is random: the Session ID matches none of them.
    shows(qtbot, console, sessions=[DEMO_ACTIVE_ID], participants=[])


def test_no_matching_participant_says_so(qtbot, console):
    type_filter(qtbot, console, "priya")

    empty = named(console, QLabel, "noParticipantsLabel")
    shows(qtbot, console, participants=[])
    assert empty.isVisible()
    assert empty.text() == "No participant matches “priya”."


def test_esc_in_the_filter_clears_it_and_shows_everything(qtbot, console):
    type_filter(qtbot, console, "luis")
    shows(qtbot, console, participants=["Luis Ortega"], sessions=[])

    qtbot.keyClick(filter_field(console), Qt.Key.Key_Escape)

    assert filter_field(console).text() == ""
    shows(
        qtbot,
        console,
        participants=["Omar Haddad", "Grace Kim", "Luis Ortega"],
        sessions=[DEMO_ACTIVE_ID, DEMO_ENDED_ID],
    )
    assert not named(console, QLabel, "noParticipantsLabel").isVisible()


def test_a_session_started_while_filtering_is_hidden_unless_it_matches(qtbot, console, hub):
    type_filter(qtbot, console, "priya")
    shows(qtbot, console, sessions=[DEMO_ENDED_ID])
    started: list[object] = []

    hub.call(
        lambda store: store.start_session(
            customer_name="Ana Souza",
            contact="ana@example.org",
            now=datetime.now(UTC),
            actor="qa",
        ),
        started.append,
    )

    qtbot.waitUntil(lambda: console.sessions.model.rowCount() == 3)
    assert visible_sessions(console) == [DEMO_ENDED_ID]


def test_the_card_of_a_filtered_row_is_that_participants(qtbot, console):
    """The first visible row is model row 2: the card must be Luis Ortega's, not Omar's."""
    type_filter(qtbot, console, "luis")
    shows(qtbot, console, participants=["Luis Ortega"])
    view = named(console, QListView, "documentParticipantsView")
    rect = view.visualRect(console.view.participants_model.index(2, 0))
    assert rect.top() < view.fontMetrics().height()

    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + 10, rect.center().y()))

    qtbot.waitUntil(lambda: shown_card(console) is not None, timeout=CARD_TIMEOUT_MS)
    card = console.copying.card
    assert card.person is not None
    assert card.person.name == "Luis Ortega"


def test_enter_on_a_filtered_row_opens_its_card(qtbot, console):
    type_filter(qtbot, console, "grace")
    shows(qtbot, console, participants=["Grace Kim"])
    view = named(console, QListView, "documentParticipantsView")
    view.setFocus()
    view.setCurrentIndex(console.view.participants_model.index(1, 0))

    qtbot.keyClick(view, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: shown_card(console) is not None, timeout=CARD_TIMEOUT_MS)
    assert console.copying.card.person is not None
    assert console.copying.card.person.name == "Grace Kim"
