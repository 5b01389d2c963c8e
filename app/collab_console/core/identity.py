"""Who is at the keyboard, for the audit record."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """The operating-system login name of whoever runs the app."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        return f"uid {os.getuid()}"
