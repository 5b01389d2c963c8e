"""The workstation's system policy: what IT decides for everyone who uses this machine.

IT deploys ``/etc/collab-console/policy.toml`` (root's, not writable by
anyone else) with its configuration management. It may name the
organisation's database, as the default of every user on the machine or as
the only database they may use, and lock the settings the console itself
applies (:attr:`SettingSpec.lockable`) to a value::

    [organisation]
    database = "postgresql://db.example.org/collab"
    fixed = true                  # no other database, and not the embedded store

    [locked]
    copy-url = false              # a sensitive setting is only ever locked off
    clipboard-clear-seconds = 20

A lock is what this workstation's console uses, whatever the store holds, and
a save from this workstation may not change it (:meth:`SystemPolicy.restored`).
A lock never turns a sensitive setting on: that needs an admin's recorded
acknowledgement. A policy file that cannot be read, is malformed, or could
have been written by someone other than root is an error, never a silent
fall back: it may be what keeps the Session URL copy off.

``$COLLAB_CONSOLE_POLICY`` names another file instead (to try a policy, and
for tests); the root-ownership check applies to the system path only.
"""

from __future__ import annotations

import os
import stat

from collab_console.core.errors import CollabConsoleError, SettingsError
from collab_console.core.i18n import _, isolate

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from collab_console.core.settings import CopySettings

SYSTEM_POLICY_PATH = "/etc/collab-console/policy.toml"
POLICY_ENV = "COLLAB_CONSOLE_POLICY"
#: A policy file is a few lines; anything far larger is not one.
MAX_POLICY_BYTES = 64 * 1024

_SECTIONS = {"organisation": frozenset({"database", "fixed"}), "locked": None}


class PolicyError(CollabConsoleError):
    """The system policy file cannot be used; the console and the commands stop."""


