"""SMTP TLS reporting (RFC 8460): the `_smtp._tls.DOMAIN` TXT record, v=TLSRPTv1; rua=...

Senders that use MTA-STS or DANE send daily reports of TLS failures to the rua= addresses;
without the record an MTA-STS or DANE mistake goes unnoticed until mail stops arriving.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding, Lookups, parse_tags, shown


@dataclass(frozen=True)
class TlsRptResult:
    domain: str
    records: tuple[str, ...]
    rua: tuple[str, ...]
    problems: tuple[str, ...]


def check_tls_rpt(lookups: Lookups, domain: str) -> TlsRptResult:
    """The TXT at `_smtp._tls.domain`, parsed. Never raises DnsError."""
    name = f"_smtp._tls.{domain}"
    try:
        txts = lookups.txt(name) or []
    except MailtuiError as exc:
        return TlsRptResult(domain, (), (), (f"{name}: {exc.message}",))
    records = tuple(t for t in txts if t.lower().startswith("v=tlsrptv1"))
    problems: list[str] = []
    rua: tuple[str, ...] = ()
    if len(records) > 1:
        problems.append(
            tr(
                "{name} has {count} v=TLSRPTv1 records: senders ignore them all",
                name=name,
                count=len(records),
            )
        )
    if records:
        tags = parse_tags(records[0])
        if tags[0] != ("v", "TLSRPTv1"):
            problems.append(tr("the record must start with v=TLSRPTv1"))
        rua = tuple(shown(u.strip(), 200) for u in (dict(tags).get("rua") or "").split(",") if u.strip())
        if not rua:
            problems.append(tr("rua= is missing: there is nowhere to send the reports"))
        for uri in rua:
            if not uri.lower().startswith(("mailto:", "https://")):
                problems.append(tr("rua {uri} must be mailto:address or an https:// URL", uri=uri))
    return TlsRptResult(domain, records, rua, tuple(problems))


def tls_rpt_findings(result: TlsRptResult, uses_tls_policy: bool) -> list[Finding]:
    """`uses_tls_policy`: MTA-STS or DANE is published, which makes a missing record a warning."""
    d = result.domain
    fix = tr('publish TXT at _smtp._tls.{domain}: "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"', domain=d)
    if not result.records:
        if uses_tls_policy:
            text = tr(
                "no TLS-RPT record at _smtp._tls.{domain}: MTA-STS/DANE failures will go unnoticed", domain=d
            )
        else:
            text = tr("no TLS-RPT record at _smtp._tls.{domain}: nobody hears of TLS failures", domain=d)
        return [Finding("tls-rpt", "warn" if uses_tls_policy else "info", text, fix)] + [
            Finding("tls-rpt", "warn", p) for p in result.problems
        ]
    if result.problems:
        return [Finding("tls-rpt", "error", p, fix) for p in result.problems]
    return [Finding("tls-rpt", "ok", tr("TLS reports go to {uris}", uris=", ".join(result.rua)))]


def format_tls_rpt(result: TlsRptResult) -> list[str]:
    return [f"  {shown(r)}" for r in result.records] or ["  " + tr("(no record)")]
