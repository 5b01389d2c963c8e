"""The filter field: Ctrl+F, typing narrows the sessions and the participants, Esc clears.

Rows are hidden in the views, never through a proxy model, so a participant's
copy card still opens for the row under the pointer. The lists follow the field
once typing pauses (``FILTER_DELAY_MS``), so the tests wait until they have.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListView

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import named

pytestmark = pytest.mark.gui


def filter_field(console: ConsoleWindow) -> QLineEdit:
    return named(console, QLineEdit, "filterEdit")


def shown_session_ids(console_page: ConsolePage) -> list[str]:
    """The Session IDs of the rows the session list shows (its second part: "Name · ID · …")."""
    return [row.split(" · ")[1] for row in console_page.sessions.rows()]


def participants_shown(console_page: ConsolePage) -> list[str]:
    """The participants listed, none while the list gives way to "No participant matches"."""
    view = named(console_page.window, QListView, "documentParticipantsView")
    return console_page.participants() if view.isVisible() else []


def test_ctrl_f_focuses_the_filter_field(qtbot, console):
    edit = filter_field(console)
    assert edit.placeholderText() == "Filter sessions and participants"
    assert edit.accessibleName() == "Filter sessions and participants"
    assert not edit.hasFocus()

    qtbot.keyClick(console.session_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(edit.hasFocus)


def test_typing_narrows_participants_by_name_ignoring_case(console_page: ConsolePage):
    console_page.filter("GRACE")

    assert participants_shown(console_page) == ["Grace Kim"]
    assert shown_session_ids(console_page) == []


def test_participants_match_on_contact_and_id(console_page: ConsolePage):
    console_page.filter("example.org")
    assert participants_shown(console_page) == ["Grace Kim"]

    console_page.filter("t2vb-8xje")  # Luis Ortega's own ID, any case
    assert participants_shown(console_page) == ["Luis Ortega"]

    console_page.filter("+44 20")
    assert participants_shown(console_page) == ["Omar Haddad"]


def test_sessions_match_on_customer_and_session_id(console_page: ConsolePage):
    console_page.filter("priya")
    assert shown_session_ids(console_page) == [DEMO_ENDED_ID]

    console_page.filter(DEMO_ACTIVE_ID.lower())
    assert shown_session_ids(console_page) == [DEMO_ACTIVE_ID]
    # A participant's own ID is random: the Session ID matches none of them.
    assert participants_shown(console_page) == []


def test_no_matching_participant_says_so(console_page: ConsolePage):
    console_page.filter("priya")

    empty = named(console_page.window, QLabel, "noParticipantsLabel")
    assert participants_shown(console_page) == []
    assert empty.isVisible()
    assert empty.text() == "No participant matches “priya”."


def test_esc_in_the_filter_clears_it_and_shows_everything(qtbot, console_page: ConsolePage):
    console = console_page.window
    console_page.filter("luis")
    assert participants_shown(console_page) == ["Luis Ortega"]
    assert shown_session_ids(console_page) == []

    qtbot.keyClick(filter_field(console), Qt.Key.Key_Escape)

    assert filter_field(console).text() == ""
    qtbot.waitUntil(lambda: len(shown_session_ids(console_page)) == 2)
    assert participants_shown(console_page) == ["Omar Haddad", "Grace Kim", "Luis Ortega"]
    assert shown_session_ids(console_page) == [DEMO_ACTIVE_ID, DEMO_ENDED_ID]
    assert not named(console, QLabel, "noParticipantsLabel").isVisible()


def test_a_session_started_while_filtering_is_hidden_unless_it_matches(
    qtbot, console_page: ConsolePage, hub
):
    console = console_page.window
    console_page.filter("priya")
    assert shown_session_ids(console_page) == [DEMO_ENDED_ID]
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
    assert shown_session_ids(console_page) == [DEMO_ENDED_ID]


def test_the_card_of_a_filtered_row_is_that_participants(console_page: ConsolePage):
    """The first visible row is model row 2: the card must be Luis Ortega's, not Omar's."""
    console = console_page.window
    console_page.filter("luis")
    assert participants_shown(console_page) == ["Luis Ortega"]
    view = named(console, QListView, "documentParticipantsView")
    rect = view.visualRect(console.view.participants_model.index(2, 0))
    assert rect.top() < view.fontMetrics().height()

    card = console_page.hover_participant("Luis Ortega")

    assert card.person == "Luis Ortega"
    assert console.copying.card.person is not None
    assert console.copying.card.person.name == "Luis Ortega"


def test_enter_on_a_filtered_row_opens_its_card(console_page: ConsolePage):
    console_page.filter("grace")
    assert participants_shown(console_page) == ["Grace Kim"]

    card = console_page.open_card_with_keyboard("Grace Kim")

    assert card.person == "Grace Kim"
    person = console_page.window.copying.card.person
    assert person is not None
    assert person.name == "Grace Kim"
