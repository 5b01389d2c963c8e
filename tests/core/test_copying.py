"""The copy service: the one path from a click (or ``copy``) to the clipboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.copying import (
    CopyOutcome,
    CopyRecord,
    CopyResult,
    clearing_note,
    confirmation,
    copy_detail,
    lifetime_note,
    link_for_copy,
)
from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.core.domain import (
    Participant,
    Session,
    SessionState,
    build_session,
    parse_contact,
)
from collab_console.core.errors import ClipboardError, LinkLimitError
from collab_console.core.links import (
    TOKEN_LENGTH,
    Link,
    LinkPurpose,
    MintedLink,
    expires_at,
    is_token,
    link_url,
    new_link_id,
    new_token,
)
from collab_console.core.masking import mask_name
from collab_console.core.settings import URL_WARNING, Acknowledgement, CopySettings

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
BASE = "https://collab.example.com/join/"
GRACE = "K9ZC-3HNP"
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


def failed_invitation(access_id: str, contact: str) -> Delivery:
    """An invitation that could not be delivered: what the URL copy is for."""
    channel, recipient = parse_contact(contact)
    return Delivery(
        invitation_id=f"I-{access_id[:4]}0001",
        session_id="7QKM-92HX",
        access_id=access_id,
        channel=channel,
        recipient=recipient,
        state=DeliveryState.FAILED,
        queued_at=NOW,
        updated_at=NOW,
        queued_by="agent.amy",
        attempts=1,
        reason="the SMS gateway answered 403",
    )


@pytest.fixture
def session() -> Session:
    """Both invitations failed, so copying either person's Session URL needs no reason."""
    return build_session(
        session_id="7QKM-92HX",
        customer_name="Dana Levi",
        contact="+1 202 555 0100",
        created_at=NOW,
        participant_names=("Grace Kim",),
        participant_contacts=("+44 20 7946 0912",),
        participant_ids=(GRACE,),
        deliveries={
            "7QKM-92HX": failed_invitation("7QKM-92HX", "+1 202 555 0100"),
            GRACE: failed_invitation(GRACE, "+44 20 7946 0912"),
        },
    )


def minted(
    person: Participant,
    settings: CopySettings = ALL_ON,
    *,
    purpose: LinkPurpose = LinkPurpose.COPY,
    session_id: str = "7QKM-92HX",
) -> MintedLink:
    """A link made as a store's ``mint_link`` makes one, with the settings in force."""
    link = Link(
        link_id=new_link_id(),
        session_id=session_id,
        access_id=person.access_id,
        purpose=purpose,
        made_by="agent.kai",
        made_at=NOW,
        expires_at=expires_at(
            purpose,
            NOW,
            copied_minutes=settings.value("copied_link_minutes"),
            invitation_minutes=settings.value("invitation_link_minutes"),
        ),
        first_join_only=settings.value("link_first_join_only"),
    )
    return MintedLink(link, link_url(settings.session_url_base, new_token()))


class Minter:
    """Stands for ``lambda: store.mint_link(...)[0]``: counts calls, or hits a limit."""

    def __init__(self, person: Participant, *, limit: str | None = None) -> None:
        self.person, self.limit = person, limit
        self.made: list[MintedLink] = []

    def __call__(self) -> MintedLink:
        if self.limit is not None:
            raise LinkLimitError(self.limit)
        self.made.append(minted(self.person))
        return self.made[-1]


def copy(
    session: Session,
    person: Participant,
    action: CopyAction,
    *,
    settings: CopySettings = ALL_ON,
    clipboard: FakeClipboard | None = None,
    record: Callable[[CopyRecord], None] = lambda _record: None,
    mint: Callable[[], MintedLink] | None = None,
    shown: Participant | None = None,
) -> tuple[MintedLink | None, CopyOutcome]:
    """What the CLI and the console do: a link for the copy, then the copy itself."""
    problem = None
    link = None
    try:
        link = link_for_copy(
            settings=settings,
            session=session,
            person=person,
            action=action,
            mint=mint or Minter(person),
        )
    except LinkLimitError as exc:
        problem = str(exc)
    outcome = copy_detail(
        settings=settings,
        session=session,
        person=person,
        action=action,
        clipboard=clipboard or FakeClipboard(),
        record=record,
        actor="agent.kai",
        link=link,
        link_problem=problem,
        shown=shown,
    )
    return link, outcome


