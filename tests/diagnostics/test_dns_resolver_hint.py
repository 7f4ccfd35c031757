"""Issue 16: a resolver that answers NXDOMAIN for every name is said to be the problem (not the
spelling), and every report names the resolver asked (the system's too). On the loopback
DNS responder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.diagnostics.dns_server import DnsServer


def run(tmp_path: Path, server: DnsServer, domain: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text("")
    command = [sys.executable, "-m", "mailtui", "--config", str(path), "dns", domain, "--server"]
    out = subprocess.run(
        [*command, server.address, "--no-policy-fetch", "--timeout", "1"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_captive_resolver_is_named_not_the_spelling(tmp_path: Path) -> None:
    server = DnsServer({})  # NXDOMAIN for every name, the root zone too
    try:
        text = run(tmp_path, server, "typo.test")
    finally:
        server.close()
    assert "answering nothing useful" in text and "check the spelling" not in text
    assert f"(asked {server.address})" in text


def test_working_resolver_keeps_check_the_spelling(tmp_path: Path) -> None:
    server = DnsServer({(".", "NS"): ["a.root-servers.net."], ("example.com", "A"): ["192.0.2.1"]})
    try:
        text = run(tmp_path, server, "typo.test")
    finally:
        server.close()
    assert "check the spelling" in text and "answering nothing useful" not in text
    assert f"(asked {server.address})" in text


def test_the_system_resolver_is_named_in_the_report() -> None:
    from mailtui.diagnostics.dns_check import DnsReport
    from mailtui.diagnostics.dns_format import format_report

    report = DnsReport("example.org", (), (), None, None, (), resolver="127.0.0.53")
    assert format_report(report).splitlines()[0] == "Domain: example.org  (system resolver 127.0.0.53)"
    asked = DnsReport("example.org", ("127.0.0.1:5353",), (), None, None, (), resolver="127.0.0.1:5353")
    assert format_report(asked).splitlines()[0] == "Domain: example.org  (asked 127.0.0.1:5353)"
