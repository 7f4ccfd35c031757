"""DNS checks against a real (tiny) DNS server on 127.0.0.1: MX, SPF expansion, DMARC, failures."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from mailtui.core.errors import MailtuiError
from mailtui.diagnostics.dns_check import DnsError, check_domain, format_report, parse_dmarc, parse_server
from mailtui.diagnostics.spf import parse_spf
from tests.diagnostics.dns_server import DnsServer

ZONE = {
    ("example.test", "MX"): ["20 mx2.example.test.", "10 mx1.example.test."],
    ("mx1.example.test", "A"): ["192.0.2.10"],
    ("mx1.example.test", "AAAA"): ["2001:db8::10"],
    ("mx2.example.test", "TXT"): ['"not an address"'],  # exists, but no A/AAAA
    ("example.test", "TXT"): [
        '"google-site-verification=abc"',
        '"v=spf1 ip4:192.0.2.0/24 include:_spf.example.test " "include:_spf2.example.test ~all"',
    ],
    ("_spf.example.test", "TXT"): ['"v=spf1 ip6:2001:db8::/32 include:_nested.example.test -all"'],
    ("_nested.example.test", "TXT"): ['"v=spf1 ip4:198.51.100.0/24 ?all"'],
    ("_spf2.example.test", "TXT"): ['"v=spf1 a:mx1.example.test/28 mx:example.test -all"'],
    ("_dmarc.example.test", "TXT"): [
        '"v=DMARC1; p=quarantine; sp=reject; rua=mailto:dmarc@example.test; ruf=mailto:f@example.test; '
        'pct=50; adkim=s; aspf=r"'
    ],
    ("redirect.test", "TXT"): ['"v=spf1 redirect=example.test"'],
    ("loop.test", "TXT"): ['"v=spf1 include:loop2.test -all"'],
    ("loop2.test", "TXT"): ['"v=spf1 ip4:192.0.2.1 include:loop.test ~all"'],
    ("toomany.test", "TXT"): [
        '"v=spf1 a mx include:i1.toomany.test include:i2.toomany.test include:i3.toomany.test -all"'
    ],
    ("i1.toomany.test", "TXT"): ['"v=spf1 a mx ptr exists:x.toomany.test ~all"'],
    ("i2.toomany.test", "TXT"): ['"v=spf1 a mx ~all"'],
    ("i3.toomany.test", "TXT"): ['"v=spf1 ip4:192.0.2.3 ~all"'],
    ("toomany.test", "A"): ["192.0.2.7"],
    ("toomany.test", "MX"): ["10 mx1.example.test."],
    ("i1.toomany.test", "A"): ["192.0.2.8"],
    ("i1.toomany.test", "MX"): ["10 mx1.example.test."],
    ("i2.toomany.test", "A"): ["192.0.2.9"],
    ("i2.toomany.test", "MX"): ["10 mx1.example.test."],
    ("x.toomany.test", "A"): ["127.0.0.2"],
    ("void.test", "TXT"): ['"v=spf1 include:nx1.void.test include:nx2.void.test include:nx3.void.test -all"'],
    ("twospf.test", "TXT"): ['"v=spf1 -all"', '"v=spf1 ip4:192.0.2.1 -all"'],
    ("nothing.test", "A"): ["192.0.2.99"],
    ("voidam.test", "TXT"): ['"v=spf1 a:gone.voidam.test mx a:mx1.example.test -all"'],
}


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    srv = DnsServer(ZONE)
    yield srv
    srv.close()


def test_mx_in_preference_order_with_addresses(server: DnsServer) -> None:
    report = check_domain("example.test", [server.address], timeout=2)
    assert [(m.preference, m.host) for m in report.mx] == [(10, "mx1.example.test"), (20, "mx2.example.test")]
    assert report.mx[0].addresses == ("192.0.2.10", "2001:db8::10")
    assert report.mx[1].addresses == ()
    assert any("mx2.example.test has no A/AAAA" in p for p in report.problems)


def test_spf_nested_includes_are_expanded(server: DnsServer) -> None:
    spf = check_domain("example.test", [server.address], timeout=2).spf
    assert spf is not None
    assert [f.term.raw for f in spf.flattened] == [
        "ip4:192.0.2.0/24",
        "ip6:2001:db8::/32",
        "ip4:198.51.100.0/24",
        "a:mx1.example.test/28",
        "mx:example.test",
        "~all",  # included records' "all" terms end only their include
    ]
    assert [f.source for f in spf.flattened][:3] == [
        "example.test",
        "_spf.example.test",
        "_nested.example.test",
    ]
    assert spf.lookups == 5  # 3 includes + a + mx
    assert not spf.over_limit and spf.void_lookups == 0 and spf.problems == ()
    tree = spf.root
    assert [c.domain for c in tree.children] == ["_spf.example.test", "_spf2.example.test"]
    assert tree.children[0].children[0].domain == "_nested.example.test"


def test_redirect_is_followed_and_its_all_is_final(server: DnsServer) -> None:
    spf = check_domain("redirect.test", [server.address], timeout=2).spf
    assert spf is not None
    assert spf.root.children[0].via == "redirect"
    assert spf.flattened[-1].term.raw == "~all" and spf.flattened[-1].source == "example.test"
    assert spf.lookups == 6  # the redirect plus example.test's five


def test_loops_are_detected(server: DnsServer) -> None:
    spf = check_domain("loop.test", [server.address], timeout=2).spf
    assert spf is not None
    assert any(p.startswith("loop: loop.test -> loop2.test -> loop.test") for p in spf.problems)


def test_more_than_ten_lookups(server: DnsServer) -> None:
    spf = check_domain("toomany.test", [server.address], timeout=2).spf
    assert spf is not None
    assert spf.lookups == 11 and spf.over_limit
    assert any("over SPF's limit of 10" in p for p in spf.problems)
    assert any("ptr mechanism is deprecated" in p for p in spf.problems)
    assert "OVER THE LIMIT" in format_report(check_domain("toomany.test", [server.address], timeout=2))


def test_void_lookups(server: DnsServer) -> None:
    spf = check_domain("void.test", [server.address], timeout=2).spf
    assert spf is not None
    assert spf.void_lookups == 3
    assert any("void lookups" in p for p in spf.problems)


def test_a_and_mx_terms_that_match_nothing_are_void_lookups(server: DnsServer) -> None:
    spf = check_domain("voidam.test", [server.address], timeout=2).spf
    assert spf is not None
    assert spf.void_lookups == 2
    assert any("a:gone.voidam.test matches nothing" in p and "A/AAAA" in p for p in spf.problems)
    assert any("mx matches nothing: voidam.test has no MX" in p for p in spf.problems)
    assert not any("void lookups (names with no record): over" in p for p in spf.problems)  # 2 is allowed


def test_two_spf_records_are_a_permerror(server: DnsServer) -> None:
    spf = check_domain("twospf.test", [server.address], timeout=2).spf
    assert spf is not None and spf.root.record is None
    assert any("2 SPF records" in p for p in spf.problems)


def test_dmarc_record_is_parsed_and_explained(server: DnsServer) -> None:
    dmarc = check_domain("example.test", [server.address], timeout=2).dmarc
    assert dmarc is not None
    assert (dmarc.policy, dmarc.subdomain_policy, dmarc.pct, dmarc.adkim, dmarc.aspf) == (
        "quarantine",
        "reject",
        50,
        "s",
        "r",
    )
    assert dmarc.rua == ("mailto:dmarc@example.test",) and dmarc.ruf == ("mailto:f@example.test",)
    tags = {tag for tag, _, _ in dmarc.explanations}
    assert {"p", "sp", "pct", "rua", "ruf", "adkim", "aspf"} <= tags


def test_domain_without_mx_spf_or_dmarc(server: DnsServer) -> None:
    report = check_domain("nothing.test", [server.address], timeout=2)
    assert report.mx == () and report.spf is None and report.dmarc is None
    text = " ".join(report.problems)
    assert "no MX record" in text and "no SPF record" in text and "no DMARC record" in text


def test_domain_that_does_not_exist(server: DnsServer) -> None:
    report = check_domain("no-such-domain.test", [server.address], timeout=2)
    assert any("does not exist in DNS (NXDOMAIN" in p for p in report.problems)
    assert not any("no MX record" in p for p in report.problems)


def free_udp_port() -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_unreachable_dns_is_a_clear_error() -> None:
    with pytest.raises(DnsError) as info:
        check_domain("example.test", [f"127.0.0.1:{free_udp_port()}"], timeout=0.3)
    assert "DNS is unreachable" in info.value.message and "--server" in info.value.message
    assert info.value.exit_code == 75


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5300", ("::1", 5300)),
        ("2001:db8::1", ("2001:db8::1", 53)),
    ],
)
def test_parse_server(text: str, expected: tuple[str, int]) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("text", ["dns.example", "127.0.0.1:0", "127.0.0.1:99999", "1.2.3.4:x"])
def test_parse_server_rejects_bad_addresses(text: str) -> None:
    with pytest.raises(MailtuiError):
        parse_server(text)


# (record, problem fragments)
DMARC = [
    ("v=DMARC1; p=reject; rua=mailto:a@b.example", []),
    ("v=DMARC1; p=none", ["no rua="]),
    ("v=DMARC1; rua=mailto:a@b.example", ["p= is missing"]),
    ("v=DMARC1; p=block; rua=mailto:a@b", ["p=block is not"]),
    ("p=reject; v=DMARC1; rua=mailto:a@b", ["must start with v=DMARC1"]),
    ("v=DMARC1; p=reject; pct=150; adkim=x; rua=a@b.example", ["pct=150", "adkim=x", "should be mailto:"]),
]


@pytest.mark.parametrize(("record", "problems"), DMARC)
def test_parse_dmarc(record: str, problems: list[str]) -> None:
    dmarc = parse_dmarc(record)
    for fragment in problems:
        assert any(fragment in p for p in dmarc.problems), (fragment, dmarc.problems)
    assert bool(dmarc.problems) == bool(problems)


@pytest.mark.parametrize(
    ("record", "names", "errors"),
    [
        ("v=spf1 ip4:192.0.2.0/24 -all", ["ip4", "all"], []),
        ("v=spf1 a/24 mx:mail.example//64 ~all", ["a", "mx", "all"], []),
        ("v=spf1 include: -all", ["include", "all"], ["include needs a domain"]),
        ("v=spf1 foo:bar -all", ["all"], ["unknown term"]),
        ("v=spf1 -all redirect=x.example", ["all", "redirect"], ["redirect= is ignored"]),
        ("v=spf2 -all", [], ["not an SPF record"]),
    ],
)
def test_parse_spf(record: str, names: list[str], errors: list[str]) -> None:
    parsed = parse_spf(record)
    assert [t.name for t in parsed.terms] == names
    for fragment in errors:
        assert any(fragment in e for e in parsed.errors), (fragment, parsed.errors)
    assert bool(parsed.errors) == bool(errors)
