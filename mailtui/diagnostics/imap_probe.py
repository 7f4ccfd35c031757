"""The IMAP probe: greeting, CAPABILITY before TLS / after TLS / after login, TLS and the
certificate, the login result and the folder count, with the time of each step.

Blocking (imapclient), one stage per `ImapProbeSession.step()` (a `probe_session.ProbeSession`);
the UI runs it in a thread worker. It does not reuse `ImapConnection`, whose `_open` connects,
upgrades and logs in as one operation (right for a mailbox, but the probe must stop and look
between the steps); it does reuse its settings and TLS context (`imap_settings`) and the
protocol trace (`imap_trace`), so the transcript looks the same and the password is masked
the same way.

`ImapConsole` sends a raw command line typed by an admin on an open connection (the tag is
added for them) and returns the untagged and tagged response lines. It REFUSES commands
that would carry a password or change the connection under the client's feet (LOGIN,
AUTHENTICATE, STARTTLS, IDLE, COMPRESS, literals): a typed password would sit in the shell
history and the UI's input history, masking it afterwards is too late.
"""

from __future__ import annotations

import itertools
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from mailtui.backends.imap import trace as imap_trace
from mailtui.backends.imap.oauth import oauth_login
from mailtui.backends.imap.settings import ImapSettings, make_ssl_context, settings_from_server
from mailtui.config import ServerConfig
from mailtui.core.errors import EX_NOPERM, EX_PROTOCOL, EX_TEMPFAIL, EX_USAGE, MailtuiError
from mailtui.core.exit_codes import exit_code_for_failure
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Direction, Transcript
from mailtui.diagnostics import probe_messages, tls_info
from mailtui.diagnostics.probe_session import ProbeError, ProbeSession, Reply, StepResult, StepStatus
from mailtui.diagnostics.tls_info import TlsInfo

ImapStage = Literal["connect", "tls", "login", "list"]
IMAP_STAGES: tuple[ImapStage, ...] = ("connect", "tls", "login", "list")
_labels = itertools.count(1)


@dataclass(frozen=True)
class ImapProbeResult:
    """Everything the IMAP probe learned."""

    host: str
    port: int
    tls_mode: str
    user: str
    target: str
    greeting: str
    capabilities_before_tls: tuple[str, ...] | None  # None with implicit TLS
    capabilities_after_tls: tuple[str, ...] | None  # None without TLS
    capabilities_after_login: tuple[str, ...] | None
    tls: TlsInfo | None
    login: str  # "ok", "failed", "skipped" or "" (not reached)
    folder_count: int | None
    steps: tuple[StepResult, ...]
    reached_stage: str | None
    ok: bool
    error: str
    exit_code: int
    transcript: tuple[str, ...]
    login_mechanism: str = ""  # "LOGIN", "PLAIN", "OAUTHBEARER" or "XOAUTH2" once logged in


def _caps(client: IMAPClient) -> tuple[str, ...]:
    return tuple(clean_line(c.decode("ascii", "replace")).upper() for c in client.capabilities())


