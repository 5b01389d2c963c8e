"""Where the embedded store lives, and the one place that checks the folder's name.

:func:`data_dir` and :func:`store_path` either return a path the store can
use or raise :class:`~collab_console.store.errors.DataDirError` with a
one-line message that names the folder (rendered by :func:`display_path`,
so even a name that is not UTF-8 prints safely) and says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys

from collab_console.core.i18n import N_, _, isolate
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
    return "" if source == _DEFAULT else _(" (from {source})").format(source=_shown_source(source))


def _fix(source: str) -> str:
    if source == _OPTION:
        return _("give --data-dir another folder")
    if source == _ENV:
        return _("set {variable} to another folder, or pass --data-dir").format(variable=_ENV)
    return _("pass --data-dir, or set $XDG_DATA_HOME or $HOME to a usable folder")


def _checked_folder(name: str, source: str) -> str:
    if name == "":
        if source == _ENV:
            raise DataDirError(
                _(
                    "{variable} is set but empty; unset it or set it to the folder of the store"
                ).format(variable=_ENV)
            )
        raise DataDirError(
            _("{source} is empty; give it the folder of the store").format(
                source=_shown_source(source)
            )
        )
    shown = isolate(display_path(name, SHOWN_CHARS))
    where = _source(source)
    if "\0" in name:
        raise DataDirError(
            _("the data folder name {path}{source} contains a NUL character; {fix}").format(
                path=shown, source=where, fix=_fix(source)
            )
        )
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise DataDirError(
            _(
                "the data folder name {path}{source} is not valid UTF-8; "
                "rename the folder, or {fix}"
            ).format(path=shown, source=where, fix=_fix(source))
        ) from None
    if _has_unsafe(name):
        raise DataDirError(
            _(
                "the data folder name {path}{source} contains a control character or line break; "
                "rename the folder, or {fix}"
            ).format(path=shown, source=where, fix=_fix(source))
        )
    folder = _tidy(os.path.expanduser(name))
    if folder.startswith("~"):
        raise DataDirError(
            _(
                "cannot tell which home folder {path}{source} means (no such user, or no $HOME); "
                "write the folder out in full"
            ).format(path=shown, source=where)
        )
    shown = isolate(display_path(folder, SHOWN_CHARS))
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
            _(
                "the data folder {path}{source} has a name of {length} bytes, "
                "longer than the {most} a file system allows; {fix}"
            ).format(path=shown, source=where, length=longest, most=NAME_MAX, fix=_fix(source))
        )
    try:
        full = os.fsencode(os.path.join(os.getcwd(), folder, STORE_FILENAME))
    except OSError as exc:  # the current folder was deleted under us
        raise DataDirError(
            _(
                "cannot locate the data folder {path}{source}: the current folder is gone "
                "({reason}); give the folder as a full path"
            ).format(path=shown, source=where, reason=exc.strerror)
        ) from None
    if len(full) > MAX_STORE_PATH_BYTES:
        raise DataDirError(
            _(
                "the data folder path {path}{source} is too long ({length} bytes with the "
                "store file; at most {most} work); {fix}"
            ).format(
                path=shown,
                source=where,
                length=len(full),
                most=MAX_STORE_PATH_BYTES,
                fix=_fix(source),
            )
        )


def _check_on_disk(folder: str, shown: str, where: str, source: str) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return  # not there yet: the console creates it, the commands say it is missing
    except OSError as exc:
        raise DataDirError(_stat_problem(exc, _("data folder"), shown, where, source)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise DataDirError(
            _("the data folder {path}{source} is a file, not a folder; {fix}").format(
                path=shown, source=where, fix=_fix(source)
            )
        )
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DataDirError(
            _(
                "permission denied: you may not read or enter the data folder {path}{source}; "
                "ask its owner to let you in, or {fix}"
            ).format(path=shown, source=where, fix=_fix(source))
        )


def _check_store_file(path: str, source: str) -> None:
    shown = isolate(display_path(path, SHOWN_CHARS))
    where = _source(source)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataDirError(_stat_problem(exc, _("store"), shown, where, source)) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataDirError(
            _(
                "the store {path}{source} is a folder, not a store file; move it away, or {fix}"
            ).format(path=shown, source=where, fix=_fix(source))
        )


def _stat_problem(exc: OSError, what: str, shown: str, where: str, source: str) -> str:
    if exc.errno == errno.ENOTDIR:
        message = _("part of the {what} path {path}{source} is a file, not a folder; {fix}")
    elif exc.errno in (errno.EACCES, errno.EPERM):
        message = _(
            "permission denied: you may not enter a folder on the {what} path "
            "{path}{source}; ask its owner to let you in, or {fix}"
        )
    elif exc.errno == errno.ELOOP:
        message = _("the {what} path {path}{source} has a loop of symbolic links; {fix}")
    elif exc.errno == errno.ENAMETOOLONG:
        message = _("the {what} path {path}{source} is too long; {fix}")
    else:
        message = _("cannot use the {what} path {path}{source}: {reason}; {fix}")
    return message.format(
        what=what, path=shown, source=where, reason=exc.strerror or exc, fix=_fix(source)
    )


# -- the organisation database -------------------------------------------------------------

DB_ENV = "COLLAB_CONSOLE_DB"
#: The user's config folder, when not the platform's (``gui.user_prefs`` honours it too).
CONFIG_DIR_ENV = "COLLAB_CONSOLE_CONFIG_DIR"
#: The file, in the user's config folder, that remembers ``collab-console db use DSN``.
REMEMBERED_DB_FILENAME = "organisation-database"
NO_PASSWORD_IN_DSN = N_("a password never goes in the DSN; use collab-console db login")
DSN_SHAPE = "postgresql://[USER@]HOST[:PORT]/DATABASE, or host=HOST dbname=DATABASE [user=USER]"
#: Longest DSN taken (libpq's own limit is far above anything a person types).
MAX_DSN_CHARS = 2000

_DB_OPTION = "--db"
_DB_ENV = f"${DB_ENV}"
#: A URL whose user info has a colon carries a password (``postgresql://ana:secret@host``),
#: even where the rest is malformed and libpq's message would quote it back.
_URL_PASSWORD = re.compile(r"\A\s*postgres(?:ql)?://[^/?#@]*:[^/?#]*@", re.IGNORECASE)
#: ``password=`` as a key=value word or a URL query parameter, however it is spaced or cased.
_PASSWORD_KEY = re.compile(r"(?:\A|[\s?&])password\s*=", re.IGNORECASE)


class OrgDatabase:
    """The organisation database a command or the console opens, checked, without a password.

    ``dsn`` is what the user gave; ``user``, ``host``, ``port`` and ``dbname``
    are what libpq will use (its defaults filled in), for messages and for the
    name of the stored password (:attr:`secret_name`). ``source`` says where
    the DSN came from (``--db``, ``$COLLAB_CONSOLE_DB`` or the remembered file).
    """

    __slots__ = ("dbname", "dsn", "host", "port", "source", "user")

    def __init__(
        self, dsn: str, source: str, *, user: str, host: str, port: str, dbname: str
    ) -> None:
        self.dsn = dsn
        self.source = source
        self.user = user
        self.host = host
        self.port = port
        self.dbname = dbname

    @property
    def address(self) -> str:
        """``collab on db.example.org:5432 as ana`` for messages, worded as the store's
        location is; never a password (a DSN holds none)."""
        return self.address_as(self.user)

    def address_as(self, user: str) -> str:
        """:attr:`address` with ``user`` logging in instead of the DSN's user."""
        where = self.host if self.host.startswith("/") else f"{self.host}:{self.port}"
        return printable(f"{self.dbname} on {where} as {user}")

    def secret_name(self, user: str | None = None) -> str:
        """The keyring name of ``user``'s password (the DSN's user by default) on this database."""
        who = printable(user or self.user)
        return printable(f"organisation database {self.dbname} at {self.host}:{self.port} as {who}")


