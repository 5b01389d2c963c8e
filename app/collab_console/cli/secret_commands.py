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
from collab_console.core.logs import log_event
from collab_console.core.records import Record
from collab_console.invitations.sender import SMS_TOKEN, SMTP_PASSWORD


class KnownSecret(Record):
    """A secret the app reads: what messages call it, and what it is for."""

    label: str
    purpose: str


#: The secrets the invitations sender reads, by the names it reads them under.
KNOWN_SECRETS = {
    SMTP_PASSWORD: KnownSecret(
        "SMTP password", "the password of the SMTP user name (settings set --smtp-username)"
    ),
    SMS_TOKEN: KnownSecret(
        "SMS gateway token", "the bearer token of the SMS gateway (settings set --sms-gateway-url)"
    ),
}
#: What ``secrets --help`` says of each name.
SECRETS = {name: known.purpose for name, known in KNOWN_SECRETS.items()}


def secrets(args: argparse.Namespace) -> int:
    return {"set": secrets_set, "delete": secrets_delete, "status": secrets_status}[
        args.secrets_command
    ](args)


def secrets_set(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import check_backend, set_secret

    name, label = args.name, KNOWN_SECRETS[args.name].label
    keyring = check_backend()  # before the value is typed: it could not be kept
    # Not a terminal: one line of standard input, as a script pipes it (never an argument).
    source = SecretSource(
        from_stdin=not stdin_is_terminal(), lines=f"the {label}", what="secret", option="stdin"
    )
    value = source.new_secret(f"{label}: ")
    if not value:
        raise ValidationError(
            f"an empty {label} is not kept; nothing was stored "
            f"(collab-console secrets delete {name} forgets the stored one)"
        )
    set_secret(name, value)
    log_event("secret %s stored in %s", name, keyring)
    write_out(f"The {label} is kept in {keyring}.")
    return Exit.OK


def secrets_delete(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import delete_secret, get_secret

    name, label = args.name, KNOWN_SECRETS[args.name].label
    if get_secret(name) is None:
        write_out(f"No {label} is stored.")
        return Exit.OK
    delete_secret(name)
    log_event("secret %s deleted", name)
    write_out(f"The {label} was deleted from the keyring.")
    return Exit.OK


def secrets_status(args: argparse.Namespace) -> int:
    from collab_console.core.secrets import check_backend, get_secret

    keyring = check_backend()
    rows = [
        (name, "stored" if get_secret(name) is not None else "not stored", known.purpose)
        for name, known in KNOWN_SECRETS.items()
    ]
    write_out(f"Keyring: {keyring}\n{aligned(rows)}")
    return Exit.OK
