"""``collab-console links``: list, revoke and regenerate a session's Session URLs.

What the console's link list does, from a shell. A link is named by its
public name (``L-7QKM92HX``), never by its token: the token exists only in
the URL that was copied or sent.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from collab_console.cli.commands import Exit, open_for
from collab_console.cli.output import aligned, write_out
from collab_console.core import clock
from collab_console.core.domain import normalise_session_id
from collab_console.core.i18n import _, isolate, ngettext
from collab_console.core.identity import current_user
from collab_console.core.links import Link, normalise_link_id
from collab_console.core.logs import log_event


def links(args: argparse.Namespace) -> int:
    return {"list": links_list, "revoke": links_revoke, "regenerate": links_regenerate}[
        args.links_command
    ](args)


def links_list(args: argparse.Namespace) -> int:
    session_id = normalise_session_id(args.session_id)
    store = open_for(args, readonly=True)
    try:
        session = store.get_session(session_id)
        found = store.list_links(session_id)
    finally:
        store.close()
    now = clock.now()
    names = {person.access_id: person.name for person in session.everyone}
    if args.json:
        import json

        write_out(
            json.dumps([_as_dict(link, names, now) for link in found], indent=2, ensure_ascii=False)
        )
        return Exit.OK
    if not found:
        write_out(_("Session {session_id} has no links.").format(session_id=isolate(session_id)))
        return Exit.OK
    rows = [
        (
            link.link_id,
            link.state(now).label,
            link.purpose.label,
            _when(link.made_at),
            _("until the session ends") if link.expires_at is None else _when(link.expires_at),
            _("used") if link.used_at else _("not used"),
            link.made_by,
            names.get(link.access_id, link.access_id),
        )
        for link in found
    ]
    header = (
        _("LINK"),
        _("STATE"),
        _("WHY"),
        _("MADE"),
        _("EXPIRES"),
        _("USED"),
        _("BY"),
        _("FOR"),
    )
    write_out(aligned([header, *rows]))
    return Exit.OK


def links_revoke(args: argparse.Namespace) -> int:
    link_id = normalise_link_id(args.link_id)
    store = open_for(args, readonly=False)
    try:
        store.revoke_link(link_id, actor=current_user(), now=clock.now())
    finally:
        store.close()
    log_event("link %s revoked from the command line", link_id)
    write_out(
        _("Revoked link {link_id}: it opens nothing from now on.").format(link_id=isolate(link_id))
    )
    return Exit.OK


def links_regenerate(args: argparse.Namespace) -> int:
    """Stop a person's links and queue their new invitation, then (unless --queue-only)
    send it with one round of the sender, as ``session invite`` does."""
    from collab_console.cli.invitation_commands import person_line, send_round

    session_id = normalise_session_id(args.session_id)
    store = open_for(args, readonly=False)
    try:
        person = store.get_session(session_id).find(args.participant)
        revoked, queued, _events = store.regenerate_links(
            session_id, person.access_id, actor=current_user(), now=clock.now()
        )
        log_event(
            "links of %s in session %s regenerated from the command line",
            person.access_id,
            session_id,
        )
        delivery, settings = queued, None
        if queued is not None and not args.queue_only:
            send_round(store, args)
            delivery = store.deliveries(session_id).get(person.access_id, queued)
            settings = store.load_settings()
    finally:
        store.close()
    if queued is None or delivery is None:
        write_out(
            ngettext(
                "Revoked {count} link of {name}; {name} has no contact, "
                "so no invitation was queued.",
                "Revoked {count} links of {name}; {name} has no contact, "
                "so no invitation was queued.",
                revoked,
            ).format(count=revoked, name=person.name)
        )
        return Exit.OK
    write_out(
        ngettext(
            "Revoked {count} link of {name}; a new invitation is queued ({state}).",
            "Revoked {count} links of {name}; a new invitation is queued ({state}).",
            revoked,
        ).format(count=revoked, name=person.name, state=queued.label)
        + "\n"
        + person_line(person, delivery, settings, args)
    )
    return Exit.OK


def _when(moment: datetime) -> str:
    return _("{time} UTC").format(time=f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}")


def _as_dict(link: Link, names: dict[str, str], now: datetime) -> dict[str, object]:
    return {
        "link_id": link.link_id,
        "state": link.state(now).value,
        "purpose": link.purpose.value,
        "for": names.get(link.access_id, ""),
        "access_id": link.access_id,
        "made_by": link.made_by,
        "made_at": link.made_at.isoformat(),
        "expires_at": None if link.expires_at is None else link.expires_at.isoformat(),
        "first_join_only": link.first_join_only,
        "used_at": None if link.used_at is None else link.used_at.isoformat(),
        "revoked_at": None if link.revoked_at is None else link.revoked_at.isoformat(),
        "revoked_by": link.revoked_by,
    }
