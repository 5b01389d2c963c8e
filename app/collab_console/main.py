"""``collab-console``: the console window, or an admin command when one is named.

Only the GUI branch imports Qt; the commands never do.

:func:`main` never lets a traceback reach the user: a known error is one
``collab-console: ...`` line on stderr and its exit status, an unexpected one
is an "internal error" line and :data:`EXIT_INTERNAL`.
"""

from __future__ import annotations

import contextlib
import sys

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 4
EXIT_NO_CLIPBOARD = 5
#: Needs an admin: a wrong name or passphrase, too soon after failed attempts, none set up.
EXIT_NOT_ALLOWED = 6
#: ``audit verify`` found an entry that does not match the chain (the command returns it).
EXIT_AUDIT_ALTERED = 7
#: EX_SOFTWARE of sysexits.h: a bug, not a problem of the user's input or system.
EXIT_INTERNAL = 70
#: What a shell reports for a command stopped by Ctrl+C (128 + SIGINT).
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    from collab_console.cli import output

    output.ensure_standard_fds()
    help_write_errors: list[OSError] = []
    try:
        code = _run(argv, help_write_errors)
        output.flush_out()
        return code
    except SystemExit as exc:
        # argparse's --help, --version and usage errors: their output must not be lost either.
        problem = _lost_help(exc, help_write_errors)
        if problem is not None:
            output.say_error(str(problem))
            return EXIT_FAILED
        raise
    except KeyboardInterrupt:
        _quietly_flush()
        return EXIT_INTERRUPTED
    except output.OutputError as exc:
        output.say_error(str(exc))
        return EXIT_FAILED
    except Exception as exc:  # known errors first, then anything a bug raised
        return _report(exc)


def _run(argv: list[str] | None, help_write_errors: list[OSError]) -> int:
    from collab_console.cli import output
    from collab_console.cli.parser import build_parser, lang_option, translate_argparse
    from collab_console.core.i18n import choose_language, current_language, use_language

    words = sys.argv[1:] if argv is None else argv
    # The language first: argparse's own messages, the commands' and the GUI's follow it.
    use_language(choose_language(lang_option(words)))
    translate_argparse()
    parser = build_parser()
    with output.recording_write_errors(help_write_errors):
        args = parser.parse_args(words)
    if args.lang is not None and args.lang != current_language():
        use_language(args.lang)  # an abbreviated option (--la he) the early look missed
    if args.command is None:
        from collab_console.gui.app import run_gui

        return run_gui(args)
    output.check_stdout()  # before the command changes anything it could not report
    from collab_console.cli.commands import run_command

    return run_command(args)


def _lost_help(exc: SystemExit, write_errors: list[OSError]) -> Exception | None:
    """Why what argparse printed before exiting was lost, or None if it was not."""
    from collab_console.cli import output

    if write_errors:
        return output.output_error(write_errors[0])
    if exc.code in (0, None) and not output.stdout_is_open():
        return output.OutputError(output.stdout_closed_message())
    try:
        output.flush_out()
    except output.OutputError as problem:
        return problem
    return None


def _report(exc: Exception) -> int:
    """Say what went wrong in one line; return the exit status for it."""
    from collab_console.cli import output
    from collab_console.core.errors import (
        ClipboardError,
        CollabConsoleError,
        NotAllowedError,
        NotFoundError,
        ValidationError,
    )
    from collab_console.core.i18n import _, isolate

    if isinstance(exc, CollabConsoleError):
        output.say_error(str(exc))
        if isinstance(exc, NotAllowedError):
            return EXIT_NOT_ALLOWED
        if isinstance(exc, NotFoundError):
            return EXIT_NOT_FOUND
        if isinstance(exc, ValidationError):
            return EXIT_USAGE
        if isinstance(exc, ClipboardError):
            return EXIT_NO_CLIPBOARD
        return EXIT_FAILED
    if isinstance(exc, OSError):
        # Today's commands print(); a full disk or a closed pipe fails there.
        if output.is_output_failure(exc):
            output.say_error(str(output.output_error(exc)))
            return EXIT_FAILED
        if exc.filename is not None:
            output.say_error(
                _("cannot use {file}: {reason}").format(
                    file=isolate(str(exc.filename)), reason=exc.strerror or exc
                )
            )
        else:
            output.say_error(_("system error: {reason}").format(reason=exc.strerror or exc))
        return EXIT_FAILED
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    output.say_error(_("internal error: {what} (please report this)").format(what=isolate(what)))
    _quietly_flush()
    return EXIT_INTERNAL


def _quietly_flush() -> None:
    from collab_console.cli import output

    with contextlib.suppress(output.OutputError):
        output.flush_out()


if __name__ == "__main__":
    sys.exit(main())
