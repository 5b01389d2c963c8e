"""Session links, invitations, the lobby and the join service's calls on the organisation's
PostgreSQL.

:class:`LinksPart` holds the ``Store`` methods of ``core/links.py`` and
``core/lobby.py`` for :class:`~collab_console.store.postgres.PostgresStore`;
:class:`InvitationsPart` those of ``core/delivery.py`` (the outbox each invitation
is queued in before it is sent, and the people added to a running session).
The rules are the database's (``pg_links_schema``): an agent's methods use the
tables under row-level security, so an agent reaches only the links and
requests of the sessions they may see; the join service's methods call the
``collab.join_*`` functions, the only thing its login (``collab_join``) may
do. The actor of every write is the database login (``session_user``), not
the ``actor`` argument the SQLite store records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg

from collab_console.core.delivery import (
    CLAIM_SECONDS,
    REPORT_SECONDS,
    REPORTED_FAILURE,
    SESSION_ENDED_REASON,
)
from collab_console.core.errors import (
    CollabConsoleError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from collab_console.core.i18n import N_, _, isolate
from collab_console.store.errors import StoreDamagedError, StoreRefusedError
from collab_console.store.location import printable
from collab_console.store.pg_links_schema import LINK_COLUMNS, REQUEST_COLUMNS
from collab_console.store.stored_values import (
    attempt_ids,
    cookie_hash,
    doing,
    is_hex64,
    join_request_input,
    shown_doing,
    stored_agent_name,
    stored_own_id,
    stored_person_name,
    stored_request_id,
    stored_text,
    visitor_address,
    zoned_datetime,
)

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Any

    from psycopg import Cursor

    from collab_console.core.delivery import Delivery, DeliveryState
    from collab_console.core.domain import Participant
    from collab_console.core.events import (
        InvitationsChanged,
        LinksChanged,
        LobbyChanged,
        ParticipantAdded,
        StoreEvent,
    )
    from collab_console.core.links import (
        JoinPage,
        Link,
        LinkCheck,
        LinkPurpose,
        MintedLink,
        Redemption,
    )
    from collab_console.core.lobby import BrowserStatus, JoinRequest, LobbyRefusal
    from collab_console.core.settings import CopySettings

_HOUR = timedelta(hours=1)
_LINK_SQL = f"SELECT {LINK_COLUMNS} FROM collab.link l JOIN collab.session s USING (session_id)"
_REQUEST_SQL = f"SELECT {REQUEST_COLUMNS} FROM collab.join_request r"
_WAITING_FIRST = " ORDER BY r.state = 'waiting' DESC, r.id DESC"


class LinksPart:
    """Links, the lobby and the join service's calls, for PostgresStore.

    Never keeps or sends a token (only its SHA-256), never reads a browser's
    cookie hash back for an agent, and hands out no value it has not parsed
    with the core's validators.
    """

    #: Whether the login may only call the join functions (a member of collab_join).
    _join_login: bool | None = None

    if TYPE_CHECKING:
        location: str

        def _transaction(
            self, doing: str = ..., *, demo: bool = ...
        ) -> AbstractContextManager[Cursor[Any]]: ...

        def _read(self, doing: str = ...) -> AbstractContextManager[Cursor[Any]]: ...

        def load_settings(self) -> CopySettings: ...

        def _invitee(
            self, cur: Cursor[Any], session_id: str, access_id: str
        ) -> tuple[str, str, str]: ...

        def _resend(
            self,
            cur: Cursor[Any],
            session_id: str,
            access_id: str,
            name: str,
            recipient: str,
            *,
            after_regenerate: bool = ...,
        ) -> Delivery: ...

    # -- links -----------------------------------------------------------------------------

    def mint_link(
        self, session_id: str, access_id: str, *, purpose: LinkPurpose, actor: str, now: datetime
    ) -> tuple[MintedLink, LinksChanged]:
        """Make a link for the person ``access_id``, unless a limit in force is reached.

        The limits are counted in the write transaction, with the agent's and the
        person's links locked against a concurrent mint; a refusal is recorded,
        committed, and then raised as ``LinkLimitError``. ``actor`` is the login.
        """
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkLimitError, LinkPurpose, limit_refusal

        purpose = LinkPurpose(purpose)
        self._refuse_join_login(N_("make links"))
        settings = self.load_settings()
        refused: str | None = None
        with self._transaction(N_("make a link")) as cur:
            self._person_for_links(cur, session_id, access_id)
            # The agent's count, then the person's: always in this order, so never a deadlock.
            cur.execute(
                "SELECT pg_advisory_xact_lock(hashtext('collab.link.maker:' || session_user)),"
                " pg_advisory_xact_lock(hashtext('collab.link.person:' || %s))",
                (access_id,),
            )
            live = sum(
                link.is_live(now) for link in self._links(cur, "l.access_id = %s", access_id)
            )
            # Only copies count: an invitation goes to the person's own contact.
            cur.execute(
                "SELECT count(*) FROM collab.link"
                " WHERE made_by = session_user AND made_at > %s AND purpose = 'copy'",
                (now - _HOUR,),
            )
            made = 0 if purpose is LinkPurpose.INVITATION else _fetch_one(cur)[0]
            refused = limit_refusal(
                live_for_person=live,
                made_by_agent_last_hour=int(made),
                max_live=settings.value("max_live_links_per_person"),
                max_per_hour=settings.value("max_links_per_agent_hour"),
            )
            if refused is None:
                minted = self._make_link(cur, session_id, access_id, purpose, settings)
            else:
                cur.execute(
                    "SELECT collab.append_audit('link_limit', %s, %s, %s, NULL, %s,"
                    " NULL, NULL, NULL)",
                    (session_id, access_id, purpose.value, refused[:1000]),
                )
        if refused is not None:
            raise LinkLimitError(refused)
        return minted, LinksChanged(session_id)

    def list_links(self, session_id: str) -> list[Link]:
        """Every link of the session, live or not, newest first."""
        self._refuse_join_login(N_("read a session's links"))
        with self._read(doing(N_("read the links of session {id}"), id=isolate(session_id))) as cur:
            self._session_seen(cur, session_id)
            return self._links(cur, "l.session_id = %s", session_id)

    def revoke_link(self, link_id: str, *, actor: str, now: datetime) -> LinksChanged:
        """Stop one link at once: a live one, or one used up by its first join."""
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkState, normalise_link_id

        name = normalise_link_id(link_id)
        self._refuse_join_login(N_("revoke links"))
        with self._transaction(doing(N_("revoke link {link}"), link=isolate(name))) as cur:
            found = self._links(cur, "l.link_id = %s", name, lock=True)
            if not found:
                raise NotFoundError(_("no link {link}").format(link=isolate(name)))
            state = found[0].state(now)
            if state not in (LinkState.LIVE, LinkState.USED):
                raise ValidationError(
                    _("link {link} already stopped: {state}").format(
                        link=isolate(name), state=state.label.lower()
                    )
                )
            self._revoke(cur, name)
        return LinksChanged(found[0].session_id)

    def regenerate_links(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[int, Delivery | None, list[StoreEvent]]:
        """Revoke every link of the person that still lets someone in and, when they have
        a contact, queue their new invitation, in one transaction (no link limit applies).

        Links revoked, the invitation skips the resend interval (the database checks
        that it follows them); with none revoked it is a resend like any other,
        refused (``RateLimitedError``) while the interval runs.
        """
        from collab_console.core.events import InvitationsChanged, LinksChanged
        from collab_console.core.links import LinkState

        self._refuse_join_login(N_("regenerate links"))
        queued: Delivery | None = None
        with self._transaction(N_("regenerate the links")) as cur:
            self._person_for_links(cur, session_id, access_id)
            cur.execute(
                "SELECT pg_advisory_xact_lock(hashtext('collab.link.person:' || %s)),"
                " transaction_timestamp()",
                (access_id,),
            )
            # By the earlier of the caller's clock and the server's, so that every link the
            # server still counts as working is stopped: the database checks that none is left.
            with self._parsing(N_("regenerate the links")):
                at = min(now, zoned_datetime(_fetch_one(cur)[1], "the server's clock"))
            revoked = 0
            for link in self._links(cur, "l.access_id = %s", access_id, lock=True):
                if link.state(at) in (LinkState.LIVE, LinkState.USED):
                    self._revoke(cur, link.link_id)
                    revoked += 1
            _, name, contact = self._invitee(cur, session_id, access_id)
            if contact:
                queued = self._resend(
                    cur, session_id, access_id, name, contact, after_regenerate=bool(revoked)
                )
        events: list[StoreEvent] = [LinksChanged(session_id)]
        if queued is not None:
            events.append(InvitationsChanged(session_id))
        return revoked, queued, events

    def _person_for_links(self, cur: Cursor[Any], session_id: str, access_id: str) -> None:
        """Raise unless ``access_id`` is a person of the active session ``session_id``."""
        cur.execute(
            "SELECT s.state, p.access_id FROM collab.session s"
            " LEFT JOIN collab.participant p ON p.session_id = s.session_id AND p.access_id = %s"
            " WHERE s.session_id = %s",
            (access_id, session_id),
        )
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        if row[1] is None:
            raise NotFoundError(
                _no_person().format(person=isolate(access_id), id=isolate(session_id))
            )
        if row[0] != "active":
            raise ValidationError(
                _("session {id} has ended; it takes no new links").format(id=isolate(session_id))
            )

    def _make_link(
        self,
        cur: Cursor[Any],
        session_id: str,
        access_id: str,
        purpose: LinkPurpose,
        settings: CopySettings,
    ) -> MintedLink:
        """Insert a link with a fresh token (only its hash is stored); return it with its URL.

        Its maker, time, expiry and first-join-only rule are the database's
        (``collab.link_expiry``, the settings in force); the trigger refuses others.
        """
        from collab_console.core.links import (
            MintedLink,
            link_url,
            new_link_id,
            new_token,
            token_hash,
        )

        name, token = new_link_id(), new_token()
        cur.execute(
            "INSERT INTO collab.link (link_id, token_hash, session_id, access_id, purpose,"
            " expires_at, first_join_only)"
            " VALUES (%s, %s, %s, %s, %s, collab.link_expiry(%s, transaction_timestamp()),"
            " collab.link_first_join_only())",
            (name, token_hash(token), session_id, access_id, purpose.value, purpose.value),
        )
        (link,) = self._links(cur, "l.link_id = %s", name)
        return MintedLink(link, link_url(settings.session_url_base, token))

    def _revoke(self, cur: Cursor[Any], link_id: str) -> None:
        cur.execute(
            "UPDATE collab.link SET revoked_at = transaction_timestamp(), revoked_by = session_user"
            " WHERE link_id = %s",
            (link_id,),
        )

    def _links(
        self, cur: Cursor[Any], where: str, *params: object, lock: bool = False
    ) -> list[Link]:
        cur.execute(
            f"{_LINK_SQL} WHERE {where} ORDER BY l.id DESC{' FOR UPDATE OF l' if lock else ''}",
            params,
        )
        rows = cur.fetchall()
        with self._parsing(N_("read a link")):
            return [link_from(row) for row in rows]

    def _session_seen(self, cur: Cursor[Any], session_id: str) -> str:
        """The state of the session, if this login may see it; else NotFoundError."""
        cur.execute("SELECT state FROM collab.session WHERE session_id = %s", (session_id,))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        return str(row[0])

    # -- the join service ------------------------------------------------------------------

    def check_link(self, token: str, *, now: datetime) -> LinkCheck | None:
        """The link ``token`` names, its state and its page; None for no link. Reads only."""
        from collab_console.core.links import LinkCheck, is_token, token_hash

        if not is_token(token):
            return None
        with self._read(N_("check a link")) as cur:
            cur.execute("SELECT * FROM collab.join_check_link(%s)", (token_hash(token),))
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing(N_("check a link")):
            link = link_from(row[:12])
            page = _page(link.session_id, row[12], row[13])
        return LinkCheck(link, link.state(now), page)

    def redeem_link(
        self, token: str, *, browser: str, address: str, now: datetime
    ) -> Redemption | None:
        """A click on *Join* with ``token`` by the browser whose cookie hashes to ``browser``.

        ``collab.join_redeem_link`` decides and records it in one transaction; a
        link counts as stopped by the later of ``now`` and the server's clock.
        """
        from collab_console.core.links import (
            LinkState,
            RedeemResult,
            Redemption,
            is_token,
            token_hash,
        )
        from collab_console.core.lobby import new_request_id

        cookie, where = cookie_hash(browser), visitor_address(address)
        if not is_token(token):
            return None
        with self._transaction(N_("join with a link")) as cur:
            cur.execute(
                "SELECT * FROM collab.join_redeem_link(%s, %s, %s, %s, %s)",
                (token_hash(token), cookie, where, now, new_request_id()),
            )
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing(N_("join with a link")):
            result, state, request_id = RedeemResult(row[0]), LinkState(row[1]), row[2]
            link = link_from(row[3:15])
            page = _page(link.session_id, row[15], row[16])
            if (request_id is not None) != (result is RedeemResult.LOBBY):
                raise ValueError(_("its request to join is missing or out of place"))
            return Redemption(
                result, page, state, None if request_id is None else stored_request_id(request_id)
            )

    def request_join(
        self, typed_id: str, name: str, *, browser: str, address: str, now: datetime
    ) -> JoinRequest | LobbyRefusal:
        """Put a request to join in the lobby of the session of the person ``typed_id``."""
        from collab_console.core.lobby import LobbyRefusal, new_request_id

        given, cookie, where, wanted = join_request_input(typed_id, name, browser, address)
        with self._transaction(N_("ask to join")) as cur:
            cur.execute(
                "SELECT * FROM collab.join_request_by_id(%s, %s, %s, %s, %s, %s)",
                (wanted, given, cookie, where, now, new_request_id()),
            )
            row = _fetch_one(cur)
        with self._parsing(N_("ask to join")):
            if row[0] is not None:
                return LobbyRefusal(row[0])
            return request_from(row[1:])

    def browser_status(self, browser: str, *, now: datetime | None = None) -> BrowserStatus | None:
        """Where the browser whose cookie hashes to ``browser`` stands at ``now`` (else the
        server's clock), or None.

        A browser in a session is STOPPED once the link it joined with (its own,
        or the one it reused before the agent admitted it) is revoked, or its
        session ends; a request still waiting when its session ended reads as DENIED.
        """
        from collab_console.core.links import LinkState
        from collab_console.core.lobby import BrowserState, BrowserStatus, JoinRoute

        if not is_hex64(browser):
            return None
        with self._read(N_("read where a browser stands")) as cur:
            cur.execute(
                "SELECT *, transaction_timestamp() FROM collab.join_browser_status(%s)", (browser,)
            )
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing(N_("read where a browser stands")):
            state, sid, name, agent, request_id, route = row[:6]
            link_row, session_state, clock = row[6:18], row[18], row[19]
            standing = BrowserState(state)
            if session_state not in ("active", "ended"):
                raise ValueError(
                    _("its session's state {state}").format(
                        state=isolate(repr(str(session_state)[:20]))
                    )
                )
            ended = session_state == "ended"
            because: LinkState | None = None
            if link_row[0] is not None:
                link = link_from(link_row)
                if link.session_id != sid:
                    raise ValueError(_("the link it joined with is another session's"))
                if standing is BrowserState.JOINED:
                    stopped = link.state(
                        zoned_datetime(clock, _("the server's clock")) if now is None else now
                    )
                    if stopped in (LinkState.REVOKED, LinkState.ENDED):
                        because = stopped
            if standing is BrowserState.JOINED and because is None and ended:
                because = LinkState.ENDED
            if because is not None:
                standing = BrowserState.STOPPED
            elif standing is BrowserState.WAITING and ended:
                standing = BrowserState.DENIED
            return BrowserStatus(
                state=standing,
                session_id=_stored_session_id(sid),
                name=stored_person_name(name),
                agent=stored_agent_name(agent),
                request_id=None if request_id is None else stored_request_id(request_id),
                stopped_because=None if because is None else because.value,
                route=JoinRoute(route) if standing is BrowserState.WAITING else None,
            )

    def renew_browser(self, old: str, new: str, *, now: datetime) -> bool:
        """Give the browser known by cookie hash ``old`` the cookie hash ``new``: its row,
        its link and its requests move together, so ``old`` is unknown afterwards.
        False, with nothing changed, when ``old`` is unknown or ``new`` is anyone's."""
        was, fresh = cookie_hash(old), cookie_hash(new)
        with self._transaction(N_("renew a browser's cookie")) as cur:
            cur.execute("SELECT collab.join_renew_browser(%s, %s)", (was, fresh))
            renewed = _fetch_one(cur)[0]
        if not isinstance(renewed, bool):
            raise StoreDamagedError(
                _("The store {location} answered a renewal with nonsense.").format(
                    location=isolate(self.location)
                )
            )
        return renewed

    # -- the agent's side of the lobby -----------------------------------------------------

    def join_requests(self, session_id: str) -> list[JoinRequest]:
        """The session's requests to join, the waiting ones first, then newest first."""
        self._refuse_join_login(N_("read a session's requests to join"))
        with self._read(
            doing(N_("read the requests to join session {id}"), id=isolate(session_id))
        ) as cur:
            self._session_seen(cur, session_id)
            return self._requests(cur, "r.session_id = %s", session_id)

    def _requests(
        self, cur: Cursor[Any], where: str, *params: object, lock: bool = False
    ) -> list[JoinRequest]:
        order = " FOR UPDATE" if lock else _WAITING_FIRST
        cur.execute(f"{_REQUEST_SQL} WHERE {where}{order}", params)
        rows = cur.fetchall()
        with self._parsing(N_("read the requests to join")):
            return [request_from(row) for row in rows]

    def decide_join(
        self, request_id: str, *, admit: bool, actor: str, now: datetime
    ) -> LobbyChanged:
        """Admit or deny a waiting request. Its browser follows, and a denial counts towards
        locking the lobby: the database does both (``join_request_recorded``)."""
        from collab_console.core.events import LobbyChanged
        from collab_console.core.lobby import RequestState

        self._refuse_join_login(N_("decide requests to join"))
        with self._transaction(
            doing(N_("decide request {request}"), request=isolate(request_id))
        ) as cur:
            found = self._requests(cur, "r.request_id = %s", request_id, lock=True)
            if not found:
                raise NotFoundError(_("no request {request}").format(request=isolate(request_id)))
            request = found[0]
            if request.state is not RequestState.WAITING:
                raise ValidationError(
                    _("request {request} was already {state}").format(
                        request=isolate(request_id), state=isolate(request.state.value)
                    )
                )
            if self._session_seen(cur, request.session_id) != "active":
                raise ValidationError(
                    _("request {request} cannot be decided: the session has ended").format(
                        request=isolate(request.request_id)
                    )
                )
            decision = RequestState.ADMITTED if admit else RequestState.DENIED
            cur.execute(
                "UPDATE collab.join_request SET state = %s, decided_by = session_user,"
                " decided_at = transaction_timestamp() WHERE request_id = %s",
                (decision.value, request.request_id),
            )
        return LobbyChanged(request.session_id)

    def lobby_locked(self, session_id: str) -> bool:
        self._refuse_join_login(N_("read a session's lobby"))
        with self._read(doing(N_("read the lobby of session {id}"), id=isolate(session_id))) as cur:
            self._session_seen(cur, session_id)
            cur.execute("SELECT locked FROM collab.lobby WHERE session_id = %s", (session_id,))
            row = cur.fetchone()
        if row is not None and not isinstance(row[0], bool):
            raise StoreDamagedError(
                _(
                    "The store {location} holds a lobby of session {id} this version "
                    "cannot use; it was left as it is."
                ).format(location=isolate(self.location), id=isolate(session_id))
            )
        return row is not None and row[0]

    def set_lobby_locked(
        self, session_id: str, locked: bool, *, actor: str, now: datetime
    ) -> LobbyChanged:
        """Lock or unlock the session's lobby as the agent; unlocking forgets the denials."""
        from collab_console.core.events import LobbyChanged

        self._refuse_join_login(N_("lock a lobby"))
        with self._transaction(
            doing(N_("lock the lobby of session {id}"), id=isolate(session_id))
        ) as cur:
            self._session_seen(cur, session_id)
            if locked:
                cur.execute(
                    "INSERT INTO collab.lobby AS l (session_id, locked, lock_reason)"
                    " VALUES (%s, true, 'agent') ON CONFLICT (session_id) DO UPDATE"
                    " SET locked = true, lock_reason = 'agent' WHERE NOT l.locked",
                    (session_id,),
                )
            else:
                cur.execute(
                    "UPDATE collab.lobby SET locked = false, lock_reason = NULL, denials = 0"
                    " WHERE session_id = %s AND (locked OR denials > 0)",
                    (session_id,),
                )
        return LobbyChanged(session_id)

    # -- helpers ---------------------------------------------------------------------------

    def _is_join_login(self) -> bool:
        """Whether the login is the join service's (asked once): it holds no table rights
        and may only call the join functions."""
        if self._join_login is None:
            with self._read(N_("read the login's roles")) as cur:
                cur.execute(
                    "SELECT pg_has_role(session_user, 'collab_join', 'MEMBER')"
                    " AND NOT pg_has_role(session_user, 'collab_agent', 'MEMBER')"
                    " AND NOT pg_has_role(session_user, 'collab_admin', 'MEMBER')"
                )
                self._join_login = _fetch_one(cur)[0] is True
        return self._join_login

    def _refuse_join_login(self, doing: str) -> None:
        """NotAllowedError for the join service's login: it may only call the join functions."""
        if self._is_join_login():
            raise NotAllowedError(
                _(
                    "the join service's database login cannot {doing}; "
                    "connect as an agent (a member of {role})"
                ).format(doing=shown_doing(doing), role=isolate("collab_agent"))
            )

    @contextmanager
    def _parsing(self, doing: str) -> Iterator[None]:
        """Turn a value read back that the core refuses into StoreDamagedError."""
        try:
            yield
        except (ValueError, CollabConsoleError) as exc:
            raise StoreDamagedError(
                _(
                    "Could not {doing}: the store {location} holds a value this version "
                    "cannot use ({problem}); it was left as it is."
                ).format(
                    doing=shown_doing(doing),
                    location=isolate(self.location),
                    problem=str(exc).rstrip("."),
                )
            ) from None


# -- values read back, parsed with the core's validators -----------------------------------


def _no_person() -> str:
    return _("no person with the ID {person} in session {id}")


def _fetch_one(cur: Cursor[Any]) -> tuple[Any, ...]:
    row = cur.fetchone()
    if row is None:
        raise StoreDamagedError(_("The store answered nothing where it must answer."))
    return tuple(row)


def _optional_moment(value: object, what: str) -> datetime | None:
    return None if value is None else zoned_datetime(value, what)


def _stored_session_id(value: object) -> str:
    from collab_console.core.domain import normalise_session_id

    if not isinstance(value, str) or normalise_session_id(value) != value:
        raise ValueError(_("a Session ID is not in its stored form"))
    return value


def _stored_link_id(value: object) -> str:
    from collab_console.core.links import LINK_ID_PATTERN

    if not isinstance(value, str) or not LINK_ID_PATTERN.fullmatch(value):
        raise ValueError(_("a link's name is malformed"))
    return value


def _page(sid: str, name: object, agent: object) -> JoinPage:
    from collab_console.core.links import JoinPage

    return JoinPage(sid, stored_person_name(name), stored_agent_name(agent))


def link_from(row: tuple[Any, ...]) -> Link:
    """A row of ``LINK_COLUMNS`` as a Link, every value checked."""
    from collab_console.core.links import Link, LinkPurpose

    name, sid, pid, purpose, made_by, made, expires, first, used, revoked, by, state = row
    try:
        made_at = zoned_datetime(made, _("its making time"))
        expires_at = _optional_moment(expires, _("its expiry"))
        if expires_at is not None and expires_at <= made_at:
            raise ValueError(_("it expires before it was made"))
        if not isinstance(first, bool):
            raise ValueError(_("its first-join-only mark is not a yes or no"))
        if (revoked is None) != (by is None) or state not in ("active", "ended"):
            raise ValueError(_("its revocation or session is malformed"))
        return Link(
            link_id=_stored_link_id(name),
            session_id=_stored_session_id(sid),
            access_id=stored_own_id(pid),
            purpose=LinkPurpose(purpose),
            made_by=stored_agent_name(made_by),
            made_at=made_at,
            expires_at=expires_at,
            first_join_only=first,
            used_at=_optional_moment(used, _("its use")),
            revoked_at=_optional_moment(revoked, _("its revocation")),
            revoked_by=None if by is None else stored_agent_name(by),
            session_ended=state == "ended",
        )
    except (ValueError, CollabConsoleError) as exc:
        raise ValueError(
            _("link {link}: {problem}").format(
                link=isolate(printable(str(name)[:12])), problem=str(exc).rstrip(".")
            )
        ) from None


def request_from(row: tuple[Any, ...]) -> JoinRequest:
    """A row of ``REQUEST_COLUMNS`` as a JoinRequest, every value checked."""
    from collab_console.core.lobby import MAX_NAME_LENGTH, JoinRequest, JoinRoute, RequestState

    name_id, sid, pid, name, route, link_id, address, made, state, by, at = row
    try:
        decided = RequestState(state)
        if (decided is RequestState.WAITING) != (by is None) or (by is None) != (at is None):
            raise ValueError(_("its decision is malformed"))
        try:
            where = visitor_address(address)
        except ValidationError:
            raise ValueError(_("its address is malformed")) from None
        return JoinRequest(
            request_id=stored_request_id(name_id),
            session_id=_stored_session_id(sid),
            access_id=stored_own_id(pid),
            name=stored_text(name, _("the name given"), MAX_NAME_LENGTH),
            route=JoinRoute(route),
            link_id=None if link_id is None else _stored_link_id(link_id),
            address=where,
            made_at=zoned_datetime(made, _("its time")),
            state=decided,
            decided_by=None if by is None else stored_agent_name(by),
            decided_at=_optional_moment(at, _("its decision time")),
        )
    except (ValueError, CollabConsoleError) as exc:
        raise ValueError(
            _("request {request}: {problem}").format(
                request=isolate(printable(str(name_id)[:12])), problem=str(exc).rstrip(".")
            )
        ) from None


# -- invitations ------------------------------------------------------------------------------

#: An invitation's columns, in :func:`delivery_from` order.
INVITATION_COLUMNS = (
    "i.invitation_id, i.session_id, i.access_id, i.channel, i.recipient, i.state, i.queued_at,"
    " i.updated_at, i.queued_by, i.resend, i.attempts, i.reason, i.next_attempt_at,"
    " i.gateway_id, coalesce(i.link_id, '')"
)
#: How long after it was sent an invitation's report is still worth asking for.
REPORT_WINDOW = "interval '1 day'"
#: Attempts at a fresh own ID for a person added to a session (40 random bits each).
_MAX_ID_ATTEMPTS = 8
#: The unique keys a freshly drawn own ID can collide on (another session's person).
_ID_KEYS = frozenset({"participant_access_id_key", "participant_pkey", "session_pkey"})
#: Where a state may go by one try to send (``record_attempt``); a report moves SENT only.
_FORWARD: dict[str, frozenset[str]] = {
    "queued": frozenset({"queued", "sent", "delivered", "failed"}),
    "sent": frozenset({"delivered", "failed"}),
}


class IdTakenError(Exception):
    """A freshly drawn Session ID or own ID is somebody's already: draw another.

    Raised inside a write transaction (which it rolls back); never leaves the store.
    """


def id_collision(exc: psycopg.errors.UniqueViolation) -> bool:
    """Whether the unique key ``exc`` names is one of a person's own ID."""
    return (exc.diag.constraint_name or "") in _ID_KEYS


class InvitationsPart:
    """The outbox of invitations, and the people added to a running session, for
    PostgresStore.

    The rules are the database's (``pg_links_schema``, version 2): who may queue, the
    resend interval, forward-only states, the audit and the announcements. A write's
    time is the server's; ``now`` only says when a caller thinks it is, and counts as
    the later of the two where it decides what is due.
    """

    if TYPE_CHECKING:
        location: str

        def _transaction(
            self, doing: str = ..., *, demo: bool = ...
        ) -> AbstractContextManager[Cursor[Any]]: ...

        def _read(self, doing: str = ...) -> AbstractContextManager[Cursor[Any]]: ...

        def _refuse_join_login(self, doing: str) -> None: ...

        def _session_seen(self, cur: Cursor[Any], session_id: str) -> str: ...

        def _parsing(self, doing: str) -> AbstractContextManager[None]: ...

    def add_participant(
        self, session_id: str, *, name: str, contact: str, actor: str, now: datetime
    ) -> tuple[Participant, ParticipantAdded, InvitationsChanged | None]:
        """Add a document participant with a fresh own ID to the active session and queue
        their first invitation when they have a contact, in one transaction.

        The session stays locked until it commits (no second person takes the same
        place, and the session cannot end meanwhile); the database audits the addition
        (``participant_added``) and announces it (``participant``).
        """
        from collab_console.core.domain import (
            MAX_NAME_LENGTH,
            Participant,
            Role,
            new_session_id,
            parse_contact,
        )
        from collab_console.core.events import InvitationsChanged, ParticipantAdded
        from collab_console.core.text import clean_name

        person = clean_name(name, what=_("the participant's name"), max_length=MAX_NAME_LENGTH)
        if not isinstance(contact, str):
            raise ValidationError(_("a contact is a phone number or an e-mail address"))
        address = parse_contact(contact)[1] if contact.strip() else ""
        self._refuse_join_login(N_("add people to a session"))
        for _attempt in range(_MAX_ID_ATTEMPTS):
            access_id = new_session_id()
            try:
                with self._transaction(
                    doing(N_("add {name} to session {id}"), name=person, id=isolate(session_id))
                ) as cur:
                    self._hold_for_new_person(cur, session_id, person)
                    try:
                        cur.execute(
                            "INSERT INTO collab.participant (session_id, access_id, position,"
                            " name, contact) SELECT %s, %s, coalesce(max(position), 0) + 1, %s, %s"
                            " FROM collab.participant WHERE session_id = %s",
                            (session_id, access_id, person, address, session_id),
                        )
                    except psycopg.errors.UniqueViolation as exc:
                        if id_collision(exc):
                            raise IdTakenError from None
                        raise
                    queued = (
                        self._queue(cur, session_id, access_id, address, resend=False)
                        if address
                        else None
                    )
            except IdTakenError:
                continue
            added = Participant(person, Role.PARTICIPANT, access_id, address)
            changed = None if queued is None else InvitationsChanged(session_id)
            return added, ParticipantAdded(session_id, access_id), changed
        raise StoreRefusedError(
            _("The database refused to add {name}: no free participant ID found.").format(
                name=person
            )
        )

    def _hold_for_new_person(self, cur: Cursor[Any], session_id: str, name: str) -> None:
        """Lock the active session ``session_id`` for a new person named ``name``, or raise."""
        cur.execute(
            "SELECT state FROM collab.session WHERE session_id = %s FOR NO KEY UPDATE",
            (session_id,),
        )
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        if row[0] != "active":
            raise ValidationError(
                _("session {id} has ended; no one can be added to it").format(
                    id=isolate(session_id)
                )
            )
        cur.execute("SELECT name FROM collab.participant WHERE session_id = %s", (session_id,))
        wanted = name.casefold()
        for (there,) in cur.fetchall():
            if str(there).casefold() == wanted:
                raise ValidationError(
                    _("{name} is already in session {id}").format(
                        name=there, id=isolate(session_id)
                    )
                )

    def deliveries(self, session_id: str) -> dict[str, Delivery]:
        """Each invited person's newest invitation, by their own ID."""
        self._refuse_join_login(N_("read a session's invitations"))
        with self._read(
            doing(N_("read the invitations of session {id}"), id=isolate(session_id))
        ) as cur:
            self._session_seen(cur, session_id)
            return newest_deliveries(cur, session_id)

    def queue_invitation(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[Delivery, InvitationsChanged]:
        """Queue another invitation of a person of an active session who has a contact.

        The person's row is locked first, then their newest invitation and the interval
        in force for this login are read with the server's clock: a second console
        resending at once waits here, then finds this one's invitation and is refused
        with how long to wait.
        """
        from collab_console.core.events import InvitationsChanged

        self._refuse_join_login(N_("send invitations"))
        with self._transaction(
            doing(N_("queue an invitation in session {id}"), id=isolate(session_id))
        ) as cur:
            state, name, address = self._invitee(cur, session_id, access_id)
            if state != "active":
                raise ValidationError(
                    _("session {id} has ended; it sends no invitations").format(
                        id=isolate(session_id)
                    )
                )
            if not address:
                raise ValidationError(
                    _(
                        "{name} has no phone number or e-mail address to send an invitation to"
                    ).format(name=name)
                )
            queued = self._resend(cur, session_id, access_id, name, address)
        return queued, InvitationsChanged(session_id)

    def _invitee(self, cur: Cursor[Any], session_id: str, access_id: str) -> tuple[str, str, str]:
        """The session's state, and the name and contact (maybe empty) of a person of it,
        whose row stays locked until the transaction ends (``collab.lock_invitee``): one new
        invitation of a person at a time. NotFoundError for an unknown session or person."""
        cur.execute("SELECT collab.lock_invitee(%s, %s)", (session_id, access_id))
        cur.execute(
            "SELECT s.state, p.name, p.contact FROM collab.session s"
            " LEFT JOIN collab.participant p ON p.session_id = s.session_id AND p.access_id = %s"
            " WHERE s.session_id = %s",
            (access_id, session_id),
        )
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(_("no session {id}").format(id=isolate(session_id)))
        state, stored_name, address = row
        if stored_name is None:
            raise NotFoundError(
                _no_person().format(person=isolate(access_id), id=isolate(session_id))
            )
        with self._parsing(N_("queue an invitation")):
            return str(state), stored_person_name(stored_name), str(address or "")

    def _resend(
        self,
        cur: Cursor[Any],
        session_id: str,
        access_id: str,
        name: str,
        recipient: str,
        *,
        after_regenerate: bool = False,
    ) -> Delivery:
        """Queue another invitation of the person named ``name`` (their first if they never
        had one) to ``recipient``, their contact as stored; ``RateLimitedError`` while their
        newest was queued less than the interval ago by the server's clock, unless
        ``after_regenerate``: their links were revoked in this transaction (the database
        checks that they were). Their row is locked (:meth:`_invitee`)."""
        from collab_console.core.delivery import rate_limited, resend_wait

        cur.execute(
            "SELECT max(queued_at), transaction_timestamp(),"
            " collab.setting_text('resend_interval_seconds')"
            " FROM collab.invitation WHERE session_id = %s AND access_id = %s",
            (session_id, access_id),
        )
        last, clock, interval = _fetch_one(cur)
        if not after_regenerate:
            with self._parsing(N_("queue an invitation")):
                wait = resend_wait(
                    _optional_moment(last, _("the last invitation's time")),
                    zoned_datetime(clock, _("the server's clock")),
                    _resend_interval(interval),
                )
            if wait:
                raise rate_limited(name, wait)
        return self._queue(cur, session_id, access_id, recipient, resend=last is not None)

    def _queue(
        self, cur: Cursor[Any], session_id: str, access_id: str, recipient: str, *, resend: bool
    ) -> Delivery:
        """Insert a queued invitation of the person to ``recipient`` (their contact as
        stored); its times, sender and checks are the database's."""
        from collab_console.core.delivery import new_invitation_id

        channel = "email" if "@" in recipient else "sms"
        cur.execute(
            "INSERT INTO collab.invitation AS i (invitation_id, session_id, access_id, channel,"
            f" recipient, resend) VALUES (%s, %s, %s, %s, %s, %s) RETURNING {INVITATION_COLUMNS}",
            (new_invitation_id(), session_id, access_id, channel, recipient, resend),
        )
        row = _fetch_one(cur)
        with self._parsing(N_("queue an invitation")):
            return delivery_from(row)

    def claim_invitations(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """Hold up to ``limit`` due invitations nobody holds, of the active sessions this
        login sees, oldest first; fail those whose session ended instead.

        ``FOR UPDATE SKIP LOCKED``: two consoles claiming at once take different ones.
        """
        self._refuse_join_login(N_("send invitations"))
        if limit < 1:
            return []
        with self._transaction(N_("take invitations to send")) as cur:
            cur.execute(
                "UPDATE collab.invitation i SET state = 'failed', reason = %s,"
                " next_attempt_at = NULL, claimed_until = NULL,"
                " updated_at = transaction_timestamp()"
                " WHERE i.id IN (SELECT q.id FROM collab.invitation q"
                "  JOIN collab.session s ON s.session_id = q.session_id"
                "  WHERE q.state = 'queued' AND s.state = 'ended'"
                "  AND (q.claimed_until IS NULL"
                "   OR q.claimed_until < greatest(%s, transaction_timestamp()))"
                "  FOR UPDATE OF q SKIP LOCKED)",
                (SESSION_ENDED_REASON, now),
            )
            cur.execute(
                "WITH claimed AS (UPDATE collab.invitation i"
                " SET claimed_until = transaction_timestamp() + make_interval(secs => %s)"
                " WHERE i.id IN (SELECT q.id FROM collab.invitation q"
                "  JOIN collab.session s ON s.session_id = q.session_id"
                "  WHERE q.state = 'queued' AND s.state = 'active'"
                "  AND q.next_attempt_at <= greatest(%s, transaction_timestamp())"
                "  AND (q.claimed_until IS NULL"
                "   OR q.claimed_until < greatest(%s, transaction_timestamp()))"
                "  ORDER BY q.queued_at, q.id LIMIT %s FOR UPDATE OF q SKIP LOCKED)"
                f" RETURNING i.id AS row_id, {INVITATION_COLUMNS})"
                " SELECT * FROM claimed ORDER BY queued_at, row_id",
                (CLAIM_SECONDS, now, now, limit),
            )
            rows = cur.fetchall()
        with self._parsing(N_("take invitations to send")):
            return [delivery_from(tuple(row)[1:]) for row in rows]

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
        """What one try to send the invitation did; it counts the try (of a queued one) and
        lets the claim go. The database audits it (``invitation_sent``, ``invitation_failed``
        with ``retry`` or ``failed``, ``invitation_delivered``)."""
        from collab_console.core.delivery import DeliveryState
        from collab_console.core.events import InvitationsChanged

        wanted = DeliveryState(state)
        why = _kept_reason(reason)
        if wanted in (DeliveryState.SENT, DeliveryState.DELIVERED):
            why = ""
        elif wanted is DeliveryState.FAILED and not why:
            raise ValidationError(_("say why the invitation failed"))
        if wanted is DeliveryState.QUEUED and next_attempt_at is None:
            raise ValidationError(_("an invitation queued again needs the time of its next try"))
        gateway, link = attempt_ids(gateway_id, link_id)
        self._refuse_join_login(N_("send invitations"))
        with self._transaction(
            doing(
                N_("record a try to send invitation {invitation}"),
                invitation=isolate(invitation_id),
            )
        ) as cur:
            current = self._invitation_for_update(cur, invitation_id)
            if wanted.value not in _FORWARD.get(current.state.value, frozenset()):
                raise ValidationError(
                    _(
                        "invitation {invitation} is {state} already; it cannot become {wanted}"
                    ).format(
                        invitation=isolate(current.invitation_id),
                        state=isolate(current.state.value),
                        wanted=isolate(wanted.value),
                    )
                )
            tried = current.state is DeliveryState.QUEUED
            sent_now = tried and wanted in (DeliveryState.SENT, DeliveryState.DELIVERED)
            cur.execute(
                "UPDATE collab.invitation SET state = %s, reason = %s, attempts = %s,"
                " next_attempt_at = %s, gateway_id = %s, link_id = %s, claimed_until = NULL,"
                " updated_at = transaction_timestamp() WHERE invitation_id = %s",
                (
                    wanted.value,
                    why,
                    current.attempts + (1 if tried else 0),
                    next_attempt_at if wanted is DeliveryState.QUEUED else None,
                    gateway if sent_now else current.gateway_id,
                    (link if sent_now else current.link_id) or None,
                    current.invitation_id,
                ),
            )
        return InvitationsChanged(current.session_id)

    def record_report(
        self,
        invitation_id: str,
        *,
        state: DeliveryState,
        reason: str = "",
        now: datetime,
        actor: str,
    ) -> InvitationsChanged | None:
        """The gateway's report of a sent invitation: DELIVERED, or FAILED with its reason.

        None, nothing written, when it says what is stored already; a report that would
        move the invitation otherwise (back, or out of DELIVERED or FAILED):
        ``ValidationError``."""
        from collab_console.core.delivery import DeliveryState
        from collab_console.core.events import InvitationsChanged

        reported = DeliveryState(state)
        self._refuse_join_login(N_("record delivery reports"))
        why = ""
        if reported is DeliveryState.FAILED:
            why = _kept_reason(reason) or REPORTED_FAILURE
        with self._transaction(
            doing(
                N_("record the report of invitation {invitation}"),
                invitation=isolate(invitation_id),
            )
        ) as cur:
            current = self._invitation_for_update(cur, invitation_id)
            if reported is current.state:
                return None
            if current.state is not DeliveryState.SENT or not reported.final:
                raise ValidationError(
                    _(
                        "invitation {invitation} is {state}; a report cannot make it {wanted}"
                    ).format(
                        invitation=isolate(current.invitation_id),
                        state=isolate(current.state.value),
                        wanted=isolate(reported.value),
                    )
                )
            cur.execute(
                "UPDATE collab.invitation SET state = %s, reason = %s,"
                " updated_at = transaction_timestamp() WHERE invitation_id = %s",
                (reported.value, why, current.invitation_id),
            )
        return InvitationsChanged(current.session_id)

    def invitations_awaiting_report(self, *, now: datetime, limit: int = 20) -> list[Delivery]:
        """SENT invitations with a gateway message of active sessions, sent in the last day,
        not asked about in the last ``REPORT_SECONDS``, oldest first; each is marked asked
        now (two consoles asking at once take different ones)."""
        self._refuse_join_login(N_("read invitations"))
        if limit < 1:
            return []
        with self._transaction(N_("find invitations awaiting a report")) as cur:
            cur.execute(
                "WITH asked AS (UPDATE collab.invitation i"
                " SET report_asked_at = transaction_timestamp()"
                " WHERE i.id IN (SELECT q.id FROM collab.invitation q"
                "  JOIN collab.session s ON s.session_id = q.session_id"
                "  WHERE q.state = 'sent' AND q.gateway_id <> '' AND s.state = 'active'"
                f"  AND q.updated_at > greatest(%s, transaction_timestamp()) - {REPORT_WINDOW}"
                "  AND (q.report_asked_at IS NULL OR q.report_asked_at"
                "   <= greatest(%s, transaction_timestamp()) - make_interval(secs => %s))"
                "  ORDER BY q.queued_at, q.id LIMIT %s FOR UPDATE OF q SKIP LOCKED)"
                f" RETURNING i.id AS row_id, {INVITATION_COLUMNS})"
                " SELECT * FROM asked ORDER BY queued_at, row_id",
                (now, now, REPORT_SECONDS, limit),
            )
            rows = cur.fetchall()
        with self._parsing(N_("find invitations awaiting a report")):
            return [delivery_from(tuple(row)[1:]) for row in rows]

    def _invitation_for_update(self, cur: Cursor[Any], invitation_id: str) -> Delivery:
        """The invitation ``invitation_id`` (one this login sees), locked; else NotFoundError."""
        from collab_console.core.delivery import INVITATION_ID_PATTERN

        name = invitation_id.strip().upper() if isinstance(invitation_id, str) else ""
        if not INVITATION_ID_PATTERN.fullmatch(name):
            raise NotFoundError(
                _("no invitation {invitation}").format(
                    invitation=isolate(printable(str(invitation_id)[:20]))
                )
            )
        cur.execute(
            f"SELECT {INVITATION_COLUMNS} FROM collab.invitation i"
            " WHERE i.invitation_id = %s FOR NO KEY UPDATE",
            (name,),
        )
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(_("no invitation {invitation}").format(invitation=isolate(name)))
        with self._parsing(N_("read an invitation")):
            return delivery_from(tuple(row))


def newest_deliveries(cur: Cursor[Any], session_id: str) -> dict[str, Delivery]:
    """Each invited person of the session and their newest invitation (by queueing time,
    then the order rows were made), read on ``cur``; every value checked."""
    cur.execute(
        f"SELECT DISTINCT ON (i.access_id) {INVITATION_COLUMNS} FROM collab.invitation i"
        " WHERE i.session_id = %s ORDER BY i.access_id, i.queued_at DESC, i.id DESC",
        (session_id,),
    )
    found = {}
    for row in cur.fetchall():
        delivery = delivery_from(tuple(row))
        found[delivery.access_id] = delivery
    return found


def delivery_from(row: tuple[Any, ...]) -> Delivery:
    """A row of :data:`INVITATION_COLUMNS` as a Delivery (``stored_values.stored_delivery``
    checks every value); a value it cannot be raises StoreValueError."""
    from collab_console.store.stored_values import StoreValueError, stored_delivery

    (iid, sid, pid, channel, recipient, state, queued, updated, by, resend, attempts, reason,
     next_at, gateway, link) = row  # fmt: skip
    if not isinstance(resend, bool):
        raise StoreValueError(
            _("invitation {invitation}: its resend mark is malformed").format(
                invitation=isolate(printable(str(iid)[:12]))
            )
        )
    return stored_delivery(
        invitation_id=iid,
        session_id=sid,
        access_id=pid,
        channel=channel,
        recipient=recipient,
        state=state,
        queued_at=zoned_datetime(queued, _("an invitation's queueing time")),
        updated_at=zoned_datetime(updated, _("an invitation's change time")),
        queued_by=by,
        resend=resend,
        attempts=attempts,
        reason=reason,
        next_attempt_at=_optional_moment(next_at, _("an invitation's next try")),
        gateway_id=gateway,
        link_id=link,
    )


def _kept_reason(text: object) -> str:
    """``core.delivery.clean_reason`` of ``text`` without what no reason may hold (a NUL,
    a control or invisible character): a mail server's or gateway's words are anyone's,
    and a reason the store could not read back would make its session unreadable."""
    from collab_console.core.delivery import clean_reason

    return clean_reason("".join(ch for ch in str(text) if ch.isprintable() or ch.isspace()))


def _resend_interval(value: object) -> int:
    """The resend interval in force, as stored, checked by its setting's parser."""
    from collab_console.core.errors import SettingsError
    from collab_console.core.settings import SPECS_BY_KEY

    try:
        seconds = SPECS_BY_KEY["resend_interval_seconds"].from_store(value)
    except SettingsError as exc:
        raise ValueError(str(exc).rstrip(".")) from None
    return int(seconds)
