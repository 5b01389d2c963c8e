"""What was on screen when a step failed: a few lines a tester reads, and a screenshot.

The page objects of :mod:`collab_console.testing.pages` run each of their
methods inside :func:`step`: an assertion or a pytest-qt time-out inside becomes
:class:`StepFailed`, whose message says which step failed, why, what the screen
showed (:func:`describe_screen`) and where the screenshot of the whole X screen
was saved. A QA team wraps its own steps the same way::

    with step("see the customer's card", artifacts=tmp_path):
        qtbot.waitUntil(card_is_open)
"""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)
from pytestqt.exceptions import TimeoutError as QtBotTimeout

#: Labels that say why something cannot be done, besides every ``…Error`` label.
WHY_LABELS = ("saveBlockedLabel", "copyReasonHint", "copyCardWithheld", "unlockCountdown")
#: Longest text quoted from a widget: enough to recognise it, short enough to read.
QUOTE_CHARS = 160

_steps = itertools.count(1)


class StepFailed(AssertionError):
    """A step of a page object (or of a test, through :func:`step`) did not happen.

    Its message: ``Step failed: <step>: <why>``, then ``On screen:`` and what
    :func:`describe_screen` said, then ``Screenshot: <png>``. ``screenshot`` is
    that file (None when the screen could not be grabbed).
    """

    def __init__(self, message: str, screenshot: Path | None = None) -> None:
        super().__init__(message)
        self.screenshot = screenshot


class step:
    """Run the body as the step ``description``; a failure in it says what was on screen.

    An :class:`AssertionError` or a pytest-qt ``TimeoutError`` becomes
    :class:`StepFailed` with the screen's description and a screenshot saved as
    ``<artifacts>/step-<n>-<slug>.png`` (the system temp folder when
    ``artifacts`` is None). A :class:`StepFailed` from a step inside passes
    through as it is: the innermost step is the one that failed.
    """

    def __init__(self, description: str, *, artifacts: Path | None = None) -> None:
        self.description = description
        self.artifacts = artifacts

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        __tracebackhide__ = True  # a tester reads the step's message, not the kit's frames
        if exc is None or isinstance(exc, StepFailed):
            return
        if not isinstance(exc, AssertionError | QtBotTimeout):
            return
        shot = save_screenshot(self.description, self.artifacts)
        where = str(shot) if shot is not None else "(the screen could not be grabbed)"
        message = f"Step failed: {self.description}: {_why(exc)}\nOn screen:\n{describe_screen()}"
        # The message says all the cause did; its chain would only repeat the kit's frames.
        raise StepFailed(f"{message}\nScreenshot: {where}", shot) from None


def _why(exc: BaseException) -> str:
    """The failure's own sentence, without what pytest's assertion rewriting adds to it
    (pytest rewrites the asserts of plugins too: "assert False", "+ where …")."""
    text = str(exc).strip()
    return text.split("\nassert ", 1)[0].strip() or type(exc).__name__


def save_screenshot(description: str, artifacts: Path | None = None) -> Path | None:
    """Save the whole X screen as ``step-<n>-<slug>.png``; the path, or None if not grabbed."""
    # What Qt has drawn but not yet handed to the X server (a card shown a moment ago)
    # would be missing from the picture: paint, flush, and wait for the server's reply.
    QApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
    QApplication.processEvents()
    QApplication.sync()
    screen = QGuiApplication.primaryScreen()
    folder = artifacts if artifacts is not None else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"step-{next(_steps)}-{_slug(description)}.png"
    if not screen.grabWindow(0).save(str(path), "PNG"):
        return None
    return path


