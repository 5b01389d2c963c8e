"""``SystemClipboard``, the CLI's clipboard, against a real X server.

Every check reads the clipboard with a separate ``xclip -o`` process, as
another program would. Run under an X server:
``xvfb-run -a -s "-screen 0 1280x1024x24" pytest tests/cli/test_clipboard.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from collab_console.cli.clipboard import NO_CLIPBOARD_HELP, SystemClipboard
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_URL_BASE
from collab_console.core.errors import ClipboardError
from collab_console.core.links import link_url, new_token
from collab_console.core.urls import link_host
from collab_console.store import Store
from tests.conftest import RunCli
from tests.store.admins import become_admin

REAL_XCLIP = shutil.which("xclip")
REAL_XSEL = shutil.which("xsel")
PUTS = 200
SYSTEM_PATH = os.environ.get("PATH", "/usr/bin:/bin")  # for the fake helpers' own tools

# A copy helper that takes the clipboard late, as xclip's forked child does on
# a busy machine: it exits at once and the real xclip takes the text in the
# background. Reading the clipboard (-o) goes straight to the real xclip.
SLOW_XCLIP = """#!/bin/sh
PATH={path}
case " $* " in *" -o "*) exec {real} "$@";; esac
held=$(mktemp)
cat > "$held"
({real} "$@" < "$held"; rm -f "$held") &
"""

# A clipboard that never keeps anything: copying succeeds, reading gives another text.
FORGETFUL_XCLIP = """#!/bin/sh
PATH={path}
case " $* " in *" -o "*) printf 'what was there before'; exit 0;; esac
cat > /dev/null
"""

# The first read never gets an answer, as when a reader asks an owner that is
# going away (or stopped); later reads, and copying, go to the real xclip.
STUCK_FIRST_READ_XCLIP = """#!/bin/sh
PATH={path}
case " $* " in *" -o "*)
    if [ ! -e "{marker}" ]; then : > "{marker}"; exec tail -f /dev/null; fi
    exec {real} "$@";;
esac
exec {real} "$@"
"""

# Runs put in a child process: argv is the text, then the descriptors to close first
# ("-" for none), then a file to write the state of descriptors 1 and 2 to afterwards,
# then "sensitive" or "plain".
CHILD = """
import os, sys
from collab_console.cli.clipboard import SystemClipboard
from collab_console.core.errors import ClipboardError
from collab_console.core.links import link_url, new_token
from collab_console.core.urls import link_host

text, to_close, report, kind = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
closed = [] if to_close == "-" else [int(fd) for fd in to_close.split(",")]
for fd in closed:
    os.close(fd)
try:
    SystemClipboard().put(text, sensitive=kind == "sensitive", clear_after_s=30)
except ClipboardError as exc:
    out = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.write(out, ("error: " + str(exc)).encode())
    sys.exit(3)
state = []
for fd in (1, 2):
    try:
        os.fstat(fd)
    except OSError:
        state.append("closed")
    else:
        state.append("open")
out = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.write(out, " ".join(state).encode())
for fd in (1, 2):
    if fd not in closed:
        os.write(fd, b"still reaches its pipe\\n")
"""


@pytest.fixture(autouse=True)
def display() -> str:
    value = os.environ.get("DISPLAY")
    if not value or REAL_XCLIP is None:
        pytest.fail(
            "the clipboard tests need an X server and xclip: apt-get install xclip xvfb, then "
            'xvfb-run -a -s "-screen 0 1280x1024x24" pytest tests/cli/test_clipboard.py'
        )
    return value


def read_clipboard() -> str:
    """The clipboard as another program reads it."""
    assert REAL_XCLIP is not None
    done = subprocess.run(
        [REAL_XCLIP, "-selection", "clipboard", "-o"], capture_output=True, check=False, timeout=10
    )
    assert done.returncode == 0, f"xclip could not read the clipboard: {done.stderr!r}"
    return done.stdout.decode("utf-8")


def fresh_text(label: str) -> str:
    return f"{label} café ✓ {uuid.uuid4().hex}"


def bin_dir(tmp_path: Path, **programs: str) -> Path:
    """A folder to use as the whole PATH: each program is a symlink (a path) or a script."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, content in programs.items():
        target = folder / name
        if content.startswith("#!"):
            target.write_text(content)
            target.chmod(0o755)
        else:
            target.symlink_to(content)
    return folder


