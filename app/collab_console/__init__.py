"""Collab Console: the agent console for live collaboration sessions."""

__version__ = "0.1.0"
