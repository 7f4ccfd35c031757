"""The plain-text `mailtui dns` report (also the DNS tab's): each section with its findings.

Everything shown from DNS has been cleaned (`dns_findings.shown`); the text is plain, never
markup. `dns_check` re-exports `format_report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailtui.core.i18n import tr
from mailtui.diagnostics.dane import format_dane
from mailtui.diagnostics.dns_dkim import format_dkim
from mailtui.diagnostics.dns_findings import format_findings, shown
from mailtui.diagnostics.dnsbl import format_dnsbl
from mailtui.diagnostics.mta_sts import format_mta_sts
from mailtui.diagnostics.spf import format_tree
from mailtui.diagnostics.tls_rpt import format_tls_rpt

if TYPE_CHECKING:
    from mailtui.diagnostics.dns_check import DnsReport


def format_report(report: DnsReport) -> str:
    """The report as plain text: each section with its findings, then the problems."""
    head = tr("Domain: {domain}", domain=report.domain)
    if report.servers:
        head += tr("  (asked {servers})", servers=", ".join(report.servers))
    elif report.resolver:
        head += tr("  (system resolver {resolver})", resolver=report.resolver)
    none = "  " + tr("(none)")
    lines = [head, "", tr("MX (preference order):")]
    for m in report.mx:
        lines.append(f"  {m.preference:>5}  {m.host}  {' '.join(m.addresses) or tr('(no address)')}")
        for r in m.reverse:
            if r.error:
                lines.append(f"         {r.address}  " + tr("reverse DNS not checked"))
            elif not r.ptr:
                lines.append(f"         {r.address}  " + tr("no PTR"))
            else:
                state = tr("forward-confirmed") if r.forward_confirmed else tr("NOT forward-confirmed")
                lines.append(f"         {r.address}  PTR {', '.join(r.ptr)}  {state}")
    if not report.mx:
        lines.append(none)
    lines += _area(report, "mx", quiet=True)
    lines += ["", "SPF:"]
    if report.spf is None:
        lines.append(none)
    else:
        spf = report.spf
        lines += ["  " + shown(line) for line in format_tree(spf.root)]
        lines += ["", "  " + tr("Flattened ({count} terms):", count=len(spf.flattened))]
        lines += [f"    {f.term.raw:<40} " + tr("from {source}", source=f.source) for f in spf.flattened]
        verdict = tr("OVER THE LIMIT") if spf.over_limit else "ok"
        lines.append(
            "  "
            + tr(
                "DNS lookups: {lookups}/10 ({verdict}); void lookups: {voids}/2",
                lookups=spf.lookups,
                verdict=verdict,
                voids=spf.void_lookups,
            )
        )
        lines += [f"  ! {p}" for p in spf.problems]
    lines += _area(report, "spf")
    lines += ["", "DMARC:"]
    if report.dmarc is None:
        lines.append(none)
    else:
        lines.append(f"  {shown(report.dmarc.raw)}")
        lines += [f"    {k}={v}: {why}" for k, v, why in report.dmarc.explanations]
    lines += _area(report, "dmarc")
    sections = [
        ("DKIM (selector._domainkey):", "dkim", format_dkim(report.dkim) if report.dkim else []),
        (
            f"MTA-STS (_mta-sts.{report.domain}):",
            "mta-sts",
            format_mta_sts(report.mta_sts) if report.mta_sts else [],
        ),
        (
            f"TLS-RPT (_smtp._tls.{report.domain}):",
            "tls-rpt",
            format_tls_rpt(report.tls_rpt) if report.tls_rpt else [],
        ),
        ("DANE (TLSA _25._tcp.MX):", "dane", format_dane(report.dane)),
        (tr("DNS blocklists:"), "dnsbl", format_dnsbl(report.blocklists) if report.blocklist_zones else []),
    ]
    for title, area, body in sections:
        lines += ["", title, *body, *_area(report, area)]
    covered = {f.text for f in report.findings}
    others = [p for p in report.problems if p not in covered]
    if others:
        lines += ["", tr("Problems:")] + [f"  ! {p}" for p in others]
    errors = sum(f.level == "error" for f in report.findings)
    warnings = sum(f.level == "warn" for f in report.findings)
    summary = tr(
        "Summary: {errors} errors, {warnings} warnings, {problems} problems",
        errors=errors,
        warnings=warnings,
        problems=len(report.problems),
    )
    lines += ["", summary]
    return "\n".join(lines)


def _area(report: DnsReport, area: str, *, quiet: bool = False) -> list[str]:
    """The findings of one section; `quiet` leaves out the ok ones (shown in the section already)."""
    return format_findings([f for f in report.findings if f.area == area and not (quiet and f.level == "ok")])
