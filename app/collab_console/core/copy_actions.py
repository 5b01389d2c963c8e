"""Every copy action, declared once: what it needs, says and puts on the clipboard.

The card's buttons, the context menu, ``collab-console copy --what`` and the
copy service all read :data:`COPY_ACTIONS`. A new action is one enum member
and one declaration; the check at the bottom refuses an undeclared member, so
no branch can fall through to another action's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

from collab_console.core.domain import Participant
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record
from collab_console.core.settings import COPY_SESSION_ID, COPY_SESSION_URL, SettingSpec


class CopyAction(Enum):
    """A copy button, in the order the card shows them; the value is the CLI's ``--what``."""

    ID = "id"
    URL = "url"
    BOTH = "both"

    @property
    def spec(self) -> CopyActionSpec:
        return COPY_ACTIONS[self]

    @property
    def label(self) -> str:
        """The button's text in the current language (``spec.label`` is the English one)."""
        return _(COPY_ACTIONS[self].label)


class CopyActionSpec(Record):
    """The one declaration of a copy action."""

    action: CopyAction
    #: The English text, marked with ``N_``: translate it where shown.
    label: str
    #: Settings that must all be on for the action to be offered.
    needs: tuple[SettingSpec, ...]
    #: The action hands out the Session URL, which must pass its checks first.
    uses_url: bool
    #: The exact text put on the clipboard, its wording declared here only: given the
    #: person, the Session URL just made for them and the URL base (where the lobby is).
    #: The card shows it too, with the person as the screen may show them and the URL
    #: masked (``core.links.masked_link``).
    clipboard_text: Callable[[Participant, str, str], str]
    #: What the agent is told afterwards, given the person and the link's host (as
    #: ``core.urls.link_host`` shows it); it never echoes the URL.
    confirmation: Callable[[Participant, str], str]
    #: camelCase object name of the card's button, a QA contract.
    button_name: str
    #: camelCase object name of the card's line under the button that shows what a
    #: click copies (the URL masked), a QA contract.
    preview_name: str

    @property
    def sensitive(self) -> bool:
        """The value opens a live session: adapters keep it out of clipboard history."""
        return self.uses_url or any(spec.sensitive for spec in self.needs)


COPY_ACTIONS: Mapping[CopyAction, CopyActionSpec] = {
    CopyAction.ID: CopyActionSpec(
        action=CopyAction.ID,
        label=COPY_SESSION_ID.label,
        needs=(COPY_SESSION_ID,),
        uses_url=False,
        clipboard_text=lambda p, url, base: p.access_id,
        confirmation=lambda p, host: _("Copied Session ID {access_id} for {name}.").format(
            access_id=isolate(p.access_id), name=p.name
        ),
        button_name="copyIdButton",
        preview_name="copyIdPreview",
    ),
    CopyAction.URL: CopyActionSpec(
        action=CopyAction.URL,
        label=COPY_SESSION_URL.label,
        needs=(COPY_SESSION_URL,),
        uses_url=True,
        clipboard_text=lambda p, url, base: url,
        confirmation=lambda p, host: _("Copied a new Session URL ({host}) for {name}.").format(
            host=isolate(host), name=p.name
        ),
        button_name="copyUrlButton",
        preview_name="copyUrlPreview",
    ),
    CopyAction.BOTH: CopyActionSpec(
        action=CopyAction.BOTH,
        label=N_("Copy both"),
        needs=(COPY_SESSION_ID, COPY_SESSION_URL),
        uses_url=True,
        # A message ready to send: it greets the person, gives their own link, and says
        # what to do if the link does not open: the ID alone asks the agent to admit them.
        clipboard_text=lambda p, url, base: (
            f"Hello {p.name}, here is your link to join the session: {url}\n"
            f"If it does not open, go to {base} and enter the Session ID {p.access_id}."
        ),
        confirmation=lambda p, host: _(
            "Copied Session ID {access_id} and a new Session URL ({host}) for {name}."
        ).format(access_id=isolate(p.access_id), host=isolate(host), name=p.name),
        button_name="copyBothButton",
        preview_name="copyBothPreview",
    ),
}

_undeclared = set(CopyAction) - set(COPY_ACTIONS)
if _undeclared or any(spec.action is not action for action, spec in COPY_ACTIONS.items()):
    raise RuntimeError(f"copy actions without a declaration: {sorted(a.name for a in _undeclared)}")
