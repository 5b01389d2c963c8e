"""The hover card: a tooltip-style card with a button per allowed copy action and Resend invite.

Keyboard and assistive technology (WCAG 2.1: 1.4.13, 2.1.1, 2.4.7, 4.1.2): the
card is a named, described non-modal dialog for screen readers; Enter and Space
copy from a focused button; a card opened by keyboard shows its focus ring at
once; Esc closes it wherever focus is in the window; it never covers the row
it belongs to or the pointer, and never takes the mouse wheel from what lies
under it.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleInterface,
    QCursor,
    QKeyEvent,
    QPalette,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAccessibleWidget,
    QApplication,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.delivery import Delivery, delivery_label
from collab_console.core.domain import Participant
from collab_console.core.i18n import _, is_rtl, isolate
from collab_console.core.links import masked_link
from collab_console.core.policy import CardPlan
from collab_console.gui.card_target import CardTarget, on_screen
from collab_console.gui.forms import child, load_form, set_text
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.style import error_colour, muted_colour

#: How long the pointer must rest on an anchor before the card appears.
INTENT_DELAY_MS = 300
#: How long the card stays after the pointer left both the anchor and the card.
HIDE_DELAY_MS = 400
#: How long a button says "Copied ✓".
CONFIRM_MS = 1500
#: How long a card left with nothing to offer says so before it closes.
FAREWELL_MS = 2000
COPIED_TEXT = str(QT_TRANSLATE_NOOP("CopyCard", "Copied ✓"))
RESEND_TEXT = str(QT_TRANSLATE_NOOP("CopyCard", "Resend invite"))
#: Resend invite while the person's interval is not over (the store's rate limit).
RESEND_WAIT_TEXT = str(QT_TRANSLATE_NOOP("CopyCard", "Resend in {seconds} s"))
#: Resend invite while the store is asked to queue it.
RESEND_BUSY_TEXT = str(QT_TRANSLATE_NOOP("CopyCard", "Queuing…"))
#: Resend invite, for a moment, once the store queued it.
RESEND_DONE_TEXT = str(QT_TRANSLATE_NOOP("CopyCard", "Invite queued ✓"))
#: A card that offers nothing (it says why before it closes).
NOTHING = CardPlan(copy_first=False, copy_actions=(), can_resend=False)
#: The card's accessible description when it offers copy buttons only: what it is for.
CARD_DESCRIPTION = str(QT_TRANSLATE_NOOP("CopyCard", "Choose what to copy to the clipboard."))
#: ... when it offers Resend invite only (copying is turned off).
RESEND_DESCRIPTION = str(QT_TRANSLATE_NOOP("CopyCard", "Send the invitation again."))
#: ... when it offers both, in the card's order (the copy buttons first when the
#: invitation failed).
RESEND_FIRST_DESCRIPTION = str(
    QT_TRANSLATE_NOOP(
        "CopyCard", "Send the invitation again, or choose what to copy to the clipboard."
    )
)
COPY_FIRST_DESCRIPTION = str(
    QT_TRANSLATE_NOOP(
        "CopyCard", "Choose what to copy to the clipboard, or send the invitation again."
    )
)
#: ... when it offers nothing (it says why before it closes).
NOTHING_DESCRIPTION = str(QT_TRANSLATE_NOOP("CopyCard", "Nothing to copy or resend now."))
#: Room between the card and the text it hangs beside.
GAP = 4

BUTTON_NAMES = {action: spec.button_name for action, spec in COPY_ACTIONS.items()}
PREVIEW_NAMES = {action: spec.preview_name for action, spec in COPY_ACTIONS.items()}


def card_title(person: Participant, plan: CardPlan) -> str:
    """The card's accessible name: what it offers, and for whom (as the screen shows them)."""
    if plan.copy_actions and not plan.can_resend:
        title = QCoreApplication.translate("CopyCard", "Copy session details for {name}")
    elif plan.can_resend and not plan.copy_actions:
        title = QCoreApplication.translate("CopyCard", "Resend invite for {name}")
    else:
        # Both; or, while it says goodbye, neither: the card is about both.
        title = QCoreApplication.translate("CopyCard", "Invitation and session details for {name}")
    return title.format(name=person.name)


