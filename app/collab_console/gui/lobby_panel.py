"""The lobby of the shown session: who asks to join, Admit / Deny, and Lock lobby.

The Session ID admits nobody alone: on the join service's page a person types
an ID and their name and waits (``core.lobby``). The request reaches the
console at once through ``StoreHub.lobby_changed`` (the join service is
another process: the hub's poll brings its writes) and shows in ``lobbyBar``,
above Document participants: one row (``ui_forms/lobby.ui``) per waiting
request, with the name as typed, in quotes and marked unverified, how the
person arrived (``JoinRequest.how``: by ID, or which link, from which address)
and when, and Admit / Deny buttons that Tab reaches and Enter or Space press.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import clock
from collab_console.core.domain import Session
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import is_rtl, isolate
from collab_console.core.identity import current_user
from collab_console.core.lobby import JoinRequest, RequestState
from collab_console.gui.forms import child, load_form, set_text
from collab_console.gui.models import moment_text
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style_for, warning_frame_style

if TYPE_CHECKING:
    from collab_console.store import Store

#: The texts of this module are translated in one context, "LobbyPanel" (RequestRow's too).
NOBODY_WAITING = str(QT_TRANSLATE_NOOP("LobbyPanel", "Nobody is waiting to join."))
READING = str(QT_TRANSLATE_NOOP("LobbyPanel", "Reading the lobby…"))
LOCKED = str(
    QT_TRANSLATE_NOOP("LobbyPanel", "Lobby locked: nobody can ask to join this session by its ID.")
)
UNVERIFIED_NOTE = str(
    QT_TRANSLATE_NOOP("LobbyPanel", "Unverified: check who they are before you admit them.")
)


def _tr(text: str) -> str:
    """``text`` (marked in the "LobbyPanel" context) in the console's language."""
    return QCoreApplication.translate("LobbyPanel", text)


def typed_name(name: str) -> str:
    """A name as the person typed it, in a first-strong isolate (FSI … PDI) in a right-to-left
    language: it reads in its own direction, and a row that starts with a Latin name is still
    laid out right to left. What is shown only; English text is left as it was."""
    return f"\u2068{name}\u2069" if is_rtl() else name


def clock_text(moment: datetime) -> str:
    """When, in local time, as the session list shows it ("09:41", or "4 Mar 09:41")."""
    return moment_text(moment)


def waiting_text(count: int) -> str:
    if count == 1:
        return QCoreApplication.translate("LobbyPanel", "1 person asks to join.")
    return QCoreApplication.translate("LobbyPanel", "{count} people ask to join.").format(
        count=count
    )


class RequestRow:
    """One waiting request, as a row of the lobby bar (``lobby.ui``)."""

    def __init__(self, parent: QWidget, request: JoinRequest) -> None:
        self.request = request
        self.frame = load_form("lobby", parent)
        self.name = child(self.frame, QLabel, "lobbyRequestName")
        self.how = child(self.frame, QLabel, "lobbyRequestHow")
        self.admit = child(self.frame, QPushButton, "admitButton")
        self.deny = child(self.frame, QPushButton, "denyButton")
        font = QFont(self.name.font())
        font.setBold(True)
        self.name.setFont(font)
        self.frame.setProperty("requestId", request.request_id)
        #: Its decision went to the store and the answer is not back yet. The buttons stay
        #: enabled meanwhile (disabling them would throw the keyboard focus elsewhere);
        #: another press does nothing.
        self.deciding = False

    def show_texts(self, privacy: PrivacyScreen, owner: str = "") -> None:
        """The row's words; ``owner`` is the name of the person whose ID was typed (or whose
        link was reused), so a name that does not match it stands out."""
        request = self.request
        name = typed_name(privacy.name(request.name))
        claimed = request.link_id if request.link_id else request.access_id
        shown = privacy.access_id(claimed) if claimed == request.access_id else claimed
        shown = isolate(shown)
        if owner:
            shown = QCoreApplication.translate("LobbyPanel", "{id} ({owner}’s)").format(
                id=shown, owner=typed_name(privacy.name(owner))
            )
        how = request.how
        # The core may already keep the ID left to right: replace it isolates and all.
        marked = isolate(claimed)
        how = how.replace(marked if marked in how else claimed, shown, 1)
        how = f"{how[:1].upper()}{how[1:]} · {clock_text(request.made_at)}"
        set_text(
            self.name,
            QCoreApplication.translate("LobbyPanel", "“{name}” · unverified").format(name=name),
        )
        set_text(self.how, how)
        self.frame.setAccessibleName(
            QCoreApplication.translate(
                "LobbyPanel", "Request to join from “{name}”, unverified"
            ).format(name=name)
        )
        self.frame.setAccessibleDescription(how)
        self.admit.setAccessibleName(
            QCoreApplication.translate("LobbyPanel", "Admit “{name}”").format(name=name)
        )
        self.admit.setAccessibleDescription(
            QCoreApplication.translate("LobbyPanel", "Unverified. {how}").format(how=how)
        )
        self.deny.setAccessibleName(
            QCoreApplication.translate("LobbyPanel", "Deny “{name}”").format(name=name)
        )
        self.deny.setAccessibleDescription(
            QCoreApplication.translate("LobbyPanel", "Unverified. {how}").format(how=how)
        )
        self.admit.setToolTip(
            QCoreApplication.translate(
                "LobbyPanel", "Let “{name}” join the session as the person whose ID they typed."
            ).format(name=name)
        )
        self.deny.setToolTip(
            QCoreApplication.translate(
                "LobbyPanel", "Turn “{name}” away; they are told you did not let them in."
            ).format(name=name)
        )

    def has_focus(self) -> bool:
        focused = QApplication.focusWidget()
        return focused is not None and self.frame.isAncestorOf(focused)


