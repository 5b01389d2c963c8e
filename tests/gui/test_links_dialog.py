"""The links of a session: the list, Revoke and Regenerate, in the console.

Links are minted through a second connection to the store (``elsewhere``), as
the CLI, another console or the copy service in another process would make
them; the dialog hears of them through its hub, as of any other process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import Link, LinkPurpose, LinkState
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.links_dialog import (
    HEADERS,
    NOT_USED,
    STATE,
    UNTIL_SESSION_ENDS,
    LinksDialog,
)
from collab_console.gui.store_hub import POLL_INTERVAL_MS
from collab_console.store import Store, open_store
from tests.gui.helpers import STORE_TIMEOUT_MS, click, driving_modal, named
from tests.gui.test_contrast import Reading, appearance, look, readings, too_faint

__all__ = ["appearance", "look"]  # fixtures of tests/gui/test_contrast.py, used here by name

pytestmark = pytest.mark.gui

#: Long enough for the hub to poll the store a few times on a slow machine.
POLL_TIMEOUT_MS = POLL_INTERVAL_MS * 5 + 3000
DANA = DEMO_ACTIVE_ID
GRACE = DEMO_PARTICIPANT_IDS[1]
AGENT = "agent.sam"


@pytest.fixture
def elsewhere(demo_store: Store, data_dir: Path) -> Iterator[Store]:
    """A second connection to the console's store: another process making links."""
    other = open_store(data_dir)
    yield other
    other.close()


def mint(store: Store, access_id: str, purpose: LinkPurpose = LinkPurpose.COPY) -> Link:
    minted, _event = store.mint_link(
        DEMO_ACTIVE_ID, access_id, purpose=purpose, actor=AGENT, now=datetime.now(UTC)
    )
    return minted.link


def stored(store: Store, link_id: str) -> Link:
    return next(link for link in store.list_links(DEMO_ACTIVE_ID) if link.link_id == link_id)


def dialog_living_later(console: ConsoleWindow, later: timedelta) -> LinksDialog:
    """The console's links dialog, made ahead with a clock ``later`` in the future."""
    dialog = LinksDialog(
        console.hub, console.privacy, console, now=lambda: datetime.now(UTC) + later
    )
    dialog.said.connect(console.say)
    console.links_dialog = dialog
    return dialog


def open_links(qtbot: QtBot, console: ConsoleWindow) -> LinksDialog:
    """Ctrl+L in the console, and the links once read."""
    qtbot.keyClick(console.session_list, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = console.links_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=STORE_TIMEOUT_MS)
    return dialog


def cells(dialog: LinksDialog, link_id: str) -> dict[str, str]:
    row = dialog.model.row_of(link_id)
    assert row >= 0, f"{link_id} is not listed"
    return {
        header: str(dialog.model.index(row, column).data()) for column, header in enumerate(HEADERS)
    }


def shown_state(dialog: LinksDialog, link_id: str) -> str:
    row = dialog.model.row_of(link_id)
    return str(dialog.model.index(row, STATE).data()) if row >= 0 else ""


def click_row(qtbot: QtBot, dialog: LinksDialog, link_id: str) -> None:
    row = dialog.model.row_of(link_id)
    rect = dialog.table.visualRect(dialog.model.index(row, 1))
    viewport = dialog.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    qtbot.waitUntil(lambda: dialog.selected_link() is not None)


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_minted_links_with_their_states(qtbot, console, elsewhere):
    live = mint(elsewhere, DANA)
    invitation = mint(elsewhere, GRACE, LinkPurpose.INVITATION)
    revoked = mint(elsewhere, GRACE)
    elsewhere.revoke_link(revoked.link_id, actor=AGENT, now=datetime.now(UTC))

    dialog = open_links(qtbot, console)

    assert dialog.windowTitle() == f"Links of session {DEMO_ACTIVE_ID} (Dana Levi)"
    assert dialog.model.rowCount() == 3
    assert [row.link.link_id for row in dialog.model.rows] == [
        revoked.link_id,
        invitation.link_id,
        live.link_id,
    ]  # newest first
    first = cells(dialog, live.link_id)
    assert first["Person"] == "Dana Levi"
    assert first["Link"] == live.link_id
    assert first["Purpose"] == "Copied"
    assert first["Made by"] == AGENT
    assert first["Used"] == NOT_USED
    assert first["State"] == LinkState.LIVE.label
    assert first["Expires"] != UNTIL_SESSION_ENDS  # 30 minutes by default
    assert cells(dialog, invitation.link_id)["Expires"] == UNTIL_SESSION_ENDS
    assert cells(dialog, invitation.link_id)["Purpose"] == "Invitation"
    assert shown_state(dialog, revoked.link_id) == "Revoked"
    assert named(dialog, QLabel, "linksCount").text() == "3 links, 2 live"
    assert "Revoked by agent.sam" in str(
        dialog.model.index(dialog.model.row_of(revoked.link_id), 0).data(
            Qt.ItemDataRole.ToolTipRole
        )
    )