class ImapProbeSession(ProbeSession[ImapStage]):
    """Step through connect, STARTTLS, LOGIN and LIST against one IMAP server."""

    def __init__(
        self,
        settings: ImapSettings | ServerConfig,
        password: str | None = None,
        *,
        target: ImapStage | None = None,
        transcript: Transcript | None = None,
        oauth2_token: str | None = None,
        oauth2_mechanism: str | None = None,
    ) -> None:
        if isinstance(settings, ServerConfig):  # a config table or the probe form
            oauth2_mechanism = oauth2_mechanism or settings.oauth2_mechanism
            settings = settings_from_server(settings)
        super().__init__(IMAP_STAGES, target or ("list" if settings.user else "tls"), transcript)
        self.settings = settings
        if self.target in ("login", "list") and not settings.user:
            raise ProbeError(tr("stage {stage} needs a user (--user)", stage=self.target), exit_code=EX_USAGE)
        self.transcript.add_secret(password, settings.user)
        self._password = password
        # With a token (an account's oauth2_token_command) the login is OAUTHBEARER or XOAUTH2.
        self.transcript.add_secret(oauth2_token, settings.user)
        self._token = oauth2_token
        self._mechanism_preference = oauth2_mechanism or "auto"
        self._mechanism = ""
        self.label = f"imap-probe#{next(_labels)} {settings.host}:{settings.port}"
        self._trace = imap_trace.TraceTarget(self.transcript, self.label, settings.account)
        imap_trace.install()
        self.client: IMAPClient | None = None
        self._greeting = ""
        self._before: tuple[str, ...] | None = None
        self._after_tls: tuple[str, ...] | None = None
        self._after_login: tuple[str, ...] | None = None
        self._tls: TlsInfo | None = None
        self._login = ""
        self._folders: int | None = None

    def result(self) -> ImapProbeResult:
        """A snapshot of what the probe learned so far."""
        s = self.settings
        return ImapProbeResult(
            host=s.host, port=s.port, tls_mode=s.tls, user=s.user, target=self.target,
            greeting=self._greeting, capabilities_before_tls=self._before,
            capabilities_after_tls=self._after_tls, capabilities_after_login=self._after_login,
            tls=self._tls, login=self._login, folder_count=self._folders, login_mechanism=self._mechanism,
            **self._outcome(),
        )  # fmt: skip

    def step(self) -> StepResult:
        """Run the next stage (blocking); after the last one or a failure, LOGOUT."""
        stage = self._current_stage()
        start = time.perf_counter()
        with imap_trace.tracing(self._trace):
            try:
                note, status = getattr(self, f"_stage_{stage}")()
            except MailtuiError as exc:
                result = self._fail(stage, start, str(exc), exc.exit_code)
            except (IMAPClientError, OSError, ValueError) as exc:
                result = self._fail(stage, start, *self._classify(exc, stage))
            else:
                result = self._passed(stage, status, start, note=note)
        if self.done:
            self.close()
        return result

    def run_to(self, stage: ImapStage | None = None) -> ImapProbeResult:
        """Step until `stage` (default: the target) or a failure; then LOGOUT."""
        while self._wants_step(stage):
            self.step()
        if self.done:
            self.close()
        return self.result()

    def close(self) -> None:
        """LOGOUT (ignoring a server that is already gone) and close."""
        client, self.client = self.client, None
        if client is None:
            return
        with imap_trace.tracing(self._trace):
            try:
                client.logout()
            except (IMAPClientError, OSError):
                try:
                    client.shutdown()
                except (IMAPClientError, OSError):
                    pass

    def _fail(
        self, stage: ImapStage, start: float, error: str, code: int, replies: Sequence[Reply] = ()
    ) -> StepResult:
        if stage == "login":
            self._login = "failed"
        return super()._fail(stage, start, error, code, replies)

    def _note(self, text: str) -> None:
        self._trace.add(Direction.INFO, text)

    # -- stages --------------------------------------------------------------------------
    def _stage_connect(self) -> tuple[str, StepStatus]:
        s = self.settings
        ctx = make_ssl_context(s) if s.tls != "none" else None
        self._note(tr("connecting to {where} ({tls})", where=f"{s.host}:{s.port}", tls=s.tls_description))
        try:
            client = IMAPClient(s.host, s.port, ssl=s.tls == "ssl", ssl_context=ctx, timeout=s.timeout)
        except ssl.SSLError as exc:
            self._tls_failed(exc)
            raise
        self.client = client
        self._greeting = clean_line(client.welcome.decode("utf-8", "replace"))
        self._trace.add(Direction.RECEIVED, self._greeting)
        if s.tls == "ssl":
            self._record_tls(client)
            self._after_tls = _caps(client)
            return tr("implicit TLS: {version}", version=self._tls.version if self._tls else "?"), "ok"
        self._before = _caps(client)
        return "", "ok"

    def _stage_tls(self) -> tuple[str, StepStatus]:
        s = self.settings
        if (skipped := probe_messages.tls_skipped(s.tls)) is not None:
            return skipped
        client = self._need_client()
        probe_messages.require_starttls("imap", s.host, s.port, client.has_capability("STARTTLS"))
        try:
            client.starttls(make_ssl_context(s))
        except ssl.SSLError as exc:
            self._tls_failed(exc)
            raise
        self._record_tls(client)
        self._after_tls = _caps(client)
        return f"{self._tls.version if self._tls else '?'} {self._tls.cipher if self._tls else ''}", "ok"

    def _stage_login(self) -> tuple[str, StepStatus]:
        s = self.settings
        if not s.user:
            self._login = "skipped"
            return tr("no user given (--user)"), "skipped"
        client = self._need_client()
        if s.tls == "none" and not s.allow_plaintext_auth:
            raise probe_messages.plaintext_refused(s.user, s.host, s.port)
        known = self._after_tls if self._after_tls is not None else self._before or ()
        if "LOGINDISABLED" in known:  # from the list already read: no extra CAPABILITY round trip
            raise ProbeError(
                tr("{where} announces LOGINDISABLED on this connection", where=f"{s.host}:{s.port}"),
                exit_code=EX_NOPERM,
            )
        if self._token is not None:
            self._mechanism = oauth_login(
                client, s, self._token, self._mechanism_preference, self.transcript, note=self._note
            )
            self._login = "ok"
            self._after_login = _caps(client)
            return tr(
                "logged in as {user} with AUTHENTICATE {mechanism}", user=s.user, mechanism=self._mechanism
            ), "ok"
        if self._password is None:
            raise probe_messages.no_password(s.user)
        if self._password.isascii():
            said, self._mechanism = client.login(s.user, self._password), "LOGIN"
        else:  # LOGIN takes ASCII quoted strings only; SASL PLAIN carries UTF-8
            said, self._mechanism = client.plain_login(s.user, self._password), "PLAIN"
        self._login = "ok"
        self._after_login = _caps(client)
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said or "")
        return tr("logged in as {user}: {text}", user=s.user, text=clean_line(text)), "ok"

    def _stage_list(self) -> tuple[str, StepStatus]:
        if self._login != "ok":
            return tr("not logged in"), "skipped"
        folders = self._need_client().list_folders()
        self._folders = len(folders)
        return tr("{count} folders", count=len(folders)), "ok"

    def _need_client(self) -> IMAPClient:
        if self.client is None:
            raise probe_messages.connection_closed()
        return self.client

    # -- TLS -------------------------------------------------------------------------------
    def _record_tls(self, client: IMAPClient) -> None:
        sock = client.socket()
        details = tls_info.session_details(sock if isinstance(sock, ssl.SSLSocket) else None)
        self._tls = tls_info.session_info(details, self.settings, self._starttls_kind())

    def _tls_failed(self, exc: BaseException) -> None:
        self._tls = tls_info.failed_handshake_info(exc, self.settings, self._starttls_kind())
        if self._tls.note == tls_info.SECOND_HANDSHAKE_NOTE:
            self._note(self._tls.note)

    def _starttls_kind(self) -> tls_info.StartTLS | None:
        return "imap" if self.settings.tls == "starttls" else None

    def _classify(self, exc: BaseException, stage: str) -> tuple[str, int]:
        s = self.settings
        where = f"{s.host}:{s.port}"
        text = clean_line(imap_trace.unrepr(str(exc)))
        if isinstance(exc, ssl.SSLError):
            verify = tls_info.find_verify_error(exc)
            failure = tls_info.explain_verify_error(verify) if verify is not None else None
            tls_code = exit_code_for_failure("tls")
            return probe_messages.tls_failed("imap", where, stage, failure, text, s.tls, s.port), tls_code
        if isinstance(exc, LoginError):
            check = (
                tr("Check the user name and that oauth2_token_command prints a current access token")
                if self._token is not None
                else tr("Check the user name and password")
            )
            return (
                tr("{where} refused the login of {user}: {text}.", where=where, user=repr(s.user), text=text)
                + f" {check}.",
                exit_code_for_failure("login"),
            )
        if isinstance(exc, TimeoutError | socket.timeout):
            return probe_messages.timed_out(where, s.timeout, stage), exit_code_for_failure("timeout")
        if isinstance(exc, IMAPClientAbortError):
            return tr(
                "{where} dropped the connection during {stage}: {text}", where=where, stage=stage, text=text
            ), exit_code_for_failure("disconnected")
        if isinstance(exc, OSError):
            if stage == "connect":
                return probe_messages.unreachable(where, text), exit_code_for_failure("unreachable")
            return tr(
                "network error with {where} during {stage}: {text}", where=where, stage=stage, text=text
            ), exit_code_for_failure("disconnected")
        return tr(
            "{where} answered {stage} with an error: {text}", where=where, stage=stage, text=text
        ), exit_code_for_failure("protocol")