class LobbyPanel(QObject):
    """The lobby bar of the session view, kept in step with the store.

    Signals:
        said(str): what the agent did here (admitted, denied, locked), or why it failed.
        arrived(str): someone new asks to join one of the agent's sessions: the sentence
            to put in the status bar and announce (names and IDs masked with the privacy
            screen on).
        lock_changed(object): whether the shown session's lobby is locked (bool), or None
            when no active session is shown.

    It decides nothing itself: the store admits or denies, counts and locks
    (``core.lobby``). It never calls the store on the GUI thread, drops an
    answer for a session no longer shown, and never shows a request as
    verified: the name is whatever the person typed.
    """

    said = Signal(str)
    arrived = Signal(str)
    lock_changed = Signal(object)

    def __init__(self, form: QWidget, hub: StoreHub, privacy: PrivacyScreen) -> None:
        super().__init__(form)
        self.hub = hub
        self.privacy = privacy
        self.bar = child(form, QFrame, "lobbyBar")
        self.status = child(form, QLabel, "lobbyStatusLabel")
        self.lock_check = child(form, QCheckBox, "lockLobbyCheck")
        self.box = child(form, QWidget, "lobbyRequests")
        layout = self.box.layout()
        assert isinstance(layout, QVBoxLayout)
        self._layout = layout
        self.session: Session | None = None
        self.locked: bool | None = None
        self.loaded = False
        self.problem = ""
        self.rows: dict[str, RequestRow] = {}
        #: The waiting requests already seen, by session: only new ones are announced.
        self._seen: dict[str, set[str]] = {}
        self._generation = 0
        self._locking = False
        self._restyle_due = False
        self.bar.installEventFilter(self)
        self.lock_check.clicked.connect(self.set_locked)
        privacy.changed.connect(self._privacy_changed)
        hub.lobby_changed.connect(self._lobby_changed)
        hub.sessions_reloaded.connect(self._sessions_reloaded)
        self.show_session(None)

    @property
    def session_id(self) -> str | None:
        return self.session.session_id if self.session is not None else None

    @property
    def waiting(self) -> list[JoinRequest]:
        return [row.request for row in self.rows.values()]

    # -- which session ----------------------------------------------------------------

    def show_session(self, session: Session | None) -> None:
        """The lobby of ``session`` (hidden unless it is active)."""
        before = self.session_id
        self.session = session if session is not None and session.is_active else None
        if self.session is None:
            self._generation += 1
            self._set_rows([])
            self.locked = None
            self.loaded = False
            self.bar.hide()
            self.lock_changed.emit(None)
            return
        self.bar.show()
        if self.session_id != before:
            self._generation += 1
            self._set_rows([])
            self.locked = None
            self.loaded = False
            self.problem = ""
            self._show_state()
            self.lock_changed.emit(None)
        self.reload()

    def reload(self, *, announce: bool = False) -> None:
        """Read the shown session's requests and lock afresh, on the store's worker."""
        session_id = self.session_id
        if session_id is None:
            return
        self._generation += 1
        generation = self._generation

        def read(store: Store) -> tuple[list[JoinRequest], bool]:
            return store.join_requests(session_id), store.lobby_locked(session_id)

        def done(result: tuple[list[JoinRequest], bool]) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self._arrived(session_id, *result, announce=announce)

        def failed(error: CollabConsoleError) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self.problem = QCoreApplication.translate(
                    "LobbyPanel", "The lobby could not be read: {reason}"
                ).format(reason=error.sentence)
                self._show_state()

        self.hub.call(read, done, failed)

    def _sessions_reloaded(self, _sessions: object) -> None:
        self.reload()  # the store said too much changed to tell what

    def _lobby_changed(self, session_id: str) -> None:
        if session_id == self.session_id:
            self.reload(announce=True)
            return
        # Another of the agent's sessions: say who asks, so the agent can go there.
        known = {s.session_id for s in self.hub.sessions or ()}
        if session_id not in known:
            return

        def done(requests: list[JoinRequest]) -> None:
            if Shiboken.isValid(self):
                self._note_new(session_id, requests, announce=True)

        self.hub.call(lambda store: store.join_requests(session_id), done, lambda _error: None)

    def _arrived(
        self, session_id: str, requests: list[JoinRequest], locked: bool, *, announce: bool
    ) -> None:
        self.problem = ""
        self.loaded = True
        waiting = self._note_new(session_id, requests, announce=announce)
        self._set_rows(waiting)
        if locked != self.locked:
            self.locked = locked
            self.lock_changed.emit(locked)
        self._show_state()

    def _note_new(
        self, session_id: str, requests: list[JoinRequest], *, announce: bool
    ) -> list[JoinRequest]:
        """The waiting requests, oldest first; the ones not seen before are announced."""
        waiting = sorted(
            (r for r in requests if r.state is RequestState.WAITING), key=lambda r: r.made_at
        )
        seen = self._seen.get(session_id, set())
        new = [r for r in waiting if r.request_id not in seen]
        self._seen[session_id] = {r.request_id for r in waiting}
        if announce and new:
            self.arrived.emit(self._arrival_text(session_id, new))
        return waiting

    def _arrival_text(self, session_id: str, new: list[JoinRequest]) -> str:
        shown = isolate(self.privacy.access_id(session_id))
        first = typed_name(self.privacy.name(new[0].name))
        count = len(new)
        if session_id == self.session_id:
            if count == 1:
                text = QCoreApplication.translate(
                    "LobbyPanel",
                    "“{name}” asks to join session {session_id}, unverified. "
                    "Ctrl+J goes to Admit and Deny.",
                )
            else:
                text = QCoreApplication.translate(
                    "LobbyPanel",
                    "{count} people ask to join session {session_id}, unverified. "
                    "Ctrl+J goes to Admit and Deny.",
                )
            return text.format(name=first, count=count, session_id=shown)
        customer = next(
            (s.customer_name for s in self.hub.sessions or () if s.session_id == session_id), ""
        )
        if customer:  # the session, and whose it is: no words, only brackets
            shown = f"{shown} ({typed_name(self.privacy.name(customer))})"
        if count == 1:
            text = QCoreApplication.translate(
                "LobbyPanel",
                "“{name}” asks to join session {session_id}, unverified. Open it to admit or deny.",
            )
        else:
            text = QCoreApplication.translate(
                "LobbyPanel",
                "{count} people ask to join session {session_id}, unverified. "
                "Open it to admit or deny.",
            )
        return text.format(name=first, count=count, session_id=shown)

    # -- the rows ---------------------------------------------------------------------

    def _set_rows(self, waiting: list[JoinRequest]) -> None:
        """One row per waiting request, in order; rows of requests gone are removed."""
        wanted = {r.request_id: r for r in waiting}
        focus_at: int | None = None
        for index, (request_id, row) in enumerate(list(self.rows.items())):
            if request_id not in wanted:
                if row.has_focus():
                    focus_at = index
                del self.rows[request_id]
                self._layout.removeWidget(row.frame)
                row.frame.hide()
                row.frame.deleteLater()
        for request in waiting:
            row = self.rows.get(request.request_id) or self._new_row(request)
            row.request = request
            row.show_texts(self.privacy, self._owner(request))
        ordered = [self.rows[r.request_id] for r in waiting]
        self.rows = {row.request.request_id: row for row in ordered}
        for index, row in enumerate(ordered):
            self._layout.insertWidget(index, row.frame)
            row.frame.show()
        self.box.setVisible(bool(ordered))
        # Tab goes from Lock lobby through each row's Admit and Deny, then on as before.
        previous: QWidget = self.lock_check
        for row in ordered:
            QWidget.setTabOrder(previous, row.admit)
            QWidget.setTabOrder(row.admit, row.deny)
            previous = row.deny
        if focus_at is not None:
            if ordered:
                ordered[min(focus_at, len(ordered) - 1)].admit.setFocus()
            else:
                self.lock_check.setFocus()
        self._restyle()

    def _new_row(self, request: JoinRequest) -> RequestRow:
        row = RequestRow(self.box, request)
        row.admit.clicked.connect(lambda: self.decide(row, admit=True))
        row.deny.clicked.connect(lambda: self.decide(row, admit=False))
        self.rows[request.request_id] = row
        return row

    def focus_first(self) -> bool:
        """Put the focus on the first waiting request's Admit (else on Lock lobby)."""
        if self.session is None:
            return False
        rows = list(self.rows.values())
        (rows[0].admit if rows else self.lock_check).setFocus()
        return bool(rows)

    def decide(self, row: RequestRow, *, admit: bool) -> None:
        """Admit or deny ``row``'s request, through the store's worker."""
        request = row.request
        if row.deciding or request.request_id not in self.rows:
            return
        row.deciding = True
        name = typed_name(self.privacy.name(request.name))
        session = isolate(self.privacy.access_id(request.session_id))
        actor = current_user()

        def done(_event: object) -> None:
            if admit:
                text = QCoreApplication.translate(
                    "LobbyPanel", "Admitted “{name}” to session {session_id}."
                )
            else:
                text = QCoreApplication.translate(
                    "LobbyPanel", "Denied “{name}”: they are told you did not let them in."
                )
            self.said.emit(text.format(name=name, session_id=session))

        def failed(error: CollabConsoleError) -> None:
            row.deciding = False
            if admit:
                text = QCoreApplication.translate("LobbyPanel", "Not admitted: {reason}")
            else:
                text = QCoreApplication.translate("LobbyPanel", "Not denied: {reason}")
            self.said.emit(text.format(reason=error.sentence))
            self.reload()

        self.hub.call(
            lambda store: store.decide_join(
                request.request_id, admit=admit, actor=actor, now=clock.now()
            ),
            done,
            failed,
        )

    # -- the lock ---------------------------------------------------------------------

    def set_locked(self, locked: bool) -> None:
        """Lock (no new requests) or unlock the shown session's lobby."""
        session_id = self.session_id
        if session_id is None or self._locking or locked == self.locked:
            self._show_state()
            self.lock_changed.emit(self.locked)  # the menu's check mark follows the store
            return
        self._locking = True
        self._show_state()
        shown = isolate(self.privacy.access_id(session_id))
        actor = current_user()

        def done(_event: object) -> None:
            self._locking = False
            if session_id == self.session_id:
                self.locked = locked
                self.lock_changed.emit(locked)
                self._show_state()
            if locked:
                text = QCoreApplication.translate(
                    "LobbyPanel",
                    "Locked the lobby of session {session_id}: nobody can ask to join.",
                )
            else:
                text = QCoreApplication.translate(
                    "LobbyPanel", "Unlocked the lobby of session {session_id}."
                )
            self.said.emit(text.format(session_id=shown))

        def failed(error: CollabConsoleError) -> None:
            self._locking = False
            self._show_state()
            self.lock_changed.emit(self.locked)
            if locked:
                text = QCoreApplication.translate(
                    "LobbyPanel", "The lobby was not locked: {reason}"
                )
            else:
                text = QCoreApplication.translate(
                    "LobbyPanel", "The lobby was not unlocked: {reason}"
                )
            self.said.emit(text.format(reason=error.sentence))

        self.hub.call(
            lambda store: store.set_lobby_locked(session_id, locked, actor=actor, now=clock.now()),
            done,
            failed,
        )

    # -- what it shows ------------------------------------------------------------------

    def _show_state(self) -> None:
        count = len(self.rows)
        if self.problem:
            text = self.problem
        elif not self.loaded:
            text = _tr(READING)
        elif self.locked and count:
            text = f"{_tr(LOCKED)} {waiting_text(count)} {_tr(UNVERIFIED_NOTE)}"
        elif self.locked:
            text = _tr(LOCKED)
        elif count:
            text = f"{waiting_text(count)} {_tr(UNVERIFIED_NOTE)}"
        else:
            text = _tr(NOBODY_WAITING)
        set_text(self.status, text)
        self.status.setStyleSheet(error_style_for(self.status) if self.problem else "")
        self.lock_check.blockSignals(True)
        self.lock_check.setChecked(bool(self.locked))
        self.lock_check.blockSignals(False)
        self.lock_check.setEnabled(self.locked is not None and not self._locking)

    def _owner(self, request: JoinRequest) -> str:
        """The name of the person whose ID the request names, as the session lists them."""
        people = self.session.everyone if self.session is not None else ()
        return next((p.name for p in people if p.access_id == request.access_id), "")

    def _privacy_changed(self, _masked: bool) -> None:
        for row in self.rows.values():
            row.show_texts(self.privacy, self._owner(row.request))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.bar
            and event.type() == QEvent.Type.PaletteChange
            and not self._restyle_due
        ):
            # The bar hears of a new palette before its parent has it all: restyle after.
            self._restyle_due = True
            QTimer.singleShot(0, self, self._restyle)
        return False

    def _restyle(self) -> None:
        """Amber while someone waits (the palette's own colours, tinted), plain otherwise."""
        self._restyle_due = False
        parent = self.bar.parentWidget()
        palette = (parent if parent is not None else self.bar).palette()
        wanted = warning_frame_style("lobbyBar", palette) if self.rows else ""
        if self.bar.styleSheet() != wanted:
            self.bar.setStyleSheet(wanted)
        if self.problem:
            self.status.setStyleSheet(error_style_for(self.status))
