"""Take the README screenshots from the real app on an X server with a window manager.

Run (light and dark, at 1x and 2x)::

    xvfb-run -a -s "-screen 0 1600x1000x24" sh -c \\
      'openbox & sleep 1; .venv/bin/python docs/screenshots/take.py --theme light'
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 3200x2000x24" sh -c \\
      'openbox & sleep 1; .venv/bin/python docs/screenshots/take.py --theme dark --suffix -dark-2x'

It drives the widgets like a user (the pointer rests on the customer icon, URL
copy is ticked in Preferences, acknowledged and saved, a copy button is
clicked, a tampered link is withheld) and saves ``import -window root`` shots.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QWidget

from collab_console.core.copy_actions import CopyAction
from collab_console.gui.appearance import dark_palette, light_palette
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.preferences_dialog import PreferencesDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store, seed_demo
from collab_console.store.location import STORE_FILENAME

HERE = Path(__file__).resolve().parent


def settle(ms: int) -> None:
    QTest.qWait(ms)


class Camera:
    """Shoots the screen, cropped to the console window's frame (in device pixels)."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.window: QWidget | None = None

    def shoot(self, name: str) -> None:
        settle(300)
        target = HERE / f"{name}{self.suffix}.png"
        crop = []
        if self.window is not None:
            frame = self.window.frameGeometry()
            ratio = self.window.devicePixelRatioF()
            width, height = round(frame.width() * ratio), round(frame.height() * ratio)
            left, top = round(frame.x() * ratio), round(frame.y() * ratio)
            crop = ["-crop", f"{width}x{height}+{left}+{top}", "+repage"]
        subprocess.run(["import", "-window", "root", *crop, str(target)], check=True)
        print(f"wrote {target}")


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
    args = parser.parse_args()
    camera = Camera(args.suffix)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Collab Console")
    # The app's own looks, as --theme light|dark gives them.
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if args.theme == "dark" else light_palette())
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="collab-shots-"))
    store = open_store(data_dir, create=True)
    seed_demo(store)
    hub, window = open_console(store, camera)
    icon = window.view.customer_icon
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    camera.shoot("console-copy-card")

    view = window.view.participants_view
    window.copying.close_card()
    QTest.mouseMove(window.session_list, QPoint(5, 5))
    settle(600)
    rect = view.visualRect(window.view.participants_model.index(1, 0))
    QTest.mouseMove(view.viewport(), rect.center())
    settle(700)
    camera.shoot("console-participant-card")

    dialog = PreferencesDialog(hub, window)
    dialog.move(100, 60)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    url_check = dialog.findChild(QCheckBox, "copySessionUrlCheck")
    assert url_check is not None
    url_check.setFocus()
    QTest.keyClick(url_check, Qt.Key.Key_Space)
    camera.shoot("preferences-url-warning")
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

    park = window.session_list
    QTest.mouseMove(park, QPoint(5, 5))
    settle(600)
    QTest.mouseMove(icon, QPoint(icon.width() // 2, icon.height() // 2))
    settle(700)
    url_button = window.copying.card.buttons[CopyAction.URL]
    QTest.mouseMove(url_button, url_button.rect().center())
    QTest.mouseClick(url_button, Qt.MouseButton.LeftButton)
    settle(400)
    camera.shoot("console-copied-url")

    # One flipped bit in the file points Grace Kim's link at another host.
    window.close()
    hub.close()
    store.close()
    store_file = data_dir / STORE_FILENAME
    data = bytearray(store_file.read_bytes())
    data[data.index(b"collab.example.com/join/7QKM-92HX-P2") + 4] ^= 0x02
    store_file.write_bytes(bytes(data))
    store = open_store(data_dir)
    hub, window = open_console(store, camera)
    view = window.view.participants_view
    QTest.mouseMove(window.session_list, QPoint(5, 5))
    settle(400)
    rect = view.visualRect(window.view.participants_model.index(1, 0))
    QTest.mouseMove(view.viewport(), rect.center())
    settle(700)
    camera.shoot("console-withheld-url")
    window.close()
    hub.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
