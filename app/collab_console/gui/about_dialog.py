"""Help › About Collab Console: the version, the licence, and the licence notices of
what the console ships with (Qt, PySide6 and the libraries installed with it).

Nothing here is written twice: the version is :data:`collab_console.__version__`,
the console's licence and the libraries' licences come from the installed
packages' metadata (``importlib.metadata``), and Qt's and PySide6's versions from
the running libraries. Imported only when About is first opened.
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import NamedTuple

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from collab_console import __version__
from collab_console.core.i18n import isolate
from collab_console.gui.forms import box_button, child, load_form, set_text

#: The console's own distribution, whose runtime requirements are walked.
DISTRIBUTION = "collab-console"
#: Said for a licence that no metadata field states.
NOT_STATED = str(QT_TRANSLATE_NOOP("AboutDialog", "licence not stated"))

#: "name[extra,…] >=1.0 ; marker": the requirement's name, its extras, its marker.
_REQUIREMENT = re.compile(
    r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?[^;]*(?:;(?P<marker>.*))?"
)
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
#: A License field longer than this is a licence's whole text, not its name.
_SHORT_LICENCE = 60
#: How Qt and PySide6 are licensed, said before the licence's address (":") or alone (".").
USED_UNDER_LGPL = str(
    QT_TRANSLATE_NOOP(
        "AboutDialog", "Used under the GNU Lesser General Public License, version 3 (LGPLv3)"
    )
)
#: Where a library's source code is; ``{url}`` stays as it is.
SOURCE_CODE = str(QT_TRANSLATE_NOOP("AboutDialog", "Source code: {url}"))


class Library(NamedTuple):
    """One distribution installed with the console: its name, version and licence."""

    name: str
    version: str
    licence: str


def _key(name: str) -> str:
    """A distribution name as the registry compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    """A metadata field's text, or "" when the distribution leaves it out."""
    return (meta[name] or "").strip() if name in meta else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """A distribution's licence in a few words: its SPDX expression, else its License
    field when that is a name rather than a whole text, else its classifiers'."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    stated = _field(meta, "License")
    if stated and "\n" not in stated and len(stated) <= _SHORT_LICENCE:
        return stated
    classified = [
        classifier.rsplit("::", 1)[-1].strip()
        for classifier in meta.get_all("Classifier") or []
        if classifier.startswith("License ::")
    ]
    if classified:
        return " OR ".join(classified)
    return stated.splitlines()[0][:_SHORT_LICENCE] if stated else _tr(NOT_STATED)


def _wanted(requirement: str) -> tuple[str, frozenset[str]] | None:
    """The name and the extras a requirement asks for, or None if it cannot be read."""
    found = _REQUIREMENT.match(requirement)
    if found is None:
        return None
    extras = frozenset(_key(e) for e in (found["extras"] or "").split(",") if e.strip())
    return found["name"], extras


def _extras(marker: str) -> list[str]:
    """The extras a requirement's marker is for (``extra == "binary"``)."""
    return [_key(extra) for extra in _EXTRA.findall(marker)]


def shipped_libraries(root: str = DISTRIBUTION) -> list[Library] | None:
    """Every distribution installed to meet ``root``'s runtime requirements, and theirs,
    by name; None when this installation keeps no metadata for ``root``.

    A requirement counts when its distribution is installed and it is not asked for
    only by an extra that was not chosen (``psycopg[binary]`` brings psycopg-binary,
    ``collab-console[qa]``'s pytest is not the console's). An installed distribution
    is what was shipped, whatever the markers say.
    """
    try:
        metadata.distribution(root)
    except metadata.PackageNotFoundError:
        return None
    seen: dict[str, Library] = {}
    walked: set[tuple[str, frozenset[str]]] = set()
    waiting: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while waiting:
        name, extras = waiting.pop()
        if (_key(name), extras) in walked:
            continue
        walked.add((_key(name), extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed here: a marker left it out (another platform)
        shown = dist.metadata["Name"] or name
        if _key(shown) != _key(root):
            seen[_key(shown)] = Library(shown, dist.version, licence_of(dist.metadata))
        for requirement in dist.requires or []:
            wanted = _wanted(requirement)
            marker = requirement.partition(";")[2]
            if wanted is None or ("extra" in marker and not extras & set(_extras(marker))):
                continue
            waiting.append(wanted)
    return sorted(seen.values(), key=lambda library: library.name.lower())


def notices(libraries: list[Library] | None, qt: str, pyside: str) -> str:
    """The licence notices as plain text: Qt and PySide6 first, then every library."""
    lines = [
        f"Qt {qt}",
        "Copyright (C) The Qt Company Ltd. and other contributors.",
        _tr(USED_UNDER_LGPL) + ":",
        "https://www.gnu.org/licenses/lgpl-3.0.html",
        _tr(SOURCE_CODE).format(url=isolate("https://download.qt.io/official_releases/qt/")),
        "",
        f"PySide6 {pyside} (Qt for Python)",
        "Copyright (C) The Qt Company Ltd.",
        _tr(USED_UNDER_LGPL) + ".",
        _tr(SOURCE_CODE).format(url=isolate("https://code.qt.io/cgit/pyside/pyside-setup.git/")),
        "",
        QCoreApplication.translate(
            "AboutDialog",
            "You may replace Qt and PySide6 in this installation with versions of your own "
            "that keep their interfaces.",
        ),
        "",
    ]
    if libraries is None:
        lines.append(
            QCoreApplication.translate(
                "AboutDialog",
                "This installation keeps no record of the other libraries it ships with.",
            )
        )
    else:
        lines.append(
            QCoreApplication.translate(
                "AboutDialog", "Libraries shipped with Collab Console, with their licences:"
            )
        )
        lines += [f"{lib.name} {lib.version}: {lib.licence}" for lib in libraries]
    return "\n".join(lines)


def console_licence() -> str:
    """The console's own licence, from its package metadata."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return QCoreApplication.translate(
            "AboutDialog", "Licence: not recorded in this installation."
        )
    return QCoreApplication.translate("AboutDialog", "Licence: {licence}.").format(
        licence=licence_of(meta)
    )


class AboutDialog(QDialog):
    """What the console is, its version and licence, and the notices of what it ships with.

    Opened window-modal from Help › About Collab Console (``ConsoleWindow.open_about``);
    the notices are a read-only text the keyboard can scroll. Close or Esc closes it.
    It reads only package metadata: no store, no settings.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(QCoreApplication.translate("AboutDialog", "About Collab Console"))
        self.form = load_form("about", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        name = child(self.form, QLabel, "aboutNameLabel")
        font = QFont(name.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        name.setFont(font)
        set_text(name, name.text())
        set_text(
            child(self.form, QLabel, "aboutVersionLabel"),
            QCoreApplication.translate("AboutDialog", "Version {version}").format(
                version=__version__
            ),
        )
        summary = child(self.form, QLabel, "aboutSummaryLabel")
        set_text(summary, summary.text())
        set_text(child(self.form, QLabel, "aboutLicenceLabel"), console_licence())
        self.notices = child(self.form, QPlainTextEdit, "aboutNoticesText")
        self.notices.setAccessibleName(QCoreApplication.translate("AboutDialog", "Licence notices"))
        self.notices.setPlainText(notices(shipped_libraries(), qVersion(), pyside_version))
        buttons = child(self.form, QDialogButtonBox, "aboutButtons")
        self.close_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Close,
            "closeAboutButton",
            QCoreApplication.translate("AboutDialog", "Close"),
        )
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.close_button.setFocus()


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("AboutDialog", text)
