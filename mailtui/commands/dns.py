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
        help="ask this nameserver (repeatable; default: the system resolver)",
    )
    parser.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS", help="per query (default 3)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.diagnostics.dns_check import check_domain, format_report

    report = check_domain(args.domain, args.server, args.timeout)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0
