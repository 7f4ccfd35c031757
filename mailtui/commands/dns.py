"""`mailtui dns DOMAIN`: the domain's whole mail DNS setup, each finding with what to publish.

MX (addresses, reverse DNS), SPF (expanded, lookups counted), DMARC, DKIM keys, MTA-STS
(record and policy file), TLS-RPT, DANE TLSA and, when zones are given, DNS blocklists.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "dns",
        help="check a domain's mail DNS: MX and reverse DNS, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, DANE, blocklists",
    )
    parser.add_argument("domain", help="the mail domain, like example.com")
    parser.add_argument(
        "--server",
        "--dns-server",
        dest="server",
        action="append",
        metavar="IP[:PORT]",
        default=[],
        help="ask this nameserver (repeatable; default: diagnostics.dns_server from the config, "
        "else the system resolver)",
    )
    parser.add_argument(
        "--dkim-selector",
        action="append",
        default=[],
        metavar="SELECTOR",
        help="a DKIM selector to check at SELECTOR._domainkey.DOMAIN (repeatable; common ones such as "
        "default, selector1, google, k1 are always tried)",
    )
    parser.add_argument(
        "--blocklist",
        action="append",
        default=[],
        metavar="ZONE",
        help="a DNS blocklist zone to ask, like zen.spamhaus.org (repeatable; default: "
        "diagnostics.blocklists from the config, else none)",
    )
    parser.add_argument(
        "--blocklist-ip",
        action="append",
        default=[],
        metavar="IP",
        help="look this address up in the blocklists instead of the MX addresses (repeatable)",
    )
    parser.add_argument(
        "--no-policy-fetch",
        action="store_true",
        help="do not fetch the MTA-STS policy file over HTTPS (DNS only)",
    )
    parser.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS", help="per query (default 3)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.diagnostics.dns_check import check_domain, format_report
    from mailtui.diagnostics.mta_sts import PolicyFetch

    configured_server, configured_blocklists = _configured(args)
    report = check_domain(
        args.domain,
        args.server or configured_server,
        args.timeout,
        dkim_selectors=args.dkim_selector,
        blocklists=args.blocklist or configured_blocklists,
        blocklist_ips=args.blocklist_ip,
        policy_fetch=PolicyFetch(timeout=max(args.timeout, 1.0), enabled=not args.no_policy_fetch),
    )
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def _configured(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """[diagnostics] dns_server (as the resolver takes it; [] = the system's) and blocklists."""
    import sys

    from mailtui.commands.common import config_from_args
    from mailtui.core.errors import MailtuiError
    from mailtui.diagnostics.verdicts.resolver import server_address

    try:
        diagnostics = config_from_args(args).diagnostics
    except MailtuiError as err:  # a broken config must not stop a read-only check
        print(f"mailtui: warning: {err.title}: {err.message}; asking the system resolver", file=sys.stderr)
        return [], []
    address = server_address(diagnostics.dns_server)
    return ([address] if address else []), list(diagnostics.blocklists)
