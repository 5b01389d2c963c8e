"""The copy policy: which copy actions exist for a person in a session, now.

This is the only place that decides it. The hover card, the context menu and
the ``copy`` command all ask :func:`copy_actions` or :func:`refusal`.
"""

from __future__ import annotations

from enum import Enum

from collab_console.core.domain import Participant, Session
from collab_console.core.settings import COPY_SESSION_ID, COPY_SESSION_URL, CopySettings


class CopyAction(Enum):
    """A copy button, in the order the card shows them."""

    ID = "id"
    URL = "url"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {
            CopyAction.ID: COPY_SESSION_ID.label,
            CopyAction.URL: COPY_SESSION_URL.label,
            CopyAction.BOTH: "Copy both",
        }[self]


def refusal(
    settings: CopySettings, session: Session, person: Participant, action: CopyAction
) -> str | None:
    """Why ``action`` is not allowed for ``person`` now, or None when it is."""
    if not session.is_active:
        return f"session {session.session_id} is not active ({session.state.label.lower()})"
    if person not in session.everyone:
        return f"{person.name} is not in session {session.session_id}"
    id_on, url_on = settings.copy_session_id, settings.copy_session_url
    if action is CopyAction.ID and not id_on:
        return f"{COPY_SESSION_ID.label} is turned off in Session > Tools > Copy session details"
    if action is CopyAction.URL and not url_on:
        return f"{COPY_SESSION_URL.label} is turned off in Session > Tools > Copy session details"
    if action is CopyAction.BOTH and not (id_on and url_on):
        return (
            "Copy both needs Copy Session ID and Copy Session URL turned on "
            "in Session > Tools > Copy session details"
        )
    return None


def copy_actions(
    settings: CopySettings, session: Session, person: Participant
) -> tuple[CopyAction, ...]:
    """The copy actions to offer for ``person``; empty means: show no card."""
    return tuple(a for a in CopyAction if refusal(settings, session, person, a) is None)


def nothing_to_copy_reason(settings: CopySettings, session: Session) -> str:
    """What to tell an agent who asks for copy options when there are none."""
    if not session.is_active:
        return f"Session {session.session_id} has ended; there is nothing to copy."
    return (
        "Copying session details is turned off. An admin can turn it on in "
        "Settings > Preferences > Session > Tools > Copy session details."
    )
