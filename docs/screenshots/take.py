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
people ask to join by ID) and saves ``import -window root`` shots.
The join service's pages (``join-*.png``) are taken by ``tests/join/take_screenshots.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QWidget

from collab_console.core.admins import init_admin
from collab_console.core.copy_actions import CopyAction
from collab_console.core.identity import current_user
from collab_console.gui.appearance import dark_palette, light_palette
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.copy_card import COPIED_TEXT
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.unlock_dialog import UnlockDialog
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME

HERE = Path(__file__).resolve().parent
W = TypeVar("W", bound=QWidget)
#: The demo's admin in the shots, and their passphrase.
ADMIN = "admin.ana"
PASSPHRASE = "ana keeps the settings 42"


def settle(ms: int) -> None:
    QTest.qWait(ms)


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
        settle(300)
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


def wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if condition():
            return
        settle(50)
    raise SystemExit(f"{what} did not happen")


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def child(parent: QWidget, kind: type[W], name: str) -> W:
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def unlock(dialog: PreferencesDialog, passphrase: str) -> UnlockDialog:
    """Click Unlock…, type the admin's name and ``passphrase``, press Unlock; the dialog."""
    button = child(dialog, QPushButton, "unlockButton")
    wait_for(button.isEnabled, "Unlock being enabled")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_for(lambda: dialog.unlock_dialog is not None, "the Unlock dialog")
    box = dialog.unlock_dialog
    assert box is not None
    QTest.qWaitForWindowExposed(box)
    type_into(child(box, QLineEdit, "adminNameEdit"), ADMIN)
    type_into(child(box, QLineEdit, "passphraseEdit"), passphrase)
    QTest.mouseClick(child(box, QPushButton, "unlockConfirmButton"), Qt.MouseButton.LeftButton)
    return box


def open_console(store: Store, camera: Camera) -> tuple[StoreHub, ConsoleWindow]:
    """The console on ``store`` at the top left, its first session on screen."""
    hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
    window = ConsoleWindow(hub)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    camera.window = window
    while window.session is None:
        settle(50)
    return hub, window


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
        choices=("all", "links-lobby", "invitations", "org"),
        default="all",
        help="which shots to take",
    )
    parser.add_argument("--db-admin", help="--only org: the organisation database as an admin")
    parser.add_argument("--db-agent", help="--only org: the same database as an agent")
    args = parser.parse_args()
    if args.only == "org" and not (args.db_admin and args.db_agent):
        parser.error("--only org needs --db-admin and --db-agent")
    args.out.mkdir(parents=True, exist_ok=True)
    camera = Camera(args.suffix, args.out)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Collab Console")
    # The app's own looks, as --theme light|dark gives them.
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if args.theme == "dark" else light_palette())
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="collab-shots-"))
    if args.only == "links-lobby":
        shoot_links_and_lobby(data_dir, camera)
        return 0
    if args.only == "invitations":
        shoot_invitations(data_dir, camera)
        return 0
    if args.only == "org":
        shoot_organisation(args.db_admin, args.db_agent, camera)
        return 0
    store = demo_store(data_dir)
    hub, window = open_console(store, camera)
    icon = window.view.customer_icon
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    camera.shoot("console-copy-card")
    window.copying.close_card()
    QTest.mouseMove(window.session_list, QPoint(5, 5))
    settle(600)

    dialog = PreferencesDialog(hub, window)
    dialog.move(100, 60)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    wait_for(child(dialog, QPushButton, "unlockButton").isEnabled, "Unlock being enabled")
    camera.shoot("preferences-locked", dialog)
    box = unlock(dialog, "not the passphrase at all")
    error = child(box, QLabel, "unlockError")
    wait_for(error.isVisible, "the refusal")
    box.activateWindow()
    camera.shoot("preferences-unlock-refused", dialog)
    wait_for(lambda: not box.waiting, "the end of the wait")
    child(box, QLineEdit, "passphraseEdit").setFocus()
    QTest.keyClicks(child(box, QLineEdit, "passphraseEdit"), PASSPHRASE)
    QTest.mouseClick(child(box, QPushButton, "unlockConfirmButton"), Qt.MouseButton.LeftButton)
    wait_for(lambda: dialog.unlocked, "the unlock")
    url_check = dialog.findChild(QCheckBox, "copySessionUrlCheck")
    assert url_check is not None
    url_check.setFocus()
    QTest.keyClick(url_check, Qt.Key.Key_Space)
    camera.shoot("preferences-url-warning", dialog)
    ack = dialog.findChild(QCheckBox, "urlAcknowledgeCheck")
    save = dialog.findChild(QPushButton, "saveButton")
    assert ack is not None
    assert save is not None
    QTest.mouseClick(ack, Qt.MouseButton.LeftButton, pos=QPoint(8, ack.height() // 2))
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    for _ in range(100):
        if not dialog.isVisible():
            break
        settle(50)
    else:
        raise SystemExit("the Preferences dialog did not save")

    # Grace Kim's card, now with her own link to copy (nothing is made until a click).
    park = window.session_list
    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)
    view = window.view.participants_view
    rect = view.visualRect(window.view.participants_model.index(1, 0))
    QTest.mouseMove(view.viewport(), rect.center())
    settle(700)
    camera.shoot("console-participant-card")
    window.copying.close_card()

    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    card = window.copying.card
    url_button = card.buttons[CopyAction.URL]
    wait_for(lambda: card.isVisible() and url_button.isVisible(), "the customer's card")
    settle(200)  # laid out where the card ends up
    QTest.mouseMove(url_button, url_button.rect().center())
    QTest.mouseClick(url_button, Qt.MouseButton.LeftButton)
    # The copy lands once the store confirmed the policy and made the link.
    wait_for(lambda: url_button.text() == COPIED_TEXT, "the copy's confirmation")
    camera.shoot("console-copied-url")
    window.copying.close_card()
    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)

    shoot_audit_log(hub, window, camera, "preferences-audit-log")
    # Someone with the file rewrites who turned URL copy on: the chain no longer matches.
    alter_audit(data_dir / STORE_FILENAME)
    shoot_audit_log(hub, window, camera, "preferences-audit-tampered")

    window.close()
    hub.close()
    store.close()
    # On a store of their own: nothing copied above shows in the link list or the status bar.
    shoot_links_and_lobby(data_dir / "links-lobby", camera)
    shoot_invitations(data_dir / "invitations", camera)
    return 0


