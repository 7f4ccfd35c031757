"""`mailtui --lang zh verify`: the verdict report's sentences in Chinese, the protocol terms kept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from mailtui.core.i18n import set_language
from mailtui.diagnostics.verdicts.report import format_text, verify_message
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


def test_single_verdict_reasons_in_chinese(server: DnsServer) -> None:
    # The reason lines of DKIM, SPF and DMARC (and ARC's "none") follow the language; the kind stays.
    raw = delivered(sign(message()) + b"--\r\nSent through the list\r\n")
    en = verify_message(raw, server.address, trusted_authserv_ids=["mx.receiver.test"])
    assert en.dkim[0].reason.startswith("body hash mismatch") and en.dkim[0].kind == "body-hash-mismatch"
    assert en.arc.reason == "the message carries no ARC headers"
    set_language("zh")
    zh = verify_message(raw, server.address, trusted_authserv_ids=["mx.receiver.test"])
    assert zh.dkim[0].kind == "body-hash-mismatch" and "正文哈希不匹配" in zh.dkim[0].reason
    assert "body hash mismatch" not in zh.dkim[0].reason
    assert zh.arc.reason == "邮件没有 ARC 头"
    assert "被允许代表 example.test 发信" in zh.spf.reason and "is allowed" not in zh.spf.reason
    assert zh.dmarc.reason == "From example.test 与 SPF example.test 对齐"
    text = format_text(zh)
    assert "正文哈希不匹配" in text and "DMARC: PASS" in text


def test_dkim_key_notes_by_kind_in_chinese(server: DnsServer) -> None:
    # The disagreement note for a missing key is picked by the kind, not by the English reason.
    raw = delivered(sign(message(), selector="gone"))
    set_language("zh")
    report = verify_message(raw, server.address, trusted_authserv_ids=["mx.receiver.test"])
    assert report.dkim[0].kind == "key-not-found" and "找不到密钥" in report.dkim[0].reason
    assert "现在没有该密钥" in report.disagreements[0].note


def test_verify_json_stays_english_under_zh(server: DnsServer) -> None:
    args = ["--lang", "zh", "verify", "-", "--json", "--dns-server", server.address]
    raw = delivered(sign(message(), selector="gone"))
    out = subprocess.run([sys.executable, "-m", "mailtui", *args], input=raw, capture_output=True)
    data = json.loads(out.stdout)
    assert data["dkim"][0]["kind"] == "key-not-found"
    assert data["dkim"][0]["reason"].startswith("key not found")
    assert not re.search("[\u4e00-\u9fff]", out.stdout.decode())
