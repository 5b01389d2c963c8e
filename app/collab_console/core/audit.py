"""The audit trail's entries: their kinds, their chain of hashes, and their export.

Every entry carries the SHA-256 of its content and of the entry before it
(:func:`chain_hash`), so an entry edited, removed or slipped in afterwards no
longer matches; :func:`verify_chain` finds the first one that does not, and
:func:`verify_slice` checks a bounded part of the trail at a time (a store's
``verify_audit_slice``), so that a long trail is checked without holding the
store for long. The
chain makes tampering evident; it does not prevent it: whoever can write the
store file can also recompute every hash after an edit (there is no secret in
it). ``collab-console audit verify`` prints the newest hash so that an admin can
keep it elsewhere and notice a rewritten history later.

An entry holds what an audit needs and no more: who (and in which role), what,
when, references to the session and person, a masked contact. Never a Session
URL, a token, a passphrase or a full contact.

Exports: CSV as RFC 4180 (``\\r\\n`` line ends, quoted where needed) with
spreadsheet formulas defused (see :func:`_defuse`), and JSON lines, one object
per entry. :func:`read_csv` and :func:`read_jsonl` read them back exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum

from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record, field

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

# json, csv and io are imported where they are used: the console loads this module
# (through the store's interface) on its way to the first paint.


class AuditKind(StrEnum):
    """What an entry records. The values are stored; the store's schema lists the same."""

    SETTING = "setting"
    ACKNOWLEDGEMENT = "acknowledgement"
    SESSION_STARTED = "session_started"
    SESSION_ENDED = "session_ended"
    COPY = "copy"
    UNLOCK = "unlock"
    ADMIN_ADDED = "admin_added"
    ADMIN_REMOVED = "admin_removed"
    PASSPHRASE_CHANGED = "passphrase_changed"
    LINK_MADE = "link_made"
    LINK_REVOKED = "link_revoked"
    #: A link was refused: a limit an admin set was reached.
    LINK_LIMIT = "link_limit"
    #: A click on *Join* on the join service (``result``: ``core.links.RedeemResult``).
    JOIN = "join"
    #: A request to join by ID, put to the agent or refused (``core.lobby``).
    JOIN_REQUEST = "join_request"
    JOIN_DECISION = "join_decision"
    LOBBY_LOCK = "lobby_lock"
    #: A participant's derived ID (``…-P1``) replaced by a random one when the store moved on.
    PARTICIPANT_ID_CHANGED = "participant_id_changed"
    #: A login given access to a session (``detail``: the grantee; ``new_value``: as
    #: ``supervisor`` or ``co_agent``). Organisation mode only: see :data:`ORG_ONLY_KINDS`.
    SESSION_SHARED = "session_shared"
    #: That access taken away (``detail``: the grantee; ``old_value``: what it was).
    SESSION_UNSHARED = "session_unshared"
    #: A document participant added to an active session (``contact``: masked).
    PARTICIPANT_ADDED = "participant_added"
    #: An invitation put in the outbox (``detail``: its ``I-…`` name; ``new_value``:
    #: ``first`` or ``resend``; ``contact``: the recipient, masked).
    INVITATION_QUEUED = "invitation_queued"
    #: Handed to the mail server or the SMS gateway (``new_value``: ``sms`` or ``email``;
    #: ``result``: ``sent``).
    INVITATION_SENT = "invitation_sent"
    #: A try that failed (``new_value``: the reason; ``result``: ``retry`` when it is tried
    #: again, ``failed`` when it is given up).
    INVITATION_FAILED = "invitation_failed"
    #: The gateway reported it delivered (``result``: ``delivered``).
    INVITATION_DELIVERED = "invitation_delivered"

    @property
    def label(self) -> str:
        """In the current language."""
        return _(_KIND_LABELS[self])


#: Kinds only the organisation's store records: sessions are shared between logins of the
#: database. The embedded store's schema lists every other kind (its CHECK is not widened
#: for entries it can never make: that would take a migration rebuilding its audit table).
ORG_ONLY_KINDS = (AuditKind.SESSION_SHARED, AuditKind.SESSION_UNSHARED)


