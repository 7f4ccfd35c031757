"""`mailtui sendmail [-t] [-f FROM] [-F NAME] [-v] [RCPT...] < message`: a sendmail/msmtp drop-in.

Reads a whole RFC 5322 message from stdin, for cron's MAILTO, `mail`, mutt, monitoring
scripts: `printf 'Subject: x\\n\\nbody' | mailtui sendmail root`. The message is sent as
written except that Bcc headers are removed, and Date, Message-ID and From are added when
missing. As msmtp, the input is read to its end: a line holding only "." is part of the
message (dot-stuffed on the wire), so -i / -oi change nothing.

Bare local recipients ("root") go through the account's `aliases` file, else get its
`domain`. The exit status is 0 once the relay accepted the message OR it is safely in the
outbox (stderr says which), as Postfix's sendmail and msmtpq: cron and mail(1) must not
report a failure for mail that will be delivered. Silent on success unless -v; no Sent copy
unless the account sets save_sent = true.

The options are parsed here, getopt-style (`-FCronDaemon`, `-oem`, `-ti`), not by argparse,
so that what programs pass is accepted and anything else is refused with 64 (EX_USAGE).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mailtui.core.errors import EX_USAGE, MailtuiError
from mailtui.core.i18n import tr

if TYPE_CHECKING:
    from mailtui.config import AccountConfig, ServerConfig
    from mailtui.config.importer import ImportedConfig, LogTarget
    from mailtui.sending.smtp import DsnRequest

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")

USAGE = """usage: mailtui sendmail [options] [--] [RCPT...] < message

