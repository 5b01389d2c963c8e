"""Where an invitation stands: its states, what the screen says of it, the resend interval,
and the settings that say how invitations are sent."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab_console.core.delivery import (
    INVITATION_ID_PATTERN,
    MAX_REASON_LENGTH,
    Delivery,
    DeliveryState,
    RateLimitedError,
    clean_reason,
    delivery_label,
    new_invitation_id,
    rate_limited,
    resend_wait,
)
from collab_console.core.domain import ContactKind
from collab_console.core.errors import CollabConsoleError, SettingsError
from collab_console.core.settings import (
    RESEND_INTERVAL_SECONDS,
    SMS_GATEWAY_URL,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_SECURITY,
    SMTP_SENDER,
    SMTP_USERNAME,
    SPECS_BY_KEY,
    SettingSpec,
    parse_gateway_url,
    parse_host,
    parse_sender,
)

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
QUEUED, SENT, DELIVERED, FAILED = (
    DeliveryState.QUEUED,
    DeliveryState.SENT,
    DeliveryState.DELIVERED,
    DeliveryState.FAILED,
)
BLOCKED = "the SMS gateway answered HTTP 403 Forbidden: the carrier blocked the message"


def delivery(
    state: DeliveryState,
    *,
    channel: ContactKind = ContactKind.SMS,
    attempts: int = 1,
    reason: str = "",
) -> Delivery:
    return Delivery(
        invitation_id="I-7QKM0001",
        session_id="7QKM-92HX",
        access_id="7QKM-92HX",
        channel=channel,
        recipient="+12025550100" if channel is ContactKind.SMS else "dana@example.com",
        state=state,
        queued_at=NOW,
        updated_at=NOW,
        queued_by="agent.kai",
        attempts=attempts,
        reason=reason,
        next_attempt_at=NOW if state is QUEUED else None,
    )


# -- states and what the screen says -----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "final"), [(QUEUED, False), (SENT, False), (DELIVERED, True), (FAILED, True)]
)
def test_only_delivered_and_failed_are_final(state: DeliveryState, final: bool) -> None:
    assert state.final is final


@pytest.mark.parametrize(
    ("given", "label", "short"),
    [
        pytest.param(None, "Not invited", "Not invited", id="never-invited"),
        pytest.param(
            delivery(QUEUED, attempts=0), "SMS invite queued", "SMS invite queued", id="queued"
        ),
        pytest.param(
            delivery(SENT, channel=ContactKind.EMAIL),
            "E-mail invite sent",
            "E-mail invite sent",
            id="sent",
        ),
        pytest.param(delivery(DELIVERED), "SMS invite delivered", "SMS invite delivered", id="ok"),
        pytest.param(
            delivery(FAILED, reason=BLOCKED),
            f"SMS invite failed: {BLOCKED}",
            "SMS invite failed",
            id="failed",
        ),
        pytest.param(
            delivery(QUEUED, attempts=2, reason="timed out after 10 s"),
            "SMS invite not sent yet, retrying: timed out after 10 s",
            "SMS invite not sent yet, retrying",
            id="retrying",
        ),
        pytest.param(
            delivery(QUEUED, attempts=1),
            "SMS invite not sent yet, retrying",
            "SMS invite not sent yet, retrying",
            id="retrying-without-a-word",
        ),
    ],
)
def test_the_label_says_the_state_and_why_it_failed(
    given: Delivery | None, label: str, short: str
) -> None:
    assert delivery_label(given) == label
    assert delivery_label(given, with_reason=False) == short
    if given is not None:
        assert (given.label, delivery_label(given, with_reason=False)) == (label, short)


@pytest.mark.parametrize(
    ("given", "failed", "retrying"),
    [
        (delivery(QUEUED, attempts=0), False, False),
        (delivery(QUEUED, attempts=1, reason="the mail server answered 421"), False, True),
        (delivery(SENT), False, False),
        (delivery(DELIVERED), False, False),
        (delivery(FAILED, reason=BLOCKED), True, False),
    ],
)
def test_failed_and_retrying_are_told_apart(given: Delivery, failed: bool, retrying: bool) -> None:
    assert (given.failed, given.retrying) == (failed, retrying)


# -- the resend interval -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "interval", "wait"),
    [
        pytest.param(None, 30, 0, id="never-invited"),
        pytest.param(0.0, 0, 0, id="no-interval"),
        pytest.param(0.0, 30, 30, id="just-now"),
        pytest.param(10.0, 30, 20, id="a-while-ago"),
        pytest.param(10.5, 30, 20, id="rounded-up"),
        pytest.param(29.999, 30, 1, id="a-moment-left"),
        pytest.param(30.0, 30, 0, id="just-over"),
        pytest.param(3600.0, 30, 0, id="long-ago"),
        pytest.param(-5.0, 30, 35, id="a-clock-behind"),
    ],
)
def test_resend_wait_counts_whole_seconds_up(
    elapsed: float | None, interval: int, wait: int
) -> None:
    last = None if elapsed is None else NOW - timedelta(seconds=elapsed)
    assert resend_wait(last, NOW, interval) == wait


@given(
    elapsed_ms=st.integers(min_value=-10_000_000, max_value=10_000_000),
    interval=st.integers(min_value=0, max_value=3600),
)
def test_resend_wait_is_the_rest_of_the_interval_rounded_up(elapsed_ms: int, interval: int) -> None:
    last = NOW - timedelta(milliseconds=elapsed_ms)

    wait = resend_wait(last, NOW, interval)

    left = interval - elapsed_ms / 1000 if interval else 0
    assert wait == max(0, math.ceil(left))
    assert (wait == 0) == (interval == 0 or elapsed_ms >= interval * 1000)


@pytest.mark.parametrize(("wait", "unit"), [(1, "1 second"), (29, "29 seconds")])
def test_a_refused_resend_says_how_long_to_wait(wait: int, unit: str) -> None:
    refused = rate_limited("Dana Levi", wait)

    assert isinstance(refused, RateLimitedError)
    assert isinstance(refused, CollabConsoleError), "the CLI and the console say it in one line"
    assert refused.wait_seconds == wait
    assert str(refused) == (
        f"an invite was sent to Dana Levi moments ago: wait {unit} before resending"
    )


# -- names and reasons -------------------------------------------------------------------------


def test_invitation_ids_are_random_and_readable() -> None:
    drawn = {new_invitation_id() for _ in range(500)}

    assert len(drawn) == 500
    assert all(INVITATION_ID_PATTERN.fullmatch(name) for name in drawn)
    assert not any(ch in name[2:] for name in drawn for ch in "ILOU"), "nothing misread aloud"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "the mail server answered 421:\r\n  try again later\t",
            "the mail server answered 421: try again later",
        ),
        ("", ""),
        ("x" * MAX_REASON_LENGTH, "x" * MAX_REASON_LENGTH),
        ("x" * (MAX_REASON_LENGTH + 1), "x" * (MAX_REASON_LENGTH - 1) + "…"),
    ],
)
def test_a_reason_is_kept_on_one_line_and_short(text: str, kept: str) -> None:
    assert clean_reason(text) == kept


@given(st.text())
def test_a_reason_is_always_one_printable_line_a_store_reads_back(text: str) -> None:
    kept = clean_reason(text)

    assert len(kept) <= MAX_REASON_LENGTH
    assert kept.isprintable()
    assert clean_reason(kept) == kept


# -- the delivery settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (" SMTP.Example.COM ", "smtp.example.com"),
        ("", ""),
        ("localhost", "localhost"),
        ("192.0.2.25", "192.0.2.25"),
        ("mail-1.eu.example.org", "mail-1.eu.example.org"),
    ],
)
def test_a_mail_server_is_a_host_name_in_lower_case(typed: str, kept: str) -> None:
    assert parse_host(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "smtp example.com",
        "smtp.example.com:587",
        "-smtp.example.com",
        "smtp_relay.example.com",
        "smtp..example.com",
        f"{'a' * 64}.example.com",
        "ｓｍｔｐ.example.com",
        "smtp://example.com",
        7,
        None,
    ],
)
def test_anything_else_is_no_mail_server(typed: object) -> None:
    with pytest.raises(SettingsError):
        parse_host(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (" Invites@EXAMPLE.com ", "Invites@example.com"),
        ("", ""),
        ("no-reply+collab@mail.example.org", "no-reply+collab@mail.example.org"),
    ],
)
def test_a_sender_is_an_address_with_its_domain_in_lower_case(typed: str, kept: str) -> None:
    assert parse_sender(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["invites", "invites@localhost", "in vites@example.com", "Collab <invites@example.com>", 3],
)
def test_anything_else_is_no_sender(typed: object) -> None:
    with pytest.raises(SettingsError, match="e-mail address"):
        parse_sender(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("   ", ""),
        ("https://SMS.Example.com/api", "https://sms.example.com/api/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://localhost:9000/gw/", "http://localhost:9000/gw/"),
    ],
)
def test_a_gateway_is_an_https_address_ending_in_a_slash(typed: str, kept: str) -> None:
    assert parse_gateway_url(typed) == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("http://sms.example.com", "must start with https://"),
        ("https://user:pw@sms.example.com", "user name or password"),
        ("https://sms.example.com/?token=x", "'?'"),
        (None, "must be text"),
    ],
)
def test_anything_else_is_no_gateway_and_the_message_says_which_setting(
    typed: object, says: str
) -> None:
    with pytest.raises(SettingsError, match=says) as refused:
        parse_gateway_url(typed)
    assert "SMS gateway URL" in str(refused.value)


@pytest.mark.parametrize(
    ("spec", "typed", "kept"),
    [
        (SMTP_SECURITY, " STARTTLS ", "starttls"),
        (SMTP_SECURITY, "tls", "tls"),
        (SMTP_SECURITY, "none", "none"),
        (SMTP_PORT, "465", 465),
        (RESEND_INTERVAL_SECONDS, "0", 0),
        (RESEND_INTERVAL_SECONDS, "3600", 3600),
    ],
)
def test_the_choices_and_numbers_take_what_is_allowed(
    spec: SettingSpec, typed: str, kept: object
) -> None:
    assert spec.parse(typed) == kept


@pytest.mark.parametrize(
    ("spec", "typed"),
    [
        (SMTP_SECURITY, "ssl"),
        (SMTP_SECURITY, None),
        (SMTP_PORT, "0"),
        (SMTP_PORT, "65536"),
        (RESEND_INTERVAL_SECONDS, "-1"),
        (RESEND_INTERVAL_SECONDS, "3601"),
        (SMTP_USERNAME, "ana\nroot"),
        (SMTP_USERNAME, "x" * 201),
    ],
)
def test_the_choices_and_numbers_refuse_the_rest(spec: SettingSpec, typed: object) -> None:
    with pytest.raises(SettingsError):
        spec.parse(typed)


DELIVERY_SPECS = (
    SMTP_HOST,
    SMTP_PORT,
    SMTP_SECURITY,
    SMTP_USERNAME,
    SMTP_SENDER,
    SMS_GATEWAY_URL,
    RESEND_INTERVAL_SECONDS,
)


@pytest.mark.parametrize("spec", DELIVERY_SPECS, ids=lambda spec: spec.key)
def test_each_delivery_setting_is_declared_once_and_round_trips_its_default(
    spec: SettingSpec,
) -> None:
    assert SPECS_BY_KEY[spec.key] is spec
    assert not spec.sensitive, "nothing here turns anything insecure on"
    assert spec.from_store(spec.to_store(spec.default)) == spec.default
    assert spec.parse(spec.default) == spec.default


#: What a user, a script or a damaged store may hand a parser.
ANYTHING = st.one_of(
    st.text(),
    st.from_regex(r"[A-Za-z0-9.\-_ ]{0,40}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9.+_\-]{1,12}@[A-Za-z0-9.\-]{1,20}", fullmatch=True),
    st.from_regex(r"https?://[A-Za-z0-9.\-:@\[\]]{0,30}(/[ -~]{0,20})?", fullmatch=True),
    st.integers(),
    st.none(),
    st.binary(max_size=8),
)


@pytest.mark.parametrize("parse", [parse_host, parse_sender, parse_gateway_url])
@given(value=ANYTHING)
def test_a_delivery_parser_refuses_with_one_error_and_keeps_what_it_made(
    parse: Callable[[object], str], value: object
) -> None:
    try:
        kept: str | None = parse(value)
        said = ""
    except SettingsError as refused:  # any other exception fails the test
        kept, said = None, str(refused)

    assert "\n" not in said, "one line"
    if kept is not None:
        assert isinstance(kept, str)
        assert parse(kept) == kept, "parsing what it made again changes nothing"
