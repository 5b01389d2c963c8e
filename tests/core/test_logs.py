"""The log file: private, rotating, and without a Session URL, token or passphrase in it."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_console.core import logs, redaction
from collab_console.core.links import link_url
from collab_console.core.log_handlers import PrivateRotatingFileHandler
from collab_console.core.masking import MASK
from collab_console.core.redaction import REDACTED, SecretRegistry, redact
from collab_console.core.text import ID_ALPHABET

LOGGER = logging.getLogger("collab_console.test_logs")

access_ids = st.builds(
    lambda head, tail, position: f"{head}-{tail}" + (f"-P{position}" if position else ""),
    st.text(ID_ALPHABET, min_size=4, max_size=4),
    st.text(ID_ALPHABET, min_size=4, max_size=4),
    st.integers(min_value=0, max_value=30),
)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z][a-z0-9]{1,8}){1,2}", fullmatch=True)
#: Tokens as ``core.links.new_token`` makes them, including the few without a digit.
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
tokens = st.text(TOKEN_CHARS, min_size=24, max_size=24)
url_bases = st.builds(
    lambda host, path: f"https://{host}/{path}",
    hosts,
    st.sampled_from(["join/", "org/join/", "s/", ""]),
) | st.builds(
    lambda host, port, path: f"http://{host}{port}/{path}",
    st.sampled_from(["127.0.0.1", "localhost"]),
    st.sampled_from(["", ":8765", ":80"]),
    st.sampled_from(["join/", "s/", ""]),
)
#: Passphrases are typed text of any script; the mask character is left out,
#: since a secret made of it cannot be told from its own mask, and so are line
#: breaks alone, which end every line of the file.
passphrases = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters=MASK), min_size=1
).filter(lambda text: text.strip("\n"))  # the file's own line ends are no secret
anything = st.text(st.characters(exclude_categories=("Cs",)))
#: What may follow a URL in a line: nothing, or text that does not go on with the URL's last
#: path segment (see ``test_a_token_glued_to_the_next_word_is_masked``).
after_a_url = st.just("") | st.builds(
    str.__add__,
    st.characters(exclude_categories=("Cs",), exclude_characters=TOKEN_CHARS),
    anything,
)


@pytest.fixture(autouse=True)
def fresh_secret_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction, "SECRETS", SecretRegistry())


@pytest.fixture(autouse=True)
def no_log_file_left_open() -> Iterator[None]:
    yield
    logs.stop_logging()


@contextmanager
def logging_to(folder: Path) -> Iterator[Path]:
    """The app's log set up in ``folder``, and closed again (hypothesis runs many in one test)."""
    path = logs.setup_logging("DEBUG", folder=folder)
    try:
        yield path
    finally:
        logs.stop_logging()


def written(folder: Path) -> str:
    """Every log file in ``folder`` as written: bytes decoded, line ends untouched."""
    return "".join(path.read_bytes().decode("utf-8") for path in logs.log_files(folder))


# -- where the log goes ---------------------------------------------------------------------


def test_the_log_folder_is_the_variable_or_the_users_log_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    assert logs.log_dir() == tmp_path / "logs"

    monkeypatch.setenv(logs.LOG_DIR_ENV, "")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert logs.log_dir() == tmp_path / "state" / "collab-console" / "log"


