"""Masked forms of what identifies a customer: for cards, rows and the privacy screen.

One place decides how a contact, a Session URL, a name and an ID look masked,
so the card, the participant rows and the privacy screen agree. Masking is
for the screen only: what is copied is never masked.
"""

from __future__ import annotations

import re

MASK = "•"
_COUNTRY_CODE = re.compile(r"^\+\d{1,3}")


def mask_contact(contact: str) -> str:
    """``+44 20 7946 0912`` → ``+44 •••• ••12``; ``priya.nair@example.com`` → ``p••••@example.com``.

    The country code and the last two digits stay: enough to tell contacts apart.
    """
    text = contact.strip()
    if not text:
        return ""
    if "@" in text:
        local, _, domain = text.rpartition("@")
        return f"{local[:1]}{MASK * 4}@{domain}"
    digits = [ch for ch in text if ch.isdigit()]
    country = _COUNTRY_CODE.match(text)
    prefix = f"{country.group(0)} " if country else ""
    return f"{prefix}{MASK * 4} {MASK * 2}{''.join(digits[-2:])}"


def mask_name(name: str) -> str:
    """``Dana Levi`` → ``D••• L•••``: enough to tell rows apart, not to read the name."""
    return " ".join(f"{word[:1]}{MASK * 3}" for word in name.split()) or MASK * 3


def mask_id(access_id: str) -> str:
    """``7QKM-92HX`` → ``••••-••HX``: enough to tell IDs apart, not to read one out."""
    head, _, tail = access_id.partition("-")
    if not tail:
        return MASK * len(access_id)
    second, _, rest = tail.partition("-")
    masked = f"{MASK * len(head)}-{MASK * max(len(second) - 2, 0)}{second[-2:]}"
    return f"{masked}-{rest}" if rest else masked
