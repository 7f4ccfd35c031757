"""What to publish for the MX, SPF and DMARC problems `dns_check` finds.

`dns_check` keeps its `problems` strings (the verdicts and older callers read them); each
problem that has a fix also becomes a `Finding` with the same text and the record to add,
so the report shows it once, under its section, with the fix. The problems come tagged
with their kind (`(kind, text)`): the text is in the admin's language, the kind is not.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding
from mailtui.diagnostics.spf import SpfExpansion

Tagged = Sequence[tuple[str, str]]  # (kind, text); kind "" for a problem without a fix here
_DMARC_START = "v=DMARC1; p=none; rua=mailto:dmarc-reports@{d}"


def mx_findings(domain: str, problems: Tagged) -> list[Finding]:
    """Findings for the MX problems, by their kind."""
    out: list[Finding] = []
    for kind, p in problems:
        if kind == "no-mx":
            fix = tr("publish {domain}. MX 10 mail.{domain}. (and an A record for it)", domain=domain)
            out.append(Finding("mx", "warn", p, fix))
        elif kind.startswith("mx-host-no-address "):
            host = kind.split(" ", 1)[1]
            out.append(
                Finding("mx", "error", p, tr("publish {host}. A <the mail server's IPv4 address>", host=host))
            )
        elif kind == "nxdomain":
            out.append(Finding("mx", "error", p))
    return out


def spf_findings(domain: str, spf: SpfExpansion | None, problems: Tagged) -> list[Finding]:
    """No SPF record, or an SPF record over the lookup limit, with the fix."""
    out: list[Finding] = []
    for kind, p in problems:
        if kind == "no-spf":
            fix = tr(
                'publish TXT at {domain}: "v=spf1 mx -all" (the MX hosts may send; add include:<provider> '
                "for each service that sends as this domain)",
                domain=domain,
            )
            out.append(Finding("spf", "warn", p, fix))
    if spf is not None and spf.over_limit:
        out.append(
            Finding(
                "spf",
                "error",
                tr(
                    "SPF needs {lookups} DNS lookups, over the limit of 10: receivers return permerror (a fail)",
                    lookups=spf.lookups,
                ),
                tr(
                    "replace include:/a/mx terms by ip4:/ip6: ranges, or drop includes of services no longer used"
                ),
            )
        )
    return out


def dmarc_findings(
    domain: str, policy: str | None, record_problems: tuple[str, ...], problems: Tagged
) -> list[Finding]:
    """No DMARC record, p=none, or a broken record, with the record to publish."""
    record = _DMARC_START.format(d=domain)
    out: list[Finding] = []
    for kind, p in problems:
        if kind == "no-dmarc":
            fix = tr(
                'publish TXT at _dmarc.{domain}: "{record}", then tighten p= once the reports are clean',
                domain=domain,
                record=record,
            )
            out.append(Finding("dmarc", "warn", p, fix))
        elif kind == "many-dmarc":
            fix = tr("keep exactly one v=DMARC1 TXT at _dmarc.{domain}", domain=domain)
            out.append(Finding("dmarc", "error", p, fix))
    for p in record_problems:
        fix = tr('fix the TXT at _dmarc.{domain}, e.g. "{record}"', domain=domain, record=record)
        out.append(Finding("dmarc", "warn", p, fix))
    if policy == "none":
        out.append(
            Finding(
                "dmarc",
                "info",
                tr("p=none: monitoring only, receivers deliver mail that fails DMARC"),
                tr(
                    "when the aggregate reports show all your mail passing, publish p=quarantine, later p=reject"
                ),
            )
        )
    return out
