"""The copy service: the one path from a click (or ``copy``) to the clipboard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.copying import CopyRecord, CopyResult, clearing_note, copy_detail
from collab_console.core.domain import Session, build_session
from collab_console.core.errors import ClipboardError
from collab_console.core.settings import URL_WARNING, Acknowledgement, CopySettings

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
ALL_ON = CopySettings.build(
    copy_session_id=True,
    copy_session_url=True,
    acknowledgements={"copy_session_url": Acknowledgement("admin.ana", NOW, URL_WARNING.version)},
)


class FakeClipboard:
    """Stands for the system clipboard: keeps what was put, or fails like a missing one."""

    def __init__(self, *, works: bool = True) -> None:
        self.works = works
        self.puts: list[tuple[str, bool]] = []
        self.clear_after: list[int] = []

    def put(self, text: str, *, sensitive: bool, clear_after_s: int = 0) -> None:
        if not self.works:
            raise ClipboardError("no clipboard is reachable; install xclip")
        self.puts.append((text, sensitive))
        self.clear_after.append(clear_after_s)


@pytest.fixture
def session() -> Session:
    return build_session(
        session_id="7QKM-92HX",
        customer_name="Dana Levi",
        contact="+1 555 0100 200",
        url_base="https://collab.example.com/join/",
        created_at=NOW,
        participant_names=("Grace Kim",),
    )


@pytest.mark.parametrize("action", list(CopyAction))
def test_an_allowed_copy_puts_the_declared_text_records_it_and_confirms(
    session: Session, action: CopyAction
) -> None:
    clipboard, records = FakeClipboard(), []
    person = session.find("Grace Kim")

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=person,
        action=action,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
    )

    spec = COPY_ACTIONS[action]
    assert outcome.result is CopyResult.COPIED
    assert outcome.message == spec.confirmation(person)
    assert clipboard.puts == [(spec.clipboard_text(person), action is not CopyAction.ID)]
    assert records == [CopyRecord("7QKM-92HX", "7QKM-92HX-P1", action, "agent.kai")]


def test_the_policy_is_checked_with_the_settings_of_the_moment(session: Session) -> None:
    """An admin turned URL copy off after the card opened: the click is refused."""
    clipboard, records = FakeClipboard(), []
    now_off = ALL_ON.changed(actor="admin.ben", now=NOW, copy_session_url=False)

    outcome = copy_detail(
        settings=now_off,
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
    )

    assert outcome.result is CopyResult.REFUSED
    assert outcome.message.startswith("Not copied: Copy Session URL is turned off")
    assert clipboard.puts == []
    assert records == []


def test_a_missing_clipboard_is_said_and_nothing_is_recorded(session: Session) -> None:
    records: list[CopyRecord] = []

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.customer,
        action=CopyAction.ID,
        clipboard=FakeClipboard(works=False),
        record=records.append,
        actor="agent.kai",
    )

    assert outcome.result is CopyResult.NO_CLIPBOARD
    assert outcome.message == "Not copied: No clipboard is reachable; install xclip."
    assert records == []


def test_every_copy_action_has_its_own_declaration() -> None:
    """No action may borrow another's text (a forgotten branch once copied 'both')."""
    assert set(COPY_ACTIONS) == set(CopyAction)
    texts = {
        action: spec.clipboard_text(
            build_session(
                session_id="7QKM-92HX",
                customer_name="Dana Levi",
                contact="a@b.co",
                url_base="https://collab.example.com/join/",
                created_at=NOW,
            ).customer
        )
        for action, spec in COPY_ACTIONS.items()
    }
    assert len(set(texts.values())) == len(texts)
    assert [spec.sensitive for spec in COPY_ACTIONS.values()] == [False, True, True]


@pytest.mark.parametrize(
    ("action", "seconds", "cleared_after"),
    [
        (CopyAction.ID, 45, 0),  # a Session ID is never cleared
        (CopyAction.URL, 45, 45),
        (CopyAction.BOTH, 45, 45),
        (CopyAction.URL, 0, 0),  # 0: the admin turned clearing off
    ],
)
def test_a_sensitive_copy_is_cleared_after_the_admins_delay(
    session: Session, action: CopyAction, seconds: int, cleared_after: int
) -> None:
    clipboard = FakeClipboard()
    settings = ALL_ON.changed(actor="admin.ana", now=NOW, clipboard_clear_seconds=seconds)

    outcome = copy_detail(
        settings=settings,
        session=session,
        person=session.customer,
        action=action,
        clipboard=clipboard,
        record=lambda _record: None,
        actor="agent.kai",
    )

    assert outcome.result is CopyResult.COPIED
    assert clipboard.clear_after == [cleared_after]
    assert outcome.clear_after_s == cleared_after
    assert outcome.message == COPY_ACTIONS[action].confirmation(session.customer)


def test_the_default_delay_is_30_s_and_a_refused_copy_clears_nothing(session: Session) -> None:
    clipboard = FakeClipboard()

    copied = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=lambda _record: None,
        actor="agent.kai",
    )
    refused = copy_detail(
        settings=ALL_ON.changed(actor="admin.ben", now=NOW, copy_session_url=False),
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=lambda _record: None,
        actor="agent.kai",
    )

    assert copied.clear_after_s == 30
    assert refused.clear_after_s == 0
    assert clearing_note(copied.clear_after_s) == "Clears from the clipboard in 30 s."
