"""Sending the outbox: each round takes the invitations that are due, sends them, and records
what happened, then asks the SMS gateway what became of those it took.

The store queues every invitation before anything is sent (``core.delivery``), so
a sender may die at any moment: what it claimed and never recorded is claimed
again by a later round once the claim (``CLAIM_SECONDS``) has run out, and two
senders on one store never take the same invitation (the store's claim is
atomic). Each try carries a link of its own (``core.links``); the link of a try
that failed is revoked at once, so only a link that went out stays live.

A transient failure is tried again after :func:`~collab_console.invitations.transports.next_retry`
seconds, :data:`MAX_TRIES` times in all; a permanent one, or the last try, fails
the invitation with the reason, which the card and the audit trail show. A
missing setting or secret (the SMTP password, the gateway token) is such a
transient failure, so the invitation goes out once an admin has fixed it.

Qt-free. The console runs :meth:`Sender.run_once` on a worker thread (a store
connection is used by one thread at a time), ``collab-console`` in the
foreground. Nothing here raises for a delivery problem; a store failure
propagates as the store's own error.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from collab_console.core import clock as app_clock
from collab_console.core.delivery import CLAIM_SECONDS, Delivery, DeliveryState, clean_reason
from collab_console.core.domain import ContactKind, Participant, Session
from collab_console.core.errors import (
    LinkLimitError,
    NotFoundError,
    SecretStoreError,
    ValidationError,
)
from collab_console.core.events import InvitationsChanged
from collab_console.core.i18n import _
from collab_console.core.links import LinkPurpose, MintedLink
from collab_console.core.logs import log_event
from collab_console.core.masking import mask_contact
from collab_console.core.records import Record
from collab_console.core.secrets import get_secret
from collab_console.core.settings import CopySettings
from collab_console.invitations.message import Invitation
from collab_console.invitations.transports import (
    Attempt,
    OutboxTransport,
    SmsGatewayTransport,
    SmtpTransport,
    Transport,
    next_retry,
)
from collab_console.store.interface import Store

#: How many tries an invitation gets before a transient failure fails it for good
#: (30 s, 1, 2, 4, 8, 16 and 32 minutes apart: about an hour in all).
MAX_TRIES = 8
#: The names of the secrets (``collab-console secrets set NAME``).
SMTP_PASSWORD = "smtp-password"
SMS_TOKEN = "sms-token"
#: The outbox folder's name in the data folder.
OUTBOX_FOLDER = "outbox"
#: The most claims one round makes: a round ends, and reports what it did, even while
#: invitations keep being queued.
_MAX_BATCHES = 10
#: The most invitations one claim takes (the store's own default).
_MAX_BATCH = 20
#: Time kept in hand before a claim runs out: no send starts after that.
_CLAIM_MARGIN_SECONDS = 5
#: The settings the transports are built from.
_TRANSPORT_SETTINGS = (
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "smtp_sender",
    "sms_gateway_url",
)
#: Who the e-mail is from when no sender address is set (the outbox folder only).
_OUTBOX_SENDER = "collab-console@localhost"


class SendRound(Record):
    """What one :meth:`Sender.run_once` did.

    ``events`` are the store's events of the invitations it changed, one per
    session, for the console to update those rows. ``problem`` is one sentence
    when a setting, a secret or the keyring keeps invitations from going out
    (the console shows it to whoever can fix it), else empty.
    """

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    delivered: int = 0
    events: tuple[InvitationsChanged, ...] = ()
    problem: str = ""


def default_outbox_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """``<data folder>/outbox``: where invitations go while no server or gateway is set."""
    from collab_console.store.location import data_dir as chosen_data_dir

    return Path(chosen_data_dir(data_dir)) / OUTBOX_FOLDER


class _Channels(Record):
    """The transports built from one set of settings and secrets."""

    email: Transport
    sms: Transport
    #: Why a secret could not be read (the keyring), or "".
    problem: str = ""

    def of(self, delivery: Delivery) -> Transport:
        return self.sms if delivery.channel is ContactKind.SMS else self.email


class _Tally:
    """What a round did so far."""

    def __init__(self) -> None:
        self.counts = {"sent": 0, "failed": 0, "retrying": 0, "delivered": 0}
        self.events: list[InvitationsChanged] = []
        self.problem = ""

    def count(self, what: str, event: InvitationsChanged | None) -> None:
        self.counts[what] += 1
        if event is not None and event not in self.events:
            self.events.append(event)

    def note(self, problem: str) -> None:
        if problem and not self.problem:
            self.problem = problem[:1].upper() + problem[1:].rstrip(".") + "."

    def result(self) -> SendRound:
        return SendRound(**self.counts, events=tuple(self.events), problem=self.problem)


class Sender:
    """Sends the store's outbox, one round per :meth:`run_once`.

    SMTP when ``smtp_host`` is set, else ``.eml`` files in ``outbox_dir``; the
    SMS gateway when ``sms_gateway_url`` is set, else ``.json`` files there.
    ``secret`` reads the SMTP password and the gateway token (the keyring);
    ``actor`` names the sender in the audit trail and on the links it makes.
    Never puts a link, a token or a full contact in a log line; blocks for at most
    about ``timeout`` seconds per send.
    """

    def __init__(
        self,
        store: Store,
        *,
        actor: str,
        outbox_dir: Path,
        secret: Callable[[str], str | None] = get_secret,
        timeout: float = 10.0,
    ) -> None:
        self._store = store
        self._actor = actor
        self._outbox_dir = Path(outbox_dir)
        self._secret = secret
        self._timeout = timeout
        # Claim only what can be sent well within the claim, however slow the servers.
        self._batch = max(1, min(_MAX_BATCH, int(CLAIM_SECONDS // (2 * (timeout + 1)))))
        #: How long after a claim a send may still start.
        self._claim_budget = CLAIM_SECONDS - timeout - _CLAIM_MARGIN_SECONDS
        self._channels: tuple[tuple[object, ...], _Channels] | None = None

    def __repr__(self) -> str:
        return f"Sender(actor={self._actor!r}, outbox_dir={str(self._outbox_dir)!r})"

    def run_once(self, now: datetime | None = None) -> SendRound:
        """Send what is due and ask for delivery reports; ``now`` fixes the clock (tests)."""

        def clock() -> datetime:
            return now if now is not None else app_clock.now()

        tally = _Tally()
        settings = self._store.load_settings()
        for _batch in range(_MAX_BATCHES):
            claimed = self._store.claim_invitations(now=clock(), limit=self._batch)
            if not claimed:
                break
            claimed_at = time.monotonic()
            channels = self._channels_for(settings, tally)
            for delivery in claimed:
                if time.monotonic() - claimed_at > self._claim_budget:
                    # The claim could run out mid-send and another sender take it: leave
                    # the rest to a round after the claim has gone.
                    break
                self._send(delivery, channels.of(delivery), clock, tally)
        self._ask_for_reports(settings, clock(), tally)
        return tally.result()

    # -- sending

    def _send(
        self,
        delivery: Delivery,
        transport: Transport,
        clock: Callable[[], datetime],
        tally: _Tally,
    ) -> None:
        refused = transport.refusal()
        if refused is not None:
            tally.note(refused.reason)
            self._settle(delivery, refused, "", clock(), tally)
            return
        try:
            session = self._store.get_session(delivery.session_id)
            person = _person(session, delivery.access_id)
            try:
                minted = self._mint(delivery, clock())
            except LinkLimitError:
                if not delivery.resend:
                    raise
                # The links of earlier invitations hold the person's places: a resend is
                # asked for because those did not do, so it takes their place.
                self._revoke_earlier_invitations(delivery, clock())
                minted = self._mint(delivery, clock())
        except LinkLimitError as limit:
            # Its own words, not .sentence: the reason follows "retrying:" in the labels.
            retry = Attempt(DeliveryState.FAILED, str(limit), retry=True)
            self._settle(delivery, retry, "", clock(), tally)
            return
        except (NotFoundError, ValidationError) as gone:  # the session ended, the person left
            self._settle(delivery, Attempt(DeliveryState.FAILED, gone.sentence), "", clock(), tally)
            return
        invitation = Invitation(
            who=person.name,
            to=delivery.recipient,
            link=minted.url,
            agent=session.agent or delivery.queued_by,
            customer=session.customer.name,
            id=delivery.invitation_id,
        )
        try:
            attempt = transport.send(invitation)
        except Exception as exc:  # a transport's bug must not end the round with claims held
            attempt = Attempt(
                DeliveryState.FAILED,
                f"sending failed unexpectedly ({type(exc).__name__})",
                retry=True,
            )
        self._settle(delivery, attempt, minted.link.link_id, clock(), tally)
        if delivery.resend and attempt.state in (DeliveryState.SENT, DeliveryState.DELIVERED):
            self._revoke_earlier_invitations(delivery, clock(), keep=minted.link.link_id)

    def _mint(self, delivery: Delivery, now: datetime) -> MintedLink:
        minted, _event = self._store.mint_link(
            delivery.session_id,
            delivery.access_id,
            purpose=LinkPurpose.INVITATION,
            actor=self._actor,
            now=now,
        )
        return minted

    def _revoke_earlier_invitations(
        self, delivery: Delivery, now: datetime, *, keep: str = ""
    ) -> None:
        """Stop the live links that earlier invitations gave the person: a resend replaces
        them (the customer lost theirs, or it never arrived). Copied links stay."""
        for link in self._store.list_links(delivery.session_id):
            if (
                link.access_id == delivery.access_id
                and link.purpose is LinkPurpose.INVITATION
                and link.link_id != keep
                and link.is_live(now)
            ):
                self._revoke(link.link_id, now)

    def _settle(
        self, delivery: Delivery, attempt: Attempt, link_id: str, now: datetime, tally: _Tally
    ) -> None:
        """Record what the try did; revoke its link unless the invitation went out."""
        tries = delivery.attempts + 1
        if attempt.retry and tries >= MAX_TRIES:
            attempt = Attempt(
                DeliveryState.FAILED, f"gave up after {MAX_TRIES} tries: {attempt.reason}"
            )
        who, masked = delivery.invitation_id, mask_contact(delivery.recipient)
        try:
            if attempt.retry:
                wait = next_retry(tries)
                event = self._store.record_attempt(
                    delivery.invitation_id,
                    state=DeliveryState.QUEUED,
                    reason=clean_reason(attempt.reason),
                    next_attempt_at=now + timedelta(seconds=wait),
                    now=now,
                    actor=self._actor,
                )
                log_event(
                    "invitation %s to %s not sent (try %d), trying again in %d s: %s",
                    who,
                    masked,
                    tries,
                    wait,
                    attempt.reason,
                )
                tally.count("retrying", event)
            elif attempt.state is DeliveryState.FAILED:
                event = self._store.record_attempt(
                    delivery.invitation_id,
                    state=DeliveryState.FAILED,
                    reason=clean_reason(attempt.reason),
                    now=now,
                    actor=self._actor,
                )
                log_event(
                    "invitation %s to %s failed (try %d): %s", who, masked, tries, attempt.reason
                )
                tally.count("failed", event)
            else:
                event = self._store.record_attempt(
                    delivery.invitation_id,
                    state=attempt.state,
                    gateway_id=attempt.gateway_id,
                    link_id=link_id,
                    now=now,
                    actor=self._actor,
                )
                log_event(
                    "invitation %s %s to %s (try %d): %s",
                    who,
                    attempt.state.value,
                    masked,
                    tries,
                    attempt.reason,
                )
                tally.count(attempt.state.value, event)
                return
        except (NotFoundError, ValidationError) as refused:
            # The store moved the invitation on meanwhile (its session ended): nothing to record.
            log_event("invitation %s to %s: the try was not recorded: %s", who, masked, refused)
        if link_id:
            self._revoke(link_id, now)

    def _revoke(self, link_id: str, now: datetime) -> None:
        # Already stopped (the session ended) is as good as revoked.
        with contextlib.suppress(NotFoundError, ValidationError):
            self._store.revoke_link(link_id, actor=self._actor, now=now)

    # -- delivery reports

    def _ask_for_reports(self, settings: CopySettings, now: datetime, tally: _Tally) -> None:
        """Ask the SMS gateway about the messages it took; record what changed. The store
        hands out each at most every 30 s, to one sender."""
        due = [
            delivery
            for delivery in self._store.invitations_awaiting_report(now=now)
            if delivery.channel is ContactKind.SMS and delivery.gateway_id
        ]
        if not due:
            return
        gateway = self._channels_for(settings, tally).sms
        for delivery in due:
            report = gateway.status(delivery.gateway_id)
            if report is None or report.state is delivery.state or not report.state.final:
                continue
            failed = report.state is DeliveryState.FAILED
            try:
                event = self._store.record_report(
                    delivery.invitation_id,
                    state=report.state,
                    reason=clean_reason(report.reason) if failed else "",
                    now=now,
                    actor=self._actor,
                )
            except (NotFoundError, ValidationError) as refused:
                log_event(
                    "invitation %s: the report was not recorded: %s",
                    delivery.invitation_id,
                    refused,
                )
                continue
            if event is None:
                continue
            log_event(
                "invitation %s to %s %s, as the SMS gateway reports: %s",
                delivery.invitation_id,
                mask_contact(delivery.recipient),
                report.state.value,
                report.reason,
            )
            tally.count("failed" if failed else "delivered", event)
            if failed and delivery.link_id:
                self._revoke(delivery.link_id, now)

    # -- transports

    def _channels_for(self, settings: CopySettings, tally: _Tally) -> _Channels:
        """The transports for ``settings`` and the secrets stored now (read afresh each
        round, so a password an admin stores takes effect at the next try)."""
        values = settings.values
        host, username = values["smtp_host"], values["smtp_username"]
        gateway_url = values["sms_gateway_url"]
        problems: list[str] = []
        password = self._read_secret(SMTP_PASSWORD, problems) if host and username else None
        token = self._read_secret(SMS_TOKEN, problems) if gateway_url else None
        key = (
            settings.version,
            *(values[name] for name in _TRANSPORT_SETTINGS),
            password,
            token,
        )
        if self._channels is None or self._channels[0] != key:
            self._channels = (key, self._build(values, password, token, " ".join(problems)))
        channels = self._channels[1]
        tally.note(channels.problem)
        return channels

    def _read_secret(self, name: str, problems: list[str]) -> str | None:
        try:
            return self._secret(name)
        except SecretStoreError as exc:
            # Said to the user (the round's problem), never stored: in their language.
            problems.append(
                _("the {name} cannot be read: {problem}").format(name=name, problem=exc)
            )
            return None

    def _build(
        self, values: Mapping[str, Any], password: str | None, token: str | None, problem: str
    ) -> _Channels:
        sender = values["smtp_sender"]
        email: Transport = (
            SmtpTransport(
                values["smtp_host"],
                values["smtp_port"],
                values["smtp_security"],  # parsed: starttls, tls or none
                sender,
                username=values["smtp_username"],
                password=password,
                timeout=self._timeout,
            )
            if values["smtp_host"]
            else OutboxTransport(self._outbox_dir, sender=sender or _OUTBOX_SENDER)
        )
        sms: Transport = (
            SmsGatewayTransport(values["sms_gateway_url"], token, timeout=self._timeout)
            if values["sms_gateway_url"]
            else OutboxTransport(self._outbox_dir)
        )
        return _Channels(email, sms, problem)


def _person(session: Session, access_id: str) -> Participant:
    for person in session.everyone:
        if person.access_id == access_id:
            return person
    raise NotFoundError(f"the person invited is no longer in session {session.session_id}")
