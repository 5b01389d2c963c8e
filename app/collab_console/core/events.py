"""What a store write changed, as typed events.

A store's writes return them, and changes made by other processes arrive as
the same events (``Store.poll_events``), so the GUI never needs to know which
backend it talks to or how that backend notices changes.
"""

from __future__ import annotations

from collab_console.core.domain import SessionSummary
from collab_console.core.records import Record
from collab_console.core.settings import CopySettings


class SettingsChanged(Record):
    """The copy settings now in force."""

    settings: CopySettings


class SessionStarted(Record):
    summary: SessionSummary


class SessionEnded(Record):
    summary: SessionSummary


class StoreResynced(Record):
    """Too much changed to say what: read the settings and sessions afresh."""


class LinksChanged(Record):
    """A link of the session was made, used or stopped: read the session's links afresh."""

    session_id: str


class LobbyChanged(Record):
    """A request to join the session arrived or was decided, or its lobby was (un)locked."""

    session_id: str


class ParticipantAdded(Record):
    """Someone was added to the session: read the session afresh (its rows grow by one)."""

    session_id: str
    access_id: str


class InvitationsChanged(Record):
    """An invitation of the session was queued, sent, delivered or failed: read its
    deliveries afresh (``Store.deliveries``) and update the rows that changed."""

    session_id: str


StoreEvent = (
    SettingsChanged
    | SessionStarted
    | SessionEnded
    | StoreResynced
    | LinksChanged
    | LobbyChanged
    | ParticipantAdded
    | InvitationsChanged
)