def card_description(plan: CardPlan) -> str:
    """The card's accessible description: what the agent can do with it, in its order."""
    if plan.copy_actions and plan.can_resend:
        return card_text(COPY_FIRST_DESCRIPTION if plan.copy_first else RESEND_FIRST_DESCRIPTION)
    if plan.can_resend:
        return card_text(RESEND_DESCRIPTION)
    if plan.copy_actions:
        return card_text(CARD_DESCRIPTION)
    # Saying goodbye (its change line says why), or a failed invitation with no remedy
    # here (its note says what to do).
    return plan.note or card_text(NOTHING_DESCRIPTION)


class CopyCard(QFrame):
    """The card itself: whose details, the buttons it is told to show, in that order, and notes.

    Signals:
        copy_requested(CopyAction, Participant): a copy button was clicked, or Enter or
            Space pressed on it.
        resend_requested(Participant): Resend invite was clicked (or Enter or Space).

    It shows what its :class:`~collab_console.core.policy.CardPlan` says: when the
    person's invitation failed, the note that says why and the copy buttons
    before Resend invite; otherwise Resend invite first. Under each button it
    shows what a click does (a copy with the URL masked, a resend to the masked
    contact); with ``privacy`` on, names and IDs are masked too. ``delivery_of``
    gives the person's delivery (the subtitle says where it stands), and
    ``resend_state`` what Resend invite says now and whether it can be clicked
    (a countdown while the store's interval runs). It never decides which
    buttons exist, and never shows a Session URL in clear.
    """

    #: False while __init__ builds the card: Qt sends palette changes before it is whole.
    _built = False

    copy_requested = Signal(object, object)
    resend_requested = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        privacy: PrivacyScreen | None = None,
        url_base: Callable[[], str] = lambda: "",
        delivery_of: Callable[[Participant], Delivery | None] = lambda _person: None,
        resend_state: Callable[[Participant], tuple[str, bool]] = lambda _p: (RESEND_TEXT, True),
    ) -> None:
        super().__init__(parent)
        _serve_card_role()
        self.privacy = privacy
        #: The Session URL base in force: the card shows where links open and a masked link.
        self.url_base = url_base
        self.delivery_of = delivery_of
        self.resend_state = resend_state
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
        self.delivery_note = child(self.form, QLabel, "deliveryNoteLabel")
        self.copy_box = child(self.form, QWidget, "copyActionsBox")
        self.resend_box = child(self.form, QWidget, "resendInviteBox")
        self.resend_button = child(self.form, QPushButton, "resendInviteButton")
        self.resend_preview = child(self.form, QLabel, "resendInvitePreview")
        self.note = child(self.form, QLabel, "copyCardNote")
        self.link_host = child(self.form, QLabel, "copyCardLinkHost")
        self.withheld = child(self.form, QLabel, "copyCardWithheld")
        self.change = child(self.form, QLabel, "copyCardChange")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.change.setFont(font)
        self.buttons = {
            action: child(self.form, QPushButton, name) for action, name in BUTTON_NAMES.items()
        }
        self.previews = {
            action: child(self.form, QLabel, name) for action, name in PREVIEW_NAMES.items()
        }
        for label in (self.title, self.subtitle, self.change, self.resend_preview):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        for label in (self.delivery_note, *self.previews.values()):
            label.setTextFormat(Qt.TextFormat.PlainText)  # nor a mail server's reply
        self._apply_colours()
        self._built = True
        for action, button in self.buttons.items():
            set_text(button, _(action.label))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, a=action: self._clicked(a))
            button.installEventFilter(self)
        set_text(self.resend_button, card_text(RESEND_TEXT))
        self.resend_button.setAutoDefault(False)
        self.resend_button.clicked.connect(self._resend_clicked)
        self.resend_button.installEventFilter(self)
        set_text(self.note, self.note.text())
        self._person: Participant | None = None
        self._plan = NOTHING
        self._restore = QTimer(self)
        self._restore.setSingleShot(True)
        self._restore.setInterval(CONFIRM_MS)
        self._restore.timeout.connect(self._restore_labels)
        #: Resend invite says "Invite queued ✓" until the confirmation's moment is over.
        self._resend_done = False
        self.hide()

    def _apply_colours(self) -> None:
        """Red and grey chosen against the card's background; again whenever the palette changes."""
        background = QPalette.ColorRole.ToolTipBase
        red = error_colour(self.palette(), background)
        self.withheld.setStyleSheet(f"color: {red.name()};")
        self.delivery_note.setStyleSheet(f"color: {red.name()};")
        quiet = muted_colour(self.palette(), background)
        for preview in (*self.previews.values(), self.resend_preview):
            preview.setStyleSheet(f"color: {quiet.name()};")

    def changeEvent(self, event: QEvent) -> None:
        if self._built and event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()
        super().changeEvent(event)

    @property
    def person(self) -> Participant | None:
        return self._person

    @property
    def plan(self) -> CardPlan:
        """What the card offers now (:data:`NOTHING` while it says goodbye)."""
        return self._plan

    @property
    def offered(self) -> tuple[CopyAction, ...]:
        """The copy actions the card offers now (none while it says goodbye)."""
        return self._plan.copy_actions

    @property
    def change_text(self) -> str:
        return self.change.text() if not self.change.isHidden() else ""

    def set_content(
        self,
        person: Participant,
        plan: CardPlan,
        notes: tuple[str, ...] = (),
        change: str = "",
    ) -> None:
        """Show what ``plan`` offers for ``person``, in its order; ``notes`` on why copy
        actions are withheld, and ``change``: what an admin changed while the card was
        open ("" for nothing).

        Hidden buttons leave no gap: the card shrinks to what it shows. Keyboard
        focus on a button that goes moves to one that stays (or to the card), so
        it never drops out of the card.
        """
        if person != self._person:
            self._restore.stop()
            self._restore_labels()
            self._resend_done = False
        self._person, self._plan = person, plan
        actions = plan.copy_actions
        for action in actions:
            self.buttons[action].show()
            self.previews[action].show()
        self.resend_box.setVisible(plan.can_resend)
        self._order(copy_first=plan.copy_first)
        self._keep_focus_inside()
        for action, button in self.buttons.items():
            if action not in actions:
                button.hide()
                self.previews[action].hide()
        self.copy_box.setVisible(bool(actions))
        offers_link = any(COPY_ACTIONS[action].uses_url for action in actions)
        if offers_link:
            from collab_console.core.urls import link_host

            host = isolate(link_host(self.url_base()))
            set_text(
                self.link_host,
                QCoreApplication.translate("CopyCard", "Links open {host}").format(host=host),
            )
        self.link_host.setVisible(offers_link)
        set_text(self.delivery_note, plan.note)
        self.delivery_note.setVisible(bool(plan.note))
        text = " ".join(f"{note[:1].upper()}{note[1:]}." for note in notes)
        not_offered = QCoreApplication.translate("CopyCard", "Not offered: {reasons}")
        set_text(self.withheld, not_offered.format(reasons=text) if text else "")
        self.withheld.setVisible(bool(text))
        said_before = self.change_text
        set_text(self.change, change)
        self.change.setVisible(bool(change))
        # The reminder that copying is the fallback, where Resend invite leads.
        self.note.setVisible(bool(actions) and not plan.copy_first)
        self.render_person()
        if change and change != said_before and self.isVisible():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.change, change))

    def _order(self, *, copy_first: bool) -> None:
        """Put Resend invite after the copy buttons or before them, and Tab with it."""
        layout = self.form.layout()
        if not isinstance(layout, QVBoxLayout):
            return
        copy_at = layout.indexOf(self.copy_box)
        resend_at = layout.indexOf(self.resend_box)
        if (resend_at > copy_at) != copy_first:
            layout.removeWidget(self.resend_box)
            layout.insertWidget(
                layout.indexOf(self.copy_box) + (1 if copy_first else 0), self.resend_box
            )
        chain = self.ordered_buttons(shown_only=False)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def render_person(self) -> None:
        """(Re)write whose details these are, where their invitation stands, and what
        each button does, as the screen may show them now (the privacy screen may
        have changed)."""
        person = self._person
        if person is None:
            return
        shown = on_screen(person, self.privacy)
        set_text(self.title, shown.name)
        delivery = self.delivery_of(person)
        set_text(
            self.subtitle,
            f"{_(person.role.label)} · {delivery_label(delivery, with_reason=False)}",
        )
        self.setAccessibleName(card_title(shown, self._plan))
        self.setAccessibleDescription(card_description(self._plan))
        base = self.url_base()
        link = masked_link(base)
        for action, preview in self.previews.items():
            # Only what is offered: a withheld action's text may hold a URL base the
            # policy refused (a planted link), which the card must not carry even hidden.
            offered = action in self._plan.copy_actions
            text = COPY_ACTIONS[action].clipboard_text(shown, link, base) if offered else ""
            lines = _links_on_lines_of_their_own(text, link, base)
            set_text(preview, _isolated(lines, shown.access_id, link, base), text)
            self.buttons[action].setAccessibleDescription(text)
        resend = resend_preview(person, delivery) if self._plan.can_resend else ""
        set_text(self.resend_preview, resend)
        self.resend_button.setAccessibleDescription(resend)
        self.render_resend()
        self.fit()

    def render_resend(self) -> None:
        """What Resend invite says now: a countdown while the person must wait."""
        person = self._person
        if person is None or not self._plan.can_resend:
            return
        text, enabled = self.resend_state(person)
        if self._resend_done:
            text = card_text(RESEND_DONE_TEXT)
        button = self.resend_button
        if button.text() != text:
            set_text(button, text)
        if button.isEnabled() != enabled:
            if not enabled and button.hasFocus():
                staying = [b for b in self.ordered_buttons() if b is not button and b.isEnabled()]
                move_focus(staying[0] if staying else self)
            button.setEnabled(enabled)

    def confirm_resend(self) -> None:
        """Say on Resend invite that the store queued the invitation, for a moment."""
        self._resend_done = True
        self._restore.start()
        self.render_resend()

    def fit(self) -> None:
        """Take the size of what is shown now, at once (not at the next layout pass)."""
        for layout in (self.copy_box.layout(), self.form.layout(), self.layout()):
            if layout is not None:
                layout.invalidate()
                layout.activate()
        self.adjustSize()

    def visible_buttons(self) -> list[QPushButton]:
        """The copy buttons shown, in order."""
        return [b for b in self.buttons.values() if not b.isHidden()]

    def ordered_buttons(self, *, shown_only: bool = True) -> list[QPushButton]:
        """Every button of the card in the order it shows them (Resend invite included)."""
        copies = list(self.buttons.values())
        resend = [self.resend_button]
        layout = self.form.layout()
        resend_first = layout is not None and layout.indexOf(self.resend_box) < layout.indexOf(
            self.copy_box
        )
        every = resend + copies if resend_first else copies + resend
        if not shown_only:
            return every
        return [b for b in every if not b.isHidden() and not _box_of(b).isHidden()]

    def first_button(self) -> QWidget:
        """Where keyboard focus goes when the card opens: its first button that can be
        pressed, else the card itself."""
        return next((b for b in self.ordered_buttons() if b.isEnabled()), self)

    def confirm(self, action: CopyAction) -> None:
        """Say on the button that its value is on the clipboard, for a moment."""
        self._restore_labels()
        set_text(self.buttons[action], card_text(COPIED_TEXT))
        self._restore.start()

    def _restore_labels(self) -> None:
        for action, button in self.buttons.items():
            set_text(button, _(action.label))
        self._resend_done = False
        self.render_resend()

    def _keep_focus_inside(self) -> None:
        focused = QApplication.focusWidget()
        leaving = [b for a, b in self.buttons.items() if a not in self._plan.copy_actions]
        if not self._plan.can_resend:
            leaving.append(self.resend_button)
        if focused is None or focused not in leaving:
            return
        staying = [self.buttons[a] for a in self._plan.copy_actions]
        if self._plan.can_resend and self.resend_button.isEnabled():
            staying.insert(0 if not self._plan.copy_first else len(staying), self.resend_button)
        move_focus(staying[0] if staying else self)

    def _clicked(self, action: CopyAction) -> None:
        if self._person is not None:
            self.copy_requested.emit(action, self._person)

    def _resend_clicked(self) -> None:
        if self._person is not None and self._plan.can_resend:
            self.resend_requested.emit(self._person)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and keypad Enter on a focused button press it, as Space does."""
        if (
            isinstance(watched, QPushButton)
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if not event.isAutoRepeat() and watched.isEnabled():  # a held key acts once
                watched.animateClick()
            return True
        return False


def _box_of(button: QPushButton) -> QWidget:
    """The box a card button sits in (copy actions, or Resend invite)."""
    box = button.parentWidget()
    assert box is not None
    return box


def resend_preview(person: Participant, delivery: Delivery | None) -> str:
    """What Resend invite does, as the card says it under the button (the contact masked)."""
    from collab_console.core.domain import ContactKind
    from collab_console.core.masking import mask_contact

    sms = delivery.channel is ContactKind.SMS if delivery is not None else "@" not in person.contact
    if sms:
        preview = QCoreApplication.translate("CopyCard", "A new SMS invite to {contact}")
    else:
        preview = QCoreApplication.translate("CopyCard", "A new e-mail invite to {contact}")
    return preview.format(contact=isolate(mask_contact(person.contact)))


class CopyCardController(QObject):
    """Decides when the card shows, where, and when it goes; asks ``plan_for`` what.

    ``plan_for`` is the core's card plan bound to the current session and
    settings; when it returns None the card does not show (never an empty
    card). ``change_for(person, lost)`` says in a sentence why ``lost`` copy
    actions went while the card was open ("" when the card's notes say it);
    with nothing left to offer, the card says ``farewell_for(person)`` for
    :data:`FAREWELL_MS`, then closes.

    ``clock`` gives monotonic milliseconds; the card never shows before the
    pointer has rested :data:`INTENT_DELAY_MS` by it (:meth:`rested_ms`), even
    when a timer fires early.
    """

    def __init__(
        self,
        card: CopyCard,
        plan_for: Callable[[Participant], CardPlan | None],
        notes_for: Callable[[Participant], tuple[str, ...]] = lambda _person: (),
        change_for: Callable[[Participant, tuple[CopyAction, ...]], str] = lambda _person, _lost: (
            ""
        ),
        farewell_for: Callable[[Participant], str] = lambda _person: "",
        clock: Callable[[], float] = lambda: time.monotonic() * 1000,
    ) -> None:
        super().__init__(card)
        self.card = card
        self.clock = clock
        self._plan_for = plan_for
        self._notes_for = notes_for
        self._change_for = change_for
        self._farewell_for = farewell_for
        self._target: CardTarget | None = None
        self._pending: CardTarget | None = None
        #: Where the pointer rests now (None: on no anchor).
        self._resting_on: CardTarget | None = None
        #: A card closed with Esc stays away from its anchor until the pointer moves on.
        self._dismissed: CardTarget | None = None
        self._rest_started = clock()
        #: Which of the places :meth:`_places` offers the card took when it opened.
        self._side = 0
        self._intent = QTimer(self)
        self._intent.setSingleShot(True)
        self._intent.setTimerType(Qt.TimerType.PreciseTimer)
        self._intent.setInterval(INTENT_DELAY_MS)
        self._intent.timeout.connect(self._intent_elapsed)
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(HIDE_DELAY_MS)
        self._hide.timeout.connect(lambda: self.close(return_focus=False))
        self._farewell = QTimer(self)
        self._farewell.setSingleShot(True)
        self._farewell.setInterval(FAREWELL_MS)
        self._farewell.timeout.connect(lambda: self.close(return_focus=False))
        self._escape = _EscapeWatcher(self)
        card.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    @property
    def target(self) -> CardTarget | None:
        return self._target if self.card.isVisible() else None

    @property
    def closing(self) -> bool:
        """The card has nothing left to offer and says so before it closes."""
        return self._farewell.isActive()

    def rested_ms(self) -> float:
        """How long the pointer has rested on the anchor it last came to."""
        return self.clock() - self._rest_started

    # -- pointer -------------------------------------------------------------

    def hover(self, target: CardTarget) -> None:
        """The pointer rests on ``target``: show its card after the intent delay."""
        self._hide.stop()
        self._resting_on = target
        if target.same_place(self._dismissed):
            return
        self._dismissed = None
        if target.same_place(self.target):
            self._intent.stop()
            return
        self._pending = target
        self._rest_started = self.clock()
        self._intent.start(INTENT_DELAY_MS)

    def unhover(self) -> None:
        """The pointer left an anchor: forget a pending card, fade a shown one."""
        self._intent.stop()
        self._pending = None
        self._resting_on = None
        self._dismissed = None
        if self.card.isVisible() and not self.closing:
            self._hide.start()

    def _intent_elapsed(self) -> None:
        if self._pending is None:
            return
        remaining = INTENT_DELAY_MS - self.rested_ms()
        if remaining > 0:  # the timer fired early: wait out the rest
            self._intent.start(max(1, math.ceil(remaining)))
            return
        self.open(self._pending, focus=False)

    # -- opening and closing ---------------------------------------------------

    def open(self, target: CardTarget, *, focus: bool, keyboard: bool = False) -> bool:
        """Show the card for ``target`` now; False (and no card) when nothing may be copied.

        ``focus`` puts keyboard focus on its first button; ``keyboard`` (the card
        was asked for by a key) also shows the focus ring there at once.
        """
        self._intent.stop()
        self._hide.stop()
        self._farewell.stop()
        self._pending = None
        self._dismissed = None
        plan = self._plan_for(target.person)
        if plan is None:
            self.close(return_focus=False)
            return False
        again = target.same_place(self.target)
        self._target = target
        self.card.set_content(target.person, plan, self._notes_for(target.person))
        self._place(target, fresh=not again)
        self.card.show()
        self.card.raise_()
        self._escape.watch(self.card)
        if focus or keyboard:
            first = self.card.first_button()
            if keyboard:
                # Styles draw a focus frame only with State_KeyboardFocusChange, from
                # the window's WA_KeyboardFocusChange. Qt sets that for a shortcut
                # focus reason, and for Tab only inside a real Tab key event: a
                # TabFocusReason given here would clear it and hide the ring.
                first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                first.setFocus(Qt.FocusReason.PopupFocusReason)
        return True

    def close(self, *, return_focus: bool) -> None:
        self._intent.stop()
        self._hide.stop()
        self._farewell.stop()
        focused = QApplication.focusWidget()
        had_focus = focused is not None and (
            focused is self.card or self.card.isAncestorOf(focused)
        )
        ring = shows_focus_ring(self.card)  # hiding a focused button moves focus, and hides it
        target = self._target
        self.card.hide()
        self._target = None
        self._escape.watch(None)
        if target is not None and (return_focus or had_focus):
            move_focus(target.focus_home, ring=ring)

    def dismiss(self) -> None:
        """Esc: the card goes, wherever focus is in the window, and stays away from its
        anchor until the pointer moves on (WCAG 1.4.13, dismissible)."""
        target = self._target
        self.close(return_focus=False)
        if target is not None and target.same_place(self._resting_on):
            self._dismissed = target

    def refresh(self) -> None:
        """Settings, the session, a delivery or the privacy screen changed: show what
        is allowed now, in place.

        Lost buttons leave no gap and the card says why; with nothing left it says
        so for a moment, then closes.
        """
        target = self.target
        if target is None:
            return
        person = target.person
        before = self.card.offered
        plan = self._plan_for(person)
        actions = plan.copy_actions if plan is not None else ()
        lost = tuple(action for action in before if action not in actions)
        if plan is None:
            if not self.closing:
                self._hide.stop()
                self.card.set_content(person, NOTHING, (), self._farewell_for(person))
                self._place(target, fresh=False)
                self._farewell.start()
            return
        self._farewell.stop()
        if lost:
            change = self._change_for(person, lost)
        elif any(action not in before for action in actions):
            change = ""
        else:
            change = self.card.change_text
        self.card.set_content(person, plan, self._notes_for(person), change)
        self._place(target, fresh=False)

    def follow(self, target: CardTarget) -> None:
        """The card's anchor moved (its list scrolled): hang the card by it again."""
        if target.same_place(self.target):
            self._target = target
            self._place(target, fresh=False)

    # -- where it goes ---------------------------------------------------------------

    def _place(self, target: CardTarget, *, fresh: bool) -> None:
        """Beside a row's text (or below the icon), never over the row or the pointer.

        A card that opens takes the first place that covers neither, flipping above
        or to the other side when there is no room; it is kept inside the window.
        An open card that changes size or follows its row keeps its side.
        """
        window = self.card.parentWidget()
        assert window is not None
        size = self.card.size()
        bounds = window.rect()
        clear = _mapped(target.anchor, target.clear_rect, window)
        places = [
            QRect(_inside(corner, size, bounds), size)
            for corner in _places(_mapped(target.anchor, target.rect, window), clear, size, target)
        ]
        if fresh:
            pointer = window.mapFromGlobal(QCursor.pos())
            self._side = next(
                (
                    i
                    for i, r in enumerate(places)
                    if not r.intersects(clear) and not r.contains(pointer)
                ),
                next((i for i, r in enumerate(places) if not r.contains(pointer)), 0),
            )
        self.card.setGeometry(places[self._side])

    # -- events ---------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.card:
            kind = event.type()
            if kind == QEvent.Type.Enter:
                self._hide.stop()
                self._intent.stop()
            elif kind == QEvent.Type.Leave and not self.closing:
                self._hide.start()
            elif kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
                self._pass_wheel(event)
                return True
        return False

    def _pass_wheel(self, event: QWheelEvent) -> None:
        """Give a wheel turned over the card to what lies under it (the list, mostly)."""
        window = self.card.parentWidget()
        if window is None:
            return
        pos = self.card.mapTo(window, event.position().toPoint())
        self.card.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        try:
            under = window.childAt(pos)
        finally:
            self.card.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        widget: QWidget | None = under if under is not None else window
        while widget is not None:
            passed = QWheelEvent(
                QPointF(widget.mapFrom(window, pos)),
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                event.source(),
                event.pointingDevice(),
            )
            QApplication.sendEvent(widget, passed)
            if passed.isAccepted() or widget is window:
                break
            widget = widget.parentWidget()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if (
            self.card.isVisible()
            and new is not None
            and old is not None
            and (old is self.card or self.card.isAncestorOf(old))
            and not (new is self.card or self.card.isAncestorOf(new))
        ):
            self.close(return_focus=False)


class _EscapeWatcher(QObject):
    """While a card is open, Esc anywhere in its window closes it (and does nothing else)."""

    def __init__(self, controller: CopyCardController) -> None:
        super().__init__(controller)
        self._controller = controller
        self._window: QWidget | None = None

    def watch(self, card: QWidget | None) -> None:
        app = QApplication.instance()
        if app is None:
            return
        window = card.window() if card is not None else None
        if window is not None and self._window is None:
            app.installEventFilter(self)
        elif window is None and self._window is not None:
            app.removeEventFilter(self)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if (
            self._window is None
            or not _is_escape(event)
            or not isinstance(watched, QWidget)
            or watched.window() is not self._window
        ):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # a key press for the card, not a shortcut
        else:
            self._controller.dismiss()
        return True


def shows_focus_ring(widget: QWidget) -> bool:
    return widget.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)


