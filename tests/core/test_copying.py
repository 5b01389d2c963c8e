"""The copy service: the one path from a click (or ``copy``) to the clipboard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.copying import CopyRecord, CopyResult, copy_detail
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

    def put(self, text: str, *, sensitive: bool) -> None:
        if not self.works:
            raise ClipboardError("no clipboard is reachable; install xclip")
        self.puts.append((text, sensitive))


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
