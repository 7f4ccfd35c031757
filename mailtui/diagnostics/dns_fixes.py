"""What to publish for the MX, SPF and DMARC problems `dns_check` finds.

`dns_check` keeps its `problems` strings (the verdicts and older callers read them); each
problem that has a fix also becomes a `Finding` with the same text and the record to add,
so the report shows it once, under its section, with the fix.
"""

from __future__ import annotations

from mailtui.diagnostics.dns_findings import Finding
from mailtui.diagnostics.spf import SpfExpansion

_DMARC_START = "v=DMARC1; p=none; rua=mailto:dmarc-reports@{d}"


def mx_findings(domain: str, problems: list[str]) -> list[Finding]:
    """Findings for the MX problems, matched by their text."""
    out: list[Finding] = []
    for p in problems:
        if p.startswith(f"{domain} has no MX record"):
            out.append(
                Finding("mx", "warn", p, f"publish {domain}. MX 10 mail.{domain}. (and an A record for it)")
            )
        elif p.startswith("MX host ") and "has no A/AAAA record" in p:
            host = p.removeprefix("MX host ").split(" ", 1)[0]
            out.append(Finding("mx", "error", p, f"publish {host}. A <the mail server's IPv4 address>"))
        elif "does not exist in DNS" in p:
            out.append(Finding("mx", "error", p))
    return out


def spf_findings(domain: str, spf: SpfExpansion | None, problems: list[str]) -> list[Finding]:
    """No SPF record, or an SPF record over the lookup limit, with the fix."""
    out: list[Finding] = []
    missing = f"{domain} publishes no SPF record"
    if missing in problems:
        out.append(
            Finding(
                "spf",
                "warn",
                missing,
                f'publish TXT at {domain}: "v=spf1 mx -all" (the MX hosts may send; add include:<provider> '
                "for each service that sends as this domain)",
            )
        )
    if spf is not None and spf.over_limit:
        out.append(
            Finding(
                "spf",
                "error",
                f"SPF needs {spf.lookups} DNS lookups, over the limit of 10: receivers return permerror (a fail)",
                "replace include:/a/mx terms by ip4:/ip6: ranges, or drop includes of services no longer used",
            )
        )
    return out


def dmarc_findings(
    domain: str, policy: str | None, record_problems: tuple[str, ...], problems: list[str]
) -> list[Finding]:
    """No DMARC record, p=none, or a broken record, with the record to publish."""
    start = f'publish TXT at _dmarc.{domain}: "{_DMARC_START.format(d=domain)}"'
    out: list[Finding] = []
    for p in problems:
        if p.startswith(f"_dmarc.{domain} has no DMARC record"):
            out.append(Finding("dmarc", "warn", p, start + ", then tighten p= once the reports are clean"))
        elif p.startswith(f"_dmarc.{domain} has ") and "DMARC records" in p:
            out.append(Finding("dmarc", "error", p, f"keep exactly one v=DMARC1 TXT at _dmarc.{domain}"))
    for p in record_problems:
        out.append(
            Finding("dmarc", "warn", p, f"fix the TXT at _dmarc.{domain}, e.g. " + start.split(": ", 1)[1])
        )
    if policy == "none":
        out.append(
            Finding(
                "dmarc",
                "info",
                "p=none: monitoring only, receivers deliver mail that fails DMARC",
                "when the aggregate reports show all your mail passing, publish p=quarantine, later p=reject",
            )
        )
    return out
