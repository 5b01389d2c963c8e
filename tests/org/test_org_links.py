"""Links and the lobby in organisation mode: the server keeps each agent to their own.

Every refusal here is the server's, met by a real login role of the ``org``
fixture (``tests/org/conftest.py``): ``agent.amy`` owns the session, ``agent.bob``
is another agent, ``admin.ana`` an admin, ``join.svc`` the join service's login.
They act through the store and through raw SQL (psql's reach). The ``postgres``
superuser, which row-level security does not hold, only looks at the catalogue.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from collab_console.core.audit import AuditKind
from collab_console.core.errors import NotAllowedError, NotFoundError
from collab_console.core.links import (
    Link,
    LinkPurpose,
    LinkState,
    MintedLink,
    RedeemResult,
    token_hash,
)
from collab_console.core.lobby import BrowserState, JoinRequest, LobbyRefusal, RequestState
from collab_console.store.postgres import PostgresStore
from tests.org.conftest import Org

AMY, BOB, ANA, SVC = "agent.amy", "agent.bob", "admin.ana", "join.svc"
#: Not a login of the tests: the superuser, who may look but proves nothing.
CATALOGUE = "postgres"
HERE, THERE = "203.0.113.5", "198.51.100.7"
FIRST, SECOND, THIRD = (token_hash(f"cookie-{n}-{'x' * 20}") for n in range(3))
#: The tables of links and the lobby (``pg_links_schema``).
TABLES = ("link", "lobby", "join_request", "browser", "lobby_attempt")
JOIN_FUNCTIONS = (
    "join_check_link",
    "join_redeem_link",
    "join_request_by_id",
    "join_browser_status",
    "join_renew_browser",
    "join_policy",
    "join_settings",
)

Open = Callable[[str], PostgresStore]
Sql = Callable[[str], psycopg.Connection[Any]]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def store(org: Org) -> Open:
    """Open the organisation store as a login (closed after the test)."""
    return org.connect


@pytest.fixture
def psql(org: Org) -> Iterator[Sql]:
    """A raw SQL connection as a login (autocommit: each statement is its own transaction);
    ``psql(CATALOGUE)`` is the superuser's, for looking at the catalogue only."""
    opened: list[psycopg.Connection[Any]] = []

    def connect(user: str) -> psycopg.Connection[Any]:
        dsn = org.superuser_dsn() if user == CATALOGUE else org.dsn(user)
        opened.append(psycopg.connect(dsn, autocommit=True))
        return opened[-1]

    yield connect
    for each in opened:
        each.close()


@pytest.fixture
def amys(store: Open) -> tuple[PostgresStore, str]:
    """Amy's store and the Session ID of a session she started."""
    amy = store(AMY)
    session, _ = amy.start_session(
        customer_name="Ruth Cohen", contact="ruth@example.com", now=now(), actor=AMY
    )
    return amy, session.session_id


def mint(db: PostgresStore, session_id: str) -> MintedLink:
    minted, _ = db.mint_link(session_id, session_id, purpose=LinkPurpose.COPY, actor=AMY, now=now())
    return minted


def ask(svc: PostgresStore, session_id: str) -> JoinRequest:
    asked = svc.request_join(session_id, "Ruth Cohen", browser=FIRST, address=HERE, now=now())
    assert isinstance(asked, JoinRequest), asked
    return asked


def token_of(minted: MintedLink) -> str:
    return minted.url.rsplit("/", 1)[1]


