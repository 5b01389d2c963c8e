"""A real Secret Service for the keyring tests: gnome-keyring on a private D-Bus session bus.

A stand-in keyring would prove nothing about what reaches the disk, and the
user's own keyring must never be touched, so each test run gets its own:
a fresh folder as HOME (and every XDG folder inside it), a ``dbus-daemon``
listening there with no service activation (nothing else can start on it),
and ``gnome-keyring-daemon`` whose login keyring is created and unlocked
with a throwaway password. Both run in the foreground as children of the
test process, so stopping them is stopping two known process IDs; the folder
goes with them.

Missing programs fail the tests that need them, naming the fix: CI installs
them, so a skip would only hide a broken set-up.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

SECRETS_BUS_NAME = "org.freedesktop.secrets"
PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")
#: Starting both daemons takes well under a second; a loaded CI machine gets more.
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass(frozen=True)
class SecretService:
    """A running private Secret Service: the variables that reach it, and the folders it uses."""

    root: Path
    home: Path
    env: dict[str, str]


@contextmanager
def running_secret_service() -> Iterator[SecretService]:
    """Start the bus and the keyring daemon, yield them, then stop both and remove the folder."""
    missing = [name for name in PROGRAMS if shutil.which(name) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: the keyring tests need a real Secret Service; "
            "run packaging/bootstrap test to install it",
            pytrace=False,
        )
    with ExitStack() as stack:
        root = Path(tempfile.mkdtemp(prefix="cc-keyring-"))
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        env = _private_folders(root)
        log = stack.enter_context(open(root / "daemons.log", "w+b"))
        daemon_env = {**os.environ, **env}
        for name in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "DISPLAY"):
            daemon_env.pop(name, None)

        config = root / "bus.conf"
        config.write_text(BUS_CONFIG.format(folder=root), encoding="utf-8")
        bus = _start(
            stack,
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            daemon_env,
            stdout=subprocess.PIPE,
            output=log,
        )
        address = _first_line(bus, log)
        env["DBUS_SESSION_BUS_ADDRESS"] = daemon_env["DBUS_SESSION_BUS_ADDRESS"] = address

        keyring_daemon = _start(
            stack,
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            daemon_env,
            stdin=subprocess.PIPE,
            output=log,
        )
        assert keyring_daemon.stdin is not None
        # --unlock reads the login keyring's password up to the end of its input.
        keyring_daemon.stdin.write(secrets.token_urlsafe(16).encode("ascii"))
        keyring_daemon.stdin.close()
        _wait_for_bus_name(address, SECRETS_BUS_NAME, keyring_daemon, log)
        yield SecretService(root=root, home=Path(env["HOME"]), env=env)


def _private_folders(root: Path) -> dict[str, str]:
    """HOME and the XDG folders, all new and inside ``root``, as environment variables."""
    home = root / "home"
    folders = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_RUNTIME_DIR": root / "runtime",
    }
    for folder in folders.values():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {name: str(folder) for name, folder in folders.items()}


def _start(
    stack: ExitStack,
    command: list[str],
    env: dict[str, str],
    *,
    output: IO[bytes],
    stdin: int | None = None,
    stdout: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``command``; the stack stops it (by its own process ID) on the way out.

    ``output`` takes what the daemon says unless ``stdout`` is a pipe to read.
    """
    process = subprocess.Popen(
        command,
        env=env,
        stdin=stdin,
        stdout=output if stdout is None else stdout,
        stderr=output,
    )
    stack.callback(_stop, process)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def _first_line(process: subprocess.Popen[bytes], log: IO[bytes]) -> str:
    """The first line ``process`` prints (the bus address), waiting at most START_TIMEOUT."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line:
        _fail("dbus-daemon printed no bus address", log)
    return line


def _wait_for_bus_name(
    address: str, name: str, daemon: subprocess.Popen[bytes], log: IO[bytes]
) -> None:
    """Return once ``name`` has an owner on the bus at ``address``; fail if the daemon dies."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    deadline = time.monotonic() + START_TIMEOUT
    with open_dbus_connection(bus=address) as connection:
        while True:
            reply = connection.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
            if reply.body[0]:
                return
            if daemon.poll() is not None:
                _fail(f"gnome-keyring-daemon exited ({daemon.returncode}) before it served", log)
            if time.monotonic() > deadline:
                _fail(f"gnome-keyring-daemon did not take {name} in {START_TIMEOUT:g} s", log)
            time.sleep(0.02)


def _fail(what: str, log: IO[bytes]) -> None:
    log.seek(0)
    output = log.read().decode(errors="replace").strip()
    pytest.fail(f"{what}; its output:\n{output or '(none)'}", pytrace=False)
