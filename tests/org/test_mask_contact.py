"""The organisation database masks a contact in its audit entries exactly as the core does."""

from __future__ import annotations

import phonenumbers

from collab_console.core.masking import mask_contact
from tests.org.conftest import Org
from tests.org.roles import OWNER


def _examples() -> list[str]:
    """Every region's example number, in E.164 and as people write it, and some e-mails."""
    numbers: list[str] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        numbers.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
        numbers.append(
            phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        )
    return [*numbers, "020 7946 0958", "priya.nair@example.com", "tom@bücher.example", ""]


def test_the_sql_mask_is_the_core_s_for_every_region_s_numbers(org: Org) -> None:
    contacts = _examples()
    with org.sql(OWNER) as conn:  # an internal function: no login may call it
        masked = [
            row[0]
            for row in conn.execute(
                "SELECT collab.mask_contact(c) FROM unnest(%s::text[]) WITH ORDINALITY AS t(c, n)"
                " ORDER BY n",
                (contacts,),
            )
        ]

    assert masked == [mask_contact(contact) for contact in contacts]
    assert mask_contact("+442079460912") == "+44 •••• ••12"
