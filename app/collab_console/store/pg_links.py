"""Session links, the lobby and the join service's calls on the organisation's PostgreSQL.

:class:`LinksPart` holds the ``Store`` methods of ``core/links.py`` and
``core/lobby.py`` for :class:`~collab_console.store.postgres.PostgresStore`.
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

from collab_console.core.errors import (
    CollabConsoleError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from collab_console.store.errors import StoreDamagedError
from collab_console.store.location import printable
from collab_console.store.pg_links_schema import LINK_COLUMNS, REQUEST_COLUMNS
from collab_console.store.stored_values import (
    cookie_hash,
    is_hex64,
    join_request_input,
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

    from collab_console.core.events import LinksChanged, LobbyChanged
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
        self._refuse_join_login("make links")
        settings = self.load_settings()
        refused: str | None = None
        with self._transaction("make a link") as cur:
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
            cur.execute(
                "SELECT count(*) FROM collab.link WHERE made_by = session_user AND made_at > %s",
                (now - _HOUR,),
            )
            made = _fetch_one(cur)[0]
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
        self._refuse_join_login("read a session's links")
        with self._read(f"read the links of session {session_id}") as cur:
            self._session_seen(cur, session_id)
            return self._links(cur, "l.session_id = %s", session_id)

    def revoke_link(self, link_id: str, *, actor: str, now: datetime) -> LinksChanged:
        """Stop one link at once: a live one, or one used up by its first join."""
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkState, normalise_link_id

        name = normalise_link_id(link_id)
        self._refuse_join_login("revoke links")
        with self._transaction(f"revoke link {name}") as cur:
            found = self._links(cur, "l.link_id = %s", name, lock=True)
            if not found:
                raise NotFoundError(f"no link {name}")
            state = found[0].state(now)
            if state not in (LinkState.LIVE, LinkState.USED):
                raise ValidationError(f"link {name} already stopped: {state.label.lower()}")
            self._revoke(cur, name)
        return LinksChanged(found[0].session_id)

    def regenerate_links(
        self, session_id: str, access_id: str, *, actor: str, now: datetime
    ) -> tuple[int, MintedLink, LinksChanged]:
        """Revoke every link of the person that still lets someone in, and make one
        invitation link, in one transaction (no limit applies)."""
        from collab_console.core.events import LinksChanged
        from collab_console.core.links import LinkPurpose, LinkState

        self._refuse_join_login("regenerate links")
        settings = self.load_settings()
        with self._transaction("regenerate the links") as cur:
            self._person_for_links(cur, session_id, access_id)
            cur.execute(
                "SELECT pg_advisory_xact_lock(hashtext('collab.link.person:' || %s))",
                (access_id,),
            )
            revoked = 0
            for link in self._links(cur, "l.access_id = %s", access_id, lock=True):
                if link.state(now) in (LinkState.LIVE, LinkState.USED):
                    self._revoke(cur, link.link_id)
                    revoked += 1
            minted = self._make_link(cur, session_id, access_id, LinkPurpose.INVITATION, settings)
        return revoked, minted, LinksChanged(session_id)

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
            raise NotFoundError(f"no session {session_id}")
        if row[1] is None:
            raise NotFoundError(f"no person with the ID {access_id} in session {session_id}")
        if row[0] != "active":
            raise ValidationError(f"session {session_id} has ended; it takes no new links")

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
        with self._parsing("read a link"):
            return [link_from(row) for row in rows]

    def _session_seen(self, cur: Cursor[Any], session_id: str) -> str:
        """The state of the session, if this login may see it; else NotFoundError."""
        cur.execute("SELECT state FROM collab.session WHERE session_id = %s", (session_id,))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(f"no session {session_id}")
        return str(row[0])

    # -- the join service ------------------------------------------------------------------

    def check_link(self, token: str, *, now: datetime) -> LinkCheck | None:
        """The link ``token`` names, its state and its page; None for no link. Reads only."""
        from collab_console.core.links import LinkCheck, is_token, token_hash

        if not is_token(token):
            return None
        with self._read("check a link") as cur:
            cur.execute("SELECT * FROM collab.join_check_link(%s)", (token_hash(token),))
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing("check a link"):
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
        with self._transaction("join with a link") as cur:
            cur.execute(
                "SELECT * FROM collab.join_redeem_link(%s, %s, %s, %s, %s)",
                (token_hash(token), cookie, where, now, new_request_id()),
            )
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing("join with a link"):
            result, state, request_id = RedeemResult(row[0]), LinkState(row[1]), row[2]
            link = link_from(row[3:15])
            page = _page(link.session_id, row[15], row[16])
            if (request_id is not None) != (result is RedeemResult.LOBBY):
                raise ValueError("its request to join is missing or out of place")
            return Redemption(
                result, page, state, None if request_id is None else stored_request_id(request_id)
            )

    def request_join(
        self, typed_id: str, name: str, *, browser: str, address: str, now: datetime
    ) -> JoinRequest | LobbyRefusal:
        """Put a request to join in the lobby of the session of the person ``typed_id``."""
        from collab_console.core.lobby import LobbyRefusal, new_request_id

        given, cookie, where, wanted = join_request_input(typed_id, name, browser, address)
        with self._transaction("ask to join") as cur:
            cur.execute(
                "SELECT * FROM collab.join_request_by_id(%s, %s, %s, %s, %s, %s)",
                (wanted, given, cookie, where, now, new_request_id()),
            )
            row = _fetch_one(cur)
        with self._parsing("ask to join"):
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
        with self._read("read where a browser stands") as cur:
            cur.execute(
                "SELECT *, transaction_timestamp() FROM collab.join_browser_status(%s)", (browser,)
            )
            row = cur.fetchone()
        if row is None:
            return None
        with self._parsing("read where a browser stands"):
            state, sid, name, agent, request_id, route = row[:6]
            link_row, session_state, clock = row[6:18], row[18], row[19]
            standing = BrowserState(state)
            if session_state not in ("active", "ended"):
                raise ValueError(f"its session's state {str(session_state)[:20]!r}")
            ended = session_state == "ended"
            because: LinkState | None = None
            if link_row[0] is not None:
                link = link_from(link_row)
                if link.session_id != sid:
                    raise ValueError("the link it joined with is another session's")
                if standing is BrowserState.JOINED:
                    stopped = link.state(
                        zoned_datetime(clock, "the server's clock") if now is None else now
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
        with self._transaction("renew a browser's cookie") as cur:
            cur.execute("SELECT collab.join_renew_browser(%s, %s)", (was, fresh))
            renewed = _fetch_one(cur)[0]
        if not isinstance(renewed, bool):
            raise StoreDamagedError(f"The store {self.location} answered a renewal with nonsense.")
        return renewed

    # -- the agent's side of the lobby -----------------------------------------------------

    def join_requests(self, session_id: str) -> list[JoinRequest]:
        """The session's requests to join, the waiting ones first, then newest first."""
        self._refuse_join_login("read a session's requests to join")
        with self._read(f"read the requests to join session {session_id}") as cur:
            self._session_seen(cur, session_id)
            return self._requests(cur, "r.session_id = %s", session_id)

    def _requests(
        self, cur: Cursor[Any], where: str, *params: object, lock: bool = False
    ) -> list[JoinRequest]:
        order = " FOR UPDATE" if lock else _WAITING_FIRST
        cur.execute(f"{_REQUEST_SQL} WHERE {where}{order}", params)
        rows = cur.fetchall()
        with self._parsing("read the requests to join"):
            return [request_from(row) for row in rows]

    def decide_join(
        self, request_id: str, *, admit: bool, actor: str, now: datetime
    ) -> LobbyChanged:
        """Admit or deny a waiting request. Its browser follows, and a denial counts towards
        locking the lobby: the database does both (``join_request_recorded``)."""
        from collab_console.core.events import LobbyChanged
        from collab_console.core.lobby import RequestState

        self._refuse_join_login("decide requests to join")
        with self._transaction(f"decide request {request_id}") as cur:
            found = self._requests(cur, "r.request_id = %s", request_id, lock=True)
            if not found:
                raise NotFoundError(f"no request {request_id}")
            request = found[0]
            if request.state is not RequestState.WAITING:
                raise ValidationError(f"request {request_id} was already {request.state.value}")
            if self._session_seen(cur, request.session_id) != "active":
                raise ValidationError(
                    f"request {request.request_id} cannot be decided: the session has ended"
                )
            decision = RequestState.ADMITTED if admit else RequestState.DENIED
            cur.execute(
                "UPDATE collab.join_request SET state = %s, decided_by = session_user,"
                " decided_at = transaction_timestamp() WHERE request_id = %s",
                (decision.value, request.request_id),
            )
        return LobbyChanged(request.session_id)

    def lobby_locked(self, session_id: str) -> bool:
        self._refuse_join_login("read a session's lobby")
        with self._read(f"read the lobby of session {session_id}") as cur:
            self._session_seen(cur, session_id)
            cur.execute("SELECT locked FROM collab.lobby WHERE session_id = %s", (session_id,))
            row = cur.fetchone()
        if row is not None and not isinstance(row[0], bool):
            raise StoreDamagedError(
                f"The store {self.location} holds a lobby of session {session_id} this version "
                "cannot use; it was left as it is."
            )
        return row is not None and row[0]

    def set_lobby_locked(
        self, session_id: str, locked: bool, *, actor: str, now: datetime
    ) -> LobbyChanged:
        """Lock or unlock the session's lobby as the agent; unlocking forgets the denials."""
        from collab_console.core.events import LobbyChanged

        self._refuse_join_login("lock a lobby")
        with self._transaction(f"lock the lobby of session {session_id}") as cur:
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
            with self._read("read the login's roles") as cur:
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
                f"the join service's database login cannot {doing}; "
                "connect as an agent (a member of collab_agent)"
            )

    @contextmanager
    def _parsing(self, doing: str) -> Iterator[None]:
        """Turn a value read back that the core refuses into StoreDamagedError."""
        try:
            yield
        except (ValueError, CollabConsoleError) as exc:
            raise StoreDamagedError(
                f"Could not {doing}: the store {self.location} holds a value this version "
                f"cannot use ({str(exc).rstrip('.')}); it was left as it is."
            ) from None


