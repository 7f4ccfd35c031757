"""`mailtui send [-s SUBJ] [-a FILE]... [-c/-b ADDR] TO... < body`: mutt-style sending, swaks-style relays.

The relay is the account's [account.smtp], or any relay named with `--server HOST[:PORT]`
(no config needed; AUTH only with --user, password from $MAILTUI_PASSWORD or a prompt).
Exit codes are msmtp's sysexits, from the one table in `mailtui.core.exit_codes` (printed by
`--help`): 0 sent, 75 queued for a retry, 67 unknown user, 77 login refused, 76 TLS failed...
`attempt` and `report_failure` are shared with `mailtui sendmail`, which reports differently.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mailtui.core.errors import EX_NOINPUT, EX_TEMPFAIL, MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.presets import PRESETS

if TYPE_CHECKING:
    from email.message import EmailMessage
    from pathlib import Path

    from mailtui.config import AccountConfig, ServerConfig, TLSMode
    from mailtui.core.compose import AttachmentSpec
    from mailtui.sending.dispatch import SendOutcome
    from mailtui.sending.dkim_sign import DkimSigning
    from mailtui.sending.smtp import DsnRequest, RelayError


def register(sub: argparse._SubParsersAction) -> None:
    from mailtui.core.exit_codes import exit_table_text

    parser = sub.add_parser(
        "send",
        help="send a message (mutt-style: body on stdin), through an account or any --server",
        description="Send a message; the body is read from stdin (empty when stdin is a terminal).",
        epilog=exit_table_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("to", nargs="*", metavar="TO", help="recipient addresses")
    parser.add_argument("-s", "--subject", help="the subject")
    parser.add_argument("-a", "--attach", action="append", default=[], metavar="FILE", help="attach a file")
    parser.add_argument("-c", "--cc", action="append", default=[], metavar="ADDR", help="carbon copy")
    parser.add_argument("-b", "--bcc", action="append", default=[], metavar="ADDR", help="blind carbon copy")
    add_account_options(parser)
    parser.add_argument("--from", dest="from_addr", metavar="ADDR", help="the From address")
    relay = parser.add_argument_group("a relay without a config (like swaks)")
    relay.add_argument("--server", metavar="HOST[:PORT]", help="send through this relay")
    relay.add_argument(
        "--tls", choices=["ssl", "starttls", "none"], help="default: ssl on 465, else starttls"
    )
    relay.add_argument(
        "--user", metavar="NAME", help="log in as NAME (password: $MAILTUI_PASSWORD or a prompt)"
    )
    relay.add_argument("--ca-file", metavar="PEM", help="trust this CA certificate (or self-signed cert)")
    relay.add_argument("--allow-plaintext-auth", action="store_true", help="allow a login without TLS")
    relay.add_argument(
        "--no-verify", action="store_true", help="do not verify the TLS certificate (lab only)"
    )
    parser.add_argument(
        "--dsn",
        type=_notify,
        metavar="NOTIFY",
        help="ask for delivery status notifications: never, or a list of success,failure,delay "
        "(default: the account's dsn_notify; sent when the relay offers DSN)",
    )
    parser.add_argument(
        "--dsn-ret", type=_ret, metavar="full|hdrs", help="what a notification returns of the message"
    )
    parser.add_argument(
        "--ehlo",
        metavar="NAME",
        help="the name to send in EHLO (default: [account.smtp] ehlo, else this host's FQDN)",
    )
    parser.add_argument("--preset", choices=PRESETS, help="send a ready test message instead of stdin")
    parser.add_argument(
        "--size", type=int, default=100_000, metavar="N", help="attachment preset size in bytes"
    )
    dkim = parser.add_argument_group(
        "DKIM signing (to test your own setup end to end; defaults: the account's dkim_* keys)"
    )
    dkim.add_argument(
        "--dkim-key",
        metavar="PEM",
        help="DKIM-sign the message with this RSA private key (default: dkim_key)",
    )
    dkim.add_argument(
        "--dkim-selector",
        default="",
        help="the selector its public key is published under (default: dkim_selector)",
    )
    dkim.add_argument(
        "--dkim-domain", default="", help="the signing domain d= (default: dkim_domain, else the From domain)"
    )
    add_follow_options(parser)
    parser.set_defaults(handler=run)


def add_follow_options(parser: argparse.ArgumentParser) -> None:
    """--follow: after the send, follow the relay's queue id in this host's mail log."""
    from mailtui.commands.server import add_follow_timeouts

    follow = parser.add_argument_group("following the message on this host's MTA")
    follow.add_argument(
        "--follow", action="store_true",
        help="when the relay is on this host and said 'queued as ID', follow ID in the mail log "
        "until its final status (exit 0 sent, 69 bounced, 75 deferred or timed out)",
    )  # fmt: skip
    follow.add_argument(
        "--log", metavar="FILE", action="append", default=[],
        help="--follow: the mail log (default: /var/log/mail.log or maillog, else the journal)",
    )  # fmt: skip
    add_follow_timeouts(follow, "--follow-timeout")
    follow.add_argument("--json", action="store_true", help="--follow: print the final trace as JSON")


def add_account_options(parser: argparse.ArgumentParser) -> None:
    """--account, --transcript and --no-queue."""
    # SUPPRESS keeps `mailtui --account X send` working (the top-level option has the same dest).
    parser.add_argument(
        "--account", default=argparse.SUPPRESS, metavar="NAME", help="the account to send from"
    )
    parser.add_argument("--transcript", action="store_true", help="print the SMTP dialogue on stderr")
    parser.add_argument(
        "--no-queue", action="store_true", help="do not queue on a temporary failure (exit 75)"
    )


def run(args: argparse.Namespace) -> int:
    from mailtui.core.compose import (
        Draft,
        bcc_header,
        build_message,
        envelope_recipients,
        envelope_sender,
        preset_draft,
    )
    from mailtui.sending.dkim_sign import dkim_signing

    account, server = relay_from_args(args)
    if args.ehlo:
        import dataclasses

        server = dataclasses.replace(server, ehlo=args.ehlo)
    from_addr = args.from_addr or (account_from(account) if account is not None else default_from())
    to = ", ".join(args.to)
    cc, bcc = ", ".join(args.cc), ", ".join(args.bcc)
    attachments = tuple(read_attachment(path) for path in args.attach)
    if args.preset:
        base = preset_draft(args.preset, from_addr, to, size=args.size)
        draft = Draft(
            from_addr, to, cc=cc, bcc=bcc, subject=args.subject if args.subject is not None else base.subject,
            body=base.body, attachments=base.attachments + attachments,
        )  # fmt: skip
    else:
        draft = Draft(from_addr, to, cc=cc, bcc=bcc, subject=args.subject or "", body=read_body(),
                      attachments=attachments)  # fmt: skip
    sender = envelope_sender(draft)
    message: EmailMessage | bytes = build_message(
        draft, message_id_domain=sender.rpartition("@")[2] or "localhost"
    )
    # The account's dkim_* settings, each --dkim-* flag in place of its own (send_or_queue signs).
    signing = dkim_signing(
        account, key_file=args.dkim_key, selector=args.dkim_selector, domain=args.dkim_domain
    )
    return deliver(
        args, account, server, message, sender, envelope_recipients(draft), bcc_header(draft), dkim=signing
    )


# -- inputs -------------------------------------------------------------------------------------


def relay_from_args(args: argparse.Namespace) -> tuple[AccountConfig | None, ServerConfig]:
    """(account or None, relay): --server builds an ad-hoc relay, else the account's smtp table."""
    from mailtui.commands.common import config_from_args
    from mailtui.core.errors import ConfigError

    name = getattr(args, "account", None)
    server_arg = getattr(args, "server", None)
    if server_arg:
        # Without --account no config is read at all: --server works on a machine with none.
        account = config_from_args(args, required=True).account(name) if name else None
        return account, adhoc_from_args(args)
    account = config_from_args(args, required=True).account(name)
    if account.smtp is None:
        raise ConfigError(
            tr(
                "account {account} has no [account.smtp] table, so it cannot send. Add one "
                "(host, port, tls, user) or name a relay with --server HOST[:PORT].",
                account=repr(account.name),
            )
        )
    return account, account.smtp


