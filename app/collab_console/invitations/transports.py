"""The ways an invitation goes out: SMTP, an HTTP SMS gateway, or the outbox folder.

Every transport answers a send with a :class:`Delivery` and never raises for a
delivery problem: a failure says whether trying again may help (``retry``) and
why, in one sentence fit for the card and the audit trail. Secrets (the SMTP
password, the gateway token) are never in a reason, a log line or a ``repr``;
recipients are shown masked. Standard library only, and nothing here blocks
for longer than the ``timeout`` given.

The SMS gateway shape: ``POST {base}/messages`` with JSON ``{"to", "body"}``
and ``Authorization: Bearer TOKEN`` is answered by ``{"id", "status"}``;
``GET {base}/messages/{id}`` by ``{"id", "status", "error"}``, ``status``
being ``queued``, ``sent``, ``delivered`` or ``failed``. Another gateway is
another class with the same two methods.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from collab_console.invitations.message import Invitation, compose_email, sms_body

DeliveryState = Literal["queued", "sent", "delivered", "failed"]
DELIVERY_STATES: tuple[str, ...] = get_args(DeliveryState)
Security = Literal["starttls", "tls", "none"]

#: The first wait after a failure, and the longest.
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
#: How much of a server's reply a reason quotes.
_MAX_QUOTE = 200


@dataclass(frozen=True)
class Delivery:
    """Where an invitation is: queued, sent, delivered (when the gateway says so) or failed.

    ``retry`` is true for a transient failure (time-out, SMTP 4xx, HTTP
    429/5xx); ``reason`` is one sentence; ``gateway_id`` is what :meth:`Transport.status`
    takes (the gateway's message ID, the Message-ID, the outbox file name).
    """

    state: DeliveryState
    reason: str
    retry: bool = False
    gateway_id: str | None = None


class Transport(Protocol):
    """Sends an invitation and reports on it later; never raises for a delivery problem."""

    def send(self, invitation: Invitation) -> Delivery: ...

    def status(self, delivery_id: str) -> Delivery | None:
        """The latest state, or None when this transport cannot tell (no reports, unknown ID)."""
        ...


def next_retry(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed tries: 30, 60, 120 … at most an hour."""
    if attempts <= 1:
        return FIRST_RETRY_SECONDS
    if attempts > 12:  # 30 * 2**7 already passes the cap; no huge powers
        return MAX_RETRY_SECONDS
    return min(FIRST_RETRY_SECONDS << (attempts - 1), MAX_RETRY_SECONDS)


def _quote(text: str | bytes, *hidden: str | None, recipient: Invitation | None = None) -> str:
    """``text`` on one line, trimmed, each of ``hidden`` blotted out, the recipient masked."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    line = " ".join(text.split())
    for secret in hidden:
        if secret:
            line = line.replace(secret, "•••")
    if recipient is not None:
        line = line.replace(recipient.to, recipient.masked_to)
    return line if len(line) <= _MAX_QUOTE else line[: _MAX_QUOTE - 1] + "…"


def _failed(reason: str, *, retry: bool) -> Delivery:
    return Delivery("failed", reason, retry=retry)


def _seconds(timeout: float) -> str:
    return f"{timeout:g} s"


class SmtpTransport:
    """E-mail over SMTP: STARTTLS, implicit TLS or none (a local relay).

    Classification: no connection, a dropped one or a time-out, and 4xx
    replies are transient; 5xx replies and TLS problems are not. The password
    is never shown.
    """

    def __init__(
        self,
        host: str,
        port: int,
        security: Security,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in get_args(Security):
            raise ValueError(f"SMTP security must be starttls, tls or none, not {security!r}")
        self.host = host
        self.port = port
        self.security: Security = security
        self.sender = sender
        self.username = username
        self._password = password
        self.timeout = timeout
        self._ssl_context = ssl_context

    def __repr__(self) -> str:
        return (
            f"SmtpTransport(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"sender={self.sender!r}, username={self.username!r})"
        )

    @property
    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=self._context())
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, invitation: Invitation) -> Delivery:
        message = compose_email(invitation, self.sender)
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self._password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (-1, b""))
            return self._refused(code, text, invitation)
        except smtplib.SMTPResponseException as exc:
            return self._refused(exc.smtp_code, exc.smtp_error, invitation)
        except smtplib.SMTPNotSupportedError:
            return _failed(
                f"the mail server {self._where} does not offer STARTTLS; "
                "choose another security setting",
                retry=False,
            )
        except smtplib.SMTPServerDisconnected as exc:
            if isinstance(exc.__context__, TimeoutError):  # smtplib hides a read time-out
                return self._timed_out()
            return _failed(
                f"the mail server {self._where} closed the connection before accepting the message",
                retry=True,
            )
        except ssl.SSLError as exc:
            return _failed(
                f"no secure connection to the mail server {self._where}: "
                f"{_quote(exc.reason or str(exc))}",
                retry=False,
            )
        except TimeoutError:
            return self._timed_out()
        except OSError as exc:  # refused, unreachable, unknown host, reset
            return _failed(
                f"cannot reach the mail server {self._where}: {_quote(exc.strerror or str(exc))}",
                retry=True,
            )
        return Delivery(
            "sent",
            f"accepted by the mail server {self._where}",
            gateway_id=str(message["Message-ID"]),
        )

    def _timed_out(self) -> Delivery:
        return _failed(
            f"the mail server {self._where} did not answer within {_seconds(self.timeout)}",
            retry=True,
        )

    def _refused(self, code: int, text: bytes | str, invitation: Invitation) -> Delivery:
        reply = f"{code} {_quote(text, self._password, recipient=invitation)}".strip()
        if 400 <= code < 500:
            return _failed(f"the mail server {self._where} refused it for now: {reply}", retry=True)
        return _failed(f"the mail server {self._where} refused it: {reply}", retry=code < 500)

    def status(self, delivery_id: str) -> Delivery | None:
        """None: SMTP reports nothing after the server accepted a message."""
        return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the bearer token to wherever it points: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SmsGatewayTransport:
    """SMS through an HTTP gateway (the shape is in the module's docstring).

    HTTP 429, 5xx and time-outs are transient; other 4xx, redirects and a
    malformed answer are not. The token is sent only in the Authorization
    header, and never shown.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 10) -> None:
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"the SMS gateway URL must start with https:// or http://: {base_url}")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    def __repr__(self) -> str:
        return f"SmsGatewayTransport(base_url={self.base_url!r}, timeout={self.timeout:g})"

    def send(self, invitation: Invitation) -> Delivery:
        try:
            body = sms_body(invitation)
        except ValueError as exc:
            return _failed(f"cannot compose the SMS: {exc}", retry=False)
        answer = self._call("POST", "/messages", {"to": invitation.to, "body": body})
        if isinstance(answer, Delivery):
            return answer
        return self._delivery(answer, recipient=invitation)

    def status(self, delivery_id: str) -> Delivery | None:
        """The gateway's report; None when it does not know the ID or cannot be asked now."""
        answer = self._call("GET", "/messages/" + urllib.parse.quote(delivery_id, safe=""))
        if isinstance(answer, Delivery):
            return None
        report = self._delivery(answer, recipient=None)
        return None if report.gateway_id != delivery_id else report

    def _call(self, method: str, path: str, payload: object = None) -> dict[str, Any] | Delivery:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                detail = self._error_text(exc.read())
            status = f"HTTP {exc.code}{' ' + _quote(exc.reason, self._token) if exc.reason else ''}"
            return _failed(
                f"the SMS gateway answered {status}{detail}",
                retry=exc.code == 429 or exc.code >= 500,
            )
        except (TimeoutError, urllib.error.URLError) as exc:
            cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(cause, TimeoutError):
                return _failed(
                    f"the SMS gateway did not answer within {_seconds(self.timeout)}", retry=True
                )
            text = getattr(cause, "strerror", None) or str(cause)
            return _failed(f"cannot reach the SMS gateway: {_quote(text, self._token)}", retry=True)
        except OSError as exc:  # reset while reading the answer
            return _failed(
                f"the SMS gateway dropped the connection: {_quote(str(exc), self._token)}",
                retry=True,
            )
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return _failed(
                "the SMS gateway's answer is not a JSON object with id and status", retry=False
            )
        return answer

    def _error_text(self, raw: bytes) -> str:
        with contextlib.suppress(ValueError):
            answer = json.loads(raw)
            if isinstance(answer, dict) and isinstance(answer.get("error"), str):
                return f": {_quote(answer['error'], self._token)}"
        return ""

    def _delivery(self, answer: dict[str, Any], *, recipient: Invitation | None) -> Delivery:
        gateway_id, state = answer.get("id"), answer.get("status")
        if (
            not isinstance(gateway_id, str | int)
            or isinstance(gateway_id, bool)
            or not (isinstance(state, str) and state in DELIVERY_STATES)
        ):
            return _failed(
                "the SMS gateway's answer lacks an id or a status of "
                "queued, sent, delivered or failed",
                retry=False,
            )
        gateway_id = str(gateway_id)
        if state == "failed":
            error = answer.get("error")
            why = (
                _quote(error, self._token, recipient=recipient)
                if isinstance(error, str) and error
                else ""
            )
            return Delivery(
                "failed",
                f"the SMS gateway could not deliver it: {why or 'no reason given'}",
                gateway_id=gateway_id,
            )
        reason = {
            "queued": "queued by the SMS gateway",
            "sent": "sent by the SMS gateway",
            "delivered": "delivered, as the SMS gateway reports",
        }[state]
        return Delivery(state, reason, gateway_id=gateway_id)  # type: ignore[arg-type]


