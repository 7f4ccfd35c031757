"""`mailtui sendmail [-t] [-i] [-f FROM] [-F NAME] [RCPT...] < message`: a sendmail/msmtp drop-in.

Reads a whole RFC 5322 message from stdin, for cron's MAILTO, `mail`, monitoring scripts:
`printf 'Subject: x\\n\\nbody' | mailtui sendmail root@example.com`. The message is sent
as written except that Bcc headers are removed, and Date, Message-ID and From are added
when missing. Without -i (or -oi) a line with a lone "." ends the message, as in sendmail.
Other -oX options and -B TYPE are accepted and ignored (cron passes them).
"""

from __future__ import annotations

import argparse
import re
import sys

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")


def register(sub: argparse._SubParsersAction) -> None:
    from mailtui.commands.send import add_account_options

    parser = sub.add_parser(
        "sendmail",
        help="sendmail-compatible: send a whole message read from stdin (for cron, mail, scripts)",
        description="Send a complete message from stdin, like sendmail or msmtp.",
    )
    parser.add_argument("recipients", nargs="*", metavar="RCPT", help="envelope recipients")
    parser.add_argument(
        "-t", dest="read_recipients", action="store_true", help="also take recipients from To/Cc/Bcc"
    )
    parser.add_argument(
        "-i", dest="ignore_dots", action="store_true", help='a lone "." line does not end the message'
    )
    parser.add_argument(
        "-o", dest="options", action="append", default=[], metavar="OPT", help="-oi as -i; others ignored"
    )
    parser.add_argument(
        "-f", "-r", dest="envelope_from", metavar="FROM", help="envelope sender (default: account's from)"
    )
    parser.add_argument("-F", dest="full_name", metavar="NAME", help="display name for an added From header")
    parser.add_argument(
        "-B", dest="body_type", metavar="TYPE", help="accepted and ignored (8BITMIME is automatic)"
    )
    parser.add_argument(
        "-N", dest="dsn_notify", metavar="DSN", help="accepted and ignored (mutt's DSN request)"
    )
    parser.add_argument("-R", dest="dsn_return", metavar="RET", help="accepted and ignored")
    add_account_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from email.utils import parseaddr

    from mailtui.commands.send import account_from, deliver, relay_from_args
    from mailtui.core.compose import ComposeError, check_addr_spec

    account, server = relay_from_args(args)
    data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    if not (args.ignore_dots or "i" in args.options):
        data = cut_at_dot(data)
    sender = args.envelope_from or (parseaddr(account_from(account))[1] if account is not None else "")
    if not sender:
        raise ComposeError("no envelope sender: give -f ADDRESS or set `from` in the account")
    if problem := check_addr_spec(sender):
        raise ComposeError(f"bad envelope sender {sender!r}: {problem}")
    raw, header_rcpts = prepare_message(data, sender=sender, full_name=args.full_name or "")
    recipients = check_recipients([*args.recipients, *(header_rcpts if args.read_recipients else [])])
    return deliver(args, account, server, raw, sender, recipients)


def cut_at_dot(data: bytes) -> bytes:
    """The input up to a line holding only "." (traditional sendmail end of message)."""
    match = re.search(rb"(?m)^\.\r?$", data)
    return data[: match.start()] if match else data


def _fields(head: bytes) -> list[bytes]:
    """Header fields, each with its continuation lines."""
    fields: list[bytes] = []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    return fields


def _name(field: bytes) -> str:
    return field.split(b":", 1)[0].strip().decode("ascii", "replace").lower()


def prepare_message(data: bytes, *, sender: str, full_name: str = "") -> tuple[bytes, list[str]]:
    """(message to send, To/Cc/Bcc addresses): Bcc removed; Date, Message-ID, From added if missing."""
    from email.utils import format_datetime, formataddr, getaddresses, localtime, make_msgid

    from mailtui.core.compose import ComposeError
    from mailtui.core.message.header_block import split_message

    if data.startswith(b"From "):  # an mbox From_ line is not a header
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    if _HEADER_LINE.match(data):
        head, body = split_message(data)
    else:
        head, body = b"", data  # no headers at all: everything is the body
    fields = _fields(head)
    rcpts: list[str] = []
    for field in fields:
        if _name(field) in ("to", "cc", "bcc"):
            value = field.split(b":", 1)[1].decode("utf-8", "replace")
            rcpts += [addr for _, addr in getaddresses([" ".join(value.split())]) if addr]
    kept = [f.rstrip(b"\r\n") for f in fields if _name(f) not in ("bcc", "resent-bcc")]
    names = {_name(f) for f in fields}
    if "from" not in names:
        if "\r" in full_name or "\n" in full_name:
            raise ComposeError("the -F name contains a line break; that would inject headers")
        kept.append(f"From: {formataddr((full_name, sender))}".encode())
    if "date" not in names:
        kept.append(f"Date: {format_datetime(localtime())}".encode())
    if "message-id" not in names:
        kept.append(f"Message-ID: {make_msgid(domain=sender.rpartition('@')[2] or 'localhost')}".encode())
    lines = b"\r\n".join(line.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for line in kept)
    body = re.sub(rb"\r?\n", b"\r\n", body)
    return lines + b"\r\n\r\n" + body, rcpts


def check_recipients(items: list[str]) -> list[str]:
    """Deduplicated recipient addr-specs ("Name <a@b>" accepted); ComposeError naming bad ones."""
    from mailtui.core.compose import ComposeError, parse_address_field

    out: list[str] = []
    errors: list[str] = []
    for item in items:
        valid, bad = parse_address_field(item)
        errors += bad
        out += [a for a in valid if a.lower() not in {o.lower() for o in out}]
    if errors:
        raise ComposeError("bad recipient: " + "; ".join(errors))
    if not out:
        raise ComposeError("no recipients: name them on the command line or use -t with To/Cc/Bcc headers")
    return out
