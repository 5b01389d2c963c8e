"""The card's remedies for a person: copying first when their invitation failed, Resend invite
first otherwise, and a reason asked for a Session URL that is no fallback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collab_console.core.copy_actions import CopyAction
from collab_console.core.copying import link_for_copy
from collab_console.core.delivery import Delivery, DeliveryState
from collab_console.core.domain import (
    ContactKind,
    Participant,
    Session,
    SessionState,
    build_session,
)
from collab_console.core.errors import ValidationError
from collab_console.core.links import Link, LinkPurpose, MintedLink
from collab_console.core.policy import (
    COPY_REASON_LENGTH,
    CardPlan,
    card_plan,
    clean_copy_reason,
    url_copy_needs_reason,
)
from collab_console.core.settings import (
    PREFERENCES_PATH,
    URL_WARNING,
    Acknowledgement,
    CopySettings,
)

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
GRACE, OMAR = "K9ZC-3HNP", "M4RT-6WQA"
BLOCKED = "the SMS gateway answered HTTP 403 Forbidden: the carrier blocked the message"
ID, URL, BOTH = CopyAction.ID, CopyAction.URL, CopyAction.BOTH
ACTIVE, ENDED = SessionState.ACTIVE, SessionState.ENDED
#: How each person's invitation may stand: None is never invited.
STANDINGS = {
    "none": None,
    "queued": (DeliveryState.QUEUED, 0, ""),
    "retrying": (DeliveryState.QUEUED, 1, "timed out after 10 s"),
    "sent": (DeliveryState.SENT, 1, ""),
    "delivered": (DeliveryState.DELIVERED, 1, ""),
    "failed": (DeliveryState.FAILED, 1, BLOCKED),
}


def settings(*, id_on: bool, url_on: bool) -> CopySettings:
    acks = {"copy_session_url": Acknowledgement("admin.ana", NOW, URL_WARNING.version)}
    return CopySettings.build(
        copy_session_id=id_on, copy_session_url=url_on, acknowledgements=acks if url_on else {}
    )


def session_where(standing: str, state: SessionState = ACTIVE) -> Session:
    """Grace (with a phone) and Omar (without a contact); Grace's invitation as ``standing``."""
    found = STANDINGS[standing]
    deliveries = {}
    if found is not None:
        delivery_state, attempts, reason = found
        deliveries[GRACE] = Delivery(
            invitation_id="I-K9ZC0001",
            session_id="7QKM-92HX",
            access_id=GRACE,
            channel=ContactKind.SMS,
            recipient="+442079460912",
            state=delivery_state,
            queued_at=NOW,
            updated_at=NOW,
            queued_by="agent.kai",
            attempts=attempts,
            reason=reason,
            next_attempt_at=NOW if delivery_state is DeliveryState.QUEUED else None,
        )
    return build_session(
        session_id="7QKM-92HX",
        customer_name="Dana Levi",
        contact="+1 202 555 0100",
        created_at=NOW,
        participant_names=("Grace Kim", "Omar Haddad"),
        participant_contacts=("+44 20 7946 0912", ""),
        participant_ids=(GRACE, OMAR),
        state=state,
        ended_at=NOW if state is ENDED else None,
        deliveries=deliveries,
    )


def grace(session: Session) -> Participant:
    return session.find("Grace Kim")


# -- when the Session URL needs a reason -------------------------------------------------------


@pytest.mark.parametrize(
    ("standing", "needs"),
    [
        ("none", True),
        ("queued", True),
        ("retrying", True),
        ("sent", True),
        ("delivered", True),
        ("failed", False),
    ],
)
def test_only_a_failed_invitation_makes_the_url_copy_need_no_reason(
    standing: str, needs: bool
) -> None:
    session = session_where(standing)

    assert url_copy_needs_reason(session, grace(session)) is needs


def _minted(person: Participant) -> MintedLink:
    link = Link(
        link_id="L-7QKM92HX",
        session_id="7QKM-92HX",
        access_id=person.access_id,
        purpose=LinkPurpose.COPY,
        made_by="agent.kai",
        made_at=NOW,
        expires_at=None,
        first_join_only=False,
    )
    return MintedLink(link, "https://collab.example.com/join/" + "q" * 24)


