"""The moment the app decides with: :func:`now`, and the one seam that can fix it.

Every "now" the console, the CLI and the invitation sender act on (whether a
link is still live, how long an admin stays unlocked, when a session started,
the time an error dialog names) is read here, so a QA suite can stand the
whole app at one moment (:func:`use_clock`) and get the same screens and
screenshots on every run.

Two clocks are not this one: the join service takes its own clock as a
parameter, and the store stamps what it writes with the database's clock
(made, used and revoked times of links, admin sessions); neither reads this.

On the start-up path: it imports nothing but :mod:`datetime`.
"""

from __future__ import annotations

from datetime import UTC, datetime

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_source: Callable[[], datetime] | None = None


def now() -> datetime:
    """The current moment, time-zone aware, in UTC: the real one unless a clock is installed."""
    source = _source
    if source is None:
        return datetime.now(UTC)
    moment = source()
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(
            f"The clock installed with use_clock returned {moment!r}, not a time with a time"
            " zone: return one such as datetime(2026, 3, 4, 10, 0, tzinfo=UTC)."
        )
    return moment.astimezone(UTC)


def use_clock(source: Callable[[], datetime] | None) -> None:
    """Read every :func:`now` from ``source`` from here on; ``None`` puts the real clock back.

    ``source`` is called on each read, so it may stand still (``lambda: moment``)
    or move on as a test wants; each moment it returns must carry a time zone,
    or the read raises ``ValueError``.

    For the QA kit (``collab_console.testing``) and tests only, in-process. No
    environment variable, setting or command-line flag can install a clock,
    on purpose: a console whose clock stands still would never see a copied
    link expire or an unlocked admin time out, and would keep both working
    for as long as it runs.
    """
    global _source
    if source is not None and not callable(source):
        raise TypeError(f"use_clock takes a function that returns the time, not {source!r}.")
    _source = source
