"""The ``collab-console(1)`` man page, written from the real argument parser.

Every option and command is read from :func:`~collab_console.cli.parser.build_parser`,
so one added there is in the next package's man page without an edit here.
The sections argparse cannot know (ENVIRONMENT, FILES, EXIT STATUS) are built
from the constants the code itself reads, and the exit codes from
:class:`~collab_console.cli.commands.Exit`: a code added there without a line
here makes the page fail to build, not go out of date.

Run at package time: ``python -m collab_console.cli.manpage -o collab-console.1``.
The date in the header is ``$SOURCE_DATE_EPOCH`` when set (reproducible
builds), else today.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

from collab_console import __version__
from collab_console.cli.commands import Exit
from collab_console.cli.parser import _Parser, build_parser
from collab_console.core.logs import LOG_DIR_ENV, LOG_FILENAME
from collab_console.core.secrets import BACKEND_ENV
from collab_console.core.settings import SETTING_SPECS
from collab_console.store.location import (
    CONFIG_DIR_ENV,
    DATA_DIR_ENV,
    DB_ENV,
    REMEMBERED_DB_FILENAME,
    STORE_FILENAME,
)
from collab_console.store.system_policy import POLICY_ENV, SYSTEM_POLICY_PATH

PROG = "collab-console"
SECTION = "1"

#: What each exit code means, as README's table says it. Every ``Exit`` member must be here.
EXIT_MEANINGS: dict[int, str] = {
    Exit.OK: "Done; the console window was closed, or painted with --quit-when-ready.",
    Exit.FAILED: "The store cannot be used, the output cannot be written (closed, full, "
    "reader gone), or no secure keyring is available.",
    Exit.USAGE: "Bad arguments, or a malformed Session ID or link name.",
    Exit.REFUSED: "Refused by the copy policy or a link limit, a Session URL copy without "
    "the --reason it needs, or a resend sooner than the resend interval allows; the reason "
    "is on standard error.",
    Exit.NOT_FOUND: "No such session, participant, admin or link.",
    Exit.NO_CLIPBOARD: "No clipboard on this machine (the message says what to install).",
    Exit.NOT_ALLOWED: "Not allowed: a wrong admin name or passphrase, too soon after failed "
    "attempts, or no admin set up yet; on the organisation database, a login that is not a "
    "member of collab_admin, or a refusal of the server.",
    Exit.AUDIT_ALTERED: "audit verify found an audit entry that was altered, removed or "
    "slipped in.",
    70: "An internal error: one line asking for a report, never a traceback.",
    130: "Interrupted (Ctrl+C).",
}

_ENVIRONMENT = (
    (DATA_DIR_ENV, "The folder of the embedded store, when --data-dir is not given."),
    (
        DB_ENV,
        "The organisation's PostgreSQL database (a DSN without a password), when --db is "
        "not given; it wins over the one chosen with db use.",
    ),
    (
        CONFIG_DIR_ENV,
        "The user's configuration folder, instead of $XDG_CONFIG_HOME/collab-console.",
    ),
    (
        POLICY_ENV,
        f"The system policy file to read instead of {SYSTEM_POLICY_PATH} (to try a policy; "
        "it must exist).",
    ),
    (LOG_DIR_ENV, "The folder of the log files, instead of the user's log folder."),
    (
        BACKEND_ENV,
        "The keyring backend that keeps the SMTP password, the SMS gateway token and the "
        "database password (by default the desktop's Secret Service: GNOME Keyring, KWallet).",
    ),
)

_LOCKABLE = ", ".join(
    f"{spec.cli_name} only off" if spec.sensitive else spec.cli_name
    for spec in SETTING_SPECS
    if spec.lockable
)

_FILES = (
    (
        SYSTEM_POLICY_PATH,
        "The system policy IT deploys for everyone on the workstation (root's, mode 644): "
        "[organisation] database names the organisation database (fixed = true allows no "
        f"other), [locked] locks settings the console applies ({_LOCKABLE}). A broken one "
        "stops the console and every command. An example is in "
        "/usr/share/doc/collab-console/examples/policy.toml.",
    ),
    (
        f"~/.local/share/collab-console/{STORE_FILENAME}",
        f"The embedded store: settings, sessions, admins and the audit trail "
        f"(${DATA_DIR_ENV} or --data-dir move it). Invitations sent without an SMTP server "
        "or an SMS gateway go to outbox/ beside it.",
    ),
    (
        "~/.config/collab-console/collab-console.ini",
        "The user's own preferences: the look and the window's place.",
    ),
    (
        f"~/.config/collab-console/{REMEMBERED_DB_FILENAME}",
        "The organisation database chosen with db use.",
    ),
    (
        f"~/.local/state/collab-console/log/{LOG_FILENAME}",
        "The log, rolled over at 1 MB; Session URLs and contacts are masked in it.",
    ),
)

_SEE_ALSO = (("xclip", "1"), ("psql", "1"), ("secret-tool", "1"))


def render(parser: argparse.ArgumentParser | None = None, *, date: str | None = None) -> str:
    """The man page in roff (``man`` macros) for ``parser`` (default: the real one).

    ``date`` (``YYYY-MM-DD``) goes in the header; default :func:`build_date`.
    """
    parser = parser or build_parser()
    _ready(parser)
    page = _Page()
    page.request(
        "TH", PROG.upper(), SECTION, date or build_date(), f"{PROG} {__version__}", "User Commands"
    )
    # Option names are long words with hyphens: never hyphenate, never stretch lines.
    page.request("nh")
    page.request("ad", "l")
    page.request("SH", "NAME")
    page.text(f"{PROG} \\- {_first_sentence(parser.description or '')}", raw=True)
    _synopsis(page, parser)
    page.request("SH", "DESCRIPTION")
    page.text(parser.description or "")
    page.paragraph(
        "The commands below work on the same store as the window: the embedded one in the "
        "user's data folder, or the organisation's PostgreSQL database."
    )
    page.request("SH", "OPTIONS")
    _options(page, parser)
    page.request("SH", "COMMANDS")
    for name, help_text, command in _commands(parser):
        _command(page, [name], help_text, command)
    _environment(page)
    _files(page)
    _exit_status(page)
    page.request("SH", "SEE ALSO")
    refs = [f"\\fB{_escape(name)}\\fR({section})" for name, section in _SEE_ALSO]
    page.text(",\n".join(refs), raw=True)
    return page.finish()


def build_date() -> str:
    """``$SOURCE_DATE_EPOCH`` as a date (reproducible builds), else today's, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}") from None
    else:
        moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%d")


