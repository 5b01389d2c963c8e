"""Teams and shared sessions from the command line, as the organisation's people type them.

Every command runs as the real ``collab-console`` in a subprocess against a
fresh organisation database of the throwaway cluster, logged in as a real
login role whose password ``db login`` put in a private keyring (the fixtures
of ``test_org_cli.py``). What an agent sees is what their own ``settings show``
prints; what the server recorded is read back from the audit trail as another
admin.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from collab_console.cli.org_commands import SHARING_ONLY_IN_ORG, TEAMS_ONLY_IN_ORG
from collab_console.core.admins import NOT_A_DATABASE_ADMIN
from collab_console.core.audit import AuditKind
from collab_console.core.domain import new_session_id
from collab_console.core.settings import URL_WARNING
from tests.cli.test_org_cli import (
    Run,
    cli,
    home,
    keyring,
    keyring_daemons,
    log_in,
    one_error,
    org,
    org_template,
)
from tests.org.conftest import Org
from tests.org.roles import OWNER, PASSWORDS

__all__ = ["cli", "home", "keyring", "keyring_daemons", "org", "org_template"]

ANA, AMY, BOB = "admin.ana", "agent.amy", "agent.bob"


class Logins:
    """``collab-console --db <org as LOGIN> ARGS`` for the logins that ``db login`` was run for."""

    def __init__(self, cli: Run, org: Org, keyring: dict[str, str]) -> None:
        self._cli, self._org, self._keyring = cli, org, keyring

    def login(self, *names: str) -> Logins:
        for name in names:
            log_in(self._cli, self._org.dsn(name, password=False), PASSWORDS[name], self._keyring)
        return self

    def run(self, name: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return self._cli(
            "--db", self._org.dsn(name, password=False), *args, stdin=stdin, env=self._keyring
        )

    def ok(self, name: str, *args: str) -> str:
        done = self.run(name, *args)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        return done.stdout

    def setting(self, name: str, label: str) -> str:
        """The value ``settings show`` prints to ``name`` on the line of ``label``."""
        shown = self.ok(name, "settings", "show")
        (line,) = [line for line in shown.splitlines() if line.strip().startswith(f"{label}  ")]
        return line.strip().removeprefix(label).strip()


@pytest.fixture
def as_login(cli: Run, org: Org, keyring: dict[str, str]) -> Logins:
    return Logins(cli, org, keyring)


def newest_audit(org: Org, count: int) -> list[tuple[str, str, str | None, str | None]]:
    """The ``count`` newest entries, oldest first, as (kind, actor, detail, new value), read by
    another admin."""
    entries = org.connect("admin.ali").audit_log(limit=count)
    return [(e.kind.value, e.actor, e.detail, e.new_value) for e in reversed(entries)]


# -- an override reaches the team's members, and only them -----------------------------------


def test_a_team_override_reaches_its_members_and_nobody_else(as_login: Logins, org: Org) -> None:
    as_login.login(ANA, AMY, BOB)
    assert as_login.setting(AMY, "Copy Session ID") == "off"

    added = as_login.ok(ANA, "team", "add-member", "Night", AMY)
    assert added.startswith(f"{AMY} is in team Night now")
    set_ = as_login.ok(ANA, "team", "set", "Night", "copy-id", "on")
    assert set_.splitlines()[0] == "Copy Session ID for team Night: not overridden -> on"
    assert set_.splitlines()[-1].startswith(f"Saved by {ANA} (settings version ")

    assert as_login.setting(AMY, "Copy Session ID") == "on"
    assert as_login.setting(BOB, "Copy Session ID") == "off"
    assert as_login.setting(ANA, "Copy Session ID") == "off"  # the admin is in no team
    listed = as_login.ok(ANA, "team", "list")
    assert listed.splitlines() == [f"Team Night: {AMY}", "  Copy Session ID  on"]
    assert json.loads(as_login.ok(ANA, "team", "list", "--json")) == [
        {"team": "Night", "members": [AMY], "overrides": {"copy_session_id": True}}
    ]
    assert newest_audit(org, 2) == [
        (AuditKind.SETTING.value, ANA, f"team of {AMY}", "Night"),
        (AuditKind.SETTING.value, ANA, "copy_session_id (team Night)", "on"),
    ]


def test_clearing_the_override_or_leaving_the_team_brings_the_organisations_value_back(
    as_login: Logins, org: Org
) -> None:
    as_login.login(ANA, AMY)
    as_login.ok(ANA, "team", "add-member", "Night", AMY)
    as_login.ok(ANA, "team", "set", "Night", "clipboard-clear-seconds", "90")
    as_login.ok(ANA, "team", "set", "Night", "copy-id", "on")
    assert as_login.setting(AMY, "Copy Session ID") == "on"

    cleared = as_login.ok(ANA, "team", "clear", "Night", "copy-id")
    assert cleared.startswith("Team Night no longer overrides Copy Session ID")
    assert as_login.setting(AMY, "Copy Session ID") == "off"
    assert as_login.ok(ANA, "team", "list").splitlines() == [
        f"Team Night: {AMY}",
        "  Clear a copied Session URL after (seconds)  90",
    ]

    removed = as_login.ok(ANA, "team", "remove-member", AMY)
    assert removed.startswith(f"{AMY} is in no team now")
    assert newest_audit(org, 2) == [
        (AuditKind.SETTING.value, ANA, "copy_session_id (team Night)", None),
        (AuditKind.SETTING.value, ANA, f"team of {AMY}", None),
    ]

    # What is not there to clear or remove is one line and exit 4; nothing is recorded.
    before = newest_audit(org, 1)
    assert one_error(as_login.run(ANA, "team", "clear", "Night", "copy-id"), 4) == (
        "team Night does not override Copy Session ID"
    )
    assert one_error(as_login.run(ANA, "team", "remove-member", AMY), 4) == f"{AMY} is in no team"
    assert newest_audit(org, 1) == before


def test_a_value_is_read_as_settings_set_reads_it(as_login: Logins, org: Org) -> None:
    as_login.login(ANA)

    assert one_error(as_login.run(ANA, "team", "set", "Night", "copy-id", "maybe"), 2) == (
        "copy-id: expected on or off, got 'maybe'"
    )
    assert one_error(as_login.run(ANA, "settings", "set", "--copy-id", "maybe"), 2) == (
        "--copy-id: expected on or off, got 'maybe'"
    )
    unknown = as_login.run(ANA, "team", "set", "Night", "copy-everything", "on")
    assert unknown.returncode == 2
    assert "invalid choice: 'copy-everything'" in unknown.stderr
    assert org.connect("admin.ali").team_overrides() == {}


# -- URL copy for a team: its own acknowledgement --------------------------------------------


def test_url_copy_on_for_a_team_needs_its_own_acknowledgement(as_login: Logins, org: Org) -> None:
    as_login.login(ANA, AMY, BOB)
    # The organisation acknowledged the warning and turned URL copy on, then off again:
    # its acknowledgement stays, and covers no team.
    as_login.ok(ANA, "settings", "set", "--copy-url", "on", "--acknowledge-security-warning")
    as_login.ok(ANA, "settings", "set", "--copy-url", "off")
    as_login.ok(ANA, "team", "add-member", "Night", AMY)
    before = newest_audit(org, 1)

    refused = one_error(as_login.run(ANA, "team", "set", "Night", "copy-url", "on"), 2)

    assert refused == (
        "turning on Copy Session URL for team Night needs --acknowledge-security-warning. "
        f"{URL_WARNING.title}: {URL_WARNING.text}"
    )
    assert as_login.setting(AMY, "Copy Session URL") == "off"
    assert newest_audit(org, 1) == before

    saved = as_login.ok(
        ANA, "team", "set", "Night", "copy-url", "on", "--acknowledge-security-warning"
    )
    assert saved.splitlines()[:2] == [
        "Copy Session URL for team Night: not overridden -> on",
        f"Copy Session URL warning: acknowledged by {ANA} for team Night "
        f"(warning v{URL_WARNING.version})",
    ]
    assert as_login.setting(AMY, "Copy Session URL") == "on"
    assert as_login.setting(BOB, "Copy Session URL") == "off"
    amy_sees = as_login.ok(AMY, "settings", "show")
    assert f"acknowledged by {ANA} at " in amy_sees
    acknowledged, turned_on = newest_audit(org, 2)
    assert acknowledged[:3] == (
        AuditKind.ACKNOWLEDGEMENT.value,
        ANA,
        "copy_session_url (team Night)",
    )
    assert acknowledged[3] is not None
    assert acknowledged[3].startswith(f"{ANA} at ")
    assert acknowledged[3].endswith(f" (warning v{URL_WARNING.version})")
    assert turned_on == (AuditKind.SETTING.value, ANA, "copy_session_url (team Night)", "on")
    # Acknowledged once for the team, as for the organisation: the same value again asks nothing.
    again = as_login.ok(ANA, "team", "set", "Night", "copy-url", "on")
    assert again.startswith("Nothing changed: team Night already overrides Copy Session URL")


# -- who may --------------------------------------------------------------------------------


AGENT_TRIES = (
    ("list",),
    ("set", "Night", "copy-id", "on"),
    ("set", "Night", "copy-url", "on"),  # unacknowledged, too: the login is refused first
    ("clear", "Night", "copy-id"),
    ("add-member", "Night", AMY),
    ("remove-member", BOB),
)


def test_an_agent_changing_or_listing_teams_exits_6_in_one_line(as_login: Logins, org: Org) -> None:
    as_login.login(ANA, AMY)
    as_login.ok(ANA, "team", "add-member", "Day", BOB)
    as_login.ok(ANA, "team", "set", "Night", "copy-id", "on")
    admin = org.connect("admin.ali")
    before = (admin.team_overrides(), newest_audit(org, 1))

    for action in AGENT_TRIES:
        refused = one_error(as_login.run(AMY, "team", *action), 6)
        assert refused == NOT_A_DATABASE_ADMIN, action

    assert (admin.team_overrides(), newest_audit(org, 1)) == before
    assert as_login.setting(AMY, "Copy Session ID") == "off"


def test_team_commands_on_the_embedded_store_say_so_and_touch_nothing(
    cli: Run, data_dir: Path
) -> None:
    for action in (
        ("list",),
        ("set", "Night", "copy-id", "on"),
        ("clear", "Night", "copy-id"),
        ("add-member", "Night", AMY),
        ("remove-member", AMY),
    ):
        assert one_error(cli("team", *action), 2) == TEAMS_ONLY_IN_ORG
    assert list(data_dir.iterdir()) == []


# -- sharing a session with a supervisor or co-agent ---------------------------------------


def sessions_seen(as_login: Logins, name: str) -> set[str]:
    """The Session IDs ``session list`` shows ``name``."""
    listed = as_login.ok(name, "session", "list", "--json")
    return {row["session_id"] for row in json.loads(listed)}


def test_a_shared_session_is_seen_by_the_other_agent_until_it_is_unshared(
    as_login: Logins, org: Org
) -> None:
    as_login.login(AMY, BOB, ANA)
    started = as_login.ok(
        AMY, "session", "start", "--customer", "Ruth Cohen", "--contact", "+44 20 7946 0958"
    )
    amys = started.strip()
    assert amys not in sessions_seen(as_login, BOB)
    # Bob cannot take it for himself: the server says no, in one line.
    assert one_error(as_login.run(BOB, "session", "share", amys, BOB), 6) == (
        "only the session's agent or an admin can grant access to it"
    )

    shared = as_login.ok(AMY, "session", "share", amys, BOB)

    assert shared.startswith(f"{BOB} can now see and work on session {amys}, as its supervisor")
    assert amys in sessions_seen(as_login, BOB)
    on_record = newest_audit(org, 1)
    assert on_record == [(AuditKind.SESSION_SHARED.value, AMY, BOB, "supervisor")]
    # Access to a session is not the right to hand it on or to take it away.
    assert one_error(as_login.run(BOB, "session", "share", amys, "agent.kai"), 6) == (
        "only the session's agent or an admin can grant access to it"
    )
    assert one_error(as_login.run(BOB, "session", "unshare", amys, BOB), 6) == (
        "only the session's agent or an admin can take access to it away"
    )

    assert newest_audit(org, 1) == on_record, "what the server refused is not on record"

    unshared = as_login.ok(AMY, "session", "unshare", amys, BOB)

    assert unshared.startswith(f"{BOB} no longer has access to session {amys}")
    assert amys not in sessions_seen(as_login, BOB)
    assert newest_audit(org, 1) == [(AuditKind.SESSION_UNSHARED.value, AMY, BOB, None)]
    assert one_error(as_login.run(AMY, "session", "unshare", amys, BOB), 4) == (
        f"{BOB} had no access of their own to session {amys}"
    )

    # An admin may share any session; the grant names them, as the server saw them.
    as_login.ok(ANA, "session", "share", amys, BOB, "--as", "co-agent")
    assert amys in sessions_seen(as_login, BOB)
    grants = org.sql(AMY).execute(
        "SELECT grantee, kind, granted_by FROM collab.session_access WHERE session_id = %s",
        (amys,),
    )
    assert grants.fetchall() == [(BOB, "co_agent", ANA)]
    assert newest_audit(org, 1) == [(AuditKind.SESSION_SHARED.value, ANA, BOB, "co_agent")]
    # The audit commands show the sharing like any other entry, in the intact chain.
    exported = [
        json.loads(line)
        for line in as_login.ok(ANA, "audit", "export", "--format", "jsonl").splitlines()
    ]
    assert [(e["kind"], e["actor"], e["session_id"], e["detail"]) for e in exported[-3:]] == [
        (AuditKind.SESSION_SHARED.value, AMY, amys, BOB),
        (AuditKind.SESSION_UNSHARED.value, AMY, amys, BOB),
        (AuditKind.SESSION_SHARED.value, ANA, amys, BOB),
    ]
    assert as_login.ok(ANA, "audit", "verify").startswith("The audit trail is intact")


def test_sharing_with_nobody_or_a_session_nobody_has_is_exit_4(as_login: Logins) -> None:
    as_login.login(ANA)
    nobodys = new_session_id()

    assert one_error(as_login.run(ANA, "session", "share", nobodys, BOB), 4) == (
        f"no session {nobodys}"
    )
    assert one_error(as_login.run(ANA, "session", "share", nobodys, "agent.nobody"), 4) == (
        "agent.nobody is no agent or admin of the organisation database"
    )
    assert one_error(as_login.run(ANA, "session", "share", nobodys, "auditor.aud"), 4) == (
        "auditor.aud is no agent or admin of the organisation database"
    )


def test_sharing_on_the_embedded_store_says_so_and_touches_nothing(
    cli: Run, data_dir: Path
) -> None:
    some_id = new_session_id()
    for action in ("share", "unshare"):
        assert one_error(cli("session", action, some_id, BOB), 2) == SHARING_ONLY_IN_ORG
    assert list(data_dir.iterdir()) == []


# -- db add-user: the passphrase rule, worded for a password ---------------------------------


def test_a_short_database_password_is_called_a_password(
    as_login: Logins, org: Org, keyring: dict[str, str]
) -> None:
    as_login.login(OWNER)

    refused = as_login.run(
        OWNER, "db", "add-user", "cli.shorty", "--role", "agent", "--password-stdin",
        stdin="short\n",
    )  # fmt: skip

    assert one_error(refused, 2) == (
        "a password needs at least 12 characters; a few words make a good one"
    )


# -- invitations: queued in the organisation's database, the outbox folder the user's --------


def test_invitations_in_organisation_mode_go_to_the_users_own_outbox_folder(
    as_login: Logins, data_dir: Path
) -> None:
    as_login.login(AMY, BOB)
    amys = as_login.ok(
        AMY, "session", "start", "--customer", "Ruth Cohen", "--contact", "ruth@example.com"
    ).strip()

    added = as_login.ok(
        AMY, "session", "add-participant", amys, "--name", "Mia Chen", "--contact",
        "+44 20 7946 0958",
    ).splitlines()  # fmt: skip

    outbox = data_dir / "outbox"
    assert added[1] == (
        f"Mia Chen (+44 •••• ••58): SMS invite sent, into the outbox folder {outbox} "
        "(no SMS gateway is set: settings set --sms-gateway-url)."
    )
    assert sorted(path.suffix for path in outbox.iterdir()) == [".eml", ".json"]
    listed = json.loads(as_login.ok(AMY, "invitations", "list", amys, "--json"))
    assert [(row["name"], row["invite"]["state"]) for row in listed] == [
        ("Ruth Cohen", "sent"),
        ("Mia Chen", "sent"),
    ]
    too_soon = one_error(as_login.run(AMY, "session", "invite", amys), 3)
    assert too_soon.startswith("refused: an invite was sent to Ruth Cohen moments ago: wait ")
    # Another agent sees nothing of Amy's session, and cannot resend its invitations.
    assert one_error(as_login.run(BOB, "invitations", "list", amys), 4) == f"no session {amys}"
    assert one_error(as_login.run(BOB, "session", "invite", amys), 4) == f"no session {amys}"