def shoot_organisation(admin_dsn: str, agent_dsn: str, camera: Camera) -> None:
    """Preferences as an admin and as an agent, and the Retry dialog of a server that is down."""
    from collab_console.gui.unreachable_dialog import UnreachableStoreDialog
    from collab_console.store.errors import StoreUnavailableError

    for dsn, name in ((admin_dsn, "org-preferences-admin"), (agent_dsn, "org-preferences-agent")):
        store = open_store(db=dsn)
        seed_demo(store)  # as the admin: the agent sees none of the demo's sessions
        hub = StoreHub(store, settings=store.load_settings(), sessions=store.list_sessions())
        window = ConsoleWindow(hub)
        window.move(0, 0)
        window.show()
        QTest.qWaitForWindowExposed(window)
        dialog = PreferencesDialog(hub, window)
        dialog.move(100, 60)
        dialog.show()
        QTest.qWaitForWindowExposed(dialog)
        settle(800)  # the database's answer to "is this login an admin?"
        camera.shoot(name, dialog)
        dialog.close()
        window.close()
        hub.close()
        store.close()

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


def demo_store(data_dir: Path) -> Store:
    """A new store in ``data_dir`` with the demo data and the shots' admin."""
    store = open_store(data_dir, create=True)
    seed_demo(store)
    init_admin(store, ADMIN, PASSPHRASE, actor=current_user())
    return store


def shoot_audit_log(hub: StoreHub, window: ConsoleWindow, camera: Camera, name: str) -> None:
    """Preferences unlocked by the admin, on its Audit log page."""
    dialog = PreferencesDialog(hub, window)
    dialog.move(100, 60)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    unlock(dialog, PASSPHRASE)
    wait_for(lambda: dialog.unlocked, "the unlock")
    dialog.show_audit_log()
    wait_for(lambda: dialog.audit.checked and dialog.audit.model.rowCount() > 0, "the audit")
    camera.shoot(name, dialog)
    dialog.reject()


