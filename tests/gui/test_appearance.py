"""Light, dark and the desktop's choice; the user's own preferences file; fitting on the screen.

Like every GUI test, these keep the user's preferences in ``tmp_path``
(``own_config_dir``) and give the application its style and palette back
afterwards (``look_restored``, both in ``conftest.py``), so no other test sees
a dark console.

The desktop switching between light and dark is played by emitting
``QStyleHints.colorSchemeChanged``, which is what Qt does when the desktop
tells it (Xvfb has no desktop to ask).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from collab_console.cli.parser import THEME_CHOICES, build_parser
from collab_console.gui.appearance import (
    Appearance,
    Theme,
    dark_palette,
    fit_rect,
    is_dark,
    light_palette,
)
from collab_console.gui.style import MIN_CONTRAST, contrast_ratio, warning_colours
from collab_console.gui.user_prefs import THEME_KEY, UserPrefs
from collab_console.store import Store, open_store
from tests.gui.helpers import click, named, retype, show_preferences

pytestmark = pytest.mark.gui

#: Text roles and the background each is drawn on, in the palettes built here.
TEXT_ON_BACKGROUND = [
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
]


# -- fixtures: the user's own file, and the look given back ---------------------------


@pytest.fixture
def app_names_restored(qapp: QApplication) -> Iterator[None]:
    """run_gui names the application; give the test session its own names back."""
    name, desktop = qapp.applicationName(), qapp.desktopFileName()
    yield
    qapp.setApplicationName(name)
    qapp.setDesktopFileName(desktop)


@pytest.fixture
def make_appearance() -> Iterator[Callable[..., Appearance]]:
    """Appearances that stop following the desktop at the end of the test."""
    made: list[Appearance] = []

    def make(theme: Theme | None = None, *, installed: bool = False) -> Appearance:
        appearance = Appearance(UserPrefs(), override=theme)
        if installed:
            appearance.install()
        made.append(appearance)
        return appearance

    yield make
    for appearance in made:
        if Shiboken.isValid(appearance):
            Shiboken.delete(appearance)


def desktop_switches_to(scheme: Qt.ColorScheme) -> None:
    """What Qt does when the desktop says it went light or dark."""
    QGuiApplication.styleHints().colorSchemeChanged.emit(scheme)


def app_is_dark() -> bool:
    return is_dark(QApplication.palette())


def stored_theme() -> str | None:
    return UserPrefs().text(THEME_KEY)


def store_state(data_dir: Path) -> tuple[object, int]:
    """The settings and the length of the audit trail, through a connection of our own."""
    other = open_store(data_dir)
    try:
        return other.load_settings(), len(other.audit_log(limit=1000))
    finally:
        other.close()


def gui_args(data_dir: Path, **values: object) -> argparse.Namespace:
    args = build_parser().parse_args(["--data-dir", str(data_dir)])
    for key, value in values.items():
        setattr(args, key, value)
    return args


#: The console program's own start (run_gui, with its real arguments) in a process of its
#: own; prints how the window looked once it showed. ``argv[1]`` is "-" or "X,Y,W,H": where
#: to move the window before closing it (the console is closed by the user, not by
#: --quit-when-ready, so it keeps its geometry).
RUN_CONSOLE = """
import json, sys
from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from collab_console.cli.parser import build_parser
from collab_console.gui.app import run_gui
from collab_console.gui.appearance import Appearance, is_dark
from collab_console.gui.console_window import ConsoleWindow
move = None if sys.argv[1] == "-" else QRect(*map(int, sys.argv[1].split(",")))
seen = {}

def look():
    window = next((w for w in app.topLevelWidgets() if isinstance(w, ConsoleWindow)), None)
    if window is None or not window.isVisible():
        return
    poll.stop()
    where = window.geometry()
    seen.update(
        dark=is_dark(window.palette()),
        style=app.style().name().lower(),
        installed=Appearance.installed() is not None,
        geometry=[where.x(), where.y(), where.width(), where.height()],
    )
    if move is not None:
        window.setGeometry(move)
        window.close()

