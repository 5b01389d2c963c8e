"""``collab-console secrets``: the SMTP password and the SMS gateway token, in the system keyring.

A secret is typed at a prompt that does not echo it (twice, so a typo is not
kept) when standard input is a terminal, else read as one line of standard
input (``printf '%s\\n' "$TOKEN" | collab-console secrets set sms-token``);
never from an argument or the environment, which other processes can read.
It goes to :mod:`collab_console.core.secrets`, which refuses any keyring that
does not encrypt at rest: that refusal is one line and exit 1, said before
anything is typed. ``secrets status`` says which secrets are stored, never
what they are. The invitations sender reads them by these names.
Imported only when ``secrets`` runs.
"""

from __future__ import annotations

import argparse

from collab_console.cli.commands import Exit
from collab_console.cli.output import aligned, write_out
from collab_console.cli.prompts import SecretSource, stdin_is_terminal
from collab_console.core.errors import ValidationError
from collab_console.core.i18n import N_, _
from collab_console.core.logs import log_event
from collab_console.core.records import Record
from collab_console.invitations.sender import SMS_TOKEN, SMTP_PASSWORD


class KnownSecret(Record):
    """A secret the app reads: what messages call it, what it is for, and what the line on
    standard input must be (all marked with ``N_``: translated where shown)."""

    label: str
    purpose: str
    lines: str


#: The secrets the invitations sender reads, by the names it reads them under.
KNOWN_SECRETS = {
    SMTP_PASSWORD: KnownSecret(
        N_("SMTP password"),
        N_("the password of the SMTP user name (settings set --smtp-username)"),
        N_("the SMTP password"),
    ),
    SMS_TOKEN: KnownSecret(
        N_("SMS gateway token"),
        N_("the bearer token of the SMS gateway (settings set --sms-gateway-url)"),
        N_("the SMS gateway token"),
    ),
}
#: What ``secrets --help`` says of each name (English: the help translates it with ``_``).
SECRETS = {name: known.purpose for name, known in KNOWN_SECRETS.items()}


def secrets(args: argparse.Namespace) -> int:
    return {"set": secrets_set, "delete": secrets_delete, "status": secrets_status}[
        args.secrets_command
    ](args)


def secrets_set(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import check_backend, set_secret

    known = KNOWN_SECRETS[args.name]
    name, label = args.name, _(known.label)
    keyring = check_backend()  # before the value is typed: it could not be kept
    # Not a terminal: one line of standard input, as a script pipes it (never an argument).
    source = SecretSource(
        from_stdin=not stdin_is_terminal(),
        lines=known.lines,
        what="secret",
        option="stdin",
    )
    value = source.new_secret(f"{label}: ")
    if not value:
        raise ValidationError(
            _(
                "an empty {secret} is not kept; nothing was stored "
                "(collab-console secrets delete {name} forgets the stored one)"
            ).format(secret=label, name=name)
        )
    set_secret(name, value)
    log_event("secret %s stored in %s", name, keyring)
    write_out(_("The {secret} is kept in {keyring}.").format(secret=label, keyring=keyring))
    return Exit.OK


def secrets_delete(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import delete_secret, get_secret

    name, label = args.name, _(KNOWN_SECRETS[args.name].label)
    if get_secret(name) is None:
        write_out(_("No {secret} is stored.").format(secret=label))
        return Exit.OK
    delete_secret(name)
    log_event("secret %s deleted", name)
    write_out(_("The {secret} was deleted from the keyring.").format(secret=label))
    return Exit.OK


def secrets_status(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import check_backend, get_secret

    keyring = check_backend()
    rows = [
        (
            name,
            _("stored") if get_secret(name) is not None else _("not stored"),
            _(known.purpose),
        )
        for name, known in KNOWN_SECRETS.items()
    ]
    write_out(_("Keyring: {keyring}").format(keyring=keyring) + "\n" + aligned(rows))
    return Exit.OK
