"""The links of one session: every link made for its people, and stopping them.

A Session URL is a link made for one person each time it is copied or an
invitation is sent (``core.links``). This dialog lists every link of a session
as the store keeps it (never a token: the store has none), with who made it,
when, when it expires, whether it was used and what state it is in, and lets
the agent revoke one link or regenerate every link of one person (all revoked
at once, and a new invitation queued for them when they have a contact, which the
console's sender sends with a link of its own) while the session goes on.

The table model is a thin adapter over ``Store.list_links``: the state of each
link is the core's (:meth:`Link.state`), its words the core's labels. Every
store call goes through the hub, off the GUI thread; the dialog follows
``StoreHub.links_changed``, so a link made, used or stopped elsewhere (another
console, the CLI, the join service) shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import clock
from collab_console.core.delivery import Delivery
from collab_console.core.domain import Participant, Session, SessionSummary
from collab_console.core.errors import CollabConsoleError
from collab_console.core.i18n import _, isolate
from collab_console.core.identity import current_user
from collab_console.core.links import Link, LinkState
from collab_console.core.records import Record
from collab_console.gui.confirm import confirm
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.models import (
    ACCESSIBLE_TEXT_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TOOLTIP_ROLE,
    moment_text,
)
from collab_console.gui.privacy import PrivacyScreen
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import MIN_CONTRAST, contrast_ratio, error_style_for, muted_colour

if TYPE_CHECKING:
    from collab_console.store import Store

#: Qt.ItemDataRole.FontRole as a number (see gui/models.py for why not the enum).
FONT_ROLE = 6
#: The columns, in order.
HEADERS = (
    str(QT_TRANSLATE_NOOP("LinksDialog", "Person")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Link")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Purpose")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Made by")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Made")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Expires")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "Used")),
    str(QT_TRANSLATE_NOOP("LinksDialog", "State")),
)
PERSON, LINK, PURPOSE, MADE_BY, MADE, EXPIRES, USED, STATE = range(len(HEADERS))
#: The first item of the person filter.
EVERYONE = str(QT_TRANSLATE_NOOP("LinksDialog", "Everyone"))
READING = str(QT_TRANSLATE_NOOP("LinksDialog", "Reading the links…"))
NO_LINKS = str(QT_TRANSLATE_NOOP("LinksDialog", "No links yet."))
UNTIL_SESSION_ENDS = str(QT_TRANSLATE_NOOP("LinksDialog", "When the session ends"))
NOT_USED = str(QT_TRANSLATE_NOOP("LinksDialog", "Not yet"))
#: The dialog's title before it shows a session.
LINKS_TITLE = str(QT_TRANSLATE_NOOP("LinksDialog", "Links"))
#: The longest wait before the states are looked at again for a link that expires.
_LONGEST_WAIT_MS = 60 * 60 * 1000

REGENERATE_TITLE = str(QT_TRANSLATE_NOOP("LinksDialog", "Regenerate links"))
REGENERATE_TEXT = str(
    QT_TRANSLATE_NOOP(
        "LinksDialog",
        "Stop every link of {name} now and send them a new invitation? Anyone who holds "
        "an old link, {name} included, can no longer join with it; the new invitation "
        "goes out at once, with a new link, to {name}'s contact. The session goes on.",
    )
)
#: The same for a person with no contact: nobody can be sent anything.
REGENERATE_NO_CONTACT_TEXT = str(
    QT_TRANSLATE_NOOP(
        "LinksDialog",
        "Stop every link of {name} now? Anyone who holds an old link, {name} included, can "
        "no longer join with it. {name} has no contact, so no new invitation goes out: give "
        "them the session's details another way. The session goes on.",
    )
)


def when_text(moment: datetime, now: datetime) -> str:
    """``moment`` in local time, as the session list shows times: "09:30" today, else
    "4 Mar 09:30" ("4 Mar 2025 09:30" in another year)."""
    return moment_text(moment, now)


class LinkRow(Record):
    """One link as the table shows it, with the person it is for."""

    link: Link
    #: The person's name (shown masked with the privacy screen on).
    person: str
    #: "Customer" or "Document participant"; empty for a person the session no longer lists.
    role: str


#: States of a link that may still let someone in, so Revoke stops it: a live link, and one
#: used up by its first join (the browser that joined could come back with it).
REVOCABLE = (LinkState.LIVE, LinkState.USED)


def link_rows(session: Session, links: list[Link]) -> list[LinkRow]:
    """The table's rows: each link with the name and role of its person (worker thread)."""
    people = {person.access_id: person for person in session.everyone}
    rows = []
    for link in links:
        person = people.get(link.access_id)
        rows.append(
            LinkRow(
                link,
                person.name if person is not None else link.access_id,
                person.role.label if person is not None else "",
            )
        )
    return rows


