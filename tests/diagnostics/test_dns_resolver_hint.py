"""Issue 16: a resolver that answers NXDOMAIN for every name is said to be the problem (not the
spelling), and every report names the resolver asked (the system's too). On the loopback
DNS responder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.diagnostics.dns_server import DnsServer


def run(tmp_path: Path, server: DnsServer, domain: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text("")
    command = [sys.executable, "-m", "mailtui", "--config", str(path), "dns", domain, "--server"]
    out = subprocess.run(
        [*command, server.address, "--no-policy-fetch", "--timeout", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


WORKING = {(".", "NS"): ["a.root-servers.net."], ("example.com", "A"): ["192.0.2.1"]}


@pytest.mark.parametrize(
    ("zone", "said", "not_said"),
    [
        ({}, "answering nothing useful", "check the spelling"),  # NXDOMAIN for every name
        (WORKING, "check the spelling", "answering nothing useful"),
    ],
    ids=["nxdomain-for-all", "working"],
)
def test_nxdomain_blames_the_resolver_only_when_it_answers_nothing(
    tmp_path: Path, zone: dict[tuple[str, str], list[str]], said: str, not_said: str
) -> None:
    server = DnsServer(zone)
    try:
        text = run(tmp_path, server, "typo.test")
    finally:
        server.close()
    assert said in text and not_said not in text
    assert f"(asked {server.address})" in text


def test_the_system_resolver_is_named_in_the_report() -> None:
    from mailtui.diagnostics.dns_check import DnsReport
    from mailtui.diagnostics.dns_format import format_report

    report = DnsReport("example.org", (), (), None, None, (), resolver="127.0.0.53")
    assert format_report(report).splitlines()[0] == "Domain: example.org  (system resolver 127.0.0.53)"
    asked = DnsReport("example.org", ("127.0.0.1:5353",), (), None, None, (), resolver="127.0.0.1:5353")
    assert format_report(asked).splitlines()[0] == "Domain: example.org  (asked 127.0.0.1:5353)"


AUTHORITATIVE_ZONE = {("example.net", "MX"): ["10 mx.example.net."], ("mx.example.net", "A"): ["192.0.2.25"]}


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(lambda: DnsServer(AUTHORITATIVE_ZONE, recursive=False), id="nxdomain-outside"),
        pytest.param(
            lambda: DnsServer(AUTHORITATIVE_ZONE, recursive=False, refused=[".", "example.com"]),
            id="refused-outside",
        ),
    ],
)
def test_an_authoritative_only_server_is_not_called_broken(tmp_path: Path, server: object) -> None:
    """`--server` of an authoritative server: it answers nothing outside its zones (no RA, REFUSED
    or NXDOMAIN for the root and example.com) but is fine; the NXDOMAIN for a name in its zone
    is its own authoritative answer."""
    ns = server()  # type: ignore[operator]
    try:
        text = run(tmp_path, ns, "typo.example.net")
    finally:
        ns.close()
    flat = " ".join(text.split())
    assert "answering nothing useful" not in flat and "broken resolver" not in flat
    assert "typo.example.net does not exist in DNS" in flat
    assert "not a recursive resolver" in flat and "check the spelling" in flat


def test_a_refused_lookup_is_not_called_servfail(tmp_path: Path) -> None:
    """An authoritative-only `--server` REFUSES names outside its zones (the MX host here): the
    report says it refused, not that the nameservers failed (SERVFAIL)."""
    zone = {
        ("example.net", "MX"): ["10 mx.other.test.", "20 mx.example.net."],
        ("mx.example.net", "A"): ["192.0.2.25"],
    }
    server = DnsServer(zone, recursive=False, refused=["mx.other.test", "25.2.0.192.in-addr.arpa"])
    try:
        text = " ".join(run(tmp_path, server, "example.net").split())
    finally:
        server.close()
    assert f"A mx.other.test: {server.address} refused to answer (REFUSED)" in text
    assert (
        "mx.example.net 192.0.2.25: reverse DNS not checked: the nameserver refused to answer (REFUSED)"
        in text
    )
    assert "SERVFAIL" not in text
