"""Names and IDs people type: cleaned, or refused with a reason (core/text.py)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_console.core.errors import ValidationError
from collab_console.core.text import (
    ID_ALPHABET,
    SESSION_ID_PATTERN,
    clean_name,
    is_session_id,
    normalise_session_id,
)

CUSTOMER = "the customer's name"

# -- Session IDs -------------------------------------------------------------------------

GOOD_SESSION_IDS = [
    pytest.param("7QKM-92HX", "7QKM-92HX", id="as-stored"),
    pytest.param("7qkm-92hx", "7QKM-92HX", id="lower-case"),
    pytest.param("7QKM92HX", "7QKM-92HX", id="no-dash"),
    pytest.param("7QKM 92HX", "7QKM-92HX", id="space-for-dash"),
    pytest.param(" 7q km 92 hx\n", "7QKM-92HX", id="spaces-and-newline"),
    pytest.param("\t7QKM-92HX\r\n", "7QKM-92HX", id="tab-crlf"),
    pytest.param("7QK-M92HX", "7QKM-92HX", id="dash-misplaced"),
    pytest.param("0000-ZZZZ", "0000-ZZZZ", id="alphabet-ends"),
]

BAD_SESSION_IDS = [
    pytest.param("ﬀﬀ-ﬀﬀ", "plain letters and digits", id="ligature-ff-upper-is-FF"),
    pytest.param("７ＱＫＭ-９２ＨＸ", "plain letters and digits", id="full-width"),
    pytest.param("7QKM-92HＸ", "plain letters and digits", id="one-full-width-letter"),
    pytest.param("7QKМ-92HX", "plain letters and digits", id="cyrillic-em"),
    pytest.param("7QKM\u200b-92HX", "plain letters and digits", id="zero-width-space"),
    pytest.param("7QKM\u00a092HX", "plain letters and digits", id="no-break-space"),
    pytest.param("7QKM-92H", "expected something like 7QKM-92HX", id="too-short"),
    pytest.param("7QKM-92HXX", "expected something like 7QKM-92HX", id="too-long"),
    pytest.param("", "expected something like 7QKM-92HX", id="empty"),
    pytest.param("7QKM_92HX", "expected something like 7QKM-92HX", id="underscore"),
    pytest.param("7QKM-92H\x00", "expected something like 7QKM-92HX", id="nul"),
    pytest.param("7QKM-92HX-P1", "expected something like 7QKM-92HX", id="participant-id"),
    pytest.param("7QKI-92HX", "never contain I, L, O or U", id="letter-I"),
    pytest.param("7QKL-92HX", "never contain I, L, O or U", id="letter-L"),
    pytest.param("7QKO-92HX", "never contain I, L, O or U", id="letter-O"),
    pytest.param("7QKU-92HX", "never contain I, L, O or U", id="letter-U"),
    pytest.param(None, "must be text", id="none"),
    pytest.param(79229, "must be text", id="number"),
]


@pytest.mark.parametrize(("typed", "stored"), GOOD_SESSION_IDS)
def test_normalise_session_id_accepts_what_an_agent_types(typed: str, stored: str) -> None:
    assert normalise_session_id(typed) == stored


@pytest.mark.parametrize(("typed", "message"), BAD_SESSION_IDS)
def test_normalise_session_id_refuses_with_the_expected_form(typed: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        normalise_session_id(typed)

    assert "7QKM-92HX" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_long_paste_is_not_echoed_in_the_message() -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_session_id("x" * 5000)

    assert len(str(refused.value)) < 100


def test_a_refused_id_with_a_direction_override_is_escaped_in_the_message() -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_session_id("7QKM\u202e-92HX")

    assert "\u202e" not in str(refused.value)
    assert "\\u202e" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        ("7QKM-92HX", True),
        ("7QKM-92HX-P1", False),
        ("7QKM-92HX-P12", False),
        ("7QKM-92HX-P0", False),
        ("7QKM-92HX-P01", False),
        ("7QKM-92HX-P", False),
        ("7QKM-92HX-p1", False),
        ("7qkm-92hx-P1", False),
        ("7QKM-92HX-P1\n", False),
        ("7QKM-92HX\n", False),
        ("7QKO-92HX-P1", False),
        ("7QKM-92HX-P١", False),  # Arabic-Indic digit one
        ("", False),
        (None, False),
    ],
)
def test_is_session_id_takes_the_stored_form_only(text: Any, session: bool) -> None:
    assert is_session_id(text) is session
    if isinstance(text, str):
        assert (SESSION_ID_PATTERN.match(text) is not None) is session


def test_the_id_alphabet_is_crockford_without_i_l_o_u() -> None:
    assert len(ID_ALPHABET) == 32
    assert set(ID_ALPHABET) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") - set("ILOU")


session_ids = st.builds(
    lambda chars: f"{''.join(chars[:4])}-{''.join(chars[4:])}",
    st.lists(st.sampled_from(ID_ALPHABET), min_size=8, max_size=8),
)


#: Mostly near-IDs, so that both acceptance and refusal are exercised.
typed_ids = st.text(
    st.sampled_from(ID_ALPHABET + ID_ALPHABET.lower() + "ILOU -\t\nﬀＱ７١\u200b\u0301"),
    max_size=12,
) | st.text(max_size=12)


@settings(max_examples=300)
@given(typed_ids)
def test_normalise_session_id_never_accepts_non_ascii_and_round_trips(text: str) -> None:
    try:
        stored = normalise_session_id(text)
    except ValidationError:
        return
    assert text.isascii()
    assert is_session_id(stored)
    assert normalise_session_id(stored) == stored


@settings(max_examples=100)
@given(session_ids, st.data())
def test_every_session_id_survives_what_agents_do_to_it(
    session_id: str, data: st.DataObject
) -> None:
    mangled = "".join(
        data.draw(st.sampled_from([ch, ch.lower(), f" {ch}", f"{ch}-"])) for ch in session_id
    )

    assert normalise_session_id(mangled) == session_id


@settings(max_examples=200)
@given(session_ids, st.integers(min_value=0, max_value=7), st.characters(min_codepoint=0x80))
def test_one_non_ascii_character_is_always_refused(session_id: str, at: int, ch: str) -> None:
    with pytest.raises(ValidationError):
        normalise_session_id(session_id[:at] + ch + session_id[at:])


# -- names -------------------------------------------------------------------------------

GOOD_NAMES = [
    pytest.param("Ana Silva", "Ana Silva", id="plain"),
    pytest.param("  Ana   Silva  ", "Ana Silva", id="spaces-collapsed"),
    pytest.param("Ana\tSilva\n", "Ana Silva", id="tab-newline-are-whitespace"),
    pytest.param("Ana\u00a0\u3000Silva", "Ana Silva", id="unicode-spaces"),
    pytest.param("Ana\u2028Silva", "Ana Silva", id="line-separator"),
    pytest.param("\ufeffAna Silva", "Ana Silva", id="bom-dropped"),
    pytest.param("An\u200ba Sil\u200dva", "Ana Silva", id="zero-width-dropped"),
    pytest.param("Ana \u200b Silva", "Ana Silva", id="zero-width-between-spaces"),
    pytest.param("Jose\u0301", "José", id="nfc"),
    pytest.param("José Müller-Łukasiewicz", "José Müller-Łukasiewicz", id="accents"),
    pytest.param("山田 太郎", "山田 太郎", id="cjk"),
    pytest.param("محمد", "محمد", id="arabic-without-controls"),
    pytest.param("A", "A", id="one-letter"),
]

BAD_NAMES = [
    pytest.param("", "enter the customer's name", id="empty"),
    pytest.param("   \t\n", "enter the customer's name", id="blank"),
    pytest.param("\u200b", "has no visible characters", id="only-zwsp"),
    pytest.param("\u200d\u2060\ufeff", "has no visible characters", id="only-format-chars"),
    pytest.param(" \u200b \u200b ", "has no visible characters", id="zwsp-and-spaces"),
    pytest.param("\u0301\u0308", "has no visible characters", id="only-combining-marks"),
    pytest.param("\u3164", "has no visible characters", id="hangul-filler"),
    pytest.param("\u2800\u2800", "has no visible characters", id="braille-blank"),
    pytest.param("\u202eanA", "text-direction controls", id="rlo"),
    pytest.param("Ana \u202dSilva", "text-direction controls", id="lro"),
    pytest.param("Ana\u202a", "text-direction controls", id="lre"),
    pytest.param("Ana\u202b", "text-direction controls", id="rle"),
    pytest.param("Ana\u202c", "text-direction controls", id="pdf"),
    pytest.param("Ana\u2066", "text-direction controls", id="lri"),
    pytest.param("Ana\u2067", "text-direction controls", id="rli"),
    pytest.param("Ana\u2068", "text-direction controls", id="fsi"),
    pytest.param("Ana\u2069", "text-direction controls", id="pdi"),
    pytest.param("Ana\x00Silva", "control characters", id="nul"),
    pytest.param("Ana\x1b[31mSilva", "control characters", id="escape"),
    pytest.param("Ana\x7f", "control characters", id="del"),
    pytest.param("Ana\x85Silva", "control characters", id="nel"),
    pytest.param("Ana\x1fSilva", "control characters", id="unit-separator"),
    pytest.param("Ana\ud800", "broken character", id="lone-surrogate"),
    pytest.param("x" * 121, "longer than 120 characters", id="too-long"),
    pytest.param(None, "the customer's name must be text", id="none"),
    pytest.param(b"Ana", "the customer's name must be text", id="bytes"),
]


@pytest.mark.parametrize(("typed", "stored"), GOOD_NAMES)
def test_clean_name_accepts_and_cleans(typed: str, stored: str) -> None:
    assert clean_name(typed, what=CUSTOMER) == stored


@pytest.mark.parametrize(("typed", "message"), BAD_NAMES)
def test_clean_name_refuses_with_a_reason(typed: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        clean_name(typed, what=CUSTOMER)

    text = str(refused.value)
    assert text[0].islower()
    assert "\n" not in text
    assert text.isascii()


def test_clean_name_names_the_field_and_honours_max_length() -> None:
    what = "the name of who acknowledged the warning"

    with pytest.raises(ValidationError, match=f"^enter {what}$"):
        clean_name(" ", what=what)
    with pytest.raises(ValidationError, match=f"^{what} is longer than 10 characters$"):
        clean_name("Ana Silva Jr", what=what, max_length=10)
    assert clean_name("  Ana  Silva ", what=what, max_length=9) == "Ana Silva"


def test_the_length_limit_counts_the_cleaned_name() -> None:
    padded = "  " + "x" * 60 + " \u200b " * 40 + "y" * 59 + "  "

    assert len(clean_name(padded, what=CUSTOMER)) == 120


FORBIDDEN_IN_OUTPUT = {"Cc", "Cf", "Cs"}


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_clean_name_output_is_trimmed_visible_and_idempotent(text: str) -> None:
    try:
        cleaned = clean_name(text, what=CUSTOMER)
    except ValidationError:
        return
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(unicodedata.category(ch) in FORBIDDEN_IN_OUTPUT for ch in cleaned)
    assert 0 < len(cleaned) <= 120
    assert clean_name(cleaned, what=CUSTOMER) == cleaned


@settings(max_examples=200)
@given(
    st.text(
        st.characters(categories=["Cf", "Mn", "Me", "Zs", "Zl", "Zp"], exclude_characters="\x85"),
        min_size=1,
        max_size=10,
    )
)
def test_a_name_of_only_invisible_characters_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        clean_name(text, what=CUSTOMER)