def shoot_links_and_lobby(data_dir: Path, camera: Camera) -> None:
    """On a new demo store in ``data_dir``: the links of the demo session (made, used and
    stopped elsewhere), then two people asking to join it by ID, recorded as the join
    service records them."""
    from datetime import UTC, datetime

    from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
    from collab_console.core.links import LinkPurpose, MintedLink, new_token, token_hash

    store = demo_store(data_dir)
    hub, window = open_console(store, camera)
    elsewhere = open_store(data_dir)
    now = datetime.now(UTC)
    grace, omar = DEMO_PARTICIPANT_IDS[1], DEMO_PARTICIPANT_IDS[0]

    def mint(access_id: str, purpose: LinkPurpose, actor: str = "agent.sam") -> MintedLink:
        minted, _ = elsewhere.mint_link(
            DEMO_ACTIVE_ID, access_id, purpose=purpose, actor=actor, now=now
        )
        return minted

    # Dana joined with her invitation; Grace's first copied link was revoked, then
    # her links were regenerated (one new invitation); Omar has his invitation.
    used = mint(DEMO_ACTIVE_ID, LinkPurpose.INVITATION)
    token = used.url.rsplit("/", 1)[-1]
    elsewhere.redeem_link(token, browser=token_hash(new_token()), address="203.0.113.5", now=now)
    mint(omar, LinkPurpose.INVITATION)
    stopped = mint(grace, LinkPurpose.COPY)
    elsewhere.revoke_link(stopped.link.link_id, actor="agent.sam", now=now)
    mint(grace, LinkPurpose.COPY)
    elsewhere.regenerate_links(DEMO_ACTIVE_ID, grace, actor="agent.sam", now=now)
    mint(DEMO_ACTIVE_ID, LinkPurpose.COPY)

    window.open_links()
    dialog = window.links_dialog
    assert dialog is not None
    dialog.move(60, 90)
    QTest.qWaitForWindowExposed(dialog)
    wait_for(lambda: dialog.loaded and dialog.model.rowCount() >= 6, "the links")
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
        settle(50)
    wait_for(lambda: len(window.lobby.rows) == 2, "the requests in the lobby")
    window.activateWindow()
    QTest.keyClick(window.session_list, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    camera.shoot("lobby", themed=True)
    elsewhere.close()
    window.close()
    hub.close()
    store.close()


def shoot_invitations(data_dir: Path, camera: Camera) -> None:
    """On a new demo store in ``data_dir``, with URL copy on: the card of Dana (her SMS invite
    failed) and of Omar (his was delivered), the reason asked before copying Omar's Session
    URL, Add participant refusing a number, and Preferences › Session › Invitations."""
    from collab_console.gui.add_participant_dialog import AddParticipantDialog

    store = demo_store(data_dir)
    admin_saves(store, URL_COPY_ON)
    hub, window = open_console(store, camera)
    park = window.session_list
    icon = window.view.customer_icon
    QTest.mouseMove(park, QPoint(5, 5))
    settle(400)
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    card = window.copying.card
    wait_for(lambda: card.isVisible() and card.title.text() == "Dana Levi", "Dana's card")
    camera.shoot("console-delivery-failed")
    window.copying.close_card()

    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)
    view = window.view.participants_view
    rect = view.visualRect(window.view.participants_model.index(0, 0))
    QTest.mouseMove(view.viewport(), QPoint(rect.left() + 12, rect.center().y()))
    wait_for(lambda: card.isVisible() and card.title.text() == "Omar Haddad", "Omar's card")
    camera.shoot("console-delivery-ok")

    url_button = card.buttons[CopyAction.URL]
    QTest.mouseMove(url_button, url_button.rect().center())
    QTest.mouseClick(url_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: window.copying.reason_dialog is not None, "the reason dialog")
    reason = window.copying.reason_dialog
    assert reason is not None
    QTest.qWaitForWindowExposed(reason)
    type_into(child(reason, QLineEdit, "copyReasonEdit"), "his phone blocks links in texts")
    camera.shoot("copy-reason")
    reason.reject()
    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)

    session = window.session
    assert session is not None
    dialog = AddParticipantDialog(hub, session, window)
    dialog.move(200, 160)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    type_into(child(dialog, QLineEdit, "participantNameEdit"), "Ivo Petrov")
    type_into(child(dialog, QLineEdit, "participantContactEdit"), "020 7946 0958")
    camera.shoot("add-participant", dialog)
    dialog.reject()

    preferences = PreferencesDialog(hub, window)
    preferences.move(100, 60)
    preferences.show()
    QTest.qWaitForWindowExposed(preferences)
    unlock(preferences, PASSPHRASE)
    wait_for(lambda: preferences.unlocked, "the unlock")
    preferences.show_invitations()
    type_into(child(preferences, QLineEdit, "smtpHostEdit"), "smtp.example.com")
    type_into(child(preferences, QLineEdit, "smtpSenderEdit"), "invites@example.com")
    camera.shoot("preferences-invitations", preferences)
    preferences.reject()

    window.close()
    hub.close()
    store.close()


#: URL copy on, its warning acknowledged, as an admin saves it.
URL_COPY_ON = {"copy_session_url": True}


def admin_saves(store: Store, values: dict[str, object]) -> None:
    """The shots' admin saves ``values`` (acknowledging a warning), as ``settings set`` does."""
    from datetime import UTC, datetime

    from collab_console.core.admins import change_settings, verify_admin

    now = datetime.now(UTC)
    admin = verify_admin(store, ADMIN, PASSPHRASE, now=now, actor=current_user())
    change_settings(store, store.load_settings(), admin, now=now, acknowledged=True, **values)


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
