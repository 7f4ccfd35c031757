"""SPF (RFC 7208 check_host) for the IP that handed the message to the first hop we trust.

The handing IP comes from the Received chain: walking down from the newest header, hops
written by a trusted host (`trusted_hosts`: names, `.suffix`, IPs or CIDRs; with none
given, the topmost header's writer and private/loopback hand-offs) are ours; the first
client outside them is the one SPF judges. The record is evaluated with our own parser
(`diagnostics.spf`), so the path through include:/redirect= can be shown.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mailtui.core.errors import MailtuiError
from mailtui.core.headers.received import Received, parse_received
from mailtui.core.i18n import tr
from mailtui.diagnostics.spf import LOOKUP_LIMIT, SpfLookups, SpfTerm, is_spf, parse_spf

SpfResult = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
_QUALIFIERS: dict[str, SpfResult] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class HandingHop:
    """Who handed the message to our first trusted hop, read from one Received header."""

    ip: str | None
    helo: str | None
    rdns: str | None
    by_host: str | None
    header_index: int  # 0 = topmost Received
    note: str


@dataclass(frozen=True)
class SpfVerdict:
    """check_host(ip, domain, sender): the result, the domain checked and the path that decided."""

    result: SpfResult
    ip: str | None
    domain: str | None
    sender: str | None
    reason: str
    path: tuple[str, ...] = ()
    lookups: int = 0


def _trusted(host: str | None, ip: str | None, trusted_hosts: Sequence[str]) -> bool:
    for entry in (t.strip().lower() for t in trusted_hosts if t.strip()):
        if ip:
            try:
                if ipaddress.ip_address(ip) in ipaddress.ip_network(entry, strict=False):
                    return True
                continue
            except ValueError:
                pass
        name = (host or "").lower().rstrip(".")
        if name and (name == entry.lstrip(".") or (entry.startswith(".") and name.endswith(entry))):
            return True
    return False


# Hand-offs inside the receiving host or LAN (content filters, internal relays). Not Python's
# is_private: that also covers the documentation ranges, which are public in every sense here.
_LAN = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


def _internal(ip: str | None) -> bool:
    try:
        addr = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(addr in net for net in _LAN if net.version == addr.version)


def handing_hop(received_values: Sequence[str], trusted_hosts: Sequence[str] = ()) -> HandingHop | None:
    """The client outside our trusted hosts that handed the message in (newest header first)."""
    parsed: list[Received] = [parse_received(v) for v in received_values]
    for index, rec in enumerate(parsed):
        ours = (
            _trusted(rec.by_host, None, trusted_hosts)
            if trusted_hosts
            else index == 0 or _internal_chain(parsed, index)
        )
        if not ours:
            break
        client_trusted = _trusted(rec.from_rdns or rec.from_helo, rec.from_ip, trusted_hosts) or (
            not trusted_hosts and _internal(rec.from_ip)
        )
        if client_trusted and index + 1 < len(parsed):
            continue
        note = tr(
            "Received #{number} from the top, written by {by}: client {ip}",
            number=index + 1,
            by=rec.by_host or "?",
            ip=rec.from_ip or tr("(no IP stated)"),
        ) + (f" helo={rec.from_helo}" if rec.from_helo else "")
        return HandingHop(rec.from_ip, rec.from_helo, rec.from_rdns, rec.by_host, index, note)
    return None


def _internal_chain(parsed: Sequence[Received], index: int) -> bool:
    """Without trusted_hosts: a header counts as ours when the one above got it over loopback/LAN."""
    return index > 0 and _internal(parsed[index - 1].from_ip)


class _Eval:
    def __init__(self, lookups: SpfLookups, ip: IpAddress, sender: str, helo: str) -> None:
        self.lookups, self.ip, self.sender, self.helo = lookups, ip, sender, helo
        self.count = 0
        self.void = 0
        self.path: list[str] = []

    def macro(self, text: str, domain: str) -> str:
        local, _, sender_domain = self.sender.rpartition("@")
        values = {
            "s": self.sender,
            "l": local or "postmaster",
            "o": sender_domain,
            "d": domain,
            "i": str(self.ip) if self.ip.version == 4 else ".".join(self.ip.exploded.replace(":", "")),
            "h": self.helo,
            "v": "in-addr" if self.ip.version == 4 else "ip6",
        }
        out, i = "", 0
        while i < len(text):
            if text.startswith("%{", i) and "}" in text[i:]:
                end = text.index("}", i)
                spec = text[i + 2 : end]
                out += values.get(spec[:1].lower(), "")
                i = end + 1
            elif text.startswith("%%", i):
                out, i = out + "%", i + 2
            elif text.startswith("%_", i):
                out, i = out + " ", i + 2
            elif text.startswith("%-", i):
                out, i = out + "%20", i + 2
            else:
                out, i = out + text[i], i + 1
        return out

    def check(self, domain: str, depth: int) -> tuple[SpfResult, str]:
        if depth > 10:
            return "permerror", tr("include/redirect nesting too deep (a loop?)")
        txts = self.lookups.txt(domain)
        records = [t for t in txts or [] if is_spf(t)]
        if not records:
            return "none", tr("{domain} publishes no SPF record", domain=domain)
        if len(records) > 1:
            return "permerror", tr(
                "{domain} publishes {count} SPF records (RFC 7208 4.5)", domain=domain, count=len(records)
            )
        record = parse_spf(records[0])
        if record.errors:
            return "permerror", f"{domain}: {record.errors[0]}"
        indent = "  " * depth
        for term in record.terms:
            if term.is_modifier:
                continue
            if term.counts_lookup:
                self.count += 1
                if self.count > LOOKUP_LIMIT:
                    return "permerror", tr(
                        "more than {limit} DNS lookups (RFC 7208 4.6.4)", limit=LOOKUP_LIMIT
                    )
            if term.name == "include":
                target = self.macro(term.value or "", domain)
                self.path.append(indent + tr("{domain}: {term} ->", domain=domain, term=term.raw))
                result, why = self.check(target, depth + 1)
                if result == "pass":
                    self.path.append(
                        indent + tr("{domain}: {term} matched (include passed)", domain=domain, term=term.raw)
                    )
                    return _QUALIFIERS[term.qualifier], tr("{term} in {domain}", term=term.raw, domain=domain)
                if result in {"permerror", "temperror"}:
                    return result, why
                if result == "none":
                    return "permerror", tr(
                        "include:{target} has no SPF record ({domain})", target=target, domain=domain
                    )
                continue
            if self.matches(term, domain):
                self.path.append(indent + tr("{domain}: {term} matched", domain=domain, term=term.raw))
                return _QUALIFIERS[term.qualifier], tr("{term} in {domain}", term=term.raw, domain=domain)
        redirect = record.redirect
        if redirect:
            self.count += 1
            target = self.macro(redirect, domain)
            self.path.append(indent + tr("{domain}: redirect={target} ->", domain=domain, target=target))
            result, why = self.check(target, depth + 1)
            return (
                ("permerror", tr("redirect={target} has no SPF record", target=target))
                if result == "none"
                else (result, why)
            )
        self.path.append(indent + tr("{domain}: nothing matched", domain=domain))
        return "neutral", tr("no mechanism of {domain} matched (default ?all)", domain=domain)

    def matches(self, term: SpfTerm, domain: str) -> bool:
        value = term.value or ""
        target, cidr4, cidr6 = _split_cidr(value, domain)
        target = self.macro(target, domain)
        if term.name == "all":
            return True
        if term.name in {"ip4", "ip6"}:
            try:
                return self.ip in ipaddress.ip_network(value, strict=False)
            except (ValueError, TypeError):
                return False
        if term.name == "a":
            return self._in(self.lookups.addresses(target), cidr4, cidr6)
        if term.name == "mx":
            return any(
                self._in(self.lookups.addresses(h), cidr4, cidr6) for h in self.lookups.mx_hosts(target)[:10]
            )
        if term.name == "exists":
            return bool(self.lookups.exists(target))
        return False  # ptr: deprecated (RFC 7208 5.5); not evaluated, never matches here

    def _in(self, addresses: Sequence[str], cidr4: int, cidr6: int) -> bool:
        for text in addresses:
            try:
                addr = ipaddress.ip_address(text)
            except ValueError:
                continue
            if addr.version != self.ip.version:
                continue
            bits = cidr4 if addr.version == 4 else cidr6
            if self.ip in ipaddress.ip_network(f"{addr}/{bits}", strict=False):
                return True
        return False


def _split_cidr(value: str, domain: str) -> tuple[str, int, int]:
    """ "host/24//64" -> ("host", 24, 64); an empty host is the current domain."""
    cidr4, cidr6 = 32, 128
    head, sep6, six = value.partition("//")
    if sep6 and six.isdigit():
        cidr6 = int(six)
    host, sep4, four = head.partition("/")
    if sep4 and four.isdigit():
        cidr4 = int(four)
    return host or domain, cidr4, cidr6


def check_spf(ip: str | None, sender: str | None, helo: str | None, lookups: SpfLookups) -> SpfVerdict:
    """check_host for `ip` and the MAIL FROM `sender` (its HELO name when the sender is empty)."""
    sender = (sender or "").strip().strip("<>")
    domain = sender.rpartition("@")[2].lower() if "@" in sender else (helo or "").lower().rstrip(".")
    if not ip:
        return SpfVerdict(
            "none", None, domain or None, sender or None, tr("no client IP in the Received chain")
        )
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return SpfVerdict(
            "none", ip, domain or None, sender or None, tr("{ip} is not an IP address", ip=repr(ip))
        )
    if not domain:
        return SpfVerdict(
            "none", ip, None, sender or None, tr("no envelope sender (Return-Path) nor HELO to check")
        )
    if not sender:
        sender = f"postmaster@{domain}"
    evaluation = _Eval(lookups, addr, sender, helo or "")
    try:
        result, why = evaluation.check(domain, 0)
    except MailtuiError as exc:  # DNS unreachable mid-evaluation: a temperror, as RFC 7208 says
        return SpfVerdict(
            "temperror", ip, domain, sender, tr("DNS failed: {error}", error=exc), tuple(evaluation.path)
        )
    return SpfVerdict(
        result,
        ip,
        domain,
        sender,
        _explain(result, ip, domain, why),
        tuple(evaluation.path),
        evaluation.count,
    )


def _explain(result: SpfResult, ip: str, domain: str, why: str) -> str:
    if result == "pass":
        return tr("{ip} is allowed to send for {domain} ({why})", ip=ip, domain=domain, why=why)
    if result == "fail":
        return tr(
            "{ip} is NOT allowed to send for {domain} ({why}): add it to the SPF record if it is yours",
            ip=ip,
            domain=domain,
            why=why,
        )
    if result == "softfail":
        return tr(
            "{ip} is probably not allowed for {domain} ({why}): add it to the SPF record if it is yours",
            ip=ip,
            domain=domain,
            why=why,
        )
    return why
