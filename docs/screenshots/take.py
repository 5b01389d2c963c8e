"""Take the README screenshots from the real app on an X server.

Run: ``xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/take.py``
It drives the widgets like a user (pointer rests on the customer icon, URL copy
ticked in Preferences, acknowledged and saved, a copy button clicked) and saves
``import -window root`` shots.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from collab_console.core.policy import CopyAction
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.store import open_store, seed_demo

HERE = Path(__file__).resolve().parent


def settle(ms: int) -> None:
    QTest.qWait(ms)


def shoot(name: str) -> None:
    settle(300)
    subprocess.run(["import", "-window", "root", str(HERE / name)], check=True)
    print(f"wrote {HERE / name}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Collab Console")
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="collab-shots-")
    store = open_store(data_dir, create=True)
    seed_demo(store)
    hub = StoreHub(store)
    window = ConsoleWindow(hub)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    icon = window.customer_icon
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    shoot("console-copy-card.png")

    view = window.participants_view
    window.card_controller.close(return_focus=False)
    QTest.mouseMove(window.session_list, QPoint(5, 5))
    settle(600)
    rect = view.visualRect(window.participants_model.index(1, 0))
    QTest.mouseMove(view.viewport(), rect.center())
    settle(700)
    shoot("console-participant-card.png")

    dialog = PreferencesDialog(hub, window)
    dialog.move(100, 60)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    dialog.url_check.setFocus()
    QTest.keyClick(dialog.url_check, Qt.Key.Key_Space)
    shoot("preferences-url-warning.png")
    ack = dialog.acknowledge_check
    QTest.mouseClick(ack, Qt.MouseButton.LeftButton, pos=QPoint(8, ack.height() // 2))
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    if dialog.isVisible():
        raise SystemExit("the Preferences dialog did not save")

    park = window.session_list
    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    url_button = window.card.buttons[CopyAction.URL]
    QTest.mouseMove(url_button, url_button.rect().center())
    QTest.mouseClick(url_button, Qt.MouseButton.LeftButton)
    shoot("console-copied-url.png")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