def adhoc_from_args(args: argparse.Namespace) -> ServerConfig:
    from mailtui.config import default_port
    from mailtui.core.errors import EX_USAGE
    from mailtui.sending.dispatch import adhoc_server

    text = str(args.server).strip()
    host, port_text = text, ""
    if text.count(":") == 1 or text.startswith("[") and "]:" in text:  # HOST:PORT, [v6]:PORT
        host, _, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not host or port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise MailtuiError(f"--server {text!r}: expected HOST or HOST:PORT", exit_code=EX_USAGE)
    port = int(port_text) if port_text else None
    tls: TLSMode = args.tls or ("ssl" if port == default_port("smtp", "ssl") else "starttls")
    return adhoc_server(
        host, port, tls=tls, user=args.user, ca_file=args.ca_file, tls_verify=not args.no_verify,
        allow_plaintext_auth=args.allow_plaintext_auth,
    )  # fmt: skip


def account_from(account: AccountConfig) -> str:
    """The account's From: `from`, with `realname` as display name when `from` has none."""
    from email.utils import formataddr, parseaddr

    name, addr = parseaddr(account.from_address)
    if not name and account.realname and addr:
        return formataddr((account.realname, addr))
    return account.from_address


def default_from() -> str:
    """user@host, as swaks and mail(1) use without a configured address."""
    import getpass
    import socket

    return f"{getpass.getuser()}@{socket.getfqdn() or 'localhost'}"