poll = QTimer()
poll.setInterval(0)
poll.timeout.connect(look)
poll.start()
seen["code"] = run_gui(build_parser().parse_args(sys.argv[2:]))
print(json.dumps(seen))
"""


def console_run(
    data_dir: Path, *args: str, move: tuple[int, int, int, int] | None = None
) -> dict[str, Any]:
    """Start the console as ``collab-console --data-dir DATA_DIR ARGS`` would; what it saw."""
    where = ",".join(map(str, move)) if move is not None else "-"
    done = subprocess.run(
        [sys.executable, "-c", RUN_CONSOLE, where, "--data-dir", str(data_dir), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


# -- palettes ------------------------------------------------------------------------


@pytest.mark.parametrize("build", [light_palette, dark_palette], ids=["light", "dark"])
@pytest.mark.parametrize(
    ("text", "background"), TEXT_ON_BACKGROUND, ids=lambda role: getattr(role, "name", "")
)
def test_every_text_role_reads_on_its_background(build, text, background):
    palette = build()

    ratio = contrast_ratio(palette.color(text), palette.color(background))

    assert ratio >= MIN_CONTRAST, f"{text.name} on {background.name}: {ratio:.2f}"


def test_the_dark_palette_is_dark_and_the_light_one_light():
    assert is_dark(dark_palette())
    assert not is_dark(light_palette())


@pytest.mark.parametrize("build", [light_palette, dark_palette], ids=["light", "dark"])
def test_the_warning_tint_keeps_the_text_readable_and_is_not_the_window(build):
    palette = build()

    background, border = warning_colours(palette)

    text = palette.color(QPalette.ColorRole.WindowText)
    assert contrast_ratio(text, background) >= MIN_CONTRAST
    assert background != palette.color(QPalette.ColorRole.Window)
    assert border != background


# -- Light, Dark and System ------------------------------------------------------------


@pytest.mark.parametrize(("theme", "dark"), [(Theme.LIGHT, False), (Theme.DARK, True)])
def test_light_and_dark_put_fusion_and_their_palette_on_every_window(
    qtbot, console, make_appearance, theme, dark
):
    make_appearance(theme).apply()

    assert QApplication.style().name().lower() == "fusion"
    assert app_is_dark() is dark
    qtbot.waitUntil(lambda: is_dark(console.palette()) is dark)
    list_view = named(console, QWidget, "sessionList")
    assert is_dark(list_view.palette()) is dark


def test_system_follows_the_desktop_going_dark_and_light_again(qtbot, make_appearance):
    appearance = make_appearance()
    appearance.apply()
    assert appearance.theme is Theme.SYSTEM
    assert not app_is_dark()  # Xvfb's own palette is light

    desktop_switches_to(Qt.ColorScheme.Dark)
    qtbot.waitUntil(app_is_dark)
    assert QApplication.style().name().lower() == "fusion"

    desktop_switches_to(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not app_is_dark())


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_a_choice_of_light_or_dark_stays_when_the_desktop_switches(qtbot, make_appearance, theme):
    UserPrefs().set_text(THEME_KEY, theme.value)
    appearance = make_appearance()
    appearance.apply()
    assert appearance.theme is theme

    desktop_switches_to(Qt.ColorScheme.Light if theme is Theme.DARK else Qt.ColorScheme.Dark)
    QApplication.processEvents()

    assert app_is_dark() is (theme is Theme.DARK)


def test_a_stored_choice_this_version_does_not_know_reads_as_system(make_appearance):
    UserPrefs().set_text(THEME_KEY, "sepia")

    assert make_appearance().theme is Theme.SYSTEM


# -- --theme ---------------------------------------------------------------------------


def test_the_theme_flag_takes_the_three_choices_and_nothing_else(capsys):
    parser = build_parser()

    assert tuple(theme.value for theme in Theme) == THEME_CHOICES
    assert parser.parse_args([]).theme is None
    for choice in THEME_CHOICES:
        assert parser.parse_args(["--theme", choice]).theme == choice
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["--theme", "sepia"])
    assert refused.value.code == 2
    assert "invalid choice: 'sepia'" in capsys.readouterr().err


def test_the_flag_overrides_the_stored_choice_for_that_run_only(
    demo_store, data_dir, own_config_dir
):
    UserPrefs().set_text(THEME_KEY, Theme.LIGHT.value)
    before = (own_config_dir / "collab-console.ini").read_bytes()

    seen = console_run(data_dir, "--theme", "dark", "--quit-when-ready")

    assert seen["code"] == 0
    assert seen["dark"]
    assert seen["style"] == "fusion"
    assert seen["installed"]  # Preferences finds it
    assert stored_theme() == "light"
    assert (own_config_dir / "collab-console.ini").read_bytes() == before


@pytest.mark.parametrize(("stored", "dark"), [("dark", True), ("light", False)])
def test_the_stored_choice_applies_at_start(demo_store, data_dir, stored, dark):
    UserPrefs().set_text(THEME_KEY, stored)

    seen = console_run(data_dir, "--quit-when-ready")

    assert seen["code"] == 0
    assert seen["dark"] is dark


# -- the Appearance page of Preferences -------------------------------------------------


def open_appearance_page(qtbot: QtBot, dialog: QWidget) -> QComboBox:
    nav = named(dialog, QTreeWidget, "preferencesNav")
    [item] = [
        nav.topLevelItem(i)
        for i in range(nav.topLevelItemCount())
        if nav.topLevelItem(i).text(0) == "Appearance"
    ]
    spot = nav.visualItemRect(item).center()
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    page = named(dialog, QWidget, "appearancePage")
    qtbot.waitUntil(page.isVisible)
    return named(page, QComboBox, "appearanceCombo")


def choose(qtbot: QtBot, combo: QComboBox, label: str) -> None:
    """Pick ``label`` with the keyboard: Alt+T (the label's mnemonic), then the arrow keys."""
    dialog = combo.window()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(combo.hasFocus)
    wanted = combo.findText(label)
    assert wanted >= 0, f"no {label!r} in the combo"
    key = Qt.Key.Key_Down if wanted > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != wanted:
        qtbot.keyClick(combo, key)


def test_preferences_has_an_appearance_page_with_the_three_choices(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    assert named(dialog, QWidget, "sessionToolsPage").isVisible()

    combo = open_appearance_page(qtbot, dialog)

    assert not named(dialog, QWidget, "sessionToolsPage").isVisible()
    assert named(dialog, QLabel, "appearanceHeading").text() == "Appearance"
    assert [combo.itemText(i) for i in range(combo.count())] == ["System", "Light", "Dark"]
    assert combo.currentText() == "System"
    assert combo.accessibleName() == "Theme"
    label = named(dialog, QLabel, "appearanceLabel")
    assert label.text() == "&Theme"
    assert label.buddy() is combo
    assert named(dialog, QLabel, "appearanceNote").text() == (
        "System follows the desktop's light or dark setting. This is your own choice on "
        "this computer: it applies at once and needs no Save."
    )
    assert not named(dialog, QLabel, "appearanceOverrideNote").isVisible()


def test_choosing_dark_applies_at_once_and_is_kept_in_the_users_own_file(
    qtbot, hub, data_dir, own_config_dir
):
    before = store_state(data_dir)
    dialog = show_preferences(qtbot, hub)
    combo = open_appearance_page(qtbot, dialog)

    with qtbot.assertNotEmitted(hub.settings_changed):
        choose(qtbot, combo, "Dark")
        qtbot.waitUntil(app_is_dark)

    assert stored_theme() == "dark"
    assert "theme=dark" in (own_config_dir / "collab-console.ini").read_text()
    # Not the organisation's: the store, its audit trail and Save know nothing of it.
    assert store_state(data_dir) == before
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    assert dialog.isVisible()


def test_the_appearance_choice_needs_no_admin_rule_and_outlives_cancel(qtbot, hub):
    dialog = show_preferences(qtbot, hub)
    # An admin edit that Save refuses for now: Appearance does not wait for it.
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")
    assert not named(dialog, QPushButton, "saveButton").isEnabled()
    combo = open_appearance_page(qtbot, dialog)

    choose(qtbot, combo, "Dark")
    qtbot.waitUntil(app_is_dark)
    click(qtbot, named(dialog, QPushButton, "cancelButton"))

    assert not dialog.isVisible()
    assert app_is_dark()
    assert stored_theme() == "dark"


def test_choosing_system_again_gives_the_desktop_its_say(qtbot, hub, make_appearance):
    make_appearance(installed=True)
    dialog = show_preferences(qtbot, hub)
    combo = open_appearance_page(qtbot, dialog)
    choose(qtbot, combo, "Dark")
    qtbot.waitUntil(app_is_dark)

    choose(qtbot, combo, "System")

    qtbot.waitUntil(lambda: not app_is_dark())
    assert stored_theme() == "system"
    desktop_switches_to(Qt.ColorScheme.Dark)
    qtbot.waitUntil(app_is_dark)


def test_a_run_started_with_the_flag_says_so_and_a_choice_replaces_it(qtbot, hub, make_appearance):
    UserPrefs().set_text(THEME_KEY, Theme.SYSTEM.value)
    make_appearance(Theme.DARK, installed=True).apply()
    dialog = show_preferences(qtbot, hub)

    combo = open_appearance_page(qtbot, dialog)

    assert combo.currentText() == "Dark"  # what is in force
    note = named(dialog, QLabel, "appearanceOverrideNote")
    assert note.isVisible()
    assert note.text() == (
        "This console was started with --theme dark. A choice here replaces it now "
        "and is kept for next time."
    )
    choose(qtbot, combo, "Light")
    qtbot.waitUntil(lambda: not app_is_dark())
    assert stored_theme() == "light"


# -- style sheets follow the palette ----------------------------------------------------


def test_the_open_preferences_restyle_the_warning_and_the_reds_when_the_palette_changes(
    qtbot, hub, make_appearance
):
    appearance = make_appearance(installed=True)
    dialog = show_preferences(qtbot, hub)
    url_check = named(dialog, QWidget, "copySessionUrlCheck")
    click(qtbot, url_check)
    retype(qtbot, named(dialog, QLineEdit, "sessionUrlBaseEdit"), "http://x.example.com/")
    frame = named(dialog, QFrame, "urlWarningFrame")
    error = named(dialog, QLabel, "sessionUrlBaseError")
    light_sheets = frame.styleSheet(), error.styleSheet()

    appearance.choose(Theme.DARK)

    qtbot.waitUntil(lambda: frame.styleSheet() != light_sheets[0])
    qtbot.waitUntil(lambda: error.styleSheet() != light_sheets[1])
    assert is_dark(dialog.palette())
    dark = dark_palette()
    background, _ = warning_colours(dark)
    assert background.name() in frame.styleSheet()
    text = dark.color(QPalette.ColorRole.WindowText)
    assert contrast_ratio(text, background) >= MIN_CONTRAST


def test_reds_set_by_other_windows_are_chosen_again_for_the_new_palette(
    qtbot, console, make_appearance
):
    invite = named(console, QLabel, "inviteStatusLabel")
    assert invite.text().startswith("SMS invite failed: ")
    light_red = invite.styleSheet()

    make_appearance(Theme.DARK).apply()

    qtbot.waitUntil(lambda: invite.styleSheet() != light_red)
    assert "font-weight: bold" in invite.styleSheet()
    red = QColor(invite.styleSheet().split("color: ")[1][:7])
    window = invite.palette().color(QPalette.ColorRole.Window)
    assert contrast_ratio(red, window) >= MIN_CONTRAST


# -- the window on the screen -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rect", "available", "expected"),
    [
        # 980x640 at 2x on a 1600x1000 screen (800x500 free): shrunk and kept in.
        (QRect(0, 0, 980, 640), QRect(0, 0, 800, 500), QRect(0, 0, 800, 500)),
        # Saved on a larger screen, far to the right and below: moved back in.
        (QRect(1500, 900, 600, 400), QRect(0, 0, 800, 500), QRect(200, 100, 600, 400)),
        # Above and left of the free area (a panel at the top): moved down and right.
        (QRect(-50, 0, 300, 200), QRect(0, 30, 800, 470), QRect(0, 30, 300, 200)),
        # Fits already: left alone.
        (QRect(40, 60, 300, 200), QRect(0, 0, 800, 500), QRect(40, 60, 300, 200)),
    ],
)
def test_fit_rect_keeps_a_window_inside_the_free_area(rect, available, expected):
    assert fit_rect(rect, available) == expected


def test_fit_rect_never_goes_below_the_minimum_and_keeps_the_top_left_in_view():
    fitted = fit_rect(QRect(300, 300, 900, 700), QRect(0, 0, 400, 300), QSize(544, 120))

    assert fitted == QRect(0, 0, 544, 300)


#: A console in a process of its own, placed as run_gui places it; prints what it looks like.
SCALED_CONSOLE = """
import json, sys
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
app = QApplication(sys.argv[:1])
from collab_console.gui.app import place_window
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.user_prefs import UserPrefs
from collab_console.store import open_store
store = open_store(sys.argv[1])
hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
window = ConsoleWindow(hub)
place_window(window, UserPrefs())
window.show()
assert QTest.qWaitForWindowExposed(window)
while window.session is None:
    app.processEvents()

def rect(r):
    return [r.x(), r.y(), r.width(), r.height()]

def on_screen(widget):
    return rect(QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size()))

def pixmap(icon, size, ratio):
    shot = icon.pixmap(size, ratio)
    return [shot.width(), shot.height(), shot.devicePixelRatio()]

ratio = window.devicePixelRatio()
customer = window.view.customer_icon
dialog = PreferencesDialog(hub, window)
dialog.show()
assert QTest.qWaitForWindowExposed(dialog)
warning_icon = dialog.findChild(QLabel, "urlWarningIcon").pixmap()
print(json.dumps({
    "ratio": ratio,
    "available": rect(window.screen().availableGeometry()),
    "window": rect(window.frameGeometry()),
    "dialog": rect(dialog.frameGeometry()),
    "parts": {
        name: on_screen(window.findChild(QWidget, name))
        for name in ("endSessionButton", "newSessionButton", "sessionList")
    },
    "status_bar": on_screen(window.statusBar()),
    "window_icon": pixmap(window.windowIcon(), QSize(32, 32), ratio),
    "customer_icon": pixmap(customer.icon(), customer.iconSize(), ratio),
    "customer_icon_size": [customer.iconSize().width(), customer.iconSize().height()],
    "warning_icon": [warning_icon.width(), warning_icon.height(), warning_icon.devicePixelRatio()],
}))
dialog.close()
window.close()
hub.close()
store.close()
"""


def inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.fixture
def saved_at_1x(qtbot: QtBot) -> None:
    """A geometry saved by a console at 1x: large, and toward the bottom right."""
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(300, 200, 1200, 900)
    UserPrefs().set_window_geometry(window.saveGeometry())


@pytest.mark.parametrize("saved", [False, True], ids=["first-start", "saved-at-1x"])
def test_at_2x_the_console_opens_inside_the_screen_with_crisp_icons(
    request, demo_store: Store, data_dir: Path, saved: bool
):
    if saved:
        request.getfixturevalue("saved_at_1x")
    done = subprocess.run(
        [sys.executable, "-c", SCALED_CONSOLE, str(data_dir)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": "2"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout)

    assert seen["ratio"] == 2
    available = seen["available"]
    assert inside(seen["window"], available), seen
    assert inside(seen["dialog"], available), seen
    for name, where in seen["parts"].items():
        assert inside(where, available), f"{name} is off-screen: {where} in {available}"
    assert inside(seen["status_bar"], available)
    # SVG icons drawn at twice the pixels, not a 1x bitmap blown up.
    assert seen["window_icon"] == [64, 64, 2]
    width, height = seen["customer_icon_size"]
    assert seen["customer_icon"] == [2 * width, 2 * height, 2]
    assert seen["warning_icon"] == [64, 64, 2]


def test_the_window_opens_where_the_user_left_it_kept_in_their_own_file(
    demo_store, data_dir, own_config_dir
):
    before = store_state(data_dir)

    first = console_run(data_dir, move=(60, 50, 700, 480))
    assert first["code"] == 0
    assert UserPrefs().window_geometry() is not None
    assert (own_config_dir / "collab-console.ini").is_file()

    again = console_run(data_dir, "--quit-when-ready")

    assert again["code"] == 0
    assert again["geometry"] == [60, 50, 700, 480]
    assert store_state(data_dir) == before


def test_a_quick_smoke_run_leaves_the_users_file_alone(demo_store, data_dir, own_config_dir):
    seen = console_run(data_dir, "--quit-when-ready")

    assert seen["code"] == 0
    assert not (own_config_dir / "collab-console.ini").exists()
