"""Is outbound port 25 open from here? Resolve a domain's MX hosts and try port 25 on each.

For `mailtui server check --domain`: a banner, a refusal or a time-out per MX address, and
a conclusion (every MX timing out while DNS answers is what a blocked port 25 looks like).
DNS goes through `dns_check`'s resolver and lookups, so `--dns-server` works as in `mailtui dns`.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from mailtui.diagnostics.dns_check import DnsLookups, make_resolver


@dataclass(frozen=True)
class MxProbe:
    host: str
    address: str
    port: int
    result: Literal["banner", "refused", "timed out", "error", "no address"]
    detail: str = ""


@dataclass
class MxReport:
    domain: str
    mx: list[str] = field(default_factory=list)
    probes: list[MxProbe] = field(default_factory=list)
    conclusion: str = ""


def _probe(host: str, address: str, port: int, timeout: float) -> MxProbe:
    try:
        with socket.create_connection((address, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            banner = sock.recv(512).decode("ascii", "replace").strip()
            sock.sendall(b"QUIT\r\n")
        return MxProbe(host, address, port, "banner", banner.splitlines()[0] if banner else "")
    except ConnectionRefusedError:
        return MxProbe(host, address, port, "refused")
    except TimeoutError:
        return MxProbe(host, address, port, "timed out")
    except OSError as exc:
        return MxProbe(host, address, port, "error", str(exc))


def check_mx_port25(
    domain: str, servers: Sequence[str] = (), timeout: float = 3.0, port: int = 25
) -> MxReport:
    """Resolve `domain`'s MX hosts and try `port` on each; conclude when outbound 25 looks blocked."""
    lookups = DnsLookups(make_resolver(servers, timeout))
    report = MxReport(domain, lookups.mx_hosts(domain) or [domain])
    for host in report.mx:
        addresses = lookups.addresses(host)
        if not addresses:
            report.probes.append(MxProbe(host, "", port, "no address"))
        for address in addresses:
            report.probes.append(_probe(host, address, port, timeout))
    results = {p.result for p in report.probes}
    if "banner" in results:
        report.conclusion = f"port {port} is reachable: at least one MX answered"
    elif results == {"timed out"}:
        report.conclusion = (
            f"DNS works but every MX timed out on port {port}: outbound port {port} looks blocked "
            "(ask the provider, or relay through a smarthost on 587)"
        )
    elif results <= {"refused", "timed out"} and results:
        report.conclusion = f"no MX accepts connections on port {port} (refused or timed out)"
    else:
        report.conclusion = "no MX host could be tried (no address)"
    return report