def test_setup_writes_to_the_log_folder_in_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "new" / "logs"
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(folder))
    path = logs.setup_logging()
    LOGGER.info("console started")
    logs.stop_logging()

    assert path == folder / logs.LOG_FILENAME
    assert logs.log_files() == [path]
    assert "INFO collab_console.test_logs: console started" in written(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_every_rotated_file_is_private_and_old_ones_go(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    old = tmp_path / logs.LOG_FILENAME
    old.write_text("from an earlier version\n", encoding="utf-8")
    old.chmod(0o644)

    with logging_to(tmp_path):
        for line in range(400):
            LOGGER.info("line %d of a busy day", line)

    files = logs.log_files(tmp_path)
    assert [path.name for path in files] == [logs.LOG_FILENAME] + [
        f"{logs.LOG_FILENAME}.{n}" for n in range(1, logs.BACKUP_COUNT + 1)
    ]
    assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}
    assert "line 399 of a busy day" in files[0].read_text(encoding="utf-8")


def test_setting_up_again_replaces_the_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    logs.setup_logging(folder=first)
    logs.setup_logging(folder=second)
    LOGGER.warning("after the second set-up")
    logs.stop_logging()

    assert "after the second set-up" not in written(first)
    assert "after the second set-up" in written(second)


# -- what never reaches it --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(secret=passphrases, before=anything, after=anything)
def test_a_registered_secret_never_reaches_the_file(
    tmp_path_factory: pytest.TempPathFactory, secret: str, before: str, after: str
) -> None:
    folder = tmp_path_factory.mktemp("logs")
    with mock.patch.object(redaction, "SECRETS", SecretRegistry()), logging_to(folder):
        logs.forget_in_logs(secret)
        LOGGER.info(before + secret + after)
        LOGGER.info("%s%s%s", before, secret, after)
        LOGGER.info("typed %r", secret)

    assert secret not in written(folder)


@settings(max_examples=60, deadline=None)
@given(base=url_bases, token=tokens, access_id=access_ids, before=anything, after=after_a_url)
def test_a_session_url_never_reaches_the_file(
    tmp_path_factory: pytest.TempPathFactory,
    base: str,
    token: str,
    access_id: str,
    before: str,
    after: str,
) -> None:
    url = link_url(base, token)
    folder = tmp_path_factory.mktemp("logs")
    with logging_to(folder):
        LOGGER.info(before + url + after)
        LOGGER.debug("copied %s for %s", url, access_id)
        try:
            raise ValueError(f"cannot open {url}")
        except ValueError:
            LOGGER.exception("while %s", before)

    text = written(folder)
    assert url not in text
    assert token not in text or token in before + after


@pytest.mark.parametrize("after", ["s", "-"])
@pytest.mark.parametrize("base", ["https://collab.example.com/s/", "http://127.0.0.1:8765/"])
def test_a_token_glued_to_the_next_word_is_masked(base: str, after: str) -> None:
    token = "abcdefghijKLMNOPQRST_-uv"

    assert token not in redact(f"copied {base}{token}{after} for Dana")


def test_a_traceback_and_a_stack_are_masked_too(tmp_path: Path) -> None:
    url = "https://collab.example.com/join/7QKM-92HX"
    with logging_to(tmp_path):
        logs.forget_in_logs("hunter2 horse")
        try:
            raise RuntimeError(f"login with 'hunter2 horse' at {url} failed")
        except RuntimeError:
            LOGGER.exception("store unreachable")
        LOGGER.info("where am I? %s", url, stack_info=True)

    text = written(tmp_path)
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: login with '••••' at https://collab.example.com/•••• failed" in text
    assert "Stack (most recent call last)" in text
    assert "hunter2" not in text
    assert "7QKM-92HX" not in text.split("store unreachable")[1]


def test_a_log_call_with_wrong_arguments_is_written_not_raised(tmp_path: Path) -> None:
    # Straight to the file's handler: pytest's own handler raises on such a call.
    record = LOGGER.makeRecord(
        LOGGER.name,
        logging.INFO,
        __file__,
        1,
        "%s and %s",
        ("https://c.example.com/join/7QKM-92HX",),
        None,
    )
    with logging_to(tmp_path):
        (handler,) = (
            h for h in logging.getLogger().handlers if isinstance(h, PrivateRotatingFileHandler)
        )
        handler.handle(record)

    text = written(tmp_path)
    assert "its arguments did not fit the message and were dropped" in text
    assert "7QKM-92HX" not in text


# -- what the masking keeps and takes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "copied https://collab.example.com/join/7QKM-92HX-P2 for Dana",
            f"copied https://collab.example.com/{REDACTED} for Dana",
        ),
        (
            "opened https://x.example/s/7QKM-92HX?utm=1.",
            f"opened https://x.example/{REDACTED}",
        ),
        (
            # a Session URL on any base: its token, even one without a digit, is masked
            "copied http://127.0.0.1:8765/abcdefghijklmnopqrstuvwx for Dana",
            f"copied http://127.0.0.1:8765/{REDACTED} for Dana",
        ),
        (
            "opened https://collab.example.com/s/q8Xz-3_vLm0PaR7tYw2bNc5d.",
            f"opened https://collab.example.com/{REDACTED}",
        ),
        ("link L-7QKM92HX revoked", "link L-7QKM92HX revoked"),
        (
            "URL base https://collab.example.com/join/ saved",
            "URL base https://collab.example.com/join/ saved",
        ),
        ("proxy https://ann:pw@proxy.example/", f"proxy https://{REDACTED}@proxy.example/"),
        ("token=ghp_16C7e42F292c6912E7710c838347Ae178B4a ok", f"token={REDACTED} ok"),
        ("hex 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", f"hex {REDACTED}"),
        (
            "Session 7QKM-92HX copied by Dana Levi at 2026-11-25 10:00:00",
            "Session 7QKM-92HX copied by Dana Levi at 2026-11-25 10:00:00",
        ),
        ("docs at https://example.com/help/copying", "docs at https://example.com/help/copying"),
        (
            "test_the_console_survives_a_busy_day_of_copy_cards passed",
            "test_the_console_survives_a_busy_day_of_copy_cards passed",
        ),
    ],
)
def test_masking_takes_secrets_and_keeps_what_helps_support(line: str, masked: str) -> None:
    assert redact(line) == masked


def test_a_registered_secret_is_masked_in_its_repr_form_too() -> None:
    logs.forget_in_logs("two\nlines")

    assert redact(repr("two\nlines")) == f"'{REDACTED}'"


def test_of_two_registered_secrets_the_longer_is_masked_whole() -> None:
    logs.forget_in_logs("horse")
    logs.forget_in_logs("horse battery")

    assert redact("a horse battery staple") == f"a {REDACTED} staple"


def test_events_reach_the_file_only_while_logging_is_set_up(tmp_path: Path) -> None:
    logs.log_event("before: %s", "nothing to write to")
    with logging_to(tmp_path) as path:
        logs.log_event("copied %s in session %s", "url", "7QKM-92HX")
    logs.log_event("after: %s", "closed")

    written = path.read_text(encoding="utf-8")
    assert "copied url in session 7QKM-92HX" in written
    assert "before" not in written
    assert "after" not in written
