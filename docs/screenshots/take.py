"""Take the README screenshots from the real app on an X server with a window manager.

Run from the repository, in light and dark (the README's shots are these, at 1x)::

    xvfb-run -a -s "-screen 0 1600x1000x24" sh -c 'openbox & sleep 1; \\
      COLLAB_CONSOLE_CONFIG_DIR=$(mktemp -d) QT_QPA_PLATFORM=xcb \\
      .venv/bin/python docs/screenshots/take.py --theme light'
    xvfb-run -a -s "-screen 0 1600x1000x24" sh -c 'openbox & sleep 1; \\
      COLLAB_CONSOLE_CONFIG_DIR=$(mktemp -d) QT_QPA_PLATFORM=xcb \\
      .venv/bin/python docs/screenshots/take.py --theme dark --suffix=-dark'

and at 2x to look at, not to commit (``--out`` names a folder of one's own)::

    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 3200x2000x24" sh -c 'openbox & sleep 1; \\
      COLLAB_CONSOLE_CONFIG_DIR=$(mktemp -d) QT_QPA_PLATFORM=xcb \\
      .venv/bin/python docs/screenshots/take.py --theme dark --suffix=-dark-2x --out /tmp/shots'

Each shot is ``<name><suffix>.png``; the link list and the lobby are
``links-light.png`` and ``lobby-light.png`` when there is no suffix (the
README's names). ``--only links-lobby`` takes those two only; ``--only
invitations`` the invitations' (``console-delivery-failed``: the card of a
customer whose SMS invite failed, copying first; ``console-delivery-ok``: the
card of a participant whose invite was delivered, Resend invite first;
``copy-reason``: the reason asked before a Session URL copy for him;
``add-participant``: the dialog refusing a number without its country code;
``preferences-invitations``: the channels' settings, unlocked). ``--only org
--db-admin DSN --db-agent DSN`` takes organisation mode's (``org-*``):
Preferences as an admin and as an agent of an organisation database nobody has
used yet (it gets the demo data; the passwords come from ``~/.pgpass`` or
``$PGPASSFILE``), and the Retry dialog of a server that does not answer.

It drives the widgets like a user (the pointer rests on the customer icon,
Preferences shows the settings locked, an admin's wrong passphrase is refused
and the right one unlocks them, URL copy is ticked, acknowledged and saved, the
pointer rests on a participant, then on the customer and a copy button is
clicked, the Audit log is shown, whole and then with an entry altered; then, on
a new demo store, links made elsewhere are listed with one selected and two
people ask to join by ID) and saves ``import -window root`` shots. It uses the
QA kit's steps (``collab_console.testing.driving``) and its demo store and admin.

The shots are the same on every run, pixel for pixel: the app stands on the
kit's fixed clock (10:00 UTC on 4 March 2026, half an hour into the demo
session, moved on only where the story needs it) in the UTC time zone, with
fixed IDs, and the caret does not blink. Each part (the console and
Preferences, the links and the lobby, the invitations) starts from the same
moment and IDs, so ``--only`` gives the pictures a full run gives. What the
store dates with the database's own clock is today's: the Audit log's times,
and when links were made and used and people asked to join (to the minute).
The join service's pages (``join-*.png``) are taken by ``tests/join/take_screenshots.py``.

``--only hebrew`` takes the console in Hebrew, as ``--lang he`` shows it
(``*-he.png``: the customer's card, Preferences with the URL warning, a
participant's card); the catalogues must be built first (``packaging/translations
build``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qt_compat import qt_api
from pytestqt.qtbot import QtBot

from collab_console.core import clock
from collab_console.core.admins import unlock_delay
from collab_console.core.copy_actions import CopyAction
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
from collab_console.gui.appearance import dark_palette, light_palette
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME
from collab_console.testing.demo_store import DEMO_ADMIN, DemoOptions, open_demo_store
from collab_console.testing.driving import (
    STORE_TIMEOUT_MS,
    click,
    hover_customer,
    named,
    open_unlock_dialog,
    park_pointer,
    retype,
    tick,
    type_credentials,
    unlock_preferences,
)
from collab_console.testing.reproducible import FIXED_START, FixedClock, use_fixed_ids

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

HERE = Path(__file__).resolve().parent
#: The demo session's customer, whose card most shots show.
DEMO_CUSTOMER = "Dana Levi"
#: What the shots' admin types first, to be refused.
WRONG_PASSPHRASE = "not the passphrase at all"


class Hand(QtBot):
    """pytest-qt's pointer, keys and waits outside a pytest run, for the kit's driving steps.

    A bot wants a test's request only to register widgets for closing and to read
    ini options; the steps used here (moves, clicks, keys, ``waitUntil``,
    ``waitExposed``) need neither, and this script closes its windows itself.
    pytest-qt picks its Qt binding when pytest starts; outside pytest it is picked here.
    """

    def __init__(self) -> None:
        qt_api.set_qt_api("pyside6")  # type: ignore[no-untyped-call]  # pytest-qt: untyped
        super().__init__(cast("pytest.FixtureRequest", None))


def hold_still() -> FixedClock:
    """Stand the app at the kit's fixed moment, in UTC, with fixed IDs: the same shots each run.

    Call before Qt starts: Qt reads the time zone once. The clock stands still
    until the script moves it on.
    """
    os.environ["TZ"] = "UTC"
    time.tzset()
    fixed = FixedClock()
    fixed.install()
    use_fixed_ids()
    return fixed


def let_paint() -> None:
    """Let Qt paint what changed and the X server take it in, before ``import`` reads it."""
    for _ in range(2):  # a paint may lay a widget out again, which paints once more
        QApplication.processEvents()
        QApplication.sync()  # a round trip: the server has drawn every request sent
    QApplication.processEvents()


class Camera:
    """Shoots the screen, cropped to the console window's frame (in device pixels)."""

    def __init__(self, suffix: str, out: Path = HERE) -> None:
        self.suffix = suffix
        self.out = out
        self.window: QWidget | None = None

    def shoot(self, name: str, of: QWidget | None = None, *, themed: bool = False) -> None:
        """Shoot the screen cropped to ``of`` (a dialog), else to the console window.

        A ``themed`` shot without a suffix is ``<name>-light.png``, as the README names it.
        """
        let_paint()
        suffix = self.suffix or ("-light" if themed else "")
        target = self.out / f"{name}{suffix}.png"
        crop = []
        window = of if of is not None else self.window
        if window is not None:
            frame = window.frameGeometry()
            ratio = window.devicePixelRatioF()
            width, height = round(frame.width() * ratio), round(frame.height() * ratio)
            left, top = round(frame.x() * ratio), round(frame.y() * ratio)
            crop = ["-crop", f"{width}x{height}+{left}+{top}", "+repage"]
        subprocess.run(["import", "-window", "root", *crop, str(target)], check=True)
        print(f"wrote {target}")