@pytest.mark.parametrize("action", list(CopyAction))
def test_an_allowed_copy_puts_the_declared_text_records_it_and_confirms(
    session: Session, action: CopyAction
) -> None:
    clipboard, records = FakeClipboard(), list[CopyRecord]()
    person = session.find("Grace Kim")

    link, outcome = copy(session, person, action, clipboard=clipboard, record=records.append)

    spec = COPY_ACTIONS[action]
    url = "" if link is None else link.url
    assert (link is not None) is spec.uses_url
    assert outcome.result is CopyResult.COPIED
    expected = spec.confirmation(person, "collab.example.com")
    if link is not None:
        expected += " It works for 30 minutes."
    assert outcome.message == expected
    assert clipboard.puts == [(spec.clipboard_text(person, url, BASE), action is not CopyAction.ID)]
    assert records == [CopyRecord("7QKM-92HX", GRACE, action, "agent.kai", "+44 20 7946 0912")]


@pytest.mark.parametrize("action", [CopyAction.URL, CopyAction.BOTH])
def test_the_confirmation_never_shows_the_url_or_its_token(
    session: Session, action: CopyAction
) -> None:
    person = session.find("Grace Kim")

    link, outcome = copy(session, person, action)

    assert link is not None
    token = link.url.removeprefix(BASE)
    assert link.url not in outcome.message
    assert token not in outcome.message
    assert "https://" not in outcome.message
    assert "(collab.example.com)" in outcome.message


# -- the bypass is gone: a Session URL is a fresh token, not base + ID ----------------------


@pytest.mark.parametrize("who", [None, "Grace Kim"])
def test_a_copied_url_is_the_base_and_a_token_unrelated_to_any_id(
    session: Session, who: str | None
) -> None:
    clipboard = FakeClipboard()
    person = session.find(who)

    copy(session, person, CopyAction.URL, clipboard=clipboard)

    [(url, sensitive)] = clipboard.puts
    assert sensitive
    assert url.startswith(BASE)
    token = url.removeprefix(BASE)
    assert len(token) == TOKEN_LENGTH
    assert is_token(token)
    for someone in session.everyone:
        assert someone.access_id not in url
        assert someone.access_id.replace("-", "") not in url
    assert url != BASE + person.access_id


def test_two_copies_give_two_different_urls(session: Session) -> None:
    clipboard = FakeClipboard()
    mint = Minter(session.customer)

    for _ in range(2):
        copy(session, session.customer, CopyAction.URL, clipboard=clipboard, mint=mint)

    assert len(mint.made) == 2
    first, second = (text for text, _ in clipboard.puts)
    assert first != second
    assert first.removeprefix(BASE) != second.removeprefix(BASE)
    assert [m.url for m in mint.made] == [first, second]
    assert mint.made[0].link.link_id != mint.made[1].link.link_id


def test_copy_both_gives_the_link_and_the_id_exactly_once(session: Session) -> None:
    clipboard = FakeClipboard()
    person = session.find("Grace Kim")

    link, _ = copy(session, person, CopyAction.BOTH, clipboard=clipboard)

    assert link is not None
    [(text, _)] = clipboard.puts
    assert text == (
        f"Hello Grace Kim, here is your link to join the session: {link.url}\n"
        f"If it does not open, go to {BASE} and enter the Session ID {GRACE}."
    )
    assert text.count(GRACE) == 1
    assert text.count(link.url) == 1


# -- link_for_copy: a link is minted only when the copy may hand one out ---------------------


def test_an_id_copy_mints_no_link(session: Session) -> None:
    mint = Minter(session.customer)

    assert (
        link_for_copy(
            settings=ALL_ON,
            session=session,
            person=session.customer,
            action=CopyAction.ID,
            mint=mint,
        )
        is None
    )
    assert mint.made == []