def read_body() -> str:
    """stdin as text (UTF-8; undecodable bytes replaced), empty when stdin is a terminal."""
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        print("mailtui: warning: the body is not valid UTF-8; bad bytes were replaced", file=sys.stderr)
        return data.decode("utf-8", "replace")


_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


def read_attachment(path: str) -> AttachmentSpec:
    """The file as an attachment (bytes, type guessed from the name); exit 66 when unreadable."""
    import mimetypes
    import os

    from mailtui.core.compose import AttachmentSpec

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise MailtuiError(
            tr("cannot read the attachment {path}: {why}. Nothing was sent.", path=path, why=exc.strerror or exc),
            title="Attachment not readable", exit_code=EX_NOINPUT,
        ) from exc  # fmt: skip
    ctype, encoding = mimetypes.guess_type(path, strict=False)
    if encoding:
        ctype = _COMPRESSED.get(encoding, "application/octet-stream")
    return AttachmentSpec(path, os.path.basename(path), ctype or "application/octet-stream", data)


# -- sending and reporting ------------------------------------------------------------------------


def attempt(
    account: AccountConfig | None,
    server: ServerConfig,
    message: EmailMessage | bytes,
    sender: str,
    recipients: list[str],
    *,
    transcript: bool,
    queue: bool,
    store_sent: bool,
    sent_headers: bytes = b"",
    dsn: DsnRequest | None = None,
    dkim: DkimSigning | None = None,
) -> SendOutcome:
    """Send (or queue) one message; RelayError when it was refused (or not queued with `queue` off).

    With `dkim` it is DKIM-signed first (by send_or_queue, as compose's is)."""
    import asyncio

    from mailtui.commands.common import stderr_transcript
    from mailtui.sending.dispatch import resolve_secrets, send_or_queue

    lines = stderr_transcript(transcript)
    password, token = resolve_secrets(server, prompt=True)
    return asyncio.run(
        send_or_queue(
            account, server, message, sender=sender, recipients=recipients, transcript=lines,
            password=password, oauth2_token=token, queue=queue, store_sent=store_sent,
            sent_headers=sent_headers, dsn=dsn, dkim=dkim,
        )
    )  # fmt: skip


def report_failure(
    exc: RelayError, message: EmailMessage | bytes, sender: str, recipients: list[str], *, keep: bool
) -> int:
    """Print a send failure; keep a permanently refused message in data_dir()/failed; exit code."""
    from mailtui.sending.dispatch import exit_code_for

    print(f"mailtui: {exc.title}: {exc.message}", file=sys.stderr)
    if keep and not exc.temporary:
        kept = keep_failed(message, sender, recipients)
        if kept:
            print("mailtui: " + tr("the message was kept in {path}", path=kept), file=sys.stderr)
    return exit_code_for(exc)


def report_unqueued(
    exc: MailtuiError, message: EmailMessage | bytes, sender: str, recipients: list[str]
) -> int:
    """Not sent and not queued: keep the message in the dead letter file, say where; exit 74."""
    from mailtui.core.errors import EX_IOERR
    from mailtui.sending.dead_letter import dead_letter_path, keep_dead_letter

    print(f"mailtui: {exc.title}: {exc.message}", file=sys.stderr)
    try:
        kept = keep_dead_letter(_raw(message, sender, recipients), sender)
    except (OSError, MailtuiError) as err:
        print(
            "mailtui: "
            + tr(
                "the message was NOT accepted and could not be kept in {path} either ({why}); send it again",
                path=dead_letter_path(),
                why=getattr(err, "strerror", None) or err,
            ),
            file=sys.stderr,
        )
    else:
        print(
            "mailtui: " + tr("the message was NOT accepted; it was kept in {path}", path=kept),
            file=sys.stderr,
        )
    return EX_IOERR


