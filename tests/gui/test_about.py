"""Help › About Collab Console, as a keyboard user opens it: the version, the licence, the
licence notices of Qt, PySide6 and the libraries shipped with the console."""

from __future__ import annotations

import subprocess
import sys
from email.message import Message
from typing import Any

import PySide6
import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QLabel, QMenu, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from collab_console import __version__
from collab_console.gui.about_dialog import (
    NOT_STATED,
    AboutDialog,
    Library,
    licence_of,
    notices,
    shipped_libraries,
)
from collab_console.gui.console_window import ConsoleWindow
from tests.gui.helpers import named

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier


def help_menu(console: ConsoleWindow) -> QMenu:
    menus = [action.menu() for action in console.menuBar().actions()]
    found = [menu for menu in menus if isinstance(menu, QMenu) and menu.title() == "&Help"]
    assert len(found) == 1, "no Help menu"
    return found[0]


def open_about_with_the_keyboard(qtbot: QtBot, console: ConsoleWindow) -> AboutDialog:
    """Alt+H, then A (the mnemonic of "&About Collab Console")."""
    # With no window manager on Xvfb nothing gives a closed dialog's parent focus back.
    console.activateWindow()
    qtbot.waitUntil(console.isActiveWindow)
    console.session_list.setFocus()
    qtbot.waitUntil(console.session_list.hasFocus)
    menu = help_menu(console)

    qtbot.keyClick(console.session_list, Qt.Key.Key_H, ALT)
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_A)

    qtbot.waitUntil(lambda: console.about_dialog is not None and console.about_dialog.isVisible())
    dialog = console.about_dialog
    assert isinstance(dialog, AboutDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_help_comes_last_after_settings(console):
    titles = [action.text() for action in console.menuBar().actions()]

    assert titles[-2:] == ["&Settings", "&Help"]
    assert [action.objectName() for action in help_menu(console).actions()] == ["aboutAction"]


def test_about_opened_from_the_keyboard_shows_the_version_and_the_notices(qtbot, console):
    dialog = open_about_with_the_keyboard(qtbot, console)

    assert dialog.windowTitle() == "About Collab Console"
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert named(dialog, QLabel, "aboutVersionLabel").text() == f"Version {__version__}"
    assert named(dialog, QLabel, "aboutLicenceLabel").text() == "Licence: Proprietary."
    text = named(dialog, QPlainTextEdit, "aboutNoticesText")
    said = text.toPlainText()
    assert said.startswith(f"Qt {qVersion()}\n")
    assert f"PySide6 {PySide6.__version__} (Qt for Python)" in said
    assert "GNU Lesser General Public License, version 3 (LGPLv3)" in said
    # Runtime dependencies and theirs, with the licences their metadata states.
    assert "\npyperclip " in said
    assert "\npsycopg-binary " in said  # asked for as psycopg[binary]
    assert "\npytest " not in said  # the QA extra is not shipped with the console
    assert text.isReadOnly()
    assert text.accessibleName() == "Licence notices"
    close = named(dialog, QPushButton, "closeAboutButton")
    assert (close.text(), close.accessibleName()) == ("Close", "Close")
    assert close.hasFocus()


def test_the_notices_scroll_from_the_keyboard_and_tab_moves_on(qtbot, console):
    dialog = open_about_with_the_keyboard(qtbot, console)
    text = named(dialog, QPlainTextEdit, "aboutNoticesText")

    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_N, ALT)  # the label's mnemonic
    qtbot.waitUntil(text.hasFocus)
    qtbot.keyClick(text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)

    # The last library's line is in view: the text scrolled to it.
    qtbot.waitUntil(lambda: text.textCursor().atEnd())
    assert text.verticalScrollBar().value() > 0
    assert text.viewport().rect().contains(text.cursorRect())
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    qtbot.waitUntil(named(dialog, QPushButton, "closeAboutButton").hasFocus)


def test_esc_closes_about_and_leaves_nothing_behind(qtbot, console):
    for _ in range(2):
        dialog = open_about_with_the_keyboard(qtbot, console)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)

        qtbot.waitUntil(lambda: not console.findChildren(AboutDialog))
        assert console.about_dialog is None


def test_a_second_about_brings_back_the_open_one(qtbot, console):
    dialog = open_about_with_the_keyboard(qtbot, console)

    console.about_action.trigger()

    assert [d for d in console.findChildren(AboutDialog) if d.isVisible()] == [dialog]
    click_close = named(dialog, QPushButton, "closeAboutButton")
    qtbot.mouseClick(click_close, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not console.findChildren(AboutDialog))


def test_about_is_not_imported_when_the_console_starts():
    code = (
        "import sys, collab_console.gui.console_window, collab_console.main; "
        "print('collab_console.gui.about_dialog' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


# -- the notices, from metadata -------------------------------------------------------------


def test_the_shipped_libraries_are_the_installed_runtime_requirements():
    libraries = shipped_libraries()
    assert libraries is not None
    names = {library.name.lower().replace("_", "-") for library in libraries}

    # Direct, transitive (uvicorn's h11, keyring's jaraco.*), and an extra's (psycopg[binary]).
    assert {"pyside6-essentials", "shiboken6", "h11", "jaraco.classes", "psycopg-binary"} <= names
    assert "collab-console" not in names
    assert not names & {"pytest", "pytest-qt", "ruff", "mypy"}
    assert all(library.licence for library in libraries)


def test_without_metadata_the_notices_say_so_and_keep_the_qt_notice():
    assert shipped_libraries("no-such-distribution-here") is None

    said = notices(None, "6.9.0", "6.9.0")

    assert said.startswith("Qt 6.9.0\n")
    assert "keeps no record of the other libraries" in said


def test_a_licence_is_read_from_the_expression_the_field_or_the_classifiers():
    def meta(**fields: str | list[str]) -> Any:
        message = Message()
        for key, value in fields.items():
            for one in value if isinstance(value, list) else [value]:
                message[key.replace("_", "-")] = one
        return message

    assert licence_of(meta(License_Expression="MIT", License="whatever")) == "MIT"
    assert licence_of(meta(License="BSD")) == "BSD"
    whole_text = "Copyright (c) someone\n\nPermission is hereby granted…"
    classifier = "License :: OSI Approved :: MIT License"
    assert licence_of(meta(License=whole_text, Classifier=[classifier])) == "MIT License"
    assert licence_of(meta()) == NOT_STATED
    assert notices([Library("x", "1", "MIT")], "6", "6").endswith("\nx 1: MIT")
