"""A screen reader user can tell every control of the console by its name.

The QA kit's check (:mod:`collab_console.testing.accessibility`) walks this
process's AT-SPI tree from a subprocess, as a screen reader reads it. Qt only
exposes that tree when the bridge was on before the QApplication was created
(``start_accessibility_bus``); in a run without it, the tests that walk the
tree skip, and one test runs them in a fresh process that starts the bus
first, so they run in every test run.

The rules themselves are checked on nodes written by hand, and on deliberately
bad widgets through the real bridge, with the sentence a tester reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.new_session_dialog import NewSessionDialog
from collab_console.gui.store_hub import StoreHub
from collab_console.testing import atspi_walk
from collab_console.testing.accessibility import (
    A11Y_BUS,
    ALWAYS_ON,
    SESSION_BUS,
    WALKER,
    AccessibilityUnavailable,
    AccessibleNode,
    accessibility_problems,
    accessible_tree,
    assert_accessible,
    bridge_is_on,
    start_accessibility_bus,
    walker_python,
)
from tests.gui.helpers import CARD_TIMEOUT_MS, hover_customer, shown_card, unlocked_preferences

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bridge(qapp: QApplication) -> None:
    """Skips a test that walks the tree when Qt's AT-SPI bridge is off in this run."""
    if not bridge_is_on():
        pytest.skip(
            f"Qt's AT-SPI bridge is off in this run ({ALWAYS_ON}=1 and a D-Bus session bus "
            "were not set before the QApplication); "
            "test_the_tree_checks_pass_in_a_process_with_the_bridge_on runs it"
        )


needs_bridge = pytest.mark.usefixtures("bridge")


# -- the rules, on nodes written by hand ---------------------------------------------------


def whys(*nodes: AccessibleNode) -> list[str]:
    return [str(problem) for problem in accessibility_problems(nodes)]


def button(
    name: str, *, shows: str | None = None, ident: str = "QApplication.w.b"
) -> AccessibleNode:
    return AccessibleNode(
        "push button", name, states=frozenset({"showing"}), accessible_id=ident, visible_text=shows
    )


def test_a_button_with_a_name_that_matches_its_text_is_fine():
    assert whys(button("Copy URL", shows="&Copy URL"), button("Unlock", shows="Unlock…")) == []


def test_a_control_without_a_name_is_reported_with_where_it_is():
    unnamed = AccessibleNode("push button", "  ", path=(0, 2, 1))
    assert whys(unnamed) == [
        "push button '  ' (path 0/2/1): has no accessible name: a screen reader says only its role"
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("QPushButton", "its name is Qt's class name 'QPushButton', not what it is for"),
        (
            "copyIdButton",
            "its name is a programmer's identifier 'copyIdButton', not words a user says",
        ),
        ("copy_id", "its name is a programmer's identifier 'copy_id', not words a user says"),
        ("Button", "its name 'Button' says what kind of thing it is, not what it is for"),
        (
            "…",
            "its name is only punctuation or symbols, which a screen reader reads as '…'",
        ),
    ],
)
def test_a_misleading_name_is_reported(name, why):
    assert whys(button(name)) == [f"push button '{name}' (QApplication.w.b): {why}"]


def test_a_name_without_the_visible_text_is_reported():
    assert whys(button("Send", shows="Copy &URL")) == [
        "push button 'Send' (QApplication.w.b): it shows 'Copy URL' but its name does not "
        "contain it, so a user who says what they see (voice control) cannot reach it"
    ]


def test_labels_panels_and_read_only_text_need_no_name():
    quiet = [
        AccessibleNode("label", ""),
        AccessibleNode("panel", ""),
        AccessibleNode("filler", "QWidget"),
        AccessibleNode("text", "", states=frozenset({"read-only"})),
    ]
    assert whys(*quiet) == []


def test_an_editable_text_without_a_name_is_reported():
    entry = AccessibleNode("text", "", states=frozenset({"editable"}), accessible_id="x.nameEdit")
    assert whys(entry) == [
        "text '' (x.nameEdit): has no accessible name: a screen reader says only its role"
    ]


def test_a_window_named_after_its_class_is_reported():
    assert whys(AccessibleNode("dialog", "QDialog", accessible_id="QApplication.QDialog")) == [
        "dialog 'QDialog' (QApplication.QDialog): its name is Qt's class name 'QDialog', "
        "not what it is for"
    ]


def test_the_bus_is_not_started_once_the_application_exists(qapp):
    with pytest.raises(AccessibilityUnavailable, match="QApplication exists already"):
        start_accessibility_bus()


# -- the walker ------------------------------------------------------------------------------


