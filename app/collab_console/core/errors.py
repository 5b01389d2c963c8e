"""The errors the core and the store raise; each carries a message fit for a user."""


class CollabConsoleError(Exception):
    """Base of every error the app reports to a user (never as a traceback).

    Messages start in lower case so they read after a prefix
    (``collab-console: ...``); :attr:`sentence` is the same words on their own.
    """

    @property
    def sentence(self) -> str:
        text = str(self).rstrip(".")
        return text[:1].upper() + text[1:] + "."


class SettingsError(CollabConsoleError, ValueError):
    """A setting value, or a combination of them, is not allowed."""


class ValidationError(CollabConsoleError, ValueError):
    """User input (a name, a contact, a URL) is not acceptable."""


class NotFoundError(CollabConsoleError, LookupError):
    """A session or participant that was asked for does not exist."""


class ClipboardError(CollabConsoleError):
    """The system clipboard could not be reached, or did not keep what was put on it."""


class StaleSettingsError(CollabConsoleError):
    """A settings save was refused because someone else saved since they were read.

    ``current`` holds the settings now in force (a ``CopySettings``), so the
    caller can show who changed what and when, and let the admin decide.
    """

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message)
        self.current = current
