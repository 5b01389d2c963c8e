"""The Audit log page of Preferences: the store's audit trail, newest first, filtered.

The table model is a thin adapter over ``Store.audit_entries(AuditQuery)``: it
asks for one page (:data:`PAGE_SIZE` entries) on the store's worker thread and
for the next as the table is scrolled to its end (``canFetchMore`` /
``fetchMore``), each page from the oldest entry shown on (the query's
``before_seq`` cursor), so every page costs the same: opening or filtering a
trail of 100 000 entries reads 201 of them, and a count under the table is
the store's own (``tests/benchmarks/bench_audit.py`` prints the times). What a filter means
(kind, person, time range, text) is the store's query; the cells' words are
made on the worker thread too, so the GUI thread only inserts rows.

Shown only to an admin who unlocked Preferences: the page is built with the
dialog, but holds and asks for nothing until :meth:`AuditLogPage.start`. The
chain is then checked :data:`CHECK_SLICE` entries per store call, the next
slice asked for when the last one answers: the store's one worker runs the
console's other calls (copies, polls, saves, the table's pages) in between.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import settings as declarations
from collab_console.core.audit import (
    GENESIS,
    ActorRole,
    AuditBreak,
    AuditEntry,
    AuditKind,
    AuditProgress,
    AuditQuery,
)
from collab_console.core.copy_actions import CopyAction
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import _, isolate
from collab_console.gui.forms import child, set_text
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_colour, error_style_for, painted_background
from collab_console.store import Store

#: Entries asked for at a time: a screenful several times over, read in a few ms.
PAGE_SIZE = 200
#: Entries of the chain checked per store call (about 80 ms on the worker): what any
#: other store call waits at most behind the check.
CHECK_SLICE = 5_000
#: The table follows the filters once typing pauses this long.
AUDIT_FILTER_DELAY_MS = 150
#: The columns, in order.
HEADERS = (
    str(QT_TRANSLATE_NOOP("AuditLog", "Time")),
    str(QT_TRANSLATE_NOOP("AuditLog", "Kind")),
    str(QT_TRANSLATE_NOOP("AuditLog", "Person")),
    str(QT_TRANSLATE_NOOP("AuditLog", "Session")),
    str(QT_TRANSLATE_NOOP("AuditLog", "Participant")),
    str(QT_TRANSLATE_NOOP("AuditLog", "Detail")),
)
#: What each column but the last is sized for (the last, Detail, takes the rest).
COLUMN_SAMPLES = (
    "2026-03-04 09:30:12",
    max((kind.label for kind in AuditKind), key=len),
    "agent.priya (agent)",
    "7QKM-92HX",
    "K9ZC-3HNP",
)
#: The first item of the kind filter.
ALL_KINDS = str(QT_TRANSLATE_NOOP("AuditLog", "All kinds"))
READING = str(QT_TRANSLATE_NOOP("AuditLog", "Reading the audit trail…"))
#: How the people's roles read after their names.
ROLE_LABELS = {
    ActorRole.AGENT: str(QT_TRANSLATE_NOOP("AuditLog", "agent")),
    ActorRole.ADMIN: str(QT_TRANSLATE_NOOP("AuditLog", "admin")),
    ActorRole.DEMO: str(QT_TRANSLATE_NOOP("AuditLog", "demo data")),
    ActorRole.OUTSIDE: str(QT_TRANSLATE_NOOP("AuditLog", "outside the app")),
    ActorRole.UNKNOWN: str(QT_TRANSLATE_NOOP("AuditLog", "role not recorded")),
    ActorRole.VISITOR: str(QT_TRANSLATE_NOOP("AuditLog", "visitor (join service)")),
}
UNLOCK_RESULTS = {
    "ok": str(QT_TRANSLATE_NOOP("AuditLog", "Unlocked")),
    "wrong_passphrase": str(QT_TRANSLATE_NOOP("AuditLog", "Wrong name or passphrase")),
    "too_soon": str(QT_TRANSLATE_NOOP("AuditLog", "Refused: too soon after failed attempts")),
}
#: The status bar's one-time warning to an admin who unlocked a console on an altered trail.
TAMPER_STATUS = str(
    QT_TRANSLATE_NOOP("AuditLog", "Warning: {message}. See Preferences › Audit log.")
)


# -- the words of an entry (pure: they are made on the store's worker thread) -------------


def local_time(moment: datetime) -> str:
    """``moment`` in this computer's time zone, to the second."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M:%S}"


