"""A swaks-style SMTP probe: connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, one stage at a time.

`SmtpProbeSession` (a `probe_session.ProbeSession`) drives a `TranscriptSMTP` (the same client
and connection options as `mailtui.sending.smtp.send_message`: tls ssl/starttls/none, never
opportunistic STARTTLS; tls_verify, ca_file, timeout) and records for each stage the
server's replies (explained with `core.codes.short_explanation`) and its duration. It keeps the EHLO capabilities before
and after STARTTLS side by side, the TLS session and the peer certificate (read in a
second, unverified handshake when verification fails, so the admin still sees it).

Nothing is delivered unless the probe goes up to the `data` stage: the session sends
QUIT right after its last stage.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from typing import Literal

import aiosmtplib

from mailtui.config import ServerConfig
from mailtui.core.codes.explain import short_explanation
from mailtui.core.errors import (
    EX_NOPERM,
    EX_TEMPFAIL,
    EX_USAGE,
    MailtuiError,
)
from mailtui.core.exit_codes import exit_code_for_failure, exit_code_for_reply
from mailtui.core.i18n import current_language, tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Direction, Transcript
from mailtui.diagnostics import probe_messages, tls_info
from mailtui.diagnostics.probe_session import ProbeError, ProbeSession, Reply, StepResult, StepStatus
from mailtui.diagnostics.tls_info import TlsInfo
from mailtui.sending.client import TranscriptSMTP, connection_label
from mailtui.sending.ehlo import ehlo_name
from mailtui.sending.smtp import make_tls_context, oauth_login

Stage = Literal["connect", "ehlo", "tls", "auth", "mail", "rcpt", "data"]
STAGES: tuple[Stage, ...] = ("connect", "ehlo", "tls", "auth", "mail", "rcpt", "data")


@dataclass(frozen=True)
class SmtpCapabilities:
    """The EHLO keywords, parsed: the ones an admin checks first, plus all of them raw."""

    raw: dict[str, str] = field(default_factory=dict)  # KEYWORD (upper case) -> parameters
    size: int | None = None  # SIZE limit in bytes (0 = no limit announced)
    pipelining: bool = False
    eightbitmime: bool = False
    smtputf8: bool = False
    starttls: bool = False
    auth: tuple[str, ...] = ()
    dsn: bool = False
    enhancedstatuscodes: bool = False
    chunking: bool = False

    @classmethod
    def from_extensions(cls, extensions: dict[str, str]) -> SmtpCapabilities:
        """From aiosmtplib's `esmtp_extensions` (lower-case keys)."""
        raw = {clean_line(k.upper()): clean_line(v) for k, v in extensions.items()}
        size_text = raw.get("SIZE", "").strip()
        return cls(
            raw=raw,
            size=int(size_text) if size_text.isdigit() else (0 if "SIZE" in raw else None),
            pipelining="PIPELINING" in raw,
            eightbitmime="8BITMIME" in raw,
            smtputf8="SMTPUTF8" in raw,
            starttls="STARTTLS" in raw,
            auth=tuple(m.upper() for m in raw.get("AUTH", "").split()),
            dsn="DSN" in raw,
            enhancedstatuscodes="ENHANCEDSTATUSCODES" in raw,
            chunking="CHUNKING" in raw,
        )


@dataclass(frozen=True)
class SmtpProbeResult:
    """Everything the probe learned, for the report, the JSON output and the UI."""

    host: str
    port: int
    tls_mode: str
    target: str  # the stage the probe was asked to reach (quit-after)
    banner: Reply | None
    capabilities_before_tls: SmtpCapabilities | None  # None with implicit TLS
    capabilities_after_tls: SmtpCapabilities | None  # None without TLS
    tls: TlsInfo | None
    steps: tuple[StepResult, ...]
    reached_stage: str | None  # the last stage that completed (or was skipped as not needed)
    ok: bool  # reached `target`
    error: str
    exit_code: int
    delivered: bool  # the server accepted a test message (data stage)
    transcript: tuple[str, ...]
    auth_mechanism: str = ""  # "PLAIN", "LOGIN", "OAUTHBEARER" or "XOAUTH2" once logged in


