"""The one resolver of the verdicts: every DNS query of DKIM, ARC, SPF and DMARC goes here.

`dns_server` is HOST[:PORT] (an IP, "[IPv6]:PORT", or a host name resolved once by the
system); empty means the system resolver. Lookups keep what they saw per name, so a DKIM
verdict can say "no key at s._domainkey.d" rather than a bare "fail".
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Literal

import dns.exception
import dns.resolver

from mailtui.core.errors import EX_USAGE, MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_check import DEFAULT_TIMEOUT, DnsError, DnsLookups, make_resolver

TxtState = Literal["found", "nxdomain", "empty", "error"]


def server_address(dns_server: str) -> str:
    """HOST[:PORT] -> "IP[:PORT]" as `dns_check.make_resolver` takes it (names resolved once)."""
    text = dns_server.strip()
    if not text:
        return ""
    host, port = text, ""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        try:
            ip = ipaddress.ip_address(socket.getaddrinfo(host, None)[0][4][0])
        except (OSError, ValueError, IndexError):
            raise MailtuiError(
                f"dns_server {text!r}: cannot resolve {host!r}; give HOST[:PORT] like 127.0.0.1:5353",
                title="Bad dns_server",
                exit_code=EX_USAGE,
            ) from None
    if not port:
        return str(ip)
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


class VerdictDns(DnsLookups):
    """dnspython lookups for SPF (the `SpfLookups` shape) plus raw TXT for dkimpy."""

    def __init__(self, dns_server: str = "", timeout: float = DEFAULT_TIMEOUT) -> None:
        address = server_address(dns_server)
        super().__init__(make_resolver([address] if address else [], timeout))
        self.server = address or tr("the system resolver")
        self.txt_state: dict[str, TxtState] = {}
        self.txt_seen: dict[str, bytes] = {}

    def dkim_txt(self, name: bytes | str, timeout: float = DEFAULT_TIMEOUT) -> bytes | None:
        """dkimpy's `dnsfunc`: the first TXT at `name` as bytes, None when there is none."""
        text = (name.decode("ascii", "replace") if isinstance(name, bytes) else name).rstrip(".").lower()
        try:
            answer = self.resolver.resolve(text, "TXT", search=False)
        except dns.resolver.NXDOMAIN:
            self.txt_state[text] = "nxdomain"
            return None
        except dns.resolver.NoAnswer:
            self.txt_state[text] = "empty"
            return None
        except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
            self.txt_state[text] = "error"
            raise DnsError(
                tr(
                    "DNS failed asking TXT {name} of {server}: {error}",
                    name=text,
                    server=self.server,
                    error=type(exc).__name__,
                )
            ) from None
        value = b"".join(next(iter(answer)).strings)
        self.txt_state[text] = "found"
        self.txt_seen[text] = value
        return value
