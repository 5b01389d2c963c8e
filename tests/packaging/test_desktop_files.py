"""The desktop integration the Debian package installs: what a desktop, a software centre
and ``man`` read from it, checked with the tools a Debian packager runs.

- ``packaging/linux/collab-console.desktop``: valid for ``desktop-file-validate``, and
  naming the command, icon and window class the console really has;
- the AppStream metainfo: valid for ``appstreamcli validate --pedantic``, with its
  screenshots in ``docs/screenshots`` (the version and date are
  ``test_version.py``'s);
- the hicolor icons ``packaging/linux/make_icons.py`` renders from ``app.svg``;
- the man page ``collab_console.cli.manpage`` writes from the argument parser.

A missing tool skips its test with the package to install, except under CI
(``$CI`` set), where it fails: a skip there would hide an invalid file.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest

import collab_console
from collab_console.cli.commands import Exit
from collab_console.cli.manpage import command_names, render
from collab_console.cli.parser import build_parser
from collab_console.core.logs import LOG_DIR_ENV
from collab_console.store.location import CONFIG_DIR_ENV, DATA_DIR_ENV, DB_ENV

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP_FILE = LINUX / "collab-console.desktop"
APP_ID = "io.collabconsole.collab_console"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MAKE_ICONS = LINUX / "make_icons.py"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def tool(name: str, apt_package: str) -> str:
    """The path of ``name``; without it, skip (fail under CI) naming the package to install."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed: apt-get install {apt_package}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=120, check=False
    )


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def qt_names() -> dict[str, str]:
    """What ``gui/app.py`` tells Qt: the application name (X11's WM_CLASS class) and the
    desktop file name (Wayland's app id). Read from the source: starting the console
    for two strings would cost seconds."""
    source = (ROOT / "app" / "collab_console" / "gui" / "app.py").read_text(encoding="utf-8")
    found = dict(re.findall(r'app\.set(ApplicationName|DesktopFileName)\("([^"]*)"\)', source))
    assert set(found) == {"ApplicationName", "DesktopFileName"}, "gui/app.py names changed"
    return found


def script_name() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (name,) = pyproject["project"]["scripts"]
    return str(name)


# -- the .desktop file ----------------------------------------------------------------------


