"""docs/qa.md as a checkable contract: its promises, the app's strings, and what was on screen.

qa.md promises QA teams object names, their classes and the texts a user or a
screen reader meets. This module reads those promises out of the markdown
(:func:`parse_promises`, pure Python), turns each quoted text into a pattern
where a placeholder such as `<name>` matches any text (:func:`text_pattern`),
collects the string literals of the app's own source (:func:`source_strings`)
and, while a test tours the running console, what was on screen
(:class:`LiveRecord`). :func:`contract_breaches` compares them and lists every
promise that is not kept, each naming its section and line of qa.md.

Two kinds of text:

- a widget table's text column (header "objectName", the column whose header
  names a text) must be met live, except the few states the tour does not bring
  about, listed by the caller with why (``source_only``): those must be in the
  source;
- every other quoted text of a table (other columns, status messages, timings,
  the join service, the CLI…) must be met live or be in the source.

Prose (paragraphs and list items outside tables and code fences) promises
texts too: from the heading "Running the tests" on, every straight-quoted text
of a paragraph is a mention, met live or in the source, like a table's. The
rule is every quote, not only those after a cue ("Title", "shows", a name):
qa.md quotes only what a person or a script reads, and writes words of its own
in italics (*Copy both*) or code spans, so a quote that is in neither the app
nor its source is drift to fix in qa.md, not noise. The QA kit's reference
above that heading is left out: its quotes are arguments of Python calls
("Tools", "both"), not the app's texts. Straight quotes inside a code span are
code; a program's output that is not the app's (an interpreter's message) is
written as a code span for that reason.

Names: a widget table's first column and an object heading give object names
with their class; a box table's (header "Title") names in parentheses after a
title or a button ("End session" (`endSessionBox`)) give names whose class
qa.md does not state, so only the name is checked.
"""

from __future__ import annotations

import ast
import functools
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStatusBar,
    QTabBar,
    QWidget,
)

#: A placeholder of qa.md, `<name>`: any text on one line.
PLACEHOLDER = r".+?"
#: What a format field ({x}, or an f-string's value) becomes in a source string.
FIELD = "\x00"

_IDENTIFIER = re.compile(r"[a-z][A-Za-z0-9]*")
_QT_CLASS = re.compile(r"Q[A-Z]\w*|[A-Z]\w*")
_HEADING_OBJECT = re.compile(
    r"— `(?P<name>[a-z]\w*)`(?: \((?:`(?P<own>\w+)`|(?P<qt>Q\w+))(?:, an? `(?P<base>Q\w+)`)?\))?"
)
_ANGLED = re.compile(r"<[A-Za-z][^<>]*>")
#: How qa.md writes a time's format ("Copied by … at YYYY-MM-DD HH:MM"): digits.
_DATE_FORMAT_PATTERNS = {
    "YYYY-MM-DD": r"\d{4}-\d{2}-\d{2}",
    "HH:MM:SS": r"\d{2}:\d{2}:\d{2}",
    "HH:MM": r"\d{2}:\d{2}",
}
_DATE_FORMAT = re.compile("|".join(_DATE_FORMAT_PATTERNS))
_FORMAT_FIELD = re.compile(r"\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}|\{\}")


@dataclass(frozen=True)
class Promise:
    """One table row (or section heading) of qa.md and what it promises.

    ``names`` and ``classes`` are aligned: each object name with the class the
    doc gives it. ``texts`` must be met on screen (a widget table's text
    column); ``mentions`` on screen or in the app's source.
    """

    section: str
    line: int
    names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"qa.md line {self.line} ({self.section})"


# -- reading qa.md ------------------------------------------------------------------------


def split_cells(line: str) -> list[str]:
    """The cells of a markdown table line; `\\|` is a pipe inside a cell."""
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _has_words(text: str) -> bool:
    """Whether a quoted text says something: ", " and " · `<short label>`" name separators."""
    return any(char.isalnum() for char in _ANGLED.sub("", text.replace("`", "")))


