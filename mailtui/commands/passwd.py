"""`mailtui passwd ACCOUNT [imap|smtp]`: store a server password in the system keyring."""

from __future__ import annotations

import argparse
import sys

from mailtui.core.errors import EX_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("passwd", help="store a password in the system keyring")
    parser.add_argument("account")
    parser.add_argument("server", nargs="?", choices=["imap", "smtp"], default=None)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import getpass

    from mailtui.commands.common import config_from_args
    from mailtui.credentials import check_keyring, keyring_warning, store_password

    account = config_from_args(args, required=True).account(args.account)
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
