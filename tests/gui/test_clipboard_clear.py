"""A copied Session URL is marked secret on the clipboard and cleared again in time.

Checked as other programs see it: ``xclip`` reads the clipboard's targets and
values, and takes the clipboard over (``xclip -i``) as a user copying something
else would.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_URL_BASE
from collab_console.gui.clipboard import KDE_SECRET_HINT, clipboard_data, secret_formats
from collab_console.gui.console_window import CLIPBOARD_CLEARED, ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.testing.pages import ConsolePage
from tests.gui.helpers import (
    both_text,
    named,
    save_through_hub,
    stored_link,
    url_in,
)

#: A Session URL as the demo makes them, for the tests of the formats alone.
SESSION_URL = f"{DEMO_URL_BASE}q8Xz-3_vLm0PaR7tYw2bNc5d"
ELSEWHERE = "copied in another program"
XCLIP = shutil.which("xclip")


def xclip(
    qtbot: QtBot, *args: str, given: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``xclip -selection clipboard ARGS`` as another program, the console's loop running.

    xclip asks this process for what it reads, so it runs in a thread while the
    test waits on its result. Copying (``given``), xclip leaves a child behind to
    serve the clipboard: it gets no pipe to hold open.
    """
    if XCLIP is None:
        pytest.fail("xclip is needed to read the clipboard from another process", pytrace=False)
    result: list[subprocess.CompletedProcess[bytes]] = []

    def run() -> None:
        result.append(
            subprocess.run(
                [XCLIP, "-selection", "clipboard", *args],
                input=given,
                stdin=None if given is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE if given is None else subprocess.DEVNULL,
                stderr=subprocess.PIPE if given is None else subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
        )

    worker = threading.Thread(target=run)
    worker.start()
    qtbot.waitUntil(lambda: bool(result), timeout=12_000)
    worker.join()
    return result[0]


def targets(qtbot: QtBot) -> list[str]:
    return xclip(qtbot, "-t", "TARGETS", "-o").stdout.decode().split()


def pasted(qtbot: QtBot) -> str | None:
    """What another program pastes now; None when the clipboard holds nothing."""
    done = xclip(qtbot, "-o")
    return done.stdout.decode() if done.returncode == 0 else None


def copy_elsewhere(qtbot: QtBot) -> None:
    """Another program copies: it owns the clipboard once the console has heard so."""
    assert xclip(qtbot, "-i", given=ELSEWHERE.encode()).returncode == 0
    clipboard = QApplication.clipboard()
    qtbot.waitUntil(lambda: not clipboard.ownsClipboard(), timeout=5000)


def allow_url_copy(qtbot: QtBot, hub: StoreHub, clear_seconds: int) -> None:
    save_through_hub(
        qtbot,
        hub,
        acknowledged=True,
        copy_session_id=True,
        copy_session_url=True,
        clipboard_clear_seconds=clear_seconds,
    )


def countdown(console: ConsoleWindow) -> QLabel:
    return named(console, QLabel, "clipboardCountdownLabel")


# -- the marks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "text"),
    [
        ("Session URL", lambda url: url),
        ("both", lambda url: both_text("Dana Levi", url, DEMO_ACTIVE_ID)),
    ],
    ids=["url", "both"],
)
@pytest.mark.usefixtures("clear_clipboard")
def test_a_copied_url_is_marked_secret_next_to_the_plain_text(
    qtbot: QtBot,
    console_page: ConsolePage,
    hub: StoreHub,
    data_dir: Path,
    detail: str,
    text: Callable[[str], str],
) -> None:
    allow_url_copy(qtbot, hub, clear_seconds=30)

    copied = console_page.hover_customer().copy(detail)

    url = url_in(copied)
    assert copied == text(url)
    stored_link(data_dir, url, access_id=DEMO_ACTIVE_ID)
    offered = targets(qtbot)
    assert {"UTF8_STRING", "text/plain", KDE_SECRET_HINT} <= set(offered)
    assert xclip(qtbot, "-t", KDE_SECRET_HINT, "-o").stdout == b"secret"


