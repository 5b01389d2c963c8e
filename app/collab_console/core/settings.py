"""Every copy setting, declared once.

A :class:`SettingSpec` holds everything about a setting: its key (also its
row in the store and its audit name), kind, default, bounds, label and help,
the widget and CLI names that show it, and, for a sensitive setting, the
security warning that must be acknowledged before it is turned on. The store's
reads, writes and audit, the Preferences page and ``settings show`` all follow
:data:`SETTING_SPECS`; adding a setting is one declaration here plus a
migration that inserts its row (see the README, "Adding a setting").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from enum import Enum

from collab_console.core.errors import CollabConsoleError, SettingsError
from collab_console.core.i18n import N_, _, isolate
from collab_console.core.records import Record, field
from collab_console.core.urls import validate_url_base

#: ``typing.TYPE_CHECKING`` without importing ``typing``: type checkers read it as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Where the settings live, as every text names it (dialog, hints, refusals, CLI).
SETTINGS_PATH = N_("Session > Tools > Copy session details")
#: How an agent gets there from the console's menu bar.
PREFERENCES_PATH = f"Settings > Preferences > {SETTINGS_PATH}"


def preferences_path() -> str:
    """:data:`PREFERENCES_PATH` in the current language (the constant is the English one)."""
    return _("Settings > Preferences > {path}").format(path=_(SETTINGS_PATH))


class SettingKind(Enum):
    """How a setting is edited and stored."""

    BOOL = "bool"
    TEXT = "text"
    INT = "int"


class SecurityWarning(Record):
    """A warning an admin must acknowledge before turning a sensitive setting on."""

    title: str
    text: str
    #: Bump it whenever the text changes, so the store records which wording was accepted.
    version: int
    acknowledge_label: str
    #: Prefix of the warning's widget names (``<prefix>WarningFrame``…), a QA contract.
    ui_prefix: str


URL_WARNING = SecurityWarning(
    title=N_("The Session URL opens the live session"),
    text=N_(
        "Anyone who has a Session URL can join the live session and may see the "
        "customer's documents and personal information. Each copy makes a new link for "
        "one person that stops after the time an admin set under Link expiry and limits, "
        "when it is revoked in the console, or when the session ends. Agents should copy "
        "it only when an invitation could not be delivered, and send it only to that "
        "person. A customer who simply lost the link should get Resend invite instead."
    ),
    version=2,
    acknowledge_label=N_("I understand the security risk"),
    ui_prefix="url",
)


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
    raise SettingsError(_("expected on or off, got {value}").format(value=isolate(repr(value))))


class SettingSpec(Record):
    """The one declaration of a setting: what it is called, shown as, and allows."""

    #: Name in the store, the audit trail, ``settings show --json`` and the core API.
    key: str
    label: str
    help: str
    kind: SettingKind
    default: Any
    #: Turns what a user, a script or the store gives into a valid value, or raises.
    parse: Callable[[Any], Any]
    #: camelCase stem of the widget names: ``<ui_name>Check`` / ``Edit`` / ``Label`` / ``Error``.
    ui_name: str
    #: Object name of the Preferences group box the setting's widgets go in.
    ui_group: str
    #: The ``settings set`` option, without the dashes.
    cli_name: str
    #: Set for a sensitive setting: turning it on needs this warning acknowledged.
    warning: SecurityWarning | None = None
    #: The range of an INT setting (its parser enforces it; the spin box shows it).
    minimum: int | None = None
    maximum: int | None = None
    #: A TEXT setting that takes one of these stored values only (a combo box shows it),
    #: with the words each is shown as, in order.
    choices: tuple[tuple[str, str], ...] = ()
    #: IT may lock it on a workstation (``core.system_policy``): only settings the console
    #: itself applies, never one the store acts on (a lock there would not hold).
    lockable: bool = False

    @property
    def sensitive(self) -> bool:
        return self.warning is not None

    def to_store(self, value: Any) -> str:
        """The text the store keeps for ``value`` (already parsed)."""
        if self.kind is SettingKind.BOOL:
            return "on" if value else "off"
        return str(value)

    def from_store(self, text: object) -> Any:
        """Parse a stored value strictly: only what :meth:`to_store` writes is accepted."""
        if not isinstance(text, str):
            raise SettingsError(f"{self.label} is stored as {type(text).__name__}, not text")
        if self.kind is SettingKind.BOOL and text not in ("on", "off"):
            raise SettingsError(f"{self.label} is stored as {text[:20]!r}, not on or off")
        value = self.parse(text)
        if self.to_store(value) != text:
            raise SettingsError(f"{self.label} is stored in a form this version does not write")
        return value

    def shown(self, value: Any) -> str:
        """The value as ``settings show`` prints it."""
        return self.to_store(value)


COPY_SESSION_ID = SettingSpec(
    key="copy_session_id",
    label=N_("Copy Session ID"),
    help=N_("Agents can copy the Session ID of an active session from the customer card."),
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="copySessionId",
    ui_group="copySessionDetailsGroup",
    cli_name="copy-id",
    lockable=True,
)
COPY_SESSION_URL = SettingSpec(
    key="copy_session_url",
    label=N_("Copy Session URL"),
    help=N_("Agents can copy the Session URL, which opens the live session."),
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="copySessionUrl",
    ui_group="copySessionDetailsGroup",
    cli_name="copy-url",
    lockable=True,
    warning=URL_WARNING,
)
SESSION_URL_BASE = SettingSpec(
    key="session_url_base",
    label=N_("Session URL base"),
    help=N_("A Session URL is this address followed by the link's own secret token."),
    kind=SettingKind.TEXT,
    default="https://collab.example.com/join/",
    parse=validate_url_base,
    ui_name="sessionUrlBase",
    ui_group="sessionLinksGroup",
    cli_name="url-base",
)

MASK_SENSITIVE_DATA = SettingSpec(
    key="mask_sensitive_data",
    label=N_("Mask customer details by default"),
    help=N_(
        "Consoles start with the privacy screen on: customer names, contacts and IDs "
        "are masked on screen until the agent shows them. Copying still works."
    ),
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="maskSensitiveData",
    ui_group="privacyGroup",
    cli_name="mask-by-default",
    lockable=True,
)

#: The longest a copied Session URL may stay on the clipboard when clearing is on: an hour.
MAX_CLEAR_SECONDS = 3600


def parse_clear_seconds(value: Any) -> int:
    """Seconds from 0 (never clear) to :data:`MAX_CLEAR_SECONDS`, as a number or digits."""
    if isinstance(value, bool):
        raise SettingsError(_not_a_number(_("seconds"), value))
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise SettingsError(_not_a_number(_("seconds"), value))
    if not 0 <= value <= MAX_CLEAR_SECONDS:
        raise SettingsError(
            _("the clipboard is cleared after 0 (never) to {most} seconds, not {value}").format(
                most=MAX_CLEAR_SECONDS, value=value
            )
        )
    return value


CLIPBOARD_CLEAR_SECONDS = SettingSpec(
    key="clipboard_clear_seconds",
    label=N_("Clear a copied Session URL after (seconds)"),
    help=N_(
        "A copied Session URL or Copy both message is removed from the clipboard after "
        "this many seconds, unless something else was copied meanwhile. 0 never removes it."
    ),
    kind=SettingKind.INT,
    default=30,
    parse=parse_clear_seconds,
    ui_name="clipboardClearSeconds",
    ui_group="sessionLinksGroup",
    cli_name="clipboard-clear-seconds",
    lockable=True,
    minimum=0,
    maximum=MAX_CLEAR_SECONDS,
)


def _not_a_number(what: str, value: object) -> str:
    return _("expected a number of {what}, got {value}").format(
        what=what, value=isolate(repr(value))
    )


def _whole_number(what: str, minimum: int, maximum: int) -> Callable[[Any], int]:
    """A parser for a whole number of ``what`` (marked with ``N_``: the unit, translated
    when a message names it) from ``minimum`` to ``maximum``."""

    def parse(value: Any) -> int:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(_not_a_number(_(what), value))
        if not minimum <= value <= maximum:
            raise SettingsError(
                _("expected {least} to {most} {what}, not {value}").format(
                    least=minimum, most=maximum, what=_(what), value=value
                )
            )
        return value

    return parse


#: A week: the longest an invitation link may last when it does not last the session.
MAX_LINK_MINUTES = 7 * 24 * 60

COPIED_LINK_MINUTES = SettingSpec(
    key="copied_link_minutes",
    label=N_("A copied Session URL works for (minutes)"),
    help=N_("Each Copy Session URL makes a new link for one person, which stops after this long."),
    kind=SettingKind.INT,
    default=30,
    parse=_whole_number(N_("minutes"), 1, MAX_LINK_MINUTES),
    ui_name="copiedLinkMinutes",
    ui_group="linkRulesGroup",
    cli_name="copied-link-minutes",
    minimum=1,
    maximum=MAX_LINK_MINUTES,
)

INVITATION_LINK_MINUTES = SettingSpec(
    key="invitation_link_minutes",
    label=N_("An invitation link works for (minutes)"),
    help=N_("0: until the session ends. Ending a session always stops all of its links."),
    kind=SettingKind.INT,
    default=0,
    parse=_whole_number(N_("minutes"), 0, MAX_LINK_MINUTES),
    ui_name="invitationLinkMinutes",
    ui_group="linkRulesGroup",
    cli_name="invitation-link-minutes",
    minimum=0,
    maximum=MAX_LINK_MINUTES,
)

LINK_FIRST_JOIN_ONLY = SettingSpec(
    key="link_first_join_only",
    label=N_("A link works for the first join only"),
    help=N_("Once someone joined with a link, it opens the session for nobody else."),
    kind=SettingKind.BOOL,
    default=False,
    parse=parse_bool,
    ui_name="linkFirstJoinOnly",
    ui_group="linkRulesGroup",
    cli_name="first-join-only",
)

MAX_LIVE_LINKS_PER_PERSON = SettingSpec(
    key="max_live_links_per_person",
    label=N_("Live links per person, at most"),
    help=N_("One more is refused until one expires or is revoked."),
    kind=SettingKind.INT,
    default=3,
    parse=_whole_number(N_("links"), 1, 20),
    ui_name="maxLiveLinks",
    ui_group="linkRulesGroup",
    cli_name="max-live-links",
    minimum=1,
    maximum=20,
)

MAX_LINKS_PER_AGENT_HOUR = SettingSpec(
    key="max_links_per_agent_hour",
    label=N_("Session URLs an agent may copy per hour, at most"),
    help=N_(
        "Invitations do not count: they go to the person's own contact. Reaching it is "
        "recorded in the audit trail."
    ),
    kind=SettingKind.INT,
    default=30,
    parse=_whole_number(N_("links"), 1, 1000),
    ui_name="maxLinksPerHour",
    ui_group="linkRulesGroup",
    cli_name="max-links-per-hour",
    minimum=1,
    maximum=1000,
)

_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*", re.ASCII)
#: What a sender address must look like: checked without email_validator, which pulls in
#: dnspython and idna, because every start reads the settings.
_SENDER = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9.-]+\.[a-z]{2,63}", re.ASCII)


def parse_host(value: Any) -> str:
    """A mail server's host name or IPv4 address in lower case, or empty (none)."""
    if not isinstance(value, str):
        raise SettingsError(
            _("expected a host name, got {value}").format(value=isolate(repr(value)))
        )
    text = value.strip().lower()
    if text and (len(text) > 253 or not _HOST_NAME.fullmatch(text)):
        raise SettingsError(
            _(
                "{text} is not a host name: letters, digits, hyphens and dots, like {example}"
            ).format(text=isolate(repr(text[:40])), example=isolate("smtp.example.com"))
        )
    return text