def refused(conn: psycopg.Connection[Any], statement: str | sql.Composed, *params: object) -> str:
    """Run ``statement``; it must be refused by the server. Return why, in its words."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params or None)
    assert not isinstance(caught.value, errors.SyntaxError), caught.value
    return str(caught.value).splitlines()[0]


def changed(conn: psycopg.Connection[Any], statement: str, *params: object) -> int:
    """Run ``statement`` (the server lets it run); return how many rows it touched."""
    return conn.execute(statement, params or None).rowcount


# -- another agent ---------------------------------------------------------------------------


def test_another_agent_neither_sees_nor_stops_amys_links(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    bob = store(BOB)

    with pytest.raises(NotFoundError):
        bob.list_links(session_id)
    with pytest.raises(NotFoundError):
        bob.revoke_link(minted.link.link_id, actor=BOB, now=now())
    with pytest.raises(NotFoundError):
        bob.mint_link(session_id, session_id, purpose=LinkPurpose.COPY, actor=BOB, now=now())
    with pytest.raises(NotFoundError):
        bob.regenerate_links(session_id, session_id, actor=BOB, now=now())

    raw = psql(BOB)
    assert raw.execute("SELECT count(*) FROM collab.link").fetchone() == (0,)
    assert changed(raw, "UPDATE collab.link SET revoked_at = now(), revoked_by = session_user") == 0
    refused(
        raw,
        "INSERT INTO collab.link (link_id, token_hash, session_id, access_id, purpose,"
        " expires_at, first_join_only) VALUES ('L-00000000', %s, %s, %s, 'copy',"
        " collab.link_expiry('copy', now()), collab.link_first_join_only())",
        token_hash("t" * 24),
        session_id,
        session_id,
    )
    assert amy.list_links(session_id) == [minted.link]
    assert minted.link.state(now()) is LinkState.LIVE


def test_another_agent_can_neither_decide_amys_requests_nor_lock_her_lobby(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    amy, session_id = amys
    asked = store(SVC).request_join(
        session_id, "Ruth Cohen", browser=FIRST, address=HERE, now=now()
    )
    assert isinstance(asked, JoinRequest)
    bob = store(BOB)

    with pytest.raises(NotFoundError):
        bob.decide_join(asked.request_id, admit=True, actor=BOB, now=now())
    with pytest.raises(NotFoundError):
        bob.join_requests(session_id)
    with pytest.raises(NotFoundError):
        bob.set_lobby_locked(session_id, True, actor=BOB, now=now())
    with pytest.raises(NotFoundError):
        bob.lobby_locked(session_id)

    raw = psql(BOB)
    assert raw.execute("SELECT count(*) FROM collab.join_request").fetchone() == (0,)
    assert (
        changed(
            raw,
            "UPDATE collab.join_request SET state = 'admitted', decided_by = session_user,"
            " decided_at = now()",
        )
        == 0
    )
    refused(
        raw,
        "INSERT INTO collab.lobby (session_id, locked, lock_reason) VALUES (%s, true, 'agent')",
        session_id,
    )
    assert amy.join_requests(session_id) == [asked]
    assert not amy.lobby_locked(session_id)


def test_an_admin_sees_every_agents_links_and_requests(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    asked = store(SVC).request_join(
        session_id, "Ruth Cohen", browser=FIRST, address=HERE, now=now()
    )
    ana = store(ANA)

    assert ana.list_links(session_id) == [minted.link]
    assert ana.join_requests(session_id) == [asked]
    raw = psql(ANA)
    assert raw.execute("SELECT link_id, made_by FROM collab.link").fetchall() == [
        (minted.link.link_id, AMY)
    ]
    ana.revoke_link(minted.link.link_id, actor=ANA, now=now())
    (revoked,) = amy.list_links(session_id)
    assert (revoked.state(now()), revoked.revoked_by) == (LinkState.REVOKED, ANA)


# -- the join service's login ----------------------------------------------------------------


def test_the_join_login_holds_no_table_privilege_and_only_the_join_functions_rights(
    psql: Sql,
) -> None:
    catalogue = psql(CATALOGUE)
    tables = [
        name
        for (name,) in catalogue.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'collab' AND c.relkind IN ('r', 'v', 'm', 'p', 'S')"
        )
    ]
    assert set(TABLES) <= set(tables)
    held = catalogue.execute(
        "SELECT c.relname, p.privilege FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace,"
        " unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',"
        " 'TRIGGER']) AS p(privilege)"
        " WHERE n.nspname = 'collab' AND c.relkind IN ('r', 'v', 'm', 'p')"
        " AND has_table_privilege(%s, c.oid, p.privilege)",
        (SVC,),
    ).fetchall()
    assert held == []
    # What runs with more than the join login's own rights: the five join functions.
    definers = catalogue.execute(
        "SELECT p.proname, array_to_string(p.proconfig, ';') FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'collab' AND p.prosecdef"
        " AND has_function_privilege(%s, p.oid, 'EXECUTE')",
        (SVC,),
    ).fetchall()
    assert sorted(definers) == sorted(
        (name, "search_path=pg_catalog, collab") for name in JOIN_FUNCTIONS
    )

    raw = psql(SVC)
    for table in tables:
        why = refused(raw, sql.SQL("SELECT * FROM {}").format(sql.Identifier("collab", table)))
        assert "permission denied" in why, table
    refused(raw, "SELECT * FROM collab.audit")


def test_the_join_login_can_neither_make_nor_extend_nor_revive_a_link(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    amy.revoke_link(minted.link.link_id, actor=AMY, now=now())
    svc = store(SVC)
    raw = psql(SVC)

    for why in (
        refused(
            raw,
            "INSERT INTO collab.link (link_id, token_hash, session_id, access_id, purpose,"
            " first_join_only) VALUES ('L-00000000', %s, %s, %s, 'copy', false)",
            token_hash("t" * 24),
            session_id,
            session_id,
        ),
        refused(raw, "UPDATE collab.link SET revoked_at = NULL, revoked_by = NULL"),
        refused(raw, "UPDATE collab.link SET expires_at = 'infinity'"),
        refused(raw, "DELETE FROM collab.link"),
        refused(raw, "TRUNCATE collab.join_request CASCADE"),
        refused(
            raw,
            "SELECT collab.append_audit('link_made', NULL, NULL, NULL, NULL, NULL,"
            " NULL, NULL, NULL)",
        ),
    ):
        assert "permission denied" in why
    with pytest.raises(NotAllowedError, match="join service"):
        svc.mint_link(session_id, session_id, purpose=LinkPurpose.COPY, actor=SVC, now=now())
    for read in (svc.list_links, svc.join_requests, svc.lobby_locked):
        with pytest.raises(NotAllowedError, match="collab_agent"):
            read(session_id)
    check = svc.check_link(token_of(minted), now=now())
    assert check is not None
    assert check.state is LinkState.REVOKED
    joined = svc.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())
    assert joined is not None
    assert (joined.result, joined.state) == (RedeemResult.REFUSED, LinkState.REVOKED)


def test_the_join_service_joins_a_browser_and_the_audit_names_its_address(
    amys: tuple[PostgresStore, str], store: Open, org: Org
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    svc = store(SVC)

    joined = svc.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())
    lobby = svc.redeem_link(token_of(minted), browser=SECOND, address=THERE, now=now())

    assert joined is not None
    assert lobby is not None
    assert (joined.result, lobby.result) == (RedeemResult.JOINED, RedeemResult.LOBBY)
    assert joined.page.agent == AMY
    status = svc.browser_status(FIRST)
    assert status is not None
    assert (status.state, status.session_id) == (BrowserState.JOINED, session_id)
    assert svc.renew_browser(FIRST, THIRD, now=now()) is True
    assert svc.browser_status(FIRST) is None
    assert lobby.request_id is not None
    amy.decide_join(lobby.request_id, admit=False, actor=AMY, now=now())
    denied = svc.browser_status(SECOND)
    assert denied is not None
    assert denied.state is BrowserState.DENIED
    entries = [
        (e.kind, e.actor, e.actor_role, e.result)
        for e in reversed(store(ANA).audit_log(limit=100))
        if e.kind in (AuditKind.LINK_MADE, AuditKind.JOIN, AuditKind.JOIN_DECISION)
    ]
    assert entries == [
        (AuditKind.LINK_MADE, AMY, "agent", None),
        (AuditKind.JOIN, HERE, "visitor", "joined"),
        (AuditKind.JOIN, THERE, "visitor", "lobby"),
        (AuditKind.JOIN_DECISION, AMY, "agent", "denied"),
    ]
    assert store(ANA).verify_audit() is None
    dump = org.dump()
    assert token_hash(token_of(minted)).encode() in dump
    assert token_of(minted).encode() not in dump, "a stolen dump holds no working link"


# -- what even the link's own agent cannot do in raw SQL -------------------------------------


def test_the_agent_herself_cannot_bend_a_link_in_raw_sql(
    amys: tuple[PostgresStore, str], psql: Sql
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    name = minted.link.link_id
    raw = psql(AMY)

    for change in (
        "expires_at = expires_at + interval '1 day'",
        "expires_at = NULL",
        f"token_hash = '{token_hash('s' * 24)}'",
        "made_by = 'agent.bob'",
        "used_at = now()",
    ):
        assert "permission denied" in refused(raw, f"UPDATE collab.link SET {change}")
    assert "who revoked a link" in refused(
        raw,
        "UPDATE collab.link SET revoked_at = now() - interval '1 hour', revoked_by = session_user",
    )
    assert "who revoked a link" in refused(
        raw, "UPDATE collab.link SET revoked_at = now(), revoked_by = 'agent.bob'"
    )
    assert changed(raw, "UPDATE collab.link SET revoked_at = now(), revoked_by = session_user") == 1
    assert "a revoked link stays revoked" in refused(
        raw, "UPDATE collab.link SET revoked_at = NULL, revoked_by = NULL"
    )
    assert "permission denied" in refused(raw, "DELETE FROM collab.link")
    for column, value in (
        ("made_by", "'agent.bob'"),
        ("made_at", "now() - interval '1 minute'"),
        ("expires_at", "now() + interval '1 year'"),
        ("first_join_only", "true"),
    ):
        values = {
            "made_by": "session_user",
            "made_at": "now()",
            "expires_at": "collab.link_expiry('copy', now())",
            "first_join_only": "collab.link_first_join_only()",
            column: value,
        }
        statement = (
            "INSERT INTO collab.link (link_id, token_hash, session_id, access_id, purpose,"
            f" {', '.join(values)}) VALUES ('L-00000000', %s, %s, %s, 'copy',"
            f" {', '.join(values.values())})"
        )
        why = refused(raw, statement, token_hash("u" * 24), session_id, session_id)
        assert "a link is made" in why or "the store dates a new link" in why, column
    (link,) = amy.list_links(session_id)
    assert (link.link_id, link.state(now()), link.expires_at) == (
        name,
        LinkState.REVOKED,
        minted.link.expires_at,
    )


def test_a_links_rules_hold_even_where_privileges_and_row_security_do_not(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    """The triggers hold what the grants already refuse an agent, for a writer the grants
    and row-level security let through: here the superuser, as a DBA's slip would be."""
    amy, session_id = amys
    minted = mint(amy, session_id)
    assert store(SVC).redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())
    asked = ask(store(SVC), session_id)
    dba = psql(CATALOGUE)

    for change, rule in (
        ("expires_at = expires_at + interval '1 day'", "expiry cannot change"),
        (f"token_hash = '{token_hash('s' * 24)}'", "token, person"),
        ("made_by = 'agent.bob'", "name, token, person"),
        ("used_at = now(), browser = NULL", "the browser that joined with a link cannot change"),
        (f"browser = '{SECOND}'", "the browser that joined with a link cannot change"),
        ("revoked_at = now(), revoked_by = 'agent.amy'", "who revoked a link"),
    ):
        assert rule in refused(dba, f"UPDATE collab.link SET {change}"), change
    assert "cannot be deleted" in refused(dba, "DELETE FROM collab.link")
    assert "cannot be deleted" in refused(dba, "TRUNCATE collab.link CASCADE")
    assert "only the agent decides" in refused(
        dba,
        "UPDATE collab.join_request SET state = 'admitted', decided_by = 'agent.amy',"
        " decided_at = now()",
    )
    assert "cannot be changed, only decided" in refused(
        dba, "UPDATE collab.join_request SET name = 'Mallory'"
    )
    assert "comes from a browser" in refused(
        dba,
        "INSERT INTO collab.join_request (request_id, session_id, access_id, name, route,"
        " browser, address) VALUES ('R-00000000', %s, %s, 'Mallory', 'by_id', %s, %s)",
        session_id,
        session_id,
        THIRD,
        HERE,
    )
    assert "where its link or its request" in refused(
        dba, "UPDATE collab.browser SET state = 'joined', request_id = NULL"
    )
    assert "renewed by the join service only" not in refused(
        dba, f"UPDATE collab.browser SET cookie_hash = '{THIRD}'"
    ), "outside a join function a browser does not even get that far"
    assert "counts for a day" in refused(dba, "DELETE FROM collab.lobby_attempt")
    assert amy.join_requests(session_id) == [asked]
    assert amy.list_links(session_id) == [
        minted.link.replace(used_at=amy.list_links(session_id)[0].used_at)
    ]


