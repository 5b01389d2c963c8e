"""Opening the organisation's database at start, and the dialog when it cannot be reached.

Shown by :mod:`collab_console.gui.app` instead of a traceback or a dead end.
Every attempt to open the store runs on a thread of its own, so a server
that takes its time to answer (up to the store's connect timeout) never
freezes the screen: after :data:`SHOW_AFTER_MS` the dialog says
"Connecting…", and when the server does not answer it says so in one
sentence, with *Retry* and *Quit*.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEventLoop,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStyle,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import clock
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import isolate
from collab_console.store.errors import StoreUnavailableError

TITLE = str(QT_TRANSLATE_NOOP("UnreachableStoreDialog", "Collab Console cannot reach the store"))
TITLE_CONNECTING = "Collab Console"
#: What the dialog says while the first attempt takes longer than SHOW_AFTER_MS.
FIRST_CONNECTING = str(
    QT_TRANSLATE_NOOP("UnreachableStoreDialog", "Connecting to the organisation's database…")
)
CONNECTING = str(QT_TRANSLATE_NOOP("UnreachableStoreDialog", "Connecting…"))
#: Why the console did not start, when Quit came before the first attempt's answer.
QUIT_WHILE_CONNECTING = str(
    QT_TRANSLATE_NOOP("UnreachableStoreDialog", "quit before the organisation's database answered")
)
#: Under the reason after a Retry failed, so the user sees that it was tried.
TRIED_AT = str(
    QT_TRANSLATE_NOOP("UnreachableStoreDialog", "Tried again at {time}; still not reachable.")
)
#: How long the first attempt may take before the dialog shows (a server that answers
#: at once opens the console without it).
SHOW_AFTER_MS = 400
#: The reason's width, in average characters of its font.
WIDTH_CHARS = 60
ICON_SIZE = QSize(32, 32)


class _Relay(QObject):
    """Carries an attempt's outcome from its thread to the GUI thread."""

    finished = Signal(object, object)  # (what the attempt opened, its error)


