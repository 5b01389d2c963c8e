"""The errors the core and the store raise; each carries a message fit for a user."""


class CollabConsoleError(Exception):
    """Base of every error the app reports to a user (never as a traceback)."""


class SettingsError(CollabConsoleError, ValueError):
    """A setting value, or a combination of them, is not allowed."""


class ValidationError(CollabConsoleError, ValueError):
    """User input (a name, a contact, a URL) is not acceptable."""


class NotFoundError(CollabConsoleError, LookupError):
    """A session or participant that was asked for does not exist."""
