"""Starting a session from the console (File › New session…) and ending one.

New session is window-modal (``open()``): the test keeps control and drives it
through the kit's ``NewSessionPage``, or with ``driving_modal``. The End session
box is a modal ``exec()``, whose steps run from a timer in the box's own event
loop (see ``driving_modal``).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyleOptionFrame,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.core.domain import SESSION_ID_PATTERN, SessionState
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT
from collab_console.gui.new_session_dialog import NewSessionDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    STORE_TIMEOUT_MS,
    click,
    driving_modal,
    named,
    save_through_hub,
    shown_card,
    stored_link,
)

pytestmark = pytest.mark.gui


CTRL = Qt.KeyboardModifier.ControlModifier
#: A Session URL base of our own, so the test can tell a new link is made on the base in force.
URL_BASE = "https://join.acme.example/s/"


# -- helpers --------------------------------------------------------------------


def choose_file_new_session(qtbot: QtBot, console: ConsoleWindow) -> None:
    """Open the File menu in the menu bar and click New session…."""
    bar = console.menuBar()
    [file_menu] = [a.menu() for a in bar.actions() if a.text() == "&File"]
    assert isinstance(file_menu, QMenu)
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_menu.menuAction()).center()
    )
    qtbot.waitUntil(file_menu.isVisible)
    action = named(console, type(console.new_session_action), "newSessionAction")
    assert action in file_menu.actions()
    qtbot.mouseClick(
        file_menu, Qt.MouseButton.LeftButton, pos=file_menu.actionGeometry(action).center()
    )


def show_new_session(qtbot: QtBot, hub: StoreHub) -> NewSessionDialog:
    dialog = NewSessionDialog(hub)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def card_of(console_page: ConsolePage) -> QFrame:
    card = shown_card(console_page.window)
    assert card is not None, "no copy card is shown"
    return card


def session_ids(hub: StoreHub) -> set[str]:
    return {summary.session_id for summary in hub.store.list_sessions()}


# -- the dialog -------------------------------------------------------------------


def test_file_new_session_opens_the_dialog_with_start_disabled(qtbot, console, hub):
    before = session_ids(hub)
    seen: dict[str, object] = {}

    def look_and_cancel(dialog: NewSessionDialog) -> None:
        seen["name"] = dialog.objectName()
        seen["start enabled"] = named(dialog, QPushButton, "startSessionButton").isEnabled()
        seen["error"] = named(dialog, QLabel, "newSessionError").text()
        click(qtbot, named(dialog, QPushButton, "cancelButton"))

    with driving_modal(NewSessionDialog, look_and_cancel):
        choose_file_new_session(qtbot, console)

    assert seen == {"name": "newSessionDialog", "start enabled": False, "error": ""}
    assert session_ids(hub) == before


def test_the_new_session_button_opens_the_same_dialog(console_page: ConsolePage):
    new = console_page.open_new_session()

    assert new.dialog.objectName() == "newSessionDialog"
    assert new.dialog.windowTitle() == "New session"
    new.cancel()


def test_ctrl_n_or_the_menu_again_brings_back_the_one_open_dialog(
    qtbot: QtBot, console_page: ConsolePage
):
    """Window-modal: Ctrl+N pressed in the dialog reaches no console shortcut, and the
    action triggered meanwhile (as assistive technology can) raises the same dialog."""
    console = console_page.window
    new = console_page.open_new_session()
    name = named(new.dialog, QLineEdit, "customerNameEdit")
    qtbot.waitUntil(new.dialog.isActiveWindow)

    qtbot.keyClick(new.dialog.focusWidget() or new.dialog, Qt.Key.Key_N, CTRL)
    console.new_session_action.trigger()

    shown = [d for d in console.findChildren(NewSessionDialog) if d.isVisible()]
    assert shown == [new.dialog]
    qtbot.waitUntil(new.dialog.isActiveWindow)
    new.fill("Ana Souza", "")
    assert name.text() == "Ana Souza"
    new.cancel()


def test_opening_new_session_again_and_again_leaves_no_dialog_behind(
    qtbot: QtBot, console_page: ConsolePage
):
    console = console_page.window
    for _ in range(3):
        new = console_page.open_new_session()
        new.cancel()
        qtbot.waitUntil(lambda: not console.findChildren(NewSessionDialog))

    assert console.new_session_dialog is None


def test_start_needs_a_name_and_a_valid_phone_or_email(console_page: ConsolePage):
    new = console_page.open_new_session()
    start = named(new.dialog, QPushButton, "startSessionButton")

    new.fill("Ana Souza", "")
    assert not start.isEnabled()
    assert new.error_text == "Enter a phone number or an e-mail address."

    new.fill("Ana Souza", "+44 20 7946 0958")
    assert start.isEnabled()
    assert new.error_text == ""

    new.fill("Ana Souza", "ana.souza@example.org")
    assert start.isEnabled()


def test_the_contact_placeholder_shows_whole(qtbot, hub):
    """The example in the contact field is not cut off, in the field's own font and style."""
    dialog = show_new_session(qtbot, hub)
    edit = named(dialog, QLineEdit, "customerContactEdit")
    placeholder = edit.placeholderText()
    assert placeholder == "+44 20 7946 0958 or name@example.com"

    option = QStyleOptionFrame()
    option.initFrom(edit)
    option.lineWidth = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    # QLineEdit keeps 2 px between its contents rectangle and the text, on each side.
    room = contents.width() - margins.left() - margins.right() - 2 * 2
    assert room >= edit.fontMetrics().horizontalAdvance(placeholder)


