"""`mailtui verify FILE|-`: the verdicts printed as text and JSON, against the loopback DNS responder."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_verdicts import ZONE, delivered, message, sign


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    srv = DnsServer(ZONE)
    yield srv
    srv.close()


def verify(server: DnsServer, raw: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
    args = ["verify", "-", "--dns-server", server.address, "--trusted", "mx.receiver.test", *extra]
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args], input=raw, capture_output=True, check=False
    )


def test_text_output_pass(server: DnsServer) -> None:
    out = verify(server, delivered(sign(message())))
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "#1 d=example.test s=s1 a=rsa-sha256, 1024-bit key: PASS" in text
    assert "SPF: PASS for 192.0.2.25 as bounce@example.test" in text
    assert "DMARC: PASS for From domain example.test" in text
    assert "DISAGREES" not in text


def test_json_output_failure(server: DnsServer) -> None:
    out = verify(server, delivered(sign(message(), selector="gone"), ip="203.0.113.9"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["dkim"][0]["result"] == "permerror"
    assert data["spf"]["result"] == "fail" and data["dmarc"]["result"] == "fail"
    assert {d["check"] for d in data["disagreements"]} == {"dkim d=example.test s=gone", "spf", "dmarc"}


def test_unreadable_file() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mailtui", "verify", "/nonexistent.eml"], capture_output=True, check=False
    )
    assert out.returncode == 66 and b"cannot read /nonexistent.eml" in out.stderr


def test_headers_verify_gives_the_same_verdicts(server: DnsServer) -> None:
    """`mailtui headers --verify` is `mailtui verify` (same options, same report)."""
    raw = delivered(sign(message(), selector="gone"), ip="203.0.113.9")
    args = ["headers", "-", "--verify", "--dns-server", server.address, "--trusted", "mx.receiver.test"]
    out = subprocess.run(
        [sys.executable, "-m", "mailtui", *args], input=raw, capture_output=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == verify(server, raw).stdout
    assert b"key not found" in out.stdout and b"SPF: FAIL for 203.0.113.9" in out.stdout


def test_config_gives_dns_server_and_trusted_hosts(server: DnsServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without the flags, [diagnostics] dns_server and trusted_hosts of the config are used."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[ui]\ntrusted_authserv_ids = ["mx.receiver.test"]\n'
        f'[diagnostics]\ndns_server = "{server.address}"\ntrusted_hosts = ["mx.receiver.test"]\n'
    )
    raw = delivered(sign(message()))

    def run(*extra: str) -> str:
        args = [sys.executable, "-m", "mailtui", "--config", str(config), "verify", "-", *extra]
        out = subprocess.run(args, input=raw, capture_output=True, check=False)
        assert out.returncode == 0, out.stderr
        return out.stdout.decode()

    text = run()
    assert f"(DNS: {server.address})" in text and "1024-bit key: PASS" in text
    assert "Authentication-Results by mx.receiver.test (trusted)" in text
    # Only mx.receiver.test is ours: the client that handed the message to it is the loopback one.
    assert "client 127.0.0.1 helo=localhost" in text
    # The flags win over the config.
    text = run("--trusted-host", "mx.receiver.test", "--trusted-host", "127.0.0.1")
    assert "client 192.0.2.25 helo=mail.example.test" in text and "SPF: PASS for 192.0.2.25" in text
    headers = subprocess.run(
        [sys.executable, "-m", "mailtui", "--config", str(config), "headers", "-", "--verify"],
        input=raw, capture_output=True, check=False,
    )  # fmt: skip
    assert headers.stdout.decode() == run()


def test_dns_takes_the_config_dns_server(server: DnsServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(f'[diagnostics]\ndns_server = "{server.address}"\n')
    args = [sys.executable, "-m", "mailtui", "--config", str(config), "dns", "example.test", "--json"]
    out = subprocess.run(args, capture_output=True, check=False, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["servers"] == [server.address]
    assert data["spf"]["root"]["record"]["raw"] == "v=spf1 include:_spf.example.test -all"
    assert "p=reject" in json.dumps(data["dmarc"])
