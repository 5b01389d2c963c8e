"""Where the embedded store lives, and the one place that checks the folder's name.

:func:`data_dir` and :func:`store_path` either return a path the store can
use or raise :class:`~collab_console.store.errors.DataDirError` with a
one-line message that names the folder (rendered by :func:`display_path`,
so even a name that is not UTF-8 prints safely) and says what to do.
"""

from __future__ import annotations

import errno
import os
import stat

from collab_console.store.errors import DataDirError

DATA_DIR_ENV = "COLLAB_CONSOLE_DATA_DIR"
STORE_FILENAME = "collab-console.sqlite3"

#: Longest file name (one path component) in bytes on Linux file systems.
NAME_MAX = 255
#: SQLite on Unix cannot open a database whose full name has more bytes than
#: this: it must also name the ``-journal`` file within its 512-byte limit.
MAX_STORE_PATH_BYTES = 504

#: How much of a path a message shows; longer ones are cut in the middle.
SHOWN_CHARS = 160

_OPTION = "--data-dir"
_ENV = f"${DATA_DIR_ENV}"
_DEFAULT = "the user data folder"


def printable(text: str) -> str:
    """``text`` made safe to print as one line on any UTF-8 stream.

    A byte that was not UTF-8 (decoded by Python with ``surrogateescape``)
    shows as ``\\xff``, as ``os.fsencode(p).decode('utf-8', 'backslashreplace')``
    would render it; control characters, line breaks and other lone
    surrogates as Python writes them (``\\n``, ``\\x1b``, ``\\u2028``), so a
    message stays on one line.
    """
    if not _has_unsafe(text):
        return text
    out = []
    for char in text:
        code = ord(char)
        if not _unsafe(char):
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(repr(char)[1:-1])  # as repr() writes it: \n, \x1b, \u2028
    return "".join(out)


def _has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character :func:`_unsafe` refuses.

    ``unicodedata`` is imported only for text that is not printable ASCII
    (which has none), as every command resolves a data folder.
    """
    return not (text.isascii() and text.isprintable()) and any(_unsafe(char) for char in text)


def _unsafe(char: str) -> bool:
    """A control character, line or paragraph break, or lone surrogate."""
    import unicodedata

    return unicodedata.category(char) in _UNSAFE_CATEGORIES


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def display_path(path: str | bytes | os.PathLike[str], max_chars: int | None = None) -> str:
    """``path`` for a message: never raises, one line, cut in the middle past ``max_chars``."""
    raw = os.fspath(path)
    text = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
    shown = printable(text)
    if max_chars is not None and len(shown) > max_chars:
        half = max(max_chars // 2 - 2, 1)
        shown = f"{shown[:half]}...{shown[-half:]}"
    return shown


def data_dir(override: str | os.PathLike[str] | None = None) -> str:
    """``--data-dir``, else ``$COLLAB_CONSOLE_DATA_DIR``, else the user's data directory.

    ``~`` is expanded. A folder that does not exist yet is fine (the console
    creates it); one that cannot be a folder for the store raises
    :class:`DataDirError`: an empty or unprintable name, a NUL, a name too
    long, an unknown ``~user``, a file in its place, a folder the user may not
    read or enter. An empty ``$COLLAB_CONSOLE_DATA_DIR`` is an error too,
    not a silent fall back to the real data folder.
    """
    return _resolve(override)[0]


def store_path(override: str | os.PathLike[str] | None = None) -> str:
    """The store file in :func:`data_dir`; raises :class:`DataDirError` as it does.

    Also when the store's own name is taken by a folder.
    """
    folder, source = _resolve(override)
    path = os.path.join(folder, STORE_FILENAME)
    _check_store_file(path, source)
    return path


def _resolve(override: str | os.PathLike[str] | None) -> tuple[str, str]:
    """The checked data folder, and where its name came from (for messages)."""
    if override is not None:
        return _checked_folder(os.fspath(override), _OPTION), _OPTION
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env is not None:
        return _checked_folder(from_env, _ENV), _ENV
    from platformdirs import user_data_dir

    return _checked_folder(user_data_dir("collab-console", appauthor=False), _DEFAULT), _DEFAULT


# -- checks ------------------------------------------------------------------------------


def _source(source: str) -> str:
    return "" if source == _DEFAULT else f" (from {source})"


def _fix(source: str) -> str:
    if source == _OPTION:
        return "give --data-dir another folder"
    if source == _ENV:
        return f"set {_ENV} to another folder, or pass --data-dir"
    return "pass --data-dir, or set $XDG_DATA_HOME or $HOME to a usable folder"


def _checked_folder(name: str, source: str) -> str:
    if name == "":
        if source == _ENV:
            raise DataDirError(
                f"{_ENV} is set but empty; unset it or set it to the folder of the store"
            )
        raise DataDirError(f"{source} is empty; give it the folder of the store")
    shown = display_path(name, SHOWN_CHARS)
    where = _source(source)
    if "\0" in name:
        raise DataDirError(
            f"the data folder name {shown}{where} contains a NUL character; {_fix(source)}"
        )
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise DataDirError(
            f"the data folder name {shown}{where} is not valid UTF-8; "
            f"rename the folder, or {_fix(source)}"
        ) from None
    if _has_unsafe(name):
        raise DataDirError(
            f"the data folder name {shown}{where} contains a control character or line break; "
            f"rename the folder, or {_fix(source)}"
        )
    folder = _tidy(os.path.expanduser(name))
    if folder.startswith("~"):
        raise DataDirError(
            f"cannot tell which home folder {shown}{where} means (no such user, or no $HOME); "
            f"write the folder out in full"
        )
    shown = display_path(folder, SHOWN_CHARS)
    _check_length(folder, shown, where, source)
    _check_on_disk(folder, shown, where, source)
    return folder


def _tidy(name: str) -> str:
    """``name`` without empty and ``.`` parts, as pathlib spells it; ``..`` is kept."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    root = "/" if name.startswith("/") else ""
    return root + "/".join(parts) if parts or root else "."


