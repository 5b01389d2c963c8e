"""Secrets go to a real, secure keyring or nowhere, and a refusal says how to get one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from keyring.backend import KeyringBackend
from keyring.compat.properties import classproperty

from collab_console.core import redaction, secrets
from collab_console.core.errors import CollabConsoleError, SecretStoreError
from tests.secret_service import SecretService, running_secret_service

NAME = "organisation-store-password"
VALUE = "correct horse battery staple 42"
SECURE_FIX = "install and unlock GNOME Keyring or KWallet"
ENV_FIX = "unset PYTHON_KEYRING_BACKEND, or set it to a secure backend"


@pytest.fixture(autouse=True)
def keyring_chooses_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as if keyring's choice had been refused, so it chooses from this test.

    keyring chooses a backend once per process; ``secrets`` chooses again
    only when the remembered one is refused, which the fail keyring always is.
    """
    import keyring.core
    from keyring.backends import fail

    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())


@pytest.fixture
def fresh_secret_registry(monkeypatch: pytest.MonkeyPatch) -> redaction.SecretRegistry:
    registry = redaction.SecretRegistry()
    monkeypatch.setattr(redaction, "SECRETS", registry)
    return registry


@pytest.fixture
def no_secret_service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No session bus, no keyring configuration: a headless host without a keyring."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


def files_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


# -- a real Secret Service ----------------------------------------------------------------


def test_a_secret_goes_to_the_secret_service_and_back(secret_service: SecretService) -> None:
    assert secrets.check_backend() == "SecretService Keyring"
    assert secrets.get_secret(NAME) is None

    secrets.set_secret(NAME, VALUE)
    assert secrets.get_secret(NAME) == VALUE
    secrets.set_secret(NAME, "a new password")
    assert secrets.get_secret(NAME) == "a new password"

    secrets.delete_secret(NAME)
    assert secrets.get_secret(NAME) is None
    secrets.delete_secret(NAME)  # nothing left to delete is not an error


def test_the_secret_is_in_the_keyring_and_on_disk_only_encrypted(
    secret_service: SecretService,
) -> None:
    import secretstorage

    before = files_under(secret_service.root)
    secrets.set_secret(NAME, VALUE)
    try:
        after = files_under(secret_service.root)
        connection = secretstorage.dbus_init()
        try:
            items = list(
                secretstorage.search_items(
                    connection, {"service": secrets.SERVICE, "username": NAME}
                )
            )
            assert [item.get_secret() for item in items] == [VALUE.encode()]
        finally:
            connection.close()
    finally:
        secrets.delete_secret(NAME)

    changed = sorted(
        str(path.relative_to(secret_service.home))
        for path in after
        if before.get(path) != after[path]
    )
    assert ".local/share/keyrings/login.keyring" in changed, "the keyring should have saved it"
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        leaks = [path for path, data in after.items() if VALUE.encode(encoding) in data]
        assert leaks == [], f"the secret is readable ({encoding}) in {leaks}"


