"""What the app must remember between runs and nobody may read: kept in the system keyring.

The organisation store's password goes here, and gateway tokens later. Only
a keyring that encrypts at rest and is unlocked with the user's login (the
Secret Service of GNOME Keyring or KWallet, the macOS Keychain, the Windows
Credential Manager) is used. Plaintext, null and fail backends, anything from
``keyrings.alt`` and any backend keyring itself does not recommend (priority
below 1) are refused with a :class:`SecretStoreError` that names the fix;
silently writing a password to a file in the home folder is worse than
asking for it again.

Every secret read or written is also registered with
:mod:`collab_console.core.redaction`, so it never reaches a log line.

:mod:`keyring` (which loads :mod:`logging`, D-Bus bindings and crypto
libraries) is imported by the functions that need it, never at start-up.
"""

from __future__ import annotations

import os

from collab_console.core.errors import SecretStoreError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.redaction import register_secret

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from keyring.backend import KeyringBackend

#: The service every secret of the app is filed under; the secret's name is the "user".
SERVICE: Final = "collab-console"
#: The variable through which keyring takes a backend from the environment.
BACKEND_ENV: Final = "PYTHON_KEYRING_BACKEND"
#: Below this priority keyring itself calls a backend "not recommended".
RECOMMENDED_PRIORITY: Final = 1

_FIX = N_(
    "install and unlock GNOME Keyring or KWallet, "
    "or set {variable} to a secure backend such as {backend}"
)
_SECURE_BACKEND = "keyring.backends.SecretService.Keyring"
_ENV_FIX = N_("unset {variable}, or set it to a secure backend")
#: Where keyring takes a backend from when the environment names none, and the fix.
_CONFIG = (
    N_("keyring's keyringrc.cfg"),
    N_("correct or remove that file ({command} shows where it is)"),
)
_DIAGNOSE = "python3 -m keyring diagnose"


def _fix() -> str:
    return _(_FIX).format(variable=isolate(BACKEND_ENV), backend=isolate(_SECURE_BACKEND))


def _env_fix() -> str:
    return _(_ENV_FIX).format(variable=isolate(BACKEND_ENV))


def check_backend() -> str:
    """The display name of the secure keyring secrets go to, or raise :class:`SecretStoreError`.

    Worth calling before asking the user for a password to remember, so
    they learn that it cannot be remembered before they type it.
    """
    return _secure_backend().name


def get_secret(name: str) -> str | None:
    """The secret stored as ``name``, or None when there is none."""
    _check_name(name)
    backend = _secure_backend()
    try:
        value = backend.get_password(SERVICE, name)
    except Exception as exc:  # a backend is a client of another process
        raise _operation_error("read", name, backend, exc) from None
    if value is not None:
        register_secret(value)
    return value


def set_secret(name: str, value: str) -> None:
    """Store ``value`` as ``name``, replacing what was stored before."""
    _check_name(name)
    if not value:
        raise ValueError("an empty secret is not worth storing; delete it instead")
    register_secret(value)
    backend = _secure_backend()
    try:
        backend.set_password(SERVICE, name, value)
    except Exception as exc:
        raise _operation_error("store", name, backend, exc) from None


def delete_secret(name: str) -> None:
    """Forget the secret stored as ``name``; nothing happens when there is none."""
    from keyring.errors import PasswordDeleteError

    _check_name(name)
    backend = _secure_backend()
    try:
        backend.delete_password(SERVICE, name)
    except PasswordDeleteError:
        # Backends raise this for "no such secret" as well as for a failure.
        if get_secret(name) is not None:
            raise SecretStoreError(
                _(
                    "cannot delete the secret {name} from {backend}; delete it with the"
                    " desktop's password manager (Passwords and Keys, KWalletManager)"
                ).format(name=isolate(repr(name)), backend=isolate(backend.name))
            ) from None
    except Exception as exc:
        raise _operation_error("delete", name, backend, exc) from None


def _check_name(name: str) -> None:
    """Refuse a name a password manager could not show the user, before any keyring work."""
    if not name or not name.isprintable():
        raise ValueError(f"a secret needs a printable name, not {name!r}")


def _secure_backend() -> KeyringBackend:
    """The keyring backend to use, or raise :class:`SecretStoreError` saying how to get one.

    keyring picks a backend once per process; when that one is refused it
    looks again, so a keyring the user started or unlocked since is found.
    """
    backend = _active_backend()
    if _refusal(backend) is not None:
        backend = _active_backend(again=True)
    refusal = _refusal(backend)
    if refusal is not None:
        raise SecretStoreError(refusal)
    return backend


