"""Command line: `mailtui [-f PATH|URL] [--demo]` opens the UI; subcommands run headless.

The subcommands live in `mailtui.commands`, one module each. Heavy modules are imported
inside handlers, so headless commands never load textual (tests/test_architecture.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mailtui import __version__
from mailtui.commands import register_all
from mailtui.core.errors import EX_USAGE, MailtuiError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailtui",
        description="A terminal mail console for system administrators.",
    )
    parser.add_argument("--version", action="version", version=f"mailtui {__version__}")
    parser.add_argument("--config", metavar="PATH", type=Path, help="config file (default: XDG config dir)")
    parser.add_argument("-f", "--folder", dest="open_url", metavar="PATH|URL", help="open this Maildir, mbox or URL")
    parser.add_argument("--account", metavar="NAME", help="the account to open (default: the first)")
    parser.add_argument("--demo", action="store_true", help="open a generated demo mailbox; needs no config")
    parser.add_argument("--lang", choices=["en", "zh"], help="language of explanations")
    register_all(parser.add_subparsers(dest="command", metavar="COMMAND"))
    parser.set_defaults(handler=run_ui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and Path(sys.argv[0]).name == "sendmail":
        argv = ["sendmail", *sys.argv[1:]]  # installed as /usr/sbin/sendmail (like msmtp-mta)
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except MailtuiError as err:
        print(f"mailtui: {err.title}: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


def run_ui(args: argparse.Namespace) -> int:
    """No subcommand: open the UI on --demo, -f PATH|URL, the configured account or the spool."""
    from dataclasses import replace

    from mailtui.commands.common import config_from_args
    from mailtui.config import AccountConfig

    if args.demo:
        from mailtui.demo import demo_config

        config = demo_config()
        account = config.accounts[0]
    else:
        config = config_from_args(args)
        if args.open_url:
            account = AccountConfig(name="-f", maildir=args.open_url)
        elif config.accounts:
            account = config.account(args.account)
        elif (spool := local_spool()) is not None:
            account = AccountConfig(name="spool", maildir=str(spool))
        else:
            print(
                "mailtui: nothing to open: no config file, no -f PATH and no local spool.\n"
                "  try:  mailtui --demo          (a generated demo mailbox)\n"
                "        mailtui -f ~/Maildir    (any Maildir or mbox)\n"
                "        mailtui config path     (where the config file goes; see config.example.toml)",
                file=sys.stderr,
            )
            return EX_USAGE
    if args.lang:
        config = replace(config, ui=replace(config.ui, language=args.lang))
    from mailtui.ui.app import run_app

    return run_app(config, account, demo=args.demo)


def local_spool() -> Path | None:
    """The local mail spool, like mailx: $MAIL, else /var/mail/$USER, when it exists."""
    candidates = []
    if os.environ.get("MAIL"):
        candidates.append(Path(os.environ["MAIL"]))
    user = os.environ.get("USER") or os.environ.get("LOGNAME")
    if user:
        candidates.append(Path("/var/mail") / user)
    for path in candidates:
        if path.exists():
            return path
    return None
