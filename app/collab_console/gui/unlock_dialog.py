"""The Unlock dialog of Preferences: an admin's name and passphrase, checked by the core.

The check is :func:`collab_console.core.admins.verify_admin`, run on the store's
worker thread (scrypt takes about 0.15 s; the GUI thread never waits on it). The
core counts failed attempts, records each one in the audit trail and refuses
attempts made too soon after failures; this dialog only shows what it says.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import clock
from collab_console.core.admins import AdminSession, name_key, verify_admin, wait_seconds
from collab_console.core.errors import CollabConsoleError, NotAllowedError
from collab_console.core.identity import current_user
from collab_console.core.records import Record
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style_for
from collab_console.store import Store

#: Under the refusal while the core would refuse another attempt unchecked.
COUNTDOWN = str(QT_TRANSLATE_NOOP("UnlockDialog", "You can try again in {seconds} s."))
#: Under the fields while the core checks the passphrase.
CHECKING = str(QT_TRANSLATE_NOOP("UnlockDialog", "Checking…"))
#: The dialog's least width, in average characters of its font.
UNLOCK_WIDTH_CHARS = 64
#: How often the countdown is redrawn; it counts whole seconds from the refusal.
COUNTDOWN_TICK_MS = 250


class UnlockAnswer(Record):
    """What the core said about one attempt: an admin session, or why not and for how long.

    Holds no passphrase: it is what travels back from the worker thread.
    """

    admin: AdminSession | None = None
    #: The core's refusal as one sentence ('' when unlocked).
    refusal: str = ""
    #: Whole seconds during which the core refuses another attempt unchecked.
    wait_seconds: int = 0


def attempt_unlock(store: Store, name: str, passphrase: str, *, actor: str) -> UnlockAnswer:
    """:func:`verify_admin` (on the store's worker); a refusal comes back with its wait.

    The wait is read from the store after the refusal, so it is the one the core
    enforces for that name, whatever the refusal's words.
    """
    try:
        return UnlockAnswer(
            admin=verify_admin(store, name, passphrase, now=clock.now(), actor=actor)
        )
    except NotAllowedError as exc:
        failures, last = store.unlock_failures(name_key(name))
        return UnlockAnswer(
            refusal=exc.sentence, wait_seconds=wait_seconds(failures, last, clock.now())
        )


class UnlockDialog(QDialog):
    """Asks for an admin's name and passphrase; ``unlocked`` carries the admin session.

    Signals:
        unlocked(AdminSession): the core verified the passphrase; the dialog then
            closes (accepted).

    The passphrase leaves its field only for the core's ``verify_admin`` on the
    store's worker thread: the field is emptied (and its undo history with it)
    the moment Unlock is pressed, and no label, title, tooltip, accessible text
    or log line ever holds it. A refusal shows the core's sentence; after failed
    attempts Unlock stays disabled, with a countdown, for as long as the core
    would refuse another attempt unchecked. Cancel works at any time; an answer
    that arrives after it is dropped.
    """

    unlocked = Signal(object)

    def __init__(self, hub: StoreHub, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.hub = hub
        self.admin: AdminSession | None = None
        self.setObjectName("unlockDialog")
        self.setWindowTitle(QCoreApplication.translate("UnlockDialog", "Unlock admin settings"))
        self.form = load_form("unlock", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        # Wide enough for the intro and a refusal in two lines each, at any font size, and
        # as tall as its wrapped texts need, growing when a refusal shows.
        self.form.setMinimumWidth(self.fontMetrics().averageCharWidth() * UNLOCK_WIDTH_CHARS)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        self.name_edit = child(self.form, QLineEdit, "adminNameEdit")
        self.passphrase_edit = child(self.form, QLineEdit, "passphraseEdit")
        self.error_label = child(self.form, QLabel, "unlockError")
        self.error_label.setAccessibleName("")
        self.countdown_label = child(self.form, QLabel, "unlockCountdown")
        buttons = child(self.form, QDialogButtonBox, "unlockButtons")
        self.unlock_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Ok,
            "unlockConfirmButton",
            QCoreApplication.translate("UnlockDialog", "&Unlock"),
        )
        self.cancel_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Cancel,
            "unlockCancelButton",
            QCoreApplication.translate("UnlockDialog", "Cancel"),
        )
        self.error_label.hide()
        self.countdown_label.hide()
        self._checking = False
        #: Which attempt an answer belongs to: one from before Cancel is dropped.
        self._attempt = 0
        #: time.monotonic() when the core checks attempts again (0: now).
        self._ready_at = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._tick)
        buttons.accepted.connect(self.attempt)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update)
        self.passphrase_edit.textChanged.connect(self._update)
        self.name_edit.setText(name)
        (self.passphrase_edit if name else self.name_edit).setFocus()
        self._update()

    # -- state ---------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Whole seconds before the core checks another attempt (0: it would now)."""
        return max(0, math.ceil(self._ready_at - time.monotonic()))

    def _update(self) -> None:
        ready = bool(self.name_edit.text().strip()) and bool(self.passphrase_edit.text())
        self.unlock_button.setEnabled(ready and not self._checking and not self.waiting)
        self.name_edit.setEnabled(not self._checking)
        self.passphrase_edit.setEnabled(not self._checking)

    def _show_countdown(self, text: str) -> None:
        set_text(self.countdown_label, text)
        self.countdown_label.setVisible(bool(text))

    def _tick(self) -> None:
        left = self.waiting
        if left:
            self._show_countdown(_tr(COUNTDOWN).format(seconds=left))
        else:
            self._countdown.stop()
            self._show_countdown("")
        self._update()

    # -- an attempt ----------------------------------------------------------------

    def attempt(self) -> None:
        """Hand the name and passphrase to the core, and empty the passphrase field."""
        if not self.unlock_button.isEnabled():
            return
        name, passphrase = self.name_edit.text().strip(), self.passphrase_edit.text()
        self.passphrase_edit.clear()  # clear() also drops the field's undo history
        self._checking = True
        self._attempt += 1
        attempt, actor = self._attempt, current_user()
        self._show_countdown(_tr(CHECKING))
        self._update()
        self.hub.call(
            lambda store: attempt_unlock(store, name, passphrase, actor=actor),
            lambda answer: self._answered(attempt, answer),
            lambda error: self._failed(attempt, error),
        )

    def _current(self, attempt: int) -> bool:
        """Whether an answer to ``attempt`` still concerns an open dialog."""
        return Shiboken.isValid(self) and attempt == self._attempt and self.isVisible()

    def _answered(self, attempt: int, answer: UnlockAnswer) -> None:
        if not self._current(attempt):
            return
        self._checking = False
        if answer.admin is not None:
            self.admin = answer.admin
            self._show_countdown("")
            self.unlocked.emit(answer.admin)
            self.accept()
            return
        self._refused(answer.refusal, answer.wait_seconds)

    def _failed(self, attempt: int, error: CollabConsoleError) -> None:
        if not self._current(attempt):
            return
        self._checking = False
        self._refused(error.sentence, 0)

    def _refused(self, sentence: str, wait: int) -> None:
        """Say why, and keep Unlock disabled for as long as the core would refuse unchecked."""
        set_text(self.error_label, sentence)
        self.error_label.setStyleSheet(error_style_for(self.error_label))
        self.error_label.show()
        self._ready_at = time.monotonic() + wait
        self._show_countdown("")
        if wait:
            self._tick()
            self._countdown.start()
        self._update()
        self.passphrase_edit.setFocus()
        announce(self.error_label, sentence)

    def reject(self) -> None:
        self._attempt += 1  # an answer still on its way concerns nobody now
        self._countdown.stop()
        super().reject()


def announce(widget: QWidget, text: str) -> None:
    """Tell screen readers ``text`` now, as the console's status bar does."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("UnlockDialog", text)