def parse_sender(value: Any) -> str:
    """An e-mail address to send from (its domain in lower case), or empty (none)."""
    if not isinstance(value, str):
        raise SettingsError(
            _("expected an e-mail address, got {value}").format(value=isolate(repr(value)))
        )
    local, at, domain = value.strip().rpartition("@")
    text = f"{local}{at}{domain.lower()}" if at else value.strip()
    if text and (len(text) > 254 or not _SENDER.fullmatch(text)):
        raise SettingsError(
            _("{text} is not an e-mail address to send from, like {example}").format(
                text=isolate(repr(text[:40])), example=isolate("invites@example.com")
            )
        )
    return text


def parse_gateway_url(value: Any) -> str:
    """The SMS gateway's https address, checked as the Session URL base is; or empty (none)."""
    if isinstance(value, str) and not value.strip():
        return ""
    return validate_url_base(value, what=N_("the SMS gateway URL"))


def _one_of(spec_choices: tuple[tuple[str, str], ...], what: str) -> Callable[[Any], str]:
    allowed = tuple(stored for stored, _ in spec_choices)

    def parse(value: Any) -> str:
        word = value.strip().lower() if isinstance(value, str) else value
        if word not in allowed:
            raise SettingsError(
                _("{what} is one of {choices}, not {value}").format(
                    what=_(what), choices=isolate(", ".join(allowed)), value=isolate(repr(value))
                )
            )
        return str(word)

    return parse


