"""What every store backend must do: the contract the app relies on.

Each test runs once per backend (``tests/store/conftest.py``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, demo_sessions
from collab_console.core.domain import SessionState, build_session, normalise_session_id
from collab_console.core.errors import NotFoundError, StaleSettingsError
from collab_console.core.events import SessionEnded, SessionStarted, SettingsChanged
from collab_console.core.settings import SESSION_URL_BASE, URL_WARNING, Acknowledgement
from collab_console.store import Store, seed_demo
from tests.store.conftest import Backend

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
Connect = Callable[[], Store]


# -- settings ------------------------------------------------------------------------------


def test_a_new_store_has_every_copy_option_off(db: Store) -> None:
    settings = db.load_settings()

    assert settings.copy_session_id is False
    assert settings.copy_session_url is False
    assert settings.acknowledgements == {}
    assert settings.session_url_base == SESSION_URL_BASE.default
    assert db.is_pristine()
    assert db.list_sessions() == []


def test_settings_round_trip_with_the_acknowledgement(db: Store, connect: Connect) -> None:
    wanted = db.load_settings().changed(
        actor="admin.ana",
        now=MONDAY,
        acknowledged=True,
        copy_session_id=True,
        copy_session_url=True,
        session_url_base="https://support.example.org/s",
    )

    saved = db.save_settings(wanted).settings

    loaded = connect().load_settings()
    assert loaded == saved
    assert not loaded.differs_from(wanted)
    assert loaded.url_acknowledgement == Acknowledgement("admin.ana", MONDAY, URL_WARNING.version)
    assert loaded.session_url_base == "https://support.example.org/s/"
    assert loaded.updated_by == "admin.ana"
    assert loaded.version > wanted.version
    assert not db.is_pristine()


def test_a_stale_save_is_refused_with_who_changed_it_and_nothing_is_written(
    db: Store, connect: Connect
) -> None:
    mine = db.load_settings()
    other = connect()
    theirs = other.save_settings(
        other.load_settings().changed(actor="admin.sam", now=MONDAY, copy_session_id=True)
    ).settings

    with pytest.raises(StaleSettingsError, match=r"admin\.sam changed these settings") as refused:
        db.save_settings(
            mine.changed(actor="admin.ana", now=TUESDAY, session_url_base="https://x.example.org")
        )

    assert refused.value.current == theirs
    assert db.load_settings() == theirs
    assert [e.actor for e in db.audit_log() if e.kind == "setting"] == ["admin.sam"]


def test_saving_unchanged_settings_changes_nothing(db: Store) -> None:
    saved = db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    ).settings

    again = db.save_settings(saved.changed(actor="admin.ben", now=TUESDAY, copy_session_id=True))

    assert again.settings.version == saved.version
    assert [e.subject for e in db.audit_log() if e.kind == "setting"] == ["copy_session_id"]


def test_every_settings_change_is_audited_with_the_store_s_clock(db: Store) -> None:
    # The store keeps milliseconds (and truncates): an entry made just after
    # ``before`` may read up to a millisecond earlier.
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    settings = db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    ).settings
    settings = db.save_settings(
        settings.changed(actor="admin.ben", now=TUESDAY, acknowledged=True, copy_session_url=True)
    ).settings
    db.save_settings(settings.changed(actor="admin.cy", now=MONDAY, copy_session_url=False))

    entries = [(e.actor, e.kind, e.subject, e.old_value, e.new_value) for e in db.audit_log()]
    assert list(reversed(entries)) == [
        ("admin.ana", "setting", "copy_session_id", "off", "on"),
        (
            "admin.ben",
            "acknowledgement",
            "copy_session_url",
            None,
            "admin.ben at 2026-03-03T11:30:00.000000+00:00 (warning v1)",
        ),
        ("admin.ben", "setting", "copy_session_url", "off", "on"),
        ("admin.cy", "setting", "copy_session_url", "on", "off"),
    ]
    assert all(before <= e.at <= datetime.now(UTC) for e in db.audit_log()), (
        "the store dates entries itself, not with the time the app claims"
    )
    assert db.load_settings().acknowledgements == {}


def _save_many(address: str, backend: str, me: str, count: int) -> list[tuple[str, str]]:
    """One process saving ``count`` changes, re-reading whenever it was beaten to it.

    Returns (the value it saw, the value it saved) for each save that landed.
    """
    from tests.store.conftest import reconnect

    store = reconnect(backend, address)
    saves = []
    try:
        for n in range(count):
            while True:
                current = store.load_settings()
                change = current.changed(
                    actor=me, now=datetime.now(UTC), session_url_base=f"https://{me}.example/{n}"
                )
                try:
                    store.save_settings(change)
                except StaleSettingsError:
                    continue
                saves.append((current.session_url_base, change.session_url_base))
                break
    finally:
        store.close()
    return saves


def test_two_processes_saving_at_once_lose_no_update(db: Store, backend: Backend) -> None:
    """Each save is compare-and-swap: all 400 land, each on top of the value its writer saw.

    An update is lost when a save replaces a value its writer never saw (it
    read, someone else saved, it saved over them): the audit's old value then
    differs from what that writer read.
    """
    per_process = 200
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(
            _save_many, [(backend.address, backend.name, who, per_process) for who in "ab"]
        )

    seen_before = {saved: seen for each in results for seen, saved in each}
    assert len(seen_before) == 2 * per_process
    changes = [e for e in reversed(db.audit_log(limit=10_000)) if e.kind == "setting"]
    assert len(changes) == 2 * per_process
    lost = [e for e in changes if seen_before[e.new_value] != e.old_value]
    assert lost == [], f"{len(lost)} of {len(changes)} saves overwrote a value unseen"
    assert db.load_settings().session_url_base == changes[-1].new_value


# -- events --------------------------------------------------------------------------------


def test_writes_return_events_and_others_receive_the_same(db: Store, connect: Connect) -> None:
    watcher = connect()
    assert watcher.poll_events() == []

    saved = db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True)
    )
    session, started = db.start_session(
        customer_name="Ruth Cohen", contact="ruth@example.com", now=MONDAY, actor="agent.kai"
    )
    ended = db.end_session(session.session_id, TUESDAY, actor="agent.kai")

    assert isinstance(saved, SettingsChanged)
    assert started == SessionStarted(session.summary())
    assert isinstance(ended, SessionEnded)
    assert ended.summary.state is SessionState.ENDED
    heard = watcher.poll_events()
    assert [type(e) for e in heard] == [SettingsChanged, SessionStarted, SessionEnded]
    assert heard[0] == saved
    assert [e.summary for e in heard[1:]] == [ended.summary, ended.summary], (
        "events from elsewhere carry each session as it is now"
    )
    assert watcher.poll_events() == []
    assert db.poll_events() == [], "a store does not hear its own writes again"


# -- sessions ------------------------------------------------------------------------------


def test_start_session_uses_the_configured_url_base(db: Store) -> None:
    db.save_settings(
        db.load_settings().changed(
            actor="admin.ana", now=MONDAY, session_url_base="https://support.example.org/s"
        )
    )

    session, _ = db.start_session(
        customer_name="Ruth Cohen", contact="+44 20 7946 0958", now=TUESDAY, actor="agent.kai"
    )

    assert normalise_session_id(session.session_id) == session.session_id
    assert session.state is SessionState.ACTIVE
    assert session.customer.url == f"https://support.example.org/s/{session.session_id}"
    assert db.get_session(session.session_id) == session


def test_a_taken_session_id_is_refused_by_the_store_and_start_draws_again(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uniqueness is the database's: a clashing ID is not looked up first, it is refused."""
    first, _ = db.start_session(
        customer_name="Ruth Cohen", contact="ruth@example.com", now=MONDAY, actor="agent.kai"
    )
    draws = iter([first.session_id, first.session_id, "ZZZZ-0001"])
    import collab_console.core.domain as domain  # start_session draws from there when it runs

    monkeypatch.setattr(domain, "new_session_id", lambda: next(draws))

    second, _ = db.start_session(
        customer_name="Omar Haddad", contact="omar@example.com", now=MONDAY, actor="agent.kai"
    )

    assert second.session_id == "ZZZZ-0001"
    assert db.get_session(first.session_id).customer.name == "Ruth Cohen"


