"""An accessibility check for QA suites: every control on screen has a name that says what it is.

What a screen reader hears is read from the outside, as a screen reader reads
it: :func:`accessible_tree` runs :mod:`~collab_console.testing.atspi_walk` in a
subprocess that walks this process's AT-SPI tree, while the test keeps the Qt
event loop spinning (Qt answers AT-SPI calls on it). :func:`accessibility_problems`
holds the rules, :func:`assert_accessible` is the one-line check for a test::

    def test_the_copy_card_reads_well(qtbot, console_page):
        console_page.hover_customer()
        assert_accessible(qtbot)

Qt's AT-SPI bridge only starts when, before the ``QApplication`` is created,
the process has a D-Bus session bus and ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``
(otherwise Qt waits for a screen reader to switch accessibility on).
:func:`start_accessibility_bus` sets that up (a private ``dbus-daemon`` when
there is no session bus), for a plugin's ``pytest_configure``.

Needs, besides Qt: ``dbus-daemon`` (Debian ``dbus-daemon``), ``at-spi2-core``
(the bus launcher and registry) and an interpreter with PyGObject for the
walker: this one, or Debian's ``/usr/bin/python3`` with ``python3-gi``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

#: The variable that makes Qt start its AT-SPI bridge without a screen reader asking.
ALWAYS_ON = "QT_LINUX_ACCESSIBILITY_ALWAYS_ON"
#: Where Qt and libatspi look first for the accessibility bus.
A11Y_BUS = "AT_SPI_BUS_ADDRESS"
SESSION_BUS = "DBUS_SESSION_BUS_ADDRESS"

WALKER = Path(__file__).with_name("atspi_walk.py")
#: Debian's interpreter, which has PyGObject when python3-gi is installed.
SYSTEM_PYTHON = "/usr/bin/python3"
#: What to install when no interpreter has PyGObject (Gio) for the walker.
WALKER_PACKAGES = "python3-gi"

#: Roles (AT-SPI role names) a user acts on: each needs a name that says what it does.
INTERACTIVE_ROLES = frozenset(
    {
        "push button",
        "toggle button",
        "check box",
        "radio button",
        "combo box",
        "text",
        "password text",
        "entry",
        "spin button",
        "slider",
        "list",
        "list box",
        "table",
        "tree",
        "tree table",
        "menu",
        "menu item",
        "check menu item",
        "radio menu item",
        "link",
        "page tab",
    }
)
#: Windows are announced by name when they open: a leaked or generic name misleads there too.
WINDOW_ROLES = frozenset({"frame", "dialog", "window", "alert", "file chooser"})
#: Names that say what kind of thing a control is, never what it is for.
GENERIC_NAMES = frozenset(
    {
        "button",
        "push button",
        "panel",
        "frame",
        "widget",
        "form",
        "dialog",
        "window",
        "label",
        "icon",
        "image",
        "item",
        "control",
        "field",
        "untitled",
        "unnamed",
        "click here",
    }
)
_QT_CLASS = re.compile(r"Q[A-Z][A-Za-z]+")
_CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z0-9][a-z0-9]*)+")
_SNAKE_CASE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


class AccessibilityUnavailable(Exception):
    """The AT-SPI check cannot run here; the message says what to install or set, in one line."""


# -- the tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessibleNode:
    """One showing node of the AT-SPI tree, as a screen reader gets it.

    ``accessible_id`` is Qt's dotted chain of object names (a class name for an
    unnamed object), ``path`` the child indexes from the application down.
    ``visible_text`` is what the control shows on screen when that is not
    its name's source by construction (a button's text, a buddy label's text),
    filled in from the widget; ``None`` when unknown.
    """

    role: str
    name: str
    description: str = ""
    states: frozenset[str] = frozenset()
    accessible_id: str = ""
    path: tuple[int, ...] = ()
    visible_text: str | None = None

    @property
    def object_name(self) -> str:
        """The last link of the accessible id: the widget's object name, or its class."""
        return self.accessible_id.rsplit(".", 1)[-1]

    @property
    def where(self) -> str:
        """How a tester finds the node: its accessible id, else its child path."""
        if self.accessible_id:
            return self.accessible_id
        return "path " + "/".join(str(index) for index in self.path)


@dataclass(frozen=True)
class AccessibilityProblem:
    """A node a screen reader user would be lost on, and why, in one sentence."""

    node: AccessibleNode
    why: str

    def __str__(self) -> str:
        return f"{self.node.role} '{self.node.name}' ({self.node.where}): {self.why}"