class SystemPolicy:
    """What the policy file at :attr:`path` decides (an empty policy decides nothing).

    A plain class, not a :class:`~collab_console.core.records.Record`: every
    command asks for the policy, and a record's class costs milliseconds to make.
    """

    __slots__ = ("database", "database_fixed", "locked", "path")

    def __init__(
        self,
        path: str,
        *,
        database: str | None = None,
        database_fixed: bool = False,
        locked: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = path
        #: The organisation database's DSN every user of the machine gets by default.
        self.database = database
        #: True: no other database (``--db``, ``$COLLAB_CONSOLE_DB``, ``db use``), no
        #: embedded store.
        self.database_fixed = database_fixed
        #: Locked settings by key, parsed by their declarations.
        self.locked: Mapping[str, Any] = dict(locked or {})

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def lock_reason(self, label: str) -> str:
        """Why ``label`` cannot be changed here, for a refusal, a tooltip or ``settings show``."""
        from collab_console.store.location import display_path

        return _("{setting} is locked on this workstation by {path}").format(
            setting=_(label), path=isolate(display_path(self.path))
        )

    def refusal(self, key: str, value: Any) -> str | None:
        """Why setting ``key`` to ``value`` is refused here, or None (not locked, or
        locked to that very value)."""
        if key not in self.locked or self.locked[key] == value:
            return None
        from collab_console.core.settings import spec_for

        return _(
            "{reason}; IT changes it there, or an admin changes it from another workstation"
        ).format(reason=self.lock_reason(spec_for(key).label))

    def applied(self, settings: CopySettings) -> CopySettings:
        """``settings`` as this workstation uses them: every lock in place.

        A sensitive setting locked off loses its acknowledgement with it, as
        the settings' invariant asks.
        """
        if not self.locked or all(settings.values[k] == v for k, v in self.locked.items()):
            return settings
        values = {**settings.values, **self.locked}
        acknowledgements = {
            key: ack for key, ack in settings.acknowledgements.items() if values[key]
        }
        return settings.replace(values=values, acknowledgements=acknowledgements)

    def restored(self, wanted: CopySettings, stored: CopySettings) -> CopySettings:
        """``wanted`` (made from :meth:`applied` settings) to save, with each locked
        setting back to what the store holds (``stored``), so a save from this
        workstation never writes a lock into the organisation's settings.

        SettingsError when ``wanted`` changes a locked setting: it cannot be
        changed here.
        """
        for key in self.locked:
            refused = self.refusal(key, wanted.values[key])
            if refused is not None:
                raise SettingsError(refused)
        values = dict(wanted.values)
        acknowledgements = dict(wanted.acknowledgements)
        for key in self.locked:
            values[key] = stored.values[key]
            acknowledgements.pop(key, None)
            if key in stored.acknowledgements:
                acknowledgements[key] = stored.acknowledgements[key]
        return wanted.replace(values=values, acknowledgements=acknowledgements)


_cache: dict[tuple[str, int, int, int], SystemPolicy] = {}


def policy_path() -> tuple[str, bool]:
    """The policy file to read, and whether it is the system's (root must own it)."""
    chosen = os.environ.get(POLICY_ENV)
    if chosen is None:
        return SYSTEM_POLICY_PATH, True
    if not chosen.strip():
        raise PolicyError(
            _("{variable} is set but empty; unset it or name a policy file").format(
                variable=isolate(f"${POLICY_ENV}")
            )
        )
    return os.path.expanduser(chosen), False


def system_policy() -> SystemPolicy | None:
    """The policy in force, or None when there is no policy file.

    Read once per version of the file (its size and modification time), so
    the console and every command may ask as often as they like. Raises
    :class:`PolicyError` with a one-line message naming the file.
    """
    path, system = policy_path()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if system:
            return None
        raise PolicyError(
            _("the policy file {path} (from {variable}) does not exist").format(
                path=_shown(path), variable=isolate(f"${POLICY_ENV}")
            )
        ) from None
    except OSError as exc:
        raise PolicyError(
            _("cannot read the policy file {path}: {reason}").format(
                path=_shown(path), reason=exc.strerror
            )
        ) from None
    key = (path, info.st_ino, info.st_size, info.st_mtime_ns)
    cached = _cache.get(key)
    if cached is None:
        cached = _cache[key] = _read(path, info, system)
    return cached


def _shown(path: str) -> str:
    from collab_console.store.location import display_path

    return isolate(display_path(path, 160))


def _read(path: str, info: os.stat_result, system: bool) -> SystemPolicy:
    shown = _shown(path)
    if not stat.S_ISREG(info.st_mode):
        raise PolicyError(_("the policy file {path} is not a regular file").format(path=shown))
    if system and (info.st_uid != 0 or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        raise PolicyError(
            _(
                "the policy file {path} may be changed by someone other than root; "
                "IT must make it root's and not group- or world-writable (chmod 644)"
            ).format(path=shown)
        )
    if info.st_size > MAX_POLICY_BYTES:
        raise PolicyError(
            _("the policy file {path} is larger than {most} bytes").format(
                path=shown, most=MAX_POLICY_BYTES
            )
        )
    import tomllib

    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except OSError as exc:
        raise PolicyError(
            _("cannot read the policy file {path}: {reason}").format(
                path=shown, reason=exc.strerror
            )
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        said = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PolicyError(
            _("the policy file {path} is not valid TOML ({reason})").format(path=shown, reason=said)
        ) from None
    try:
        return _parse(path, data)
    except SettingsError as exc:
        raise PolicyError(
            _("the policy file {path}: {problem}").format(path=shown, problem=exc)
        ) from None


def _parse(path: str, data: dict[str, Any]) -> SystemPolicy:
    for section, value in data.items():
        if section not in _SECTIONS:
            raise SettingsError(
                _("unknown section {section}; a policy has {organisation} and {locked}").format(
                    section=isolate(f"[{section}]"),
                    organisation=isolate("[organisation]"),
                    locked=isolate("[locked]"),
                )
            )
        if not isinstance(value, dict):
            raise SettingsError(
                _("{key} must be a {section} section").format(
                    key=isolate(section), section=isolate(f"[{section}]")
                )
            )
        allowed = _SECTIONS[section]
        for name in value:
            if allowed is not None and name not in allowed:
                raise SettingsError(
                    _("unknown key {key} in {section}; it takes {keys}").format(
                        key=isolate(name),
                        section=isolate(f"[{section}]"),
                        keys=isolate(", ".join(sorted(allowed))),
                    )
                )
    organisation = data.get("organisation", {})
    database = organisation.get("database")
    fixed = organisation.get("fixed", False)
    if database is not None:
        if not isinstance(database, str):
            raise SettingsError(
                _("{key} must be a DSN in quotes").format(key=isolate("[organisation] database"))
            )
        from collab_console.core.errors import ValidationError
        from collab_console.store.location import parse_database

        try:
            parse_database(database, "[organisation] database")
        except ValidationError as exc:
            raise SettingsError(str(exc)) from None
    if not isinstance(fixed, bool):
        raise SettingsError(
            _("{key} must be true or false").format(key=isolate("[organisation] fixed"))
        )
    if fixed and database is None:
        raise SettingsError(
            _("{key} needs the database it fixes").format(
                key=isolate("[organisation] fixed = true")
            )
        )
    return SystemPolicy(
        path, database=database, database_fixed=fixed, locked=_locks(data.get("locked", {}))
    )


def _locks(section: dict[str, Any]) -> dict[str, Any]:
    from collab_console.core.settings import SETTING_SPECS

    by_cli_name = {spec.cli_name: spec for spec in SETTING_SPECS}
    lockable = ", ".join(spec.cli_name for spec in SETTING_SPECS if spec.lockable)
    locked: dict[str, Any] = {}
    for name, raw in section.items():
        spec = by_cli_name.get(name)
        if spec is None or not spec.lockable:
            what = (
                _("{key} is not a setting; these can: {keys}")
                if spec is None
                else _("{key} cannot be locked on a workstation; these can: {keys}")
            )
            raise SettingsError(
                what.format(key=isolate(f"[locked] {name}"), keys=isolate(lockable))
            )
        try:
            value = spec.parse(raw)
        except SettingsError as exc:
            raise SettingsError(
                _("{key}: {problem}").format(key=isolate(f"[locked] {name}"), problem=exc)
            ) from None
        if spec.sensitive and value:
            raise SettingsError(
                _(
                    "{key} may only be locked off; turning it on needs an admin's "
                    "acknowledgement of its security warning"
                ).format(key=isolate(f"[locked] {name}"))
            )
        locked[spec.key] = value
    return locked
