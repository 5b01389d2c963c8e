"""The agent's and the admin's core journeys, driven the same way in English and in Hebrew.

Each test runs once per language, by object names and the pointer, never by
the words on screen: hovering the customer and copying the Session ID and a
Session URL, Preferences with the URL warning acknowledged, and admitting a
browser from the lobby. What a journey leaves behind (the clipboard, the
settings, the browser let in) must be the same in both languages, and the
clipboard never carries a bidi control character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QFrame, QPushButton
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_URL_BASE
from collab_console.core.i18n import choose_language, saved_language, strip_bidi
from collab_console.core.lobby import BrowserState
from collab_console.core.settings import URL_WARNING
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.language import GuiLanguage, install_language
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store
from collab_console.testing.driving import hover_customer, tick
from tests.gui.helpers import (
    ADMIN,
    CARD_TIMEOUT_MS,
    STORE_TIMEOUT_MS,
    click,
    named,
    save_through_hub,
    show_console,
    show_preferences,
    unlock_preferences,
)
from tests.gui.test_hebrew import catalogues
from tests.gui.test_lobby import ask_to_join, join_service, wait_for_browser, wait_for_rows

__all__ = ["catalogues", "join_service"]  # fixtures of other modules, used here by name

pytestmark = pytest.mark.gui


@pytest.fixture(params=["en", "he"])
def language(request: pytest.FixtureRequest, qapp: QApplication, catalogues: Path) -> Iterator[str]:
    """The console's language for this run, installed as ``--lang`` installs it."""
    installed: GuiLanguage = install_language(qapp, choose_language(request.param))
    assert installed.lang == request.param
    rtl = request.param == "he"
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    assert qapp.layoutDirection() == direction
    yield request.param
    installed.remove(qapp)


@pytest.fixture
def console(qtbot: QtBot, language: str, hub: StoreHub) -> ConsoleWindow:
    return show_console(qtbot, hub)


def reads_in(language: str, text: str) -> bool:
    """Whether ``text`` is written in ``language``: Hebrew letters in Hebrew, none in English."""
    hebrew = any("\u0590" <= char <= "\u05ff" for char in text)
    return hebrew if language == "he" else not hebrew and text.strip() != ""


def copy_from_card(qtbot: QtBot, console: ConsoleWindow, button_name: str, language: str) -> None:
    hover_customer(qtbot, console)
    qtbot.waitUntil(console.copying.card.isVisible, timeout=CARD_TIMEOUT_MS)
    button = named(console.copying.card, QPushButton, button_name)
    assert reads_in(language, button.text()), button.text()
    click(qtbot, button)


def test_hovering_the_customer_copies_the_session_id_the_same_in_both_languages(
    qtbot: QtBot, console: ConsoleWindow, read_with_xclip: Callable[[], str], language: str
):
    copy_from_card(qtbot, console, "copyIdButton", language)
    qtbot.waitUntil(lambda: read_with_xclip() == DEMO_ACTIVE_ID, timeout=STORE_TIMEOUT_MS)
    said = console.statusBar().currentMessage()
    assert reads_in(language, said), said  # the agent is told, in their language


def test_a_copied_session_url_is_a_plain_url_in_both_languages(
    qtbot: QtBot,
    hub: StoreHub,
    language: str,
    read_with_xclip: Callable[[], str],
):
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)
    console = show_console(qtbot, hub)
    copy_from_card(qtbot, console, "copyUrlButton", language)
    qtbot.waitUntil(lambda: read_with_xclip().startswith(DEMO_URL_BASE), timeout=STORE_TIMEOUT_MS)
    copied = read_with_xclip()
    assert strip_bidi(copied) == copied
    assert copied.isascii()
    assert " " not in copied


def test_preferences_turns_the_url_copy_on_with_the_warning_acknowledged(
    qtbot: QtBot, hub: StoreHub, language: str
):
    dialog = show_preferences(qtbot, hub)
    unlock_preferences(qtbot, dialog)
    url_check = named(dialog, QCheckBox, "copySessionUrlCheck")
    warning = named(dialog, QFrame, "urlWarningFrame")
    assert reads_in(language, url_check.text()), url_check.text()
    tick(qtbot, url_check)
    qtbot.waitUntil(warning.isVisible)
    acknowledge = named(dialog, QCheckBox, "urlAcknowledgeCheck")
    assert reads_in(language, acknowledge.text()), acknowledge.text()
    save = named(dialog, QPushButton, "saveButton")
    assert not save.isEnabled(), "saved without the acknowledgement"
    tick(qtbot, acknowledge)
    qtbot.waitUntil(save.isEnabled)
    with qtbot.waitSignal(hub.settings_changed, timeout=STORE_TIMEOUT_MS):
        click(qtbot, save)
    assert hub.settings is not None
    assert hub.settings.copy_session_url
    acknowledgement = hub.settings.url_acknowledgement
    assert acknowledgement is not None
    assert (acknowledgement.by, acknowledgement.warning_version) == (ADMIN, URL_WARNING.version)


def test_admitting_from_the_lobby_lets_the_browser_in(
    qtbot: QtBot, console: ConsoleWindow, join_service: Store, language: str
):
    _request, browser = ask_to_join(join_service, "Dana Levi")
    (row,) = wait_for_rows(qtbot, console, 1)
    assert reads_in(language, row.admit.text()), row.admit.text()
    click(qtbot, row.admit)

    wait_for_browser(qtbot, join_service, browser, BrowserState.JOINED)
    wait_for_rows(qtbot, console, 0)
    said = console.statusBar().currentMessage()
    assert DEMO_ACTIVE_ID in strip_bidi(said)
    assert reads_in(language, said), said


def test_the_language_chosen_in_preferences_is_kept_for_the_next_start(
    qtbot: QtBot, hub: StoreHub, language: str
):
    dialog = show_preferences(qtbot, hub)
    combo = named(dialog, QComboBox, "languageCombo")
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "en", "he"]
    assert combo.currentData() == ""  # nothing chosen yet: the desktop's language
    other = "en" if language == "he" else "he"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)  # the last language, then the other one
    if other == "en":
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert combo.currentData() == other
    assert saved_language() == other
    assert choose_language() == other  # what the next start, without --lang, speaks
    assert choose_language(language) == language  # --lang still chooses for one run
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert saved_language() is None