@cache
def walker_python() -> str:
    """An interpreter with PyGObject's Gio for the walker: this one if it has it, else Debian's."""
    probe = "import gi; gi.require_version('Gio', '2.0'); from gi.repository import Gio"
    for candidate in (sys.executable, SYSTEM_PYTHON):
        if not Path(candidate).exists():
            continue
        done = subprocess.run(
            [candidate, "-I", "-c", probe], capture_output=True, timeout=30, check=False
        )
        if done.returncode == 0:
            return candidate
    raise AccessibilityUnavailable(
        f"no Python here has PyGObject for the AT-SPI walker: install {WALKER_PACKAGES} "
        f"(Debian), for {SYSTEM_PYTHON}"
    )


def bridge_is_on() -> bool:
    """Whether Qt's AT-SPI bridge is set up in this process: an application exists, and
    the environment it was created in turns the bridge on.

    The bridge connects to the bus on the event loop after that, so
    :func:`accessible_tree` still waits until Qt says it is active.
    """
    return (
        os.environ.get(ALWAYS_ON) == "1"
        and bool(os.environ.get(SESSION_BUS) or os.environ.get(A11Y_BUS))
        and QApplication.instance() is not None
    )


def _run_walker(qtbot: QtBot, arguments: list[str], timeout_ms: int) -> dict[str, Any]:
    """Run the walker, keeping the Qt event loop spinning until it ends; its JSON answer.

    Its output goes to a file, not a pipe: a pipe fills up while nobody reads
    it, and the walker would wait on it forever.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        walker = subprocess.Popen(
            [walker_python(), "-I", str(WALKER), *arguments], stdout=out, stderr=err
        )
        try:
            qtbot.waitUntil(lambda: walker.poll() is not None, timeout=timeout_ms + 5000)
        except qtbot.TimeoutError:
            walker.kill()
            walker.wait()
            raise AssertionError(
                f"the AT-SPI walk did not end within {timeout_ms + 5000} ms"
            ) from None
        out.seek(0)
        err.seek(0)
        if walker.returncode != 0:
            lines = err.read().strip().splitlines()
            raise AssertionError(lines[-1] if lines else f"the walker exited {walker.returncode}")
        answer: dict[str, Any] = json.loads(out.read())
        return answer


def accessible_tree(
    qtbot: QtBot, *, timeout_ms: int = 20_000, max_nodes: int = 3000
) -> list[AccessibleNode]:
    """Every showing node of this application's AT-SPI tree, depth-first from the application.

    Raises AssertionError (one line) when the walk fails: no bridge, the
    application not on the bus, a time-out, more than ``max_nodes`` nodes.
    """
    if not bridge_is_on():
        raise AssertionError(
            f"Qt's AT-SPI bridge is off: {ALWAYS_ON}=1 and a D-Bus session bus must be "
            "set before the QApplication is created (start_accessibility_bus)"
        )
    try:
        qtbot.waitUntil(QAccessible.isActive, timeout=timeout_ms)
    except qtbot.TimeoutError:
        raise AssertionError(
            f"Qt's AT-SPI bridge did not connect to the accessibility bus within {timeout_ms} ms"
        ) from None
    answer = _run_walker(
        qtbot,
        [
            "tree",
            "--pid",
            str(os.getpid()),
            "--max-nodes",
            str(max_nodes),
            "--timeout",
            str(timeout_ms / 1000),
        ],
        timeout_ms,
    )
    if answer["truncated"]:
        raise AssertionError(f"more than {max_nodes} showing nodes: raise max_nodes")
    texts = _visible_texts()
    return [
        AccessibleNode(
            role=raw["role"],
            name=raw["name"],
            description=raw["description"],
            states=frozenset(raw["states"]),
            accessible_id=raw["accessible_id"],
            path=tuple(raw["path"]),
            visible_text=texts.get(raw["accessible_id"]),
        )
        for raw in answer["nodes"]
    ]


def accessible_id(widget: QWidget) -> str:
    """The accessible id Qt gives ``widget`` on AT-SPI: its accessible ancestors' object
    names (class names for unnamed ones), joined by dots, from the application down."""
    links: list[str] = []
    interface = QAccessible.queryAccessibleInterface(widget)
    while interface is not None and interface.isValid():
        owner = interface.object()
        if owner is not None:
            links.append(owner.objectName() or owner.metaObject().className())
        interface = interface.parent()
    return ".".join(reversed(links))


def _visible_texts() -> dict[str, str]:
    """What each shown button or labelled control shows, by accessible id.

    A button's text, and the text of a label that is a control's buddy: the
    words a user sees and says (voice control) for it. An id two widgets share
    is left out: which one the node is cannot be told.
    """
    texts: dict[str, str] = {}
    shared: set[str] = set()

    def note(widget: QWidget, text: str) -> None:
        if not text or not widget.isVisible():
            return
        key = accessible_id(widget)
        if key in texts and texts[key] != text:
            shared.add(key)
        texts[key] = text

    for widget in QApplication.allWidgets():
        if isinstance(widget, QAbstractButton):
            note(widget, widget.text())
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            note(widget.buddy(), widget.text())
    return {key: text for key, text in texts.items() if key not in shared}


# -- the rules --------------------------------------------------------------------------


def _spoken(text: str) -> str:
    """``text`` as it is heard: mnemonic ampersands gone (``&&`` is a literal one),
    a trailing ellipsis or colon dropped, spaces folded, case ignored."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?:\.\.\.|…|:)$", "", text).strip()
    return text.casefold()


