"""``SystemClipboard``, the CLI's clipboard, against a real X server.

Every check reads the clipboard with a separate ``xclip -o`` process, as
another program would. Run under an X server:
``xvfb-run -a -s "-screen 0 1280x1024x24" pytest tests/cli/test_clipboard.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import IO

import pytest

from collab_console.cli.clipboard import NO_CLIPBOARD_HELP, SystemClipboard
from collab_console.core.errors import ClipboardError

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
# ("-" for none), then a file to write the state of descriptors 1 and 2 to afterwards.
CHILD = """
import os, sys
from collab_console.cli.clipboard import SystemClipboard
from collab_console.core.errors import ClipboardError

text, to_close, report = sys.argv[1], sys.argv[2], sys.argv[3]
closed = [] if to_close == "-" else [int(fd) for fd in to_close.split(",")]
for fd in closed:
    os.close(fd)
try:
    SystemClipboard().put(text, sensitive=False)
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
    tmp_path: Path, text: str, *, close: str = "-", env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Run :data:`CHILD` with its stdout and stderr on pipes; returns it, ended, and its report."""
    report = tmp_path / "report"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, text, close, str(report)],
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


@pytest.mark.parametrize(
    "env",
    [
        pytest.param(env_without("DISPLAY", "WAYLAND_DISPLAY"), id="no DISPLAY"),
        pytest.param(env_without("WAYLAND_DISPLAY", DISPLAY=":59999"), id="unreachable DISPLAY"),
    ],
)
def test_without_a_display_put_says_what_to_install(tmp_path: Path, env: dict[str, str]) -> None:
    before = fresh_text("before")
    SystemClipboard().put(before, sensitive=False)

    child, report = run_child(tmp_path, fresh_text("never copied"), env=env)

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


@pytest.mark.parametrize(
    "close",
    [
        pytest.param("-", id="stdout and stderr open"),
        pytest.param("1", id="stdout closed"),
        pytest.param("2", id="stderr closed"),
        pytest.param("1,2", id="both closed"),
    ],
)
def test_put_leaves_no_helper_on_its_output_and_restores_it(tmp_path: Path, close: str) -> None:
    """``ID=$(collab-console copy ...)`` waits until nobody holds the pipe open."""
    text = fresh_text("piped")

    child, report = run_child(
        tmp_path, text, close=close, env=env_without("WAYLAND_DISPLAY", PATH=os.environ["PATH"])
    )

    assert child.returncode == 0, report + output(child)
    closed = {int(fd) for fd in close.split(",")} if close != "-" else set()
    assert report == " ".join("closed" if fd in closed else "open" for fd in (1, 2))
    for fd, pipe in ((1, child.stdout), (2, child.stderr)):
        written, ended = drain(pipe)
        assert written == (b"" if fd in closed else b"still reaches its pipe\n"), f"descriptor {fd}"
        assert ended, f"a process left behind still holds the pipe on descriptor {fd}"
    assert read_clipboard() == text