def wait_for(hand: Hand, condition: Callable[[], bool], what: str) -> None:
    """Wait until ``condition`` holds; one line naming ``what`` when it never does."""
    try:
        hand.waitUntil(condition, timeout=STORE_TIMEOUT_MS)
    except hand.TimeoutError:
        raise SystemExit(f"{what} did not happen") from None


def wait_for_card(hand: Hand, window: ConsoleWindow, title: str) -> None:
    """Wait until the copy card is shown for ``title`` (a person's name)."""
    card = window.copying.card
    wait_for(hand, lambda: card.isVisible() and card.title.text() == title, f"{title}'s card")


def show_at(hand: Hand, widget: QWidget, x: int, y: int) -> None:
    """Show ``widget`` with its top left at ``x``, ``y``: the same place in every shot."""
    widget.move(x, y)
    with hand.waitExposed(widget):
        widget.show()


def open_console(hand: Hand, store: Store, camera: Camera) -> tuple[StoreHub, ConsoleWindow]:
    """The console on ``store`` at the top left, its first session on screen, pointer parked."""
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    window = ConsoleWindow(hub)
    show_at(hand, window, 0, 0)
    camera.window = window
    wait_for(hand, lambda: window.session is not None, "the first session")
    park_pointer(hand, window)
    return hub, window


