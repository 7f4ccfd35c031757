"""DNS checks of a mail domain with dnspython: the whole mail setup in one report.

MX (each host's A/AAAA and reverse DNS, `dns_mx`), SPF (expanded by `spf`), DMARC
(`dns_dmarc`), DKIM keys (`dns_dkim`), MTA-STS with its policy file (`mta_sts`), TLS-RPT
(`tls_rpt`), DANE TLSA (`dane`) and, when zones are given, DNS blocklists (`dnsbl`). Each
check returns `Finding`s that say what is wrong and what to publish.

`check_domain` asks the given nameservers (`--server IP[:PORT]`, used by the tests with a
local server) or the system resolver, with short timeouts. DNS that cannot be reached is
a `DnsError` with a message for the admin, never a traceback. Everything read from DNS is
untrusted text and sanitized before it is stored. The findings and problems are written in
the current language (`core.i18n`): a report for scripts (JSON) is built inside `language("en")`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.resolver

from mailtui.core.errors import EX_TEMPFAIL, EX_USAGE, MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.diagnostics.dane import DaneHost, check_dane, dane_findings
from mailtui.diagnostics.dns_dkim import DkimResult, check_dkim, dkim_findings
from mailtui.diagnostics.dns_dmarc import DmarcRecord, parse_dmarc
from mailtui.diagnostics.dns_findings import Finding
from mailtui.diagnostics.dns_fixes import dmarc_findings, mx_findings, spf_findings
from mailtui.diagnostics.dns_mx import AddressCheck, address_findings, check_address
from mailtui.diagnostics.dnsbl import (
    MAX_IPS,
    Listing,
    ZoneTest,
    check_blocklists,
    check_zones,
    dnsbl_findings,
    zone_findings,
)
from mailtui.diagnostics.mta_sts import (
    MtaStsResult,
    PolicyFetch,
    check_mta_sts,
    mta_sts_findings,
)
from mailtui.diagnostics.spf import SpfExpansion, expand_spf, is_spf
from mailtui.diagnostics.tls_rpt import TlsRptResult, check_tls_rpt, tls_rpt_findings

DEFAULT_TIMEOUT = 3.0
MAX_MX_ADDRESS_LOOKUPS = 10


class DnsError(MailtuiError):
    """DNS could not be asked at all (no nameserver answered, no resolver configured)."""

    title = "DNS error"
    exit_code = EX_TEMPFAIL


@dataclass(frozen=True)
class MxHost:
    """One MX record and the addresses of its host."""

    preference: int
    host: str
    addresses: tuple[str, ...]
    reverse: tuple[AddressCheck, ...] = ()  # PTR and forward confirmation of each address


@dataclass(frozen=True)
class DnsReport:
    """The result of `check_domain`."""

    domain: str
    servers: tuple[str, ...]
    mx: tuple[MxHost, ...]
    spf: SpfExpansion | None
    dmarc: DmarcRecord | None
    problems: tuple[str, ...]
    dkim: DkimResult | None = None
    mta_sts: MtaStsResult | None = None
    tls_rpt: TlsRptResult | None = None
    dane: tuple[DaneHost, ...] = ()
    blocklist_zones: tuple[str, ...] = ()
    blocklists: tuple[Listing, ...] = ()
    findings: tuple[Finding, ...] = ()  # every check's verdicts, with what to publish
    blocklist_tests: tuple[ZoneTest, ...] = ()  # each zone asked for its 127.0.0.2 test entry
    resolver: str = ""  # the nameserver(s) asked, as IP[:PORT] (the system's when not given)


def parse_server(text: str) -> tuple[str, int]:
    """ "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6 address -> (ip, port)."""
    text = text.strip()
    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        ipaddress.ip_address(host)
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError(port)
    except ValueError:
        raise MailtuiError(
            tr(
                "{text} is not a nameserver address; give IP or IP:PORT (like 127.0.0.1:5353 or [::1]:53)",
                text=repr(text),
            ),
            title="Bad --server",
            exit_code=EX_USAGE,
        ) from None
    return host, number


