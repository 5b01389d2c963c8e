"""The copy service: the one way a session detail reaches the clipboard.

The console and ``collab-console copy`` both call :func:`copy_detail`. It
re-checks the policy at the moment of the click, puts the value on the
clipboard through a :class:`ClipboardPort`, records the copy, and returns what
the user is told.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from collab_console.core.clipboard_port import ClipboardPort
from collab_console.core.copy_actions import COPY_ACTIONS, CopyAction
from collab_console.core.domain import Participant, Session
from collab_console.core.errors import ClipboardError
from collab_console.core.i18n import _, ngettext
from collab_console.core.links import Link, MintedLink
from collab_console.core.policy import refusal
from collab_console.core.records import Record
from collab_console.core.settings import CLIPBOARD_CLEAR_SECONDS, CopySettings


class CopyResult(Enum):
    COPIED = "copied"
    REFUSED = "refused"  # the policy says no, now
    NO_CLIPBOARD = "no_clipboard"


class CopyRecord(Record):
    """What the audit trail keeps of a copy: never the value itself.

    Who copied (and in which role), from which session, for whom (their own
    ID), which detail, and the person's contact masked: a record masks the
    contact it is given, so it never holds one in full.
    """

    session_id: str
    access_id: str
    action: CopyAction
    actor: str
    #: The person's contact, masked (``+44 •••• ••12``); empty when they have none.
    contact: str = ""
    #: The copier's role: copies are an agent's action, in the console and the CLI.
    role: str = "agent"
    #: Why a Session URL was copied for someone whose invitation did not fail
    #: (``core.policy.url_copy_needs_reason``); empty otherwise.
    reason: str = ""

    def __post_init__(self) -> None:
        from collab_console.core.masking import mask_contact

        object.__setattr__(self, "contact", mask_contact(self.contact))


class CopyOutcome(Record):
    result: CopyResult
    #: One sentence for the status bar or the terminal; never the URL.
    message: str
    #: Why nothing was copied, on its own (for ``collab-console: refused: …``).
    reason: str = ""
    #: In how many seconds the clipboard is cleared of the copied value, if it still
    #: holds it then (0: never). Only a sensitive copy is cleared; the console counts down.
    clear_after_s: int = 0

    @property
    def copied(self) -> bool:
        return self.result is CopyResult.COPIED


def clearing_note(seconds: int) -> str:
    """What the agent is told about a copied value that the clipboard will lose."""
    return _("Clears from the clipboard in {seconds} s.").format(seconds=seconds)


def link_for_copy(
    *,
    settings: CopySettings,
    session: Session,
    person: Participant,
    action: CopyAction,
    mint: Callable[[], MintedLink],
    policy_confirmed: bool = True,
    copy_reason: str = "",
) -> MintedLink | None:
    """The fresh link a copy of ``action`` hands out, made by ``mint`` (a store's
    ``mint_link`` for the person), or None when the action needs none or is refused.

    Called where the store may be called (the console's store thread, the CLI),
    before :func:`copy_detail`. ``LinkLimitError`` from ``mint`` reaches the
    caller, which passes its sentence to :func:`copy_detail` as ``link_problem``.
    """
    if not COPY_ACTIONS[action].uses_url:
        return None
    if refusal(settings, session, person, action, policy_confirmed=policy_confirmed) is not None:
        return None
    if _reason_problem(session, person, copy_reason) is not None:
        return None
    return mint()


def _reason_problem(session: Session, person: Participant, copy_reason: str) -> str | None:
    """Why ``copy_reason`` does not do for a URL copy for ``person``, or None when it does:
    it is needed unless their invitation failed, and checked whenever it is given."""
    from collab_console.core.errors import ValidationError
    from collab_console.core.policy import clean_copy_reason, url_copy_needs_reason

    needed = url_copy_needs_reason(session, person)
    if not needed and not copy_reason.strip():
        return None
    try:
        clean_copy_reason(copy_reason)
    except ValidationError as exc:
        if needed:
            return _("{name}'s invitation did not fail, so {reason}").format(
                name=person.name, reason=exc
            )
        return str(exc)
    return None


def copy_detail(
    *,
    settings: CopySettings,
    session: Session,
    person: Participant,
    action: CopyAction,
    clipboard: ClipboardPort,
    record: Callable[[CopyRecord], None],
    actor: str,
    policy_confirmed: bool = True,
    link: MintedLink | None = None,
    link_problem: str | None = None,
    shown: Participant | None = None,
    copy_reason: str = "",
) -> CopyOutcome:
    """Copy one detail if the policy allows it with ``settings`` as they are now.

    An action that hands out the Session URL needs ``link``, made for this
    person by :func:`link_for_copy`; ``link_problem`` says why none could be
    made. When the clipboard fails, the caller revokes ``link``: nobody has it.
    ``record`` is called only after the value is on the clipboard; an error it
    raises reaches the caller (the value stays copied, and the caller says so).
    The confirmation names ``shown``, the person as the screen may show them
    (the privacy screen), when given. A Session URL for someone whose invitation did
    not fail needs ``copy_reason`` (``core.policy.url_copy_needs_reason``), which the
    audit entry keeps.
    """
    spec = COPY_ACTIONS[action]
    reason = refusal(settings, session, person, action, policy_confirmed=policy_confirmed)
    if reason is None and spec.uses_url:
        reason = _reason_problem(session, person, copy_reason)
    if reason is None and spec.uses_url:
        if link_problem is not None:
            reason = link_problem
        elif (
            link is None
            or link.link.access_id != person.access_id
            or link.link.session_id != session.session_id
            or not link.url.startswith(settings.session_url_base)
        ):
            reason = _("no Session URL was made for {name}").format(name=person.name)
    if reason is not None:
        return CopyOutcome(
            CopyResult.REFUSED, _("Not copied: {reason}.").format(reason=reason), reason
        )
    kept_reason = ""
    if spec.uses_url and copy_reason.strip():
        from collab_console.core.policy import clean_copy_reason

        kept_reason = clean_copy_reason(copy_reason)  # checked above: it does
    url = link.url if link is not None else ""
    text = spec.clipboard_text(person, url, settings.session_url_base)
    clear_after_s = int(settings.value(CLIPBOARD_CLEAR_SECONDS)) if spec.sensitive else 0
    try:
        clipboard.put(text, sensitive=spec.sensitive, clear_after_s=clear_after_s)
    except ClipboardError as exc:
        message = _("Not copied: {sentence}").format(sentence=exc.sentence)
        return CopyOutcome(CopyResult.NO_CLIPBOARD, message, str(exc))
    record(
        CopyRecord(
            session.session_id,
            person.access_id,
            action,
            actor,
            person.contact,
            reason=kept_reason,
        )
    )
    from collab_console.core.logs import log_event

    what = spec.label.removeprefix("Copy ")  # Session ID, Session URL, both
    log_event(
        "%s copied %s for %s in session %s", actor, what, person.access_id, session.session_id
    )
    message = confirmation(action, shown or person, settings)
    if link is not None:
        message += " " + lifetime_note(link.link)
    return CopyOutcome(CopyResult.COPIED, message, clear_after_s=clear_after_s)


def confirmation(action: CopyAction, person: Participant, settings: CopySettings) -> str:
    """What the agent is told after copying ``action`` for ``person`` (shown as given)."""
    from collab_console.core.urls import link_host

    return COPY_ACTIONS[action].confirmation(person, link_host(settings.session_url_base))


def lifetime_note(link: Link) -> str:
    """How long a link just made works, in words: "It works for 30 minutes."."""
    if link.expires_at is None:
        return _("It works until the session ends.")
    minutes = round((link.expires_at - link.made_at).total_seconds() / 60)
    if minutes % 60 == 0 and minutes >= 120:
        hours = minutes // 60
        return ngettext("It works for {hours} hour.", "It works for {hours} hours.", hours).format(
            hours=hours
        )
    return ngettext(
        "It works for {minutes} minute.", "It works for {minutes} minutes.", minutes
    ).format(minutes=minutes)