# -- values read back, parsed with the core's validators -----------------------------------


def _fetch_one(cur: Cursor[Any]) -> tuple[Any, ...]:
    row = cur.fetchone()
    if row is None:
        raise StoreDamagedError("The store answered nothing where it must answer.")
    return tuple(row)


def _optional_moment(value: object, what: str) -> datetime | None:
    return None if value is None else zoned_datetime(value, what)


def _stored_session_id(value: object) -> str:
    from collab_console.core.domain import normalise_session_id

    if not isinstance(value, str) or normalise_session_id(value) != value:
        raise ValueError("a Session ID is not in its stored form")
    return value


def _stored_link_id(value: object) -> str:
    from collab_console.core.links import LINK_ID_PATTERN

    if not isinstance(value, str) or not LINK_ID_PATTERN.fullmatch(value):
        raise ValueError("a link's name is malformed")
    return value


def _page(sid: str, name: object, agent: object) -> JoinPage:
    from collab_console.core.links import JoinPage

    return JoinPage(sid, stored_person_name(name), stored_agent_name(agent))


def link_from(row: tuple[Any, ...]) -> Link:
    """A row of ``LINK_COLUMNS`` as a Link, every value checked."""
    from collab_console.core.links import Link, LinkPurpose

    name, sid, pid, purpose, made_by, made, expires, first, used, revoked, by, state = row
    try:
        made_at = zoned_datetime(made, "its making time")
        expires_at = _optional_moment(expires, "its expiry")
        if expires_at is not None and expires_at <= made_at:
            raise ValueError("it expires before it was made")
        if not isinstance(first, bool):
            raise ValueError("its first-join-only mark is not a yes or no")
        if (revoked is None) != (by is None) or state not in ("active", "ended"):
            raise ValueError("its revocation or session is malformed")
        return Link(
            link_id=_stored_link_id(name),
            session_id=_stored_session_id(sid),
            access_id=stored_own_id(pid),
            purpose=LinkPurpose(purpose),
            made_by=stored_agent_name(made_by),
            made_at=made_at,
            expires_at=expires_at,
            first_join_only=first,
            used_at=_optional_moment(used, "its use"),
            revoked_at=_optional_moment(revoked, "its revocation"),
            revoked_by=None if by is None else stored_agent_name(by),
            session_ended=state == "ended",
        )
    except (ValueError, CollabConsoleError) as exc:
        raise ValueError(f"link {printable(str(name)[:12])}: {str(exc).rstrip('.')}") from None