def test_browsers_and_attempts_are_the_join_functions_alone(
    amys: tuple[PostgresStore, str], store: Open, psql: Sql
) -> None:
    amy, session_id = amys
    minted = mint(amy, session_id)
    svc = store(SVC)
    assert svc.redeem_link(token_of(minted), browser=FIRST, address=HERE, now=now())
    asked = svc.request_join(session_id, "Ruth Cohen", browser=SECOND, address=HERE, now=now())
    assert isinstance(asked, JoinRequest)
    raw = psql(AMY)

    for table in ("browser", "lobby_attempt"):
        assert "permission denied" in refused(
            raw, sql.SQL("SELECT * FROM {}").format(sql.Identifier("collab", table))
        )
    assert "permission denied" in refused(
        raw,
        "INSERT INTO collab.join_request (request_id, session_id, access_id, name, route,"
        " browser, address) VALUES ('R-00000000', %s, %s, 'Mallory', 'by_id', %s, %s)",
        session_id,
        session_id,
        THIRD,
        HERE,
    )
    assert "only the agent decides" in refused(
        raw,
        "UPDATE collab.join_request SET state = 'admitted', decided_by = 'agent.bob',"
        " decided_at = now()",
    )
    assert "permission denied" in refused(
        raw,
        "UPDATE collab.join_request SET state = 'admitted', decided_by = session_user,"
        " decided_at = now(), name = 'Mallory'",
    )
    assert (
        changed(
            raw,
            "UPDATE collab.join_request SET state = 'admitted', decided_by = session_user,"
            " decided_at = now()",
        )
        == 1
    )
    admitted = svc.browser_status(SECOND)
    assert admitted is not None
    assert admitted.state is BrowserState.JOINED, "raw SQL decides as the app does"
    assert "stays decided" in refused(
        raw,
        "UPDATE collab.join_request SET state = 'denied', decided_by = session_user,"
        " decided_at = now()",
    )
    (decided,) = amy.join_requests(session_id)
    assert decided.state is RequestState.ADMITTED


