"""What exists only on the organisation database: ``team``, and ``session share``/``unshare``.

Every team command is an admin's: the database login must be a member of
``collab_admin`` (``core.admins.verify_database_admin``; else exit 6), and the
server checks it again on every write and records each one in the audit trail
under that login. A setting and its value are read as ``settings set`` reads
them (its declaration in ``core/settings.py``, through
:func:`admin_commands.parse_setting`), and turning a sensitive setting on for a
team needs ``--acknowledge-security-warning`` as it does for the organisation:
the organisation's acknowledgement does not cover a team.

A session is shared by its agent or an admin, as the server decides (a refusal
is exit 6). On the embedded store all these commands stop at once (exit 2).
Imported only when one of them runs.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from collab_console.cli.admin_commands import acknowledgement_needed, parse_setting
from collab_console.cli.commands import Exit, fail, open_for
from collab_console.cli.output import write_out
from collab_console.core import clock
from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.logs import log_event
from collab_console.core.settings import SETTING_SPECS, SettingSpec

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.core.admins import AdminSession
    from collab_console.store.postgres import PostgresStore

#: What a team command says on the embedded store.
TEAMS_ONLY_IN_ORG = N_(
    "teams exist only in organisation mode; "
    "choose the organisation's database with --db postgresql://HOST/DATABASE, "
    "$COLLAB_CONSOLE_DB or collab-console db use DSN"
)
#: What ``session share`` and ``unshare`` say on the embedded store.
SHARING_ONLY_IN_ORG = N_(
    "sessions are shared only in organisation mode; "
    "choose the organisation's database with --db postgresql://HOST/DATABASE, "
    "$COLLAB_CONSOLE_DB or collab-console db use DSN"
)


def open_organisation(args: argparse.Namespace, *, only: str, readonly: bool) -> PostgresStore:
    """The organisation store of this run; ValidationError (exit 2) saying ``only`` (a text
    marked with ``N_``, translated here) when the run uses the embedded store, which is not
    even opened then."""
    from collab_console.store.location import chosen_database

    if chosen_database(args.db, args.data_dir) is None:
        raise ValidationError(_(only))
    from collab_console.store.postgres import PostgresStore

    store = open_for(args, readonly=readonly)
    # Team overrides and shares are the organisation's, whatever this workstation's
    # system policy locks: the commands work on the backend itself.
    store = getattr(store, "backend", store)
    if not isinstance(store, PostgresStore):  # a backend that keeps no teams
        store.close()
        raise ValidationError(_(only))
    return store


def _now() -> datetime:
    return clock.now()


def _spec(cli_name: str) -> SettingSpec:
    # argparse let only these names through (the choices of SETTING).
    return next(spec for spec in SETTING_SPECS if spec.cli_name == cli_name)


def team(args: argparse.Namespace) -> int:
    return {
        "list": team_list,
        "set": team_set,
        "clear": team_clear,
        "add-member": team_add_member,
        "remove-member": team_remove_member,
    }[args.team_command](args)


def _as_admin(store: PostgresStore) -> AdminSession:
    from collab_console.core.admins import verify_database_admin

    return verify_database_admin(store, now=_now())


# -- list ----------------------------------------------------------------------------------


def team_list(args: argparse.Namespace) -> int:
    store = open_organisation(args, only=TEAMS_ONLY_IN_ORG, readonly=True)
    try:
        _as_admin(store)  # an agent sees their own team only: a list that would mislead
        teams = store.team_overrides()
        members = store.team_members()
    finally:
        store.close()
    names = sorted(teams)
    if args.json:
        import json

        write_out(
            json.dumps(
                [
                    {"team": name, "members": members.get(name, []), "overrides": teams[name]}
                    for name in names
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return Exit.OK
    if not names:
        write_out(
            _(
                "No teams. An admin makes one with: collab-console team add-member TEAM LOGIN, "
                "or team set TEAM SETTING VALUE"
            )
        )
        return Exit.OK
    lines = []
    for name in names:
        logins = ", ".join(members.get(name, []))
        lines.append(
            _("Team {team}: {members}").format(
                team=isolate(name), members=isolate(logins) if logins else _("no members")
            )
        )
        overrides = [
            (spec, teams[name][spec.key]) for spec in SETTING_SPECS if spec.key in teams[name]
        ]
        if not overrides:
            lines.append("  " + _("no overrides: the organisation's settings apply"))
            continue
        width = max(len(_(spec.label)) for spec, _value in overrides)
        lines += [
            f"  {_(spec.label):<{width}}  {isolate(spec.shown(value))}" for spec, value in overrides
        ]
    write_out("\n".join(lines))
    return Exit.OK


# -- set, clear ----------------------------------------------------------------------------


def team_set(args: argparse.Namespace) -> int:
    spec = _spec(args.setting)
    value = parse_setting(spec, args.value, named=spec.cli_name)
    store = open_organisation(args, only=TEAMS_ONLY_IN_ORG, readonly=False)
    try:
        admin = _as_admin(store)
        team_name = args.team.strip()
        overrides = store.team_overrides().get(team_name, {})
        before = overrides.get(spec.key)
        if spec.key in overrides and before == value:
            write_out(
                _("Nothing changed: team {team} already overrides {setting} with {value}.").format(
                    team=isolate(team_name), setting=_(spec.label), value=isolate(spec.shown(value))
                )
            )
            return Exit.OK
        if spec.sensitive and value and not args.acknowledge_security_warning:
            return fail(acknowledgement_needed(spec, team=team_name), Exit.USAGE)
        saved = store.set_team_setting(team_name, spec.key, value, admin=admin, now=_now()).settings
    finally:
        store.close()
    log_event("team %s: %s overridden from the command line", team_name, spec.key)
    was = isolate(spec.shown(before)) if spec.key in overrides else _("not overridden")
    lines = [
        _("{setting} for team {team}: {before} -> {after}").format(
            setting=_(spec.label),
            team=isolate(team_name),
            before=was,
            after=isolate(spec.shown(value)),
        )
    ]
    if spec.sensitive and value:
        assert spec.warning is not None
        lines.append(
            _(
                "{setting} warning: acknowledged by {admin} for team {team} (warning v{version})"
            ).format(
                setting=_(spec.label),
                admin=isolate(admin.name),
                team=isolate(team_name),
                version=spec.warning.version,
            )
        )
    lines.append(
        _("Saved by {admin} (settings version {version}).").format(
            admin=isolate(admin.name), version=saved.version
        )
    )
    write_out("\n".join(lines))
    return Exit.OK


def team_clear(args: argparse.Namespace) -> int:
    spec = _spec(args.setting)
    store = open_organisation(args, only=TEAMS_ONLY_IN_ORG, readonly=False)
    try:
        admin = _as_admin(store)
        team_name = args.team.strip()
        saved = store.clear_team_setting(team_name, spec.key, admin=admin, now=_now()).settings
    finally:
        store.close()
    log_event("team %s: override of %s cleared from the command line", team_name, spec.key)
    write_out(
        _(
            "Team {team} no longer overrides {setting}: the organisation's value applies "
            "to its members."
        ).format(team=isolate(team_name), setting=_(spec.label))
        + "\n"
        + _("Saved by {admin} (settings version {version}).").format(
            admin=isolate(admin.name), version=saved.version
        )
    )
    return Exit.OK


# -- members -------------------------------------------------------------------------------


def team_add_member(args: argparse.Namespace) -> int:
    store = open_organisation(args, only=TEAMS_ONLY_IN_ORG, readonly=False)
    try:
        admin = _as_admin(store)
        team_name, login = args.team.strip(), args.login.strip()
        store.add_team_member(team_name, login, admin=admin, now=_now())
    finally:
        store.close()
    log_event("%s put in team %s from the command line", login, team_name)
    write_out(
        _("{login} is in team {team} now (and in no other): its overrides apply to them.").format(
            login=isolate(login), team=isolate(team_name)
        )
        + "\n"
        + _("Changed by {admin}.").format(admin=isolate(admin.name))
    )
    return Exit.OK


def team_remove_member(args: argparse.Namespace) -> int:
    store = open_organisation(args, only=TEAMS_ONLY_IN_ORG, readonly=False)
    try:
        admin = _as_admin(store)
        login = args.login.strip()
        store.remove_team_member(login, admin=admin, now=_now())
    finally:
        store.close()
    log_event("%s taken out of their team from the command line", login)
    write_out(
        _("{login} is in no team now: the organisation's settings apply to them.").format(
            login=isolate(login)
        )
        + "\n"
        + _("Changed by {admin}.").format(admin=isolate(admin.name))
    )
    return Exit.OK


# -- session share, unshare ----------------------------------------------------------------


def session_share(args: argparse.Namespace) -> int:
    from collab_console.core.domain import normalise_session_id

    session_id = normalise_session_id(args.session_id)
    store = open_organisation(args, only=SHARING_ONLY_IN_ORG, readonly=False)
    try:
        login = args.login.strip()
        store.share_session(session_id, login, kind=args.share_as.replace("-", "_"))
        by = store.user
    finally:
        store.close()
    log_event("session %s shared with %s from the command line", session_id, login)
    shared = (
        _(
            "{login} can now see and work on session {session_id}, as its co-agent "
            "(shared by {by}; {command} ends it)."
        )
        if args.share_as == "co-agent"
        else _(
            "{login} can now see and work on session {session_id}, as its supervisor "
            "(shared by {by}; {command} ends it)."
        )
    )
    write_out(
        shared.format(
            login=isolate(login),
            session_id=isolate(session_id),
            by=isolate(by),
            command=isolate(f"collab-console session unshare {session_id} {login}"),
        )
    )
    return Exit.OK


def session_unshare(args: argparse.Namespace) -> int:
    from collab_console.core.domain import normalise_session_id

    session_id = normalise_session_id(args.session_id)
    store = open_organisation(args, only=SHARING_ONLY_IN_ORG, readonly=False)
    try:
        login = args.login.strip()
        store.unshare_session(session_id, login)
        by = store.user
    finally:
        store.close()
    log_event("session %s no longer shared with %s", session_id, login)
    write_out(
        _("{login} no longer has access to session {session_id} (taken away by {by}).").format(
            login=isolate(login), session_id=isolate(session_id), by=isolate(by)
        )
    )
    return Exit.OK
