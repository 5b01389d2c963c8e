"""The copy policy: which copy buttons a person gets, and why one is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collab_console.core.domain import Participant, Session, SessionState, build_session
from collab_console.core.policy import CopyAction, copy_actions, refusal, withheld_reasons
from collab_console.core.settings import URL_WARNING, Acknowledgement, CopySettings

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)

ID, URL, BOTH = CopyAction.ID, CopyAction.URL, CopyAction.BOTH
ACTIVE, ENDED = SessionState.ACTIVE, SessionState.ENDED


def make_settings(*, id_on: bool, url_on: bool) -> CopySettings:
    acks = {"copy_session_url": Acknowledgement("admin.ana", NOW, URL_WARNING.version)}
    return CopySettings.build(
        copy_session_id=id_on, copy_session_url=url_on, acknowledgements=acks if url_on else {}
    )


def make_session(state: SessionState = ACTIVE, session_id: str = "7QKM-92HX") -> Session:
    return build_session(
        session_id=session_id,
        customer_name="Dana Levi",
        contact="+1 202 555 0100",
        created_at=NOW,
        participant_names=("Omar Haddad", "Grace Kim"),
        state=state,
        ended_at=NOW if state is ENDED else None,
    )


def pick(session: Session, who: str) -> Participant:
    return session.customer if who == "customer" else session.find("Grace Kim")


@pytest.mark.parametrize("who", ["customer", "document participant"])
@pytest.mark.parametrize(
    ("id_on", "url_on", "state", "expected"),
    [
        (False, False, ACTIVE, ()),
        (True, False, ACTIVE, (ID,)),
        (False, True, ACTIVE, (URL,)),
        (True, True, ACTIVE, (ID, URL, BOTH)),
        (False, False, ENDED, ()),
        (True, False, ENDED, ()),
        (False, True, ENDED, ()),
        (True, True, ENDED, ()),
    ],
)
def test_copy_actions_table(
    who: str, id_on: bool, url_on: bool, state: SessionState, expected: tuple[CopyAction, ...]
) -> None:
    session = make_session(state)
    settings = make_settings(id_on=id_on, url_on=url_on)

    assert copy_actions(settings, session, pick(session, who)) == expected


@pytest.mark.parametrize(
    ("id_on", "url_on", "action", "must_mention"),
    [
        (False, True, ID, "Copy Session ID"),
        (True, False, URL, "Copy Session URL"),
        (True, False, BOTH, "Copy Session URL"),
        (False, True, BOTH, "Copy Session ID"),
        (False, False, BOTH, "Copy Session ID and Copy Session URL"),
    ],
)
def test_refusal_names_the_setting_to_turn_on_and_where(
    id_on: bool, url_on: bool, action: CopyAction, must_mention: str
) -> None:
    session = make_session()
    reason = refusal(make_settings(id_on=id_on, url_on=url_on), session, session.customer, action)

    assert reason is not None
    assert must_mention in reason
    assert "Session > Tools > Copy session details" in reason


@pytest.mark.parametrize("action", list(CopyAction))
def test_refusal_for_an_ended_session_says_it_is_not_active(action: CopyAction) -> None:
    session = make_session(ENDED, session_id="3FDN-X8TR")
    reason = refusal(make_settings(id_on=True, url_on=True), session, session.customer, action)

    assert reason is not None
    assert "3FDN-X8TR" in reason
    assert "not active" in reason


@pytest.mark.parametrize("action", list(CopyAction))
def test_allowed_action_has_no_refusal(action: CopyAction) -> None:
    session = make_session()
    person = session.find("Omar Haddad")

    assert refusal(make_settings(id_on=True, url_on=True), session, person, action) is None


def test_a_person_from_another_session_is_refused() -> None:
    session = make_session(session_id="7QKM-92HX")
    stranger = make_session(session_id="3FDN-X8TR").find("Grace Kim")
    settings = make_settings(id_on=True, url_on=True)

    reason = refusal(settings, session, stranger, ID)

    assert reason is not None
    assert "Grace Kim is not in session 7QKM-92HX" in reason
    assert copy_actions(settings, session, stranger) == ()


def test_a_look_alike_with_another_id_is_refused() -> None:
    """Same name and role, but an ID the session never issued: not this session's person."""
    session = make_session()
    real = session.find("Grace Kim")
    forged = Participant(real.name, real.role, "W7QD-5MKR", real.contact)

    assert copy_actions(make_settings(id_on=True, url_on=True), session, forged) == ()


@pytest.mark.parametrize("action", [URL, BOTH])
def test_without_a_confirmed_policy_the_url_is_withheld_and_the_id_is_not(
    action: CopyAction,
) -> None:
    session = make_session()
    settings = make_settings(id_on=True, url_on=True)

    reason = refusal(settings, session, session.customer, action, policy_confirmed=False)

    assert reason is not None
    assert "cannot confirm the copy policy" in reason
    assert refusal(settings, session, session.customer, ID, policy_confirmed=False) is None
    assert copy_actions(settings, session, session.customer, policy_confirmed=False) == (ID,)


def with_url_base(settings: CopySettings, url_base: str) -> CopySettings:
    """``settings`` holding a URL base no validator let through, as a tampered value would."""
    values = dict(settings.values)
    values["session_url_base"] = url_base
    object.__setattr__(settings, "values", values)
    return settings


@pytest.mark.parametrize(
    ("url_base", "says"),
    [
        ("https://evil.example/phish?next=", "must not contain '?' or '#'"),
        ("http://collab.example.com/join/", "must start with https://"),
        ("https://collab.example.com/jo\nin/", "spaces, tabs or line breaks"),
        ("", "is empty"),
    ],
    ids=["query", "http", "newline", "empty"],
)
def test_a_url_base_that_is_not_valid_withholds_the_url_and_not_the_id(
    url_base: str, says: str
) -> None:
    """Fail closed: a Session URL is only made on a base that passes its checks now."""
    session = make_session()
    settings = with_url_base(make_settings(id_on=True, url_on=True), url_base)

    reason = refusal(settings, session, session.customer, URL)

    assert reason is not None
    assert reason.startswith("the Session URL base is not valid (")
    assert says in reason
    assert "phish" not in reason, "the refusal must not repeat a planted link"
    assert refusal(settings, session, session.customer, BOTH) == reason
    assert withheld_reasons(settings, session, session.customer) == (reason,)
    assert copy_actions(settings, session, session.customer) == (ID,)


@pytest.mark.parametrize(
    "url_base",
    ["https://collab.example.com/join/", "http://127.0.0.1:8765/join/", "http://localhost/"],
)
def test_a_valid_url_base_is_all_a_url_action_needs(url_base: str) -> None:
    """No Session URL is stored with the person any more: there is nothing else to check."""
    session = make_session()
    settings = make_settings(id_on=True, url_on=True).changed(
        actor="admin.ana", now=NOW, session_url_base=url_base
    )

    for person in session.everyone:
        assert copy_actions(settings, session, person) == (ID, URL, BOTH)