def test_a_copied_link_shows_expired_once_its_time_has_passed(qtbot, console, elsewhere):
    """Copied links last 30 minutes by default; invitation links until the session ends."""
    copied = mint(elsewhere, DANA)
    invitation = mint(elsewhere, DANA, LinkPurpose.INVITATION)
    dialog_living_later(console, timedelta(minutes=31))

    dialog = open_links(qtbot, console)

    assert shown_state(dialog, copied.link_id) == "Expired"
    assert shown_state(dialog, invitation.link_id) == "Live"
    assert named(dialog, QLabel, "linksCount").text() == "2 links, 1 live"
    click_row(qtbot, dialog, copied.link_id)
    assert not named(dialog, QPushButton, "revokeLinkButton").isEnabled()


def test_the_links_button_opens_the_same_list(qtbot, console, elsewhere):
    mint(elsewhere, DANA)

    click(qtbot, named(console, QPushButton, "linksButton"))

    dialog = console.links_dialog
    assert dialog is not None
    qtbot.waitUntil(
        lambda: dialog.loaded and dialog.model.rowCount() == 1, timeout=STORE_TIMEOUT_MS
    )
    assert dialog.isVisible()


def test_a_link_made_elsewhere_shows_at_once(qtbot, console, elsewhere):
    dialog = open_links(qtbot, console)
    assert named(dialog, QLabel, "linksCount").text() == "No links yet."

    made = mint(elsewhere, GRACE)

    qtbot.waitUntil(lambda: dialog.model.row_of(made.link_id) >= 0, timeout=POLL_TIMEOUT_MS)
    assert shown_state(dialog, made.link_id) == "Live"


def test_the_person_filter_shows_one_persons_links(qtbot, console, elsewhere):
    dana = mint(elsewhere, DANA)
    grace = mint(elsewhere, GRACE)
    dialog = open_links(qtbot, console)
    combo = named(dialog, QComboBox, "linksPersonFilter")
    assert combo.itemText(0) == "Everyone"
    assert combo.itemText(1) == "Dana Levi (Customer)"

    combo.setCurrentIndex(combo.findText("Grace Kim (Document participant)"))

    visible = [dialog.model.rows[row].link.link_id for row in dialog.visible_rows()]
    assert visible == [grace.link_id]
    assert dana.link_id not in visible
    assert named(dialog, QLabel, "linksCount").text() == "1 link, 1 live"


def test_the_privacy_screen_masks_the_names(qtbot, console, elsewhere):
    made = mint(elsewhere, DANA)
    dialog = open_links(qtbot, console)

    console.privacy.set_masked(True)

    assert "Dana" not in cells(dialog, made.link_id)["Person"]
    assert DEMO_ACTIVE_ID not in dialog.windowTitle()
    assert "Dana" not in named(dialog, QComboBox, "linksPersonFilter").itemText(1)


# -- revoking and regenerating ----------------------------------------------------------------