def test_the_desktop_file_is_valid_without_a_hint():
    validate = tool("desktop-file-validate", "desktop-file-utils")
    result = run(validate, DESKTOP_FILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == "", "errors, warnings or hints"


def test_the_menu_entry_starts_the_console_and_matches_its_window():
    entry = desktop_entry()
    names = qt_names()
    assert entry["Exec"] == script_name()
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "collab-console"
    # The desktop matches a window to its menu entry by these: a mismatch is a second,
    # generic icon in the dock.
    assert entry["StartupWMClass"] == names["ApplicationName"]
    assert DESKTOP_FILE.stem == names["DesktopFileName"]


# -- AppStream -------------------------------------------------------------------------------


def test_the_metainfo_is_valid_even_pedantically():
    appstreamcli = tool("appstreamcli", "appstream")
    result = run(appstreamcli, "validate", "--no-net", "--pedantic", "--explain", METAINFO)
    assert result.returncode == 0, result.stdout + result.stderr
    issues = [line for line in result.stdout.splitlines() if re.match(r"[EWIP]: ", line)]
    assert issues == [], result.stdout


def test_the_metainfo_points_at_the_desktop_file_the_command_and_real_screenshots():
    component = ElementTree.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == script_name()
    assert component.find("content_rating[@type='oars-1.1']") is not None
    images = [image.text or "" for image in component.iterfind("screenshots/screenshot/image")]
    assert images, "no screenshots"
    for url in images:
        assert url.startswith("https://"), url
        name = url.rsplit("/", 1)[-1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), f"{url}: no such screenshot"
    newest = component.find("releases/release")
    assert newest is not None
    assert newest.findall("description/ul/li"), "the newest release has no notes"


# -- icons -----------------------------------------------------------------------------------


def test_the_icons_are_the_svg_and_a_png_at_every_size(tmp_path: Path):
    from PySide6.QtGui import QImage

    result = run(sys.executable, MAKE_ICONS, tmp_path)
    assert result.returncode == 0, result.stderr
    hicolor = tmp_path / "hicolor"
    scalable = hicolor / "scalable" / "apps" / "collab-console.svg"
    assert scalable.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    for size in ICON_SIZES:
        path = hicolor / f"{size}x{size}" / "apps" / "collab-console.png"
        image = QImage(str(path))
        assert not image.isNull(), f"{path} is not a PNG"
        assert (image.width(), image.height()) == (size, size), path
        colours = {image.pixel(x, y) for x in range(size) for y in range(size)}
        opaque = [pixel for pixel in colours if pixel >> 24 == 0xFF]
        # The icon's blue frame, its white screen and the green face, on a transparent ground.
        assert len(opaque) >= 3, f"{path} is blank or one colour"
        assert image.pixel(0, 0) >> 24 == 0, f"{path} has no transparent corner"


def test_the_icon_renderer_says_a_bad_folder_in_one_line(tmp_path: Path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    result = run(sys.executable, MAKE_ICONS, a_file)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# -- the man page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def man_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page as the package build writes it, with a reproducible date."""
    path = tmp_path_factory.mktemp("man") / "collab-console.1"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795651200")  # 2026-11-26
    result = subprocess.run(
        [sys.executable, "-m", "collab_console.cli.manpage", "-o", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path


def rendered(page: Path) -> str:
    """The page as ``man`` shows it, as plain text (no bold, no underline)."""
    groff = tool("groff", "groff-base")
    result = run(groff, "-man", "-Tutf8", "-P-cbou", "-rLL=200n", page)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_man_page_renders_without_a_warning(man_page: Path):
    groff = tool("groff", "groff-base")
    result = run(groff, "-ww", "-z", "-man", "-Tutf8", man_page)
    assert result.returncode == 0
    assert result.stderr == ""


def test_the_man_page_header_has_the_version_and_the_build_date(man_page: Path):
    header = man_page.read_text(encoding="ascii").splitlines()
    th = next(line for line in header if line.startswith(".TH "))
    assert th == (
        f'.TH COLLAB\\-CONSOLE 1 2026\\-11\\-26 "collab\\-console {collab_console.__version__}"'
        ' "User Commands"'
    )


def test_the_man_page_has_the_sections_a_reader_looks_for(man_page: Path):
    text = rendered(man_page)
    headings = [line for line in text.splitlines() if re.fullmatch(r"[A-Z][A-Z ]+", line)]
    assert headings == [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "SEE ALSO",
    ]


def test_the_man_page_describes_every_command_and_option_of_the_parser(man_page: Path):
    text = rendered(man_page)
    names = command_names()
    assert {"settings", "copy", "session", "db", "team"} <= set(names)
    for name in names:
        assert re.search(rf"^   collab-console {name}$", text, re.MULTILINE), name
    for words in ("session start", "audit verify", "db add-user", "team remove-member"):
        assert re.search(rf"^   collab-console {words}$", text, re.MULTILINE), words
    for option in ("--data-dir DIR", "--quit-when-ready", "--customer NAME", "--trusted-proxy"):
        assert option in text


def test_an_option_added_to_the_parser_is_in_the_next_man_page():
    parser = build_parser()
    parser.add_argument("--brand-new", metavar="THING", help="a help line nobody wrote twice")
    page = render(parser, date="2026-11-26")
    assert "\\fB\\-\\-brand\\-new\\fR \\fITHING\\fR" in page
    assert "a help line nobody wrote twice" in page


def test_the_man_page_lists_every_exit_code_and_variable(man_page: Path):
    text = rendered(man_page)
    exit_status = text.split("\nEXIT STATUS\n", 1)[1].split("\nSEE ALSO\n", 1)[0]
    codes = re.findall(r"^       (\d+) ", exit_status, re.MULTILINE)
    assert codes == [str(code) for code in sorted({*map(int, Exit), 70, 130})]
    environment = text.split("\nENVIRONMENT\n", 1)[1].split("\nFILES\n", 1)[0]
    for variable in (DATA_DIR_ENV, DB_ENV, CONFIG_DIR_ENV, LOG_DIR_ENV):
        assert re.search(rf"^       {variable}$", environment, re.MULTILINE), variable
