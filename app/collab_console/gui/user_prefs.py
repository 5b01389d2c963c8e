"""One person's own preferences on this computer: the look, the console window's place.

They live in a QSettings INI file of the user (``~/.config/collab-console/
collab-console.ini`` on Linux), or in ``$COLLAB_CONSOLE_CONFIG_DIR/collab-console.ini``
when that is set (tests, and anyone who keeps several setups apart). They are
never written to the organisation's store: changing them needs no admin, no
acknowledgement and no audit entry, and another person's console never sees them.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

# The folder that holds the preferences file instead of the user's config folder,
# and the remembered organisation database too: one variable, declared there.
from collab_console.store.location import CONFIG_DIR_ENV

#: Organisation and application names of the file, and its name in CONFIG_DIR_ENV.
PREFS_NAME = "collab-console"

THEME_KEY = "appearance/theme"
GEOMETRY_KEY = "consoleWindow/geometry"


class UserPrefs:
    """Reads and writes the preferences file; holds nothing between calls.

    Each call opens the file afresh, so a value saved by another console of the
    same user is seen, and the location follows :data:`CONFIG_DIR_ENV` as it is
    at the time of the call. Values it cannot use read as missing: the file is
    the user's, and a hand edit must not stop the console from starting.
    """

    def __init__(self, folder: Path | None = None) -> None:
        #: Overrides CONFIG_DIR_ENV and the user's config folder.
        self.folder = folder

    def location(self) -> str:
        """The file the preferences are kept in."""
        return self._settings().fileName()

    def _settings(self) -> QSettings:
        folder = self.folder
        if folder is None and os.environ.get(CONFIG_DIR_ENV):
            folder = Path(os.environ[CONFIG_DIR_ENV])
        if folder is not None:
            return QSettings(str(folder / f"{PREFS_NAME}.ini"), QSettings.Format.IniFormat)
        return QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, PREFS_NAME, PREFS_NAME
        )

    def text(self, key: str) -> str | None:
        value = self._settings().value(key)
        return value if isinstance(value, str) else None

    def set_text(self, key: str, value: str) -> None:
        self._write(key, value)

    def window_geometry(self) -> QByteArray | None:
        """The console window's geometry as ``QWidget.saveGeometry`` gave it, if saved."""
        value = self._settings().value(GEOMETRY_KEY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_geometry(self, geometry: QByteArray) -> None:
        self._write(GEOMETRY_KEY, geometry)

    def _write(self, key: str, value: object) -> None:
        settings = self._settings()
        settings.setValue(key, value)
        settings.sync()
