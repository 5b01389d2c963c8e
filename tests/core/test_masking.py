"""Masked forms for the screen: recognisable, never readable."""

from __future__ import annotations

import pytest

from collab_console.core.masking import mask_contact, mask_id, mask_name


@pytest.mark.parametrize(
    ("contact", "masked"),
    [
        ("+44 20 7946 0912", "+44 •••• ••12"),
        ("+1 555 0100 200", "+1 •••• ••00"),
        ("020 7946 0958", "•••• ••58"),
        ("priya.nair@example.com", "p••••@example.com"),
        ("", ""),
    ],
)
def test_contacts_keep_only_what_tells_them_apart(contact: str, masked: str) -> None:
    assert mask_contact(contact) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [("Dana Levi", "D••• L•••"), ("Ōsaka Jun", "Ō••• J•••"), ("", "•••")],
)
def test_names_keep_initials(text: str, masked: str) -> None:
    assert mask_name(text) == masked


@pytest.mark.parametrize(
    ("access_id", "masked"),
    [("7QKM-92HX", "••••-••HX"), ("K9ZC-3HNP", "••••-••NP"), ("XYZ", "•••")],
)
def test_ids_keep_their_last_two_characters(access_id: str, masked: str) -> None:
    assert mask_id(access_id) == masked
    assert access_id[:4] not in masked