def quiet_colour(palette: QPalette) -> QColor:
    """Text for stopped links: quieter than live ones, still 4.5:1 on both row colours."""
    rows = (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase)
    for role in rows:
        colour = muted_colour(palette, role)
        if all(contrast_ratio(colour, palette.color(row)) >= MIN_CONTRAST for row in rows):
            return colour
    return palette.color(QPalette.ColorRole.Text)


Index = QModelIndex | QPersistentModelIndex


class LinksModel(QAbstractTableModel):
    """The links of one session, newest first (the store's order), one row each.

    It holds no rules: a link's state is ``Link.state(now)``, its words the
    core's labels. With the privacy screen on, people's names are masked.
    ``now`` (for tests) says what time it is.
    """

    def __init__(
        self,
        privacy: PrivacyScreen,
        now: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.privacy = privacy
        self.now = now
        self.rows: list[LinkRow] = []
        privacy.changed.connect(self.refresh)

    def set_rows(self, rows: list[LinkRow]) -> None:
        """Show ``rows``: in place when the same links are listed, else afresh."""
        if [r.link.link_id for r in rows] == [r.link.link_id for r in self.rows]:
            self.rows = rows
            self.refresh()
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def refresh(self, *_: object) -> None:
        """Every cell's words may have changed (time passed, the privacy screen switched)."""
        if self.rows:
            last = self.index(len(self.rows) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_of(self, link_id: str) -> int:
        return next((n for n, row in enumerate(self.rows) if row.link.link_id == link_id), -1)

    def state(self, row: int) -> LinkState:
        return self.rows[row].link.state(self.now())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Any, role: int = DISPLAY_ROLE) -> Any:
        if role == DISPLAY_ROLE and orientation == Qt.Orientation.Horizontal:
            return _tr(HEADERS[section]) if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
            return self.cell(row, index.column())
        if role == TOOLTIP_ROLE:
            return self.tooltip(row)
        if role == FOREGROUND_ROLE and row.link.state(self.now()) is not LinkState.LIVE:
            return quiet_colour(QApplication.palette())
        if (
            role == FONT_ROLE
            and index.column() == STATE
            and row.link.state(self.now()) is LinkState.LIVE
        ):
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        return None

    def cell(self, row: LinkRow, column: int) -> str:
        link, now = row.link, self.now()
        if column == PERSON:
            return self.privacy.name(row.person)
        if column == LINK:
            return link.link_id
        if column == PURPOSE:
            return _(link.purpose.label)
        if column == MADE_BY:
            return link.made_by
        if column == MADE:
            return when_text(link.made_at, now)
        if column == EXPIRES:
            expires = link.expires_at
            return _tr(UNTIL_SESSION_ENDS) if expires is None else when_text(expires, now)
        if column == USED:
            return _tr(NOT_USED) if link.used_at is None else when_text(link.used_at, now)
        if column == STATE:
            return _(link.state(now).label)
        return ""

    def tooltip(self, row: LinkRow) -> str:
        """The whole story of a link, in local time, to the minute."""
        link = row.link
        name, link_id = self.privacy.name(row.person), isolate(link.link_id)
        lines = [
            QCoreApplication.translate("LinksDialog", "Link {link_id} for {name} ({role})").format(
                link_id=link_id, name=name, role=_(row.role)
            )
            if row.role
            else QCoreApplication.translate("LinksDialog", "Link {link_id} for {name}").format(
                link_id=link_id, name=name
            ),
            QCoreApplication.translate("LinksDialog", "{purpose} by {name} at {when}").format(
                purpose=_(link.purpose.label),
                name=isolate(link.made_by),
                when=_full(link.made_at),
            ),
            QCoreApplication.translate("LinksDialog", "Expires when the session ends")
            if link.expires_at is None
            else QCoreApplication.translate("LinksDialog", "Expires at {when}").format(
                when=_full(link.expires_at)
            ),
        ]
        if link.first_join_only:
            lines.append(QCoreApplication.translate("LinksDialog", "Works for the first join only"))
        lines.append(
            QCoreApplication.translate("LinksDialog", "Not used yet")
            if link.used_at is None
            else QCoreApplication.translate("LinksDialog", "Used at {when}").format(
                when=_full(link.used_at)
            )
        )
        if link.revoked_at is not None:
            when = _full(link.revoked_at)
            lines.append(
                QCoreApplication.translate("LinksDialog", "Revoked by {name} at {when}").format(
                    name=isolate(link.revoked_by), when=when
                )
                if link.revoked_by
                else QCoreApplication.translate("LinksDialog", "Revoked at {when}").format(
                    when=when
                )
            )
        elif link.session_ended:
            lines.append(
                QCoreApplication.translate("LinksDialog", "Stopped when the session ended")
            )
        return "\n".join(lines)


def _full(moment: datetime) -> str:
    return isolate(f"{moment.astimezone():%Y-%m-%d %H:%M}")


class LinksDialog(QDialog):
    """The links of the session it shows (:meth:`show_session`); not modal.

    Signals:
        said(str): what it did (revoked, regenerated), for the console's status bar.

    Revoke stops the selected live link; Regenerate (after a box naming the
    two choices) stops every live link of the chosen person and queues a new
    invitation for them, in one store transaction; the console's sender makes
    its link when it sends it (no URL ever reaches this dialog). Neither ends
    the session. It never calls the store on the GUI thread, and drops an
    answer for a session it no longer shows.
    """

    said = Signal(str)

    def __init__(
        self,
        hub: StoreHub,
        privacy: PrivacyScreen | None = None,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.privacy = privacy if privacy is not None else PrivacyScreen(parent=self)
        self.now = now or clock.now
        self.session_id: str | None = None
        self.session: Session | None = None
        self.loaded = False
        self.busy = False
        self._generation = 0
        self._select_after: str | None = None
        self.setObjectName("linksDialog")
        self.setWindowTitle(_tr(LINKS_TITLE))
        self.form = load_form("links", self)
        QVBoxLayout(self).addWidget(self.form)
        self.resize(920, 480)

        self.table = child(self.form, QTableView, "linksTable")
        self.person_filter = child(self.form, QComboBox, "linksPersonFilter")
        self.count_label = child(self.form, QLabel, "linksCount")
        self.message = child(self.form, QLabel, "linksMessage")
        self.revoke_button = child(self.form, QPushButton, "revokeLinkButton")
        self.regenerate_button = child(self.form, QPushButton, "regenerateLinksButton")
        buttons = child(self.form, QDialogButtonBox, "linksButtons")
        self.close_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Close,
            "closeLinksButton",
            QCoreApplication.translate("LinksDialog", "Close"),
        )
        self.close_button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.message.hide()

        self.model = LinksModel(self.privacy, self.now, self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self._time_passed)

        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.person_filter.currentIndexChanged.connect(self._filter_changed)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.privacy.changed.connect(self._privacy_changed)
        # Bound methods, not lambdas: Qt drops them with the dialog, the hub lives on.
        hub.links_changed.connect(self._links_changed)
        hub.session_ended.connect(self._session_ended)
        hub.sessions_reloaded.connect(self._sessions_reloaded)
        self._update_actions()

    # -- which session --------------------------------------------------------------

    def show_session(self, session_id: str) -> None:
        """List the links of ``session_id`` (read a moment later)."""
        if session_id != self.session_id:
            self.session_id = session_id
            self.session = None
            self.loaded = False
            self.model.set_rows([])
            self._set_people(None)
            self._say("")
            self._retitle()
        self.reload()

    def reload(self) -> None:
        """Read the session and its links afresh, on the store's worker."""
        session_id = self.session_id
        if session_id is None:
            return
        self._generation += 1
        generation = self._generation
        if not self.loaded:
            set_text(self.count_label, _tr(READING))
            self.count_label.setStyleSheet("")

        def read(store: Store) -> tuple[Session, list[LinkRow]]:
            session = store.get_session(session_id)
            return session, link_rows(session, store.list_links(session_id))

        def done(result: tuple[Session, list[LinkRow]]) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                self._arrived(*result)

        def failed(error: CollabConsoleError) -> None:
            if Shiboken.isValid(self) and generation == self._generation:
                set_text(
                    self.count_label,
                    QCoreApplication.translate(
                        "LinksDialog", "The links could not be read: {reason}"
                    ).format(reason=error.sentence),
                )
                self.count_label.setStyleSheet(error_style_for(self.count_label))

        self.hub.call(read, done, failed)

    def _links_changed(self, session_id: str) -> None:
        if session_id == self.session_id:
            self._reload_if_shown()

    def _session_ended(self, summary: SessionSummary) -> None:
        self._links_changed(summary.session_id)  # its links are all "Session ended" now

    def _sessions_reloaded(self, _sessions: object) -> None:
        self._reload_if_shown()  # the store said too much changed to tell what

    def _reload_if_shown(self) -> None:
        # Closed, it reads nothing: show_session() reads afresh when it is opened again.
        if self.session_id is not None and self.isVisible():
            self.reload()

    def _arrived(self, session: Session, rows: list[LinkRow]) -> None:
        selected = self.selected_link()
        wanted = self._select_after or (selected.link_id if selected is not None else None)
        self._select_after = None
        first = not self.loaded
        self.session = session
        self.loaded = True
        if first or session.everyone != tuple(self._people()):
            self._set_people(session)
        self.model.set_rows(rows)
        self._refilter()
        if wanted is not None:
            self.select_link(wanted)
        self.count_label.setStyleSheet("")
        self._retitle()
        self._update_actions()
        self._schedule_expiry()

    # -- the person filter -----------------------------------------------------------

    def _people(self) -> list[Participant]:
        people = []
        for n in range(1, self.person_filter.count()):
            person = self.person_filter.itemData(n)
            if isinstance(person, Participant):
                people.append(person)
        return people

    def _set_people(self, session: Session | None) -> None:
        """Fill the filter: Everyone, then each person of the session, the customer first."""
        chosen = self.chosen_person()
        self.person_filter.blockSignals(True)
        self.person_filter.clear()
        self.person_filter.addItem(_tr(EVERYONE), None)
        for person in session.everyone if session is not None else ():
            self.person_filter.addItem(self._person_text(person), person)
        index = 0
        if chosen is not None:
            found = self.person_filter.findData(chosen)
            index = max(found, 0)
        self.person_filter.setCurrentIndex(index)
        self.person_filter.blockSignals(False)

    def _person_text(self, person: Participant) -> str:
        return QCoreApplication.translate("LinksDialog", "{name} ({role})").format(
            name=self.privacy.name(person.name), role=_(person.role.label)
        )

    def chosen_person(self) -> Participant | None:
        """The person the filter shows, or None for everyone."""
        person = self.person_filter.currentData()
        return person if isinstance(person, Participant) else None

    def choose_person(self, access_id: str | None) -> None:
        """Show only the links of the person with ``access_id`` (None: everyone's)."""
        for n in range(self.person_filter.count()):
            person = self.person_filter.itemData(n)
            found = person.access_id if isinstance(person, Participant) else None
            if found == access_id:
                self.person_filter.setCurrentIndex(n)
                return

    def _filter_changed(self, _index: int) -> None:
        self._refilter()
        self._update_actions()

    def _refilter(self) -> None:
        person = self.chosen_person()
        for row, item in enumerate(self.model.rows):
            hide = person is not None and item.link.access_id != person.access_id
            if self.table.isRowHidden(row) != hide:
                self.table.setRowHidden(row, hide)
        selected = self.selected_link()
        if selected is not None and person is not None and selected.access_id != person.access_id:
            self.table.clearSelection()
        self._count()

    def visible_rows(self) -> list[int]:
        return [n for n in range(self.model.rowCount()) if not self.table.isRowHidden(n)]

    def _count(self) -> None:
        if not self.loaded:
            return
        shown = self.visible_rows()
        live = sum(self.model.state(n) is LinkState.LIVE for n in shown)
        if not shown:
            text = _tr(NO_LINKS)
        elif len(shown) == 1:
            text = QCoreApplication.translate("LinksDialog", "1 link, {live} live").format(
                live=live
            )
        else:
            text = QCoreApplication.translate("LinksDialog", "{count} links, {live} live").format(
                count=len(shown), live=live
            )
        set_text(self.count_label, text)

    # -- acting on links -------------------------------------------------------------

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected_link(self) -> Link | None:
        row = self.selected_row()
        return self.model.rows[row].link if row is not None else None

    def select_link(self, link_id: str) -> bool:
        row = self.model.row_of(link_id)
        if row < 0 or self.table.isRowHidden(row):
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def regenerate_target(self) -> Participant | None:
        """Whose links Regenerate stops: the person filtered on, else the selected link's."""
        person = self.chosen_person()
        if person is not None:
            return person
        link = self.selected_link()
        if link is None or self.session is None:
            return None
        return next((p for p in self.session.everyone if p.access_id == link.access_id), None)

    def _update_actions(self, *_: object) -> None:
        active = self.session is not None and self.session.is_active and not self.busy
        link = self.selected_link()
        revocable = link is not None and link.state(self.now()) in REVOCABLE
        self.revoke_button.setEnabled(active and revocable)
        self.revoke_button.setToolTip(
            QCoreApplication.translate("LinksDialog", "Stop link {link_id} now.").format(
                link_id=isolate(link.link_id)
            )
            if link is not None and revocable
            else ""
        )
        target = self.regenerate_target()
        self.regenerate_button.setEnabled(active and target is not None)
        what = QCoreApplication.translate(
            "LinksDialog", "Choose a person, or a link of theirs, first."
        )
        if target is not None:
            what = (
                QCoreApplication.translate(
                    "LinksDialog", "Stop every link of {name} and send them a new invitation."
                )
                if target.contact
                else QCoreApplication.translate("LinksDialog", "Stop every link of {name}.")
            ).format(name=self.privacy.name(target.name))
        self.regenerate_button.setToolTip(what)
        self.regenerate_button.setAccessibleDescription(what)

    def revoke_selected(self) -> None:
        """Stop the selected link now (through the store's worker)."""
        link = self.selected_link()
        if link is None or self.busy or link.state(self.now()) not in REVOCABLE:
            return
        row = self.model.rows[self.model.row_of(link.link_id)]
        name = self.privacy.name(row.person)
        link_id, actor = link.link_id, current_user()

        def done(_event: object) -> None:
            self._done(
                QCoreApplication.translate(
                    "LinksDialog",
                    "Revoked link {link_id} of {name}. It no longer opens the session.",
                ).format(link_id=isolate(link_id), name=name)
            )

        self._run(lambda store: store.revoke_link(link_id, actor=actor, now=self.now()), done)

    def regenerate(self) -> None:
        """Ask, then stop every live link of the target person and queue their new
        invitation."""
        person = self.regenerate_target()
        session_id = self.session_id
        if person is None or session_id is None or self.busy:
            return
        name = self.privacy.name(person.name)
        if not self._confirm_regenerate(name, invites=bool(person.contact)):
            return
        access_id, actor = person.access_id, current_user()

        def done(result: tuple[object, ...]) -> None:
            revoked, queued = result[0], result[1]
            if revoked == 1:
                stopped = QCoreApplication.translate("LinksDialog", "Revoked 1 link of {name}")
            elif revoked:
                stopped = QCoreApplication.translate(
                    "LinksDialog", "Revoked {count} links of {name}"
                )
            else:
                stopped = QCoreApplication.translate("LinksDialog", "{name} had no live link")
            stopped = stopped.format(count=revoked, name=name)
            if isinstance(queued, Delivery):
                text = QCoreApplication.translate(
                    "LinksDialog", "{stopped}; a new invitation is queued ({delivery})."
                ).format(stopped=stopped, delivery=_(queued.label))
            else:
                text = QCoreApplication.translate(
                    "LinksDialog", "{stopped}; {name} has no contact, so no invitation was queued."
                ).format(stopped=stopped, name=name)
            self._done(text)

        def job(store: Store) -> tuple[object, ...]:
            revoked, queued, events = store.regenerate_links(
                session_id, access_id, actor=actor, now=self.now()
            )
            # The events beside the values, where the hub finds and applies them (the
            # invitation's wakes the console's sender).
            return (revoked, queued, *events)

        self._run(job, done)

    def _confirm_regenerate(self, name: str, *, invites: bool) -> bool:
        """Ask first; "Keep links" is the default and what Esc does."""
        text = _tr(REGENERATE_TEXT if invites else REGENERATE_NO_CONTACT_TEXT)
        return confirm(
            self,
            name="regenerateLinksBox",
            title=_tr(REGENERATE_TITLE),
            text=text.format(name=name),
            act=(
                QCoreApplication.translate("LinksDialog", "Regenerate links"),
                "confirmRegenerateButton",
            ),
            keep=(QCoreApplication.translate("LinksDialog", "Keep links"), "keepLinksButton"),
        )

    def _run(self, job: Callable[[Store], Any], done: Callable[[Any], None]) -> None:
        self.busy = True
        self._update_actions()
        session_id = self.session_id

        def finished(result: Any) -> None:
            if Shiboken.isValid(self):
                self.busy = False
                if session_id == self.session_id:
                    done(result)
                self._update_actions()

        def failed(error: CollabConsoleError) -> None:
            if Shiboken.isValid(self):
                self.busy = False
                self._say(
                    QCoreApplication.translate(
                        "LinksDialog", "Nothing was changed: {reason}"
                    ).format(reason=error.sentence),
                    error=True,
                )
                self._update_actions()
                self.reload()  # it may have changed elsewhere meanwhile

        self.hub.call(job, finished, failed)

    def _done(self, message: str) -> None:
        self._say(message)
        self.said.emit(message)
        self.reload()

    def _say(self, message: str, *, error: bool = False) -> None:
        set_text(self.message, message)
        self.message.setStyleSheet(error_style_for(self.message) if error else "")
        self.message.setVisible(bool(message))
        if message:
            from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.message, message))

    # -- time and the privacy screen --------------------------------------------------

    def _schedule_expiry(self) -> None:
        """Look at the states again when the next live link expires."""
        now = self.now()
        coming = [
            row.link.expires_at
            for row in self.model.rows
            if row.link.expires_at is not None and row.link.state(now) is LinkState.LIVE
        ]
        if not coming:
            self._expiry.stop()
            return
        wait_ms = int((min(coming) - now).total_seconds() * 1000) + 50
        self._expiry.start(max(50, min(wait_ms, _LONGEST_WAIT_MS)))

    def _time_passed(self) -> None:
        self.model.refresh()
        self._count()
        self._update_actions()
        self._schedule_expiry()

    def _privacy_changed(self, _masked: bool) -> None:
        for n in range(1, self.person_filter.count()):
            person = self.person_filter.itemData(n)
            if isinstance(person, Participant):
                self.person_filter.setItemText(n, self._person_text(person))
        self._retitle()
        self._update_actions()

    def _retitle(self) -> None:
        session_id = self.session_id
        if session_id is None:
            self.setWindowTitle(_tr(LINKS_TITLE))
            return
        shown_id = isolate(self.privacy.access_id(session_id))
        if self.session is not None:
            title = QCoreApplication.translate(
                "LinksDialog", "Links of session {session_id} ({name})"
            ).format(session_id=shown_id, name=self.privacy.name(self.session.customer.name))
        else:
            title = QCoreApplication.translate(
                "LinksDialog", "Links of session {session_id}"
            ).format(session_id=shown_id)
        self.setWindowTitle(title)


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("LinksDialog", text)
