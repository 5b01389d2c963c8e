"""What lands on the clipboard for each copy action, and what the agent is told."""

from __future__ import annotations

from collab_console.core.domain import Participant
from collab_console.core.policy import CopyAction


def clipboard_text(action: CopyAction, person: Participant) -> str:
    """The exact text a copy action puts on the clipboard."""
    if action is CopyAction.ID:
        return person.access_id
    if action is CopyAction.URL:
        return person.url
    return f"Join your collaboration session:\n{person.url}\nSession ID: {person.access_id}"


def copied_message(action: CopyAction, person: Participant) -> str:
    """The confirmation for the status bar or terminal. It never echoes the URL."""
    if action is CopyAction.ID:
        return f"Copied Session ID {person.access_id} for {person.name}."
    if action is CopyAction.URL:
        return f"Copied Session URL for {person.name}."
    return f"Copied Session ID {person.access_id} and Session URL for {person.name}."
