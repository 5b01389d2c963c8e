"""Why a store cannot be used; each message names the file and what to do."""

from collab_console.core.errors import CollabConsoleError


class StoreError(CollabConsoleError):
    """The store cannot be opened, read or written. Nothing was changed."""


class StoreMissingError(StoreError):
    pass


class StoreDamagedError(StoreError):
    pass


class StoreTooNewError(StoreError):
    pass


class StoreLockedError(StoreError):
    pass


class StoreUnreadableError(StoreError):
    pass


class StoreRefusedError(StoreError):
    """The database refused a write that breaks one of its rules."""
