"""The console window's layout, colours and keyboard reach, and what its status bar says.

Long names, sessions without participants and the first status message must
not move or widen anything; ended sessions stay readable in light and dark
palettes; F10 reaches the menus; status messages reach assistive technology.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ENDED_ID
from collab_console.core.domain import Session
from collab_console.core.events import SessionStarted
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.session_delegate import RowDelegate
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import contrast_ratio
from tests.gui.helpers import named

pytestmark = pytest.mark.gui

#: 120 characters, the longest name the store takes.
LONG_NAME = (
    "Maximilian Alexander Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff "
    "of the Very Long Hyphenated Surname Family Trust"
)[:120]


def start_session(qtbot: QtBot, console: ConsoleWindow, hub: StoreHub, name: str) -> Session:
    """Start a session for ``name`` through the console's hub, show it, and wait until shown."""
    started: list[Session] = []

    def done(result: tuple[Session, SessionStarted]) -> None:
        started.append(result[0])

    hub.call(
        lambda store: store.start_session(
            customer_name=name, contact="ana@example.org", now=datetime.now(UTC), actor="qa"
        ),
        done,
    )
    qtbot.waitUntil(lambda: bool(started))
    session = started[0]
    console.sessions.select(session.session_id)
    qtbot.waitUntil(
        lambda: console.session is not None and console.session.session_id == session.session_id
    )
    return session


def inside(widget: QWidget, area: QRect) -> bool:
    """Whether all of ``widget`` lies within ``area`` (global coordinates)."""
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return area.contains(QRect(top_left, widget.size()))


def dark_palette() -> QPalette:
    """A plain dark palette, as a desktop in dark mode hands to Qt (docs/screenshots/take.py)."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1f1f1f"),
        (QPalette.ColorRole.AlternateBase, "#2f2f2f"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture(params=["light", "dark"])
def palette_in_force(request: pytest.FixtureRequest) -> Iterator[str]:
    """The application's palette as it starts (light), or a dark one; restored afterwards."""
    before = QApplication.palette()
    if request.param == "dark":
        QApplication.setPalette(dark_palette())
    yield request.param
    QApplication.setPalette(before)


# -- the session header ---------------------------------------------------------------


def test_a_session_without_participants_keeps_a_compact_header(qtbot, console, hub):
    start_session(qtbot, console, hub, "Ana Souza")
    header = named(console, QFrame, "sessionHeader")
    hint = named(console, QLabel, "copyHintLabel")
    empty = named(console, QLabel, "noParticipantsLabel")
    qtbot.waitUntil(empty.isVisible)

    assert header.height() <= header.sizeHint().height()
    gap = (
        hint.mapTo(console, QPoint(0, 0)).y()
        - header.mapTo(console, QPoint(0, header.height())).y()
    )
    spacing = header.parentWidget().layout().spacing()
    assert 0 <= gap <= max(spacing, 0) + 2, "the hint sits right under the header"
    assert hint.height() <= hint.heightForWidth(hint.width()) + 2
    assert empty.text() == "No other participants in this session."


def test_a_long_name_is_elided_and_widens_nothing(qtbot, console, hub):
    width = console.width()
    screen = console.screen().availableGeometry()

    start_session(qtbot, console, hub, LONG_NAME)

    label = named(console, QLabel, "customerNameLabel")
    end = named(console, QPushButton, "endSessionButton")
    # Until the name is laid out: elided (with its tooltip), or the window grew for it.
    qtbot.waitUntil(lambda: label.toolTip() == LONG_NAME or console.width() != width)
    assert len(LONG_NAME) == 120
    assert console.width() == width
    assert console.minimumSizeHint().width() <= width
    assert inside(end, QRect(console.mapToGlobal(QPoint(0, 0)), console.size()))
    assert inside(end, screen)
    assert label.text() != LONG_NAME
    assert label.text().endswith("…")
    assert LONG_NAME.startswith(label.text()[:-1].rstrip())
    assert label.accessibleName() == LONG_NAME


def test_a_short_name_is_shown_whole_without_a_tooltip(qtbot, console, hub):
    start_session(qtbot, console, hub, "Ana Souza")

    label = named(console, QLabel, "customerNameLabel")
    assert label.text() == "Ana Souza"
    assert label.toolTip() == ""


