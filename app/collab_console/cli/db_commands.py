"""``collab-console db``: choose the organisation database, log in to it, set it up, add users.

A database password is typed at a prompt that does not echo it (or read from
standard input with ``--password-stdin``), checked by connecting, and kept
in the system keyring (:mod:`collab_console.core.secrets`) under a name made
of the database's address and the login: never in a file, an argument, the
environment or a message. The DSN itself never holds one
(:func:`collab_console.store.location.parse_database` refuses it).

``init-org`` and ``add-user`` connect as the DSN's user, who must own the
database (or, for ``add-user``, may create roles); the rules themselves live
in :mod:`collab_console.store.pg_setup`. Imported only when ``db`` runs: it
is the only command module that loads psycopg directly.
"""

from __future__ import annotations

import argparse

from collab_console.cli.commands import Exit
from collab_console.cli.output import aligned, write_out
from collab_console.cli.prompts import SecretSource
from collab_console.core.errors import SecretStoreError, ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.logs import log_event
from collab_console.store.errors import StoreError
from collab_console.store.location import (
    DB_ENV,
    OrgDatabase,
    chosen_database,
    display_path,
    parse_database,
    remember_database,
)
from collab_console.store.pg_schema import GROUP_ROLES, SCHEMA_VERSION

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from psycopg import Connection

#: Said (``{variable}`` is :data:`DB_ENV`) when a command needs the organisation database.
NONE_CHOSEN = N_(
    "no organisation database is chosen; give --db postgresql://HOST/DATABASE, "
    "set ${variable}, or remember one with collab-console db use DSN"
)


def db(args: argparse.Namespace) -> int:
    return {
        "use": db_use,
        "login": db_login,
        "logout": db_logout,
        "init-org": db_init_org,
        "add-user": db_add_user,
        "status": db_status,
    }[args.db_command](args)


def _database(args: argparse.Namespace) -> OrgDatabase:
    """The organisation database this run uses; ValidationError (exit 2) when it is the embedded."""
    chosen = chosen_database(args.db, args.data_dir)
    if chosen is None:
        raise ValidationError(_(NONE_CHOSEN).format(variable=DB_ENV))
    return parse_database(*chosen)


def _stored_password(database: OrgDatabase, user: str | None = None) -> str | None:
    """The password ``db login`` stored for ``user``, or None (also when no keyring can be read).

    Without one, libpq tries the other ways the server may trust the login.
    """
    from collab_console.core.secrets import get_secret

    try:
        return get_secret(database.secret_name(user))
    except SecretStoreError:
        return None


def connect(
    database: OrgDatabase, password: str | None, *, user: str | None = None
) -> Connection[Any]:
    """A connection to ``database`` as ``user`` (the DSN's by default), not in autocommit.

    Made, and its failure worded, as the organisation store makes its own
    (a StoreError that names the database and never the password).
    """
    from psycopg.conninfo import make_conninfo

    from collab_console.store import postgres

    conninfo = database.dsn if user is None else make_conninfo(database.dsn, user=user)
    where = database.address_as(user or database.user)
    return postgres.connect(conninfo, password, where, password, autocommit=False)


# -- use -----------------------------------------------------------------------------------