def quoted_texts(cell: str) -> list[str]:
    """The texts of ``cell`` in straight double quotes, "…".

    A quote may hold code spans (`<name>`); quotes inside a code span that is
    not itself quoted (`aria-invalid="true"`) are code, not text. A quote of
    punctuation and placeholders only (", ", " · `<label>`") names a separator:
    no text of its own.
    """
    return [text for _, text in _quotes(cell)]


def _quotes(cell: str) -> list[tuple[int, str]]:
    """Each quoted text of ``cell`` with where its opening quote stands."""
    texts: list[tuple[int, str]] = []
    index = 0
    while index < len(cell):
        char = cell[index]
        if char == "`":
            end = cell.find("`", index + 1)
            index = len(cell) if end < 0 else end + 1
        elif char == '"':
            start, index, in_code = index + 1, index + 1, False
            while index < len(cell) and (cell[index] != '"' or in_code):
                if cell[index] == "`":
                    in_code = not in_code
                index += 1
            if _has_words(cell[start:index]):
                texts.append((start - 1, cell[start:index]))
            index += 1
        else:
            index += 1
    return texts


def object_names(cell: str) -> tuple[str, ...]:
    """The object names a first cell holds: "`a`", "`a` / `b`", "`a` / `b`, `c` / `d`"."""
    spans = re.findall(r"`([^`]*)`", cell)
    if not spans or not all(_IDENTIFIER.fullmatch(span) for span in spans):
        return ()
    leftover = re.sub(r"`[^`]*`", "", cell)
    if leftover.strip(" /,"):
        return ()
    return tuple(spans)