_KIND_LABELS = {
    AuditKind.SETTING: N_("Setting changed"),
    AuditKind.ACKNOWLEDGEMENT: N_("Warning acknowledged"),
    AuditKind.SESSION_STARTED: N_("Session started"),
    AuditKind.SESSION_ENDED: N_("Session ended"),
    AuditKind.COPY: N_("Copied"),
    AuditKind.UNLOCK: N_("Unlock attempt"),
    AuditKind.ADMIN_ADDED: N_("Admin added"),
    AuditKind.ADMIN_REMOVED: N_("Admin removed"),
    AuditKind.PASSPHRASE_CHANGED: N_("Passphrase changed"),
    AuditKind.LINK_MADE: N_("Link made"),
    AuditKind.LINK_REVOKED: N_("Link revoked"),
    AuditKind.LINK_LIMIT: N_("Link limit reached"),
    AuditKind.JOIN: N_("Join"),
    AuditKind.JOIN_REQUEST: N_("Request to join"),
    AuditKind.JOIN_DECISION: N_("Request decided"),
    AuditKind.LOBBY_LOCK: N_("Lobby (un)locked"),
    AuditKind.PARTICIPANT_ID_CHANGED: N_("New participant ID"),
    AuditKind.SESSION_SHARED: N_("Session shared"),
    AuditKind.SESSION_UNSHARED: N_("Session unshared"),
    AuditKind.PARTICIPANT_ADDED: N_("Participant added"),
    AuditKind.INVITATION_QUEUED: N_("Invite queued"),
    AuditKind.INVITATION_SENT: N_("Invite sent"),
    AuditKind.INVITATION_FAILED: N_("Invite failed"),
    AuditKind.INVITATION_DELIVERED: N_("Invite delivered"),
}


#: What an invitation's entries say of it in ``result``.
INVITATION_RESULTS = ("sent", "delivered", "retry", "failed")


class ActorRole(StrEnum):
    """In which role the actor acted."""

    AGENT = "agent"
    ADMIN = "admin"
    #: ``--demo`` filling a store nobody has used.
    DEMO = "demo"
    #: Another program wrote to the store, without naming itself.
    OUTSIDE = "outside"
    #: Recorded before the store knew roles (entries migrated from older versions).
    UNKNOWN = "unknown"
    #: A browser on the join service; the actor is its address.
    VISITOR = "visitor"


class UnlockResult(StrEnum):
    """How an attempt to unlock as an admin ended."""

    OK = "ok"
    WRONG_PASSPHRASE = "wrong_passphrase"
    #: Refused unchecked: too soon after failed attempts for that name.
    TOO_SOON = "too_soon"


#: What the hash of an entry covers, in this order (the store's SQL passes the same).
HASHED_FIELDS = (
    "seq",
    "at",
    "kind",
    "actor",
    "actor_role",
    "session_id",
    "participant_id",
    "detail",
    "old_value",
    "new_value",
    "warning_version",
    "contact",
    "result",
)
#: The columns of an export: the hashed content, then the chain.
EXPORT_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")
#: The "previous hash" of the first entry.
GENESIS = "0" * 64


