"""The admin and agent commands. Each returns an exit status and prints no traceback.

A command imports what only it needs inside its function (``json`` for
``--json``, the copy service and the domain for ``copy``), so ``settings show``
loads no more than it uses (``tests/benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
from enum import IntEnum

from collab_console.cli.output import say_error, write_out
from collab_console.core.errors import (
    CollabConsoleError,
    LinkLimitError,
    NotAllowedError,
    NotFoundError,
    SettingsError,
    ValidationError,
)
from collab_console.core.i18n import _, isolate
from collab_console.core.settings import SETTING_SPECS, SETTINGS_PATH, CopySettings, SettingSpec
from collab_console.store import open_store
from collab_console.store.location import display_path

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.core.copy_actions import CopyAction
    from collab_console.core.domain import Participant, Session
    from collab_console.store import Store
    from collab_console.store.system_policy import SystemPolicy


class Exit(IntEnum):
    OK = 0
    FAILED = 1  # the store cannot be used
    USAGE = 2  # argparse's own code for bad arguments
    REFUSED = 3  # the copy policy, a link limit or the resend interval says no
    NOT_FOUND = 4  # no such session or participant (or admin)
    NO_CLIPBOARD = 5  # nothing on this machine can hold the clipboard
    NOT_ALLOWED = 6  # needs an admin: wrong name or passphrase, too soon, or none set up
    AUDIT_ALTERED = 7  # ``audit verify`` found an entry that does not match its chain


def fail(message: str, code: Exit) -> int:
    say_error(message)
    return int(code)


def open_for(args: argparse.Namespace, *, readonly: bool, create: bool = False) -> Store:
    """The store of ``--db`` or ``--data-dir`` (or the default), its warnings said on stderr."""
    store = open_store(args.data_dir, readonly=readonly, create=create, db=args.db)
    for warning in store.warnings:
        say_error(_("warning: {warning}").format(warning=warning))
    return store


def settings_as_dict(settings: CopySettings) -> dict[str, object]:
    data: dict[str, object] = {spec.key: settings.value(spec) for spec in SETTING_SPECS}
    data["acknowledgements"] = {
        key: {"by": ack.by, "at": ack.at.isoformat(), "warning_version": ack.warning_version}
        for key, ack in settings.acknowledgements.items()
    }
    data["version"] = settings.version
    data["updated_by"] = settings.updated_by
    data["updated_at"] = settings.updated_at.isoformat() if settings.updated_at else None
    return data


def shown_setting(spec: SettingSpec, value: object) -> str:
    """A setting's value as ``settings show`` and ``settings set`` print it: as it is
    typed, and ``not set`` for an empty text (no SMTP server, no SMS gateway)."""
    return spec.shown(value) or _("not set")


def format_settings(settings: CopySettings, location: str, policy: SystemPolicy | None) -> str:
    """What ``settings show`` prints, in the current language; values as they are typed,
    kept left to right (:func:`isolate`) in a right-to-left language."""

    def shown(spec: SettingSpec) -> str:
        typed = spec.shown(settings.value(spec))
        value = isolate(typed) if typed else _("not set")
        return (
            _("{value} (locked by the system policy)").format(value=value)
            if policy and policy.is_locked(spec.key)
            else value
        )

    rows = [(_(spec.label), shown(spec)) for spec in SETTING_SPECS]
    for spec in SETTING_SPECS:
        if not spec.sensitive:
            continue
        ack = settings.acknowledgements.get(spec.key)
        rows.append(
            (
                _("{setting} warning").format(setting=_(spec.label)),
                _("not acknowledged")
                if ack is None
                else _("acknowledged by {admin} at {time} UTC (warning v{version})").format(
                    admin=isolate(ack.by),
                    time=isolate(f"{ack.at:%Y-%m-%d %H:%M}"),
                    version=ack.warning_version,
                ),
            )
        )
    who = isolate(settings.updated_by)
    version = settings.version
    changed = (
        _("by {admin} at {time} UTC (version {version})").format(
            admin=who, time=isolate(f"{settings.updated_at:%Y-%m-%d %H:%M}"), version=version
        )
        if settings.updated_at
        else _("by {admin} (version {version})").format(admin=who, version=version)
    )
    rows.append((_("Last changed"), changed))
    width = max(len(label) for label, _text in rows)
    lines = [_(SETTINGS_PATH)]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    lines.append(_("Store: {location}").format(location=isolate(location)))
    if policy is not None:
        lines.append(_("System policy: {path}").format(path=isolate(display_path(policy.path))))
    return "\n".join(lines)


def settings_show(args: argparse.Namespace) -> int:
    from collab_console.store.system_policy import system_policy

    store = open_for(args, readonly=True)
    try:
        settings = store.load_settings()
    finally:
        store.close()
    policy = system_policy()
    if args.json:
        import json

        where = {
            "store": store.location,
            "system_policy": policy.path if policy else None,
            "locked": [key for key in settings.values if policy and policy.is_locked(key)],
        }
        write_out(json.dumps(settings_as_dict(settings) | where, indent=2))
    else:
        write_out(format_settings(settings, store.location, policy))
    return Exit.OK


def copy(args: argparse.Namespace) -> int:
    from collab_console.cli.clipboard import SystemClipboard
    from collab_console.core import clock
    from collab_console.core.copy_actions import CopyAction
    from collab_console.core.copying import CopyResult, clearing_note, copy_detail, link_for_copy
    from collab_console.core.domain import normalise_session_id
    from collab_console.core.identity import current_user
    from collab_console.core.links import LinkPurpose
    from collab_console.core.policy import clean_copy_reason

    try:
        session_id = normalise_session_id(args.session_id)
    except ValidationError as exc:
        return fail(str(exc), Exit.USAGE)
    try:
        # Checked before anything is copied: a reason the core refuses must not stop
        # the copy between the clipboard and the audit entry.
        reason = "" if args.reason is None else clean_copy_reason(args.reason)
    except ValidationError as exc:
        return fail(f"--reason: {exc}", Exit.USAGE)
    store = open_for(args, readonly=False)
    try:
        settings = store.load_settings()
        session = store.get_session(session_id)
        person = session.find(args.participant)
        action, actor = CopyAction(args.what), current_user()
        link, problem = None, None
        try:
            link = link_for_copy(
                settings=settings,
                session=session,
                person=person,
                action=action,
                mint=lambda: store.mint_link(
                    session_id,
                    person.access_id,
                    purpose=LinkPurpose.COPY,
                    actor=actor,
                    now=clock.now(),
                )[0],
                copy_reason=reason,
            )
        except LinkLimitError as exc:
            problem = str(exc)
        outcome = copy_detail(
            settings=settings,
            session=session,
            person=person,
            action=action,
            clipboard=SystemClipboard(),
            record=store.record_copy,
            actor=actor,
            link=link,
            link_problem=problem,
            copy_reason=reason,
        )
        if link is not None and not outcome.copied:  # nobody has it: stop it
            store.revoke_link(link.link.link_id, actor=actor, now=clock.now())
    except NotFoundError as exc:
        return fail(str(exc), Exit.NOT_FOUND)
    finally:
        store.close()
    if outcome.result is CopyResult.REFUSED:
        wants_reason = not reason and _wants_a_reason(settings, session, person, action)
        refused = (
            _("refused: {reason}; give it with --reason TEXT")
            if wants_reason
            else _("refused: {reason}")
        )
        return fail(refused.format(reason=outcome.reason), Exit.REFUSED)
    if outcome.result is CopyResult.NO_CLIPBOARD:
        return fail(outcome.reason, Exit.NO_CLIPBOARD)
    note = f" {clearing_note(outcome.clear_after_s)}" if outcome.clear_after_s else ""
    write_out(outcome.message + note)
    return Exit.OK


def _wants_a_reason(
    settings: CopySettings, session: Session, person: Participant, action: CopyAction
) -> bool:
    """Whether the policy allows the copy and only a reason (``--reason``) is missing."""
    from collab_console.core.copy_actions import COPY_ACTIONS
    from collab_console.core.policy import refusal, url_copy_needs_reason

    return (
        COPY_ACTIONS[action].uses_url
        and refusal(settings, session, person, action) is None
        and url_copy_needs_reason(session, person)
    )


def settings(args: argparse.Namespace) -> int:
    if args.settings_command == "show":
        return settings_show(args)
    from collab_console.cli.admin_commands import settings_set

    return settings_set(args)


def admin(args: argparse.Namespace) -> int:
    from collab_console.cli import admin_commands

    return admin_commands.admin(args)


def session(args: argparse.Namespace) -> int:
    from collab_console.cli import admin_commands

    return admin_commands.session(args)


def audit(args: argparse.Namespace) -> int:
    from collab_console.cli import admin_commands

    return admin_commands.audit(args)


def invitations(args: argparse.Namespace) -> int:
    from collab_console.cli import invitation_commands

    return invitation_commands.invitations(args)


def secrets(args: argparse.Namespace) -> int:
    from collab_console.cli import secret_commands

    return secret_commands.secrets(args)


def links(args: argparse.Namespace) -> int:
    from collab_console.cli import link_commands

    return link_commands.links(args)


def db(args: argparse.Namespace) -> int:
    from collab_console.cli import db_commands

    return db_commands.db(args)


def team(args: argparse.Namespace) -> int:
    from collab_console.cli import org_commands

    return org_commands.team(args)


def serve(args: argparse.Namespace) -> int:
    from collab_console.cli import serve_command

    return serve_command.serve(args)


def _start_log() -> None:
    """Log what this command does; a log that cannot be written is a warning, not a failure."""
    from collab_console.core.logs import setup_logging

    try:
        setup_logging()
    except OSError as exc:
        say_error(
            _("warning: cannot write the log file ({problem}); going on").format(
                problem=exc.strerror or exc
            )
        )


COMMANDS = {
    "settings": settings,
    "copy": copy,
    "admin": admin,
    "session": session,
    "invitations": invitations,
    "secrets": secrets,
    "audit": audit,
    "links": links,
    "serve": serve,
    "db": db,
    "team": team,
}


#: Commands that only read: they keep no log (``settings show`` must not even load it).
READ_ONLY = {
    ("settings", "show"),
    ("session", "list"),
    ("links", "list"),
    ("invitations", "list"),
    ("secrets", "status"),
    ("db", "status"),
    ("team", "list"),
}


def run_command(args: argparse.Namespace) -> int:
    """Run the command ``args`` names; a known error is one line and its exit status."""
    action = getattr(args, f"{args.command}_command", None)
    if (args.command, action) not in READ_ONLY:
        _start_log()
    try:
        return COMMANDS[args.command](args)
    except NotAllowedError as exc:
        return fail(str(exc), Exit.NOT_ALLOWED)
    except LinkLimitError as exc:
        return fail(_("refused: {reason}").format(reason=exc), Exit.REFUSED)
    except NotFoundError as exc:
        return fail(str(exc), Exit.NOT_FOUND)
    except (ValidationError, SettingsError) as exc:
        return fail(str(exc), Exit.USAGE)
    except CollabConsoleError as exc:
        # Imported only now: most commands never load the invitations' core.
        from collab_console.core.delivery import RateLimitedError

        if isinstance(exc, RateLimitedError):  # a resend sooner than the interval allows
            return fail(_("refused: {reason}").format(reason=exc), Exit.REFUSED)
        return fail(str(exc), Exit.FAILED)