def open_preferences(hand: Hand, hub: StoreHub, window: ConsoleWindow) -> PreferencesDialog:
    """Preferences on ``hub``, shown beside the console (not modal: the script drives it)."""
    dialog = PreferencesDialog(hub, window)
    show_at(hand, dialog, 100, 60)
    return dialog


def start_over(fixed: FixedClock) -> None:
    """Put the clock back at the fixed start and the IDs at their first: each part of the shots
    tells its own story on its own store, so ``--only`` gives the pictures a full run does."""
    fixed.set(FIXED_START)
    use_fixed_ids()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -dark-2x")
    parser.add_argument(
        "--out", type=Path, default=HERE, help="the folder to write to (default: this one)"
    )
    parser.add_argument(
        "--only",
        choices=("all", "links-lobby", "invitations", "org", "hebrew"),
        default="all",
        help="which shots to take",
    )
    parser.add_argument("--db-admin", help="--only org: the organisation database as an admin")
    parser.add_argument("--db-agent", help="--only org: the same database as an agent")
    args = parser.parse_args()
    if args.only == "org" and not (args.db_admin and args.db_agent):
        parser.error("--only org needs --db-admin and --db-agent")
    args.out.mkdir(parents=True, exist_ok=True)
    fixed = hold_still()
    camera = Camera(args.suffix, args.out)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Collab Console")
    # The app's own looks, as --theme light|dark gives them.
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if args.theme == "dark" else light_palette())
    # A caret that never blinks: a blinking one is in some shots and not in others.
    app.styleHints().setCursorFlashTime(0)
    hand = Hand()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="collab-shots-"))
    if args.only == "links-lobby":
        shoot_links_and_lobby(hand, fixed, data_dir, camera)
        return 0
    if args.only == "invitations":
        shoot_invitations(hand, fixed, data_dir, camera)
        return 0
    if args.only == "org":
        shoot_organisation(hand, args.db_admin, args.db_agent, camera)
        return 0
    if args.only == "hebrew":
        from collab_console.gui.language import install_language

        install_language(app, "he")
        shoot_hebrew(hand, fixed, data_dir, camera)
        return 0
    shoot_console_and_preferences(hand, fixed, data_dir, camera)
    # On a store of their own: nothing copied above shows in the link list or the status bar.
    shoot_links_and_lobby(hand, fixed, data_dir / "links-lobby", camera)
    shoot_invitations(hand, fixed, data_dir / "invitations", camera)
    return 0


def shoot_console_and_preferences(
    hand: Hand, fixed: FixedClock, data_dir: Path, camera: Camera
) -> None:
    """The customer's card, Preferences locked, refused, unlocked with URL copy ticked, a
    participant's card, the customer's card after a copy, and the Audit log, whole and altered."""
    start_over(fixed)
    store = open_demo_store(data_dir)
    hub, window = open_console(hand, store, camera)
    hover_customer(hand, window)
    wait_for_card(hand, window, DEMO_CUSTOMER)
    camera.shoot("console-copy-card")
    window.copying.close_card()
    park_pointer(hand, window)

    dialog = open_preferences(hand, hub, window)
    wait_for(hand, named(dialog, QPushButton, "unlockButton").isEnabled, "Unlock being enabled")
    camera.shoot("preferences-locked", dialog)
    box = open_unlock_dialog(hand, dialog)
    type_credentials(hand, box, DEMO_ADMIN.name, WRONG_PASSPHRASE)
    wait_for(hand, named(box, QLabel, "unlockError").isVisible, "the refusal")
    box.activateWindow()
    camera.shoot("preferences-unlock-refused", dialog)
    unlock = dialog.unlock_dialog
    assert unlock is not None
    wait_for(hand, lambda: not unlock.waiting, "the end of the wait")
    # The core counts the wait on the app's clock, which stands still until moved on.
    fixed.advance(seconds=unlock_delay(1))
    type_credentials(hand, box, DEMO_ADMIN.name, DEMO_ADMIN.passphrase)
    wait_for(hand, lambda: dialog.unlocked, "the unlock")
    turn_url_copy_on(hand, dialog, camera, "preferences-url-warning")
    # Grace Kim's card, now with her own link to copy (nothing is made until a click).
    shoot_grace_kims_card(hand, window, camera, "console-participant-card")

    park_pointer(hand, window)
    hover_customer(hand, window)
    wait_for_card(hand, window, DEMO_CUSTOMER)
    url_button = window.copying.card.buttons[CopyAction.URL]
    wait_for(hand, url_button.isVisible, "Copy Session URL on the customer's card")
    let_paint()  # the card laid out where it ends up, before the pointer aims at a button
    click(hand, url_button)
    # The copy lands once the store confirmed the policy and made the link.
    wait_for(hand, lambda: url_button.text() == COPIED_TEXT, "the copy's confirmation")
    camera.shoot("console-copied-url")
    window.copying.close_card()
    park_pointer(hand, window)

    shoot_audit_log(hand, hub, window, camera, "preferences-audit-log")
    # Someone with the file rewrites who turned URL copy on: the chain no longer matches.
    alter_audit(data_dir / STORE_FILENAME)
    shoot_audit_log(hand, hub, window, camera, "preferences-audit-tampered")

    window.close()
    hub.close()
    store.close()


