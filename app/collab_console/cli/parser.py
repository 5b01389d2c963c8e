"""Arguments of ``collab-console``: the GUI options and the admin commands."""

from __future__ import annotations

import argparse

from collab_console import __version__
from collab_console.store.location import DATA_DIR_ENV

WHAT_CHOICES = ("id", "url", "both")
#: The console's looks (``gui.appearance.Theme``, which a test keeps equal to this).
THEME_CHOICES = ("system", "light", "dark")


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 0 and 100000")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="collab-console",
        description="Agent console for live collaboration sessions. "
        "Without a command it opens the console window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"folder of the embedded store (default: ${DATA_DIR_ENV}, else the user data folder)",
    )
    gui = parser.add_argument_group("console window")
    gui.add_argument(
        "--demo",
        action="store_true",
        help="when there is no store yet, create one with deterministic demo data",
    )
    gui.add_argument(
        "--demo-participants",
        type=_count,
        default=0,
        metavar="N",
        help="with --demo: also add an active session with N document participants",
    )
    gui.add_argument(
        "--theme",
        choices=THEME_CHOICES,
        help="the console's look for this run: system (the desktop's light or dark setting), "
        "light or dark; overrides the choice in Preferences > Appearance",
    )
    gui.add_argument(
        "--quit-when-ready",
        action="store_true",
        help="exit 0 once the console window has been painted (for benchmarks and smoke tests)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    settings = commands.add_parser("settings", help="show the copy settings")
    settings_commands = settings.add_subparsers(dest="settings_command", metavar="ACTION")
    settings_commands.required = True
    show = settings_commands.add_parser("show", help="print the copy settings and acknowledgement")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")

    copy = commands.add_parser(
        "copy", help="copy a session detail to the clipboard, as the console's copy card would"
    )
    copy.add_argument("session_id", metavar="SESSION_ID")
    copy.add_argument("--what", choices=WHAT_CHOICES, required=True)
    copy.add_argument(
        "--participant", metavar="NAME", help="a document participant (default: the customer)"
    )
    return parser
