"""Looks the whole GUI shares, defined once: colours that keep their contrast, timings.

Colours come from the palette in force, or are chosen against it so that text
keeps a contrast of at least :data:`MIN_CONTRAST` (WCAG 2.1 AA) in light and
dark palettes alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

#: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5
#: How long a passing status-bar message stays.
STATUS_MS = 8000

#: Reds for failures, darkest first; the first that keeps MIN_CONTRAST on the background wins.
#: They are kept for failure text: a style sheet with one of them is error text (see
#: :func:`restyle_error_texts`).
_ERROR_REDS = ("#b3261e", "#8c1d18", "#ff8a80", "#ffb4ab")
#: What :func:`error_style` writes (and the copy card's own ``color: <red>;``).
_ERROR_STYLE = re.compile(r"color: (#[0-9a-f]{6});( font-weight: bold;)?")
#: The hue of warning panels; mixed into the palette's window colour, never used as it is.
WARNING_AMBER = QColor("#f0a020")
#: How much amber the warning background may take, most first; the first that keeps the
#: palette's text at MIN_CONTRAST wins (0 is the window colour itself).
_WARNING_TINTS = (0.22, 0.18, 0.14, 0.10, 0.06, 0.0)
#: How much amber the warning border takes.
_WARNING_BORDER_TINT = 0.7


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.1 relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def error_colour(palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """A red that reads on ``palette``'s ``role`` background with MIN_CONTRAST, light or dark."""
    background = palette.color(role)
    for name in _ERROR_REDS:
        colour = QColor(name)
        if contrast_ratio(colour, background) >= MIN_CONTRAST:
            return colour
    return palette.color(QPalette.ColorRole.WindowText)


def muted_colour(palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Base) -> QColor:
    """Text quieter than the palette's, still at MIN_CONTRAST on ``role`` (ended sessions)."""
    text = palette.color(QPalette.ColorRole.Text)
    background = palette.color(role)
    for weight in (0.45, 0.35, 0.25, 0.15, 0.0):
        quieter = mixed(text, background, weight)
        if contrast_ratio(quieter, background) >= MIN_CONTRAST:
            return quieter
    return text


def error_style(palette: QPalette, *, bold: bool = False) -> str:
    """A style sheet for failure text on ``palette``'s window background."""
    return _red_style(error_colour(palette), bold=bold)


def error_style_for(widget: QWidget, *, bold: bool = False) -> str:
    """:func:`error_style` for the background ``widget`` is drawn on (:func:`painted_background`).

    Safer than ``error_style(widget.palette())``: a widget with a style sheet may
    still hold the palette of before the last change of look.
    """
    palette, role = painted_background(widget)
    return _red_style(error_colour(palette, role), bold=bold)


def _red_style(colour: QColor, *, bold: bool) -> str:
    """The one form of a failure text's style sheet (:data:`_ERROR_STYLE` recognises it)."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {colour.name()};{weight}"


def mixed(base: QColor, other: QColor, weight: float) -> QColor:
    """``base`` with ``weight`` (0 to 1) of ``other`` mixed in, channel by channel."""
    return QColor(
        round(base.red() * (1 - weight) + other.red() * weight),
        round(base.green() * (1 - weight) + other.green() * weight),
        round(base.blue() * (1 - weight) + other.blue() * weight),
    )


def warning_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and border of a warning panel: the window colour tinted toward amber.

    The tint is as strong as the palette's window text allows while keeping
    MIN_CONTRAST on it, so the panel reads as a warning in light and dark alike.
    """
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    background = window
    for weight in _WARNING_TINTS:
        background = mixed(window, WARNING_AMBER, weight)
        if contrast_ratio(text, background) >= MIN_CONTRAST:
            break
    return background, mixed(window, WARNING_AMBER, _WARNING_BORDER_TINT)


def warning_frame_style(object_name: str, palette: QPalette) -> str:
    """The style sheet of the warning frame called ``object_name``, for ``palette``.

    Only the frame itself is styled (an ID selector), so the texts in it keep
    the palette's window text, the colour :func:`warning_colours` chose for.
    """
    background, border = warning_colours(palette)
    return (
        f"#{object_name} {{ background: {background.name()}; "
        f"border: 1px solid {border.name()}; border-radius: 4px; }}"
    )


def painted_background(widget: QWidget) -> tuple[QPalette, QPalette.ColorRole]:
    """The palette and role that ``widget``'s text is drawn on.

    That is the nearest widget, from ``widget`` up, that fills its own
    background (the copy card: ``ToolTipBase``), else its window's. A widget's
    own palette is not asked otherwise: one with a style sheet keeps the
    palette it had when the sheet was set, whatever the application's is now.
    """
    current: QWidget | None = widget
    while current is not None:
        if current.autoFillBackground() or current.isWindow():
            return current.palette(), current.backgroundRole()
        current = current.parentWidget()
    return widget.palette(), QPalette.ColorRole.Window


def restyle_error_text(widget: QWidget) -> bool:
    """Choose again the red of ``widget``, if its style sheet gives it one; True if it does.

    Style sheets do not follow the palette by themselves: after the palette
    changed (light to dark), a red chosen for the old one may no longer read.
    """
    found = _ERROR_STYLE.fullmatch(widget.styleSheet().strip())
    if found is None or found.group(1) not in _ERROR_REDS:
        return False
    palette, role = painted_background(widget)
    wanted = _red_style(error_colour(palette, role), bold=bool(found.group(2)))
    if wanted != widget.styleSheet():
        widget.setStyleSheet(wanted)
    return True


def restyle_error_texts(widgets: Iterable[QWidget]) -> int:
    """:func:`restyle_error_text` for each of ``widgets``; returns how many are error texts."""
    return sum(restyle_error_text(widget) for widget in widgets)
