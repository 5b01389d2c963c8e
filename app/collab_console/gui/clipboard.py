"""The system clipboard through Qt: the console's adapter of the clipboard port.

A sensitive value (a Session URL, *Copy both*) goes on the clipboard as plain
text, which every program pastes, together with the formats that password
managers such as KeePassXC add so that clipboard managers, clipboard history
and cloud sync leave it out (:func:`secret_formats`). The same formats are used
by the CLI's keeper process (``collab_console.clipboard_keeper``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QObject, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from collab_console.core.errors import ClipboardError

if TYPE_CHECKING:
    from collab_console.gui.clipboard_guard import ClipboardGuard

#: Klipper, CopyQ, fcitx5 and other X11/Wayland clipboard managers keep such a value out of
#: their history.
KDE_SECRET_HINT = "x-kde-passwordManagerHint"
#: Qt's name for a native Windows clipboard format (QWindowsMimeConverter's convention).
_WINDOWS_FORMAT = 'application/x-qt-windows-mime;value="{}"'
#: A DWORD 0, as Windows reads the Can… formats: "no".
_DWORD_NO = bytes(4)


def secret_formats(text: str, platform: str = sys.platform) -> Mapping[str, bytes]:
    """The MIME formats, and their data, that mark ``text`` as a secret on ``platform``.

    ``platform`` is a :data:`sys.platform` value. The names and values are
    KeePassXC's (its ``ClipboardMime::createSecretMimeData``):

    - Windows: ``ExcludeClipboardContentFromMonitorProcessing`` (its presence
      counts), and ``CanIncludeInClipboardHistory`` and
      ``CanUploadToCloudClipboard`` as DWORD 0, which keep the value out of
      Win+V history and the cloud clipboard.
    - macOS: ``org.nspasteboard.ConcealedType`` (nspasteboard.org), holding the
      text again, by the MIME name KeePassXC gives it. KeePassXC also registers
      a converter (a ``QUtiMimeConverter``) from that name to the pasteboard
      type; without one, not written here, Qt may put it under a name of its
      own that clipboard managers do not know. Untested on macOS and Windows.
    - Anywhere else (X11, Wayland): ``x-kde-passwordManagerHint: secret``.
    """
    if platform == "win32":
        return {
            _WINDOWS_FORMAT.format("ExcludeClipboardContentFromMonitorProcessing"): b"1",
            _WINDOWS_FORMAT.format("CanIncludeInClipboardHistory"): _DWORD_NO,
            _WINDOWS_FORMAT.format("CanUploadToCloudClipboard"): _DWORD_NO,
        }
    if platform == "darwin":
        return {"application/x-nspasteboard-concealed-type": text.encode()}
    return {KDE_SECRET_HINT: b"secret"}


def clipboard_data(text: str, *, sensitive: bool, platform: str = sys.platform) -> QMimeData:
    """``text`` as plain text, marked with :func:`secret_formats` when ``sensitive``."""
    data = QMimeData()
    data.setText(text)
    if sensitive:
        for mime_type, value in secret_formats(text, platform).items():
            data.setData(mime_type, QByteArray(value))
    return data


def is_marked_secret(data: QMimeData | None, platform: str = sys.platform) -> bool:
    """True when ``data`` carries every format :func:`secret_formats` puts there."""
    if data is None:
        return False
    return all(data.hasFormat(mime_type) for mime_type in secret_formats("", platform))


class QtClipboard(QObject):
    """Puts text on the clipboard other programs paste from (see ``core.clipboard_port``).

    Signals:
        countdown(int): seconds until a copied sensitive value is cleared, each
            second while one is pending; 0 when none is pending any more
            (cleared, replaced by another copy, or given up).
        cleared(): the clipboard was cleared of a sensitive value when its time ran out.

    The timing and the check that the clipboard still holds the value belong to
    a :class:`~collab_console.gui.clipboard_guard.ClipboardGuard`, made at the
    first sensitive copy (not at start-up).
    """

    countdown = Signal(int)
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._guard: ClipboardGuard | None = None

    def put(self, text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
        """Set ``text`` (marked when ``sensitive``) and read it back; guard it if it must go."""
        clipboard = QGuiApplication.clipboard()
        if clipboard is None:
            raise ClipboardError(
                QCoreApplication.translate(
                    "QtClipboard", "the system clipboard could not be reached; try again"
                )
            )
        if self._guard is not None:
            self._guard.release()  # what it watched is being replaced
        clipboard.setMimeData(clipboard_data(text, sensitive=sensitive), QClipboard.Mode.Clipboard)
        if clipboard.text(QClipboard.Mode.Clipboard) != text:
            raise ClipboardError(
                QCoreApplication.translate(
                    "QtClipboard", "the system clipboard did not keep the value; try again"
                )
            )
        if sensitive and clear_after_s > 0:
            self.guard.watch(text, clear_after_s)

    @property
    def guard(self) -> ClipboardGuard:
        if self._guard is None:
            from collab_console.gui.clipboard_guard import ClipboardGuard

            self._guard = ClipboardGuard(self)
            self._guard.countdown.connect(self.countdown)
            self._guard.cleared.connect(self.cleared)
        return self._guard

    def clear_if_unchanged(self) -> bool:
        """Clear a pending sensitive value now if the clipboard still holds it (the console
        is closing); True when it did."""
        return self._guard is not None and self._guard.clear_now()
