"""`mailtui config check|path`: validate and show the configuration."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("config", help="configuration tools")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    actions.add_parser("check", help="validate the config and print it with secrets masked")
    actions.add_parser("path", help="print where the config file is looked for")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mailtui.commands.common import config_from_args
    from mailtui.config import format_config
    from mailtui.credentials import keyring_warning
    from mailtui.paths import config_path

    if args.config_command == "path":
        print(args.config or config_path())
        return 0
    config = config_from_args(args, required=True)
    print(f"# {config.path}: OK")
    print(format_config(config))
    for problem in config.warnings:
        print(f"mailtui: warning: {problem}", file=sys.stderr)
    if warning := keyring_warning():
        print(f"mailtui: warning: {warning}", file=sys.stderr)
    return 0
