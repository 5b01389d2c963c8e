"""``collab-console``: the console window, or an admin command when one is named.

Only the GUI branch imports Qt; the commands never do.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from collab_console.cli.parser import build_parser

    args = build_parser().parse_args(argv)
    if args.command is None:
        from collab_console.gui.app import run_gui

        return run_gui(args)
    from collab_console.cli.commands import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
