"""The Qt side of the Hebrew catalogue: every text of the forms and of ``gui/*.py`` is
translated, and ``packaging/translations check`` names one that is not, or one the code no
longer has. (The gettext side is ``tests/core/test_i18n.py``'s, which runs without Qt.)"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "collab_console_he.ts"


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "translations"), "check", "--only", "ts", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_gui_text_has_a_hebrew_translation() -> None:
    done = check()
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_check_names_a_missing_and_an_obsolete_gui_translation(tmp_path: Path) -> None:
    tree = ElementTree.parse(TS)
    contexts = {c.findtext("name"): c for c in tree.getroot().iter("context")}
    menu = next(
        m for m in contexts["ConsoleWindow"].iter("message") if m.findtext("source") == "&File"
    )
    translation = menu.find("translation")
    assert translation is not None
    translation.text = ""
    translation.set("type", "unfinished")
    gone = ElementTree.SubElement(contexts["ConsoleWindow"], "message")
    ElementTree.SubElement(gone, "source").text = "A menu the console no longer has"
    ElementTree.SubElement(gone, "translation").text = "תפריט ישן"
    broken = tmp_path / "collab_console_he.ts"
    tree.write(broken, encoding="utf-8", xml_declaration=True)
    done = check("--ts", str(broken))
    assert done.returncode == 1
    assert "not translated: ConsoleWindow: '&File'" in done.stdout
    assert (
        "obsolete (no longer in the code): ConsoleWindow: 'A menu the console no longer has'"
        in (done.stdout)
    )
