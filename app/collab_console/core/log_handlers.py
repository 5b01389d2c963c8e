"""The :mod:`logging` classes behind :func:`collab_console.core.logs.setup_logging`.

Kept apart from :mod:`collab_console.core.logs` because defining them
imports :mod:`logging`, which the start path must not pay for: only
``setup_logging`` imports this module.
"""

from __future__ import annotations

import logging
import os

from collab_console.core.redaction import redact

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from io import TextIOWrapper
    from typing import Final

#: Log files are the user's own: no one else may read what the app did.
PRIVATE_FILE_MODE: Final = 0o600

_TRACEBACKS = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Masks Session URLs, tokens and registered secrets in a record before any output.

    It rewrites the record itself (message with its arguments merged in,
    traceback, stack), so every handler that sees the record after this one
    gets the masked text too. Never drops a record and never raises: a log
    call with arguments that do not fit its message must not break the app.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # what logging would report as a formatting error
            message = f"{record.msg} [its arguments did not fit the message and were dropped]"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Masks the finished line too: the last defence, for text the filter does not see.

    A registered passphrase could match part of a time stamp or a logger's
    name; masking the whole line keeps the promise that it never reaches
    the file, at the price of an odd-looking line.
    """

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file that rolls over at ``max_bytes``, each file readable by its owner only.

    Not ``logging.handlers.RotatingFileHandler``: importing ``logging.handlers``
    (sockets, pickle, queues) costs 15 ms or more, after the console's first
    paint and in every command that logs, for a rollover this does in a few
    lines. Each file is created with mode 0600, and one an earlier version
    left looser is tightened; ``name.1`` is the newest old file, and the
    oldest beyond ``backup_count`` is removed.
    """

    def __init__(self, filename: str | os.PathLike[str], max_bytes: int, backup_count: int) -> None:
        # A lone surrogate in a message must not lose the whole line.
        super().__init__(filename, encoding="utf-8", errors="backslashreplace")
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        os.chmod(self.baseFilename, PRIVATE_FILE_MODE)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._needs_rollover(record):
                self._roll_over()
        except Exception:  # logging reports its own failures; it never raises into the app
            self.handleError(record)
            return
        super().emit(record)

    def _needs_rollover(self, record: logging.LogRecord) -> bool:
        if self.stream is None or self.max_bytes <= 0:
            return False
        line = f"{self.format(record)}{self.terminator}"
        return bool(
            self.stream.tell() + len(line.encode("utf-8", "backslashreplace")) > self.max_bytes
        )

    def _roll_over(self) -> None:
        self.close()
        for number in range(self.backup_count - 1, 0, -1):
            older = f"{self.baseFilename}.{number}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{number + 1}")
        if self.backup_count > 0:
            os.replace(self.baseFilename, f"{self.baseFilename}.1")
        else:
            os.remove(self.baseFilename)
        self.stream = self._open()

    def _open(self) -> TextIOWrapper:
        return open(
            self.baseFilename,
            "a",
            encoding=self.encoding,
            errors=self.errors,
            opener=_private_opener,
        )


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, PRIVATE_FILE_MODE)
