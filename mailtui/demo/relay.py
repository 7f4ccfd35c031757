"""A local SMTP relay for the demo: aiosmtpd on loopback, delivering into the demo Maildir.

It behaves like a small Postfix so every send path of mailtui can be tried with no server:
special recipients get the replies real relays give (greylisting, unknown user, relay denied,
mailbox full), accepted mail lands in the Maildir's new/ with Received and Return-Path added,
and the final reply carries a Postfix-style queue id. It runs in aiosmtpd's Controller thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import secrets
import socket
import time
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailtui.config import AccountConfig
from mailtui.core.errors import MailtuiError

HOSTNAME = "demo-relay.test"
LOCAL_DOMAIN = "demo.test"
DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024

# Fixed replies for the special recipients, worded like Postfix's. `{addr}` is the recipient.
_REJECTS: dict[str, str] = {
    "greylist": "451 4.7.1 <{addr}>: Recipient address rejected: Greylisted, try again later",
    "nouser": "550 5.1.1 <{addr}>: Recipient address rejected: User unknown in local recipient table",
    "full": "552 5.2.2 <{addr}>: Recipient address rejected: Mailbox full",
}
_RELAY_DENIED = "554 5.7.1 <{addr}>: Relay access denied"

# aiosmtpd's own replies carry no enhanced status code (RFC 3463); we advertise
# ENHANCEDSTATUSCODES, so rewrite them the way Postfix words them.
_EXACT_REWRITES: dict[str, str] = {
    "250 OK": "250 2.0.0 Ok",
    "221 Bye": "221 2.0.0 Bye",
    "552 Error: message size exceeds fixed maximum message size": (
        "552 5.3.4 Message size exceeds fixed limit"
    ),
    "552 Error: Too much mail data": "552 5.3.4 Error: message file too big",
}
_DEFAULT_ENHANCED = {"500": "5.5.2", "501": "5.5.4", "502": "5.5.2", "503": "5.5.1", "504": "5.5.4"}
_HAS_ENHANCED = re.compile(r"^\d{3}[ -]\d\.\d{1,3}\.\d{1,3}(?: |$)")


class DemoRelayError(MailtuiError):
    """The demo relay could not start."""

    title = "Demo relay"


def enhance_reply(status: str) -> str:
    """Add an enhanced status code to one of aiosmtpd's built-in replies that lacks one."""
    if _HAS_ENHANCED.match(status):
        return status
    if status in _EXACT_REWRITES:
        return _EXACT_REWRITES[status]
    code, sep, text = status.partition(" ")
    if sep and code in _DEFAULT_ENHANCED:
        return f"{code} {_DEFAULT_ENHANCED[code]} {text}"
    return status


def queue_id() -> str:
    """A Postfix-like short queue id: 10 upper-case hex digits."""
    return secrets.token_hex(5).upper()


class _RelaySMTP(SMTP):
    """aiosmtpd's SMTP with enhanced status codes on its built-in replies."""

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            status = enhance_reply(status)
        await super().push(status)


class _RelayController(Controller):
    def factory(self) -> SMTP:
        return _RelaySMTP(self.handler, **self.SMTP_kwargs)


