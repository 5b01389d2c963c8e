"""One version in one place: the package metadata, ``collab-console --version``,
``collab_console.__version__``, the CHANGELOG and the AppStream release notes agree.

Qt-free, so it runs in the venv without PySide6 too. Help › About shows the same
``__version__`` (``tests/gui/test_about.py``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

import collab_console

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = ROOT / "CHANGELOG.md"
PYPROJECT = ROOT / "pyproject.toml"
#: "## [0.1.0] - 2026-11-26", as Keep a Changelog writes a release.
RELEASE_HEADING = re.compile(r"## \[(?P<version>[^\]]+)\] - (?P<date>\S+)\s*")
#: The versions this project gives its releases: MAJOR.MINOR.PATCH.
SEMANTIC_VERSION = re.compile(r"\d+\.\d+\.\d+")


def changelog_releases() -> list[tuple[str, str]]:
    """Every release heading of CHANGELOG.md, newest first: (version, date as written)."""
    releases = []
    for line in CHANGELOG.read_text(encoding="utf-8").splitlines():
        if line.startswith("## [") and not line.startswith("## [Unreleased]"):
            found = RELEASE_HEADING.fullmatch(line)
            assert found, f"CHANGELOG.md: {line!r} is not '## [VERSION] - YYYY-MM-DD'"
            releases.append((found["version"], found["date"]))
    return releases


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_the_version_is_written_once_in_the_package():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    hatch_path = project["tool"]["hatch"]["version"]["path"]

    assert "version" not in project["project"], "pyproject.toml repeats the version"
    assert "version" in project["project"]["dynamic"]
    assert ROOT / hatch_path == Path(collab_console.__file__).resolve()
    assert SEMANTIC_VERSION.fullmatch(collab_console.__version__)


def test_the_installed_package_has_the_version_of_the_source():
    installed = metadata.version("collab-console")

    assert installed == collab_console.__version__, (
        f"the installed metadata says {installed}, the source {collab_console.__version__}: "
        "reinstall the package (pip install -e .)"
    )


def test_collab_console_version_prints_the_version():
    # The console script as IT's packages and agents' shells run it, next to this interpreter.
    script = Path(sys.executable).parent / "collab-console"
    assert script.is_file(), f"no {script}: install the package (pip install -e .)"

    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"collab-console {collab_console.__version__}\n",
        "",
    )


def test_the_newest_changelog_release_is_this_version():
    releases = changelog_releases()

    assert releases, "CHANGELOG.md has no release heading"
    assert releases[0][0] == collab_console.__version__


def test_changelog_releases_have_real_dates_newest_first():
    releases = changelog_releases()
    for version, written in releases:
        assert SEMANTIC_VERSION.fullmatch(version), f"CHANGELOG.md: {version!r} is not X.Y.Z"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", written), f"{written!r} is not YYYY-MM-DD"
        try:
            date.fromisoformat(written)
        except ValueError:
            pytest.fail(f"CHANGELOG.md: {version} is dated {written!r}, not a real date")

    versions = [as_tuple(version) for version, _ in releases]
    dates = [written for _, written in releases]
    assert versions == sorted(versions, reverse=True), "CHANGELOG.md: newest release first"
    assert len(set(versions)) == len(versions), "CHANGELOG.md names a release twice"
    assert dates == sorted(dates, reverse=True), "CHANGELOG.md: later dates first"


def test_the_appstream_release_notes_name_this_version_and_the_changelog_date():
    # The Debian package's metainfo, where it exists (packaging/linux); no file, nothing to agree.
    for metainfo in sorted((ROOT / "packaging" / "linux").glob("*.metainfo.xml")):
        releases = ElementTree.parse(metainfo).getroot().findall("./releases/release")

        assert releases, f"{metainfo.name} has no <releases><release>"
        newest = releases[0]  # AppStream lists releases newest first
        assert newest.get("version") == collab_console.__version__, metainfo.name
        assert newest.get("date") == changelog_releases()[0][1], (
            f"{metainfo.name} dates {collab_console.__version__} otherwise than CHANGELOG.md"
        )
