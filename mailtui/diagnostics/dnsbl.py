"""DNS blocklist (DNSBL, RFC 5782) lookups of mail server addresses.

An IPv4 address is asked as its reversed octets under the zone (192.0.2.10 ->
10.2.0.192.zone), an IPv6 address as its 32 reversed nibbles. An A answer in 127.0.0.0/8
means listed (the last octet says why, per list); NXDOMAIN means not listed; the TXT at
the same name usually gives the reason and a removal link. Off unless zones are given:
blocklists have usage terms, and some refuse queries from public resolvers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding, Lookups, shown


def _spamhaus() -> dict[str, str]:
    """What 127.0.0.x means in the Spamhaus lists (in the current language)."""
    return {
        "127.0.0.2": tr("SBL: a known spam source"),
        "127.0.0.3": tr("SBL CSS: snowshoe spam / low-reputation sender"),
        "127.0.0.4": tr("XBL: the address is infected or exploited (botnet, open proxy)"),
        "127.0.0.5": "XBL",
        "127.0.0.6": "XBL",
        "127.0.0.7": "XBL",
        "127.0.0.9": tr("DROP: a hijacked or criminal network"),
        "127.0.0.10": tr("PBL (ISP): an end-user address that should not send mail directly"),
        "127.0.0.11": tr("PBL (Spamhaus): an end-user address that should not send mail directly"),
        "127.255.255.252": tr("error: the query was malformed (typing error in the zone?)"),
        "127.255.255.254": tr(
            "error: Spamhaus refuses queries through public resolvers; use your own resolver"
        ),
        "127.255.255.255": tr("error: too many queries from this resolver (rate limited)"),
    }


# What 127.0.0.x means for lists that document it; other lists: "listed".
MEANINGS = {"zen.spamhaus.org": _spamhaus, "sbl.spamhaus.org": _spamhaus, "xbl.spamhaus.org": _spamhaus,
            "pbl.spamhaus.org": _spamhaus}  # fmt: skip
MAX_IPS = 10


@dataclass(frozen=True)
class Listing:
    ip: str
    zone: str
    query: str  # the name asked
    listed: bool
    answers: tuple[str, ...]  # A records
    meanings: tuple[str, ...]
    reason: str  # the TXT, cleaned
    error: str = ""  # the lookup failed, or the answer is not a blocklist answer


def query_name(ip: str, zone: str) -> str:
    """The DNSBL name of `ip` in `zone`: reversed octets (IPv4) or reversed nibbles (IPv6)."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 4:
        labels = str(addr).split(".")[::-1]
    else:
        labels = list(addr.exploded.replace(":", ""))[::-1]
    return ".".join(labels) + "." + zone.strip().rstrip(".").lower()


def explain_answer(zone: str, answer: str) -> str:
    """What one A answer of a blocklist means."""
    table = MEANINGS.get(zone.lower())
    known = table() if table else {}
    if answer in known:
        return known[answer]
    try:
        in_loopback = ipaddress.ip_address(answer) in ipaddress.ip_network("127.0.0.0/8")
    except ValueError:
        in_loopback = False
    if not in_loopback:
        return tr("not a blocklist answer (outside 127.0.0.0/8): the resolver may rewrite NXDOMAIN")
    if answer.startswith("127.255.255."):
        return tr("an error code of the list (query refused or rate limited), not a listing")
    code = answer.rsplit(".", 1)[-1]
    if code == "2":
        return tr(
            "listed: 127.0.0.2 is the list's reason code (the usual plain 'listed'); the list's website "
            "explains each code"
        )
    return tr(
        "listed: 127.0.0.{code} is the list's reason code; the list's website explains each code", code=code
    )


def _is_listing(answer: str) -> bool:
    try:
        ip = ipaddress.ip_address(answer)
    except ValueError:
        return False
    return ip in ipaddress.ip_network("127.0.0.0/8") and not answer.startswith("127.255.255.")