def db_use(args: argparse.Namespace) -> int:
    from collab_console.store.system_policy import system_policy

    policy = system_policy()
    if args.embedded:
        path = remember_database(None)
        log_event("the organisation database choice was forgotten")
        if policy is not None and policy.database is not None:
            shown = parse_database(policy.database, _("the system policy")).address
            write_out(
                _(
                    "Commands and the console now open the organisation database {database}, "
                    "which the system policy {policy} names "
                    "(no choice of yours is remembered in {path})."
                ).format(
                    database=isolate(shown),
                    policy=isolate(display_path(policy.path)),
                    path=isolate(str(path)),
                )
            )
            return Exit.OK
        write_out(
            _(
                "Commands and the console now open the embedded store "
                "(no organisation database is remembered in {path})."
            ).format(path=isolate(str(path)))
        )
        return Exit.OK
    database = parse_database(args.dsn, "DSN")
    if policy is not None and policy.database_fixed and args.dsn != policy.database:
        raise ValidationError(
            _(
                "the system policy {policy} fixes the organisation database "
                "on this workstation; db use cannot choose another (ask IT)"
            ).format(policy=isolate(display_path(policy.path)))
        )
    path = remember_database(database.dsn)
    log_event("organisation database %s remembered", database.address)
    write_out(
        _(
            "Commands and the console now open the organisation database {database} "
            "(remembered in {path}; --db, ${variable} or --data-dir still choose for one run)."
        ).format(database=isolate(database.address), path=isolate(str(path)), variable=DB_ENV)
        + "\n"
        + _("Store your password with: collab-console db login")
    )
    return Exit.OK


# -- login, logout -------------------------------------------------------------------------


def db_login(args: argparse.Namespace) -> int:
    from collab_console.core.redaction import register_secret
    from collab_console.core.secrets import check_backend, set_secret

    database = _database(args)
    user = args.user or database.user
    keyring = check_backend()  # before the password is typed: it could not be kept
    secrets = SecretSource(
        from_stdin=args.password_stdin,
        lines=N_("your database password"),
        what="password",
        option="--password-stdin",
    )
    password = secrets.secret(
        _("Password of {login} for {database}: ").format(
            login=isolate(user), database=isolate(database.address)
        )
    )
    register_secret(password)
    if not password:
        raise ValidationError(_("an empty password is not a password; nothing was stored"))
    connect(database, password, user=user).close()
    set_secret(database.secret_name(user), password)
    log_event("database password of %s stored in %s", user, keyring)
    lines = [
        _("The password of {login} works; it is kept in {keyring}.").format(
            login=isolate(user), keyring=keyring
        )
    ]
    if user != database.user:
        lines.append(
            _(
                "The DSN logs in as {dsn_login}: to log in as {login}, name them in it, "
                "like {example}."
            ).format(
                dsn_login=isolate(database.user),
                login=isolate(user),
                example=isolate(f"postgresql://{user}@HOST/DATABASE"),
            )
        )
    write_out("\n".join(lines))
    return Exit.OK


