"""The audit trail in the core: kinds, the chain of hashes, verifying it, exporting it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_console.core.audit import (
    EXPORT_FIELDS,
    GENESIS,
    HASHED_FIELDS,
    ORG_ONLY_KINDS,
    ActorRole,
    AuditEntry,
    AuditKind,
    UnlockResult,
    chain_hash,
    export_text,
    parse_moment,
    read_csv,
    read_jsonl,
    verify_chain,
)
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.errors import ValidationError
from collab_console.store import pg_schema, sqlite_schema

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chained(*contents: dict[str, object]) -> list[AuditEntry]:
    """Entries numbered from 1, dated a minute apart, each chained to the one before."""
    entries, prev = [], GENESIS
    for seq, content in enumerate(contents, 1):
        at = T0 + timedelta(minutes=seq)
        stamp = f"{at:%Y-%m-%dT%H:%M:%S}.000+00:00"
        fields: dict[str, object] = {
            "kind": AuditKind.COPY,
            "actor": "agent.kai",
            "actor_role": ActorRole.AGENT,
            **content,
        }
        entry = AuditEntry(seq=seq, at=at, stamp=stamp, prev_hash=prev, **fields)  # type: ignore[arg-type]
        entry = entry.replace(hash=chain_hash(prev, entry.content()))
        entries.append(entry)
        prev = entry.hash
    return entries


TRAIL = chained(
    {
        "kind": AuditKind.SETTING,
        "actor": "admin.ana",
        "actor_role": ActorRole.ADMIN,
        "detail": "copy_session_url",
        "old_value": "off",
        "new_value": "on",
        "warning_version": 1,
    },
    {
        "session_id": "7QKM-92HX",
        "participant_id": "K9ZC-3HNP",
        "detail": "url",
        "contact": "g••••@example.org",
    },
    {"kind": AuditKind.UNLOCK, "detail": "admin.ana", "result": UnlockResult.WRONG_PASSPHRASE},
    {
        "kind": AuditKind.SESSION_ENDED,
        "session_id": "7QKM-92HX",
        "old_value": "active",
        "new_value": "ended",
    },
)


# -- one declaration, shared with the store ------------------------------------------------


def test_the_store_s_schema_lists_the_same_kinds_roles_results_and_hashed_columns() -> None:
    """The embedded store's vocabulary is every kind but those only the organisation's
    store records; the organisation's schema lists them all."""
    assert tuple(kind.value for kind in AuditKind) == pg_schema.AUDIT_KINDS
    assert ORG_ONLY_KINDS, "sharing a session is recorded"
    assert tuple(kind.value for kind in AuditKind if kind not in ORG_ONLY_KINDS) == (
        sqlite_schema.AUDIT_KINDS
    )
    assert tuple(role.value for role in ActorRole) == sqlite_schema.ACTOR_ROLES
    assert tuple(result.value for result in UnlockResult) == sqlite_schema.UNLOCK_RESULTS
    assert ("id", *HASHED_FIELDS[1:]) == sqlite_schema.HASHED_COLUMNS


def test_every_kind_has_a_label() -> None:
    assert {kind.label for kind in AuditKind} >= {"Setting changed", "Unlock attempt", "Copied"}
    assert {kind.label for kind in ORG_ONLY_KINDS} == {"Session shared", "Session unshared"}
    assert len({kind.label for kind in AuditKind}) == len(AuditKind), "no two kinds look alike"


# -- the chain -----------------------------------------------------------------------------


def test_the_hash_is_sha_256_of_canonical_json_pinned_for_outside_verifiers() -> None:
    """Changing the canonical form would break every stored chain: this pins it."""
    content = (
        1,
        "2026-03-02T09:00:00.000+00:00",
        "copy",
        "kai",
        "agent",
        "7QKM-92HX",
        "7QKM-92HX",
        "id",
        None,
        None,
        None,
        "+1 •••• ••00",
        None,
    )
    import hashlib

    canonical = (
        '{"actor":"kai","actor_role":"agent","at":"2026-03-02T09:00:00.000+00:00",'
        '"contact":"+1 \\u2022\\u2022\\u2022\\u2022 \\u2022\\u202200","detail":"id",'
        '"kind":"copy","new_value":null,"old_value":null,"participant_id":"7QKM-92HX",'
        f'"prev_hash":"{GENESIS}","result":null,"seq":1,"session_id":"7QKM-92HX",'
        '"warning_version":null}'
    )
    assert chain_hash(GENESIS, content) == hashlib.sha256(canonical.encode()).hexdigest()


def test_an_intact_chain_verifies() -> None:
    assert verify_chain(TRAIL) is None
    assert verify_chain([]) is None
    assert verify_chain(TRAIL, last_seq=len(TRAIL)) is None


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(TRAIL) - 1),
    field=st.sampled_from(["actor", "detail", "old_value", "contact", "stamp", "result"]),
    value=st.text(min_size=1, max_size=20),
)
def test_any_edit_of_any_entry_is_caught_at_that_entry(index: int, field: str, value: str) -> None:
    entries = list(TRAIL)
    if getattr(entries[index], field) == value:
        return
    entries[index] = entries[index].replace(**{field: value})

    found = verify_chain(entries)

    assert found is not None
    assert (found.seq, found.reason) == (index + 1, "does not match its hash (it was changed)")
    assert found.entry == entries[index]


