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


class StoreLoginRefusedError(StoreUnreadableError):
    """The database refused the login for its password: wrong, or none was given.

    Its own type, not words in its message (which is translated), tells
    :func:`collab_console.store.open_org_store` to add why the keyring gave none.
    """


class StoreUnavailableError(StoreUnreadableError):
    """The store's server cannot be reached now (down, restarting, the network gone).

    Unlike a damaged file, this passes: a later call tries to connect again.
    """


class StoreRefusedError(StoreError):
    """The database refused a write that breaks one of its rules."""


class DataDirError(StoreError):
    """The data folder named by ``--data-dir``, the environment or the default is unusable.

    Raised by :mod:`collab_console.store.location` before anything is opened.
    """


class StoreAlteredError(StoreError):
    """The store's schema is not the one the app made: a rule was removed or changed."""