def test_revoke_stops_the_selected_link_at_once(qtbot, console, elsewhere):
    keep = mint(elsewhere, DANA)
    stop = mint(elsewhere, GRACE)
    dialog = open_links(qtbot, console)
    revoke = named(dialog, QPushButton, "revokeLinkButton")
    assert not revoke.isEnabled()

    click_row(qtbot, dialog, stop.link_id)
    assert revoke.isEnabled()
    click(qtbot, revoke)

    qtbot.waitUntil(
        lambda: stored(elsewhere, stop.link_id).revoked_at is not None, timeout=STORE_TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: shown_state(dialog, stop.link_id) == "Revoked")
    assert stored(elsewhere, stop.link_id).revoked_by is not None
    assert stored(elsewhere, keep.link_id).revoked_at is None
    assert shown_state(dialog, keep.link_id) == "Live"
    message = f"Revoked link {stop.link_id} of Grace Kim. It no longer opens the session."
    assert named(dialog, QLabel, "linksMessage").text() == message
    assert console.statusBar().currentMessage() == message
    qtbot.waitUntil(lambda: not revoke.isEnabled())  # the selected link is no longer live
    assert console.session is not None
    assert console.session.is_active  # the session goes on


def choose(qtbot: QtBot, dialog: LinksDialog, text: str) -> None:
    """Pick ``text`` in the person filter with the keyboard, as an agent would."""
    combo = named(dialog, QComboBox, "linksPersonFilter")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        assert combo.currentIndex() < combo.count() - 1, f"{text} is not in the filter"
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def regenerate_confirmed(qtbot: QtBot, dialog: LinksDialog) -> str:
    """Click Regenerate links…, confirm in its box; the box's text."""
    regenerate = named(dialog, QPushButton, "regenerateLinksButton")
    assert regenerate.isEnabled()
    texts: list[str] = []

    def confirm(box: QMessageBox) -> None:
        texts.append(box.text())
        keep = named(box, QPushButton, "keepLinksButton")
        assert box.defaultButton() is keep
        click(qtbot, named(box, QPushButton, "confirmRegenerateButton"))

    with driving_modal(QMessageBox, confirm):
        click(qtbot, regenerate)
    return texts[0]


def test_regenerate_revokes_a_persons_links_and_queues_their_invitation(qtbot, console, elsewhere):
    old = [mint(elsewhere, GRACE), mint(elsewhere, GRACE, LinkPurpose.INVITATION)]
    other = mint(elsewhere, DANA)
    before = elsewhere.deliveries(DEMO_ACTIVE_ID)[GRACE]
    dialog = open_links(qtbot, console)
    choose(qtbot, dialog, "Grace Kim (Document participant)")
    assert named(dialog, QPushButton, "regenerateLinksButton").toolTip() == (
        "Stop every link of Grace Kim and send them a new invitation."
    )

    with qtbot.waitSignal(console.hub.invitations_changed, timeout=STORE_TIMEOUT_MS) as heard:
        text = regenerate_confirmed(qtbot, dialog)

    assert text.startswith("Stop every link of Grace Kim now and send them a new invitation?")
    assert heard.args == [DEMO_ACTIVE_ID], "the console's sender wakes up for it"
    message = "Revoked 2 links of Grace Kim; a new invitation is queued (E-mail invite queued)."
    qtbot.waitUntil(
        lambda: named(dialog, QLabel, "linksMessage").text() == message, timeout=STORE_TIMEOUT_MS
    )
    assert console.statusBar().currentMessage() == message
    now = datetime.now(UTC)
    assert all(stored(elsewhere, link.link_id).state(now) is LinkState.REVOKED for link in old)
    assert stored(elsewhere, other.link_id).is_live(now)  # Dana's stay
    assert len(elsewhere.list_links(DEMO_ACTIVE_ID)) == 3, "its link is made when it is sent"
    queued = elsewhere.deliveries(DEMO_ACTIVE_ID)[GRACE]
    assert queued.invitation_id != before.invitation_id
    assert (queued.state, queued.resend) == (DeliveryState.QUEUED, True)
    qtbot.waitUntil(lambda: all(shown_state(dialog, link.link_id) == "Revoked" for link in old))


