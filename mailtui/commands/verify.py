"""`mailtui verify FILE|-`: DKIM, ARC, SPF and DMARC verified here, beside the server's results."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING

from mailtui.commands.common import add_trusted_option
from mailtui.core.errors import EX_NOINPUT, MailtuiError

if TYPE_CHECKING:
    from mailtui.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify",
        help="verify a message's DKIM, ARC, SPF, DMARC and PGP/S/MIME signatures, beside what the server wrote",
    )
    add_arguments(parser)
    parser.add_argument("file", help="a message file (.eml), or - to read it from stdin")
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser, *, for_headers: bool = False) -> None:
    """The verify options; `for_headers` adds --verify and leaves out the --trusted and --json
    that `mailtui headers` has already (same meaning)."""
    if for_headers:
        parser.add_argument(
            "--verify", action="store_true", help="verify DKIM, ARC, SPF and DMARC here (as `mailtui verify`)"
        )
    parser.add_argument(
        "--dns-server",
        metavar="HOST[:PORT]",
        default=None,
        help="ask this nameserver for every DKIM/SPF/DMARC/ARC record (default: diagnostics.dns_server "
        "from the config, else the system resolver)",
    )
    parser.add_argument(
        "--trusted-host",
        action="append",
        metavar="NAME|IP|CIDR",
        default=None,
        help="a host of your own mail path (repeatable; .suffix matches subdomains): SPF is checked "
        "for the client that handed the message to the first of them (default: diagnostics.trusted_hosts)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3.0, metavar="SECONDS", help="per DNS query (default 3)"
    )
    parser.add_argument(
        "--gnupg-home",
        metavar="DIR",
        default=None,
        help="verify PGP signatures with the keyring in DIR (default: gpg's own, ~/.gnupg or $GNUPGHOME)",
    )
    parser.add_argument(
        "--smime-ca-file",
        metavar="PEM",
        default=None,
        help="trust the CA certificates in PEM for S/MIME signers (default: the system's CA store)",
    )
    if for_headers:
        return
    add_trusted_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _config(args: argparse.Namespace) -> Config:
    """The config for the defaults of the options; a broken one is a warning, not a stop."""
    from mailtui.commands.common import config_from_args
    from mailtui.config import Config

    try:
        return config_from_args(args)
    except MailtuiError as err:  # a broken config must not stop a read-only check
        print(
            f"mailtui: warning: {err.title}: {err.message}; verifying with the defaults "
            "(system resolver, no trusted hosts or authserv-ids)",
            file=sys.stderr,
        )
        return Config()


def read_message(file: str) -> bytes:
    """The raw message from a file or stdin ("-")."""
    from pathlib import Path

    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise MailtuiError(
            f"cannot read {file}: {exc.strerror or exc}", title="No input", exit_code=EX_NOINPUT
        ) from None


def run(args: argparse.Namespace, raw: bytes | None = None) -> int:
    """Verify and print; `raw` when the caller (headers --verify) has read the message already."""
    from mailtui.config import Config
    from mailtui.core.i18n import language
    from mailtui.diagnostics.verdicts.report import format_text, to_json, verify_message

    message = read_message(args.file) if raw is None else raw
    given = (args.dns_server, args.trusted_host, args.trusted)
    config = _config(args) if None in given else Config()
    # JSON is for scripts: its reasons and notes stay English whatever --lang says.
    with language("en") if args.json else nullcontext():
        report = verify_message(
            message,
            config.diagnostics.dns_server if args.dns_server is None else args.dns_server,
            trusted_hosts=config.diagnostics.trusted_hosts
            if args.trusted_host is None
            else args.trusted_host,
            trusted_authserv_ids=config.ui.trusted_authserv_ids if args.trusted is None else args.trusted,
            timeout=args.timeout,
            gnupghome=args.gnupg_home,
            smime_ca_file=args.smime_ca_file,
        )
    print(to_json(report) if args.json else format_text(report))
    return 0
