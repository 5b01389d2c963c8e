"""``collab-console links`` and ``copy --what url``: every copy is a fresh link of its own.

Run as a user runs them, in a subprocess on a demo store. The copy tests read
the X clipboard back with ``xclip``, so they need an X server (``xvfb-run -a``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import (
    DEMO_ACTIVE_ID,
    DEMO_ENDED_ID,
    DEMO_PARTICIPANT_IDS,
    DEMO_URL_BASE,
)
from collab_console.core.identity import current_user
from collab_console.core.links import LINK_ID_PATTERN, LinkState, token_hash
from collab_console.store import Store
from tests.cli.conftest import ACK_TIME, NO_DISPLAY, assert_one_line_error, read_clipboard
from tests.conftest import RunCli
from tests.store.admins import become_admin

JOIN = DEMO_URL_BASE
SESSION_URL = re.compile(re.escape(JOIN) + r"([A-Za-z0-9_-]{24})")
GRACE = DEMO_PARTICIPANT_IDS[1]


def admin_sets(store: Store, **values: Any) -> None:
    """An admin changes settings in ``store``, as ``settings set`` would."""
    store.save_settings(
        store.load_settings().changed(actor="admin.test", now=ACK_TIME, **values),
        admin=become_admin(store, "admin.test"),
    )


def copy_url(run_cli: RunCli, *args: str, what: str = "url") -> str:
    """``copy SESSION --what url``; returns the token of the Session URL it put on the clipboard."""
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", what, *args)
    assert done.returncode == 0, done.stderr
    found = SESSION_URL.findall(read_clipboard())
    assert len(found) == 1, "one Session URL per copy"
    token: str = found[0]
    assert token not in done.stdout
    return token


def listed(run_cli: RunCli, session_id: str = DEMO_ACTIVE_ID) -> list[dict[str, Any]]:
    done = run_cli("links", "list", session_id, "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def link_of(store: Store, token: str) -> tuple[str, LinkState]:
    """The name and state of the link ``token`` opens, as the join service would see it."""
    check = store.check_link(token, now=datetime.now(UTC))
    assert check is not None, "the copied URL opens no link"
    return check.link.link_id, check.state


# -- copy mints a link, links list shows it ----------------------------------------------------


@pytest.mark.usefixtures("clipboard")
def test_two_url_copies_give_two_different_links_and_both_are_listed(
    url_on: Store, run_cli: RunCli
) -> None:
    first, second = copy_url(run_cli), copy_url(run_cli)

    assert first != second
    rows = listed(run_cli)
    assert len(rows) == 2
    names = {link_of(url_on, first)[0], link_of(url_on, second)[0]}
    assert {row["link_id"] for row in rows} == names
    for row in rows:
        assert LINK_ID_PATTERN.fullmatch(row["link_id"])
        assert (row["state"], row["purpose"], row["for"]) == ("live", "copy", "Dana Levi")
        assert row["access_id"] == DEMO_ACTIVE_ID
        assert row["made_by"] == current_user()
        assert row["first_join_only"] is False
        assert (row["used_at"], row["revoked_at"], row["revoked_by"]) == (None, None, None)
        made = datetime.fromisoformat(row["made_at"])
        assert datetime.fromisoformat(row["expires_at"]) - made == timedelta(minutes=30)
    text = json.dumps(rows)
    assert first not in text
    assert second not in text
    assert JOIN not in text


@pytest.mark.usefixtures("clipboard")
def test_links_list_prints_a_table_that_names_each_link_but_shows_no_token(
    url_on: Store, run_cli: RunCli
) -> None:
    token = copy_url(run_cli, "--participant", "Grace Kim", what="both")
    name, _ = link_of(url_on, token)

    done = run_cli("links", "list", "7qkm 92hx")

    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()
    assert header.split() == ["LINK", "STATE", "WHY", "MADE", "EXPIRES", "USED", "BY", "FOR"]
    assert row.startswith(name + "  ")
    assert re.search(r"\bLive\s+Copied\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+", row), row
    assert "not used" in row
    assert row.endswith("  Grace Kim")
    assert token not in done.stdout
    assert JOIN not in done.stdout


def test_a_session_without_links_says_so(demo_store: Store, run_cli: RunCli) -> None:
    done = run_cli("links", "list", DEMO_ACTIVE_ID)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Session {DEMO_ACTIVE_ID} has no links.\n"
    assert listed(run_cli) == []


@pytest.mark.usefixtures("clipboard")
def test_an_id_copy_makes_no_link(url_on: Store, run_cli: RunCli) -> None:
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "id")

    assert done.returncode == 0, done.stderr
    assert listed(run_cli) == []


@pytest.mark.usefixtures("clipboard")
def test_the_id_alone_opens_nothing_and_gives_away_no_other_id(
    url_on: Store, run_cli: RunCli
) -> None:
    """The bypass is gone: a copied ID never yields a working URL, nor another person's ID."""
    token = copy_url(run_cli)
    now = datetime.now(UTC)

    assert DEMO_ACTIVE_ID not in token
    assert DEMO_ACTIVE_ID.replace("-", "") not in token
    for guess in (DEMO_ACTIVE_ID, f"{DEMO_ACTIVE_ID}-P1", DEMO_ACTIVE_ID.replace("-", "") * 3):
        assert url_on.check_link(guess, now=now) is None
    people = url_on.get_session(DEMO_ACTIVE_ID).participants
    assert [p.access_id for p in people] == list(DEMO_PARTICIPANT_IDS)
    assert not any(p.access_id.startswith(DEMO_ACTIVE_ID) for p in people)


