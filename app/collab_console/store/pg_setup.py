"""Setting up the organisation's database: its roles, its schema, its users.

Run by the database owner (``collab-console db init-org``, ``db add-user``): a role
that owns the database and may create roles (CREATEROLE), not a superuser; the
schema is made so that row-level security holds for the owner too. Every
function here takes an open psycopg connection as that owner and commits what it
did, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from collab_console.core.errors import CollabConsoleError, NotAllowedError, ValidationError
from collab_console.core.i18n import _, isolate
from collab_console.store.errors import StoreError, StoreRefusedError, StoreTooNewError
from collab_console.store.pg_schema import (
    BOOTSTRAP,
    GROUP_ROLES,
    LOCK_DOWN,
    MIGRATIONS,
    SCHEMA_VERSION,
)

#: A login's name: as an admin's name (``core.admins``), within PostgreSQL's 63 bytes.
_LOGIN = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,61}[A-Za-z0-9])?\Z")
#: Taken by the roles the schema itself uses.
_RESERVED = {*GROUP_ROLES.values(), "public", "postgres"}


def init_org(conn: psycopg.Connection[Any]) -> None:
    """Make the group roles and the schema, or bring the schema up to date (idempotent).

    The roles are made if missing: they belong to the cluster, so a second
    organisation database shares them.
    """
    with _owner_errors(_("set up the organisation database")), conn.transaction():
        for role in GROUP_ROLES.values():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    migrate(conn)


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Apply the migrations this database lacks, in one transaction; return how many.

    Each one is recorded in ``collab.schema_version``. A database whose schema is
    newer than this version knows: ``StoreTooNewError``, nothing changed.
    """
    applied = 0
    with _owner_errors(_("update the organisation schema")), conn.transaction():
        for statement in BOOTSTRAP:
            conn.execute(statement)
        # One migrator at a time; a second one waits here, then finds nothing to do.
        conn.execute("LOCK TABLE collab.schema_version IN EXCLUSIVE MODE")
        row = conn.execute("SELECT coalesce(max(version), 0) FROM collab.schema_version").fetchone()
        current = int(row[0]) if row else 0
        if current > SCHEMA_VERSION:
            raise StoreTooNewError(
                _(
                    "The organisation database has schema {version}; this Collab Console knows "
                    "{known}. Update Collab Console; the database was left as it is."
                ).format(version=current, known=SCHEMA_VERSION)
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            # The owner records the step: row-level security binds it too, except here.
            conn.execute("ALTER TABLE collab.schema_version NO FORCE ROW LEVEL SECURITY")
            conn.execute("INSERT INTO collab.schema_version (version) VALUES (%s)", (version,))
            conn.execute(LOCK_DOWN)
            applied += 1
    return applied


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the connected database (0: not set up)."""
    with _owner_errors(_("read the schema version")), conn.transaction():
        if conn.execute("SELECT to_regclass('collab.schema_version')").fetchone() in (
            None,
            (None,),
        ):
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM collab.schema_version").fetchone()
        return int(row[0]) if row else 0


def validate_login(name: object) -> str:
    """A login role's name: 1 to 63 ASCII letters and digits, with . _ @ - inside."""
    if not isinstance(name, str) or not _LOGIN.match(name.strip()):
        raise ValidationError(
            _(
                "a database user's name is 1 to 63 ASCII letters and digits, with . _ @ - inside "
                "(like {example})"
            ).format(example=isolate("agent.amy"))
        )
    name = name.strip()
    if name.lower() in _RESERVED or name.lower().startswith("pg_"):
        raise ValidationError(
            _("{name} is a name the database keeps for itself; choose another").format(
                name=isolate(name)
            )
        )
    return name


def add_user(conn: psycopg.Connection[Any], name: str, role: str, password: str) -> None:
    """Make the login role ``name`` in the group of ``role`` (agent, admin, auditor, join).

    The password reaches the server only as a SCRAM-SHA-256 verifier computed here
    (libpq's ``PQencryptPasswordConn``): no statement, log or error ever holds it.
    A name already taken by any role: ``ValidationError``, nothing made. The login
    is recorded in ``collab.account`` and, for an admin, in the audit trail.
    """
    from collab_console.core.admins import check_new_passphrase

    group = GROUP_ROLES.get(role)
    if group is None:
        raise ValidationError(
            _("a role is one of {roles}, not {role}").format(
                roles=isolate(", ".join(GROUP_ROLES)), role=isolate(repr(role))
            )
        )
    name = validate_login(name)
    check_new_passphrase(password, name, what=_("password"))
    verifier = conn.pgconn.encrypt_password(
        password.encode("utf-8"), name.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")
    with _owner_errors(_("add the user {name}").format(name=isolate(name))), conn.transaction():
        taken = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if taken is not None:
            raise ValidationError(
                _("there is already a database role named {name}").format(name=isolate(name))
            )
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(name), sql.Literal(verifier), sql.Identifier(group)
            )
        )
        has_schema = conn.execute("SELECT to_regclass('collab.account')").fetchone()
        if has_schema is not None and has_schema[0] is not None:
            conn.execute("SELECT collab.note_account(%s, %s)", (name, role))


@contextmanager
def _owner_errors(doing: str) -> Iterator[None]:
    """What the server refused, as one sentence (never the SQL, never a password)."""
    try:
        yield
    except (CollabConsoleError, StoreError):
        raise
    except psycopg.errors.InsufficientPrivilege as exc:
        raise NotAllowedError(
            _(
                "the database refused to let this user {doing} ({reason}); run it as the "
                "database's owner, a role with CREATEROLE"
            ).format(doing=doing, reason=_primary(exc))
        ) from None
    except psycopg.Error as exc:
        raise StoreRefusedError(
            _("Could not {doing}: {reason}.").format(doing=doing, reason=_primary(exc))
        ) from None


def _primary(exc: psycopg.Error) -> str:
    text = exc.diag.message_primary or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return " ".join(str(text).split()).rstrip(".")
