"""A store as seen from a workstation whose system policy locks settings.

:func:`bind_policy` wraps any backend: the settings it reads out, in
``load_settings``, in the ``SettingsChanged`` events of writes and of other
processes, and in a stale save's refusal, carry the policy's locks
(:meth:`SystemPolicy.applied`). A save puts the locked settings back to what
the store holds before it writes (:meth:`SystemPolicy.restored`), so a lock
on one workstation never becomes the organisation's setting, and refuses one
that changes a locked setting. Everything else passes straight through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from collab_console.core.errors import StaleSettingsError
from collab_console.core.events import SettingsChanged

if TYPE_CHECKING:
    from collab_console.core.admins import AdminSession
    from collab_console.core.settings import CopySettings
    from collab_console.store.interface import Store
    from collab_console.store.system_policy import SystemPolicy


def bind_policy(store: Store, policy: SystemPolicy) -> Store:
    """``store`` with ``policy``'s locks applied (``store`` itself when it locks nothing)."""
    if not policy.locked:
        return store
    return cast("Store", PolicyBoundStore(store, policy))


def policy_of(store: Store) -> SystemPolicy | None:
    """The system policy whose locks ``store`` applies, or None (it applies none)."""
    return store.policy if isinstance(store, PolicyBoundStore) else None


class PolicyBoundStore:
    """Delegates to :attr:`backend`; see the module's docstring for what it changes."""

    def __init__(self, backend: Store, policy: SystemPolicy) -> None:
        self.backend = backend
        self.policy = policy

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.backend, name)
        if not callable(attribute):
            return attribute

        def applying(*args: Any, **kwargs: Any) -> Any:
            try:
                return self._applied(attribute(*args, **kwargs))
            except StaleSettingsError as exc:
                raise self._applied_stale(exc) from None

        return applying

    def load_settings(self) -> CopySettings:
        return self.policy.applied(self.backend.load_settings())

    def save_settings(
        self, settings: CopySettings, *, admin: AdminSession | None = None
    ) -> SettingsChanged:
        stored = self.backend.load_settings()
        wanted = self.policy.restored(settings, stored)
        try:
            changed = self.backend.save_settings(wanted, admin=admin)
        except StaleSettingsError as exc:
            raise self._applied_stale(exc) from None
        return SettingsChanged(self.policy.applied(changed.settings))

    def _applied(self, result: Any) -> Any:
        if isinstance(result, SettingsChanged):
            return SettingsChanged(self.policy.applied(result.settings))
        if isinstance(result, list):
            return [self._applied(item) for item in result]
        if isinstance(result, tuple) and any(isinstance(i, list | SettingsChanged) for i in result):
            return tuple(self._applied(item) for item in result)
        return result

    def _applied_stale(self, exc: StaleSettingsError) -> StaleSettingsError:
        from collab_console.core.settings import CopySettings

        current = exc.current
        if isinstance(current, CopySettings):
            current = self.policy.applied(current)
        return StaleSettingsError(str(exc), current)