def test_list_sessions_puts_active_sessions_first_then_newest(demo_db: Store) -> None:
    demo_db.add_sessions(
        [
            build_session(
                session_id=sid,
                customer_name=f"Customer {sid}",
                contact="c@example.com",
                url_base="https://collab.example.com/join/",
                created_at=when,
                state=state,
                ended_at=when if state is SessionState.ENDED else None,
            )
            for sid, state, when in (
                ("ACTV-0001", SessionState.ACTIVE, datetime(2026, 1, 1, tzinfo=UTC)),
                ("ENDD-0001", SessionState.ENDED, datetime(2026, 3, 10, tzinfo=UTC)),
            )
        ],
        actor="agent.kai",
    )

    listed = [(s.session_id, s.state) for s in demo_db.list_sessions()]

    assert listed == [
        (DEMO_ACTIVE_ID, SessionState.ACTIVE),
        ("ACTV-0001", SessionState.ACTIVE),
        ("ENDD-0001", SessionState.ENDED),
        (DEMO_ENDED_ID, SessionState.ENDED),
    ]


def test_ending_a_session_ends_it_once(demo_db: Store) -> None:
    ended = demo_db.end_session(DEMO_ACTIVE_ID, TUESDAY, actor="agent.kai")
    again = demo_db.end_session(DEMO_ACTIVE_ID, datetime.now(UTC), actor="agent.kai")

    assert ended.summary.state is SessionState.ENDED
    assert again.summary == ended.summary
    assert demo_db.get_session(DEMO_ACTIVE_ID).ended_at == TUESDAY
    assert [e.kind for e in demo_db.audit_log()].count("session_ended") == 1


