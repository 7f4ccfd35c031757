"""Command line: `mailtui [-f PATH|URL] [--demo] [--server]` opens the UI; subcommands run headless.

The subcommands live in `mailtui.commands`, one module each. Heavy modules are imported
inside handlers, so headless commands never load textual (tests/test_architecture.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mailtui import __version__
from mailtui.commands import COMMAND_MODULES, register_all
from mailtui.core.errors import EX_NOINPUT, EX_USAGE, MailtuiError

if TYPE_CHECKING:
    from mailtui.config import AccountConfig


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `commands`, only those subcommands (none: the UI's options)."""
    parser = argparse.ArgumentParser(
        prog="mailtui",
        description="A terminal mail console for system administrators.",
    )
    parser.add_argument("--version", action="version", version=f"mailtui {__version__}")
    parser.add_argument("--config", metavar="PATH", type=Path, help="config file (default: XDG config dir)")
    parser.add_argument(
        "-f", "--folder", dest="open_url", metavar="PATH|URL", help="open this Maildir, mbox or URL"
    )
    parser.add_argument("--account", metavar="NAME", help="the account to open (default: the first)")
    parser.add_argument("--demo", action="store_true", help="open a generated demo mailbox; needs no config")
    parser.add_argument("--lang", choices=["en", "zh"], help="language of explanations")
    imap = parser.add_argument_group("with -f imap://... or imaps://...")
    imap.add_argument("--tls", choices=["ssl", "starttls", "none"], help="override the URL's TLS mode")
    imap.add_argument("--ca-file", metavar="PEM", help="trust this CA (or self-signed) certificate")
    imap.add_argument(
        "--no-verify", action="store_true", help="do not verify the TLS certificate (shown as a warning)"
    )
    imap.add_argument(
        "--allow-plaintext-auth", action="store_true", help="allow a password over an unencrypted connection"
    )
    server = parser.add_argument_group("the mail server on this host (the S screen)")
    server.add_argument(
        "--server",
        action="store_true",
        help="open the mail-server screen: queue, trace, summary, relay check",
    )
    server.add_argument(
        "--log",
        metavar="FILE",
        action="append",
        default=[],
        help="its mail log (default: /var/log/mail.log, else the journal)",
    )
    server.add_argument(
        "-c", dest="postfix_config", metavar="CONFIG_DIR", help="its Postfix instance (as postqueue -c)"
    )
    if commands is None or commands:
        register_all(parser.add_subparsers(dest="command", metavar="COMMAND"), commands)
    parser.set_defaults(handler=run_ui)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse with the parsers this command line needs: building all of them imports every
    command module (~30 ms), which opening the UI (`mailtui -f DIR`) and one command do not need.

    A word that names a command brings in that command's parser (two, when an option's value
    is another command's name); `-h` anywhere, or anything the smaller parser does not know,
    is parsed again by the whole one, so help and errors are the same as ever.
    """
    named = {arg for arg in argv if arg in COMMAND_MODULES}
    if "-h" not in argv and "--help" not in argv:
        args, unknown = build_parser(named).parse_known_args(argv)
        if not unknown:
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and os.path.basename(sys.argv[0]) == "sendmail":
        argv = ["sendmail", *sys.argv[1:]]  # installed as /usr/sbin/sendmail (like msmtp-mta)
    # No cyclic garbage collection while the UI starts: it allocates ~500 modules' worth of
    # objects that all stay alive, and the collections they trigger cost ~15% of the CPU
    # time to the first frame (issue 18; MailApp turns it back on at its first frame).
    # Reference counting still frees everything acyclic meanwhile. Commands get it back now.
    gc.disable()
    try:
        args = parse_args(sys.argv[1:] if argv is None else list(argv))
    except BaseException:  # --help, a usage error: SystemExit
        gc.enable()
        raise
    if args.handler is not run_ui:
        gc.enable()
        from mailtui.commands.common import language
        from mailtui.core.i18n import set_language

        set_language(language(args))
    try:
        return args.handler(args)
    except MailtuiError as err:
        print(f"mailtui: {err.title}: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


def run_ui(args: argparse.Namespace) -> int:
    """No subcommand: open the UI on --demo, -f PATH|URL, the configured account or the spool.

    The cyclic garbage collector is off (`main`) until the first frame is drawn: `MailApp`
    turns it back on then, and so does any way out of here.
    """
    try:
        return _run_ui(args)
    finally:
        gc.enable()


def _run_ui(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mailtui.commands.common import config_from_args
    from mailtui.config import AccountConfig

    if args.demo:
        from mailtui.demo.mailbox import demo_config

        config = demo_config()
        account = config.accounts[0]
    else:
        config = config_from_args(args)
        if args.open_url and args.open_url.lower().startswith(("imap://", "imaps://")):
            account = adhoc_imap_account(args)
        elif args.open_url:
            location = args.open_url
            if location.startswith(("maildir://", "mbox://")):
                location = location.split("://", 1)[1]
            if "://" not in location and not Path(location).expanduser().exists():
                print(f"mailtui: -f {args.open_url}: no such file or directory", file=sys.stderr)
                return EX_NOINPUT
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
    from mailtui.core.i18n import set_language

    set_language(config.ui.language)
    # Started before textual is imported: the mailbox opens and its first folder is
    # listed while the UI loads (issue 6: the first screen of a 100k folder).
    from mailtui.core.transcript import Transcript
    from mailtui.session.preload import Preload

    preload = Preload(account, Transcript()).start()
    from mailtui.ui.app import run_app
    from mailtui.ui.screens.server.source import ServerSource

    services = []
    if args.demo:
        from mailtui.demo.relay import DemoRelayService

        services.append(DemoRelayService())
    server = ServerSource(tuple(args.log), args.postfix_config)
    return run_app(config, account, preload, services=services, server=server, open_server=args.server)


def adhoc_imap_account(args: argparse.Namespace) -> AccountConfig:
    """An account for `-f imaps://user@host[:port]`: the password is asked now, before the UI."""
    from mailtui.backends.imap.url import parse_imap_url
    from mailtui.config import AccountConfig, PasswordSource, server_config
    from mailtui.credentials import password_for_adhoc

    url = parse_imap_url(args.open_url)
    password = password_for_adhoc(f"IMAP {url.label}")
    server = server_config(
        "imap",
        url.host,
        url.port,
        tls=args.tls or url.default_tls,
        account="-f",
        user=url.user,
        tls_verify=not args.no_verify,
        ca_file=args.ca_file,
        allow_plaintext_auth=args.allow_plaintext_auth,
        password=PasswordSource(inline=password, keyring=False),
    )
    return AccountConfig(name=f"{url.user}@{url.host}", imap=server)


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