def person_of(entry: AuditEntry) -> str:
    """``admin.ana (admin)``; an actor whose name says its role already (``unknown (outside
    Collab Console)``) stays as it is."""
    if entry.actor.endswith(")"):
        return entry.actor
    role = ROLE_LABELS.get(entry.actor_role)
    return QCoreApplication.translate("AuditLog", "{name} ({role})").format(
        name=isolate(entry.actor), role=_tr(role) if role is not None else str(entry.actor_role)
    )


def _setting_label(key: str | None) -> str:
    spec = declarations.SPECS_BY_KEY.get(key or "")
    return _(spec.label) if spec is not None else key or ""


def detail_of(entry: AuditEntry) -> str:
    """What happened, in words: the change of a setting, what was copied (and the agent's
    reason for a URL), how an unlock ended, where an invitation went and how it fared."""
    kind = entry.kind
    if kind is AuditKind.SETTING:
        old, new = entry.old_value or "—", entry.new_value or "—"
        return f"{_setting_label(entry.detail)}: {old} → {new}"
    if kind is AuditKind.ACKNOWLEDGEMENT:
        return f"{_setting_label(entry.detail)}: {entry.new_value or ''}".rstrip(": ")
    if kind is AuditKind.COPY:
        try:
            what = _(CopyAction(entry.detail).label)
        except ValueError:
            what = entry.detail or ""
        # The agent's reason for a Session URL copy (asked for when the invitation did not fail).
        reason = (
            QCoreApplication.translate("AuditLog", "reason: {reason}").format(
                reason=entry.new_value
            )
            if entry.new_value
            else ""
        )
        return " · ".join(part for part in (what, entry.contact, reason) if part)
    if kind is AuditKind.UNLOCK:
        known = UNLOCK_RESULTS.get(entry.result or "")
        result = _tr(known) if known is not None else entry.result or ""
        if entry.detail:
            return QCoreApplication.translate("AuditLog", "{result} as {name}").format(
                result=result, name=isolate(entry.detail)
            )
        return result
    if kind in (AuditKind.SESSION_STARTED, AuditKind.SESSION_ENDED):
        return entry.contact or ""
    if kind is AuditKind.SESSION_SHARED:  # detail: the grantee; values: the kind of access
        grantee, access = isolate(entry.detail or ""), _access(entry.new_value)
        if entry.old_value:
            return QCoreApplication.translate(
                "AuditLog", "with {name} as {access} (was {previous})"
            ).format(name=grantee, access=access, previous=_access(entry.old_value))
        return QCoreApplication.translate("AuditLog", "with {name} as {access}").format(
            name=grantee, access=access
        )
    if kind is AuditKind.SESSION_UNSHARED:
        return QCoreApplication.translate("AuditLog", "from {name} ({access})").format(
            name=isolate(entry.detail or ""), access=_access(entry.old_value)
        )
    if kind is AuditKind.PARTICIPANT_ADDED:
        return entry.contact or _tr(NO_CONTACT)
    if kind in _INVITATION_KINDS:
        return _invitation_detail(entry)
    result = (entry.result or "").replace("_", " ")  # a join's or a request's outcome
    parts = [entry.detail, entry.old_value, entry.new_value, result]
    return " · ".join(part for part in parts if part)


#: A participant added with no phone or e-mail (so not invited).
NO_CONTACT = str(QT_TRANSLATE_NOOP("AuditLog", "no phone or e-mail: not invited"))
#: How an invitation went out (``new_value`` of ``invitation_sent``).
CHANNELS = {
    "sms": str(QT_TRANSLATE_NOOP("AuditLog", "by SMS")),
    "email": str(QT_TRANSLATE_NOOP("AuditLog", "by e-mail")),
}
#: Which invitation was queued (``new_value`` of ``invitation_queued``).
QUEUED_AS = {
    "first": str(QT_TRANSLATE_NOOP("AuditLog", "first invite")),
    "resend": str(QT_TRANSLATE_NOOP("AuditLog", "resend")),
}
#: What became of a failed try (``result`` of ``invitation_failed``).
FAILED_RESULTS = {
    "retry": str(QT_TRANSLATE_NOOP("AuditLog", "will be tried again")),
    "failed": str(QT_TRANSLATE_NOOP("AuditLog", "failed for good")),
}
_INVITATION_KINDS = (
    AuditKind.INVITATION_QUEUED,
    AuditKind.INVITATION_SENT,
    AuditKind.INVITATION_FAILED,
    AuditKind.INVITATION_DELIVERED,
)