def command_names(parser: argparse.ArgumentParser | None = None) -> list[str]:
    """The top-level commands of ``parser`` (default: the real one), in the parser's order."""
    return [name for name, _, _ in _commands(parser or build_parser())]


class _Page:
    """Lines of roff being written; text is escaped unless said raw."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def request(self, name: str, *args: str) -> None:
        quoted = (f'"{_escape(arg)}"' if " " in arg or not arg else _escape(arg) for arg in args)
        self._lines.append(" ".join([f".{name}", *quoted]))

    def text(self, text: str, *, raw: bool = False) -> None:
        for line in text.splitlines() or [""]:
            line = line if raw else _escape(line)
            # A line starting with . or ' would be read as a request.
            self._lines.append(f"\\&{line}" if line.startswith((".", "'")) else line)

    def paragraph(self, text: str) -> None:
        self.request("PP")
        self.text(text)

    def term(self, term: str, text: str) -> None:
        """A tagged paragraph: ``term`` (already roff) above ``text`` (plain)."""
        self.request("TP")
        self.text(term, raw=True)
        self.text(text)

    def finish(self) -> str:
        return "\n".join(self._lines) + "\n"


def _escape(text: str) -> str:
    """``text`` as roff prints it: backslashes and minus signs kept, other characters
    than ASCII named by their code (groff reads its input as Latin-1 without preconv)."""
    out = []
    for char in text.replace("\\", "\\e").replace("-", "\\-"):
        out.append(char if ord(char) < 128 else f"\\[u{ord(char):04X}]")
    return "".join(out)


def _bold(text: str) -> str:
    return f"\\fB{_escape(text)}\\fR"


def _italic(text: str) -> str:
    return f"\\fI{_escape(text)}\\fR"


def _first_sentence(text: str) -> str:
    return _escape(text.split(". ")[0].rstrip("."))


def _ready(parser: argparse.ArgumentParser) -> None:
    """Build a command's arguments, which :class:`_Parser` adds only when the command is used."""
    if isinstance(parser, _Parser):
        parser._ready()


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[_Parser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _commands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """Each sub-command of ``parser``: its name, its help line and its parser, built."""
    _ready(parser)
    actions = _subparsers(parser)
    if actions is None:
        return
    helps = {choice.dest: choice.help or "" for choice in actions._choices_actions}
    for name, command in actions.choices.items():
        _ready(command)
        yield name, helps.get(name, ""), command


def _options_of(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)
    ]


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(choice) for choice in action.choices) + "}"
    return action.dest if not action.option_strings else action.dest.upper()


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _usage_word(action: argparse.Action) -> str:
    """How ``action`` is written in a synopsis: ``\\fB\\-\\-name\\fR \\fIVALUE\\fR``,
    in brackets when it may be left out."""
    if not action.option_strings:
        word = _italic(_metavar(action))
        return f"[{word}]" if action.nargs == "?" else word
    word = _bold(action.option_strings[-1])
    if _takes_value(action):
        word += f" {_italic(_metavar(action))}"
    return word if action.required else f"[{word}]"