def describe_screen() -> str:
    """What is on screen now, a line per thing a tester looks at.

    Every visible top-level window (title, object name, class; which is active
    and which modal), the focused widget, the console's status bar message, the
    copy card when it is shown (whose, its buttons with their texts and whether
    they can be pressed), an open menu's items, a message box's text, and the
    visible error labels.
    """
    lines: list[str] = []
    active = QApplication.activeWindow()
    modal = QApplication.activeModalWidget()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    menus = [w for w in windows if isinstance(w, QMenu)]
    windows = [w for w in windows if not isinstance(w, QMenu) and w.isWindow()]
    if not windows:
        lines.append("No window is shown.")
    for window in windows:
        marks = [m for m, on in (("active", window is active), ("modal", window is modal)) if on]
        lines.append(f"Window {_quote(window.windowTitle())} {_name(window)}{_marks(marks)}")
    focused = QApplication.focusWidget()
    lines.append(f"Focus: {_name(focused)}{_text_of(focused)}" if focused else "Focus: nowhere")
    for window in windows:
        if isinstance(window, QMainWindow):
            bar = window.statusBar()
            lines.append(f"Status bar: {_quote(bar.currentMessage()) or '(empty)'}")
        card = window.findChild(QWidget, "copyCard")
        if card is not None and card.isVisible():
            lines.extend(_card_lines(card))
        if isinstance(window, QMessageBox):
            buttons = ", ".join(_quote(b.text()) for b in window.buttons())
            lines.append(f"Message box: {_quote(window.text())}; buttons {buttons}")
    for menu in menus:
        items = [
            ("—" if a.isSeparator() else _quote(a.text()))
            + ("" if a.isEnabled() else " (disabled)")
            for a in menu.actions()
        ]
        lines.append(f"Menu {_name(menu)}: {', '.join(items)}")
    for window in windows:
        for label in window.findChildren(QLabel):
            name = label.objectName()
            why = name.endswith("Error") or name in WHY_LABELS
            if why and label.isVisible() and label.text():
                lines.append(f"Error {name}: {_quote(label.text())}")
    return "\n".join(f"  {line}" for line in lines)


def _card_lines(card: QWidget) -> list[str]:
    title = card.findChild(QLabel, "copyCardTitle")
    subtitle = card.findChild(QLabel, "copyCardSubtitle")
    whose = title.text() if title is not None else "?"
    what = f" ({subtitle.text()})" if subtitle is not None and subtitle.text() else ""
    buttons = [
        f"{_quote(b.text())}" + ("" if b.isEnabled() else " (disabled)")
        for b in _shown_buttons(card)
    ]
    lines = [f"Copy card of {_quote(whose)}{what}: {', '.join(buttons) or 'no button'}"]
    for name in ("copyCardChange", "deliveryNoteLabel"):
        note = card.findChild(QLabel, name)
        if note is not None and note.isVisible() and note.text():
            lines.append(f"Copy card {name}: {_quote(note.text())}")
    return lines


def _shown_buttons(card: QWidget) -> list[QAbstractButton]:
    """The card's buttons a user sees, top to bottom."""
    shown = [b for b in card.findChildren(QAbstractButton) if b.isVisible()]
    return sorted(shown, key=lambda b: b.mapTo(card, b.rect().topLeft()).y())


def _name(widget: QWidget | None) -> str:
    if widget is None:
        return "(none)"
    name = widget.objectName() or "(no object name)"
    return f"{name} ({type(widget).__name__})"


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        shown = "•" * len(widget.text()) if widget.echoMode() != QLineEdit.EchoMode.Normal else ""
        return f" {_quote(shown or widget.text())}"
    if isinstance(widget, (QAbstractButton, QLabel)):
        return f" {_quote(widget.text())}" if widget.text() else ""
    if isinstance(widget, QComboBox):
        return f" {_quote(widget.currentText())}"
    return f" {_quote(widget.accessibleName())}" if widget.accessibleName() else ""


def _marks(marks: list[str]) -> str:
    return f" [{', '.join(marks)}]" if marks else ""


def _quote(text: str) -> str:
    if not text:
        return ""
    flat = text.replace("\n", "⏎")
    if len(flat) > QUOTE_CHARS:
        flat = flat[: QUOTE_CHARS - 1] + "…"
    return f'"{flat}"'


def _slug(description: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")[:48] or "step"
