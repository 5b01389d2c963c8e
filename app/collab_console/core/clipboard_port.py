"""The clipboard as the copy service sees it: one method, two adapters.

The console's adapter uses Qt's clipboard (``gui/clipboard.py``); the CLI's
hands a sensitive value to a keeper process (``clipboard_keeper.py``) and
anything else to pyperclip (``cli/clipboard.py``). Neither decides what may be
copied, nor for how long: the copy service passes both.
"""

from __future__ import annotations

from typing import Protocol


class ClipboardPort(Protocol):
    """Somewhere to put a copied value so that other programs can paste it."""

    def put(self, text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
        """Put ``text`` on the system clipboard, or raise ``ClipboardError``.

        Returns only once another program asking for the clipboard gets
        ``text``. ``sensitive`` marks a value that opens a live session (the
        Session URL): adapters mark it so clipboard managers and clipboard
        history leave it out, next to the plain text every program pastes.
        ``clear_after_s`` seconds later (0: never) the adapter clears the
        clipboard, but only if it still holds exactly this value; if something
        else was copied meanwhile, nothing is touched. Returning never waits
        for the clearing. Adapters never hand ``text`` to another program on
        its command line, where other local accounts can read it.
        """
        ...
