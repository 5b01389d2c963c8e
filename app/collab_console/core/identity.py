"""Who is at the keyboard, for the audit record."""

from __future__ import annotations

import os


def current_user() -> str:
    """The operating-system account running the app, from its uid.

    Not ``$LOGNAME`` or ``$USER`` (what ``getpass.getuser`` reads first):
    anyone can set those, and the audit would believe them.
    """
    uid = os.getuid()
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):  # an account with no passwd entry (containers)
        return f"uid {uid}"