class AuditEntry(Record):
    """One entry of the append-only audit trail, as the store dated and chained it."""

    #: Its place in the trail: 1, 2, 3… without gaps.
    seq: int
    #: When the store recorded it (its own clock, UTC).
    at: datetime
    kind: AuditKind
    #: Who: an admin's name, an agent's account, ``demo``, or "unknown (outside Collab Console)".
    actor: str
    actor_role: ActorRole
    session_id: str | None = None
    #: The person's own ID (the Session ID for the customer, ``K9ZC-3HNP``… for the others).
    participant_id: str | None = None
    #: Which setting; which detail was copied (id, url, both); which admin.
    detail: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    #: The version of the security warning in force or acknowledged.
    warning_version: int | None = None
    #: Masked, never in full (``+44 •••• ••12``).
    contact: str | None = None
    #: How it ended: an unlock attempt (:class:`UnlockResult`), a join
    #: (``core.links.RedeemResult``), a request to join (``core.lobby.RequestState`` or
    #: ``LobbyRefusal``), an invitation (:data:`INVITATION_RESULTS`).
    result: str | None = None
    prev_hash: str = GENESIS
    hash: str = ""
    #: ``at`` exactly as the store wrote it: what the hash covers.
    stamp: str = ""

    @property
    def subject(self) -> str:
        """What the entry is about, in a few characters (for lists and messages)."""
        if self.session_id:  # sessions, copies, links and joins
            sid = self.session_id
            if self.participant_id and self.participant_id != sid:
                return f"{sid} / {self.participant_id}"
            return sid
        return self.detail or ""

    def content(self) -> tuple[object, ...]:
        """The hashed values in :data:`HASHED_FIELDS` order, as the store holds them."""
        return (
            self.seq,
            self.stamp,
            str(self.kind),
            self.actor,
            str(self.actor_role),
            self.session_id,
            self.participant_id,
            self.detail,
            self.old_value,
            self.new_value,
            self.warning_version,
            self.contact,
            self.result,
        )

    def row(self) -> dict[str, object]:
        """Every exported field by name (:data:`EXPORT_FIELDS`)."""
        return dict(zip(EXPORT_FIELDS, (*self.content(), self.prev_hash, self.hash), strict=True))

    def describe(self) -> str:
        """``#42 (2026-03-02 09:00 UTC, setting by admin.ana)``: names an entry in a message."""
        return _("#{seq} ({at} UTC, {kind} by {actor})").format(
            seq=self.seq,
            at=isolate(f"{self.at:%Y-%m-%d %H:%M:%S}"),
            kind=isolate(str(self.kind)),
            actor=isolate(self.actor),
        )


def chain_hash(prev_hash: str, content: Iterable[object]) -> str:
    """SHA-256 (hex) of canonical JSON of ``content`` (:data:`HASHED_FIELDS`) and ``prev_hash``.

    Canonical: an object with sorted keys, no spaces, ASCII only; ``None`` is
    ``null``. The store's SQL calls this same function for every new entry.
    """
    import hashlib

    global _encode
    if _encode is None:
        import json

        _encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode
    values = dict(zip(HASHED_FIELDS, content, strict=True))
    values["prev_hash"] = prev_hash
    return hashlib.sha256(_encode(values).encode("ascii")).hexdigest()


#: The canonical JSON encoder, made on first use (one per call would double the cost).
_encode: Callable[[object], str] | None = None


class AuditBreak(Record):
    """Where the chain stops matching: the first entry that is not what was recorded."""

    #: The sequence number of the first bad entry (or of the first missing one).
    seq: int
    #: One sentence, lower case first: what does not match.
    reason: str
    #: The bad entry, when it is there and readable.
    entry: AuditEntry | None = None
    #: The bad entry as :func:`verify_rows` saw it (:data:`EXPORT_FIELDS` order).
    row: tuple[object, ...] | None = field(default=None, compare=False)

    @property
    def message(self) -> str:
        """One line for the CLI and the console's warning."""
        where = self.entry.describe() if self.entry is not None else f"#{self.seq}"
        return _("the audit trail was altered: entry {entry} {reason}").format(
            entry=where, reason=self.reason
        )


def verify_chain(
    entries: Iterable[AuditEntry], *, last_seq: int | None = None
) -> AuditBreak | None:
    """The first entry (oldest first) that breaks the chain, or None when all match.

    ``entries`` must come oldest first. An entry breaks the chain when its
    number is not the next one (one was removed or slipped in), when it does
    not name the hash of the entry before it, or when its own hash does not
    match its content (it was edited). ``last_seq``, the last number the store
    handed out, reveals entries removed from the end.
    """
    seen: list[AuditEntry] = []

    def rows() -> Iterator[tuple[object, ...]]:
        for entry in entries:
            seen[:] = [entry]
            yield (*entry.content(), entry.prev_hash, entry.hash)

    found = verify_rows(rows(), last_seq=last_seq)
    if found is None or found.row is None:
        return found
    return found.replace(entry=seen[0], row=None)


def verify_rows(
    rows: Iterable[Sequence[object]], *, last_seq: int | None = None
) -> AuditBreak | None:
    """:func:`verify_chain` over rows as the store holds them (:data:`EXPORT_FIELDS` order).

    What a store checks 100 000 entries with (about 1 s): no entry is built
    unless one breaks the chain; the break carries that ``row``. The whole
    trail at once; :func:`verify_slice` checks a part of it.
    """
    return verify_slice(rows, at_end=True, last_seq=last_seq).found