def _active_backend(*, again: bool = False) -> KeyringBackend:
    """keyring's choice, or the highest-priority backend of its chain when it chains several.

    The chain reads from every backend in it, plaintext ones included;
    using its first backend alone keeps a secure keyring from being
    answered by a weaker one behind it. ``again`` makes keyring choose
    anew, judging every backend again: it remembers which ones could work.
    """
    import contextlib

    import keyring.backend
    import keyring.core
    from keyring.backends.chainer import ChainerBackend

    value = os.environ.get(BACKEND_ENV)  # keyring takes even an empty one
    if value is None:
        where = _(_CONFIG[0])
        fix = _(_CONFIG[1]).format(command=isolate(_DIAGNOSE))
    else:
        where, fix = isolate(f"{BACKEND_ENV} ({value!r})"), _env_fix()
    try:
        if again:
            with contextlib.suppress(KeyError):  # raised when nothing was remembered yet
                keyring.backend.get_all_keyring.reset()
            keyring.core.init_backend()
        backend = keyring.core.get_keyring()
    except (ImportError, AttributeError, ValueError) as exc:
        raise SecretStoreError(
            _("{where} names no keyring backend ({error}); {fix}").format(
                where=where, error=isolate(_one_line(exc)), fix=fix
            )
        ) from None
    except RuntimeError as exc:  # the chosen backend's service is not there
        raise SecretStoreError(
            _(
                "the keyring chosen by {where} cannot be used ({error}); "
                "start and unlock it, or {fix}"
            ).format(where=where, error=isolate(_one_line(exc)), fix=fix)
        ) from None
    if isinstance(backend, ChainerBackend):
        chained: list[KeyringBackend] = list(type(backend).backends)
        if chained:
            return chained[0]
    return backend


def _refusal(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not keep the app's secrets, as a message naming the fix, or None."""
    from keyring.backends import fail, null

    kind = type(backend)
    if isinstance(backend, fail.Keyring):
        found, why = _("none"), _("stores nothing")
    elif isinstance(backend, null.Keyring):
        found, why = isolate(kind.name), _("forgets everything")
    elif kind.__module__.startswith("keyrings.alt"):
        found = _("{backend} from keyrings.alt").format(backend=isolate(kind.__name__))
        why = _("is not safe for passwords")
    else:
        try:
            priority = float(kind.priority)
        except Exception as exc:  # priority raises when the backend cannot work
            found = isolate(kind.name)
            why = _("cannot be used ({error})").format(error=isolate(_one_line(exc)))
        else:
            if priority >= RECOMMENDED_PRIORITY:
                return None
            found, why = isolate(kind.name), _("keyring does not recommend")
    if BACKEND_ENV in os.environ:
        chosen = f"{kind.__module__}.{kind.__qualname__}"
        return _("{variable} chooses {backend}, which {why}; {fix}").format(
            variable=isolate(BACKEND_ENV), backend=isolate(chosen), why=why, fix=_env_fix()
        )
    return _("no secure keyring is available (found: {found}); {fix}").format(
        found=found, fix=_fix()
    )


def _operation_error(
    verb: str, name: str, backend: KeyringBackend, exc: Exception
) -> SecretStoreError:
    from keyring.errors import KeyringLocked

    shown, where = isolate(repr(name)), isolate(backend.name)
    if isinstance(exc, KeyringLocked):
        locked = {
            "read": N_(
                "cannot read the secret {name}: {backend} is locked; unlock it and try again"
            ),
            "store": N_(
                "cannot store the secret {name}: {backend} is locked; unlock it and try again"
            ),
            "delete": N_(
                "cannot delete the secret {name}: {backend} is locked; unlock it and try again"
            ),
        }
        return SecretStoreError(_(locked[verb]).format(name=shown, backend=where))
    failed = {
        "read": N_("cannot read the secret {name} in {backend}: {error}"),
        "store": N_("cannot store the secret {name} in {backend}: {error}"),
        "delete": N_("cannot delete the secret {name} in {backend}: {error}"),
    }
    return SecretStoreError(
        _(failed[verb]).format(name=shown, backend=where, error=isolate(_one_line(exc)))
    )


def _one_line(exc: BaseException) -> str:
    """The first line of what ``exc`` says, for a message that must stay on one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
