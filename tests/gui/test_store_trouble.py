"""A slow, broken or changing store, as the open console lives through it.

The store is wrapped, not mocked: every call still reaches the real SQLite
store, after a delay or instead of an error, so the console meets the same
data it would over a slow network or a failing disk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from collab_console.core.demo import DEMO_ACTIVE_ID
from collab_console.gui.console_window import ConsoleWindow
from collab_console.gui.store_hub import StoreHub
from collab_console.store import Store
from collab_console.store.errors import StoreUnreadableError
from tests.gui.helpers import (
    CARD_TIMEOUT_MS,
    hover_customer,
    named,
    save_as_admin,
    save_through_hub,
    show_console,
    shown_card,
)

pytestmark = pytest.mark.gui


class WrappedStore:
    """The real store behind a delay, or a failure, switched on by the test."""

    def __init__(self, store: Store, *, delay_s: float = 0.0) -> None:
        self._store = store
        self.delay_s = delay_s
        self.broken = False
        self.calls = 0
        self.running = threading.Event()
        self._never = threading.Event()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.running.set()
            try:
                if self.delay_s:
                    self._never.wait(self.delay_s)  # a slow network, not a test waiting
                if self.broken:
                    raise StoreUnreadableError(
                        f"Could not {name.replace('_', ' ')}: cannot use the store "
                        f"{self._store.location} (disk I/O error)."
                    )
                return attribute(*args, **kwargs)
            finally:
                self.running.clear()

        return call


class PaintCounter(QObject):
    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


@pytest.fixture
def url_on_store(demo_store: Store) -> Store:
    save_as_admin(demo_store, acknowledged=True, copy_session_url=True)
    return demo_store


MakeHub = Callable[..., tuple[WrappedStore, StoreHub]]


@pytest.fixture
def make_hub(url_on_store: Store) -> Iterator[MakeHub]:
    """A hub on the URL-enabled demo store behind a :class:`WrappedStore`."""
    made: list[tuple[WrappedStore, StoreHub]] = []

    def make(*, delay_s: float = 0.0, **options: Any) -> tuple[WrappedStore, StoreHub]:
        wrapped = WrappedStore(url_on_store, delay_s=delay_s)
        hub = StoreHub(
            wrapped,
            settings=url_on_store.load_settings(),
            sessions=url_on_store.list_sessions(),
            **options,
        )
        made.append((wrapped, hub))
        return wrapped, hub

    yield make
    for wrapped, hub in made:
        wrapped.delay_s, wrapped.broken = 0.0, False
        hub.close()


def test_the_console_repaints_and_opens_the_card_while_a_store_call_takes_two_seconds(
    qtbot: QtBot, make_hub: MakeHub
) -> None:
    slow, hub = make_hub(delay_s=2.0)
    window = show_console(qtbot, hub, session_timeout_ms=10_000)
    qtbot.waitUntil(slow.running.is_set, timeout=5000)
    started = time.monotonic()

    painted = PaintCounter(window)
    window.update()
    qtbot.waitUntil(lambda: painted.count > 0, timeout=1500)
    repainted_after = time.monotonic() - started
    hover_customer(qtbot, window)
    qtbot.waitUntil(lambda: shown_card(window) is not None, timeout=1500)
    card_after = time.monotonic() - started

    assert slow.running.is_set(), "the store call was still running: nothing waited for it"
    print(
        f"\nslow store: repainted after {repainted_after * 1000:.0f} ms, "
        f"card open after {card_after * 1000:.0f} ms (intent delay included) "
        "while a 2000 ms store call ran"
    )


def test_a_store_that_turns_bad_withdraws_the_url_says_so_once_and_recovers(
    qtbot: QtBot, make_hub: MakeHub, read_with_xclip: Any, clear_clipboard: None
) -> None:
    breakable, hub = make_hub(poll_ms=50, grace_ms=600)
    window = show_console(qtbot, hub)
    hover_customer(qtbot, window)
    qtbot.waitUntil(lambda: shown_card(window) is not None, timeout=CARD_TIMEOUT_MS)
    card = window.copying.card
    assert [b.objectName() for b in card.visible_buttons()] == [
        "copyIdButton",
        "copyUrlButton",
        "copyBothButton",
    ]
    problems: list[str] = []
    hub.store_problem.connect(problems.append)

    breakable.broken = True
    with qtbot.waitSignal(hub.policy_confirmed_changed, timeout=5000) as confirmed:
        pass
    assert confirmed.args == [False]
    calls = breakable.calls
    qtbot.waitUntil(lambda: breakable.calls > calls + 5, timeout=5000)

    assert [b.objectName() for b in card.visible_buttons()] == ["copyIdButton"]
    assert "cannot confirm the copy policy" in named(card, QLabel, "copyCardWithheld").text()
    # Said once, not on every poll. A poll under way as the store turns bad may fail at its
    # second call (the event socket) before the next poll fails at its first: two sentences.
    assert 1 <= len(problems) <= 2, problems
    assert len(set(problems)) == len(problems), "said once, not on every poll"
    status = named(window, QLabel, "storeStatusLabel")
    assert status.isVisible()
    assert "disk I/O error" in status.text()

    with qtbot.waitSignal(window.copying.said, timeout=5000):
        card.visible_buttons()[0].click()
    assert read_with_xclip() == DEMO_ACTIVE_ID, "the Session ID keeps its last known state"

    breakable.broken = False
    qtbot.waitUntil(lambda: len(card.visible_buttons()) == 3, timeout=5000)
    assert not status.isVisible()
    assert problems[-1] == ""


def test_a_session_started_elsewhere_keeps_the_selection_and_the_open_card(
    qtbot: QtBot, console: ConsoleWindow, hub: StoreHub, data_dir: Any
) -> None:
    from collab_console.store import open_store

    save_through_hub(qtbot, hub, copy_session_id=True)
    view = console.view.participants_view
    rect = view.visualRect(console.view.participants_model.index(1, 0))
    qtbot.mouseMove(view.viewport(), rect.center())
    qtbot.waitUntil(lambda: shown_card(console) is not None, timeout=CARD_TIMEOUT_MS)
    model = console.sessions.model
    before = model.rowCount()

    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.assertNotEmitted(console.view.participants_model.modelReset),
    ):
        other = open_store(data_dir)
        try:
            other.start_session(
                customer_name="Ben Okafor",
                contact="ben@example.com",
                now=datetime.now(UTC),
                actor="agent.elsewhere",
            )
        finally:
            other.close()
        qtbot.waitUntil(lambda: model.rowCount() == before + 1, timeout=5000)

    assert model.item(0).customer_name == "Ben Okafor", "newest active session first"
    assert console.session_list.currentIndex().row() == 1
    assert console.sessions.current == DEMO_ACTIVE_ID
    assert shown_card(console) is not None
    assert console.copying.card.title.text() == "Grace Kim"
