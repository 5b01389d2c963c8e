"""Designer forms from ``ui_forms/`` and the assets in ``resources/``.

Forms are built at run time from the ``.ui`` files by :mod:`form_builder` (a
few milliseconds each), so the ``.ui`` files stay the only source of the layouts
and nothing generated is kept.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QPushButton, QWidget

from collab_console.gui.form_builder import FormError, Node, build_form, parse_form

_PACKAGE = Path(__file__).resolve().parent.parent
W = TypeVar("W", bound=QWidget)


@cache
def asset_root(kind: str) -> Path:
    """``ui_forms`` or ``resources``: inside an installed wheel, else at the repo root."""
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parent.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FormError(f"the {kind} folder is missing from this installation")


def load_form(name: str, parent: QWidget) -> QWidget:
    """Build ``ui_forms/<name>.ui`` as a child of ``parent``."""
    return build_form(_form(name), parent, f"{name}.ui")


@cache
def _form(name: str) -> Node:
    path = asset_root("ui_forms") / f"{name}.ui"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormError(f"cannot read the form {path}: {exc.strerror or exc}") from None
    return parse_form(data, str(path))


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