def make_resolver(servers: Sequence[str] = (), timeout: float = DEFAULT_TIMEOUT) -> dns.resolver.Resolver:
    """A resolver for the given servers (IP[:PORT]), else the system's; `timeout` per query."""
    if servers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(*parse_server(s)) for s in servers]
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            raise DnsError(
                tr(
                    "no nameserver is configured on this system (/etc/resolv.conf is empty or missing); "
                    "give one with --server IP"
                )
            ) from None
    resolver.timeout = timeout
    resolver.lifetime = timeout
    # AD in the query asks a validating resolver to say whether the answer is DNSSEC-authenticated.
    resolver.flags = dns.flags.RD | dns.flags.AD
    return resolver


class DnsLookups:
    """dnspython queries in the shape `spf.SpfLookups` wants, plus MX and addresses."""

    def __init__(self, resolver: dns.resolver.Resolver) -> None:
        self.resolver = resolver
        self.problems: list[str] = []
        self.nxdomain: set[str] = set()
        self.not_recursive: set[str] = set()  # NXDOMAIN names answered without RA
        self.refused: set[str] = set()  # names the server answered REFUSED

    def servers_text(self) -> str:
        names = []
        for ns in self.resolver.nameservers:  # plain address strings or Nameserver objects
            port = getattr(ns, "port", 53)
            names.append(str(getattr(ns, "address", ns)) + (f":{port}" if port != 53 else ""))
        return ", ".join(names) or "(none)"

    def query(self, name: str, rdtype: str) -> dns.resolver.Answer | None:
        """The answer, or None for NXDOMAIN / no data. Unreachable DNS raises DnsError."""
        try:
            return self.resolver.resolve(name, rdtype, search=False)
        except dns.resolver.NXDOMAIN as exc:
            self.nxdomain.add(name.lower())
            responses = exc.kwargs.get("responses", {}).values()
            if responses and not any(r.flags & dns.flags.RA for r in responses):
                self.not_recursive.add(name.lower())
            return None
        except dns.resolver.NoAnswer:
            return None
        except dns.exception.Timeout:
            raise DnsError(
                tr(
                    "DNS is unreachable: no answer from {servers} within {seconds}s (asking {rdtype} "
                    "{name}). Check the network, the firewall (UDP port 53) or pick another server "
                    "with --server IP",
                    servers=self.servers_text(),
                    seconds=f"{self.resolver.lifetime:g}",
                    rdtype=rdtype,
                    name=name,
                )
            ) from None
        except dns.resolver.NoNameservers as exc:
            if _all_unreachable(exc):
                raise DnsError(
                    tr(
                        "DNS is unreachable: {servers} refused the connection (asking {rdtype} {name}). "
                        "Is a nameserver running there? Pick another with --server IP",
                        servers=self.servers_text(),
                        rdtype=rdtype,
                        name=name,
                    )
                ) from None
            if _refused(exc):  # an authoritative-only server, or recursion not allowed for this client
                self.refused.add(name.lower())
                text = tr(
                    "{rdtype} {name}: {servers} refused to answer (REFUSED): it does not serve that name "
                    "(an authoritative-only server, or recursion not allowed for this client)",
                    rdtype=rdtype,
                    name=name,
                    servers=self.servers_text(),
                )
            else:
                text = tr(
                    "{rdtype} {name}: the nameservers failed to answer (SERVFAIL)", rdtype=rdtype, name=name
                )
            self.problems.append(text)
            return None
        except (dns.name.EmptyLabel, dns.name.LabelTooLong, dns.name.NameTooLong) as exc:
            self.problems.append(
                tr("{name} is not a valid DNS name ({error})", name=repr(name), error=type(exc).__name__)
            )
            return None

    def txt(self, name: str) -> list[str] | None:
        answer = self.query(name, "TXT")
        if answer is None:
            return None
        return [clean_line(b"".join(r.strings).decode("utf-8", "replace")) for r in answer]

    def exists(self, name: str) -> bool | None:
        return True if self.query(name, "A") is not None else None

    def mx(self, name: str) -> list[tuple[int, str]]:
        answer = self.query(name, "MX")
        if answer is None:
            return []
        return sorted(
            (int(r.preference), clean_line(r.exchange.to_text(omit_final_dot=True))) for r in answer
        )

    def mx_hosts(self, name: str) -> list[str]:
        return [host for _, host in self.mx(name)]

    def addresses(self, name: str) -> list[str]:
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            answer = self.query(name, rdtype)
            found += [r.to_text() for r in answer or ()]
        return found


