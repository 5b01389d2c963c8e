"""Looks the whole GUI shares, defined once."""

from __future__ import annotations

#: Text that reports a failure (a failed invitation, an invalid field, a blocked save).
ERROR_COLOUR = "#b3261e"
ERROR_STYLE = f"color: {ERROR_COLOUR};"
ERROR_STYLE_BOLD = f"color: {ERROR_COLOUR}; font-weight: bold;"
#: How long a passing status-bar message stays.
STATUS_MS = 8000