SMTP_HOST = SettingSpec(
    key="smtp_host",
    label=N_("SMTP server"),
    help=N_(
        "The mail server that sends e-mail invitations. Empty: they are written to the "
        "outbox folder in the data folder instead, and nothing is sent."
    ),
    kind=SettingKind.TEXT,
    default="",
    parse=parse_host,
    ui_name="smtpHost",
    ui_group="emailDeliveryGroup",
    cli_name="smtp-host",
)
SMTP_PORT = SettingSpec(
    key="smtp_port",
    label=N_("SMTP port"),
    help=N_("Usually 587 with STARTTLS, 465 with TLS, 25 for a local relay."),
    kind=SettingKind.INT,
    default=587,
    parse=_whole_number(N_("port"), 1, 65535),
    ui_name="smtpPort",
    ui_group="emailDeliveryGroup",
    cli_name="smtp-port",
    minimum=1,
    maximum=65535,
)
SMTP_SECURITY_CHOICES = (
    ("starttls", "STARTTLS"),
    ("tls", N_("TLS from the start")),
    ("none", N_("None (a relay on this machine)")),
)
SMTP_SECURITY = SettingSpec(
    key="smtp_security",
    label=N_("Connection security"),
    help=N_(
        "None sends the invitation, with its link, unencrypted: only for a relay on this machine."
    ),
    kind=SettingKind.TEXT,
    default="starttls",
    parse=_one_of(SMTP_SECURITY_CHOICES, N_("Connection security")),
    ui_name="smtpSecurity",
    ui_group="emailDeliveryGroup",
    cli_name="smtp-security",
    choices=SMTP_SECURITY_CHOICES,
)
SMTP_USERNAME = SettingSpec(
    key="smtp_username",
    label=N_("SMTP user name"),
    help=N_(
        "Empty: the server takes mail without logging in. The password is kept in the "
        "system keyring (collab-console secrets set smtp-password), never in the settings."
    ),
    kind=SettingKind.TEXT,
    default="",
    parse=lambda value: _plain_text(value, N_("the SMTP user name"), 200),
    ui_name="smtpUsername",
    ui_group="emailDeliveryGroup",
    cli_name="smtp-username",
)
SMTP_SENDER = SettingSpec(
    key="smtp_sender",
    label=N_("Sender address"),
    help=N_("The From address of e-mail invitations."),
    kind=SettingKind.TEXT,
    default="",
    parse=parse_sender,
    ui_name="smtpSender",
    ui_group="emailDeliveryGroup",
    cli_name="smtp-sender",
)
SMS_GATEWAY_URL = SettingSpec(
    key="sms_gateway_url",
    label=N_("SMS gateway URL"),
    help=N_(
        "The HTTP SMS gateway that sends text invitations (POST …/messages). Empty: they "
        "are written to the outbox folder instead. Its token is kept in the system keyring "
        "(collab-console secrets set sms-token)."
    ),
    kind=SettingKind.TEXT,
    default="",
    parse=parse_gateway_url,
    ui_name="smsGatewayUrl",
    ui_group="smsDeliveryGroup",
    cli_name="sms-gateway-url",
)
RESEND_INTERVAL_SECONDS = SettingSpec(
    key="resend_interval_seconds",
    label=N_("Resend an invite at most once per (seconds)"),
    help=N_("For each person. 0 lets an agent resend at once."),
    kind=SettingKind.INT,
    default=30,
    parse=_whole_number(N_("seconds"), 0, 3600),
    ui_name="resendIntervalSeconds",
    ui_group="invitationRulesGroup",
    cli_name="resend-interval-seconds",
    minimum=0,
    maximum=3600,
)