def deliver(
    args: argparse.Namespace,
    account: AccountConfig | None,
    server: ServerConfig,
    message: EmailMessage | bytes,
    sender: str,
    recipients: list[str],
    sent_headers: bytes = b"",
    *,
    dkim: DkimSigning | None = None,
) -> int:
    """Send (or queue) with the transcript/queue options of `args`; print the outcome; exit code."""
    from mailtui.sending.outbox import QueueUnwritableError
    from mailtui.sending.smtp import RelayError

    # A swaks-style test through --server leaves no copy behind; an account keeps one unless
    # it says save_sent = false.
    store = account is not None and account.save_sent is not False
    try:
        outcome = attempt(
            account, server, message, sender, recipients, transcript=args.transcript,
            queue=not args.no_queue, store_sent=store, sent_headers=sent_headers, dkim=dkim,
            dsn=_dsn_request(args),
        )  # fmt: skip
    except RelayError as exc:
        # a preset is easy to send again: nothing to keep
        return report_failure(exc, message, sender, recipients, keep=not getattr(args, "preset", None))
    except QueueUnwritableError as exc:
        return report_unqueued(exc, message, sender, recipients)
    if not getattr(args, "follow", False):
        return print_outcome(outcome)
    import contextlib

    # With --json, stdout is the trace alone: the outcome line goes to stderr.
    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        code = print_outcome(outcome)
    return follow_after_send(args, server, outcome, code)


def follow_after_send(args: argparse.Namespace, server: ServerConfig, outcome: SendOutcome, code: int) -> int:
    """Follow the queue id of a relay on this host to its final status; the send's exit code
    when there is nothing to follow, else 0 sent, 69 bounced or expired, 75 deferred/timed out."""
    from datetime import datetime, timedelta

    from mailtui.commands.server import follow_and_print
    from mailtui.core.errors import EX_NOINPUT, EX_UNAVAILABLE
    from mailtui.server.after_send import follow_offer

    offer = follow_offer(server.host, outcome)
    queue_id = offer.queue_id
    if not queue_id:
        print(f"mailtui: not following: {offer.why_not}", file=sys.stderr)
        return code
    last = follow_and_print(queue_id, args.log, args, since=datetime.now() - timedelta(minutes=5))
    if not last.trace.timelines:
        return EX_NOINPUT
    statuses = {r.status for tl in last.trace.timelines for r in tl.latest() if r.queue_id == queue_id}
    if statuses & {"bounced", "expired"}:
        return EX_UNAVAILABLE
    if last.reason == "final" and statuses == {"sent"}:
        return code
    return EX_TEMPFAIL


def print_outcome(outcome: SendOutcome) -> int:
    """Print what happened (result on stdout, notes on stderr) and return the exit code."""
    from mailtui.core.errors import EX_OK
    from mailtui.core.exit_codes import exit_code_for_reply

    for note in outcome.notes:
        print(f"mailtui: {note}", file=sys.stderr)
    if outcome.status == "queued":
        print(f"queued: {outcome.queue_id}")
        return EX_TEMPFAIL
    result = outcome.result
    assert result is not None  # a sent outcome always carries the relay's reply
    print(f"sent: {result.reply_code} {result.reply}")
    if outcome.sent_copy:
        print("mailtui: " + tr("a copy is in {path}", path=outcome.sent_copy), file=sys.stderr)
    permanent = [(code, text) for code, text in result.refused.values() if code // 100 != 4]
    if permanent:
        code, text = permanent[0]
        return exit_code_for_reply(code, text)
    if result.refused:
        return EX_TEMPFAIL  # the rest is queued
    return EX_OK


def keep_failed(message: EmailMessage | bytes, sender: str, recipients: list[str]) -> Path | None:
    """Keep a message the relay refused in data_dir()/failed (a Maildir), so nothing typed is lost."""
    from mailtui.sending.dead_letter import keep_dead_letter
    from mailtui.sending.dispatch import keep_locally

    try:
        raw = _raw(message, sender, recipients)
    except MailtuiError:
        return None
    try:
        return keep_locally("failed", raw)
    except OSError:
        pass
    try:
        return keep_dead_letter(raw, sender)
    except OSError:
        return None


def _raw(message: EmailMessage | bytes, sender: str, recipients: list[str]) -> bytes:
    from mailtui.core.compose import message_bytes, needs_smtputf8

    if isinstance(message, bytes):
        return message
    return message_bytes(message, smtputf8=needs_smtputf8(message, sender, recipients))


def _notify(text: str) -> str:
    from mailtui.core.dsn_params import notify_value

    try:
        return notify_value(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ret(text: str) -> str:
    from mailtui.core.dsn_params import ret_value

    try:
        return ret_value(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _dsn_request(args: argparse.Namespace) -> DsnRequest | None:
    """--dsn/--dsn-ret, or None (then the account's dsn_notify/dsn_ret apply)."""
    notify, ret = getattr(args, "dsn", None), getattr(args, "dsn_ret", None)
    if not (notify or ret):
        return None
    from mailtui.sending.smtp import DsnRequest

    return DsnRequest(notify, ret)