CONTROL_NAMES = ((".", "NS"), ("example.com", "A"))  # answered by every working resolver


ResolverState = Literal["working", "broken", "authoritative"]


def _resolver_state(lookups: DnsLookups, domain: str) -> ResolverState:
    """How the server that said NXDOMAIN for `domain` answers the control names (root NS, a
    well-known name): "working" when one resolves; else "authoritative" when it is no recursive
    resolver (its NXDOMAIN came without RA, or it REFUSED a control name: an authoritative-only
    server answers nothing outside its zones and is fine), else "broken"."""
    refused = False
    for name, rdtype in CONTROL_NAMES:
        try:
            if lookups.resolver.resolve(name, rdtype, search=False) is not None:
                return "working"
        except dns.resolver.NoNameservers as exc:
            refused = refused or _refused(exc)
        except dns.exception.DNSException:
            continue
    return "authoritative" if refused or domain in lookups.not_recursive else "broken"


def _refused(exc: dns.resolver.NoNameservers) -> bool:
    """True when a nameserver answered REFUSED (it does not serve the name for us)."""
    return any(
        isinstance(e[4], dns.message.Message) and e[4].rcode() == dns.rcode.REFUSED
        for e in exc.kwargs.get("errors") or []
    )


def _all_unreachable(exc: dns.resolver.NoNameservers) -> bool:
    """True when every nameserver failed at the transport level (refused, unreachable)."""
    errors = exc.kwargs.get("errors") or []
    return bool(errors) and all(isinstance(e[3], OSError | EOFError) for e in errors)


