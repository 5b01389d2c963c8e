"""Session links: the per-person secret behind a Session URL, and the rules it lives by.

A Session URL is the Session URL base followed by a token of
:data:`TOKEN_BYTES` random bytes from :mod:`secrets` (through
:mod:`~collab_console.core.randomness`), unrelated to any ID.
Every *Copy Session URL* and every invitation mints a fresh link for one
person; the store keeps the SHA-256 of the token (:func:`token_hash`) with who
made the link, when, for whom and why, never the token, so a stolen store
file holds no working link.

A link stops when it expires, when it was for the first join only and has
been used, when it is revoked, or when its session ends
(:meth:`Link.state`). What the person who opens it is told is declared here
once (:data:`REFUSALS`); the join service shows it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from collab_console.core import randomness
from collab_console.core.errors import LinkLimitError as LinkLimitError
from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _, isolate, ngettext
from collab_console.core.records import Record

#: 18 bytes: 144 random bits, written as 24 URL-safe base-64 characters.
TOKEN_BYTES = 18
TOKEN_LENGTH = 24
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{24}", re.ASCII)
#: A link's public name (``L-7QKM92HX``): for lists, revoking and the audit; it opens nothing.
LINK_ID_PATTERN = re.compile(r"L-[0-9A-HJKMNP-TV-Z]{8}", re.ASCII)
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class LinkPurpose(StrEnum):
    """Why a link was made. The values are stored."""

    COPY = "copy"
    INVITATION = "invitation"

    @property
    def label(self) -> str:
        """In the current language."""
        return _({LinkPurpose.COPY: N_("Copied"), LinkPurpose.INVITATION: N_("Invitation")}[self])


class LinkState(StrEnum):
    """Whether a link still opens its session, and if not, why. The values are stored
    in the audit trail's join entries."""

    LIVE = "live"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """In the current language."""
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    LinkState.LIVE: N_("Live"),
    LinkState.EXPIRED: N_("Expired"),
    LinkState.USED: N_("Used"),
    LinkState.REVOKED: N_("Revoked"),
    LinkState.ENDED: N_("Session ended"),
}


class Refusal(Record):
    """What the person who opened a link that no longer works is told (HTTP 410)."""

    title: str
    text: str


#: The join page's words for each stopped link: what happened and what to do.
REFUSALS = {
    LinkState.EXPIRED: Refusal(
        "This link has expired",
        "Links to a session work for a limited time. Ask the person who sent it for a new one.",
    ),
    LinkState.USED: Refusal(
        "This link has already been used",
        "It opened the session once and works only for that. "
        "Ask the person who sent it for a new one.",
    ),
    LinkState.REVOKED: Refusal(
        "This link was withdrawn",
        "The person who sent it has stopped it. Ask them for a new one.",
    ),
    LinkState.ENDED: Refusal(
        "This session has ended",
        "The session this link belongs to is over. There is nothing left to join.",
    ),
}


class Link(Record):
    """One person's link to a session, as the store keeps it: everything but the token."""

    link_id: str
    session_id: str
    #: Whose link: the person's own ID.
    access_id: str
    purpose: LinkPurpose
    made_by: str
    made_at: datetime
    #: None: the link lasts until the session ends.
    expires_at: datetime | None
    #: The link opens the session for the first browser that joins with it, and no other.
    first_join_only: bool
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    session_ended: bool = False

    def state(self, now: datetime) -> LinkState:
        """Why the link stopped, the strongest reason first, or LIVE."""
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.session_ended:
            return LinkState.ENDED
        if self.first_join_only and self.used_at is not None:
            return LinkState.USED
        if self.expires_at is not None and now >= self.expires_at:
            return LinkState.EXPIRED
        return LinkState.LIVE

    def is_live(self, now: datetime) -> bool:
        return self.state(now) is LinkState.LIVE


