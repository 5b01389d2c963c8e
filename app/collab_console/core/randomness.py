"""Where the app's random IDs and link tokens come from, and the one seam that can seed them.

Session IDs, link IDs and tokens, invitation IDs, lobby request IDs and the
name an e-mail carries in its Message-ID are drawn here, from :mod:`secrets`
by default. A QA suite can seed them (:func:`use_seed`) so that two runs make
the same IDs, for reproducible steps and screenshots.

Not drawn here, and never seeded: passphrase salts and dummy hashes
(``core/admins.py``) and the join service's own secrets (its cookies and
form keys): they always come from :mod:`secrets`.

``secrets`` and ``random`` are imported on first use, so that hashlib stays
off the start-up path.
"""

from __future__ import annotations

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from random import Random

_seeded: Random | None = None


def use_seed(seed: int | None) -> None:
    """Draw every ID and token from ``random.Random(seed)`` from here on; ``None`` goes back
    to :mod:`secrets`.

    The same seed gives the same sequence of IDs and tokens, as long as they
    are drawn in the same order (one thread at a time).

    For the QA kit (``collab_console.testing``) and tests only, in-process. No
    environment variable, setting or command-line flag can seed it, on
    purpose: a seeded token is predictable, and whoever knew the seed could
    open every link the console made with it.
    """
    global _seeded
    if seed is None:
        _seeded = None
        return
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"use_seed takes a whole number or None, not {seed!r}.")
    import random

    _seeded = random.Random(seed)


def _random_bytes(nbytes: int) -> bytes:
    """``nbytes`` bytes from the seeded generator (its ``getrandbits``) or the OS."""
    seeded = _seeded
    if seeded is not None:
        return seeded.randbytes(nbytes)
    import secrets

    return secrets.token_bytes(nbytes)


def token_urlsafe(nbytes: int) -> str:
    """``nbytes`` random bytes in unpadded URL-safe base 64, as :func:`secrets.token_urlsafe`."""
    from base64 import urlsafe_b64encode

    return urlsafe_b64encode(_random_bytes(nbytes)).rstrip(b"=").decode("ascii")


def token_hex(nbytes: int) -> str:
    """``nbytes`` random bytes as lower-case hex, as :func:`secrets.token_hex`."""
    return _random_bytes(nbytes).hex()


def choice(seq: Sequence[str]) -> str:
    """One item of the non-empty ``seq``, as :func:`secrets.choice`."""
    seeded = _seeded
    if seeded is not None:
        return seeded.choice(seq)
    import secrets

    return secrets.choice(seq)


def randbelow(n: int) -> int:
    """A whole number from 0 up to ``n`` (excluded; ``n`` > 0), as :func:`secrets.randbelow`."""
    seeded = _seeded
    if seeded is not None:
        return seeded.randrange(n)
    import secrets

    return secrets.randbelow(n)
