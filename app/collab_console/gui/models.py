"""List models: thin adapters from core data to Qt's model/view. No rules here.

They apply changes as row operations (insert, remove, move, dataChanged),
never as a reset, so a selection, the current row and a card open on a row
survive an update to another row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
)
from PySide6.QtWidgets import QApplication, QListView

from collab_console.core import clock
from collab_console.core.delivery import Delivery, delivery_label
from collab_console.core.domain import Participant, SessionState, SessionSummary
from collab_console.core.i18n import isolate
from collab_console.core.masking import mask_contact
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.style import muted_colour

Index = QModelIndex | QPersistentModelIndex
# Qt.ItemDataRole values as plain numbers (fixed in Qt's ABI; a test checks them).
# The first paint asks for roles, and touching PySide6's Qt namespace then would
# build all of its enums: about 15 ms of start-up.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
ACCESSIBLE_DESCRIPTION_ROLE = 12
USER_ROLE = 256
PARTICIPANT_ROLE = USER_ROLE + 1
SESSION_ID_ROLE = USER_ROLE + 2
#: The number of the display line to draw as a failure (red), or None: a failed invitation.
ALERT_LINE_ROLE = USER_ROLE + 3
#: A row's delivery (``core.delivery.Delivery``), or None when never invited.
DELIVERY_ROLE = USER_ROLE + 4

#: What a screen reader adds after a participant row's text.
PARTICIPANT_ROW_HINT = str(
    QT_TRANSLATE_NOOP("ParticipantsModel", "Press Enter to open the copy card.")
)
#: The months as rows and the lobby show them (translated where shown, context "started_text").
_MONTHS = (
    QT_TRANSLATE_NOOP("started_text", "Jan"),
    QT_TRANSLATE_NOOP("started_text", "Feb"),
    QT_TRANSLATE_NOOP("started_text", "Mar"),
    QT_TRANSLATE_NOOP("started_text", "Apr"),
    QT_TRANSLATE_NOOP("started_text", "May"),
    QT_TRANSLATE_NOOP("started_text", "Jun"),
    QT_TRANSLATE_NOOP("started_text", "Jul"),
    QT_TRANSLATE_NOOP("started_text", "Aug"),
    QT_TRANSLATE_NOOP("started_text", "Sep"),
    QT_TRANSLATE_NOOP("started_text", "Oct"),
    QT_TRANSLATE_NOOP("started_text", "Nov"),
    QT_TRANSLATE_NOOP("started_text", "Dec"),
)

Item = TypeVar("Item")


def started_text(created_at: datetime, now: datetime | None = None) -> str:
    """When a session started, in local time: "Started 09:30" today, else "Started 4 Mar 09:30".

    A session from another year also names the year ("Started 4 Mar 2025 09:30").
    """
    when = moment_text(created_at, now)
    return QCoreApplication.translate("started_text", "Started {when}").format(when=when)


def moment_text(moment: datetime, now: datetime | None = None) -> str:
    """When, in local time, without a verb: "09:30" today, else "4 Mar 09:30" (with the
    year when it is another year's: "4 Mar 2025 09:30"). The time of day is kept left to
    right in a right-to-left language (:func:`~collab_console.core.i18n.isolate`)."""
    local = moment.astimezone()
    today = (now or clock.now()).astimezone(local.tzinfo)
    time_of_day = isolate(f"{local.hour:02d}:{local.minute:02d}")
    if local.date() == today.date():
        return time_of_day
    month = QCoreApplication.translate("started_text", str(_MONTHS[local.month - 1]))
    if local.year == today.year:
        return QCoreApplication.translate("started_text", "{day} {month} {time}").format(
            day=local.day, month=month, time=time_of_day
        )
    return QCoreApplication.translate("started_text", "{day} {month} {year} {time}").format(
        day=local.day, month=month, year=local.year, time=time_of_day
    )


def spoken(display: str) -> str:
    """A row's display text as one sentence for screen readers: lines and dots become commas."""
    return ", ".join(part for line in display.split("\n") for part in line.split(" · "))


#: What people put between a phone number's digits; a stored number has none (E.164).
_NUMBER_SEPARATORS = str.maketrans("", "", " -().")


def matches(needle: str, *fields: str) -> bool:
    """True when ``needle`` (already case-folded) is in one of ``fields``, ignoring case.

    A needle with digits also matches with the separators of a written phone
    number left out on both sides: ``+44 20`` finds the stored ``+442079460912``.
    """
    if not needle or any(needle in field.casefold() for field in fields):
        return True
    compact = needle.translate(_NUMBER_SEPARATORS)
    if compact == needle or not any(ch.isdigit() for ch in compact):
        return False
    return any(compact in field.casefold().translate(_NUMBER_SEPARATORS) for field in fields)


class RowListModel(QAbstractListModel, Generic[Item]):
    """A flat list of items with a key each, kept in step with row operations."""

    def __init__(self, key: Callable[[Item], Hashable]) -> None:
        super().__init__()
        self._items: list[Item] = []
        self._key = key

    def item(self, row: int) -> Item:
        return self._items[row]

    def items(self) -> tuple[Item, ...]:
        return tuple(self._items)

    def row_of_key(self, key: Hashable) -> int:
        for row, item in enumerate(self._items):
            if self._key(item) == key:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def row_matches(self, row: int, needle: str) -> bool:
        """Whether row ``row`` passes the filter ``needle`` (case-folded); every row by default."""
        return True

    def refresh_all(self, *_: object) -> None:
        """Every row's text changed (the privacy screen was switched): one signal, no reset."""
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 0))

    def sync(self, wanted: Sequence[Item]) -> None:
        """Make the rows ``wanted``, in that order, with as few row operations as it takes.

        Rows are removed and inserted in runs, moved one by one and updated
        in place. A list that shares no item with the current one (another
        session's participants) is a reset: it is a different list.
        """
        wanted_keys = [self._key(item) for item in wanted]
        keep = set(wanted_keys)
        if self._items and not any(self._key(item) in keep for item in self._items):
            self.beginResetModel()
            self._items = list(wanted)
            self.endResetModel()
            return
        self._remove_rows_not_in(keep)
        present = {self._key(item) for item in self._items}
        target = 0
        while target < len(wanted):
            key = wanted_keys[target]
            if key not in present:
                end = target
                while end + 1 < len(wanted) and wanted_keys[end + 1] not in present:
                    end += 1
                self.beginInsertRows(QModelIndex(), target, end)
                self._items[target:target] = wanted[target : end + 1]
                self.endInsertRows()
                target = end + 1
                continue
            if self._key(self._items[target]) != key:
                current = next(
                    row
                    for row in range(target + 1, len(self._items))
                    if self._key(self._items[row]) == key
                )
                self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
                self._items.insert(target, self._items.pop(current))
                self.endMoveRows()
            if self._items[target] != wanted[target]:
                self._items[target] = wanted[target]
                index = self.index(target, 0)
                self.dataChanged.emit(index, index)
            target += 1

    def _remove_rows_not_in(self, keep: set[Hashable]) -> None:
        row = len(self._items) - 1
        while row >= 0:
            if self._key(self._items[row]) in keep:
                row -= 1
                continue
            last = row
            while row > 0 and self._key(self._items[row - 1]) not in keep:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row, last)
            del self._items[row : last + 1]
            self.endRemoveRows()
            row -= 1


