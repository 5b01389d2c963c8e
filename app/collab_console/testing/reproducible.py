"""A fixed clock and fixed IDs, for runs and screenshots that come out the same every time.

The console decides and shows times by :func:`collab_console.core.clock.now`
and makes its IDs and link tokens through :mod:`collab_console.core.randomness`;
both seams are set here, in this process only. Nothing outside Python code can
set them (no variable, no flag): a clock that stands still keeps links alive,
and a seeded token can be guessed.

What the store dates itself (an audit entry's time, when an invitation was
queued, a resend's wait) follows the database's own clock, which no test
moves: compare those with each other, never with the fixed clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from collab_console.core import clock, randomness

#: Half an hour after the demo sessions began (2026-03-04 09:30 UTC): the fixed clock's start.
FIXED_START = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
#: The seed of fixed IDs unless a test names its own.
FIXED_SEED = 20260304


class FixedClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = FIXED_START) -> None:
        self._now = _aware(start)

    def now(self) -> datetime:
        """Where the clock stands."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Put the clock at ``moment`` (aware)."""
        self._now = _aware(moment)

    def advance(self, **delta: float) -> datetime:
        """Move the clock on by ``timedelta(**delta)`` (never back) and say where it is."""
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError(f"a fixed clock only moves forward, not by {step}")
        self._now += step
        return self._now

    def install(self) -> None:
        """Make the console read this clock (until :func:`release`)."""
        clock.use_clock(self.now)


def release() -> None:
    """Give the console the real clock and real randomness back."""
    clock.use_clock(None)
    randomness.use_seed(None)


def use_fixed_ids(seed: int = FIXED_SEED) -> None:
    """Make new Session IDs, link IDs and tokens, invitation and request IDs follow ``seed``."""
    randomness.use_seed(seed)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"a fixed clock needs a time with its zone, not {moment.isoformat()}")
    return moment.astimezone(UTC)