def turn_url_copy_on(hand: Hand, dialog: PreferencesDialog, camera: Camera, shot: str) -> None:
    """In unlocked Preferences: tick URL copy, shoot its warning, acknowledge it and save."""
    tick(hand, named(dialog, QCheckBox, "copySessionUrlCheck"))
    camera.shoot(shot, dialog)
    tick(hand, named(dialog, QCheckBox, "urlAcknowledgeCheck"))
    click(hand, named(dialog, QPushButton, "saveButton"))
    wait_for(hand, lambda: not dialog.isVisible(), "the Preferences dialog saving")


def shoot_grace_kims_card(hand: Hand, window: ConsoleWindow, camera: Camera, shot: str) -> None:
    """The pointer on Grace Kim's row (the second): her card, shot, then closed."""
    park_pointer(hand, window)
    view = window.view.participants_view
    rect = view.visualRect(window.view.participants_model.index(1, 0))
    QTest.mouseMove(view.viewport(), rect.center())
    wait_for_card(hand, window, "Grace Kim")
    camera.shoot(shot)
    window.copying.close_card()


def shoot_hebrew(hand: Hand, fixed: FixedClock, data_dir: Path, camera: Camera) -> None:
    """The console in Hebrew (``--lang he``): the customer's card, Preferences unlocked with
    URL copy ticked and its warning, and a participant's card opening to the row's left."""
    start_over(fixed)
    store = open_demo_store(data_dir)
    hub, window = open_console(hand, store, camera)
    hover_customer(hand, window)
    wait_for_card(hand, window, DEMO_CUSTOMER)
    camera.shoot("console-copy-card-he")
    window.copying.close_card()
    park_pointer(hand, window)

    dialog = open_preferences(hand, hub, window)
    wait_for(hand, named(dialog, QPushButton, "unlockButton").isEnabled, "Unlock being enabled")
    box = open_unlock_dialog(hand, dialog)
    type_credentials(hand, box, DEMO_ADMIN.name, DEMO_ADMIN.passphrase)
    wait_for(hand, lambda: dialog.unlocked, "the unlock")
    turn_url_copy_on(hand, dialog, camera, "preferences-url-warning-he")
    shoot_grace_kims_card(hand, window, camera, "console-participant-card-he")
    window.close()
    hub.close()
    store.close()