def _plain_text(value: Any, what: str, longest: int) -> str:
    if not isinstance(value, str):
        raise SettingsError(
            _("expected text for {what}, got {value}").format(
                what=_(what), value=isolate(repr(value))
            )
        )
    text = value.strip()
    if len(text) > longest or any(not ch.isprintable() for ch in text):
        raise SettingsError(
            _("{what} must be one line of at most {most} printable characters").format(
                what=_(what), most=longest
            )
        )
    return text


SETTING_SPECS: tuple[SettingSpec, ...] = (
    COPY_SESSION_ID,
    COPY_SESSION_URL,
    SESSION_URL_BASE,
    MASK_SENSITIVE_DATA,
    CLIPBOARD_CLEAR_SECONDS,
    COPIED_LINK_MINUTES,
    INVITATION_LINK_MINUTES,
    LINK_FIRST_JOIN_ONLY,
    MAX_LIVE_LINKS_PER_PERSON,
    MAX_LINKS_PER_AGENT_HOUR,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_SECURITY,
    SMTP_USERNAME,
    SMTP_SENDER,
    SMS_GATEWAY_URL,
    RESEND_INTERVAL_SECONDS,
)
SPECS_BY_KEY: Mapping[str, SettingSpec] = {spec.key: spec for spec in SETTING_SPECS}
SENSITIVE_SPECS: tuple[SettingSpec, ...] = tuple(s for s in SETTING_SPECS if s.sensitive)


