"""Hovering, keys and right-clicks that ask for a copy card; the copy and the resend themselves.

The card's look and timing live in :mod:`copy_card`; what may be copied, and
in which order the card offers it, lives in the core's policy (``card_plan``);
putting a value on the clipboard goes through the core's copy service, and a
resend is the store's ``queue_invitation`` (rate-limited there). This module
only connects them to the console's widgets.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QSize,
    QTimer,
    Signal,
)
from PySide6.QtGui import QContextMenuEvent, QFont, QFontMetrics, QKeyEvent, QSinglePointEvent
from PySide6.QtWidgets import QListView, QMenu, QToolButton, QWidget

from collab_console.core import clock
from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.copying import (
    CopyOutcome,
    CopyRecord,
    copy_detail,
    link_for_copy,
)
from collab_console.core.delivery import Delivery, RateLimitedError
from collab_console.core.domain import Participant, Session
from collab_console.core.errors import CollabConsoleError, LinkLimitError
from collab_console.core.events import InvitationsChanged, LinksChanged, SettingsChanged
from collab_console.core.i18n import _, isolate
from collab_console.core.identity import current_user
from collab_console.core.links import LinkPurpose, MintedLink
from collab_console.core.policy import (
    CardPlan,
    card_plan,
    nothing_to_copy_reason,
    refusal,
    url_copy_needs_reason,
    withheld_reasons,
)
from collab_console.core.settings import RESEND_INTERVAL_SECONDS, CopySettings
from collab_console.gui.card_target import CardTarget, on_screen
from collab_console.gui.clipboard import QtClipboard
from collab_console.gui.models import ParticipantsModel
from collab_console.gui.store_hub import StoreHub

if TYPE_CHECKING:
    from collab_console.gui.copy_card import CopyCard, CopyCardController
    from collab_console.gui.copy_reason_dialog import CopyReasonDialog
    from collab_console.gui.privacy import PrivacyScreen
    from collab_console.store import Store

#: What a copy's store call brings back: the settings and the session as they are now,
#: the link made for it (or why none could be), and the event of a link made.
_Checked = tuple[CopySettings, Session, MintedLink | None, str | None, LinksChanged | None]

#: What an open card says when an admin turned off what it offered: one setting ...
TURNED_OFF = str(QT_TRANSLATE_NOOP("CopyController", "{labels} was turned off by an admin."))
#: ... or several ({labels} joined by :data:`AND`).
TURNED_OFF_SEVERAL = str(
    QT_TRANSLATE_NOOP("CopyController", "{labels} were turned off by an admin.")
)
#: Two settings' labels in one clause (three: the first two, and the third).
AND = str(QT_TRANSLATE_NOOP("CopyController", "{first} and {second}"))
#: What a card left with nothing to offer says before it closes.
NOTHING_LEFT = str(
    QT_TRANSLATE_NOOP("CopyController", "Copying is turned off for this session now.")
)
SESSION_ENDED = str(
    QT_TRANSLATE_NOOP("CopyController", "This session has ended; there is nothing to copy now.")
)
#: Said once the store queued a resend (the sender sends it in the background).
INVITE_QUEUED = str(QT_TRANSLATE_NOOP("CopyController", "Invite queued for {name}."))
#: Said when the agent closed the reason dialog of a Session URL copy without a reason.
NOT_COPIED_NO_REASON = str(
    QT_TRANSLATE_NOOP("CopyController", "Session URL not copied: no reason was given.")
)
#: Said when the console shows another session by the time the reason was given.
NOT_COPIED_SESSION_CHANGED = str(
    QT_TRANSLATE_NOOP(
        "CopyController", "Session URL not copied: the console shows another session now."
    )
)


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
    """Opens the card for the customer icon and participant rows; copies and resends.

    Signals:
        said(str): a sentence for the status bar (what was copied or queued, or why not).

    Every click is checked again against the settings of that moment, and a
    Session URL never appears in what it says. A Session URL for someone whose
    invitation did not fail is copied only with the agent's reason (asked in
    :class:`~collab_console.gui.copy_reason_dialog.CopyReasonDialog`, kept in
    the audit trail). *Resend invite* asks the store to queue a new invitation
    on the hub's worker; while the store's interval for that person runs, the
    button counts down (``resend_wait``). With the privacy screen on
    (``privacy``; None: never masked), names and IDs in what the card and
    ``said`` show are masked; the clipboard always gets the real value.
    """

    said = Signal(str)

    def __init__(
        self,
        window: QWidget,
        hub: StoreHub,
        customer_icon: QToolButton,
        participants_view: QListView,
        participants_model: ParticipantsModel,
        *,
        privacy: PrivacyScreen | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.hub = hub
        self.session: Session | None = None
        self.customer_icon = customer_icon
        self.participants_view = participants_view
        self.participants_model = participants_model
        self.clipboard = QtClipboard(self)
        self.privacy: PrivacyScreen | None = None
        self._card_controller: CopyCardController | None = None
        customer_icon.clicked.connect(lambda: self.open_card_for_customer(focus=True))
        # Kept, not asked for on each event: during teardown Qt still sends events
        # to this filter, and asking a half-destroyed view for its viewport raises.
        self._viewport = participants_view.viewport()
        customer_icon.setMouseTracking(True)
        customer_icon.installEventFilter(self)
        participants_view.installEventFilter(self)
        self._viewport.installEventFilter(self)
        hub.settings_changed.connect(self.refresh_card)
        hub.policy_confirmed_changed.connect(self.refresh_card)
        #: Links made for a copy whose result has not reached this thread yet: if the
        #: console closes first, nobody will ever hold them, so the hub revokes them.
        self._unclaimed: set[str] = set()
        self._unclaimed_lock = threading.Lock()
        hub.at_close(self._revoke_unclaimed)
        participants_view.verticalScrollBar().valueChanged.connect(self._follow_row)
        #: When each person's (by own ID) newest invitation was queued, as far as this
        #: console knows (monotonic seconds): the wait is counted from it with the
        #: interval in force, so an admin's shorter interval (or 0) ends it at once.
        #: And those whose resend the store is asked for now.
        self._resend_since: dict[str, float] = {}
        self._resending: set[str] = set()
        self._resend_tick = QTimer(self)
        self._resend_tick.setInterval(1000)
        self._resend_tick.timeout.connect(self._count_down)
        self.reason_dialog: CopyReasonDialog | None = None
        self.set_privacy(privacy)

    def set_privacy(self, privacy: PrivacyScreen | None) -> None:
        """Mask what the card and the status bar show while ``privacy`` is on."""
        if privacy is self.privacy:
            return
        if self.privacy is not None:
            self.privacy.changed.disconnect(self.refresh_card)
        self.privacy = privacy
        if privacy is not None:
            privacy.changed.connect(self.refresh_card)
        if self._card_controller is not None:
            self._card_controller.card.privacy = privacy
            self.refresh_card()

    # -- the card ---------------------------------------------------------------

    @property
    def card_controller(self) -> CopyCardController:
        """The copy card, built the first time it is needed (not at start-up)."""
        if self._card_controller is None:
            from collab_console.gui.copy_card import CopyCard, CopyCardController

            card = CopyCard(
                self.window, self.privacy, self._url_base, self._delivery_of, self.resend_state
            )
            card.copy_requested.connect(self.copy)
            card.resend_requested.connect(self.resend)
            self._card_controller = CopyCardController(
                card, self.plan_for, self.notes_for, self.change_for, self.farewell_for
            )
        return self._card_controller

    @property
    def card(self) -> CopyCard:
        return self.card_controller.card

    def show_session(self, session: Session | None) -> None:
        """The console shows ``session`` now: a card for another session closes."""
        previous, self.session = self.session, session
        if previous is None or session is None or previous.session_id != session.session_id:
            self.close_card()
            # The pointer may already rest on the icon (the window opened under it,
            # or the session arrived while it stayed there): no Enter will come.
            target = self._customer_target()
            if target is not None and self.customer_icon.underMouse():
                self.card_controller.hover(target)
        else:
            self.refresh_card()

    def close_card(self) -> None:
        if self._card_controller is not None:
            self._card_controller.close(return_focus=False)

    def refresh_card(self, *_: object) -> None:
        if self._card_controller is not None:
            self._card_controller.refresh()
            self._card_controller.card.render_person()

    def plan_for(self, person: Participant) -> CardPlan | None:
        """What the card offers for ``person`` now, in order; None: no card.

        A card shows whenever it has something to offer or to say: a copy action,
        Resend invite, or (in an active session) why the invitation failed.
        """
        settings, session = self.hub.settings, self.session
        if session is None or settings is None:
            return None
        plan = card_plan(settings, session, person, policy_confirmed=self.hub.policy_confirmed)
        if plan.copy_actions or plan.can_resend or (plan.note and session.is_active):
            return plan
        return None

    def notes_for(self, person: Participant) -> tuple[str, ...]:
        """Why an enabled detail is not offered for ``person`` (the card says so)."""
        settings = self.hub.settings
        if self.session is None or settings is None:
            return ()
        reasons = withheld_reasons(
            settings, self.session, person, policy_confirmed=self.hub.policy_confirmed
        )
        return tuple(self._shown(reason, person) for reason in reasons)

    def change_for(self, person: Participant, lost: tuple[CopyAction, ...]) -> str:
        """What an open card says when ``lost`` went: "" when its notes already say why."""
        settings = self.hub.settings
        if settings is None:
            return ""
        labels: list[str] = []
        for action in lost:
            for need in COPY_ACTIONS[action].needs:
                if not settings.value(need) and _(need.label) not in labels:
                    labels.append(_(need.label))
        if not labels:
            return ""
        joined = labels[0]
        for label in labels[1:]:
            joined = controller_text(AND).format(first=joined, second=label)
        said = TURNED_OFF if len(labels) == 1 else TURNED_OFF_SEVERAL
        return controller_text(said).format(labels=joined)

    def farewell_for(self, _person: Participant) -> str:
        """What an open card left with nothing to offer says before it closes."""
        session = self.session
        ended = session is not None and not session.is_active
        return controller_text(SESSION_ENDED if ended else NOTHING_LEFT)

    def _delivery_of(self, person: Participant) -> Delivery | None:
        return self.session.delivery_of(person) if self.session is not None else None

    # -- copying ----------------------------------------------------------------

    def copy(self, action: CopyAction, person: Participant) -> None:
        """Copy one detail once the store has confirmed the policy as it is now.

        A Session URL for someone whose invitation did not fail first asks the
        agent why (the dialog's Esc copies nothing). The settings and the
        session are read afresh on the worker thread, so a detail an admin
        turned off elsewhere a moment ago is refused even before this console's
        next poll. If the store cannot answer, the copy service gets the last
        settings read with the policy unconfirmed: it refuses the sensitive
        details (fail closed) and still copies an allowed Session ID. ``said``
        tells the outcome.
        """
        session, settings = self.session, self.hub.settings
        if session is None:
            return
        confirmed = self.hub.policy_confirmed
        if (
            COPY_ACTIONS[action].uses_url
            and settings is not None
            and url_copy_needs_reason(session, person)
            and refusal(settings, session, person, action, policy_confirmed=confirmed) is None
        ):
            self._ask_reason(action, person)
            return
        self._copy_checked(action, person, "")

    def _ask_reason(self, action: CopyAction, person: Participant) -> None:
        """Ask why the Session URL is copied (window-modal); copy once a reason is given."""
        if self.reason_dialog is not None and self.reason_dialog.isVisible():
            return
        from collab_console.gui.copy_card import shows_focus_ring
        from collab_console.gui.copy_reason_dialog import CopyReasonDialog

        target = self._card_controller.target if self._card_controller is not None else None
        home = target.focus_home if target is not None else None
        ring = shows_focus_ring(self.window)
        shown = on_screen(person, self.privacy)
        asked_in = self.session.session_id if self.session is not None else None
        dialog = CopyReasonDialog(shown.name, _(action.label), self.window)
        self.reason_dialog = dialog

        def finished(result: int) -> None:
            self.reason_dialog = None
            dialog.deleteLater()
            if home is not None and home.isVisible():
                from collab_console.gui.copy_card import move_focus

                move_focus(home, ring=ring)
            still = self.session is not None and self.session.session_id == asked_in
            if result and still:
                self._copy_checked(action, person, dialog.reason)
            elif result:
                self.said.emit(controller_text(NOT_COPIED_SESSION_CHANGED))
            else:
                self.said.emit(controller_text(NOT_COPIED_NO_REASON))

        dialog.finished.connect(finished)
        dialog.open()

    def _copy_checked(self, action: CopyAction, person: Participant, copy_reason: str) -> None:
        """:meth:`copy`, with the agent's reason for a URL copy ("" when none was needed)."""
        if self.session is None:
            return
        session_id = self.session.session_id

        actor = current_user()

        def read(store: Store) -> _Checked:
            settings, session = store.load_settings(), store.get_session(session_id)
            now = clock.now()
            made: list[LinksChanged] = []

            def mint() -> MintedLink:
                minted, event = store.mint_link(
                    session_id, person.access_id, purpose=LinkPurpose.COPY, actor=actor, now=now
                )
                made.append(event)
                with self._unclaimed_lock:
                    self._unclaimed.add(minted.link.link_id)
                return minted

            try:
                link = link_for_copy(
                    settings=settings,
                    session=session,
                    person=person,
                    action=action,
                    mint=mint,
                    copy_reason=copy_reason,
                )
            except LinkLimitError as exc:
                return settings, session, None, str(exc), None
            # The event goes back with the result: the hub applies it, so an open Links
            # dialog lists the new link at once (the store's poll skips this process's own).
            return settings, session, link, None, made[0] if made else None

        def confirmed(result: _Checked) -> None:
            settings, session, link, problem, _made = result
            if link is not None:
                with self._unclaimed_lock:
                    self._unclaimed.discard(link.link.link_id)
            self.hub.apply([SettingsChanged(settings)])
            self._copy_now(
                action,
                person,
                settings,
                session,
                policy_confirmed=True,
                link=link,
                link_problem=problem,
                copy_reason=copy_reason,
            )

        def unconfirmed(_error: CollabConsoleError) -> None:
            if self.session is not None and self.hub.settings is not None:
                self._copy_now(
                    action,
                    person,
                    self.hub.settings,
                    self.session,
                    policy_confirmed=False,
                    copy_reason=copy_reason,
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
        link: MintedLink | None = None,
        link_problem: str | None = None,
        copy_reason: str = "",
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
            link=link,
            link_problem=link_problem,
            shown=on_screen(person, self.privacy) if self._masked else None,
            copy_reason=copy_reason,
        )
        if link is not None and not outcome.copied:
            self._revoke_unused(link)
        if outcome.copied and self._card_controller is not None:
            self._card_controller.card.confirm(action)
        elif not outcome.copied:
            self.refresh_card()
        # When the copy will be cleared, the clipboard guard's countdown beside the
        # message says so; the message itself would not fit the status bar with it.
        self.said.emit(self._shown(outcome.message, person))
        return outcome

    # -- resending an invitation --------------------------------------------------

    def resend_wait(self, person: Participant) -> int:
        """Whole seconds until ``person`` may be sent another invitation, as this console
        last heard it from the store (a refusal, or its own resend) and with the interval
        in force now; 0 when now."""
        since = self._resend_since.get(person.access_id)
        if since is None:
            return 0
        return max(0, math.ceil(since + self._resend_interval() - time.monotonic()))

    def _resend_interval(self) -> int:
        """``resend_interval_seconds`` as last read (0 until the settings are read)."""
        settings = self.hub.settings
        return int(settings.value(RESEND_INTERVAL_SECONDS)) if settings is not None else 0

    def resend_state(self, person: Participant) -> tuple[str, bool]:
        """What *Resend invite* says for ``person`` now, and whether it may be pressed."""
        from collab_console.gui.copy_card import (
            RESEND_BUSY_TEXT,
            RESEND_TEXT,
            RESEND_WAIT_TEXT,
            card_text,
        )

        if person.access_id in self._resending:
            return card_text(RESEND_BUSY_TEXT), False
        wait = self.resend_wait(person)
        if wait:
            return card_text(RESEND_WAIT_TEXT).format(seconds=wait), False
        return card_text(RESEND_TEXT), True

    def resend(self, person: Participant) -> None:
        """Queue a new invitation for ``person`` (the store rate-limits it, by its clock).

        Refused as too soon: the button counts down the wait the store gave and the
        status bar says why. Queued: the status bar says so, the sender sends it in
        the background, and the row and the header follow from the store's event.
        """
        session = self.session
        if session is None or person.access_id in self._resending or self.resend_wait(person):
            return
        session_id, access_id, actor = session.session_id, person.access_id, current_user()
        self._resending.add(access_id)
        self._render_resend()

        def queued(_result: tuple[Delivery, InvitationsChanged]) -> None:
            self._resending.discard(access_id)
            self._wait_before_resending(access_id, self._resend_interval())
            card = self._card_controller.card if self._card_controller is not None else None
            if card is not None and card.person is not None and card.person.access_id == access_id:
                card.confirm_resend()
            queued_for = controller_text(INVITE_QUEUED).format(name=person.name)
            self.said.emit(self._shown(queued_for, person))

        def refused(error: CollabConsoleError) -> None:
            self._resending.discard(access_id)
            if isinstance(error, RateLimitedError):
                self._wait_before_resending(access_id, error.wait_seconds)
                message = error.sentence
            else:
                message = QCoreApplication.translate(
                    "CopyController", "Invite not queued: {reason}"
                ).format(reason=error.sentence)
            self._render_resend()
            self.said.emit(self._shown(message, person))

        self.hub.call(
            lambda store: store.queue_invitation(
                session_id, access_id, actor=actor, now=clock.now()
            ),
            queued,
            refused,
        )

    def _wait_before_resending(self, access_id: str, seconds: int) -> None:
        """``access_id`` may be sent another invitation in ``seconds`` (0: now)."""
        if seconds > 0:
            # Counted back to when the interval in force began: a refusal's wait is the
            # store's, by its clock and its interval.
            self._resend_since[access_id] = time.monotonic() + seconds - self._resend_interval()
            if not self._resend_tick.isActive():
                self._resend_tick.start()
        else:
            self._resend_since.pop(access_id, None)
        self._render_resend()

    def _count_down(self) -> None:
        """Each second while someone must wait: the open card's Resend invite follows."""
        self._resend_since = {
            key: since
            for key, since in self._resend_since.items()
            if since + self._resend_interval() > time.monotonic()
        }
        if not self._resend_since:
            self._resend_tick.stop()
        self._render_resend()

    def _render_resend(self) -> None:
        if self._card_controller is not None:
            self._card_controller.card.render_resend()

    def _revoke_unclaimed(self, store: Store) -> None:
        """On the store's thread as the console closes: stop the links nobody received."""
        with self._unclaimed_lock:
            unclaimed, self._unclaimed = sorted(self._unclaimed), set()
        actor = current_user()
        for link_id in unclaimed:
            with contextlib.suppress(CollabConsoleError):  # one that fails stops no other
                store.revoke_link(link_id, actor=actor, now=clock.now())

    def _url_base(self) -> str:
        settings = self.hub.settings
        return "" if settings is None else settings.session_url_base

    def _revoke_unused(self, link: MintedLink) -> None:
        """A link made for a copy that did not reach the clipboard: nobody has it, stop it."""

        def not_revoked(error: CollabConsoleError) -> None:
            self.said.emit(
                QCoreApplication.translate(
                    "CopyController", "The unused link {link_id} could not be revoked: {reason}"
                ).format(link_id=isolate(link.link.link_id), reason=error.sentence)
            )

        link_id, actor = link.link.link_id, current_user()
        self.hub.call(
            lambda store: store.revoke_link(link_id, actor=actor, now=clock.now()),
            None,
            not_revoked,
        )

    @property
    def _masked(self) -> bool:
        return self.privacy is not None and self.privacy.masked

    def _shown(self, message: str, person: Participant | None = None) -> str:
        """``message`` as the status bar may show it: names and IDs masked while the
        privacy screen is on (the longest first, so a participant's own ID, which
        starts with the Session ID, is masked whole)."""
        privacy = self.privacy
        if privacy is None or not privacy.masked:
            return message
        real: dict[str, str] = {}
        if self.session is not None:
            real[self.session.session_id] = privacy.access_id(self.session.session_id)
        if person is not None:
            real[person.access_id] = privacy.access_id(person.access_id)
            real[person.name] = privacy.name(person.name)
        for text in sorted(real, key=len, reverse=True):
            if text:
                message = message.replace(text, real[text])
        return message

    def _record(self, record: CopyRecord) -> None:
        def not_recorded(error: CollabConsoleError) -> None:
            self.said.emit(
                QCoreApplication.translate(
                    "CopyController", "Copied, but the copy could not be recorded: {reason}"
                ).format(reason=error.sentence)
            )

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
        view = self.participants_view
        row = view.visualRect(index)
        text_width = _text_width(view, str(index.data() or person.name)) + 12
        # The text starts at the row's right end when the view is right to left.
        width = min(row.width(), text_width)
        start = row.topRight() - QPoint(width - 1, 0) if view.isRightToLeft() else row.topLeft()
        rect = QRect(start, QSize(width, row.height()))
        return CardTarget(person, self._viewport, rect, view, beside=True, keep_clear=row)

    def open_card_for_customer(self, *, focus: bool, keyboard: bool = False) -> bool:
        """Open the customer's card; ``keyboard``: asked for by a key (focus ring at once)."""
        target = self._customer_target()
        return target is not None and self._open_card(target, focus=focus, keyboard=keyboard)

    def open_card_for_participant(self, row: int, *, focus: bool, keyboard: bool = False) -> bool:
        target = self._participant_target(self.participants_model.index(row, 0))
        return target is not None and self._open_card(target, focus=focus, keyboard=keyboard)

    def _open_card(self, target: CardTarget, *, focus: bool, keyboard: bool) -> bool:
        opened = self.card_controller.open(target, focus=focus, keyboard=keyboard)
        if not opened:
            self.said.emit(self._shown(self._nothing_to_copy()))
        return opened

    def _follow_row(self) -> None:
        """The participants list scrolled: the card of a row moves with it, or closes."""
        card = self._card_controller
        target = card.target if card is not None else None
        if card is None or target is None or target.anchor is not self._viewport:
            return
        row = self.participants_model.row_of_key(target.person.access_id)
        moved = self._participant_target(self.participants_model.index(row, 0))
        if moved is None or not self._viewport.rect().intersects(moved.clear_rect):
            card.close(return_focus=False)
        else:
            card.follow(moved)

    def _nothing_to_copy(self) -> str:
        settings = self.hub.settings
        if self.session is None or settings is None:
            return QCoreApplication.translate(
                "CopyController", "The copy settings are still being read; try again in a moment."
            )
        return nothing_to_copy_reason(settings, self.session)

    def _context_menu(self, target: CardTarget | None, global_pos: QPoint) -> None:
        """The card's actions as a menu, in the card's order."""
        if target is None or self.session is None:
            return
        self.close_card()
        person = target.person
        menu = QMenu(self.window)
        menu.setObjectName("copyContextMenu")
        plan = self.plan_for(person)
        actions = plan.copy_actions if plan is not None else ()

        def add_copies() -> None:
            for action in actions:
                item = menu.addAction(_(action.label))
                item.triggered.connect(lambda _=False, a=action, p=person: self.copy(a, p))
            if any(COPY_ACTIONS[action].uses_url for action in actions):
                from collab_console.core.urls import link_host

                menu.addSeparator()
                host = isolate(link_host(self._url_base()))
                links_open = QCoreApplication.translate("CopyCard", "Links open {host}")
                menu.addAction(links_open.format(host=host)).setEnabled(False)

        def add_resend() -> None:
            text, enabled = self.resend_state(person)
            item = menu.addAction(text)
            item.setObjectName("resendInviteAction")
            item.setEnabled(enabled)
            item.triggered.connect(lambda _=False, p=person: self.resend(p))

        resend = plan is not None and plan.can_resend
        if resend and not (plan is not None and plan.copy_first):
            add_resend()
            if actions:
                menu.addSeparator()
        add_copies()
        if resend and plan is not None and plan.copy_first:
            if actions:
                menu.addSeparator()
            add_resend()
        if not actions and not resend:
            item = menu.addAction(self._shown(self._nothing_to_copy(), person))
            item.setEnabled(False)
        menu.exec(global_pos)

    # -- events -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.customer_icon:
            return self._customer_icon_event(event)
        if watched is self.participants_view and asks_for_card(event):
            row = self.participants_view.currentIndex().row()
            if row >= 0:
                self.open_card_for_participant(row, focus=True, keyboard=True)
            return True
        if watched is self._viewport:
            return self._participant_pointer_event(event)
        return False

    def _customer_icon_event(self, event: QEvent) -> bool:
        kind = event.type()
        if asks_for_card(event):
            self.open_card_for_customer(focus=True, keyboard=True)
            return True
        if kind in (QEvent.Type.Enter, QEvent.Type.MouseMove):
            # A move counts too, as on the participant rows: an Enter that was lost,
            # or a stale Leave, must not leave the pointer on the icon with no card.
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


def controller_text(text: str) -> str:
    """One of this module's own texts in the user's language."""
    return QCoreApplication.translate("CopyController", text)


def _text_width(view: QWidget, text: str) -> int:
    """How wide a row's text is drawn: its widest line, the first in bold."""
    first, *others = text.split("\n")
    bold = QFont(view.font())
    bold.setBold(True)
    widths = [QFontMetrics(bold).horizontalAdvance(first)]
    widths += [view.fontMetrics().horizontalAdvance(line) for line in others]
    return max(widths)