def _check_length(folder: str, shown: str, where: str, source: str) -> None:
    encoded = os.fsencode(folder)
    longest = max(len(part) for part in encoded.split(b"/"))
    if longest > NAME_MAX:
        raise DataDirError(
            f"the data folder {shown}{where} has a name of {longest} bytes, "
            f"longer than the {NAME_MAX} a file system allows; {_fix(source)}"
        )
    try:
        full = os.fsencode(os.path.join(os.getcwd(), folder, STORE_FILENAME))
    except OSError as exc:  # the current folder was deleted under us
        raise DataDirError(
            f"cannot locate the data folder {shown}{where}: the current folder is gone "
            f"({exc.strerror}); give the folder as a full path"
        ) from None
    if len(full) > MAX_STORE_PATH_BYTES:
        raise DataDirError(
            f"the data folder path {shown}{where} is too long ({len(full)} bytes with the "
            f"store file; at most {MAX_STORE_PATH_BYTES} work); {_fix(source)}"
        )


def _check_on_disk(folder: str, shown: str, where: str, source: str) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return  # not there yet: the console creates it, the commands say it is missing
    except OSError as exc:
        raise DataDirError(_stat_problem(exc, "data folder", shown, where, source)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise DataDirError(
            f"the data folder {shown}{where} is a file, not a folder; {_fix(source)}"
        )
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DataDirError(
            f"permission denied: you may not read or enter the data folder {shown}{where}; "
            f"ask its owner to let you in, or {_fix(source)}"
        )


def _check_store_file(path: str, source: str) -> None:
    shown = display_path(path, SHOWN_CHARS)
    where = _source(source)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataDirError(_stat_problem(exc, "store", shown, where, source)) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataDirError(
            f"the store {shown}{where} is a folder, not a store file; move it away, "
            f"or {_fix(source)}"
        )


def _stat_problem(exc: OSError, what: str, shown: str, where: str, source: str) -> str:
    if exc.errno == errno.ENOTDIR:
        return f"part of the {what} path {shown}{where} is a file, not a folder; {_fix(source)}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied: you may not enter a folder on the {what} path "
            f"{shown}{where}; ask its owner to let you in, or {_fix(source)}"
        )
    if exc.errno == errno.ELOOP:
        return f"the {what} path {shown}{where} has a loop of symbolic links; {_fix(source)}"
    if exc.errno == errno.ENAMETOOLONG:
        return f"the {what} path {shown}{where} is too long; {_fix(source)}"
    return f"cannot use the {what} path {shown}{where}: {exc.strerror or exc}; {_fix(source)}"
