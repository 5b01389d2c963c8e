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


class SecretStoreError(CollabConsoleError):
    """The system keyring cannot keep a secret safely, or could not be reached.

    Raised rather than falling back to a weaker store: a password written to
    a plaintext file is worse than one the user has to type again.
    """


class NotAllowedError(CollabConsoleError):
    """The action needs an admin, and no admin was verified for it (``collab-console`` exit 6).

    A wrong name or passphrase, an attempt made too soon after failed ones,
    an agent trying an admin's action, or no admin set up yet. The message
    never repeats a passphrase or says whether a name is an admin's.
    """


class LinkLimitError(CollabConsoleError):
    """No Session URL was made: a limit an admin set is reached (recorded in the audit)."""