def _synopsis(page: _Page, parser: argparse.ArgumentParser) -> None:
    page.request("SH", "SYNOPSIS")
    exclusive = [
        " | ".join(_usage_word(action).strip("[]") for action in group._group_actions)
        for group in parser._mutually_exclusive_groups
    ]
    grouped = {
        id(action) for group in parser._mutually_exclusive_groups for action in group._group_actions
    }
    window = [
        _usage_word(action)
        for action in _options_of(parser)
        if id(action) not in grouped and action.dest != "version"
    ]
    store = " ".join(f"[{words}]" for words in exclusive)
    page.text(" ".join([_bold(PROG), store, *window]), raw=True)
    page.request("br")
    page.text(f"{_bold(PROG)} {store} {_italic('COMMAND')} [{_italic('ARGUMENTS')}]", raw=True)
    page.request("br")
    page.text(f"{_bold(PROG)} {_bold('--help')} | {_bold('--version')}", raw=True)


def _option_term(action: argparse.Action) -> str:
    names = ", ".join(_bold(name) for name in action.option_strings) or _italic(_metavar(action))
    if action.option_strings and _takes_value(action):
        names += f" {_italic(_metavar(action))}"
    return names


def _help_of(action: argparse.Action, prog: str) -> str:
    """The action's help as ``--help`` prints it; for one without help, what it takes."""
    text = action.help or ""
    if "%(" in text:
        params = dict(vars(action), prog=prog)
        text = text % params
    if not text and action.choices is not None:
        text = "one of " + ", ".join(str(choice) for choice in action.choices)
    if not text and (action.required or not action.option_strings):
        text = "required"
    return text


def _options(page: _Page, parser: argparse.ArgumentParser) -> None:
    for action in [_help_action(parser), *_options_of(parser)]:
        page.term(_option_term(action), _help_of(action, parser.prog))


def _help_action(parser: argparse.ArgumentParser) -> argparse.Action:
    return next(action for action in parser._actions if isinstance(action, argparse._HelpAction))


def _command(
    page: _Page, words: list[str], help_text: str, parser: argparse.ArgumentParser
) -> None:
    """``words`` (``["session", "start"]``) as a subsection: its synopsis, what it does,
    its options, then its own actions, each a subsection of its own."""
    actions = list(_commands(parser))
    usage = [_bold(PROG), *(_bold(word) for word in words)]
    usage += [_usage_word(action) for action in _options_of(parser)]
    if actions:
        usage.append(_italic("ACTION"))
    page.request("SS", " ".join([PROG, *words]))
    page.text(" ".join(usage), raw=True)
    page.paragraph(_sentence(help_text))
    if parser.description:
        page.paragraph(parser.description)
    options = _options_of(parser)
    if options:
        page.request("RS")
        for action in options:
            page.term(_option_term(action), _help_of(action, parser.prog))
        page.request("RE")
    for name, action_help, action_parser in actions:
        _command(page, [*words, name], action_help, action_parser)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _environment(page: _Page) -> None:
    page.request("SH", "ENVIRONMENT")
    for name, text in _ENVIRONMENT:
        page.term(_bold(name), text)


def _files(page: _Page) -> None:
    page.request("SH", "FILES")
    for path, text in _FILES:
        page.term(_italic(path), text)
    page.paragraph(
        "The folders are the XDG ones: $XDG_DATA_HOME, $XDG_CONFIG_HOME and $XDG_STATE_HOME "
        "replace ~/.local/share, ~/.config and ~/.local/state when set."
    )


def _exit_status(page: _Page) -> None:
    page.request("SH", "EXIT STATUS")
    codes = sorted({*(int(code) for code in Exit), *EXIT_MEANINGS})
    for code in codes:
        page.term(_bold(str(code)), EXIT_MEANINGS[code])
    page.paragraph("Every error is one line on standard error, starting with collab-console:.")


def main(argv: list[str] | None = None) -> int:
    """``python -m collab_console.cli.manpage [-o FILE]``: write the page (default: stdout)."""
    cli = argparse.ArgumentParser(
        prog="python -m collab_console.cli.manpage",
        description=f"Write the {PROG}({SECTION}) man page, made from the argument parser.",
    )
    cli.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    args = cli.parse_args(argv)
    try:
        page = render()
    except ValueError as exc:
        print(f"manpage: {exc}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(page)
        return 0
    try:
        with open(args.output, "w", encoding="ascii") as out:
            out.write(page)
    except OSError as exc:
        print(f"manpage: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
