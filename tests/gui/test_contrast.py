"""Every text on screen keeps a contrast of 4.5:1 (WCAG 2.1 AA), in the light and the dark look.

The real windows are shown in each look (applied the way the console applies
it, :class:`~collab_console.gui.appearance.Appearance`): the console with a copy
card open, Preferences with the URL warning and a refused URL base, New session
with an error. For every visible, enabled label, button and check box with
text, the text colour (its style sheet's ``color:``, else its palette's
foreground role) is measured against what it is drawn on (the nearest widget
up that fills its background or has a style-sheet background, else its
window's background). List rows are measured with the colours their delegate
draws them in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from collab_console.gui.appearance import Appearance, Theme, is_dark
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.new_session_dialog import NewSessionDialog
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import MIN_CONTRAST, contrast_ratio
from collab_console.gui.user_prefs import UserPrefs
from collab_console.store import Store
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    named,
    planted_url_base,
    retype,
    save_as_admin,
    save_through_hub,
    show_console,
    unlocked_preferences,
)

pytestmark = pytest.mark.gui

LOOKS = [Theme.LIGHT, Theme.DARK]

_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_COLOUR = re.compile(r"(?:^|[;\s])color\s*:\s*([^;]+)")
_BACKGROUND = re.compile(r"(?:^|[;\s])background(?:-color)?\s*:\s*([^;\s]+)")


# -- fixtures: the user's own file, the look, given back -----------------------------


@pytest.fixture
def appearance() -> Iterator[Appearance]:
    made = Appearance(UserPrefs())
    made.install()
    yield made
    Shiboken.delete(made)


@pytest.fixture(params=LOOKS, ids=lambda theme: theme.value)
def look(request: pytest.FixtureRequest, appearance: Appearance) -> Theme:
    """The look of this run of the test, in force before any window is made."""
    theme: Theme = request.param
    appearance.choose(theme)
    assert is_dark(QApplication.palette()) is (theme is Theme.DARK)
    return theme


@pytest.fixture
def withholding_console(qtbot: QtBot, demo_store: Store) -> Iterator[ConsoleWindow]:
    """A console whose settings hold a URL base that is not valid: every card withholds the
    Session URL and says why, in red."""
    save_as_admin(demo_store, acknowledged=True, copy_session_url=True)
    planted = StoreHub(
        demo_store,
        settings=planted_url_base(demo_store.load_settings()),
        sessions=demo_store.list_sessions(),
        poll_ms=3_600_000,
    )
    yield show_console(qtbot, planted)
    planted.close()


@pytest.fixture
def url_copy_on(qtbot: QtBot, hub: StoreHub) -> None:
    save_through_hub(qtbot, hub, acknowledged=True, copy_session_url=True)


# -- measuring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    where: str
    text: str
    foreground: QColor
    background: QColor

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground, self.background)

    def __str__(self) -> str:
        return (
            f"{self.where} {self.text[:40]!r}: {self.foreground.name()} on "
            f"{self.background.name()} = {self.ratio:.2f}"
        )


def sheet_value(widget: QWidget, pattern: re.Pattern[str]) -> QColor | None:
    """A colour the widget's own style sheet gives it (bare, or in a rule that names it)."""
    sheet = widget.styleSheet()
    if "{" not in sheet:
        blocks = [sheet]
    else:
        blocks = [
            body
            for selector, body in _RULE.findall(sheet)
            if any(
                part.strip() in ("*", f"#{widget.objectName()}", type(widget).__name__)
                for part in selector.split(",")
            )
        ]
    for block in blocks:
        found = pattern.search(block)
        if found is not None:
            colour = QColor(found.group(1).strip())
            if colour.isValid():
                return colour
    return None


def text_colour(widget: QWidget) -> QColor:
    own = sheet_value(widget, _COLOUR)
    return own if own is not None else widget.palette().color(widget.foregroundRole())


def background_colour(widget: QWidget) -> QColor:
    current: QWidget | None = widget
    while current is not None:
        sheet = sheet_value(current, _BACKGROUND)
        if sheet is not None:
            return sheet
        if current.autoFillBackground() or current.isWindow():
            return current.palette().color(current.backgroundRole())
        current = current.parentWidget()
    return widget.palette().color(QPalette.ColorRole.Window)


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text().replace("&", "").strip()
    if isinstance(widget, QGroupBox):
        return widget.title().strip()
    return ""


def readings(window: QWidget) -> list[Reading]:
    """Every visible, enabled text of ``window``, with what it is drawn on."""
    found: list[Reading] = []
    for widget in [window, *window.findChildren(QWidget)]:
        text = shown_text(widget)
        if not text or not widget.isVisible() or not widget.isEnabled():
            continue
        where = f"{type(widget).__name__} {widget.objectName() or '(unnamed)'}"
        found.append(Reading(where, text, text_colour(widget), background_colour(widget)))
        if isinstance(widget, QPushButton) and not widget.isFlat():  # on its own bevel too
            palette = widget.palette()
            found.append(
                Reading(
                    f"{where} (bevel)",
                    text,
                    text_colour(widget),
                    palette.color(QPalette.ColorRole.Button),
                )
            )
    return found