@pytest.mark.parametrize(
    ("settings", "confirmed"),
    [
        pytest.param(
            ALL_ON.changed(actor="admin.ben", now=NOW, copy_session_url=False), True, id="url-off"
        ),
        pytest.param(ALL_ON, False, id="policy-unconfirmed"),
    ],
)
@pytest.mark.parametrize("action", [CopyAction.URL, CopyAction.BOTH])
def test_a_refused_url_copy_mints_no_link(
    session: Session, settings: CopySettings, confirmed: bool, action: CopyAction
) -> None:
    """Fail closed: no link exists for a copy that will not happen."""
    mint = Minter(session.customer)

    link = link_for_copy(
        settings=settings,
        session=session,
        person=session.customer,
        action=action,
        mint=mint,
        policy_confirmed=confirmed,
    )

    assert link is None
    assert mint.made == []


def test_an_ended_session_mints_no_link() -> None:
    ended = build_session(
        session_id="3FDN-X8TR",
        customer_name="Priya Nair",
        contact="priya.nair@example.com",
        created_at=NOW,
        state=SessionState.ENDED,
        ended_at=NOW,
    )
    mint = Minter(ended.customer)

    link, outcome = copy(ended, ended.customer, CopyAction.URL, mint=mint)

    assert link is None
    assert mint.made == []
    assert outcome.result is CopyResult.REFUSED
    assert "not active" in outcome.message


def test_a_limit_reached_is_the_refusal_and_nothing_is_copied(session: Session) -> None:
    clipboard, records = FakeClipboard(), list[CopyRecord]()
    limit = (
        "this person already has 3 live links (at most 3); revoke one, or regenerate their links"
    )
    mint = Minter(session.customer, limit=limit)

    link, outcome = copy(
        session,
        session.customer,
        CopyAction.BOTH,
        clipboard=clipboard,
        record=records.append,
        mint=mint,
    )

    assert link is None
    assert outcome.result is CopyResult.REFUSED
    assert outcome.reason == limit
    assert outcome.message == f"Not copied: {limit}."
    assert clipboard.puts == []
    assert records == []


# -- copy_detail without a link made for this person refuses ---------------------------------


@pytest.mark.parametrize("action", [CopyAction.URL, CopyAction.BOTH])
def test_a_url_copy_without_a_link_is_refused(session: Session, action: CopyAction) -> None:
    clipboard, records = FakeClipboard(), list[CopyRecord]()

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.customer,
        action=action,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
    )

    assert outcome.result is CopyResult.REFUSED
    assert outcome.message == "Not copied: no Session URL was made for Dana Levi."
    assert clipboard.puts == []
    assert records == []


def test_a_link_made_for_someone_else_is_not_handed_out(session: Session) -> None:
    """A link is one person's: Grace's link is never put on the clipboard for Dana."""
    clipboard = FakeClipboard()

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=lambda _record: None,
        actor="agent.kai",
        link=minted(session.find("Grace Kim")),
    )

    assert outcome.result is CopyResult.REFUSED
    assert "no Session URL was made for Dana Levi" in outcome.message
    assert clipboard.puts == []


def test_an_id_copy_needs_no_link_and_gets_no_lifetime_note(session: Session) -> None:
    clipboard = FakeClipboard()

    _, outcome = copy(session, session.customer, CopyAction.ID, clipboard=clipboard)

    assert outcome.message == "Copied Session ID 7QKM-92HX for Dana Levi."
    assert clipboard.puts == [("7QKM-92HX", False)]


def test_the_confirmation_names_the_person_as_the_screen_shows_them(session: Session) -> None:
    """Behind the privacy screen the status bar names the masked person, never the real name."""
    person = session.find("Grace Kim")
    masked = person.replace(name=mask_name(person.name))

    _, outcome = copy(session, person, CopyAction.URL, shown=masked)

    assert outcome.copied
    assert outcome.message == (
        f"Copied a new Session URL (collab.example.com) for {masked.name}. It works for 30 minutes."
    )
    assert "Grace" not in outcome.message


# -- lifetimes -------------------------------------------------------------------------------


