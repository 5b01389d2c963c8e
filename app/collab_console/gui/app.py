"""Start the console window: open the store, show the window, run the event loop."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from collab_console.core.errors import CollabConsoleError
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.store import open_store, seed_demo


class _QuitOnFirstPaint(QObject):
    """For --quit-when-ready: leave the event loop once the window has painted."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Collab Console")
    app.setDesktopFileName("collab-console")
    try:
        store = open_store(args.data_dir, create=True)
        if args.demo or args.demo_participants:
            seed_demo(store, extra_participants=args.demo_participants)
    except CollabConsoleError as exc:
        print(f"collab-console: {exc}", file=sys.stderr)
        if not args.quit_when_ready:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "Collab Console cannot start", str(exc))
        return 1
    try:
        hub = StoreHub(store)
        window = ConsoleWindow(hub)
        if args.quit_when_ready:
            quitter = _QuitOnFirstPaint(window)
            window.installEventFilter(quitter)
        window.show()
        return app.exec()
    finally:
        store.close()
