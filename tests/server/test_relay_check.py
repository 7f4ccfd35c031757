"""postconf -n explained, and port 25 of MX hosts (loopback only, with the suite's DNS responder)."""

from __future__ import annotations

import socket
import threading

from mailtui.diagnostics.port25 import check_mx_port25
from mailtui.server.relay_check import analyse_postconf, parse_postconf, read_postconf
from tests.certs import free_port
from tests.diagnostics.dns_server import DnsServer


def test_private_postfix_settings(postfix_log) -> None:
    settings = read_postconf(str(postfix_log.server.etc))
    assert settings["mynetworks"] == "127.0.0.0/8"
    findings = {f.setting: f for f in analyse_postconf(settings, "127.0.0.1")}
    assert findings["smtpd_relay_restrictions"].level == "ok"
    assert "127.0.0.1 is in mynetworks, but smtpd_relay_restrictions has no permit_mynetworks" in (
        findings["mynetworks"].text
    )


def test_open_relay_is_a_problem() -> None:
    settings = parse_postconf("mynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks\n")
    [finding] = [f for f in analyse_postconf(settings) if f.setting == "smtpd_relay_restrictions"]
    assert finding.level == "problem" and "OPEN RELAY" in finding.text


def test_mx_port_probe_banner_refused_and_conclusion() -> None:
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))

    def greet() -> None:
        conn, _ = listener.accept()
        conn.sendall(b"220 mx1.far.example ESMTP\r\n")
        conn.recv(64)
        conn.close()

    thread = threading.Thread(target=greet, daemon=True)
    thread.start()
    zone = {
        ("far.example", "MX"): ["10 mx1.far.example.", "20 mx2.far.example."],
        ("mx1.far.example", "A"): ["127.0.0.1"],
        ("mx2.far.example", "A"): ["127.0.0.2"],
    }
    dns = DnsServer(zone)
    try:
        report = check_mx_port25("far.example", [dns.address], timeout=2.0, port=port)
    finally:
        dns.close()
        listener.close()
    assert report.mx == ["mx1.far.example", "mx2.far.example"]
    results = {p.host: p.result for p in report.probes}
    assert results["mx1.far.example"] == "banner" and results["mx2.far.example"] == "refused"
    assert "reachable" in report.conclusion