@pytest.mark.parametrize("standing", list(STANDINGS))
@pytest.mark.parametrize(
    ("action", "reason", "given"),
    [
        (URL, "", "none"),
        (BOTH, "  ", "none"),
        (URL, "four", "too short"),
        (URL, "she deleted the text message", "good"),
        (BOTH, "she deleted the text message", "good"),
        (ID, "", "no url"),
    ],
)
def test_a_url_link_is_made_only_with_a_reason_unless_the_invitation_failed(
    standing: str, action: CopyAction, reason: str, given: str
) -> None:
    """The copy service's rule (``core.copying``): without a link nothing is copied. A
    reason is needed unless the invitation failed, and checked whenever one is given."""
    session = session_where(standing)
    person = grace(session)

    made = link_for_copy(
        settings=settings(id_on=True, url_on=True),
        session=session,
        person=person,
        action=action,
        mint=lambda: _minted(person),
        copy_reason=reason,
    )

    mints = given == "good" or (given == "none" and standing == "failed")
    assert (made is not None) is mints


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  the   customer's  phone drops SMS\n", "the customer's phone drops SMS"),
        ("x" * COPY_REASON_LENGTH[0], "x" * COPY_REASON_LENGTH[0]),
        ("x" * COPY_REASON_LENGTH[1], "x" * COPY_REASON_LENGTH[1]),
    ],
)
def test_a_copy_reason_is_one_line(typed: str, kept: str) -> None:
    assert clean_copy_reason(typed) == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        pytest.param("", "at least 5 characters", id="empty"),
        pytest.param(" a b ", "at least 5 characters", id="too-short"),
        pytest.param("x" * (COPY_REASON_LENGTH[1] + 1), "200 characters", id="too-long"),
        pytest.param("because\x00why", "at least 5 characters", id="control-character"),
        pytest.param(None, "at least 5 characters", id="not-text"),
    ],
)
def test_a_copy_reason_must_say_something(typed: object, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        clean_copy_reason(typed)


# -- what the card offers first -----------------------------------------------------------------

#: The card's note when the invitation failed and copying is what is left.
FAILED_NOTE = f"The invitation could not be delivered: {BLOCKED}."
COPY_IT = " Copy the details and give them another way."
ASK_AN_ADMIN = (
    " No session detail may be copied: ask an admin to turn on Copy Session ID or"
    f" Copy Session URL in {PREFERENCES_PATH}."
)


@pytest.mark.parametrize(
    ("standing", "id_on", "url_on", "state", "expected"),
    [
        pytest.param(
            "delivered", True, True, ACTIVE, CardPlan(False, (ID, URL, BOTH), True), id="delivered"
        ),
        pytest.param("sent", True, False, ACTIVE, CardPlan(False, (ID,), True), id="sent"),
        pytest.param("queued", False, False, ACTIVE, CardPlan(False, (), True), id="queued"),
        pytest.param("retrying", False, True, ACTIVE, CardPlan(False, (URL,), True), id="retry"),
        pytest.param("none", True, False, ACTIVE, CardPlan(False, (ID,), True), id="never-sent"),
        pytest.param(
            "failed",
            True,
            True,
            ACTIVE,
            CardPlan(True, (ID, URL, BOTH), True, FAILED_NOTE + COPY_IT),
            id="failed-copy-first",
        ),
        pytest.param(
            "failed",
            True,
            False,
            ACTIVE,
            CardPlan(True, (ID,), True, FAILED_NOTE + COPY_IT),
            id="failed-id-only",
        ),
        pytest.param(
            "failed",
            False,
            False,
            ACTIVE,
            CardPlan(True, (), True, FAILED_NOTE + ASK_AN_ADMIN),
            id="failed-nothing-enabled",
        ),
        pytest.param(
            "failed", True, True, ENDED, CardPlan(True, (), False, FAILED_NOTE), id="failed-ended"
        ),
        pytest.param("delivered", True, True, ENDED, CardPlan(False, (), False), id="ended"),
    ],
)
def test_the_card_plan_table(
    standing: str, id_on: bool, url_on: bool, state: SessionState, expected: CardPlan
) -> None:
    session = session_where(standing, state)

    plan = card_plan(settings(id_on=id_on, url_on=url_on), session, grace(session))

    assert plan == expected


def test_someone_without_a_contact_cannot_be_resent_an_invite() -> None:
    session = session_where("none")

    plan = card_plan(settings(id_on=True, url_on=False), session, session.find("Omar Haddad"))

    assert plan == CardPlan(copy_first=False, copy_actions=(ID,), can_resend=False)


def test_an_unconfirmed_policy_withholds_the_url_from_the_card_too() -> None:
    session = session_where("failed")

    plan = card_plan(
        settings(id_on=True, url_on=True), session, grace(session), policy_confirmed=False
    )

    assert plan.copy_first
    assert plan.copy_actions == (ID,)
