"""The diagnostics' other admin text in Chinese: the bundle's headings and notes (its data kept),
the TLS verification reasons and advice, the verdict report's record, SPF path and DMARC
disposition lines, the Authentication-Results / DKIM-Signature / ARC notes. Real runs: the
bundle builder on a real config and outbox, TLS handshakes with a loopback HTTPS server, the
verdicts of signed messages on the loopback DNS responder, the headers of tests/data."""

from __future__ import annotations

import datetime
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import load_config
from mailtui.core.headers.authres import parse_arc, parse_authentication_results, parse_dkim_signature
from mailtui.core.i18n import language, set_language
from mailtui.core.transcript import Transcript
from mailtui.diagnostics.bundle import build_bundle, read_outbox
from mailtui.diagnostics.verdicts.report import format_text, to_json, verify_message
from mailtui.sending.outbox import Outbox
from mailtui.tls import VerifyFailure, client_context, explain_verify_error, verify_advice
from tests.certs import make_certificate
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.https_server import HttpsServer
from tests.diagnostics.test_bundle_sections import _config
from tests.diagnostics.test_verdicts import ZONE, delivered, message, sign

DATA = Path(__file__).resolve().parents[1] / "data" / "headers"
NOW = datetime.datetime(2024, 4, 9, 10, 0, tzinfo=datetime.UTC)


def test_bundle_headings_and_notes_in_chinese(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    ident = Outbox().enqueue(
        b"Subject: stuck\r\n\r\nbody\r\n",
        "alice@example.org",
        ["bob@example.net"],
        "work",
        "451 4.7.1 greylisted",
    )
    english = build_bundle(
        transcript=Transcript(), accounts=config.accounts, config=config, outbox=read_outbox(), now=NOW
    )
    assert " Versions " in english and "attempts: 1" in english
    set_language("zh")
    text = build_bundle(
        transcript=Transcript(),
        accounts=config.accounts,
        config=config,
        outbox=read_outbox(),
        now=NOW,
        redact=False,
    )
    lines = text.splitlines()
    assert lines[0] == "mailtui 诊断包，2024-04-09 10:00:00 UTC"
    assert lines[1].startswith("机密（密码、令牌）已遮蔽为 ********：1 个账户的 ")
    for title in (
        "版本",
        "配置（机密已遮蔽）",
        "SMTP 探测",
        "IMAP 探测",
        "DNS 检查",
        "当前打开邮件的头部",
        "发件队列",
    ):
        assert f" {title} " in text, title
    assert (
        "（未运行 SMTP 探测）" in text
        and "（未运行 DNS 检查）" in text
        and "（没有打开或检查过邮件）" in text
    )
    # The data is kept as it is: versions, the config's TOML, the queued message and its reply.
    assert "dnspython: " in text and 'host = "smtp.example.org"' in text and 'password = "********"' in text
    assert (
        ident in text and "账户 work" in text and "发件人 alice@example.org，收件人 bob@example.net" in text
    )
    assert "尝试次数：1，" in text and "中继最后的应答：451 4.7.1 greylisted" in text
    for english_text in (
        "diagnostic bundle",
        "are masked",
        " Versions ",
        "no SMTP probe",
        "attempts:",
        "last reply",
    ):
        assert english_text not in text, english_text
    redacted = build_bundle(
        transcript=None, outbox=[], redact=True, raw_message=b"From: a@example.org\r\n\r\n"
    )
    assert redacted.splitlines()[1].endswith(
        "地址已脱敏：每个地址都替换为固定的代号（形如 userN，域名为 domainN.invalid）。"
    )
    assert "（发件队列为空）" in redacted and "From: user1@domain1.invalid" in redacted


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HttpsServer, Path]]:
    pair = make_certificate(tmp_path_factory.mktemp("tls-zh"), "mail", dns=("mail.example.test",))
    server = HttpsServer(pair.cert, pair.key, {})
    yield server, pair.cert
    server.close()


def _verify_failure(port: int, name: str, ca_file: Path | None) -> VerifyFailure:
    context = client_context(ca_file=str(ca_file) if ca_file else None)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError) as err:
            context.wrap_socket(raw, server_hostname=name)
    return explain_verify_error(err.value)


def test_tls_reasons_and_advice_in_chinese(tls_server: tuple[HttpsServer, Path]) -> None:
    server, cert = tls_server
    table = '[account.smtp] of account "work"'
    english = _verify_failure(server.port, "mail.example.test", None)
    assert english.kind == "self-signed" and "self-signed" in english.reason
    assert verify_advice(english, table).startswith("If you trust this server, set ca_file")
    set_language("zh")
    untrusted = _verify_failure(server.port, "mail.example.test", None)  # not in the system's CAs
    assert untrusted.kind == "self-signed" and untrusted.reason == "服务器出示的是自签名证书，本机不信任它"
    advice = verify_advice(untrusted, table)
    assert advice.startswith(
        f'如果信任该服务器，请在 {table} 中设置 ca_file = "/path/to/its-certificate.pem"'
    )
    assert verify_advice(untrusted, table, flags=True).startswith("如果信任该服务器，请用 --ca-file ")
    wrong_name = _verify_failure(server.port, "other.example.test", cert)  # trusted, but not this name
    assert wrong_name.kind == "hostname-mismatch" and wrong_name.reason == "证书与所连接的主机名不符"
    assert verify_advice(wrong_name, table) == verify_advice(wrong_name, table, flags=True)
    assert "ca_file 对此无效" in verify_advice(wrong_name, table) and "Connect" not in verify_advice(
        wrong_name, table
    )
    assert untrusted.detail == english.detail  # OpenSSL's own words are kept


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    srv = DnsServer(ZONE)
    yield srv
    srv.close()