def _invitation_detail(entry: AuditEntry) -> str:
    """``I-7QKM0004 · first invite · to +44 •••• ••12``; a failed try with its reason and
    whether it is tried again. A stored value this version does not know is shown as is."""
    kind, value = entry.kind, entry.new_value or ""
    to = (
        QCoreApplication.translate("AuditLog", "to {contact}").format(
            contact=isolate(entry.contact)
        )
        if entry.contact
        else ""
    )
    if kind is AuditKind.INVITATION_QUEUED:
        parts = [_known(QUEUED_AS, value), to]
    elif kind is AuditKind.INVITATION_SENT:
        parts = [" ".join(filter(None, (_known(CHANNELS, value), to)))]
    elif kind is AuditKind.INVITATION_FAILED:
        result = entry.result or ""
        parts = [to, value, _known(FAILED_RESULTS, result)]
    else:  # delivered
        parts = [to]
    return " · ".join(part for part in (entry.detail, *parts) if part)


def _known(words: dict[str, str], value: str) -> str:
    """``value``'s words in ``words``, in the user's language; an unknown value as it is."""
    return _tr(words[value]) if value in words else value


def _tr(text: str) -> str:
    """One of the audit log's own words in the user's language (thread-safe: the rows'
    words are made on the store's worker)."""
    return QCoreApplication.translate("AuditLog", text)


def _access(kind: str | None) -> str:
    """``co_agent`` as a person reads it: ``co-agent``."""
    return (kind or "access").replace("_", "-")


class AuditRow:
    """One entry as the table shows it: its cells' words, made once."""

    __slots__ = ("cells", "entry", "tooltips")

    def __init__(self, entry: AuditEntry) -> None:
        self.entry = entry
        detail = detail_of(entry)
        self.cells = (
            local_time(entry.at),
            _(entry.kind.label),
            person_of(entry),
            entry.session_id or "",
            entry.participant_id or "",
            detail,
        )
        when = QCoreApplication.translate(
            "AuditLog", "Entry #{number}, recorded {when} UTC"
        ).format(number=entry.seq, when=isolate(f"{entry.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}"))
        self.tooltips = (when, when, entry.actor, "", "", detail)


class AuditPage:
    """What one read of the trail brought back: rows, and whether more lie beyond them."""

    __slots__ = ("more", "oldest", "rows")

    def __init__(self, rows: list[AuditRow], more: bool, oldest: date | None = None) -> None:
        self.rows = rows
        self.more = more
        #: The local date of the oldest entry in the whole trail, when it was asked for.
        self.oldest = oldest


def read_page(
    store: Store, query: AuditQuery, *, last_seq: int | None, with_oldest: bool
) -> AuditPage:
    """The next :data:`PAGE_SIZE` entries of ``query`` after ``last_seq`` (worker thread).

    The store numbers entries in order and returns them newest first, so the
    next page is the entries numbered below ``last_seq``, the oldest one held
    (None: from the newest): the same cost however many are held, and right even
    when entries were added meanwhile. One entry more than a page says whether
    more lie beyond.
    """
    entries = store.audit_entries(query.replace(before_seq=last_seq, limit=PAGE_SIZE + 1))
    more = len(entries) > PAGE_SIZE
    oldest: date | None = None
    if with_oldest:
        first = store.audit_entries(AuditQuery(limit=1, oldest_first=True))
        oldest = first[0].at.astimezone().date() if first else None
    return AuditPage([AuditRow(entry) for entry in entries[:PAGE_SIZE]], more, oldest)


def count_entries(store: Store, query: AuditQuery) -> int:
    """How many entries ``query`` selects, counted by the store (worker thread)."""
    return store.count_audit_entries(query.replace(before_seq=None))


def is_unfiltered(query: AuditQuery) -> bool:
    return not (query.kinds or query.person or query.since or query.until or query.text)