def test_a_contact_alone_is_not_enough(console_page: ConsolePage):
    new = console_page.open_new_session()

    new.fill("", "ana.souza@example.org")

    assert not named(new.dialog, QPushButton, "startSessionButton").isEnabled()
    assert new.error_text == "Enter the customer's name."


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ("12ab", "'12ab' is not a valid phone number."),
        ("ana@example", "'ana@example' is not a valid e-mail address."),
        ("020 7946 0958", "Write the phone number with its country code, like +44 20 7946 0958."),
        (
            "+1 555 0100 200",
            "'+1 555 0100 200' is not a valid phone number: check its country code and digits.",
        ),
    ],
)
def test_an_invalid_contact_shows_why_and_blocks_start(console_page: ConsolePage, contact, message):
    new = console_page.open_new_session()

    new.fill("Ana Souza", contact)

    assert named(new.dialog, QLabel, "newSessionError").isVisible()
    assert new.error_text == message
    assert not named(new.dialog, QPushButton, "startSessionButton").isEnabled()


# -- starting ----------------------------------------------------------------------


@pytest.fixture
def own_url_base(qtbot: QtBot, hub: StoreHub) -> str:
    """URL copy on, on a URL base of our own."""
    save_through_hub(
        qtbot, hub, acknowledged=True, copy_session_url=True, session_url_base=URL_BASE
    )
    return URL_BASE


def test_starting_a_session_shows_it_selected_and_active(
    qtbot: QtBot, console_page: ConsolePage, hub
):
    console = console_page.window
    before = session_ids(hub)
    new = console_page.open_new_session()

    # The dialog the agent filled in is the one that starts it: none is opened again.
    with qtbot.waitSignal(new.dialog.accepted, timeout=STORE_TIMEOUT_MS):
        new_id = new.start("Ana Souza", "ana.souza@example.org")

    assert session_ids(hub) - before == {new_id}
    assert SESSION_ID_PATTERN.match(new_id)
    sessions = named(console, QListView, "sessionList")
    current: QModelIndex = sessions.currentIndex()
    assert current.data().startswith(f"Ana Souza\n{new_id}")
    icon = named(console, QToolButton, "customerIcon")
    assert icon.accessibleName() == "Customer: Ana Souza"
    assert named(console, QLabel, "customerNameLabel").text() == "Ana Souza"
    assert named(console, QLabel, "sessionStateLabel").text() == f"Active · Session {new_id}"
    assert named(console, QPushButton, "endSessionButton").isEnabled()
    assert console.statusBar().currentMessage() == (
        f"Started session {new_id} with Ana Souza; the invitation is queued."
    )
    # Her invitation was queued with the session: the sender sends it in the background.
    assert named(console, QLabel, "inviteStatusLabel").text() == "E-mail invite queued"
    assert current.data().endswith(" · E-mail invite queued")
    stored = hub.store.get_session(new_id)
    assert stored.state is SessionState.ACTIVE
    assert stored.customer.access_id == new_id
    assert stored.participants == ()
    assert stored.invite is not None
    assert stored.invite.recipient == "ana.souza@example.org"