def test_secrets_read_or_stored_are_masked_in_logs(
    secret_service: SecretService,
    fresh_secret_registry: redaction.SecretRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets.set_secret(NAME, VALUE)
    try:
        assert redaction.redact(f"connecting with {VALUE}") == "connecting with ••••"

        monkeypatch.setattr(redaction, "SECRETS", redaction.SecretRegistry())
        assert secrets.get_secret(NAME) == VALUE
        assert VALUE not in redaction.redact(f"read {VALUE!r}")
    finally:
        secrets.delete_secret(NAME)


def test_a_locked_keyring_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import secretstorage

    # Its own service: a locked one cannot be unlocked without a prompt.
    with running_secret_service() as service:
        for name, value in service.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
        secrets.set_secret(NAME, VALUE)
        connection = secretstorage.dbus_init()
        try:
            secretstorage.get_default_collection(connection).lock()
        finally:
            connection.close()

        with pytest.raises(SecretStoreError) as raised:
            secrets.get_secret(NAME)

    assert str(raised.value) == (
        f"cannot read the secret {NAME!r}: SecretService Keyring is locked; unlock it and try again"
    )


def test_a_keyring_started_after_a_refusal_is_found_without_a_restart(
    no_secret_service: None,
    secret_service_daemons: SecretService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SecretStoreError):
        secrets.check_backend()

    for name, value in secret_service_daemons.env.items():
        monkeypatch.setenv(name, value)

    assert secrets.check_backend() == "SecretService Keyring"


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "why"),
    [
        ("keyring.backends.null.Keyring", "forgets everything"),
        ("keyring.backends.fail.Keyring", "stores nothing"),
    ],
)
def test_a_backend_that_keeps_nothing_is_refused_naming_the_fix(
    no_secret_service: None, monkeypatch: pytest.MonkeyPatch, backend: str, why: str
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    for call in (
        secrets.check_backend,
        lambda: secrets.get_secret(NAME),
        lambda: secrets.set_secret(NAME, VALUE),
        lambda: secrets.delete_secret(NAME),
    ):
        with pytest.raises(SecretStoreError) as raised:
            call()
        assert str(raised.value) == (
            f"PYTHON_KEYRING_BACKEND chooses {backend}, which {why}; {ENV_FIX}"
        )


def test_without_a_keyring_service_the_message_says_how_to_get_one(
    no_secret_service: None,
) -> None:
    with pytest.raises(SecretStoreError) as raised:
        secrets.get_secret(NAME)

    message = str(raised.value)
    # "found: none" here; a host with keyrings.alt names its plaintext keyring.
    assert message.startswith("no secure keyring is available (found: ")
    assert SECURE_FIX in message
    assert isinstance(raised.value, CollabConsoleError), "main reports it as one line"
    assert "\n" not in message


def test_plaintext_keyrings_alt_is_refused_and_writes_nothing(
    no_secret_service: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("keyrings.alt.file", reason="keyrings.alt is not installed")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")

    with pytest.raises(SecretStoreError, match="which is not safe for passwords"):
        secrets.set_secret(NAME, VALUE)

    assert files_under(tmp_path) == {}


class LowPriorityKeyring(KeyringBackend):
    """A working backend below keyring's recommended priority, as keyrings.alt's are.

    Defining a backend registers it with keyring for good, so it can work
    (its priority does not raise) only while a test enables it.
    """

    enabled = False
    stored: ClassVar[dict[tuple[str, str], str]] = {}

    @classproperty
    def priority(cls) -> float:
        if not cls.enabled:
            raise RuntimeError("only for test_secrets")
        return 0.5

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.stored.pop((service, username), None)


@pytest.fixture
def low_priority_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(LowPriorityKeyring, "enabled", True)
    yield f"{LowPriorityKeyring.__module__}.{LowPriorityKeyring.__qualname__}"
    assert LowPriorityKeyring.stored == {}, "a refused backend must never be written to"


def test_a_backend_keyring_does_not_recommend_is_refused(
    no_secret_service: None, monkeypatch: pytest.MonkeyPatch, low_priority_keyring: str
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", low_priority_keyring)

    with pytest.raises(SecretStoreError) as raised:
        secrets.set_secret(NAME, VALUE)

    assert "which keyring does not recommend" in str(raised.value)


# -- arguments and start-up ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "two\nlines"])
def test_a_secret_needs_a_printable_name(name: str) -> None:
    with pytest.raises(ValueError, match="printable name"):
        secrets.get_secret(name)


def test_an_empty_secret_is_not_stored() -> None:
    with pytest.raises(ValueError, match="delete it instead"):
        secrets.set_secret(NAME, "")


def test_importing_secrets_and_logs_loads_neither_keyring_nor_logging() -> None:
    code = (
        "import sys\n"
        "import collab_console.core.secrets, collab_console.core.logs\n"
        "print(sorted(m for m in ('keyring', 'logging', 'platformdirs') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )

    assert done.stdout.strip() == "[]"
