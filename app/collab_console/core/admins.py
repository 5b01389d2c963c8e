"""Admins: their passphrases, proving who one is, and the writes only an admin may make.

Two roles: everyone is an agent; an admin is someone whose name and
passphrase the store holds. A passphrase is kept only as a salted scrypt hash
(memory-hard), with its salt and cost in the same text
(``scrypt$n$r$p$salt$key``, base 64), so the cost can be raised later
without invalidating older hashes. Comparisons are constant-time.

:func:`verify_admin` is the one way to an :class:`AdminSession`; every
admin write (:func:`change_settings`, :func:`add_admin`, :func:`remove_admin`,
:func:`change_passphrase`) asks for one and checks it here, and the store
checks it again (and its database refuses a settings or admin write whose
writer is not an admin). Failed attempts are counted per name in the store,
so a restart does not reset them: after ``k`` failures in a row the next
attempt is refused, without checking, until ``2**(k-1)`` seconds (at most
:data:`MAX_DELAY_SECONDS`) have passed. Refused, not slept: the console never
blocks. Every attempt and its result lands in the audit trail; a passphrase
never does, nor any log line (each one handled is registered with the log's
redaction), nor a name that is not an admin's (it might be a passphrase
typed into the wrong field).

Nothing here imports Qt, and nothing on ``collab-console settings show``'s
path imports this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from collab_console.core.errors import NotAllowedError, ValidationError
from collab_console.core.i18n import N_, _, isolate, ngettext
from collab_console.core.records import Record, field

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self

    from collab_console.core.events import SettingsChanged
    from collab_console.core.settings import CopySettings
    from collab_console.store.interface import Store

# -- the cost of a hash --------------------------------------------------------------------

#: scrypt's cost in production: 2**15 × 8 × 128 bytes = 32 MiB and about 0.15 s per hash.
#: Tests lower these three through the ``cheap_scrypt`` fixture (tests only: nothing
#: outside a test's own process, no variable or option, changes them).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
#: The most a stored hash may ask for when it is checked: a store edited to ask
#: for more would make every unlock take minutes or exhaust memory.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16
_MAX_MEMORY = 256 * 1024 * 1024

# -- the rules -----------------------------------------------------------------------------

MIN_PASSPHRASE = 12
MAX_PASSPHRASE = 1024
#: An admin name: ASCII letters and digits, and . _ @ - inside; unique in any case.
#: Narrow on purpose: it is typed at prompts, printed in the audit and compared,
#: and look-alike letters from other scripts cannot make a second "ana".
_NAME = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,62}[A-Za-z0-9])?\Z")
MAX_NAME = 64
#: The longest wait after failed attempts, in seconds.
MAX_DELAY_SECONDS = 300
#: How long an unlock lasts before the admin must give the passphrase again.
SESSION_LIFETIME = timedelta(minutes=15)

#: Refusals raised here and by the stores, in English: translate them where raised.
NO_ADMIN_YET = N_("no admin is set up yet; run collab-console admin init --name NAME first")
ONLY_ADMINS = N_("only an admin can do this; unlock with an admin's name and passphrase")
#: The words ``check_new_passphrase`` is given for ``what``, marked to be translated there.
_SECRET_WORDS = (N_("passphrase"), N_("password"))


def validate_admin_name(name: object) -> str:
    """``name`` without surrounding spaces, or raise ValidationError (never echoing it)."""
    if not isinstance(name, str):
        raise ValidationError(_("an admin name must be text"))
    cleaned = name.strip()
    if not cleaned:
        raise ValidationError(_("enter an admin name"))
    if len(cleaned) > MAX_NAME or not _NAME.match(cleaned):
        raise ValidationError(
            _(
                "an admin name is 1 to {most} ASCII letters and digits, with {characters} "
                "inside (like {example})"
            ).format(most=MAX_NAME, characters=isolate(". _ @ -"), example=isolate("ana.silva"))
        )
    return cleaned


def _normalised(passphrase: str) -> bytes:
    import unicodedata

    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def check_new_passphrase(passphrase: object, name: str, *, what: str = "passphrase") -> str:
    """``passphrase`` if it may be an admin's; otherwise ValidationError saying why.

    At least :data:`MIN_PASSPHRASE` characters (spaces count: a few words make a
    good one), at most :data:`MAX_PASSPHRASE`, nothing unprintable, and not
    the admin's name. ``what`` names the secret in the messages: the
    organisation's database logins are held to the same rule for a
    ``"password"`` (``store.pg_setup.add_user``).
    """
    secret = _(what)
    if not isinstance(passphrase, str):
        raise ValidationError(_("a {what} must be text").format(what=secret))
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            _("a {what} needs at least {least} characters; a few words make a good one").format(
                what=secret, least=MIN_PASSPHRASE
            )
        )
    if len(passphrase) > MAX_PASSPHRASE:
        raise ValidationError(
            _("a {what} has at most {most} characters").format(what=secret, most=MAX_PASSPHRASE)
        )
    if not passphrase.isprintable():
        raise ValidationError(
            _("a {what} must not contain control characters, tabs or line breaks").format(
                what=secret
            )
        )
    squeezed = "".join(passphrase.split()).casefold()
    if squeezed == "".join(name.split()).casefold() or len(set(squeezed)) < 4:
        raise ValidationError(
            _("that {what} is too easy to guess; choose another").format(what=secret)
        )
    return passphrase


def hash_passphrase(passphrase: str) -> str:
    """A fresh salted scrypt hash of ``passphrase``, with its cost: ``scrypt$n$r$p$salt$key``."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(_normalised(passphrase), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)))


