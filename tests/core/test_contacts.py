"""Contacts: strict and normalised when typed, readable as any version stored them."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab_console.core.domain import ContactKind, check_stored_contact, parse_contact
from collab_console.core.errors import ValidationError
from collab_console.core.masking import mask_contact

HOW_TO = "Write the phone number with its country code, like +44 20 7946 0958."


@pytest.mark.parametrize(
    ("typed", "kind", "stored"),
    [
        pytest.param("+44 20 7946 0958", ContactKind.SMS, "+442079460958", id="uk"),
        pytest.param(" +44 (20) 7946-0958 ", ContactKind.SMS, "+442079460958", id="uk-punctuated"),
        pytest.param("+1 202-555-0100", ContactKind.SMS, "+12025550100", id="us"),
        pytest.param("+1 (202) 555.0177", ContactKind.SMS, "+12025550177", id="us-dotted"),
        pytest.param("+442079460958", ContactKind.SMS, "+442079460958", id="already-e164"),
        pytest.param(
            "dana.levi@example.com", ContactKind.EMAIL, "dana.levi@example.com", id="plain"
        ),
        pytest.param(
            "Dana.Levi@EXAMPLE.COM", ContactKind.EMAIL, "Dana.Levi@example.com", id="case"
        ),
        pytest.param(
            " priya+work@Mail.Example.co.uk ",
            ContactKind.EMAIL,
            "priya+work@mail.example.co.uk",
            id="subaddress",
        ),
        pytest.param("tom@BÜCHER.example", ContactKind.EMAIL, "tom@bücher.example", id="idn"),
        pytest.param(
            "tom@xn--bcher-kva.example", ContactKind.EMAIL, "tom@bücher.example", id="a-label"
        ),
    ],
)
def test_a_good_contact_is_normalised(typed: str, kind: ContactKind, stored: str) -> None:
    assert parse_contact(typed) == (kind, stored)
    assert parse_contact(stored) == (kind, stored), "normalising twice changes nothing"
    assert check_stored_contact(stored) == stored, "what is stored reads back"


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        pytest.param("", "Enter a phone number or an e-mail address.", id="empty"),
        pytest.param(" \t", "Enter a phone number or an e-mail address.", id="blank"),
        pytest.param("020 7946 0958", HOW_TO, id="national-uk"),
        pytest.param("(202) 555-0100", HOW_TO, id="national-us"),
        pytest.param(
            "+1 555 abc 0100", "'+1 555 abc 0100' is not a valid phone number.", id="letters"
        ),
        pytest.param("1-800-FLOWERS", "'1-800-FLOWERS' is not a valid phone number.", id="vanity"),
        pytest.param("dana", "'dana' is not a valid phone number.", id="a-name"),
        pytest.param(
            "+44 20 7946 09",
            "'+44 20 7946 09' is not a valid phone number: check its country code and digits.",
            id="too-short",
        ),
        pytest.param(
            "+1 555 0100 200",
            "'+1 555 0100 200' is not a valid phone number: check its country code and digits.",
            id="no-such-area-code",
        ),
        pytest.param("+", "'+' is not a valid phone number.", id="plus-alone"),
        pytest.param("a@b", "'a@b' is not a valid e-mail address.", id="no-dot"),
        pytest.param("dana@", "'dana@' is not a valid e-mail address.", id="no-domain"),
        pytest.param(
            "@example.com", "'@example.com' is not a valid e-mail address.", id="no-local"
        ),
        pytest.param(
            "dana@@example.com", "'dana@@example.com' is not a valid e-mail address.", id="two-ats"
        ),
        pytest.param(
            "dana@localhost", "'dana@localhost' is not a valid e-mail address.", id="local"
        ),
        pytest.param(
            "Dana Levi <dana@example.com>",
            "'Dana Levi <dana@example.com>' is not a valid e-mail address:"
            " enter the address alone, without a name or spaces.",
            id="display-name",
        ),
        pytest.param(
            "dana levi@example.com",
            "'dana levi@example.com' is not a valid e-mail address:"
            " enter the address alone, without a name or spaces.",
            id="space",
        ),
    ],
)
def test_a_bad_contact_is_refused_in_one_plain_sentence(typed: str, sentence: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_contact(typed)

    assert refused.value.sentence == sentence


@pytest.mark.parametrize("typed", ["+1" + "5" * 500, "d" * 500 + "@example.com"])
def test_a_huge_contact_is_not_echoed_whole(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_contact(typed)

    assert len(refused.value.sentence) < 120
    assert "…" in refused.value.sentence


@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_every_country_s_example_number_is_taken_stored_and_masked(region: str) -> None:
    """Typed as people write them abroad; stored in E.164; masked with its country code."""
    example = phonenumbers.example_number(region)
    assert example is not None
    typed = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    assert parse_contact(typed) == (ContactKind.SMS, e164)
    assert check_stored_contact(e164) == e164
    country = f"+{example.country_code} "
    assert mask_contact(e164).startswith(country), "the same country code, spaces or not"
    assert mask_contact(typed) == mask_contact(e164)


@pytest.mark.parametrize(
    "stored",
    [
        "+44 20 7946 0958",  # as typed, before normalising
        "+1 555 0100 200",  # the old demo's number, which phonenumbers calls invalid
        "020 7946 0958",  # no country code
        "Dana.Levi@EXAMPLE.COM",
        " ruth@example.com ",
    ],
)
def test_what_an_older_version_stored_still_reads_back_as_it_is(stored: str) -> None:
    assert check_stored_contact(stored) == stored


@pytest.mark.parametrize(
    ("stored", "says"),
    [
        ("call me", "not a phone number"),
        ("+1 555\n0100", "not a phone number"),
        ("12", "not a phone number"),
        ("a@b", "not an e-mail address"),
        ("dana levi@example.com", "not an e-mail address"),
    ],
)
def test_a_stored_contact_of_no_known_shape_is_refused_without_echoing_it(
    stored: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=says) as refused:
        check_stored_contact(stored)

    assert stored not in str(refused.value)


@given(st.emails())
def test_any_address_taken_is_stored_in_a_shape_that_reads_back(address: str) -> None:
    try:
        kind, stored = parse_contact(address)
    except ValidationError:
        return  # hypothesis makes addresses the library refuses too (special-use domains)
    assert kind is ContactKind.EMAIL
    assert check_stored_contact(stored) == stored
    assert parse_contact(stored) == (kind, stored)
