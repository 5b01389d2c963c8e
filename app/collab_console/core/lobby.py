"""The lobby: how a person who has only an ID, or a link used elsewhere, asks to join.

The Session ID admits nobody alone. On the join service's page a person types
the ID they were given and their name; the request waits until the agent
admits or denies it in the console. A link opened in a second browser (after
another browser joined with it) lands here too, marked "link reused".

The limits and every sentence the person reads are declared here once; the
store counts and enforces them in the transaction that records a request.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from collab_console.core import randomness
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record

REQUEST_ID_PATTERN = re.compile(r"R-[0-9A-HJKMNP-TV-Z]{8}", re.ASCII)
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

#: The window in which requests are counted for the limits below.
RATE_WINDOW = timedelta(minutes=10)
#: Requests one address may make in :data:`RATE_WINDOW`, for any ID, known or not.
MAX_REQUESTS_PER_ADDRESS = 10
#: Requests naming one ID in :data:`RATE_WINDOW`, from any address; one more locks the lobby.
MAX_REQUESTS_PER_ID = 5
#: Denied requests after which a session's lobby locks itself.
LOCK_AFTER_DENIALS = 3
#: The longest name a person may give (what the agent reads is theirs, unverified).
MAX_NAME_LENGTH = 80


class JoinRoute(StrEnum):
    """How the person arrived. The values are stored."""

    BY_ID = "by_id"
    LINK_REUSED = "link_reused"

    @property
    def label(self) -> str:
        """In the current language."""
        return _(
            {JoinRoute.BY_ID: N_("typed the ID"), JoinRoute.LINK_REUSED: N_("link reused")}[self]
        )


class RequestState(StrEnum):
    WAITING = "waiting"
    ADMITTED = "admitted"
    DENIED = "denied"


class JoinRequest(Record):
    """A request to join, as the agent sees it. The name is what the person typed."""

    request_id: str
    session_id: str
    #: The ID typed, or the owner of the reused link: whom the person claims to be.
    access_id: str
    name: str
    route: JoinRoute
    #: The link reused, for LINK_REUSED.
    link_id: str | None
    #: Where the request came from, as the join service saw it.
    address: str
    made_at: datetime
    state: RequestState = RequestState.WAITING
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def how(self) -> str:
        """How the person arrived, for the agent: "typed the ID 7QKM-92HX from 203.0.113.5"."""
        if self.route is JoinRoute.LINK_REUSED:
            return _("link {link_id} reused, from {address}").format(
                link_id=isolate(str(self.link_id)), address=isolate(self.address)
            )
        return _("typed the ID {access_id}, from {address}").format(
            access_id=isolate(self.access_id), address=isolate(self.address)
        )


class LobbyRefusal(StrEnum):
    """Why a request was not put to the agent. The values are stored in the audit."""

    RATE_LIMITED = "rate_limited"
    LOCKED = "locked"
    UNKNOWN_ID = "unknown_id"
    ENDED = "ended"

    @property
    def sentence(self) -> str:
        return _LOBBY_REFUSALS[self]


_LOBBY_REFUSALS = {
    LobbyRefusal.RATE_LIMITED: (
        "Too many requests came from here. Wait ten minutes, then try again."
    ),
    LobbyRefusal.LOCKED: (
        "This session is not taking requests to join. Ask your agent for a new invitation."
    ),
    LobbyRefusal.UNKNOWN_ID: (
        "There is no session waiting for that ID. Check the ID with the person who gave it to you."
    ),
    LobbyRefusal.ENDED: "That session has ended. There is nothing left to join.",
}

#: What the person waiting in the lobby reads, by the state of their request.
WAITING_TEXT = "Your agent has been told you are here. This page updates by itself."
DENIED_TEXT = "Your agent did not let this request in. If this is a mistake, call them."
JOINED_TEXT = "You are in the session."


def new_request_id() -> str:
    return "R-" + "".join(randomness.choice(_ID_ALPHABET) for _ in range(8))


class BrowserState(StrEnum):
    JOINED = "joined"
    WAITING = "waiting"
    DENIED = "denied"
    #: It had joined, and then its link was revoked or its session ended: it is out.
    STOPPED = "stopped"


class BrowserStatus(Record):
    """Where a browser stands, by its cookie: in the session, in the lobby, or turned away."""

    state: BrowserState
    session_id: str
    #: Whom the browser joined as (the link's person), or the name typed in the lobby.
    name: str
    agent: str
    request_id: str | None = None
    #: Why a STOPPED browser is out: ``LinkState.REVOKED`` or ``LinkState.ENDED``
    #: (the page says it with ``core.links.REFUSALS``).
    stopped_because: str | None = None
    #: How a WAITING browser's request came (the page says when its link was used
    #: elsewhere); None for the other states.
    route: JoinRoute | None = None
