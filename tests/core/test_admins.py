"""Admins in the core: passphrase hashes, the rules, proving who one is, and the growing wait."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collab_console.core.admins as admins
from collab_console.core.admins import (
    MAX_DELAY_SECONDS,
    SESSION_LIFETIME,
    AdminSession,
    add_admin,
    change_passphrase,
    change_settings,
    check_new_passphrase,
    hash_passphrase,
    init_admin,
    name_key,
    passphrase_matches,
    remove_admin,
    require_admin,
    unlock_delay,
    validate_admin_name,
    verify_admin,
    wait_seconds,
)
from collab_console.core.errors import NotAllowedError, ValidationError
from collab_console.core.redaction import redact
from collab_console.store import Store
from tests.store.admins import become_admin, cheap_scrypt, passphrase_for

__all__ = ["cheap_scrypt"]

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ANA = "admin.ana"


@pytest.fixture
def ana_store(store: Store, cheap_scrypt: None) -> Store:
    """A store whose first admin is admin.ana."""
    init_admin(store, ANA, passphrase_for(ANA), actor="setup")
    return store


def attempt(store: Store, passphrase: str, at: datetime, name: str = ANA) -> str:
    """What a refused attempt says ("" when it succeeded)."""
    try:
        verify_admin(store, name, passphrase, now=at, actor="agent.kai")
    except NotAllowedError as exc:
        return str(exc)
    return ""


# -- hashes --------------------------------------------------------------------------------


def test_the_production_cost_is_memory_hard() -> None:
    """32 MiB per hash: what the app uses when no test lowers it."""
    assert (admins.SCRYPT_N, admins.SCRYPT_R, admins.SCRYPT_P) == (2**15, 8, 1)
    assert 128 * admins.SCRYPT_N * admins.SCRYPT_R == 32 * 1024 * 1024


def test_a_hash_keeps_its_salt_and_cost_and_never_the_passphrase(cheap_scrypt: None) -> None:
    first = hash_passphrase("correct horse battery")
    second = hash_passphrase("correct horse battery")

    assert first != second, "a fresh salt each time"
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16", "1", "1")
    assert len(salt) >= 22
    assert len(key) >= 43
    assert "correct" not in first
    assert passphrase_matches("correct horse battery", first)
    assert not passphrase_matches("correct horse batterY", first)
    assert not passphrase_matches("", first)


def test_a_hash_made_at_one_cost_is_checked_at_that_cost(cheap_scrypt: None) -> None:
    made_cheaply = hash_passphrase("correct horse battery")
    admins.SCRYPT_N = 2**14  # the production cost rises later (the fixture restores it)

    assert passphrase_matches("correct horse battery", made_cheaply)


def test_composed_and_decomposed_accents_are_the_same_passphrase(cheap_scrypt: None) -> None:
    composed = "caf\u00e9 au lait, s'il vous pla\u00eet"
    decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t"

    assert passphrase_matches(decomposed, hash_passphrase(composed))


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("", id="empty"),
        pytest.param("plain text", id="not-a-hash"),
        pytest.param("bcrypt$12$abc", id="other-scheme"),
        pytest.param("scrypt$16$1$1$!!!$AAAA", id="not-base64"),
        pytest.param(
            "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "=",
            id="asks-for-128-GiB",
        ),
        pytest.param("scrypt$32768$4096$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "=", id="huge-r"),
        pytest.param(
            "scrypt$1000$1$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "=", id="n-not-a-power-of-2"
        ),
        pytest.param("scrypt$16$1$1$$" + "A" * 43 + "=", id="no-salt"),
    ],
)
def test_a_stored_hash_that_is_not_sane_never_matches_and_returns_at_once(stored: str) -> None:
    started = time.monotonic()

    assert passphrase_matches("correct horse battery", stored) is False
    assert time.monotonic() - started < 1, "an edited store cannot make an unlock hang"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(passphrase=st.text(min_size=12, max_size=60))
def test_any_passphrase_matches_its_own_hash_only(cheap_scrypt: None, passphrase: str) -> None:
    stored = hash_passphrase(passphrase)

    assert passphrase_matches(passphrase, stored)
    assert not passphrase_matches(passphrase + "x", stored)


# -- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ana", "ana"),
        ("  ana.silva  ", "ana.silva"),
        ("Ana_Silva-2", "Ana_Silva-2"),
        ("ana@example.org", "ana@example.org"),
        ("a", "a"),
        ("a" * 64, "a" * 64),
    ],
)
def test_admin_names_that_are_fine(name: str, expected: str) -> None:
    assert validate_admin_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "a" * 65,
        ".ana",
        "ana.",
        "ana silva",
        "аna",
        "an\na",
        "ana\u200b",
        "ana/../x",
        "ana;drop",
        "ana\x1b[2J",
        None,
        42,
    ],
)
def test_admin_names_that_are_refused_without_being_echoed(name: object) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_admin_name(name)

    assert str(refused.value) in {
        "enter an admin name",
        "an admin name must be text",
        "an admin name is 1 to 64 ASCII letters and digits, with . _ @ - inside (like ana.silva)",
    }


@pytest.mark.parametrize(
    ("passphrase", "says"),
    [
        ("short one", "at least 12 characters"),
        ("x" * 1025, "at most 1024"),
        ("line one\nline two", "control characters"),
        ("tab\there and there", "control characters"),
        ("ADMIN.ANA", "at least 12"),
        ("a d m i n . a n a", "too easy"),
        ("abababababababab", "too easy"),
    ],
)
def test_passphrases_that_are_refused(passphrase: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        check_new_passphrase(passphrase, ANA)


def test_a_few_words_make_a_passphrase() -> None:
    assert check_new_passphrase("correct horse battery staple", ANA)
    assert check_new_passphrase("Grüße aus München 2026", ANA)


# -- the growing wait ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (8, 128), (9, 256), (10, 300), (1000, 300)],
)
def test_the_wait_doubles_with_each_failure_up_to_five_minutes(failures: int, seconds: int) -> None:
    assert unlock_delay(failures) == seconds
    assert unlock_delay(failures) <= MAX_DELAY_SECONDS


def test_wait_seconds_counts_down_in_whole_seconds() -> None:
    assert wait_seconds(3, T0, T0) == 4
    assert wait_seconds(3, T0, T0 + timedelta(seconds=3.2)) == 1
    assert wait_seconds(3, T0, T0 + timedelta(seconds=4)) == 0
    assert wait_seconds(0, None, T0) == 0


def test_failed_attempts_are_refused_unchecked_for_a_growing_wait(ana_store: Store) -> None:
    right = passphrase_for(ANA)

    said = [
        attempt(ana_store, "wrong one here", T0),
        attempt(ana_store, right, T0 + timedelta(seconds=0.5)),
        attempt(ana_store, "wrong two here", T0 + timedelta(seconds=1)),
        attempt(ana_store, "wrong three here", T0 + timedelta(seconds=3)),
        attempt(ana_store, right, T0 + timedelta(seconds=6)),
        attempt(ana_store, right, T0 + timedelta(seconds=7)),
        attempt(ana_store, "wrong again here", T0 + timedelta(seconds=8)),
    ]

    assert said == [
        "wrong name or passphrase; 1 failed attempt — try again in 1 s",
        "1 failed attempt for that name; try again in 1 s",
        "wrong name or passphrase; 2 failed attempts — try again in 2 s",
        "wrong name or passphrase; 3 failed attempts — try again in 4 s",
        "3 failed attempts for that name; try again in 1 s",
        "",
        "wrong name or passphrase; 1 failed attempt — try again in 1 s",
    ], "a success forgets the failures"


def test_a_wrong_name_reads_and_counts_like_a_wrong_passphrase(ana_store: Store) -> None:
    unknown = attempt(ana_store, passphrase_for(ANA), T0, name="admin.bob")
    again = attempt(ana_store, passphrase_for(ANA), T0, name="ADMIN.BOB")
    odd = attempt(ana_store, passphrase_for(ANA), T0, name="not\na name")

    assert unknown == "wrong name or passphrase; 1 failed attempt — try again in 1 s"
    assert again == "1 failed attempt for that name; try again in 1 s", "any case, one name"
    assert odd == unknown
    assert attempt(ana_store, passphrase_for(ANA), T0) == "", "admin.ana is not slowed down"


def test_the_name_is_counted_by_a_hash_not_kept() -> None:
    assert name_key("Admin.Ana ") == name_key("admin.ana")
    assert len(name_key("admin.ana")) == 64
    assert "ana" not in name_key("admin.ana")


def test_an_attempt_never_leaves_its_passphrase_in_a_log_line(ana_store: Store) -> None:
    typed = "my very secret guess"
    attempt(ana_store, typed, T0)

    assert typed not in redact(f"debug: verify_admin({ANA!r}, {typed!r}) failed")


def test_without_any_admin_an_unlock_says_to_run_admin_init(store: Store) -> None:
    with pytest.raises(NotAllowedError, match="run collab-console admin init --name NAME first"):
        verify_admin(store, ANA, "anything at all", now=T0, actor="agent.kai")


# -- the admin session ---------------------------------------------------------------------


def test_only_a_verified_passphrase_makes_an_admin_session(ana_store: Store) -> None:
    session = verify_admin(ana_store, "ADMIN.ANA", passphrase_for(ANA), now=T0, actor="kai")

    assert (session.name, session.expires_at) == (ANA, T0 + SESSION_LIFETIME)
    assert "passphrase" not in repr(session)
    with pytest.raises(NotAllowedError):
        AdminSession(ANA, T0, T0 + SESSION_LIFETIME)
    with pytest.raises(NotAllowedError):
        session.replace(seal=object())
    with pytest.raises(NotAllowedError):
        session.replace(name="admin.eve")  # would keep the seal of a session Eve never earned
    with pytest.raises(NotAllowedError):
        session.replace(expires_at=T0 + 100 * SESSION_LIFETIME)


def test_an_admin_session_expires(ana_store: Store) -> None:
    session = verify_admin(ana_store, ANA, passphrase_for(ANA), now=T0, actor="kai")

    assert require_admin(session, T0 + SESSION_LIFETIME - timedelta(seconds=1)) is session
    with pytest.raises(NotAllowedError, match=r"the unlock as admin\.ana has expired"):
        require_admin(session, T0 + SESSION_LIFETIME)
    with pytest.raises(NotAllowedError, match="only an admin"):
        require_admin(None, T0)


# -- what only an admin may do -------------------------------------------------------------


def test_change_settings_records_the_admin_not_the_os_login(ana_store: Store) -> None:
    now = datetime.now(UTC)
    session = verify_admin(ana_store, ANA, passphrase_for(ANA), now=now, actor="os.login")

    saved = change_settings(
        ana_store,
        ana_store.load_settings(),
        session,
        now=now,
        acknowledged=True,
        copy_session_url=True,
    ).settings

    assert saved.url_acknowledgement is not None
    assert saved.url_acknowledgement.by == ANA
    assert saved.updated_by == ANA
    with pytest.raises(NotAllowedError, match="has expired"):
        change_settings(ana_store, saved, session, now=now + SESSION_LIFETIME, copy_session_id=True)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda s, a: change_settings(s, s.load_settings(), a, now=T0, copy_session_id=True),
            id="settings",
        ),
        pytest.param(
            lambda s, a: add_admin(s, a, "ben", "ben's long passphrase", now=T0), id="add"
        ),
        pytest.param(lambda s, a: remove_admin(s, a, ANA, now=T0), id="remove"),
        pytest.param(
            lambda s, a: change_passphrase(s, a, "a brand new passphrase", now=T0), id="passwd"
        ),
    ],
)
def test_every_admin_write_refuses_an_agent(ana_store: Store, write: object) -> None:
    before = (ana_store.load_settings(), ana_store.list_admins(), ana_store.audit_log())

    with pytest.raises(NotAllowedError, match="only an admin"):
        write(ana_store, None)  # type: ignore[operator]

    assert (ana_store.load_settings(), ana_store.list_admins(), ana_store.audit_log()) == before


def test_init_admin_happens_once(ana_store: Store) -> None:
    with pytest.raises(NotAllowedError, match="already set up"):
        init_admin(ana_store, "ben", "ben's long passphrase", actor="setup")


def test_a_new_admin_s_passphrase_follows_the_rules(ana_store: Store) -> None:
    session = become_admin(ana_store, ANA)

    with pytest.raises(ValidationError, match="at least 12"):
        add_admin(ana_store, session, "ben", "ben", now=datetime.now(UTC))
    with pytest.raises(ValidationError, match="too easy"):
        change_passphrase(ana_store, session, "admin.ana   ", now=datetime.now(UTC))
