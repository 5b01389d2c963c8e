"""The privacy screen: one switch that masks customer details everywhere in the window.

For screen sharing and call recording. Masking is for the screen only: copies
still put the real values on the clipboard, and say what they copied in masked
form. Every widget that shows a customer's name, contact or ID reads
:attr:`PrivacyScreen.masked` and re-renders on :attr:`PrivacyScreen.changed`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from collab_console.core.masking import mask_contact, mask_id, mask_name


class PrivacyScreen(QObject):
    """Whether the window masks customer details now.

    Signals:
        changed(bool): masking was switched on (True) or off (False).
    """

    changed = Signal(bool)

    def __init__(self, masked: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._masked = masked

    @property
    def masked(self) -> bool:
        return self._masked

    def set_masked(self, masked: bool) -> None:
        if masked != self._masked:
            self._masked = masked
            self.changed.emit(masked)

    def name(self, text: str) -> str:
        return mask_name(text) if self._masked else text

    def contact(self, text: str) -> str:
        return mask_contact(text) if self._masked else text

    def access_id(self, text: str) -> str:
        return mask_id(text) if self._masked else text
