"""Where a copy card hangs and whom it is for.

Kept apart from :mod:`copy_card` so the console can describe targets without
loading the card (and the Qt enums it needs) before its first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from collab_console.core.domain import Participant

if TYPE_CHECKING:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class CardTarget:
    """Whom a card is for, and where it hangs: ``rect`` is in ``anchor``'s coordinates."""

    person: Participant
    anchor: QWidget
    rect: QRect
    #: Where keyboard focus returns when the card closes with Esc.
    focus_home: QWidget
    #: Hang the card to the right of ``rect`` (list rows) instead of below it.
    beside: bool = False

    def same_place(self, other: CardTarget | None) -> bool:
        return (
            other is not None
            and other.anchor is self.anchor
            and other.person.access_id == self.person.access_id
        )