@pytest.fixture
def x11_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


@pytest.fixture(params=["xclip", "xsel", "slow xclip"])
def helper_path(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    x11_only: None,
) -> str:
    """PATH holding only the copy helper under test."""
    name: str = request.param
    assert REAL_XCLIP is not None
    if request.param == "xclip":
        folder = bin_dir(tmp_path, xclip=REAL_XCLIP)
    elif request.param == "xsel":
        if REAL_XSEL is None:
            pytest.skip("xsel is not installed (apt-get install xsel)")
        folder = bin_dir(tmp_path, xsel=REAL_XSEL)
    else:
        folder = bin_dir(tmp_path, xclip=SLOW_XCLIP.format(real=REAL_XCLIP, path=SYSTEM_PATH))
    monkeypatch.setenv("PATH", str(folder))
    return name


def test_every_put_is_read_back_by_another_program(helper_path: str) -> None:
    board = SystemClipboard()
    wrong = []
    for number in range(PUTS):
        text = fresh_text(f"{helper_path} {number}")
        board.put(text, sensitive=False)
        got = read_clipboard()
        if got != text:
            wrong.append((text, got))

    assert wrong == [], f"{len(wrong)} of {PUTS} reads got another text, first: {wrong[0]}"


def test_a_sensitive_value_is_put_too(helper_path: str) -> None:
    text = fresh_text("https://collab.example.com/join/")

    SystemClipboard().put(text, sensitive=True)

    assert read_clipboard() == text


def test_a_clipboard_that_does_not_keep_the_text_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, x11_only: None
) -> None:
    monkeypatch.setenv(
        "PATH", str(bin_dir(tmp_path, xclip=FORGETFUL_XCLIP.format(path=SYSTEM_PATH)))
    )
    text = fresh_text("kept?")

    with pytest.raises(ClipboardError) as caught:
        SystemClipboard(timeout=0.2).put(text, sensitive=False)

    message = str(caught.value)
    assert message.startswith("the clipboard (xclip) did not keep the copied text")
    assert "\n" not in message
    assert text not in message
    assert "no clipboard is reachable" not in message


def test_a_read_that_never_gets_an_answer_is_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, x11_only: None
) -> None:
    marker = tmp_path / "first-read-started"
    script = STUCK_FIRST_READ_XCLIP.format(path=SYSTEM_PATH, real=REAL_XCLIP, marker=marker)
    monkeypatch.setenv("PATH", str(bin_dir(tmp_path, xclip=script)))
    text = fresh_text("asked again")

    SystemClipboard().put(text, sensitive=False)

    assert marker.exists()
    assert read_clipboard() == text


def run_child(
    tmp_path: Path,
    text: str,
    *,
    close: str = "-",
    env: dict[str, str] | None = None,
    sensitive: bool = False,
) -> tuple[subprocess.Popen[bytes], str]:
    """Run :data:`CHILD` with its stdout and stderr on pipes; returns it, ended, and its report."""
    report = tmp_path / "report"
    kind = "sensitive" if sensitive else "plain"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, text, close, str(report), kind],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    child.wait(timeout=60)
    return child, report.read_text(encoding="utf-8") if report.exists() else ""


def env_without(*names: str, **values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in names}
    return env | values


@pytest.mark.parametrize("sensitive", [False, True], ids=["plain", "sensitive"])
@pytest.mark.parametrize(
    "env",
    [
        pytest.param(env_without("DISPLAY", "WAYLAND_DISPLAY"), id="no DISPLAY"),
        pytest.param(env_without("WAYLAND_DISPLAY", DISPLAY=":59999"), id="unreachable DISPLAY"),
    ],
)
def test_without_a_display_put_says_what_to_install(
    tmp_path: Path, env: dict[str, str], sensitive: bool
) -> None:
    before = fresh_text("before")
    SystemClipboard().put(before, sensitive=False)

    child, report = run_child(tmp_path, fresh_text("never copied"), env=env, sensitive=sensitive)

    assert child.returncode == 3, output(child)
    assert report == f"error: {NO_CLIPBOARD_HELP}"
    assert report.startswith("error: no clipboard is reachable")
    assert "apt-get install xclip" in report
    assert "wl-clipboard" in report
    assert "\n" not in report
    assert read_clipboard() == before