def row_readings(view: QListView) -> list[Reading]:
    """Each row's lines, in the colours the view's delegate draws them in."""
    found: list[Reading] = []
    model = view.model()
    delegate = view.itemDelegate()
    for row in range(model.rowCount()):
        index: QModelIndex = model.index(row, 0)
        if view.isRowHidden(row):
            continue
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(index)
        if view.selectionModel().isSelected(index):
            option.state |= option.state.State_Selected
        item = QStyleOptionViewItem(option)
        delegate.initStyleOption(item, index)
        selected = bool(option.state & option.state.State_Selected)
        background = option.palette.color(
            QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
        )
        colours: Callable[..., tuple[QColor, QColor]] | None = getattr(delegate, "colours", None)
        if colours is not None:
            first, rest = colours(option, item)
        else:
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            first = rest = item.palette.color(role)
        lines = str(index.data() or "").split("\n")
        where = f"{view.objectName()} row {row}"
        found.append(Reading(where, lines[0], first, background))
        found.extend(
            Reading(f"{where} line {n}", line, rest, background)
            for n, line in enumerate(lines[1:], 2)
        )
    return found


def too_faint(found: Iterable[Reading]) -> list[str]:
    return [str(reading) for reading in found if reading.ratio < MIN_CONTRAST]


# -- showing the windows ----------------------------------------------------------------


def wait_for_card(qtbot: QtBot, console: ConsoleWindow) -> QWidget:
    card = console.copying.card
    qtbot.waitUntil(card.isVisible, timeout=CARD_TIMEOUT_MS)
    return card


def open_participant_card(qtbot: QtBot, console: ConsoleWindow, row: int) -> QWidget:
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(row, 0))
    qtbot.mouseMove(view.viewport(), QPoint(rect.left() + 10, rect.center().y()))
    return wait_for_card(qtbot, console)


def open_customer_card(qtbot: QtBot, console: ConsoleWindow) -> QWidget:
    icon = console.view.customer_icon
    qtbot.mouseMove(icon, icon.rect().center())
    return wait_for_card(qtbot, console)


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its indicator, where a user would click."""
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=indicator.center())


def show_preferences_with_problems(qtbot: QtBot, hub: StoreHub) -> PreferencesDialog:
    """Preferences with the URL warning up and a refused Session URL base."""
    dialog = unlocked_preferences(qtbot, hub)
    tick(qtbot, named(dialog, QCheckBox, "copySessionUrlCheck"))
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")
    assert named(dialog, QWidget, "urlWarningFrame").isVisible()
    assert named(dialog, QLabel, "sessionUrlBaseError").isVisible()
    assert named(dialog, QLabel, "saveBlockedLabel").isVisible()
    return dialog


# -- the tests --------------------------------------------------------------------------


@pytest.mark.usefixtures("look")
def test_the_console_with_the_customer_card_open(qtbot, url_copy_on, console):
    card = open_customer_card(qtbot, console)
    assert named(card, QPushButton, "copyUrlButton").isVisible()

    found = readings(console)

    assert any(r.where == "QLabel inviteStatusLabel" for r in found)  # in red
    assert any(r.where == "QLabel copyCardTitle" for r in found)
    assert too_faint(found) == []


@pytest.mark.usefixtures("look")
def test_the_console_with_a_card_that_withholds_a_link(qtbot, withholding_console):
    console = withholding_console
    card = open_participant_card(qtbot, console, 1)
    withheld = named(card, QLabel, "copyCardWithheld")
    assert withheld.isVisible()

    found = readings(console)

    assert any(r.where == "QLabel copyCardWithheld" for r in found)  # in red
    assert too_faint(found) == []


@pytest.mark.usefixtures("look")
def test_preferences_with_the_url_warning_and_a_refused_url_base(qtbot, hub):
    dialog = show_preferences_with_problems(qtbot, hub)

    found = readings(dialog)

    for name in ("urlWarningTitle", "urlWarningText", "sessionUrlBaseError", "saveBlockedLabel"):
        assert any(r.where == f"QLabel {name}" for r in found), name
    assert too_faint(found) == []


@pytest.mark.usefixtures("look")
def test_new_session_with_an_error(qtbot, hub):
    dialog = NewSessionDialog(hub)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    retype(qtbot, named(dialog, QLineEdit, "customerNameEdit"), "Ana Souza")
    assert named(dialog, QLabel, "newSessionError").text()

    found = readings(dialog)

    assert any(r.where == "QLabel newSessionError" for r in found)
    assert too_faint(found) == []


@pytest.mark.usefixtures("look")
def test_the_session_list_and_the_participant_rows(qtbot, console):
    found = [
        *row_readings(named(console, QListView, "sessionList")),
        *row_readings(named(console, QListView, "documentParticipantsView")),
    ]

    assert any("row 1" in r.where for r in found)  # the ended session
    assert too_faint(found) == []


def test_open_preferences_stay_readable_when_the_look_changes_under_them(qtbot, appearance, hub):
    """Light to dark with the URL warning and two reds on screen."""
    appearance.choose(Theme.LIGHT)
    dialog = show_preferences_with_problems(qtbot, hub)
    text = named(dialog, QLabel, "urlWarningText")
    error = named(dialog, QLabel, "sessionUrlBaseError")
    red = error.styleSheet()

    appearance.choose(Theme.DARK)

    qtbot.waitUntil(lambda: error.styleSheet() != red)
    qtbot.waitUntil(lambda: background_colour(text).lightness() < 128)
    assert too_faint(readings(dialog)) == []


def test_the_open_console_and_its_card_stay_readable_when_the_look_changes_under_them(
    qtbot, appearance, console
):
    """Light to dark with the console and a card on screen (the card is built once, then kept)."""
    appearance.choose(Theme.LIGHT)
    card = open_customer_card(qtbot, console)
    invite = named(console, QLabel, "inviteStatusLabel")
    red = invite.styleSheet()

    appearance.choose(Theme.DARK)

    qtbot.waitUntil(lambda: invite.styleSheet() != red)
    qtbot.waitUntil(lambda: is_dark(card.palette()))
    assert card.isVisible()
    assert too_faint(readings(console)) == []
