"""Invitations from a shell: ``session add-participant``, ``session invite`` and ``invitations``.

An invitation is queued in the store first (the same transaction that adds
the person, or a resend the store rate-limits per person), then, unless
``--queue-only``, sent at once by one round of the same sender the console
runs (:class:`collab_console.invitations.sender.Sender`), in this process.
The command then prints where the person's invitation stands: queued, sent,
or failed and why. ``invitations send`` is that round alone, for a cron job
or a machine with no console open; ``invitations list`` shows each person's
invitation. Recipients are always printed masked (``d•••@example.com``), as
the audit trail keeps them.

Without an SMTP server or an SMS gateway in the settings, the sender writes
each invitation into the outbox folder of the user's data folder
(``<data folder>/outbox``, also in organisation mode: the folder is the
user's, the queue the organisation's), and the command says so.
Imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from collab_console.cli.commands import Exit, open_for
from collab_console.cli.output import aligned, say_error, write_out
from collab_console.core import clock
from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.core.domain import ContactKind, normalise_session_id
from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.identity import current_user
from collab_console.core.logs import log_event
from collab_console.core.masking import mask_contact

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from collab_console.core.domain import Participant
    from collab_console.core.settings import CopySettings
    from collab_console.invitations.sender import SendRound
    from collab_console.store import Store

#: What a queued invitation waits for, said after ``--queue-only``.
SENT_LATER = N_("an open console or collab-console invitations send sends it")
#: The STATE column of ``invitations list`` (the ``--json`` output keeps the stored values).
_STATE_WORDS = {
    DeliveryState.QUEUED: N_("queued"),
    DeliveryState.SENT: N_("sent"),
    DeliveryState.DELIVERED: N_("delivered"),
    DeliveryState.FAILED: N_("failed"),
}


def _now() -> datetime:
    return clock.now()


def invitations(args: argparse.Namespace) -> int:
    return {"send": invitations_send, "list": invitations_list}[args.invitations_command](args)


# -- sending -------------------------------------------------------------------------------


def outbox_dir(args: argparse.Namespace) -> Path:
    """``<data folder>/outbox``: where invitations go when no SMTP server or gateway is set
    (the user's own data folder in organisation mode too)."""
    from collab_console.invitations.sender import default_outbox_dir

    return default_outbox_dir(args.data_dir)


def send_round(store: Store, args: argparse.Namespace) -> SendRound:
    """One round of the sender on ``store``: what is due goes out now.

    A problem of the round as a whole (no keyring for the SMTP password, say) is a
    warning on stderr; each invitation's own outcome is in the store.
    """
    from collab_console.invitations.sender import Sender

    done = Sender(store, actor=current_user(), outbox_dir=outbox_dir(args)).run_once()
    if done.problem:
        say_error(_("warning: {warning}").format(warning=done.problem))
    return done


def send_after_start(store: Store, args: argparse.Namespace, session_id: str) -> None:
    """``session start``'s send: its standard output is the Session ID alone (scripts
    read it), so only an invitation that did not go out is said, as a warning."""
    if args.queue_only:
        return
    send_round(store, args)
    session = store.get_session(session_id)
    delivery = session.invite
    if delivery is not None and (delivery.failed or delivery.retrying):
        say_error(_("warning: {warning}").format(warning=person_line(session.customer, delivery)))


def invitations_send(args: argparse.Namespace) -> int:
    store = open_for(args, readonly=False)
    try:
        done = send_round(store, args)
    finally:
        store.close()
    counts = (done.sent, done.delivered, done.failed, done.retrying)
    log_event("invitation round from the command line: %s sent, %s delivered, %s failed, "
              "%s to retry", *counts)  # fmt: skip
    if not any(counts):
        write_out(_("Nothing to send: no invitation is due."))
        return Exit.OK
    write_out(
        _("Sent {sent}, delivered {delivered}, failed {failed}, to be retried {retrying}.").format(
            sent=done.sent, delivered=done.delivered, failed=done.failed, retrying=done.retrying
        )
    )
    return Exit.OK


# -- session add-participant, session invite ----------------------------------------------


def session_add_participant(args: argparse.Namespace) -> int:
    from collab_console.core.domain import parse_contact

    session_id = normalise_session_id(args.session_id)
    if args.contact is not None:
        try:  # refused before anything is stored, with the option it came from
            parse_contact(args.contact)
        except ValidationError as exc:
            raise ValidationError(f"--contact: {exc}") from None
    store = open_for(args, readonly=False)
    try:
        if not store.get_session(session_id).is_active:
            raise ValidationError(
                _("session {session_id} has ended; nobody can be added to it").format(
                    session_id=isolate(session_id)
                )
            )
        person, _event, queued = store.add_participant(
            session_id, name=args.name, contact=args.contact or "", actor=current_user(), now=_now()
        )
        log_event("participant %s added to session %s from the command line",
                  person.access_id, session_id)  # fmt: skip
        if queued is not None and not args.queue_only:
            send_round(store, args)
        delivery = store.deliveries(session_id).get(person.access_id)
        settings = store.load_settings()
    finally:
        store.close()
    lines = [
        _(
            "Added {name} to session {session_id} as a document participant; "
            "their own ID is {access_id}."
        ).format(
            name=person.name,
            session_id=isolate(session_id),
            access_id=isolate(person.access_id),
        )
    ]
    if delivery is None:
        lines.append(
            _(
                "Nobody was invited: no contact was given. Give them the session's details "
                "another way ({command})."
            ).format(
                command=isolate(f'collab-console copy {session_id} --participant "{person.name}"')
            )
        )
    else:
        lines.append(person_line(person, delivery, settings, args))
    write_out("\n".join(lines))
    return Exit.OK


def session_invite(args: argparse.Namespace) -> int:
    session_id = normalise_session_id(args.session_id)
    store = open_for(args, readonly=False)
    try:
        session = store.get_session(session_id)
        person = session.find(args.participant)
        if not session.is_active:
            raise ValidationError(
                _("session {session_id} has ended; there is nobody to invite").format(
                    session_id=isolate(session_id)
                )
            )
        if not person.contact:
            raise ValidationError(
                _("{name} has no phone number or e-mail address to send an invitation to").format(
                    name=person.name
                )
            )
        delivery, _event = store.queue_invitation(
            session_id, person.access_id, actor=current_user(), now=_now()
        )
        log_event("invitation %s of %s queued again from the command line",
                  delivery.invitation_id, person.access_id)  # fmt: skip
        if not args.queue_only:
            send_round(store, args)
            delivery = store.deliveries(session_id).get(person.access_id, delivery)
        settings = store.load_settings()
    finally:
        store.close()
    write_out(person_line(person, delivery, settings, args))
    return Exit.OK


def person_line(
    person: Participant,
    delivery: Delivery,
    settings: CopySettings | None = None,
    args: argparse.Namespace | None = None,
) -> str:
    """``Grace Kim (g•••@example.org): E-mail invite failed: the mail server answered 550 …``,
    and, for a queued one, what sends it; for one written to the outbox folder, where."""
    line = _("{name} ({recipient}): {state}").format(
        name=person.name,
        recipient=isolate(mask_contact(delivery.recipient)),
        state=delivery.label.rstrip("."),
    )
    if delivery.state is DeliveryState.QUEUED and not delivery.retrying:
        return _("{line}; {sent_later}.").format(line=line, sent_later=_(SENT_LATER))
    if delivery.retrying and delivery.next_attempt_at is not None:
        return _("{line}; tried again after {time}.").format(
            line=line, time=_when(delivery.next_attempt_at)
        )
    if delivery.state is DeliveryState.SENT and settings is not None and args is not None:
        unset = _no_transport(settings, delivery.channel)
        if unset:
            return _("{line}, into the outbox folder {path} ({why}).").format(
                line=line, path=isolate(str(outbox_dir(args))), why=unset
            )
    return _("{line}.").format(line=line)


def _no_transport(settings: CopySettings, channel: ContactKind) -> str:
    """Why invitations of ``channel`` go to the outbox folder, or empty when they do not."""
    from collab_console.core.settings import SMS_GATEWAY_URL, SMTP_HOST

    if channel is ContactKind.EMAIL and not settings.value(SMTP_HOST):
        return _("no SMTP server is set: settings set --smtp-host")
    if channel is ContactKind.SMS and not settings.value(SMS_GATEWAY_URL):
        return _("no SMS gateway is set: settings set --sms-gateway-url")
    return ""


# -- invitations list ----------------------------------------------------------------------


def delivery_summary(delivery: Delivery | None) -> dict[str, object] | None:
    """A person's invitation for ``--json``: its state and why, the recipient masked."""
    if delivery is None:
        return None
    return {
        "invitation_id": delivery.invitation_id,
        "state": delivery.state.value,
        "channel": delivery.channel.value,
        "recipient": mask_contact(delivery.recipient),
        "reason": delivery.reason,
        "attempts": delivery.attempts,
        "resend": delivery.resend,
        "queued_by": delivery.queued_by,
        "queued_at": delivery.queued_at.isoformat(),
        "updated_at": delivery.updated_at.isoformat(),
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "label": delivery.label,
    }


def invitations_list(args: argparse.Namespace) -> int:
    session_id = normalise_session_id(args.session_id)
    store = open_for(args, readonly=True)
    try:
        session = store.get_session(session_id)
    finally:
        store.close()
    people = [(person, session.delivery_of(person)) for person in session.everyone]
    if args.json:
        import json

        write_out(
            json.dumps(
                [
                    {
                        "name": person.name,
                        "role": person.role.value,
                        "invite": delivery_summary(delivery),
                    }
                    for person, delivery in people
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return Exit.OK
    header = (
        _("PERSON"),
        _("ROLE"),
        _("STATE"),
        _("CHANNEL"),
        _("TO"),
        _("TRIES"),
        _("UPDATED"),
        _("REASON"),
    )
    rows = [header]
    for person, delivery in people:
        if delivery is None:
            rows.append((person.name, person.role.label, _("not invited"), "-", "-", "-", "-", ""))
            continue
        state = _("retrying") if delivery.retrying else _(_STATE_WORDS[delivery.state])
        rows.append(
            (
                person.name,
                person.role.label,
                state,
                _("SMS") if delivery.channel is ContactKind.SMS else _("e-mail"),
                mask_contact(delivery.recipient),
                str(delivery.attempts),
                _when(delivery.updated_at),
                delivery.reason,
            )
        )
    write_out(aligned(rows))
    return Exit.OK


def _when(moment: datetime) -> str:
    """``2026-11-26 15:30 UTC``: the time is kept left to right (:func:`isolate`)."""
    return _("{time} UTC").format(time=isolate(f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