def request_from(row: tuple[Any, ...]) -> JoinRequest:
    """A row of ``REQUEST_COLUMNS`` as a JoinRequest, every value checked."""
    from collab_console.core.lobby import MAX_NAME_LENGTH, JoinRequest, JoinRoute, RequestState

    name_id, sid, pid, name, route, link_id, address, made, state, by, at = row
    try:
        decided = RequestState(state)
        if (decided is RequestState.WAITING) != (by is None) or (by is None) != (at is None):
            raise ValueError("its decision is malformed")
        try:
            where = visitor_address(address)
        except ValidationError:
            raise ValueError("its address is malformed") from None
        return JoinRequest(
            request_id=stored_request_id(name_id),
            session_id=_stored_session_id(sid),
            access_id=stored_own_id(pid),
            name=stored_text(name, "the name given", MAX_NAME_LENGTH),
            route=JoinRoute(route),
            link_id=None if link_id is None else _stored_link_id(link_id),
            address=where,
            made_at=zoned_datetime(made, "its time"),
            state=decided,
            decided_by=None if by is None else stored_agent_name(by),
            decided_at=_optional_moment(at, "its decision time"),
        )
    except (ValueError, CollabConsoleError) as exc:
        raise ValueError(
            f"request {printable(str(name_id)[:12])}: {str(exc).rstrip('.')}"
        ) from None
