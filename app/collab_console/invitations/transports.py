"""The ways an invitation goes out: SMTP, an HTTP SMS gateway, or the outbox folder.

Every transport answers a send with an :class:`Attempt` and never raises for a
delivery problem: a failure says whether trying again may help (``retry``) and
why, in one sentence fit for the card and the audit trail. Secrets (the SMTP
password, the gateway token) and the join link are never in a reason, a log
line or a ``repr``; recipients are shown masked. Standard library only, and no
send takes much longer than the ``timeout`` given: a watchdog closes a
connection that is still busy when its time is up.

A setting or secret that is missing (a user name without a stored password,
a gateway without a token) makes every send fail at once, before any link is
made for it, with ``retry`` set and a reason that names the fix: the
invitation goes out once an admin has fixed it (:meth:`Transport.refusal`).

The SMS gateway shape, for the base address an admin sets (``sms_gateway_url``,
which ends in ``/``):

* ``POST {base}messages`` with JSON ``{"to", "body"}`` and
  ``Authorization: Bearer TOKEN``, answered by ``{"id", "status"}``;
* ``GET {base}messages/{id}``, answered by ``{"id", "status", "error"}``;

``status`` being ``queued``, ``sent``, ``delivered`` or ``failed``. HTTP 429
and 5xx are transient, other 4xx and redirects are not. Another gateway is
another class that satisfies :class:`Transport`.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import os
import re
import smtplib
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, get_args

from collab_console.core import clock
from collab_console.core.delivery import DeliveryState
from collab_console.invitations.message import Invitation, compose_email, sms_body

Security = Literal["starttls", "tls", "none"]

#: The first wait after a failure, and the longest.
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
#: How much of a server's reply a reason quotes.
_MAX_QUOTE = 200
#: The most of a gateway's answer that is read; a real one is a few dozen bytes.
_MAX_ANSWER = 64 * 1024
#: What stands in for a secret or the join link in a quoted reply.
_HIDDEN = "•••"

#: The words of the SMS gateway for where a message is, and what each means here.
GATEWAY_STATES: dict[str, DeliveryState] = {
    "queued": DeliveryState.SENT,
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "failed": DeliveryState.FAILED,
}
_GATEWAY_REASONS = {
    "queued": "queued by the SMS gateway",
    "sent": "sent by the SMS gateway",
    "delivered": "delivered, as the SMS gateway reports",
}


@dataclass(frozen=True)
class Attempt:
    """What one try to send did, or what a gateway reports later.

    ``state`` is SENT (the server or gateway took it), DELIVERED (the gateway
    says it arrived) or FAILED; QUEUED never comes from a transport. ``retry``
    is true for a transient failure (time-out, SMTP 4xx, HTTP 429/5xx, a
    setting or secret to fix); ``reason`` is one sentence; ``gateway_id`` is
    what :meth:`Transport.status` takes (the gateway's message ID, the
    Message-ID, the outbox file name).
    """

    state: DeliveryState
    reason: str
    retry: bool = False
    gateway_id: str = ""

    def __post_init__(self) -> None:
        if self.retry and self.state is not DeliveryState.FAILED:
            raise ValueError("only a failed attempt is retried")


class Transport(Protocol):
    """Sends invitations on one channel and reports on them later; never raises for a
    delivery problem. The seam for another SMS gateway or mail service."""

    def refusal(self) -> Attempt | None:
        """The failure every send gives until a setting or secret is fixed, or None."""
        ...

    def send(self, invitation: Invitation) -> Attempt: ...

    def status(self, gateway_id: str) -> Attempt | None:
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
    """``text`` on one line, trimmed, each of ``hidden`` blotted out, and of the recipient's
    invitation the link hidden and the contact masked (a server may echo either)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    line = " ".join(text.split())
    secrets = list(hidden)
    if recipient is not None:
        token = recipient.link.rstrip("/").rpartition("/")[2]
        secrets += [recipient.link, token if len(token) >= 16 else None]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        line = line.replace(secret, _HIDDEN)
    if recipient is not None:
        line = line.replace(recipient.to, recipient.masked_to)
    return line if len(line) <= _MAX_QUOTE else line[: _MAX_QUOTE - 1] + "…"