# -- revoke ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clipboard")
def test_links_revoke_stops_one_link_at_once_and_leaves_the_other(
    url_on: Store, run_cli: RunCli
) -> None:
    stopped, kept = copy_url(run_cli), copy_url(run_cli)
    name, _ = link_of(url_on, stopped)

    done = run_cli("links", "revoke", name.lower())

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Revoked link {name}: it opens nothing from now on.\n"
    assert link_of(url_on, stopped) == (name, LinkState.REVOKED)
    assert link_of(url_on, kept)[1] is LinkState.LIVE
    states = {row["link_id"]: (row["state"], row["revoked_by"]) for row in listed(run_cli)}
    assert states[name] == ("revoked", current_user())
    assert sorted(state for state, _ in states.values()) == ["live", "revoked"]


@pytest.mark.usefixtures("clipboard")
def test_a_link_already_revoked_is_not_revoked_twice(url_on: Store, run_cli: RunCli) -> None:
    name, _ = link_of(url_on, copy_url(run_cli))
    assert run_cli("links", "revoke", name).returncode == 0

    line = assert_one_line_error(run_cli("links", "revoke", name), 2)

    assert f"link {name} already stopped: revoked" in line


def test_revoking_an_unknown_link_exits_4_in_one_line(demo_store: Store, run_cli: RunCli) -> None:
    line = assert_one_line_error(run_cli("links", "revoke", "L-7QKM92HX"), 4)

    assert "no link L-7QKM92HX" in line