def test_a_removed_entry_is_named_and_the_next_one_does_not_fit() -> None:
    found = verify_chain([TRAIL[0], TRAIL[2], TRAIL[3]])

    assert found is not None
    assert found.message == "the audit trail was altered: entry #2 is missing (#3 follows #1)"


def test_entries_removed_from_the_end_are_caught_by_the_last_number() -> None:
    found = verify_chain(TRAIL[:2], last_seq=4)

    assert found is not None
    assert found.message == (
        "the audit trail was altered: entry #3 is missing "
        "(the store numbered 4 entries; 2 are left)"
    )


def test_an_entry_moved_or_chained_elsewhere_is_caught() -> None:
    swapped = verify_chain([TRAIL[0], TRAIL[1], TRAIL[3], TRAIL[2]])
    renumbered = [TRAIL[0], TRAIL[2].replace(seq=2)]
    relinked = verify_chain(renumbered)

    assert swapped is not None
    assert swapped.seq == 3
    assert relinked is not None
    assert relinked.seq == 2


def test_a_break_names_the_entry_for_a_person() -> None:
    found = verify_chain([TRAIL[0], TRAIL[1].replace(actor="someone")])

    assert found is not None
    assert found.message == (
        "the audit trail was altered: entry #2 (2026-03-02 09:02:00 UTC, copy by someone) "
        "does not match its hash (it was changed)"
    )


# -- exports -------------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
ENTRY_FIELDS = st.fixed_dictionaries(
    {
        "actor": TEXT,
        "detail": st.none() | TEXT,
        "old_value": st.none() | TEXT,
        "new_value": st.none()
        | st.sampled_from(
            ["=1+1", "+44 •••• ••12", "-x", "@SUM(A1)", "'quoted", 'a "b", c', "line\r\nbreak"]
        ),
        "contact": st.none() | st.sampled_from(["+44 •••• ••12", "g••••@example.org"]),
        "warning_version": st.none() | st.integers(min_value=1, max_value=9),
    }
)


@settings(max_examples=60, deadline=None)
@given(contents=st.lists(ENTRY_FIELDS, min_size=0, max_size=6))
def test_csv_and_jsonl_exports_read_back_exactly_and_still_verify(
    contents: list[dict[str, object]],
) -> None:
    entries = chained(*contents)

    for fmt, read in (("csv", read_csv), ("jsonl", read_jsonl)):
        back = read(export_text(entries, fmt))
        assert back == entries, fmt
        assert verify_chain(back) is None


def test_the_csv_export_is_rfc_4180_and_safe_to_open_in_a_spreadsheet() -> None:
    entries = chained({"actor": '=HYPERLINK("http://x")', "detail": "a,b", "new_value": "x\ny"})
    text = export_text(entries, "csv")

    assert text.startswith(",".join(EXPORT_FIELDS) + "\r\n")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(EXPORT_FIELDS)
    record = dict(zip(EXPORT_FIELDS, rows[1], strict=True))
    assert record["actor"] == '\'=HYPERLINK("http://x")', "a formula is shown as text"
    assert (record["detail"], record["new_value"]) == ("a,b", "x\ny")


def test_the_jsonl_export_is_one_object_per_line() -> None:
    lines = export_text(TRAIL, "jsonl").splitlines()

    assert len(lines) == len(TRAIL)
    first = json.loads(lines[0])
    assert list(first) == list(EXPORT_FIELDS)
    assert (first["seq"], first["kind"], first["warning_version"]) == (1, "setting", 1)


def test_a_file_that_is_not_an_export_is_refused() -> None:
    with pytest.raises(ValueError, match="not an audit export"):
        read_csv("name,phone\r\nDana,+1 555\r\n")


# -- dates a user types --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("2026-03-02", False, datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-03-02", True, datetime(2026, 3, 3, tzinfo=UTC)),
        (" 2026-03-02T09:30 ", False, datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("2026-03-02T09:30+02:00", False, datetime(2026, 3, 2, 7, 30, tzinfo=UTC)),
    ],
)
def test_dates_and_times_are_read_as_utc_unless_they_say(
    text: str, end_of_day: bool, expected: datetime
) -> None:
    assert parse_moment(text, end_of_day=end_of_day) == expected


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2026-02-30", "02/03/2026", "2026-3-2x", "\ud800"]
)
def test_a_date_that_does_not_parse_is_one_clear_refusal(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a date; write it like 2026-03-02"):
        parse_moment(text)


# -- what a copy leaves for the audit ------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "kept"),
    [
        ("+44 20 7946 0912", "+44 •••• ••12"),
        ("grace.kim@example.org", "g••••@example.org"),
        ("", ""),
    ],
)
def test_a_copy_record_holds_the_contact_masked_only(contact: str, kept: str) -> None:
    record = CopyRecord("7QKM-92HX", "K9ZC-3HNP", CopyAction.URL, "agent.kai", contact)

    assert record.contact == kept
    assert record.role == "agent"
    assert record.replace(contact=record.contact) == record, "masking a masked contact keeps it"
