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
        out.append(Finding("problem", "smtpd_relay_restrictions", "OPEN RELAY: an outside client may relay: "
                           f"neither restriction list ends with reject_unauth_destination ({relay_restr!r}) "
                           "or mynetworks contains every address"))  # fmt: skip
    else:
        out.append(Finding("ok", "smtpd_relay_restrictions", f"not an open relay: {relay_restr}"))
    allowed = [p for p in ("permit_mynetworks", "permit_sasl_authenticated") if p in relay_restr]
    out.append(Finding("info", "mynetworks", f"clients trusted to relay: {' '.join(mynetworks) or '(none)'}"
                       + ("" if "permit_mynetworks" in relay_restr else " (but permit_mynetworks is not in smtpd_relay_restrictions)")))  # fmt: skip
    why = (
        "a client outside mynetworks that has not authenticated (SASL) gets 554 5.7.1 Relay access denied"
        if "reject_unauth_destination" in both
        else "a client outside mynetworks that has not authenticated gets 454 4.7.1 Relay access denied (defer_unauth_destination)"
    )
    out.append(
        Finding(
            "info", "Relay access denied", f"{why}; relaying is allowed by: {', '.join(allowed) or 'nothing'}"
        )
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
            text = f"{client_ip} is in mynetworks: it may relay"
        elif inside:
            text = f"{client_ip} is in mynetworks, but smtpd_relay_restrictions has no permit_mynetworks: it may not relay"
        else:
            text = f"{client_ip} is not in mynetworks: it may relay only after SASL authentication" + (
                ""
                if "permit_sasl_authenticated" in relay_restr
                else ", which smtpd_relay_restrictions does not permit either"
            )
        out.append(Finding("warning" if not inside else "ok", "mynetworks", text))
    relayhost = settings.get("relayhost", "")
    out.append(
        Finding(
            "info",
            "relayhost",
            f"outbound mail goes through {relayhost}"
            if relayhost
            else "outbound mail goes straight to each domain's MX (port 25)",
        )
    )
    out.append(Finding("info", "inet_interfaces", f"listening on: {settings.get('inet_interfaces', 'all')}"))
    out.append(
        Finding(
            "info",
            "myhostname",
            f"myhostname {settings.get('myhostname', '(system hostname)')}; mydestination {settings.get('mydestination', '$myhostname, localhost.$mydomain, localhost') or '(none)'}",
        )
    )
    limit = settings.get("message_size_limit", "10240000")
    mb = int(limit) / 1e6 if limit.isdigit() else 0
    out.append(
        Finding(
            "info",
            "message_size_limit",
            f"{limit} bytes (~{mb:.0f} MB), advertised as SIZE {limit} in EHLO"
            if limit != "0"
            else "no size limit (SIZE advertised without a number)",
        )
    )
    for name, side in (("smtpd_tls_security_level", "inbound"), ("smtp_tls_security_level", "outbound")):
        level = settings.get(name, "")
        if level in ("", "none"):
            out.append(
                Finding(
                    "warning", name, f"TLS is off for {side} mail (set it to 'may' and give a certificate)"
                )
            )
        else:
            out.append(Finding("ok", name, f"{side} TLS: {level}"))
    return out


def read_postconf(config_dir: str | None = None) -> dict[str, str]:
    """`postconf -n [-c DIR]` as a dict."""
    postconf = shutil.which("postconf") or shutil.which("postconf", path="/usr/sbin")
    if postconf is None:
        raise ServerError("postconf is not installed: is Postfix installed on this host?")
    cmd = [postconf, *(["-c", config_dir] if config_dir else []), "-n"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise ServerError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return parse_postconf(done.stdout)