def drain(pipe: IO[bytes] | None) -> tuple[bytes, bool]:
    """What an ended child left in ``pipe``, and whether nobody holds its writing end any more.

    Never waits: a helper that kept the writing end shows as False, not as a hang.
    """
    assert pipe is not None
    os.set_blocking(pipe.fileno(), False)
    data = b""
    while True:
        try:
            chunk = os.read(pipe.fileno(), 65536)
        except BlockingIOError:
            return data, False
        if not chunk:
            return data, True
        data += chunk


def output(child: subprocess.Popen[bytes]) -> str:
    return " | ".join(
        drain(pipe)[0].decode("utf-8", "replace") for pipe in (child.stdout, child.stderr)
    )


@pytest.mark.parametrize("sensitive", [False, True], ids=["plain", "sensitive"])
@pytest.mark.parametrize(
    "close",
    [
        pytest.param("-", id="stdout and stderr open"),
        pytest.param("1", id="stdout closed"),
        pytest.param("2", id="stderr closed"),
        pytest.param("1,2", id="both closed"),
    ],
)
def test_put_leaves_no_helper_on_its_output_and_restores_it(
    tmp_path: Path, close: str, sensitive: bool
) -> None:
    """``ID=$(collab-console copy ...)`` waits until nobody holds the pipe open.

    Neither a helper nor a keeper (sensitive) keeps the command's stdout or stderr.
    """
    text = fresh_text("piped")

    child, report = run_child(
        tmp_path,
        text,
        close=close,
        env=env_without("WAYLAND_DISPLAY", PATH=os.environ["PATH"]),
        sensitive=sensitive,
    )

    assert child.returncode == 0, report + output(child)
    closed = {int(fd) for fd in close.split(",")} if close != "-" else set()
    assert report == " ".join("closed" if fd in closed else "open" for fd in (1, 2))
    for fd, pipe in ((1, child.stdout), (2, child.stderr)):
        written, ended = drain(pipe)
        assert written == (b"" if fd in closed else b"still reaches its pipe\n"), f"descriptor {fd}"
        assert ended, f"a process left behind still holds the pipe on descriptor {fd}"
    assert read_clipboard() == text


# -- sensitive values: marked, kept by a keeper, cleared in time ---------------------------

KDE_SECRET_HINT = "x-kde-passwordManagerHint"  # gui.clipboard's name; this test loads no Qt
KEEPER_MODULE = b"collab_console.clipboard_keeper"


def fresh_url() -> str:
    return link_url("https://collab.example.com/join/", new_token())


