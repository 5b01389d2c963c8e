"""The agent console: the session list, the chosen session and the copy card, in one window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStatusBar,
)

from collab_console.core import clock
from collab_console.core.domain import Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.events import SessionEnded
from collab_console.core.i18n import isolate
from collab_console.core.identity import current_user
from collab_console.core.settings import MASK_SENSITIVE_DATA, CopySettings
from collab_console.gui.copy_controller import CopyController
from collab_console.gui.forms import child, icon, load_form
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.session_list import SessionListPanel
from collab_console.gui.session_view import SessionView
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import STATUS_MS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from collab_console.gui.add_participant_dialog import AddParticipantDialog
    from collab_console.gui.links_dialog import LinksDialog
    from collab_console.gui.new_session_dialog import NewSessionDialog
    from collab_console.gui.preferences_dialog import PreferencesDialog

#: How long typing in the filter field must pause before the lists follow (one pass over a
#: 10 000-participant session takes ~0.2 s, so not on every key).
FILTER_DELAY_MS = 150
#: Qt.Key.Key_Escape as a number (the Qt namespace costs ~15 ms to build at start-up).
_KEY_ESCAPE = 0x01000000
END_SESSION_TEXT = str(
    QT_TRANSLATE_NOOP(
        "ConsoleWindow",
        "End the session with {name}? Everyone in it is disconnected, and its details "
        "can no longer be copied.",
    )
)
#: The permanent countdown at the right of the status bar while a copied Session URL waits
#: to be cleared from the clipboard (the copy message already said when, once).
CLIPBOARD_COUNTDOWN = str(
    QT_TRANSLATE_NOOP("ConsoleWindow", "Session URL copied — clears in {seconds} s")
)
CLIPBOARD_CLEARED = str(
    QT_TRANSLATE_NOOP("ConsoleWindow", "Cleared the copied Session URL from the clipboard.")
)
#: Said once when the store can be used again: after a lost connection (the settings
#: were read afresh), or after it could not be read for a while.
RECONNECTED = str(
    QT_TRANSLATE_NOOP(
        "ConsoleWindow", "Reconnected to the store; the copy policy is confirmed again."
    )
)
STORE_BACK = str(QT_TRANSLATE_NOOP("ConsoleWindow", "The store is reachable again."))


def _tr(text: str) -> str:
    """``text``, a constant marked in the "ConsoleWindow" context, in the console's language."""
    return QCoreApplication.translate("ConsoleWindow", text)