class ParticipantsModel(RowListModel[Participant]):
    """The Document participants of one session, one row each.

    A row shows the name, then the role and the contact, always masked, then
    where the person's invitation stands (its short label; the tooltip and the
    accessible text give the full label, with why it failed). A failed
    invitation's line is drawn as a failure. With the privacy screen on, the
    name is masked too.
    """

    def __init__(self, privacy: PrivacyScreen | None = None) -> None:
        super().__init__(key=lambda person: person.access_id)
        self.privacy = privacy if privacy is not None else PrivacyScreen(parent=self)
        self.privacy.changed.connect(self.refresh_all)
        self._deliveries: Mapping[str, Delivery] = {}

    def set_participants(
        self, people: Sequence[Participant], deliveries: Mapping[str, Delivery] | None = None
    ) -> None:
        """Show ``people``, each with their delivery in ``deliveries`` (by own ID).

        Only rows whose person or delivery changed are updated; a new person is
        a row inserted, so a card open on another row stays open.
        """
        was = self._deliveries
        before = {person.access_id: was.get(person.access_id) for person in self._items}
        self._deliveries = dict(deliveries or {})
        self.sync(people)
        for row, person in enumerate(self._items):
            key = person.access_id
            if key in before and before[key] != self._deliveries.get(key):
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def participant(self, row: int) -> Participant:
        return self.item(row)

    def delivery(self, row: int) -> Delivery | None:
        return self._deliveries.get(self.item(row).access_id)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        person = self.item(index.row())
        delivery = self._deliveries.get(person.access_id)
        if role == DISPLAY_ROLE:
            return self._text(person, delivery_label(delivery, with_reason=False))
        if role == ACCESSIBLE_TEXT_ROLE:
            return spoken(self._text(person, delivery_label(delivery)))
        if role == TOOLTIP_ROLE:
            return f"{self.privacy.name(person.name)}\n{delivery_label(delivery)}"
        if role == ACCESSIBLE_DESCRIPTION_ROLE:
            return QCoreApplication.translate("ParticipantsModel", PARTICIPANT_ROW_HINT)
        if role == ALERT_LINE_ROLE:
            return 2 if delivery is not None and delivery.failed else None
        if role == PARTICIPANT_ROLE:
            return person
        if role == DELIVERY_ROLE:
            return delivery
        return None

    def _text(self, person: Participant, invited: str) -> str:
        details = person.role.label
        if person.contact:
            details += f" · {isolate(mask_contact(person.contact))}"
        return f"{self.privacy.name(person.name)}\n{details}\n{invited}"

    def row_matches(self, row: int, needle: str) -> bool:
        person = self._items[row]
        return matches(needle, person.name, person.access_id, person.contact)


