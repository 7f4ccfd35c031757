"""The DMARC record (RFC 7489 6.3) of a domain, parsed, each tag explained for the admin.

`dns_check` reads `_dmarc.DOMAIN` and re-exports `parse_dmarc`; the verdicts use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailtui.core.i18n import tr


@dataclass(frozen=True)
class DmarcRecord:
    """A DMARC record (RFC 7489 6.3) with each tag explained for the admin."""

    raw: str
    tags: tuple[tuple[str, str], ...]
    policy: str | None  # p=
    subdomain_policy: str | None  # sp= (defaults to p=)
    pct: int  # pct= (default 100)
    rua: tuple[str, ...]
    ruf: tuple[str, ...]
    adkim: str  # "r" or "s"
    aspf: str
    explanations: tuple[tuple[str, str, str], ...]  # (tag, value, meaning)
    problems: tuple[str, ...]


_POLICIES = ("none", "quarantine", "reject")


def _policy_meaning(policy: str) -> str:
    if policy == "none":
        return tr("monitor only: failing mail is delivered as usual (reports are still sent)")
    if policy == "quarantine":
        return tr("failing mail goes to spam/quarantine")
    return tr("failing mail is rejected during the SMTP transaction")


def _alignment_meaning(mechanism: str, value: str) -> str:
    if value == "r":
        return tr("{mechanism} alignment relaxed: organisational domains must match", mechanism=mechanism)
    return tr("{mechanism} alignment strict: domains must match exactly", mechanism=mechanism)


def parse_dmarc(record: str) -> DmarcRecord:
    """Parse and explain a DMARC record; problems for missing/invalid tags. Never raises."""
    tags: list[tuple[str, str]] = []
    for item in record.split(";"):
        key, sep, value = item.partition("=")
        if sep:
            tags.append((key.strip().lower(), value.strip()))
    get = dict(reversed(tags)).get  # first occurrence wins
    problems: list[str] = []
    explanations: list[tuple[str, str, str]] = []
    if not tags or tags[0] != ("v", "DMARC1"):
        problems.append(tr("the record must start with v=DMARC1"))
    policy = (get("p") or "").lower() or None
    if policy is None:
        problems.append(tr("p= is missing: receivers treat the record as invalid (or as p=none with rua)"))
    elif policy not in _POLICIES:
        problems.append(tr("p={policy} is not none, quarantine or reject", policy=policy))
    else:
        explanations.append(("p", policy, _policy_meaning(policy)))
    sp = (get("sp") or "").lower() or None
    if sp in _POLICIES:
        explanations.append(("sp", sp, tr("for subdomains: {meaning}", meaning=_policy_meaning(sp))))
    elif sp:
        problems.append(tr("sp={policy} is not none, quarantine or reject", policy=sp))
    pct_text = get("pct") or "100"
    pct = int(pct_text) if pct_text.isdigit() and int(pct_text) <= 100 else 100
    if pct_text != str(pct):
        problems.append(tr("pct={pct} is not a number from 0 to 100", pct=pct_text))
    elif pct < 100:
        why = tr("the policy applies to {pct}% of failing mail; the rest gets the next lower policy", pct=pct)
        explanations.append(("pct", str(pct), why))
    rua = tuple(u.strip() for u in (get("rua") or "").split(",") if u.strip())
    ruf = tuple(u.strip() for u in (get("ruf") or "").split(",") if u.strip())
    if rua:
        explanations.append(("rua", ",".join(rua), tr("aggregate (daily XML) reports go there")))
    else:
        problems.append(tr("no rua=: nobody receives aggregate reports, so failures go unnoticed"))
    if ruf:
        why = tr("failure (forensic) reports go there; few receivers send them")
        explanations.append(("ruf", ",".join(ruf), why))
    for uri in rua + ruf:
        if not uri.lower().startswith(("mailto:", "https:")):
            problems.append(tr("report URI {uri} should be mailto:address", uri=uri))
    adkim, aspf = (get("adkim") or "r").lower(), (get("aspf") or "r").lower()
    for key, value in (("adkim", adkim), ("aspf", aspf)):
        if value in ("r", "s"):
            explanations.append((key, value, _alignment_meaning("DKIM" if key == "adkim" else "SPF", value)))
        else:
            problems.append(tr("{key}={value} is not r or s", key=key, value=value))
    return DmarcRecord(
        record,
        tuple(tags),
        policy,
        sp or policy,
        pct,
        rua,
        ruf,
        adkim,
        aspf,
        tuple(explanations),
        tuple(problems),
    )