def test_regenerate_for_someone_without_a_contact_only_stops_their_links(qtbot, console, elsewhere):
    mei, _, _ = elsewhere.add_participant(
        DEMO_ACTIVE_ID, name="Mei Tan", contact="", actor=AGENT, now=datetime.now(UTC)
    )
    made = mint(elsewhere, mei.access_id)
    dialog = open_links(qtbot, console)
    choose(qtbot, dialog, "Mei Tan (Document participant)")
    assert named(dialog, QPushButton, "regenerateLinksButton").toolTip() == (
        "Stop every link of Mei Tan."
    )

    text = regenerate_confirmed(qtbot, dialog)

    assert "Mei Tan has no contact, so no new invitation goes out" in text
    message = "Revoked 1 link of Mei Tan; Mei Tan has no contact, so no invitation was queued."
    qtbot.waitUntil(
        lambda: named(dialog, QLabel, "linksMessage").text() == message, timeout=STORE_TIMEOUT_MS
    )
    assert stored(elsewhere, made.link_id).state(datetime.now(UTC)) is LinkState.REVOKED
    assert mei.access_id not in elsewhere.deliveries(DEMO_ACTIVE_ID)


def test_regenerate_with_no_link_to_stop_inside_the_interval_says_how_long_to_wait(
    qtbot, console, elsewhere
):
    elsewhere.queue_invitation(DEMO_ACTIVE_ID, GRACE, actor=AGENT, now=datetime.now(UTC))
    before = elsewhere.deliveries(DEMO_ACTIVE_ID)
    dialog = open_links(qtbot, console)
    choose(qtbot, dialog, "Grace Kim (Document participant)")

    regenerate_confirmed(qtbot, dialog)

    label = named(dialog, QLabel, "linksMessage")
    qtbot.waitUntil(lambda: label.text().startswith("Nothing was changed: "))
    assert "Grace Kim moments ago: wait" in label.text()
    assert elsewhere.deliveries(DEMO_ACTIVE_ID) == before


def test_keep_links_changes_nothing(qtbot, console, elsewhere):
    made = mint(elsewhere, GRACE)
    dialog = open_links(qtbot, console)
    click_row(qtbot, dialog, made.link_id)

    def keep(box: QMessageBox) -> None:
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    with driving_modal(QMessageBox, keep):
        click(qtbot, named(dialog, QPushButton, "regenerateLinksButton"))

    assert len(elsewhere.list_links(DEMO_ACTIVE_ID)) == 1
    assert stored(elsewhere, made.link_id).is_live(datetime.now(UTC))
    assert named(dialog, QLabel, "linksMessage").text() == ""


def test_an_ended_sessions_links_can_be_read_but_not_changed(qtbot, console):
    console.sessions.select(DEMO_ENDED_ID)
    qtbot.waitUntil(
        lambda: console.session is not None and console.session.session_id == DEMO_ENDED_ID,
        timeout=STORE_TIMEOUT_MS,
    )
    assert console.links_action.isEnabled()

    dialog = open_links(qtbot, console)

    assert dialog.session_id == DEMO_ENDED_ID
    assert not named(dialog, QPushButton, "revokeLinkButton").isEnabled()
    combo = named(dialog, QComboBox, "linksPersonFilter")
    combo.setCurrentIndex(1)
    assert not named(dialog, QPushButton, "regenerateLinksButton").isEnabled()


# -- colours -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("look")
def test_live_and_stopped_links_read_at_4_5_to_1_in_light_and_dark(qtbot, console, elsewhere):
    """Stopped links are quieter than live ones, yet readable on both row colours."""
    for _ in range(2):
        mint(elsewhere, DANA)
    stopped = mint(elsewhere, GRACE)
    elsewhere.revoke_link(stopped.link_id, actor=AGENT, now=datetime.now(UTC))
    dialog = open_links(qtbot, console)
    palette = dialog.table.palette()
    backgrounds = [palette.color(QPalette.ColorRole.Base)]
    backgrounds.append(palette.color(QPalette.ColorRole.AlternateBase))

    found = readings(dialog)
    for row in range(dialog.model.rowCount()):
        colour = dialog.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
        foreground = colour if colour is not None else palette.color(QPalette.ColorRole.Text)
        for background in backgrounds:
            found.append(Reading(f"linksTable row {row}", "", foreground, background))

    quiet = dialog.model.index(dialog.model.row_of(stopped.link_id), 0)
    assert quiet.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert too_faint(found) == []
