"""Every test of this suite runs on the kit's fixed clock and fixed IDs: the same run,
the same Session IDs and the same screenshots, on any machine, any day."""

import pytest


@pytest.fixture(autouse=True)
def reproducible(fixed_clock, fixed_ids):
    """Time stands at 2026-03-04 10:00 UTC and new IDs follow the kit's seed."""
