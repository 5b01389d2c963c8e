"""A throwaway PostgreSQL cluster for the organisation-mode tests.

Debian's own binaries (``/usr/lib/postgresql/<version>/bin``, the newest one)
run a cluster in a temporary folder, listening on a Unix socket only: no TCP
port, no system service, nothing left behind after ``stop()``.

The server can be stopped and started again in the same folder
(``stop_server()``, ``start_server()``), as an operator would under running
consoles. A pytest killed with SIGKILL cannot stop its cluster (``pg_ctl``
detaches the server), so each folder names the process that made it
(:data:`MAKER_FILE`): ``packaging/bootstrap test`` stops a cluster whose maker
is gone.

PostgreSQL refuses to run as root. Under root (CI and the bootstrap run as
root) the cluster belongs to the ``postgres`` OS user that Debian's package
creates, and every server command goes through ``runuser``; as anyone else the
cluster simply belongs to that user.

Authentication, as in production: the ``postgres`` superuser is trusted over
the socket (tests set up databases and roles with it), every other role must
give its real password (``scram-sha-256``), so login roles are tested the way
an organisation uses them.
"""

from __future__ import annotations

import os
import pwd
import random
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

PG_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
SUPERUSER = "postgres"
#: What the folder of every cluster is named from (``packaging/bootstrap`` looks for it).
FOLDER_PREFIX = "collab-pg-"
#: The file in a cluster's folder that holds the process ID of the process that made it.
MAKER_FILE = "maker.pid"

HBA = """\
# Written by tests/pg_cluster.py: Unix socket only.
local all postgres trust
local all all scram-sha-256
"""


class ClusterUnavailable(Exception):
    """No cluster can be started here; ``str()`` is the one-line reason."""


@dataclass
class PgCluster:
    """A throwaway cluster, running as ``start_cluster()`` returns it.

    ``stop_server()`` and ``start_server()`` take its server down and up again
    (same folder, socket and port); ``stop()`` ends it and removes its folder.
    """

    folder: Path
    bin_dir: Path
    port: int
    run_as: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    @property
    def server_running(self) -> bool:
        """Whether the server is up (``pg_ctl status``: a ``postmaster.pid`` left by a
        server that died does not count)."""
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        done = subprocess.run(
            _server_command(self.run_as, self.bin_dir, "pg_ctl", "-D", self.data_dir, "status"),
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def dsn(self, dbname: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """A ``postgresql://`` URL for ``user`` on ``dbname`` over this cluster's socket."""
        userinfo = quote(user, safe="")
        if password is not None:
            userinfo += ":" + quote(password, safe="")
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{userinfo}@/{quote(dbname, safe='')}?host={host}&port={self.port}"

    def start_server(self) -> None:
        """Start the server, on the same socket and port, and wait until it takes
        connections; starting a running one does nothing.

        Raises ``ClusterUnavailable`` (with the server log's last line) when it cannot.
        """
        if self.stopped:
            raise ClusterUnavailable("this cluster was stopped and its folder removed")
        if self.server_running:
            return
        options = [
            "-k",
            str(self.socket_dir),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=",
            # fsync and friends off: this cluster's data is thrown away after the
            # tests, so durability buys nothing and costs seconds.
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
        ]
        self._pg_ctl(
            "start", "-l", self.log_file, "-o", shlex.join(options), "-w", log=self.log_file
        )

    def stop_server(self) -> None:
        """Stop the server at once, keeping the cluster (fast mode: open sessions are cut,
        as when the server crashes or its machine reboots). Stopping a stopped one does
        nothing."""
        if self.server_running:
            self._pg_ctl("stop", "-m", "fast", "-w")

    def stop(self) -> None:
        """Stop the server (fast: open sessions are cut) and delete the cluster's folder."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.stop_server()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, action: str, *args: str | Path, log: Path | None = None) -> None:
        _run(
            _server_command(
                self.run_as, self.bin_dir, "pg_ctl", "-D", self.data_dir, *args, action
            ),
            cwd=self.folder,
            what=f"pg_ctl {action}",
            log=log,
        )

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def find_bin_dir() -> Path:
    """The ``bin`` folder of the newest PostgreSQL Debian installed."""
    candidates = []
    if PG_ROOT.is_dir():
        for entry in PG_ROOT.iterdir():
            if entry.name.isdigit() and (entry / "bin" / "initdb").is_file():
                candidates.append((int(entry.name), entry / "bin"))
    if not candidates:
        raise ClusterUnavailable(
            f"PostgreSQL is not installed (no {PG_ROOT}/<version>/bin/initdb); "
            "apt-get install postgresql, or run packaging/bootstrap test"
        )
    return max(candidates)[1]


def start_cluster() -> PgCluster:
    """Create and start a new cluster; raise ``ClusterUnavailable`` when that cannot be done."""
    bin_dir = find_bin_dir()
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise ClusterUnavailable(
                f"running as root, and there is no {SERVER_USER!r} OS user to run PostgreSQL as"
            ) from None
        if shutil.which("runuser") is None:
            raise ClusterUnavailable("running as root, and runuser (util-linux) is missing")
        run_as = ["runuser", "-u", SERVER_USER, "--"]

    # /tmp, not $TMPDIR or pytest's tmp_path: those may sit in a folder that only
    # root can enter, and the postgres user must reach the cluster's folder.
    # Short, too: a Unix socket path must fit in about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir="/tmp" if owner else None))
    try:
        (folder / MAKER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        socket_dir = folder / "socket"
        socket_dir.mkdir()
        if owner is not None:
            for path in (folder, socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        cluster = PgCluster(folder=folder, bin_dir=bin_dir, port=_port(), run_as=run_as)
        _run(
            _server_command(
                run_as,
                bin_dir,
                "initdb",
                "-D",
                cluster.data_dir,
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                # A throwaway cluster: nothing to lose if it is not flushed to disk.
                "--no-sync",
                "--no-instructions",
            ),
            cwd=folder,
            what="initdb",
        )
        # initdb writes its own pg_hba.conf as the postgres user; ours replaces it
        # (owned by root under root, and readable by the server: the folder is 0700
        # but the file is world-readable).
        hba = cluster.data_dir / "pg_hba.conf"
        hba.write_text(HBA, encoding="utf-8")
        if owner is not None:
            os.chown(hba, owner.pw_uid, owner.pw_gid)
        cluster.start_server()
    except BaseException:
        _stop_quietly(bin_dir, folder, run_as)
        raise
    return cluster


def _port() -> int:
    # The socket lives in the cluster's own folder, so any port number is free
    # there; a random one only keeps two clusters' shared-memory keys apart.
    return random.randint(20000, 60000)


def _server_command(run_as: list[str], bin_dir: Path, program: str, *args: str | Path) -> list[str]:
    return [*run_as, str(bin_dir / program), *map(str, args)]


def _run(command: list[str], *, cwd: Path, what: str, log: Path | None = None) -> None:
    done = subprocess.run(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        if log is not None and log.exists():
            output += "\n" + log.read_text(encoding="utf-8", errors="replace").strip()
        last = output.splitlines()[-1] if output else f"exit status {done.returncode}"
        raise ClusterUnavailable(f"{what} failed: {last}")


def _stop_quietly(bin_dir: Path, folder: Path, run_as: list[str]) -> None:
    data_dir = folder / "data"
    if (data_dir / "postmaster.pid").exists():
        subprocess.run(
            _server_command(run_as, bin_dir, "pg_ctl", "-D", data_dir, "-m", "immediate", "stop"),
            cwd=folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    shutil.rmtree(folder, ignore_errors=True)
