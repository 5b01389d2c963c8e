"""Widgets from the Designer forms in ``ui_forms/``, built as QUiLoader would.

Why not QUiLoader: when it loads a form, PySide makes a Python class for every
widget class Designer knows (some 60, from QCalendarWidget to QWizardPage),
and the console's form took 50-80 ms to load, a quarter of the start-up budget
(issue 8). This builder reads the ``.ui`` XML with expat and makes only the
widgets the form names, in about 3 ms.

Every property goes through ``QObject.setProperty`` by name, as Qt's own form
builder does, so enumerations and flags are set from their key names
(``Horizontal``, ``AlignLeft|AlignTop``) and PySide never builds the Python
enums of the ``Qt`` namespace, another 25-45 ms at start-up.

Every ``<string>`` is shown through ``QCoreApplication.translate`` with the
form's ``<class>`` as the context (what ``pyside6-lupdate`` writes for a
``.ui`` file, the ``comment`` attribute its disambiguation), as ``uic`` code
does; a ``notr="true"`` string is shown as written.

What it understands is what the forms use; anything else (an unknown tag,
property type or property name) raises :class:`FormError`, so a form edited in
Designer with something new fails its test rather than losing a setting.
``tests/gui/test_form_builder.py`` checks each form against QUiLoader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QRect, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QSpacerItem, QWidget

if TYPE_CHECKING:
    # Told apart with QObject.inherits at run time: importing a class makes PySide
    # build its Python class (and its bases'), a millisecond or more each, and
    # most forms use few of these.
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QBoxLayout,
        QFormLayout,
        QGridLayout,
        QScrollArea,
        QSplitter,
        QStackedWidget,
        QTreeWidget,
        QTreeWidgetItem,
    )


class FormError(RuntimeError):
    """A form or asset that ships with the app is missing or broken."""


class Node:
    """One XML element of a form: its tag, attributes, child elements and text."""

    __slots__ = ("attrs", "children", "tag", "text")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node] = []
        self.text = ""

    def first(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]


def parse_form(data: bytes, where: str) -> Node:
    """The ``<ui>`` element of a ``.ui`` file's bytes."""
    import pyexpat

    root = Node("", {})
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        raise FormError(f"the form {where} is not valid XML: {exc}") from None
    ui = root.first("ui")
    if ui is None:
        raise FormError(f"the form {where} has no <ui> element")
    return ui


def build_form(ui: Node, parent: QWidget, where: str) -> QWidget:
    """The form's top widget, made a child of ``parent`` as QUiLoader makes it."""
    top = ui.first("widget")
    if top is None:
        raise FormError(f"the form {where} has no widget")
    name = ui.first("class")
    builder = _Builder(where, name.text.strip() if name is not None else "")
    form = builder.widget(top, parent, top_level=True)
    builder.finish(form)
    return form


