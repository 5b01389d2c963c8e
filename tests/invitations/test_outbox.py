"""OutboxTransport writes what would be sent; next_retry spaces the tries."""

from __future__ import annotations

import json
import stat
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from collab_console.invitations.message import Invitation, sms_body
from collab_console.invitations.transports import OutboxTransport, next_retry


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_email_is_written_as_an_eml_file(tmp_path: Path, invitation: Invitation) -> None:
    outbox = OutboxTransport(tmp_path / "outbox", sender="invites@example.org")

    attempt = outbox.send(invitation)

    (written,) = (tmp_path / "outbox").iterdir()
    assert written.name.endswith("-inv42.eml")
    assert (attempt.state, attempt.gateway_id) == ("sent", written.name)
    assert attempt.reason == f"written to the outbox as {written.name}"
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["From"] == "invites@example.org"
    assert message["To"] == "dana@example.com"
    plain = message.get_body(("plain",))
    assert plain is not None
    assert invitation.link in plain.get_content()
    assert mode(tmp_path / "outbox") == 0o700
    assert mode(written) == 0o600


def test_an_sms_is_written_as_a_json_file(tmp_path: Path, sms_invitation: Invitation) -> None:
    outbox = OutboxTransport(tmp_path / "outbox")

    attempt = outbox.send(sms_invitation)

    (written,) = (tmp_path / "outbox").iterdir()
    assert written.name.endswith("-inv43.json")
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "to": "+442079460912",
        "body": sms_body(sms_invitation),
        "invitation": "inv43",
    }
    assert mode(written) == 0o600
    assert attempt.gateway_id
    assert outbox.status(attempt.gateway_id) == attempt


def test_a_loose_folder_is_tightened_and_no_temporary_file_is_left(
    tmp_path: Path, invitation: Invitation, sms_invitation: Invitation
) -> None:
    folder = tmp_path / "outbox"
    folder.mkdir(mode=0o755)
    outbox = OutboxTransport(folder)

    outbox.send(invitation)
    outbox.send(sms_invitation)

    assert mode(folder) == 0o700
    assert sorted(path.suffix for path in folder.iterdir()) == [".eml", ".json"]


def test_status_knows_only_its_own_files(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path / "outbox")
    (tmp_path / "secret.json").write_text("{}")

    assert outbox.status("20250101T000000.000000Z-nope.eml") is None
    assert outbox.status("../secret.json") is None


def test_an_unwritable_folder_fails_and_retries(tmp_path: Path, invitation: Invitation) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")

    attempt = OutboxTransport(blocker).send(invitation)

    assert (attempt.state, attempt.retry) == ("failed", True)
    assert attempt.reason.startswith(f"cannot write to the outbox folder {blocker}: ")


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (50, 3600)],
)
def test_retries_back_off_to_an_hour(attempts: int, seconds: int) -> None:
    assert next_retry(attempts) == seconds
