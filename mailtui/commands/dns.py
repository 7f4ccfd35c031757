"""`mailtui dns DOMAIN`: MX, SPF (expanded, lookups counted) and DMARC of a mail domain."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dns", help="check a domain's MX, SPF (expanded, 10-lookup limit) and DMARC")
    parser.add_argument("domain", help="the mail domain, like example.com")
    parser.add_argument(
        "--server",
        action="append",
        metavar="IP[:PORT]",
        default=[],
        help="ask this nameserver (repeatable; default: diagnostics.dns_server from the config, "
        "else the system resolver)",
    )
    parser.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS", help="per query (default 3)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.diagnostics.dns_check import check_domain, format_report

    report = check_domain(args.domain, args.server or _configured_server(args), args.timeout)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def _configured_server(args: argparse.Namespace) -> list[str]:
    """[diagnostics] dns_server as the resolver takes it; [] (the system's) without one."""
    import sys

    from mailtui.commands.common import config_from_args
    from mailtui.core.errors import MailtuiError
    from mailtui.diagnostics.verdicts.resolver import server_address

    try:
        configured = config_from_args(args).diagnostics.dns_server
    except MailtuiError as err:  # a broken config must not stop a read-only check
        print(f"mailtui: warning: {err.title}: {err.message}; asking the system resolver", file=sys.stderr)
        return []
    address = server_address(configured)
    return [address] if address else []
