"""The audit chain computed by the database is the core's: ``collab.audit_hash`` = ``chain_hash``.

``core.audit.verify_chain`` checks what PostgreSQL chained, so the SQL must
write the very same canonical JSON: keys sorted, no spaces, ASCII only with
``\\uXXXX`` escapes (a surrogate pair above U+FFFF), ``null`` for None. Any
text a field can hold is tried; PostgreSQL text cannot hold NUL, and Python's
lone surrogates are no UTF-8 at all, so those two are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from collab_console.core.audit import GENESIS, chain_hash
from tests.org.conftest import Org

#: Any text PostgreSQL can store.
STORABLE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
HEX64 = st.text("0123456789abcdef", min_size=64, max_size=64)
#: What an escaper gets wrong first: quotes, backslashes, controls, DEL, non-BMP.
HARD = (
    'quote " backslash \\ slash / tab \t nl \n cr \r bs \b ff \f \x01\x1f'
    " DEL \x7f é € 😀 \U0010ffff"
)
SLOW_FIXTURE = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def owner(org: Org) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """The database's owner: the hash functions are not granted to PUBLIC."""
    with psycopg.connect(org.dsn("collab.owner"), autocommit=True) as conn:
        yield conn


def sql_hash(
    conn: psycopg.Connection[tuple[object, ...]], prev: str, content: tuple[object, ...]
) -> str:
    row = conn.execute(
        "SELECT collab.audit_hash(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (prev, *content),
    ).fetchone()
    assert row is not None
    return str(row[0])


@SLOW_FIXTURE
@given(text=STORABLE)
@example(text=HARD)
@example(text="")
def test_sql_json_text_is_python_s_ascii_json(
    owner: psycopg.Connection[tuple[object, ...]], text: str
) -> None:
    row = owner.execute("SELECT collab.json_text(%s)", (text,)).fetchone()
    assert row is not None
    assert row[0] == json.dumps(text, ensure_ascii=True)


@SLOW_FIXTURE
@given(
    prev=HEX64 | st.just(GENESIS),
    seq=st.integers(1, 2**62),
    texts=st.lists(st.none() | STORABLE, min_size=10, max_size=10),
    warning=st.none() | st.integers(1, 2**31 - 1),
)
@example(prev=GENESIS, seq=1, texts=[HARD] * 10, warning=2)
@example(prev=GENESIS, seq=7, texts=[None] * 10, warning=None)
def test_the_sql_hash_is_chain_hash(
    owner: psycopg.Connection[tuple[object, ...]],
    prev: str,
    seq: int,
    texts: list[str | None],
    warning: int | None,
) -> None:
    stamp, kind, actor, role, sid, pid, detail, old, new, contact = texts
    result = texts[0]
    content = (seq, stamp, kind, actor, role, sid, pid, detail, old, new, warning, contact, result)

    assert sql_hash(owner, prev, content) == chain_hash(prev, content)


def test_an_entry_appended_in_the_database_verifies_with_the_core(org: Org) -> None:
    """End to end: what ``append_audit`` chained, ``verify_chain`` accepts."""
    from collab_console.core.audit import verify_chain
    from collab_console.core.copy_actions import CopyAction
    from collab_console.core.copying import CopyRecord

    amy = org.connect("agent.amy")
    session, _ = amy.start_session(
        customer_name='Zoë 😀 "Quote" O\'Brien',
        contact="zoe@example.org",
        now=__import__("datetime").datetime.now(__import__("datetime").UTC),
        actor="agent.amy",
    )
    amy.record_copy(
        CopyRecord(session.session_id, session.session_id, CopyAction.ID, "agent.amy", "x@e.org")
    )
    admin = org.connect("admin.ana")

    entries = list(reversed(admin.audit_log(limit=1000)))
    assert [e.actor for e in entries[-2:]] == ["agent.amy", "agent.amy"]
    assert verify_chain(entries) is None
    assert admin.verify_audit() is None
