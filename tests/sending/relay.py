"""Real aiosmtpd relays on 127.0.0.1 for the SMTP tests: STARTTLS+AUTH, implicit TLS, plain.

The fixtures `certs` and `relay_factory` are in tests/fixtures/smtp.py (a plugin of the whole
suite): `relay_factory(mode, ...)` starts a Controller on a free port and stops it after the test.
The handler's replies are chosen per test (`Relay.handler`): RCPT replies by address prefix,
MAIL and DATA replies, or dropping the connection during DATA. Delivered messages (envelope
and raw bytes) are collected in `handler.delivered`. A slow relay: `hold_data()` makes the
next DATA wait (after the whole message arrived, before the reply) until `release()`; the
test waits on `data_arrived` instead of sleeping, and the held transaction is not delivered.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from mailtui.config import ServerConfig
from tests.certs import CertPair

USER = "alice"
PASSWORD = "correct-horse-battery-42"
TOKEN = "ya29.a0-oauth-access-token"


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str]


@dataclass
class RecordingHandler:
    """An aiosmtpd handler whose replies the test chooses; records what it accepted."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address prefix -> reply
    mail_reply: str | None = None
    data_reply: str = "250 2.0.0 Ok: queued as 12BDBE6FEE9"
    drop_in_data: bool = False
    delivered: list[Delivered] = field(default_factory=list)
    logins: list[tuple[str, bytes]] = field(default_factory=list)
    ehlo_names: list[str] = field(default_factory=list)  # the client's EHLO name, per MAIL
    data_arrived: threading.Event = field(default_factory=threading.Event)
    _hold: threading.Event | None = None

    def hold_data(self) -> None:
        """The next DATA is held before its reply, and then answered 421 (a relay that never accepted)."""
        self.data_arrived.clear()
        self._hold = threading.Event()

    def release(self) -> None:
        if self._hold is not None:
            self._hold.set()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        self.ehlo_names.append(session.host_name)
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        for prefix, reply in self.rcpt_replies.items():
            if address.startswith(prefix):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        hold, self._hold = self._hold, None
        if hold is not None:
            self.data_arrived.set()
            await asyncio.to_thread(hold.wait, 60)
            return "421 4.3.0 held and dropped"
        if self.drop_in_data:
            server.transport.close()  # the relay vanishes after receiving the message
            return "421 4.4.2 gone"
        if self.data_reply.startswith("250"):
            self.delivered.append(
                Delivered(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    list(envelope.mail_options),
                )
            )
        return self.data_reply

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's hook name
        """XOAUTH2 (a mechanism aiosmtpd lacks): accepts TOKEN for USER."""
        blob = base64.b64decode(args[1]) if len(args) > 1 else b""
        self.logins.append(("XOAUTH2", blob.split(b"\x01")[0].removeprefix(b"user=")))
        return AuthResult(
            success=blob == f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01".encode(), handled=False
        )

    def authenticator(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
        self.logins.append((mechanism, auth_data.login if isinstance(auth_data, LoginPassword) else b""))
        # handled=False: aiosmtpd sends "535 5.7.8" itself (handled=True would leave the client hanging)
        return AuthResult(success=ok, handled=False)


@dataclass
class Relay:
    controller: Controller
    handler: RecordingHandler
    port: int
    mode: str
    cert: CertPair

    def config(self, **overrides: Any) -> ServerConfig:
        """A ServerConfig for this relay; by default trusting its certificate through ca_file."""
        tls = {"starttls": "starttls", "ssl": "ssl", "plain": "none"}[self.mode]
        base = ServerConfig(
            kind="smtp", account="test", host="127.0.0.1", port=self.port, tls=tls, user=USER,
            ca_file=str(self.cert.cert) if tls != "none" else None, timeout=10.0,
        )  # fmt: skip
        return replace(base, **overrides)
