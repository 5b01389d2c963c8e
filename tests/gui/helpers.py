"""Helpers of this repository's GUI tests that go beyond the QA kit.

The steps a user makes (pointer, clicks, keys, clipboard, dialogs) live in the
QA kit, :mod:`collab_console.testing.driving`, which QA teams use too; they are
re-exported here so a test imports its helpers from one place. What stays here
reaches past the screen: saving as an admin through the core, reading links
back from the store, planting values no validator lets through.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from collab_console.core.admins import change_settings
from collab_console.core.demo import DEMO_ACTIVE_ID, DEMO_URL_BASE
from collab_console.core.events import SettingsChanged
from collab_console.core.links import Link, LinkState
from collab_console.core.settings import CopySettings
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store, open_store
from collab_console.testing import driving
from collab_console.testing.driving import (
    CARD_TIMEOUT_MS,
    MASKED_URL,
    STORE_TIMEOUT_MS,
    both_text,
    centre,
    click,
    clipboard_now,
    driving_modal,
    hover_customer,
    named,
    open_unlock_dialog,
    park_pointer,
    retype,
    right_click,
    run_context_menu,
    show_console,
    show_preferences,
    shown_card,
    tick,
    token_of,
    type_credentials,
    url_in,
)
from tests.store.admins import become_admin, passphrase_for

if TYPE_CHECKING:
    from collab_console.gui.preferences_dialog import PreferencesDialog

__all__ = [
    "CARD_TIMEOUT_MS",
    "MASKED_URL",
    "STORE_TIMEOUT_MS",
    "both_text",
    "centre",
    "click",
    "clipboard_now",
    "driving_modal",
    "hover_customer",
    "named",
    "open_unlock_dialog",
    "park_pointer",
    "retype",
    "right_click",
    "run_context_menu",
    "show_console",
    "show_preferences",
    "shown_card",
    "tick",
    "token_of",
    "type_credentials",
    "url_in",
]

#: The admin of the GUI tests' demo store (``demo_store`` in ``tests/gui/conftest.py``).
ADMIN = "admin.ana"
#: Another admin, saving from another console (:func:`change_settings_elsewhere`).
OTHER_ADMIN = "admin.sam"


def unlock_preferences(qtbot: QtBot, dialog: PreferencesDialog, name: str = ADMIN) -> None:
    """Unlock Preferences as the admin ``name``, by typing into the Unlock dialog."""
    driving.unlock_preferences(qtbot, dialog, name, passphrase_for(name))


def save_as_admin(
    store: Store, name: str = ADMIN, *, acknowledged: bool = False, **values: object
) -> SettingsChanged:
    """``name`` (an admin, made one if needed) saves ``values`` through the core's one
    policy write, as ``collab-console settings set`` would."""
    admin = become_admin(store, name)
    return change_settings(
        store,
        store.load_settings(),
        admin,
        now=datetime.now(UTC),
        acknowledged=acknowledged,
        **values,
    )


def change_settings_elsewhere(data_dir: Path, **values: object) -> None:
    """admin.sam saves ``values`` through a connection of its own, as another console would.

    ``acknowledged=True`` acknowledges the warning of a sensitive setting turned on.
    """
    other = open_store(data_dir)
    try:
        save_as_admin(other, OTHER_ADMIN, **values)
    finally:
        other.close()


def save_through_hub(
    qtbot: QtBot, hub: StoreHub, *, acknowledged: bool = False, **values: object
) -> None:
    """Save ``values`` as admin.ana through the console's own hub, and wait until it took.

    The save runs on the hub's worker thread (the store's connection is its
    own); the settings_changed signal says every window has heard of it.
    """
    assert hub.settings is not None
    wanted = hub.settings.changed(
        actor=ADMIN, now=datetime.now(UTC), acknowledged=acknowledged, **values
    )
    if not wanted.differs_from(hub.settings):
        return
    errors: list[BaseException] = []
    with qtbot.waitSignal(hub.settings_changed, timeout=STORE_TIMEOUT_MS):
        hub.call(
            lambda store: save_as_admin(store, acknowledged=acknowledged, **values),
            lambda _event: None,
            errors.append,
        )
    assert errors == []


def unlocked_preferences(
    qtbot: QtBot, hub: StoreHub, parent: QWidget | None = None, name: str = ADMIN
) -> PreferencesDialog:
    """:func:`show_preferences`, unlocked by the admin ``name`` through the Unlock dialog."""
    dialog = show_preferences(qtbot, hub, parent)
    unlock_preferences(qtbot, dialog, name)
    return dialog


# -- Session URLs: a fresh link per copy ------------------------------------------------


def stored_link(
    data_dir: Path,
    url: str,
    *,
    access_id: str,
    session_id: str = DEMO_ACTIVE_ID,
    base: str = DEMO_URL_BASE,
) -> Link:
    """The link a copied ``url`` carries, as the store has it, read through a connection of
    its own (the hub's worker may be using the console's meanwhile).

    The store finds it by its token's hash (``core.links.token_hash``: it keeps nothing
    else of the token), it is live, made for ``access_id``, and among the session's links.
    """
    token = token_of(url, base)
    other = open_store(data_dir)
    try:
        check = other.check_link(token, now=datetime.now(UTC))
        links = other.list_links(session_id)
    finally:
        other.close()
    assert check is not None, "the store knows no link by the hash of this token"
    assert (check.link.session_id, check.link.access_id) == (session_id, access_id)
    assert check.state is LinkState.LIVE
    assert check.link in links
    return check.link


def session_links(data_dir: Path, session_id: str = DEMO_ACTIVE_ID) -> list[Link]:
    """Every link of the session, newest first, through a connection of its own."""
    other = open_store(data_dir)
    try:
        return other.list_links(session_id)
    finally:
        other.close()


#: A URL base no validator lets through (a phishing redirect): a console that somehow
#: holds it must withhold the Session URL, with a reason, and never make a link on it.
PLANTED_URL_BASE = "https://evil.example/phish?next="


def planted_url_base(settings: CopySettings, url_base: str = PLANTED_URL_BASE) -> CopySettings:
    """``settings`` holding ``url_base`` past every validator (the store refuses to load
    one, so it is planted in memory, as in ``tests/core/test_policy.py``)."""
    values = dict(settings.values)
    values["session_url_base"] = url_base
    object.__setattr__(settings, "values", values)
    return settings
