"""The stores a QA suite tests against: the deterministic demo data, set up as a user would.

Qt-free: a suite that only drives the command line can use it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collab_console.core import clock
from collab_console.core.admins import change_settings, init_admin, verify_admin
from collab_console.store import Store, open_store, seed_demo

#: Who set the demo store's admin up, for the audit trail (as ``admin init`` run by IT).
SETUP_ACTOR = "qa.setup"


@dataclass(frozen=True)
class Credentials:
    """An admin's name and passphrase, as typed into the Unlock dialog."""

    name: str
    passphrase: str


#: The admin of the kit's demo store (the same as in this repository's own GUI tests).
DEMO_ADMIN = Credentials("admin.ana", "admin.ana knows the passphrase 42")


@dataclass(frozen=True)
class DemoOptions:
    """What the ``collab_demo`` marker may change about the demo store.

    ``participants``: with N > 0, two more active sessions, as ``collab-console
    --demo-participants N`` makes them: ``BNCH-0000`` with N document
    participants (deterministic names and IDs) and ``BNCH-0001`` with none; the
    console still opens on the demo's own session. ``url_copy``: Copy Session
    URL turned on by the admin, the warning acknowledged (needs an admin).
    ``admin``: the store's admin; ``None`` for a store nobody has set one up in.
    """

    participants: int = 0
    url_copy: bool = False
    admin: Credentials | None = DEMO_ADMIN

    @classmethod
    def from_marker(cls, kwargs: dict[str, Any]) -> DemoOptions:
        """The options of ``@pytest.mark.collab_demo(...)``, checked, with a sentence when wrong."""
        unknown = sorted(set(kwargs) - {"participants", "url_copy", "admin"})
        if unknown:
            raise ValueError(
                "collab_demo takes participants=, url_copy= and admin=, not " + ", ".join(unknown)
            )
        participants = kwargs.get("participants", 0)
        if not isinstance(participants, int) or isinstance(participants, bool):
            raise ValueError(f"collab_demo(participants=) is a number, not {participants!r}")
        if not 0 <= participants <= 500:
            raise ValueError(f"collab_demo(participants=) is 0 to 500, not {participants}")
        admin = kwargs.get("admin", True)
        if admin is True:
            chosen: Credentials | None = DEMO_ADMIN
        elif admin is False or admin is None:
            chosen = None
        elif isinstance(admin, Credentials):
            chosen = admin
        else:
            raise ValueError(f"collab_demo(admin=) is True, False or Credentials, not {admin!r}")
        url_copy = bool(kwargs.get("url_copy", False))
        if url_copy and chosen is None:
            raise ValueError(
                "collab_demo(url_copy=True) needs an admin to acknowledge the warning; "
                "drop admin=False"
            )
        return cls(participants=participants, url_copy=url_copy, admin=chosen)


def open_demo_store(data_dir: Path, options: DemoOptions = DemoOptions()) -> Store:
    """A new embedded store in ``data_dir`` with the demo data, as ``options`` say.

    The admin is set up as ``collab-console admin init`` does, and URL copy is
    turned on through the one policy write an admin's Save makes, so the audit
    trail holds what it would hold in real use.
    """
    store = open_store(data_dir, create=True)
    try:
        if not seed_demo(store, extra_participants=options.participants):
            raise ValueError(f"{data_dir} already holds sessions; the demo needs an empty store")
        if options.admin is not None:
            name, passphrase = options.admin.name, options.admin.passphrase
            init_admin(store, name, passphrase, actor=SETUP_ACTOR)
            if options.url_copy:
                now = clock.now()
                admin = verify_admin(store, name, passphrase, now=now, actor=SETUP_ACTOR)
                change_settings(
                    store,
                    store.load_settings(),
                    admin,
                    now=now,
                    acknowledged=True,
                    copy_session_url=True,
                )
    except BaseException:
        store.close()
        raise
    return store
