"""A tiny authoritative DNS responder on 127.0.0.1 (a free UDP port) for the DNS tests.

Built on dnspython's message API (from_wire / make_response), so it needs no extra
package. The zone is a dict {(name, type): [rdata text]}; names not in it get NXDOMAIN,
known names without that type get an empty NOERROR answer. Any record type dnspython
knows works as text (MX, A, AAAA, TXT, PTR, TLSA "3 1 1 <hex>", CNAME: followed within
the zone, as an authoritative server answers). `authenticated`
names are answered with the AD bit (as a validating resolver would), `servfail` names
with SERVFAIL, `refused` names with REFUSED. Answers carry RA (recursion available, as from
a resolver) unless `recursive=False` (an authoritative-only server's answers). Runs in a daemon thread, stopped by `close()`; `set()` changes records
while it serves.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping, Sequence

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

Zone = Mapping[tuple[str, str], Sequence[str]]


def txt_rdata(text: str) -> str:
    """TXT rdata for `text`, cut into the 255-byte strings DNS allows (DKIM keys are longer)."""
    chunks = [text[i : i + 200] for i in range(0, len(text), 200)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)


class DnsServer:
    """Serve `zone` on 127.0.0.1:<free port> until `close()`."""

    def __init__(
        self,
        zone: Zone,
        *,
        authenticated: Sequence[str] = (),
        servfail: Sequence[str] = (),
        refused: Sequence[str] = (),
        recursive: bool = True,
    ) -> None:
        self.authenticated = {n.lower().rstrip(".") for n in authenticated}
        self.servfail = {n.lower().rstrip(".") for n in servfail}
        self.refused = {n.lower().rstrip(".") or "." for n in refused}
        self.recursive = recursive
        self.zone = {
            (name.lower().rstrip("."), rdtype.upper()): list(v) for (name, rdtype), v in zone.items()
        }
        self.names = {name for name, _ in self.zone}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.queries: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def set(self, name: str, rdtype: str, records: Sequence[str]) -> None:
        """Replace (or add) the records of `name`/`rdtype` while serving; [] removes them."""
        key = (name.lower().rstrip("."), rdtype.upper())
        if records:
            self.zone[key] = list(records)
        else:
            self.zone.pop(key, None)
        self.names = {n for n, _ in self.zone}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                reply = self._answer(dns.message.from_wire(wire))
            except Exception:  # a malformed query: ignore it, like a real server would log it
                continue
            self.sock.sendto(reply.to_wire(), peer)

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA | (dns.flags.RA if self.recursive else 0)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, rdtype))
        if (name or ".") in self.refused:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        if name in self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        if name in self.authenticated:
            response.flags |= dns.flags.AD
        owner = question.name
        for _ in range(8):  # follow a CNAME chain inside the zone, as an authoritative server does
            alias = self.zone.get((name, "CNAME"))
            if not alias or rdtype == "CNAME":
                break
            response.answer.append(dns.rrset.from_text_list(owner, 300, "IN", "CNAME", alias))
            owner = dns.name.from_text(alias[0])
            name = owner.to_text(omit_final_dot=True).lower()
        records = self.zone.get((name, rdtype))
        if records:
            response.answer.append(dns.rrset.from_text_list(owner, 300, "IN", rdtype, records))
        elif name not in self.names and not response.answer:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