def session_order(summary: SessionSummary) -> tuple[bool, float, str]:
    """Active sessions first, then newest first (the store's own order)."""
    return (
        summary.state is not SessionState.ACTIVE,
        -summary.created_at.timestamp(),
        summary.session_id,
    )


class SessionListModel(RowListModel[SessionSummary]):
    """The agent's sessions, active first, newest first.

    A row shows the customer, then the Session ID, the state and "Demo", then
    when it started and where the customer's invitation stands (its short label;
    the tooltip gives the reason of a failure, drawn as a failure while the
    session is active); with the privacy screen on, the name and ID are masked.
    ``now`` (for tests) says what "today" is.
    """

    def __init__(
        self,
        privacy: PrivacyScreen | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(key=lambda summary: summary.session_id)
        self.privacy = privacy if privacy is not None else PrivacyScreen(parent=self)
        self.privacy.changed.connect(self.refresh_all)
        self._now = now

    def set_sessions(self, sessions: Sequence[SessionSummary]) -> None:
        self.sync(sorted(sessions, key=session_order))

    def upsert(self, summary: SessionSummary) -> None:
        """A session started or changed: put it in its place without touching the others."""
        others = [s for s in self.items() if s.session_id != summary.session_id]
        self.sync(sorted([*others, summary], key=session_order))

    def row_of(self, session_id: str) -> int:
        return self.row_of_key(session_id)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        summary = self.item(index.row())
        if role == DISPLAY_ROLE:
            return self._text(summary)
        if role == ACCESSIBLE_TEXT_ROLE:
            return spoken(self._text(summary))
        if role == TOOLTIP_ROLE:
            return f"{self.privacy.name(summary.customer_name)}\n{delivery_label(summary.invite)}"
        if role == ALERT_LINE_ROLE:
            invite = summary.invite
            failed = invite is not None and invite.failed
            return 2 if failed and summary.state is SessionState.ACTIVE else None
        if role == FOREGROUND_ROLE and summary.state is not SessionState.ACTIVE:
            # Quieter than active rows, yet readable: never the Disabled brush. A QColor,
            # not a QBrush: QBrush(QColor) makes PySide6 build its Qt namespace (~15 ms).
            return muted_colour(QApplication.palette())
        if role == SESSION_ID_ROLE:
            return summary.session_id
        return None

    def _text(self, summary: SessionSummary) -> str:
        demo = ""
        if summary.demo:
            demo = " · " + QCoreApplication.translate("SessionListModel", "Demo")
        started = started_text(summary.created_at, self._now() if self._now else None)
        session_id = isolate(self.privacy.access_id(summary.session_id))
        return (
            f"{self.privacy.name(summary.customer_name)}\n"
            f"{session_id} · {summary.state.label}{demo}\n"
            f"{started} · {delivery_label(summary.invite, with_reason=False)}"
        )

    def row_matches(self, row: int, needle: str) -> bool:
        summary = self._items[row]
        return matches(needle, summary.customer_name, summary.session_id)


def filter_rows(view: QListView, model: RowListModel[Any], text: str) -> int:
    """Hide the rows of ``view`` that do not match ``text``; return how many stay visible.

    Rows are hidden in the view (``setRowHidden``), never through a proxy
    model: view rows stay model rows, which the copy card relies on.
    """
    needle = text.strip().casefold()
    visible = 0
    for row in range(model.rowCount()):
        hide = not model.row_matches(row, needle)
        if view.isRowHidden(row) != hide:
            view.setRowHidden(row, hide)
        visible += not hide
    return visible
