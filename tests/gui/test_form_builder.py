"""The form builder against QUiLoader: every form in ui_forms/ comes out the same.

The app builds its Designer forms itself (``gui/form_builder.py``) because
QUiLoader is slow to start; Qt's own loader stays the reference. For each
``.ui`` file both build the form, and the tests compare what a user would get:
the same widgets and layouts with the same names, every Qt property equal, the
same layout geometry, and the same pixels on screen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject, QSize
from PySide6.QtGui import QImage
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QBoxLayout,
    QFormLayout,
    QGridLayout,
    QLayout,
    QSpacerItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from collab_console.gui.form_builder import FormError, build_form, parse_form
from collab_console.gui.forms import asset_root, load_form

FORMS = sorted(path.stem for path in Path(asset_root("ui_forms")).glob("*.ui"))
SIZE = QSize(760, 560)


def qt_loaded(name: str, parent: QWidget) -> QWidget:
    """The form as QUiLoader builds it, without Designer plugins (as the app once did)."""
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        loader = QUiLoader()
        loader.clearPluginPaths()
    finally:
        QCoreApplication.setLibraryPaths(paths)
    file = QFile(str(Path(asset_root("ui_forms")) / f"{name}.ui"))
    assert file.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        form = loader.load(file, parent)
    finally:
        file.close()
    assert form is not None, loader.errorString()
    return form


@pytest.fixture
def hosts(qtbot: QtBot) -> tuple[QWidget, QWidget]:
    ours, theirs = QWidget(), QWidget()
    for host in (ours, theirs):
        qtbot.addWidget(host)
        host.resize(SIZE)
    return ours, theirs


#: Each window's own id.
UNCOMPARED = {"winId"}


def described(thing: QObject) -> dict[str, str]:
    """Every readable Qt property of ``thing``, as text."""
    meta = thing.metaObject()
    shown = {}
    for index in range(meta.propertyCount()):
        name = meta.property(index).name()
        if name in UNCOMPARED:
            continue
        try:
            shown[name] = re.sub(r" at 0x[0-9a-f]+", "", repr(thing.property(name)))
        except Exception as exc:  # a type PySide cannot convert: compare its failure
            shown[name] = type(exc).__name__
    return shown


def layout_items(layout: QLayout) -> list[tuple[object, ...]]:
    items: list[tuple[object, ...]] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        assert item is not None
        where: tuple[object, ...] = ()
        if isinstance(layout, QGridLayout | QFormLayout):
            where = tuple(repr(part) for part in layout.getItemPosition(index))
        stretch = layout.stretch(index) if isinstance(layout, QBoxLayout) else None
        if item.widget() is not None:
            what: tuple[object, ...] = ("widget", item.widget().objectName())
        elif item.layout() is not None:
            what = ("layout", item.layout().objectName())
        else:
            spacer = item.spacerItem()
            assert isinstance(spacer, QSpacerItem)
            policy = spacer.sizePolicy()
            what = (
                "spacer",
                spacer.sizeHint().toTuple(),
                repr(policy.horizontalPolicy()),
                repr(policy.verticalPolicy()),
            )
        items.append((*what, where, stretch))
    return items


def tree(form: QWidget) -> dict[str, object]:
    """Each named widget and layout of ``form`` with its class, parent, properties, items."""
    found: dict[str, object] = {}
    for thing in [form, *form.findChildren(QObject)]:
        if not isinstance(thing, QWidget | QLayout) or not thing.objectName():
            continue
        if thing.objectName().startswith("qt_"):  # a widget's own parts (viewport, scroll bars)
            continue
        parent = thing.parent()
        entry: dict[str, object] = {
            "class": thing.metaObject().className(),
            "parent": parent.objectName() if parent is not None else None,
            "properties": described(thing),
        }
        if isinstance(thing, QLayout):
            entry["items"] = layout_items(thing)
        found[thing.objectName()] = entry
    return found


def differences(ours: object, theirs: object) -> dict[str, object]:
    """What differs between two entries of :func:`tree`, property by property."""
    assert isinstance(ours, dict)
    assert isinstance(theirs, dict)
    found: dict[str, object] = {}
    for key in ours.keys() | theirs.keys():
        if key == "properties":
            found.update(differences(ours.get(key, {}), theirs.get(key, {})))
        elif ours.get(key) != theirs.get(key):
            found[key] = (ours.get(key), theirs.get(key))
    return found


@pytest.mark.parametrize("name", FORMS)
def test_each_form_is_built_as_qt_builds_it(hosts: tuple[QWidget, QWidget], name: str) -> None:
    ours, theirs = (load_form(name, hosts[0]), qt_loaded(name, hosts[1]))

    built, reference = tree(ours), tree(theirs)

    assert built.keys() == reference.keys(), "the same named widgets and layouts"
    for key in reference:
        assert differences(built[key], reference[key]) == {}, f"{key} differs from QUiLoader's"


@pytest.mark.parametrize("name", FORMS)
def test_each_form_looks_as_qt_builds_it(
    qtbot: QtBot, hosts: tuple[QWidget, QWidget], name: str
) -> None:
    forms = (load_form(name, hosts[0]), qt_loaded(name, hosts[1]))
    pictures: list[QImage] = []
    for host, form in zip(hosts, forms, strict=True):
        form.resize(SIZE)
        host.show()
        qtbot.waitExposed(host)
        pictures.append(host.grab().toImage())

    assert pictures[0].size() == pictures[1].size()
    assert pictures[0] == pictures[1], f"{name}.ui does not look as QUiLoader draws it"


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        (b"<ui><widget class='QBogus' name='x'/></ui>", "unknown widget class 'QBogus'"),
        (
            b"<ui><widget class='QLabel' name='x'><property name='nope'><bool>true</bool>"
            b"</property></widget></ui>",
            "x has no property 'nope'",
        ),
        (
            b"<ui><widget class='QLabel' name='x'><property name='text'><font/></property>"
            b"</widget></ui>",
            "properties of type <font> are not supported",
        ),
        (
            b"<ui><widget class='QLabel' name='x'><property name='alignment'><set>Qt::Nowhere"
            b"</set></property></widget></ui>",
            "cannot set alignment of x",
        ),
        (
            b"<ui><widget class='QLabel' name='x'><property name='buddy'><cstring>gone"
            b"</cstring></property></widget></ui>",
            "the buddy 'gone' of x does not exist",
        ),
        (b"<ui><widget", "not valid XML"),
        (b"<form/>", "has no <ui> element"),
    ],
    ids=["class", "property", "type", "enum-key", "buddy", "xml", "root"],
)
def test_what_the_builder_cannot_build_is_a_form_error(
    qtbot: QtBot, xml: bytes, problem: str
) -> None:
    host = QWidget()
    qtbot.addWidget(host)

    with pytest.raises(FormError, match=problem):
        build_form(parse_form(xml, "test.ui"), host, "test.ui")