def link_lasting(minutes: int | None) -> Link:
    return Link(
        link_id="L-7QKM92HX",
        session_id="7QKM-92HX",
        access_id="7QKM-92HX",
        purpose=LinkPurpose.COPY,
        made_by="agent.kai",
        made_at=NOW,
        expires_at=None if minutes is None else NOW + timedelta(minutes=minutes),
        first_join_only=False,
    )


@pytest.mark.parametrize(
    ("minutes", "note"),
    [
        (None, "It works until the session ends."),
        (1, "It works for 1 minute."),
        (30, "It works for 30 minutes."),
        (60, "It works for 60 minutes."),
        (90, "It works for 90 minutes."),
        (120, "It works for 2 hours."),
        (150, "It works for 150 minutes."),
        (10080, "It works for 168 hours."),
    ],
)
def test_lifetime_note(minutes: int | None, note: str) -> None:
    assert lifetime_note(link_lasting(minutes)) == note


@pytest.mark.parametrize(
    ("settings", "note"),
    [
        (ALL_ON, "It works for 30 minutes."),
        (
            ALL_ON.changed(actor="admin.ana", now=NOW, copied_link_minutes=5),
            "It works for 5 minutes.",
        ),
        (
            ALL_ON.changed(actor="admin.ana", now=NOW, copied_link_minutes=240),
            "It works for 4 hours.",
        ),
    ],
)
def test_the_confirmation_says_how_long_the_copied_link_works(
    session: Session, settings: CopySettings, note: str
) -> None:
    person = session.customer

    _, outcome = copy(
        session, person, CopyAction.URL, settings=settings, mint=lambda: minted(person, settings)
    )

    assert outcome.message.endswith(" " + note)


@pytest.mark.parametrize("action", list(CopyAction))
def test_confirmation_reads_the_host_from_the_settings(
    session: Session, action: CopyAction
) -> None:
    settings = ALL_ON.changed(
        actor="admin.ana", now=NOW, session_url_base="http://127.0.0.1:8765/j/"
    )

    message = confirmation(action, session.customer, settings)

    assert message == COPY_ACTIONS[action].confirmation(session.customer, "127.0.0.1:8765")


def test_the_policy_is_checked_with_the_settings_of_the_moment(session: Session) -> None:
    """An admin turned URL copy off after the link was made: the click is still refused."""
    clipboard, records = FakeClipboard(), list[CopyRecord]()
    now_off = ALL_ON.changed(actor="admin.ben", now=NOW, copy_session_url=False)

    outcome = copy_detail(
        settings=now_off,
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
        link=minted(session.customer),
    )

    assert outcome.result is CopyResult.REFUSED
    assert outcome.message.startswith("Not copied: Copy Session URL is turned off")
    assert clipboard.puts == []
    assert records == []


@pytest.mark.parametrize("action", list(CopyAction))
def test_a_missing_clipboard_is_said_and_nothing_is_recorded(
    session: Session, action: CopyAction
) -> None:
    records: list[CopyRecord] = []

    link, outcome = copy(
        session,
        session.customer,
        action,
        clipboard=FakeClipboard(works=False),
        record=records.append,
    )

    assert outcome.result is CopyResult.NO_CLIPBOARD
    assert outcome.message == "Not copied: No clipboard is reachable; install xclip."
    assert not outcome.copied, "the caller revokes the link: nobody has it"
    assert records == []
    assert link is None or link.url not in outcome.message


def test_every_copy_action_has_its_own_declaration(session: Session) -> None:
    """No action may borrow another's text (a forgotten branch once copied 'both')."""
    assert set(COPY_ACTIONS) == set(CopyAction)
    url = link_url(BASE, new_token())
    texts = {
        action: spec.clipboard_text(session.customer, url, BASE)
        for action, spec in COPY_ACTIONS.items()
    }
    assert len(set(texts.values())) == len(texts)
    messages = {
        spec.confirmation(session.customer, "collab.example.com") for spec in COPY_ACTIONS.values()
    }
    assert len(messages) == len(COPY_ACTIONS)
    assert [spec.sensitive for spec in COPY_ACTIONS.values()] == [False, True, True]
    assert [spec.uses_url for spec in COPY_ACTIONS.values()] == [False, True, True]


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

    link, outcome = copy(session, session.customer, action, settings=settings, clipboard=clipboard)

    assert outcome.result is CopyResult.COPIED
    assert clipboard.clear_after == [cleared_after]
    assert outcome.clear_after_s == cleared_after
    expected = COPY_ACTIONS[action].confirmation(session.customer, "collab.example.com")
    assert outcome.message == expected + ("" if link is None else " It works for 30 minutes.")


