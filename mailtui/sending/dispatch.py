"""Sending orchestration: send now, else queue; keep a Sent copy; flush the outbox.

What the CLI (`mailtui send`, `sendmail`, `queue`) and the compose screen share:
`send_or_queue` sends one message through a relay, stores a copy in the account's Sent
folder (or a local Sent Maildir when that fails), queues the message in the outbox when
the failure is temporary (4xx, dropped connection, timeout) and raises when it is
permanent. `flush_outbox` retries queued messages. `resolve_secrets` finds the password
or OAuth2 token of a relay; `exit_code_for` maps an error to the sysexits code msmtp uses
(a server reply through `core.exit_codes`, the table `mailtui probe` uses too).

A relay named on the command line (`--server`, no config) is remembered in the outbox as
an `adhoc-smtp://` label, so a queued message can be retried without a config either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from mailtui.config import TLS_MODES, AccountConfig, Config, ServerConfig, TLSMode, server_config
from mailtui.core.compose import message_bytes, needs_smtputf8
from mailtui.core.errors import EX_NOPERM, ConfigError, MailtuiError
from mailtui.core.exit_codes import exit_code_for_reply
from mailtui.core.i18n import tr
from mailtui.core.models import Flag, SpecialUse
from mailtui.core.transcript import Transcript
from mailtui.paths import data_dir
from mailtui.sending.dkim_sign import DkimSigning, sign_for_sending
from mailtui.sending.outbox import FlushReport, Outbox, OutboxError, QueuedMessage, QueueUnwritableError
from mailtui.sending.smtp import DsnRequest, RelayError, SendResult, send_message

__all__ = [
    "ADHOC_PREFIX", "SendOutcome", "adhoc_label", "adhoc_server", "exit_code_for", "flush_outbox", "resolve_secrets",
    "send_or_queue", "server_from_label", "store_sent_copy",
]  # fmt: skip

ADHOC_PREFIX = "adhoc-smtp://"


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one message.

    `queue_id` is the relay's queue id when sent ("12BDBE6FEE9"), the outbox id when queued.
    `sent_copy` says where the Sent copy went ("" when none was stored).
    """

    status: Literal["sent", "queued"]
    result: SendResult | None
    queue_id: str | None
    sent_copy: str = ""
    notes: list[str] = field(default_factory=list)


# -- relays named on the command line -----------------------------------------------------------


def adhoc_server(
    host: str,
    port: int | None = None,
    *,
    tls: TLSMode = "starttls",
    user: str | None = None,
    ca_file: str | None = None,
    tls_verify: bool = True,
    allow_plaintext_auth: bool = False,
    timeout: float | None = None,
) -> ServerConfig:
    """A ServerConfig for a relay given on the command line (AUTH only when `user` is set)."""
    return server_config(
        "smtp", host, port, tls=tls, account="adhoc", user=user or None, ca_file=ca_file,
        tls_verify=tls_verify, allow_plaintext_auth=allow_plaintext_auth, timeout=timeout,
    )  # fmt: skip


def adhoc_label(server: ServerConfig) -> str:
    """The outbox `account` text that lets `server_from_label` rebuild an ad-hoc relay."""
    query: dict[str, str] = {"tls": server.tls}
    if server.ca_file:
        query["ca_file"] = server.ca_file
    if not server.tls_verify:
        query["verify"] = "0"
    if server.allow_plaintext_auth:
        query["plaintext_auth"] = "1"
    user = f"{quote(server.user, safe='')}@" if server.user else ""
    return f"{ADHOC_PREFIX}{user}{server.host}:{server.port}?{urlencode(query)}"


def server_from_label(label: str) -> ServerConfig:
    """The inverse of `adhoc_label` (ConfigError when the label is not one)."""
    if not label.startswith(ADHOC_PREFIX):
        raise ConfigError(f"{label!r} is not an ad-hoc relay label")
    parts = urlsplit("smtp://" + label[len(ADHOC_PREFIX) :])
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    tls = query.get("tls", "starttls")
    if tls not in TLS_MODES or not parts.hostname:
        raise ConfigError(f"cannot read the queued relay {label!r}")
    return adhoc_server(
        parts.hostname, parts.port, tls=tls,
        user=unquote(parts.username) if parts.username else None, ca_file=query.get("ca_file"),
        tls_verify=query.get("verify") != "0", allow_plaintext_auth=query.get("plaintext_auth") == "1",
    )  # fmt: skip


# -- credentials and exit codes ------------------------------------------------------------------