def _name_problem(node: AccessibleNode) -> str | None:
    """Why ``node``'s name misleads (or is missing), or None."""
    name = node.name.strip()
    if not name:
        return "has no accessible name: a screen reader says only its role"
    if not any(char.isalnum() for char in name):
        return f"its name is only punctuation or symbols, which a screen reader reads as '{name}'"
    if _QT_CLASS.fullmatch(name):
        return f"its name is Qt's class name '{name}', not what it is for"
    if _CAMEL_CASE.fullmatch(name) or _SNAKE_CASE.fullmatch(name):
        return f"its name is a programmer's identifier '{name}', not words a user says"
    if name.casefold() in GENERIC_NAMES:
        return f"its name '{name}' says what kind of thing it is, not what it is for"
    return None


def _label_problem(node: AccessibleNode) -> str | None:
    """WCAG 2.5.3 label in name: the words on screen must be in the name a user can say."""
    if node.visible_text is None or node.role not in INTERACTIVE_ROLES:
        return None
    shown = _spoken(node.visible_text)
    if not shown or shown in _spoken(node.name):
        return None
    return (
        f"it shows '{node.visible_text.replace('&', '')}' but its name does not contain it, "
        "so a user who says what they see (voice control) cannot reach it"
    )


def accessibility_problems(nodes: Iterable[AccessibleNode]) -> list[AccessibilityProblem]:
    """The nodes a screen reader user would be lost on, in tree order.

    Interactive controls (buttons, check boxes, entries, lists, menu items,
    tabs…) need a name; for them and for windows a name must not be Qt's class
    name, an identifier, a generic word or punctuation; and a control's visible
    text must be part of its name (WCAG 2.5.3).
    """
    problems: list[AccessibilityProblem] = []
    for node in nodes:
        if node.role == "text" and "editable" not in node.states:
            continue  # read-only text is read, not operated
        if node.role in INTERACTIVE_ROLES:
            why = _name_problem(node) or _label_problem(node)
        elif node.role in WINDOW_ROLES and node.name.strip():
            why = _name_problem(node)
        else:
            why = None
        if why is not None:
            problems.append(AccessibilityProblem(node, why))
    return problems


def _ignored(node: AccessibleNode, ignore: Iterable[str]) -> bool:
    return any(node.accessible_id == key or node.object_name == key for key in ignore)


def assert_accessible(
    qtbot: QtBot, *, ignore: Iterable[str] = (), timeout_ms: int = 20_000
) -> list[AccessibleNode]:
    """Walk every window on screen and fail on each control a screen reader user is lost on.

    ``ignore`` takes object names or accessible ids of nodes to leave out (a
    known defect, with its issue in a comment). The AssertionError lists one
    problem a line: ``<role> '<name>' (<accessible id or path>): <why>``.
    Returns the nodes walked, for further checks.
    """
    ignore = tuple(ignore)
    nodes = accessible_tree(qtbot, timeout_ms=timeout_ms)
    problems = [p for p in accessibility_problems(nodes) if not _ignored(p.node, ignore)]
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise AssertionError(f"{len(problems)} accessibility problem(s):\n{listed}")
    return nodes


# -- the bus ------------------------------------------------------------------------------


