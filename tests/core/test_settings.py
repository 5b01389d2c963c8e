"""The copy settings: URL base validation, parse_bool, and the acknowledgement rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collab_console.core.errors import SettingsError
from collab_console.core.settings import (
    MAX_URL_BASE_LENGTH,
    SETTING_SPECS,
    URL_WARNING_VERSION,
    Acknowledgement,
    CopySettings,
    parse_bool,
    validate_url_base,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
HOST = "https://collab.example.com/"
#: Exactly MAX_URL_BASE_LENGTH characters, without the trailing '/'.
LONGEST = HOST + "a" * (MAX_URL_BASE_LENGTH - len(HOST))

GOOD_URL_BASES = [
    pytest.param("https://collab.example.com/join/", HOST + "join/", id="as-is"),
    pytest.param("https://collab.example.com/join", "https://collab.example.com/join/", id="add-/"),
    pytest.param("https://collab.example.com", "https://collab.example.com/", id="host-only"),
    pytest.param("  https://collab.example.com/join/\n", HOST + "join/", id="strip"),
    pytest.param("HTTPS://collab.example.com/join/", HOST + "join/", id="scheme-case"),
    pytest.param(
        "https://collab.example.com:8443/join/", "https://collab.example.com:8443/join/", id="port"
    ),
    pytest.param("https://a.b", "https://a.b/", id="shortest"),
]

BAD_URL_BASES = [
    pytest.param("http://collab.example.com/join/", "https://", id="http"),
    pytest.param("javascript:alert(1)", "https://", id="javascript"),
    pytest.param("ftp://collab.example.com/join/", "https://", id="ftp"),
    pytest.param("collab.example.com/join/", "https://", id="no-scheme"),
    pytest.param("https://", "host name", id="nothing-after-scheme"),
    pytest.param("https:///join/", "host name", id="no-host"),
    pytest.param("https:collab.example.com/join/", "host name", id="no-slashes"),
    pytest.param("https://localhost/join/", "host name", id="host-without-domain"),
    pytest.param("https://user:pass@collab.example.com/", "user name or password", id="user-pass"),
    pytest.param("https://agent@collab.example.com/", "user name or password", id="user"),
    pytest.param("https://collab.example.com/join/?agent=7", "'?' or '#'", id="query"),
    pytest.param("https://collab.example.com/join/#top", "'?' or '#'", id="fragment"),
    pytest.param("https://collab.example.com/join/?", "'?' or '#'", id="empty-query"),
    pytest.param("https://collab.example.com/join/#", "'?' or '#'", id="empty-fragment"),
    pytest.param("https://collab example.com/join/", "spaces", id="space-in-host"),
    pytest.param("https://collab.example.com/my join/", "spaces", id="space-in-path"),
    pytest.param("https://collab.example.com/\tjoin/", "spaces", id="tab"),
    pytest.param(LONGEST + "b", "longer than 200", id="too-long"),
    pytest.param(LONGEST, "longer than 200", id="200-chars-plus-the-added-slash"),
    pytest.param("https://collab.example.com:port/join/", "not a valid URL", id="port-word"),
    pytest.param("https://collab.example.com:99999/join/", "not a valid URL", id="port-range"),
    pytest.param("", "empty", id="empty"),
    pytest.param("   ", "empty", id="blank"),
    pytest.param(None, "must be text", id="none"),
    pytest.param(42, "must be text", id="number"),
]


@pytest.mark.parametrize(("given", "normalised"), GOOD_URL_BASES)
def test_validate_url_base_accepts_and_normalises(given: str, normalised: str) -> None:
    assert validate_url_base(given) == normalised


@pytest.mark.parametrize(("given", "message"), BAD_URL_BASES)
def test_validate_url_base_refuses_with_a_reason(given: Any, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("?", r"\?")):
        validate_url_base(given)


@pytest.mark.parametrize(
    "given",
    [*(p.values[0] for p in GOOD_URL_BASES), pytest.param(LONGEST[:-1], id="199-chars-no-/")],
)
def test_an_accepted_url_base_is_accepted_again_by_the_settings(given: str) -> None:
    """What the preferences field accepts must not be refused one step later."""
    normalised = validate_url_base(given)

    assert validate_url_base(normalised) == normalised
    settings = CopySettings().changed(actor="admin.ana", now=MONDAY, session_url_base=given)
    assert settings.session_url_base == normalised


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (True, True),
        (False, False),
        ("on", True),
        ("ON", True),
        (" yes ", True),
        ("true", True),
        ("1", True),
        ("off", False),
        ("Off", False),
        ("no", False),
        ("false", False),
        ("0", False),
    ],
)
def test_parse_bool_accepts(given: Any, expected: bool) -> None:
    assert parse_bool(given) is expected


@pytest.mark.parametrize("given", ["", "maybe", "enabled", "2", "o n", 1, 0, None, 1.0])
def test_parse_bool_refuses(given: Any) -> None:
    with pytest.raises(SettingsError, match="expected on or off"):
        parse_bool(given)


def test_defaults_have_every_copy_option_off() -> None:
    settings = CopySettings()

    assert settings.copy_session_id is False
    assert settings.copy_session_url is False
    assert settings.url_acknowledgement is None
    assert {spec.key: settings.value(spec.key) for spec in SETTING_SPECS} == {
        spec.key: spec.default for spec in SETTING_SPECS
    }


def test_each_setting_is_declared_once() -> None:
    keys = [spec.key for spec in SETTING_SPECS]
    labels = [spec.label for spec in SETTING_SPECS]

    assert len(set(keys)) == len(keys)
    assert len(set(labels)) == len(labels)
    assert [spec.key for spec in SETTING_SPECS if spec.sensitive] == ["copy_session_url"]


def test_url_copy_cannot_be_constructed_on_without_an_acknowledgement() -> None:
    with pytest.raises(SettingsError, match="acknowledging the security warning"):
        CopySettings(copy_session_url=True)


def test_an_acknowledgement_cannot_be_kept_while_url_copy_is_off() -> None:
    with pytest.raises(SettingsError, match="only while Copy Session URL is on"):
        CopySettings(url_acknowledgement=Acknowledgement("admin.ana", MONDAY, 1))


@pytest.mark.parametrize(("by", "version"), [("", 1), ("   ", 1), ("admin.ana", 0)])
def test_an_acknowledgement_needs_a_name_and_a_warning_version(by: str, version: int) -> None:
    with pytest.raises(SettingsError):
        Acknowledgement(by, MONDAY, version)


@pytest.mark.parametrize("value", [True, "on"])
def test_turning_url_copy_on_without_acknowledging_is_refused(value: Any) -> None:
    before = CopySettings()

    with pytest.raises(SettingsError, match="acknowledging the security warning"):
        before.changed(actor="admin.ana", now=MONDAY, copy_session_url=value)
    assert before.copy_session_url is False


def test_acknowledged_url_copy_records_who_when_and_which_warning() -> None:
    settings = CopySettings().changed(
        actor="admin.ana", now=MONDAY, acknowledged=True, copy_session_url=True
    )

    assert settings.copy_session_url is True
    assert settings.url_acknowledgement == Acknowledgement(
        by="admin.ana", at=MONDAY, warning_version=URL_WARNING_VERSION
    )
    assert (settings.updated_by, settings.updated_at) == ("admin.ana", MONDAY)


def test_turning_url_copy_off_drops_the_acknowledgement_and_on_again_asks_again() -> None:
    on = CopySettings().changed(
        actor="admin.ana", now=MONDAY, acknowledged=True, copy_session_url=True
    )

    off = on.changed(actor="admin.ben", now=TUESDAY, copy_session_url=False)
    assert off.copy_session_url is False
    assert off.url_acknowledgement is None

    with pytest.raises(SettingsError, match="acknowledging the security warning"):
        off.changed(actor="admin.ben", now=TUESDAY, copy_session_url=True)

    again = off.changed(actor="admin.ben", now=TUESDAY, acknowledged=True, copy_session_url=True)
    assert again.url_acknowledgement == Acknowledgement("admin.ben", TUESDAY, URL_WARNING_VERSION)


def test_other_changes_keep_the_existing_acknowledgement() -> None:
    on = CopySettings().changed(
        actor="admin.ana", now=MONDAY, acknowledged=True, copy_session_url=True
    )

    later = on.changed(actor="admin.ben", now=TUESDAY, copy_session_id="on")

    assert later.copy_session_id is True
    assert later.url_acknowledgement == Acknowledgement("admin.ana", MONDAY, URL_WARNING_VERSION)
    assert later.updated_by == "admin.ben"


@pytest.mark.parametrize("key", ["copy_session_pin", "copy_session_URL", "updated_by"])
def test_changed_refuses_an_unknown_setting(key: str) -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        CopySettings().changed(actor="admin.ana", now=MONDAY, **{key: True})


@pytest.mark.parametrize(
    ("key", "value"),
    [("copy_session_id", "maybe"), ("session_url_base", "http://collab.example.com/")],
)
def test_changed_parses_each_value_through_its_declaration(key: str, value: str) -> None:
    with pytest.raises(SettingsError):
        CopySettings().changed(actor="admin.ana", now=MONDAY, **{key: value})
