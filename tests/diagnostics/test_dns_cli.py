"""`mailtui dns` as a command against the loopback DNS responder: every record kind in the
text and in --json, --dkim-selector, --blocklist / --blocklist-ip / [diagnostics] blocklists,
an MTA-STS policy host that cannot be reached said, not a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.diagnostics.dns_server import DnsServer

ZONE = {
    ("cli.test", "MX"): ["10 mx.cli.test."],
    ("cli.test", "TXT"): ['"v=spf1 mx -all"'],
    ("_dmarc.cli.test", "TXT"): ['"v=DMARC1; p=none; rua=mailto:d@cli.test"'],
    ("mx.cli.test", "A"): ["192.0.2.30"],
    ("30.2.0.192.in-addr.arpa", "PTR"): ["mx.cli.test."],
    ("mine._domainkey.cli.test", "TXT"): ['"v=DKIM1; k=rsa; p="'],
    ("_mta-sts.cli.test", "TXT"): ['"v=STSv1; id=abc123"'],  # mta-sts.cli.test has no address
    ("_smtp._tls.cli.test", "TXT"): ['"v=TLSRPTv1; rua=mailto:tls@cli.test"'],
    ("_25._tcp.mx.cli.test", "TLSA"): ["3 1 1 " + "0f" * 32],
    ("2.0.0.127.rbl.test", "A"): ["127.0.0.2"],
    ("30.2.0.192.rbl.test", "A"): ["127.0.0.2"],
    ("30.2.0.192.rbl.test", "TXT"): ['"spam source"'],
    ("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.rbl.test", "A"): ["127.0.0.3"],
}


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    yield server
    server.close()


def run(tmp_path: Path, *args: str, config: str = "") -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.toml"
    path.write_text(config)
    command = [sys.executable, "-m", "mailtui", "--config", str(path), "dns", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_text_report_has_every_section(dns: DnsServer, tmp_path: Path) -> None:
    out = run(
        tmp_path, "cli.test", "--server", dns.address, "--dkim-selector", "mine", "--blocklist", "rbl.test"
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "192.0.2.30  PTR mx.cli.test  forward-confirmed" in text
    assert "tried: mine, default, selector1" in text and "found: mine" in text
    assert "s=mine fail" in text  # the given selector's key is revoked: a warning, with the fix
    assert "v=STSv1; id=abc123" in text
    assert "the policy could not be fetched" in text and "mta-sts.cli.test has no A/AAAA record" in text
    assert "ok TLS reports go to mailto:tls@cli.test" in text
    assert "3 1 1 " + "0f" * 32 in text and "no AD bit" in text
    assert "192.0.2.30 in rbl.test: LISTED 127.0.0.2  (30.2.0.192.rbl.test)" in text
    assert "reason: spam source" in text


def test_json_covers_every_check(dns: DnsServer, tmp_path: Path) -> None:
    out = run(tmp_path, "cli.test", "--dns-server", dns.address, "--json", "--blocklist", "rbl.test")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["mx"][0]["reverse"][0] == {
        "address": "192.0.2.30",
        "reverse_name": "30.2.0.192.in-addr.arpa",
        "ptr": ["mx.cli.test"],
        "confirmed": ["mx.cli.test"],
        "forward_confirmed": True,
        "error": "",
    }
    assert data["dkim"]["found"] == [] and "selector1" in data["dkim"]["tried"]
    assert data["mta_sts"]["sts_id"] == "abc123" and data["mta_sts"]["fetched"] is False
    assert data["tls_rpt"]["rua"] == ["mailto:tls@cli.test"]
    assert data["dane"][0]["records"][0]["usage"] == 3 and data["dane"][0]["authenticated"] is False
    assert data["blocklists"][0]["listed"] is True and data["blocklist_zones"] == ["rbl.test"]
    areas = {f["area"] for f in data["findings"]}
    assert areas == {"mx", "dmarc", "dkim", "mta-sts", "tls-rpt", "dane", "dnsbl"}  # p=none: dmarc info
    assert all(set(f) == {"area", "level", "text", "fix"} for f in data["findings"])


def test_blocklist_ip_and_config_zones(dns: DnsServer, tmp_path: Path) -> None:
    config = '[diagnostics]\nblocklists = ["rbl.test"]\n'
    out = run(tmp_path, "cli.test", "--server", dns.address, "--json", "--blocklist-ip", "2001:db8::1",
              "--no-policy-fetch", config=config)  # fmt: skip
    assert out.returncode == 0, out.stderr
    (item,) = json.loads(out.stdout)["blocklists"]
    assert item["ip"] == "2001:db8::1" and item["listed"] and item["answers"] == ["127.0.0.3"]
    assert item["query"].startswith("1.0.0.0.") and item["query"].endswith(".8.b.d.0.1.0.0.2.rbl.test")


def test_blocklists_off_by_default(dns: DnsServer, tmp_path: Path) -> None:
    before = len(dns.queries)
    out = run(tmp_path, "cli.test", "--server", dns.address)
    assert out.returncode == 0, out.stderr
    assert "blocklists not checked (off by default)" in out.stdout
    assert not any(name.endswith("rbl.test") for name, _ in dns.queries[before:])


def test_bad_blocklist_ip_and_bad_config_zone(dns: DnsServer, tmp_path: Path) -> None:
    out = run(tmp_path, "cli.test", "--server", dns.address, "--blocklist-ip", "not-an-ip")
    assert out.returncode == 64 and "not an IP address" in out.stderr and "Traceback" not in out.stderr
    bad = run(
        tmp_path, "cli.test", "--server", dns.address, config='[diagnostics]\nblocklists = ["bad zone"]\n'
    )
    assert (
        "diagnostics.blocklists" in bad.stderr
        and 'expected a DNS zone such as "zen.spamhaus.org"' in bad.stderr
    )
    assert bad.returncode == 0  # a broken config is a warning for this read-only check
