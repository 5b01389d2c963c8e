"""Where the embedded store lives."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "COLLAB_CONSOLE_DATA_DIR"
STORE_FILENAME = "collab-console.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, else ``$COLLAB_CONSOLE_DATA_DIR``, else the user's data directory."""
    if override:
        return Path(override).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("collab-console", appauthor=False))


def store_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / STORE_FILENAME
