"""The privacy screen: Ctrl+Shift+M or View › Privacy screen masks customer details on screen.

The session list, the header and the participant rows show names, contacts
and IDs masked; copying still puts the real values on the clipboard. The
admin setting ``mask_sensitive_data`` turns it on when a console starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store
from collab_console.testing.pages import ConsolePage
from collab_console.testing.screen import StepFailed
from tests.gui.helpers import (
    change_settings_elsewhere,
    click,
    driving_modal,
    named,
    save_through_hub,
)

pytestmark = pytest.mark.gui

MASKED_ID = "••••-••HX"


def privacy_action(console: ConsoleWindow) -> QAction:
    action = console.findChild(QAction, "privacyScreenAction")
    assert action is not None
    return action


def shown_texts(console: ConsoleWindow) -> str:
    """Everything the window shows of sessions and people, in one string."""
    sessions = named(console, QListView, "sessionList").model()
    participants = named(console, QListView, "documentParticipantsView").model()
    texts = [
        named(console, QLabel, "customerNameLabel").text(),
        named(console, QLabel, "customerNameLabel").toolTip(),
        named(console, QLabel, "sessionStateLabel").text(),
        named(console, QToolButton, "customerIcon").accessibleName(),
    ]
    for model in (sessions, participants):
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.AccessibleTextRole,
            ):
                texts.append(str(index.data(role) or ""))
    return "\n".join(texts)


REAL_DETAILS = ("Dana", "Levi", "Priya", "Omar", "Grace", "Luis", DEMO_ACTIVE_ID, "3FDN-X8TR")


def test_ctrl_shift_m_masks_every_name_and_id_and_unmasks_again(qtbot, console_page: ConsolePage):
    console = console_page.window
    action = privacy_action(console)
    assert action.text() == "&Privacy screen"
    assert action.isCheckable()
    assert not action.isChecked()
    assert "Dana Levi" in shown_texts(console)

    with qtbot.waitSignal(console.privacy.changed):
        console_page.privacy_screen(on=True)

    assert console.privacy.masked
    assert action.isChecked()
    texts = shown_texts(console)
    for detail in REAL_DETAILS:
        assert detail not in texts
    assert named(console, QLabel, "customerNameLabel").text() == "D••• L•••"
    assert console_page.header_text == f"Active · Session {MASKED_ID}"
    assert named(console, QToolButton, "customerIcon").accessibleName() == "Customer: D••• L•••"
    participants = named(console, QListView, "documentParticipantsView").model()
    assert participants.index(0, 0).data() == (
        "O••• H•••\nDocument participant · +44 •••• ••12\nSMS invite delivered"
    )
    sessions = named(console, QListView, "sessionList").model()
    assert sessions.index(0, 0).data().startswith(f"D••• L•••\n{MASKED_ID} · Active · Demo\n")

    with qtbot.waitSignal(console.privacy.changed):
        console_page.privacy_screen(on=False)

    assert not action.isChecked()
    assert named(console, QLabel, "customerNameLabel").text() == "Dana Levi"
    assert sessions.index(0, 0).data().startswith(f"Dana Levi\n{DEMO_ACTIVE_ID}")


def test_view_privacy_screen_in_the_menu_bar_switches_it(qtbot, console):
    bar = console.menuBar()
    [view_menu] = [a.menu() for a in bar.actions() if a.text() == "&View"]
    assert isinstance(view_menu, QMenu)
    action = privacy_action(console)
    assert action in view_menu.actions()
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(view_menu.menuAction()).center()
    )
    qtbot.waitUntil(view_menu.isVisible)

    with qtbot.waitSignal(console.privacy.changed):
        qtbot.mouseClick(
            view_menu, Qt.MouseButton.LeftButton, pos=view_menu.actionGeometry(action).center()
        )

    assert console.privacy.masked
    assert named(console, QLabel, "customerNameLabel").text() == "D••• L•••"


@pytest.mark.usefixtures("clear_clipboard")
def test_copying_still_copies_the_real_id_while_masked(console_page: ConsolePage):
    console_page.privacy_screen(on=True)

    card = console_page.hover_customer()

    assert card.person == "D••• L•••"
    assert card.copy("Session ID") == DEMO_ACTIVE_ID


def test_ending_a_session_while_masked_names_nobody(qtbot, console_page: ConsolePage):
    console = console_page.window
    console_page.privacy_screen(on=True)
    texts: list[str] = []

    def confirm(box: QMessageBox) -> None:
        texts.append(box.text())
        click(qtbot, named(box, QPushButton, "confirmEndSessionButton"))

    with driving_modal(QMessageBox, confirm):
        click(qtbot, named(console, QPushButton, "endSessionButton"))

    qtbot.waitUntil(lambda: console.statusBar().currentMessage() == f"Ended session {MASKED_ID}.")
    assert texts[0].startswith("End the session with D••• L•••?")
    hint = named(console, QLabel, "copyHintLabel")
    qtbot.waitUntil(lambda: "has ended" in hint.text())
    assert hint.text() == f"Session {MASKED_ID} has ended; there is nothing to copy."


def test_the_admin_setting_starts_the_console_masked(qtbot, hub):
    save_through_hub(qtbot, hub, mask_sensitive_data=True)

    window = ConsoleWindow(hub)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session is not None)

    assert window.privacy.masked
    assert privacy_action(window).isChecked()
    assert named(window, QLabel, "customerNameLabel").text() == "D••• L•••"
    for detail in REAL_DETAILS:
        assert detail not in shown_texts(window)


def test_without_the_admin_setting_the_console_starts_unmasked(console_page: ConsolePage):
    assert not console_page.window.privacy.masked
    assert named(console_page.window, QLabel, "customerNameLabel").text() == "Dana Levi"
    assert console_page.header_text == f"Active · Session {DEMO_ACTIVE_ID}"


@pytest.fixture
def console_before_settings(
    qtbot: QtBot, demo_store: Store, data_dir
) -> Iterator[tuple[ConsoleWindow, StoreHub]]:
    """A console whose hub reads the settings after the window was made (as on a slow store).

    The admin setting is on. The hub reads on its worker thread and delivers
    through the event loop, so making both with no event processed in between
    gives a window that has not seen the settings yet.
    """
    change_settings_elsewhere(data_dir, mask_sensitive_data=True)
    late = StoreHub(demo_store)
    window = ConsoleWindow(late)
    qtbot.addWidget(window)
    assert late.settings is None
    yield window, late
    late.close()
    late.deleteLater()


def test_the_admin_setting_applies_when_the_settings_arrive_after_the_window(
    qtbot, console_before_settings
):
    window, _hub = console_before_settings

    qtbot.waitUntil(lambda: window.privacy.masked)
    qtbot.waitUntil(lambda: window.session is not None)

    assert privacy_action(window).isChecked()
    assert named(window, QLabel, "customerNameLabel").text() == "D••• L•••"


def test_the_agents_choice_beats_a_late_admin_default(qtbot, console_before_settings):
    """An agent who switched the screen before the settings arrived keeps that choice."""
    window, hub = console_before_settings
    privacy_action(window).setChecked(True)
    privacy_action(window).setChecked(False)

    qtbot.waitUntil(lambda: hub.settings is not None)

    assert not window.privacy.masked


def test_a_withheld_reason_naming_a_person_and_an_id_is_masked_too(console):
    """Reasons name people and IDs ("Grace Kim is not in session 7QKM-92HX"): masked as well."""
    console.privacy.set_masked(True)
    session = console.session
    assert session is not None
    grace = session.find("Grace Kim")
    stranger = grace.replace(access_id="ZZZZ-0001", contact="")

    notes = console.copying.notes_for(stranger)

    assert notes, "a person from another session is refused, with a reason"
    for note in notes:
        assert "Grace Kim" not in note
        assert session.session_id not in note
        assert "G••• K•••" in note


# -- Add participant ------------------------------------------------------------------------


def test_add_participant_masks_the_session_id_and_names_while_the_screen_is_on(
    qtbot, console_page: ConsolePage, data_dir
):
    """The title, the duplicate-name sentence and a refusal by the store name nobody: also
    when the name was taken in another console after the dialog opened."""
    console = console_page.window
    console_page.privacy_screen(on=True)

    add = console_page.open_add_participant()
    assert add.title == f"Add participant to session {MASKED_ID}"
    add.fill("grace KIM", "")
    assert add.error_text == "G••• K••• is already in this session."

    # Switched while the dialog is open, it follows (switched as the View menu's action
    # does: Ctrl+Shift+M belongs to the console, which the window-modal dialog blocks).
    console.privacy.set_masked(False)
    assert add.title == f"Add participant to session {DEMO_ACTIVE_ID}"
    assert add.error_text == "Grace Kim is already in this session."
    console.privacy.set_masked(True)

    # Another console adds Ivo Petrov now: only the store can say he is there.
    other = open_store(data_dir)
    try:
        other.add_participant(
            DEMO_ACTIVE_ID, name="Ivo Petrov", contact="", actor="agent.sam", now=datetime.now(UTC)
        )
    finally:
        other.close()
    refused = f"I••• P••• is already in session {MASKED_ID}."
    with pytest.raises(StepFailed, match=re.escape(f"not added: {refused}")):
        add.add("ivo petrov", "ivo@example.org")
    assert add.error_text == refused
    add.cancel()