class AuditProgress(Record):
    """How far a check of the chain has come, slice by slice (:func:`verify_slice`)."""

    #: The number of the last entry that matched (0 before the first).
    last_seq: int
    #: That entry's hash (:data:`GENESIS` before the first): the next slice's ``prev_hash``.
    last_hash: str
    #: The check reached the end of the trail (and, with ``found`` None, all of it matched).
    at_end: bool
    #: The first entry that breaks the chain, once one did.
    found: AuditBreak | None = None

    @property
    def finished(self) -> bool:
        """Nothing is left to check: the chain broke, or the end was reached."""
        return self.found is not None or self.at_end


def verify_slice(
    rows: Iterable[Sequence[object]],
    *,
    after_seq: int = 0,
    prev_hash: str = GENESIS,
    at_end: bool,
    last_seq: int | None = None,
) -> AuditProgress:
    """Check ``rows``, the entries that follow entry ``after_seq`` (whose hash is ``prev_hash``).

    ``rows`` come oldest first, as the store holds them (:data:`EXPORT_FIELDS`
    order), and must be every entry numbered past ``after_seq`` up to the last
    one given: a store reads them with ``seq > after_seq ORDER BY seq LIMIT n``.
    ``at_end`` says they reach the end of the trail (the store read fewer than
    it asked for); then ``last_seq``, the last number the store handed out,
    reveals entries removed from the end. The same rules as :func:`verify_rows`,
    which is this over the whole trail.
    """
    expected_prev, expected_seq = prev_hash, after_seq + 1

    def progress(found: AuditBreak | None = None) -> AuditProgress:
        return AuditProgress(expected_seq - 1, expected_prev, at_end, found)

    size = len(HASHED_FIELDS)
    for row in rows:
        seq = row[0]
        if not isinstance(seq, int):
            return progress(AuditBreak(expected_seq, _("has no number"), row=tuple(row)))
        if seq > expected_seq:
            reason = _("is missing (#{seq} follows #{before})").format(
                seq=seq, before=expected_seq - 1
            )
            return progress(AuditBreak(expected_seq, reason))
        if seq < expected_seq:
            reason = _("is out of order (it follows #{before})").format(before=expected_seq - 1)
            return progress(AuditBreak(seq, reason, row=tuple(row)))
        row_prev, digest = row[size], row[size + 1]
        if row_prev != expected_prev:
            reason = _("does not follow the entry before it")
            return progress(AuditBreak(seq, reason, row=tuple(row)))
        if not isinstance(row_prev, str) or chain_hash(row_prev, row[:size]) != digest:
            reason = _("does not match its hash (it was changed)")
            return progress(AuditBreak(seq, reason, row=tuple(row)))
        expected_prev, expected_seq = str(digest), expected_seq + 1
    if at_end and last_seq is not None and last_seq >= expected_seq:
        return progress(
            AuditBreak(
                expected_seq,
                _("is missing (the store numbered {count} entries; {left} are left)").format(
                    count=last_seq, left=expected_seq - 1
                ),
            )
        )
    return progress()


def verify_in_slices(
    verify_audit_slice: Callable[[int, str, int], AuditProgress], limit: int
) -> AuditBreak | None:
    """The first break of the whole chain, checked ``limit`` entries at a time.

    ``verify_audit_slice`` is a store's (``after_seq, prev_hash, limit``): how
    every backend's ``verify_audit`` checks the trail, as the console does a
    slice per call.
    """
    progress = AuditProgress(0, GENESIS, at_end=False)
    while not progress.finished:
        progress = verify_audit_slice(progress.last_seq, progress.last_hash, limit)
    return progress.found


# -- what to show --------------------------------------------------------------------------


class AuditQuery(Record):
    """A filter over the audit trail, as the Audit log page and the export use it.

    Times are compared with the store's own: ``since`` inclusive, ``until``
    exclusive. ``person`` is an actor's name (any case); ``text`` is found in
    any field but the hashes (any case, as typed, no wildcards).
    """

    kinds: frozenset[AuditKind] | None = None
    person: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    #: At most this many entries (None: all).
    limit: int | None = 200
    #: Oldest first (the export), instead of newest first (the page).
    oldest_first: bool = False
    #: Only entries numbered below this one (a keyset cursor: the page after the
    #: entries shown is ``before_seq=`` the oldest one's number). None: from the newest.
    before_seq: int | None = None

    def __post_init__(self) -> None:
        for moment in (self.since, self.until):
            if moment is not None and moment.tzinfo is None:
                raise ValidationError(_("an audit filter needs times with their time zone"))
        if self.limit is not None and self.limit < 0:
            raise ValidationError(_("an audit filter's limit cannot be negative"))