def _unaligned() -> bytes:
    # Signed by the ESP's own domain and sent from its IP: both pass, neither aligns; p=reject pct=50.
    return delivered(
        sign(message(), domain="esp.test"),
        ip="203.0.113.9",
        sender="bounce@esp.test",
        authres="dkim=pass header.d=esp.test; spf=pass smtp.mailfrom=esp.test; dmarc=fail header.from=example.test",
    )


def test_verdict_report_lines_in_chinese(dns: DnsServer) -> None:
    raw = _unaligned()
    english = format_text(verify_message(raw, dns.address, trusted_authserv_ids=["mx.receiver.test"]))
    assert "  path: esp.test: ip4:203.0.113.0/24 matched" in english
    set_language("zh")
    report = verify_message(raw, dns.address, trusted_authserv_ids=["mx.receiver.test"])
    assert report.dmarc.disposition == "对 50% 的未通过邮件执行 reject，其余执行 quarantine（pct=50）"
    assert report.spf.path == ("esp.test：ip4:203.0.113.0/24 匹配",)
    assert report.handing is not None and report.handing.note == (
        "自上而下第 2 个 Received，由 mx.receiver.test 写入：客户端 203.0.113.9 helo=mail.example.test"
    )
    text = format_text(report)
    for said in (
        "#1 d=esp.test s=s1 a=rsa-sha256，1024 位密钥: PASS",
        "SPF: PASS（203.0.113.9，发件人 bounce@esp.test，域名 esp.test）",
        "203.0.113.9 被允许代表 esp.test 发信（esp.test 中的 ip4:203.0.113.0/24）",
        "  路径：esp.test：ip4:203.0.113.0/24 匹配",
        "DMARC: FAIL（From 域名 example.test）",
        "与 example.test 不对齐；SPF 对 esp.test 通过",
        "  _dmarc.example.test 的记录：p=reject pct=50 adkim=r aspf=r",
        "该策略要求收件方：对 50% 的未通过邮件执行 reject，其余执行 quarantine（pct=50）",
    ):
        assert said in text, said
    for english_text in (
        "for From domain",
        "record at",
        "path:",
        "matched",
        "for the rest",
        "-bit key",
        " as bounce",
    ):
        assert english_text not in text, english_text
    # JSON for scripts stays English (`verify --json` builds it inside language("en")).
    with language("en"):
        data = to_json(verify_message(raw, dns.address, trusted_authserv_ids=["mx.receiver.test"]))
    assert "reject for 50% of failing mail, quarantine for the rest (pct=50)" in data and "匹配" not in data


def test_authentication_header_notes_in_chinese() -> None:
    headers = [line for line in (DATA / "broken.eml").read_text().splitlines() if ":" in line]
    results = [h.split(":", 1)[1] for h in headers if h.startswith("Authentication-Results:")]
    signature = next(h.split(":", 1)[1] for h in headers if h.startswith("DKIM-Signature:"))
    english = parse_authentication_results(results[1])
    assert any(n.startswith("unreadable result: ") for n in english.notes)
    set_language("zh")
    unreadable = parse_authentication_results(results[1])
    assert any(n.startswith("无法读取的结果：") for n in unreadable.notes) and not any(
        "unreadable" in n for n in unreadable.notes
    )
    dkim = parse_dkim_signature(signature)
    assert {"缺少必需的标签 b=", "缺少必需的标签 bh=", "缺少必需的标签 h=", "缺少必需的标签 s="} <= set(
        dkim.notes
    )
    sha1 = parse_dkim_signature("v=1; a=rsa-sha1; d=x.test; s=k; h=subject; bh=AA; b=AA")
    assert "rsa-sha1 已废弃（RFC 8301）：验证方会按失败处理" in sha1.notes
    assert "h= 不包含 From：签名无效（RFC 6376 5.4）" in sha1.notes
    assert parse_authentication_results("dkim=pass header.d=x.test (unclosed").notes == (
        "注释没有闭合",
        "没有 authserv-id：无法归属到某台服务器，因此永远不可信",
    )
    assert parse_authentication_results('mx.test; dkim=pass "open').notes == ("引号字符串没有闭合",)
    assert "缺少 ARC 实例号 i=" in parse_authentication_results("mx.test; dkim=pass", arc=True).notes
    seal = parse_arc("ARC-Seal", "a=rsa-sha256; d=x.test; s=k; b=AA")
    assert "实例号 i= 缺失或不是数字" in seal.notes and "缺少 cv=" in seal.notes


def test_verdict_dns_failure_in_chinese() -> None:
    from mailtui.diagnostics.verdicts.dkim import verify_dkim
    from mailtui.diagnostics.verdicts.resolver import VerdictDns

    srv = DnsServer({})
    address = srv.address
    srv.close()  # nothing answers there now
    set_language("zh")
    verdict = verify_dkim(sign(message()), VerdictDns(address, timeout=0.3))[0]
    assert verdict.result == "temperror"
    assert f"向 {address} 查询 " in verdict.reason and "的 TXT 失败：" in verdict.reason
    assert "DNS failed" not in verdict.reason


def test_spf_include_path_in_chinese(dns: DnsServer) -> None:
    set_language("zh")
    report = verify_message(
        delivered(sign(message())), dns.address, trusted_authserv_ids=["mx.receiver.test"]
    )
    assert report.spf.path == (
        "example.test：include:_spf.example.test ->",
        "  _spf.example.test：ip4:192.0.2.0/24 匹配",
        "example.test：include:_spf.example.test 匹配（include 通过）",
    )
