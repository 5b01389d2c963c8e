"""The one place the GUI reads and writes the store, and hears about changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from collab_console.core.settings import CopySettings
from collab_console.store import Store
from collab_console.store.errors import StoreError

#: How often to ask SQLite whether another process committed. The check is one
#: ``PRAGMA data_version``, so it costs microseconds.
POLL_INTERVAL_MS = 400


class StoreHub(QObject):
    """Holds the store and the current settings for every window.

    Signals:
        settings_changed(CopySettings): the settings now in force, after any change,
            from this process or another one.
        sessions_changed(): sessions were added or changed, here or elsewhere.
        store_problem(str): the store cannot be read; empty string when it recovers.

    It never changes a setting on its own: if the store cannot be read, the last
    settings read stay in force and ``store_problem`` says so.
    """

    settings_changed = Signal(object)
    sessions_changed = Signal()
    store_problem = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._settings = store.load_settings()
        self._token = store.change_token()
        self._problem = ""
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.check_for_changes)
        self._timer.start()

    @property
    def settings(self) -> CopySettings:
        return self._settings

    def save_settings(self, settings: CopySettings) -> CopySettings:
        """Write ``settings`` (raises StoreError) and tell every window at once."""
        # No token reset here: data_version ignores this connection's own commits,
        # and resetting it would swallow a change another process made meanwhile.
        saved = self.store.save_settings(settings)
        self._publish(saved)
        return saved

    def notify_sessions_changed(self) -> None:
        """Call after this process wrote sessions."""
        self.sessions_changed.emit()

    def check_for_changes(self) -> None:
        try:
            token = self.store.change_token()
            if token == self._token:
                self._set_problem("")
                return
            settings = self.store.load_settings()
        except StoreError as exc:
            self._set_problem(str(exc))
            return
        self._token = token
        self._set_problem("")
        self._publish(settings)
        self.sessions_changed.emit()

    def _publish(self, settings: CopySettings) -> None:
        changed = settings != self._settings
        self._settings = settings
        if changed:
            self.settings_changed.emit(settings)

    def _set_problem(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self.store_problem.emit(message)