def test_the_lobby_limits_hold_for_the_join_login(
    amys: tuple[PostgresStore, str], store: Open
) -> None:
    from collab_console.core.lobby import MAX_REQUESTS_PER_ADDRESS

    _, session_id = amys
    svc = store(SVC)
    for n in range(MAX_REQUESTS_PER_ADDRESS):
        svc.request_join(f"ZZZZ-{n:04d}", "Mallory", browser=FIRST, address=HERE, now=now())

    assert (
        svc.request_join(session_id, "Ruth Cohen", browser=FIRST, address=HERE, now=now())
        is LobbyRefusal.RATE_LIMITED
    )
    joined = svc.request_join(session_id, "Ruth Cohen", browser=FIRST, address=THERE, now=now())
    assert isinstance(joined, JoinRequest)


# -- regenerating: the invitation that follows links really revoked ---------------------------

REVOKE_RUTHS = (
    "UPDATE collab.link SET revoked_at = transaction_timestamp(), revoked_by = session_user"
    " WHERE access_id = %s AND revoked_at IS NULL"
)
RESEND_TO_RUTH = (
    "INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel, recipient,"
    " resend) VALUES (%s, %s, %s, 'email', 'ruth@example.com', true)"
)
TOO_SOON = "wait before resending"


def invitation_ids(conn: psycopg.Connection[Any], session_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT invitation_id FROM collab.invitation WHERE session_id = %s ORDER BY id",
        (session_id,),
    ).fetchall()
    return [str(row[0]) for row in rows]


