"""Arguments of ``collab-console``: the GUI options and the admin commands.

Every command's own options are added only when that command is parsed (see
:class:`_Parser`): ``settings show`` builds its two options, not those of
every command (``tests/benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from collab_console import __version__
from collab_console.core.i18n import LANGUAGES, N_, _, isolate, ngettext
from collab_console.store.location import DATA_DIR_ENV, DB_ENV

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.core.settings import SettingSpec

WHAT_CHOICES = ("id", "url", "both")
#: The console's looks (``gui.appearance.Theme``, which a test keeps equal to this).
THEME_CHOICES = ("system", "light", "dark")
#: What a DSN looks like, in the help of ``--db`` and ``db use``.
DSN_EXAMPLE = "postgresql://HOST/DATABASE"


def _between(minimum: int, maximum: int) -> str:
    """Why a number given on the command line is refused."""
    return _("must be between {minimum} and {maximum}").format(minimum=minimum, maximum=maximum)


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100_000:
        raise argparse.ArgumentTypeError(_between(0, 100_000))
    return value


class _Parser(argparse.ArgumentParser):
    """argparse's parser with a help formatter sized without :mod:`shutil`, built on demand.

    argparse builds a formatter for every argument added, and its own imports
    shutil (and with it bz2 and lzma) to size it: a few ms of every command.
    Sub-parsers are of the same class, so they share it.

    ``build``, when given, adds the parser's arguments the first time it
    parses or prints help: a command's sub-parser is filled only when that
    command is on the command line.
    """

    def __init__(self, *, build: Callable[[_Parser], None] | None = None, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._build = build

    def _ready(self) -> None:
        build, self._build = self._build, None
        if build is not None:
            build(self)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        self._ready()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._ready()
        return super().format_help()

    def format_usage(self) -> str:
        self._ready()
        return super().format_usage()


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


#: argparse's own texts that a user meets, marked for the catalogue: argparse looks them up
#: through its module's ``_`` and ``ngettext``, which :func:`translate_argparse` points at ours.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("%(prog)s: error: %(message)s\n"),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("expected at most one argument"),
)


def translate_argparse() -> None:
    """Make argparse's own texts ("usage:", "error:") follow the console's language.

    argparse calls its module's ``_`` and ``ngettext`` (``gettext``'s, bound at its
    import) each time it writes one; ours read the catalogue :func:`use_language`
    installed, where :data:`ARGPARSE_TEXTS` are translated.
    """
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def lang_option(argv: list[str]) -> str | None:
    """The ``--lang`` on a command line, read before it is parsed, so that argparse's
    own messages about the rest of it are already in that language; None if not there."""
    for index, word in enumerate(argv):
        if word == "--":
            break
        value = argv[index + 1] if word == "--lang" and index + 1 < len(argv) else None
        if word.startswith("--lang="):
            value = word.removeprefix("--lang=")
        if value in LANGUAGES:
            return value
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="collab-console",
        description=_(
            "Agent console for live collaboration sessions. "
            "Without a command it opens the console window."
        ),
    )
    # argparse's own help of --version is not looked up in a catalogue: give it, translated.
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),
    )
    store = parser.add_mutually_exclusive_group()
    store.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_(
            "folder of the embedded store (default: {variable}, else the user data folder)"
        ).format(variable=isolate(f"${DATA_DIR_ENV}")),
    )
    store.add_argument(
        "--db",
        metavar="DSN",
        help=_(
            "the organisation's PostgreSQL database, like {example} "
            "(default: {variable}, else the one chosen with 'db use'; never with a password: "
            "see 'db login')"
        ).format(example=isolate(DSN_EXAMPLE), variable=isolate(f"${DB_ENV}")),
    )
    gui = parser.add_argument_group(_("console window"))
    gui.add_argument(
        "--demo",
        action="store_true",
        help=_("when there is no store yet, create one with deterministic demo data"),
    )
    gui.add_argument(
        "--demo-participants",
        type=_count,
        default=0,
        metavar="N",
        help=_("with --demo: also add an active session with N document participants"),
    )
    gui.add_argument(
        "--theme",
        choices=THEME_CHOICES,
        help=_(
            "the console's look for this run: system (the desktop's light or dark setting), "
            "light or dark; overrides the choice in Preferences > Appearance"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_(
            "the language of this run's texts: en (English) or he (Hebrew); "
            "overrides the choice in Preferences and the desktop's locale"
        ),
    )
    gui.add_argument(
        "--quit-when-ready",
        action="store_true",
        help=_("exit 0 once the console window has been painted (for benchmarks and smoke tests)"),
    )
    # prog given, so argparse needs no help formatter (and no shutil) until help is asked for.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog=parser.prog)

    commands.add_parser(
        "settings", help=_("show or change the copy and invitation settings"), build=_settings
    )
    commands.add_parser(
        "copy",
        help=_("copy a session detail to the clipboard, as the console's copy card would"),
        build=_copy,
    )
    commands.add_parser(
        "admin",
        help=_("set up the first admin, add or remove admins, change a passphrase"),
        build=_admin,
    )
    commands.add_parser(
        "session",
        help=_("start, list, end or share sessions; add participants, resend invitations"),
        build=_session,
    )
    commands.add_parser(
        "invitations",
        help=_("send the queued invitations, or list where each person's invitation stands"),
        build=_invitations,
    )
    commands.add_parser(
        "secrets",
        help=_("keep the SMTP password and the SMS gateway token in the system keyring"),
        build=_secrets,
    )
    commands.add_parser(
        "audit",
        help=_("export the audit trail, or check that it was not altered"),
        build=_audit,
    )
    commands.add_parser(
        "serve", help=_("run the join service that Session URLs open"), build=_serve
    )
    commands.add_parser(
        "links",
        help=_("list a session's Session URLs, revoke one, or regenerate a person's"),
        build=_links,
    )
    commands.add_parser(
        "db",
        help=_("organisation mode: choose the database, log in, set it up, add its users"),
        build=_db,
    )
    commands.add_parser(
        "team",
        help=_("organisation mode: teams, their members and their overrides of the settings"),
        build=_team,
    )
    return parser


def _actions(parser: _Parser, dest: str) -> argparse._SubParsersAction[_Parser]:
    # prog given, so argparse needs no help formatter (and no shutil) until help is asked for.
    actions = parser.add_subparsers(dest=dest, metavar="ACTION", prog=parser.prog)
    actions.required = True
    return actions


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def _settings(parser: _Parser) -> None:
    actions = _actions(parser, "settings_command")
    show = actions.add_parser("show", help=_("print the settings and acknowledgement"))
    _json_flag(show)
    actions.add_parser(
        "set",
        help=_("change settings (needs an admin's name and passphrase)"),
        description=_(
            "Change the settings as an admin. Turning on the Session URL copy "
            "needs --acknowledge-security-warning. An empty value ('') clears a text setting "
            "that may be empty (the SMTP server, the SMS gateway URL: invitations then go to "
            "the outbox folder). Exit 6 when the admin's name or passphrase is wrong, or no "
            "admin is set up yet (collab-console admin init). On the organisation database "
            "nothing is asked: the database login must be a member of collab_admin (else exit 6)."
        ),
        build=_settings_set,
    )


def _settings_set(parser: _Parser) -> None:
    from collab_console.core.settings import SETTING_SPECS

    for spec in SETTING_SPECS:
        parser.add_argument(
            f"--{spec.cli_name}",
            dest=spec.key,
            metavar=_metavar(spec),
            choices=[stored for stored, _shown in spec.choices] or None,
            help=_setting_help(spec),
        )
    _acknowledge_flag(parser)
    _acting_admin(parser, _("one line: the admin's passphrase"))


def _metavar(spec: SettingSpec) -> str:
    """What an option of ``settings set`` takes: on|off, N, the choices, URL, or the
    last word of its name (``--smtp-host HOST``)."""
    from collab_console.core.settings import SettingKind

    if spec.kind is SettingKind.BOOL:
        return "on|off"
    if spec.kind is SettingKind.INT:
        return "N"
    if spec.choices:
        return "|".join(stored for stored, _shown in spec.choices)
    words = spec.cli_name.split("-")
    return "URL" if "url" in words else words[-1].upper()


def _setting_help(spec: SettingSpec) -> str:
    """The option's help: the label, its range or what each choice means, and whether
    an empty value clears it."""
    label = _(spec.label)
    if spec.minimum is not None and spec.maximum is not None:
        label = _("{setting} ({minimum} to {maximum})").format(
            setting=label, minimum=spec.minimum, maximum=spec.maximum
        )
    if spec.choices:
        meanings = "; ".join(f"{stored}: {_(shown)}" for stored, shown in spec.choices)
        return _("{setting}: {choices}").format(setting=label, choices=meanings)
    if spec.default == "":
        return _("{setting} ('' clears it)").format(setting=label)
    return label


def _acknowledge_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--acknowledge-security-warning",
        action="store_true",
        help=_("accept the security warning of a sensitive setting turned on (Copy Session URL)"),
    )


def _acting_admin(parser: _Parser, stdin_lines: str) -> None:
    parser.add_argument(
        "--admin",
        metavar="NAME",
        help=_("the admin acting (asked for at a terminal if left out)"),
    )
    _passphrase_stdin(parser, stdin_lines)


def _passphrase_stdin(parser: _Parser, stdin_lines: str) -> None:
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help=_("read passphrases from standard input instead of a prompt ({lines})").format(
            lines=stdin_lines
        ),
    )


def _participant_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--participant", metavar="NAME", help=help_text)


def _copy(parser: _Parser) -> None:
    parser.add_argument("session_id", metavar="SESSION_ID")
    parser.add_argument("--what", choices=WHAT_CHOICES, required=True)
    _participant_option(parser, _("a document participant (default: the customer)"))
    parser.add_argument(
        "--reason",
        metavar="TEXT",
        help=_(
            "why the Session URL is copied for someone whose invitation did not fail "
            "(needed then; kept in the audit trail)"
        ),
    )


def _admin(parser: _Parser) -> None:
    actions = _actions(parser, "admin_command")
    init = actions.add_parser(
        "init", help=_("set up the first admin of this store (no admin needed)")
    )
    init.add_argument("--name", required=True, metavar="NAME", help=_("the new admin's name"))
    _passphrase_stdin(init, _("one line: the new admin's passphrase"))
    add = actions.add_parser("add", help=_("add another admin"))
    add.add_argument("--name", required=True, metavar="NAME", help=_("the new admin's name"))
    _acting_admin(add, _("two lines: your passphrase, then the new admin's"))
    remove = actions.add_parser("remove", help=_("remove an admin (never the last one)"))
    remove.add_argument("--name", required=True, metavar="NAME", help=_("the admin to remove"))
    _acting_admin(remove, _("one line: your passphrase"))
    passwd = actions.add_parser("passwd", help=_("change your own passphrase"))
    _acting_admin(passwd, _("two lines: your passphrase, then the new one"))


def _session(parser: _Parser) -> None:
    actions = _actions(parser, "session_command")
    start = actions.add_parser(
        "start",
        help=_("start a session, invite the customer and print the Session ID"),
        description=_(
            "Start a session and print its Session ID (alone, for scripts). The "
            "customer's invitation is queued with it and sent at once unless --queue-only; "
            "one that could not go out is a warning on stderr (collab-console invitations list "
            "shows it too)."
        ),
    )
    start.add_argument("--customer", required=True, metavar="NAME", help=_("the customer's name"))
    start.add_argument(
        "--contact",
        required=True,
        metavar="PHONE_OR_EMAIL",
        help=_("where the invitation goes"),
    )
    _queue_only(start)
    listing = actions.add_parser("list", help=_("list the sessions, active ones first"))
    _json_flag(listing)
    end = actions.add_parser("end", help=_("end an active session"))
    end.add_argument("session_id", metavar="SESSION_ID")
    add = actions.add_parser(
        "add-participant",
        help=_("add a document participant to an active session and invite them"),
        description=_(
            "Add NAME to the session and print their own ID. With --contact their "
            "invitation is queued and, unless --queue-only, sent at once; the command prints "
            "where it stands (queued, sent, or failed and why). Without --contact nobody is "
            "invited."
        ),
    )
    add.add_argument("session_id", metavar="SESSION_ID")
    add.add_argument("--name", required=True, metavar="NAME", help=_("the participant's name"))
    add.add_argument(
        "--contact",
        metavar="PHONE_OR_EMAIL",
        help=_(
            "where their invitation goes: a phone number with its country code, "
            "or an e-mail address (without it, nobody is invited)"
        ),
    )
    _queue_only(add)
    invite = actions.add_parser(
        "invite",
        help=_("resend a person's invitation (exit 3 and the wait when sent moments ago)"),
        description=_(
            "Queue a new invitation for the customer, or for --participant NAME, "
            "with a new link, and send it at once unless --queue-only. One per person per "
            "interval an admin sets (settings set --resend-interval-seconds): sooner is "
            "refused with exit 3 and how many seconds to wait."
        ),
    )
    invite.add_argument("session_id", metavar="SESSION_ID")
    _participant_option(invite, _("a document participant (default: the customer)"))
    _queue_only(invite)
    share = actions.add_parser(
        "share",
        help=_("organisation mode: let a supervisor or co-agent see and work on a session"),
        description=_(
            "Give the database login LOGIN (an agent or admin) access to the session. "
            "Only the session's agent or an admin may; the server decides (else exit 6)."
        ),
    )
    share.add_argument("session_id", metavar="SESSION_ID")
    share.add_argument(
        "login",
        metavar="LOGIN",
        help=_("their database login, like {example}").format(example=isolate("agent.bob")),
    )
    share.add_argument(
        "--as",
        dest="share_as",
        choices=("supervisor", "co-agent"),
        default="supervisor",
        help=_("what they are to the session (default: supervisor)"),
    )
    unshare = actions.add_parser(
        "unshare", help=_("organisation mode: take a login's access to a session away")
    )
    unshare.add_argument("session_id", metavar="SESSION_ID")
    unshare.add_argument("login", metavar="LOGIN")


def _queue_only(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--queue-only",
        action="store_true",
        help=_("only queue the invitation; an open console or 'invitations send' sends it"),
    )


def _invitations(parser: _Parser) -> None:
    actions = _actions(parser, "invitations_command")
    actions.add_parser(
        "send",
        help=_("send the invitations that are due, once (for a cron job or a headless machine)"),
        description=_(
            "Send every queued invitation that is due (new ones, resends, retries "
            "whose wait is over) and ask the SMS gateway for delivery reports, once; print "
            "how many were sent, delivered, failed or will be retried. Exit 0 whatever the "
            "deliveries did; 1 when the store cannot be used. E-mail goes through the SMTP "
            "server of the settings, SMS through the gateway; without them, into the outbox "
            "folder of the data folder."
        ),
    )
    listing = actions.add_parser(
        "list", help=_("each person of a session and where their invitation stands")
    )
    listing.add_argument("session_id", metavar="SESSION_ID")
    _json_flag(listing)


def _secrets(parser: _Parser) -> None:
    from collab_console.cli.secret_commands import SECRETS

    parser.description = _(
        "The SMTP password and the SMS gateway token are kept in the system keyring "
        "(GNOME Keyring, KWallet), never in the store, a file or an argument. 'set' asks "
        "for the value at a prompt that does not echo it, or reads one line of standard "
        "input when it is not a terminal."
    )
    names = tuple(SECRETS)
    # The purposes are the secret commands' texts, marked there.
    described = "; ".join(f"{name}: {_(what)}" for name, what in SECRETS.items())
    actions = _actions(parser, "secrets_command")
    set_ = actions.add_parser("set", help=_("store a secret (asked for, never an argument)"))
    set_.add_argument("name", metavar="NAME", choices=names, help=described)
    delete = actions.add_parser("delete", help=_("delete a stored secret"))
    delete.add_argument("name", metavar="NAME", choices=names, help=described)
    actions.add_parser("status", help=_("which secrets are stored (never their values)"))


def _links(parser: _Parser) -> None:
    actions = _actions(parser, "links_command")
    listing = actions.add_parser(
        "list", help=_("every link of a session: who made it, when, for whom, expiry, state")
    )
    listing.add_argument("session_id", metavar="SESSION_ID")
    _json_flag(listing)
    revoke = actions.add_parser("revoke", help=_("stop one link at once"))
    revoke.add_argument(
        "link_id",
        metavar="LINK_ID",
        help=_("the link's name, like {example}").format(example=isolate("L-7QKM92HX")),
    )
    regenerate = actions.add_parser(
        "regenerate",
        help=_("stop every link of a person and send them a new invitation"),
    )
    regenerate.add_argument("session_id", metavar="SESSION_ID")
    _participant_option(regenerate, _("whose links (default: the customer's)"))
    _queue_only(regenerate)


def _audit(parser: _Parser) -> None:
    actions = _actions(parser, "audit_command")
    export = actions.add_parser(
        "export",
        help=_("write the audit trail as CSV or JSON lines, oldest first"),
        description=_(
            "Write the audit trail, oldest entry first. Dates are UTC: {date} "
            "or {date_time} (or with an offset, {offset}); --until DATE includes that day."
        ).format(
            date=isolate("2026-03-02"),
            date_time=isolate("2026-03-02T09:30"),
            offset=isolate("+02:00"),
        ),
    )
    export.add_argument("--format", required=True, choices=("csv", "jsonl"))
    export.add_argument("--since", metavar="DATE", help=_("only entries from DATE on"))
    export.add_argument("--until", metavar="DATE", help=_("only entries up to DATE"))
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write to FILE (readable by you only), not stdout"),
    )
    actions.add_parser(
        "verify",
        help=_("check every entry against the chain of hashes (exit 7 when one was altered)"),
    )


def _serve(parser: _Parser) -> None:
    def port(text: str) -> int:
        value = int(text)
        if not 1 <= value <= 65535:
            raise argparse.ArgumentTypeError(_between(1, 65535))
        return value

    parser.description = _(
        "Run the join service that Session URLs point at, on the store of --data-dir. "
        "It speaks plain HTTP: on a loopback address for a local demo, anywhere else only "
        "behind a TLS reverse proxy (--proxy-headers). With --demo (before serve) a store "
        "nobody has used yet gets the demo data first."
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("the address to listen on (default: {address})").format(
            address=isolate("127.0.0.1")
        ),
    )
    parser.add_argument(
        "--port",
        type=port,
        default=8765,
        help=_("the port to listen on (default: {port})").format(port=8765),
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help=_(
            "behind a TLS reverse proxy: believe its X-Forwarded-For and X-Forwarded-Proto "
            "(needed to listen on an address that is not loopback)"
        ),
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help=_(
            "with --proxy-headers: an address (or network) of the proxy whose headers are "
            "believed; repeat for several (default: {first} and {second})"
        ).format(first=isolate("127.0.0.1"), second=isolate("::1")),
    )


def _db(parser: _Parser) -> None:
    parser.description = _(
        "Organisation mode: every console of the organisation opens one PostgreSQL database, "
        "whose roles decide who is an agent, an admin or an auditor. The database is --db, "
        "else {variable}, else the one chosen with 'db use'. Passwords are typed at a prompt "
        "(or given with --password-stdin) and kept in the system keyring, never in a file, "
        "an argument or the environment."
    ).format(variable=isolate(f"${DB_ENV}"))
    actions = _actions(parser, "db_command")
    use = actions.add_parser(
        "use",
        help=_("remember the organisation database for your next runs, or go back to embedded"),
    )
    which = use.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "dsn",
        nargs="?",
        metavar="DSN",
        help=_("like {example}").format(example=isolate(DSN_EXAMPLE)),
    )
    which.add_argument(
        "--embedded", action="store_true", help=_("forget it: use the embedded store again")
    )
    login = actions.add_parser(
        "login", help=_("check your database password and keep it in the system keyring")
    )
    _db_user(login, _("log in as NAME instead of the DSN's user"))
    _password_stdin(login, _("one line: your database password"))
    logout = actions.add_parser("logout", help=_("delete your stored database password"))
    _db_user(logout, _("the password of NAME instead of the DSN's user"))
    actions.add_parser(
        "init-org",
        help=_("create or update the organisation schema and its group roles (database owner)"),
        description=_(
            "Create the schema, the group roles collab_admin, collab_agent, "
            "collab_auditor and collab_join, and their rules; on a database already set up, "
            "apply what is new or do nothing. Run by the database's owner (the DSN's user)."
        ),
    )
    add_user = actions.add_parser(
        "add-user",
        help=_("create a login role for a person or the join service (database owner)"),
        description=_(
            "Create the login role NAME in the group of --role, with a password "
            "typed twice at a prompt (or one line of standard input with --password-stdin)."
        ),
    )
    add_user.add_argument(
        "name",
        metavar="NAME",
        help=_("the new login, like {example}").format(example=isolate("ana.silva")),
    )
    from collab_console.store.pg_schema import GROUP_ROLES

    add_user.add_argument(
        "--role",
        required=True,
        choices=tuple(GROUP_ROLES),
        help=_(
            "agent: their own sessions; admin: the policy and every session; "
            "auditor: reads the audit trail only; join: the join service"
        ),
    )
    _password_stdin(add_user, _("one line: the new user's password"))
    actions.add_parser(
        "status",
        help=_("which store is used; for the database: who you are, your roles, schema"),
    )


def _db_user(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--user", metavar="NAME", help=help_text)


def _password_stdin(parser: argparse.ArgumentParser, stdin_lines: str) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the password from standard input instead of a prompt ({lines})").format(
            lines=stdin_lines
        ),
    )


def _team(parser: _Parser) -> None:
    from collab_console.core.settings import SETTING_SPECS

    parser.description = _(
        "Organisation mode only. A team is a named group of database logins (one team per "
        "login) whose overrides of the copy settings win over the organisation's for its "
        "members. Every action needs a member of collab_admin (else exit 6); each change is "
        "in the audit trail under the admin's login."
    )
    actions = _actions(parser, "team_command")
    listing = actions.add_parser("list", help=_("every team, its members and its overrides"))
    _json_flag(listing)
    names = tuple(spec.cli_name for spec in SETTING_SPECS)
    one_of = _("one of {names}").format(names=", ".join(names))
    set_ = actions.add_parser(
        "set",
        help=_("override a setting for a team (the team is made if new)"),
        description=_(
            "Override SETTING for TEAM's members with VALUE, read as settings set "
            "reads its option of that name. Turning on Copy Session URL for a team needs "
            "--acknowledge-security-warning, even when the organisation's value is acknowledged."
        ),
    )
    set_.add_argument("team", metavar="TEAM", help=_("the team's name, like Night"))
    set_.add_argument("setting", metavar="SETTING", choices=names, help=one_of)
    set_.add_argument(
        "value", metavar="VALUE", help=_("on|off, a number, a URL, or text ('' clears it)")
    )
    _acknowledge_flag(set_)
    clear = actions.add_parser(
        "clear",
        help=_("drop a team's override: the organisation's value applies to it again"),
    )
    clear.add_argument("team", metavar="TEAM")
    clear.add_argument("setting", metavar="SETTING", choices=names, help=one_of)
    add_member = actions.add_parser(
        "add-member", help=_("put a login in a team (made if new), out of any other")
    )
    add_member.add_argument("team", metavar="TEAM")
    add_member.add_argument(
        "login",
        metavar="LOGIN",
        help=_("a database login, like {example}").format(example=isolate("agent.amy")),
    )
    remove_member = actions.add_parser(
        "remove-member",
        help=_("take a login out of its team: the organisation's settings apply"),
    )
    remove_member.add_argument("login", metavar="LOGIN")