def chosen_database(
    db: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> tuple[str, str] | None:
    """The organisation database's DSN and where it came from, or None for the embedded store.

    ``--db`` first; ``--data-dir`` on the command line means the embedded
    store for that run; then ``$COLLAB_CONSOLE_DB``; then the choice
    remembered by ``collab-console db use``; then the database the system
    policy names; else the embedded store (in ``$COLLAB_CONSOLE_DATA_DIR`` or
    the user data folder). A policy that fixes the database overrides all of
    these, and refuses another one asked for in this run.
    """
    from collab_console.store.system_policy import system_policy

    policy = system_policy()
    from_env = os.environ.get(DB_ENV)
    if policy is not None and policy.database_fixed:
        return _fixed_database(policy.database or "", policy.path, db, data_dir, from_env)
    if db is not None:
        if data_dir is not None:
            from collab_console.core.errors import ValidationError

            raise ValidationError(
                _(
                    "give --db (the organisation database) or --data-dir (the embedded store), "
                    "not both"
                )
            )
        return db, _DB_OPTION
    if data_dir is not None:
        return None
    if from_env is not None:
        return from_env, _DB_ENV
    remembered = remembered_database()
    if remembered is not None:
        return remembered, _("the choice remembered in {path}").format(
            path=isolate(display_path(remembered_database_file()))
        )
    if policy is not None and policy.database is not None:
        return policy.database, _("the system policy {path}").format(
            path=isolate(display_path(policy.path))
        )
    return None


def _fixed_database(
    fixed: str,
    policy_path: str,
    db: str | None,
    data_dir: str | os.PathLike[str] | None,
    from_env: str | None,
) -> tuple[str, str]:
    """The database IT's policy fixes; ValidationError naming any other choice made.

    A choice remembered by ``db use`` is the user's own convenience and gives
    way without a word; ``--db``, ``--data-dir`` and ``$COLLAB_CONSOLE_DB``
    were asked for in this run, so they are refused rather than ignored.
    """
    from collab_console.core.errors import ValidationError

    source = _("the system policy {path}").format(path=isolate(display_path(policy_path)))
    other = (
        _DB_OPTION
        if db is not None and db != fixed
        else _OPTION
        if data_dir is not None
        else _DB_ENV
        if from_env is not None and from_env != fixed
        else None
    )
    if other is not None:
        raise ValidationError(
            _(
                "{source} fixes the organisation database on this workstation; "
                "{option} cannot choose another (ask IT)"
            ).format(source=source, option=isolate(other))
        )
    return fixed, source


def parse_database(dsn: str, source: str = _DB_OPTION) -> OrgDatabase:
    """``dsn`` checked: well formed, and without a password; else ValidationError (exit 2).

    The message names ``source`` and never repeats the DSN, which may hold
    what the user should not have typed there.
    """
    from collab_console.core.errors import ValidationError

    if _URL_PASSWORD.match(dsn) or _PASSWORD_KEY.search(dsn):
        raise ValidationError(
            _("{source}: {problem}").format(
                source=_shown_source(source), problem=_(NO_PASSWORD_IN_DSN)
            )
        )
    if not dsn.strip():
        raise ValidationError(
            _("{source} is empty; give it a DSN like {shape}").format(
                source=_shown_source(source), shape=isolate(DSN_SHAPE)
            )
        )
    if len(dsn) > MAX_DSN_CHARS or "\0" in dsn or _has_unsafe(dsn):
        raise ValidationError(
            _("{source} is not a PostgreSQL connection string; write it as {shape}").format(
                source=_shown_source(source), shape=isolate(DSN_SHAPE)
            )
        )
    from psycopg import Error as PsycopgError
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(dsn)
    except PsycopgError as exc:
        said = printable(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
        raise ValidationError(
            _(
                "{source} is not a PostgreSQL connection string ({reason}); write it as {shape}"
            ).format(source=_shown_source(source), reason=said, shape=isolate(DSN_SHAPE))
        ) from None
    if "password" in params:  # a spelling the patterns above did not catch
        raise ValidationError(
            _("{source}: {problem}").format(
                source=_shown_source(source), problem=_(NO_PASSWORD_IN_DSN)
            )
        )
    defaults = _libpq_defaults()
    user = str(params.get("user") or defaults.get("user") or "")
    return OrgDatabase(
        dsn,
        source,
        user=user,
        host=str(params.get("host") or defaults.get("host") or "localhost"),
        port=str(params.get("port") or defaults.get("port") or "5432"),
        dbname=str(params.get("dbname") or defaults.get("dbname") or user),
    )


def _shown_source(source: str) -> str:
    """An option, variable or policy key kept left to right; a phrase (the system policy …)
    is already in the reader's language."""
    return isolate(source) if source.startswith(("-", "$", "[")) else source


def _libpq_defaults() -> dict[str, str]:
    """What libpq uses for an option the DSN leaves out: its environment, then its defaults."""
    from psycopg import pq

    return {
        option.keyword.decode(): option.val.decode("utf-8", "replace")
        for option in pq.Conninfo.get_defaults()
        if option.val is not None
    }


def config_dir() -> str:
    """The user's Collab Console config folder: ``$COLLAB_CONSOLE_CONFIG_DIR``, else the
    platform's (``~/.config/collab-console``), where the console keeps its preferences."""
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return os.path.expanduser(from_env)
    if os.name == "posix" and sys.platform != "darwin":
        # platformdirs' own rule on Linux and the BSDs, without importing it: every command
        # looks here, and platformdirs (with pathlib) costs tens of milliseconds.
        base = os.environ.get("XDG_CONFIG_HOME", "")
        if not base.strip():
            base = os.path.expanduser("~/.config")
        return os.path.join(base, "collab-console")
    from platformdirs import user_config_dir

    return user_config_dir("collab-console", appauthor=False)


def remembered_database_file() -> str:
    """Where ``collab-console db use`` keeps the chosen DSN, in :func:`config_dir`."""
    return os.path.join(config_dir(), REMEMBERED_DB_FILENAME)


def remembered_database() -> str | None:
    """The DSN ``collab-console db use`` remembered, or None."""
    path = remembered_database_file()
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read(MAX_DSN_CHARS + 2)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else _("not UTF-8 text")
        raise DataDirError(
            _(
                "cannot read the remembered organisation database {path}: {reason}; "
                "choose again with collab-console db use DSN (or db use --embedded)"
            ).format(path=isolate(display_path(path)), reason=why)
        ) from None
    return text.strip() or None


def write_user_file(path: str, line: str | None) -> None:
    """Keep ``line`` as the whole of the user's small file ``path`` (None removes it).

    Written whole (a temporary file moved into place, so a crash leaves the old
    file or the new one) and readable by the user only; its folder is made
    private if missing. An OSError says why it could not be.
    """
    if line is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(line + "\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def remember_database(dsn: str | None) -> str:
    """Remember ``dsn`` for the next runs (None forgets it); return the file's path.

    Written whole (a temporary file moved into place) and readable by the user
    only: a DSN names a server and a login, though never a password.
    """
    path = remembered_database_file()
    try:
        write_user_file(path, dsn)
    except OSError as exc:
        raise DataDirError(
            _(
                "cannot write {path}: {reason}; check that you may write to your config folder "
                "({variable}, else $XDG_CONFIG_HOME)"
            ).format(
                path=isolate(display_path(path)),
                reason=exc.strerror or exc,
                variable=f"${CONFIG_DIR_ENV}",
            )
        ) from None
    return path