@pytest.mark.parametrize(
    "link_id",
    [
        pytest.param("7QKM-92HX", id="a-session-id"),
        pytest.param("L-7QKI92HX", id="misreadable-char"),
        pytest.param("L-7QKM92H", id="too-short"),
        pytest.param("q8Xz-3_vLm0PaR7tYw2bNc5d", id="a-token"),
        pytest.param(JOIN + "q8Xz-3_vLm0PaR7tYw2bNc5d", id="a-session-url"),
        pytest.param("L-7QKM92HX\u202e", id="bidi-override"),
    ],
)
def test_revoking_a_malformed_link_name_exits_2_in_one_line(
    demo_store: Store, run_cli: RunCli, link_id: str
) -> None:
    line = assert_one_line_error(run_cli("links", "revoke", link_id), 2)

    assert "is not a link's name (like L-7QKM92HX)" in line
    assert "\u202e" not in line
    assert "q8Xz-3_vLm0PaR7tYw2bNc5d" not in line, "a token typed by mistake is not echoed"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        pytest.param(("list", "ZZZZ-ZZZZ"), 4, "no session ZZZZ-ZZZZ", id="list-unknown"),
        pytest.param(("list", "7QKM-92HX-P1"), 2, "is not a Session ID", id="list-malformed"),
        pytest.param(("regenerate", "ZZZZ-ZZZZ"), 4, "no session ZZZZ-ZZZZ", id="regen-unknown"),
        pytest.param(
            ("regenerate", DEMO_ACTIVE_ID, "--participant", "Grace Kimm"),
            4,
            f"no participant named 'Grace Kimm' in session {DEMO_ACTIVE_ID}",
            id="regen-unknown-person",
        ),
        pytest.param(
            ("regenerate", DEMO_ENDED_ID), 2, "has ended; it takes no new links", id="regen-ended"
        ),
    ],
)
def test_links_commands_refuse_what_they_cannot_do_in_one_line(
    demo_store: Store, run_cli: RunCli, args: tuple[str, ...], code: int, says: str
) -> None:
    line = assert_one_line_error(run_cli("links", *args), code)

    assert says in line


# -- regenerate -----------------------------------------------------------------------------------


OUTBOX_TOLD = "into the outbox folder {outbox} (no {what} is set: settings set --{option})."


def outbox_tokens(data_dir: Path) -> list[str]:
    """The tokens of the Session URLs in the invitations written to the outbox folder."""
    folder = data_dir / "outbox"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return [token for file in files for token in set(SESSION_URL.findall(file.read_text()))]


@pytest.mark.usefixtures("clipboard")
def test_regenerate_revokes_one_person_s_links_only_and_sends_their_new_invitation(
    url_on: Store, run_cli: RunCli, data_dir: Path
) -> None:
    hers = [copy_url(run_cli, "--participant", "Grace Kim") for _ in range(2)]
    dana = copy_url(run_cli)

    done = run_cli("links", "regenerate", DEMO_ACTIVE_ID, "--participant", "grace kim")

    assert done.returncode == 0, done.stderr
    told = OUTBOX_TOLD.format(outbox=data_dir / "outbox", what="SMTP server", option="smtp-host")
    assert done.stdout.splitlines() == [
        "Revoked 2 links of Grace Kim; a new invitation is queued (E-mail invite queued).",
        f"Grace Kim (g••••@example.org): E-mail invite sent, {told}",
    ]
    for token in hers:
        assert link_of(url_on, token)[1] is LinkState.REVOKED
    assert link_of(url_on, dana)[1] is LinkState.LIVE
    [sent] = outbox_tokens(data_dir)
    new_name, state = link_of(url_on, sent)
    assert state is LinkState.LIVE, "the invitation's link is made when it is sent"
    rows = {row["link_id"]: row for row in listed(run_cli)}
    assert len(rows) == 4
    invitation = rows[new_name]
    assert (invitation["purpose"], invitation["for"], invitation["access_id"]) == (
        "invitation",
        "Grace Kim",
        GRACE,
    )
    assert url_on.deliveries(DEMO_ACTIVE_ID)[GRACE].link_id == new_name


def test_regenerate_queue_only_stops_the_links_and_leaves_the_invitation_to_a_sender(
    url_on: Store, run_cli: RunCli, data_dir: Path
) -> None:
    hers = copy_url(run_cli, "--participant", "Grace Kim")

    done = run_cli(
        "links", "regenerate", DEMO_ACTIVE_ID, "--participant", "Grace Kim", "--queue-only"
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Revoked 1 link of Grace Kim; a new invitation is queued (E-mail invite queued).",
        "Grace Kim (g••••@example.org): E-mail invite queued; an open console or"
        " collab-console invitations send sends it.",
    ]
    assert link_of(url_on, hers)[1] is LinkState.REVOKED
    assert url_on.deliveries(DEMO_ACTIVE_ID)[GRACE].state is DeliveryState.QUEUED
    assert not (data_dir / "outbox").exists()


