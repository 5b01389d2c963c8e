"""Build ``collab-console_<version>_amd64.deb`` from the one-folder bundle.

    python packaging/make_deb.py BUNDLE OUTDIR

``BUNDLE`` is PyInstaller's ``dist/collab-console`` (packaging/collab-console.spec).
Run with the interpreter of the venv the bundle was made from (``packaging/bootstrap
package`` does): the version, the man page and the licences of the bundled
libraries are read from the installed package, so they are the bundle's own.

The package installs the bundle under ``/opt/collab-console/``, the command as a
symlink ``/usr/bin/collab-console``, and the desktop files of ``packaging/linux/``
(docs/packaging.md has the table). Everything is staged under ``build/deb/`` and
packed by ``dpkg-deb --root-owner-group``, so no file is owned by the builder,
with every time set to :func:`source_date_epoch`, so the build is reproducible.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
PACKAGE = "collab-console"
APP_ID = "io.collabconsole.collab_console"
PREFIX = Path("opt") / PACKAGE
STAGING = ROOT / "build" / "deb"

#: What the bundle needs from the system. Not python3: the bundle has its own.
#: xclip: pyperclip's clipboard helper for the CLI. The xcb libraries Qt's xcb
#: platform plugin loads (the bundle carries copies, the system's are the ones
#: IT keeps patched), GL/EGL (never bundled: they must match the graphics driver),
#: D-Bus (Secret Service, the desktop portal), fontconfig and a font.
DEPENDS = (
    "xclip",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libdbus-1-3",
    "libfontconfig1",
    "fonts-dejavu-core",
)
#: Where passwords go (keyring's Secret Service backend); any Secret Service will do.
RECOMMENDS = ("gnome-keyring | kwalletmanager",)

DESCRIPTION = """\
agent console for live collaboration sessions
 Collab Console lets contact-centre agents hand customers and document
 participants the Session ID and Session URL of a live collaboration session,
 safely: copied URLs are marked secret and leave the clipboard after 30 s, a
 privacy screen masks names for screen sharing, and admins lock settings and
 read an audit trail.
 .
 This package carries its own Python and Qt under /opt/collab-console."""


class DebError(Exception):
    """A step of the build failed; the message is one line."""


def _run(*command: str | Path, epoch: int | None = None) -> str:
    env = None if epoch is None else {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, env=env
    )
    if result.returncode != 0:
        raise DebError(f"{Path(str(command[0])).name} failed: {result.stderr.strip()}")
    return result.stdout


def _gzip(source: bytes, dest: Path) -> None:
    """``gzip -9n``: no name and no time stamp in the header, so builds are reproducible."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as packed:
        packed.write(source)


def _copyright() -> str:
    """debian/copyright (DEP-5): the console, then what the bundle carries."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from collab_console.gui.about_dialog import shipped_libraries

    lines = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        f"Upstream-Name: {PACKAGE}",
        "",
        "Files: *",
        "Copyright: The Collab Console team",
        "License: LicenseRef-proprietary",
        " All rights reserved. Distributed to the licensee's workstations only.",
        "",
        f"Files: {PREFIX}/_internal/PySide6/*",
        f"Comment: Qt {qVersion()} and PySide6 {pyside_version}, dynamically linked;",
        " the licensee may replace these libraries with modified ones.",
        "Copyright: The Qt Company Ltd. and other contributors",
        "License: LGPL-3.0-only",
        " On Debian systems, the full text is in /usr/share/common-licenses/LGPL-3.",
        "",
        f"Files: {PREFIX}/_internal/libpython* {PREFIX}/_internal/base_library.zip",
        f"Comment: Python {sys.version.split()[0]}",
        "Copyright: Python Software Foundation",
        "License: PSF-2.0",
        "",
        "Comment: the Python libraries bundled under _internal/, with their licences",
        " as their own metadata states them (also listed in Help > About):",
    ]
    libraries = shipped_libraries() or []
    lines += [
        f" {library.name} {library.version}: {library.licence}"
        for library in libraries
        if library.name.lower() not in {"pyside6-essentials", "shiboken6"}
    ]
    return "\n".join(lines) + "\n"


def _installed_size_kib(tree: Path) -> int:
    total = sum(path.lstat().st_size for path in tree.rglob("*") if not path.is_dir())
    return (total + 1023) // 1024


def _normalise_modes(tree: Path) -> None:
    """0755 for folders and executables, 0644 for the rest, whatever the umask was."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def source_date_epoch() -> int:
    """The time every packed file carries: ``$SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention), else the time of the commit built, else the CHANGELOG's newest release.

    So the same bundle packed twice, here or on another machine, is the same .deb.
    """
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given:
        if not given.isdigit():
            raise DebError(f"SOURCE_DATE_EPOCH must be whole seconds, not {given!r}")
        return int(given)
    try:
        committed = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:  # no git on this machine: a source tree from a tarball
        committed = ""
    if committed.isdigit():
        return int(committed)
    released = re.search(r"^## \[[^]]+\] - (\d{4}-\d{2}-\d{2})", _changelog(), re.MULTILINE)
    if released is None:
        raise DebError("no SOURCE_DATE_EPOCH, no git and no dated release in CHANGELOG.md")
    return int(datetime.fromisoformat(released[1]).replace(tzinfo=UTC).timestamp())


