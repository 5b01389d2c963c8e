"""The application's look: light or dark, as the desktop or the user chose, at any scale.

Three choices (:class:`Theme`): *System* follows the desktop's light or dark
setting (``QStyleHints.colorScheme`` and its ``colorSchemeChanged`` signal);
*Light* and *Dark* use Qt's Fusion style with the palettes built here, for the
whole application. The choice is the user's own (:mod:`user_prefs`), and
``collab-console --theme`` overrides it for one run.

Style sheets do not follow the palette by themselves, so after each change of
look the error reds of every widget are chosen again
(:func:`~collab_console.gui.style.restyle_error_texts`), those of windows that
set them themselves included.

Windows are fitted into the screen's available area (:func:`keep_on_screen`):
at 2x a window sized for 1x can be larger than the screen.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QMargins,
    QObject,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from collab_console.gui.style import restyle_error_texts
from collab_console.gui.user_prefs import THEME_KEY, UserPrefs

FUSION = "Fusion"
#: Room left for a window manager's title bar and borders before the window is shown,
#: when the real frame is not known yet.
FRAME_ALLOWANCE = QMargins(4, 32, 4, 4)


class Theme(enum.StrEnum):
    """The user's choice of look; the values are what ``--theme`` and the file hold."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @property
    def label(self) -> str:
        """The choice's name in Preferences › Appearance, in the user's language."""
        return QCoreApplication.translate("Appearance", _THEME_LABELS[self.value])


#: The names of the choices as Preferences shows them (translated where shown).
_THEME_LABELS = {
    "system": str(QT_TRANSLATE_NOOP("Appearance", "System")),
    "light": str(QT_TRANSLATE_NOOP("Appearance", "Light")),
    "dark": str(QT_TRANSLATE_NOOP("Appearance", "Dark")),
}


#: (role, light, dark) for every colour group; text on its background keeps 4.5:1 in both.
_ROLES: tuple[tuple[QPalette.ColorRole, str, str], ...] = (
    (QPalette.ColorRole.Window, "#efefef", "#2b2b2b"),
    (QPalette.ColorRole.WindowText, "#000000", "#e8e8e8"),
    (QPalette.ColorRole.Base, "#ffffff", "#1f1f1f"),
    (QPalette.ColorRole.AlternateBase, "#f7f7f7", "#262626"),
    (QPalette.ColorRole.ToolTipBase, "#ffffdc", "#3a3a3a"),
    (QPalette.ColorRole.ToolTipText, "#000000", "#f0f0f0"),
    (QPalette.ColorRole.PlaceholderText, "#6b6b6b", "#a8a8a8"),
    (QPalette.ColorRole.Text, "#000000", "#e8e8e8"),
    (QPalette.ColorRole.Button, "#efefef", "#353535"),
    (QPalette.ColorRole.ButtonText, "#000000", "#e8e8e8"),
    (QPalette.ColorRole.BrightText, "#ffffff", "#ffffff"),
    (QPalette.ColorRole.Light, "#ffffff", "#4a4a4a"),
    (QPalette.ColorRole.Midlight, "#cacaca", "#3e3e3e"),
    (QPalette.ColorRole.Mid, "#b8b8b8", "#2e2e2e"),
    (QPalette.ColorRole.Dark, "#9f9f9f", "#1a1a1a"),
    (QPalette.ColorRole.Shadow, "#767676", "#000000"),
    (QPalette.ColorRole.Highlight, "#2a6ebb", "#2f68c8"),
    (QPalette.ColorRole.HighlightedText, "#ffffff", "#ffffff"),
    (QPalette.ColorRole.Accent, "#2a6ebb", "#2f68c8"),
    (QPalette.ColorRole.Link, "#0b57d0", "#8ab4f8"),
    (QPalette.ColorRole.LinkVisited, "#7b1fa2", "#c58af9"),
)
#: Disabled controls: visibly quieter (WCAG does not ask them to keep 4.5:1).
_DISABLED: tuple[tuple[QPalette.ColorRole, str, str], ...] = (
    (QPalette.ColorRole.WindowText, "#8c8c8c", "#808080"),
    (QPalette.ColorRole.Text, "#8c8c8c", "#808080"),
    (QPalette.ColorRole.ButtonText, "#8c8c8c", "#808080"),
    (QPalette.ColorRole.PlaceholderText, "#a0a0a0", "#666666"),
    (QPalette.ColorRole.Base, "#efefef", "#262626"),
    (QPalette.ColorRole.Button, "#e6e6e6", "#303030"),
    (QPalette.ColorRole.Highlight, "#919191", "#464646"),
    (QPalette.ColorRole.HighlightedText, "#ffffff", "#b0b0b0"),
)


def _palette(dark: bool) -> QPalette:
    palette = QPalette()
    for role, light_colour, dark_colour in _ROLES:
        palette.setColor(role, QColor(dark_colour if dark else light_colour))
    for role, light_colour, dark_colour in _DISABLED:
        palette.setColor(
            QPalette.ColorGroup.Disabled, role, QColor(dark_colour if dark else light_colour)
        )
    return palette


def light_palette() -> QPalette:
    """Fusion's light palette, with a darker highlight so selected text keeps 4.5:1."""
    return _palette(dark=False)