class _Builder:
    def __init__(self, where: str, context: str = "") -> None:
        self.where = where
        #: The translation context of the form's strings: its ``<class>``.
        self.context = context
        #: Labels and the names of their buddies, set once every widget exists.
        self.buddies: list[tuple[QLabel, str]] = []

    def fail(self, what: str) -> FormError:
        return FormError(f"the form {self.where}: {what}")

    # -- widgets ---------------------------------------------------------------------

    def widget(self, node: Node, parent: QWidget | None, *, top_level: bool = False) -> QWidget:
        kind = _widget_class(node.attrs.get("class", ""))
        if kind is None:
            raise self.fail(f"unknown widget class {node.attrs.get('class')!r}")
        # QUiLoader makes a stack's page as a window, fills it, then adds it: it keeps
        # a window's size and layout margins, which the same order reproduces.
        page = parent is not None and parent.inherits("QStackedWidget")
        # A keyword parent: PySide would build the Qt namespace to rule out the
        # (orientation, parent) overload of QSplitter for a positional one.
        made = kind(parent=None if page else parent)
        made.setObjectName(node.attrs.get("name", ""))
        if made.inherits("QAbstractItemView"):
            # A viewport made in Python: asked for one Qt made, PySide would find its
            # type by making the Python class of every widget class there is (~30 ms).
            # It is set up as QAbstractScrollArea sets up its own for a view.
            viewport = QWidget(parent=made)
            viewport.setObjectName("qt_scrollarea_viewport")
            viewport.setBackgroundRole(QPalette.ColorRole.Base)
            viewport.setAutoFillBackground(True)
            cast("QAbstractItemView", made).setViewport(viewport)
        tree = cast("QTreeWidget", made) if made.inherits("QTreeWidget") else None
        columns: list[str] = []
        for child in node.children:
            if child.tag == "property":
                self.set_property(made, child)
            elif child.tag == "layout":
                self.layout(child, made, made, unset_margin=0 if top_level else None)
            elif child.tag == "widget":
                self.widget(child, made)
            elif child.tag == "column" and tree is not None:
                columns.append(_text_property(child, "text", self))
            elif child.tag == "item" and tree is not None:
                tree.addTopLevelItem(self.tree_item(child))
            elif child.tag not in ("attribute", "zorder"):
                raise self.fail(f"<{child.tag}> inside a {kind.__name__} is not supported")
        if columns and tree is not None:
            tree.setColumnCount(len(columns))
            tree.setHeaderLabels(columns)
        if parent is not None and not top_level:
            self.add_child(parent, made)
        return made

    def add_child(self, container: QWidget, widget: QWidget) -> None:
        """A widget directly inside another, not in a layout: a page, a pane, a viewport."""
        if container.inherits("QStackedWidget"):
            cast("QStackedWidget", container).addWidget(widget)
        elif container.inherits("QSplitter"):
            cast("QSplitter", container).addWidget(widget)
        elif container.inherits("QScrollArea"):
            cast("QScrollArea", container).setWidget(widget)

    def tree_item(self, node: Node) -> QTreeWidgetItem:
        from PySide6.QtWidgets import QTreeWidgetItem

        item = QTreeWidgetItem()
        item.setText(0, _text_property(node, "text", self))
        for child in node.all("item"):
            item.addChild(self.tree_item(child))
        return item

    # -- layouts ---------------------------------------------------------------------

    def layout(
        self, node: Node, owner: QWidget | None, host: QWidget, unset_margin: int | None = None
    ) -> QLayout:
        """A layout set on ``owner``, or (``owner`` None) one for an item of another
        layout; either way its widgets are children of ``host``.

        ``unset_margin`` replaces the style's margin on the sides the form leaves
        unset: QUiLoader gives the main layout of a form 0 there.
        """
        kind = _layout_class(node.attrs.get("class", ""))
        if kind is None:
            raise self.fail(f"unknown layout class {node.attrs.get('class')!r}")
        made = kind(owner) if owner is not None else kind()
        made.setObjectName(node.attrs.get("name", ""))
        margins: dict[int, int] = {}
        for child in node.all("property"):
            side = _MARGINS.get(child.attrs.get("name", ""))
            if side is not None:
                margins[side] = int(_value(child, self))
            else:
                self.set_property(made, child)
        # Margins are fixed now, as QUiLoader fixes them: the style's, where the form
        # sets none, as they are for this layout at this moment.
        current = made.contentsMargins()
        default = [current.left(), current.top(), current.right(), current.bottom()]
        if unset_margin is not None:
            default = [unset_margin] * 4
        made.setContentsMargins(*(margins.get(side, default[side]) for side in range(4)))
        for item in node.all("item"):
            self.layout_item(made, item, host)
        stretch = node.attrs.get("stretch")
        if stretch and made.inherits("QBoxLayout"):
            for index, factor in enumerate(stretch.split(",")):
                cast("QBoxLayout", made).setStretch(index, int(factor))
        return made

    def layout_item(self, layout: QLayout, item: Node, host: QWidget) -> None:
        content = next((c for c in item.children if c.tag in ("widget", "layout", "spacer")), None)
        if content is None:
            raise self.fail(f"an item of the layout {layout.objectName()} is empty")
        widget: QWidget | None = None
        sub: QLayout | None = None
        spacer: QSpacerItem | None = None
        if content.tag == "widget":
            widget = self.widget(content, host)
        elif content.tag == "layout":
            sub = self.layout(content, None, host)
        else:
            spacer = self.spacer(content)
        row, column = int(item.attrs.get("row", 0)), int(item.attrs.get("column", 0))
        if layout.inherits("QFormLayout"):
            from PySide6.QtWidgets import QFormLayout

            form = cast("QFormLayout", layout)
            span = int(item.attrs.get("colspan", 1))
            role = (
                QFormLayout.ItemRole.SpanningRole
                if span > 1
                else QFormLayout.ItemRole.FieldRole
                if column
                else QFormLayout.ItemRole.LabelRole
            )
            if widget is not None:
                form.setWidget(row, role, widget)
            elif sub is not None:
                form.setLayout(row, role, sub)
            elif spacer is not None:
                form.setItem(row, role, spacer)
        elif layout.inherits("QGridLayout"):
            grid = cast("QGridLayout", layout)
            spans = int(item.attrs.get("rowspan", 1)), int(item.attrs.get("colspan", 1))
            if widget is not None:
                grid.addWidget(widget, row, column, *spans)
            elif sub is not None:
                grid.addLayout(sub, row, column, *spans)
            elif spacer is not None:
                grid.addItem(spacer, row, column, *spans)
        elif layout.inherits("QBoxLayout"):
            box = cast("QBoxLayout", layout)
            if widget is not None:
                box.addWidget(widget)
            elif sub is not None:
                box.addLayout(sub)
            elif spacer is not None:
                box.addItem(spacer)
        else:
            raise self.fail(f"items of a {type(layout).__name__} are not supported")

    def spacer(self, node: Node) -> QSpacerItem:
        properties = {child.attrs.get("name"): child for child in node.all("property")}
        vertical = "orientation" in properties and _enum_keys(properties["orientation"]).endswith(
            "Vertical"
        )
        size = properties.get("sizeHint")
        hint = _value(size, self) if size is not None else QSize(0, 0)
        policy = (
            getattr(QSizePolicy.Policy, _enum_keys(properties["sizeType"]))
            if "sizeType" in properties
            else QSizePolicy.Policy.Expanding
        )
        if vertical:
            return QSpacerItem(hint.width(), hint.height(), QSizePolicy.Policy.Minimum, policy)
        return QSpacerItem(hint.width(), hint.height(), policy, QSizePolicy.Policy.Minimum)

    # -- properties ------------------------------------------------------------------

    def set_property(self, target: QWidget | QLayout, node: Node) -> None:
        name = node.attrs.get("name", "")
        if name == "buddy" and isinstance(target, QLabel):
            self.buddies.append((target, _value(node, self)))
            return
        if target.metaObject().indexOfProperty(name) < 0:
            raise self.fail(f"{target.objectName()} has no property {name!r}")
        if not target.setProperty(name, _value(node, self)):
            raise self.fail(f"cannot set {name} of {target.objectName()}")

    def translated(self, value: Node) -> str:
        """A ``<string>`` as the user's language shows it (``notr``: as written)."""
        text = value.text
        if not text or value.attrs.get("notr") == "true":
            return text
        return QCoreApplication.translate(self.context, text, value.attrs.get("comment"))

    def finish(self, form: QWidget) -> None:
        for label, name in self.buddies:
            buddy = form.findChild(QWidget, name)
            if buddy is None:
                raise self.fail(f"the buddy {name!r} of {label.objectName()} does not exist")
            label.setBuddy(buddy)


