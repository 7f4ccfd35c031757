"""Verdicts of our own against the loopback DNS responder: DKIM (each failure), SPF, DMARC, ARC.

Keys are generated once per module (1024 bits; 512 for the weak-key case), published by
the responder, and messages are signed in the test and then altered to produce each failure.
"""

from __future__ import annotations

import base64
import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mailtui.diagnostics.verdicts.dkim import verify_dkim
from mailtui.diagnostics.verdicts.report import format_text, to_json, verify_message
from mailtui.diagnostics.verdicts.resolver import VerdictDns, server_address
from mailtui.sending.dkim_sign import sign_message
from tests.diagnostics.dns_server import DnsServer, txt_rdata


@dataclass(frozen=True)
class Key:
    pem: bytes
    record: str  # the DNS TXT value


def _prime(bits: int, rng: random.Random) -> int:
    """A random probable prime (Miller-Rabin, 40 rounds): cryptography refuses to make keys under 1024 bits."""
    while True:
        n = rng.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        d, r = n - 1, 0
        while d % 2 == 0:
            d, r = d // 2, r + 1
        for _ in range(40):
            x = pow(rng.randrange(2, n - 1), d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                break
        else:
            return n


def _small_key(bits: int) -> rsa.RSAPrivateKey:
    rng = random.Random(bits)
    e = 65537
    while True:
        p, q = _prime(bits // 2, rng), _prime(bits // 2, rng)
        phi = (p - 1) * (q - 1)
        if p != q and math.gcd(e, phi) == 1:
            break
    d = pow(e, -1, phi)
    public = rsa.RSAPublicNumbers(e, p * q)
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public)
    return numbers.private_key()


def make_key(bits: int) -> Key:
    private = rsa.generate_private_key(65537, bits) if bits >= 1024 else _small_key(bits)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key(pem, f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}")


KEY = make_key(1024)
WEAK = make_key(512)
ARC_KEY = make_key(1024)

ZONE = {
    ("s1._domainkey.example.test", "TXT"): [txt_rdata(KEY.record)],
    ("old._domainkey.example.test", "TXT"): [txt_rdata("v=DKIM1; k=rsa; p=")],
    ("weak._domainkey.example.test", "TXT"): [txt_rdata(WEAK.record)],
    ("s1._domainkey.esp.test", "TXT"): [txt_rdata(KEY.record)],
    ("arc._domainkey.list.test", "TXT"): [txt_rdata(ARC_KEY.record)],
    ("example.test", "TXT"): ['"v=spf1 include:_spf.example.test -all"'],
    ("_spf.example.test", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 a:relay.example.test -all"'],
    ("relay.example.test", "A"): ["198.51.100.7"],
    ("soft.test", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 ~all"'],
    ("esp.test", "TXT"): ['"v=spf1 ip4:203.0.113.0/24 -all"'],
    ("_dmarc.example.test", "TXT"): ['"v=DMARC1; p=reject; pct=50; rua=mailto:dmarc@example.test"'],
}

BODY = b"Hello,\r\n\r\nthis is the test message.\r\n"


def message(
    from_addr: str = "alice@example.test", body: bytes = BODY, subject: str = "Quarterly report"
) -> bytes:
    return (
        f"From: Alice <{from_addr}>\r\nTo: bob@receiver.test\r\nSubject: {subject}\r\n"
        "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + body


def delivered(
    signed: bytes,
    ip: str = "192.0.2.25",
    sender: str = "bounce@example.test",
    authres: str = "dkim=pass header.d=example.test; spf=pass smtp.mailfrom=example.test; dmarc=pass header.from=example.test",
) -> bytes:
    """What the receiving server stored: Return-Path, its Received (and a local re-injection), its A-R."""
    return (
        f"Return-Path: <{sender}>\r\n"
        "Received: from localhost (localhost [127.0.0.1]) by mx.receiver.test (Postfix) with ESMTP id F2;"
        " Tue, 1 Dec 2026 10:00:02 +0000\r\n"
        f"Authentication-Results: mx.receiver.test; {authres}\r\n"
        f"Received: from mail.example.test (mail.example.test [{ip}]) by mx.receiver.test (Postfix)"
        " with ESMTPS id F1; Tue, 1 Dec 2026 10:00:01 +0000\r\n"
    ).encode() + signed


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    srv = DnsServer(ZONE)
    yield srv
    srv.close()


def dkim_of(raw: bytes, server: DnsServer):  # type: ignore[no-untyped-def]
    verdicts = verify_dkim(raw, VerdictDns(server.address, timeout=2))
    assert len(verdicts) == 1
    return verdicts[0]


def sign(
    raw: bytes, selector: str = "s1", domain: str = "example.test", key: Key = KEY, **kw: object
) -> bytes:
    return sign_message(raw, key.pem, selector, domain, **kw)  # type: ignore[arg-type]


def test_dns_server_setting_forms() -> None:
    assert server_address("127.0.0.1:5353") == "127.0.0.1:5353"
    assert server_address("[::1]:53") == "[::1]:53"
    assert server_address("::1") == "::1"
    assert server_address("localhost:5300") in {"127.0.0.1:5300", "[::1]:5300"}
    assert server_address("") == ""


def test_dkim_pass(server: DnsServer) -> None:
    v = dkim_of(sign(message()), server)
    assert (v.result, v.domain, v.selector, v.key_bits) == ("pass", "example.test", "s1", 1024)
    assert any("2048 bits are recommended" in w for w in v.warnings)


def test_body_changed_after_signing(server: DnsServer) -> None:
    raw = sign(message()) + b"--\r\nSent through the list\r\n"
    v = dkim_of(raw, server)
    assert v.result == "fail" and v.reason.startswith(
        "body hash mismatch: the body was modified after signing"
    )


def test_signed_header_changed(server: DnsServer) -> None:
    raw = sign(message()).replace(b"Subject: Quarterly report", b"Subject: [list] Quarterly report")
    v = dkim_of(raw, server)
    assert v.result == "fail" and "a signed header was changed after signing" in v.reason


def test_unsigned_header_added_still_passes(server: DnsServer) -> None:
    assert dkim_of(b"X-Spam-Score: 1.0\r\n" + sign(message()), server).result == "pass"


def test_expired_signature(server: DnsServer) -> None:
    raw = sign(message(), timestamp=int(time.time()) - 3 * 86400, expires_in=86400)
    v = dkim_of(raw, server)
    assert v.result == "fail" and v.reason.startswith("signature expired: x=")


def test_key_not_found(server: DnsServer) -> None:
    v = dkim_of(sign(message(), selector="gone"), server)
    assert v.result == "permerror"
    assert "key not found: no DKIM key at gone._domainkey.example.test" in v.reason


def test_key_revoked(server: DnsServer) -> None:
    v = dkim_of(sign(message(), selector="old"), server)
    assert v.result == "permerror" and v.reason.startswith("key revoked: old._domainkey.example.test")


def test_weak_key(server: DnsServer) -> None:
    v = dkim_of(sign(message(), selector="weak", key=WEAK), server)
    assert v.result == "fail" and v.key_bits == 512 and v.reason.startswith("weak key: 512-bit RSA")


def test_length_tag_with_appended_footer(server: DnsServer) -> None:
    raw = sign(message(), length=True) + b"-- \r\nUnsubscribe: https://list.test/u\r\n"
    v = dkim_of(raw, server)
    assert v.result == "pass" and v.body_length is not None
    assert any("were added later and are not covered" in w for w in v.warnings)


def test_dns_unreachable_is_temperror() -> None:
    srv = DnsServer({})
    address = srv.address
    srv.close()  # nothing answers there now
    v = verify_dkim(sign(message()), VerdictDns(address, timeout=0.3))[0]
    assert v.result == "temperror"


# SPF for the handing IP, DMARC


def test_full_pass_and_agreement(server: DnsServer) -> None:
    report = verify_message(
        delivered(sign(message())), server.address, trusted_authserv_ids=["mx.receiver.test"]
    )
    assert report.handing is not None and report.handing.ip == "192.0.2.25"
    assert report.spf.result == "pass" and report.spf.domain == "example.test"
    assert report.spf.path == (
        "example.test: include:_spf.example.test ->",
        "  _spf.example.test: ip4:192.0.2.0/24 matched",
        "example.test: include:_spf.example.test matched (include passed)",
    )
    assert (report.dmarc.result, report.dmarc.policy, report.dmarc.pct) == ("pass", "reject", 50)
    assert report.dmarc.dkim_aligned == ("example.test",) and report.dmarc.spf_aligned == "example.test"
    assert report.disagreements == ()
    data = json.loads(to_json(report))
    assert data["dkim"][0]["result"] == "pass" and data["disagreements"] == []


@pytest.mark.parametrize(
    ("ip", "sender", "expected"),
    [
        ("192.0.2.25", "bounce@example.test", "pass"),
        ("198.51.100.7", "bounce@example.test", "pass"),  # a:relay.example.test inside the include
        ("203.0.113.9", "bounce@example.test", "fail"),
        ("203.0.113.9", "bounce@soft.test", "softfail"),
        ("203.0.113.9", "bounce@nospf.test", "none"),
    ],
)
def test_spf_for_the_handing_ip(server: DnsServer, ip: str, sender: str, expected: str) -> None:
    report = verify_message(delivered(sign(message()), ip=ip, sender=sender), server.address)
    assert report.spf.ip == ip and report.spf.result == expected


def test_trusted_hosts_pick_the_hop() -> None:
    from mailtui.diagnostics.verdicts.spf_verdict import handing_hop

    chain = [
        "from gw.corp.test (gw.corp.test [10.0.0.5]) by mx.corp.test with ESMTP id 3; Tue, 1 Dec 2026 10:00:03 +0000",
        "from edge.corp.test (edge.corp.test [198.51.100.20]) by gw.corp.test with ESMTP id 2; Tue, 1 Dec 2026 10:00:02 +0000",
        "from mail.example.test (mail.example.test [192.0.2.25]) by edge.corp.test with ESMTPS id 1; Tue, 1 Dec 2026 10:00:01 +0000",
    ]
    hop = handing_hop(
        chain, ["mx.corp.test", "gw.corp.test", "edge.corp.test", "10.0.0.0/8", "198.51.100.20"]
    )
    assert hop is not None and hop.ip == "192.0.2.25" and hop.by_host == "edge.corp.test"
    hop = handing_hop(chain)  # no trusted_hosts: the top header's writer, past its LAN hand-off
    assert hop is not None and hop.ip == "198.51.100.20"


def test_dmarc_unaligned_with_reject_pct_50(server: DnsServer) -> None:
    # signed by the ESP's own domain and sent from its IP with its bounce address: both pass, neither aligns
    raw = delivered(
        sign(message(), domain="esp.test"),
        ip="203.0.113.9",
        sender="bounce@esp.test",
        authres="dkim=pass header.d=esp.test; spf=pass smtp.mailfrom=esp.test; dmarc=fail header.from=example.test",
    )
    report = verify_message(raw, server.address, trusted_authserv_ids=["mx.receiver.test"])
    assert report.dkim[0].result == "pass" and report.spf.result == "pass"
    d = report.dmarc
    assert (d.result, d.from_domain, d.policy, d.pct) == ("fail", "example.test", "reject", 50)
    assert d.disposition == "reject for 50% of failing mail, quarantine for the rest (pct=50)"
    assert "not aligned with example.test" in d.reason
    assert report.disagreements == ()


def test_disagreement_with_the_server_is_called_out(server: DnsServer) -> None:
    raw = delivered(sign(message())) + b"\r\n-- footer added by a filter after delivery\r\n"
    report = verify_message(raw, server.address, trusted_authserv_ids=["mx.receiver.test"])
    checks = {c.check: c for c in report.disagreements}
    assert set(checks) == {"dkim d=example.test s=s1"}  # DMARC still passes: SPF aligns
    assert checks["dkim d=example.test s=s1"].server == "pass"
    text = format_text(report)
    assert "! dkim d=example.test s=s1" in text and "DISAGREES: the server verified it" in text


def test_untrusted_server_header_is_marked(server: DnsServer) -> None:
    text = format_text(verify_message(delivered(sign(message())), server.address))
    assert "NOT trusted" in text


# ARC: a list verifies, adds its footer, then seals (dkimpy's arc_sign); a later change breaks it


def arc_seal(raw: bytes, instance_results: str, srv_id: str = "list.test") -> bytes:
    import dkim

    with_ar = f"Authentication-Results: {srv_id}; {instance_results}\r\n".encode() + raw
    lines = dkim.arc_sign(with_ar, b"arc", b"list.test", ARC_KEY.pem, srv_id.encode())
    return b"".join(lines) + with_ar


def test_arc_chain_valid_then_broken(server: DnsServer) -> None:
    dns = VerdictDns(server.address, timeout=2)
    from mailtui.diagnostics.verdicts.arc import verify_arc

    footered = sign(message()) + b"-- \r\nlist footer\r\n"
    once = arc_seal(footered, "dkim=pass header.d=example.test; spf=pass smtp.mailfrom=example.test")
    twice = arc_seal(once, "arc=pass; dkim=fail header.d=example.test")
    v = verify_arc(twice, dns)
    assert v.result == "pass", v.reason
    assert [(i.instance, i.cv, i.seal_valid, i.ams_valid) for i in v.instances] == [
        (2, "pass", True, True),
        (1, "none", True, True),
    ]
    assert verify_dkim(twice, dns)[0].result == "fail"  # the footer broke DKIM; ARC vouches for it

    broken = twice.replace(b"list footer", b"list footer, edited")
    v = verify_arc(broken, dns)
    assert v.result == "fail" and "changed after the last ARC hop sealed it" in v.reason
    assert v.instances[0].ams_valid is False and v.instances[0].seal_valid is True

    assert verify_arc(sign(message()), dns).result == "none"


def test_notes_say_why_the_server_differs(server: DnsServer) -> None:
    report = verify_message(
        delivered(sign(message(), selector="gone")), server.address, trusted_authserv_ids=["mx.receiver.test"]
    )
    (dkim,) = report.disagreements
    assert "gone._domainkey.example.test does not hold the key now" in dkim.note


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"garbage without a colon\r\n",
        b"From: a@example.test\r\nDKIM-Signature: v=1; a=rsa-sha256; d=\r\n\r\nbody\r\n",
        b"From: a@example.test\r\nDKIM-Signature: garbage ((\r\nARC-Seal: i=x\r\n\r\n",
        b"From: a@example.test\r\nReceived: ((((\r\nReturn-Path: <>\r\n\r\n",
        b"From: a@b@c, d@e\r\n\r\n",
    ],
)
def test_malformed_messages_never_raise(server: DnsServer, raw: bytes) -> None:
    report = verify_message(raw, server.address, timeout=1)
    assert format_text(report) and json.loads(to_json(report))


def test_signing_errors_are_for_the_admin(tmp_path: Path) -> None:
    from mailtui.sending.dkim_sign import DkimSigningError, sign_with_key_file

    with pytest.raises(DkimSigningError, match="cannot read the DKIM key"):
        sign_with_key_file(message(), tmp_path / "missing.pem", "s1", "example.test")
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"not a key")
    with pytest.raises(DkimSigningError, match="not a PEM RSA private key"):
        sign_with_key_file(message(), bad, "s1", "example.test")
    with pytest.raises(DkimSigningError, match="needs a selector and a domain"):
        sign_message(message(), KEY.pem, "", "example.test")


def test_signing_from_a_key_file(server: DnsServer, tmp_path: Path) -> None:
    from mailtui.sending.dkim_sign import sign_with_key_file

    key = tmp_path / "dkim.pem"
    key.write_bytes(KEY.pem)
    signed = sign_with_key_file(message(), key, "s1", "example.test")
    assert signed.startswith(
        b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test;\r\n s=s1;"
    )
    assert dkim_of(signed, server).result == "pass"
