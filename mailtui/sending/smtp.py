"""Sending one message through an SMTP relay (aiosmtplib), with a live, masked transcript.

`send_message` does each step itself so that every decision is explicit and logged:
connect (implicit TLS for tls="ssl"), EHLO, STARTTLS when tls="starttls" (required, never
opportunistic: a relay that does not offer it is an error), EHLO again, one chosen AUTH
mechanism (never aiosmtplib's silent cycling through mechanisms), the SIZE and SMTPUTF8
checks, then MAIL/RCPT/DATA. Every failure becomes a `RelayError` (a `SendError`) that says
whether retrying can help (`temporary`), with the reply code and enhanced status code.
"""

from __future__ import annotations

import base64
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib.response import SMTPResponse

from mailtui.config import ServerConfig
from mailtui.core.codes.explain import short_explanation
from mailtui.core.compose import check_addr_spec, message_bytes, needs_smtputf8
from mailtui.core.errors import EX_DATAERR, EX_TEMPFAIL, SendError
from mailtui.core.exit_codes import enhanced_code, exit_code_for_failure
from mailtui.core.i18n import current_language, tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Transcript
from mailtui.credentials import (
    OAUTH_ABORT,
    choose_oauth_mechanism,
    oauth_error_detail,
    oauth_initial_response,
)
from mailtui.sending.client import TranscriptSMTP, connection_label
from mailtui.sending.ehlo import ehlo_name
from mailtui.tls import client_context, explain_verify_error, find_verify_error, verify_advice

__all__ = [
    "DSN_NOTIFY",
    "DsnRequest",
    "RelayError",
    "SendResult",
    "TranscriptSMTP",
    "make_tls_context",
    "oauth_login",
    "parse_queue_id",
    "send_message",
]

_QUEUE_ID = (
    re.compile(r"queued as:?\s+<?([A-Za-z0-9][\w.@:+-]*?)>?(?:\s|$)", re.IGNORECASE),  # Postfix, Sendgrid...
    re.compile(r"\bid=<?([A-Za-z0-9][\w.@+-]*?)>?(?:\s|$)", re.IGNORECASE),  # Exim "OK id=1tEsF0-..."
    re.compile(r"^(?:[245]\.\d+\.\d+\s+)?([A-Za-z0-9]{8,})\s+Message accepted", re.IGNORECASE),  # Sendmail
)


DSN_NOTIFY = ("success", "failure", "delay")


@dataclass(frozen=True)
class DsnRequest:
    """A delivery status notification request (RFC 3461), as sendmail's -N and -R give it.

    `notify`: "never" or a comma list of success, failure, delay (RCPT NOTIFY=); `ret`:
    "full" or "hdrs" (MAIL RET=). Sent only when the relay offers DSN; else a transcript note.
    """

    notify: str | None = None
    ret: str | None = None


@dataclass(frozen=True)
class SendResult:
    """What the relay said when it accepted the message."""

    accepted: list[str]
    refused: dict[str, tuple[int, str]]  # recipient -> (code, message), when only some were refused
    reply_code: int
    reply: str
    queue_id: str | None
    tls: str | None  # e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384", None on a plaintext connection
    capabilities: dict[str, str] = field(default_factory=dict)  # EHLO keywords (upper case) -> params