def passphrase_matches(passphrase: str, stored: str) -> bool:
    """Whether ``passphrase`` is the one ``stored`` was made from; constant-time.

    A stored text that is not a hash this version makes, or that asks for
    more than :data:`MAX_N`, :data:`MAX_R` or :data:`MAX_P`, never matches.
    """
    parsed = _parse_hash(stored)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    if len(passphrase) > MAX_PASSPHRASE:
        return False
    candidate = _scrypt(_normalised(passphrase), salt, n, r, p, len(key))
    return hmac.compare_digest(candidate, key)


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=length)


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = (
            base64.b64decode(parts[4], validate=True),
            base64.b64decode(parts[5], validate=True),
        )
    except ValueError:
        return None
    sane = (
        1 < n <= MAX_N
        and n & (n - 1) == 0
        and 1 <= r <= MAX_R
        and 1 <= p <= MAX_P
        and 128 * n * r * p < _MAX_MEMORY
        and 8 <= len(salt) <= 64
        and 16 <= len(key) <= 64
    )
    return (n, r, p, salt, key) if sane else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash nobody's passphrase matches, at today's cost: an unknown name takes as long."""
    cost = (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    if cost not in _dummy_hashes:
        _dummy_hashes[cost] = hash_passphrase(secrets.token_urlsafe(24))
    return _dummy_hashes[cost]


def _forget_in_logs(passphrase: str) -> None:
    """Mask ``passphrase`` in any log line from now on (a shorter text is no one's passphrase)."""
    if len(passphrase) >= MIN_PASSPHRASE:
        from collab_console.core.redaction import register_secret

        register_secret(passphrase)


# -- failed attempts -----------------------------------------------------------------------


def _log(message: str, *args: object) -> None:
    from collab_console.core.logs import log_event

    log_event(message, *args)


def unlock_delay(failures: int) -> int:
    """Seconds to wait after ``failures`` failed attempts in a row: 0, 1, 2, 4, … 300."""
    if failures <= 0:
        return 0
    return min(1 << min(failures - 1, 16), MAX_DELAY_SECONDS)


def name_key(name: str) -> str:
    """What failed attempts are counted under: a hash of the name as typed (any case).

    Not the name itself: what someone typed as a name may be a passphrase.
    """
    typed = " ".join(name.split()).casefold()
    return hashlib.sha256(typed.encode("utf-8", "surrogatepass")).hexdigest()


def wait_seconds(failures: int, last_failure: datetime | None, now: datetime) -> int:
    """Whole seconds left before another attempt for that name is checked (0: now)."""
    if failures <= 0 or last_failure is None:
        return 0
    ready = last_failure + timedelta(seconds=unlock_delay(failures))
    left = (ready - now).total_seconds()
    return 0 if left <= 0 else int(-(-left // 1))


def _attempts(count: int) -> str:
    """For the log, in English."""
    return "1 failed attempt" if count == 1 else f"{count} failed attempts"


# -- who is an admin -----------------------------------------------------------------------

_SEAL = object()


class AdminInfo(Record):
    """An admin as others may see them: never their passphrase or its hash."""

    name: str
    created_at: datetime
    #: Who added them (an admin, or the account that ran ``admin init``).
    created_by: str
    #: When their passphrase was last set.
    changed_at: datetime


class AdminSession(Record):
    """Proof that an admin gave their passphrase: made only by :func:`verify_admin`.

    It names the admin (what the audit and an acknowledgement record, never
    the OS login) and lasts :data:`SESSION_LIFETIME`. Building one any other
    way raises NotAllowedError. It holds no passphrase.
    """

    name: str
    verified_at: datetime
    expires_at: datetime
    seal: object = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise NotAllowedError("an admin session comes only from a verified passphrase")

    def __repr__(self) -> str:
        return f"AdminSession(name={self.name!r}, expires_at={self.expires_at!r})"

    def replace(self, **changes: Any) -> Self:
        """Refused: a copy with another name or time would be a session no one verified."""
        raise NotAllowedError("an admin session comes only from a verified passphrase")

    def valid_at(self, now: datetime) -> bool:
        return self.verified_at - timedelta(minutes=1) <= now < self.expires_at


def is_admin_session(value: object) -> bool:
    """True for an :class:`AdminSession` that :func:`verify_admin` made (expired or not)."""
    return isinstance(value, AdminSession) and value.seal is _SEAL


def require_admin(admin: object, now: datetime) -> AdminSession:
    """``admin`` if it is a verified admin session still valid at ``now``; else NotAllowedError."""
    if not is_admin_session(admin):
        raise NotAllowedError(_(ONLY_ADMINS))
    assert isinstance(admin, AdminSession)
    if not admin.valid_at(now):
        raise NotAllowedError(
            _("the unlock as {name} has expired; give the passphrase again").format(
                name=isolate(admin.name)
            )
        )
    return admin


def verify_admin(
    store: Store, name: str, passphrase: str, *, now: datetime, actor: str
) -> AdminSession:
    """The admin session of ``name`` if ``passphrase`` is theirs; NotAllowedError otherwise.

    ``actor`` is who is at the keyboard (the OS account), for the audit.
    Refused unchecked while the wait after failed attempts for that name
    runs; a wrong name and a wrong passphrase read the same and take as long.
    Every attempt is recorded with its result; the passphrase never is.
    """
    from collab_console.core.audit import UnlockResult

    _forget_in_logs(passphrase)
    if not store.has_admins():
        raise NotAllowedError(_(NO_ADMIN_YET))
    key = name_key(name if isinstance(name, str) else "")
    try:
        wanted: str | None = validate_admin_name(name)
    except ValidationError:
        wanted = None
    found = store.admin_credentials(wanted) if wanted else None
    admin_name = found[0] if found else None
    failures, last = store.unlock_failures(key)
    wait = wait_seconds(failures, last, now)
    if wait:
        store.record_unlock(
            key, result=UnlockResult.TOO_SOON, admin=admin_name, at=now, actor=actor
        )
        _log("unlock refused: %s, still waiting %s s", _attempts(failures), wait)
        raise NotAllowedError(
            ngettext(
                "{count} failed attempt for that name; try again in {wait} s",
                "{count} failed attempts for that name; try again in {wait} s",
                failures,
            ).format(count=failures, wait=wait)
        )
    matches = passphrase_matches(passphrase, found[1] if found else _dummy_hash())
    if found and matches:
        store.record_unlock(key, result=UnlockResult.OK, admin=found[0], at=now, actor=actor)
        _log("unlocked as the admin %s by %s", found[0], actor)
        return AdminSession(found[0], now, now + SESSION_LIFETIME, _SEAL)
    count = store.record_unlock(
        key, result=UnlockResult.WRONG_PASSPHRASE, admin=admin_name, at=now, actor=actor
    )
    # Never the name typed: it may be a passphrase typed in the wrong field.
    _log("unlock refused: wrong name or passphrase (%s) by %s", _attempts(count), actor)
    raise NotAllowedError(
        ngettext(
            "wrong name or passphrase; {count} failed attempt — try again in {wait} s",
            "wrong name or passphrase; {count} failed attempts — try again in {wait} s",
            count,
        ).format(count=count, wait=unlock_delay(count))
    )


#: Why a login that is not in ``collab_admin`` is refused an admin's action.
NOT_A_DATABASE_ADMIN = N_(
    "only a member of the database role collab_admin can do this; the database owner adds "
    "admins with collab-console db add-user NAME --role admin"
)


def verify_database_admin(store: Store, *, now: datetime) -> AdminSession:
    """The admin session of the store's database login, when the database counts it an admin.

    Organisation mode (``store.admins_by_database``): the database's roles say who
    is an admin, so there is no passphrase to check; the session names the login,
    which is what the audit and an acknowledgement record. NotAllowedError for a
    login that is not a member of ``collab_admin``, and for a store that keeps its
    own admins (there, :func:`verify_admin` is the way).
    """
    if not store.admins_by_database:
        raise NotAllowedError(_(ONLY_ADMINS))
    name = store.database_admin()
    if name is None:
        raise NotAllowedError(_(NOT_A_DATABASE_ADMIN))
    _log("admin %s confirmed by the database", name)
    return AdminSession(name, now, now + SESSION_LIFETIME, _SEAL)


# -- what only an admin may do -------------------------------------------------------------


def init_admin(store: Store, name: str, passphrase: str, *, actor: str) -> str:
    """Make the first admin of a store that has none; return their name.

    ``actor`` (the OS account) is recorded as who set it up. Refused
    (NotAllowedError) once the store has an admin: then an admin adds others.
    """
    name = validate_admin_name(name)
    _forget_in_logs(passphrase)
    check_new_passphrase(passphrase, name)
    if store.has_admins():
        raise NotAllowedError(
            _("an admin is already set up; an admin can add you with collab-console admin add")
        )
    store.add_admin(name, hash_passphrase(passphrase), actor=actor)
    _log("first admin %s set up by %s", name, actor)
    return name


def add_admin(
    store: Store, admin: AdminSession, name: str, passphrase: str, *, now: datetime
) -> str:
    """Add the admin ``name`` with ``passphrase``, as the admin of ``admin``; return the name."""
    session = require_admin(admin, now)
    name = validate_admin_name(name)
    _forget_in_logs(passphrase)
    check_new_passphrase(passphrase, name)
    store.add_admin(name, hash_passphrase(passphrase), actor=session.name, by=session)
    _log("admin %s added by %s", name, session.name)
    return name


def remove_admin(store: Store, admin: AdminSession, name: str, *, now: datetime) -> str:
    """Remove the admin ``name`` (not the last one), as the admin of ``admin``."""
    session = require_admin(admin, now)
    removed = store.remove_admin(validate_admin_name(name), by=session)
    _log("admin %s removed by %s", removed, session.name)
    return removed


def change_passphrase(
    store: Store, admin: AdminSession, new_passphrase: str, *, now: datetime
) -> None:
    """Replace the passphrase of the admin of ``admin`` (only one's own)."""
    session = require_admin(admin, now)
    _forget_in_logs(new_passphrase)
    check_new_passphrase(new_passphrase, session.name)
    store.set_passphrase_hash(hash_passphrase(new_passphrase), by=session)
    _log("admin %s changed their passphrase", session.name)


def change_settings(
    store: Store,
    current: CopySettings,
    admin: AdminSession | None,
    *,
    now: datetime,
    acknowledged: bool | frozenset[str] = False,
    **values: object,
) -> SettingsChanged:
    """Save ``current`` with ``values`` changed, as the admin of ``admin``.

    The one policy write of the app: the console's Preferences, ``settings
    set`` and any other caller come here. The role is checked first (no
    admin session, or an expired one: NotAllowedError); ``acknowledged``
    names the sensitive settings whose warning the admin accepts now (True:
    all that end up on), and the acknowledgement records the admin's name.
    The store's compare-and-swap still applies: if someone saved since
    ``current`` was read, StaleSettingsError carries what is stored now.
    """
    session = require_admin(admin, now)
    wanted = current.changed(actor=session.name, now=now, acknowledged=acknowledged, **values)
    changed = store.save_settings(wanted, admin=session)
    _log("settings changed by %s: %s", session.name, ", ".join(wanted.changed_keys(current)))
    return changed
