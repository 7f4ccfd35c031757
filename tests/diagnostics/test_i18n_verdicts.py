"""`mailtui --lang zh verify`: the verdict report's sentences in Chinese, the protocol terms kept."""

from __future__ import annotations

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


def test_verify_in_chinese(server: DnsServer) -> None:
    args = ["verify", "-", "--dns-server", server.address, "--trusted", "mx.receiver.test"]
    raw = delivered(sign(message()))
    zh = subprocess.run(
        [sys.executable, "-m", "mailtui", "--lang", "zh", *args], input=raw, capture_output=True
    )
    text = zh.stdout.decode()
    assert zh.returncode == 0, zh.stderr
    assert "本地计算的验证结论" in text and "本地结论与服务器结论对比" in text
    assert "DKIM:" in text and "DMARC: PASS" in text
    assert "Verdicts computed here" not in text and "Ours vs the server's" not in text
    en = subprocess.run([sys.executable, "-m", "mailtui", *args], input=raw, capture_output=True)
    assert "Verdicts computed here" in en.stdout.decode() and "本地" not in en.stdout.decode()
