"""The core, the store, the CLI, the join service and the invitations run without Qt: admins
script them on headless hosts."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import collab_console.cli
import collab_console.core
import collab_console.invitations
import collab_console.join_service
import collab_console.store
from collab_console.store import Store
from collab_console.store.location import DATA_DIR_ENV

QT_FREE_PACKAGES = (
    collab_console.core,
    collab_console.store,
    collab_console.cli,
    collab_console.join_service,
    collab_console.invitations,
)

IMPORT_ALL_AND_RUN = """
import contextlib, importlib, importlib.util, io, json, pkgutil, sys

imported = []
for package in (
    "collab_console.core",
    "collab_console.store",
    "collab_console.cli",
    "collab_console.join_service",
    "collab_console.invitations",
):
    module = importlib.import_module(package)
    imported.append(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
        imported.append(info.name)

from collab_console.main import main

output = io.StringIO()
with contextlib.redirect_stdout(output):
    code = main(["settings", "show"])

print(json.dumps({
    "imported": imported,
    "code": code,
    "output": output.getvalue(),
    "pyside_installed": importlib.util.find_spec("PySide6") is not None,
    "qt_modules": sorted(
        name for name in sys.modules
        if name.split(".")[0] in ("PySide6", "shiboken6") or name.startswith("collab_console.gui")
    ),
}))
"""


def test_core_store_and_cli_never_load_qt(demo_store: Store, data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_AND_RUN],
        capture_output=True,
        text=True,
        env={**os.environ, DATA_DIR_ENV: str(data_dir)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    assert {
        "collab_console.core.policy",
        "collab_console.core.settings",
        "collab_console.store.sqlite",
        "collab_console.cli.commands",
        "collab_console.cli.parser",
    } <= set(report["imported"])
    assert report["code"] == 0
    assert "Copy Session ID" in report["output"]
    assert str(data_dir) in report["output"], "settings show must have read the demo store"
    # Where PySide6 is installed (the full venv) it could be imported, so an empty
    # list proves nothing pulled it in. Where it is not (the no-Qt venv of
    # packaging/bootstrap test) the absence is the proof: all of the above ran.
    if importlib.util.find_spec("PySide6") is not None:
        assert report["pyside_installed"], "the subprocess must see the tests' PySide6"
    assert report["qt_modules"] == []


def source_files() -> list[Path]:
    return sorted(
        path for package in QT_FREE_PACKAGES for path in Path(package.__file__).parent.rglob("*.py")
    )


def test_qt_free_sources_are_all_found() -> None:
    names = {f"{path.parent.name}/{path.name}" for path in source_files()}

    assert {"core/policy.py", "store/sqlite.py", "cli/commands.py"} <= names


@pytest.mark.parametrize("path", source_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_qt_free_source_does_not_mention_pyside(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert "PySide6" not in text
    assert "shiboken6" not in text
