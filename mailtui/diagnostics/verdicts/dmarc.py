"""DMARC (RFC 7489): the From domain aligned with a passing DKIM d= or SPF domain, and the policy.

Organisational domains come from the Public Suffix List (`publicsuffixlist`, which ships
its copy); the record is looked up at _dmarc.<From domain>, then at the organisational
domain (where sp= applies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from email import policy as email_policy
from email.parser import BytesHeaderParser
from functools import cache
from typing import Literal

from publicsuffixlist import PublicSuffixList

from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_dmarc import DmarcRecord, parse_dmarc
from mailtui.diagnostics.verdicts.dkim import DkimVerdict
from mailtui.diagnostics.verdicts.resolver import VerdictDns
from mailtui.diagnostics.verdicts.spf_verdict import SpfVerdict

DmarcResult = Literal["pass", "fail", "none", "permerror", "temperror"]
_WEAKER = {"reject": "quarantine", "quarantine": "none", "none": "none"}


@dataclass(frozen=True)
class DmarcVerdict:
    """The DMARC evaluation: which identifier aligned, the policy found and what it asks for."""

    result: DmarcResult
    from_domain: str | None
    reason: str
    record_domain: str | None = None  # where the record was found
    policy: str | None = None  # the p= or sp= that applies
    pct: int = 100
    disposition: str | None = None  # what the policy asks for this message
    dkim_aligned: tuple[str, ...] = ()  # passing d= that align
    spf_aligned: str | None = None
    record: DmarcRecord | None = None


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def organizational_domain(domain: str) -> str:
    """The registrable domain ("mail.example.co.uk" -> "example.co.uk"); unknown TLDs count as public."""
    domain = domain.lower().rstrip(".")
    return _psl().privatesuffix(domain) or domain


def aligned(a: str, b: str, mode: str) -> bool:
    """DMARC identifier alignment: strict = same name, relaxed = same organisational domain."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    return a == b if mode == "s" else organizational_domain(a) == organizational_domain(b)


def from_domains(raw: bytes) -> list[str]:
    """The domains of the From header's addresses (DMARC needs exactly one)."""
    message = BytesHeaderParser(policy=email_policy.default).parsebytes(raw)
    domains: list[str] = []
    for value in message.get_all("From") or []:
        try:
            domains += [a.domain.lower() for a in value.addresses if a.domain]
        except (AttributeError, ValueError):  # a header the parser could not read as addresses
            continue
    return domains


def _find_record(domain: str, dns: VerdictDns) -> tuple[str | None, list[str]]:
    org = organizational_domain(domain)
    for name in dict.fromkeys([domain, org]):
        txts = [t for t in dns.txt(f"_dmarc.{name}") or [] if t.lower().startswith("v=dmarc1")]
        if txts:
            return name, txts
    return None, []


def check_dmarc(
    raw: bytes, dkim: Sequence[DkimVerdict], spf: SpfVerdict | None, dns: VerdictDns
) -> DmarcVerdict:
    """Evaluate DMARC for the message from the computed DKIM and SPF verdicts."""
    domains = list(dict.fromkeys(from_domains(raw)))
    if len(domains) != 1:
        why = (
            tr("no From address with a domain")
            if not domains
            else tr("From has {count} domains", count=len(domains))
        )
        return DmarcVerdict("permerror", None, tr("{why}: DMARC cannot be applied (RFC 7489 6.6.1)", why=why))
    from_domain = domains[0]
    record_domain, txts = _find_record(from_domain, dns)
    if not txts:
        return DmarcVerdict(
            "none",
            from_domain,
            tr("no DMARC record at _dmarc.{domain} nor at its organisational domain", domain=from_domain),
        )
    if len(txts) > 1:
        return DmarcVerdict(
            "permerror",
            from_domain,
            tr("_dmarc.{domain} has {count} DMARC records", domain=record_domain, count=len(txts)),
        )
    record = parse_dmarc(txts[0])
    if record.policy not in {"none", "quarantine", "reject"}:
        return DmarcVerdict(
            "permerror",
            from_domain,
            "; ".join(record.problems) or tr("invalid record"),
            record_domain,
            record=record,
        )
    policy = record.policy if record_domain == from_domain else (record.subdomain_policy or record.policy)
    dkim_ok = tuple(
        v.domain for v in dkim if v.result == "pass" and aligned(v.domain, from_domain, record.adkim)
    )
    spf_ok = (
        spf.domain
        if spf and spf.result == "pass" and spf.domain and aligned(spf.domain, from_domain, record.aspf)
        else None
    )
    base = DmarcVerdict(
        "fail",
        from_domain,
        "",
        record_domain=record_domain,
        policy=policy,
        pct=record.pct,
        dkim_aligned=dkim_ok,
        spf_aligned=spf_ok,
        record=record,
    )
    if dkim_ok or spf_ok:
        via = [f"DKIM d={d}" for d in dkim_ok] + ([f"SPF {spf_ok}"] if spf_ok else [])
        return replace(
            base,
            result="pass",
            reason=tr("From {domain} aligned with {via}", domain=from_domain, via=tr(" and ").join(via)),
            disposition="none",
        )
    return replace(
        base,
        reason=_fail_reason(from_domain, dkim, spf, record),
        disposition=_disposition(policy, record.pct),
    )


def _fail_reason(
    from_domain: str, dkim: Sequence[DkimVerdict], spf: SpfVerdict | None, record: DmarcRecord
) -> str:
    parts = []
    passing = [v.domain for v in dkim if v.result == "pass"]
    if passing:
        names = ", ".join(passing)
        parts.append(
            tr(
                "DKIM passed only for d={passing}, which is not strictly aligned with {domain}",
                passing=names,
                domain=from_domain,
            )
            if record.adkim == "s"
            else tr(
                "DKIM passed only for d={passing}, which is not aligned with {domain}",
                passing=names,
                domain=from_domain,
            )
        )
    else:
        parts.append(tr("no DKIM signature passed"))
    if spf and spf.result == "pass" and spf.domain:
        parts.append(
            tr("SPF passed for {spf}, not aligned with {domain}", spf=spf.domain, domain=from_domain)
        )
    else:
        parts.append(f"SPF {spf.result}" if spf else "SPF " + tr("not checked"))  # the result is a keyword
    return tr(
        "{parts}: sign with d={domain} (or its organisational domain) to align",
        parts=tr("; ").join(parts),
        domain=from_domain,
    )


def _disposition(policy: str | None, pct: int) -> str:
    policy = policy or "none"
    if pct >= 100 or policy == "none":
        return policy
    return tr(
        "{policy} for {pct}% of failing mail, {weaker} for the rest (pct={pct})",
        policy=policy,
        pct=pct,
        weaker=_WEAKER[policy],
    )