def test_regenerate_without_a_participant_is_the_customer_s_and_may_follow_at_once(
    demo_store: Store, run_cli: RunCli, data_dir: Path
) -> None:
    """Dana has no link, and her last invitation is old: a regenerate is a resend. Done
    again at once, it stops the link that invitation carried and sends another, however
    soon: stopping links is why an agent regenerates."""
    told = OUTBOX_TOLD.format(
        outbox=data_dir / "outbox", what="SMS gateway", option="sms-gateway-url"
    )

    first = run_cli("links", "regenerate", DEMO_ACTIVE_ID)
    again = run_cli("links", "regenerate", DEMO_ACTIVE_ID)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "Revoked 0 links of Dana Levi; a new invitation is queued (SMS invite queued).",
        f"Dana Levi (+1 •••• ••00): SMS invite sent, {told}",
    ]
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == (
        "Revoked 1 link of Dana Levi; a new invitation is queued (SMS invite queued)."
    )
    first_link, second_link = outbox_tokens(data_dir)
    assert link_of(demo_store, first_link)[1] is LinkState.REVOKED
    assert link_of(demo_store, second_link)[1] is LinkState.LIVE


def test_regenerate_with_no_link_to_stop_waits_for_the_interval_like_a_resend(
    demo_store: Store, run_cli: RunCli
) -> None:
    assert run_cli("session", "invite", DEMO_ACTIVE_ID, "--queue-only").returncode == 0
    invited = demo_store.deliveries(DEMO_ACTIVE_ID)

    line = assert_one_line_error(run_cli("links", "regenerate", DEMO_ACTIVE_ID), 3)

    found = re.fullmatch(
        r"collab-console: refused: an invite was sent to Dana Levi moments ago: "
        r"wait (\d+) seconds? before resending",
        line,
    )
    assert found is not None, line
    assert 1 <= int(found[1]) <= 30
    assert demo_store.deliveries(DEMO_ACTIVE_ID) == invited, "nothing more was queued"
    assert listed(run_cli) == []


def test_regenerate_for_someone_without_a_contact_queues_no_invitation(
    demo_store: Store, run_cli: RunCli
) -> None:
    demo_store.add_participant(
        DEMO_ACTIVE_ID, name="Mei Tan", contact="", actor=current_user(), now=datetime.now(UTC)
    )

    done = run_cli("links", "regenerate", DEMO_ACTIVE_ID, "--participant", "Mei Tan")

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Revoked 0 links of Mei Tan; Mei Tan has no contact, so no invitation was queued.\n"
    )


# -- limits ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clipboard")
def test_a_person_s_live_link_limit_refuses_one_more_with_exit_3(
    url_on: Store, run_cli: RunCli
) -> None:
    admin_sets(url_on, max_live_links_per_person=1)
    first = copy_url(run_cli)

    line = assert_one_line_error(run_cli("copy", DEMO_ACTIVE_ID, "--what", "url"), 3)

    assert line.startswith("collab-console: refused: ")
    assert "this person already has 1 live link (at most 1)" in line
    assert "revoke one, or regenerate their links" in line
    assert read_clipboard() == JOIN + first, "the clipboard keeps the first link"
    assert len(listed(run_cli)) == 1
    # another person has a limit of their own
    copy_url(run_cli, "--participant", "Grace Kim")
    # once the first link is revoked there is room for a new one
    assert run_cli("links", "revoke", link_of(url_on, first)[0]).returncode == 0
    assert copy_url(run_cli) != first