def test_the_card_of_a_new_session_copies_its_id_and_a_link_on_the_base_in_force(
    console_page: ConsolePage, data_dir, own_url_base, clear_clipboard
):
    new_id = console_page.open_new_session().start("Ana Souza", "ana.souza@example.org")

    card = console_page.hover_customer()
    assert card.person == "Ana Souza"
    assert card.copy("Session ID") == new_id
    assert named(card_of(console_page), QPushButton, "copyIdButton").text() == COPIED_TEXT

    # Her invitation has not failed: the agent says why the URL is copied.
    url = card.copy("Session URL", reason="she asked for it on the phone")

    stored_link(data_dir, url, access_id=new_id, session_id=new_id, base=own_url_base)
    message = console_page.status_message
    assert message.startswith("Copied a new Session URL (join.acme.example) for Ana Souza.")


# -- ending ------------------------------------------------------------------------


def answer(qtbot: QtBot, button_name: str, texts: list[str]):
    """Steps for the confirmation box: note its text, then click the button ``button_name``."""

    def steps(box: QMessageBox) -> None:
        texts.append(box.text())
        click(qtbot, named(box, QPushButton, button_name))

    return steps


def test_the_end_session_box_names_its_actions_and_keeps_by_default(qtbot, console, hub):
    seen: dict[str, object] = {}

    def look_and_press_escape(box: QMessageBox) -> None:
        end = named(box, QPushButton, "confirmEndSessionButton")
        keep = named(box, QPushButton, "keepSessionButton")
        seen["box"] = (box.objectName(), box.windowTitle(), box.icon())
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["default"] = box.defaultButton() is keep and keep.isDefault() and not end.isDefault()
        seen["escape"] = box.escapeButton() is keep
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    with driving_modal(QMessageBox, look_and_press_escape):
        click(qtbot, named(console, QPushButton, "endSessionButton"))

    assert seen == {
        "box": ("endSessionBox", "End session", QMessageBox.Icon.Question),
        "buttons": ["End session", "Keep session"],
        "default": True,
        "escape": True,
    }
    assert hub.store.get_session(DEMO_ACTIVE_ID).state is SessionState.ACTIVE


def test_ending_a_session_asks_and_keep_session_keeps_it_active(qtbot, console, hub):
    texts: list[str] = []

    with driving_modal(QMessageBox, answer(qtbot, "keepSessionButton", texts)):
        click(qtbot, named(console, QPushButton, "endSessionButton"))

    assert "End the session with Dana Levi?" in texts[0]
    assert hub.store.get_session(DEMO_ACTIVE_ID).state is SessionState.ACTIVE
    assert named(console, QLabel, "sessionStateLabel").text().startswith("Active")


def test_ending_a_session_through_the_confirmation_box(qtbot, console_page: ConsolePage, hub):
    console = console_page.window

    console_page.end_session()

    qtbot.waitUntil(lambda: console.session is not None and not console.session.is_active)
    assert hub.store.get_session(DEMO_ACTIVE_ID).state is SessionState.ENDED
    assert named(console, QLabel, "sessionStateLabel").text() == f"Ended · Session {DEMO_ACTIVE_ID}"
    assert not named(console, QPushButton, "endSessionButton").isEnabled()
    assert not console.end_session_action.isEnabled()
    assert named(console, QLabel, "copyHintLabel").text() == (
        f"Session {DEMO_ACTIVE_ID} has ended; there is nothing to copy."
    )
    assert console.statusBar().currentMessage() == f"Ended session {DEMO_ACTIVE_ID}."
    sessions = named(console, QListView, "sessionList")
    assert (
        sessions.currentIndex()
        .data()
        .startswith(f"Dana Levi\n{DEMO_ACTIVE_ID} · Ended · Demo\nStarted ")
    )