_MARGINS = {"leftMargin": 0, "topMargin": 1, "rightMargin": 2, "bottomMargin": 3}


def _widget_class(name: str) -> type[QWidget] | None:
    found = getattr(QtWidgets, name, None) if name.startswith("Q") else None
    return found if isinstance(found, type) and issubclass(found, QWidget) else None


def _layout_class(name: str) -> type[QLayout] | None:
    found = getattr(QtWidgets, name, None) if name.endswith("Layout") else None
    return found if isinstance(found, type) and issubclass(found, QLayout) else None


def _text_property(node: Node, name: str, builder: _Builder) -> str:
    for child in node.all("property"):
        if child.attrs.get("name") == name:
            return str(_value(child, builder))
    return ""


def _enum_keys(node: Node) -> str:
    """``Qt::AlignmentFlag::AlignLeft|Qt::AlignmentFlag::AlignTop`` as Qt's meta-object
    reads keys: ``AlignLeft|AlignTop``."""
    value = node.children[0] if node.children else node
    return "|".join(key.strip().rsplit("::", 1)[-1] for key in value.text.split("|"))


def _number(node: Node, tag: str) -> int:
    found = node.first(tag)
    return int(found.text) if found is not None else 0


def _size(value: Node) -> QSize:
    return QSize(_number(value, "width"), _number(value, "height"))


def _rect(value: Node) -> QRect:
    return QRect(
        _number(value, "x"), _number(value, "y"), _number(value, "width"), _number(value, "height")
    )


def _size_policy(value: Node) -> QSizePolicy:
    policy = QSizePolicy(
        getattr(QSizePolicy.Policy, value.attrs.get("hsizetype", "Preferred")),
        getattr(QSizePolicy.Policy, value.attrs.get("vsizetype", "Preferred")),
    )
    policy.setHorizontalStretch(_number(value, "horstretch"))
    policy.setVerticalStretch(_number(value, "verstretch"))
    return policy


_VALUES: dict[str, Callable[[Node], Any]] = {
    "cstring": lambda value: value.text,
    "number": lambda value: int(value.text),
    "double": lambda value: float(value.text),
    "bool": lambda value: value.text.strip() == "true",
    "enum": lambda value: _enum_keys(value),
    "set": lambda value: _enum_keys(value),
    "size": _size,
    "rect": _rect,
    "sizepolicy": _size_policy,
}


def _value(node: Node, builder: _Builder) -> Any:
    if not node.children:
        raise builder.fail(f"the property {node.attrs.get('name')!r} has no value")
    value = node.children[0]
    if value.tag == "string":
        return builder.translated(value)
    convert = _VALUES.get(value.tag)
    if convert is None:
        raise builder.fail(f"properties of type <{value.tag}> are not supported")
    return convert(value)