@pytest.mark.usefixtures("clipboard")
def test_the_agent_s_hourly_limit_refuses_one_more_with_exit_3(
    url_on: Store, run_cli: RunCli
) -> None:
    admin_sets(url_on, max_links_per_agent_hour=2)
    copy_url(run_cli)
    copy_url(run_cli, "--participant", "Grace Kim")

    line = assert_one_line_error(
        run_cli(
            "copy", DEMO_ACTIVE_ID, "--what", "both", "--participant", "Omar Haddad",
            "--reason", "his SMS arrived but he deleted it",
        ),
        3,
    )  # fmt: skip

    assert "refused: " in line
    assert "you made 2 links in the last hour (at most 2)" in line
    assert len(listed(run_cli)) == 2


@pytest.mark.usefixtures("clipboard")
def test_reaching_a_limit_is_in_the_audit_trail(url_on: Store, run_cli: RunCli) -> None:
    admin_sets(url_on, max_live_links_per_person=1)
    copy_url(run_cli)

    assert_one_line_error(run_cli("copy", DEMO_ACTIVE_ID, "--what", "url"), 3)

    entry = url_on.audit_log(limit=1)[0]
    assert (entry.kind, entry.session_id, entry.participant_id, entry.detail) == (
        "link_limit",
        DEMO_ACTIVE_ID,
        DEMO_ACTIVE_ID,
        "copy",
    )
    assert entry.actor == current_user()
    assert "this person already has 1 live link (at most 1)" in (entry.new_value or "")


# -- the token goes to the clipboard and nowhere else ---------------------------------------------


def every_file(folder: Path) -> str:
    """Everything under ``folder``, bytes read as Latin-1 so any text in them shows."""
    return "".join(
        path.read_bytes().decode("latin-1") for path in sorted(folder.rglob("*")) if path.is_file()
    )


@pytest.mark.usefixtures("clipboard")
def test_a_copied_token_is_in_no_store_file_and_no_log_file(
    url_on: Store, run_cli: RunCli, data_dir: Path, own_log_dir: Path
) -> None:
    tokens = [copy_url(run_cli), copy_url(run_cli, "--participant", "Grace Kim", what="both")]
    assert run_cli("links", "revoke", link_of(url_on, tokens[0])[0]).returncode == 0
    url_on.close()

    stored, logged = every_file(data_dir), every_file(own_log_dir)

    assert logged, "the copies were logged"
    for token in tokens:
        assert token_hash(token) in stored, "the store keeps the token's hash..."
        assert token not in stored, "...and never the token"
        assert token not in logged
        assert JOIN + token not in logged


def test_without_a_display_a_url_copy_exits_5_and_its_link_is_revoked_at_once(
    url_on: Store, run_cli: RunCli
) -> None:
    """Nobody got the link: it must not stay live."""
    line = assert_one_line_error(
        run_cli("copy", DEMO_ACTIVE_ID, "--what", "url", unset=NO_DISPLAY), 5
    )

    assert "no clipboard is reachable" in line
    [row] = listed(run_cli)
    assert (row["state"], row["revoked_by"]) == ("revoked", current_user())


def test_links_list_only_reads_and_keeps_no_log(
    demo_store: Store, run_cli: RunCli, own_log_dir: Path
) -> None:
    assert run_cli("links", "list", DEMO_ACTIVE_ID).returncode == 0

    assert not own_log_dir.exists() or every_file(own_log_dir) == ""


@pytest.mark.parametrize(
    ("base", "normalised", "host"),
    [
        ("https://collab.example.com/s", "https://collab.example.com/s/", "collab.example.com"),
        ("http://LocalHost:9000/j", "http://localhost:9000/j/", "localhost:9000"),
    ],
)
@pytest.mark.usefixtures("clipboard")
def test_a_url_copy_uses_the_url_base_an_admin_set(
    url_on: Store, run_cli: RunCli, base: str, normalised: str, host: str
) -> None:
    admin_sets(url_on, session_url_base=base)

    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "url")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Copied a new Session URL ({host}) for Dana Levi.")
    assert re.fullmatch(re.escape(normalised) + r"[A-Za-z0-9_-]{24}", read_clipboard())