def check_domain(
    domain: str,
    servers: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    *,
    dkim_selectors: Sequence[str] = (),
    blocklists: Sequence[str] = (),
    blocklist_ips: Sequence[str] = (),
    policy_fetch: PolicyFetch | None = None,
) -> DnsReport:
    """The mail DNS of `domain`: MX (addresses, reverse DNS), SPF, DMARC, DKIM, MTA-STS, TLS-RPT,
    DANE, and blocklists (`blocklist_ips`, else the MX addresses, in each of `blocklists`)."""
    domain = domain.strip().rstrip(".").lower()
    if not domain or " " in domain:
        raise MailtuiError(
            tr("{domain} is not a domain name", domain=repr(domain)), title="Bad domain", exit_code=EX_USAGE
        )
    given_ips = [_checked_ip(ip) for ip in blocklist_ips]
    lookups = DnsLookups(make_resolver(servers, timeout))
    problems: list[str] = []
    kinds: dict[str, str] = {}  # problem text -> what it is, for the fixes (the text is translated)

    def problem(kind: str, text: str) -> None:
        problems.append(text)
        kinds[text] = kind

    findings: list[Finding] = []
    mx_records = lookups.mx(domain)
    hosts = []
    for i, (pref, host) in enumerate(mx_records):
        addrs = lookups.addresses(host) if i < MAX_MX_ADDRESS_LOOKUPS and host else []
        reverse = tuple(check_address(lookups, a) for a in addrs)
        for check in reverse:
            findings += address_findings(host, check)
        hosts.append(MxHost(pref, host, tuple(addrs), reverse))
        if host in {"", "."} and len(mx_records) == 1:
            problems.append(tr("{domain} has a null MX (RFC 7505): it accepts no mail", domain=domain))
        elif not addrs and i < MAX_MX_ADDRESS_LOOKUPS:
            text = tr("MX host {host} has no A/AAAA record: mail cannot be delivered to it", host=host)
            problem("mx-host-no-address " + host, text)
    if domain in lookups.nxdomain:
        problem("nxdomain", _nxdomain_problem(lookups, domain, servers))
    elif not mx_records:
        problem(
            "no-mx", tr("{domain} has no MX record: senders fall back to its A/AAAA record", domain=domain)
        )
    txts = lookups.txt(domain) or []
    spf = expand_spf(domain, lookups) if any(is_spf(t) for t in txts) else None
    if spf is None:
        problem("no-spf", tr("{domain} publishes no SPF record", domain=domain))
    dmarc_txts = [t for t in lookups.txt(f"_dmarc.{domain}") or [] if t.lower().startswith("v=dmarc1")]
    dmarc = parse_dmarc(dmarc_txts[0]) if len(dmarc_txts) == 1 else None
    if not dmarc_txts:
        text = tr("_dmarc.{domain} has no DMARC record: receivers apply no DMARC policy", domain=domain)
        problem("no-dmarc", text)
    elif len(dmarc_txts) > 1:
        text = tr(
            "_dmarc.{domain} has {count} DMARC records: receivers ignore them all",
            domain=domain,
            count=len(dmarc_txts),
        )
        problem("many-dmarc", text)
    tagged = [(kinds.get(p, ""), p) for p in problems]
    findings += mx_findings(domain, tagged) + spf_findings(domain, spf, tagged)
    findings += dmarc_findings(
        domain, dmarc.policy if dmarc else None, dmarc.problems if dmarc else (), tagged
    )
    mx_hosts = [h.host for h in hosts[:MAX_MX_ADDRESS_LOOKUPS] if h.host not in {"", "."}]
    dkim = check_dkim(lookups, domain, dkim_selectors)
    findings += dkim_findings(dkim)
    sts = check_mta_sts(lookups, domain, mx_hosts, policy_fetch or PolicyFetch(timeout=max(timeout, 1.0)))
    findings += mta_sts_findings(sts)
    dane = check_dane(lookups, mx_hosts)
    findings += dane_findings(dane)
    rpt = check_tls_rpt(lookups, domain)
    findings += tls_rpt_findings(rpt, bool(sts.records) or any(h.records for h in dane))
    zones = tuple(dict.fromkeys(z.strip().rstrip(".").lower() for z in blocklists if z.strip()))
    ips = given_ips or [a for h in hosts for a in h.addresses]
    listings = check_blocklists(lookups, ips, zones) if zones else ()
    zone_tests = check_zones(lookups, zones)
    findings += zone_findings(zone_tests) + dnsbl_findings(listings, zones)
    if zones and len(set(ips)) > MAX_IPS:
        findings.append(
            Finding(
                "dnsbl",
                "info",
                tr(
                    "only the first {limit} of {count} addresses were looked up",
                    limit=MAX_IPS,
                    count=len(set(ips)),
                ),
            )
        )
    problems += lookups.problems
    asked = tuple(f"{h}:{p}" if p != 53 else h for h, p in (parse_server(s) for s in servers))
    return DnsReport(
        domain,
        asked,
        tuple(hosts),
        spf,
        dmarc,
        tuple(dict.fromkeys(problems)),
        dkim,
        sts,
        rpt,
        dane,
        zones,
        listings,
        tuple(findings),
        zone_tests,
        resolver=lookups.servers_text(),
    )


def _nxdomain_problem(lookups: DnsLookups, domain: str, servers: Sequence[str]) -> str:
    """What an NXDOMAIN for `domain` means, by how the server answers the control names."""
    if servers:
        where = ", ".join(servers)
    else:
        where = tr("the system resolver {servers}", servers=lookups.servers_text())
    state = _resolver_state(lookups, domain)
    if state == "broken":
        return tr(
            "{domain} does not exist in DNS (NXDOMAIN from {where}), but neither do the root zone's NS "
            "nor a well-known name: the resolver itself is answering nothing useful (no network, or a "
            "captive or broken resolver); try another with --server IP",
            domain=domain,
            where=where,
        )
    if state == "authoritative":
        return tr(
            "{domain} does not exist in DNS (NXDOMAIN from {where}): check the spelling, and that {where} "
            "serves the zone of {domain}. It is not a recursive resolver (it answers only for its own "
            "zones); for names elsewhere ask a resolver with --server IP",
            domain=domain,
            where=where,
        )
    return tr(
        "{domain} does not exist in DNS (NXDOMAIN from {where}): check the spelling",
        domain=domain,
        where=where,
    )


def _checked_ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise MailtuiError(
            tr(
                "{text} is not an IP address; give --blocklist-ip like 192.0.2.25 or 2001:db8::25",
                text=repr(text),
            ),
            title="Bad --blocklist-ip",
            exit_code=EX_USAGE,
        ) from None


# The plain-text report lives in dns_format; callers import it from here, with check_domain.
from mailtui.diagnostics.dns_format import format_report as format_report  # noqa: E402
