"""Relay checks: `postconf -n` (with `-c`) explained. (Port 25 of a domain's MX hosts is
`diagnostics/port25.py`, on the DNS lookups `mailtui dns` uses.)

`analyse_postconf` is pure (settings in, findings out); `read_postconf` does the I/O. Findings are written for an admin: open relay or not, why a client gets
"Relay access denied", the size limit, TLS off.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from mailtui.core.i18n import tr
from mailtui.server.errors import ServerError

__all__ = ["Finding", "analyse_postconf", "parse_postconf", "read_postconf"]

Level = Literal["ok", "info", "warning", "problem"]


@dataclass(frozen=True)
class Finding:
    level: Level
    setting: str
    text: str


def parse_postconf(text: str) -> dict[str, str]:
    """`postconf -n` lines ("name = value") as a dict."""
    out = {}
    for line in text.splitlines():
        name, sep, value = line.partition(" = ")
        if sep:
            out[name.strip()] = value.strip()
        elif line.rstrip().endswith(" ="):
            out[line.rstrip()[:-2].strip()] = ""
    return out


def _networks(value: str) -> list[str]:
    return [n for n in value.replace(",", " ").split() if n]


def analyse_postconf(settings: Mapping[str, str], client_ip: str | None = None) -> list[Finding]:
    """What these settings mean for relaying, size and TLS (defaults as Postfix 3.x has them)."""
    out: list[Finding] = []
    relay_restr = settings.get(
        "smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
    )
    rcpt_restr = settings.get("smtpd_recipient_restrictions", "")
    both = f"{relay_restr} {rcpt_restr}"
    mynetworks = _networks(settings.get("mynetworks", "127.0.0.0/8 [::1]/128"))
    guards = ("reject_unauth_destination", "defer_unauth_destination")
    open_relay = (
        not any(g in both for g in guards)
        or any(n in ("0.0.0.0/0", "::/0", "[::]/0") for n in mynetworks)
        and "permit_mynetworks" in both
    )
    if open_relay:
        out.append(Finding("problem", "smtpd_relay_restrictions", tr(
            "OPEN RELAY: an outside client may relay: neither restriction list ends with "
            "reject_unauth_destination ({restrictions}) or mynetworks contains every address",
            restrictions=repr(relay_restr))))  # fmt: skip
    else:
        out.append(
            Finding(
                "ok",
                "smtpd_relay_restrictions",
                tr("not an open relay: {restrictions}", restrictions=relay_restr),
            )
        )
    allowed = [p for p in ("permit_mynetworks", "permit_sasl_authenticated") if p in relay_restr]
    trusted = tr("clients trusted to relay: {networks}", networks=" ".join(mynetworks) or tr("(none)"))
    if "permit_mynetworks" not in relay_restr:
        trusted += tr(" (but permit_mynetworks is not in smtpd_relay_restrictions)")
    out.append(Finding("info", "mynetworks", trusted))
    why = (
        tr("a client outside mynetworks that has not authenticated (SASL) gets 554 5.7.1 Relay access denied")
        if "reject_unauth_destination" in both
        else tr("a client outside mynetworks that has not authenticated gets 454 4.7.1 Relay access denied "
                "(defer_unauth_destination)")
    )  # fmt: skip
    by = ", ".join(allowed) or tr("nothing")
    out.append(
        Finding("info", "Relay access denied", tr("{why}; relaying is allowed by: {by}", why=why, by=by))
    )
    if client_ip:
        try:
            ip = ipaddress.ip_address(client_ip)
            inside = any(
                ip in ipaddress.ip_network(n.strip("[]").replace("]/", "/"), strict=False)
                for n in mynetworks
                if "/" in n or n[0].isdigit()
            )
        except ValueError:
            inside = False
        if inside and "permit_mynetworks" in relay_restr:
            text = tr("{ip} is in mynetworks: it may relay", ip=client_ip)
        elif inside:
            text = tr("{ip} is in mynetworks, but smtpd_relay_restrictions has no permit_mynetworks: it may not relay",
                      ip=client_ip)  # fmt: skip
        elif "permit_sasl_authenticated" in relay_restr:
            text = tr("{ip} is not in mynetworks: it may relay only after SASL authentication", ip=client_ip)
        else:
            text = tr("{ip} is not in mynetworks: it may relay only after SASL authentication, which "
                      "smtpd_relay_restrictions does not permit either", ip=client_ip)  # fmt: skip
        out.append(Finding("warning" if not inside else "ok", "mynetworks", text))
    relayhost = settings.get("relayhost", "")
    out.append(
        Finding(
            "info",
            "relayhost",
            tr("outbound mail goes through {relayhost}", relayhost=relayhost)
            if relayhost
            else tr("outbound mail goes straight to each domain's MX (port 25)"),
        )
    )
    interfaces = settings.get("inet_interfaces", "all")
    out.append(Finding("info", "inet_interfaces", tr("listening on: {interfaces}", interfaces=interfaces)))
    out.append(
        Finding(
            "info",
            "myhostname",
            tr(
                "myhostname {hostname}; mydestination {destination}",
                hostname=settings.get("myhostname", tr("(system hostname)")),
                destination=settings.get("mydestination", "$myhostname, localhost.$mydomain, localhost")
                or tr("(none)"),
            ),
        )
    )
    limit = settings.get("message_size_limit", "10240000")
    mb = int(limit) / 1e6 if limit.isdigit() else 0
    out.append(
        Finding(
            "info",
            "message_size_limit",
            tr("{limit} bytes (~{mb} MB), advertised as SIZE {limit} in EHLO", limit=limit, mb=f"{mb:.0f}")
            if limit != "0"
            else tr("no size limit (SIZE advertised without a number)"),
        )
    )
    for name, inbound in (("smtpd_tls_security_level", True), ("smtp_tls_security_level", False)):
        level = settings.get(name, "")
        if level in ("", "none"):
            text = (
                tr("TLS is off for inbound mail (set it to 'may' and give a certificate)")
                if inbound
                else tr("TLS is off for outbound mail (set it to 'may' and give a certificate)")
            )
            out.append(Finding("warning", name, text))
        else:
            text = (
                tr("inbound TLS: {level}", level=level)
                if inbound
                else tr("outbound TLS: {level}", level=level)
            )
            out.append(Finding("ok", name, text))
    return out


def read_postconf(config_dir: str | None = None) -> dict[str, str]:
    """`postconf -n [-c DIR]` as a dict."""
    postconf = shutil.which("postconf") or shutil.which("postconf", path="/usr/sbin")
    if postconf is None:
        raise ServerError(tr("postconf is not installed: is Postfix installed on this host?"))
    cmd = [postconf, *(["-c", config_dir] if config_dir else []), "-n"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise ServerError(tr("{command} failed: {why}", command=" ".join(cmd), why=done.stderr.strip()))
    return parse_postconf(done.stdout)
