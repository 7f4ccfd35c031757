"""`TranscriptSMTP`: aiosmtplib's client, recording every command and reply in a Transcript.

aiosmtplib has no logging of its own, so this subclass overrides its public coroutines:
every command goes through `execute_command` (EHLO, MAIL, RCPT, AUTH and the bare SASL
continuation lines), STARTTLS and DATA go straight to the protocol and are logged here.
Secrets never reach the transcript: `Transcript.add` masks `AUTH <mech> <initial-response>`,
and every client line answering a `334` continuation is hidden with `hide_next_sent`.

Call order for a readable transcript: `connect()` WITHOUT start_tls/username (the greeting
is logged when connect returns), then `ehlo()`, `starttls()`, `ehlo()`, `auth_*()` yourself,
as `mailtui.sending.smtp.send_message` does.
"""

from __future__ import annotations

import itertools
import ssl
from typing import Any, Literal

import aiosmtplib
from aiosmtplib.response import SMTPResponse
from aiosmtplib.typing import Default

from mailtui.core.i18n import tr
from mailtui.core.transcript import Direction, Transcript

_connection_ids = itertools.count(1)

Timeout = float | Literal[Default.token] | None


def connection_label(host: str, port: int) -> str:
    """A fresh label for one connection, e.g. 'smtp#3 relay.example.com:587'."""
    return f"smtp#{next(_connection_ids)} {host}:{port}"


class TranscriptSMTP(aiosmtplib.SMTP):
    """An aiosmtplib.SMTP whose wire traffic is written to `transcript` (masked)."""

    def __init__(self, *, transcript: Transcript, label: str = "", account: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.transcript = transcript
        self.label = label or connection_label(str(self.hostname), int(self.port or 0))
        self.account = account
        self._continuation = False  # the server asked for a SASL continuation (334)

    # -- logging helpers -------------------------------------------------------------------
    def _log(self, direction: Direction, text: str) -> None:
        self.transcript.add("smtp", self.label, direction, text, self.account)

    def note(self, text: str) -> None:
        """An INFO line by mailtui on this connection."""
        self._log(Direction.INFO, text)

    def _log_reply(self, response: SMTPResponse) -> None:
        lines = response.message.splitlines() or [""]
        for i, line in enumerate(lines):
            sep = "-" if i < len(lines) - 1 else " "
            self._log(Direction.RECEIVED, f"{response.code}{sep}{line}".rstrip())

    def tls_description(self) -> str | None:
        """'TLSv1.3 TLS_AES_256_GCM_SHA384' when the connection is encrypted, else None."""
        if not self.is_connected or self.transport is None:
            return None
        ssl_object = self.transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return None
        cipher = ssl_object.cipher()
        return f"{ssl_object.version()} {cipher[0] if cipher else '?'}"

    def _note_tls(self) -> None:
        desc = self.tls_description()
        if desc is None:
            return
        ctx = self.tls_context
        verified = ctx is not None and ctx.verify_mode == ssl.CERT_REQUIRED
        how = tr("certificate verified") if verified else tr("certificate NOT verified (tls_verify = false)")
        self.note(tr("TLS established: {session}, {how}", session=desc, how=how))

    # -- overridden coroutines ---------------------------------------------------------------
    async def connect(self, **kwargs: Any) -> SMTPResponse:
        """Connect (logging the attempt, the TLS session for implicit TLS and the greeting)."""
        host = kwargs.get("hostname", self.hostname)
        port = kwargs.get("port", self.port)
        implicit = kwargs.get("use_tls", self.use_tls)
        where = f"{host}:{port}"
        self.note(
            tr("connecting to {where} with implicit TLS", where=where)
            if implicit
            else tr("connecting to {where}", where=where)
        )
        try:
            response = await super().connect(**kwargs)
        except (aiosmtplib.SMTPException, OSError) as exc:
            self.note(tr("connection failed: {why}", why=exc))
            raise
        self._note_tls()
        self._log_reply(response)
        return response

    async def execute_command(self, *args: bytes, timeout: Timeout = Default.token) -> SMTPResponse:
        """Send one command line; log it (masked) and every line of the reply."""
        is_auth = bool(args) and args[0].upper() == b"AUTH"
        if self._continuation and not is_auth:
            # A bare line answering "334": a SASL response that carries credentials.
            self.transcript.hide_next_sent(self.label)
        self._log(Direction.SENT, b" ".join(args).decode("utf-8", "replace"))
        try:
            response = await super().execute_command(*args, timeout=timeout)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
            self._continuation = False
            self.note(tr("connection lost: {why}", why=exc))
            raise
        self._continuation = response.code == 334 and (is_auth or self._continuation)
        self._log_reply(response)
        return response

    async def starttls(self, **kwargs: Any) -> SMTPResponse:
        """STARTTLS (after EHLO, which is logged first), then a note on the TLS session."""
        if self.is_ehlo_or_helo_needed:
            await self.ehlo()
        self._log(Direction.SENT, "STARTTLS")
        try:
            response = await super().starttls(**kwargs)
        except aiosmtplib.SMTPResponseException as exc:
            self._log(Direction.RECEIVED, f"{exc.code} {exc.message}")
            raise
        except (aiosmtplib.SMTPException, OSError) as exc:
            self.note(tr("TLS negotiation failed: {why}", why=exc))
            raise
        self._log_reply(response)
        self._note_tls()
        return response

    async def data(self, message: str | bytes, /, *, timeout: Timeout = Default.token) -> SMTPResponse:
        """DATA: logs the command, the 354, '<N bytes of message>' and the final reply."""
        protocol = self.protocol
        if protocol is None:
            return await super().data(message, timeout=timeout)
        size = len(message)
        original = protocol.read_response

        async def logged_read(timeout: float | None = None) -> SMTPResponse:
            response = await original(timeout=timeout)
            self._log_reply(response)
            if response.code == 354:
                self._log(Direction.SENT, f"<{size} bytes of message>")
            return response

        self._log(Direction.SENT, "DATA")
        # The protocol sends DATA and the message itself: wrap its reply reader for this call only.
        # An instance attribute shadowing the method; mypy rejects any assignment to a method.
        protocol.read_response = logged_read  # type: ignore[method-assign]
        try:
            return await super().data(message, timeout=timeout)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
            self.note(tr("connection lost during DATA: {why}", why=exc))
            raise
        finally:
            del protocol.read_response
