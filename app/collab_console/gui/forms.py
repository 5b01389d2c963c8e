"""Designer forms from ``ui_forms/`` and the assets in ``resources/``.

Forms are loaded at run time with QUiLoader (a few milliseconds each), so the
``.ui`` files stay the only source of the layouts and nothing generated is kept.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QFile, QIODevice
from PySide6.QtGui import QIcon
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QPushButton, QWidget

_PACKAGE = Path(__file__).resolve().parent.parent
W = TypeVar("W", bound=QWidget)


class FormError(RuntimeError):
    """A form or asset that ships with the app is missing or broken."""


@cache
def asset_root(kind: str) -> Path:
    """``ui_forms`` or ``resources``: inside an installed wheel, else at the repo root."""
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parent.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FormError(f"the {kind} folder is missing from this installation")


def load_form(name: str, parent: QWidget) -> QWidget:
    """Build ``ui_forms/<name>.ui`` as a child of ``parent``."""
    path = asset_root("ui_forms") / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"cannot read the form {path}")
    loader = _loader()
    try:
        form = loader.load(file, parent)
    finally:
        file.close()
    if form is None:
        raise FormError(f"cannot build the form {path}: {loader.errorString()}")
    return form


@cache
def _loader() -> QUiLoader:
    """One loader without Designer plugins: the forms use stock widgets only.

    QUiLoader loads every plugin under <library path>/designer as it is built,
    Qt Quick and QML among them (~8 MB, ~8 ms), so the library paths are hidden
    from it for that moment.
    """
    library_paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        loader = QUiLoader()
        loader.clearPluginPaths()
    finally:
        QCoreApplication.setLibraryPaths(library_paths)
    return loader


def child(form: QWidget, kind: type[W], name: str) -> W:
    """The widget called ``name`` in ``form``; a missing one is a packaging bug."""
    found = form.findChild(kind, name)
    if found is None:
        raise FormError(f"the form {form.objectName()} has no {kind.__name__} {name}")
    return found


def icon(name: str) -> QIcon:
    return QIcon(str(asset_root("resources") / "icons" / name))


def set_text(widget: QAbstractButton | QLabel, text: str, accessible: str | None = None) -> None:
    """Show ``text`` and give screen readers the same words (or ``accessible``)."""
    widget.setText(text)
    widget.setAccessibleName(accessible if accessible is not None else text.replace("&", ""))


def box_button(
    box: QDialogButtonBox, which: QDialogButtonBox.StandardButton, name: str, text: str
) -> QPushButton:
    """A dialog button-box button, given a stable object name and its visible text."""
    button = box.button(which)
    if button is None:
        raise FormError(f"the button box {box.objectName()} has no {which.name} button")
    button.setObjectName(name)
    set_text(button, text)
    return button
