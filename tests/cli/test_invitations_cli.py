"""Invitations from a shell: the delivery settings, ``session add-participant``, ``session
invite``, ``invitations send|list``, and the reason a Session URL copy now needs.

Every command runs as the real ``collab-console`` in a subprocess on a real SQLite
store. E-mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd) or, with no SMTP
server set, into the outbox folder of the data folder; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from collab_console.core.admins import change_settings
from collab_console.core.audit import AuditQuery, read_jsonl
from collab_console.core.delivery import DeliveryState
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_ENDED_ID, DEMO_URL_BASE
from collab_console.store import Store, open_store
from collab_console.store.location import DATA_DIR_ENV
from tests.cli.conftest import SENTINEL, read_clipboard, run_collab_console
from tests.store.admins import become_admin, passphrase_for

PREFIX = "collab-console: "
ANA = "admin.ana"
LOCALHOST = "127.0.0.1"
#: A participant the tests add, and their address as the audit and the CLI show it.
JANE, JANE_MAIL, JANE_MASKED = "Jane Roe", "jane.roe@example.com", "j••••@example.com"
OWN_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
#: The demo's failed SMS and bounced e-mail (core/demo.py).
SMS_BLOCKED = "the SMS gateway answered HTTP 403 Forbidden: the carrier blocked the message"
BOUNCED = "the mail server smtp.example.com:587 refused it: 550 5.1.1 mailbox unavailable"
OUTBOX = "outbox"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(data_dir: Path) -> Run:
    """``collab-console ARGS`` on ``data_dir``, ``stdin`` its standard input (no terminal)."""

    def run(
        *args: str, stdin: str | bytes = b"", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, DATA_DIR_ENV: str(data_dir), **(env or {})}
        return run_collab_console(args, stdin=stdin, env=full_env)

    return run


def ok(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines a command that worked printed (and it said nothing on stderr)."""
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def one_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The one ``collab-console: ...`` line of a refused command (and nothing on stdout)."""
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(PREFIX)
    return lines[0].removeprefix(PREFIX)


def admin_sets(store: Store, **values: Any) -> None:
    """An admin changes settings in ``store``, as ``settings set`` does."""
    change_settings(
        store, store.load_settings(), become_admin(store, ANA), now=datetime.now(UTC), **values
    )


def reread(data_dir: Path) -> Store:
    return open_store(data_dir, readonly=True)


def outbox_files(data_dir: Path) -> list[Path]:
    folder = data_dir / OUTBOX
    return sorted(folder.iterdir()) if folder.is_dir() else []


# -- a real SMTP server ------------------------------------------------------------------------


@dataclass
class MailServer:
    """An aiosmtpd handler that keeps what it accepts; ``refuse`` answers every RCPT with it."""

    port: int = 0
    received: list[Envelope] = field(default_factory=list)
    refuse: str = ""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 2.0.0 queued"


@pytest.fixture
def mail_server(demo_store: Store) -> Iterator[MailServer]:
    """A real SMTP server on 127.0.0.1 and the demo store's settings pointing at it
    (no TLS: a relay on this machine)."""
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        port = probe.getsockname()[1]
    handler = MailServer(port=port)
    controller = Controller(handler, hostname=LOCALHOST, port=port)
    controller.start()
    admin_sets(
        demo_store,
        smtp_host=LOCALHOST,
        smtp_port=port,
        smtp_security="none",
        smtp_sender="invites@example.com",
    )
    yield handler
    controller.stop()


# -- settings ------------------------------------------------------------------------------------


def settings_set(cli: Run, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(
        "settings", "set", *args, "--admin", ANA, "--passphrase-stdin",
        stdin=passphrase_for(ANA) + "\n",
    )  # fmt: skip


def shown_rows(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines()[1:-1]:
        label, value = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        rows[label] = value
    return rows


def test_settings_set_takes_the_delivery_settings_and_show_prints_them(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    become_admin(demo_store, ANA)
    before = shown_rows("\n".join(ok(cli("settings", "show"))))
    assert before["SMTP server"] == "not set"
    assert before["SMS gateway URL"] == "not set"
    assert before["Connection security"] == "starttls"

    done = settings_set(
        cli,
        "--smtp-host", "SMTP.Example.com",
        "--smtp-port", "465",
        "--smtp-security", "tls",
        "--smtp-username", "invites",
        "--smtp-sender", "Invites@Example.COM",
        "--sms-gateway-url", "https://sms.example.com/api",
        "--resend-interval-seconds", "60",
    )  # fmt: skip

    lines = ok(done)
    assert lines[:-1] == [
        "SMTP server: not set -> smtp.example.com",
        "SMTP port: 587 -> 465",
        "Connection security: starttls -> tls",
        "SMTP user name: not set -> invites",
        "Sender address: not set -> Invites@example.com",
        "SMS gateway URL: not set -> https://sms.example.com/api/",
        "Resend an invite at most once per (seconds): 30 -> 60",
    ]
    assert lines[-1].startswith(f"Saved by {ANA} ")
    rows = shown_rows("\n".join(ok(cli("settings", "show"))))
    assert rows["SMTP server"] == "smtp.example.com"
    assert rows["Connection security"] == "tls"
    assert rows["SMS gateway URL"] == "https://sms.example.com/api/"
    data = json.loads("\n".join(ok(cli("settings", "show", "--json"))))
    assert {key: data[key] for key in ("smtp_host", "smtp_port", "smtp_security")} == {
        "smtp_host": "smtp.example.com",
        "smtp_port": 465,
        "smtp_security": "tls",
    }
    assert (data["smtp_username"], data["resend_interval_seconds"]) == ("invites", 60)


def test_an_empty_value_clears_a_text_setting(with_mail_settings: Store, cli: Run) -> None:
    lines = ok(settings_set(cli, "--smtp-host", "", "--sms-gateway-url", ""))

    assert lines[:2] == [
        "SMTP server: smtp.example.com -> not set",
        "SMS gateway URL: https://sms.example.com/ -> not set",
    ]
    data = json.loads("\n".join(ok(cli("settings", "show", "--json"))))
    assert (data["smtp_host"], data["sms_gateway_url"]) == ("", "")


@pytest.fixture
def with_mail_settings(demo_store: Store) -> Store:
    admin_sets(demo_store, smtp_host="smtp.example.com", sms_gateway_url="https://sms.example.com")
    return demo_store


def test_the_connection_security_offers_its_choices(demo_store: Store, cli: Run) -> None:
    helped = cli("settings", "set", "--help", env={"COLUMNS": "200"})
    assert helped.returncode == 0, helped.stderr
    assert "--smtp-security starttls|tls|none" in helped.stdout
    assert "starttls: STARTTLS; tls: TLS from the start; none: None" in helped.stdout
    assert "--smtp-host HOST" in helped.stdout
    assert "--sms-gateway-url URL" in helped.stdout

    refused = cli("settings", "set", "--smtp-security", "ssl", "--admin", ANA)
    assert refused.returncode == 2
    assert "invalid choice: 'ssl'" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--smtp-port", "0"), "--smtp-port: expected 1 to 65535 port, not 0"),
        (("--smtp-host", "smtp example.com"), "--smtp-host: 'smtp example.com' is not a host name"),
        (("--smtp-sender", "invites"), "--smtp-sender: 'invites' is not an e-mail address"),
        (("--sms-gateway-url", "http://sms.example.com/"), "--sms-gateway-url: "),
        (("--resend-interval-seconds", "3601"), "--resend-interval-seconds: expected 0 to 3600"),
    ],
)
def test_a_bad_delivery_setting_is_one_line_and_exit_2(
    demo_store: Store, cli: Run, data_dir: Path, args: tuple[str, ...], says: str
) -> None:
    become_admin(demo_store, ANA)
    before = demo_store.load_settings()

    assert one_error(settings_set(cli, *args), 2).startswith(says)
    assert reread(data_dir).load_settings() == before


# -- session add-participant ---------------------------------------------------------------------


def test_add_participant_sends_an_email_through_a_real_smtp_server(
    mail_server: MailServer, cli: Run, data_dir: Path
) -> None:
    done = cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE, "--contact", JANE_MAIL)

    first, second = ok(done)
    found = re.fullmatch(
        rf"Added {JANE} to session {DEMO_ACTIVE_ID} as a document participant; "
        r"their own ID is (\S+)\.",
        first,
    )
    assert found is not None, first
    own_id = found.group(1)
    assert OWN_ID.fullmatch(own_id)
    assert own_id != DEMO_ACTIVE_ID
    assert second == f"{JANE} ({JANE_MASKED}): E-mail invite sent."
    assert len(mail_server.received) == 1
    envelope = mail_server.received[0]
    assert envelope.rcpt_tos == [JANE_MAIL]
    message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert DEMO_URL_BASE in text, "the invitation carries a join link"
    assert outbox_files(data_dir) == [], "sent over SMTP, not written to the outbox"

    store = reread(data_dir)
    session = store.get_session(DEMO_ACTIVE_ID)
    jane = session.find(JANE)
    assert (jane.access_id, jane.contact) == (own_id, JANE_MAIL)
    delivery = session.delivery_of(jane)
    assert delivery is not None
    assert delivery.state is DeliveryState.SENT
    assert delivery.link_id, "the invitation's link is recorded"
    kinds = [e.kind for e in reversed(store.audit_log()) if e.session_id == DEMO_ACTIVE_ID]
    assert kinds[-4:] == ["participant_added", "invitation_queued", "link_made", "invitation_sent"]
    store.close()


def test_add_participant_without_a_contact_invites_nobody_and_says_so(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    first, second = ok(cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE))

    assert first.startswith(f"Added {JANE} to session {DEMO_ACTIVE_ID}")
    assert second == (
        "Nobody was invited: no contact was given. Give them the session's details another "
        f'way (collab-console copy {DEMO_ACTIVE_ID} --participant "{JANE}").'
    )
    store = reread(data_dir)
    session = store.get_session(DEMO_ACTIVE_ID)
    assert session.delivery_of(session.find(JANE)) is None
    assert outbox_files(data_dir) == []
    store.close()


@pytest.mark.parametrize(
    ("contact", "says"),
    [
        ("not a phone", "--contact: 'not a phone' is not a valid phone number"),
        ("020 7946 0958", "--contact: write the phone number with its country code, like "),
        ("jane@example", "--contact: 'jane@example' is not a valid e-mail address"),
        ("Jane <jane@example.com>", "--contact: 'Jane <jane@example.com>' is not a valid e-mail"),
        ("", "--contact: enter a phone number or an e-mail address"),
    ],
)
def test_a_bad_contact_is_exit_2_with_the_validators_sentence_and_adds_nobody(
    demo_store: Store, cli: Run, data_dir: Path, contact: str, says: str
) -> None:
    done = cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE, "--contact", contact)

    assert one_error(done, 2).startswith(says)
    store = reread(data_dir)
    assert JANE not in [p.name for p in store.get_session(DEMO_ACTIVE_ID).everyone]
    store.close()


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ((DEMO_ENDED_ID, "--name", JANE), 2, f"session {DEMO_ENDED_ID} has ended; nobody can"),
        (("ZZZZ-ZZZZ", "--name", JANE), 4, "no session ZZZZ-ZZZZ"),
        (("7QKI-92HX", "--name", JANE), 2, "'7QKI-92HX' is not a Session ID"),
        ((DEMO_ACTIVE_ID, "--name", "grace kim"), 2, ""),
        ((DEMO_ACTIVE_ID, "--name", "\u202eJane"), 2, "text-direction"),
    ],
)
def test_add_participant_refuses_what_it_cannot_do_in_one_line(
    demo_store: Store, cli: Run, args: tuple[str, ...], code: int, says: str
) -> None:
    assert says in one_error(cli("session", "add-participant", *args), code)


def test_queue_only_leaves_it_for_invitations_send_which_writes_the_outbox(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    added = ok(
        cli(
            "session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE, "--contact", JANE_MAIL,
            "--queue-only",
        )
    )  # fmt: skip
    assert added[1] == (
        f"{JANE} ({JANE_MASKED}): E-mail invite queued; an open console or "
        "collab-console invitations send sends it."
    )
    assert outbox_files(data_dir) == []

    assert ok(cli("invitations", "send")) == ["Sent 1, delivered 0, failed 0, to be retried 0."]
    files = outbox_files(data_dir)
    assert [path.suffix for path in files] == [".eml"]
    assert JANE_MAIL in files[0].read_text(encoding="utf-8")
    assert ok(cli("invitations", "send")) == ["Nothing to send: no invitation is due."]
    listed = json.loads("\n".join(ok(cli("invitations", "list", DEMO_ACTIVE_ID, "--json"))))
    jane = next(row for row in listed if row["name"] == JANE)
    assert (jane["invite"]["state"], jane["invite"]["recipient"]) == ("sent", JANE_MASKED)


def test_a_participant_added_without_an_smtp_server_is_written_to_the_outbox_and_told(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    lines = ok(
        cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE, "--contact", JANE_MAIL)
    )

    assert lines[1] == (
        f"{JANE} ({JANE_MASKED}): E-mail invite sent, into the outbox folder "
        f"{data_dir / OUTBOX} (no SMTP server is set: settings set --smtp-host)."
    )
    assert len(outbox_files(data_dir)) == 1


# -- session invite: a resend, rate limited ------------------------------------------------------


def test_a_resend_too_soon_is_exit_3_with_the_wait(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    first = ok(cli("session", "invite", DEMO_ACTIVE_ID))
    assert first == [
        "Dana Levi (+1 •••• ••00): SMS invite sent, into the outbox folder "
        f"{data_dir / OUTBOX} (no SMS gateway is set: settings set --sms-gateway-url)."
    ]

    refused = one_error(cli("session", "invite", DEMO_ACTIVE_ID), 3)
    found = re.fullmatch(
        r"refused: an invite was sent to Dana Levi moments ago: "
        r"wait (\d+) seconds? before resending",
        refused,
    )
    assert found is not None, refused
    assert 1 <= int(found.group(1)) <= 30, "the default interval is 30 s"
    assert len(outbox_files(data_dir)) == 1, "nothing more was sent"

    admin_sets(demo_store, resend_interval_seconds=0)
    again = ok(cli("session", "invite", DEMO_ACTIVE_ID, "--queue-only"))
    assert again == [
        "Dana Levi (+1 •••• ••00): SMS invite queued; an open console or "
        "collab-console invitations send sends it."
    ]
    queued = [
        (e.participant_id, e.new_value, e.contact)
        for e in demo_store.audit_entries(AuditQuery(limit=None, oldest_first=True))
        if e.kind == "invitation_queued"
    ]
    assert queued[-2:] == [(DEMO_ACTIVE_ID, "resend", "+1 •••• ••00")] * 2


def test_a_rejected_email_prints_the_servers_answer(
    mail_server: MailServer, cli: Run, data_dir: Path
) -> None:
    mail_server.refuse = "550 5.1.1 <grace.kim@example.org>: no such user"

    lines = ok(cli("session", "invite", DEMO_ACTIVE_ID, "--participant", "grace kim"))

    assert lines[0].startswith("Grace Kim (g••••@example.org): E-mail invite failed: ")
    assert "550" in lines[0]
    assert mail_server.received == []
    store = reread(data_dir)
    session = store.get_session(DEMO_ACTIVE_ID)
    delivery = session.delivery_of(session.find("Grace Kim"))
    assert delivery is not None
    assert (delivery.state, delivery.resend) == (DeliveryState.FAILED, True)
    store.close()


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ((DEMO_ACTIVE_ID, "--participant", "Nobody"), 4, ""),
        ((DEMO_ENDED_ID,), 2, f"session {DEMO_ENDED_ID} has ended; there is nobody to invite"),
        (("ZZZZ-ZZZZ",), 4, "no session ZZZZ-ZZZZ"),
    ],
)
def test_session_invite_refuses_what_it_cannot_do_in_one_line(
    demo_store: Store, cli: Run, data_dir: Path, args: tuple[str, ...], code: int, says: str
) -> None:
    assert says in one_error(cli("session", "invite", *args), code)
    assert outbox_files(data_dir) == []


def test_someone_without_a_contact_cannot_be_invited(demo_store: Store, cli: Run) -> None:
    ok(cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE))

    assert one_error(cli("session", "invite", DEMO_ACTIVE_ID, "--participant", JANE), 2) == (
        f"{JANE} has no phone number or e-mail address to send an invitation to"
    )


# -- where invitations stand: invitations list, session list --------------------------------------


def test_invitations_list_shows_each_persons_invitation_masked(demo_store: Store, cli: Run) -> None:
    lines = ok(cli("invitations", "list", DEMO_ACTIVE_ID))

    assert re.split(r"\s{2,}", lines[0]) == [
        "PERSON", "ROLE", "STATE", "CHANNEL", "TO", "TRIES", "UPDATED", "REASON",
    ]  # fmt: skip
    rows = {re.split(r"\s{2,}", line)[0]: re.split(r"\s{2,}", line.strip()) for line in lines[1:]}
    assert rows["Dana Levi"][1:6] == ["Customer", "failed", "SMS", "+1 •••• ••00", "1"]
    assert rows["Dana Levi"][-1] == SMS_BLOCKED
    assert rows["Omar Haddad"][2:5] == ["delivered", "SMS", "+44 •••• ••12"]
    assert rows["Grace Kim"][2:5] == ["failed", "e-mail", "g••••@example.org"]
    assert rows["Grace Kim"][-1] == BOUNCED
    assert rows["Luis Ortega"][2] == "sent"
    output = "\n".join(lines)
    for contact in ("+12025550100", "grace.kim@example.org", "+442079460912"):
        assert contact not in output

    data = json.loads("\n".join(ok(cli("invitations", "list", DEMO_ACTIVE_ID, "--json"))))
    assert [(row["name"], row["role"]) for row in data] == [
        ("Dana Levi", "customer"),
        ("Omar Haddad", "participant"),
        ("Grace Kim", "participant"),
        ("Luis Ortega", "participant"),
    ]
    dana = data[0]["invite"]
    assert (dana["state"], dana["channel"], dana["reason"]) == ("failed", "sms", SMS_BLOCKED)
    assert dana["recipient"] == "+1 •••• ••00"
    assert "grace.kim@example.org" not in json.dumps(data, ensure_ascii=False)


def test_a_person_never_invited_is_listed_as_not_invited(demo_store: Store, cli: Run) -> None:
    ok(cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE))

    lines = ok(cli("invitations", "list", DEMO_ACTIVE_ID))
    data = json.loads("\n".join(ok(cli("invitations", "list", DEMO_ACTIVE_ID, "--json"))))

    jane = re.split(r"\s{2,}", lines[-1].strip())
    assert jane[:3] == [JANE, "Document participant", "not invited"]
    assert data[-1] == {"name": JANE, "role": "participant", "invite": None}


def test_session_list_includes_the_customers_invitation(demo_store: Store, cli: Run) -> None:
    listed = json.loads("\n".join(ok(cli("session", "list", "--json"))))
    by_id = {row["session_id"]: row for row in listed}

    active = by_id[DEMO_ACTIVE_ID]["invite"]
    assert (active["state"], active["channel"], active["reason"]) == ("failed", "sms", SMS_BLOCKED)
    ended = by_id[DEMO_ENDED_ID]["invite"]
    assert (ended["state"], ended["channel"], ended["reason"]) == ("delivered", "email", "")
    table = {line.split()[0]: line for line in ok(cli("session", "list"))}
    assert "SMS invite failed" in table[DEMO_ACTIVE_ID]
    assert "E-mail invite delivered" in table[DEMO_ENDED_ID]


def test_session_start_sends_the_customers_invitation_and_prints_only_the_id(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    (session_id,) = ok(cli("session", "start", "--customer", "Ruth Cohen", "--contact", JANE_MAIL))

    assert OWN_ID.fullmatch(session_id)
    assert len(outbox_files(data_dir)) == 1
    listed = json.loads("\n".join(ok(cli("session", "list", "--json"))))
    invite = next(row["invite"] for row in listed if row["session_id"] == session_id)
    assert (invite["state"], invite["channel"]) == ("sent", "email")

    (queued,) = ok(
        cli("session", "start", "--customer", "Ruth", "--contact", JANE_MAIL, "--queue-only")
    )
    listed = json.loads("\n".join(ok(cli("session", "list", "--json"))))
    assert next(r["invite"] for r in listed if r["session_id"] == queued)["state"] == "queued"


def test_a_failed_first_invitation_is_a_warning_after_the_session_id(
    mail_server: MailServer, cli: Run
) -> None:
    mail_server.refuse = "550 5.1.1 no such user"

    done = cli("session", "start", "--customer", "Ruth Cohen", "--contact", JANE_MAIL)

    assert done.returncode == 0, done.stderr
    assert OWN_ID.fullmatch(done.stdout.strip())
    (warning,) = done.stderr.splitlines()
    assert warning.startswith(
        f"{PREFIX}warning: Ruth Cohen ({JANE_MASKED}): E-mail invite failed: "
    )


# -- copying a Session URL for someone whose invitation did not fail ---------------------------


@pytest.mark.usefixtures("clipboard")
def test_a_url_copy_for_someone_whose_invite_did_not_fail_needs_a_reason(
    url_on: Store, run_cli: Callable[..., subprocess.CompletedProcess[str]], data_dir: Path
) -> None:
    refused = run_cli("copy", DEMO_ACTIVE_ID, "--what", "url", "--participant", "Omar Haddad")

    assert refused.returncode == 3, refused.stderr
    assert refused.stderr == (
        f"{PREFIX}refused: Omar Haddad's invitation did not fail, so say in a few words why "
        "the Session URL is copied (at least 5 characters); give it with --reason TEXT\n"
    )
    assert read_clipboard() == SENTINEL, "the clipboard is left as it was"

    reason = "his phone is off and he asked at the desk"
    done = run_cli(
        "copy", DEMO_ACTIVE_ID, "--what", "url", "--participant", "Omar Haddad", "--reason", reason
    )
    assert done.returncode == 0, done.stderr
    assert DEMO_URL_BASE in read_clipboard()
    store = reread(data_dir)
    copies = [e for e in store.audit_log() if e.kind == "copy"]
    assert copies[0].new_value == reason
    store.close()


@pytest.mark.usefixtures("clipboard")
def test_a_url_copy_for_someone_whose_invite_failed_needs_no_reason(
    url_on: Store, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "url", "--participant", "Grace Kim")

    assert done.returncode == 0, done.stderr
    assert DEMO_URL_BASE in read_clipboard()


@pytest.mark.usefixtures("clipboard")
def test_a_reason_too_short_is_exit_2_before_anything_is_copied(
    url_on: Store, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    done = run_cli(
        "copy", DEMO_ACTIVE_ID, "--what", "url", "--participant", "Grace Kim", "--reason", "ok"
    )

    assert done.returncode == 2
    assert done.stderr == (
        f"{PREFIX}--reason: say in a few words why the Session URL is copied "
        "(at least 5 characters)\n"
    )
    assert read_clipboard() == SENTINEL


# -- the audit trail -----------------------------------------------------------------------------


def test_audit_export_holds_the_invitation_entries_with_the_recipient_masked(
    demo_store: Store, cli: Run, data_dir: Path
) -> None:
    ok(cli("session", "add-participant", DEMO_ACTIVE_ID, "--name", JANE, "--contact", JANE_MAIL))

    exported = cli("audit", "export", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    entries = [e for e in read_jsonl(exported.stdout) if e.session_id == DEMO_ACTIVE_ID]
    kinds = {e.kind.value: e for e in entries}  # the newest of each kind: Jane's
    assert {"participant_added", "invitation_queued", "invitation_sent"} <= set(kinds)
    assert kinds["invitation_queued"].new_value == "first"
    assert kinds["invitation_sent"].new_value == "email"
    assert kinds["invitation_sent"].result == "sent"
    assert {kinds[k].contact for k in ("participant_added", "invitation_sent")} == {JANE_MASKED}
    assert JANE_MAIL not in exported.stdout
    csv = cli("audit", "export", "--format", "csv")
    assert "invitation_sent" in csv.stdout
    assert JANE_MAIL not in csv.stdout