def shoot_organisation(hand: Hand, admin_dsn: str, agent_dsn: str, camera: Camera) -> None:
    """Preferences as an admin and as an agent, and the Retry dialog of a server that is down."""
    from collab_console.gui.unreachable_dialog import UnreachableStoreDialog
    from collab_console.store.errors import StoreUnavailableError

    for dsn, name in ((admin_dsn, "org-preferences-admin"), (agent_dsn, "org-preferences-agent")):
        shoot_org_preferences(hand, dsn, name, camera)

    def unreachable() -> object:
        raise StoreUnavailableError(
            "Could not connect: the database collab on db.example.org as agent.amy does not "
            "answer (the server is down or unreachable). Try again in a moment."
        )

    box = UnreachableStoreDialog(unreachable)
    box.move(100, 60)
    QTimer.singleShot(1500, lambda: camera.shoot("org-unreachable", box))
    QTimer.singleShot(2500, box.reject)
    box.open_store()


def shoot_org_preferences(hand: Hand, dsn: str, name: str, camera: Camera) -> None:
    """Preferences on the organisation database ``dsn``, once it said who the login is."""
    store = open_store(db=dsn)
    seed_demo(store)  # as the admin: the agent sees none of the demo's sessions
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    window = ConsoleWindow(hub)
    show_at(hand, window, 0, 0)
    dialog = open_preferences(hand, hub, window)
    wait_for(
        hand,
        lambda: dialog.unlocked or bool(dialog.database_refusal),
        'the database\'s answer to "is this login an admin?"',
    )
    camera.shoot(name, dialog)
    dialog.close()
    window.close()
    hub.close()
    store.close()


def shoot_audit_log(
    hand: Hand, hub: StoreHub, window: ConsoleWindow, camera: Camera, name: str
) -> None:
    """Preferences unlocked by the admin, on its Audit log page."""
    dialog = open_preferences(hand, hub, window)
    unlock_preferences(hand, dialog, DEMO_ADMIN.name, DEMO_ADMIN.passphrase)
    dialog.show_audit_log()
    wait_for(hand, lambda: dialog.audit.checked and dialog.audit.model.rowCount() > 0, "the audit")
    camera.shoot(name, dialog)
    dialog.reject()