def test_a_regenerate_queues_the_invitation_inside_the_resend_interval(
    amys: tuple[PostgresStore, str], psql: Sql
) -> None:
    """Ruth's first invitation was queued moments ago: a resend must wait, a regenerate
    (Amy's links for her revoked) does not."""
    amy, session_id = amys
    minted = [mint(amy, session_id), mint(amy, session_id)]

    revoked, queued, _ = amy.regenerate_links(session_id, session_id, actor=AMY, now=now())

    assert revoked == 2
    assert queued is not None
    assert (queued.queued_by, queued.resend) == (AMY, True)
    assert invitation_ids(psql(ANA), session_id)[-1] == queued.invitation_id
    assert {link.link_id for link in amy.list_links(session_id)} == {
        each.link.link_id for each in minted
    }, "the sender makes the new link when it sends"


@pytest.mark.parametrize(
    "before",
    [
        pytest.param("", id="nothing-revoked"),
        pytest.param(f"{REVOKE_RUTHS} AND link_id = %s", id="one-of-two-revoked"),
        pytest.param("earlier", id="revoked-in-an-earlier-transaction"),
    ],
)
def test_a_raw_resend_inside_the_interval_without_stopping_every_link_is_refused(
    amys: tuple[PostgresStore, str], org: Org, psql: Sql, before: str
) -> None:
    amy, session_id = amys
    first = mint(amy, session_id)
    mint(amy, session_id)
    raw, admin = org.sql(AMY), psql(ANA)  # the raw one in one transaction until it ends
    if before == "earlier":
        raw.execute(REVOKE_RUTHS, (session_id,))
        raw.commit()
    elif before:
        assert changed(raw, before, session_id, first.link.link_id) == 1
    invited = invitation_ids(admin, session_id)

    assert TOO_SOON in refused(raw, RESEND_TO_RUTH, "I-FAKE0001", session_id, session_id)

    raw.rollback()
    assert invitation_ids(admin, session_id) == invited