def spec_for(key: str) -> SettingSpec:
    spec = SPECS_BY_KEY.get(key)
    if spec is None:
        raise SettingsError(_("unknown setting {key}").format(key=isolate(repr(key))))
    return spec


def _needs_ack_message(spec: SettingSpec) -> str:
    return _("{setting} cannot be turned on without acknowledging the security warning").format(
        setting=_(spec.label)
    )


class Acknowledgement(Record):
    """Who accepted a setting's security warning, when, and which wording of it."""

    by: str
    at: datetime
    warning_version: int

    def __post_init__(self) -> None:
        from collab_console.core.text import clean_name

        try:
            object.__setattr__(
                self,
                "by",
                clean_name(self.by, what=_("the name of who acknowledged the warning")),
            )
        except CollabConsoleError as exc:
            raise SettingsError(str(exc)) from None
        if self.at.tzinfo is None:
            raise SettingsError("an acknowledgement needs a time with its time zone")
        if not isinstance(self.warning_version, int) or self.warning_version < 1:
            raise SettingsError("an acknowledgement needs the version of the warning text")


class CopySettings(Record):
    """The organisation's copy settings as one consistent value.

    ``values`` holds every declared setting, parsed. Invariant (also enforced
    by the store): a sensitive setting is on exactly when ``acknowledgements``
    holds an acknowledgement for it. ``version`` is the store's version of the
    settings these were read as (or derived from); a save is refused when the
    store has moved on since.
    """

    values: Mapping[str, Any] = field(
        default_factory=lambda: {spec.key: spec.default for spec in SETTING_SPECS}
    )
    acknowledgements: Mapping[str, Acknowledgement] = field(default_factory=dict)
    version: int = 0
    updated_by: str = "system"
    updated_at: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        given, declared = set(self.values), set(SPECS_BY_KEY)
        if given != declared:
            missing, unknown = sorted(declared - given), sorted(given - declared)
            raise SettingsError(
                f"settings must hold every declared setting (missing {missing}, unknown {unknown})"
            )
        parsed = {spec.key: spec.parse(self.values[spec.key]) for spec in SETTING_SPECS}
        object.__setattr__(self, "values", parsed)
        object.__setattr__(self, "acknowledgements", dict(self.acknowledgements))
        for key in self.acknowledgements:
            if not spec_for(key).sensitive:
                raise SettingsError(f"{spec_for(key).label} takes no acknowledgement")
        for spec in SENSITIVE_SPECS:
            on, acknowledged = bool(parsed[spec.key]), spec.key in self.acknowledgements
            if on and not acknowledged:
                raise SettingsError(_needs_ack_message(spec))
            if acknowledged and not on:
                raise SettingsError(f"an acknowledgement is kept only while {spec.label} is on")

    @classmethod
    def build(
        cls,
        *,
        acknowledgements: Mapping[str, Acknowledgement] | None = None,
        version: int = 0,
        updated_by: str = "system",
        updated_at: datetime | None = None,
        **values: Any,
    ) -> CopySettings:
        """Settings with ``values`` given by key and every other setting at its default."""
        for key in values:
            spec_for(key)
        return cls(
            values={spec.key: values.get(spec.key, spec.default) for spec in SETTING_SPECS},
            acknowledgements=acknowledgements or {},
            version=version,
            updated_by=updated_by,
            updated_at=updated_at,
        )

    def value(self, key: str | SettingSpec) -> Any:
        """The value of a declared setting."""
        spec = key if isinstance(key, SettingSpec) else spec_for(key)
        return self.values[spec.key]

    @property
    def copy_session_id(self) -> bool:
        return bool(self.values[COPY_SESSION_ID.key])

    @property
    def copy_session_url(self) -> bool:
        return bool(self.values[COPY_SESSION_URL.key])

    @property
    def session_url_base(self) -> str:
        return str(self.values[SESSION_URL_BASE.key])

    @property
    def url_acknowledgement(self) -> Acknowledgement | None:
        return self.acknowledgements.get(COPY_SESSION_URL.key)

    def differs_from(self, other: CopySettings) -> bool:
        """True when a setting or an acknowledgement differs; who saved last does not count."""
        return self.values != other.values or self.acknowledgements != other.acknowledgements

    def changed_keys(self, other: CopySettings) -> tuple[str, ...]:
        """The declared settings whose value or acknowledgement differs, in declaration order."""
        return tuple(
            spec.key
            for spec in SETTING_SPECS
            if self.values[spec.key] != other.values[spec.key]
            or self.acknowledgements.get(spec.key) != other.acknowledgements.get(spec.key)
        )

    def changed(
        self,
        *,
        actor: str,
        now: datetime,
        acknowledged: bool | Collection[str] = False,
        **values: Any,
    ) -> CopySettings:
        """Return these settings with ``values`` applied, each through its declaration.

        ``acknowledged`` names the sensitive settings whose warning ``actor``
        acknowledges now (True: every sensitive setting that ends up on). For
        such a setting that is on, a fresh acknowledgement is recorded; for one
        without, the recorded acknowledgement is kept, and there must be one.
        Turning a sensitive setting off drops its acknowledgement, so turning
        it on again asks again. The version stays the one these settings were
        read as: the store checks it on save.
        """
        parsed = dict(self.values)
        for key, raw in values.items():
            parsed[key] = spec_for(key).parse(raw)
        acks = dict(self.acknowledgements)
        for spec in SENSITIVE_SPECS:
            fresh = acknowledged is True or (
                not isinstance(acknowledged, bool) and spec.key in acknowledged
            )
            assert spec.warning is not None
            if not parsed[spec.key]:
                acks.pop(spec.key, None)
            elif fresh:
                acks[spec.key] = Acknowledgement(
                    by=actor, at=now, warning_version=spec.warning.version
                )
            elif spec.key not in acks:
                raise SettingsError(_needs_ack_message(spec))
        return CopySettings(
            values=parsed,
            acknowledgements=acks,
            version=self.version,
            updated_by=actor,
            updated_at=now,
        )
