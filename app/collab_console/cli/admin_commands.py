"""The scriptable administration: ``settings set``, ``admin``, ``session`` and ``audit``.

Every policy and admin write goes through ``core/admins.py`` as the console's
does, after the acting admin proved who they are: on the embedded store with
``--admin NAME`` and a passphrase from the terminal or ``--passphrase-stdin``;
on the organisation database by being a member of ``collab_admin`` (the
database says so; nothing is asked). Each command returns an exit status; a
refusal is one ``collab-console: ...`` line (see the README's exit-code
table). Imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from collab_console.cli.commands import Exit, fail, open_for, shown_setting
from collab_console.cli.output import aligned, write_out
from collab_console.cli.prompts import SecretSource, ask_admin_name
from collab_console.core import clock
from collab_console.core.admins import NO_ADMIN_YET, AdminSession, verify_admin
from collab_console.core.errors import (
    NotAllowedError,
    SettingsError,
    StaleSettingsError,
    ValidationError,
)
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.identity import current_user
from collab_console.core.logs import log_event

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.core.settings import CopySettings, SettingSpec
    from collab_console.store import Store

#: How often ``settings set`` re-reads and re-applies when another admin saved meanwhile.
STALE_RETRIES = 3


def _now() -> datetime:
    return clock.now()


#: What the embedded store's admin commands say in organisation mode.
DATABASE_DECIDES = N_(
    "in organisation mode the database decides who is an admin; its owner adds one with "
    "collab-console db add-user NAME --role admin"
)


def _unlock(
    store: Store, args: argparse.Namespace, secrets: SecretSource | None = None
) -> AdminSession:
    """The acting admin's session: the database login in organisation mode, else
    ``--admin`` (or a prompt) and their passphrase, read by ``secrets`` (by a
    source of one line, the admin's passphrase, when not given)."""
    if store.admins_by_database:
        return _database_admin(store, args)
    if not store.has_admins():
        raise NotAllowedError(NO_ADMIN_YET)
    if secrets is None:
        secrets = SecretSource(from_stdin=args.passphrase_stdin, lines=N_("the admin's passphrase"))
    name = ask_admin_name(args.admin, secrets_on_stdin=secrets.from_stdin)
    passphrase = secrets.secret(_("Passphrase for {admin}: ").format(admin=isolate(name)))
    return verify_admin(store, name, passphrase, now=_now(), actor=current_user())


def _database_admin(store: Store, args: argparse.Namespace) -> AdminSession:
    """The database login, when it is a member of ``collab_admin`` (else exit 6); no passphrase."""
    from collab_console.core.admins import validate_admin_name, verify_database_admin

    admin = verify_database_admin(store, now=_now())
    if args.admin is not None and validate_admin_name(args.admin) != admin.name:
        raise ValidationError(
            _(
                "--admin: you are logged in to the database as {admin}, who acts here; "
                "leave --admin out, or log in as that admin (collab-console db login)"
            ).format(admin=isolate(admin.name))
        )
    return admin


# -- settings set --------------------------------------------------------------------------


def parse_setting(spec: SettingSpec, given: str, *, named: str) -> object:
    """``given`` parsed by the setting's declaration; a bad one is a ValidationError (exit 2)
    that starts with ``named``, the option or argument it came from."""
    try:
        return spec.parse(given)
    except (SettingsError, ValidationError) as exc:
        raise ValidationError(f"{named}: {exc}") from None


def acknowledgement_needed(spec: SettingSpec, *, team: str = "") -> str:
    """The refusal of a sensitive setting turned on without ``--acknowledge-security-warning``,
    with the warning itself (``team``, when given, is the team it would apply to)."""
    assert spec.warning is not None
    needs = (
        _("turning on {setting} for team {team} needs --acknowledge-security-warning.")
        if team
        else _("turning on {setting} needs --acknowledge-security-warning.")
    )
    return _("{refusal} {title}: {text}").format(
        refusal=needs.format(setting=_(spec.label), team=isolate(team)),
        title=_(spec.warning.title),
        text=_(spec.warning.text),
    )


def _wanted_values(args: argparse.Namespace) -> dict[str, object]:
    """The settings given as options, each parsed by its declaration; exit 2 on a bad one."""
    from collab_console.core.settings import SETTING_SPECS

    values: dict[str, object] = {}
    for spec in SETTING_SPECS:
        given = getattr(args, spec.key, None)
        if given is not None:
            values[spec.key] = parse_setting(spec, given, named=f"--{spec.cli_name}")
    if not values:
        options = ", ".join(f"--{spec.cli_name}" for spec in SETTING_SPECS)
        raise ValidationError(
            _("nothing to change; give at least one of {options}").format(options=options)
        )
    return values


def _unacknowledged(current: CopySettings, values: dict[str, object]) -> SettingSpec | None:
    """A sensitive setting these values turn on that has no acknowledgement yet."""
    from collab_console.core.settings import SENSITIVE_SPECS

    for spec in SENSITIVE_SPECS:
        if values.get(spec.key) and spec.key not in current.acknowledgements:
            return spec
    return None


def settings_set(args: argparse.Namespace) -> int:
    from collab_console.core.admins import change_settings
    from collab_console.core.settings import SETTING_SPECS
    from collab_console.store.system_policy import system_policy

    values = _wanted_values(args)
    policy = system_policy()
    for key, value in values.items():
        refused = policy.refusal(key, value) if policy is not None else None
        if refused is not None:  # said before a passphrase is asked for
            return fail(refused, Exit.USAGE)
    store = open_for(args, readonly=False)
    try:
        current = store.load_settings()
        spec = _unacknowledged(current, values)
        if spec is not None and not args.acknowledge_security_warning:
            return fail(acknowledgement_needed(spec), Exit.USAGE)
        admin = _unlock(store, args)
        for attempt in range(STALE_RETRIES):
            try:
                saved = change_settings(
                    store,
                    current,
                    admin,
                    now=_now(),
                    acknowledged=bool(args.acknowledge_security_warning),
                    **values,
                ).settings
                break
            except StaleSettingsError:
                # The options name the values wanted, not edits of what was seen:
                # apply them again to what another admin saved meanwhile.
                if attempt == STALE_RETRIES - 1:
                    raise
                current = store.load_settings()
    finally:
        store.close()
    changed = [s for s in SETTING_SPECS if current.value(s) != saved.value(s)]
    if saved.version == current.version:
        write_out(_("Nothing changed: the settings already hold these values."))
        return Exit.OK
    lines = [
        _("{setting}: {before} -> {after}").format(
            setting=_(s.label),
            before=isolate(shown_setting(s, current.value(s))),
            after=isolate(shown_setting(s, saved.value(s))),
        )
        for s in changed
    ]
    for key, ack in saved.acknowledgements.items():
        if current.acknowledgements.get(key) != ack:
            label = next(s.label for s in SETTING_SPECS if s.key == key)
            lines.append(
                _("{setting} warning: acknowledged by {admin} (warning v{version})").format(
                    setting=_(label), admin=isolate(ack.by), version=ack.warning_version
                )
            )
    lines.append(
        _("Saved by {admin} (settings version {version}).").format(
            admin=isolate(admin.name), version=saved.version
        )
    )
    write_out("\n".join(lines))
    return Exit.OK


# -- admin ---------------------------------------------------------------------------------


def admin(args: argparse.Namespace) -> int:
    from collab_console.store.location import chosen_database

    if chosen_database(args.db, args.data_dir) is not None:
        raise NotAllowedError(_(DATABASE_DECIDES))
    return {
        "init": admin_init,
        "add": admin_add,
        "remove": admin_remove,
        "passwd": admin_passwd,
    }[args.admin_command](args)


def _new_name(text: str) -> str:
    from collab_console.core.admins import validate_admin_name

    try:
        return validate_admin_name(text)
    except ValidationError as exc:
        raise ValidationError(f"--name: {exc}") from None


def admin_init(args: argparse.Namespace) -> int:
    from collab_console.core.admins import init_admin

    name = _new_name(args.name)
    secrets = SecretSource(from_stdin=args.passphrase_stdin, lines=N_("the new admin's passphrase"))
    store = open_for(args, readonly=False, create=True)
    try:
        if store.has_admins():
            raise NotAllowedError(
                _("an admin is already set up; an admin can add you with collab-console admin add")
            )
        passphrase = secrets.new_secret(
            _("New passphrase for {admin}: ").format(admin=isolate(name))
        )
        init_admin(store, name, passphrase, actor=current_user())
    finally:
        store.close()
    write_out(
        _("{admin} is the first admin. Keep the passphrase safe: it cannot be recovered.").format(
            admin=isolate(name)
        )
    )
    return Exit.OK


def admin_add(args: argparse.Namespace) -> int:
    from collab_console.core.admins import add_admin

    name = _new_name(args.name)
    secrets = SecretSource(
        from_stdin=args.passphrase_stdin, lines=N_("your passphrase, then the new admin's")
    )
    store = open_for(args, readonly=False)
    try:
        acting = _unlock(store, args, secrets)
        passphrase = secrets.new_secret(
            _("New passphrase for {admin}: ").format(admin=isolate(name))
        )
        add_admin(store, acting, name, passphrase, now=_now())
    finally:
        store.close()
    write_out(
        _("{admin} is now an admin (added by {acting}).").format(
            admin=isolate(name), acting=isolate(acting.name)
        )
    )
    return Exit.OK


def admin_remove(args: argparse.Namespace) -> int:
    from collab_console.core.admins import remove_admin

    name = _new_name(args.name)
    secrets = SecretSource(from_stdin=args.passphrase_stdin, lines=N_("your passphrase"))
    store = open_for(args, readonly=False)
    try:
        acting = _unlock(store, args, secrets)
        removed = remove_admin(store, acting, name, now=_now())
    finally:
        store.close()
    write_out(
        _("{admin} is no longer an admin (removed by {acting}).").format(
            admin=isolate(removed), acting=isolate(acting.name)
        )
    )
    return Exit.OK


def admin_passwd(args: argparse.Namespace) -> int:
    from collab_console.core.admins import change_passphrase

    secrets = SecretSource(
        from_stdin=args.passphrase_stdin, lines=N_("your passphrase, then the new one")
    )
    store = open_for(args, readonly=False)
    try:
        acting = _unlock(store, args, secrets)
        new = secrets.new_secret(
            _("New passphrase for {admin}: ").format(admin=isolate(acting.name))
        )
        change_passphrase(store, acting, new, now=_now())
    finally:
        store.close()
    write_out(_("The passphrase of {admin} was changed.").format(admin=isolate(acting.name)))
    return Exit.OK


# -- session -------------------------------------------------------------------------------


def session(args: argparse.Namespace) -> int:
    if args.session_command in ("share", "unshare"):
        from collab_console.cli import org_commands

        share = {"share": org_commands.session_share, "unshare": org_commands.session_unshare}
        return share[args.session_command](args)
    if args.session_command in ("add-participant", "invite"):
        from collab_console.cli import invitation_commands

        invite = {
            "add-participant": invitation_commands.session_add_participant,
            "invite": invitation_commands.session_invite,
        }
        return invite[args.session_command](args)
    return {"start": session_start, "list": session_list, "end": session_end}[args.session_command](
        args
    )


def session_start(args: argparse.Namespace) -> int:
    from collab_console.cli.invitation_commands import send_after_start

    store = open_for(args, readonly=False)
    try:
        started, _event = store.start_session(
            customer_name=args.customer, contact=args.contact, now=_now(), actor=current_user()
        )
        log_event("session %s started from the command line", started.session_id)
        write_out(started.session_id)  # first: the invitation is the store's from now on
        send_after_start(store, args, started.session_id)
    finally:
        store.close()
    return Exit.OK


def session_list(args: argparse.Namespace) -> int:
    store = open_for(args, readonly=True)
    try:
        sessions = store.list_sessions()
    finally:
        store.close()
    if args.json:
        import json

        from collab_console.cli.invitation_commands import delivery_summary

        write_out(
            json.dumps(
                [
                    {
                        "session_id": s.session_id,
                        "customer_name": s.customer_name,
                        "state": s.state.value,
                        "invite": delivery_summary(s.invite),
                        "created_at": s.created_at.isoformat(),
                        "demo": s.demo,
                    }
                    for s in sessions
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return Exit.OK
    if not sessions:
        write_out(_("No sessions."))
        return Exit.OK
    from collab_console.core.delivery import delivery_label

    rows = [
        (
            s.session_id,
            s.state.label,
            _("{time} UTC").format(time=f"{s.created_at.astimezone(UTC):%Y-%m-%d %H:%M}"),
            delivery_label(s.invite, with_reason=False),
            _("{customer} (demo)").format(customer=s.customer_name) if s.demo else s.customer_name,
        )
        for s in sessions
    ]
    write_out(aligned(rows))
    return Exit.OK


def session_end(args: argparse.Namespace) -> int:
    from collab_console.core.domain import SessionState, normalise_session_id

    session_id = normalise_session_id(args.session_id)
    store = open_for(args, readonly=False)
    try:
        before = store.get_session(session_id)
        if before.state is SessionState.ENDED:
            ended = (
                _("Session {session_id} had already ended at {time} UTC.")
                if before.ended_at
                else _("Session {session_id} had already ended.")
            )
            write_out(
                ended.format(
                    session_id=isolate(session_id),
                    time=isolate(f"{before.ended_at:%Y-%m-%d %H:%M}"),
                )
            )
            return Exit.OK
        store.end_session(session_id, _now(), actor=current_user())
    finally:
        store.close()
    log_event("session %s ended from the command line", session_id)
    write_out(
        _("Ended session {session_id} ({customer}).").format(
            session_id=isolate(session_id), customer=before.customer.name
        )
    )
    return Exit.OK


# -- audit ---------------------------------------------------------------------------------


def audit(args: argparse.Namespace) -> int:
    return {"export": audit_export, "verify": audit_verify}[args.audit_command](args)


def audit_export(args: argparse.Namespace) -> int:
    from collab_console.core.audit import AuditQuery, export_text, parse_moment

    since = parse_moment(args.since) if args.since else None
    until = parse_moment(args.until, end_of_day=True) if args.until else None
    if since and until and since >= until:
        raise ValidationError(_("--since must be before --until"))
    store = open_for(args, readonly=True)
    try:
        entries = store.audit_entries(
            AuditQuery(since=since, until=until, limit=None, oldest_first=True)
        )
    finally:
        store.close()
    text = export_text(entries, args.format)
    if args.output in (None, "-"):
        _write_stdout(text)
        return Exit.OK
    _write_private(args.output, text)
    write_out(
        _("Exported {count} audit entries to {path}.").format(
            count=len(entries), path=isolate(args.output)
        )
    )
    return Exit.OK


def _write_stdout(text: str) -> None:
    """``text`` as it is (CSV ends its lines with CR LF) on standard output, in UTF-8."""
    import sys

    from collab_console.cli import output

    output.check_stdout()
    stream = sys.stdout
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text)
            stream.flush()
        else:
            stream.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
    except (OSError, ValueError) as exc:
        raise output.output_error(exc) from None


def _write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole (a temporary file moved into place), readable by its owner.

    The audit names people and sessions: a file others can read is not the place.
    """
    import os

    from collab_console.cli.output import OutputError

    shown = isolate(repr(path)) if len(path) <= 80 else _("that file")
    try:
        folder = os.path.dirname(os.path.abspath(path))
        temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except ValueError:  # a NUL, or a character the file system cannot name
        raise ValidationError(_("-o: {path} cannot be a file name").format(path=shown)) from None
    except OSError as exc:
        raise OutputError(
            _("cannot write {path}: {problem}").format(path=shown, problem=exc.strerror or exc)
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(
            _("cannot write {path}: {problem}").format(path=shown, problem=exc.strerror or exc)
        ) from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    import os
    from contextlib import suppress

    with suppress(OSError):
        os.unlink(path)


def audit_verify(args: argparse.Namespace) -> int:
    from collab_console.core.audit import AuditQuery

    store = open_for(args, readonly=True)
    try:
        found = store.verify_audit()
        newest = store.audit_entries(AuditQuery(limit=1))
    finally:
        store.close()
    if found is not None:
        return fail(found.message, Exit.AUDIT_ALTERED)
    if not newest:
        write_out(_("The audit trail is intact: it has no entries yet."))
        return Exit.OK
    last = newest[0]
    write_out(
        _("The audit trail is intact: {count} entries, the newest at {time} UTC.").format(
            count=last.seq, time=isolate(f"{last.at:%Y-%m-%d %H:%M:%S}")
        )
        + "\n"
        + _("Newest hash: {hash}").format(hash=isolate(last.hash))
    )
    return Exit.OK