def test_an_unknown_session_is_not_found(demo_db: Store) -> None:
    with pytest.raises(NotFoundError, match="ZZZZ-ZZZZ"):
        demo_db.get_session("ZZZZ-ZZZZ")


def test_a_copy_is_recorded_without_its_value(demo_db: Store) -> None:
    demo_db.record_copy(CopyRecord(DEMO_ACTIVE_ID, f"{DEMO_ACTIVE_ID}-P2", CopyAction.URL, "kai"))

    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.actor, entry.kind, entry.new_value) == ("kai", "copy", "url")
    assert entry.subject == f"{DEMO_ACTIVE_ID} / {DEMO_ACTIVE_ID}-P2"
    assert "https://" not in repr(entry)


# -- demo data -----------------------------------------------------------------------------


def test_demo_data_is_the_same_every_time_and_marked(demo_db: Store) -> None:
    for expected in demo_sessions():
        assert demo_db.get_session(expected.session_id) == expected
    assert all(summary.demo for summary in demo_db.list_sessions())
    assert demo_db.load_settings().updated_by == "demo"


def test_demo_never_changes_a_store_an_admin_saved_to(db: Store) -> None:
    """Saved settings but no sessions: --demo leaves settings, sessions and audit alone."""
    db.save_settings(
        db.load_settings().changed(
            actor="admin.ana", now=MONDAY, session_url_base="https://support.example.org/s"
        )
    )
    settings, audit = db.load_settings(), db.audit_log()

    assert seed_demo(db) is False
    assert seed_demo(db, extra_participants=5) is False

    assert db.load_settings() == settings
    assert db.audit_log() == audit
    assert db.list_sessions() == []


def test_demo_leaves_a_store_with_an_agent_s_session_alone(db: Store) -> None:
    own, _ = db.start_session(
        customer_name="Ruth Cohen", contact="ruth@example.com", now=MONDAY, actor="agent.kai"
    )

    assert seed_demo(db, extra_participants=3) is False

    assert [s.session_id for s in db.list_sessions()] == [own.session_id]
    assert db.load_settings().copy_session_id is False
