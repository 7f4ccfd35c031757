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
from mailtui.diagnostics.dns_findings import Finding, Level, Lookups

USAGES = {
    0: "PKIX-TA: a CA in the chain, also checked against public CAs (not used for SMTP, RFC 7672)",
    1: "PKIX-EE: the server certificate, also checked against public CAs (not used for SMTP, RFC 7672)",
    2: "DANE-TA: a trust anchor (your own CA) that issued the server certificate",
    3: "DANE-EE: the server's own certificate or key, names and dates not checked",
}
SELECTORS = {0: "the full certificate", 1: "the public key (SubjectPublicKeyInfo)"}
MATCHING = {0: "exact data", 1: "SHA-256 digest", 2: "SHA-512 digest"}
_DIGEST_LENGTH = {1: 32, 2: 64}


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
    parts = [
        USAGES.get(usage, f"usage {usage} is unknown"),
        "matching " + SELECTORS.get(selector, f"unknown selector {selector}"),
        "by " + MATCHING.get(mtype, f"unknown matching type {mtype}"),
    ]
    if usage in (0, 1):
        problems.append(
            f"usage {usage} ({USAGES[usage].split(':')[0]}) is unusable for SMTP: senders ignore it"
        )
    elif usage not in USAGES:
        problems.append(f"usage {usage} is not defined")
    if selector not in SELECTORS:
        problems.append(f"selector {selector} is not defined")
    if mtype not in MATCHING:
        problems.append(f"matching type {mtype} is not defined")
    elif mtype in _DIGEST_LENGTH and len(data) != _DIGEST_LENGTH[mtype]:
        problems.append(
            f"a {MATCHING[mtype]} is {_DIGEST_LENGTH[mtype]} bytes, this one is {len(data)}: it matches nothing"
        )
    return Tlsa(usage, selector, mtype, data.hex(), "; ".join(parts), tuple(problems))


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


_HOWTO = (
    "sign the zone with DNSSEC, then publish {name} TLSA 3 1 1 <SHA-256 of the server's public key> "
    "(openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum), "
    "and publish the new key's record before each certificate renewal"
)


def dane_findings(hosts: tuple[DaneHost, ...]) -> list[Finding]:
    out: list[Finding] = []
    for h in hosts:
        if h.error:
            out.append(Finding("dane", "warn", f"{h.name}: TLSA not checked: {h.error}"))
            continue
        if not h.records:
            out.append(
                Finding(
                    "dane",
                    "info",
                    f"no TLSA at {h.name}: no DANE for {h.host} (senders use MTA-STS or opportunistic TLS)",
                    _HOWTO.format(name=h.name),
                )
            )
            continue
        level: Level = "warn" if any(not r.problems for r in h.records) else "error"
        for r in h.records:
            for p in r.problems:
                text = f"{h.name} TLSA {r.usage} {r.selector} {r.mtype}: {p}"
                out.append(Finding("dane", level, text, _HOWTO.format(name=h.name)))
        if all(r.problems for r in h.records):
            out.append(
                Finding(
                    "dane",
                    "error",
                    f"{h.name}: no usable TLSA record: DANE senders will not deliver to {h.host}",
                    _HOWTO.format(name=h.name),
                )
            )
        if h.authenticated:
            out.append(
                Finding(
                    "dane",
                    "ok",
                    f"{h.name}: the resolver set the AD bit (DNSSEC-validated by the resolver; "
                    "mailtui does not validate DNSSEC itself)",
                )
            )
        else:
            out.append(
                Finding(
                    "dane",
                    "warn",
                    f"{h.name}: the answer has no AD bit: either the zone is not DNSSEC-signed (then "
                    "senders ignore the TLSA records) or this resolver does not validate; DNSSEC was "
                    "not checked here",
                    "sign the zone with DNSSEC (and ask through a validating resolver to see AD)",
                )
            )
    return out


def format_dane(hosts: tuple[DaneHost, ...]) -> list[str]:
    lines: list[str] = []
    for h in hosts:
        if not h.records:
            lines.append(f"  {h.name}: (no TLSA)" if not h.error else f"  {h.name}: not checked")
            continue
        ad = "AD bit set by the resolver" if h.authenticated else "no AD bit (DNSSEC not validated)"
        lines.append(f"  {h.name}: {ad}")
        for r in h.records:
            short = r.data if len(r.data) <= 64 else r.data[:64] + "..."
            lines.append(f"    {r.usage} {r.selector} {r.mtype} {short}")
            lines.append(f"      {r.meaning}")
    return lines
