"""Where a copy card hangs, whom it is for, and how that person may be shown.

Kept apart from :mod:`copy_card` so the console can describe targets without
loading the card (and the Qt enums it needs) before its first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collab_console.core.domain import Participant
from collab_console.core.records import Record

if TYPE_CHECKING:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QWidget

    from collab_console.gui.privacy import PrivacyScreen


class CardTarget(Record):
    """Whom a card is for, and where it hangs: ``rect`` is in ``anchor``'s coordinates."""

    person: Participant
    anchor: QWidget
    rect: QRect
    #: Where keyboard focus returns when the card closes with Esc.
    focus_home: QWidget
    #: Hang the card to the right of ``rect`` (list rows) instead of below it.
    beside: bool = False
    #: What the card must never cover, in ``anchor``'s coordinates: the whole row of a
    #: list, so the pointer on it and the row itself stay in view. None: ``rect``.
    keep_clear: QRect | None = None

    @property
    def clear_rect(self) -> QRect:
        return self.rect if self.keep_clear is None else self.keep_clear

    def same_place(self, other: CardTarget | None) -> bool:
        return (
            other is not None
            and other.anchor is self.anchor
            and other.person.access_id == self.person.access_id
        )


def on_screen(person: Participant, privacy: PrivacyScreen | None) -> Participant:
    """``person`` as the screen may show them; never for the clipboard.

    The name, the ID and the contact are masked while the privacy screen is on.
    (A Session URL is never on screen: it is made when it is copied.)
    """
    if privacy is None:
        return person
    return person.replace(
        name=privacy.name(person.name),
        access_id=privacy.access_id(person.access_id),
        contact=privacy.contact(person.contact),
    )
