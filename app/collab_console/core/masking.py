"""Masked forms of what identifies a customer: for cards, rows and the privacy screen.

One place decides how a contact, a Session URL, a name and an ID look masked,
so the card, the participant rows and the privacy screen agree. Masking is
for the screen only: what is copied is never masked.
"""

from __future__ import annotations

MASK = "•"
#: The two-digit country calling codes (ITU-T E.164); the one-digit ones are 1 and 7, all
#: others have three. The organisation database masks with the same list
#: (``store/pg_schema.py``). The codes are prefix-free, so a number's first digits tell which it
#: has, whether it is written "+44 20 7946 0912" or, normalised, "+442079460912".
TWO_DIGIT_CALLING_CODES = frozenset(
    str(code)
    for code in [
        *(20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49),
        *(51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86),
        *(90, 91, 92, 93, 94, 95, 98),
    ]
)


def mask_contact(contact: str) -> str:
    """``+44 20 7946 0912`` → ``+44 •••• ••12``; ``priya.nair@example.com`` → ``p••••@example.com``.

    The country code and the last two digits stay: enough to tell contacts apart.
    A number in E.164 (``+442079460912``) masks the same as one written with spaces.
    """
    text = contact.strip()
    if not text:
        return ""
    if "@" in text:
        local, _, domain = text.rpartition("@")
        return f"{local[:1]}{MASK * 4}@{domain}"
    digits = "".join(ch for ch in text if ch.isdigit())
    prefix = f"+{_country_code(digits)} " if text.startswith("+") and digits else ""
    return f"{prefix}{MASK * 4} {MASK * 2}{digits[-2:]}"


def _country_code(digits: str) -> str:
    if digits[:1] in ("1", "7"):
        return digits[:1]
    if digits[:2] in TWO_DIGIT_CALLING_CODES:
        return digits[:2]
    return digits[:3]


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
