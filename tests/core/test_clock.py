"""The app's clock (``core/clock.py``): real by default, fixed when the QA kit installs one.

What a fixed clock reaches is checked through the app's own paths (the CLI in
this process, the outbox, the e-mail composer), and what it does not reach is
pinned too: the store stamps links and invitations with the database's clock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from collab_console.core import clock
from collab_console.core.links import LinkPurpose
from collab_console.invitations.message import Invitation, compose_email
from collab_console.invitations.transports import OutboxTransport
from collab_console.main import main
from collab_console.store import Store

MOMENT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
AGENT = "agent.kai"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> str:
    """Run ``collab-console --data-dir DATA_DIR ARGS...`` in this process: its stdout."""
    capsys.readouterr()
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def invitation() -> Invitation:
    return Invitation(
        who="Ana Lima",
        to="ana@example.com",
        link="https://collab.example.com/join/abc",
        agent="Kai",
        customer="Ana Lima",
        id="0123456789abcdef",
    )


# -- the seam ----------------------------------------------------------------------------------


def test_the_real_clock_by_default_aware_and_in_utc() -> None:
    before = datetime.now(UTC)
    read = clock.now()
    after = datetime.now(UTC)

    assert before <= read <= after
    assert read.tzinfo is UTC


def test_an_installed_clock_is_what_now_reads_every_time() -> None:
    clock.use_clock(lambda: MOMENT)

    assert clock.now() == MOMENT
    assert clock.now() == MOMENT, "a fixed clock stands still"


def test_a_clock_is_read_on_each_call_so_it_may_move() -> None:
    ticks = iter([MOMENT, MOMENT + timedelta(minutes=5)])
    clock.use_clock(lambda: next(ticks))

    assert [clock.now(), clock.now()] == [MOMENT, MOMENT + timedelta(minutes=5)]


def test_a_moment_in_another_zone_is_the_same_instant_in_utc() -> None:
    in_sao_paulo = datetime(2026, 3, 4, 7, 0, tzinfo=timezone(timedelta(hours=-3)))
    clock.use_clock(lambda: in_sao_paulo)

    read = clock.now()

    assert read == MOMENT
    assert read.utcoffset() == timedelta(0)


def test_use_clock_none_puts_the_real_clock_back() -> None:
    clock.use_clock(lambda: MOMENT)
    clock.use_clock(None)

    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


@pytest.mark.parametrize(
    "returned",
    [
        pytest.param(datetime(2026, 3, 4, 10, 0), id="naive"),
        pytest.param("2026-03-04T10:00:00Z", id="text"),
    ],
)
def test_a_clock_that_returns_no_aware_time_is_refused_in_one_sentence(returned: object) -> None:
    clock.use_clock(lambda: returned)  # type: ignore[arg-type, return-value]

    with pytest.raises(ValueError, match=r"returned .*, not a time with a time zone") as refused:
        clock.now()

    message = str(refused.value)
    assert message.startswith("The clock installed with use_clock returned")
    assert ". " not in message, "one sentence"
    assert "\n" not in message


def test_installing_something_that_is_no_function_is_refused() -> None:
    with pytest.raises(TypeError, match="a function that returns the time"):
        clock.use_clock(MOMENT)  # type: ignore[arg-type]

    assert clock.now() != MOMENT, "nothing was installed"


# -- what the app makes carries the fixed moment -----------------------------------------------


def test_a_session_started_from_the_cli_starts_at_the_fixed_moment(
    store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.use_clock(lambda: MOMENT)

    started = run(
        capsys,
        data_dir,
        "session",
        *("start", "--customer", "Ana Lima", "--contact", "ana@example.com", "--queue-only"),
    ).strip()

    assert store.get_session(started).created_at == MOMENT
    listed = json.loads(run(capsys, data_dir, "session", "list", "--json"))
    assert [s["created_at"] for s in listed if s["session_id"] == started] == [MOMENT.isoformat()]


def test_ending_a_session_from_the_cli_ends_it_at_the_fixed_moment(
    store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, _ = store.start_session(
        customer_name="Ana Lima", contact="ana@example.com", now=MOMENT, actor=AGENT
    )
    clock.use_clock(lambda: MOMENT + timedelta(minutes=25))

    run(capsys, data_dir, "session", "end", session.session_id)

    assert store.get_session(session.session_id).ended_at == MOMENT + timedelta(minutes=25)


def test_a_link_is_stamped_by_the_store_but_judged_by_the_app_clock(
    store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store writes made_at and expires_at with the database's clock (a fixed clock
    cannot move them), while every verdict the app gives on a link reads the app's
    clock: moved past the expiry, the same link is listed as expired."""
    session, _ = store.start_session(
        customer_name="Ana Lima", contact="ana@example.com", now=MOMENT, actor=AGENT
    )
    before = datetime.now(UTC)
    clock.use_clock(lambda: MOMENT)
    minted, _ = store.mint_link(
        session.session_id,
        session.customer.access_id,
        purpose=LinkPurpose.COPY,
        actor=AGENT,
        now=clock.now(),
    )
    after = datetime.now(UTC)
    link = minted.link
    assert link.expires_at is not None
    assert before - timedelta(seconds=1) <= link.made_at <= after + timedelta(seconds=1)

    def state_listed() -> str:
        (row,) = json.loads(run(capsys, data_dir, "links", "list", session.session_id, "--json"))
        return str(row["state"])

    clock.use_clock(lambda: link.made_at)
    assert state_listed() == "live"
    clock.use_clock(lambda: link.expires_at or MOMENT)
    assert state_listed() == "expired"


def test_an_invitation_e_mail_is_dated_by_the_fixed_clock_unless_given_a_date() -> None:
    clock.use_clock(lambda: MOMENT)

    dated = compose_email(invitation(), "console@example.com")
    given = compose_email(invitation(), "console@example.com", now=MOMENT + timedelta(days=1))

    assert parsedate_to_datetime(dated["Date"]) == MOMENT
    assert parsedate_to_datetime(given["Date"]) == MOMENT + timedelta(days=1)


def test_the_outbox_names_its_files_by_the_fixed_clock(tmp_path: Path) -> None:
    clock.use_clock(lambda: MOMENT)

    OutboxTransport(tmp_path / "outbox").send(invitation())

    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [
        "20260304T100000.000000Z-0123456789abcdef.eml"
    ]
