"""What a store write changed, as typed events.

A store's writes return them, and changes made by other processes arrive as
the same events (``Store.poll_events``), so the GUI never needs to know which
backend it talks to or how that backend notices changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from collab_console.core.domain import SessionSummary
from collab_console.core.settings import CopySettings


@dataclass(frozen=True)
class SettingsChanged:
    """The copy settings now in force."""

    settings: CopySettings


@dataclass(frozen=True)
class SessionStarted:
    summary: SessionSummary


@dataclass(frozen=True)
class SessionEnded:
    summary: SessionSummary


@dataclass(frozen=True)
class StoreResynced:
    """Too much changed to say what: read the settings and sessions afresh."""


StoreEvent = SettingsChanged | SessionStarted | SessionEnded | StoreResynced