def move_focus(widget: QWidget, *, ring: bool | None = None) -> None:
    """Give ``widget`` focus, keeping the focus ring shown if it is (or ``ring`` says
    it was): Qt hides it (clears WA_KeyboardFocusChange) for every focus reason but
    a shortcut's, and for Tab outside a Tab key event."""
    keyboard = shows_focus_ring(widget) if ring is None else ring
    widget.setFocus(
        Qt.FocusReason.ShortcutFocusReason if keyboard else Qt.FocusReason.PopupFocusReason
    )


def _links_on_lines_of_their_own(text: str, *links: str) -> str:
    """A message with links in it, shown with each link on a line of its own: word
    wrap would otherwise break a link after its ``https://``."""
    for link in links:
        if text != link:
            text = text.replace(f" {link}", f"\n{link}")
    return text


def card_text(text: str) -> str:
    """One of the card's own texts in the user's language."""
    return QCoreApplication.translate("CopyCard", text)


def _isolated(text: str, *values: str) -> str:
    """``text`` as shown, each of ``values`` (an ID, a URL) kept left to right in a
    right-to-left language (:func:`~collab_console.core.i18n.isolate`); one pass,
    longest first, so a URL holding its base is isolated once."""
    wanted = sorted({value for value in values if value}, key=len, reverse=True)
    if not wanted or not is_rtl():
        return text
    pattern = "|".join(map(re.escape, wanted))
    return re.sub(pattern, lambda found: isolate(found.group()), text)


