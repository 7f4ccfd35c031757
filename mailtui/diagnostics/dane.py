"""DANE for SMTP (RFC 7672): the TLSA records at `_25._tcp.MX` of each MX host, explained.

Senders use TLSA only when the answer is DNSSEC-validated. mailtui does not validate
DNSSEC itself: it asks with the AD flag set and reports whether the resolver said the
answer was authenticated (AD bit). That bit is only as trustworthy as the path to the
resolver (a validating resolver on this host or over a trusted link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dns.flags

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding, Level, Lookups

USAGES = {0: "PKIX-TA", 1: "PKIX-EE", 2: "DANE-TA", 3: "DANE-EE"}
SELECTORS = (0, 1)
MATCHING = (0, 1, 2)
_DIGEST_LENGTH = {1: 32, 2: 64}


def _usage(usage: int) -> str:
    """The certificate usage field in words (in the current language)."""
    if usage == 0:
        return tr("PKIX-TA: a CA in the chain, also checked against public CAs (not used for SMTP, RFC 7672)")
    if usage == 1:
        return tr(
            "PKIX-EE: the server certificate, also checked against public CAs (not used for SMTP, RFC 7672)"
        )
    if usage == 2:
        return tr("DANE-TA: a trust anchor (your own CA) that issued the server certificate")
    if usage == 3:
        return tr("DANE-EE: the server's own certificate or key, names and dates not checked")
    return tr("usage {usage} is unknown", usage=usage)


def _selector(selector: int) -> str:
    if selector == 0:
        return tr("matching the full certificate")
    if selector == 1:
        return tr("matching the public key (SubjectPublicKeyInfo)")
    return tr("matching unknown selector {selector}", selector=selector)


def _matching(mtype: int) -> str:
    if mtype == 0:
        return tr("exact data")
    if mtype == 1:
        return tr("SHA-256 digest")
    if mtype == 2:
        return tr("SHA-512 digest")
    return tr("unknown matching type {mtype}", mtype=mtype)


@dataclass(frozen=True)
class Tlsa:
    usage: int
    selector: int
    mtype: int
    data: str  # hex
    meaning: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class DaneHost:
    host: str
    name: str  # _25._tcp.host
    records: tuple[Tlsa, ...]
    authenticated: bool  # the resolver set the AD bit on the TLSA answer
    error: str = ""


def explain_tlsa(usage: int, selector: int, mtype: int, data: bytes) -> Tlsa:
    """One TLSA record's fields in words, with what is wrong with it for SMTP."""
    problems: list[str] = []
    meaning = tr(
        "{usage}; {selector}; by {matching}",
        usage=_usage(usage),
        selector=_selector(selector),
        matching=_matching(mtype),
    )
    if usage in (0, 1):
        problems.append(
            tr(
                "usage {usage} ({name}) is unusable for SMTP: senders ignore it",
                usage=usage,
                name=USAGES[usage],
            )
        )
    elif usage not in USAGES:
        problems.append(tr("usage {usage} is not defined", usage=usage))
    if selector not in SELECTORS:
        problems.append(tr("selector {selector} is not defined", selector=selector))
    if mtype not in MATCHING:
        problems.append(tr("matching type {mtype} is not defined", mtype=mtype))
    elif mtype in _DIGEST_LENGTH and len(data) != _DIGEST_LENGTH[mtype]:
        problems.append(
            tr(
                "a {matching} is {expected} bytes, this one is {size}: it matches nothing",
                matching=_matching(mtype),
                expected=_DIGEST_LENGTH[mtype],
                size=len(data),
            )
        )
    return Tlsa(usage, selector, mtype, data.hex(), meaning, tuple(problems))


def check_dane(lookups: Lookups, hosts: Sequence[str]) -> tuple[DaneHost, ...]:
    """TLSA of `_25._tcp.HOST` for each MX host, with the AD bit. Never raises DnsError."""
    out: list[DaneHost] = []
    for host in hosts:
        if not host or host == ".":
            continue
        name = f"_25._tcp.{host}"
        try:
            answer = lookups.query(name, "TLSA")
        except MailtuiError as exc:
            out.append(DaneHost(host, name, (), False, exc.message))
            continue
        if answer is None:
            out.append(DaneHost(host, name, (), False))
            continue
        records = tuple(
            explain_tlsa(int(r.usage), int(r.selector), int(r.mtype), bytes(r.cert)) for r in answer
        )
        out.append(DaneHost(host, name, records, bool(answer.response.flags & dns.flags.AD)))
    return tuple(out)


def _howto(name: str) -> str:
    return tr(
        "sign the zone with DNSSEC, then publish {name} TLSA 3 1 1 <SHA-256 of the server's public key> "
        "(openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum), "
        "and publish the new key's record before each certificate renewal",
        name=name,
    )


def dane_findings(hosts: tuple[DaneHost, ...]) -> list[Finding]:
    out: list[Finding] = []
    for h in hosts:
        if h.error:
            out.append(
                Finding("dane", "warn", tr("{name}: TLSA not checked: {error}", name=h.name, error=h.error))
            )
            continue
        if not h.records:
            out.append(
                Finding(
                    "dane",
                    "info",
                    tr(
                        "no TLSA at {name}: no DANE for {host} (senders use MTA-STS or opportunistic TLS)",
                        name=h.name,
                        host=h.host,
                    ),
                    _howto(h.name),
                )
            )
            continue
        level: Level = "warn" if any(not r.problems for r in h.records) else "error"
        for r in h.records:
            for p in r.problems:
                fields = f"{r.usage} {r.selector} {r.mtype}"
                text = tr("{name} TLSA {fields}: {problem}", name=h.name, fields=fields, problem=p)
                out.append(Finding("dane", level, text, _howto(h.name)))
        if all(r.problems for r in h.records):
            out.append(
                Finding(
                    "dane",
                    "error",
                    tr(
                        "{name}: no usable TLSA record: DANE senders will not deliver to {host}",
                        name=h.name,
                        host=h.host,
                    ),
                    _howto(h.name),
                )
            )
        if h.authenticated:
            out.append(
                Finding(
                    "dane",
                    "ok",
                    tr(
                        "{name}: the resolver set the AD bit (DNSSEC-validated by the resolver; "
                        "mailtui does not validate DNSSEC itself)",
                        name=h.name,
                    ),
                )
            )
        else:
            out.append(
                Finding(
                    "dane",
                    "warn",
                    tr(
                        "{name}: the answer has no AD bit: either the zone is not DNSSEC-signed (then "
                        "senders ignore the TLSA records) or this resolver does not validate; DNSSEC was "
                        "not checked here",
                        name=h.name,
                    ),
                    tr("sign the zone with DNSSEC (and ask through a validating resolver to see AD)"),
                )
            )
    return out


def format_dane(hosts: tuple[DaneHost, ...]) -> list[str]:
    lines: list[str] = []
    for h in hosts:
        if not h.records:
            lines.append(f"  {h.name}: " + (tr("(no TLSA)") if not h.error else tr("not checked")))
            continue
        ad = tr("AD bit set by the resolver") if h.authenticated else tr("no AD bit (DNSSEC not validated)")
        lines.append(f"  {h.name}: {ad}")
        for r in h.records:
            short = r.data if len(r.data) <= 64 else r.data[:64] + "..."
            lines.append(f"    {r.usage} {r.selector} {r.mtype} {short}")
            lines.append(f"      {r.meaning}")
    return lines