def check_blocklists(lookups: Lookups, ips: Sequence[str], zones: Sequence[str]) -> tuple[Listing, ...]:
    """Every IP in every zone. Never raises DnsError (a failed lookup is the Listing's error)."""
    out: list[Listing] = []
    for ip in list(dict.fromkeys(ips))[:MAX_IPS]:
        for zone in dict.fromkeys(z.strip().rstrip(".").lower() for z in zones if z.strip()):
            name = query_name(ip, zone)
            try:
                answer = lookups.query(name, "A")
                answers = tuple(r.to_text() for r in answer or ())
                reason = ""
                if answers:
                    reason = " ".join(lookups.txt(name) or [])
            except MailtuiError as exc:
                out.append(Listing(ip, zone, name, False, (), (), "", exc.message))
                continue
            listed = any(_is_listing(a) for a in answers)
            error = "" if listed or not answers else "; ".join(explain_answer(zone, a) for a in answers)
            out.append(
                Listing(
                    ip,
                    zone,
                    name,
                    listed,
                    answers,
                    tuple(explain_answer(zone, a) for a in answers),
                    shown(reason, 300),
                    error,
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class ZoneTest:
    """RFC 5782 5: a working list answers for 127.0.0.2 (its test entry)."""

    zone: str
    works: bool
    note: str


def check_zones(lookups: Lookups, zones: Sequence[str]) -> tuple[ZoneTest, ...]:
    """Ask each zone for its test entry 127.0.0.2, so a dead or refusing zone is not read as 'clean'."""
    out: list[ZoneTest] = []
    for zone in dict.fromkeys(z.strip().rstrip(".").lower() for z in zones if z.strip()):
        name = query_name("127.0.0.2", zone)
        try:
            answers = [r.to_text() for r in lookups.query(name, "A") or ()]
        except MailtuiError as exc:
            out.append(ZoneTest(zone, False, exc.message))
            continue
        if any(_is_listing(a) for a in answers):
            out.append(ZoneTest(zone, True, ""))
        elif answers:
            out.append(ZoneTest(zone, False, "; ".join(explain_answer(zone, a) for a in answers)))
        else:
            out.append(ZoneTest(zone, False, tr("no answer for the test entry")))
    return tuple(out)


def zone_findings(tests: tuple[ZoneTest, ...]) -> list[Finding]:
    return [
        Finding(
            "dnsbl",
            "warn",
            tr(
                "{zone} did not list its test address 127.0.0.2 (RFC 5782) ({note}): the zone may be gone, "
                "misspelt or refusing this resolver, so its 'not listed' answers mean nothing",
                zone=t.zone,
                note=t.note,
            ),
            tr("check the zone name on the list's website, or ask through your own resolver (--server)"),
        )
        for t in tests
        if not t.works
    ]


def dnsbl_findings(listings: tuple[Listing, ...], zones: Sequence[str]) -> list[Finding]:
    if not zones:
        return [
            Finding(
                "dnsbl",
                "info",
                tr(
                    "blocklists not checked (off by default): give --blocklist ZONE or set "
                    '[diagnostics] blocklists = ["zen.spamhaus.org"] (mind each list\'s usage terms)'
                ),
            )
        ]
    out: list[Finding] = []
    for item in listings:
        if item.listed:
            text = tr(
                "{ip} is listed in {zone} ({answers}: {why}).",
                ip=item.ip,
                zone=item.zone,
                answers=", ".join(item.answers),
                why="; ".join(item.meanings),
            )
            if item.reason:
                text += tr(" Reason: {reason}", reason=item.reason)
            fix = tr(
                "find and stop the cause (open relay, compromised account, infected host), then request "
                "removal on {zone}'s website",
                zone=item.zone,
            )
            out.append(Finding("dnsbl", "error", text, fix))
        elif item.error:
            text = tr("{ip} in {zone}: {error}", ip=item.ip, zone=item.zone, error=item.error)
            out.append(Finding("dnsbl", "warn", text))
        else:
            out.append(Finding("dnsbl", "ok", tr("{ip} is not listed in {zone}", ip=item.ip, zone=item.zone)))
    return out


def format_dnsbl(listings: tuple[Listing, ...]) -> list[str]:
    lines = []
    for item in listings:
        if item.listed:
            state = tr("LISTED {answers}", answers=", ".join(item.answers))
        else:
            state = tr("error") if item.error else tr("not listed")
        lines.append(
            "  "
            + tr("{ip} in {zone}: {state}", ip=item.ip, zone=item.zone, state=state)
            + f"  ({item.query})"
        )
        if item.reason:
            lines.append("    " + tr("reason: {reason}", reason=item.reason))
    return lines or ["  " + tr("(not checked)")]
