"""Looks the whole GUI shares, defined once: colours that keep their contrast, timings.

Colours come from the palette in force, or are chosen against it so that text
keeps a contrast of at least :data:`MIN_CONTRAST` (WCAG 2.1 AA) in light and
dark palettes alike.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

#: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5
#: How long a passing status-bar message stays.
STATUS_MS = 8000

#: Reds for failures, darkest first; the first that keeps MIN_CONTRAST on the background wins.
_ERROR_REDS = ("#b3261e", "#8c1d18", "#ff8a80", "#ffb4ab")


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
        mixed = QColor(
            round(text.red() * (1 - weight) + background.red() * weight),
            round(text.green() * (1 - weight) + background.green() * weight),
            round(text.blue() * (1 - weight) + background.blue() * weight),
        )
        if contrast_ratio(mixed, background) >= MIN_CONTRAST:
            return mixed
    return text


def error_style(palette: QPalette, *, bold: bool = False) -> str:
    """A style sheet for failure text on ``palette``'s window background."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {error_colour(palette).name()};{weight}"
