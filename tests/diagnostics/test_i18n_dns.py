"""`mailtui --lang zh dns`: the DNS report's findings, fixes, hints and errors in Chinese, the
records, names and protocol terms kept. On the loopback DNS responder (and HTTPS server for
the MTA-STS policy), as in test_dns_setup."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import language, set_language
from mailtui.diagnostics.dane import explain_tlsa
from mailtui.diagnostics.dns_check import DnsError, DnsReport, check_domain, format_report, parse_dmarc
from mailtui.diagnostics.dnsbl import explain_answer
from mailtui.diagnostics.mta_sts import PolicyFetch, parse_policy
from tests.certs import make_certificate
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.https_server import HttpsServer
from tests.diagnostics.test_dns_resolver_hint import AUTHORITATIVE_ZONE, WORKING
from tests.diagnostics.test_dns_setup import POLICY, ZONE

# Sentences of the English report that must not be left in the Chinese one.
ENGLISH = (
    "Domain:", "preference order", "forward-confirmed", "no PTR", "fix:", "Summary:", "Problems:",
    "receivers", "senders", "publish", "is listed in", "not listed", "matches the policy",
    "the resolver set", "TLS reports go to", "key published", "tried:", "found:", "revoked",
    "Flattened", "DNS lookups:", "DNS blocklists:", "does not exist", "check the spelling",
)  # fmt: skip


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE, authenticated=["_25._tcp.mx1.setup.test"])
    yield server
    server.close()


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HttpsServer, Path]]:
    pair = make_certificate(tmp_path_factory.mktemp("sts-zh"), "mta-sts", dns=("mta-sts.setup.test",))
    server = HttpsServer(
        pair.cert, pair.key, {"mta-sts.setup.test": (200, {"Content-Type": "text/plain"}, POLICY)}
    )
    yield server, pair.cert
    server.close()


def setup_report(dns: DnsServer, https: tuple[HttpsServer, Path]) -> DnsReport:
    return check_domain(
        "setup.test",
        [dns.address],
        timeout=2,
        dkim_selectors=["sel2048", "missing"],
        blocklists=["bl.test"],
        policy_fetch=PolicyFetch(port=https[0].port, cafile=https[1], timeout=3),
    )


def leftovers(text: str) -> list[str]:
    return [e for e in ENGLISH if e in text]


def test_the_whole_report_in_chinese(dns: DnsServer, https: tuple[HttpsServer, Path]) -> None:
    english = format_report(setup_report(dns, https))
    assert "Summary:" in english and "forward-confirmed" in english
    set_language("zh")
    text = format_report(setup_report(dns, https))
    assert text.splitlines()[0] == f"域名：setup.test  （查询了 {dns.address}）"
    for said in (
        "MX（按优先级排序）：",
        "192.0.2.10  PTR mx1.setup.test  已正向确认",
        "2001:db8::10  PTR v6.isp.test  未正向确认",
        "192.0.2.20  无 PTR",
        "修复：请 192.0.2.20 的所有者（你的托管商或 ISP）把它的 PTR 设为 mx2.setup.test",
        "DNS 查询：1/10（ok）；空查询：0/2",
        "p=reject: 未通过的邮件在 SMTP 会话中被拒收",
        "已尝试：sel2048, missing, default",
        "s1._domainkey.setup.test：512 位 RSA 密钥：收件方拒绝小于 1024 位的密钥（RFC 8301）",
        "missing._domainkey.setup.test 没有 DKIM 密钥",
        "default: k=rsa, 已吊销",
        "MX mx2.setup.test 不匹配策略中的任何 mx: 行",
        "修复：在 https://mta-sts.setup.test/.well-known/mta-sts.txt 中加入 'mx: mx2.setup.test'，并更改 id",
        "TLS 报告发送到 mailto:tls@setup.test",
        "_25._tcp.mx1.setup.test TLSA 1 0 1：usage 1（PKIX-EE）不能用于 SMTP",
        "DANE-EE：服务器自己的证书或密钥，不检查名称和有效期；匹配公钥（SubjectPublicKeyInfo）；比对方式：SHA-256 摘要",
        "DNS 黑名单：",
        "192.0.2.10 在 bl.test 中：已列入 127.0.0.2  (10.2.0.192.bl.test)",
        "192.0.2.20 在 bl.test 中：未列入",
        "192.0.2.10 被列入了 bl.test（127.0.0.2：",
        "原因：Listed for spam; see https://bl.test/lookup?ip=192.0.2.10",  # the list's own text, as served
        "汇总：",
    ):
        assert said in text, said
    assert not leftovers(text), leftovers(text)
    # The section headings name records, kept as they are.
    assert "DKIM (selector._domainkey):" in text and "MTA-STS (_mta-sts.setup.test):" in text


def test_records_to_publish_keep_their_text_in_chinese(dns: DnsServer) -> None:
    set_language("zh")
    report = check_domain("bare.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    fixes = " | ".join(f.fix for f in report.findings)
    assert '在 bare.test 发布 TXT："v=spf1 mx -all"' in fixes
    assert '在 _dmarc.bare.test 发布 TXT："v=DMARC1; p=none; rua=mailto:dmarc-reports@bare.test"' in fixes
    assert '在 _smtp._tls.bare.test 发布 TXT："v=TLSRPTv1; rua=mailto:tlsrpt@bare.test"' in fixes
    assert "opendkim-genkey -b 2048 -s mail -d bare.test" in fixes and "TLSA 3 1 1" in fixes
    text = format_report(report)
    # The problem with a fix is shown once, under its section, in Chinese (matched by kind, not text).
    assert text.count("bare.test 没有发布 SPF 记录") == 1
    assert "修复：在 bare.test 发布 TXT" in text.split("DMARC:")[0].split("SPF:")[1]
    assert "未检查黑名单（默认关闭）" in text and not leftovers(text), leftovers(text)


@pytest.mark.parametrize(
    ("server", "said", "not_said"),
    [
        (lambda: DnsServer({}), "是解析器本身给不出有用的应答", "请检查拼写"),
        (lambda: DnsServer(WORKING), "请检查拼写", "解析器本身"),
        (lambda: DnsServer(AUTHORITATIVE_ZONE, recursive=False), "它不是递归解析器", "解析器本身"),
    ],
    ids=["broken-resolver", "working", "authoritative"],
)
def test_the_resolver_hint_in_chinese(server: object, said: str, not_said: str) -> None:
    ns = server()  # type: ignore[operator]
    set_language("zh")
    try:
        report = check_domain(
            "typo.example.net", [ns.address], timeout=1, policy_fetch=PolicyFetch(enabled=False)
        )
    finally:
        ns.close()
    hint = next(p for p in report.problems if "NXDOMAIN" in p)
    assert hint.startswith(f"typo.example.net 在 DNS 中不存在（{ns.address} 返回 NXDOMAIN）")
    assert said in hint and not_said not in hint and "does not exist" not in hint
    error = next(f for f in report.findings if f.text == hint)  # still matched to its finding
    assert error.area == "mx" and error.level == "error"


def test_dns_errors_in_chinese() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    set_language("zh")
    with pytest.raises(DnsError) as unreachable:
        check_domain("example.test", [closed], timeout=0.5)
    said = unreachable.value.message  # refused (ICMP) or no answer in time, by the host's network stack
    assert said.startswith(f"DNS 不可达：{closed} ") and "（查询 MX example.test）" in said, said
    assert "--server IP" in said and "unreachable" not in said
    with pytest.raises(MailtuiError) as bad:
        check_domain("example.test", ["not-an-ip"])
    assert "不是域名服务器地址" in bad.value.message and "'not-an-ip'" in bad.value.message
    with pytest.raises(MailtuiError) as ip:
        check_domain("example.test", [closed], blocklist_ips=["999.1.1.1"])
    assert "不是 IP 地址" in ip.value.message


def test_record_parsers_explain_in_chinese() -> None:
    set_language("zh")
    dmarc = parse_dmarc("v=DMARC1; p=bogus; pct=50; adkim=s")
    assert "p=bogus 不是 none、quarantine 或 reject" in dmarc.problems
    assert any("没有 rua=" in p for p in dmarc.problems)
    assert ("adkim", "s", "DKIM 对齐为严格模式：域名必须完全一致") in dmarc.explanations
    assert explain_answer("zen.spamhaus.org", "127.0.0.4").startswith("XBL：该地址已被感染或利用")
    assert explain_answer("bl.test", "192.0.2.1").startswith("不是黑名单的应答")
    assert explain_tlsa(3, 1, 1, bytes(16)).problems == (
        "SHA-256 摘要应为 32 字节，这里是 16 字节：它匹配不到任何证书",
    )
    policy = parse_policy("version: STSv1\nmode: enforce\nmax_age: 99999999999\n")
    assert "max_age: 99999999999 超过了一年的上限（31557600）" in policy.problems
    assert any(p.startswith("没有可用的 mx: 行") for p in policy.problems)


def test_english_inside_language_en_whatever_the_setting(dns: DnsServer) -> None:
    # What `--json` needs: the report built inside language("en") is English under --lang zh.
    set_language("zh")
    with language("en"):
        report = check_domain("bare.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    assert "bare.test publishes no SPF record" in report.problems
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in f.text + f.fix) for f in report.findings)


def test_cli_dns_in_chinese(tmp_path: Path) -> None:
    server = DnsServer(AUTHORITATIVE_ZONE, recursive=False)
    config = tmp_path / "config.toml"
    config.write_text("")
    command = [sys.executable, "-m", "mailtui", "--config", str(config), "--lang", "zh", "dns"]
    try:
        out = subprocess.run(
            [*command, "example.net", "--server", server.address, "--no-policy-fetch", "--timeout", "1"],
            capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
    finally:
        server.close()
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"域名：example.net  （查询了 {server.address}）")
    assert "mx.example.net 192.0.2.25 没有反向 DNS" in out.stdout and "汇总：" in out.stdout
    assert not leftovers(out.stdout), leftovers(out.stdout)


def test_a_refused_lookup_in_chinese() -> None:
    zone = {("example.net", "MX"): ["10 mx.example.net."], ("mx.example.net", "A"): ["192.0.2.25"]}
    server = DnsServer(zone, recursive=False, refused=["mx.example.net"])
    set_language("zh")
    try:
        report = check_domain(
            "example.net", [server.address], timeout=1, policy_fetch=PolicyFetch(enabled=False)
        )
    finally:
        server.close()
    assert f"AAAA mx.example.net：{server.address} 拒绝应答（REFUSED）：它不负责该名称" in " ".join(
        report.problems
    )
    assert not any("refused" in p or "SERVFAIL" in p for p in report.problems)