def test_a_raw_regenerate_that_really_stops_the_links_queues_one_invitation(
    amys: tuple[PostgresStore, str], org: Org, psql: Sql
) -> None:
    amy, session_id = amys
    mint(amy, session_id)
    raw, admin = org.sql(AMY), psql(ANA)
    invited = invitation_ids(admin, session_id)
    raw.execute(REVOKE_RUTHS, (session_id,))
    raw.execute(RESEND_TO_RUTH, ("I-FAKE0001", session_id, session_id))

    assert TOO_SOON in refused(raw, RESEND_TO_RUTH, "I-FAKE0002", session_id, session_id), (
        "one invitation per regenerate"
    )
    raw.rollback()
    raw.execute(REVOKE_RUTHS, (session_id,))
    raw.execute(RESEND_TO_RUTH, ("I-FAKE0001", session_id, session_id))
    raw.commit()

    assert invitation_ids(admin, session_id) == [*invited, "I-FAKE0001"]
    assert amy.deliveries(session_id)[session_id].queued_by == AMY
    (link,) = amy.list_links(session_id)
    assert link.state(now()) is LinkState.REVOKED


# -- the schema itself -----------------------------------------------------------------------


def test_every_links_table_forces_row_level_security(psql: Sql) -> None:
    rows = (
        psql(CATALOGUE)
        .execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'collab' AND c.relname = ANY(%s)",
            (list(TABLES),),
        )
        .fetchall()
    )
    assert sorted(rows) == sorted((table, True, True) for table in TABLES)


def test_the_databases_link_state_is_the_cores(amys: tuple[PostgresStore, str], psql: Sql) -> None:
    """``collab.link_state`` (the join functions' rule) and ``Link.state`` agree everywhere."""
    _, session_id = amys
    raw = psql(AMY)
    made = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    for revoked, ended, first_only, used, expires, later in itertools.product(
        (False, True), (False, True), (False, True), (False, True), (None, 5), (0, 5, 9)
    ):
        link = Link(
            link_id="L-00000000",
            session_id=session_id,
            access_id=session_id,
            purpose=LinkPurpose.COPY,
            made_by=AMY,
            made_at=made,
            expires_at=None if expires is None else made + timedelta(minutes=expires),
            first_join_only=first_only,
            used_at=made if used else None,
            revoked_at=made if revoked else None,
            revoked_by=AMY if revoked else None,
            session_ended=ended,
        )
        when = made + timedelta(minutes=later)
        row = raw.execute(
            "SELECT collab.link_state(%s, %s, %s, %s, %s, %s)",
            (link.revoked_at, ended, first_only, link.used_at, link.expires_at, when),
        ).fetchone()
        assert row == (link.state(when).value,), link


def test_link_and_lobby_changes_are_announced_whoever_writes(
    amys: tuple[PostgresStore, str], psql: Sql
) -> None:
    amy, session_id = amys
    listener = psql(ANA)
    listener.execute("LISTEN collab_events")
    minted = mint(amy, session_id)
    raw = psql(AMY)
    changed(raw, "UPDATE collab.link SET revoked_at = now(), revoked_by = session_user")
    amy.set_lobby_locked(session_id, True, actor=AMY, now=now())

    heard = [json.loads(n.payload) for n in listener.notifies(timeout=1, stop_after=3)]

    assert [(h["kind"], h["session_id"]) for h in heard] == [
        ("links", session_id),
        ("links", session_id),
        ("lobby", session_id),
    ]
    assert minted.link.link_id not in repr(heard)
