"""The SPF tree's problems and parse errors, the PGP/S/MIME verdicts and the error titles in
Chinese under zh; the records, terms, key ids and status keywords (GOOD, BAD, UNTRUSTED) kept.
Real runs: SPF trees on the loopback DNS responder, messages signed by the real gpg and
openssl (as in test_signatures), the CLI in a subprocess."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.core.error_titles import error_title
from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import catalog, language, set_language
from mailtui.diagnostics.dns_check import check_domain, format_report
from mailtui.diagnostics.mta_sts import PolicyFetch
from mailtui.diagnostics.signatures import format_verdicts, verify_signatures
from mailtui.diagnostics.spf import parse_spf
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_signatures import SIGNER, _fingerprint, _gpg, pgp_mime, smime_signed

PACKAGE = Path(__file__).resolve().parents[2] / "mailtui"

DEEP = {(f"n{k}.deep.test", "TXT"): [f'"v=spf1 include:n{k + 1}.deep.test -all"'] for k in range(1, 21)}
ZONE = {
    ("syntax.test", "TXT"): ['"v=spf1 foo:bar include: ip4 exp=a.test exp=b.test ptr -all redirect=x.test"'],
    ("macro.test", "TXT"): ['"v=spf1 exists:%{i}.rbl.test include:%{d}.inc.test -all"'],
    ("loop.test", "TXT"): ['"v=spf1 include:loop2.test -all"'],
    ("loop2.test", "TXT"): ['"v=spf1 ip4:192.0.2.1 include:loop.test ~all"'],
    ("void.test", "TXT"): ['"v=spf1 include:nx1.void.test include:nx2.void.test include:nx3.void.test -all"'],
    ("voidam.test", "TXT"): ['"v=spf1 a:gone.voidam.test mx -all"'],
    ("twospf.test", "TXT"): ['"v=spf1 include:two.twospf.test -all"'],
    ("two.twospf.test", "TXT"): ['"v=spf1 -all"', '"v=spf1 ip4:192.0.2.1 -all"'],
    ("plain.test", "TXT"): ['"v=spf1 include:txt.plain.test -all"'],
    ("txt.plain.test", "TXT"): ['"site-verification=abc"'],
    ("deep.test", "TXT"): ['"v=spf1 include:n1.deep.test -all"'],
    **DEEP,
}

# Sentences of the English SPF section that must not be left in the Chinese one.
SPF_ENGLISH = (
    "unknown term", "needs a domain", "needs an address", "appears more than once", "is ignored",
    "deprecated", "uses a macro", "not expanded", "loop:", "loop back", "DNS-querying", "limit",
    "receivers", "void lookup", "no such domain", "no TXT record", "no SPF record", "SPF records;",
    "keep exactly one", "matches nothing", "nested deeper", "stopped",
)  # fmt: skip
SIGNATURE_ENGLISH = (
    "good signature", "BAD signature", "not checked", "not installed", "keyring", "decrypt",
    "signer:", "key:", "checked with", "part 1:", "issued by", "trusted", "chains to",
    "matches the message", "changed after", "not signed",
)  # fmt: skip


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    yield server
    server.close()


def spf_section(dns: DnsServer, domain: str) -> str:
    report = check_domain(domain, [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    text = format_report(report)
    return text.split("\nSPF:\n", 1)[1].split("\nDMARC:\n", 1)[0]


def leftovers(text: str, english: tuple[str, ...]) -> list[str]:
    return [e for e in english if e in text]


@pytest.mark.parametrize(
    ("domain", "said"),
    [
        (
            "syntax.test",
            [
                "syntax.test：未知的项 'foo:bar'",
                "syntax.test：include 需要一个域名：'include:'",
                "syntax.test：ip4 需要一个地址：'ip4'",
                "syntax.test：exp= 出现了不止一次",
                "syntax.test：redirect= 被忽略，因为该记录含有 'all' 机制",
                "syntax.test：ptr 机制已废弃（RFC 7208 5.5）；请改用 ip4/ip6",
            ],
        ),
        ("macro.test", ["macro.test：include:%{d}.inc.test 使用了宏；未展开"]),
        (
            "loop.test",
            ["循环：loop.test -> loop2.test -> loop.test", "loop.test (include): 循环回到 loop.test"],
        ),
        (
            "void.test",
            [
                "nx1.void.test：域名不存在或没有 TXT 记录",
                "3 次空查询（名称没有任何记录）：超过 2 次的上限，结果为 permerror",
            ],
        ),
        (
            "voidam.test",
            [
                "voidam.test：a:gone.voidam.test 匹配不到任何地址：gone.voidam.test 没有 A/AAAA 记录（空查询）",
                "voidam.test：mx 匹配不到任何地址：voidam.test 没有 MX 记录（空查询）",
            ],
        ),
        ("twospf.test", ["two.twospf.test：有 2 条 SPF 记录；按 RFC 7208 结果为 permerror，请只保留一条"]),
        ("plain.test", ["txt.plain.test：没有 SPF 记录（没有以 v=spf1 开头的 TXT 记录）"]),
        (
            "deep.test",
            [
                "n20.deep.test：include 嵌套超过 20 层；已停止展开",
                "21 个需要 DNS 查询的项（include、a、mx、ptr、exists、redirect）：超过 SPF 的 10 次上限；"
                "收件方会返回 permerror，该策略对所有邮件都判定失败",
            ],
        ),
    ],
)
def test_spf_tree_problems_in_chinese(dns: DnsServer, domain: str, said: list[str]) -> None:
    english = spf_section(dns, domain)
    assert leftovers(english, SPF_ENGLISH), english  # the English report has them
    set_language("zh")
    text = spf_section(dns, domain)
    for line in said:
        assert line in text, (line, text)
    assert not leftovers(text, SPF_ENGLISH), (leftovers(text, SPF_ENGLISH), text)


def test_spf_parse_errors_in_chinese_and_english_inside_language_en(dns: DnsServer) -> None:
    assert parse_spf("v=spf2 -all").errors == ("not an SPF record (must start with v=spf1)",)
    set_language("zh")
    assert parse_spf("v=spf2 -all").errors == ("不是 SPF 记录（必须以 v=spf1 开头）",)
    assert parse_spf("v=spf1 redirect=a.test redirect=b.test").errors == ("redirect= 出现了不止一次",)
    with language("en"):  # what --json builds
        section = spf_section(dns, "syntax.test")
    assert "syntax.test: unknown term 'foo:bar'" in section and "未知" not in section


def test_spf_parse_error_in_the_verdict_report_in_chinese(dns: DnsServer) -> None:
    from mailtui.diagnostics.verdicts.report import verify_message

    raw = (
        b"Return-Path: <bounce@syntax.test>\r\n"
        b"Received: from mail.syntax.test (mail.syntax.test [192.0.2.9]) by mx.receiver.test; "
        b"Tue, 9 Apr 2024 10:00:00 +0000\r\n"
        b"From: a@syntax.test\r\nSubject: x\r\n\r\nbody\r\n"
    )
    set_language("zh")
    spf = verify_message(raw, dns.address).spf
    assert spf.result == "permerror" and "未知的项 'foo:bar'" in spf.reason, spf.reason


# --- PGP and S/MIME ----------------------------------------------------------------------

needs_tools = pytest.mark.skipif(
    shutil.which("gpg") is None or shutil.which("openssl") is None, reason="needs gpg and openssl (make test)"
)


@needs_tools
def test_pgp_verdicts_in_chinese(keyring: Path, short_home: Path) -> None:
    english = format_verdicts(verify_signatures(pgp_mime(keyring), gnupghome=str(keyring)))
    assert "  part 1: PGP/MIME signed: GOOD" in english
    set_language("zh")
    (good,) = verify_signatures(pgp_mime(keyring), gnupghome=str(keyring))
    assert (good.status, good.signer, good.key) == ("good", SIGNER, _fingerprint(keyring))
    assert good.reason == "签名正确：被签名的部分与签名时一致；这是你自己的密钥（绝对信任）"
    lines = format_verdicts((good,))
    assert lines[:4] == [
        "  第 1 部分：PGP/MIME signed：GOOD",
        "     签名正确：被签名的部分与签名时一致；这是你自己的密钥（绝对信任）",
        f"     签名者：{SIGNER}",
        f"     密钥：{good.key}",
    ]
    assert lines[4].startswith("     检查工具：gpg")
    (bad,) = verify_signatures(pgp_mime(keyring).replace(b"03:12", b"03:13"), gnupghome=str(keyring))
    assert bad.status == "bad" and bad.reason.startswith("签名不匹配（BAD）：被签名的部分在签名后被修改了")
    (unknown,) = verify_signatures(pgp_mime(keyring), gnupghome=str(short_home))
    assert unknown.status == "unchecked"
    assert unknown.reason == (
        f"未检查：签名者的密钥 {unknown.key} 不在你的密钥环中（用 gpg --recv-keys {unknown.key} 获取，"
        "或从发件人处导入，然后重新检查）"
    )
    _gpg(short_home, "--import", data=_gpg(keyring, "--armor", "--export"))
    (untrusted,) = verify_signatures(pgp_mime(keyring), gnupghome=str(short_home))
    assert untrusted.status == "untrusted" and untrusted.reason.startswith("签名正确：")
    assert "该密钥在你的密钥环中，但未经认证属于发件人" in untrusted.reason
    (no_gpg,) = verify_signatures(pgp_mime(keyring), gpg="/nonexistent/gpg")
    assert no_gpg.reason == "未检查：没有安装 gpg（apt-get install gpg）"
    text = "\n".join(format_verdicts((good, bad, unknown, untrusted, no_gpg)))
    assert "UNTRUSTED" in text and "UNCHECKED" in text  # keywords the headers view marks
    assert not leftovers(text, SIGNATURE_ENGLISH), leftovers(text, SIGNATURE_ENGLISH)


@needs_tools
def test_smime_verdicts_in_chinese(smime: tuple[object, object, Path]) -> None:
    cert, key, ca_file = smime
    set_language("zh")
    (good,) = verify_signatures(smime_signed(cert, key), ca_file=str(ca_file))
    assert good.status == "good"
    assert good.reason == f"签名正确，签名者的证书链可追溯到所给的 CA 文件 {ca_file}"
    assert good.key.startswith("签发者 CN=Test Mail CA，有效期 ") and " 至 " in good.key
    (untrusted,) = verify_signatures(smime_signed(cert, key))
    assert untrusted.status == "untrusted"
    assert untrusted.reason.startswith("签名与邮件相符，但签名者的证书在本机不受信任（")
    assert untrusted.reason.endswith("）；请核查该证书，或用 --smime-ca-file 指定它的 CA")
    (bad,) = verify_signatures(smime_signed(cert, key).replace(b"03:12", b"03:13"), ca_file=str(ca_file))
    assert bad.status == "bad" and bad.reason.startswith("签名不匹配（BAD）：被签名的部分在签名后被修改了（")
    text = "\n".join(format_verdicts((good, untrusted, bad)))
    assert "S/MIME signed：GOOD" in text and "S/MIME signed：BAD" in text
    assert not leftovers(text.replace(str(ca_file), ""), SIGNATURE_ENGLISH), text


def test_unsigned_and_encrypted_in_chinese() -> None:
    smime = b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\n\nMIIB\n'
    assert "does not decrypt" in verify_signatures(smime)[0].reason
    set_language("zh")
    assert format_verdicts(()) == ["  （没有 PGP 或 S/MIME 签名或加密）"]
    (verdict,) = verify_signatures(smime)
    assert verdict.reason == "已加密：mailtui 不解密；其内容及其中的任何签名都未检查"
    assert format_verdicts((verdict,))[0] == "  第 1 部分：S/MIME encrypted：ENCRYPTED"


@needs_tools
def test_verdicts_stay_english_inside_language_en(keyring: Path) -> None:
    set_language("zh")
    with language("en"):  # what `verify --json` builds
        (verdict,) = verify_signatures(pgp_mime(keyring), gnupghome=str(keyring))
        lines = format_verdicts((verdict,))
    assert (
        verdict.reason
        == "good signature: the signed part is as it was signed; the key is yours (ultimately trusted)"
    )
    assert lines[0] == "  part 1: PGP/MIME signed: GOOD"


# --- error titles ------------------------------------------------------------------------


def error_titles_in_source() -> set[str]:
    """The titles written at raise sites and on error classes (an error's or notice's title=)."""
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name.endswith(("Error", "Notice")):
                    found |= {
                        kw.value.value
                        for kw in node.keywords
                        if kw.arg == "title" and isinstance(kw.value, ast.Constant)
                    }
            elif isinstance(node, ast.ClassDef) and node.name.endswith(("Error", "Notice")):
                for item in node.body:
                    targets = item.targets if isinstance(item, ast.Assign) else []
                    if any(isinstance(t, ast.Name) and t.id == "title" for t in targets):
                        assert isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant)
                        found.add(item.value.value)
    return found


def test_every_error_title_has_chinese() -> None:
    titles = error_titles_in_source()
    assert {"DNS error", "Bad domain", "Bad --server", "Bad --blocklist-ip", "Bundle not saved"} <= titles
    set_language("zh")
    missing = sorted(t for t in titles if error_title(t) == t)
    assert not missing, missing
    assert MailtuiError("x", title="Bundle not saved").title == "诊断包未保存"
    assert all(error_title(t) == catalog()[t] for t in titles)


def test_a_cli_error_in_chinese_shows_the_chinese_title(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    base = [sys.executable, "-m", "mailtui", "--config", str(config), "--lang", "zh", "dns"]
    bad = subprocess.run([*base, "bad domain!"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 64, bad.stderr
    assert bad.stderr.startswith("mailtui: 域名无效: 'bad domain!' "), bad.stderr
    server = subprocess.run(
        [*base, "example.test", "--server", "not-an-ip"], capture_output=True, text=True, timeout=120
    )
    assert server.stderr.startswith("mailtui: --server 无效: "), server.stderr
    english = subprocess.run(
        [*base[:-3], "dns", "bad domain!"], capture_output=True, text=True, timeout=120
    )  # no --lang: the empty config says nothing, so English
    assert english.stderr.startswith("mailtui: Bad domain: "), english.stderr