class RelayError(SendError):
    """A send failure with the relay's reply: code, enhanced status code, refused recipients."""

    def __init__(
        self,
        message: str,
        *,
        temporary: bool,
        code: int | None = None,
        reply: str = "",
        refused: dict[str, tuple[int, str]] | None = None,
        title: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        # sysexits as sendmail/msmtp use them: 75 tells a calling MTA or script to retry later.
        if temporary:
            exit_code = EX_TEMPFAIL
        super().__init__(message, temporary=temporary, title=title, exit_code=exit_code)
        self.code = code
        self.reply = reply
        self.enhanced: str | None = enhanced_code(reply)
        self.refused: dict[str, tuple[int, str]] = dict(refused or {})


def parse_queue_id(reply: str) -> str | None:
    """The relay's queue id from its final DATA reply ('2.0.0 Ok: queued as 12BDBE6FEE9')."""
    for pattern in _QUEUE_ID:
        match = pattern.search(reply.strip())
        if match:
            return match.group(1)
    return None


def make_tls_context(server: ServerConfig) -> ssl.SSLContext:
    """A client TLS context: system CAs, or only `ca_file` when set; unverified only if configured."""
    try:
        return client_context(verify=server.tls_verify, ca_file=server.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise RelayError(
            tr(
                "cannot load ca_file {ca_file} for {host}: {error}. Point ca_file at a readable PEM "
                "certificate (or CA bundle).",
                ca_file=repr(server.ca_file),
                host=server.host,
                error=exc,
            ),  # fmt: skip
            temporary=False,
            title="TLS configuration error",
            exit_code=exit_code_for_failure("tls_config"),
        ) from exc


def _explain(code: int, message: str) -> str:
    """' Meaning: permanent error: Bad destination mailbox address ...' (from core.codes)."""
    text = short_explanation(code, message, current_language(), with_code=False)
    return tr(" Meaning: {text}.", text=text) if text else ""


def _where(server: ServerConfig) -> str:
    return f"{server.host}:{server.port}"


def _tls_failure(server: ServerConfig, exc: ssl.SSLCertVerificationError) -> RelayError:
    failure = explain_verify_error(exc)
    return RelayError(
        tr(
            "the TLS certificate of {where} could not be verified: {reason} ({detail}). Nothing was sent. ",
            where=_where(server),
            reason=failure.reason,
            detail=failure.detail,
        )
        + verify_advice(failure, server.table, flags=server.from_command_line),  # fmt: skip
        temporary=False,
        title="TLS certificate not trusted",
        exit_code=exit_code_for_failure("tls"),
    )


def _translate(exc: BaseException, server: ServerConfig, stage: str) -> RelayError:
    """Turn an aiosmtplib/socket/TLS exception into a RelayError written for an admin."""
    where = _where(server)
    cert = find_verify_error(exc)
    if cert is not None:
        return _tls_failure(server, cert)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = {r.recipient: (r.code, clean_line(r.message)) for r in exc.recipients}
        items = "; ".join(f"{rcpt}: {code} {msg}" for rcpt, (code, msg) in refused.items())
        first_code, first_msg = next(iter(refused.values()), (550, ""))
        temporary = all(code // 100 == 4 for code, _ in refused.values())
        return RelayError(
            tr("{where} refused every recipient: {items}.", where=where, items=items) + _explain(first_code, first_msg),
            temporary=temporary, code=first_code, reply=first_msg, refused=refused,
            title="Recipients refused",
        )  # fmt: skip
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code, msg = exc.code, clean_line(exc.message)
        what, title = {
            aiosmtplib.SMTPAuthenticationError: (
                tr("refused the login of {user}", user=repr(server.user)),
                "Login refused",
            ),
            aiosmtplib.SMTPSenderRefused: (
                tr("refused the sender {sender}", sender=repr(getattr(exc, "sender", ""))),
                "Sender refused",
            ),
            aiosmtplib.SMTPDataError: (tr("refused the message"), "Message refused"),
            aiosmtplib.SMTPHeloError: (tr("refused our EHLO/HELO"), "Greeting refused"),
            aiosmtplib.SMTPConnectResponseError: (tr("refused the connection"), "Connection refused"),
        }.get(type(exc), (tr("answered {stage} with an error", stage=stage), "Send failed"))
        hint = ""
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError) and code // 100 == 5:
            hint = tr(" Check the user name and the password: {origin}.", origin=server.password_origin)
            if stage == "AUTH" and server.oauth2_token_command:
                hint = tr(" Check the user name and that oauth2_token_command prints a current access "
                          "token with the mail scope ({table}).", table=server.table)  # fmt: skip
        return RelayError(
            f"{where} {what}: {code} {msg}." + _explain(code, msg) + hint,
            temporary=code // 100 == 4 or code < 0, code=code, reply=msg, title=title,
            exit_code=exit_code_for_failure("login") if isinstance(exc, aiosmtplib.SMTPAuthenticationError) else None,
        )  # fmt: skip
    if isinstance(exc, TimeoutError):
        return _timeout(server, stage)
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return RelayError(
            tr("{where} closed the connection during {stage} ({why}); the relay did not confirm the "
               "message, so it counts as not sent. Retry later (rarely, a relay that lost only its reply "
               "delivers such a message twice).", where=where, stage=stage, why=clean_line(str(exc))),
            temporary=True, title="Connection lost",
        )  # fmt: skip
    if isinstance(exc, aiosmtplib.SMTPConnectError | ConnectionError):
        return RelayError(
            tr("could not connect to {where}: {why}. Check host, port and tls in the config, and that "
               "the relay is reachable.", where=where, why=clean_line(str(exc))),
            temporary=True, title="Cannot connect",
        )  # fmt: skip
    if isinstance(exc, ssl.SSLError):
        return RelayError(
            tr("TLS negotiation with {where} failed during {stage}: {why}. Check that tls = "
               "\"{tls}\" matches the port ({port}: 465 is usually ssl, 587 starttls).",
               where=where, stage=stage, why=clean_line(str(exc)), tls=server.tls, port=server.port),
            temporary=False, title="TLS error", exit_code=exit_code_for_failure("tls"),
        )  # fmt: skip
    if isinstance(exc, OSError):
        return RelayError(
            tr(
                "network error talking to {where} during {stage}: {why}",
                where=where,
                stage=stage,
                why=clean_line(str(exc)),
            ),
            temporary=True,
        )
    return RelayError(
        tr("{where}: {stage} failed: {why}", where=where, stage=stage, why=clean_line(str(exc))),
        temporary=False,
    )


def _timeout(server: ServerConfig, stage: str) -> RelayError:
    return RelayError(
        tr("{where} did not answer within {timeout} s during {stage}. The relay may be overloaded or a "
           "firewall may drop the traffic; retry later or raise timeout.",
           where=_where(server), timeout=f"{server.timeout:g}", stage=stage),
        temporary=True, title="Timed out",
    )  # fmt: skip


async def _authenticate(
    client: TranscriptSMTP, server: ServerConfig, password: str | None, oauth2_token: str | None
) -> None:
    """Log in with ONE mechanism chosen here: OAUTHBEARER/XOAUTH2 with a token, else PLAIN, else LOGIN."""
    user = server.user or ""
    if client.tls_description() is None and not server.allow_plaintext_auth:
        raise _plaintext_refused(server)
    offered = [m.upper() for m in client.server_auth_methods]
    if not client.supports_extension("auth"):
        raise RelayError(
            tr("{where} does not offer AUTH on this connection, but the config asks to log in as {user}. "
               "Set auth = false if the relay accepts mail without login.", where=_where(server), user=repr(user)),
            temporary=False, title="Login not possible",
        )  # fmt: skip
    if oauth2_token:
        mechanism, _ = await oauth_login(client, server, offered, oauth2_token)
    else:
        if password is None:
            raise RelayError(
                tr("no password for {user} on {where}: set password_command, password_env or a keyring "
                   "entry (service mailtui, user {keyring_user}).",
                   user=repr(user), where=_where(server), keyring_user=server.keyring_user),
                temporary=False, title="No password",
            )  # fmt: skip
        if "PLAIN" in offered:
            mechanism = "PLAIN"
            await client.auth_plain(user, password)
        elif "LOGIN" in offered:
            mechanism = "LOGIN"
            await client.auth_login(user, password)
        else:
            raise RelayError(
                tr("{where} offers AUTH {offered}; mailtui logs in with PLAIN or LOGIN (over TLS), or "
                   "OAUTHBEARER/XOAUTH2 with oauth2_token_command.",
                   where=_where(server), offered=" ".join(offered) or "(none)"),
                temporary=False, title="Login not possible",
            )  # fmt: skip
    client.note(tr("logged in as {user} with AUTH {mechanism}", user=user, mechanism=mechanism))


async def oauth_login(
    client: TranscriptSMTP, server: ServerConfig, offered: list[str], token: str
) -> tuple[str, SMTPResponse]:
    """AUTH OAUTHBEARER or XOAUTH2 (`server.oauth2_mechanism`): (mechanism, the 235 reply).

    RelayError when the server offers no fitting mechanism; SMTPAuthenticationError (with
    the JSON challenge's status and scope) when it refuses the token.
    """
    user = server.user or ""
    mechanism = choose_oauth_mechanism(server.oauth2_mechanism, offered)
    if mechanism is None:
        wanted = (
            "OAUTHBEARER or XOAUTH2" if server.oauth2_mechanism == "auto" else server.oauth2_mechanism.upper()
        )
        raise RelayError(
            tr("{where} offers AUTH {offered} but not {wanted}, and oauth2_token_command gives an OAuth2 "
               "token (oauth2_mechanism = \"{mechanism}\" in {table}). Use a mechanism the server offers, "
               "or remove oauth2_token_command to log in with a password.",
               where=_where(server), offered=" ".join(offered) or "(none)", wanted=wanted,
               mechanism=server.oauth2_mechanism, table=server.table),
            temporary=False, title="Login not possible",
        )  # fmt: skip
    blob = oauth_initial_response(mechanism, user, token, server.host, server.port)
    encoded = base64.b64encode(blob)
    client.transcript.add_secret(blob.decode("utf-8"))  # its base64 form too
    response = await client.execute_command(b"AUTH", mechanism.encode("ascii"), encoded)
    detail = ""
    if response.code == 334:  # an error challenge (RFC 7628 §3.2.2): base64 JSON
        detail = oauth_error_detail(response.message)
        response = await client.execute_command(base64.b64encode(OAUTH_ABORT))
    if response.code != 235:
        said = f" ({detail})" if detail else ""
        raise aiosmtplib.SMTPAuthenticationError(response.code, f"{response.message}{said}")
    return mechanism, response


def _plaintext_refused(server: ServerConfig) -> RelayError:
    fix = (
        tr("Use --tls starttls or --tls ssl, or, only on a trusted network path, --allow-plaintext-auth.")
        if server.from_command_line
        else tr('Use tls = "starttls" or "ssl" for this relay, or, only on a trusted network path, '
                "set allow_plaintext_auth = true in {table}.", table=server.table)
    )  # fmt: skip
    return RelayError(
        tr("refusing to send the password of {user} over an unencrypted connection to {where}. {fix}",
           user=repr(server.user), where=_where(server), fix=fix),
        temporary=False, title="Plaintext login refused",
    )  # fmt: skip


def _check_envelope(sender: str, recipients: list[str]) -> None:
    if not recipients:
        raise RelayError(tr("no recipients: give at least one To, Cc or Bcc address"), temporary=False)
    for role, addr in [(tr("sender"), sender), *((tr("recipient"), r) for r in recipients)]:
        problem = check_addr_spec(addr)
        if problem:
            raise RelayError(
                tr("bad {role} address {addr}: {problem}; nothing was sent", role=role, addr=repr(addr), problem=problem),
                temporary=False,
                exit_code=EX_DATAERR,
            )  # fmt: skip


async def send_message(
    server: ServerConfig,
    message: EmailMessage | bytes,
    *,
    sender: str,
    recipients: list[str],
    password: str | None,
    transcript: Transcript,
    oauth2_token: str | None = None,
    on_capabilities: Callable[[dict[str, str]], None] | None = None,
    dsn: DsnRequest | None = None,
) -> SendResult:
    """Send `message` to `recipients` through `server`; RelayError (a SendError) on failure."""
    transcript.add_secret(password, server.user)
    transcript.add_secret(oauth2_token, server.user)
    _check_envelope(sender, recipients)
    wants_auth = server.auth and bool(server.user)
    if wants_auth and server.tls == "none" and not server.allow_plaintext_auth:
        raise _plaintext_refused(server)
    smtputf8 = needs_smtputf8(message, sender, recipients)
    client = TranscriptSMTP(
        transcript=transcript,
        label=connection_label(server.host, server.port),
        account=server.account,
        hostname=server.host,
        port=server.port,
        use_tls=server.tls == "ssl",
        # STARTTLS is done explicitly below (and required): never aiosmtplib's opportunistic None.
        start_tls=False,
        tls_context=make_tls_context(server) if server.tls != "none" else None,
        timeout=server.timeout,
        local_hostname=ehlo_name(server.ehlo),
    )
    stage = "connect"
    try:
        await client.connect()
        stage = "EHLO"
        await client.ehlo()
        if server.tls == "starttls":
            if not client.supports_extension("starttls"):
                raise RelayError(
                    tr("{where} does not offer STARTTLS, but the config requires it (tls = \"starttls\"). "
                       "Nothing was sent. Check the port, or use tls = \"ssl\" for port 465.", where=_where(server)),
                    temporary=False, title="STARTTLS not offered", exit_code=exit_code_for_failure("tls"),
                )  # fmt: skip
            stage = "STARTTLS"
            await client.starttls()
            await client.ehlo()
        capabilities = {k.upper(): v for k, v in client.esmtp_extensions.items()}
        if on_capabilities is not None:
            on_capabilities(capabilities)
        if wants_auth:
            stage = "AUTH"
            await _authenticate(client, server, password, oauth2_token)
        data = message_bytes(message, smtputf8=smtputf8, eight_bit=client.supports_extension("8bitmime"))
        mail_options = _mail_options(client, server, data, smtputf8)
        rcpt_options: list[str] = []
        if dsn is not None and (dsn.notify or dsn.ret):
            if client.supports_extension("dsn"):
                mail_options += [f"RET={dsn.ret.upper()}"] if dsn.ret else []
                rcpt_options = [f"NOTIFY={dsn.notify.upper()}"] if dsn.notify else []
            else:
                client.note(
                    tr("the relay does not offer DSN: the delivery status notification request is dropped")
                )
        stage = tr("the mail transaction")
        errors, reply = await client.sendmail(
            sender, recipients, data, mail_options=mail_options, rcpt_options=rcpt_options
        )
        tls = client.tls_description()
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass  # the message is accepted; a rude goodbye changes nothing
    except RelayError:
        raise
    except (aiosmtplib.SMTPException, OSError, ValueError) as exc:
        raise _translate(exc, server, stage) from exc
    finally:
        client.close()
    refused = {rcpt: (r.code, clean_line(r.message)) for rcpt, r in errors.items()}
    if refused:
        client.note(
            tr(
                "accepted for {accepted} of {total} recipients",
                accepted=len(recipients) - len(refused),
                total=len(recipients),
            )
        )
    return SendResult(
        accepted=[r for r in recipients if r not in refused],
        refused=refused,
        reply_code=250,  # aiosmtplib raises SMTPDataError for any other final reply
        reply=clean_line(reply),
        queue_id=parse_queue_id(clean_line(reply)),
        tls=tls,
        capabilities=capabilities,
    )


def _mail_options(client: TranscriptSMTP, server: ServerConfig, data: bytes, smtputf8: bool) -> list[str]:
    """MAIL FROM parameters; refuses before MAIL what the relay said it cannot take (SIZE, SMTPUTF8)."""
    limit = client.esmtp_extensions.get("size", "").strip()
    if limit.isdigit() and int(limit) > 0 and len(data) > int(limit):
        raise RelayError(
            tr("the message is {size} bytes but {where} accepts at most {limit} bytes (EHLO SIZE). Nothing "
               "was sent: make attachments smaller or send them another way.",
               size=f"{len(data):,}", where=_where(server), limit=f"{int(limit):,}"),
            temporary=False, code=552, reply="5.3.4 message size exceeds the limit announced in EHLO SIZE",
            title="Message too big",
        )  # fmt: skip
    options: list[str] = []
    if smtputf8:
        if not client.supports_extension("smtputf8"):
            raise RelayError(
                tr("an address (or a raw UTF-8 header) is not plain ASCII, and {where} does not offer "
                   "SMTPUTF8, so it cannot carry it. Nothing was sent: use an ASCII address or another relay.",
                   where=_where(server)),
                temporary=False, title="SMTPUTF8 not supported",
            )  # fmt: skip
        options.append("SMTPUTF8")
    if not data.isascii():
        if client.supports_extension("8bitmime"):
            options.append("BODY=8BITMIME")
        else:
            client.note(tr("the message has 8-bit data but the relay does not offer 8BITMIME; sending as is"))
    return options
