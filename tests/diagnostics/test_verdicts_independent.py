"""Our verdicts beside independent verifiers from Debian, on the same loopback DNS responder.

Mail::DKIM (libmail-dkim-perl) for DKIM and ARC, Mail::SPF (libmail-spf-perl) for SPF,
both pointed at the responder through a Net::DNS resolver. Skipped where they are not
installed. (opendkim-testmsg only verifies through the system resolver, and its signing
mode writes a corrupt b= tag in Debian's 2.11.0~beta2, so it is not used.)
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from mailtui.diagnostics.verdicts.arc import verify_arc
from mailtui.diagnostics.verdicts.dkim import verify_dkim
from mailtui.diagnostics.verdicts.resolver import VerdictDns
from mailtui.diagnostics.verdicts.spf_verdict import check_spf
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_verdicts import WEAK, ZONE, arc_seal, message, sign

_RESOLVER = """
use strict; use warnings; use Net::DNS::Resolver;
my ($port) = shift @ARGV;
my $res = Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 1,
    udp_timeout => 2, tcp_timeout => 2, retry => 1);
"""
_DKIM = (
    _RESOLVER
    + """
use Mail::DKIM::DNS; use Mail::DKIM::Verifier; use Mail::DKIM::ARC::Verifier;
Mail::DKIM::DNS::resolver($res);
local $/; my $msg = <STDIN>; $msg =~ s/\\r?\\n/\\r\\n/g;
my $v = Mail::DKIM::Verifier->new(); $v->PRINT($msg); $v->CLOSE;
print "dkim ", $_->result_detail, "\\n" for $v->signatures;
my $a = Mail::DKIM::ARC::Verifier->new(); $a->PRINT($msg); $a->CLOSE;
print "arc ", $a->result, "\\n";
"""
)
_SPF = (
    _RESOLVER
    + """
use Mail::SPF;
my ($ip, $sender) = @ARGV;
my $server = Mail::SPF::Server->new(dns_resolver => $res);
my $request = Mail::SPF::Request->new(scope => 'mfrom', identity => $sender, ip_address => $ip);
print $server->process($request)->code, "\\n";
"""
)


def _perl_has(*modules: str) -> bool:
    if shutil.which("perl") is None:
        return False
    return (
        subprocess.run(["perl", *(f"-M{m}" for m in modules), "-e", "1"], capture_output=True).returncode == 0
    )


needs_dkim = pytest.mark.skipif(
    not _perl_has("Mail::DKIM::Verifier", "Mail::DKIM::ARC::Verifier"),
    reason="libmail-dkim-perl not installed",
)
needs_spf = pytest.mark.skipif(not _perl_has("Mail::SPF"), reason="libmail-spf-perl not installed")


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    srv = DnsServer(ZONE)
    yield srv
    srv.close()


def mail_dkim(server: DnsServer, raw: bytes) -> list[str]:
    out = subprocess.run(
        ["perl", "-e", _DKIM, str(server.port)], input=raw, capture_output=True, check=True, timeout=60
    )
    return out.stdout.decode().splitlines()


FOOTER = b"-- \r\nappended by a list\r\n"
CASES = {
    "valid": (lambda: sign(message()), "pass", "dkim pass"),
    "body changed": (lambda: sign(message()) + FOOTER, "fail", "dkim fail (body has been altered)"),
    "header changed": (
        lambda: sign(message()).replace(b"Subject: Quarterly", b"Subject: [list] Quarterly"),
        "fail",
        "dkim fail (message has been altered)",
    ),
    "key missing": (
        lambda: sign(message(), selector="gone"),
        "permerror",
        "dkim invalid (public key: not available",
    ),
    "key revoked": (
        lambda: sign(message(), selector="old"),
        "permerror",
        "dkim invalid (public key: revoked",
    ),
    "expired": (
        lambda: sign(message(), timestamp=int(time.time()) - 3 * 86400, expires_in=86400),
        "fail",
        "dkim invalid (signature is expired)",
    ),
    "l= and footer": (lambda: sign(message(), length=True) + FOOTER, "pass", "dkim pass"),
}


@needs_dkim
@pytest.mark.parametrize("case", list(CASES))
def test_dkim_matches_mail_dkim(server: DnsServer, case: str) -> None:
    make, ours_expected, theirs_expected = CASES[case]
    raw = make()
    ours = verify_dkim(raw, VerdictDns(server.address, timeout=2))[0]
    theirs = mail_dkim(server, raw)[0]
    assert ours.result == ours_expected, ours.reason
    assert theirs.startswith(theirs_expected)  # Mail::DKIM leaves some details' ')' off
    assert (ours.result == "pass") == theirs.startswith("dkim pass")


@needs_dkim
def test_weak_key_both_refuse_or_we_say_why(server: DnsServer) -> None:
    raw = sign(message(), selector="weak", key=WEAK)
    ours = verify_dkim(raw, VerdictDns(server.address, timeout=2))[0]
    theirs = mail_dkim(server, raw)[0]
    assert ours.result == "fail" and ours.key_bits == 512
    # Mail::DKIM still accepts 512-bit RSA keys; RFC 8301 says verifiers must not
    assert theirs.startswith("dkim pass") or "key" in theirs


@needs_dkim
def test_arc_matches_mail_dkim(server: DnsServer) -> None:
    dns = VerdictDns(server.address, timeout=2)
    sealed = arc_seal(sign(message()) + FOOTER, "dkim=pass header.d=example.test")
    assert verify_arc(sealed, dns).result == "pass"
    assert mail_dkim(server, sealed)[-1] == "arc pass"
    broken = sealed.replace(b"appended by a list", b"appended by a list, then edited")
    assert verify_arc(broken, dns).result == "fail"
    assert mail_dkim(server, broken)[-1] == "arc fail"


@needs_spf
@pytest.mark.parametrize(
    ("ip", "sender"),
    [
        ("192.0.2.25", "bounce@example.test"),
        ("198.51.100.7", "bounce@example.test"),
        ("203.0.113.9", "bounce@example.test"),
        ("203.0.113.9", "bounce@soft.test"),
        ("203.0.113.9", "bounce@nospf.test"),
        ("203.0.113.9", "bounce@esp.test"),
    ],
)
def test_spf_matches_mail_spf(server: DnsServer, ip: str, sender: str) -> None:
    ours = check_spf(ip, sender, "mail.example.test", VerdictDns(server.address, timeout=2))
    theirs = subprocess.run(
        ["perl", "-e", _SPF, str(server.port), ip, sender], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert ours.result == theirs.strip()