def test_the_status_bar_is_there_before_the_first_message(qtbot, console):
    bar = console.statusBar()
    assert bar.objectName() == "consoleStatusBar"
    assert bar.isVisible()
    assert bar.height() > 0
    central = console.centralWidget().geometry()

    console.say("Copied Session ID 7QKM-92HX for Dana Levi.")

    qtbot.waitUntil(lambda: bar.currentMessage() != "")
    assert console.centralWidget().geometry() == central


# -- the session list -------------------------------------------------------------------


def test_session_rows_are_drawn_by_the_row_delegate_on_several_lines(console):
    view = named(console, QListView, "sessionList")
    assert isinstance(view.itemDelegate(), RowDelegate)
    index = view.model().index(0, 0)
    line = view.fontMetrics().lineSpacing()
    assert view.visualRect(index).height() >= 3 * line


def test_ended_sessions_stay_readable(console, palette_in_force):
    view = named(console, QListView, "sessionList")
    index = view.model().index(console.sessions.model.row_of(DEMO_ENDED_ID), 0)
    background = view.palette().color(QPalette.ColorRole.Base)

    foreground = index.data(Qt.ItemDataRole.ForegroundRole)
    colour = foreground if isinstance(foreground, QColor) else foreground.color()
    assert contrast_ratio(colour, background) >= 4.5

    delegate = view.itemDelegate()
    assert isinstance(delegate, RowDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.palette = view.palette()
    option.state = QStyle.StateFlag.State_Enabled
    item = QStyleOptionViewItem(option)
    delegate.initStyleOption(item, index)
    for colour in delegate.colours(option, item):
        assert contrast_ratio(colour, background) >= 4.5, palette_in_force


# -- keyboard -----------------------------------------------------------------------------


def test_f10_opens_the_first_menu_and_the_arrows_move_on(qtbot, console):
    bar = console.menuBar()
    menus = [action.menu() for action in bar.actions()]
    first, second = menus[0], menus[1]
    assert isinstance(first, QMenu)
    assert isinstance(second, QMenu)
    console.session_list.setFocus()
    qtbot.waitUntil(console.session_list.hasFocus)

    qtbot.keyClick(console.session_list, Qt.Key.Key_F10)

    qtbot.waitUntil(first.isVisible)
    assert bar.activeAction() is first.menuAction()
    qtbot.keyClick(first, Qt.Key.Key_Right)
    qtbot.waitUntil(second.isVisible)
    assert not first.isVisible()
    qtbot.keyClick(second, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not second.isVisible())


def test_the_filter_field_comes_first_but_the_list_has_focus_at_start(qtbot, console):
    filter_edit = named(console, QLineEdit, "filterEdit")
    assert console.session_list.hasFocus()
    assert not filter_edit.hasFocus()


# -- assistive technology -------------------------------------------------------------------


def test_a_status_message_is_announced_to_assistive_technology(
    qtbot, console, monkeypatch: pytest.MonkeyPatch
):
    announced: list[tuple[QAccessible.Event, str, object]] = []
    real_update = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        message = event.message() if hasattr(event, "message") else ""
        announced.append((event.type(), message, event.object()))
        real_update(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    message = "Copied Session ID 7QKM-92HX for Dana Levi."

    console.say(message)

    bar = console.statusBar()
    assert (QAccessible.Event.Announcement, message, bar) in announced
    interface = QAccessible.queryAccessibleInterface(bar)
    assert interface is not None
    assert interface.text(QAccessible.Text.Name) == "Status"
    assert interface.text(QAccessible.Text.Description) == message
    bar.clearMessage()
    assert interface.text(QAccessible.Text.Description) == ""


def test_the_window_fits_the_screen_it_starts_on(console):
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert console.minimumSizeHint().width() <= screen.width()


def test_rows_read_out_what_they_show_and_participants_say_enter_opens_the_card(console):
    participants = QAccessible.queryAccessibleInterface(
        named(console, QListView, "documentParticipantsView")
    )
    sessions = QAccessible.queryAccessibleInterface(named(console, QListView, "sessionList"))
    assert participants is not None
    assert sessions is not None

    omar = participants.child(0)
    assert omar.text(QAccessible.Text.Name) == (
        "Omar Haddad, Document participant, +44 •••• ••12, SMS invite delivered"
    )
    assert omar.text(QAccessible.Text.Description) == "Press Enter to open the copy card."
    dana = sessions.child(0)
    assert dana.text(QAccessible.Text.Name).startswith(
        "Dana Levi, 7QKM-92HX, Active, Demo, Started "
    )