def test_the_default_delay_is_30_s_and_a_refused_copy_clears_nothing(session: Session) -> None:
    clipboard = FakeClipboard()

    _, copied = copy(session, session.customer, CopyAction.URL, clipboard=clipboard)
    _, refused = copy(
        session,
        session.customer,
        CopyAction.URL,
        settings=ALL_ON.changed(actor="admin.ben", now=NOW, copy_session_url=False),
        clipboard=clipboard,
    )

    assert copied.clear_after_s == 30
    assert refused.clear_after_s == 0
    assert clearing_note(copied.clear_after_s) == "Clears from the clipboard in 30 s."


def delivered(session: Session) -> Session:
    """``session`` with Grace's invitation delivered: her Session URL is no fallback."""
    grace = session.deliveries[GRACE]
    fine = grace.replace(state=DeliveryState.DELIVERED, reason="")
    return session.replace(deliveries={**session.deliveries, GRACE: fine})


@pytest.mark.parametrize("action", [CopyAction.URL, CopyAction.BOTH])
def test_a_url_for_someone_whose_invitation_arrived_needs_a_reason(
    session: Session, action: CopyAction
) -> None:
    session = delivered(session)
    grace = session.find("Grace Kim")
    minted_now: list[MintedLink] = []

    def mint() -> MintedLink:
        minted_now.append(minted(grace))
        return minted_now[-1]

    no_link = link_for_copy(
        settings=ALL_ON, session=session, person=grace, action=action, mint=mint
    )
    clipboard, records = FakeClipboard(), list[CopyRecord]()
    refused = copy_detail(
        settings=ALL_ON,
        session=session,
        person=grace,
        action=action,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
        link=minted(grace),
    )

    assert no_link is None
    assert minted_now == []
    assert refused.result is CopyResult.REFUSED
    assert "Grace Kim's invitation did not fail" in refused.message
    assert "why the Session URL is copied" in refused.message
    assert clipboard.puts == []
    assert records == []


def test_the_reason_for_a_url_copy_is_kept_in_the_record(session: Session) -> None:
    session = delivered(session)
    grace = session.find("Grace Kim")
    link = link_for_copy(
        settings=ALL_ON,
        session=session,
        person=grace,
        action=CopyAction.URL,
        mint=lambda: minted(grace),
        copy_reason="  customer's phone   drops SMS ",
    )
    records = list[CopyRecord]()

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=grace,
        action=CopyAction.URL,
        clipboard=FakeClipboard(),
        record=records.append,
        actor="agent.kai",
        link=link,
        copy_reason="  customer's phone   drops SMS ",
    )

    assert outcome.copied
    assert [r.reason for r in records] == ["customer's phone drops SMS"]


def test_copying_an_id_never_asks_why(session: Session) -> None:
    session = delivered(session)
    records = list[CopyRecord]()

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.find("Grace Kim"),
        action=CopyAction.ID,
        clipboard=FakeClipboard(),
        record=records.append,
        actor="agent.kai",
    )

    assert outcome.copied
    assert records[0].reason == ""


def test_a_reason_too_short_is_refused_before_anything_is_copied(session: Session) -> None:
    """Even where no reason is needed, one given is checked before the clipboard is touched."""
    clipboard, records = FakeClipboard(), list[CopyRecord]()

    outcome = copy_detail(
        settings=ALL_ON,
        session=session,
        person=session.customer,
        action=CopyAction.URL,
        clipboard=clipboard,
        record=records.append,
        actor="agent.kai",
        link=minted(session.customer),
        copy_reason="ab",
    )

    assert outcome.result is CopyResult.REFUSED
    assert "why the Session URL is copied" in outcome.message
    assert clipboard.puts == []
    assert records == []
