"""The whole mail DNS setup against the loopback DNS responder and a loopback HTTPS server:
MX reverse DNS (forward-confirmed or not), DKIM keys, MTA-STS (record, fetched policy, MX
match), TLS-RPT, DANE TLSA with the AD bit, DNS blocklists (IPv4 and IPv6 names).
Nothing here leaves 127.0.0.1."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from mailtui.core.errors import MailtuiError
from mailtui.diagnostics.dns_check import DnsReport, check_domain, format_report
from mailtui.diagnostics.dns_findings import Finding
from mailtui.diagnostics.mta_sts import PolicyFetch
from tests.certs import free_port, make_certificate
from tests.diagnostics.dns_server import DnsServer, txt_rdata
from tests.diagnostics.https_server import HttpsServer


def rsa_p(bits: int) -> str:
    if bits < 1024:  # cryptography refuses to generate these; a public key of that size is enough
        key = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) | 0xF1).public_key()
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


ED25519_P = base64.b64encode(
    ed25519.Ed25519PrivateKey.generate()
    .public_key()
    .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
).decode()
TLSA_GOOD = "ab" * 32
V6_NIBBLES = "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"

ZONE = {
    ("setup.test", "MX"): ["10 mx1.setup.test.", "20 mx2.setup.test."],
    ("setup.test", "TXT"): ['"v=spf1 mx -all"'],
    ("_dmarc.setup.test", "TXT"): ['"v=DMARC1; p=reject; rua=mailto:d@setup.test"'],
    ("mx1.setup.test", "A"): ["192.0.2.10"],
    ("mx1.setup.test", "AAAA"): ["2001:db8::10"],
    ("10.2.0.192.in-addr.arpa", "PTR"): ["mx1.setup.test."],
    (f"{V6_NIBBLES}.ip6.arpa", "PTR"): ["v6.isp.test."],  # v6.isp.test has no AAAA: not confirmed
    ("mx2.setup.test", "A"): ["192.0.2.20"],  # no PTR at all
    ("sel2048._domainkey.setup.test", "TXT"): [txt_rdata(f"v=DKIM1; k=rsa; t=y; p={rsa_p(2048)}")],
    ("default._domainkey.setup.test", "TXT"): ['"v=DKIM1; p="'],
    ("s1._domainkey.setup.test", "TXT"): [txt_rdata(f"v=DKIM1; k=rsa; p={rsa_p(512)}")],
    ("s2._domainkey.setup.test", "TXT"): [txt_rdata(f"v=DKIM1; k=rsa; p={rsa_p(1024)}")],
    ("k1._domainkey.setup.test", "TXT"): [txt_rdata(f"v=DKIM1; k=ed25519; p={ED25519_P}")],
    ("mail._domainkey.setup.test", "TXT"): ['"v=DKIM1; k=rsa; p=not*base64"'],
    # As Microsoft 365 publishes them: the selector is a CNAME to the provider's key.
    ("selector1._domainkey.setup.test", "CNAME"): ["selector1-setup._domainkey.provider.test."],
    ("selector1-setup._domainkey.provider.test", "TXT"): [txt_rdata(f"v=DKIM1; k=rsa; p={rsa_p(2048)}")],
    ("_mta-sts.setup.test", "TXT"): ['"v=STSv1; id=20261202T0600"'],
    ("mta-sts.setup.test", "A"): ["127.0.0.1"],
    ("_smtp._tls.setup.test", "TXT"): ['"v=TLSRPTv1; rua=mailto:tls@setup.test"'],
    ("_25._tcp.mx1.setup.test", "TLSA"): [f"3 1 1 {TLSA_GOOD}", "1 0 1 " + "cd" * 32],
    # Blocklist bl.test: 192.0.2.10 and 2001:db8::10 listed, 192.0.2.20 not.
    ("2.0.0.127.bl.test", "A"): ["127.0.0.2"],  # the RFC 5782 test entry: the zone works
    ("10.2.0.192.bl.test", "A"): ["127.0.0.2"],
    ("10.2.0.192.bl.test", "TXT"): ['"Listed for spam; see https://bl.test/lookup?ip=192.0.2.10"'],
    (f"{V6_NIBBLES}.bl.test", "A"): ["127.0.0.4"],
    ("25.2.0.192.bl.test", "A"): ["192.0.2.200"],  # not a blocklist answer
    # A domain with nothing but an MX.
    ("bare.test", "MX"): ["10 mx1.setup.test."],
    # Hostile TXT: escape sequences, markup, a huge record.
    ("evil.test", "TXT"): [txt_rdata("v=spf1 \x1b]52;c;SGVsbG8=\x07[bold red]x[/] -all")],
    ("_mta-sts.evil.test", "TXT"): [txt_rdata("v=STSv1; id=" + "A" * 3000 + "\x1b[2J")],
    ("default._domainkey.evil.test", "TXT"): [txt_rdata("v=DKIM1; k=rsa; p=" + "QUFB" * 1500)],
    # MTA-STS policy host redirecting, and one with a policy that is not a policy.
    ("redirect.test", "MX"): ["10 mx1.setup.test."],
    ("_mta-sts.redirect.test", "TXT"): ['"v=STSv1; id=1"'],
    ("mta-sts.redirect.test", "A"): ["127.0.0.1"],
    ("evilpolicy.test", "MX"): ["10 mx1.setup.test."],
    ("_mta-sts.evilpolicy.test", "TXT"): ['"v=STSv1; id=2"'],
    ("mta-sts.evilpolicy.test", "A"): ["127.0.0.1"],
    ("_smtp._tls.evilpolicy.test", "TXT"): ['"v=TLSRPTv1; rua=http://plain.example/report, tls@x"'],
    ("_smtp._tls.redirect.test", "TXT"): ['"v=TLSRPTv1;"'],
    ("big.test", "MX"): ["10 mx1.setup.test."],
    ("_mta-sts.big.test", "TXT"): ['"v=STSv1; id=1"'],
    ("mta-sts.big.test", "A"): ["127.0.0.1"],
    ("nopolicy.test", "MX"): ["10 mx1.setup.test."],
    ("_mta-sts.nopolicy.test", "TXT"): ['"v=STSv1; id=1"'],
}
POLICY = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.setup.test\r\nmx: *.backup.test\r\nmax_age: 604800\r\n"

EVIL_POLICY = b"version: STSv1\nmode: enforce\x1b]0;pwned\x07\nmx: mx1.setup.test\x1b[2J[red]x[/red]\nmax_age: 99999999999\n"


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE, authenticated=["_25._tcp.mx1.setup.test"])
    yield server
    server.close()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pair = make_certificate(
        tmp_path_factory.mktemp("sts"),
        "mta-sts",
        dns=("mta-sts.setup.test", "mta-sts.redirect.test", "mta-sts.evilpolicy.test", "mta-sts.big.test"),
    )
    return pair.cert, pair.key


@pytest.fixture(scope="module")
def https(ca: tuple[Path, Path]) -> Iterator[HttpsServer]:
    pages = {
        "mta-sts.setup.test": (200, {"Content-Type": "text/plain"}, POLICY),
        "mta-sts.redirect.test": (301, {"Location": "https://elsewhere.test/p.txt\x1b[2J"}, b""),
        "mta-sts.evilpolicy.test": (200, {"Content-Type": "text/html"}, EVIL_POLICY),
        "mta-sts.big.test": (200, {"Content-Type": "text/plain"}, POLICY + b"# padding\n" * 8000),
    }
    server = HttpsServer(ca[0], ca[1], pages)
    yield server
    server.close()


@pytest.fixture(scope="module")
def report(dns: DnsServer, https: HttpsServer, ca: tuple[Path, Path]) -> DnsReport:
    return check_domain(
        "setup.test",
        [dns.address],
        timeout=2,
        dkim_selectors=["sel2048", "missing"],
        blocklists=["bl.test"],
        policy_fetch=PolicyFetch(port=https.port, cafile=ca[0], timeout=3),
    )


def texts(report: DnsReport, area: str, level: str | None = None) -> list[str]:
    return [f.text for f in report.findings if f.area == area and (level is None or f.level == level)]


def finding(report: DnsReport, area: str, fragment: str) -> Finding:
    matches = [f for f in report.findings if f.area == area and fragment in f.text]
    assert matches, (fragment, [f.text for f in report.findings if f.area == area])
    return matches[0]


def test_mx_addresses_have_reverse_dns_checked(report: DnsReport) -> None:
    mx1, mx2 = report.mx
    v4, v6 = mx1.reverse
    assert (v4.address, v4.ptr, v4.forward_confirmed) == ("192.0.2.10", ("mx1.setup.test",), True)
    assert (v6.address, v6.ptr, v6.forward_confirmed) == ("2001:db8::10", ("v6.isp.test",), False)
    assert v6.reverse_name == f"{V6_NIBBLES}.ip6.arpa"
    assert mx2.reverse[0].ptr == ()
    assert finding(report, "mx", "192.0.2.10: PTR mx1.setup.test, forward-confirmed").level == "ok"
    unconfirmed = finding(report, "mx", "not forward-confirmed")
    assert (
        "2001:db8::10" in unconfirmed.text
        and unconfirmed.fix == "publish v6.isp.test. AAAA 2001:db8::10, or set the PTR to mx1.setup.test"
    )
    assert "set its PTR to mx2.setup.test" in finding(report, "mx", "192.0.2.20 has no reverse DNS").fix


def test_dkim_selectors_tried_found_and_keys_read(report: DnsReport) -> None:
    dkim = report.dkim
    assert dkim is not None
    assert dkim.tried[:2] == ("sel2048", "missing") and "selector1" in dkim.tried and "google" in dkim.tried
    assert set(dkim.found) == {"sel2048", "default", "s1", "s2", "k1", "mail", "selector1"}
    keys = {k.selector: k for k in dkim.keys}
    assert keys["sel2048"].key_bits == 2048 and keys["sel2048"].testing
    assert keys["default"].revoked and keys["default"].key_bits is None
    assert keys["s1"].key_bits == 512 and keys["s2"].key_bits == 1024
    assert keys["k1"].key_type == "ed25519" and keys["k1"].key_bits == 256
    assert keys["selector1"].key_bits == 2048  # through the CNAME to the provider's record
    assert finding(report, "dkim", "sel2048._domainkey.setup.test: 2048-bit rsa key").level == "ok"
    assert finding(report, "dkim", "t=y (testing)").level == "warn"
    assert finding(report, "dkim", "p= is empty: this key is revoked").level == "info"  # not a given one
    assert finding(report, "dkim", "RSA key of 512 bits").level == "error"
    assert finding(report, "dkim", "RSA key of 1024 bits").level == "warn"
    assert finding(report, "dkim", "mail._domainkey.setup.test: p= is not valid base64").level == "error"
    missing = finding(report, "dkim", "no DKIM key at missing._domainkey.setup.test")
    assert (
        missing.level == "error"
        and 'publish TXT at missing._domainkey.setup.test: "v=DKIM1; k=rsa; p=' in missing.fix
    )


def test_mta_sts_policy_fetched_over_verified_tls_and_mx_matched(
    report: DnsReport, https: HttpsServer
) -> None:
    sts = report.mta_sts
    assert sts is not None and sts.sts_id == "20261202T0600" and sts.fetched and sts.fetch_error == ""
    assert ("mta-sts.setup.test", "/.well-known/mta-sts.txt") in https.requests
    policy = sts.policy
    assert policy is not None
    assert (policy.version, policy.mode, policy.mx, policy.max_age) == (
        "STSv1", "enforce", ("mx1.setup.test", "*.backup.test"), 604800,
    )  # fmt: skip
    assert [(m.host, m.pattern) for m in sts.matches] == [
        ("mx1.setup.test", "mx1.setup.test"),
        ("mx2.setup.test", None),
    ]
    bad = finding(report, "mta-sts", "MX mx2.setup.test matches no mx: line")
    assert bad.level == "error" and "add 'mx: mx2.setup.test'" in bad.fix


def test_mta_sts_untrusted_certificate_is_said(dns: DnsServer, https: HttpsServer, tmp_path: Path) -> None:
    other = make_certificate(tmp_path, "other", dns=("mta-sts.setup.test",))  # not the server's CA
    report = check_domain(
        "setup.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(port=https.port, cafile=other.cert)
    )
    assert report.mta_sts is not None and report.mta_sts.policy is None
    assert "is not trusted" in report.mta_sts.fetch_error
    assert finding(report, "mta-sts", "the policy could not be fetched").level == "error"


def test_mta_sts_unreachable_and_redirect_and_no_address(
    dns: DnsServer, https: HttpsServer, ca: tuple[Path, Path]
) -> None:
    closed = PolicyFetch(port=free_port(), cafile=ca[0], timeout=2)
    unreachable = check_domain("setup.test", [dns.address], timeout=2, policy_fetch=closed).mta_sts
    assert unreachable is not None and "unreachable: connection refused" in unreachable.fetch_error
    redirect = PolicyFetch(port=https.port, cafile=ca[0], timeout=2)
    moved = check_domain("redirect.test", [dns.address], timeout=2, policy_fetch=redirect).mta_sts
    assert (
        moved is not None and "HTTP 301 (redirect to https://elsewhere.test/p.txt;" in moved.fetch_error
    )  # ESC [2J removed
    big = check_domain("big.test", [dns.address], timeout=2, policy_fetch=redirect).mta_sts
    assert (
        big is not None and big.fetch_error == "the policy is larger than 65536 bytes" and big.policy is None
    )
    nohost = check_domain("nopolicy.test", [dns.address], timeout=2, policy_fetch=redirect).mta_sts
    assert nohost is not None and nohost.fetch_error == "mta-sts.nopolicy.test has no A/AAAA record"


def test_tls_rpt(report: DnsReport, dns: DnsServer) -> None:
    assert report.tls_rpt is not None and report.tls_rpt.rua == ("mailto:tls@setup.test",)
    assert finding(report, "tls-rpt", "TLS reports go to mailto:tls@setup.test").level == "ok"
    bare = check_domain("bare.test", [dns.address], timeout=2)
    missing = finding(bare, "tls-rpt", "no TLS-RPT record at _smtp._tls.bare.test")
    assert missing.fix == 'publish TXT at _smtp._tls.bare.test: "v=TLSRPTv1; rua=mailto:tlsrpt@bare.test"'


def test_dane_tlsa_explained_with_the_ad_bit(report: DnsReport) -> None:
    mx1, mx2 = report.dane
    assert (mx1.name, mx1.authenticated) == ("_25._tcp.mx1.setup.test", True)
    good, pkix = sorted(mx1.records, key=lambda r: -r.usage)
    assert (good.usage, good.selector, good.mtype, good.data, good.problems) == (3, 1, 1, TLSA_GOOD, ())
    assert good.meaning.startswith("DANE-EE") and "public key" in good.meaning and "SHA-256" in good.meaning
    assert pkix.usage == 1 and any("unusable for SMTP" in p for p in pkix.problems)
    assert "AD bit" in finding(report, "dane", "_25._tcp.mx1.setup.test: the resolver set the AD bit").text
    assert mx2.records == () and finding(report, "dane", "no TLSA at _25._tcp.mx2.setup.test").level == "info"


def test_dane_without_ad_bit_says_dnssec_was_not_checked(dns: DnsServer) -> None:
    dns.authenticated.discard("_25._tcp.mx1.setup.test")
    try:
        report = check_domain("setup.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    finally:
        dns.authenticated.add("_25._tcp.mx1.setup.test")
    assert report.dane[0].authenticated is False
    assert "DNSSEC was not checked here" in finding(report, "dane", "has no AD bit").text


def test_blocklists_of_the_mx_addresses(report: DnsReport, dns: DnsServer) -> None:
    by_ip = {item.ip: item for item in report.blocklists}
    assert set(by_ip) == {"192.0.2.10", "2001:db8::10", "192.0.2.20"}
    assert by_ip["192.0.2.10"].query == "10.2.0.192.bl.test" and by_ip["192.0.2.10"].listed
    assert by_ip["192.0.2.10"].reason == "Listed for spam; see https://bl.test/lookup?ip=192.0.2.10"
    assert by_ip["2001:db8::10"].query == f"{V6_NIBBLES}.bl.test" and by_ip["2001:db8::10"].answers == (
        "127.0.0.4",
    )
    assert not by_ip["192.0.2.20"].listed
    listed = finding(report, "dnsbl", "192.0.2.10 is listed in bl.test")
    assert listed.level == "error" and "Reason: Listed for spam" in listed.text and "removal" in listed.fix
    assert finding(report, "dnsbl", "192.0.2.20 is not listed in bl.test").level == "ok"


def test_blocklist_given_ip_and_a_non_blocklist_answer(dns: DnsServer) -> None:
    report = check_domain(
        "bare.test", [dns.address], timeout=2, blocklists=["bl.test"], blocklist_ips=["192.0.2.25"],
        policy_fetch=PolicyFetch(enabled=False),
    )  # fmt: skip
    (item,) = report.blocklists  # the given IP replaces the MX addresses
    assert item.query == "25.2.0.192.bl.test" and not item.listed
    assert "outside 127.0.0.0/8" in item.error
    with pytest.raises(MailtuiError, match="not an IP address"):
        check_domain("bare.test", [dns.address], blocklist_ips=["192.0.2.999"])


def test_blocklists_are_off_by_default(report: DnsReport, dns: DnsServer) -> None:
    before = len(dns.queries)
    plain = check_domain("bare.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    assert plain.blocklists == () and not any(name.endswith(".bl.test") for name, _ in dns.queries[before:])
    assert "blocklists not checked (off by default)" in texts(plain, "dnsbl", "info")[0]


def test_bare_domain_gets_each_record_to_publish(dns: DnsServer) -> None:
    report = check_domain("bare.test", [dns.address], timeout=2)
    assert report.dkim is not None and report.dkim.found == ()
    fixes = " | ".join(f.fix for f in report.findings)
    assert 'publish TXT at _mta-sts.bare.test: "v=STSv1; id=' in fixes
    assert "mail._domainkey.bare.test" in fixes and "TLSA 3 1 1" in fixes
    assert report.mta_sts is not None and not report.mta_sts.fetched  # no record: nothing fetched
    assert 'publish TXT at bare.test: "v=spf1 mx -all"' in fixes
    assert 'publish TXT at _dmarc.bare.test: "v=DMARC1; p=none; rua=mailto:dmarc-reports@bare.test"' in fixes
    text = format_report(report)
    assert text.count("bare.test publishes no SPF record") == 1  # under SPF, with its fix; not again
    assert "fix: publish TXT at bare.test" in text.split("DMARC:")[0].split("SPF:")[1]


def test_report_text_covers_every_section(report: DnsReport) -> None:
    text = format_report(report)
    for heading in ("MX (preference order):", "SPF:", "DMARC:", "DKIM (selector._domainkey):",
                    "MTA-STS (_mta-sts.setup.test):", "TLS-RPT (_smtp._tls.setup.test):",
                    "DANE (TLSA _25._tcp.MX):", "DNS blocklists:"):  # fmt: skip
        assert heading in text
    assert "192.0.2.10  PTR mx1.setup.test  forward-confirmed" in text
    assert "2001:db8::10  PTR v6.isp.test  NOT forward-confirmed" in text and "192.0.2.20  no PTR" in text
    assert "tried: sel2048, missing, default, selector1" in text
    assert "    3 1 1 " + TLSA_GOOD in text
    assert "192.0.2.10 in bl.test: LISTED 127.0.0.2" in text
    assert "fix: add 'mx: mx2.setup.test'" in text


def test_hostile_dns_text_is_cleaned_and_cut(dns: DnsServer) -> None:
    report = check_domain("evil.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    text = format_report(report)
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold red]x[/]" in text  # shown as it is, never interpreted (the tab renders Text)
    assert max(len(line) for line in text.splitlines()) < 1000
    assert report.mta_sts is not None and any(
        "must be 1 to 32 letters" in p for p in report.mta_sts.record_problems
    )
    assert report.dkim is not None and report.dkim.keys[0].problems  # 4500 bytes of "AAA": not a key


def test_servfail_on_a_reverse_zone_does_not_stop_the_report(dns: DnsServer) -> None:
    dns.servfail.add("20.2.0.192.in-addr.arpa")
    try:
        report = check_domain("setup.test", [dns.address], timeout=2, policy_fetch=PolicyFetch(enabled=False))
    finally:
        dns.servfail.discard("20.2.0.192.in-addr.arpa")
    assert report.mx[1].reverse[0].ptr == () and "SERVFAIL" in report.mx[1].reverse[0].error
    assert "192.0.2.20: reverse DNS not checked" in finding(report, "mx", "SERVFAIL").text
    assert any("PTR 20.2.0.192.in-addr.arpa" in p and "SERVFAIL" in p for p in report.problems)
    assert report.dkim is not None and report.tls_rpt is not None  # the rest was still checked


def test_tlsa_digest_of_the_wrong_length_matches_nothing() -> None:
    # dnspython refuses to build (or read) such a record, so it is checked on the fields alone.
    from mailtui.diagnostics.dane import explain_tlsa

    short = explain_tlsa(3, 1, 1, bytes(16))
    assert any("32 bytes, this one is 16" in p for p in short.problems)
    assert explain_tlsa(3, 1, 2, bytes(64)).problems == ()
    assert any("not defined" in p for p in explain_tlsa(4, 2, 3, b"").problems)


@pytest.mark.parametrize(
    ("host", "pattern", "matches"),
    [
        ("mx1.example.net", "mx1.example.net", True),
        ("MX1.Example.NET.", "mx1.example.net", True),
        ("mail.example.net", "*.example.net", True),
        ("a.b.example.net", "*.example.net", False),  # the wildcard covers one label only
        ("example.net", "*.example.net", False),
        ("mail.badexample.net", "*.example.net", False),
        ("mx2.example.net", "mx1.example.net", False),
    ],
)
def test_mta_sts_mx_patterns(host: str, pattern: str, matches: bool) -> None:
    from mailtui.diagnostics.mta_sts import mx_matches

    assert mx_matches(host, pattern) is matches


def test_hostile_policy_file_is_cleaned_and_checked(
    dns: DnsServer, https: HttpsServer, ca: tuple[Path, Path]
) -> None:
    how = PolicyFetch(port=https.port, cafile=ca[0], timeout=3)
    report = check_domain("evilpolicy.test", [dns.address], timeout=2, policy_fetch=how)
    text = format_report(report)
    assert "\x1b" not in text and "\x07" not in text
    sts = report.mta_sts
    assert sts is not None and sts.policy is not None
    assert sts.policy.mode is None  # "enforce" + an escape sequence is not "enforce"
    assert "mode: enforce\u241b]0;pwned\u2407 is not enforce, testing or none" in sts.policy.problems
    assert any("over the one-year maximum" in p for p in sts.policy.problems)
    assert "served as text/html" in sts.policy.text
    assert (
        sts.policy.mx == () and "mx: mx1.setup.test\u241b[2J[red]x[/red] is not a host name" in text
    )  # shown as it is


def test_tls_rpt_record_without_rua_or_with_a_bad_scheme(dns: DnsServer) -> None:
    off = PolicyFetch(enabled=False)
    empty = check_domain("redirect.test", [dns.address], timeout=2, policy_fetch=off)
    assert finding(empty, "tls-rpt", "rua= is missing").level == "error"
    bad = check_domain("evilpolicy.test", [dns.address], timeout=2, policy_fetch=off)
    assert bad.tls_rpt is not None and bad.tls_rpt.rua == ("http://plain.example/report", "tls@x")
    assert finding(bad, "tls-rpt", "rua http://plain.example/report must be mailto:").level == "error"
    assert finding(bad, "tls-rpt", "rua tls@x must be mailto:").fix.startswith(
        "publish TXT at _smtp._tls.evilpolicy.test"
    )


def test_a_blocklist_zone_without_its_test_entry_is_not_trusted(report: DnsReport, dns: DnsServer) -> None:
    assert [(t.zone, t.works) for t in report.blocklist_tests] == [("bl.test", True)]
    assert not any("did not list its test address" in t for t in texts(report, "dnsbl"))
    dead = check_domain(
        "bare.test",
        [dns.address],
        timeout=2,
        blocklists=["dead.test"],
        policy_fetch=PolicyFetch(enabled=False),
    )
    assert [(t.zone, t.works) for t in dead.blocklist_tests] == [("dead.test", False)]
    warning = finding(dead, "dnsbl", "dead.test did not list its test address 127.0.0.2")
    assert warning.level == "warn" and "mean nothing" in warning.text


@pytest.mark.parametrize(
    ("zone", "answer", "fragment"),
    [
        ("zen.spamhaus.org", "127.0.0.4", "XBL: the address is infected"),
        ("zen.spamhaus.org", "127.0.0.10", "PBL (ISP)"),
        ("zen.spamhaus.org", "127.255.255.254", "refuses queries through public resolvers"),
        ("bl.test", "127.0.0.2", "the usual plain 'listed'"),
        ("bl.test", "127.0.0.9", "127.0.0.9 is the list's reason code"),
        ("bl.test", "127.255.255.255", "an error code of the list"),
        ("bl.test", "198.51.100.7", "outside 127.0.0.0/8"),
    ],
)
def test_blocklist_answers_explained(zone: str, answer: str, fragment: str) -> None:
    from mailtui.diagnostics.dnsbl import explain_answer

    assert fragment in explain_answer(zone, answer)


def _pkcs1_p() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    return base64.b64encode(
        key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    ).decode()


@pytest.mark.parametrize(
    ("record", "bits", "fragment"),
    [
        ("k=rsa; v=DKIM1; p=" + ED25519_P, None, "v= must be DKIM1 and come first"),
        ("v=DKIM1; k=dsa; p=" + ED25519_P, None, "k=dsa is not rsa or ed25519"),
        ("v=DKIM1; k=rsa", None, "p= is missing"),
        ("v=DKIM1; h=sha1; p=" + rsa_p(2048), 2048, "does not allow sha256"),
        ("v=DKIM1; s=tlsrpt; p=" + rsa_p(2048), 2048, "excludes email"),
        ("v=DKIM1; k=ed25519; p=" + rsa_p(1024), None, "must be 32 bytes"),
        ("v=DKIM1; k=rsa; p=" + ED25519_P, None, "does not hold an RSA public key"),
        ("v=DKIM1; p=" + _pkcs1_p(), 1024, ""),  # a bare PKCS#1 key, as some generators write it
        ("v=DKIM1; t=s:y; p=" + rsa_p(2048), 2048, ""),
    ],
    # Fixed ids: the keys are generated at collection, and pytest-xdist's workers must
    # collect the same test names (ids made from random keys differ, and the run stops).
    ids=["v-not-first", "k-dsa", "no-p", "h-sha1", "s-tlsrpt", "ed25519-size", "rsa-expected", "pkcs1", "t-s-y"],
)
def test_dkim_key_records(record: str, bits: int | None, fragment: str) -> None:
    from mailtui.diagnostics.dns_dkim import parse_key_record

    key = parse_key_record("s", "s._domainkey.x.test", record)
    assert key.key_bits == bits
    if fragment:
        assert any(fragment in p for p in key.problems), key.problems
    else:
        assert key.problems == ()
    if "t=s:y" in record:
        assert key.strict and key.testing


def test_blocklist_lookups_are_capped_and_the_cap_said(dns: DnsServer) -> None:
    ips = [f"192.0.2.{i}" for i in range(100, 111)]
    off = PolicyFetch(enabled=False)
    report = check_domain(
        "bare.test", [dns.address], timeout=2, blocklists=["bl.test"], blocklist_ips=ips, policy_fetch=off
    )
    assert [item.ip for item in report.blocklists] == ips[:10]
    assert finding(report, "dnsbl", "only the first 10 of 11 addresses were looked up").level == "info"
