"""Reverse DNS of the MX hosts' addresses: the PTR names and whether they are forward-confirmed.

Receivers (and many blocklists) distrust a sending IP whose PTR is missing or whose PTR
name does not resolve back to that IP (FCrDNS). The MX hosts usually send too, so each of
their A/AAAA addresses is looked up here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import dns.reversename

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding, Lookups, shown

MAX_PTR_NAMES = 5  # a PTR set longer than this is unusual; the rest is not followed


@dataclass(frozen=True)
class AddressCheck:
    """One address of an MX host: its PTR names, and which of them resolve back to it."""

    address: str
    reverse_name: str  # 10.2.0.192.in-addr.arpa / the ip6.arpa nibble name
    ptr: tuple[str, ...]
    confirmed: tuple[str, ...]  # the PTR names whose A/AAAA include `address`
    forward_confirmed: bool  # one of the PTR names resolves back to `address`
    error: str = ""  # the lookup failed (SERVFAIL, REFUSED, timeout): not checked


def check_address(lookups: Lookups, address: str) -> AddressCheck:
    """PTR of `address`, then A/AAAA of each PTR name (forward confirmation). Never raises DnsError."""
    reverse = dns.reversename.from_address(address).to_text(omit_final_dot=True)
    failed = len(lookups.problems)
    try:
        answer = lookups.query(reverse, "PTR")
        if answer is None and len(lookups.problems) > failed:  # SERVFAIL or REFUSED, not "no PTR"
            if reverse.lower() in lookups.refused:
                why = tr("the nameserver refused to answer (REFUSED)")
            else:
                why = tr("the nameservers failed to answer (SERVFAIL)")
            return AddressCheck(address, reverse, (), (), False, why)
        names = [shown(r.target.to_text(omit_final_dot=True), 255) for r in answer or ()]
        confirmed = []
        for name in names[:MAX_PTR_NAMES]:
            if _same_address(address, lookups.addresses(name)):
                confirmed.append(name)
    except MailtuiError as exc:  # DnsError: one slow reverse zone must not stop the report
        return AddressCheck(address, reverse, (), (), False, exc.message)
    return AddressCheck(address, reverse, tuple(names), tuple(confirmed), bool(confirmed))


def _same_address(address: str, found: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ipaddress.ip_address(a) == ip for a in found)


def address_findings(host: str, check: AddressCheck) -> list[Finding]:
    """What the reverse DNS of one MX address means, with the fix."""
    ip = check.address
    if check.error:
        text = tr("{host} {ip}: reverse DNS not checked: {error}", host=host, ip=ip, error=check.error)
        return [Finding("mx", "warn", text)]
    if not check.ptr:
        return [
            Finding(
                "mx",
                "warn",
                tr(
                    "{host} {ip} has no reverse DNS (no PTR at {name}): many receivers reject or "
                    "down-rank mail sent from an address without one",
                    host=host,
                    ip=ip,
                    name=check.reverse_name,
                ),
                tr("ask whoever owns {ip} (your hosting or ISP) to set its PTR to {host}", ip=ip, host=host),
            )
        ]
    if not check.forward_confirmed:
        return [
            Finding(
                "mx",
                "warn",
                tr(
                    "{host} {ip}: PTR {names} is not forward-confirmed (that name has no A/AAAA record "
                    "with {ip}); receivers treat it like a missing PTR",
                    host=host,
                    ip=ip,
                    names=", ".join(check.ptr),
                ),
                tr(
                    "publish {name}. {rdtype} {ip}, or set the PTR to {host}",
                    name=check.ptr[0],
                    rdtype="AAAA" if ":" in ip else "A",
                    ip=ip,
                    host=host,
                ),
            )
        ]
    if host.lower() in (n.lower() for n in check.confirmed):
        text = tr("{host} {ip}: PTR {name}, forward-confirmed", host=host, ip=ip, name=check.confirmed[0])
    else:
        text = tr(
            "{host} {ip}: PTR {name}, forward-confirmed (not the MX name {host}; fine)",
            host=host,
            ip=ip,
            name=check.confirmed[0],
        )
    return [Finding("mx", "ok", text)]