def db_logout(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import delete_secret, get_secret

    database = _database(args)
    user = args.user or database.user
    name = database.secret_name(user)
    if get_secret(name) is None:
        write_out(
            _("No password of {login} for {database} is stored.").format(
                login=isolate(user), database=isolate(database.address)
            )
        )
        return Exit.OK
    delete_secret(name)
    log_event("database password of %s deleted", user)
    write_out(
        _("The password of {login} for {database} was deleted from the keyring.").format(
            login=isolate(user), database=isolate(database.address)
        )
    )
    return Exit.OK


# -- init-org, add-user --------------------------------------------------------------------


def db_init_org(args: argparse.Namespace) -> int:
    database = _database(args)
    from collab_console.store import pg_setup

    with connect(database, _stored_password(database)) as conn:
        before = pg_setup.schema_version(conn)
        pg_setup.init_org(conn)
        after = pg_setup.schema_version(conn)
    if before == after:
        write_out(
            _(
                "The organisation schema in {database} is up to date "
                "(version {version}); nothing was changed."
            ).format(database=isolate(database.address), version=after)
        )
        return Exit.OK
    log_event("organisation schema of %s set up at version %s", database.address, after)
    done = (
        _(
            "Set up the organisation schema in {database} (version {version}), "
            "with the group roles {roles}."
        )
        if before == 0
        else _(
            "Updated from version {before}: the organisation schema in {database} "
            "(version {version}), with the group roles {roles}."
        )
    )
    write_out(
        done.format(
            before=before,
            database=isolate(database.address),
            version=after,
            roles=isolate(", ".join(GROUP_ROLES.values())),
        )
        + "\n"
        + _("Add people with: collab-console db add-user NAME --role agent|admin|auditor|join")
    )
    return Exit.OK


def db_add_user(args: argparse.Namespace) -> int:
    name = _login_name(args.name)
    database = _database(args)
    from collab_console.core.redaction import register_secret
    from collab_console.store import pg_setup

    secrets = SecretSource(
        from_stdin=args.password_stdin,
        lines=N_("the new user's password"),
        what="password",
        option="--password-stdin",
    )
    # Connect first: nobody should type a new password for a server that cannot take it.
    with connect(database, _stored_password(database)) as conn:
        password = secrets.new_secret(_("New password for {login}: ").format(login=isolate(name)))
        register_secret(password)
        pg_setup.add_user(conn, name, args.role, password)
        conn.commit()
    log_event("login role %s added as %s", name, args.role)
    write_out(
        _(
            "{login} can now log in as a member of {group}. "
            "They keep their password with: {command}"
        ).format(
            login=isolate(name),
            group=isolate(GROUP_ROLES[args.role]),
            command=isolate(f"collab-console --db postgresql://{name}@HOST/DATABASE db login"),
        )
    )
    return Exit.OK


def _login_name(text: str) -> str:
    from collab_console.store.pg_setup import validate_login

    try:
        return validate_login(text)
    except ValidationError as exc:
        raise ValidationError(f"NAME: {exc}") from None


# -- status --------------------------------------------------------------------------------


def db_status(args: argparse.Namespace) -> int:
    chosen = chosen_database(args.db, args.data_dir)
    if chosen is None:
        from collab_console.store.location import store_path

        write_out(
            _("Embedded store: {path}").format(path=isolate(str(store_path(args.data_dir))))
            + "\n"
            + _(
                "No organisation database is chosen "
                "(--db, ${variable} or collab-console db use DSN)."
            ).format(variable=DB_ENV)
        )
        return Exit.OK
    database = parse_database(*chosen)
    password = _stored_password(database)
    with connect(database, password) as conn:
        row = conn.execute(
            "SELECT session_user::text, current_setting('server_version'),"
            " array(SELECT rolname::text FROM pg_roles WHERE rolname = ANY(%s)"
            "  AND pg_has_role(session_user, oid, 'MEMBER') ORDER BY rolname),"
            " to_regclass('collab.schema_version') IS NULL"
            "  OR has_table_privilege('collab.schema_version', 'SELECT')",
            (list(GROUP_ROLES.values()),),
        ).fetchone()
        if row is None:
            raise StoreError("the database answered nothing to a question that has an answer")
        user, server, roles, may_read = row
        version = _schema_version(conn) if may_read else None
    rows = [
        (
            _("Organisation database"),
            _("{database} (from {source})").format(
                database=isolate(database.address), source=database.source
            ),
        ),
        (_("Server"), f"PostgreSQL {server}"),
        (_("Connected as"), isolate(str(user))),
        (
            _("Roles"),
            isolate(", ".join(map(str, roles))) if roles else _("none of the organisation's"),
        ),
        (_("Password"), _("kept in the keyring") if password else _("none stored (db login)")),
        (_("Schema"), _schema_state(version)),
    ]
    write_out(aligned(rows))
    return Exit.OK


def _schema_version(conn: Connection[Any]) -> int:
    from collab_console.store.pg_setup import schema_version

    return schema_version(conn)


def _schema_state(version: int | None) -> str:
    if version is None:
        return _("not readable by this login (an auditor reads the audit trail only)")
    if version == 0:
        return _("not set up; the database owner runs collab-console db init-org")
    if version < SCHEMA_VERSION:
        return _(
            "version {version}, older than this app's {latest}: the owner runs db init-org"
        ).format(version=version, latest=SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        return _("version {version}, newer than this app's {latest}: update Collab Console").format(
            version=version, latest=SCHEMA_VERSION
        )
    return _("version {version} (up to date)").format(version=version)
