"""The admin and agent commands. Each returns an exit status and prints no traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import Any, TextIO

from collab_console.core.clipboard_text import clipboard_text, copied_message
from collab_console.core.domain import normalise_session_id
from collab_console.core.errors import CollabConsoleError, NotFoundError, ValidationError
from collab_console.core.policy import CopyAction, refusal
from collab_console.core.settings import SETTING_SPECS, CopySettings
from collab_console.store import open_store


class Exit(IntEnum):
    OK = 0
    FAILED = 1  # the store cannot be used
    USAGE = 2  # argparse's own code for bad arguments
    REFUSED = 3  # the copy policy says no
    NOT_FOUND = 4  # no such session or participant
    NO_CLIPBOARD = 5  # nothing on this machine can hold the clipboard


NO_CLIPBOARD_HELP = (
    "no clipboard is reachable. On X11 install xclip or xsel (apt-get install xclip) "
    "and run inside a desktop session; on Wayland install wl-clipboard."
)


def fail(message: str, code: Exit, stream: TextIO = sys.stderr) -> int:
    print(f"collab-console: {message}", file=stream)
    return int(code)


def settings_as_dict(settings: CopySettings) -> dict[str, Any]:
    ack = settings.url_acknowledgement
    data: dict[str, Any] = {spec.key: settings.value(spec.key) for spec in SETTING_SPECS}
    data["url_acknowledgement"] = (
        None
        if ack is None
        else {"by": ack.by, "at": ack.at.isoformat(), "warning_version": ack.warning_version}
    )
    data["updated_by"] = settings.updated_by
    data["updated_at"] = settings.updated_at.isoformat() if settings.updated_at else None
    return data


def format_settings(settings: CopySettings, location: str) -> str:
    rows = []
    for spec in SETTING_SPECS:
        value = settings.value(spec.key)
        rows.append((spec.label, ("on" if value else "off") if isinstance(value, bool) else value))
    ack = settings.url_acknowledgement
    rows.append(
        (
            "URL warning",
            "not acknowledged"
            if ack is None
            else f"acknowledged by {ack.by} at {ack.at:%Y-%m-%d %H:%M} UTC "
            f"(warning v{ack.warning_version})",
        )
    )
    when = f" at {settings.updated_at:%Y-%m-%d %H:%M} UTC" if settings.updated_at else ""
    rows.append(("Last changed", f"by {settings.updated_by}{when}"))
    width = max(len(label) for label, _ in rows)
    lines = ["Session > Tools > Copy session details"]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    lines.append(f"Store: {location}")
    return "\n".join(lines)


def settings_show(args: argparse.Namespace) -> int:
    store = open_store(args.data_dir)
    try:
        settings = store.load_settings()
    finally:
        store.close()
    if args.json:
        data = settings_as_dict(settings) | {"store": store.location}
        print(json.dumps(data, indent=2))
    else:
        print(format_settings(settings, store.location))
    return Exit.OK


def copy(args: argparse.Namespace) -> int:
    try:
        session_id = normalise_session_id(args.session_id)
    except ValidationError as exc:
        return fail(str(exc), Exit.USAGE)
    store = open_store(args.data_dir)
    try:
        settings = store.load_settings()
        session = store.get_session(session_id)
    except NotFoundError as exc:
        return fail(str(exc), Exit.NOT_FOUND)
    finally:
        store.close()
    try:
        person = session.find(args.participant)
    except NotFoundError as exc:
        return fail(str(exc), Exit.NOT_FOUND)
    action = CopyAction(args.what)
    reason = refusal(settings, session, person, action)
    if reason is not None:
        return fail(f"refused: {reason}", Exit.REFUSED)
    text = clipboard_text(action, person)
    if not put_on_clipboard(text):
        return fail(NO_CLIPBOARD_HELP, Exit.NO_CLIPBOARD)
    print(copied_message(action, person))
    return Exit.OK


def put_on_clipboard(text: str) -> bool:
    """Copy ``text`` and read it back, so a clipboard that only seems to work is caught."""
    import pyperclip  # imported here: it probes the desktop, which only this command needs

    try:
        with _helpers_write_to_devnull():
            pyperclip.copy(text)
        return bool(pyperclip.paste() == text)
    except pyperclip.PyperclipException:
        return False


@contextmanager
def _helpers_write_to_devnull() -> Iterator[None]:
    """Point stdout and stderr at /dev/null while pyperclip starts its helper.

    On X11 the helper (xclip, xsel) stays behind to serve the clipboard. It
    inherits our output streams, and would keep ``$(collab-console copy ...)``
    or a pipe open until something else is copied.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


COMMANDS = {"settings": settings_show, "copy": copy}


def run_command(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    except CollabConsoleError as exc:
        return fail(str(exc), Exit.FAILED)
