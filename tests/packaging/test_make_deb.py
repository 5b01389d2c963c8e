"""``packaging/make_deb.py``: the same bundle packs into the same .deb, byte for byte.

IT verifies a package by its checksum, and a rebuild from the same commit must
not look like a new release: every file carries ``SOURCE_DATE_EPOCH`` (by
default the commit's time), and the archive has no other time in it. The
bundle here is a stand-in (one script); the real one is checked by
``packaging/test-package``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.packaging.test_desktop_files import ROOT, tool


def make_deb_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_deb", ROOT / "packaging" / "make_deb.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def make_deb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    tool("dpkg-deb", "dpkg")
    module = make_deb_module()
    monkeypatch.setattr(module, "STAGING", tmp_path / "staging")
    return module


def stand_in_bundle(folder: Path) -> Path:
    folder.mkdir()
    program = folder / "collab-console"
    program.write_text("#!/bin/sh\necho collab-console\n")
    program.chmod(0o755)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "library.txt").write_text("a bundled library\n")
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_bundle_packs_into_the_same_deb(make_deb, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26 00:00 UTC
    bundle = stand_in_bundle(tmp_path / "bundle")
    first = make_deb.build(bundle, tmp_path / "one", "0.1.0")
    (bundle / "_internal" / "library.txt").touch()  # a later mtime must not matter
    second = make_deb.build(bundle, tmp_path / "two", "0.1.0")
    assert digest(first) == digest(second)

    listing = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(first)], capture_output=True, check=True
    ).stdout
    times = subprocess.run(
        ["tar", "--list", "--verbose", "--full-time", "--utc"],
        input=listing,
        capture_output=True,
        check=True,
    ).stdout.decode()
    stamps = {line.split()[3] + " " + line.split()[4] for line in times.splitlines()}
    assert stamps == {"2025-11-26 00:00:00"}, stamps


def test_without_the_variable_the_commit_time_is_used(make_deb, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    committed = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not committed.isdigit():
        pytest.skip("not a git checkout")
    assert make_deb.source_date_epoch() == int(committed)


def test_a_malformed_epoch_is_one_line_from_the_script(tmp_path):
    bundle = stand_in_bundle(tmp_path / "bundle")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_deb.py"), str(bundle), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={"SOURCE_DATE_EPOCH": "yesterday", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert done.stderr == "make_deb.py: SOURCE_DATE_EPOCH must be whole seconds, not 'yesterday'\n"