def parse_moment(text: str, *, end_of_day: bool = False) -> datetime:
    """A date (``2026-03-02``) or time (``2026-03-02T09:30``, ``…+02:00``) a user typed.

    Without a zone it is UTC, as the audit's times are. A bare date is the
    start of that day, or with ``end_of_day`` the start of the next, so that
    ``--until 2026-03-02`` includes the whole of the 2nd.
    """
    shown = isolate(repr(text)) if len(text) <= 40 else _("that text")
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:
            day = datetime.strptime(cleaned, "%Y-%m-%d").replace(tzinfo=UTC)
            if end_of_day:
                from datetime import timedelta

                day += timedelta(days=1)
            return day
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(
            _("{text} is not a date; write it like {day} or {moment}").format(
                text=shown, day=isolate("2026-03-02"), moment=isolate("2026-03-02T09:30")
            )
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- export --------------------------------------------------------------------------------

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _defuse(value: object) -> str:
    """A CSV cell: ``None`` empty, and a text a spreadsheet would run as a formula quoted.

    A leading ``'`` makes a spreadsheet show the rest as text; a value that
    already starts with ``'`` gets one more, so :func:`_restore` is exact.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def write_csv(entries: Iterable[AuditEntry], out: TextIO) -> int:
    """Write a header and one RFC 4180 record per entry to ``out``; return how many.

    Open files for it with ``newline=""``, as the csv module asks.
    """
    import csv

    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for entry in entries:
        writer.writerow([_defuse(value) for value in entry.row().values()])
        count += 1
    return count


def write_jsonl(entries: Iterable[AuditEntry], out: TextIO) -> int:
    """Write one JSON object per line to ``out``, no header; return how many."""
    import json

    count = 0
    for entry in entries:
        out.write(json.dumps(entry.row(), ensure_ascii=False) + "\n")
        count += 1
    return count


def export_text(entries: Iterable[AuditEntry], fmt: str) -> str:
    """The whole export in ``fmt`` (``csv`` or ``jsonl``) as one text."""
    import io

    buffer = io.StringIO(newline="")
    {"csv": write_csv, "jsonl": write_jsonl}[fmt](entries, buffer)
    return buffer.getvalue()


def _entry_from(row: dict[str, Any]) -> AuditEntry:
    def optional_int(value: object) -> int | None:
        return None if value in (None, "") else int(str(value))

    def optional_text(value: object) -> str | None:
        return None if value in (None, "") else str(value)

    stamp = str(row["at"])
    return AuditEntry(
        seq=int(str(row["seq"])),
        at=datetime.fromisoformat(stamp),
        kind=AuditKind(row["kind"]),
        actor=str(row["actor"]),
        actor_role=ActorRole(row["actor_role"]),
        session_id=optional_text(row["session_id"]),
        participant_id=optional_text(row["participant_id"]),
        detail=optional_text(row["detail"]),
        old_value=optional_text(row["old_value"]),
        new_value=optional_text(row["new_value"]),
        warning_version=optional_int(row["warning_version"]),
        contact=optional_text(row["contact"]),
        result=optional_text(row["result"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
        stamp=stamp,
    )


def read_csv(text: str) -> list[AuditEntry]:
    """The entries of a :func:`write_csv` export (a wrong header or row raises ValueError)."""
    import csv
    import io

    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None or tuple(header) != EXPORT_FIELDS:
        raise ValueError("not an audit export: the header is not the expected one")
    return [_entry_from(dict(zip(EXPORT_FIELDS, map(_restore, row), strict=True))) for row in rows]


def read_jsonl(text: str) -> list[AuditEntry]:
    """The entries of a :func:`write_jsonl` export."""
    import json

    return [_entry_from(json.loads(line)) for line in _lines(text)]


def _lines(text: str) -> Iterator[str]:
    # Only "\n" ends a line: JSON escapes it inside strings, but not U+2028.
    for line in text.split("\n"):
        if line:
            yield line
