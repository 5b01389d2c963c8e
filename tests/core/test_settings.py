"""The copy settings: URL base validation, parse_bool, and the acknowledgement rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collab_console.core.errors import SettingsError
from collab_console.core.settings import (
    COPY_SESSION_ID,
    COPY_SESSION_URL,
    SESSION_URL_BASE,
    SETTING_SPECS,
    URL_WARNING,
    Acknowledgement,
    CopySettings,
    parse_bool,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
URL_ACK = Acknowledgement("admin.ana", MONDAY, URL_WARNING.version)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://collab.example.com/join", "https://collab.example.com/join/"),
        ("  HTTPS://collab.example.com/join/\n", "https://collab.example.com/join/"),
        ("https://collab.example.com:8443/j", "https://collab.example.com:8443/j/"),
    ],
)
def test_an_accepted_url_base_is_accepted_again_by_the_settings(
    given: str, normalised: str
) -> None:
    """What the preferences field accepts must not be refused one step later.

    The URL base's own rules are tested in ``test_urls.py``.
    """
    settings = CopySettings().changed(actor="admin.ana", now=MONDAY, session_url_base=given)

    assert settings.session_url_base == normalised
    assert SESSION_URL_BASE.from_store(SESSION_URL_BASE.to_store(normalised)) == normalised


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
        CopySettings.build(copy_session_url=True)


def test_an_acknowledgement_cannot_be_kept_while_url_copy_is_off() -> None:
    with pytest.raises(SettingsError, match="only while Copy Session URL is on"):
        CopySettings.build(acknowledgements={"copy_session_url": URL_ACK})


@pytest.mark.parametrize(
    ("by", "version"),
    [
        ("", 1),
        ("   ", 1),
        ("\u200b", 1),
        ("\u200b\u2060 \ufeff", 1),
        ("ana\x00", 1),
        ("admin.ana", 0),
    ],
    ids=["empty", "blank", "zero-width-space", "only-invisible", "control", "version-0"],
)
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
        by="admin.ana", at=MONDAY, warning_version=URL_WARNING.version
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
    assert again.url_acknowledgement == Acknowledgement("admin.ben", TUESDAY, URL_WARNING.version)


def test_other_changes_keep_the_existing_acknowledgement() -> None:
    on = CopySettings().changed(
        actor="admin.ana", now=MONDAY, acknowledged=True, copy_session_url=True
    )

    later = on.changed(actor="admin.ben", now=TUESDAY, copy_session_id="on")

    assert later.copy_session_id is True
    assert later.url_acknowledgement == Acknowledgement("admin.ana", MONDAY, URL_WARNING.version)
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


def test_changed_keeps_the_version_it_was_read_as() -> None:
    """The store compares it on save: a change made from stale settings is refused there."""
    read = CopySettings.build(version=7)

    edited = read.changed(actor="admin.ana", now=MONDAY, copy_session_id=True)

    assert edited.version == 7


@pytest.mark.parametrize(
    "values",
    [
        {"copy_session_id": False, "copy_session_url": False},
        {**{s.key: s.default for s in SETTING_SPECS}, "copy_session_pin": False},
    ],
    ids=["missing", "unknown"],
)
def test_settings_hold_exactly_the_declared_settings(values: dict[str, Any]) -> None:
    with pytest.raises(SettingsError, match="every declared setting"):
        CopySettings(values=values)


def test_declarations_name_their_widgets_and_options_uniquely() -> None:
    for attribute in ("key", "label", "ui_name", "cli_name"):
        names = [getattr(spec, attribute) for spec in SETTING_SPECS]
        assert len(set(names)) == len(names), attribute
    assert COPY_SESSION_URL.warning is URL_WARNING
    assert COPY_SESSION_ID.warning is None


@pytest.mark.parametrize(
    ("spec", "stored"),
    [
        (COPY_SESSION_ID, "yes"),
        (COPY_SESSION_ID, "ON"),
        (COPY_SESSION_ID, "1"),
        (COPY_SESSION_ID, 1),
        (SESSION_URL_BASE, "https://collab.example.com/join"),
        (SESSION_URL_BASE, "http://collab.example.com/join/"),
        (SESSION_URL_BASE, None),
    ],
)
def test_stored_values_are_read_strictly(spec: Any, stored: Any) -> None:
    """A stored value is only what the app writes: anything else is a tampered store."""
    with pytest.raises(SettingsError):
        spec.from_store(stored)
