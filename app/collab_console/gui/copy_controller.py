"""Hovering, keys and right-clicks that ask for a copy card, and the copy itself.

The card's look and timing live in :mod:`copy_card`; what may be copied lives
in the core's policy; putting a value on the clipboard goes through the core's
copy service. This module only connects them to the console's widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QSinglePointEvent
from PySide6.QtWidgets import QListView, QMenu, QToolButton, QWidget

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.copying import CopyOutcome, CopyRecord, copy_detail
from collab_console.core.domain import Participant, Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.events import SettingsChanged
from collab_console.core.identity import current_user
from collab_console.core.policy import copy_actions, nothing_to_copy_reason, withheld_reasons
from collab_console.core.settings import CopySettings
from collab_console.gui.card_target import CardTarget
from collab_console.gui.clipboard import QtClipboard
from collab_console.gui.models import ParticipantsModel
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store

if TYPE_CHECKING:
    from collab_console.gui.copy_card import CopyCard, CopyCardController


def asks_for_card(event: QEvent) -> bool:
    """Enter, Space, the Menu key, Shift+F10 or a keyboard context-menu request."""
    if isinstance(event, QContextMenuEvent):
        return event.reason() == QContextMenuEvent.Reason.Keyboard
    if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
        return False
    from PySide6.QtCore import Qt  # here: the Qt namespace costs ~15 ms to build

    if event.key() == Qt.Key.Key_F10:
        return event.modifiers() == Qt.KeyboardModifier.ShiftModifier
    open_keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Menu)
    return event.key() in open_keys and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


class CopyController(QObject):
    """Opens the copy card for the customer icon and participant rows, and copies.

    Signals:
        said(str): a sentence for the status bar (what was copied, or why not).

    Every click is checked again against the settings of that moment, and a
    Session URL never appears in what it says.
    """

    said = Signal(str)

    def __init__(
        self,
        window: QWidget,
        hub: StoreHub,
        customer_icon: QToolButton,
        participants_view: QListView,
        participants_model: ParticipantsModel,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.hub = hub
        self.session: Session | None = None
        self.customer_icon = customer_icon
        self.participants_view = participants_view
        self.participants_model = participants_model
        self.clipboard = QtClipboard()
        self._card_controller: CopyCardController | None = None
        customer_icon.clicked.connect(lambda: self.open_card_for_customer(focus=True))
        # Kept, not asked for on each event: during teardown Qt still sends events
        # to this filter, and asking a half-destroyed view for its viewport raises.
        self._viewport = participants_view.viewport()
        customer_icon.installEventFilter(self)
        participants_view.installEventFilter(self)
        self._viewport.installEventFilter(self)
        hub.settings_changed.connect(self.refresh_card)
        hub.policy_confirmed_changed.connect(self.refresh_card)

    # -- the card ---------------------------------------------------------------

    @property
    def card_controller(self) -> CopyCardController:
        """The copy card, built the first time it is needed (not at start-up)."""
        if self._card_controller is None:
            from collab_console.gui.copy_card import CopyCard, CopyCardController

            card = CopyCard(self.window)
            card.copy_requested.connect(self.copy)
            self._card_controller = CopyCardController(card, self.actions_for, self.notes_for)
        return self._card_controller

    @property
    def card(self) -> CopyCard:
        return self.card_controller.card

    def show_session(self, session: Session | None) -> None:
        """The console shows ``session`` now: a card for another session closes."""
        previous, self.session = self.session, session
        if previous is None or session is None or previous.session_id != session.session_id:
            self.close_card()
        else:
            self.refresh_card()

    def close_card(self) -> None:
        if self._card_controller is not None:
            self._card_controller.close(return_focus=False)

    def refresh_card(self, *_: object) -> None:
        if self._card_controller is not None:
            self._card_controller.refresh()

    def actions_for(self, person: Participant) -> tuple[CopyAction, ...]:
        settings = self.hub.settings
        if self.session is None or settings is None:
            return ()
        return copy_actions(
            settings, self.session, person, policy_confirmed=self.hub.policy_confirmed
        )

    def notes_for(self, person: Participant) -> tuple[str, ...]:
        """Why an enabled detail is not offered for ``person`` (the card says so)."""
        settings = self.hub.settings
        if self.session is None or settings is None:
            return ()
        return withheld_reasons(
            settings, self.session, person, policy_confirmed=self.hub.policy_confirmed
        )

    # -- copying ----------------------------------------------------------------

    def copy(self, action: CopyAction, person: Participant) -> None:
        """Copy one detail once the store has confirmed the policy as it is now.

        The settings and the session are read afresh on the worker thread, so a
        detail an admin turned off elsewhere a moment ago is refused even before
        this console's next poll. If the store cannot answer, the copy service
        gets the last settings read with the policy unconfirmed: it refuses the
        sensitive details (fail closed) and still copies an allowed Session ID.
        ``said`` tells the outcome.
        """
        if self.session is None:
            return
        session_id = self.session.session_id

        def read(store: Store) -> tuple[CopySettings, Session]:
            return store.load_settings(), store.get_session(session_id)

        def confirmed(result: tuple[CopySettings, Session]) -> None:
            settings, session = result
            self.hub.apply([SettingsChanged(settings)])
            self._copy_now(action, person, settings, session, policy_confirmed=True)

        def unconfirmed(_error: CollabConsoleError) -> None:
            if self.session is not None and self.hub.settings is not None:
                self._copy_now(
                    action, person, self.hub.settings, self.session, policy_confirmed=False
                )

        self.hub.call(read, confirmed, unconfirmed)

    def _copy_now(
        self,
        action: CopyAction,
        person: Participant,
        settings: CopySettings,
        session: Session,
        *,
        policy_confirmed: bool,
    ) -> CopyOutcome:
        outcome = copy_detail(
            settings=settings,
            session=session,
            person=person,
            action=action,
            clipboard=self.clipboard,
            record=self._record,
            actor=current_user(),
            policy_confirmed=policy_confirmed,
        )
        if outcome.copied and self._card_controller is not None:
            self._card_controller.card.confirm(action)
        elif not outcome.copied:
            self.refresh_card()
        self.said.emit(outcome.message)
        return outcome

    def _record(self, record: CopyRecord) -> None:
        def not_recorded(error: CollabConsoleError) -> None:
            self.said.emit(f"Copied, but the copy could not be recorded: {error.sentence}")

        self.hub.call(lambda store: store.record_copy(record), None, not_recorded)

    # -- where a card hangs --------------------------------------------------------

    def _customer_target(self) -> CardTarget | None:
        if self.session is None:
            return None
        icon_widget = self.customer_icon
        return CardTarget(self.session.customer, icon_widget, icon_widget.rect(), icon_widget)

    def _participant_target(self, index: QModelIndex) -> CardTarget | None:
        if not index.isValid():
            return None
        person = self.participants_model.participant(index.row())
        row = self.participants_view.visualRect(index)
        name_width = self.participants_view.fontMetrics().horizontalAdvance(person.name) + 12
        rect = QRect(row.topLeft(), QSize(min(row.width(), name_width), row.height()))
        view = self.participants_view
        return CardTarget(person, view.viewport(), rect, view, beside=True)

    def open_card_for_customer(self, *, focus: bool) -> bool:
        target = self._customer_target()
        return target is not None and self._open_card(target, focus=focus)

    def open_card_for_participant(self, row: int, *, focus: bool) -> bool:
        target = self._participant_target(self.participants_model.index(row, 0))
        return target is not None and self._open_card(target, focus=focus)

    def _open_card(self, target: CardTarget, *, focus: bool) -> bool:
        opened = self.card_controller.open(target, focus=focus)
        if not opened:
            self.said.emit(self._nothing_to_copy())
        return opened

    def _nothing_to_copy(self) -> str:
        settings = self.hub.settings
        if self.session is None or settings is None:
            return "The copy settings are still being read; try again in a moment."
        return nothing_to_copy_reason(settings, self.session)

    def _context_menu(self, target: CardTarget | None, global_pos: QPoint) -> None:
        if target is None or self.session is None:
            return
        self.close_card()
        menu = QMenu(self.window)
        menu.setObjectName("copyContextMenu")
        actions = self.actions_for(target.person)
        for action in actions:
            item = menu.addAction(action.label)
            item.triggered.connect(lambda _=False, a=action, p=target.person: self.copy(a, p))
        if any(COPY_ACTIONS[action].uses_url for action in actions):
            from collab_console.core.urls import link_host

            menu.addSeparator()
            menu.addAction(f"Links open {link_host(target.person.url)}").setEnabled(False)
        if not actions:
            item = menu.addAction(self._nothing_to_copy())
            item.setEnabled(False)
        menu.exec(global_pos)

    # -- events -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.customer_icon:
            return self._customer_icon_event(event)
        if watched is self.participants_view and asks_for_card(event):
            row = self.participants_view.currentIndex().row()
            if row >= 0:
                self.open_card_for_participant(row, focus=True)
            return True
        if watched is self._viewport:
            return self._participant_pointer_event(event)
        return False

    def _customer_icon_event(self, event: QEvent) -> bool:
        kind = event.type()
        if asks_for_card(event):
            self.open_card_for_customer(focus=True)
            return True
        if kind == QEvent.Type.Enter:
            target = self._customer_target()
            if target is not None:
                self.card_controller.hover(target)
        elif kind == QEvent.Type.Leave:
            self._unhover()
        elif isinstance(event, QContextMenuEvent):
            self._context_menu(self._customer_target(), event.globalPos())
            return True
        return False

    def _participant_pointer_event(self, event: QEvent) -> bool:
        kind = event.type()
        view = self.participants_view
        if kind in (QEvent.Type.MouseMove, QEvent.Type.Enter) and isinstance(
            event, QSinglePointEvent
        ):
            target = self._participant_target(view.indexAt(event.position().toPoint()))
            if target is None:
                self._unhover()
            else:
                self.card_controller.hover(target)
        elif kind == QEvent.Type.Leave:
            self._unhover()
        elif kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            index = view.indexAt(event.pos())
            if index.isValid():
                view.setCurrentIndex(index)
            self._context_menu(self._participant_target(index), event.globalPos())
            return True
        return False

    def _unhover(self) -> None:
        if self._card_controller is not None:
            self._card_controller.unhover()