def test_the_walker_says_in_one_line_when_no_application_has_the_pid(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in (SESSION_BUS, A11Y_BUS)}
    script = textwrap.dedent(
        f"""
        import subprocess, sys
        from collab_console.testing.accessibility import start_accessibility_bus
        bus = start_accessibility_bus()
        try:
            done = subprocess.run(
                [sys.argv[1], "-I", {str(WALKER)!r}, "tree", "--pid", "1", "--timeout", "1"],
                capture_output=True, text=True, check=False,
            )
        finally:
            bus.stop()
        sys.stdout.write(done.stderr)
        sys.exit(done.returncode)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, walker_python()],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("atspi-walk: no application with process id 1 on the ")
    assert done.stdout.count("\n") == 1, done.stdout


def test_the_walker_is_a_script_of_the_standard_library_and_gi_only():
    imported = {
        line.split()[1].split(".")[0]
        for line in Path(atspi_walk.__file__).read_text().splitlines()
        if line.strip().startswith(("import ", "from ")) and "__future__" not in line
    }
    assert imported <= {"argparse", "json", "os", "sys", "time", "typing", "gi"}, imported


# -- the console through the real bridge ---------------------------------------------------


@needs_bridge
def test_the_console_with_the_copy_card_open_reads_well(qtbot: QtBot, console: ConsoleWindow):
    hover_customer(qtbot, console)
    qtbot.waitUntil(lambda: shown_card(console) is not None, timeout=CARD_TIMEOUT_MS)
    nodes = assert_accessible(qtbot)
    ids = {node.object_name for node in nodes}
    assert {"copyCard", "copyIdButton", "customerIcon", "sessionList"} <= ids


@needs_bridge
def test_preferences_unlocked_read_well(qtbot: QtBot, hub: StoreHub):
    dialog = unlocked_preferences(qtbot, hub)
    nodes = assert_accessible(qtbot)
    assert dialog.objectName() in {node.object_name for node in nodes}


@needs_bridge
def test_the_new_session_dialog_reads_well(qtbot: QtBot, hub: StoreHub):
    dialog = NewSessionDialog(hub)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    nodes = assert_accessible(qtbot)
    assert "newSessionDialog" in {node.object_name for node in nodes}


@pytest.fixture
def bad_window(qtbot: QtBot) -> QWidget:
    """A window for one deliberately bad control, and a good one beside it."""
    window = QWidget()
    window.setObjectName("badWindow")
    window.setWindowTitle("Bad controls")
    QVBoxLayout(window)
    good = QPushButton("&Copy URL")
    good.setObjectName("goodButton")
    window.layout().addWidget(good)
    qtbot.addWidget(window)
    return window


def icon_only(button: QPushButton) -> None:
    pixmap = QPixmap(16, 16)
    pixmap.fill()
    button.setIcon(QIcon(pixmap))


@needs_bridge
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            icon_only,
            "push button '' (QApplication.badWindow.badButton): has no accessible name: "
            "a screen reader says only its role",
        ),
        (
            lambda b: b.setAccessibleName("QPushButton"),
            "push button 'QPushButton' (QApplication.badWindow.badButton): "
            "its name is Qt's class name 'QPushButton', not what it is for",
        ),
        (
            lambda b: (b.setText("Copy ID"), b.setAccessibleName("copyIdButton")),
            "push button 'copyIdButton' (QApplication.badWindow.badButton): its name is a "
            "programmer's identifier 'copyIdButton', not words a user says",
        ),
        (
            lambda b: (b.setText("&Copy both"), b.setAccessibleName("Send invitation")),
            "push button 'Send invitation' (QApplication.badWindow.badButton): it shows "
            "'Copy both' but its name does not contain it, so a user who says what they see "
            "(voice control) cannot reach it",
        ),
        (
            lambda b: b.setText("×"),
            "push button '×' (QApplication.badWindow.badButton): its name is only punctuation "
            "or symbols, which a screen reader reads as '×'",
        ),
    ],
    ids=["icon only", "class name", "identifier", "label not in name", "symbol"],
)
def test_a_bad_control_is_reported_with_the_sentence_a_tester_reads(
    qtbot: QtBot, bad_window: QWidget, make, expected
):
    bad = QPushButton()
    bad.setObjectName("badButton")
    make(bad)
    bad_window.layout().addWidget(bad)
    bad_window.show()
    qtbot.waitExposed(bad_window)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(qtbot)
    assert str(failure.value) == f"1 accessibility problem(s):\n  {expected}"


@needs_bridge
def test_an_entry_labelled_on_screen_gets_the_label_as_its_name(qtbot: QtBot, bad_window: QWidget):
    label = QLabel("Customer &name:")
    entry = QLineEdit()
    entry.setObjectName("customerNameEdit")
    label.setBuddy(entry)
    bad_window.layout().addWidget(label)
    bad_window.layout().addWidget(entry)
    bad_window.show()
    qtbot.waitExposed(bad_window)
    nodes = {node.object_name: node for node in accessible_tree(qtbot)}
    assert (nodes["customerNameEdit"].role, nodes["customerNameEdit"].name) == (
        "text",
        "Customer name:",
    )
    assert nodes["goodButton"].visible_text == "&Copy URL"
    assert accessibility_problems(nodes.values()) == []


# -- the same tests in a process that starts the bus first ----------------------------------

RUN_WITH_BUS = textwrap.dedent(
    """
    import json, os, sys
    import pytest
    from collab_console.testing.accessibility import (
        A11Y_BUS, ALWAYS_ON, SESSION_BUS, process_ended, start_accessibility_bus,
    )
    bus = start_accessibility_bus()
    started = list(bus.started)
    code = pytest.main(sys.argv[1:])
    bus.stop()
    print(json.dumps({
        "code": int(code),
        "started": len(started),
        "left": [pid for pid in started if not process_ended(pid)],
        "env": [os.environ.get(name) for name in (SESSION_BUS, A11Y_BUS, ALWAYS_ON)],
    }))
    """
)


def test_the_tree_checks_pass_in_a_process_with_the_bridge_on(tmp_path):
    """Until the plugin starts the bus for the whole run, a fresh pytest starts it here.

    The child has no session bus of its own, so it starts a private one with
    the accessibility bus and registry, and its ``stop`` ends all four.
    """
    if bridge_is_on():
        pytest.skip("the bridge is on in this run: the tree checks ran in it")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in (SESSION_BUS, A11Y_BUS, ALWAYS_ON)
    }
    report = tmp_path / "report.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_WITH_BUS,
            __file__,
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "not in_a_process_with_the_bridge_on",
            f"--junitxml={report}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 0, done.stdout[-4000:] + done.stderr[-2000:]
    text = report.read_text()
    assert 'skipped="0"' in text, "a tree check skipped with the bridge on"
    assert outcome["started"] == 4
    assert outcome["left"] == []
    assert outcome["env"] == [None, None, None]