class _Handler:
    """aiosmtpd hooks: recipient policy and Maildir delivery."""

    def __init__(self, maildir: Path, slow_delay: float) -> None:
        self.maildir = maildir
        self.slow_delay = slow_delay
        self._seq = 0

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        # Keep "250 HELP" last: it is the only line without the continuation dash.
        return [*responses[:-1], "250-ENHANCEDSTATUSCODES", responses[-1]]

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        local, _, domain = address.rpartition("@")
        if domain.lower() != LOCAL_DOMAIN:
            return _RELAY_DENIED.format(addr=address)
        special = local.lower()
        if special in _REJECTS:
            return _REJECTS[special].format(addr=address)
        if special == "slow":
            # Lets the UI show a send in progress; the delay is in the server, not the client.
            await asyncio.sleep(self.slow_delay)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        qid = queue_id()
        raw = envelope.original_content or b""
        # Mail on disk uses LF line ends, as Postfix's local delivery writes it.
        body = raw.replace(b"\r\n", b"\n")
        peer = session.peer[0] if isinstance(session.peer, tuple) else "127.0.0.1"
        helo = session.host_name or "unknown"
        proto = "UTF8SMTP" if envelope.smtp_utf8 else ("ESMTP" if session.extended_smtp else "SMTP")
        rcpt = envelope.rcpt_tos[0] if len(envelope.rcpt_tos) == 1 else None
        stamp = format_datetime(datetime.now().astimezone())
        received = (
            f"Received: from {helo} ([{peer}])\n\tby {HOSTNAME} with {proto} id {qid}"
            + (f"\n\tfor <{rcpt}>" if rcpt else "")
            + f"; {stamp}\n"
        )
        return_path = f"Return-Path: <{envelope.mail_from or ''}>\n"
        data = return_path.encode() + received.encode() + body
        self._seq += 1
        try:
            deliver(self.maildir, data, self._seq)
        except OSError as exc:
            return f"451 4.3.0 Error: queue file write error ({exc.strerror or exc})"
        return f"250 2.0.0 Ok: queued as {qid}"


def deliver(maildir: Path, data: bytes, seq: int) -> Path:
    """Write one message into `maildir`/new the Maildir way: tmp/ first, then rename."""
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    now = time.time()
    usec = int((now % 1) * 1_000_000)
    name = f"{int(now)}.M{usec}P{os.getpid()}Q{seq}.{HOSTNAME},S={len(data)}"
    tmp = maildir / "tmp" / name
    with open(tmp, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    final = maildir / "new" / name
    os.rename(tmp, final)
    return final


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class DemoRelay:
    """The demo's SMTP relay on `host`:`port` (0: a free port picked at start)."""

    def __init__(
        self,
        maildir: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        size_limit: int = DEFAULT_SIZE_LIMIT,
        slow_delay: float = 2.0,
    ) -> None:
        self.maildir = Path(maildir)
        self.host = host
        self.port = port  # the port in use once started
        self._requested_port = port
        self.size_limit = size_limit
        self._handler = _Handler(self.maildir, slow_delay)
        self._controller: _RelayController | None = None

    def start(self) -> int:
        """Start listening; returns the port. aiosmtpd cannot bind port 0, so pick one first."""
        if self._controller is not None:
            return self.port
        wanted = self._requested_port
        attempts = 1 if wanted else 5  # a picked port can be taken before we bind it again
        last: Exception | None = None
        for _ in range(attempts):
            port = wanted or _free_port(self.host)
            controller = _RelayController(
                self._handler,
                hostname=self.host,
                port=port,
                server_hostname=HOSTNAME,
                ident="ESMTP mailtui demo relay",
                data_size_limit=self.size_limit,
                enable_SMTPUTF8=True,
            )
            try:
                controller.start()
            except Exception as exc:  # aiosmtpd raises OSError or RuntimeError from its thread
                last = exc
                continue
            self._controller, self.port = controller, port
            return port
        raise DemoRelayError(
            f"could not start the demo SMTP relay on {self.host}:{wanted or 'a free port'}: {last}. "
            "Is the port in use? Start mailtui --demo again, or free the port."
        )

    def stop(self) -> None:
        """Stop the server thread and free the port."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> DemoRelay:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class DemoRelayService:
    """The demo relay as an app service: delivers into the account's Maildir, on a free port."""

    title = "Demo relay"

    def __init__(self) -> None:
        self._relay: DemoRelay | None = None

    def start(self, account: AccountConfig) -> AccountConfig:
        """Start the relay; the account with its SMTP port set to the relay's."""
        self._relay = DemoRelay(Path(account.maildir or "."))
        port = self._relay.start()
        if account.smtp is None:
            return account
        return dataclasses.replace(account, smtp=dataclasses.replace(account.smtp, port=port))

    def stop(self) -> None:
        relay, self._relay = self._relay, None
        if relay is not None:
            relay.stop()