def xclip_out(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert REAL_XCLIP is not None
    return subprocess.run(
        [REAL_XCLIP, "-selection", "clipboard", *args, "-o"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        timeout=10,
    )


def pasted() -> str | None:
    """What another program pastes now; None when nobody holds the clipboard."""
    done = xclip_out()
    return done.stdout.decode() if done.returncode == 0 else None


def copy_elsewhere(text: str) -> None:
    """Another program copies ``text`` (xclip's child serves it; it holds none of our pipes)."""
    assert REAL_XCLIP is not None
    subprocess.run(
        [REAL_XCLIP, "-selection", "clipboard", "-i"],
        input=text.encode(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=10,
    )


def wait_until(condition: Callable[[], bool], *, timeout: float = 10.0, what: str) -> float:
    """Poll ``condition`` until it holds; returns when (``time.monotonic()``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {what} after {timeout:g} s")
        time.sleep(0.02)
    return time.monotonic()


def processes() -> Iterator[tuple[int, bytes, bytes]]:
    """Every process we may read: its id, command line and environment."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            yield (
                int(entry.name),
                (entry / "cmdline").read_bytes(),
                (entry / "environ").read_bytes(),
            )
        except OSError:  # gone meanwhile, or not ours to read
            continue


def keepers_on_this_display(display: str) -> list[int]:
    """Keepers serving this X server (other test runs may have theirs on other displays)."""
    ours = b"DISPLAY=" + display.encode()
    return [
        pid
        for pid, cmdline, environ in processes()
        if KEEPER_MODULE in cmdline and ours in environ.split(b"\0")
    ]


def newest_keeper() -> subprocess.Popen[bytes]:
    from collab_console.cli import clipboard

    assert clipboard._keepers, "no keeper was started"
    return clipboard._keepers[-1]


@pytest.mark.usefixtures("x11_only")
def test_a_sensitive_value_is_readable_at_once_and_marked_secret() -> None:
    text = fresh_url()

    started = time.monotonic()
    SystemClipboard().put(text, sensitive=True, clear_after_s=30)
    took = time.monotonic() - started

    assert took < 5, f"put took {took:.2f} s; a keeper should answer in well under a second"
    assert read_clipboard() == text
    offered = xclip_out("-t", "TARGETS").stdout.decode().split()
    assert {"UTF8_STRING", "text/plain", KDE_SECRET_HINT} <= set(offered)
    assert xclip_out("-t", KDE_SECRET_HINT).stdout == b"secret"
    assert newest_keeper().poll() is None, "the keeper serves the value"


@pytest.mark.usefixtures("x11_only")
def test_a_sensitive_value_is_cleared_when_its_time_runs_out() -> None:
    text = fresh_url()

    put_at = time.monotonic()
    SystemClipboard().put(text, sensitive=True, clear_after_s=1)

    assert read_clipboard() == text
    keeper = newest_keeper()
    ended_at = wait_until(lambda: keeper.poll() is not None, what="cleared")
    assert ended_at - put_at >= 0.9, "cleared before its time"
    assert keeper.returncode == 0
    assert pasted() is None


@pytest.mark.usefixtures("x11_only")
def test_a_sensitive_value_replaced_by_another_program_is_left_alone() -> None:
    SystemClipboard().put(fresh_url(), sensitive=True, clear_after_s=1)
    keeper = newest_keeper()
    other = fresh_text("copied elsewhere")

    copy_elsewhere(other)

    # The keeper leaves as soon as it lost the clipboard: nothing is left to clear it.
    wait_until(lambda: keeper.poll() is not None, what="gone")
    assert keeper.returncode == 0
    assert read_clipboard() == other


@pytest.mark.usefixtures("x11_only")
def test_without_qt_a_sensitive_value_is_copied_unmarked_and_still_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keeper that cannot load Qt says so; a helper copies, and a keeper watches the value."""
    no_qt = tmp_path / "no-qt"
    (no_qt / "PySide6").mkdir(parents=True)
    (no_qt / "PySide6" / "__init__.py").write_text("raise ImportError('no Qt on this machine')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(no_qt), *sys.path]))
    text = fresh_url()

    SystemClipboard().put(text, sensitive=True, clear_after_s=1)

    assert read_clipboard() == text
    assert KDE_SECRET_HINT not in xclip_out("-t", "TARGETS").stdout.decode().split()
    watcher = newest_keeper()
    wait_until(lambda: watcher.poll() is not None, what="cleared")
    assert pasted() in ("", None)


@pytest.mark.parametrize("sensitive", [False, True], ids=["plain", "sensitive"])
@pytest.mark.usefixtures("x11_only")
def test_no_value_is_handed_to_another_program_on_its_command_line(
    monkeypatch: pytest.MonkeyPatch, sensitive: bool
) -> None:
    """Every program started while copying (keeper, xclip) gets the value on stdin only."""
    started: list[tuple[object, object]] = []
    real_popen = subprocess.Popen

    class RecordingPopen(real_popen):  # type: ignore[misc,valid-type]
        def __init__(self, args: object, *rest: object, **options: object) -> None:
            started.append((args, options.get("env")))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    text = fresh_url()

    SystemClipboard().put(text, sensitive=sensitive, clear_after_s=30)

    assert read_clipboard() == text
    assert started, "something must have been started"
    for args, env in started:
        assert text not in repr(args)
        assert env is None or text not in repr(env)


# -- the command -------------------------------------------------------------------------


@pytest.fixture
def url_clears_in_1_s(demo_store: Store) -> Store:
    """The demo store with Session URL copy on, cleared from the clipboard after 1 s."""
    demo_store.save_settings(
        demo_store.load_settings().changed(
            actor="admin.test",
            now=datetime.now(UTC),
            acknowledged=True,
            copy_session_url=True,
            clipboard_clear_seconds=1,
        ),
        admin=become_admin(demo_store, "admin.test"),
    )
    return demo_store


#: A Session URL the demo store hands out: its base and a fresh token, never the ID.
DEMO_URL = re.compile(re.escape(DEMO_URL_BASE) + r"[A-Za-z0-9_-]{24}")


@pytest.mark.usefixtures("url_clears_in_1_s", "x11_only")
def test_copy_of_a_url_returns_at_once_and_the_url_is_cleared_a_second_later(
    run_cli: RunCli, display: str
) -> None:
    started = time.monotonic()
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "url")
    took = time.monotonic() - started

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Copied a new Session URL ({link_host(DEMO_URL_BASE)}) for Dana Levi. "
        "It works for 30 minutes. "
        "Clears from the clipboard in 1 s.\n"
    )
    assert took < 10, f"copy took {took:.2f} s"
    url = read_clipboard()
    assert DEMO_URL.fullmatch(url), url
    assert DEMO_ACTIVE_ID not in url
    assert xclip_out("-t", KDE_SECRET_HINT).stdout == b"secret"
    assert keepers_on_this_display(display), "a keeper serves the URL"
    token = url.rpartition("/")[2].encode()
    leaks = [pid for pid, cmdline, environ in processes() if token in cmdline + environ]
    assert leaks == [], "the URL is in the command line or environment of a process"

    wait_until(lambda: pasted() is None, what="cleared")
    wait_until(lambda: not keepers_on_this_display(display), what="gone")


@pytest.mark.usefixtures("url_clears_in_1_s", "x11_only")
def test_copy_of_a_url_leaves_what_another_program_copied_since(
    run_cli: RunCli, display: str
) -> None:
    done = run_cli("copy", DEMO_ACTIVE_ID, "--what", "both")
    assert done.returncode == 0, done.stderr
    greeting = read_clipboard().splitlines()[0]
    assert DEMO_URL.fullmatch(greeting.rpartition(" ")[2]), greeting
    other = fresh_text("copied elsewhere")

    copy_elsewhere(other)

    wait_until(lambda: not keepers_on_this_display(display), what="gone")
    assert read_clipboard() == other


LOADED_QT = """
import json, sys
from collab_console.main import main
from tests.store.admins import become_admin

code = main(sys.argv[1:])
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("PySide6", "shiboken6")
    or name.startswith(("collab_console.gui", "collab_console.clipboard_keeper"))
)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


@pytest.mark.usefixtures("url_clears_in_1_s", "x11_only")
def test_the_command_itself_never_loads_qt_copying_a_url(data_dir: Path) -> None:
    """The keeper is a program of its own: the CLI starts it, and never imports it or Qt."""
    arguments = ["--data-dir", str(data_dir), "copy", DEMO_ACTIVE_ID, "--what", "url"]
    done = subprocess.run(
        [sys.executable, "-c", LOADED_QT, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        timeout=60,
    )

    report = json.loads(done.stderr.decode().strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
    assert DEMO_URL.fullmatch(read_clipboard())


@pytest.mark.parametrize(("wl_clipboard", "owns"), [(True, False), (False, True)])
def test_in_a_wayland_session_wl_copy_serves_sensitive_values_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wl_clipboard: bool, owns: bool
) -> None:
    """A compositor may keep an X11 clipboard from Wayland programs: wl-copy serves it there."""
    from collab_console.cli.clipboard import _keeper_can_own

    programs = {"wl-copy": "/bin/true", "wl-paste": "/bin/true"} if wl_clipboard else {}
    monkeypatch.setenv("PATH", str(bin_dir(tmp_path, xclip=str(REAL_XCLIP), **programs)))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")

    assert _keeper_can_own() is owns
