"""The agent console: the session list, the chosen session and the copy card, in one window."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QListView, QMainWindow, QMessageBox, QPushButton, QSplitter

from collab_console.core.domain import Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.events import SessionEnded
from collab_console.core.identity import current_user
from collab_console.gui.copy_controller import CopyController
from collab_console.gui.forms import child, icon, load_form
from collab_console.gui.session_list import SessionListPanel
from collab_console.gui.session_view import SessionView
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import STATUS_MS


class ConsoleWindow(QMainWindow):
    """The main window: menus, status bar, and the three parts it is made of.

    ``sessions`` (the list), ``view`` (the chosen session) and ``copying``
    (hover card and copy) each live in their own module; this class only
    connects them. It never decides what may be copied, and never shows a
    Session URL in its status bar.
    """

    def __init__(self, hub: StoreHub) -> None:
        super().__init__()
        self.hub = hub
        self.setObjectName("consoleWindow")
        self.setWindowTitle("Collab Console")
        self.setWindowIcon(icon("app.svg"))
        self.resize(980, 640)
        self.form = load_form("console", self)
        self.setCentralWidget(self.form)
        child(self.form, QSplitter, "consoleSplitter").setSizes([280, 700])
        self.store_status = QLabel(self)
        self.store_status.setObjectName("storeStatusLabel")
        self.statusBar().addPermanentWidget(self.store_status)
        self.store_status.hide()

        self.view = SessionView(self.form, hub)
        self.copying = CopyController(
            self,
            hub,
            self.view.customer_icon,
            self.view.participants_view,
            self.view.participants_model,
        )
        self.sessions = SessionListPanel(child(self.form, QListView, "sessionList"), hub)
        self.session_list = self.sessions.view
        self.new_button = child(self.form, QPushButton, "newSessionButton")
        self._build_menus()

        self.sessions.chosen.connect(self.view.open)
        self.view.shown.connect(self._session_shown)
        self.view.problem.connect(self.say)
        self.copying.said.connect(self.say)
        self.new_button.clicked.connect(self.start_new_session)
        self.view.end_button.clicked.connect(self.end_current_session)
        hub.store_problem.connect(self._store_problem)
        hub.policy_confirmed_changed.connect(self._policy_confirmed_changed)
        if hub.problem:
            self._store_problem(hub.problem)
        if self.sessions.current is not None:
            self.view.open(self.sessions.current)

    @property
    def session(self) -> Session | None:
        return self.view.session

    def say(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MS)

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
        self.end_session_action.setEnabled(False)
        self.end_session_action.triggered.connect(self.end_current_session)
        session_menu.addAction(self.end_session_action)

        settings_menu = bar.addMenu("&Settings")
        self.preferences_action = QAction("&Preferences…", self)
        self.preferences_action.setObjectName("preferencesAction")
        self.preferences_action.setShortcuts(QKeySequence.listFromString("Ctrl+,"))
        self.preferences_action.triggered.connect(self.open_preferences)
        settings_menu.addAction(self.preferences_action)

    def _session_shown(self, session: Session | None) -> None:
        self.copying.show_session(session)
        self.end_session_action.setEnabled(session is not None and session.is_active)

    # -- sessions ---------------------------------------------------------------

    def start_new_session(self) -> None:
        from collab_console.gui.new_session_dialog import NewSessionDialog

        dialog = NewSessionDialog(self.hub, self)
        if dialog.exec() and dialog.created is not None:
            created = dialog.created
            self.sessions.select(created.session_id)
            self.say(f"Started session {created.session_id} with {created.customer.name}.")

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
        session_id, actor = session.session_id, current_user()

        def ended(_event: SessionEnded) -> None:
            self.say(f"Ended session {session_id}.")

        def failed(error: CollabConsoleError) -> None:
            QMessageBox.critical(self, "Could not end the session", error.sentence)

        self.hub.call(
            lambda store: store.end_session(session_id, datetime.now(UTC), actor=actor),
            ended,
            failed,
        )

    # -- the store ----------------------------------------------------------------

    def _store_problem(self, message: str) -> None:
        """Said once, and kept in view while it lasts; never repeated on every poll."""
        if message:
            self.store_status.setText(f"Store unavailable: {message}")
            self.store_status.setToolTip(message)
            self.store_status.show()
        else:
            self.store_status.hide()
            self.say("The store is reachable again.")

    def _policy_confirmed_changed(self, confirmed: bool) -> None:
        if not confirmed:
            self.say(
                "The copy policy cannot be confirmed with the store, so Session URLs are "
                "withheld until it can. Session IDs can still be copied."
            )

    def open_preferences(self) -> None:
        from collab_console.gui.preferences_dialog import PreferencesDialog

        PreferencesDialog(self.hub, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.copying.close_card()
        super().closeEvent(event)
