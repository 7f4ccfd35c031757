"""Command line: `mailtui [-f PATH|URL] [--demo]` opens the UI; subcommands run headless.

One small function per subcommand. Heavy modules are imported inside those functions, so
headless commands never load textual (tests/test_architecture.py checks this).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mailtui import __version__
from mailtui.core.errors import EX_DATAERR, EX_USAGE, MailtuiError


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    config_p = sub.add_parser("config", help="configuration tools")
    config_sub = config_p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_sub.add_parser("check", help="validate the config and print it with secrets masked")
    config_sub.add_parser("path", help="print where the config file is looked for")

    passwd_p = sub.add_parser("passwd", help="store a password in the system keyring")
    passwd_p.add_argument("account")
    passwd_p.add_argument("server", nargs="?", choices=["imap", "smtp"], default=None)
    explain_p = sub.add_parser("explain", help="explain SMTP reply codes (550, 5.7.1, or a whole bounce text)")
    explain_p.add_argument("text", nargs="+", help="a code, a reply line, or - to read a bounce from stdin")
    explain_p.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers: dict[str | None, Callable[[argparse.Namespace], int]] = {
        None: cmd_ui,
        "config": cmd_config,
        "passwd": cmd_passwd,
        "explain": cmd_explain,
    }
    try:
        return handlers[args.command](args)
    except MailtuiError as err:
        print(f"mailtui: {err.title}: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


def _load_config(args: argparse.Namespace, *, required: bool = False):  # -> Config
    from mailtui.config import load_config

    return load_config(args.config, required=required)


def cmd_config(args: argparse.Namespace) -> int:
    from mailtui.config import format_config
    from mailtui.paths import config_path

    if args.config_command == "path":
        print(args.config or config_path())
        return 0
    from mailtui.credentials import keyring_warning

    config = _load_config(args, required=True)
    print(f"# {config.path}: OK")
    print(format_config(config))
    if warning := keyring_warning():
        print(f"mailtui: warning: {warning}", file=sys.stderr)
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    import getpass

    from mailtui.credentials import check_keyring, keyring_warning, store_password

    config = _load_config(args, required=True)
    account = config.account(args.account)
    servers = [s for s in (account.imap, account.smtp) if s is not None]
    if args.server:
        servers = [s for s in servers if s.kind == args.server]
    if not servers:
        print(f"mailtui: account {account.name!r} has no server to store a password for", file=sys.stderr)
        return EX_USAGE
    for server in servers:
        check_keyring(server)  # say so before asking for a password that could not be stored
        password = getpass.getpass(f"Password for {server.keyring_user} ({server.user}@{server.host}): ")
        store_password(server, password)
        print(f"stored in the keyring as service 'mailtui', user {server.keyring_user!r}")
    if warning := keyring_warning():
        print(f"mailtui: warning: {warning}", file=sys.stderr)
    return 0


def _language(args: argparse.Namespace) -> str:
    """--lang, else ui.language from the config (a broken config does not stop a headless tool)."""
    if args.lang:
        return args.lang
    try:
        return _load_config(args).ui.language
    except MailtuiError:
        return "en"


def cmd_explain(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.core.codes import explain, format_explanation

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    explanations = explain(text, _language(args))
    if args.json:
        print(json.dumps([dataclasses.asdict(e) for e in explanations], ensure_ascii=False, indent=2))
    elif explanations:
        print("\n\n".join(format_explanation(e) for e in explanations))
    if not explanations:
        print("mailtui: no SMTP reply code (like 550 or 5.7.1) found in the input", file=sys.stderr)
        return EX_DATAERR
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from mailtui.config import AccountConfig

    if args.demo:
        from mailtui.demo import demo_config

        config = demo_config()
        account = config.accounts[0]
    elif args.open_url:
        config = _load_config(args)
        account = AccountConfig(name="-f", maildir=args.open_url)
    else:
        config = _load_config(args)
        if config.accounts:
            account = config.account(args.account)
        else:
            spool = local_spool()
            if spool is None:
                print(
                    "mailtui: nothing to open: no config file, no -f PATH and no local spool.\n"
                    "  try:  mailtui --demo          (a generated demo mailbox)\n"
                    "        mailtui -f ~/Maildir    (any Maildir or mbox)\n"
                    "        mailtui config path     (where the config file goes; see config.example.toml)",
                    file=sys.stderr,
                )
                return EX_USAGE
            account = AccountConfig(name="spool", maildir=str(spool))
    if args.lang:
        from dataclasses import replace

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