def resolve_secrets(server: ServerConfig, *, prompt: bool) -> tuple[str | None, str | None]:
    """(password, oauth2_token) for `server`; both None when it does not log in.

    An ad-hoc relay takes $MAILTUI_PASSWORD or a prompt; a configured one its password
    sources (command, env, inline, keyring, prompt), or its oauth2_token_command.
    """
    from mailtui import credentials

    if not (server.auth and server.user):
        return None, None
    if server.oauth2_token_command:
        return None, credentials.get_oauth2_token(server)
    if server.account == "adhoc":
        return credentials.password_for_adhoc(
            f"{server.user}@{server.host}:{server.port}", prompt=prompt
        ), None
    return credentials.get_password(server, prompt=prompt), None


def exit_code_for(error: MailtuiError) -> int:
    """The sysexits code for a failed send, from `core.exit_codes.EXIT_TABLE`.

    75 temporary; a reply through `exit_code_for_reply` (67 unknown user, 77 login refused,
    65 bad address syntax, 69 any other refusal); the error's own code for the rest (76 TLS,
    78 config...).
    """
    if not isinstance(error, RelayError) or error.temporary:
        return error.exit_code
    if error.exit_code == EX_NOPERM:
        return EX_NOPERM
    if error.code is None:
        return error.exit_code  # a bad address found before sending carries EX_DATAERR itself
    return exit_code_for_reply(error.code, error.reply)


# -- the Sent copy ------------------------------------------------------------------------------


def _store_in_account(account: AccountConfig, raw: bytes, transcript: Transcript | None) -> str:
    """Append to the account's Sent folder (a missing local Maildir++ folder is created)."""
    from mailtui.backends import open_account
    from mailtui.backends.maildir.backend import MaildirBackend
    from mailtui.backends.maildir.folders import create_maildirpp
    from mailtui.core.errors import FolderNotFoundError

    backend = open_account(account, transcript)
    folder = account.sent_folder
    try:
        if account.imap is None:
            raw = raw.replace(b"\r\n", b"\n")  # local files use the platform's line ends
        if not isinstance(backend, MaildirBackend):
            # No folder of the configured name: the one the server marks \Sent (RFC 6154:
            # Gmail's "[Gmail]/Sent Mail", Exchange's "Sent Items"); one that exists wins.
            folders = backend.list_folders()
            if all(f.name != folder for f in folders):
                folder = next((f.name for f in folders if f.special_use == SpecialUse.SENT), folder)
        try:
            backend.append(folder, raw, frozenset({Flag.SEEN}))
        except FolderNotFoundError:
            if not isinstance(backend, MaildirBackend):
                raise
            # Like mutt's "Create =Sent?", without asking: a Sent folder is what the user wants.
            create_maildirpp(backend.root, folder)
            backend.append(folder, raw, frozenset({Flag.SEEN}))
    finally:
        backend.close()
    return f"{account.name}:{folder}"


def keep_locally(folder: str, raw: bytes, flags: str = "") -> Path:
    """Write `raw` into the Maildir data_dir()/`folder` (created 0700); the file's path.

    Where mailtui keeps what has no account folder to go to: the Sent copy without an
    account, a message the relay refused.
    """
    from mailtui.backends.maildir.folders import write_message

    root = data_dir() / folder
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    _, sub, name = write_message(root, raw.replace(b"\r\n", b"\n"), flags)
    return root / sub / name


def _store_locally(raw: bytes) -> str:
    return str(keep_locally("sent", raw, "S").parent.parent)


async def store_sent_copy(
    account: AccountConfig | None, raw: bytes, notes: list[str], transcript: Transcript | None = None
) -> str:
    """Keep a copy of a sent message; never raises (the message is already sent). Where it went.

    Problems are appended to `notes`; an IMAP account's APPEND shows up in `transcript`.
    """
    if account is not None:
        try:
            return await asyncio.to_thread(_store_in_account, account, raw, transcript)
        except (MailtuiError, OSError) as exc:
            notes.append(
                tr(
                    "could not store the Sent copy in {folder} ({why})",
                    folder=f"{account.name}:{account.sent_folder}",
                    why=exc,
                )
            )
    try:
        where = await asyncio.to_thread(_store_locally, raw)
    except OSError as exc:
        notes.append(tr("could not store a Sent copy anywhere: {why}", why=exc))
        return ""
    if account is not None:
        notes.append(tr("the Sent copy was kept in the local Maildir {where} instead", where=where))
    return where


# -- sending ------------------------------------------------------------------------------------


def _wire_bytes(message: EmailMessage | bytes, sender: str, recipients: list[str]) -> bytes:
    if isinstance(message, bytes):
        return message
    return message_bytes(message, smtputf8=needs_smtputf8(message, sender, recipients))


