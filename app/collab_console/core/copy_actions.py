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
        return COPY_ACTIONS[self].label


def _link_host(person: Participant) -> str:
    from collab_console.core.urls import link_host

    return link_host(person.url)


class CopyActionSpec(Record):
    """The one declaration of a copy action."""

    action: CopyAction
    label: str
    #: Settings that must all be on for the action to be offered.
    needs: tuple[SettingSpec, ...]
    #: The action hands out the Session URL, which must pass its checks first.
    uses_url: bool
    #: The exact text put on the clipboard, its wording declared here only. The card
    #: shows it too, given the person as the screen may show them (URL masked).
    clipboard_text: Callable[[Participant], str]
    #: What the agent is told afterwards; it never echoes the URL, only its host.
    confirmation: Callable[[Participant], str]
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
        clipboard_text=lambda p: p.access_id,
        confirmation=lambda p: f"Copied Session ID {p.access_id} for {p.name}.",
        button_name="copyIdButton",
        preview_name="copyIdPreview",
    ),
    CopyAction.URL: CopyActionSpec(
        action=CopyAction.URL,
        label=COPY_SESSION_URL.label,
        needs=(COPY_SESSION_URL,),
        uses_url=True,
        clipboard_text=lambda p: p.url,
        confirmation=lambda p: f"Copied Session URL ({_link_host(p)}) for {p.name}.",
        button_name="copyUrlButton",
        preview_name="copyUrlPreview",
    ),
    CopyAction.BOTH: CopyActionSpec(
        action=CopyAction.BOTH,
        label="Copy both",
        needs=(COPY_SESSION_ID, COPY_SESSION_URL),
        uses_url=True,
        # A message ready to send: it greets the person and gives the link, which
        # carries the ID, so the ID is not repeated.
        clipboard_text=lambda p: f"Hello {p.name}, here is your link to join the session: {p.url}",
        confirmation=lambda p: (
            f"Copied Session ID {p.access_id} and Session URL ({_link_host(p)}) for {p.name}."
        ),
        button_name="copyBothButton",
        preview_name="copyBothPreview",
    ),
}

_undeclared = set(CopyAction) - set(COPY_ACTIONS)
if _undeclared or any(spec.action is not action for action, spec in COPY_ACTIONS.items()):
    raise RuntimeError(f"copy actions without a declaration: {sorted(a.name for a in _undeclared)}")
