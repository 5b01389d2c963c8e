"""The agent console: the session list and the selected session's view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QSize,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QContextMenuEvent,
    QKeyEvent,
    QKeySequence,
    QSinglePointEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from collab_console.core.clipboard_text import clipboard_text, copied_message
from collab_console.core.domain import Participant, Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.policy import CopyAction, copy_actions, nothing_to_copy_reason, refusal
from collab_console.core.settings import CopySettings
from collab_console.gui.card_target import CardTarget
from collab_console.gui.clipboard import put_on_clipboard
from collab_console.gui.forms import child, icon, load_form
from collab_console.gui.models import SESSION_ID_ROLE, ParticipantsModel, SessionListModel
from collab_console.gui.store_hub import StoreHub

if TYPE_CHECKING:
    from collab_console.gui.copy_card import CopyCard, CopyCardController

STATUS_MS = 8000


def _asks_for_card(event: QEvent) -> bool:
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


class ConsoleWindow(QMainWindow):
    """The main window. It shows what the store holds and asks the core what may be copied.

    It never decides on its own whether a detail may be copied, and never shows
    a Session URL in its status bar.
    """

    def __init__(self, hub: StoreHub) -> None:
        super().__init__()
        self.hub = hub
        self.session: Session | None = None
        self.setObjectName("consoleWindow")
        self.setWindowTitle("Collab Console")
        self.setWindowIcon(icon("app.svg"))
        self.resize(980, 640)
        self.form = load_form("console", self)
        self.setCentralWidget(self.form)

        self.session_list = child(self.form, QListView, "sessionList")
        self.session_stack = child(self.form, QStackedWidget, "sessionStack")
        self.session_page = child(self.form, QWidget, "sessionPage")
        self.customer_icon = child(self.form, QToolButton, "customerIcon")
        self.customer_name = child(self.form, QLabel, "customerNameLabel")
        self.state_label = child(self.form, QLabel, "sessionStateLabel")
        self.invite_label = child(self.form, QLabel, "inviteStatusLabel")
        self.copy_hint = child(self.form, QLabel, "copyHintLabel")
        self.participants_view = child(self.form, QListView, "documentParticipantsView")
        self.no_participants = child(self.form, QLabel, "noParticipantsLabel")
        self.end_button = child(self.form, QPushButton, "endSessionButton")
        self.new_button = child(self.form, QPushButton, "newSessionButton")
        child(self.form, QSplitter, "consoleSplitter").setSizes([280, 700])

        self.sessions_model = SessionListModel()
        self.session_list.setModel(self.sessions_model)
        self.participants_model = ParticipantsModel()
        self.participants_view.setModel(self.participants_model)
        self.participants_view.setMouseTracking(True)
        self.customer_icon.setIcon(icon("customer.svg"))
        font = self.customer_name.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.customer_name.setFont(font)

        self._card_controller: CopyCardController | None = None

        self._build_menus()
        self._wire()
        self.reload_sessions()
        if self.sessions_model.rowCount():
            self.session_list.setCurrentIndex(self.sessions_model.index(0, 0))

    # -- set-up -----------------------------------------------------------------

    @property
    def card_controller(self) -> CopyCardController:
        """The copy card, built the first time it is needed (not at start-up)."""
        if self._card_controller is None:
            from collab_console.gui.copy_card import CopyCard, CopyCardController

            card = CopyCard(self)
            card.copy_requested.connect(self.copy_detail)
            self._card_controller = CopyCardController(card, self.copy_actions_for)
        return self._card_controller

    @property
    def card(self) -> CopyCard:
        return self.card_controller.card

    def _unhover(self) -> None:
        if self._card_controller is not None:
            self._card_controller.unhover()

    def _close_card(self) -> None:
        if self._card_controller is not None:
            self._card_controller.close(return_focus=False)

    def _refresh_card(self) -> None:
        if self._card_controller is not None:
            self._card_controller.refresh()

    def _build_menus(self) -> None:
        # setShortcuts() with a list: setShortcut()'s overloads make PySide6 build
        # the whole Qt namespace (~15 ms) before the first paint.
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_session_action = QAction("&New session…", self)
        self.new_session_action.setObjectName("newSessionAction")
        self.new_session_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.New))
        self.new_session_action.triggered.connect(self.start_new_session)
        file_menu.addAction(self.new_session_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        session_menu = bar.addMenu("S&ession")
        self.end_session_action = QAction("&End session…", self)
        self.end_session_action.setObjectName("endSessionAction")
        self.end_session_action.triggered.connect(self.end_current_session)
        session_menu.addAction(self.end_session_action)

        settings_menu = bar.addMenu("&Settings")
        self.preferences_action = QAction("&Preferences…", self)
        self.preferences_action.setObjectName("preferencesAction")
        self.preferences_action.setShortcuts(QKeySequence.listFromString("Ctrl+,"))
        self.preferences_action.triggered.connect(self.open_preferences)
        settings_menu.addAction(self.preferences_action)

    def _wire(self) -> None:
        selection = self.session_list.selectionModel()
        selection.currentChanged.connect(self._current_session_changed)
        self.new_button.clicked.connect(self.start_new_session)
        self.end_button.clicked.connect(self.end_current_session)
        self.customer_icon.clicked.connect(lambda: self.open_card_for_customer(focus=True))
        self.customer_icon.installEventFilter(self)
        self.participants_view.installEventFilter(self)
        self.participants_view.viewport().installEventFilter(self)
        self.hub.settings_changed.connect(self._settings_changed)
        self.hub.sessions_changed.connect(self._sessions_changed)
        self.hub.store_problem.connect(self._store_problem)

    # -- sessions ---------------------------------------------------------------

    def reload_sessions(self) -> None:
        try:
            sessions = self.hub.store.list_sessions()
        except CollabConsoleError as exc:
            self.statusBar().showMessage(str(exc))
            return
        current = self.session.session_id if self.session else None
        self.sessions_model.set_sessions(sessions)
        if current is not None:
            row = self.sessions_model.row_of(current)
            if row >= 0:
                self.session_list.selectionModel().setCurrentIndex(
                    self.sessions_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect,
                )

    def _current_session_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        session_id = current.data(SESSION_ID_ROLE) if current.isValid() else None
        if session_id is None:
            self.show_session(None)
        elif self.session is None or self.session.session_id != session_id:
            self.open_session(session_id)

    def open_session(self, session_id: str) -> None:
        """Load ``session_id`` from the store and show it."""
        try:
            session = self.hub.store.get_session(session_id)
        except CollabConsoleError as exc:
            self.statusBar().showMessage(str(exc))
            return
        self.show_session(session)

    def show_session(self, session: Session | None) -> None:
        self._close_card()
        self.session = session
        if session is None:
            self.session_stack.setCurrentIndex(0)
            self.end_session_action.setEnabled(False)
            return
        self.session_stack.setCurrentWidget(self.session_page)
        customer = session.customer
        self.customer_name.setText(customer.name)
        self.customer_icon.setAccessibleName(f"Customer: {customer.name}")
        self.state_label.setText(f"{session.state.label} · Session {session.session_id}")
        self.invite_label.setText(session.invite_status.label)
        self.invite_label.setStyleSheet(
            "color: #b3261e; font-weight: bold;" if session.invite_status.failed else ""
        )
        self.participants_model.set_participants(session.participants)
        self.no_participants.setVisible(not session.participants)
        self.participants_view.setVisible(bool(session.participants))
        self.end_button.setEnabled(session.is_active)
        self.end_session_action.setEnabled(session.is_active)
        self._update_copy_hint()

    def _sessions_changed(self) -> None:
        """Sessions changed, here or in another process: show what the store holds."""
        self.reload_sessions()
        if self.session is not None:
            try:
                fresh = self.hub.store.get_session(self.session.session_id)
            except CollabConsoleError:
                return
            if fresh != self.session:
                self.show_session(fresh)

    def start_new_session(self) -> None:
        from collab_console.gui.new_session_dialog import NewSessionDialog

        dialog = NewSessionDialog(self.hub, self)
        if dialog.exec() and dialog.created is not None:
            self.hub.notify_sessions_changed()
            self.select_session(dialog.created.session_id)
            self.statusBar().showMessage(
                f"Started session {dialog.created.session_id} with {dialog.created.customer.name}.",
                STATUS_MS,
            )

    def select_session(self, session_id: str) -> None:
        row = self.sessions_model.row_of(session_id)
        if row >= 0:
            self.session_list.setCurrentIndex(self.sessions_model.index(row, 0))

    def end_current_session(self) -> None:
        session = self.session
        if session is None or not session.is_active:
            return
        answer = QMessageBox.question(
            self,
            "End session",
            f"End the session with {session.customer.name}? Everyone in it is "
            "disconnected, and its details can no longer be copied.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.hub.store.end_session(session.session_id, datetime.now(UTC))
        except CollabConsoleError as exc:
            QMessageBox.critical(self, "Could not end the session", str(exc))
            return
        self.hub.notify_sessions_changed()
        self.statusBar().showMessage(f"Ended session {session.session_id}.", STATUS_MS)

    # -- copying ----------------------------------------------------------------

    def copy_actions_for(self, person: Participant) -> tuple[CopyAction, ...]:
        if self.session is None:
            return ()
        return copy_actions(self.hub.settings, self.session, person)

    def copy_detail(self, action: CopyAction, person: Participant) -> None:
        """Put one detail on the clipboard, if the policy allows it at this moment."""
        if self.session is None:
            return
        reason = refusal(self.hub.settings, self.session, person, action)
        if reason is not None:
            self.statusBar().showMessage(f"Not copied: {reason}.", STATUS_MS)
            self._refresh_card()
            return
        if not put_on_clipboard(clipboard_text(action, person)):
            self.statusBar().showMessage(
                "Not copied: the system clipboard could not be reached. Try again.", STATUS_MS
            )
            return
        if self._card_controller is not None:  # a copy from the context menu has no card
            self._card_controller.card.confirm(action)
        self.statusBar().showMessage(copied_message(action, person), STATUS_MS)

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
        if not opened and self.session is not None:
            self.statusBar().showMessage(
                nothing_to_copy_reason(self.hub.settings, self.session), STATUS_MS
            )
        return opened

    def _context_menu(self, target: CardTarget | None, global_pos: QPoint) -> None:
        if target is None or self.session is None:
            return
        self._close_card()
        menu = QMenu(self)
        menu.setObjectName("copyContextMenu")
        actions = self.copy_actions_for(target.person)
        for action in actions:
            item = menu.addAction(action.label)
            item.triggered.connect(
                lambda _=False, a=action, p=target.person: self.copy_detail(a, p)
            )
        if not actions:
            item = menu.addAction(nothing_to_copy_reason(self.hub.settings, self.session))
            item.setEnabled(False)
        menu.exec(global_pos)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.customer_icon:
            return self._customer_icon_event(event, kind)
        if watched is self.participants_view and _asks_for_card(event):
            row = self.participants_view.currentIndex().row()
            if row >= 0:
                self.open_card_for_participant(row, focus=True)
            return True
        if watched is self.participants_view.viewport():
            return self._participant_pointer_event(event, kind)
        return False

    def _customer_icon_event(self, event: QEvent, kind: QEvent.Type) -> bool:
        if _asks_for_card(event):
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

    def _participant_pointer_event(self, event: QEvent, kind: QEvent.Type) -> bool:
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

    # -- settings and the store ---------------------------------------------------

    def _settings_changed(self, _settings: CopySettings) -> None:
        self._update_copy_hint()
        self._refresh_card()

    def _update_copy_hint(self) -> None:
        session = self.session
        if session is None:
            return
        if self.copy_actions_for(session.customer):
            text = "Point at the customer icon or a participant to copy session details."
        else:
            text = nothing_to_copy_reason(self.hub.settings, session)
        self.copy_hint.setText(text)

    def _store_problem(self, message: str) -> None:
        if message:
            self.statusBar().showMessage(f"{message} Showing the last settings read; retrying.")
        else:
            self.statusBar().showMessage("The store is reachable again.", STATUS_MS)

    def open_preferences(self) -> None:
        from collab_console.gui.preferences_dialog import PreferencesDialog

        PreferencesDialog(self.hub, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._close_card()
        super().closeEvent(event)