_OUTBOX_NAME = re.compile(r"\A[0-9TZ.-]+-[0-9A-Za-z_-]+\.(eml|json)\Z")


class OutboxTransport:
    """Writes each invitation to a folder instead of sending it: ``.eml`` or ``.json``.

    For the demo and for seeing what would be sent. Files are written whole
    (a temporary file renamed into place), the folder readable by the user
    only (0700) and each file too (0600), as the store's.
    """

    def __init__(self, folder: str | os.PathLike[str], sender: str = "collab-console@localhost"):
        self.folder = Path(folder)
        self.sender = sender

    def __repr__(self) -> str:
        return f"OutboxTransport(folder={str(self.folder)!r})"

    def send(self, invitation: Invitation) -> Delivery:
        now = datetime.now(UTC)
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        if invitation.channel == "email":
            name = f"{stamp}-{invitation.id}.eml"
            content = compose_email(invitation, self.sender, now=now).as_bytes()
        else:
            try:
                body = sms_body(invitation)
            except ValueError as exc:
                return _failed(f"cannot compose the SMS: {exc}", retry=False)
            name = f"{stamp}-{invitation.id}.json"
            record = {"to": invitation.to, "body": body, "invitation": invitation.id}
            content = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()
        if not _OUTBOX_NAME.match(name):
            return _failed(f"cannot name an outbox file after {invitation.id!r}", retry=False)
        try:
            self._write(name, content)
        except OSError as exc:
            return _failed(
                f"cannot write to the outbox folder {self.folder}: {exc.strerror or exc}",
                retry=True,
            )
        return Delivery("sent", f"written to the outbox as {name}", gateway_id=name)

    def _write(self, name: str, content: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        temporary = self.folder / f".{name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def status(self, delivery_id: str) -> Delivery | None:
        """``sent`` while the file is there; None for an unknown or foreign name."""
        if not _OUTBOX_NAME.match(delivery_id) or not (self.folder / delivery_id).is_file():
            return None
        return Delivery("sent", f"written to the outbox as {delivery_id}", gateway_id=delivery_id)
