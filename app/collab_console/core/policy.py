"""The copy policy: which copy actions exist for a person in a session, now.

This is the only place that decides it. The hover card, the context menu, the
copy service and the ``copy`` command all ask :func:`copy_actions` or
:func:`refusal`.
"""

from __future__ import annotations

from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.domain import Participant, Session
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record
from collab_console.core.settings import SETTINGS_PATH, CopySettings, preferences_path

#: Why sensitive actions are withdrawn while the policy cannot be confirmed (English:
#: translate it where shown).
POLICY_UNCONFIRMED = N_(
    "the console cannot confirm the copy policy with the store right now, "
    "so the Session URL is withheld until it can"
)


def refusal(
    settings: CopySettings,
    session: Session,
    person: Participant,
    action: CopyAction,
    *,
    policy_confirmed: bool = True,
) -> str | None:
    """Why ``action`` is not allowed for ``person`` now, or None when it is.

    ``policy_confirmed`` is False while the console cannot vouch for ``settings``:
    at once when the connection to the store is lost (changes announced meanwhile
    are lost with it), until the settings were read afresh; and when the store
    could not be checked for changes for longer than a grace period. Sensitive
    actions are then refused (fail closed); the others follow ``settings``, the
    last read.
    """
    spec = COPY_ACTIONS[action]
    if not session.is_active:
        return _("session {session_id} is not active ({state})").format(
            session_id=isolate(session.session_id), state=session.state.label.lower()
        )
    if person not in session.everyone:
        return _("{name} is not in session {session_id}").format(
            name=person.name, session_id=isolate(session.session_id)
        )
    off = [need for need in spec.needs if not settings.value(need)]
    if off and len(spec.needs) == 1:
        return _("{setting} is turned off in {path}").format(
            setting=_(off[0].label), path=_(SETTINGS_PATH)
        )
    if off:
        return _("{action} needs {first} and {second} turned on in {path}").format(
            action=_(spec.label),
            first=_(spec.needs[0].label),
            second=_(spec.needs[1].label),
            path=_(SETTINGS_PATH),
        )
    if spec.sensitive and not policy_confirmed:
        return _(POLICY_UNCONFIRMED)
    if spec.uses_url:
        from collab_console.core.errors import SettingsError
        from collab_console.core.urls import validate_url_base

        try:
            validate_url_base(settings.session_url_base)
        except SettingsError as exc:
            return _("the Session URL base is not valid ({reason})").format(reason=exc)
    return None


def copy_actions(
    settings: CopySettings,
    session: Session,
    person: Participant,
    *,
    policy_confirmed: bool = True,
) -> tuple[CopyAction, ...]:
    """The copy actions to offer for ``person``; empty means: show no card."""
    return tuple(
        a
        for a in CopyAction
        if refusal(settings, session, person, a, policy_confirmed=policy_confirmed) is None
    )


def withheld_reasons(
    settings: CopySettings,
    session: Session,
    person: Participant,
    *,
    policy_confirmed: bool = True,
) -> tuple[str, ...]:
    """Why enabled actions are not offered for ``person`` (an invalid URL base, fail-closed).

    Settings that are simply off are not listed: the card need not say so.
    """
    reasons: list[str] = []
    for action in CopyAction:
        if not all(settings.value(need) for need in COPY_ACTIONS[action].needs):
            continue
        reason = refusal(settings, session, person, action, policy_confirmed=policy_confirmed)
        if reason is not None and reason not in reasons:
            reasons.append(reason)
    return tuple(reasons)


def nothing_to_copy_reason(settings: CopySettings, session: Session) -> str:
    """What to tell an agent who asks for copy options when there are none."""
    if not session.is_active:
        return _("Session {session_id} has ended; there is nothing to copy.").format(
            session_id=isolate(session.session_id)
        )
    return _("Copying session details is turned off. An admin can turn it on in {path}.").format(
        path=preferences_path()
    )


#: How long the reason for copying a Session URL may be, in characters.
COPY_REASON_LENGTH = (5, 200)


def url_copy_needs_reason(session: Session, person: Participant) -> bool:
    """True when copying the Session URL for ``person`` needs the agent's reason.

    The product page means the URL copy for invitations that could not be
    delivered; for anyone whose invitation did not fail, the agent says why,
    and the audit trail keeps it.
    """
    delivery = session.delivery_of(person)
    return delivery is None or not delivery.failed


def clean_copy_reason(text: object) -> str:
    """The agent's reason for a URL copy on one line, or raise ``ValidationError``."""
    from collab_console.core.errors import ValidationError

    shortest, longest = COPY_REASON_LENGTH
    line = " ".join(text.split()) if isinstance(text, str) else ""
    if len(line) < shortest or any(not ch.isprintable() for ch in line):
        raise ValidationError(
            _(
                "say in a few words why the Session URL is copied (at least {shortest} characters)"
            ).format(shortest=shortest)
        )
    if len(line) > longest:
        raise ValidationError(_("keep the reason to {longest} characters").format(longest=longest))
    return line


class CardPlan(Record):
    """What the card offers for a person, in the order it offers it."""

    #: True: the copy buttons come first (the invitation failed); False: Resend invite does.
    copy_first: bool
    copy_actions: tuple[CopyAction, ...]
    #: Resend invite is offered: an active session and a person with a contact.
    can_resend: bool
    #: One sentence above the buttons ("The invitation failed: …"), or empty.
    note: str = ""


def card_plan(
    settings: CopySettings,
    session: Session,
    person: Participant,
    *,
    policy_confirmed: bool = True,
) -> CardPlan:
    """The card's remedies for ``person``: copying first when their invitation failed
    (or telling the agent to ask an admin when no copy detail is enabled), Resend
    invite first otherwise, as the product page asks."""
    actions = copy_actions(settings, session, person, policy_confirmed=policy_confirmed)
    can_resend = session.is_active and bool(person.contact)
    delivery = session.delivery_of(person)
    if delivery is None or not delivery.failed:
        return CardPlan(copy_first=False, copy_actions=actions, can_resend=can_resend)
    note = _("The invitation could not be delivered: {reason}.").format(reason=delivery.reason)
    if actions:
        note += " " + _("Copy the details and give them another way.")
    elif session.is_active:
        note += " " + _(
            "No session detail may be copied: ask an admin to turn on Copy Session ID or"
            " Copy Session URL in {path}."
        ).format(path=preferences_path())
    return CardPlan(copy_first=True, copy_actions=actions, can_resend=can_resend, note=note)