@pytest.mark.usefixtures("clear_clipboard")
def test_a_copied_session_id_is_not_marked_and_not_cleared(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    console = console_page.window
    allow_url_copy(qtbot, hub, clear_seconds=1)

    assert console_page.hover_customer().copy("Session ID") == DEMO_ACTIVE_ID

    assert KDE_SECRET_HINT not in targets(qtbot)
    assert console_page.status_message == f"Copied Session ID {DEMO_ACTIVE_ID} for Dana Levi."
    assert console.findChild(QLabel, "clipboardCountdownLabel") is None
    assert not console.copying.clipboard.clear_if_unchanged()
    assert pasted(qtbot) == DEMO_ACTIVE_ID


# -- clearing in time -----------------------------------------------------------------


@pytest.mark.usefixtures("clear_clipboard")
def test_the_url_is_cleared_when_its_time_runs_out(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    console = console_page.window
    allow_url_copy(qtbot, hub, clear_seconds=1)
    card = console_page.hover_customer()

    with qtbot.waitSignal(console.copying.clipboard.cleared, timeout=5000):
        assert card.copy("Session URL").startswith(DEMO_URL_BASE)
        assert console_page.status_message == (
            "Copied a new Session URL (127.0.0.1:8765) for Dana Levi. It works for 30 minutes."
        )
        assert countdown(console).isVisible()
        assert countdown(console).text() == "Session URL copied — clears in 1 s"

    assert pasted(qtbot) is None
    assert QApplication.clipboard().text() == ""
    assert console_page.status_message == CLIPBOARD_CLEARED
    assert not countdown(console).isVisible()


@pytest.mark.usefixtures("clear_clipboard")
def test_a_url_replaced_by_another_program_is_left_alone(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    console = console_page.window
    allow_url_copy(qtbot, hub, clear_seconds=1)
    console_page.hover_customer().copy("Session URL")
    assert countdown(console).isVisible()

    copy_elsewhere(qtbot)

    qtbot.waitUntil(lambda: not countdown(console).isVisible(), timeout=5000)
    # Past the second the URL had: nothing is cleared then either.
    with qtbot.assertNotEmitted(console.copying.clipboard.cleared, wait=1500):
        pass
    assert pasted(qtbot) == ELSEWHERE
    assert console_page.status_message != CLIPBOARD_CLEARED


@pytest.mark.usefixtures("clear_clipboard")
def test_the_countdown_goes_down_each_second_and_a_new_copy_starts_it_again(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    console = console_page.window
    allow_url_copy(qtbot, hub, clear_seconds=2)
    card = console_page.hover_customer()
    card.copy("Session URL")
    label = countdown(console)
    assert label.text() == "Session URL copied — clears in 2 s"

    qtbot.waitUntil(lambda: label.text() == "Session URL copied — clears in 1 s", timeout=3000)
    card.copy("both")

    assert label.text() == "Session URL copied — clears in 2 s"
    # Screen readers heard the copy message once; the ticking label does not rename itself.
    assert label.accessibleName() == "Clipboard countdown"
    with qtbot.waitSignal(console.copying.clipboard.cleared, timeout=5000):
        pass
    assert pasted(qtbot) is None


# -- closing the console ---------------------------------------------------------------


@pytest.mark.usefixtures("clear_clipboard")
def test_closing_the_console_clears_an_unchanged_url(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    allow_url_copy(qtbot, hub, clear_seconds=30)
    assert console_page.hover_customer().copy("Session URL").startswith(DEMO_URL_BASE)

    console_page.window.close()

    assert pasted(qtbot) is None


@pytest.mark.usefixtures("clear_clipboard")
def test_closing_the_console_leaves_what_another_program_copied(
    qtbot: QtBot, console_page: ConsolePage, hub: StoreHub
) -> None:
    allow_url_copy(qtbot, hub, clear_seconds=30)
    console_page.hover_customer().copy("Session URL")
    copy_elsewhere(qtbot)

    console_page.window.close()

    assert pasted(qtbot) == ELSEWHERE


# -- the formats, for every platform ------------------------------------------------------


WINDOWS_MIME = 'application/x-qt-windows-mime;value="{}"'


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", {KDE_SECRET_HINT: b"secret"}),
        ("freebsd14", {KDE_SECRET_HINT: b"secret"}),
        (
            "win32",
            {
                WINDOWS_MIME.format("ExcludeClipboardContentFromMonitorProcessing"): b"1",
                WINDOWS_MIME.format("CanIncludeInClipboardHistory"): b"\0\0\0\0",
                WINDOWS_MIME.format("CanUploadToCloudClipboard"): b"\0\0\0\0",
            },
        ),
        ("darwin", {"application/x-nspasteboard-concealed-type": SESSION_URL.encode()}),
    ],
)
def test_the_secret_formats_of_each_platform(platform: str, expected: dict[str, bytes]) -> None:
    assert dict(secret_formats(SESSION_URL, platform)) == expected


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_clipboard_data_holds_the_plain_text_and_the_marks(
    qapp: QApplication, platform: str
) -> None:
    sensitive = clipboard_data(SESSION_URL, sensitive=True, platform=platform)
    plain = clipboard_data(DEMO_ACTIVE_ID, sensitive=False, platform=platform)

    assert sensitive.text() == SESSION_URL
    for mime_type, value in secret_formats(SESSION_URL, platform).items():
        assert bytes(sensitive.data(mime_type).data()) == value
    assert plain.text() == DEMO_ACTIVE_ID
    assert plain.formats() == ["text/plain"]