Send a complete message read from stdin, like sendmail or msmtp (read to the end of input).
  -t              also take recipients from To/Cc/Bcc (Bcc is removed)
  -f, -r FROM     envelope sender (default: the account's from)
  -F NAME         display name for an added From header
  -v              print the SMTP dialogue and the outcome on stderr
  -N NOTIFY       DSN request: never, or success,failure,delay (when the relay offers DSN)
  -R full|hdrs    DSN: return the full message or only its headers
  -X FILE         append a line per message to FILE (msmtp's log format;
                  default: the account's logfile, as msmtp's)
  -C FILE         the config file (as mailtui --config), or an msmtprc (as msmtp -C)
  -a ACCOUNT      the account to send from (also --account NAME)
  --transcript    as -v;  --no-queue: exit 75 on a temporary failure instead of queueing
  accepted and ignored: -i -oi -oem -o* -B TYPE -bm -U -O OPT -L TAG
"""

# Flags that take a value, attached (-FCron) or as the next argument (-F Cron).
_WITH_VALUE = set("fFrNRXCaBoOL")
_IGNORED = set("iU")


class UsageError(MailtuiError):
    """An option mailtui sendmail does not take."""

    title = "Usage"
    exit_code = EX_USAGE


@dataclass
class SendmailOptions:
    recipients: list[str] = field(default_factory=list)
    read_recipients: bool = False
    envelope_from: str | None = None
    full_name: str = ""
    verbose: bool = False
    notify: str | None = None
    ret: str | None = None
    log_file: str | None = None
    log_time_format: str | None = None  # msmtp's logfile_time_format, with its logfile
    config: str | None = None
    account: str | None = None
    no_queue: bool = False
    help: bool = False


def register(sub: argparse._SubParsersAction) -> None:
    # prefix_chars that no argument uses: argparse leaves every argument to parse_options.
    parser = sub.add_parser(
        "sendmail",
        help="sendmail-compatible: send a whole message read from stdin (for cron, mail, mutt, scripts)",
        description="Send a complete message from stdin, like sendmail or msmtp.",
        add_help=False, prefix_chars="\0", usage=USAGE,
    )  # fmt: skip
    parser.add_argument("argv", nargs=argparse.REMAINDER, help="sendmail options and recipients")
    parser.set_defaults(handler=run)


def _check_notify(value: str) -> str:
    from mailtui.core.dsn_params import notify_value

    try:
        return notify_value(value)
    except ValueError as exc:
        raise UsageError(f"-N {exc}") from None


def _long_option(arg: str, rest: list[str], opts: SendmailOptions) -> None:
    name, eq, value = arg.partition("=")
    if name in ("--help",):
        opts.help = True
    elif name == "--transcript" and not eq:
        opts.verbose = True
    elif name == "--no-queue" and not eq:
        opts.no_queue = True
    elif name == "--read-recipients" and not eq:
        opts.read_recipients = True
    elif name in ("--account", "--from", "--file", "--logfile"):
        if not eq:
            if not rest:
                raise UsageError(tr("{option} needs a value", option=name))
            value = rest.pop(0)
        target = {
            "--account": "account",
            "--from": "envelope_from",
            "--file": "config",
            "--logfile": "log_file",
        }
        setattr(opts, target[name], value)
    else:
        raise UsageError(tr("unknown option {option} (see `mailtui sendmail --help`)", option=repr(arg)))


def _flag_value(flag: str, value: str, opts: SendmailOptions) -> None:
    if flag in "fr":
        opts.envelope_from = value
    elif flag == "F":
        opts.full_name = value
    elif flag == "N":
        opts.notify = _check_notify(value)
    elif flag == "R":
        if value.lower() not in ("full", "hdrs"):
            raise UsageError(tr("-R {value}: expected full or hdrs", value=repr(value)))
        opts.ret = value.lower()
    elif flag == "X":
        opts.log_file = value
    elif flag == "C":
        opts.config = value
    elif flag == "a":
        opts.account = value
    elif flag == "B" and value.upper() not in ("8BITMIME", "7BIT", "BINARYMIME"):
        raise UsageError(tr("-B {value}: expected 8BITMIME or 7BIT", value=repr(value)))
    # -o*, -O, -L: sendmail options and a syslog tag, accepted and ignored (as msmtp).


def _mode(value: str) -> None:
    if value == "m":
        return
    advice = {
        "s": tr("SMTP on stdin is a different mode; pipe the message itself"),
        "p": tr("list the outbox with `mailtui queue list`"),
        "q": tr("send the outbox with `mailtui queue flush`"),
    }.get(value[:1], tr("only -bm (deliver a message) is supported"))
    raise UsageError(tr("-b{mode} is not supported: {advice}", mode=value, advice=advice))


def parse_options(argv: list[str]) -> SendmailOptions:
    """sendmail/msmtp options, getopt-style (options and recipients may be mixed; `--` ends options)."""
    opts = SendmailOptions()
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            opts.recipients += rest
            break
        if arg.startswith("--"):
            _long_option(arg, rest, opts)
            continue
        if not arg.startswith("-") or arg == "-":
            opts.recipients.append(arg)
            continue
        chars = arg[1:]
        while chars:
            flag, chars = chars[0], chars[1:]
            if flag == "t":
                opts.read_recipients = True
            elif flag == "v":
                opts.verbose = True
            elif flag == "h":
                opts.help = True
            elif flag in _IGNORED:
                pass
            elif flag == "b":
                if not chars:
                    raise UsageError(tr("-b needs a mode (only -bm is supported)"))
                _mode(chars)
                chars = ""
            elif flag in _WITH_VALUE:
                value = chars
                if not value:
                    if not rest:
                        raise UsageError(
                            tr("-{flag} needs a value (see `mailtui sendmail --help`)", flag=flag)
                        )
                    value = rest.pop(0)
                _flag_value(flag, value, opts)
                chars = ""
            else:
                raise UsageError(
                    tr(
                        "unknown option -{flag} in {arg} (see `mailtui sendmail --help`)",
                        flag=flag,
                        arg=repr(arg),
                    )
                )
    return opts


def run(args: argparse.Namespace) -> int:
    from email.utils import parseaddr

    from mailtui.commands.send import account_from, relay_from_args
    from mailtui.core.compose import ComposeError, check_addr_spec
    from mailtui.sending.smtp import DsnRequest

    opts = parse_options(list(args.argv))
    if opts.help:
        from mailtui.core.exit_codes import exit_table_text

        print(USAGE + "\n" + exit_table_text(), end="")
        return 0
    msmtprc = _msmtprc_config(Path(opts.config)) if opts.config else None
    if opts.config and msmtprc is None:
        args.config = Path(opts.config)
    if opts.account:
        args.account = _msmtp_account_name(args, opts.account, msmtprc)
    account: AccountConfig | None
    if msmtprc is not None:
        account = msmtprc.account(getattr(args, "account", None))
        assert account.smtp is not None  # every msmtp account is a relay
        server = account.smtp
    else:
        account, server = relay_from_args(args)
    if not opts.log_file and account is not None and account.logfile:
        opts.log_file = account.logfile
        log = msmtp_log_target(args, account, msmtprc)
        opts.log_time_format = log.time_format if log is not None else None
    data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    sender = opts.envelope_from or (parseaddr(account_from(account))[1] if account is not None else "")
    if not sender:
        raise ComposeError(tr("no envelope sender: give -f ADDRESS or set `from` in the account"))
    if problem := check_addr_spec(sender):
        raise ComposeError(
            tr("bad envelope sender {sender}: {problem}", sender=repr(sender), problem=problem)
        )
    raw, header_rcpts = prepare_message(data, sender=sender, full_name=opts.full_name)
    wanted = [*opts.recipients, *(header_rcpts if opts.read_recipients else [])]
    recipients = check_recipients(local_recipients(wanted, account))
    dsn = DsnRequest(opts.notify, opts.ret) if opts.notify or opts.ret else None
    return deliver_sendmail(args, opts, account, server, raw, sender, recipients, dsn)


def local_recipients(items: list[str], account: AccountConfig | None) -> list[str]:
    """Bare local names resolved through the account's aliases file, else given its domain."""
    from mailtui.sending.aliases import read_aliases, resolve_local

    if not any("@" not in item for item in items):
        return items
    if account is None:
        return items  # no account: nothing to resolve with; check_recipients names them
    aliases = read_aliases(account.aliases) if account.aliases else {}
    return resolve_local(items, aliases, account.local_domain)


def deliver_sendmail(
    args: argparse.Namespace,
    opts: SendmailOptions,
    account: AccountConfig | None,
    server: ServerConfig,
    raw: bytes,
    sender: str,
    recipients: list[str],
    dsn: DsnRequest | None,
) -> int:
    """Send or queue; 0 when sent or safely queued (said on stderr), the msmtp code otherwise."""
    from mailtui.commands.send import attempt, report_failure, report_unqueued
    from mailtui.core.errors import EX_OK, EX_TEMPFAIL
    from mailtui.core.exit_codes import exit_code_for_reply
    from mailtui.sending.outbox import QueueUnwritableError
    from mailtui.sending.smtp import RelayError

    store = account is not None and account.save_sent is True
    try:
        outcome = attempt(
            account, server, raw, sender, recipients, transcript=opts.verbose, queue=not opts.no_queue,
            store_sent=store, dsn=dsn,
        )  # fmt: skip
    except RelayError as exc:
        code = report_failure(exc, raw, sender, recipients, keep=True)
        _log(opts, server, sender, recipients, raw, exc.code, exc.reply, code, error=exc.message)
        return code
    except QueueUnwritableError as exc:
        code = report_unqueued(exc, raw, sender, recipients)
        _log(opts, server, sender, recipients, raw, None, "", code, error=exc.message)
        return code
    for note in outcome.notes:
        if opts.verbose or outcome.status == "queued" or note.startswith(("refused", "could not")):
            print(f"mailtui: {note}", file=sys.stderr)
    if outcome.status == "queued":
        print(
            "mailtui: " + tr("queued as {ident}; it is sent when the relay takes it", ident=outcome.queue_id),
            file=sys.stderr,
        )
        # This attempt failed for now, as msmtp would log it; the outbox sends it later.
        why = "; ".join(outcome.notes) or "the relay is unavailable"
        _log(
            opts,
            server,
            sender,
            recipients,
            raw,
            None,
            "",
            EX_TEMPFAIL,
            error=f"queued as {outcome.queue_id}: {why}",
        )
        return EX_OK
    result = outcome.result
    assert result is not None
    if opts.verbose:
        print(f"mailtui: sent: {result.reply_code} {result.reply}", file=sys.stderr)
    permanent = [(c, t) for c, t in result.refused.values() if c // 100 != 4]
    code = exit_code_for_reply(*permanent[0]) if permanent else EX_OK
    if result.refused and not permanent and opts.no_queue:
        code = EX_TEMPFAIL
    _log(opts, server, sender, recipients, raw, result.reply_code, result.reply, code)
    return code


def _log(
    opts: SendmailOptions,
    server: ServerConfig,
    sender: str,
    recipients: list[str],
    raw: bytes,
    smtp_code: int | None,
    reply: str,
    exit_code: int,
    *,
    error: str = "",
) -> None:
    """One line per message in the -X file (or msmtp's `logfile`), in msmtp's format; a problem is a warning."""
    from mailtui.sending.msmtp_log import LogEntry, append_log_line

    if not opts.log_file:
        return
    entry = LogEntry(
        server=server, sender=sender, recipients=tuple(recipients), exit_code=exit_code, mailsize=len(raw),
        smtp_code=smtp_code, smtp_reply=reply, error=error,
    )  # fmt: skip
    if problem := append_log_line(opts.log_file, entry, opts.log_time_format):
        print(f"mailtui: warning: {problem}", file=sys.stderr)


def _msmtprc_config(path: Path) -> ImportedConfig | None:
    """`-C FILE` naming an msmtprc, as msmtp's -C: that file is the config. None for a TOML file."""
    import tomllib

    from mailtui.config.importer import import_setup

    file = path.expanduser()
    if file.suffix == ".toml" or not file.is_file():
        return None
    try:
        tomllib.loads(file.read_text(encoding="utf-8", errors="replace"))
    except (tomllib.TOMLDecodeError, OSError):
        config = import_setup(None, file)
        return config if config.accounts else None
    return None


def _imported(args: argparse.Namespace, msmtprc: ImportedConfig | None) -> ImportedConfig | None:
    """The config read from mutt/msmtp files (-C msmtprc, or the fallback), else None."""
    from mailtui.commands.common import config_from_args
    from mailtui.config.importer import ImportedConfig

    config = msmtprc or config_from_args(args)
    return config if isinstance(config, ImportedConfig) else None


def _msmtp_account_name(args: argparse.Namespace, name: str, msmtprc: ImportedConfig | None) -> str | None:
    """As msmtp, `-a default` is the default account (the first) when no account is named so."""
    if name != "default":
        return name
    config = _imported(args, msmtprc)
    if config is not None and all(a.name != "default" for a in config.accounts):
        return None
    return name


def msmtp_log_target(
    args: argparse.Namespace, account: AccountConfig | None, msmtprc: ImportedConfig | None = None
) -> LogTarget | None:
    """msmtp's `logfile` (and its time format) for this account, when the config is an msmtprc."""
    config = _imported(args, msmtprc)
    if account is None or config is None:
        return None
    return config.logs.get(account.name)


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
    for header in fields:
        if _name(header) in ("to", "cc", "bcc"):
            value = header.split(b":", 1)[1].decode("utf-8", "replace")
            rcpts += [addr for _, addr in getaddresses([" ".join(value.split())]) if addr]
    kept = [f.rstrip(b"\r\n") for f in fields if _name(f) not in ("bcc", "resent-bcc")]
    names = {_name(f) for f in fields}
    if "from" not in names:
        if "\r" in full_name or "\n" in full_name:
            raise ComposeError(tr("the -F name contains a line break; that would inject headers"))
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
        raise ComposeError(tr("bad recipient: {problems}", problems="; ".join(errors)))
    if not out:
        raise ComposeError(
            tr("no recipients: name them on the command line or use -t with To/Cc/Bcc headers")
        )
    return out
