"""Page objects: the console, its copy card, Preferences, New session, Add participant and the
session list.

Each method is something an agent does or sees, in their words (select a
session, hover the customer, copy a detail and get what another program
pastes, turn URL copy on with the acknowledgement). Underneath, the steps of
:mod:`collab_console.testing.driving` move the real pointer and press real keys
on the X server; every wait is on a signal or a condition, never on the clock.
Every public method runs inside :func:`~collab_console.testing.screen.step`, so
a failure says what the method tried, why it failed, what was on screen and
where its screenshot is.

The ``console_page`` fixture of the kit's plugin gives a :class:`ConsolePage`;
everything else is reached from it::

    card = console_page.hover_customer()
    assert card.copy("Session ID") == "7QKM-92HX"

The pages find widgets by the object names and texts docs/qa.md promises; they
reach past the screen only for what the console says to tests on purpose
(``console.copying.said``, ``console.copying.reason_dialog``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from collab_console.gui.models import SESSION_ID_ROLE
from collab_console.testing.driving import (
    CARD_TIMEOUT_MS,
    STORE_TIMEOUT_MS,
    click,
    clipboard_now,
    driving_modal,
    named,
    park_pointer,
    retype,
    right_click,
    run_context_menu,
    shown_card,
    tick,
    unlock_preferences,
)
from collab_console.testing.screen import step

if TYPE_CHECKING:
    from collab_console.gui.add_participant_dialog import AddParticipantDialog
    from collab_console.gui.console_window import ConsoleWindow
    from collab_console.gui.new_session_dialog import NewSessionDialog
    from collab_console.gui.preferences_dialog import PreferencesDialog
    from collab_console.testing.demo_store import Credentials

D = TypeVar("D", bound=QDialog)

#: The copy card's details, as a user names them, and the button that copies each.
COPY_BUTTONS = {
    "Session ID": "copyIdButton",
    "Session URL": "copyUrlButton",
    "both": "copyBothButton",
}
#: What the card shows under each button.
PREVIEWS = {
    "Session ID": "copyIdPreview",
    "Session URL": "copyUrlPreview",
    "both": "copyBothPreview",
    "Resend invite": "resendInvitePreview",
}
#: How the status bar begins when a copy did not reach the clipboard (docs/qa.md).
NOT_COPIED = ("Not copied", "Session URL not copied")


class PasteReader(Protocol):
    """The clipboard as another program reads it (the kit's ``system_clipboard``)."""

    def read(self) -> str: ...


class _Page:
    """What every page shares: the test's qtbot, and where failing steps save screenshots."""

    def __init__(self, qtbot: QtBot, artifacts: Path | None) -> None:
        self.qtbot = qtbot
        self.artifacts = artifacts

    def _step(self, description: str) -> AbstractContextManager[None]:
        return step(description, artifacts=self.artifacts)


# -- The console ----------------------------------------------------------------------


class ConsolePage(_Page):
    """The console window as an agent uses it: sessions, the header, cards, menus, dialogs.

    ``admin`` is who :meth:`PreferencesPage.unlock` types in when given no name;
    ``clipboard`` reads what another program pastes (without one, copies are read
    as this process's Qt sees the clipboard); ``artifacts`` is where a failing
    step saves its screenshot.
    """

    def __init__(
        self,
        qtbot: QtBot,
        window: ConsoleWindow,
        *,
        admin: Credentials | None = None,
        clipboard: PasteReader | None = None,
        artifacts: Path | None = None,
    ) -> None:
        super().__init__(qtbot, artifacts)
        self.window = window
        self.admin = admin
        self.clipboard = clipboard
        self.sessions = SessionListPage(self)

    # What the console shows ------------------------------------------------------------

    @property
    def status_message(self) -> str:
        """The status bar's message now ('' when none)."""
        return self.window.statusBar().currentMessage()

    @property
    def header_text(self) -> str:
        """The shown session's state and ID: "Active · Session 7QKM-92HX"."""
        return named(self.window, QLabel, "sessionStateLabel").text()

    @property
    def customer_name(self) -> str:
        """The shown session's customer, in full (the label itself may be elided)."""
        label = named(self.window, QLabel, "customerNameLabel")
        return label.accessibleName() or label.text()

    @property
    def shown_session_id(self) -> str:
        """The Session ID of the session on screen, as the header shows it ('' when none)."""
        _, found, session_id = self.header_text.rpartition("Session ")
        return session_id if found else ""

    @property
    def invite_status(self) -> str:
        """Where the customer's invitation stands: "SMS invite failed: …"."""
        return named(self.window, QLabel, "inviteStatusLabel").text()

    def participants(self) -> list[str]:
        """The document participants listed, by name, top to bottom (the filter's hidden
        rows left out)."""
        with self._step("read the document participants"):
            view = self._participants_view()
            model = view.model()
            return [
                str(model.index(row, 0).data()).split("\n", 1)[0]
                for row in range(model.rowCount())
                if not view.isRowHidden(row)
            ]

    # Sessions ----------------------------------------------------------------------------

    def select_session(self, customer_or_id: str) -> None:
        """Click the session of ``customer_or_id`` in the list and wait until it is shown."""
        self.sessions.select(customer_or_id)

    def open_new_session(self) -> NewSessionPage:
        """Click New session… and wait for the dialog."""
        from collab_console.gui.new_session_dialog import NewSessionDialog

        with self._step("open the New session dialog"):
            self._settle_pointer()
            click(self.qtbot, named(self.window, QPushButton, "newSessionButton"))
            return NewSessionPage(self, self._wait_for_dialog(NewSessionDialog))

    def open_add_participant(self) -> AddParticipantPage:
        """Click Add participant… and wait for the dialog."""
        from collab_console.gui.add_participant_dialog import AddParticipantDialog

        with self._step("open the Add participant dialog"):
            self._settle_pointer()
            click(self.qtbot, named(self.window, QPushButton, "newParticipantButton"))
            return AddParticipantPage(self, self._wait_for_dialog(AddParticipantDialog))

    def end_session(self) -> None:
        """Click End session, confirm in the box, and wait until the console says and shows
        that it ended."""
        with self._step("end the shown session"):
            session_id = self.shown_session_id

            def confirm(box: QMessageBox) -> None:
                click(self.qtbot, named(box, QPushButton, "confirmEndSessionButton"))

            with driving_modal(QMessageBox, confirm):
                click(self.qtbot, named(self.window, QPushButton, "endSessionButton"))
            # The message comes with the store's answer, the header with its event: both.
            self.qtbot.waitUntil(
                lambda: (
                    self.status_message == f"Ended session {session_id}."
                    and self.header_text.startswith("Ended")
                ),
                timeout=STORE_TIMEOUT_MS,
            )

    def filter(self, text: str) -> None:
        """Type ``text`` over the filter field and wait until the lists follow it."""
        with self._step(f"filter the lists by {text!r}"):
            retype(self.qtbot, named(self.window, QLineEdit, "filterEdit"), text)
            # The lists follow once typing pauses (FILTER_DELAY_MS): when the timer is done.
            pending = self.window.findChild(QTimer, "filterTimer")
            assert pending is not None, "no filterTimer in the console"
            self.qtbot.waitUntil(lambda: not pending.isActive())

    def privacy_screen(self, on: bool) -> None:
        """Switch the privacy screen on or off with its shortcut (Ctrl+Shift+M)."""
        with self._step(f"switch the privacy screen {'on' if on else 'off'}"):
            action = self.window.findChild(QAction, "privacyScreenAction")
            assert action is not None, "no privacyScreenAction in the console"
            if action.isChecked() != on:
                self.qtbot.keyClick(
                    self.window,
                    Qt.Key.Key_M,
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                )
            self.qtbot.waitUntil(lambda: action.isChecked() == on)

    def open_preferences(self) -> PreferencesPage:
        """Press Ctrl+, (Settings › Preferences…) and wait for the dialog."""
        from collab_console.gui.preferences_dialog import PreferencesDialog

        with self._step("open Preferences with Ctrl+,"):
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
            self.qtbot.keyClick(self.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
            return PreferencesPage(self, self._wait_for_dialog(PreferencesDialog))

    # The copy card and the context menu ---------------------------------------------------

    def hover_customer(self) -> CopyCardPage:
        """Rest the pointer on the customer icon and wait for their card."""
        with self._step("hover the customer icon and wait for the card"):
            self._settle_pointer()
            icon = named(self.window, QToolButton, "customerIcon")
            self.qtbot.mouseMove(icon, icon.rect().center())
            return self._wait_for_card(self._shown_customer_name())

    def hover_participant(self, name: str) -> CopyCardPage:
        """Rest the pointer on ``name``'s row (on its text) and wait for their card."""
        with self._step(f"hover the participant {name} and wait for the card"):
            self._settle_pointer()
            view = self._participants_view()
            index = self._participant_index(name)
            rect = view.visualRect(index)
            self.qtbot.mouseMove(view.viewport(), QPoint(rect.left() + 10, rect.center().y()))
            return self._wait_for_card(_first_line(index))

    def open_card_with_keyboard(self, person: str) -> CopyCardPage:
        """Focus the customer icon (or ``person``'s row) and press Enter, as a keyboard user."""
        with self._step(f"open the card of {person} with the keyboard"):
            if person == self.customer_name:
                anchor: QWidget = named(self.window, QToolButton, "customerIcon")
                shown = self._shown_customer_name()
                anchor.setFocus(Qt.FocusReason.TabFocusReason)
            else:
                view = self._participants_view()
                index = self._participant_index(person)
                shown = _first_line(index)
                view.setFocus(Qt.FocusReason.TabFocusReason)
                view.setCurrentIndex(index)
                anchor = view
            self.qtbot.waitUntil(anchor.hasFocus)
            self.qtbot.keyClick(anchor, Qt.Key.Key_Return)
            return self._wait_for_card(shown)

    def context_menu(self, person: str) -> list[str]:
        """Right-click ``person`` (the customer's icon or a participant's row): the menu's
        items in order, separators left out; the menu is closed again."""
        with self._step(f"right-click {person} and read the menu"):
            return [text for text, _enabled in self._run_menu(person, None) if text]

    def choose_from_context_menu(self, person: str, item: str) -> None:
        """Right-click ``person``, choose ``item``, and wait until the console answers
        (says something, or asks why a Session URL is copied)."""
        with self._step(f"choose {item!r} from the context menu of {person}"):
            said: list[str] = []
            self.window.copying.said.connect(said.append)
            try:
                seen = self._run_menu(person, item)
                assert (item, True) in seen, f"no enabled item {item!r} in the menu: {seen}"
                self.qtbot.waitUntil(
                    lambda: bool(said) or self.window.copying.reason_dialog is not None,
                    timeout=STORE_TIMEOUT_MS,
                )
            finally:
                self.window.copying.said.disconnect(said.append)

    # Helpers --------------------------------------------------------------------------------

    def _settle_pointer(self) -> None:
        """Park the pointer on the console first: back from a dialog, a move straight onto
        an anchor may get no Enter event from Qt."""
        if QApplication.activeModalWidget() is None:
            park_pointer(self.qtbot, self.window)

    def _participants_view(self) -> QListView:
        return named(self.window, QListView, "documentParticipantsView")

    def _participant_index(self, name: str) -> QModelIndex:
        view = self._participants_view()
        model = view.model()
        rows = [model.index(row, 0) for row in range(model.rowCount())]
        for index in rows:
            if _first_line(index) == name or _person_name(index) == name:
                assert not view.isRowHidden(index.row()), f"{name}'s row is hidden by the filter"
                return index
        listed = [_first_line(index) for index in rows]
        raise AssertionError(f"no document participant {name!r}; listed: {listed}")

    def _shown_customer_name(self) -> str:
        """The customer's name as the card's title shows it (masked with the privacy screen)."""
        icon = named(self.window, QToolButton, "customerIcon")
        return icon.accessibleName().removeprefix("Customer: ")

    def _wait_for_card(self, title: str) -> CopyCardPage:
        def open_for_them() -> bool:
            card = shown_card(self.window)
            return card is not None and named(card, QLabel, "copyCardTitle").text() == title

        self.qtbot.waitUntil(open_for_them, timeout=CARD_TIMEOUT_MS)
        card = shown_card(self.window)
        assert card is not None
        return CopyCardPage(self, card)

    def _run_menu(self, person: str, choose: str | None) -> list[tuple[str, bool]]:
        self._settle_pointer()
        if person == self.customer_name:
            icon = named(self.window, QToolButton, "customerIcon")
            return run_context_menu(
                self.qtbot, lambda: right_click(icon, icon.rect().center()), choose
            )
        view = self._participants_view()
        rect = view.visualRect(self._participant_index(person))
        return run_context_menu(
            self.qtbot, lambda: right_click(view.viewport(), rect.center()), choose
        )

    def _wait_for_dialog(self, kind: type[D]) -> D:
        def shown() -> D | None:
            return next((d for d in self.window.findChildren(kind) if d.isVisible()), None)

        self.qtbot.waitUntil(lambda: shown() is not None, timeout=STORE_TIMEOUT_MS)
        dialog = shown()
        assert dialog is not None
        self.qtbot.waitExposed(dialog)
        return dialog

    def _pasted(self) -> str:
        """What another program pastes now (this process's clipboard without a reader)."""
        return self.clipboard.read() if self.clipboard is not None else clipboard_now()


# -- The session list -------------------------------------------------------------------


class SessionListPage(_Page):
    """The list of the agent's sessions (``sessionList``)."""

    def __init__(self, console: ConsolePage) -> None:
        super().__init__(console.qtbot, console.artifacts)
        self._console = console

    def rows(self) -> list[str]:
        """Each shown row's first two lines as drawn, joined: "Dana Levi · 7QKM-92HX · Active
        · Demo" (rows the filter hides left out)."""
        with self._step("read the session list"):
            view = self._view()
            return [
                " · ".join(str(index.data()).split("\n")[:2])
                for index in self._indexes()
                if not view.isRowHidden(index.row())
            ]

    def select(self, customer_or_id: str) -> None:
        """Click the row of ``customer_or_id`` and wait until the console shows that session."""
        with self._step(f"select the session of {customer_or_id}"):
            view = self._view()
            index = self._index_of(customer_or_id)
            view.scrollTo(index)
            rect = view.visualRect(index)
            click_spot = rect.center()
            self.qtbot.mouseMove(view.viewport(), click_spot)
            self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=click_spot)
            shown_id = str(index.data()).split("\n")[1].split(" · ", 1)[0]
            self.qtbot.waitUntil(
                lambda: self._console.shown_session_id == shown_id, timeout=STORE_TIMEOUT_MS
            )

    def _view(self) -> QListView:
        return named(self._console.window, QListView, "sessionList")

    def _indexes(self) -> list[QModelIndex]:
        model = self._view().model()
        return [model.index(row, 0) for row in range(model.rowCount())]

    def _index_of(self, customer_or_id: str) -> QModelIndex:
        for index in self._indexes():
            lines = str(index.data()).split("\n")
            if customer_or_id in (lines[0], index.data(SESSION_ID_ROLE)):
                assert not self._view().isRowHidden(index.row()), (
                    f"the row of {customer_or_id} is hidden by the filter"
                )
                return index
        listed = [str(index.data()).split("\n")[0] for index in self._indexes()]
        raise AssertionError(f"no session of {customer_or_id!r} in the list; listed: {listed}")


# -- The copy card --------------------------------------------------------------------------


class CopyCardPage(_Page):
    """A person's copy card while it is open: its buttons, previews, copies and resends."""

    def __init__(self, console: ConsolePage, card: QFrame) -> None:
        super().__init__(console.qtbot, console.artifacts)
        self._console = console
        self._card = card
        #: Whose card this is, as its title shows them.
        self.person = named(card, QLabel, "copyCardTitle").text()

    @property
    def is_open(self) -> bool:
        """Whether this person's card is still on screen."""
        return self._card.isVisible() and self._title() == self.person

    def buttons(self) -> list[str]:
        """The texts of the buttons shown, top to bottom (Resend invite included)."""
        with self._step(f"read the buttons of {self.person}'s card"):
            return [button.text() for button in self._shown_buttons()]

    def preview(self, detail: str) -> str:
        """What the card shows under a button: "Session ID", "Session URL", "both" or
        "Resend invite"."""
        with self._step(f"read the {detail} preview on {self.person}'s card"):
            assert detail in PREVIEWS, f"a preview is one of {list(PREVIEWS)}, not {detail!r}"
            label = named(self._card, QLabel, PREVIEWS[detail])
            assert label.isVisible(), f"the card shows no {detail} preview"
            return label.text()

    def copy(self, detail: str, *, reason: str | None = None) -> str:
        """Click Copy ``detail`` ("Session ID", "Session URL" or "both"), answer the copy
        reason dialog with ``reason`` when it asks, and return what another program pastes."""
        with self._step(f"copy {detail} from {self.person}'s card"):
            assert detail in COPY_BUTTONS, (
                f"a detail is one of {list(COPY_BUTTONS)}, not {detail!r}"
            )
            assert self.is_open, f"{self.person}'s card is no longer open"
            button = named(self._card, QPushButton, COPY_BUTTONS[detail])
            shown = [b.text() for b in self._shown_buttons()]
            assert button.isVisible(), f"the card offers no Copy {detail}; it shows {shown}"
            assert button.isEnabled(), f"Copy {detail} cannot be pressed now"
            copying = self._console.window.copying
            said: list[str] = []
            copying.said.connect(said.append)
            try:
                click(self.qtbot, button)
                self.qtbot.waitUntil(
                    lambda: bool(said) or copying.reason_dialog is not None,
                    timeout=STORE_TIMEOUT_MS,
                )
                if not said:
                    self._give_reason(reason)
                    self.qtbot.waitUntil(lambda: bool(said), timeout=STORE_TIMEOUT_MS)
            finally:
                copying.said.disconnect(said.append)
            assert not said[-1].startswith(NOT_COPIED), f"the console said: {said[-1]}"
            return self._console._pasted()

    def resend_invite(self) -> str:
        """Click Resend invite and wait until the console says what came of it; that message."""
        with self._step(f"resend {self.person}'s invite"):
            button = named(self._card, QPushButton, "resendInviteButton")
            assert button.isVisible(), "the card offers no Resend invite"
            assert button.isEnabled(), f"Resend invite cannot be pressed now: {button.text()!r}"
            with self.qtbot.waitSignal(
                self._console.window.copying.said, timeout=STORE_TIMEOUT_MS
            ) as said:
                click(self.qtbot, button)
            return str(said.args[0]) if said.args else self._console.status_message

    def close(self) -> None:
        """Press Esc and wait until the card is gone."""
        with self._step(f"close {self.person}'s card with Esc"):
            focused = QApplication.focusWidget() or self._console.window
            self.qtbot.keyClick(focused, Qt.Key.Key_Escape)
            self.qtbot.waitUntil(lambda: not self._card.isVisible(), timeout=CARD_TIMEOUT_MS)

    def _title(self) -> str:
        return named(self._card, QLabel, "copyCardTitle").text()

    def _shown_buttons(self) -> list[QPushButton]:
        shown = [b for b in self._card.findChildren(QPushButton) if b.isVisible()]
        return sorted(shown, key=lambda b: b.mapTo(self._card, QPoint(0, 0)).y())

    def _give_reason(self, reason: str | None) -> None:
        """Answer the copy reason dialog; without a reason, cancel it and say so."""
        dialog = self._console.window.copying.reason_dialog
        assert dialog is not None
        self.qtbot.waitExposed(dialog)
        if reason is None:
            click(self.qtbot, named(dialog, QPushButton, "cancelButton"))
            raise AssertionError(
                f"the console asks why the Session URL is copied ({dialog.windowTitle()!r}: "
                f"{self.person}'s invitation did not fail); give copy(..., reason=...)"
            )
        edit = named(dialog, QLineEdit, "copyReasonEdit")
        self.qtbot.waitUntil(edit.hasFocus)
        self.qtbot.keyClicks(edit, reason)
        button = named(dialog, QPushButton, "copyReasonButton")
        hint = named(dialog, QLabel, "copyReasonHint")
        assert button.isEnabled(), f"the reason {reason!r} is refused: {hint.text()}"
        click(self.qtbot, button)


# -- Preferences ------------------------------------------------------------------------------


class PreferencesPage(_Page):
    """The Preferences dialog, open over the console: unlocking, pages, settings, Save."""

    def __init__(self, console: ConsolePage, dialog: PreferencesDialog) -> None:
        super().__init__(console.qtbot, console.artifacts)
        self._console = console
        self.dialog = dialog

    @property
    def is_open(self) -> bool:
        """Whether the dialog is still on screen (it is deleted once it closes)."""
        return _on_screen(self.dialog)

    @property
    def is_locked(self) -> bool:
        """Whether the organisation's settings are read-only (no admin's unlock holds)."""
        return not named(self.dialog, QLabel, "adminBannerLabel").text().startswith("Unlocked by")

    @property
    def warning_text(self) -> str:
        """The Session URL warning's text while it shows ('' when hidden)."""
        frame = named(self.dialog, QFrame, "urlWarningFrame")
        return named(frame, QLabel, "urlWarningText").text() if frame.isVisible() else ""

    def unlock(self, name: str | None = None, passphrase: str | None = None) -> None:
        """Click Unlock…, type the admin's name and passphrase (the console page's admin
        when none is given), press Unlock and wait until the settings can be changed."""
        admin = self._console.admin
        if name is None and admin is not None:
            name = admin.name
        if passphrase is None and admin is not None and name == admin.name:
            passphrase = admin.passphrase
        with self._step(f"unlock Preferences as {name}"):
            assert name is not None, "no admin to unlock as: give a name and a passphrase"
            assert passphrase is not None, f"no passphrase for {name}"
            unlock_preferences(self.qtbot, self.dialog, name, passphrase)

    def go_to(self, page: str) -> None:
        """Click ``page`` in the navigation: "Tools", "Invitations", "Appearance", "Audit log"."""
        with self._step(f"go to the {page} page of Preferences"):
            nav = named(self.dialog, QTreeWidget, "preferencesNav")
            item = _nav_item(nav, page)
            assert not item.isHidden(), f"{page} is not in the navigation now"
            rect = nav.visualItemRect(item)
            self.qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            self.qtbot.waitUntil(lambda: nav.currentItem() is item)

    def set_setting(self, label: str, value: bool | int | str) -> None:
        """Set the setting labelled ``label`` (its check box, field, spin box or choice) to
        ``value`` as a user would: tick, type over, or pick. Nothing is saved yet."""
        with self._step(f"set {label!r} to {value!r}"):
            editor = self._editor(label)
            if isinstance(editor, QCheckBox):
                assert isinstance(value, bool), f"{label} is on or off, not {value!r}"
                if editor.isChecked() != value:
                    tick(self.qtbot, editor)
                assert editor.isChecked() == value, f"{label} did not change"
            elif isinstance(editor, QComboBox):
                found = editor.findText(str(value))
                assert found >= 0, f"{label} offers no {value!r}"
                editor.setFocus(Qt.FocusReason.TabFocusReason)
                while editor.currentIndex() != found:
                    key = Qt.Key.Key_Down if editor.currentIndex() < found else Qt.Key.Key_Up
                    self.qtbot.keyClick(editor, key)
            elif isinstance(editor, QSpinBox):
                line = editor.lineEdit()
                assert line is not None
                retype(self.qtbot, line, str(value))
            elif isinstance(editor, QLineEdit):
                retype(self.qtbot, editor, str(value))

    def turn_url_copy_on(self, *, acknowledge: bool = True) -> None:
        """Tick Copy Session URL; with ``acknowledge``, tick "I understand the security
        risk" under the warning, Save, and wait until saved."""
        with self._step("turn Copy Session URL on" + (" and save" if acknowledge else "")):
            check = named(self.dialog, QCheckBox, "copySessionUrlCheck")
            if not check.isChecked():
                tick(self.qtbot, check)
            assert check.isChecked(), "Copy Session URL could not be ticked (locked?)"
            if not acknowledge:
                return
            box = named(self.dialog, QCheckBox, "urlAcknowledgeCheck")
            if box.isVisible() and not box.isChecked():
                tick(self.qtbot, box)
            self.save()

    def turn_url_copy_off(self) -> None:
        """Untick Copy Session URL, Save, and wait until saved."""
        with self._step("turn Copy Session URL off and save"):
            check = named(self.dialog, QCheckBox, "copySessionUrlCheck")
            if check.isChecked():
                tick(self.qtbot, check)
            assert not check.isChecked(), "Copy Session URL could not be unticked (locked?)"
            self.save()

    def save(self) -> None:
        """Click Save and wait until the store took it and the dialog closed. A box the
        answer brings ("Settings not saved"…) is closed and makes the step fail."""
        with self._step("save Preferences"):
            save = named(self.dialog, QPushButton, "saveButton")
            blocked = named(self.dialog, QLabel, "saveBlockedLabel")
            assert save.isEnabled(), (
                f"Save cannot be pressed: {blocked.text() or 'nothing changed'}"
            )
            boxes: list[str] = []
            with answering_boxes(self.qtbot, boxes):
                click(self.qtbot, save)
                self.qtbot.waitUntil(
                    lambda: bool(boxes) or not self.is_open, timeout=STORE_TIMEOUT_MS
                )
            assert not boxes, f"not saved: {boxes[0]}"

    def close(self) -> None:
        """Click Cancel: every unsaved change on the Session pages is dropped."""
        with self._step("close Preferences with Cancel"):
            click(self.qtbot, named(self.dialog, QPushButton, "cancelButton"))
            self.qtbot.waitUntil(lambda: not self.is_open)

    def _editor(self, label: str) -> QWidget:
        kinds: tuple[type[QWidget], ...] = (QCheckBox, QLineEdit, QSpinBox, QComboBox)
        found = [
            widget
            for kind in kinds
            for widget in self.dialog.findChildren(kind)
            if widget.accessibleName() == label and widget.objectName()
        ]
        assert found, f"no setting labelled {label!r} in Preferences"
        editor = found[0]
        for page in ("Tools", "Invitations"):
            if editor.isVisible():
                break
            self.go_to(page)
        assert editor.isVisible(), f"{label} is on no page of Preferences a user can reach"
        return editor


# -- New session --------------------------------------------------------------------------


class NewSessionPage(_Page):
    """The New session dialog: the customer's name and phone or e-mail, and Start."""

    def __init__(self, console: ConsolePage, dialog: NewSessionDialog) -> None:
        super().__init__(console.qtbot, console.artifacts)
        self._console = console
        self.dialog = dialog

    @property
    def error_text(self) -> str:
        """Why Start session cannot be pressed ('' when it can, or before anything is typed)."""
        return named(self.dialog, QLabel, "newSessionError").text()

    @property
    def is_open(self) -> bool:
        """Whether the dialog is still on screen (it is deleted once it closes)."""
        return _on_screen(self.dialog)

    def fill(self, customer: str, contact: str) -> None:
        """Type the customer's name and their phone or e-mail over the fields."""
        with self._step(f"fill in New session: {customer!r}, {contact!r}"):
            self._fill(customer, contact)

    def start(self, customer: str, contact: str) -> str:
        """Type ``customer`` and ``contact`` over the fields and click Start session; the
        new Session ID, once the console shows it and says it started."""
        with self._step(f"start a session with {customer} at {contact}"):
            assert self.is_open, "the New session dialog is no longer open"
            before = self._console.shown_session_id
            self._fill(customer, contact)
            start = named(self.dialog, QPushButton, "startSessionButton")
            assert start.isEnabled(), f"Start session cannot be pressed: {self.error_text}"
            boxes: list[str] = []
            with answering_boxes(self.qtbot, boxes):
                click(self.qtbot, start)
                self.qtbot.waitUntil(
                    lambda: (
                        bool(boxes)
                        or (
                            self._console.status_message.startswith("Started session")
                            and self._console.shown_session_id not in ("", before)
                        )
                    ),
                    timeout=STORE_TIMEOUT_MS,
                )
            assert not boxes, f"not started: {boxes[0]}"
            return self._console.shown_session_id

    def cancel(self) -> None:
        """Click Cancel and wait until the dialog is gone."""
        with self._step("cancel New session"):
            click(self.qtbot, named(self.dialog, QPushButton, "cancelButton"))
            self.qtbot.waitUntil(lambda: not self.is_open)

    def _fill(self, customer: str, contact: str) -> None:
        retype(self.qtbot, named(self.dialog, QLineEdit, "customerNameEdit"), customer)
        retype(self.qtbot, named(self.dialog, QLineEdit, "customerContactEdit"), contact)


# -- Add participant ------------------------------------------------------------------------


class AddParticipantPage(_Page):
    """The Add participant dialog: a document participant's name and phone or e-mail, and Add."""

    def __init__(self, console: ConsolePage, dialog: AddParticipantDialog) -> None:
        super().__init__(console.qtbot, console.artifacts)
        self._console = console
        self.dialog = dialog

    @property
    def title(self) -> str:
        """The dialog's title: "Add participant to session 7QKM-92HX" (masked with the
        privacy screen on)."""
        return self.dialog.windowTitle()

    @property
    def error_text(self) -> str:
        """Why Add cannot be pressed, or why the store refused ('' before anything is typed)."""
        return named(self.dialog, QLabel, "addParticipantError").text()

    @property
    def is_open(self) -> bool:
        """Whether the dialog is still on screen (it is deleted once it closes)."""
        return _on_screen(self.dialog)

    def fill(self, name: str, contact: str) -> None:
        """Type the participant's name and their phone or e-mail over the fields."""
        with self._step(f"fill in Add participant: {name!r}, {contact!r}"):
            self._fill(name, contact)

    def add(self, name: str, contact: str) -> str:
        """Type ``name`` and ``contact`` over the fields and click Add; once the store added
        them, the dialog closed and their row is listed, what the console said ("Added …
        their invitation is queued."). A refusal (the name taken meanwhile, a box) fails the
        step with its text."""
        with self._step(f"add {name} at {contact!r} to the session"):
            assert self.is_open, "the Add participant dialog is no longer open"
            self._fill(name, contact)
            add = named(self.dialog, QPushButton, "addParticipantButton")
            assert add.isEnabled(), f"Add cannot be pressed: {self.error_text}"
            boxes: list[str] = []
            with answering_boxes(self.qtbot, boxes):
                click(self.qtbot, add)
                # Valid fields show no sentence: one appears only if the store refuses. The
                # dialog is deleted once it closes: is_open is asked first.
                self.qtbot.waitUntil(
                    lambda: not self.is_open or bool(boxes) or bool(self.error_text),
                    timeout=STORE_TIMEOUT_MS,
                )
            assert not boxes, f"not added: {boxes[0]}"
            assert not _on_screen(self.dialog), f"not added: {self.error_text}"
            said = self._console.status_message
            # The console says so at once; the row follows when the store's event arrives.
            self.qtbot.waitUntil(
                lambda: name in self._console.participants(), timeout=STORE_TIMEOUT_MS
            )
            return said

    def cancel(self) -> None:
        """Click Cancel and wait until the dialog is gone."""
        with self._step("cancel Add participant"):
            click(self.qtbot, named(self.dialog, QPushButton, "cancelButton"))
            self.qtbot.waitUntil(lambda: not self.is_open)

    def _fill(self, name: str, contact: str) -> None:
        retype(self.qtbot, named(self.dialog, QLineEdit, "participantNameEdit"), name)
        retype(self.qtbot, named(self.dialog, QLineEdit, "participantContactEdit"), contact)


# -- Modal dialogs ------------------------------------------------------------------------------


@contextmanager
def answering_boxes(qtbot: QtBot, seen: list[str]) -> Iterator[None]:
    """Note the text of each message box the body brings up, and press its default button.

    A box from ``QMessageBox.critical()`` runs its own event loop, so it is answered
    from a timer that runs inside it; ``seen`` gets "<title>: <text>".
    """
    poll = QTimer()
    poll.setInterval(0)

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(f"{box.windowTitle()}: {box.text()}")
            button: QAbstractButton | None = box.defaultButton() or box.escapeButton()
            if button is not None:
                button.click()
            else:
                box.reject()

    poll.timeout.connect(look)
    poll.start()
    try:
        yield
    finally:
        poll.stop()


def _nav_item(nav: QTreeWidget, text: str) -> QTreeWidgetItem:
    def walk(items: list[QTreeWidgetItem | None]) -> Iterator[QTreeWidgetItem]:
        for item in items:
            if item is not None:
                yield item
                yield from walk([item.child(i) for i in range(item.childCount())])

    every = list(walk([nav.topLevelItem(i) for i in range(nav.topLevelItemCount())]))
    for item in every:
        if item.text(0) == text:
            return item
    raise AssertionError(f"no page {text!r} in Preferences; it has {[i.text(0) for i in every]}")


def _on_screen(dialog: QDialog) -> bool:
    """Whether ``dialog`` is shown; False once closed, deleted or not."""
    return Shiboken.isValid(dialog) and dialog.isVisible()


def _first_line(index: QModelIndex) -> str:
    return str(index.data()).split("\n", 1)[0]


def _person_name(index: QModelIndex) -> str:
    """A participant row's real name (the row shows it masked with the privacy screen on)."""
    from collab_console.gui.models import PARTICIPANT_ROLE

    person = index.data(PARTICIPANT_ROLE)
    return str(getattr(person, "name", ""))


#: Every page of the kit, in the order docs/qa.md lists them.
PAGES: tuple[type[_Page], ...] = (
    ConsolePage,
    SessionListPage,
    CopyCardPage,
    PreferencesPage,
    NewSessionPage,
    AddParticipantPage,
)