@dataclass
class AccessibilityBus:
    """The D-Bus set-up that makes Qt's AT-SPI bridge start; :meth:`stop` undoes it.

    ``started`` holds the processes this object started, in the order
    :meth:`stop` ends them: the registry, the accessibility bus launcher, the
    accessibility bus, the private session bus. A session bus that was there
    before is used and left alone, and so is what it had started.
    """

    address: str
    a11y_address: str
    started: list[int] = field(default_factory=list)
    #: The private runtime folder the launcher puts the accessibility bus's socket in.
    runtime_dir: Path | None = None
    _saved_env: dict[str, str | None] = field(default_factory=dict)

    def stop(self) -> None:
        """End the processes started and give the environment back as it was."""
        for pid in self.started:
            _end(pid)
        self.started.clear()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
            self.runtime_dir = None

    def __enter__(self) -> AccessibilityBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def process_ended(pid: int) -> bool:
    """Whether ``pid`` ended (a zombie nobody reaps counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in {"Z", "X"}


def _end(pid: int, grace_s: float = 3.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_s
    while not process_ended(pid):
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.02)  # a process ending outside Qt: no event loop to wait on here


def start_accessibility_bus(*, timeout_s: float = 10.0) -> AccessibilityBus:
    """Set this process up so a QApplication created next starts Qt's AT-SPI bridge.

    Starts a private ``dbus-daemon --session`` when no session bus is set, asks
    it for the accessibility bus (which activates ``at-spi-bus-launcher``, and
    the registry is started by name so the application registers at once),
    and sets ``AT_SPI_BUS_ADDRESS`` and ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``
    (the private session bus's address is not exported: only the accessibility
    bus is the tests' business). Call it before any QApplication
    exists. Raises :class:`AccessibilityUnavailable` (one line) when a piece is
    missing.

    The private session bus gets a runtime folder of its own: the launcher names
    the accessibility bus's socket after the X display only
    (``$XDG_RUNTIME_DIR/at-spi/bus_<display>``), so a second bus started on the
    same display (another test run, a subprocess) would take over the socket
    of the first, and new connections to it would fail.
    """
    if QApplication.instance() is not None:
        raise AccessibilityUnavailable(
            "the QApplication exists already: Qt reads the accessibility set-up when it is "
            "created, so start the bus first"
        )
    python = walker_python()
    saved = {name: os.environ.get(name) for name in (SESSION_BUS, A11Y_BUS, ALWAYS_ON)}
    started: list[int] = []
    runtime_dir: Path | None = None
    address = os.environ.get(SESSION_BUS, "")
    if not address:
        daemon = shutil.which("dbus-daemon")
        if daemon is None:
            raise AccessibilityUnavailable(
                "dbus-daemon is not installed: install dbus-daemon (Debian) for the AT-SPI check"
            )
        runtime_dir = Path(tempfile.mkdtemp(prefix="collab-a11y-"))
        done = subprocess.run(
            [daemon, "--session", "--fork", "--print-address=1", "--print-pid=1"],
            env={**os.environ, "XDG_RUNTIME_DIR": str(runtime_dir)},
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        lines = done.stdout.split()
        if done.returncode != 0 or len(lines) < 2:
            shutil.rmtree(runtime_dir, ignore_errors=True)
            raise AccessibilityUnavailable(
                f"dbus-daemon --session did not start: {done.stderr.strip() or done.returncode}"
            )
        address, started = lines[0], [int(lines[1])]
        os.environ[SESSION_BUS] = address
    bus = AccessibilityBus(
        address=address,
        a11y_address="",
        started=started,
        runtime_dir=runtime_dir,
        _saved_env=saved,
    )
    done = subprocess.run(
        [python, "-I", str(WALKER), "bus"],
        capture_output=True,
        text=True,
        timeout=timeout_s + 5,
        check=False,
    )
    if done.returncode != 0:
        bus.stop()
        lines = done.stderr.strip().splitlines()
        raise AccessibilityUnavailable(
            lines[-1] if lines else "the accessibility bus did not start"
        )
    answer = json.loads(done.stdout)
    bus.a11y_address = answer["address"]
    if started:
        # Ours to end only when our own session bus activated them; ended before it.
        bus.started[:0] = answer["pids"]
    os.environ[A11Y_BUS] = bus.a11y_address
    os.environ[ALWAYS_ON] = "1"
    if started:
        # Qt and the walker find the accessibility bus by AT_SPI_BUS_ADDRESS. The
        # private session bus stays unknown to everything else the tests run (a keyring
        # asked for a secret on it would wait for a Secret Service that is not there).
        os.environ.pop(SESSION_BUS, None)
    return bus