def probe_message(sender: str, recipient: str) -> bytes:
    """The small test message sent at the data stage."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    now = formatdate(localtime=True)
    msg["Subject"] = f"mailtui probe test message {now}"
    msg["Date"] = now
    msg["Message-ID"] = make_msgid(domain="mailtui.probe")
    msg["X-Mailer"] = "mailtui probe"
    msg.set_content(f"Test message sent by `mailtui probe smtp` at {now}.\nIt can be deleted.\n")
    return msg.as_bytes(policy=SMTP_POLICY)


class SmtpProbeSession(ProbeSession[Stage]):
    """Step through the SMTP stages against `server`; `step()` runs one, `run_to()` all."""

    def __init__(
        self,
        server: ServerConfig,
        password: str | None = None,
        *,
        sender: str = "",
        recipient: str = "",
        quit_after: Stage = "ehlo",
        transcript: Transcript | None = None,
        ehlo_hostname: str | None = None,
        oauth2_token: str | None = None,
    ) -> None:
        super().__init__(STAGES, quit_after, transcript)
        if quit_after in ("mail", "rcpt", "data") and not sender:
            raise ProbeError(
                tr("--quit-after {stage} needs a sender (--from)", stage=quit_after), exit_code=EX_USAGE
            )
        if quit_after in ("rcpt", "data") and not recipient:
            raise ProbeError(
                tr("--quit-after {stage} needs a recipient (--to)", stage=quit_after), exit_code=EX_USAGE
            )
        self.server = server
        self.sender, self.recipient = sender, recipient
        self.transcript.add_secret(password, server.user)
        self._password = password
        # With a token (the account's oauth2_token_command): AUTH OAUTHBEARER or XOAUTH2.
        self.transcript.add_secret(oauth2_token, server.user)
        self._token = oauth2_token
        self._mechanism = ""
        self._ehlo_hostname = ehlo_hostname
        self.label = connection_label(server.host, server.port)
        self.client: TranscriptSMTP | None = None
        self._banner: Reply | None = None
        self._caps_before: SmtpCapabilities | None = None
        self._caps_after: SmtpCapabilities | None = None
        self._tls: TlsInfo | None = None
        self._delivered = False

    def result(self) -> SmtpProbeResult:
        """A snapshot of what the probe learned so far."""
        return SmtpProbeResult(
            host=self.server.host, port=self.server.port, tls_mode=self.server.tls, target=self.target,
            banner=self._banner, capabilities_before_tls=self._caps_before,
            capabilities_after_tls=self._caps_after, tls=self._tls, delivered=self._delivered,
            auth_mechanism=self._mechanism, **self._outcome(),
        )  # fmt: skip

    # -- driving ---------------------------------------------------------------------
    async def step(self) -> StepResult:
        """Run the next stage; after the last one (or a failure) QUIT and close."""
        stage = self._current_stage()
        replies: list[Reply] = []
        start = time.perf_counter()
        try:
            note, status = await getattr(self, f"_stage_{stage}")(replies)
        except MailtuiError as exc:  # ProbeError, or an unreadable ca_file
            result = self._fail(stage, start, str(exc), exc.exit_code, replies)
        except (aiosmtplib.SMTPException, OSError, ValueError) as exc:
            if isinstance(exc, aiosmtplib.SMTPResponseException):
                replies.append(Reply.of(exc.code, exc.message))
            message, exit_code = _classify(exc, stage, self.server)
            result = self._fail(stage, start, message, exit_code, replies)
        else:
            result = self._passed(stage, status, start, replies, note)
        if self.done:
            await self.close()
        return result

    async def run_to(self, stage: Stage | None = None) -> SmtpProbeResult:
        """Step until `stage` (default: quit_after) is reached or a stage fails."""
        while self._wants_step(stage):
            await self.step()
        if self.done:
            await self.close()
        return self.result()

    async def close(self) -> None:
        """QUIT (politely, ignoring a rude server) and close the connection."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if client.is_connected:
                await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass
        finally:
            client.close()

    # -- stages ----------------------------------------------------------------------
    def _client(self) -> TranscriptSMTP:
        if self.client is None:
            raise probe_messages.connection_closed()
        return self.client

    async def _stage_connect(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        s = self.server
        try:
            context = make_tls_context(s) if s.tls != "none" else None
        except MailtuiError as exc:
            raise ProbeError(
                str(exc).replace(s.table, "--ca-file"), exit_code=exit_code_for_failure("tls_config")
            ) from exc
        self.client = TranscriptSMTP(
            transcript=self.transcript, label=self.label, account=s.account,
            hostname=s.host, port=s.port, use_tls=s.tls == "ssl",
            start_tls=False,  # STARTTLS is its own stage: never aiosmtplib's opportunistic None
            tls_context=context,
            timeout=s.timeout, local_hostname=ehlo_name(self._ehlo_hostname or s.ehlo),
        )  # fmt: skip
        try:
            response = await self.client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            if s.tls == "ssl" and _looks_like_tls(exc):
                await self._tls_failed(exc)
            raise
        self._banner = Reply.of(response.code, response.message)
        replies.append(self._banner)
        if s.tls == "ssl":
            await self._record_tls()
            return tr("implicit TLS: {version}", version=self._tls.version if self._tls else "?"), "ok"
        return "", "ok"

    async def _stage_ehlo(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        client = self._client()
        response = await client.ehlo()
        replies.append(Reply.of(response.code, response.message))
        caps = SmtpCapabilities.from_extensions(client.esmtp_extensions)
        if self.server.tls == "ssl":
            self._caps_after = caps
        else:
            self._caps_before = caps
        return tr("{count} extensions", count=len(caps.raw)), "ok"

    async def _stage_tls(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        s = self.server
        if (skipped := probe_messages.tls_skipped(s.tls)) is not None:
            return skipped
        client = self._client()
        probe_messages.require_starttls("smtp", s.host, s.port, client.supports_extension("starttls"))
        try:
            response = await client.starttls()
        except aiosmtplib.SMTPResponseException:
            raise
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._tls_failed(exc)
            raise
        replies.append(Reply.of(response.code, response.message))
        await self._record_tls()
        response = await client.ehlo()
        replies.append(Reply.of(response.code, response.message))
        self._caps_after = SmtpCapabilities.from_extensions(client.esmtp_extensions)
        return f"{self._tls.version if self._tls else '?'} {self._tls.cipher if self._tls else ''}", "ok"

    async def _stage_auth(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        s = self.server
        if not s.user:
            return tr("no user given (--user)"), "skipped"
        client = self._client()
        if client.tls_description() is None and not s.allow_plaintext_auth:
            raise probe_messages.plaintext_refused(s.user, s.host, s.port)
        if not client.supports_extension("auth"):
            where = f"{s.host}:{s.port}"
            raise ProbeError(
                tr("{where} does not offer AUTH on this connection (many servers offer it only after STARTTLS)",
                   where=where)
                if s.tls == "none"
                else tr("{where} does not offer AUTH on this connection", where=where),
                exit_code=EX_NOPERM,
            )  # fmt: skip
        offered = [m.upper() for m in client.server_auth_methods]
        if self._token is not None:
            mechanism, response = await oauth_login(client, s, offered, self._token)
        elif self._password is None:
            raise probe_messages.no_password(s.user)
        elif "PLAIN" in offered:
            mechanism, response = "PLAIN", await client.auth_plain(s.user, self._password)
        elif "LOGIN" in offered:
            mechanism, response = "LOGIN", await client.auth_login(s.user, self._password)
        else:
            raise ProbeError(
                tr("{where} offers AUTH {offered}; the probe logs in with PLAIN or LOGIN",
                   where=f"{s.host}:{s.port}", offered=" ".join(offered) or tr("(none)")),
                exit_code=EX_NOPERM,
            )  # fmt: skip
        replies.append(Reply.of(response.code, response.message))
        self._mechanism = mechanism
        return tr("logged in as {user} with AUTH {mechanism}", user=s.user, mechanism=mechanism), "ok"

    async def _stage_mail(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        response = await self._client().mail(self.sender)
        replies.append(Reply.of(response.code, response.message))
        return tr("sender <{sender}> accepted", sender=self.sender), "ok"

    async def _stage_rcpt(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        response = await self._client().rcpt(self.recipient)
        replies.append(Reply.of(response.code, response.message))
        return tr("recipient <{recipient}> accepted", recipient=self.recipient), "ok"

    async def _stage_data(self, replies: list[Reply]) -> tuple[str, StepStatus]:
        data = probe_message(self.sender, self.recipient)
        response = await self._client().data(data)
        replies.append(Reply.of(response.code, response.message))
        self._delivered = True
        return tr("test message of {size} bytes accepted", size=len(data)), "ok"

    # -- TLS details -------------------------------------------------------------------
    async def _record_tls(self) -> None:
        transport = self._client().transport
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        details = tls_info.session_details(ssl_object)
        self._tls = await asyncio.to_thread(
            tls_info.session_info, details, self.server, self._starttls_kind()
        )

    async def _tls_failed(self, exc: BaseException) -> None:
        """The handshake failed: find out why, and read the certificate without verifying."""
        self._tls = await asyncio.to_thread(
            tls_info.failed_handshake_info, exc, self.server, self._starttls_kind(), recheck=True
        )
        if self._tls.note == tls_info.SECOND_HANDSHAKE_NOTE:
            self.transcript.add("smtp", self.label, Direction.INFO, self._tls.note, self.server.account)

    def _starttls_kind(self) -> tls_info.StartTLS | None:
        return "smtp" if self.server.tls == "starttls" else None


def _looks_like_tls(exc: BaseException) -> bool:
    if tls_info.find_verify_error(exc) is not None:
        return True
    text = str(exc).upper()
    return "SSL" in text or "CERTIFICATE" in text or "TLS" in text


def _classify(exc: BaseException, stage: Stage, server: ServerConfig) -> tuple[str, int]:
    """An admin message and a sysexits code for a failed stage."""
    where = f"{server.host}:{server.port}"
    text = clean_line(str(exc))
    verify = tls_info.find_verify_error(exc)
    if verify is not None or (stage in ("connect", "tls") and _looks_like_tls(exc)):
        failure = tls_info.explain_verify_error(verify) if verify is not None else None
        return probe_messages.tls_failed(
            "smtp", where, stage, failure, text, server.tls, server.port
        ), exit_code_for_failure("tls")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code, msg = exc.code, clean_line(exc.message)
        meaning = clean_line(short_explanation(code, msg, current_language()))
        said = tr("{where} answered {stage} with {code} {text} ({meaning})",
                  where=where, stage=stage.upper(), code=code, text=msg, meaning=meaning)  # fmt: skip
        if code // 100 == 4:
            return said, EX_TEMPFAIL
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError) or stage == "auth":
            check = (
                tr("Check the user name and that oauth2_token_command prints a current access token")
                if server.oauth2_token_command
                else tr("Check the user name and the password")
            )
            return tr("{said}. {check}.", said=said, check=check), exit_code_for_failure("login")
        return said, exit_code_for_reply(code, msg)  # the same table as `mailtui send`
    if isinstance(exc, TimeoutError):
        return probe_messages.timed_out(where, server.timeout, stage), exit_code_for_failure("timeout")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return tr(
            "{where} closed the connection during {stage}: {text}", where=where, stage=stage, text=text
        ), (exit_code_for_failure("disconnected"))
    if isinstance(exc, ConnectionError | OSError):
        return probe_messages.unreachable(where, text), exit_code_for_failure("unreachable")
    return tr("{where}: {stage} failed: {why}", where=where, stage=stage, why=text), exit_code_for_failure(
        "protocol"
    )