def class_cell(cell: str, count: int) -> tuple[str, ...]:
    """The class of each of ``count`` names: "QLabel / QLineEdit" repeats over pairs."""
    classes = [part.strip(" `") for part in cell.split("/") if part.strip(" `")]
    if not classes or count % len(classes) or not all(_QT_CLASS.fullmatch(c) for c in classes):
        return ()
    return tuple(classes * (count // len(classes)))


def _tables(lines: list[str]) -> Iterator[tuple[str, list[str], list[tuple[int, list[str]]]]]:
    """Each table: its section, its header, its rows with their line numbers."""
    section, fenced, index = "", False, 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            section = line.lstrip("#").strip()
        elif (
            not fenced
            and line.startswith("|")
            and index + 1 < len(lines)
            and re.fullmatch(r"\|?\s*:?-{3,}.*", lines[index + 1].strip())
        ):
            header = split_cells(line)
            rows: list[tuple[int, list[str]]] = []
            index += 2
            while index < len(lines) and lines[index].startswith("|"):
                rows.append((index + 1, split_cells(lines[index])))
                index += 1
            yield section, header, rows
            continue
        index += 1


def _headings(lines: list[str]) -> Iterator[Promise]:
    """A heading like "Copy card — `copyCard` (`CopyCard`, a `QFrame`)" promises that object."""
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#"):
            continue
        found = _HEADING_OBJECT.search(line)
        if found is None:
            continue
        kind = found["own"] or found["qt"] or found["base"]
        section = line.lstrip("#").strip()
        yield Promise(section, number, (found["name"],), (kind,) if kind else ("QObject",), (), ())


#: The heading from which qa.md's prose promises texts (see the module's docstring).
PROSE_FROM = "Running the tests"
#: A name in parentheses, in a box table: "Keep session" (`keepSessionButton`; the default).
_NAME_IN_PARENTHESES = re.compile(r"\(`([a-z][a-z0-9]*[A-Z]\w*)`[;),]")


def _paragraphs(lines: list[str], start: str) -> Iterator[tuple[str, int, str]]:
    """Each prose paragraph from the heading ``start`` on, a list item one of its own:
    its section, its first line's number, its lines joined by line breaks."""
    section, fenced, begun = "", False, False
    paragraph: list[str] = []
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        text = line.strip()
        in_prose = not fenced and text and not line.startswith(("|", "#"))
        if paragraph and (not in_prose or text.startswith("- ")):
            yield section, first, "\n".join(paragraph)
            paragraph = []
        if text.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            section = line.lstrip("#").strip()
            begun = begun or section == start
        elif in_prose and begun:
            first = first if paragraph else number
            paragraph.append(text)


def _prose(lines: list[str]) -> Iterator[Promise]:
    for section, first, paragraph in _paragraphs(lines, PROSE_FROM):
        for at, text in _quotes(paragraph):
            line = first + paragraph.count("\n", 0, at)
            yield Promise(section, line, mentions=(text.replace("\n", " "),))


def parse_promises(markdown: str) -> list[Promise]:
    """Every promise of qa.md's tables, object headings and prose, in the order of the page."""
    lines = markdown.splitlines()
    promises = [*_headings(lines), *_prose(lines)]
    for section, header, rows in _tables(lines):
        widget_table = header[0] == "objectName"
        box_table = header[0] == "Title"
        class_column = header.index("Class") if "Class" in header else None
        text_column = next(
            (i for i, title in enumerate(header) if "text" in title.lower() and i > 0), None
        )
        for number, cells in rows:
            names = object_names(cells[0]) if widget_table else ()
            if names:
                if class_column is not None and class_column < len(cells):
                    classes = class_cell(cells[class_column], len(names))
                else:
                    classes = ("QAction",) * len(names)  # the menu actions' table has no Class
                texts = (
                    quoted_texts(cells[text_column])
                    if text_column is not None and text_column < len(cells)
                    else []
                )
                others = [
                    text
                    for i, cell in enumerate(cells)
                    if i != text_column
                    for text in quoted_texts(cell)
                ]
                promises.append(
                    Promise(section, number, names, classes, tuple(texts), tuple(others))
                )
            else:
                mentions = tuple(text for cell in cells for text in quoted_texts(cell))
                boxed = tuple(_NAME_IN_PARENTHESES.findall(" ".join(cells))) if box_table else ()
                if mentions or boxed:
                    promises.append(
                        Promise(section, number, boxed, ("",) * len(boxed), mentions=mentions)
                    )
    promises.sort(key=lambda promise: promise.line)
    return promises


# -- a quoted text as a pattern -----------------------------------------------------------


def _ellipsis(text: str, at: int) -> str:
    """An ellipsis in a quoted text: an elision ("… invite sent", "answered …") is any
    text; one closing a word ("Links…", "the live session…") is itself or more words."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else ""
    if before.isspace() or before in '(“"' or (after and after.isspace()):
        return r"[\s\S]*"
    if after and after not in ")”.":
        return re.escape("…")
    return r"(?:…|[\s\S]+)"


def text_pattern(text: str) -> re.Pattern[str]:
    """``text`` as qa.md writes it, as a pattern of the texts it stands for.

    `<x>` (in a code span or bare) is a placeholder for any text; other code
    spans are literal; "⏎" and a written "\\n" are line breaks; "[ · Demo]" is
    optional; "…" is an elision where it stands alone or opens a text;
    "YYYY-MM-DD" and "HH:MM" are digits.
    """
    parts: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "`":
            end = text.find("`", index + 1)
            end = len(text) if end < 0 else end
            code = text[index + 1 : end]
            parts.append(_angled_literal(code))
            index = end + 1
        elif char == "<" and (found := _ANGLED.match(text, index)):
            parts.append(PLACEHOLDER)
            index = found.end()
        elif text.startswith("\\n", index):
            parts.append(r"\n")
            index += 2
        elif char == "⏎":
            parts.append(r"\n")
            index += 1
        elif found := _DATE_FORMAT.match(text, index):
            parts.append(_DATE_FORMAT_PATTERNS[found[0]])
            index = found.end()
        elif text.startswith("… ", index) and (index == 0 or text[index - 1].isspace()):
            parts.append(r"(?:[\s\S]*\s)?")  # "… invite sent": "invite sent" after any words
            index += 2
        elif char == "…":
            parts.append(_ellipsis(text, index))
            index += 1
        elif char == "[" and (close := text.find("]", index)) > 0:
            parts.append(f"(?:{re.escape(text[index + 1 : close])})?")
            index = close + 1
        else:
            parts.append(re.escape(char))
            index += 1
    return re.compile("".join(parts))


def _angled_literal(code: str) -> str:
    """A code span: literal, but for its `<placeholders>`."""
    pieces, last = [], 0
    for found in _ANGLED.finditer(code):
        pieces.append(re.escape(code[last : found.start()]))
        pieces.append(PLACEHOLDER)
        last = found.end()
    pieces.append(re.escape(code[last:]))
    return "".join(pieces)


def without_mnemonics(text: str) -> str:
    """A widget's text as read: "&Admit" is "Admit", "&&" an ampersand."""
    return text.replace("&&", "\x01").replace("&", "").replace("\x01", "&")


def met_live(pattern: re.Pattern[str], texts: Iterable[str]) -> bool:
    return any(
        pattern.fullmatch(text) or pattern.fullmatch(without_mnemonics(text)) for text in texts
    )


# -- the app's source strings -------------------------------------------------------------


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _FORMAT_FIELD.sub(FIELD, node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            _FORMAT_FIELD.sub(FIELD, part.value)
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
            else FIELD
            for part in node.values
        )
    return None


def source_strings(package: Path, forms: Path | None = None) -> list[str]:
    """Every string literal of the package's modules (format fields as FIELD) and the
    strings of its Designer forms."""
    found: set[str] = set()
    for module in sorted(package.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        # An f-string's constant parts are no strings of their own: only the whole is.
        parts = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if id(node) in parts:
                continue
            text = _literal(node)
            if text and len(text) > 1:
                found.add(text)
    if forms is not None:
        for form in sorted(forms.glob("*.ui")):
            for element in ElementTree.parse(form).iter("string"):
                if element.text:
                    found.add(element.text)
    return sorted(found)


@functools.cache
def _words(text: str) -> int:
    """How much ``text`` says in its own words: its letters and digits, fields left out."""
    return sum(char.isalnum() for char in text.replace(FIELD, ""))


def in_source(
    pattern: re.Pattern[str], text: str, strings: Iterable[str], *, depth: int = 0
) -> bool:
    """Whether qa.md's ``text`` is one of the source's strings, part of one, or made of
    such strings (the app often joins sentences, or fills a clause into a frame).

    Either the text's pattern is found in a string, whole words (its placeholders
    may stand for a format field); or a string with format fields, as a pattern,
    is the whole text (the doc gives an example where the code has a field) and
    says at least half of it in its own words (a bare "{} · {}" shapes any text);
    or a string with fields ("Not copied: {}.") is the whole text and what each
    field stands for is a placeholder, a number, or itself in the source; or the
    text is sentences each of which is.
    """
    strings = list(strings)
    text = text.strip()  # " Clears …" continues a sentence qa.md quotes apart
    pattern = text_pattern(text)
    if _one_source_string(pattern, text, strings, depth):
        return True
    clause = text.rstrip(".;:")
    if clause != text and _one_source_string(text_pattern(clause), clause, strings, depth):
        return True  # the app ends the sentence it holds as a clause (``sentence()``)
    sentences = re.split(r"(?<=[.;:?])\s+", text)  # a placeholder alone is data: no check
    return len(sentences) > 1 and all(
        in_source(text_pattern(part), part, strings, depth=depth)
        for part in sentences
        if _has_words(part)
    )


#: How deep a frame's fields are filled with other source strings ("Not offered: {}."
#: holding "the Session URL base is not valid ({})" is two deep).
MAX_FILL_DEPTH = 2


def _one_source_string(pattern: re.Pattern[str], text: str, strings: list[str], depth: int) -> bool:
    # Any case: the app capitalises a clause it holds in lower case as it shows it.
    bounded = re.compile(rf"(?<!\w)(?:{pattern.pattern})(?!\w)", re.IGNORECASE)
    marked = _ANGLED.sub(FIELD, text.replace("`", "")).replace("⏎", "\n").replace("\\n", "\n")
    marked = marked.removeprefix("…")  # "…an invite was sent": the end of a frame's text
    frames: list[re.Match[str]] = []
    for string in strings:
        if bounded.search(string):
            return True
        if FIELD in string and (found := _shape(string).fullmatch(marked)):
            if _words(string) * 2 >= max(_words(marked), 8):
                return True
            if _words(string) >= 4:
                frames.append(found)
    return depth < MAX_FILL_DEPTH and any(
        all(_filled(part, strings, depth + 1) for part in frame.groups()) for frame in frames
    )


def _filled(part: str, strings: list[str], depth: int) -> bool:
    """Whether what a format field stood for in a text is data (a placeholder, a number)
    or a text of the source itself."""
    part = part.strip(" ,;:.()“”'\"")
    if not re.search(r"[A-Za-z]", part.replace(FIELD, "")):
        return True
    written = part.replace(FIELD, "<x>")
    return in_source(text_pattern(written), written, strings, depth=depth)


@functools.cache
def _shape(string: str) -> re.Pattern[str]:
    """A source string with format fields as a pattern, each field a group of any text,
    even none ("minute{'s' if n != 1 else ''}"), in any case. Cached: the same few
    hundred strings are tried against every text, and compiling them is most of the
    checker's time (re's own cache is too small for them)."""
    pieces = (re.escape(piece) for piece in string.strip().split(FIELD))
    return re.compile("(.*?)".join(pieces), re.DOTALL | re.IGNORECASE)


# -- what was on screen -------------------------------------------------------------------


@dataclass
class LiveRecord:
    """Object names with the classes they had, and every text met, over a tour.

    ``objects`` maps an object name to the names of every class it was seen
    with (the whole inheritance chain, so `CopyCard` is a QFrame too).
    """

    objects: dict[str, set[str]] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)

    def add_object(self, name: str, classes: Iterable[str]) -> None:
        self.objects.setdefault(name, set()).update(classes)

    def add_text(self, *texts: object) -> None:
        """Add each text, each of its lines (a list row draws its lines apart) and each
        part between " · " (the separator of a row's line or the card's subtitle)."""
        for text in texts:
            if not isinstance(text, str) or not text:
                continue
            self.texts.add(text)
            for line in text.splitlines():
                self.texts.add(line)
                self.texts.update(line.split(" · "))


# -- comparing ----------------------------------------------------------------------------


def contract_breaches(
    promises: Iterable[Promise],
    live: LiveRecord,
    strings: list[str],
    source_only: Mapping[str, str] | None = None,
    unchecked: Collection[str] = (),
) -> list[str]:
    """Every broken promise, one line each: a name not met, or met with another class;
    a text not met live (or, for a mention or one of ``source_only``, not in the source
    either). ``source_only`` maps a widget text the tour does not bring about to why;
    ``unchecked`` texts are left out."""
    allowed = source_only or {}
    breaches: list[str] = []
    for promise in promises:
        for name, kind in zip(
            promise.names, promise.classes or ("",) * len(promise.names), strict=True
        ):
            seen = live.objects.get(name)
            if seen is None:
                breaches.append(f"{promise.where}: no object called `{name}` in the running app")
            elif kind and kind not in seen:
                classes = ", ".join(sorted(c for c in seen if c.startswith("Q")))
                breaches.append(
                    f"{promise.where}: `{name}` is not a {kind} (it is: {classes or '?'})"
                )
        for text in promise.texts:
            pattern = text_pattern(text)
            if text in unchecked or met_live(pattern, live.texts):
                continue
            if text in allowed:
                if not in_source(pattern, text, strings):
                    breaches.append(f'{promise.where}: "{text}" is neither on screen nor in source')
                continue
            breaches.append(f'{promise.where}: "{text}" was not on screen')
        for text in promise.mentions:
            pattern = text_pattern(text)
            if (
                text not in unchecked
                and not met_live(pattern, live.texts)
                and not in_source(pattern, text, strings)
            ):
                breaches.append(f'{promise.where}: "{text}" is neither on screen nor in source')
    return breaches


def checked_against_source(
    promises: Iterable[Promise], live: LiveRecord, source_only: Mapping[str, str]
) -> list[str]:
    """The texts that were not met live and so were checked against the source only."""
    return [
        text
        for promise in promises
        for text in (*promise.mentions, *(t for t in promise.texts if t in source_only))
        if not met_live(text_pattern(text), live.texts)
    ]


# -- recording the screen (Qt) ------------------------------------------------------------

_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
)
#: Enough rows of any list or table to meet every kind of text it shows.
MAX_ROWS = 200


def _record_model(live: LiveRecord, model: QAbstractItemModel, parent: QModelIndex) -> None:
    # PySide makes a list model's columnCount() and a list or table model's hasChildren()
    # private: a list has one column, and neither has child rows.
    flat = isinstance(model, (QAbstractListModel, QAbstractTableModel))
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for row in range(min(model.rowCount(parent), MAX_ROWS)):
        for column in range(columns):
            index = model.index(row, column, parent)
            live.add_text(*(index.data(role) for role in _ROLES))
            if column == 0 and not flat and model.hasChildren(index):
                _record_model(live, model, index)
    for column in range(columns):
        live.add_text(model.headerData(column, Qt.Orientation.Horizontal))


def _record_widget(live: LiveRecord, widget: QWidget) -> None:
    live.add_text(
        widget.toolTip(),
        widget.statusTip(),
        widget.whatsThis(),
        widget.accessibleName(),
        widget.accessibleDescription(),
        widget.windowTitle(),
    )
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        live.add_text(widget.text())
    if isinstance(widget, QLineEdit):
        live.add_text(widget.placeholderText())
    if isinstance(widget, QGroupBox):
        live.add_text(widget.title())
    if isinstance(widget, QMenu):
        live.add_text(widget.title())
    if isinstance(widget, QStatusBar):
        live.add_text(widget.currentMessage())
    if isinstance(widget, QMessageBox):
        live.add_text(widget.text(), widget.informativeText())
    if isinstance(widget, QComboBox):
        _record_model(live, widget.model(), QModelIndex())
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        _record_model(live, widget.model(), QModelIndex())
    if isinstance(widget, QTabBar):
        for tab in range(widget.count()):
            live.add_text(widget.tabText(tab), widget.tabToolTip(tab))
    face = QAccessible.queryAccessibleInterface(widget)
    if face is not None and face.isValid():
        live.add_text(face.text(QAccessible.Text.Name), face.text(QAccessible.Text.Description))


def _record_action(live: LiveRecord, action: QAction) -> None:
    live.add_text(action.text(), action.toolTip(), action.statusTip(), action.whatsThis())
    menu = action.menu()
    if isinstance(menu, QMenu):
        live.add_text(menu.title())


def record_screen(live: LiveRecord) -> None:
    """Add every top-level window's named objects and every text they hold to ``live``."""
    for window in QApplication.topLevelWidgets():
        for thing in [window, *window.findChildren(QObject)]:
            if isinstance(thing, QLayout):
                continue
            if thing.objectName() and not thing.objectName().startswith("qt_"):
                live.add_object(thing.objectName(), (k.__name__ for k in type(thing).__mro__))
            if isinstance(thing, QWidget):
                _record_widget(live, thing)
            elif isinstance(thing, QAction):
                _record_action(live, thing)
