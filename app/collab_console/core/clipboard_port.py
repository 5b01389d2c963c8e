"""The clipboard as the copy service sees it: one method, two adapters.

The console's adapter uses Qt's clipboard (``gui/clipboard.py``); the CLI's
uses pyperclip (``cli/clipboard.py``). Neither decides what may be copied.
"""

from __future__ import annotations

from typing import Protocol


class ClipboardPort(Protocol):
    """Somewhere to put a copied value so that other programs can paste it."""

    def put(self, text: str, *, sensitive: bool) -> None:
        """Put ``text`` on the system clipboard, or raise ``ClipboardError``.

        Returns only once another program asking for the clipboard gets
        ``text``. ``sensitive`` marks a value that opens a live session (the
        Session URL); adapters may use it to keep the value out of clipboard
        history.
        """
        ...