# -- the table model ------------------------------------------------------------------------


Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """The audit trail's entries for a query, newest first, a page at a time.

    Signals:
        loaded(): a page arrived (the first after :meth:`set_query`, or one more);
            :attr:`count_text` may have changed.
        failed(str): the store could not be read; the sentence says why.

    It holds no rules: the store filters, the core names kinds and roles. It
    never reads the store on the GUI thread, and drops an answer to a query
    that has since been replaced.
    """

    loaded = Signal()
    failed = Signal(str)

    def __init__(self, hub: StoreHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.rows: list[AuditRow] = []
        self.query: AuditQuery | None = None
        self.more = False
        self.loading = False
        #: The local date of the oldest entry of the trail, once read.
        self.oldest: date | None = None
        #: How many entries the query selects, once counted.
        self.counted: int | None = None
        #: The entry where the chain breaks, shown in ``broken_colour``.
        self.broken_seq: int | None = None
        self.broken_colour: QColor | None = None
        self._generation = 0
        self._fetching = False

    # -- reading -----------------------------------------------------------------

    def set_query(self, query: AuditQuery) -> None:
        """Show the entries ``query`` selects, from the newest; the rows come a moment later."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self.more = False
        self.counted = None
        self.query = query
        self.loading = True
        self._fetching = True
        self.endResetModel()
        self._read(last_seq=None, first=True)

    def clear(self) -> None:
        """Forget every row and any answer still on its way (Preferences locked again)."""
        self._generation += 1
        self.beginResetModel()
        self.rows, self.query, self.counted = [], None, None
        self.more = self.loading = self._fetching = False
        self.endResetModel()

    def _read(self, *, last_seq: int | None, first: bool) -> None:
        query, generation = self.query, self._generation
        if query is None:
            return
        with_oldest = first and self.oldest is None

        def done(page: AuditPage) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self._arrived(page, first=first)

        def failed(error: CollabConsoleError) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self.loading = self._fetching = False
                self.more = False
                self.failed.emit(error.sentence)

        self.hub.call(
            lambda store: read_page(store, query, last_seq=last_seq, with_oldest=with_oldest),
            done,
            failed,
        )

    def _arrived(self, page: AuditPage, *, first: bool) -> None:
        if page.oldest is not None:
            self.oldest = page.oldest
        if page.rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.more = page.more
        self.loading = self._fetching = False
        self.loaded.emit()
        if first and page.more and self.query is not None and not is_unfiltered(self.query):
            self._count(self.query)

    def _count(self, query: AuditQuery) -> None:
        """Count what ``query`` selects, after its first rows are on screen."""
        generation = self._generation

        def done(count: int) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self.counted = count
                self.loaded.emit()

        self.hub.call(lambda store: count_entries(store, query), done, lambda _error: None)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's default
        return not parent.isValid() and self.more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's default
        if not self.canFetchMore(parent) or not self.rows:
            return
        self._fetching = True
        self._read(last_seq=self.rows[-1].entry.seq, first=False)

    # -- what the table shows ----------------------------------------------------

    @property
    def count_text(self) -> str:
        """``N entries`` for what the filters select, as far as it is known."""
        if self.loading:
            return _tr(READING)
        if self.query is None:
            return ""
        held = len(self.rows)
        if self.counted is not None and self.more:
            return QCoreApplication.translate("AuditLog", "{count} entries").format(
                count=f"{self.counted:,}"
            )
        if not self.more:
            if held == 0:
                if is_unfiltered(self.query):
                    return QCoreApplication.translate("AuditLog", "No entries.")
                return QCoreApplication.translate("AuditLog", "No entries match.")
            if held == 1:
                return QCoreApplication.translate("AuditLog", "1 entry")
            return QCoreApplication.translate("AuditLog", "{count} entries").format(
                count=f"{held:,}"
            )
        if is_unfiltered(self.query):
            # Entries are numbered 1, 2, 3… without gaps: the newest's number is the count.
            return QCoreApplication.translate("AuditLog", "{count} entries").format(
                count=f"{self.rows[0].entry.seq:,}"
            )
        return QCoreApplication.translate("AuditLog", "More than {count} entries").format(
            count=f"{held:,}"
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltips[index.column()] or None
        if role == Qt.ItemDataRole.ForegroundRole and row.entry.seq == self.broken_seq:
            return self.broken_colour
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        return None


# -- the page -------------------------------------------------------------------------------


def python_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in this computer's time zone."""
    return datetime.combine(day, time.min).astimezone()


class AuditLogPage(QObject):
    """The filters, the table and the warnings of the Audit log page.

    Signals:
        tamper_found(str): the chain of the trail is broken; the text is the
            console's one-time status bar warning.

    The From and To dates start at the oldest entry's day and today: at those
    ends they do not filter, so entries added after midnight still show. The
    table follows the filters once typing pauses :data:`AUDIT_FILTER_DELAY_MS`.
    Nothing is read before :meth:`start` (an admin unlocked), and :meth:`stop`
    forgets every row (locked again).
    """

    tamper_found = Signal(str)

    def __init__(self, form: QWidget, hub: StoreHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.page = child(form, QWidget, "auditLogPage")
        self.table = child(form, QTableView, "auditTable")
        self.kind_filter = child(form, QComboBox, "auditKindFilter")
        self.person_filter = child(form, QLineEdit, "auditPersonFilter")
        self.from_filter = child(form, QDateEdit, "auditFromFilter")
        self.to_filter = child(form, QDateEdit, "auditToFilter")
        self.text_filter = child(form, QLineEdit, "auditTextFilter")
        self.count_label = child(form, QLabel, "auditCount")
        self.tamper_frame = child(form, QFrame, "auditTamperFrame")
        self.tamper_icon = child(form, QLabel, "auditTamperIcon")
        self.tamper_warning = child(form, QLabel, "auditTamperWarning")
        self.found_break: AuditBreak | None = None
        #: Whether the last check of the chain has finished: its end reached, a break
        #: found, or the store failed (False before the first).
        self.checked = False
        #: The number of the last entry the check in progress found matching.
        self.checked_through = 0
        self.started = False
        self._check_generation = 0

        self.model = AuditTableModel(hub, self)
        self._set_up_table()
        self.kind_filter.addItem(_tr(ALL_KINDS), None)
        for kind in AuditKind:
            self.kind_filter.addItem(_(kind.label), kind.value)
        for edit in (self.from_filter, self.to_filter):
            edit.setEnabled(False)  # until the trail's first day is known
        self.tamper_frame.hide()
        self.tamper_icon.setAccessibleName(QCoreApplication.translate("AuditLog", "Warning"))
        self.count_label.setText("")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(AUDIT_FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.kind_filter.currentIndexChanged.connect(self._filters_changed)
        self.person_filter.textChanged.connect(self._filters_changed)
        self.text_filter.textChanged.connect(self._filters_changed)
        self.from_filter.dateChanged.connect(self._from_changed)
        self.to_filter.dateChanged.connect(self._to_changed)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)

    def _set_up_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = table.fontMetrics()
        for column, sample in enumerate(COLUMN_SAMPLES):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 12)
        rows = table.verticalHeader()
        rows.hide()
        # Every row the same height: the view need not measure rows it has not shown.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 8)

    # -- starting and stopping -------------------------------------------------------

    def start(self) -> None:
        """An admin unlocked: read the newest entries, then check the chain."""
        self.started = True
        self.apply_filters()
        self.check_chain()

    def stop(self) -> None:
        """Locked again: forget the rows and any answer on its way; the check stops."""
        self.started = False
        self._check_generation += 1
        self._debounce.stop()
        self.model.clear()
        set_text(self.count_label, "")

    def check_chain(self) -> None:
        """Check the chain, :data:`CHECK_SLICE` entries per store call, oldest first.

        Each slice is asked for when the one before answers, so whatever else
        the console asks of the store meanwhile waits one slice at most. The
        banner shows as soon as a slice finds a break; the check ends there, at
        the end of the trail, or when the page is stopped (or a new check begins).
        """
        self._check_generation += 1
        generation = self._check_generation
        self.checked = False
        self.checked_through = 0

        def current() -> bool:
            return Shiboken.isValid(self) and self.started and generation == self._check_generation

        def ask(after_seq: int, prev_hash: str) -> None:
            self.hub.call(
                lambda store: store.verify_audit_slice(after_seq, prev_hash, CHECK_SLICE),
                done,
                failed,
            )

        def done(progress: AuditProgress) -> None:
            if not current():
                return
            self.checked_through = progress.last_seq
            if not progress.finished:
                ask(progress.last_seq, progress.last_hash)
                return
            self.checked = True
            self.show_break(progress.found)

        def failed(error: CollabConsoleError) -> None:
            if current():
                self.checked = True
                self._failed(error.sentence)

        ask(0, GENESIS)

    # -- the filters ---------------------------------------------------------------------

    def _filters_changed(self) -> None:
        if self.started:
            self._debounce.start()

    def _from_changed(self, chosen: QDate) -> None:
        self.to_filter.setMinimumDate(chosen)
        self._filters_changed()

    def _to_changed(self, chosen: QDate) -> None:
        self.from_filter.setMaximumDate(chosen)
        self._filters_changed()

    def query(self) -> AuditQuery:
        """The filters as the store's query (a date at its end of the range does not filter)."""
        kind = self.kind_filter.currentData()
        since = until = None
        if self.from_filter.isEnabled() and self.from_filter.date() > self._first_day():
            since = local_midnight(python_date(self.from_filter.date()))
        if self.to_filter.isEnabled() and self.to_filter.date() < self._last_day():
            until = local_midnight(python_date(self.to_filter.date()) + timedelta(days=1))
        return AuditQuery(
            kinds=frozenset({AuditKind(kind)}) if kind else None,
            person=self.person_filter.text().strip() or None,
            since=since,
            until=until,
            text=self.text_filter.text().strip() or None,
            limit=PAGE_SIZE,
        )

    def _first_day(self) -> QDate:
        oldest = self.model.oldest
        if oldest is None:
            return QDate.currentDate()
        return QDate(oldest.year, oldest.month, oldest.day)

    def _last_day(self) -> QDate:
        return QDate.currentDate()

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.model.set_query(self.query())
        set_text(self.count_label, self.model.count_text)

    def _loaded(self) -> None:
        set_text(self.count_label, self.model.count_text)
        if not self.from_filter.isEnabled() and self.model.oldest is not None:
            self._set_date_range()

    def _set_date_range(self) -> None:
        """From and To span the trail, from its first day to today; then they filter."""
        first, last = self._first_day(), self._last_day()
        for edit in (self.from_filter, self.to_filter):
            edit.blockSignals(True)
            edit.setDateRange(first, last)
            edit.blockSignals(False)
            edit.setEnabled(True)
        self.from_filter.blockSignals(True)
        self.to_filter.blockSignals(True)
        self.from_filter.setDate(first)
        self.to_filter.setDate(last)
        self.from_filter.blockSignals(False)
        self.to_filter.blockSignals(False)

    def _failed(self, sentence: str) -> None:
        set_text(
            self.count_label,
            QCoreApplication.translate(
                "AuditLog", "The audit trail could not be read: {reason}"
            ).format(reason=sentence),
        )

    # -- a broken chain ------------------------------------------------------------------

    def show_break(self, found: AuditBreak | None) -> None:
        """Show the red banner (and say it once in the console) when the chain is broken."""
        self.found_break = found
        self.model.broken_seq = found.seq if found is not None else None
        self.tamper_frame.setVisible(found is not None)
        if found is None:
            return
        message = found.message
        text = QCoreApplication.translate(
            "AuditLog",
            "{message}. The entries before #{number} still match "
            "their hashes; this one and those after it may have been changed, removed or "
            "slipped in.",
        ).format(message=f"{message[:1].upper()}{message[1:]}", number=found.seq)
        set_text(
            self.tamper_warning,
            text,
            accessible=QCoreApplication.translate(
                "AuditLog", "Warning: the audit trail was altered"
            ),
        )
        self.tamper_warning.setAccessibleDescription(text)
        self.restyle()
        top, bottom = self.model.index(0, 0), self.model.index(self.model.rowCount() - 1, 0)
        if self.model.rowCount():
            self.model.dataChanged.emit(top, bottom.siblingAtColumn(len(HEADERS) - 1))
        self.tamper_found.emit(_tr(TAMPER_STATUS).format(message=message))

    def restyle(self) -> None:
        """The banner's red and icon for the palette in force (after a change of look)."""
        self.tamper_warning.setStyleSheet(error_style_for(self.tamper_warning, bold=True))
        red = error_colour(*painted_background(self.tamper_frame))
        self.model.broken_colour = error_colour(self.table.palette(), QPalette.ColorRole.Base)
        self.tamper_frame.setStyleSheet(
            f"#auditTamperFrame {{ border: 2px solid {red.name()}; border-radius: 4px; }}"
        )
        icon = self.tamper_icon.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        side = self.tamper_icon.fontMetrics().height() * 2
        self.tamper_icon.setPixmap(
            icon.pixmap(QSize(side, side), self.tamper_icon.devicePixelRatioF())
        )