def dark_palette() -> QPalette:
    """A dark palette for Fusion: light text on dark grey, every pair at 4.5:1 or more."""
    return _palette(dark=True)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class Appearance(QObject):
    """Applies the chosen look to the whole application and keeps it as the desktop changes.

    One is installed on the application by ``run_gui`` (:meth:`install`);
    Preferences finds it with :meth:`installed`. It never touches the
    organisation's store: the choice is the user's own (:class:`UserPrefs`).
    With *System* on a desktop whose own palette already matches its light or
    dark setting, it leaves the platform's style and palette alone.
    """

    def __init__(
        self,
        prefs: UserPrefs | None = None,
        *,
        override: Theme | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "an Appearance needs the QApplication"
        self._app = app
        self.prefs = prefs if prefs is not None else UserPrefs()
        #: The ``--theme`` of this run, until the user chooses in Preferences.
        self.override = override
        self._platform_style = app.style().name()
        hints = QGuiApplication.styleHints()
        self._scheme = hints.colorScheme()
        hints.colorSchemeChanged.connect(self._scheme_changed)
        #: What was applied last: None while the platform's own look is in force.
        self._applied: Theme | None = None

    # -- finding it -------------------------------------------------------------

    def install(self) -> None:
        """Make this the application's appearance, for :meth:`installed` to find."""
        self.setObjectName("appearance")
        self.setParent(self._app)

    @staticmethod
    def installed() -> Appearance | None:
        app = QApplication.instance()
        if app is None:
            return None
        return app.findChild(Appearance, "appearance", Qt.FindChildOption.FindDirectChildrenOnly)

    # -- the choice ---------------------------------------------------------------

    @property
    def stored(self) -> Theme:
        """The user's stored choice (System when none, or one this version does not know)."""
        text = self.prefs.text(THEME_KEY)
        try:
            return Theme(text) if text else Theme.SYSTEM
        except ValueError:
            return Theme.SYSTEM

    @property
    def theme(self) -> Theme:
        """The theme in force: the run's ``--theme``, else the stored choice."""
        return self.override if self.override is not None else self.stored

    def choose(self, theme: Theme) -> None:
        """The user chose ``theme``: keep it for next time, and use it now (over ``--theme``)."""
        self.prefs.set_text(THEME_KEY, theme.value)
        self.override = None
        self.apply()

    @property
    def system_scheme(self) -> Qt.ColorScheme:
        """The desktop's light or dark setting as last reported."""
        return self._scheme

    # -- applying ---------------------------------------------------------------------

    def apply(self) -> None:
        """Put the theme in force on the whole application.

        Widgets take a new application palette from events Qt posts, so the
        error reds are chosen again once those are delivered.
        """
        theme = self.theme
        changed = self._follow_system() if theme is Theme.SYSTEM else self._use(theme)
        if changed:
            QTimer.singleShot(0, self, self._restyle)

    def _restyle(self) -> None:
        restyle_error_texts(self._app.allWidgets())

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._scheme = scheme
        if self.theme is Theme.SYSTEM:
            # After Qt has taken the desktop's own new palette, if it brings one.
            QTimer.singleShot(0, self, self.apply)

    def _follow_system(self) -> bool:
        """The desktop's look, or ours when the desktop's palette does not match its setting."""
        changed = False
        if self._applied is not None:  # give the desktop's own look back first
            self._applied = None
            if self._app.style().name().lower() != self._platform_style.lower():
                self._app.setStyle(self._platform_style)
            self._app.setPalette(QPalette())
            changed = True
        if self._scheme is Qt.ColorScheme.Unknown:
            return changed
        wanted_dark = self._scheme is Qt.ColorScheme.Dark
        if is_dark(self._app.palette()) != wanted_dark:  # the platform does not follow: we do
            changed = self._use(Theme.DARK if wanted_dark else Theme.LIGHT) or changed
        return changed

    def _use(self, theme: Theme) -> bool:
        """Fusion with our light or dark palette; False when it was in force already."""
        if self._applied is theme:
            return False
        self._applied = theme
        if self._app.style().name().lower() != FUSION.lower():
            self._app.setStyle(FUSION)
        self._app.setPalette(dark_palette() if theme is Theme.DARK else light_palette())
        return True


# -- fitting windows on the screen ------------------------------------------------------


def fit_rect(rect: QRect, available: QRect, minimum: QSize | None = None) -> QRect:
    """``rect`` made no larger than ``available`` (but not below ``minimum``) and moved inside.

    When even ``minimum`` is larger than ``available``, the top-left corner is kept
    in view, where the title bar and menus are.
    """
    low = minimum if minimum is not None else QSize(0, 0)
    width = max(min(rect.width(), available.width()), low.width())
    height = max(min(rect.height(), available.height()), low.height())
    left = max(min(rect.left(), available.right() + 1 - width), available.left())
    top = max(min(rect.top(), available.bottom() + 1 - height), available.top())
    return QRect(left, top, width, height)


def keep_on_screen(window: QWidget) -> None:
    """Resize and move ``window`` so that it, with its frame, lies in its screen's free area.

    Call it after restoring a saved geometry and before showing the window (the
    frame is then not known, so :data:`FRAME_ALLOWANCE` stands in for it); at
    2x a window sized for 1x would otherwise reach past the screen's edges.
    """
    screen = window.screen()
    handle = window.windowHandle()
    frame = handle.frameMargins() if window.isVisible() and handle is not None else QMargins()
    if frame.isNull():
        frame = FRAME_ALLOWANCE
    inner = screen.availableGeometry().marginsRemoved(frame)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    fitted = fit_rect(window.geometry(), inner, minimum)
    if not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        # Never placed by us or a saved geometry: the size is ours, the place the window
        # manager's (which puts a window that fits inside the screen).
        if fitted.size() != window.size():
            window.resize(fitted.size())
    elif fitted != window.geometry():
        window.setGeometry(fitted)
