"""The join service on the organisation database, connected as its own login (``join.svc``).

That login holds no right on any table (``tests/org/test_org_links.py``); these
tests show the service still does its whole job through the functions made for
it: a link's page, a join, a second browser sent to the lobby as "link reused",
the agent's decision reaching that browser, and a request by a typed ID.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS
from collab_console.core.links import LinkPurpose
from collab_console.core.lobby import DENIED_TEXT, JOINED_TEXT, WAITING_TEXT, JoinRoute
from collab_console.join_service.app import JoinService
from collab_console.join_service.security import COOKIE_NAME
from collab_console.store import Store, seed_demo
from tests.org.conftest import Org

BASE = "/join/"
STATUS = BASE + "status"


@pytest.fixture
def agent_side(org: Org) -> Store:
    """The demo data, and the store of the admin who acts as the agent here."""
    store = org.connect("admin.ana")
    assert seed_demo(store)
    return store


@pytest.fixture
def service(org: Org, agent_side: Store) -> Iterator[JoinService]:
    made = JoinService(lambda: org.connect("join.svc"), threads=2)
    yield made
    made.close()


def browser(service: JoinService) -> TestClient:
    return TestClient(service.app, follow_redirects=False)


def mint(store: Store, access_id: str = DEMO_ACTIVE_ID) -> str:
    minted, _ = store.mint_link(
        DEMO_ACTIVE_ID,
        access_id,
        purpose=LinkPurpose.COPY,
        actor="admin.ana",
        now=datetime.now(UTC),
    )
    base = store.load_settings().session_url_base
    return minted.url[len(base) :]


def cookie_of(response: Any) -> str:
    match = re.match(rf"{COOKIE_NAME}=([^;]+)", response.headers.get("set-cookie", ""))
    assert match, response.headers
    return match.group(1)


def test_the_join_login_shows_a_link_and_joins_a_browser(
    service: JoinService, agent_side: Store
) -> None:
    token = mint(agent_side)
    with browser(service) as first:
        page = first.get(BASE + token)
        assert page.status_code == 200
        assert "Dana Levi" in page.text

        joined = first.post(BASE + token)
        assert joined.status_code == 303
        assert cookie_of(joined)
        status = first.get(STATUS)
        assert status.status_code == 200
        assert JOINED_TEXT in status.text

    [link] = [x for x in agent_side.list_links(DEMO_ACTIVE_ID) if x.used_at is not None]
    assert link.made_by == "admin.ana"


def test_a_second_browser_waits_as_link_reused_until_the_agent_decides(
    service: JoinService, agent_side: Store
) -> None:
    token = mint(agent_side)
    with browser(service) as first:
        assert first.post(BASE + token).status_code == 303
    with browser(service) as second:
        assert second.post(BASE + token).status_code == 303
        page = second.get(STATUS).text
        assert WAITING_TEXT in page
        assert "already used in another browser" in page

        [request] = agent_side.join_requests(DEMO_ACTIVE_ID)
        assert request.route is JoinRoute.LINK_REUSED
        agent_side.decide_join(
            request.request_id, admit=False, actor="admin.ana", now=datetime.now(UTC)
        )
        assert DENIED_TEXT in second.get(STATUS).text


def test_a_typed_id_asks_to_join_and_the_agent_admits_it(
    service: JoinService, agent_side: Store
) -> None:
    grace = DEMO_PARTICIPANT_IDS[1]
    with browser(service) as visitor:
        lobby = visitor.get(BASE)
        assert lobby.status_code == 200
        asked = visitor.post(
            BASE,
            data={"session_id": grace, "name": "Grace Kim"},
            headers={"origin": "http://testserver"},
        )
        assert asked.status_code == 303, asked.text
        assert WAITING_TEXT in visitor.get(STATUS).text

        [request] = agent_side.join_requests(DEMO_ACTIVE_ID)
        assert (request.route, request.name) == (JoinRoute.BY_ID, "Grace Kim")
        agent_side.decide_join(
            request.request_id, admit=True, actor="admin.ana", now=datetime.now(UTC)
        )
        assert JOINED_TEXT in visitor.get(STATUS).text
