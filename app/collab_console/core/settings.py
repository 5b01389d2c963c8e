"""Every copy setting, declared once.

The preferences dialog, the CLI and the store all read :data:`SETTING_SPECS`:
label, help text, default and validator live here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from collab_console.core.errors import SettingsError

#: Version of :data:`URL_WARNING_TEXT`. Bump it whenever the text changes, so the
#: store records which wording an admin acknowledged.
URL_WARNING_VERSION = 1

URL_WARNING_TITLE = "The Session URL opens the live session"
URL_WARNING_TEXT = (
    "Anyone who has the Session URL can join the live session and may see the "
    "customer's documents and personal information. Agents should copy it only "
    "when an invitation could not be delivered, and send it only to the customer. "
    "A customer who simply lost the link should get Resend invite instead."
)
URL_ACKNOWLEDGE_LABEL = "I understand the security risk"

MAX_URL_BASE_LENGTH = 200


def parse_bool(value: Any) -> bool:
    """Accept a real bool or the words a script would type; reject anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"on", "true", "yes", "1"}:
            return True
        if word in {"off", "false", "no", "0"}:
            return False
    raise SettingsError(f"expected on or off, got {value!r}")


def validate_url_base(value: Any) -> str:
    """Return the normalised Session URL base (https, a host, ending in '/')."""
    if not isinstance(value, str):
        raise SettingsError("the Session URL base must be text")
    text = value.strip()
    if not text:
        raise SettingsError("the Session URL base is empty")
    if any(ch.isspace() for ch in text):
        raise SettingsError("the Session URL base must not contain spaces")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"the Session URL base is not a valid URL ({exc})") from None
    if parts.scheme.lower() != "https":
        raise SettingsError("the Session URL base must start with https://")
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise SettingsError(
            "the Session URL base needs a host name, like https://collab.example.com/"
        )
    if parts.username is not None or parts.password is not None:
        raise SettingsError("the Session URL base must not contain a user name or password")
    if "?" in text or "#" in text:
        raise SettingsError("the Session URL base must not contain '?' or '#'")
    del port  # only parsed to reject a malformed port
    text = "https://" + text[len("https://") :]  # the store compares the scheme as written
    text = text if text.endswith("/") else text + "/"
    if len(text) > MAX_URL_BASE_LENGTH:
        raise SettingsError(f"the Session URL base is longer than {MAX_URL_BASE_LENGTH} characters")
    return text


@dataclass(frozen=True)
class SettingSpec:
    """The one declaration of a setting: what it is called, shown as, and allows."""

    key: str
    label: str
    help: str
    default: Any
    parse: Callable[[Any], Any]
    #: Turning it on needs an explicit, recorded acknowledgement of a warning.
    sensitive: bool = False


COPY_SESSION_ID = SettingSpec(
    key="copy_session_id",
    label="Copy Session ID",
    help="Agents can copy the Session ID of an active session from the customer card.",
    default=False,
    parse=parse_bool,
)
COPY_SESSION_URL = SettingSpec(
    key="copy_session_url",
    label="Copy Session URL",
    help="Agents can copy the Session URL, which opens the live session.",
    default=False,
    parse=parse_bool,
    sensitive=True,
)
SESSION_URL_BASE = SettingSpec(
    key="session_url_base",
    label="Session URL base",
    help="New sessions get a Session URL made of this address and the Session ID.",
    default="https://collab.example.com/join/",
    parse=validate_url_base,
)

SETTING_SPECS: tuple[SettingSpec, ...] = (COPY_SESSION_ID, COPY_SESSION_URL, SESSION_URL_BASE)
SPECS_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SETTING_SPECS}


@dataclass(frozen=True)
class Acknowledgement:
    """Who accepted the Session URL warning, when, and which wording of it."""

    by: str
    at: datetime
    warning_version: int

    def __post_init__(self) -> None:
        if not self.by.strip():
            raise SettingsError("an acknowledgement needs the name of who gave it")
        if self.warning_version < 1:
            raise SettingsError("an acknowledgement needs the version of the warning text")


@dataclass(frozen=True)
class CopySettings:
    """The organisation's copy settings as one consistent value.

    Invariant (also a CHECK constraint in the store): URL copy is on exactly
    when an acknowledgement is recorded.
    """

    copy_session_id: bool = COPY_SESSION_ID.default
    copy_session_url: bool = COPY_SESSION_URL.default
    session_url_base: str = SESSION_URL_BASE.default
    url_acknowledgement: Acknowledgement | None = None
    updated_by: str = "system"
    updated_at: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.copy_session_url and self.url_acknowledgement is None:
            raise SettingsError(
                "Copy Session URL cannot be turned on without acknowledging the security warning"
            )
        if not self.copy_session_url and self.url_acknowledgement is not None:
            raise SettingsError("an acknowledgement is kept only while Copy Session URL is on")
        object.__setattr__(self, "session_url_base", validate_url_base(self.session_url_base))

    def value(self, key: str) -> Any:
        """The value of the declared setting ``key``."""
        if key not in SPECS_BY_KEY:
            raise SettingsError(f"unknown setting {key!r}")
        return getattr(self, key)

    def differs_from(self, other: CopySettings) -> bool:
        """True when a setting or the acknowledgement differs; who saved last does not count."""
        return self.url_acknowledgement != other.url_acknowledgement or any(
            self.value(spec.key) != other.value(spec.key) for spec in SETTING_SPECS
        )

    def changed(
        self,
        *,
        actor: str,
        now: datetime,
        acknowledged: bool = False,
        **values: Any,
    ) -> CopySettings:
        """Return these settings with ``values`` applied, each through its declaration.

        With Copy Session URL on, ``acknowledged=True`` records ``actor`` and
        ``now`` as a fresh acknowledgement; without it the recorded one is kept,
        and there must be one. Turning URL copy off drops the acknowledgement,
        so turning it on again asks again.
        """
        parsed = {}
        for key, raw in values.items():
            spec = SPECS_BY_KEY.get(key)
            if spec is None:
                raise SettingsError(f"unknown setting {key!r}")
            parsed[key] = spec.parse(raw)
        url_on = parsed.get(COPY_SESSION_URL.key, self.copy_session_url)
        ack = self.url_acknowledgement
        if not url_on:
            ack = None
        elif acknowledged:
            ack = Acknowledgement(by=actor, at=now, warning_version=URL_WARNING_VERSION)
        elif ack is None:
            raise SettingsError(
                "Copy Session URL cannot be turned on without acknowledging the security warning"
            )
        return dataclasses.replace(
            self, **parsed, url_acknowledgement=ack, updated_by=actor, updated_at=now
        )