def _changelog() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def _clamp_times(tree: Path, epoch: int) -> None:
    """Give every file, folder and symlink under ``tree`` the time ``epoch``."""
    for path in [tree, *tree.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def stage(bundle: Path, version: str) -> Path:
    """Lay out the package's files under ``build/deb/root``; return that folder."""
    if not (bundle / PACKAGE).is_file():
        raise DebError(f"{bundle} is not a bundle: it has no {PACKAGE} executable")
    root = STAGING / "root"
    shutil.rmtree(STAGING, ignore_errors=True)
    share = root / "usr" / "share"

    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(f"/{PREFIX}/{PACKAGE}")

    (share / "applications").mkdir(parents=True)
    shutil.copyfile(LINUX / f"{PACKAGE}.desktop", share / "applications" / f"{PACKAGE}.desktop")
    (share / "metainfo").mkdir(parents=True)
    shutil.copyfile(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml")

    sys.path.insert(0, str(LINUX))
    import make_icons

    make_icons.write_icons(share / "icons")

    page = Path(STAGING / f"{PACKAGE}.1")
    _run(sys.executable, "-m", "collab_console.cli.manpage", "-o", page)
    _gzip(page.read_bytes(), share / "man" / "man1" / f"{PACKAGE}.1.gz")

    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(), encoding="utf-8")
    _gzip(_changelog().encode("utf-8"), doc / "changelog.gz")
    # The system policy is IT's to deploy; the package owns no file in /etc, so
    # `apt remove` leaves nothing there, and ships an example to start from.
    (doc / "examples").mkdir()
    shutil.copyfile(LINUX / "policy.toml", doc / "examples" / "policy.toml")

    _normalise_modes(root)
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        "\n".join(
            [
                f"Package: {PACKAGE}",
                f"Version: {version}",
                "Architecture: amd64",
                "Maintainer: The Collab Console team <packaging@collab-console.example>",
                f"Installed-Size: {_installed_size_kib(root)}",
                f"Depends: {', '.join(DEPENDS)}",
                f"Recommends: {', '.join(RECOMMENDS)}",
                "Section: misc",
                "Priority: optional",
                "Homepage: https://collab-console.example/",
                f"Description: {DESCRIPTION}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    control.chmod(0o644)
    control.parent.chmod(0o755)
    return root


def build(bundle: Path, outdir: Path, version: str) -> Path:
    """Stage and pack the package; return the ``.deb``'s path."""
    epoch = source_date_epoch()
    root = stage(bundle, version)
    _clamp_times(root, epoch)
    outdir.mkdir(parents=True, exist_ok=True)
    deb = outdir / f"{PACKAGE}_{version}_amd64.deb"
    # dpkg-deb sorts the members and takes the ar headers' time from SOURCE_DATE_EPOCH.
    _run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb, epoch=epoch)
    return deb


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="make_deb.py", description="Build collab-console's .deb from its bundle."
    )
    cli.add_argument("bundle", type=Path, help="the one-folder bundle (dist/collab-console)")
    cli.add_argument("outdir", type=Path, help="where the .deb goes (dist)")
    args = cli.parse_args(argv)

    from collab_console import __version__

    try:
        print(build(args.bundle.resolve(), args.outdir.resolve(), __version__))
    except (DebError, OSError) as exc:
        print(f"make_deb.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
