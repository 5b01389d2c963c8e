"""The QA kit's page objects, each method used as a QA team would, and what a failing step says.

Every assertion is on what a user notices: the clipboard as another program
pastes it, the session on screen, the status bar, the card's buttons. The last
tests check that a failing step describes the screen and saves a screenshot, and
that no page method goes unused by this repository's tests (so none can rot).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMenu, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_URL_BASE
from collab_console.gui.new_session_dialog import NewSessionDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.testing import driving, pages
from collab_console.testing.pages import ConsolePage
from collab_console.testing.screen import StepFailed, describe_screen, step
from tests.gui.helpers import (
    both_text,
    click,
    driving_modal,
    named,
    retype,
    right_click,
    save_through_hub,
    shown_card,
    url_in,
)

pytestmark = pytest.mark.gui

GRACE_ID = "K9ZC-3HNP"
PARTICIPANTS = ["Omar Haddad", "Grace Kim", "Luis Ortega"]
PAGE_CLASSES = pages.PAGES
GUI_TESTS = Path(__file__).parent


@pytest.fixture
def url_copy_on(qtbot: QtBot, hub: StoreHub) -> None:
    """An admin turned Copy Session URL on, with the warning acknowledged."""
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)


# -- the console and the session list ------------------------------------------------


def test_the_console_page_reads_the_shown_session(console_page: ConsolePage):
    assert console_page.customer_name == "Dana Levi"
    assert console_page.shown_session_id == DEMO_ACTIVE_ID
    assert console_page.header_text == f"Active · Session {DEMO_ACTIVE_ID}"
    assert console_page.invite_status.startswith("SMS invite failed: ")
    assert console_page.participants() == PARTICIPANTS
    assert console_page.status_message == ""
    rows = console_page.sessions.rows()
    assert rows[0] == f"Dana Levi · {DEMO_ACTIVE_ID} · Active · Demo"
    assert f"Priya Nair · {DEMO_ENDED_ID} · Ended · Demo" in rows


def test_selecting_a_session_by_customer_or_id_shows_it(console_page: ConsolePage):
    console_page.select_session("Priya Nair")

    assert console_page.header_text == f"Ended · Session {DEMO_ENDED_ID}"
    assert console_page.customer_name == "Priya Nair"

    console_page.sessions.select(DEMO_ACTIVE_ID)

    assert console_page.shown_session_id == DEMO_ACTIVE_ID
    assert console_page.window.isActiveWindow()


def test_the_filter_narrows_the_list_and_clearing_it_brings_every_row_back(
    console_page: ConsolePage,
):
    every = console_page.sessions.rows()

    console_page.filter("priya")
    assert console_page.sessions.rows() == [f"Priya Nair · {DEMO_ENDED_ID} · Ended · Demo"]

    console_page.filter("")
    assert console_page.sessions.rows() == every


def test_the_filter_narrows_the_participants(console_page: ConsolePage):
    console_page.filter("grace")

    assert console_page.participants() == ["Grace Kim"]


def test_the_privacy_screen_masks_the_header(console_page: ConsolePage):
    console_page.privacy_screen(True)
    assert console_page.header_text == "Active · Session ••••-••HX"
    assert console_page.hover_customer().person == "D••• L•••"

    console_page.privacy_screen(False)
    assert console_page.header_text == f"Active · Session {DEMO_ACTIVE_ID}"


def test_ending_the_session_through_the_box(console_page: ConsolePage):
    console_page.end_session()

    assert console_page.status_message == f"Ended session {DEMO_ACTIVE_ID}."
    assert console_page.header_text == f"Ended · Session {DEMO_ACTIVE_ID}"


# -- the copy card -------------------------------------------------------------------


@pytest.mark.usefixtures("clear_clipboard")
def test_hovering_the_customer_and_copying_the_id_gives_what_another_program_pastes(
    console_page: ConsolePage,
):
    card = console_page.hover_customer()

    assert card.person == "Dana Levi"
    assert card.buttons() == ["Copy Session ID", "Resend invite"]
    assert card.preview("Session ID") == DEMO_ACTIVE_ID
    assert card.copy("Session ID") == DEMO_ACTIVE_ID
    assert console_page.status_message == f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."
    assert card.is_open

    card.close()

    assert not card.is_open


@pytest.mark.usefixtures("clear_clipboard", "url_copy_on")
def test_copying_both_for_a_participant_whose_invite_failed_asks_no_reason(
    console_page: ConsolePage,
):
    card = console_page.hover_participant("Grace Kim")

    pasted = card.copy("both")

    assert pasted == both_text("Grace Kim", url_in(pasted), GRACE_ID)


@pytest.mark.usefixtures("clear_clipboard", "url_copy_on")
def test_a_url_copy_that_asks_why_needs_a_reason(console_page: ConsolePage):
    card = console_page.hover_participant("Omar Haddad")
    assert card.buttons()[0] == "Resend invite"
    assert card.preview("Session URL") == f"{DEMO_URL_BASE}••••"

    with pytest.raises(StepFailed, match="asks why the Session URL is copied"):
        card.copy("Session URL")
    assert console_page.status_message == "Session URL not copied: no reason was given."

    card = console_page.hover_participant("Omar Haddad")
    url = card.copy("Session URL", reason="his phone drops texts with links")

    assert url.startswith(DEMO_URL_BASE)
    assert url != f"{DEMO_URL_BASE}••••"


def test_resending_an_invite_says_it_is_queued(console_page: ConsolePage):
    card = console_page.hover_participant("Omar Haddad")

    said = card.resend_invite()

    assert said == "Invite queued for Omar Haddad."
    assert console_page.status_message == said


@pytest.mark.parametrize("person", ["Dana Levi", "Grace Kim"])
def test_a_card_opened_with_the_keyboard_has_focus_on_its_first_button(
    console_page: ConsolePage, person: str
):
    card = console_page.open_card_with_keyboard(person)

    assert card.person == person
    focused = QApplication.focusWidget()
    assert isinstance(focused, QPushButton)
    assert focused.text() == card.buttons()[0] == "Copy Session ID"


@pytest.mark.usefixtures("clear_clipboard")
def test_the_context_menu_lists_the_cards_actions_and_copies(
    console_page: ConsolePage, system_clipboard
):
    assert console_page.context_menu("Dana Levi") == ["Copy Session ID", "Resend invite"]
    assert console_page.context_menu("Omar Haddad") == ["Resend invite", "Copy Session ID"]

    console_page.choose_from_context_menu("Grace Kim", "Copy Session ID")

    assert system_clipboard.read() == GRACE_ID


# -- Preferences ---------------------------------------------------------------------


def test_turning_url_copy_on_shows_the_warning_then_saves_and_the_card_offers_it(
    console_page: ConsolePage,
):
    prefs = console_page.open_preferences()
    assert prefs.is_locked
    prefs.unlock()
    assert not prefs.is_locked

    prefs.turn_url_copy_on(acknowledge=False)
    assert "can join the live session" in prefs.warning_text

    prefs.turn_url_copy_on()

    assert not prefs.is_open
    assert console_page.status_message == "Settings saved."
    assert console_page.hover_customer().buttons() == [
        "Copy Session ID",
        "Copy Session URL",
        "Copy both",
        "Resend invite",
    ]


@pytest.mark.usefixtures("url_copy_on")
def test_turning_url_copy_off_takes_the_url_buttons_away(console_page: ConsolePage):
    prefs = console_page.open_preferences()
    prefs.unlock()

    prefs.turn_url_copy_off()

    assert console_page.hover_customer().buttons() == ["Copy Session ID", "Resend invite"]


def test_settings_on_other_pages_are_set_and_saved(console_page: ConsolePage, hub: StoreHub):
    prefs = console_page.open_preferences()
    prefs.unlock()
    prefs.go_to("Invitations")
    prefs.set_setting("SMTP server", "smtp.example.com")
    prefs.set_setting("Live links per person, at most", 5)
    prefs.set_setting("Connection security", "TLS from the start")
    prefs.go_to("Appearance")
    assert named_label(prefs.dialog, "appearanceHeading").isVisible()
    prefs.go_to("Audit log")
    assert named_label(prefs.dialog, "auditLogHeading").isVisible()

    prefs.set_setting("Copy Session ID", False)
    prefs.save()

    assert hub.settings is not None
    assert hub.settings.value("smtp_host") == "smtp.example.com"
    assert hub.settings.value("max_live_links_per_person") == 5
    assert hub.settings.value("smtp_security") == "tls"
    assert not hub.settings.copy_session_id
    assert (
        "Copying session details is turned off."
        in named_label(console_page.window, "copyHintLabel").text()
    )


def test_closing_preferences_drops_the_changes(console_page: ConsolePage, hub: StoreHub):
    prefs = console_page.open_preferences()
    prefs.unlock()
    prefs.set_setting("Copy Session ID", False)

    prefs.close()

    assert not prefs.is_open
    assert hub.settings is not None
    assert hub.settings.copy_session_id
    assert console_page.status_message == ""


def test_a_save_refused_by_the_store_fails_with_its_box(
    console_page: ConsolePage, hub, monkeypatch
):
    prefs = console_page.open_preferences()
    prefs.unlock()
    prefs.set_setting("Copy Session ID", False)
    monkeypatch.setattr(hub.store, "save_settings", refuse_to_save)

    with pytest.raises(StepFailed, match="not saved: Settings not saved: The store is locked"):
        prefs.save()

    assert prefs.is_open


def refuse_to_save(*_args: object, **_kwargs: object) -> None:
    from collab_console.store.errors import StoreError

    raise StoreError("the store is locked by another program")


# -- New session ---------------------------------------------------------------------


def test_new_session_says_what_is_wrong_then_starts_and_shows_the_session(
    console_page: ConsolePage,
):
    new = console_page.open_new_session()
    assert new.error_text == ""
    new.fill("Ana Souza", "12ab")
    assert new.error_text == "'12ab' is not a valid phone number."

    new_id = new.start("Ana Souza", "ana.souza@example.org")

    assert console_page.shown_session_id == new_id
    assert console_page.customer_name == "Ana Souza"
    assert console_page.status_message == (
        f"Started session {new_id} with Ana Souza; the invitation is queued."
    )
    assert console_page.sessions.rows()[0] == f"Ana Souza · {new_id} · Active"


def test_cancelling_new_session_starts_nothing(console_page: ConsolePage):
    before = console_page.sessions.rows()
    new = console_page.open_new_session()

    new.cancel()

    assert not new.is_open
    assert console_page.sessions.rows() == before


def test_start_with_a_contact_that_is_not_valid_fails_and_says_why(console_page: ConsolePage):
    new = console_page.open_new_session()

    with pytest.raises(StepFailed, match="Start session cannot be pressed: Enter a phone"):
        new.start("Ana Souza", "")

    assert console_page.shown_session_id == DEMO_ACTIVE_ID
    assert new.is_open  # what the agent typed stays, to be corrected


def test_a_session_the_store_refuses_fails_with_its_box(
    console_page: ConsolePage, hub: StoreHub, monkeypatch
):
    new = console_page.open_new_session()
    monkeypatch.setattr(hub.store, "start_session", refuse_to_start)

    with pytest.raises(StepFailed, match="not started: Session not started: The store is locked"):
        new.start("Ana Souza", "ana.souza@example.org")

    assert new.is_open
    assert console_page.shown_session_id == DEMO_ACTIVE_ID


def refuse_to_start(*_args: object, **_kwargs: object) -> None:
    from collab_console.store.errors import StoreError

    raise StoreError("the store is locked by another program")


# -- Add participant ---------------------------------------------------------------------


def test_add_participant_says_what_is_wrong_then_adds_and_lists_them(console_page: ConsolePage):
    add = console_page.open_add_participant()
    assert add.title == f"Add participant to session {DEMO_ACTIVE_ID}"
    assert add.error_text == ""
    add.fill("omar haddad", "")
    assert add.error_text == "Omar Haddad is already in this session."

    said = add.add("Ivo Petrov", "ivo@example.org")

    assert not add.is_open
    assert said == f"Added Ivo Petrov to session {DEMO_ACTIVE_ID}; their invitation is queued."
    assert console_page.status_message == said
    assert console_page.hover_participant("Ivo Petrov").person == "Ivo Petrov"
    assert console_page.participants() == [*PARTICIPANTS, "Ivo Petrov"]


def test_cancelling_add_participant_adds_nobody(console_page: ConsolePage):
    add = console_page.open_add_participant()
    add.fill("Ivo Petrov", "ivo@example.org")

    add.cancel()

    assert not add.is_open
    assert console_page.participants() == PARTICIPANTS


def test_adding_someone_the_fields_refuse_fails_and_says_why(console_page: ConsolePage):
    add = console_page.open_add_participant()

    with pytest.raises(StepFailed, match="Add cannot be pressed: Grace Kim is already in"):
        add.add("GRACE kim", "grace@example.org")

    assert add.is_open  # what the agent typed stays, to be corrected
    assert console_page.participants() == PARTICIPANTS


# -- the driving layer under the pages --------------------------------------------------


def test_clearing_a_field_with_retype_deletes_what_was_there(
    qtbot: QtBot, console_page: ConsolePage
):
    edit = named(console_page.window, QLineEdit, "filterEdit")
    retype(qtbot, edit, "priya")
    assert edit.text() == "priya"

    retype(qtbot, edit, "")

    assert edit.text() == ""
    assert edit.hasFocus()


def test_driving_modal_runs_its_steps_on_a_dialog_opened_without_blocking(
    qtbot: QtBot, console_page: ConsolePage
):
    """New session opens with open(): the click returns at once, and the steps run after."""
    console = console_page.window
    seen: list[str] = []

    def look_and_cancel(dialog: NewSessionDialog) -> None:
        seen.append(dialog.windowTitle())
        click(qtbot, named(dialog, QPushButton, "cancelButton"))

    with driving_modal(NewSessionDialog, look_and_cancel):
        click(qtbot, named(console, QPushButton, "newSessionButton"))
        assert seen == []  # the console did not block in the dialog's own loop

    assert seen == ["New session"]
    assert console.new_session_dialog is None


def test_a_failing_modal_step_closes_the_dialog_and_is_raised(
    qtbot: QtBot, console_page: ConsolePage
):
    console = console_page.window

    def fail(_dialog: NewSessionDialog) -> None:
        raise AssertionError("the customer hung up")

    with (
        pytest.raises(AssertionError, match="the customer hung up"),
        driving_modal(NewSessionDialog, fail),
    ):
        click(qtbot, named(console, QPushButton, "newSessionButton"))

    assert console.new_session_dialog is None
    assert QApplication.activeModalWidget() is None


def test_a_modal_that_never_appears_fails_after_its_time_out(
    qtbot: QtBot, console_page: ConsolePage, monkeypatch
):
    monkeypatch.setattr(driving, "MODAL_TIMEOUT_MS", 200)

    with (
        pytest.raises(AssertionError, match="no modal NewSessionDialog appeared"),
        driving_modal(NewSessionDialog, lambda _dialog: None),
    ):
        console_page.filter("priya")  # opens nothing


# -- what a failing step says ----------------------------------------------------------


def assert_a_real_screenshot(path: Path) -> None:
    assert path.is_file()
    image = QImage(str(path))
    assert not image.isNull()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 41)
    }
    assert len(colours) > 3, "the screenshot is blank"


def test_a_failing_page_step_says_what_was_on_screen_and_saves_a_screenshot(
    console_page: ConsolePage, tmp_path: Path
):
    console_page.artifacts = tmp_path

    with pytest.raises(StepFailed) as failed:
        console_page.hover_participant("Nobody Here")

    message = str(failed.value)
    assert "assert " not in message, "pytest's assertion details belong to no tester"
    assert message.startswith(
        "Step failed: hover the participant Nobody Here and wait for the card: "
        "no document participant 'Nobody Here'; listed: ['Omar Haddad', 'Grace Kim', 'Luis Ortega']"
    )
    assert (
        '\nOn screen:\n  Window "Collab Console" consoleWindow (ConsoleWindow) [active]\n'
        in message
    )
    assert "\n  Focus: sessionList (QListView)" in message
    shot = failed.value.screenshot
    assert shot is not None
    assert message.endswith(f"\nScreenshot: {shot}")
    assert shot.parent == tmp_path
    assert re.fullmatch(r"step-\d+-hover-the-participant-nobody-here[a-z-]*\.png", shot.name)
    assert_a_real_screenshot(shot)


def test_a_step_that_times_out_prints_the_screen_and_writes_a_png(
    qtbot: QtBot, console_page: ConsolePage, tmp_path: Path
):
    console_page.hover_customer()

    with pytest.raises(StepFailed) as failed, step("wait for a second card", artifacts=tmp_path):
        qtbot.waitUntil(lambda: False, timeout=50)

    message = str(failed.value)
    assert message.startswith("Step failed: wait for a second card: waitUntil timed out")
    assert (
        '  Copy card of "Dana Levi" (Customer · SMS invite failed): '
        '"Copy Session ID", "Resend invite"' in message
    )
    assert "  Status bar: (empty)" in message
    assert failed.value.screenshot is not None
    assert_a_real_screenshot(failed.value.screenshot)


def test_a_step_failing_as_a_card_opens_shows_the_card_in_its_screenshot(
    console_page: ConsolePage, tmp_path: Path
):
    console_page.artifacts = tmp_path

    with pytest.raises(StepFailed, match="the card offers no Copy Session URL") as failed:
        console_page.hover_participant("Omar Haddad").copy("Session URL")

    assert failed.value.screenshot is not None
    assert_the_screenshot_shows(failed.value.screenshot, shown_card(console_page.window))


def assert_the_screenshot_shows(path: Path, widget: QWidget | None) -> None:
    """The picture holds ``widget`` as it is drawn now, where it is on screen (a card shown
    a moment before the step failed included)."""
    assert widget is not None
    assert widget.isVisible()
    shot = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    drawn = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    corner = widget.mapToGlobal(QPoint(0, 0)) * widget.devicePixelRatio()
    points = [
        (x, y) for x in range(2, drawn.width() - 2, 7) for y in range(2, drawn.height() - 2, 5)
    ]
    same = sum(shot.pixel(corner.x() + x, corner.y() + y) == drawn.pixel(x, y) for x, y in points)
    assert same / len(points) > 0.9, f"only {same} of {len(points)} points show the widget"


def test_the_screen_description_names_dialogs_errors_and_menus(console_page: ConsolePage, qtbot):
    new = console_page.open_new_session()
    new.fill("Ana Souza", "12ab")

    shown = describe_screen()

    assert '  Window "New session" newSessionDialog (NewSessionDialog) [active, modal]' in shown
    assert """  Error newSessionError: "'12ab' is not a valid phone number.\"""" in shown
    assert '  Focus: customerContactEdit (QLineEdit) "12ab"' in shown
    new.cancel()

    menus: list[str] = []

    def read_the_menu() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, read_the_menu)
            return
        menus.append(describe_screen())
        menu.close()

    icon = console_page.window.view.customer_icon
    QTimer.singleShot(0, read_the_menu)
    right_click(icon, icon.rect().center())
    qtbot.waitUntil(lambda: bool(menus))
    assert '  Menu copyContextMenu (QMenu): "Copy Session ID", —, "Resend invite"' in menus[0]


# -- no page method rots -----------------------------------------------------------------


def public_names(cls: type) -> list[str]:
    return [name for name in vars(cls) if not name.startswith("_")]


def test_every_page_method_and_property_is_used_by_the_gui_tests():
    """A method no test calls can break unnoticed: each is used in tests/gui somewhere."""
    sources = "\n".join(path.read_text() for path in sorted(GUI_TESTS.glob("*.py")))
    unused = [
        f"{cls.__name__}.{name}"
        for cls in PAGE_CLASSES
        for name in public_names(cls)
        if not re.search(rf"\.{name}\b", sources)
    ]
    assert public_names(pages.CopyCardPage), "the check sees the page classes' members"
    assert unused == []


def named_label(parent: QWidget, name: str) -> QLabel:
    label: QLabel | None = parent.findChild(QLabel, name)
    assert label is not None, f"no QLabel called {name}"
    return label
