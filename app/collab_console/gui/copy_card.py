"""The hover copy card: a tooltip-style card with one button per allowed copy action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.domain import Participant
from collab_console.gui.card_target import CardTarget
from collab_console.gui.forms import child, load_form, set_text
from collab_console.gui.style import error_colour

#: How long the pointer must rest on an anchor before the card appears.
INTENT_DELAY_MS = 300
#: How long the card stays after the pointer left both the anchor and the card.
HIDE_DELAY_MS = 400
#: How long a button says "Copied ✓".
CONFIRM_MS = 1500
COPIED_TEXT = "Copied ✓"

BUTTON_NAMES = {action: spec.button_name for action, spec in COPY_ACTIONS.items()}


class CopyCard(QFrame):
    """The card itself: a title, the copy buttons it is told to show, and notes.

    Signals:
        copy_requested(CopyAction, Participant): a button was clicked.

    It never decides which buttons exist, and never shows the URL itself, only
    the host a link opens, so the agent can see where it points.
    """

    copy_requested = Signal(object, object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("copyCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(16)
        shadow.setOffset(0, 3)
        self.setGraphicsEffect(shadow)
        self.form = load_form("copy_card", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.title = child(self.form, QLabel, "copyCardTitle")
        self.subtitle = child(self.form, QLabel, "copyCardSubtitle")
        self.note = child(self.form, QLabel, "copyCardNote")
        self.link_host = child(self.form, QLabel, "copyCardLinkHost")
        self.withheld = child(self.form, QLabel, "copyCardWithheld")
        red = error_colour(self.palette(), QPalette.ColorRole.ToolTipBase)
        self.withheld.setStyleSheet(f"color: {red.name()};")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.buttons = {
            action: child(self.form, QPushButton, name) for action, name in BUTTON_NAMES.items()
        }
        for action, button in self.buttons.items():
            set_text(button, action.label)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, a=action: self._clicked(a))
        set_text(self.note, self.note.text())
        self._person: Participant | None = None
        self._restore = QTimer(self)
        self._restore.setSingleShot(True)
        self._restore.setInterval(CONFIRM_MS)
        self._restore.timeout.connect(self._restore_labels)
        self.hide()

    @property
    def person(self) -> Participant | None:
        return self._person

    def set_content(
        self, person: Participant, actions: tuple[CopyAction, ...], notes: tuple[str, ...] = ()
    ) -> None:
        """Show ``actions`` for ``person``, and ``notes`` on why others are withheld."""
        self._person = person
        self._restore.stop()
        self._restore_labels()
        set_text(self.title, person.name)
        set_text(self.subtitle, person.role.label)
        self.setAccessibleName(f"Copy session details for {person.name}")
        for action, button in self.buttons.items():
            button.setVisible(action in actions)
        offers_link = any(COPY_ACTIONS[action].uses_url for action in actions)
        if offers_link:
            from collab_console.core.urls import link_host

            set_text(self.link_host, f"Links open {link_host(person.url)}")
        self.link_host.setVisible(offers_link)
        text = " ".join(f"{note[:1].upper()}{note[1:]}." for note in notes)
        set_text(self.withheld, f"Not offered: {text}" if text else "")
        self.withheld.setVisible(bool(text))
        self.adjustSize()

    def visible_buttons(self) -> list[QPushButton]:
        return [b for b in self.buttons.values() if not b.isHidden()]

    def confirm(self, action: CopyAction) -> None:
        """Say on the button that its value is on the clipboard, for a moment."""
        self._restore_labels()
        set_text(self.buttons[action], COPIED_TEXT)
        self._restore.start()

    def _restore_labels(self) -> None:
        for action, button in self.buttons.items():
            set_text(button, action.label)

    def _clicked(self, action: CopyAction) -> None:
        if self._person is not None:
            self.copy_requested.emit(action, self._person)


class CopyCardController(QObject):
    """Decides when the card shows, where, and when it goes; asks ``actions_for`` what.

    ``actions_for`` is the core's copy policy bound to the current session and
    settings; when it returns nothing the card does not show (never an empty card).
    """

    def __init__(
        self,
        card: CopyCard,
        actions_for: Callable[[Participant], tuple[CopyAction, ...]],
        notes_for: Callable[[Participant], tuple[str, ...]] = lambda _person: (),
    ) -> None:
        super().__init__(card)
        self.card = card
        self._actions_for = actions_for
        self._notes_for = notes_for
        self._target: CardTarget | None = None
        self._pending: CardTarget | None = None
        self._intent = QTimer(self)
        self._intent.setSingleShot(True)
        self._intent.setInterval(INTENT_DELAY_MS)
        self._intent.timeout.connect(self._intent_elapsed)
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(HIDE_DELAY_MS)
        self._hide.timeout.connect(lambda: self.close(return_focus=False))
        card.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    @property
    def target(self) -> CardTarget | None:
        return self._target if self.card.isVisible() else None

    # -- pointer -------------------------------------------------------------

    def hover(self, target: CardTarget) -> None:
        """The pointer rests on ``target``: show its card after the intent delay."""
        self._hide.stop()
        if target.same_place(self.target):
            self._intent.stop()
            return
        self._pending = target
        self._intent.start()

    def unhover(self) -> None:
        """The pointer left an anchor: forget a pending card, fade a shown one."""
        self._intent.stop()
        self._pending = None
        if self.card.isVisible():
            self._hide.start()

    def _intent_elapsed(self) -> None:
        if self._pending is not None:
            self.open(self._pending, focus=False)

    # -- opening and closing ---------------------------------------------------

    def open(self, target: CardTarget, *, focus: bool) -> bool:
        """Show the card for ``target`` now; False (and no card) when nothing may be copied."""
        self._intent.stop()
        self._hide.stop()
        self._pending = None
        actions = self._actions_for(target.person)
        if not actions:
            self.close(return_focus=False)
            return False
        self._target = target
        self.card.set_content(target.person, actions, self._notes_for(target.person))
        self._place(target)
        self.card.show()
        self.card.raise_()
        if focus:
            self.card.visible_buttons()[0].setFocus(Qt.FocusReason.PopupFocusReason)
        return True

    def close(self, *, return_focus: bool) -> None:
        self._intent.stop()
        self._hide.stop()
        focused = QApplication.focusWidget()
        had_focus = focused is not None and self.card.isAncestorOf(focused)
        target = self._target
        self.card.hide()
        self._target = None
        if target is not None and (return_focus or had_focus):
            target.focus_home.setFocus(Qt.FocusReason.PopupFocusReason)

    def refresh(self) -> None:
        """Settings or the session changed: show what is allowed now, or close."""
        if self.target is not None:
            self.open(self.target, focus=False)

    def _place(self, target: CardTarget) -> None:
        """Below the anchor (or beside a row), kept inside the window."""
        window = self.card.parentWidget()
        assert window is not None
        size = self.card.sizeHint()
        rect = QRect(target.anchor.mapTo(window, target.rect.topLeft()), target.rect.size())
        if target.beside:
            x, y = rect.right() + 1, rect.top() - size.height() // 3
        else:
            x, y = rect.left(), rect.bottom() + 1
            if y + size.height() > window.height():
                y = rect.top() - size.height() - 1
        x = max(0, min(x, window.width() - size.width()))
        y = max(0, min(y, window.height() - size.height()))
        self.card.setGeometry(QRect(QPoint(x, y), size))

    # -- events ---------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.card:
            kind = event.type()
            if kind == QEvent.Type.Enter:
                self._hide.stop()
                self._intent.stop()
            elif kind == QEvent.Type.Leave:
                self._hide.start()
            elif kind == QEvent.Type.ShortcutOverride and _is_escape(event):
                event.accept()
                return True
            elif kind == QEvent.Type.KeyPress and _is_escape(event):
                self.close(return_focus=True)
                return True
        return False

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if (
            self.card.isVisible()
            and new is not None
            and old is not None
            and self.card.isAncestorOf(old)
            and not self.card.isAncestorOf(new)
        ):
            self.close(return_focus=False)


def _is_escape(event: QEvent) -> bool:
    return isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