class ConsoleWindow(QMainWindow):
    """The main window: menus, status bar, and the three parts it is made of.

    ``sessions`` (the list), ``view`` (the chosen session) and ``copying``
    (hover card and copy) each live in their own module; this class only
    connects them, with the filter field and the privacy screen (``privacy``,
    on at start when the admin setting ``mask_sensitive_data`` says so), the
    lobby of the shown session (``view.lobby``: requests to join are said in
    the status bar and announced at once) and its links (``links_dialog``,
    made when first opened). New session, Add participant and Preferences are
    window-modal (``open()``, never a nested ``exec()`` loop), one of each at a
    time (``new_session_dialog``, ``add_participant_dialog``,
    ``preferences_dialog`` while open), and deleted once closed. It
    never decides what may be copied, and never shows a Session URL in its
    status bar. What the status bar says is also announced to assistive
    technology.
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
        # Made now, so the window does not change height when the first message comes.
        status_bar = QStatusBar(self)
        status_bar.setObjectName("consoleStatusBar")
        status_bar.setAccessibleName(self.tr("Status"))
        status_bar.messageChanged.connect(status_bar.setAccessibleDescription)
        self.setStatusBar(status_bar)
        self.store_status = QLabel(self)
        self.store_status.setObjectName("storeStatusLabel")
        status_bar.addPermanentWidget(self.store_status)
        self.store_status.hide()

        settings = hub.settings
        self._privacy_default_pending = settings is None
        self.privacy = PrivacyScreen(settings is not None and _masks_by_default(settings), self)
        self.view = SessionView(self.form, hub, self.privacy)
        self.copying = CopyController(
            self,
            hub,
            self.view.customer_icon,
            self.view.participants_view,
            self.view.participants_model,
            privacy=self.privacy,
        )
        self.sessions = SessionListPanel(
            child(self.form, QListView, "sessionList"), hub, self.privacy
        )
        self.session_list = self.sessions.view
        self.new_button = child(self.form, QPushButton, "newSessionButton")
        self.filter_edit = child(self.form, QLineEdit, "filterEdit")
        self._filter_timer = QTimer(self)
        self._filter_timer.setObjectName("filterTimer")  # what tests wait on (docs/qa.md)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.filter_edit.installEventFilter(self)
        self._build_menus()
        self.privacy.changed.connect(self._privacy_changed)
        self.session_list.setFocus()  # as before the filter field came first in the tab order

        self.sessions.chosen.connect(self.view.open)
        self.view.shown.connect(self._session_shown)
        self.view.problem.connect(self.say)
        self.copying.said.connect(self.say)
        self._clipboard_countdown: QLabel | None = None  # made at the first countdown
        self.copying.clipboard.countdown.connect(self._show_clipboard_countdown)
        self.copying.clipboard.cleared.connect(lambda: self.say(_tr(CLIPBOARD_CLEARED)))
        self.new_button.clicked.connect(self.start_new_session)
        self.view.end_button.clicked.connect(self.end_current_session)
        self.links_dialog: LinksDialog | None = None  # made when first opened
        # Each open while it is on screen, so a second Ctrl+N or click brings it back.
        self.new_session_dialog: NewSessionDialog | None = None
        self.add_participant_dialog: AddParticipantDialog | None = None
        self.preferences_dialog: PreferencesDialog | None = None
        self.view.links_button.clicked.connect(self.open_links)
        self.view.add_button.clicked.connect(self.add_participant)
        self.lobby = self.view.lobby
        self.lobby.said.connect(self.say)
        self.lobby.arrived.connect(self._someone_asks_to_join)
        self.lobby.lock_changed.connect(self._lobby_lock_changed)
        hub.store_problem.connect(self._store_problem)
        hub.policy_confirmed_changed.connect(self._policy_confirmed_changed)
        if self._privacy_default_pending:
            hub.settings_changed.connect(self._first_settings)
        if hub.problem:
            self._store_problem(hub.problem)
        if self.sessions.current is not None:
            self.view.open(self.sessions.current)

    @property
    def session(self) -> Session | None:
        return self.view.session

    def say(self, message: str) -> None:
        """Show ``message`` in the status bar and announce it to assistive technology."""
        self.statusBar().showMessage(message, STATUS_MS)
        self._announce(message)

    def _announce(self, message: str, *, urgent: bool = False) -> None:
        # Here, not at the top: the console's first paint needs none of these classes.
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

        event = QAccessibleAnnouncementEvent(self.statusBar(), message)
        if urgent:
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)

    def _build_menus(self) -> None:
        # setShortcuts() with a list: setShortcut()'s overloads make PySide6 build
        # the whole Qt namespace (~15 ms) before the first paint.
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_session_action = QAction(self.tr("&New session…"), self)
        self.new_session_action.setObjectName("newSessionAction")
        self.new_session_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.New))
        self.new_session_action.triggered.connect(self.start_new_session)
        file_menu.addAction(self.new_session_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        session_menu = bar.addMenu(self.tr("S&ession"))
        self.add_participant_action = QAction(self.tr("&Add participant…"), self)
        self.add_participant_action.setObjectName("addParticipantAction")
        self.add_participant_action.setStatusTip(
            self.tr("Add a document participant to this session and send them an invitation.")
        )
        self.add_participant_action.setEnabled(False)
        self.add_participant_action.triggered.connect(self.add_participant)
        session_menu.addAction(self.add_participant_action)
        self.end_session_action = QAction(self.tr("&End session…"), self)
        self.end_session_action.setObjectName("endSessionAction")
        self.end_session_action.setEnabled(False)
        self.end_session_action.triggered.connect(self.end_current_session)
        session_menu.addAction(self.end_session_action)
        session_menu.addSeparator()
        self.links_action = QAction(self.tr("&Links…"), self)
        self.links_action.setObjectName("linksAction")
        self.links_action.setShortcuts(QKeySequence.listFromString("Ctrl+L"))
        self.links_action.setStatusTip(
            self.tr(
                "Every link of this session: who has one, which still work; "
                "revoke or regenerate them."
            )
        )
        self.links_action.setEnabled(False)
        self.links_action.triggered.connect(self.open_links)
        session_menu.addAction(self.links_action)
        self.lobby_focus_action = QAction(self.tr("Go to the &lobby"), self)
        self.lobby_focus_action.setObjectName("lobbyFocusAction")
        self.lobby_focus_action.setShortcuts(QKeySequence.listFromString("Ctrl+J"))
        self.lobby_focus_action.setStatusTip(self.tr("Focus Admit on the first request to join."))
        self.lobby_focus_action.setEnabled(False)
        self.lobby_focus_action.triggered.connect(self.focus_lobby)
        session_menu.addAction(self.lobby_focus_action)
        self.lock_lobby_action = QAction(self.tr("Loc&k lobby"), self)
        self.lock_lobby_action.setObjectName("lockLobbyAction")
        self.lock_lobby_action.setCheckable(True)
        self.lock_lobby_action.setShortcuts(QKeySequence.listFromString("Ctrl+Shift+L"))
        self.lock_lobby_action.setStatusTip(
            self.tr("While the lobby is locked, nobody can ask to join this session by its ID.")
        )
        self.lock_lobby_action.setEnabled(False)
        self.lock_lobby_action.triggered.connect(self._lock_lobby_triggered)
        session_menu.addAction(self.lock_lobby_action)

        view_menu = bar.addMenu(self.tr("&View"))
        self.filter_action = QAction(self.tr("&Filter sessions and participants"), self)
        self.filter_action.setObjectName("filterAction")
        self.filter_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Find))
        self.filter_action.triggered.connect(self.focus_filter)
        view_menu.addAction(self.filter_action)
        self.privacy_action = QAction(self.tr("&Privacy screen"), self)
        self.privacy_action.setObjectName("privacyScreenAction")
        self.privacy_action.setCheckable(True)
        self.privacy_action.setChecked(self.privacy.masked)
        self.privacy_action.setShortcuts(QKeySequence.listFromString("Ctrl+Shift+M"))
        self.privacy_action.setStatusTip(
            self.tr("Mask customer names, contacts and IDs on screen; copying still works.")
        )
        self.privacy_action.toggled.connect(self._privacy_toggled)
        view_menu.addAction(self.privacy_action)

        settings_menu = bar.addMenu(self.tr("&Settings"))
        self.preferences_action = QAction(self.tr("&Preferences…"), self)
        self.preferences_action.setObjectName("preferencesAction")
        self.preferences_action.setShortcuts(QKeySequence.listFromString("Ctrl+,"))
        self.preferences_action.triggered.connect(self.open_preferences)
        settings_menu.addAction(self.preferences_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.about_action = QAction(self.tr("&About Collab Console"), self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.open_about)
        help_menu.addAction(self.about_action)
        self.about_dialog: QDialog | None = None  # while open, as Preferences

        # F10 opens the menu bar, as elsewhere on the desktop; not in any menu.
        self.menu_bar_action = QAction(self.tr("Open the menu bar"), self)
        self.menu_bar_action.setObjectName("openMenuBarAction")
        self.menu_bar_action.setShortcuts(QKeySequence.listFromString("F10"))
        self.menu_bar_action.triggered.connect(self.open_menu_bar)
        self.addAction(self.menu_bar_action)

    def open_about(self) -> None:
        """Help › About Collab Console: window-modal; a second trigger brings it back."""
        if _bring_back(self.about_dialog):
            return
        from collab_console.gui.about_dialog import AboutDialog  # not needed at start-up

        dialog = AboutDialog(self)
        self.about_dialog = dialog
        dialog.finished.connect(self._about_closed)
        _open_window_modal(dialog)

    def _about_closed(self) -> None:
        self.about_dialog = None

    def open_menu_bar(self) -> None:
        """Open the first menu of the menu bar; the arrow keys move on from there."""
        bar = self.menuBar()
        first = next((a for a in bar.actions() if a.menu() is not None and a.isEnabled()), None)
        if first is not None:
            bar.setActiveAction(first)

    # -- filter and privacy screen ---------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _apply_filter(self) -> None:
        text = self.filter_edit.text()
        self.sessions.set_filter(text)
        self.view.set_filter(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the filter field clears it (and does nothing more when it is empty)."""
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == _KEY_ESCAPE
            and self.filter_edit.text()
        ):
            self.filter_edit.clear()
            return True
        return super().eventFilter(watched, event)

    def _privacy_toggled(self, masked: bool) -> None:
        self._privacy_default_pending = False
        self.privacy.set_masked(masked)

    def _privacy_changed(self, masked: bool) -> None:
        self.privacy_action.setChecked(masked)
        if masked:
            from PySide6.QtWidgets import QToolTip

            QToolTip.hideText()  # a tooltip open now may show a name in full

    def _first_settings(self, settings: CopySettings) -> None:
        """Settings read after the window was made: the admin's default still applies."""
        self.hub.settings_changed.disconnect(self._first_settings)
        if self._privacy_default_pending:
            self._privacy_default_pending = False
            self.privacy.set_masked(_masks_by_default(settings))

    def _session_shown(self, session: Session | None) -> None:
        self.copying.show_session(session)
        active = session is not None and session.is_active
        self.end_session_action.setEnabled(active)
        self.add_participant_action.setEnabled(active)
        self.links_action.setEnabled(session is not None)
        self.lobby_focus_action.setEnabled(active)

    # -- links and the lobby ------------------------------------------------------------

    def open_links(self) -> None:
        """Show the links of the shown session (one dialog, not modal, brought to the front)."""
        session = self.session
        if session is None:
            return
        if self.links_dialog is None:
            from collab_console.gui.links_dialog import LinksDialog

            self.links_dialog = LinksDialog(self.hub, self.privacy, self)
            self.links_dialog.said.connect(self.say)
        dialog = self.links_dialog
        dialog.show_session(session.session_id)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def focus_lobby(self) -> None:
        """Ctrl+J: to Admit on the first waiting request (else to Lock lobby)."""
        if not self.lobby.focus_first() and self.lobby.session is not None:
            self.say(self.tr("Nobody is waiting to join this session."))

    def _someone_asks_to_join(self, message: str) -> None:
        """Said at once, in the status bar and to assistive technology, and flagged to the
        desktop when the console is not the active window."""
        from PySide6.QtWidgets import QApplication

        self.statusBar().showMessage(message, STATUS_MS)
        self._announce(message, urgent=True)
        if not self.isActiveWindow():
            QApplication.alert(self)

    def _lobby_lock_changed(self, locked: bool | None) -> None:
        self.lock_lobby_action.setEnabled(locked is not None)
        self.lock_lobby_action.setChecked(bool(locked))

    def _lock_lobby_triggered(self, checked: bool) -> None:
        self.lobby.set_locked(checked)

    # -- sessions ---------------------------------------------------------------

    def start_new_session(self) -> None:
        """File › New session…: window-modal, so the console keeps its own event loop; once
        the session started, the console selects it and says so."""
        if _bring_back(self.new_session_dialog):
            return
        from collab_console.gui.new_session_dialog import NewSessionDialog

        dialog = NewSessionDialog(self.hub, self)
        self.new_session_dialog = dialog
        dialog.accepted.connect(lambda: self._session_started(dialog))
        dialog.finished.connect(self._new_session_closed)
        _open_window_modal(dialog)

    def _session_started(self, dialog: NewSessionDialog) -> None:
        created = dialog.created
        if created is None:
            return
        self.sessions.select(created.session_id)
        session_id = isolate(self.privacy.access_id(created.session_id))
        name = self.privacy.name(created.customer.name)
        self.say(
            self.tr("Started session {session_id} with {name}; the invitation is queued.").format(
                session_id=session_id, name=name
            )
        )

    def _new_session_closed(self) -> None:
        self.new_session_dialog = None

    def add_participant(self) -> None:
        """Add participant…: window-modal; the row appears once the store has them (its
        event), and the sender sends their invitation in the background."""
        if _bring_back(self.add_participant_dialog):
            return
        from collab_console.gui.add_participant_dialog import AddParticipantDialog

        session = self.session
        if session is None or not session.is_active:
            return
        dialog = AddParticipantDialog(self.hub, session, self, privacy=self.privacy)
        self.add_participant_dialog = dialog
        dialog.accepted.connect(lambda: self._participant_added(dialog, session))
        dialog.finished.connect(self._add_participant_closed)
        _open_window_modal(dialog)

    def _participant_added(self, dialog: AddParticipantDialog, session: Session) -> None:
        if dialog.added is None:
            return
        name = self.privacy.name(dialog.added.name)
        self.say(
            self.tr("Added {name} to session {session_id}; their invitation is queued.").format(
                name=name, session_id=isolate(self.privacy.access_id(session.session_id))
            )
        )

    def _add_participant_closed(self) -> None:
        self.add_participant_dialog = None

    def end_current_session(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # not needed before the first paint

        session = self.session
        if session is None or not session.is_active:
            return
        if not self._confirm_end(self.privacy.name(session.customer.name)):
            return
        session_id, actor = session.session_id, current_user()

        def ended(_event: SessionEnded) -> None:
            from collab_console.core.logs import log_event  # not needed before the first paint

            log_event("session %s ended in the console by %s", session_id, actor)
            self.say(
                self.tr("Ended session {session_id}.").format(
                    session_id=isolate(self.privacy.access_id(session_id))
                )
            )

        def failed(error: CollabConsoleError) -> None:
            QMessageBox.critical(self, self.tr("Could not end the session"), error.sentence)

        self.hub.call(
            lambda store: store.end_session(session_id, clock.now(), actor=actor),
            ended,
            failed,
        )

    def _confirm_end(self, name: str) -> bool:
        """Ask before ending; "Keep session" is the default and what Esc does."""
        from collab_console.gui.confirm import confirm  # not needed before the first paint

        return confirm(
            self,
            name="endSessionBox",
            title=self.tr("End session"),
            text=_tr(END_SESSION_TEXT).format(name=name),
            act=(self.tr("End session"), "confirmEndSessionButton"),
            keep=(self.tr("Keep session"), "keepSessionButton"),
        )

    # -- the store ----------------------------------------------------------------

    def _store_problem(self, message: str) -> None:
        """Said once, and kept in view while it lasts; never repeated on every poll."""
        if message:
            text = self.tr("Store unavailable: {reason}").format(reason=message)
            self.store_status.setText(text)
            self.store_status.setToolTip(message)
            self.store_status.show()
            self._announce(text, urgent=True)
        else:
            self.store_status.hide()
            self.say(_tr(RECONNECTED if self.hub.recovering else STORE_BACK))

    def _policy_confirmed_changed(self, confirmed: bool) -> None:
        if not confirmed:
            self.say(
                self.tr(
                    "The copy policy cannot be confirmed with the store, so Session URLs are "
                    "withheld until it can. Session IDs can still be copied."
                )
            )

    def open_preferences(self) -> None:
        """Settings › Preferences…: window-modal; a second Ctrl+, brings the open one back."""
        if _bring_back(self.preferences_dialog):
            return
        from collab_console.gui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.hub, self)
        self.preferences_dialog = dialog
        dialog.finished.connect(self._preferences_closed)
        _open_window_modal(dialog)

    def _preferences_closed(self) -> None:
        self.preferences_dialog = None

    def _show_clipboard_countdown(self, seconds: int) -> None:
        """Count down, each second, until a copied Session URL is cleared; hidden at 0.

        Its accessible name stays the same, so screen readers are not told every
        second: the copy message they heard already said when it clears.
        """
        label = self._clipboard_countdown
        if label is None:
            if not seconds:
                return
            label = QLabel(self)
            label.setObjectName("clipboardCountdownLabel")
            label.setAccessibleName(self.tr("Clipboard countdown"))
            self.statusBar().insertPermanentWidget(0, label)
            self._clipboard_countdown = label
        label.setText(_tr(CLIPBOARD_COUNTDOWN).format(seconds=seconds) if seconds else "")
        label.setVisible(seconds > 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.copying.close_card()
        # Closing the console quits it: a Session URL it copied must not outlive it
        # (on X11 Qt would hand it to a clipboard manager on the way out).
        self.copying.clipboard.clear_if_unchanged()
        super().closeEvent(event)


def _masks_by_default(settings: CopySettings) -> bool:
    return bool(settings.value(MASK_SENSITIVE_DATA))


def _open_window_modal(dialog: QDialog) -> None:
    """Show ``dialog`` modal to the console and return at once, as the Unlock and copy
    reason dialogs do: no nested event loop, so a test (or the console) keeps control.
    Deleted once closed, so opening it again and again leaks nothing."""
    from PySide6.QtCore import Qt  # not needed before the first paint

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _bring_back(dialog: QDialog | None) -> bool:
    """Raise ``dialog`` if it is still open (a second trigger opens no second one)."""
    if dialog is None or not dialog.isVisible():
        return False
    dialog.raise_()
    dialog.activateWindow()
    return True