# --------------------------------------------------------------------------- raw console

# Commands the console refuses: credentials, or a connection state it cannot follow.
_REFUSED = frozenset({"LOGIN", "AUTHENTICATE", "STARTTLS", "IDLE", "COMPRESS", "LOGOUT"})


def _refused_why(verb: str) -> str:
    """Why the console does not send `verb` (one of `_REFUSED`), in the current language."""
    return {
        "LOGIN": tr("it carries a password; the probe logs in for you (--user)"),
        "AUTHENTICATE": tr("it carries credentials; the probe logs in for you (--user)"),
        "STARTTLS": tr("it would change the connection under the client; use --tls starttls"),
        "IDLE": tr("it waits for DONE, which the console cannot send"),
        "COMPRESS": tr("the client cannot follow a compressed stream"),
    }.get(verb, tr("close the console instead"))


MAX_RESPONSE_LINES = 100_000


@dataclass(frozen=True)
class ConsoleResponse:
    """The server's answer to one raw command: untagged lines, then the tagged status line."""

    tag: str
    command: str  # as sent, without the tag
    untagged: tuple[str, ...]
    tagged: str  # e.g. "mt1 OK List completed (0.001 + 0.000 secs)."
    status: str  # OK, NO or BAD

    @property
    def ok(self) -> bool:
        return self.status == "OK"


