"""The console in Hebrew: mirrored, its own texts translated, IDs kept intact.

The console is started in Hebrew as ``--lang he`` starts it (``run_gui`` calls
``install_language(app, choose_language("he"))`` before any window is built),
on catalogues built by ``packaging/translations build``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from collab_console.core.i18n import choose_language, strip_bidi
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.language import CATALOGUES, GuiLanguage, install_language
from collab_console.gui.store_hub import StoreHub
from tests.gui.helpers import CARD_TIMEOUT_MS, click, save_through_hub, show_console

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "translations"
#: Grace Kim's own ID in the demo: a document participant's row.
GRACE_ID = "K9ZC-3HNP"
LRI, PDI = "\u2066", "\u2069"


@pytest.fixture(scope="session")
def catalogues() -> Path:
    """The compiled catalogues, built afresh from resources/translations/ as a build does."""
    if not BUILD.exists():
        reason = f"{BUILD.relative_to(ROOT)} is missing: the catalogues cannot be built"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(BUILD), "build"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr or done.stdout
    return CATALOGUES


@pytest.fixture
def hebrew(qapp: QApplication, catalogues: Path) -> Iterator[GuiLanguage]:
    """Hebrew from now on, as ``--lang he``; English and left to right again afterwards."""
    language = install_language(qapp, choose_language("he"))
    assert language.lang == "he", f"no Hebrew catalogue in {catalogues}"
    yield language
    language.remove(qapp)


@pytest.fixture
def hebrew_console(qtbot: QtBot, hebrew: GuiLanguage, hub: StoreHub) -> ConsoleWindow:
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_id=True, copy_session_url=True)
    return show_console(qtbot, hub)


def hover_row_end(qtbot: QtBot, console: ConsoleWindow, row: int) -> QPoint:
    """Rest the pointer on a participant's name, at the row's reading start (its right end
    right to left); the pointer's global position."""
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    at = QPoint(rect.right() - 10, rect.center().y())
    qtbot.mouseMove(view.viewport(), at)
    qtbot.waitUntil(console.copying.card.isVisible, timeout=CARD_TIMEOUT_MS)
    return view.viewport().mapToGlobal(at)


def grace_row(console: ConsoleWindow) -> int:
    model = console.view.participants_model
    return next(
        row for row in range(model.rowCount()) if model.participant(row).access_id == GRACE_ID
    )


def test_the_window_is_right_to_left_with_the_session_list_on_the_right(
    hebrew_console: ConsoleWindow,
):
    console = hebrew_console
    assert console.layoutDirection() == Qt.LayoutDirection.RightToLeft
    sessions = console.sessions.view
    view = console.view.participants_view
    assert sessions.mapToGlobal(QPoint(0, 0)).x() > view.mapToGlobal(QPoint(view.width(), 0)).x()


def test_the_menus_and_the_form_are_in_hebrew(hebrew_console: ConsoleWindow):
    titles = [action.text() for action in hebrew_console.menuBar().actions()]
    assert titles[0] == "&קובץ"
    assert "&File" not in titles
    new_session = hebrew_console.findChild(QPushButton, "newSessionButton")
    assert new_session is not None
    assert new_session.text() == "סשן חדש…"


def test_a_participants_card_opens_left_of_the_pointer_and_the_row_end(
    qtbot: QtBot, hebrew_console: ConsoleWindow
):
    console = hebrew_console
    pointer = hover_row_end(qtbot, console, grace_row(console))
    card = console.copying.card
    assert card.mapToGlobal(QPoint(card.width(), 0)).x() < pointer.x()
    assert card.mapToGlobal(QPoint(0, 0)).y() > pointer.y()  # below the row, not over it


def test_the_card_shows_the_id_isolated_and_copies_it_without_bidi_controls(
    qtbot: QtBot, hebrew_console: ConsoleWindow, read_with_xclip: Callable[[], str]
):
    console = hebrew_console
    hover_row_end(qtbot, console, grace_row(console))
    card = console.copying.card
    preview = card.findChild(QLabel, "copyIdPreview")
    assert preview is not None
    assert preview.text() == f"{LRI}{GRACE_ID}{PDI}"
    button = card.findChild(QPushButton, "copyIdButton")
    assert button is not None
    with qtbot.waitSignal(console.copying.said, timeout=5000):
        click(qtbot, button)
    copied = read_with_xclip()  # as another program pastes it
    assert copied.encode() == GRACE_ID.encode()  # the bytes an English console copies
    assert strip_bidi(copied) == copied