class MintedLink(Record):
    """A link just made, with the URL that carries its token.

    The only moment the token exists outside the person's hands: it goes to
    the clipboard or into an invitation, never into a log, a message or the
    store. ``repr`` leaves the URL out.
    """

    link: Link
    url: str

    def __repr__(self) -> str:
        return f"MintedLink({self.link.link_id} for {self.link.access_id})"


def new_token() -> str:
    return randomness.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the store keeps of a token (and of a browser's cookie): its SHA-256, in hex.

    A token has 144 random bits, so a plain hash is enough: nobody can search
    for a preimage, and the store can find a link by it with an index.
    """
    from hashlib import sha256

    return sha256(token.encode("ascii")).hexdigest()


def is_token(text: object) -> bool:
    return isinstance(text, str) and TOKEN_PATTERN.fullmatch(text) is not None


def new_link_id() -> str:
    return "L-" + "".join(randomness.choice(_ID_ALPHABET) for _ in range(8))


def normalise_link_id(text: str) -> str:
    """A link's name as a person types it (any case, spaces around) or ValidationError."""
    name = text.strip().upper()
    if not LINK_ID_PATTERN.fullmatch(name):
        # Never more than a link's name is echoed: a token pasted here must not reach
        # a terminal's scroll-back or a log.
        if len(text.strip()) <= 12:
            message = _("{text} is not a link's name (like {example})").format(
                text=isolate(repr(text.strip())), example=isolate("L-7QKM92HX")
            )
        else:
            message = _("that text is not a link's name (like {example})").format(
                example=isolate("L-7QKM92HX")
            )
        raise ValidationError(message)
    return name


def link_url(url_base: str, token: str) -> str:
    """The Session URL that carries ``token``: the (validated) base, then the token."""
    if not is_token(token):
        raise ValidationError("a Session URL needs a token made by new_token()")
    return url_base + token


def masked_link(url_base: str) -> str:
    """What the screen shows of a Session URL: the base, and dots for the token."""
    return url_base + "\u2022" * 4


def expires_at(
    purpose: LinkPurpose, now: datetime, *, copied_minutes: int, invitation_minutes: int
) -> datetime | None:
    """When a link made now for ``purpose`` expires; None: when its session ends (0 minutes)."""
    minutes = copied_minutes if purpose is LinkPurpose.COPY else invitation_minutes
    return None if minutes == 0 else now + timedelta(minutes=minutes)


def limit_refusal(
    *, live_for_person: int, made_by_agent_last_hour: int, max_live: int, max_per_hour: int
) -> str | None:
    """Why one more link may not be made now, or None. The store asks it in the minting
    transaction, with its own counts."""
    if live_for_person >= max_live:
        return ngettext(
            "this person already has {count} live link (at most {most}); "
            "revoke one, or regenerate their links",
            "this person already has {count} live links (at most {most}); "
            "revoke one, or regenerate their links",
            live_for_person,
        ).format(count=live_for_person, most=max_live)
    if made_by_agent_last_hour >= max_per_hour:
        return _(
            "you made {count} links in the last hour (at most {most}); "
            "try again later or ask an admin"
        ).format(count=made_by_agent_last_hour, most=max_per_hour)
    return None


class JoinPage(Record):
    """What a link's page may tell the person who opened it: never agent-only data."""

    session_id: str
    #: The person the link was made for, as the agent entered their name.
    person_name: str
    #: The agent who runs the session.
    agent: str


class LinkCheck(Record):
    """A known link, opened (not redeemed): its state, and what its page shows."""

    link: Link
    state: LinkState
    page: JoinPage


class RedeemResult(StrEnum):
    """What a click on *Join* did. The values are stored in the audit trail."""

    JOINED = "joined"
    #: The browser had joined with this link before: it simply goes back in.
    REJOINED = "rejoined"
    #: The link belongs to another browser: this one waits in the lobby, marked "link reused".
    LOBBY = "lobby"
    REFUSED = "refused"


class Redemption(Record):
    result: RedeemResult
    page: JoinPage
    #: The link's state when REFUSED (the page says which).
    state: LinkState = LinkState.LIVE
    #: The lobby request made for LOBBY.
    request_id: str | None = None