class UnreachableStoreDialog(QDialog):
    """Opens the store with ``attempt`` off the GUI thread; Retry and Quit when it cannot.

    :meth:`open_store` makes the first attempt and returns what it opened when
    the server answers at once; otherwise the dialog shows: "Connecting…"
    while the attempt runs, then, when the store cannot be reached
    (``StoreUnavailableError``), why, in one sentence, with *Retry* and *Quit*.
    Retry makes another attempt (Retry disabled, "Connecting…" meanwhile). Any
    other error of the first attempt is raised, for the caller to say it as it
    says every store that cannot be used; one of a later attempt is shown as
    the reason. Quit (or Esc, or closing the window) gives up: ``open_store``
    returns None, and a store an attempt opens after that is handed to
    ``discard``. It never runs a store call on the GUI thread.

    Object names: ``unreachableStoreDialog``, ``unreachableReasonLabel``,
    ``unreachableStatusLabel``, ``retryButton``, ``quitButton``.
    """

    def __init__(
        self,
        attempt: Callable[[], object],
        *,
        discard: Callable[[Any], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unreachableStoreDialog")
        self.setWindowTitle(TITLE_CONNECTING)
        #: What ``attempt`` returned, once one succeeded.
        self.opened: Any = None
        #: Why the store could not be opened, as the last attempt said (one sentence).
        self.reason = _tr(QUIT_WHILE_CONNECTING)
        self._attempt = attempt
        self._discard = discard
        self._trying = False
        self._first = True
        self._succeeded = False
        self._failure: CollabConsoleError | None = None
        self._closed = False
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)

        self.icon = QLabel(self)
        self.icon.setObjectName("unreachableIcon")
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._show_icon(
            QStyle.StandardPixmap.SP_MessageBoxInformation,
            QCoreApplication.translate("UnreachableStoreDialog", "Information"),
        )
        self.reason_label = QLabel(_tr(FIRST_CONNECTING), self)
        self.reason_label.setObjectName("unreachableReasonLabel")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.setFixedWidth(self.fontMetrics().averageCharWidth() * WIDTH_CHARS)
        self.status_label = QLabel(_tr(CONNECTING), self)
        self.status_label.setObjectName("unreachableStatusLabel")
        self.status_label.setAccessibleName(
            QCoreApplication.translate("UnreachableStoreDialog", "Connection attempt")
        )
        # Its line is kept while it is hidden: showing it moves nothing.
        policy = self.status_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.status_label.setSizePolicy(policy)
        self.status_label.hide()
        buttons = QDialogButtonBox(self)
        buttons.setObjectName("unreachableButtons")
        self.retry_button = QPushButton(
            QCoreApplication.translate("UnreachableStoreDialog", "&Retry"), self
        )
        self.retry_button.setObjectName("retryButton")
        self.retry_button.setDefault(True)
        self.quit_button = QPushButton(
            QCoreApplication.translate("UnreachableStoreDialog", "&Quit"), self
        )
        self.quit_button.setObjectName("quitButton")
        buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.retry_button.clicked.connect(self.retry)
        self.quit_button.clicked.connect(self.reject)

        layout = QGridLayout(self)
        layout.addWidget(self.icon, 0, 0, 2, 1)
        layout.addWidget(self.reason_label, 0, 1)
        layout.addWidget(self.status_label, 1, 1)
        layout.addWidget(buttons, 2, 0, 1, 2)
        layout.setHorizontalSpacing(layout.horizontalSpacing() * 2)
        # As tall as the reason needs, and no more: it grows when a longer reason comes.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    @property
    def trying(self) -> bool:
        """Whether an attempt runs now."""
        return self._trying

    def open_store(self) -> Any:
        """What the first attempt, or a later one, opened; None when the user quit.

        The first attempt's error other than an unreachable store is raised.
        """
        self.retry()
        if self._trying:  # give a server that answers at once the chance to, unseen
            waiting = QEventLoop(self)
            self._relay.finished.connect(waiting.quit)
            patience = QTimer(self)
            patience.setSingleShot(True)
            patience.timeout.connect(waiting.quit)
            patience.start(SHOW_AFTER_MS)
            waiting.exec()
            patience.stop()
            self._relay.finished.disconnect(waiting.quit)
        if not self._succeeded and self._failure is None:
            self.exec()
        if self._failure is not None:
            raise self._failure
        return self.opened if self._succeeded else None

    def retry(self) -> None:
        """Open the store again, on a thread of its own; the dialog answers meanwhile."""
        if self._trying or self._closed:
            return
        self._trying = True
        self.retry_button.setEnabled(False)
        if not self._first:  # the first attempt's reason says it already
            self._say(_tr(CONNECTING))
        relay, attempt, discard = self._relay, self._attempt, self._discard

        def run() -> None:
            try:
                opened: Any = attempt()
            except CollabConsoleError as exc:
                outcome: tuple[object, object] = (None, exc)
            except Exception as exc:  # a bug must reach the user as a message
                outcome = (
                    None,
                    CollabConsoleError(
                        QCoreApplication.translate(
                            "UnreachableStoreDialog", "unexpected failure ({error})"
                        ).format(error=exc)
                    ),
                )
            else:
                outcome = (opened, None)
            if Shiboken.isValid(relay):
                relay.finished.emit(*outcome)
            elif outcome[0] is not None and discard is not None:
                discard(outcome[0])  # nobody is left to use it

        threading.Thread(target=run, name="store-open", daemon=True).start()

    def _finished(self, opened: Any, error: Any) -> None:
        self._trying = False
        first, self._first = self._first, False
        if self._closed:
            if error is None and self._discard is not None:
                self._discard(opened)  # Quit while it connected: the console will not open
            return
        if error is None:
            self.opened, self._succeeded = opened, True
            if self.isVisible():
                self.accept()
            return
        if first and not isinstance(error, StoreUnavailableError):
            self._failure = error  # said as any store that cannot be used is
            if self.isVisible():
                self.reject()
            return
        self.setWindowTitle(_tr(TITLE))
        self._show_icon(
            QStyle.StandardPixmap.SP_MessageBoxWarning,
            QCoreApplication.translate("UnreachableStoreDialog", "Warning"),
        )
        self.reason = error.sentence
        self.reason_label.setText(error.sentence)
        self.reason_label.setAccessibleName(error.sentence)
        self._say(
            ""
            if first
            else _tr(TRIED_AT).format(time=isolate(f"{clock.now().astimezone():%H:%M:%S}"))
        )
        self.retry_button.setEnabled(True)
        self.retry_button.setFocus()

    def _show_icon(self, kind: QStyle.StandardPixmap, name: str) -> None:
        icon = self.style().standardIcon(kind)
        self.icon.setPixmap(icon.pixmap(ICON_SIZE, self.devicePixelRatioF()))
        self.icon.setAccessibleName(name)

    def _say(self, status: str) -> None:
        """Show ``status`` under the reason; '' hides it (its line stays)."""
        if status:
            self.status_label.setText(status)
            self.status_label.setAccessibleDescription(status)
        self.status_label.setVisible(bool(status))

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("UnreachableStoreDialog", text)