def _failed(reason: str, *, retry: bool) -> Attempt:
    return Attempt(DeliveryState.FAILED, reason, retry=retry)


def _seconds(timeout: float) -> str:
    return f"{timeout:g} s"


def is_loopback(host: str) -> bool:
    """True for this machine: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _Deadline:
    """Shuts the watched socket when ``seconds`` have passed, so a server that answers a
    byte at a time cannot hold a send past its time-out. Used as a context manager around
    one send; :attr:`expired` tells afterwards whether it had to."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        """Watch ``sock`` (the connection's socket now, TLS-wrapped or not)."""
        with self._lock:
            self._socket = sock
            if self.expired:
                self._shut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown: it wakes a read blocked on the other thread,
                # TLS or not, without touching the TLS object that thread is using.
                socket.socket.shutdown(self._socket, socket.SHUT_RDWR)


class _Watched:
    """An smtplib client whose connection its deadline watches from before the greeting."""

    _deadline: _Deadline

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's own hook for making the connection (SMTP_SSL's does TLS's handshake
        # there, bounded by the socket's time-out)
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self._deadline.watch(sock)
        return sock


class _WatchedSMTP(_Watched, smtplib.SMTP):
    def __init__(self, deadline: _Deadline, host: str, port: int, timeout: float) -> None:
        self._deadline = deadline
        super().__init__(host, port, timeout=timeout)


class _WatchedSMTPSSL(_Watched, smtplib.SMTP_SSL):
    def __init__(
        self, deadline: _Deadline, host: str, port: int, timeout: float, context: ssl.SSLContext
    ) -> None:
        self._deadline = deadline
        super().__init__(host, port, timeout=timeout, context=context)


class SmtpTransport:
    """E-mail over SMTP: STARTTLS, implicit TLS or none (a local relay).

    Classification: no connection, a dropped one or a time-out, 4xx replies
    and a refused login are transient; 5xx replies and TLS problems are not.
    A password is never sent unencrypted to another machine. The password is
    never shown.
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
        self.username = username or ""
        self._password = password or ""
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

    def refusal(self) -> Attempt | None:
        if not self.sender:
            return _failed(
                "no sender address is set for e-mail invitations: "
                "collab-console settings set --smtp-sender ADDRESS",
                retry=True,
            )
        if self.username and self.security == "none" and not is_loopback(self.host):
            return _failed(
                f"the SMTP password would go unencrypted to {self._where}: choose STARTTLS "
                "or TLS (collab-console settings set --smtp-security starttls)",
                retry=False,
            )
        if self.username and not self._password:
            return _failed(
                f"no password is stored for the SMTP user {self.username}: "
                "collab-console secrets set smtp-password",
                retry=True,
            )
        return None

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _connect(self, deadline: _Deadline) -> smtplib.SMTP:
        smtp = (
            _WatchedSMTPSSL(deadline, self.host, self.port, self.timeout, self._context())
            if self.security == "tls"
            else _WatchedSMTP(deadline, self.host, self.port, self.timeout)
        )
        try:
            if self.security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=self._context())
                deadline.watch(smtp.sock)  # the TLS socket took over the connection
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, invitation: Invitation) -> Attempt:
        refused = self.refusal()
        if refused is not None:
            return refused
        message = compose_email(invitation, self.sender)
        stage = "connect"
        with _Deadline(self.timeout) as deadline:
            try:
                smtp = self._connect(deadline)
                try:
                    if self.username:
                        stage = "login"
                        smtp.login(self.username, self._password)
                    stage = "send"
                    smtp.send_message(message)
                    stage = "quit"
                    smtp.quit()
                finally:
                    smtp.close()
            except (OSError, UnicodeError) as exc:  # smtplib's errors are OSErrors
                if stage == "quit":
                    pass  # the server took the message: a failed goodbye changes nothing
                elif deadline.expired:
                    return self._timed_out()
                else:
                    return self._failure(exc, stage, invitation)
        return Attempt(
            DeliveryState.SENT,
            f"accepted by the mail server {self._where}",
            gateway_id=str(message["Message-ID"]),
        )

    def _failure(self, exc: OSError | UnicodeError, stage: str, invitation: Invitation) -> Attempt:
        where = self._where
        if isinstance(exc, UnicodeError):
            return _failed(
                f"the SMTP user name or password has letters the mail server {where} "
                "cannot take at login (only ASCII)",
                retry=True,
            )
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, text = next(iter(exc.recipients.values()), (-1, b""))
            return self._refused(code, text, invitation)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            reply = f"{exc.smtp_code} {_quote(exc.smtp_error, self._password)}".strip()
            return _failed(
                f"the mail server {where} refused the SMTP user name or password ({reply}): "
                "check collab-console settings set --smtp-username, and "
                "collab-console secrets set smtp-password",
                retry=True,
            )
        if isinstance(exc, smtplib.SMTPResponseException):
            return self._refused(exc.smtp_code, exc.smtp_error, invitation)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            what = {
                "connect": "STARTTLS; choose another security setting",
                "login": "a login; clear the SMTP user name, or use another server",
            }.get(stage, "non-ASCII addresses (SMTPUTF8)")
            return _failed(f"the mail server {where} does not offer {what}", retry=False)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            if isinstance(exc.__context__, TimeoutError):  # smtplib hides a read time-out
                return self._timed_out()
            return _failed(
                f"the mail server {where} closed the connection before accepting the message",
                retry=True,
            )
        if isinstance(exc, ssl.SSLError):
            return _failed(
                f"no secure connection to the mail server {where}: "
                f"{_quote(exc.reason or str(exc))}",
                retry=False,
            )
        if isinstance(exc, TimeoutError):
            return self._timed_out()
        # refused, unreachable, unknown host, reset
        return _failed(
            f"cannot reach the mail server {where}: {_quote(exc.strerror or str(exc))}",
            retry=True,
        )

    def _timed_out(self) -> Attempt:
        return _failed(
            f"the mail server {self._where} timed out after {_seconds(self.timeout)}",
            retry=True,
        )

    def _refused(self, code: int, text: bytes | str, invitation: Invitation) -> Attempt:
        reply = f"{code} {_quote(text, self._password, recipient=invitation)}".strip()
        if 400 <= code < 500:
            return _failed(f"the mail server {self._where} refused it for now: {reply}", retry=True)
        return _failed(f"the mail server {self._where} refused it: {reply}", retry=code < 500)

    def status(self, gateway_id: str) -> Attempt | None:
        """None: SMTP reports nothing after the server accepted a message."""
        return None


class SmsGatewayTransport:
    """SMS through an HTTP gateway (the shape is in the module's docstring).

    HTTP 429, 5xx, time-outs and lost connections are transient; other 4xx,
    redirects (never followed: they would carry the token elsewhere), TLS
    problems and a malformed answer are not. The token is sent only in the
    Authorization header, and never shown.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the SMS gateway URL must start with https:// or http://: {base_url}")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._token = token or ""
        self.timeout = timeout
        self._ssl_context = ssl_context

    def __repr__(self) -> str:
        return f"SmsGatewayTransport(base_url={self.base_url!r}, timeout={self.timeout:g})"

    def refusal(self) -> Attempt | None:
        if not self._token:
            return _failed(
                "no SMS gateway token is stored: collab-console secrets set sms-token",
                retry=True,
            )
        return None

    def send(self, invitation: Invitation) -> Attempt:
        refused = self.refusal()
        if refused is not None:
            return refused
        try:
            body = sms_body(invitation)
        except ValueError as exc:
            return _failed(f"cannot compose the SMS: {exc}", retry=False)
        answer = self._call("POST", "messages", {"to": invitation.to, "body": body}, invitation)
        if isinstance(answer, Attempt):
            return answer
        return self._attempt(answer, recipient=invitation)

    def status(self, gateway_id: str) -> Attempt | None:
        """The gateway's report; None when it does not know the ID or cannot be asked now."""
        if self.refusal() is not None:
            return None
        answer = self._call("GET", "messages/" + urllib.parse.quote(gateway_id, safe=""))
        if isinstance(answer, Attempt):
            return None
        report = self._attempt(answer, recipient=None)
        return None if report.gateway_id != gateway_id else report

    def _connection(self) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(self.base_url)
        assert parts.hostname is not None  # checked when made
        if parts.scheme == "https":
            context = self._ssl_context or ssl.create_default_context()
            return http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=self.timeout, context=context
            )
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)

    def _call(
        self,
        method: str,
        path: str,
        payload: object = None,
        recipient: Invitation | None = None,
    ) -> dict[str, Any] | Attempt:
        data = None if payload is None else json.dumps(payload).encode()
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        target = urllib.parse.urlsplit(self.base_url + path).path
        connection = self._connection()
        with _Deadline(self.timeout) as deadline:
            try:
                connection.connect()
                deadline.watch(connection.sock)
                connection.request(method, target, body=data, headers=headers)
                response = connection.getresponse()
                raw = response.read(_MAX_ANSWER)
            except (OSError, http.client.HTTPException) as exc:
                return self._lost(exc, timed_out=deadline.expired)
            finally:
                connection.close()
        if not 200 <= response.status < 300:
            detail = self._error_text(raw, recipient)
            words = _quote(response.reason, self._token) if response.reason else ""
            return _failed(
                f"the SMS gateway answered HTTP {response.status}{' ' + words if words else ''}"
                f"{detail}",
                retry=response.status == 429 or response.status >= 500,
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

    def _lost(self, exc: OSError | http.client.HTTPException, *, timed_out: bool) -> Attempt:
        """Why no answer came: a time-out, no connection, TLS, or a connection dropped."""
        if timed_out or isinstance(exc, TimeoutError):
            return _failed(f"the SMS gateway timed out after {_seconds(self.timeout)}", retry=True)
        if isinstance(exc, ssl.SSLError):
            return _failed(
                f"no secure connection to the SMS gateway: {_quote(exc.reason or str(exc))}",
                retry=False,
            )
        if isinstance(exc, ConnectionResetError | http.client.HTTPException):
            # RemoteDisconnected is both; a half-read answer (IncompleteRead) too
            return _failed(
                f"the SMS gateway dropped the connection: {_quote(str(exc), self._token)}",
                retry=True,
            )
        text = exc.strerror or str(exc)
        return _failed(f"cannot reach the SMS gateway: {_quote(text, self._token)}", retry=True)

    def _error_text(self, raw: bytes, recipient: Invitation | None) -> str:
        with contextlib.suppress(ValueError):
            answer = json.loads(raw)
            if isinstance(answer, dict) and isinstance(answer.get("error"), str):
                return f": {_quote(answer['error'], self._token, recipient=recipient)}"
        return ""

    def _attempt(self, answer: dict[str, Any], *, recipient: Invitation | None) -> Attempt:
        gateway_id, state = answer.get("id"), answer.get("status")
        if (
            not isinstance(gateway_id, str | int)
            or isinstance(gateway_id, bool)
            or str(gateway_id) == ""
            or not (isinstance(state, str) and state in GATEWAY_STATES)
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
            return Attempt(
                DeliveryState.FAILED,
                f"the SMS gateway could not deliver it: {why or 'no reason given'}",
                gateway_id=gateway_id,
            )
        return Attempt(GATEWAY_STATES[state], _GATEWAY_REASONS[state], gateway_id=gateway_id)


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

    def refusal(self) -> Attempt | None:
        return None

    def send(self, invitation: Invitation) -> Attempt:
        now = clock.now()
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
        return Attempt(DeliveryState.SENT, f"written to the outbox as {name}", gateway_id=name)

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

    def status(self, gateway_id: str) -> Attempt | None:
        """``sent`` while the file is there; None for an unknown or foreign name."""
        if not _OUTBOX_NAME.match(gateway_id) or not (self.folder / gateway_id).is_file():
            return None
        return Attempt(
            DeliveryState.SENT, f"written to the outbox as {gateway_id}", gateway_id=gateway_id
        )
