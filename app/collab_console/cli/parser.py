"""Arguments of ``collab-console``: the GUI options and the admin commands."""

from __future__ import annotations

import argparse
import os
import sys

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


class _Parser(argparse.ArgumentParser):
    """argparse's parser with a help formatter sized without :mod:`shutil`.

    argparse builds a formatter for every argument added, and its own imports
    shutil (and with it bz2 and lzma) to size it: a few ms of every command.
    Sub-parsers are of the same class, so they share it.
    """

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(**kwargs)  # type: ignore[arg-type]


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


def _help_width() -> int:
    """What ``shutil.get_terminal_size`` would give, less argparse's margin."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(columns - 2, 11)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    # prog given, so argparse needs no help formatter (and no shutil) until help is asked for.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog=parser.prog)

    settings = commands.add_parser("settings", help="show the copy settings")
    settings_commands = settings.add_subparsers(
        dest="settings_command", metavar="ACTION", prog=settings.prog
    )
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
