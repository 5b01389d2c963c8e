"""What every store backend must do: the contract the app relies on.

Each test runs once per backend (``tests/store/conftest.py``). A test that writes
as several people gives each their own store (``connect(name)``), as each has their
own console: on PostgreSQL the login, not the caller, names who writes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.admins import AdminSession, change_passphrase, name_key, verify_admin
from collab_console.core.audit import GENESIS, AuditKind, AuditProgress, AuditQuery, verify_chain
from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import CopyRecord
from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_PARTICIPANT_IDS,
    DEMO_SETTINGS,
    demo_sessions,
)
from collab_console.core.domain import SessionState, build_session, normalise_session_id
from collab_console.core.errors import (
    NotAllowedError,
    NotFoundError,
    StaleSettingsError,
    ValidationError,
)
from collab_console.core.events import SessionEnded, SessionStarted, SettingsChanged
from collab_console.core.settings import SESSION_URL_BASE, URL_WARNING, Acknowledgement
from collab_console.store import Store, seed_demo
from tests.store.admins import become_admin, passphrase_for
from tests.store.conftest import Backend

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
Connect = Callable[..., Store]
#: Passphrase admins are the embedded store's; on PostgreSQL the database's roles say who is
#: an admin, and these calls refuse (``tests/org/test_org_admins.py``).
PASSPHRASE_ADMINS = pytest.mark.backends(
    "sqlite", reason="admins by passphrase; the database's roles decide on PostgreSQL"
)


# -- settings ------------------------------------------------------------------------------


def test_a_new_store_has_every_copy_option_off(db: Store) -> None:
    settings = db.load_settings()

    assert settings.copy_session_id is False
    assert settings.copy_session_url is False
    assert settings.acknowledgements == {}
    assert settings.session_url_base == SESSION_URL_BASE.default
    assert db.is_pristine()
    assert db.list_sessions() == []


def test_settings_round_trip_with_the_acknowledgement(
    db: Store, connect: Connect, backend: Backend
) -> None:
    ana = become_admin(db, "admin.ana")
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    wanted = db.load_settings().changed(
        actor="admin.ana",
        now=MONDAY,
        acknowledged=True,
        copy_session_id=True,
        copy_session_url=True,
        session_url_base="https://support.example.org/s",
    )

    saved = db.save_settings(wanted, admin=ana).settings

    loaded = connect().load_settings()
    assert loaded == saved
    assert loaded.values == wanted.values
    ack = loaded.url_acknowledgement
    assert ack is not None
    assert (ack.by, ack.warning_version) == ("admin.ana", URL_WARNING.version)
    if backend.dates_acknowledgements:
        assert before <= ack.at <= datetime.now(UTC)
    else:
        assert ack == Acknowledgement("admin.ana", MONDAY, URL_WARNING.version)
        assert not loaded.differs_from(wanted)
    assert loaded.session_url_base == "https://support.example.org/s/"
    assert loaded.updated_by == "admin.ana"
    assert loaded.version > wanted.version
    assert not db.is_pristine()


def test_a_stale_save_is_refused_with_who_changed_it_and_nothing_is_written(
    db: Store, connect: Connect
) -> None:
    ana = become_admin(db, "admin.ana")
    mine = db.load_settings()
    other = connect("admin.sam")
    theirs = other.save_settings(
        other.load_settings().changed(actor="admin.sam", now=MONDAY, copy_session_id=True),
        admin=become_admin(other, "admin.sam"),
    ).settings

    with pytest.raises(StaleSettingsError, match=r"admin\.sam changed these settings") as refused:
        db.save_settings(
            mine.changed(actor="admin.ana", now=TUESDAY, session_url_base="https://x.example.org"),
            admin=ana,
        )

    assert refused.value.current == theirs
    assert db.load_settings() == theirs
    assert [e.actor for e in db.audit_log() if e.kind == "setting"] == ["admin.sam"]


def test_saving_unchanged_settings_changes_nothing(db: Store, connect: Connect) -> None:
    saved = db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True),
        admin=become_admin(db, "admin.ana"),
    ).settings

    ben = connect("admin.ben")
    again = ben.save_settings(
        saved.changed(actor="admin.ben", now=TUESDAY, copy_session_id=True),
        admin=become_admin(ben, "admin.ben"),
    )

    assert again.settings.version == saved.version
    assert [e.subject for e in db.audit_log() if e.kind == "setting"] == ["copy_session_id"]


def test_every_settings_change_is_audited_with_the_store_s_clock(
    db: Store, connect: Connect, backend: Backend
) -> None:
    # The store keeps milliseconds (and truncates): an entry made just after
    # ``before`` may read up to a millisecond earlier.
    ana_db, ben_db, cy_db = db, connect("admin.ben"), connect("admin.cy")
    ana, ben, cy = (
        become_admin(store, name)
        for store, name in ((ana_db, "admin.ana"), (ben_db, "admin.ben"), (cy_db, "admin.cy"))
    )
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    settings = ana_db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True),
        admin=ana,
    ).settings
    settings = ben_db.save_settings(
        settings.changed(actor="admin.ben", now=TUESDAY, acknowledged=True, copy_session_url=True),
        admin=ben,
    ).settings
    cy_db.save_settings(
        settings.changed(actor="admin.cy", now=MONDAY, copy_session_url=False), admin=cy
    )

    ack_at = (
        settings.acknowledgements["copy_session_url"].at
        if backend.dates_acknowledgements
        else TUESDAY
    )
    entries = [
        (e.actor, e.actor_role, e.kind, e.detail, e.old_value, e.new_value, e.warning_version)
        for e in db.audit_log()
        if e.kind in ("setting", "acknowledgement")
    ]
    assert list(reversed(entries)) == [
        ("admin.ana", "admin", "setting", "copy_session_id", "off", "on", None),
        (
            "admin.ben",
            "admin",
            "acknowledgement",
            "copy_session_url",
            None,
            f"admin.ben at {ack_at.isoformat(timespec='microseconds')} "
            f"(warning v{URL_WARNING.version})",
            URL_WARNING.version,
        ),
        ("admin.ben", "admin", "setting", "copy_session_url", "off", "on", URL_WARNING.version),
        ("admin.cy", "admin", "setting", "copy_session_url", "on", "off", None),
    ]
    changes = [e for e in db.audit_log() if e.kind in ("setting", "acknowledgement")]
    assert all(before <= e.at <= datetime.now(UTC) for e in changes), (
        "the store dates entries itself, not with the time the app claims"
    )
    assert db.load_settings().acknowledgements == {}


def _save_many(address: str, backend: str, me: str, count: int) -> list[tuple[str, str]]:
    """One process saving ``count`` changes, re-reading whenever it was beaten to it.

    A write that found the store locked by the other process (a busy machine can
    hold it past the store's wait) wrote nothing and is tried again, as a user
    would. Returns (the value it saw, the value it saved) for each save that landed.
    """
    from collab_console.store.errors import StoreLockedError
    from tests.store.admins import become_admin
    from tests.store.conftest import reconnect

    store = reconnect(backend, address, me)
    saves = []
    try:
        while True:
            try:
                admin = become_admin(store, me)
                break
            except StoreLockedError:
                continue
        for n in range(count):
            while True:
                current = store.load_settings()
                change = current.changed(
                    actor=me, now=datetime.now(UTC), session_url_base=f"https://{me}.example/{n}"
                )
                try:
                    store.save_settings(change, admin=admin)
                except (StaleSettingsError, StoreLockedError):
                    continue
                saves.append((current.session_url_base, change.session_url_base))
                break
    finally:
        store.close()
    return saves


def test_two_processes_saving_at_once_lose_no_update(
    db: Store, backend: Backend, connect: Connect
) -> None:
    """Each save is compare-and-swap: all 400 land, each on top of the value its writer saw.

    An update is lost when a save replaces a value its writer never saw (it
    read, someone else saved, it saved over them): the audit's old value then
    differs from what that writer read.
    """
    per_process = 200
    for who in "ab":
        become_admin(connect(who), who)
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
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True),
        admin=become_admin(db, "admin.ana"),
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


def test_start_session_names_its_agent_and_stores_no_session_url(connect: Connect) -> None:
    db = connect("agent.kai")
    session, _ = db.start_session(
        customer_name="Ruth Cohen", contact="+44 20 7946 0958", now=TUESDAY, actor="agent.kai"
    )

    assert normalise_session_id(session.session_id) == session.session_id
    assert session.state is SessionState.ACTIVE
    assert session.agent == "agent.kai"
    assert session.customer.access_id == session.session_id
    assert not hasattr(session.customer, "url"), "a Session URL is a link, made when needed"
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
    assert [e.kind for e in demo_db.audit_log()].count(AuditKind.SESSION_ENDED) == 1


def test_an_unknown_session_is_not_found(demo_db: Store) -> None:
    with pytest.raises(NotFoundError, match="ZZZZ-ZZZZ"):
        demo_db.get_session("ZZZZ-ZZZZ")


def test_a_copy_is_recorded_without_its_value(demo_db: Store, connect: Connect) -> None:
    grace = demo_db.get_session(DEMO_ACTIVE_ID).find("Grace Kim")
    connect("kai").record_copy(
        CopyRecord(DEMO_ACTIVE_ID, grace.access_id, CopyAction.URL, "kai", grace.contact)
    )

    entry = demo_db.audit_log(limit=1)[0]
    assert (entry.actor, entry.actor_role, entry.kind, entry.detail) == (
        "kai",
        "agent",
        "copy",
        "url",
    )
    assert (entry.session_id, entry.participant_id) == (DEMO_ACTIVE_ID, DEMO_PARTICIPANT_IDS[1])
    assert entry.subject == f"{DEMO_ACTIVE_ID} / {DEMO_PARTICIPANT_IDS[1]}"
    assert entry.contact == "g••••@example.org"
    assert "https://" not in repr(entry)
    assert "grace.kim" not in repr(entry)


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
        ),
        admin=become_admin(db, "admin.ana"),
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


# -- admins: only an admin writes the policy -----------------------------------------------


def test_saving_settings_without_an_admin_is_refused_and_changes_nothing(demo_db: Store) -> None:
    before = (demo_db.load_settings(), demo_db.audit_log(limit=100))
    wanted = before[0].changed(actor="agent.kai", now=MONDAY, copy_session_id=False)

    with pytest.raises(NotAllowedError, match="only an admin can change the settings"):
        demo_db.save_settings(wanted)
    with pytest.raises(NotAllowedError, match="only an admin"):
        demo_db.save_settings(wanted, admin=object())  # type: ignore[arg-type]

    assert (demo_db.load_settings(), demo_db.audit_log(limit=100)) == before


def test_an_admin_session_cannot_be_made_up() -> None:
    with pytest.raises(NotAllowedError, match="only from a verified passphrase"):
        AdminSession("admin.ana", MONDAY, TUESDAY)


@PASSPHRASE_ADMINS
def test_a_removed_admin_can_no_longer_save(db: Store, connect: Connect) -> None:
    ana = become_admin(db, "admin.ana")
    ben = become_admin(db, "admin.ben")
    db.remove_admin("ADMIN.BEN", by=ana)

    with pytest.raises(NotAllowedError, match="only an admin"):
        connect().save_settings(
            db.load_settings().changed(actor="admin.ben", now=MONDAY, copy_session_id=True),
            admin=ben,
        )
    assert db.load_settings().copy_session_id is False
    assert [a.name for a in db.list_admins()] == ["admin.ana"]


def test_an_acknowledgement_names_the_admin_who_saves_it(db: Store) -> None:
    ana = become_admin(db, "admin.ana")
    in_another_name = db.load_settings().changed(
        actor="ciso.jane", now=MONDAY, acknowledged=True, copy_session_url=True
    )

    with pytest.raises(NotAllowedError, match="in their own name"):
        db.save_settings(in_another_name, admin=ana)
    assert db.load_settings().copy_session_url is False


@PASSPHRASE_ADMINS
def test_the_demo_settings_go_only_into_a_store_without_admins(db: Store) -> None:
    become_admin(db, "admin.ana")

    assert seed_demo(db) is False
    with pytest.raises(NotAllowedError, match="nobody has used"):
        db.save_demo_settings(DEMO_SETTINGS.replace(version=db.load_settings().version))
    assert db.load_settings().copy_session_id is False


@PASSPHRASE_ADMINS
def test_admins_are_added_removed_and_listed_without_their_hashes(
    db: Store, connect: Connect
) -> None:
    assert db.has_admins() is False
    ana = become_admin(db, "admin.ana")
    become_admin(db, "Ben")

    assert [a.name for a in connect().list_admins()] == ["admin.ana", "Ben"]
    assert all(a.created_by in ("setup.account", "admin.ana") for a in db.list_admins())
    assert "scrypt" not in repr(db.list_admins())
    assert db.admin_credentials("BEN") is not None
    with pytest.raises(ValidationError, match="already an admin named Ben"):
        db.add_admin(
            "ben", "scrypt$16$1$1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==", actor="x", by=ana
        )
    with pytest.raises(NotAllowedError, match="already set up"):
        db.add_admin("carol", "scrypt$16$1$1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==", actor="x")

    assert db.remove_admin("ben", by=ana) == "Ben"
    with pytest.raises(NotFoundError, match="no admin named ben"):
        db.remove_admin("ben", by=ana)
    with pytest.raises(NotAllowedError, match="last admin cannot be removed"):
        db.remove_admin("admin.ana", by=ana)

    kinds = [(e.kind, e.actor, e.detail) for e in reversed(db.audit_log()) if "admin" in e.kind]
    assert kinds == [
        ("admin_added", "setup.account", "admin.ana"),
        ("admin_added", "admin.ana", "Ben"),
        ("admin_removed", "admin.ana", "Ben"),
    ]


@PASSPHRASE_ADMINS
def test_a_passphrase_change_is_one_s_own_and_recorded(db: Store) -> None:
    ana = become_admin(db, "admin.ana")
    old_hash = db.admin_credentials("admin.ana")

    change_passphrase(db, ana, "a brand new passphrase", now=datetime.now(UTC))

    assert db.admin_credentials("admin.ana") != old_hash
    assert (
        verify_admin(
            db, "admin.ana", "a brand new passphrase", now=datetime.now(UTC), actor="kai"
        ).name
        == "admin.ana"
    )
    latest = [e for e in db.audit_log() if e.kind == "passphrase_changed"]
    assert [(e.actor, e.detail) for e in latest] == [("admin.ana", "admin.ana")]


# -- unlocking -----------------------------------------------------------------------------


@PASSPHRASE_ADMINS
def test_failed_unlocks_are_counted_by_the_store_and_survive_a_restart(
    db: Store, connect: Connect
) -> None:
    become_admin(db, "admin.ana")
    now = datetime.now(UTC)
    for attempt in range(3):
        with pytest.raises(NotAllowedError, match="wrong name or passphrase"):
            verify_admin(
                db,
                "admin.ana",
                "not the passphrase",
                now=now + timedelta(hours=attempt),
                actor="kai",
            )

    later = connect()  # another process, or the console after a restart
    with pytest.raises(NotAllowedError, match=r"3 failed attempts for that name; try again in 4 s"):
        verify_admin(
            later,
            "admin.ana",
            passphrase_for("admin.ana"),
            now=now + timedelta(hours=2),
            actor="kai",
        )
    assert (
        verify_admin(
            later,
            "admin.ana",
            passphrase_for("admin.ana"),
            now=now + timedelta(hours=2, seconds=4),
            actor="kai",
        ).name
        == "admin.ana"
    )
    assert later.unlock_failures(name_key("admin.ana")) == (0, None), "success forgets failures"

    results = [e.result for e in reversed(db.audit_log()) if e.kind == "unlock"]
    assert results[-5:] == ["wrong_passphrase"] * 3 + ["too_soon", "ok"]


@PASSPHRASE_ADMINS
def test_an_unlock_attempt_never_records_the_passphrase_or_an_unknown_name(db: Store) -> None:
    become_admin(db, "admin.ana")
    typed_as_name = "Tr0ub4dor&3 my secret"

    with pytest.raises(NotAllowedError, match="wrong name or passphrase"):
        verify_admin(db, typed_as_name, "hunter2 hunter2", now=datetime.now(UTC), actor="kai")

    entry = db.audit_log(limit=1)[0]
    assert (entry.kind, entry.actor, entry.detail, entry.result) == (
        "unlock",
        "kai",
        None,
        "wrong_passphrase",
    )
    everything = repr(db.audit_log(limit=1000))
    assert "Tr0ub4dor" not in everything
    assert "hunter2" not in everything


# -- the audit trail -----------------------------------------------------------------------


def _busy_day(db: Store, connect: Connect) -> None:
    """Settings, a session started and ended, and a copy, by two agents and an admin,
    each at their own console."""
    ana = become_admin(db, "admin.ana")
    db.save_settings(
        db.load_settings().changed(actor="admin.ana", now=MONDAY, copy_session_id=True), admin=ana
    )
    kai = connect("agent.kai")
    session, _ = kai.start_session(
        customer_name="Ruth Cohen", contact="+44 20 7946 0958", now=MONDAY, actor="agent.kai"
    )
    connect("agent.lee").record_copy(
        CopyRecord(
            session.session_id, session.session_id, CopyAction.ID, "agent.lee", "+44 20 7946 0958"
        )
    )
    kai.end_session(session.session_id, TUESDAY, actor="agent.kai")


def test_the_audit_records_roles_references_and_masked_contacts_only(
    db: Store, connect: Connect
) -> None:
    _busy_day(db, connect)

    entries = list(reversed(db.audit_log()))
    started = next(e for e in entries if e.kind == "session_started")
    copied = next(e for e in entries if e.kind == "copy")
    assert (started.actor, started.actor_role, started.contact) == (
        "agent.kai",
        "agent",
        "+44 •••• ••58",
    )
    assert (copied.actor, copied.detail, copied.contact) == ("agent.lee", "id", "+44 •••• ••58")
    shown = repr(entries)
    assert "7946 0958" not in shown, "never a full contact"
    assert "/join/" not in shown, "never a Session URL"
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))


def test_audit_entries_filter_by_kind_person_time_and_text(db: Store, connect: Connect) -> None:
    _busy_day(db, connect)
    everything = db.audit_entries(AuditQuery(limit=None))

    def seqs(**filters: object) -> list[int]:
        return [e.seq for e in db.audit_entries(AuditQuery(**filters))]  # type: ignore[arg-type]

    assert seqs(limit=None) == sorted((e.seq for e in everything), reverse=True)
    assert seqs(kinds=frozenset({AuditKind.COPY, AuditKind.SESSION_ENDED})) == [
        e.seq for e in everything if e.kind in ("copy", "session_ended")
    ]
    assert seqs(person="AGENT.KAI") == [e.seq for e in everything if e.actor == "agent.kai"]
    assert seqs(text="COPY_SESSION_ID") == [
        e.seq for e in everything if e.detail == "copy_session_id"
    ]
    assert seqs(text="••58") == [e.seq for e in everything if e.contact]
    assert seqs(kinds=frozenset()) == []
    assert seqs(text="%") == [], "the text is found as typed, not as a pattern"
    assert seqs(text="sessio__id") == [], "an underscore is not a wildcard either"
    assert seqs(limit=2) == [everything[0].seq, everything[1].seq]
    assert seqs(oldest_first=True, limit=1) == [1]
    first, last = everything[-1].at, everything[0].at
    assert seqs(since=last) == [e.seq for e in everything if e.at >= last]
    assert seqs(until=first) == []
    assert seqs(since=first - timedelta(days=1), until=last + timedelta(days=1)) == seqs()
    with pytest.raises(ValidationError, match="time zone"):
        AuditQuery(since=datetime(2026, 3, 2))


def test_a_trail_written_by_the_app_verifies(db: Store, connect: Connect) -> None:
    assert db.verify_audit() is None
    _busy_day(db, connect)

    assert connect().verify_audit() is None
    assert verify_chain(reversed(db.audit_log(limit=1000))) is None


def test_audit_entries_page_by_a_cursor_on_the_numbers(db: Store, connect: Connect) -> None:
    _busy_day(db, connect)
    everything = [e.seq for e in db.audit_entries(AuditQuery(limit=None))]
    assert len(everything) > 4

    pages: list[int] = []
    cursor: int | None = None
    while True:
        page = db.audit_entries(AuditQuery(limit=2, before_seq=cursor))
        if not page:
            break
        pages += [e.seq for e in page]
        cursor = page[-1].seq
    assert pages == everything, "newest first, none twice, none missing"

    middle = everything[len(everything) // 2]
    assert [e.seq for e in db.audit_entries(AuditQuery(before_seq=middle))] == [
        seq for seq in everything if seq < middle
    ]
    copies = AuditQuery(kinds=frozenset({AuditKind.COPY}), before_seq=everything[0] + 1)
    assert [e.kind for e in db.audit_entries(copies)] == [AuditKind.COPY]
    assert db.audit_entries(AuditQuery(before_seq=1)) == []
    assert [e.seq for e in db.audit_entries(AuditQuery(before_seq=3, oldest_first=True))] == [1, 2]


def test_count_audit_entries_counts_what_the_filter_selects(db: Store, connect: Connect) -> None:
    assert db.count_audit_entries(AuditQuery()) == len(db.audit_entries(AuditQuery(limit=None)))
    _busy_day(db, connect)
    everything = db.audit_entries(AuditQuery(limit=None))

    def count(**filters: object) -> int:
        return db.count_audit_entries(AuditQuery(**filters))  # type: ignore[arg-type]

    def read(**filters: object) -> int:
        return len(db.audit_entries(AuditQuery(**filters, limit=None)))  # type: ignore[arg-type]

    assert count() == count(limit=1) == len(everything), "the limit does not bound a count"
    for filters in (
        {"kinds": frozenset({AuditKind.COPY, AuditKind.SESSION_ENDED})},
        {"person": "AGENT.KAI"},
        {"text": "••58"},
        {"text": "%"},
        {"kinds": frozenset()},
        {"since": everything[0].at},
        {"until": everything[-1].at},
        {"before_seq": everything[1].seq},
        {"person": "agent.kai", "before_seq": everything[0].seq},
    ):
        assert count(**filters) == read(**filters), filters


def test_the_chain_is_checked_a_slice_at_a_time(db: Store, connect: Connect) -> None:
    _busy_day(db, connect)
    entries = list(reversed(db.audit_entries(AuditQuery(limit=None))))
    last = entries[-1]

    first = db.verify_audit_slice(0, GENESIS, 2)
    assert first == AuditProgress(2, entries[1].hash, at_end=False)
    assert not first.finished
    progress, slices = first, 1
    while not progress.finished:
        progress = db.verify_audit_slice(progress.last_seq, progress.last_hash, 2)
        slices += 1
    assert progress == AuditProgress(last.seq, last.hash, at_end=True)
    assert slices == len(entries) // 2 + 1  # the last one reads fewer than 2, or none

    assert db.verify_audit_slice(0, GENESIS, len(entries)) == AuditProgress(
        last.seq, last.hash, at_end=False
    ), "a slice that ends where the trail does cannot know it is the end"
    assert db.verify_audit_slice(last.seq, last.hash, 10) == AuditProgress(
        last.seq, last.hash, at_end=True
    )
    assert db.verify_audit_slice(0, GENESIS, 1000).found is None


def test_a_slice_that_does_not_follow_the_hash_it_is_given_is_a_break(
    db: Store, connect: Connect
) -> None:
    _busy_day(db, connect)
    entries = list(reversed(db.audit_entries(AuditQuery(limit=None))))

    progress = db.verify_audit_slice(2, entries[0].hash, 1000)

    assert progress.finished
    assert progress.found is not None
    assert progress.found.seq == 3
    assert "does not follow the entry before it" in progress.found.reason
    assert progress.found.entry == entries[2]
    assert (progress.last_seq, progress.last_hash) == (2, entries[0].hash)
    with pytest.raises(ValidationError):
        db.verify_audit_slice(0, GENESIS, 0)