def _mapped(anchor: QWidget, rect: QRect, window: QWidget) -> QRect:
    return QRect(anchor.mapTo(window, rect.topLeft()), rect.size())


def _places(hang: QRect, clear: QRect, size: QSize, target: CardTarget) -> list[QPoint]:
    """Top-left corners to try, best first, in the window's coordinates."""
    w, h = size.width(), size.height()
    if target.beside:  # after the row's text, below or above the row; then before it
        right, left = hang.right() + 1 + GAP, hang.left() - w - GAP
        # Right to left, a row's text ends on its left: the card opens there first.
        after, before = (left, right) if target.anchor.isRightToLeft() else (right, left)
        below, above = clear.bottom() + 1, clear.top() - h
        return [
            QPoint(after, below),
            QPoint(after, above),
            QPoint(before, below),
            QPoint(before, above),
        ]
    below, above = clear.bottom() + 1, clear.top() - h
    return [
        QPoint(hang.left(), below),
        QPoint(hang.left(), above),
        QPoint(clear.right() + 1, hang.top()),
        QPoint(clear.left() - w, hang.top()),
    ]


def _inside(corner: QPoint, size: QSize, bounds: QRect) -> QPoint:
    x = max(bounds.left(), min(corner.x(), bounds.right() + 1 - size.width()))
    y = max(bounds.top(), min(corner.y(), bounds.bottom() + 1 - size.height()))
    return QPoint(x, y)


def _is_escape(event: QEvent) -> bool:
    return isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape


_card_role_served = False


def _serve_card_role() -> None:
    """Tell assistive technology that a copy card is a (non-modal) dialog, not a frame."""
    global _card_role_served
    if not _card_role_served:
        QAccessible.installFactory(_card_accessible)
        _card_role_served = True


#: The cards' accessible interfaces, held so that Python never frees one. PySide6
#: leaves an interface made in Python owned by Python, while Qt's accessibility
#: cache keeps a bare pointer to it and deletes it itself when its card goes (which
#: tells the Python wrapper). Freed by Python first, the cache would use freed
#: memory for every screen-reader call and crash when the application ends.
_card_interfaces: list[QAccessibleInterface] = []


def _card_accessible(key: str, obj: QObject) -> QAccessibleInterface | None:
    if key == "CopyCard" and isinstance(obj, CopyCard):
        from shiboken6 import Shiboken

        # Those whose card is gone were deleted by Qt already: letting them go frees nothing.
        _card_interfaces[:] = [kept for kept in _card_interfaces if Shiboken.isValid(kept)]
        interface = QAccessibleWidget(obj, QAccessible.Role.Dialog)
        _card_interfaces.append(interface)
        return interface
    return None
