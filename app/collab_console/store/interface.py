"""What the app needs from storage: the :class:`Store` interface and its audit entries.

Every backend passes the contract tests in ``tests/store/test_contract.py``.
``collab_console.store`` hands these out on first use: ``Protocol`` needs
``typing``, which ``collab-console settings show`` does without.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from collab_console.core.audit import AuditEntry

if TYPE_CHECKING:
    from collab_console.core.admins import AdminInfo, AdminSession
    from collab_console.core.audit import AuditBreak, AuditProgress, AuditQuery, UnlockResult
    from collab_console.core.copying import CopyRecord
    from collab_console.core.delivery import Delivery, DeliveryState
    from collab_console.core.domain import Participant, Session, SessionSummary
    from collab_console.core.events import (
        InvitationsChanged,
        LinksChanged,
        LobbyChanged,
        ParticipantAdded,
        SessionEnded,
        SessionStarted,
        SettingsChanged,
        StoreEvent,
    )
    from collab_console.core.links import Link, LinkCheck, LinkPurpose, MintedLink, Redemption
    from collab_console.core.lobby import BrowserStatus, JoinRequest, LobbyRefusal
    from collab_console.core.settings import CopySettings

__all__ = ["AuditEntry", "Store"]


class Store(Protocol):
    """What the app needs from storage.

    Every write is one transaction and returns the events it caused;
    :meth:`poll_events` returns the events other processes caused since the
    last call. Reads parse every value with the core's validators: a value
    that fails raises ``StoreDamagedError``, never a half-built object.

    Admin writes (settings, admins) take an ``AdminSession`` from
    ``core.admins.verify_admin`` and refuse without one (``NotAllowedError``);
    the backend's own rules refuse them too when the writer is no admin.
    Call them through ``core.admins`` (``change_settings``, ``add_admin``…),
    which also check that the session has not expired.
    """

    #: Where the store is, for messages ("the store /home/…/x.sqlite3").
    location: str
    #: Things the user should know that did not stop the store from opening.
    warnings: tuple[str, ...]
    #: True when the database's roles say who is an admin (organisation mode): then
    #: ``core.admins.verify_database_admin`` makes the admin session, and the
    #: passphrase calls (``admin_credentials``, ``add_admin``…) refuse.
    admins_by_database: bool

    # -- settings

    def load_settings(self) -> CopySettings: ...

    def save_settings(
        self, settings: CopySettings, *, admin: AdminSession | None = None
    ) -> SettingsChanged:
        """Save ``settings`` as ``admin``, if the store still holds ``settings.version``.

        Without a verified admin session: ``NotAllowedError``, nothing
        written. Compare-and-swap in one transaction: when someone saved in
        between, nothing is written and ``StaleSettingsError`` carries what is
        stored now. A new acknowledgement must be in the admin's name.
        """
        ...

    def save_demo_settings(self, settings: CopySettings) -> SettingsChanged:
        """The demo's first settings; refused once the store has an admin, a session or a save."""
        ...

    # -- the audit trail

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        ...

    def audit_entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The entries ``query`` selects (kinds, person, time range, text, numbered below
        ``query.before_seq``), newest first unless ``query.oldest_first``, at most
        ``query.limit``. The ``before_seq`` cursor reads by the entries' numbers (an
        index), so the next page costs the same however many came before."""
        ...

    def count_audit_entries(self, query: AuditQuery) -> int:
        """How many entries ``query`` selects, its ``limit`` and order aside (one count,
        not a read of the entries)."""
        ...

    def verify_audit(self) -> AuditBreak | None:
        """The first entry that breaks the audit chain (edited, removed, slipped in), or None.

        The whole trail, through :meth:`verify_audit_slice`
        (``core.audit.verify_in_slices``).
        """
        ...

    def verify_audit_slice(self, after_seq: int, prev_hash: str, limit: int) -> AuditProgress:
        """Check at most ``limit`` entries after entry ``after_seq``, whose hash is ``prev_hash``
        (0 and ``GENESIS`` from the start), with ``core.audit.verify_slice``.

        The answer has the first break found in them, if any, the last number
        and hash that matched (where the next slice starts), and whether the
        end of the trail was reached; at the end, entries removed from it are
        found too (the store knows the last number it handed out). Each call is
        one short read, so other store calls can run between slices. ``limit``
        below 1: ``ValidationError``.
        """
        ...

    # -- admins and unlocking

    def has_admins(self) -> bool: ...

    def database_admin(self) -> str | None:
        """The login's name when the database counts it an admin, else None (always None
        where admins are kept in the store)."""
        ...

    def list_admins(self) -> list[AdminInfo]:
        """Every admin, by name; never a passphrase hash."""
        ...

    def admin_credentials(self, name: str) -> tuple[str, str] | None:
        """(the admin's name as stored, their passphrase hash) for ``name`` in any case, or None."""
        ...

    def add_admin(
        self, name: str, passphrase_hash: str, *, actor: str, by: AdminSession | None = None
    ) -> None:
        """Add an admin: the first one by anyone (``actor``), any other by an admin (``by``).

        A name taken in any case: ``ValidationError``. Recorded in the audit.
        """
        ...

    def remove_admin(self, name: str, *, by: AdminSession) -> str:
        """Remove an admin (never the last); return their name as stored. Recorded."""
        ...

    def set_passphrase_hash(self, passphrase_hash: str, *, by: AdminSession) -> None:
        """Replace the passphrase hash of the admin ``by`` (one's own only). Recorded."""
        ...

    def unlock_failures(self, name_key: str) -> tuple[int, datetime | None]:
        """(failed unlock attempts in a row, the last one's time) for a name's key."""
        ...

    def record_unlock(
        self,
        name_key: str,
        *,
        result: UnlockResult,
        admin: str | None,
        at: datetime,
        actor: str,
    ) -> int:
        """Record an unlock attempt (audit entry, failure count); return the failures in a row."""
        ...

    # -- sessions

    def list_sessions(self) -> list[SessionSummary]: ...

    def get_session(self, session_id: str) -> Session: ...

    def start_session(
        self, *, customer_name: str, contact: str, now: datetime, actor: str
    ) -> tuple[Session, SessionStarted]:
        """Create an active session with a fresh Session ID, unique by the database."""
        ...

    def add_sessions(self, sessions: Iterable[Session], *, actor: str) -> list[SessionStarted]: ...

    def end_session(self, session_id: str, at: datetime, *, actor: str) -> SessionEnded: ...

    def record_copy(self, record: CopyRecord) -> None:
        """An audit entry for a copy: who, session, person, detail, masked contact; no value.

        ``record.reason`` (why a Session URL was copied for someone whose invitation did
        not fail) is kept in the entry's detail."""
        ...

    def add_participant(
        self, session_id: str, *, name: str, contact: str, actor: str, now: datetime
    ) -> tuple[Participant, ParticipantAdded, InvitationsChanged | None]:
        """Add a document participant (own ID drawn at random) to an active session and,
        when ``contact`` is given, queue their invitation in the same transaction.

        ``name`` and ``contact`` go through ``core.domain``'s validators; a name already
        in the session (any case): ``ValidationError``. Audited (``participant_added``).
        """
        ...

    # -- invitations (core/delivery.py): the outbox, queued before anything is sent

    def deliveries(self, session_id: str) -> dict[str, Delivery]:
        """Each invited person's newest invitation, by their own ID."""
        ...

    def queue_invitation(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[Delivery, InvitationsChanged]:
        """Queue a new invitation (a resend) for a person of an active session who has a
        contact, to be sent by ``invitations.sender``.

        Refused with ``core.delivery.RateLimitedError`` (how long to wait) while the
        person's newest invitation was queued less than ``resend_interval_seconds``
        ago, counted by the store's clock, atomically (two consoles resending at
        once queue one). No contact, or an ended session: ``ValidationError``.
        Audited (``invitation_queued``, resend, recipient masked).
        """
        ...

    def claim_invitations(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """Take up to ``limit`` queued invitations that are due (``next_attempt_at`` passed)
        and nobody holds, of active sessions this login may see, oldest first; hold them for
        ``core.delivery.CLAIM_SECONDS`` so no other sender takes them meanwhile. An
        invitation of an ended session is failed instead ("the session ended")."""
        ...

    def record_attempt(
        self,
        invitation_id: str,
        *,
        state: DeliveryState,
        reason: str = "",
        next_attempt_at: datetime | None = None,
        gateway_id: str = "",
        link_id: str = "",
        now: datetime,
        actor: str,
    ) -> InvitationsChanged:
        """What one try to send a claimed invitation did: SENT (``gateway_id``, ``link_id``),
        DELIVERED, FAILED (``reason``), or QUEUED again after a transient failure
        (``reason``, ``next_attempt_at``). Counts the attempt and lets the claim go.
        Audited: ``invitation_sent``, ``invitation_failed`` (result ``retry`` or
        ``failed``), ``invitation_delivered``. A state that goes backwards
        (delivered to sent, failed to anything): ``ValidationError``."""
        ...

    def record_report(
        self,
        invitation_id: str,
        *,
        state: DeliveryState,
        reason: str = "",
        now: datetime,
        actor: str,
    ) -> InvitationsChanged | None:
        """A gateway's delivery report for a SENT invitation: DELIVERED or FAILED (with the
        gateway's reason); None, nothing written, when the state is unchanged. Audited."""
        ...

    def invitations_awaiting_report(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """SENT invitations with a ``gateway_id`` of active sessions, sent in the last day,
        whose report is worth asking for again, oldest first."""
        ...

    # -- links (core/links.py): a Session URL is a fresh per-person link

    def mint_link(
        self, session_id: str, access_id: str, *, purpose: LinkPurpose, actor: str, now: datetime
    ) -> tuple[MintedLink, LinksChanged]:
        """Make a new link for the person ``access_id`` of an active session.

        The token comes from ``core.links.new_token`` and only its hash is
        kept; expiry and first-join-only follow the settings in force. In the
        same transaction the limits are counted (``core.links.limit_refusal``):
        when one is reached nothing is made, an audit entry says so, and
        ``LinkLimitError`` is raised. Unknown session or person:
        ``NotFoundError``; an ended session: ``ValidationError``. Audited
        (who, for whom, why, the link's name; never the token).
        """
        ...

    def list_links(self, session_id: str) -> list[Link]:
        """Every link of the session, live or not, newest first."""
        ...

    def revoke_link(self, link_id: str, *, actor: str, now: datetime) -> LinksChanged:
        """Stop one link at once. Unknown: ``NotFoundError``; already stopped:
        ``ValidationError`` saying why. Audited."""
        ...

    def regenerate_links(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[int, Delivery | None, list[StoreEvent]]:
        """Revoke every link of the person that still lets someone in and, when they have
        a contact, queue a new invitation for them (``invitations.sender`` makes its link
        when it sends it), in one transaction.

        Returns how many links were revoked, the invitation queued (None: the person
        has no contact) and the events (``LinksChanged``; ``InvitationsChanged`` too
        when one was queued). Regenerating is a deliberate act to stop the old links,
        so an invitation that follows links revoked is not held back by
        ``resend_interval_seconds``; with no link to revoke it is an ordinary resend,
        refused while the interval runs (``RateLimitedError``, nothing written).
        Unknown session or person: ``NotFoundError``; an ended session:
        ``ValidationError``. Audited: each ``link_revoked``, then ``invitation_queued``.
        """
        ...

    # -- the join service (join_service/): what a browser may do

    def check_link(self, token: str, *, now: datetime) -> LinkCheck | None:
        """The link that ``token`` names and its state, or None when there is none.

        Reads only: opening a link never uses it up.
        """
        ...

    def redeem_link(
        self, token: str, *, browser: str, address: str, now: datetime
    ) -> Redemption | None:
        """A click on *Join*: join the browser (``browser`` is the hash of its cookie) with
        the link, or say why not. None when no link has that token.

        The first browser to join owns the link; it may come back (REJOINED).
        Another browser is put in the lobby, marked "link reused" (LOBBY),
        whether or not the link was first-join-only. A stopped link: REFUSED with
        its state. Every outcome is audited with the address and the link's name.
        """
        ...

    def request_join(
        self, typed_id: str, name: str, *, browser: str, address: str, now: datetime
    ) -> JoinRequest | LobbyRefusal:
        """Put a request to join in the lobby of the session whose person has ID ``typed_id``.

        Refused (and audited) beyond ``core.lobby``'s limits per address and per ID,
        while the lobby is locked (a request past the per-ID limit locks it), for an
        unknown ID or an ended session. ``name`` is validated as a name.
        """
        ...

    def browser_status(self, browser: str, *, now: datetime | None = None) -> BrowserStatus | None:
        """Where the browser with that cookie hash stands (at ``now``, else the store's
        clock), or None when it is unknown.

        A browser that joined with a link that was revoked since, or whose session
        ended, is STOPPED (``stopped_because``); a waiting request of an ended
        session is DENIED.
        """
        ...

    def renew_browser(self, old: str, new: str, *, now: datetime) -> bool:
        """Give the browser with cookie hash ``old`` the cookie hash ``new`` (the join
        service renews a cookie when its request is admitted, so a cookie seen before
        admission is worth nothing after it). False when ``old`` is unknown or ``new``
        is taken; nothing changes then."""
        ...

    def join_requests(self, session_id: str) -> list[JoinRequest]:
        """The session's requests to join, the waiting ones first, then newest first."""
        ...

    def decide_join(
        self, request_id: str, *, admit: bool, actor: str, now: datetime
    ) -> LobbyChanged:
        """Admit or deny a waiting request (an admitted browser joins as the person it
        named). Not waiting any more: ``ValidationError``. Denials count towards
        locking the lobby (``core.lobby.LOCK_AFTER_DENIALS``). Audited."""
        ...

    def lobby_locked(self, session_id: str) -> bool: ...

    def set_lobby_locked(
        self, session_id: str, locked: bool, *, actor: str, now: datetime
    ) -> LobbyChanged:
        """Lock (no new requests) or unlock the session's lobby. Audited."""
        ...

    def is_pristine(self) -> bool:
        """True while nobody has saved settings, added a session or set up an admin."""
        ...

    def poll_events(self) -> list[StoreEvent]:
        """The events other processes caused since the last call (or since opening)."""
        ...

    def event_socket(self) -> int | None:
        """A socket that becomes readable when other processes changed something (then
        call :meth:`poll_events`), or None when the store must be polled. It may change
        after the store reconnected (``StoreResynced``): ask again then."""
        ...

    def close(self) -> None: ...
