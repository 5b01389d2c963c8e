"""Write the hicolor icon theme's files of Collab Console, from ``resources/icons/app.svg``.

    python packaging/linux/make_icons.py DEST

writes ``DEST/hicolor/scalable/apps/collab-console.svg`` (the SVG as it is) and
``DEST/hicolor/NxN/apps/collab-console.png`` for each size of :data:`SIZES`,
rendered with Qt's SVG renderer, as the console draws its own window icon.
``DEST`` is what the package installs under ``/usr/share/icons``. The PNGs
are made at package time and never committed, so they cannot drift from
the SVG.

Needs PySide6 (its QtSvg is in PySide6-Essentials), no display and no
QGuiApplication: the SVG has no text, so no font is ever looked up.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

#: The name the desktop file's ``Icon=`` gives (packaging/linux/collab-console.desktop).
ICON_NAME = "collab-console"
#: The PNG sizes desktops look for in hicolor, menus (16-24) to software centres (256).
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
SOURCE = Path(__file__).resolve().parents[2] / "resources" / "icons" / "app.svg"


class IconError(Exception):
    """The SVG cannot be read or a PNG cannot be written; the message is one line."""


def write_icons(dest: Path, source: Path = SOURCE) -> list[Path]:
    """Write the scalable SVG and one PNG per size under ``dest/hicolor``; return their paths."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise IconError(f"{source} is not an SVG image Qt can read")
    written = []
    scalable = dest / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    written.append(scalable)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = dest / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path)):  # PNG, from the suffix
            raise IconError(f"cannot write {path}")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="make_icons.py",
        description="Write Collab Console's hicolor icons (SVG and PNGs) under DEST/hicolor.",
    )
    cli.add_argument("dest", metavar="DEST", type=Path, help="the folder to write hicolor/ into")
    args = cli.parse_args(argv)
    try:
        for path in write_icons(args.dest):
            print(path)
    except (IconError, OSError) as exc:
        print(f"make_icons.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