def shoot_links_and_lobby(hand: Hand, fixed: FixedClock, data_dir: Path, camera: Camera) -> None:
    """On a new demo store in ``data_dir``: the links of the demo session (made, used and
    stopped elsewhere), then two people asking to join it by ID, recorded as the join
    service records them."""
    from collab_console.core.links import LinkPurpose, MintedLink, new_token, token_hash

    start_over(fixed)
    store = open_demo_store(data_dir)
    hub, window = open_console(hand, store, camera)
    elsewhere = open_store(data_dir)
    now = clock.now()
    grace, omar = DEMO_PARTICIPANT_IDS[1], DEMO_PARTICIPANT_IDS[0]

    def mint(access_id: str, purpose: LinkPurpose, actor: str = "agent.sam") -> MintedLink:
        minted, _ = elsewhere.mint_link(
            DEMO_ACTIVE_ID, access_id, purpose=purpose, actor=actor, now=now
        )
        return minted

    # Dana joined with her invitation; Grace's first copied link was revoked, then her
    # links were regenerated (her second one stopped, a new invitation queued: its link
    # is made when it is sent); Omar has his invitation; Dana has a copied link too.
    used = mint(DEMO_ACTIVE_ID, LinkPurpose.INVITATION)
    token = used.url.rsplit("/", 1)[-1]
    elsewhere.redeem_link(token, browser=token_hash(new_token()), address="203.0.113.5", now=now)
    mint(omar, LinkPurpose.INVITATION)
    stopped = mint(grace, LinkPurpose.COPY)
    elsewhere.revoke_link(stopped.link.link_id, actor="agent.sam", now=now)
    mint(grace, LinkPurpose.COPY)
    elsewhere.regenerate_links(DEMO_ACTIVE_ID, grace, actor="agent.sam", now=now)
    mint(DEMO_ACTIVE_ID, LinkPurpose.COPY)
    made = len(elsewhere.list_links(DEMO_ACTIVE_ID))

    window.open_links()
    dialog = window.links_dialog
    assert dialog is not None
    dialog.move(60, 90)
    QTest.qWaitForWindowExposed(dialog)
    wait_for(hand, lambda: dialog.loaded and dialog.model.rowCount() == made, "the links")
    dialog.select_link(dialog.model.rows[1].link.link_id)
    dialog.table.setFocus()
    camera.shoot("links", dialog, themed=True)
    dialog.close()

    for typed_id, name, address in (
        (DEMO_ACTIVE_ID, "Dana Levi", "203.0.113.5"),
        (grace, "Grace Kim", "198.51.100.23"),
    ):
        elsewhere.request_join(
            typed_id, name, browser=token_hash(new_token()), address=address, now=now
        )
    wait_for(hand, lambda: len(window.lobby.rows) == 2, "the requests in the lobby")
    window.activateWindow()
    QTest.keyClick(window.session_list, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    camera.shoot("lobby", themed=True)
    elsewhere.close()
    window.close()
    hub.close()
    store.close()


def shoot_invitations(hand: Hand, fixed: FixedClock, data_dir: Path, camera: Camera) -> None:
    """On a new demo store in ``data_dir``, with URL copy on: the card of Dana (her SMS invite
    failed) and of Omar (his was delivered), the reason asked before copying Omar's Session
    URL, Add participant refusing a number, and Preferences › Session › Invitations."""
    from collab_console.gui.add_participant_dialog import AddParticipantDialog

    start_over(fixed)
    store = open_demo_store(data_dir, DemoOptions(url_copy=True))
    hub, window = open_console(hand, store, camera)
    hover_customer(hand, window)
    wait_for_card(hand, window, DEMO_CUSTOMER)
    camera.shoot("console-delivery-failed")
    window.copying.close_card()

    park_pointer(hand, window)
    view = window.view.participants_view
    rect = view.visualRect(window.view.participants_model.index(0, 0))
    QTest.mouseMove(view.viewport(), QPoint(rect.left() + 12, rect.center().y()))
    wait_for_card(hand, window, "Omar Haddad")
    camera.shoot("console-delivery-ok")

    click(hand, window.copying.card.buttons[CopyAction.URL])
    wait_for(hand, lambda: window.copying.reason_dialog is not None, "the reason dialog")
    reason = window.copying.reason_dialog
    assert reason is not None
    QTest.qWaitForWindowExposed(reason)
    retype(hand, named(reason, QLineEdit, "copyReasonEdit"), "his phone blocks links in texts")
    camera.shoot("copy-reason")
    reason.reject()
    park_pointer(hand, window)

    session = window.session
    assert session is not None
    dialog = AddParticipantDialog(hub, session, window)
    show_at(hand, dialog, 200, 160)
    retype(hand, named(dialog, QLineEdit, "participantNameEdit"), "Ivo Petrov")
    retype(hand, named(dialog, QLineEdit, "participantContactEdit"), "020 7946 0958")
    camera.shoot("add-participant", dialog)
    dialog.reject()

    preferences = open_preferences(hand, hub, window)
    unlock_preferences(hand, preferences, DEMO_ADMIN.name, DEMO_ADMIN.passphrase)
    preferences.show_invitations()
    retype(hand, named(preferences, QLineEdit, "smtpHostEdit"), "smtp.example.com")
    retype(hand, named(preferences, QLineEdit, "smtpSenderEdit"), "invites@example.com")
    camera.shoot("preferences-invitations", preferences)
    preferences.reject()

    window.close()
    hub.close()
    store.close()


def alter_audit(store_file: Path) -> None:
    """Change the actor of the URL copy's setting entry past the store's rules."""
    import sqlite3

    with sqlite3.connect(store_file, isolation_level=None) as tool:
        triggers = tool.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall()
        tool.execute("BEGIN")
        for trigger, _ in triggers:
            tool.execute(f"DROP TRIGGER {trigger}")
        tool.execute(
            "UPDATE audit SET actor = 'someone.else' WHERE kind = 'setting'"
            " AND detail = 'copy_session_url'"
        )
        for _, sql in triggers:
            tool.execute(sql)
        tool.execute("COMMIT")
    tool.close()


if __name__ == "__main__":
    sys.exit(main())