class _RawImap(Protocol):
    """The part of imaplib.IMAP4 the console uses: raw lines out and in."""

    def send(self, data: bytes, /) -> None: ...
    def readline(self) -> bytes: ...
    def read(self, size: int, /) -> bytes: ...


class ImapConsole:
    """Raw IMAP commands on an open connection (an IMAPClient or a stdlib imaplib.IMAP4).

    IMAPClient has no raw-line API, so the console talks through the imaplib object inside it
    (`IMAPClient._imap`) with imaplib's public `send`, `readline` and `read`. The caller must
    not use the connection from another thread meanwhile (hold ImapConnection.lock).
    """

    def __init__(
        self, connection: object, transcript: Transcript | None = None, label: str = "imap-console"
    ) -> None:
        imap = getattr(connection, "_imap", connection)
        for method in ("send", "readline", "read"):
            if not callable(getattr(imap, method, None)):
                raise ProbeError(
                    tr("the console needs an IMAPClient or an imaplib.IMAP4 connection"), exit_code=EX_USAGE
                )
        self._imap = cast(_RawImap, imap)  # checked just above: it has the three methods
        self.transcript = transcript if transcript is not None else Transcript()
        self.label = label
        self._tags = itertools.count(1)

    def check(self, line: str) -> str:
        """The command line, stripped; ProbeError when the console refuses it."""
        command = line.strip()
        if not command:
            raise ProbeError(tr('type an IMAP command, e.g. CAPABILITY or LIST "" "*"'), exit_code=EX_USAGE)
        if any(ch in command for ch in "\r\n\0"):
            raise ProbeError(tr("one command per line: CR, LF and NUL are not allowed"), exit_code=EX_USAGE)
        words = command.split()
        verb = words[0].upper()
        if verb == "UID" and len(words) > 1:
            verb = words[1].upper()
        if verb in _REFUSED:
            raise ProbeError(
                tr("the console does not send {verb}: {why}", verb=verb, why=_refused_why(verb)),
                exit_code=EX_USAGE,
            )
        if command.endswith("}"):
            raise ProbeError(
                tr("literals ({{N}}) need a continuation the console cannot send"), exit_code=EX_USAGE
            )
        return command

    def send(self, line: str) -> ConsoleResponse:
        """Send one command (tag added), read up to its tagged reply; ProbeError when refused or lost."""
        command = self.check(line)
        tag = f"mt{next(self._tags)}"
        self._add(Direction.SENT, f"{tag} {command}")
        untagged: list[str] = []
        try:
            self._imap.send(f"{tag} {command}\r\n".encode())
            while len(untagged) < MAX_RESPONSE_LINES:
                text = self._read_response_line()
                self._add(Direction.RECEIVED, text)
                if text.startswith(tag + " "):
                    status = text[len(tag) + 1 :].split(" ", 1)[0].upper()
                    return ConsoleResponse(tag, command, tuple(untagged), text, status)
                if text.startswith("+"):
                    raise ProbeError(
                        "the server asks for a continuation (+), which the console cannot send; the "
                        "connection is now out of step: close it",
                        exit_code=EX_PROTOCOL,
                    )
                untagged.append(text)
        except (OSError, EOFError) as exc:
            raise ProbeError(
                tr("the connection failed during {command}: {why}", command=command.split()[0], why=exc),
                exit_code=EX_TEMPFAIL,
            ) from None
        raise ProbeError(
            tr("more than {count} response lines; giving up", count=MAX_RESPONSE_LINES), exit_code=EX_PROTOCOL
        )

    def _read_response_line(self) -> str:
        """One response line, with any literals ({N}) inlined."""
        parts: list[bytes] = []
        while True:
            raw = self._imap.readline()
            if not raw:
                raise EOFError("the server closed the connection")
            line = raw.rstrip(b"\r\n")
            size = _literal_size(line)
            parts.append(line)
            if size is None:
                break
            parts.append(self._imap.read(size))
        return clean_line(b"".join(parts).decode("utf-8", "replace"))

    def _add(self, direction: Direction, text: str) -> None:
        if len(text) > imap_trace.MAX_LINE:  # a big FETCH answer: keep the transcript readable
            text = f"{text[: imap_trace.MAX_LINE]} ... ({len(text) - imap_trace.MAX_LINE} more characters)"
        self.transcript.add("imap", self.label, direction, text)


def _literal_size(line: bytes) -> int | None:
    if not line.endswith(b"}"):
        return None
    start = line.rfind(b"{")
    digits = line[start + 1 : -1].rstrip(b"+")
    return int(digits) if start >= 0 and digits.isdigit() else None
