"""The app's log: a rotating file in the user's log folder that never holds a secret.

Every line goes through :mod:`collab_console.core.redaction`, so Session
URLs, tokens and the secrets registered with :func:`forget_in_logs` are
masked whichever library wrote the line. :func:`log_dir` and
:func:`log_files` say where the lines went, for a support request or a
test that reads them all back.

:mod:`logging` is imported by :func:`setup_logging` only: importing this
module costs no more than :mod:`pathlib`, so the start path can hold it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from collab_console.core.redaction import register_secret

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

LOG_DIR_ENV: Final = "COLLAB_CONSOLE_LOG_DIR"
LOG_FILENAME: Final = "collab-console.log"
#: A busy day fits in a few files; older lines go after five rollovers.
MAX_BYTES: Final = 1_000_000
BACKUP_COUNT: Final = 5
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Only its owner may list or enter the log folder.
PRIVATE_DIR_MODE: Final = 0o700


def log_dir() -> Path:
    """``$COLLAB_CONSOLE_LOG_DIR``, else the user's log folder (``~`` expanded).

    An empty variable counts as unset, as with the XDG variables.
    """
    from_env = os.environ.get(LOG_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("collab-console", appauthor=False))


def log_files(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """The log files in ``folder`` (default :func:`log_dir`): the current one, then older ones."""
    where = log_dir() if folder is None else Path(folder)
    names = [LOG_FILENAME, *(f"{LOG_FILENAME}.{n}" for n in range(1, BACKUP_COUNT + 1))]
    return [where / name for name in names if (where / name).is_file()]


#: The file :func:`setup_logging` opened is in use (until :func:`stop_logging`).
_active = False


def log_event(message: str, *args: object) -> None:
    """Log what happened, at INFO, once :func:`setup_logging` has run; else do nothing.

    Core code calls this rather than holding a logger, so a command that logs
    nothing (``settings show``) never imports :mod:`logging`.
    """
    logging = sys.modules.get("logging")
    if _active and logging is not None:
        logging.getLogger("collab_console").info(message, *args)


def forget_in_logs(secret: str) -> None:
    """Mask ``secret`` (a passphrase, a token) in every log line from now on."""
    register_secret(secret)


def setup_logging(
    level: int | str = "INFO", *, folder: str | os.PathLike[str] | None = None
) -> Path:
    """Send log records of ``level`` and above to the log file in ``folder``; return its path.

    ``folder`` defaults to :func:`log_dir`. It is created with mode 0700;
    the default folder is tightened to 0700 if it exists with a looser mode,
    while a folder the user named is left as it is (it may be shared, like
    ``/tmp``). The files are 0600 either way. Calling it again replaces the
    file of the previous call. Raises :class:`OSError` when the folder or
    file cannot be made.
    """
    import logging

    from collab_console.core.log_handlers import (
        PrivateRotatingFileHandler,
        RedactingFilter,
        RedactingFormatter,
    )

    where = log_dir() if folder is None else Path(folder)
    _make_private_folder(where, tighten=folder is None and not os.environ.get(LOG_DIR_ENV))
    handler = PrivateRotatingFileHandler(where / LOG_FILENAME, MAX_BYTES, BACKUP_COUNT)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    stop_logging()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    global _active
    _active = True
    return Path(handler.baseFilename)


def stop_logging() -> None:
    """Close the log file :func:`setup_logging` opened, if any; the records go nowhere after."""
    global _active
    _active = False
    if "logging" not in sys.modules:
        return  # nothing was ever logged: no need to import it now
    import logging

    from collab_console.core.log_handlers import PrivateRotatingFileHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, PrivateRotatingFileHandler):
            root.removeHandler(handler)
            handler.close()


def _make_private_folder(folder: Path, *, tighten: bool) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        if tighten and folder.stat().st_mode & 0o077:
            folder.chmod(PRIVATE_DIR_MODE)
    else:
        folder.chmod(PRIVATE_DIR_MODE)  # a strict umask may have taken the owner's bits off