async def send_or_queue(
    account: AccountConfig | None,
    server: ServerConfig,
    message: EmailMessage | bytes,
    *,
    sender: str,
    recipients: list[str],
    transcript: Transcript,
    password: str | None,
    outbox: Outbox | None = None,
    store_sent: bool | None = None,
    queue: bool = True,
    oauth2_token: str | None = None,
    sent_headers: bytes = b"",
    dsn: DsnRequest | None = None,
    dkim: DkimSigning | None = None,
) -> SendOutcome:
    """Send `message`; Sent copy on success; queue on a temporary failure; raise on a permanent one.

    With `queue` the message is journaled in the outbox before its first byte goes out and
    leaves it after the relay's 250 (or a permanent refusal), so a crash loses nothing. An
    outbox that cannot be written is a note, and the message is still sent; if the relay
    then fails temporarily, QueueUnwritableError (exit 74) says it was not accepted.
    `store_sent` None: the account's save_sent, yes by default. Recipients refused temporarily while others were accepted are queued on their own
    (a note says so); permanently refused ones are listed in the notes. With `queue` off a
    temporary failure raises too. The outbox (default: data_dir()/outbox) is opened lazily.
    `sent_headers` (a Bcc line, core.compose.bcc_header) go into the Sent copy only.
    With `dkim` (`dkim_sign.dkim_signing`) the message is signed first, so what is queued,
    sent and kept is the signed message; a DkimSigningError sends nothing.
    """
    if dsn is None and account is not None and (account.dsn_notify or account.dsn_ret):
        dsn = DsnRequest(account.dsn_notify, account.dsn_ret)  # the account's default request
    notes: list[str] = []
    raw = _wire_bytes(message, sender, recipients)
    if dkim is not None:
        raw = await asyncio.to_thread(sign_for_sending, raw, dkim, sender, notes)
    label = account.name if account is not None and server.account != "adhoc" else adhoc_label(server)
    dsn_pair = (dsn.notify, dsn.ret) if dsn is not None else (None, None)
    box: Outbox | None = None
    ident: str | None = None
    unqueued: OutboxError | None = None
    if queue:
        # In the outbox before the first byte goes out: a crash from here on loses nothing.
        try:
            box = outbox if outbox is not None else Outbox()
            ident = box.journal(raw, sender, recipients, label, dsn=dsn_pair)
        except OutboxError as exc:
            unqueued = exc
            notes.append(
                tr("could not queue a copy before sending ({why}); sending without one", why=exc.message)
            )
    try:
        result = await send_message(
            server, raw, sender=sender, recipients=recipients, password=password,
            transcript=transcript, oauth2_token=oauth2_token, dsn=dsn,
        )  # fmt: skip
    except RelayError as exc:
        if box is not None and ident is not None:
            if exc.temporary:
                return _queued(box, ident, exc, notes)
            _forget(box, ident, notes)
        elif exc.temporary and unqueued is not None:
            raise QueueUnwritableError(
                tr(
                    "the relay did not take the message ({title}: {why}) and it cannot be queued: {queue_error}",
                    title=exc.title,
                    why=exc.message,
                    queue_error=unqueued.message,
                )
            ) from exc
        raise
    except BaseException:
        if box is not None and ident is not None:  # cancelled or interrupted: due again at once
            try:
                box.release(ident)
            except OutboxError:
                pass  # left as "in flight"; "interrupted" once this process is gone
        raise
    if box is not None and ident is not None:
        _forget(box, ident, notes)
    later = [r for r, (code, _) in result.refused.items() if code // 100 == 4]
    for rcpt, (code, text) in result.refused.items():
        notes.append(tr("refused {rcpt}: {code} {text}", rcpt=rcpt, code=code, text=text))
    if later and queue:
        why = "; ".join(f"{r}: {result.refused[r][0]} {result.refused[r][1]}" for r in later)
        try:  # the message is sent to the others: a queue problem must not turn that into an error
            box = outbox if outbox is not None else Outbox()
            ident = box.enqueue(raw, sender, later, label, error=f"refused for now: {why}", dsn=dsn_pair)
            notes.append(
                tr(
                    "queued as {ident} for {rcpts}; `mailtui queue flush` retries it",
                    ident=ident,
                    rcpts=", ".join(later),
                )
            )
        except MailtuiError as exc:
            notes.append(tr("could not queue {rcpts} for a retry: {why}", rcpts=", ".join(later), why=exc))
    if store_sent is None:
        store_sent = account is None or account.save_sent is not False
    sent_copy = await store_sent_copy(account, sent_headers + raw, notes, transcript) if store_sent else ""
    return SendOutcome("sent", result, result.queue_id, sent_copy, notes)


def _queued(box: Outbox, ident: str, exc: RelayError, notes: list[str]) -> SendOutcome:
    """A temporary failure of a journaled message: it stays queued, retried after the backoff."""
    try:
        box.record_failure(ident, str(exc))
    except OutboxError as write_error:  # still queued, as "interrupted": retried at once
        notes.append(tr("could not record the failure in the outbox: {why}", why=write_error.message))
    notes.append(
        tr(
            "not sent now ({title}: {why}); queued as {ident}, retried later (`mailtui queue flush`)",
            title=exc.title,
            why=exc,
            ident=ident,
        )
    )
    return SendOutcome("queued", None, ident, "", notes)


def _forget(box: Outbox, ident: str, notes: list[str]) -> None:
    """Take a message out of the outbox: the relay answered for good (250, or a refusal)."""
    try:
        box.remove(ident)
    except OutboxError as exc:
        notes.append(tr("{why}: it may be sent again by the next flush", why=exc.message))


def _server_for(config: Config, item: QueuedMessage) -> tuple[AccountConfig | None, ServerConfig]:
    if item.account.startswith(ADHOC_PREFIX):
        return None, server_from_label(item.account)
    account = config.account(item.account)
    if account.smtp is None:
        raise ConfigError(
            tr(
                "account {account} has no [account.smtp] relay to send queued mail through",
                account=repr(item.account),
            )
        )
    return account, account.smtp


async def flush_outbox(
    config: Config,
    *,
    force: bool,
    transcript: Transcript,
    outbox: Outbox | None = None,
    prompt: bool = False,
    on_note: Callable[[str], None] | None = None,
    only: frozenset[str] | None = None,
) -> FlushReport:
    """Retry due queued messages (all with `force`, just the ids of `only` when given); a Sent
    copy for each one delivered."""
    box = outbox if outbox is not None else Outbox()
    note = on_note or (lambda _text: None)

    async def send_fn(item: QueuedMessage, raw: bytes) -> None:
        account, server = _server_for(config, item)
        password, token = resolve_secrets(server, prompt=prompt)
        dsn = DsnRequest(item.dsn_notify, item.dsn_ret) if item.dsn_notify or item.dsn_ret else None
        result = await send_message(
            server, raw, sender=item.sender, recipients=list(item.recipients), password=password,
            transcript=transcript, oauth2_token=token, dsn=dsn,
        )  # fmt: skip
        # From here on the message is delivered: nothing may raise, or it would be sent again.
        notes: list[str] = [f"refused {r}: {c} {t}" for r, (c, t) in result.refused.items()]
        later = [r for r, (c, _) in result.refused.items() if c // 100 == 4]
        if later:
            try:
                ident = box.enqueue(
                    raw, item.sender, later, item.account, error="refused for now by the relay",
                    dsn=(item.dsn_notify, item.dsn_ret),
                )  # fmt: skip
                notes.append(tr("queued again as {ident} for {rcpts}", ident=ident, rcpts=", ".join(later)))
            except MailtuiError as exc:
                notes.append(tr("could not queue {rcpts} again: {why}", rcpts=", ".join(later), why=exc))
        await store_sent_copy(account, raw, notes, transcript)
        for text in [f"sent {item.id}: {result.reply_code} {result.reply}", *notes]:
            note(text)

    expired = await asyncio.to_thread(expire_outbox, config, box)
    report = await box.flush(send_fn, force=force, only=only)
    report.notices[:0] = expired
    return report


def expire_outbox(config: Config, box: Outbox) -> list[str]:
    """Return to their senders (a DSN) the messages failing for longer than their queue_lifetime.

    A message leaves the queue only once its DSN is stored; one in flight is left alone.
    """
    from mailtui.config import DEFAULT_QUEUE_LIFETIME
    from mailtui.sending.bounce import build_bounce, deliver_bounce

    notes: list[str] = []
    now = box.now()
    for item in box.list():
        if item.in_flight or item.attempts == 0:
            continue
        account: AccountConfig | None = None
        if not item.account.startswith(ADHOC_PREFIX):
            account = next((a for a in config.accounts if a.name == item.account), None)
        lifetime = account.queue_lifetime if account is not None else DEFAULT_QUEUE_LIFETIME
        if now - item.created < lifetime:
            continue
        try:
            where = deliver_bounce(account, build_bounce(item, box.raw(item.id), now=now))
            box.remove(item.id)
        except (MailtuiError, OSError) as exc:
            notes.append(
                tr(
                    "{ident} is past its queue_lifetime but could not be returned to its sender: {why}",
                    ident=item.id,
                    why=exc,
                )
            )
            continue
        notes.append(
            tr(
                "gave up on {ident} after its queue_lifetime; a delivery report is in {where}",
                ident=item.id,
                where=where,
            )
        )
    return notes
