"""Received headers of each MTA dialect parsed into hops; the chain, delays and anomalies."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from mailtui.core.headers.received import build_hop_table, format_delay, parse_received

HEADERS = Path(__file__).parent.parent / "data" / "headers"


def received_values(name: str) -> list[str]:
    msg = email.message_from_bytes((HEADERS / name).read_bytes(), policy=email.policy.compat32)
    return [v for k, v in msg.raw_items() if k.lower() == "received"]


# (header value, expected fields)
DIALECTS = [
    (  # Postfix with TLS
        "from mail.example.org (mail.example.org [203.0.113.25])\n\t(using TLSv1.3 with cipher "
        "TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519)\n\tby mx.example.com (Postfix) with "
        "ESMTPS id 4VDq2x1Z9Kz9sTB\n\tfor <bob@example.com>; Tue,  9 Apr 2024 10:12:03 +0000 (UTC)",
        dict(
            from_helo="mail.example.org",
            from_rdns="mail.example.org",
            from_ip="203.0.113.25",
            by_host="mx.example.com",
            protocol="ESMTPS",
            tls=True,
            tls_version="TLSv1.3",
            tls_cipher="TLS_AES_256_GCM_SHA384",
            id="4VDq2x1Z9Kz9sTB",
            for_addr="bob@example.com",
        ),
    ),
    (  # Postfix, client without reverse DNS, IPv6
        "from [IPv6:2001:db8::5] (unknown [IPv6:2001:db8::5]) by mx.example.com (Postfix) with ESMTP id "
        "ABC; Tue, 9 Apr 2024 10:12:03 +0000",
        dict(
            from_helo="[IPv6:2001:db8::5]", from_rdns=None, from_ip="2001:db8::5", protocol="ESMTP", tls=False
        ),
    ),
    (  # Exim 4.9x
        "from [203.0.113.5] (helo=smtp.sender.example) by mx.example.org with esmtps (TLS1.3) tls "
        "TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <c@sender.example>) id 1rtXyz-000abc-2F "
        "for dave@example.org; Tue, 09 Apr 2024 10:15:30 +0000",
        dict(
            from_helo="smtp.sender.example",
            from_ip="203.0.113.5",
            by_host="mx.example.org",
            protocol="esmtps",
            tls=True,
            tls_version="TLSv1.3",
            tls_cipher="TLS_AES_256_GCM_SHA384",
            id="1rtXyz-000abc-2F",
            for_addr="dave@example.org",
        ),
    ),
    (  # older Exim: rDNS then ([ip]:port helo=...), TLS as one comment
        "from host.isp.example ([198.51.100.9]:51234 helo=[192.168.1.20]) by old.example with esmtpsa "
        "(TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256) (Exim 4.80) id 1rtX-00; Tue, 09 Apr 2024 10:15:27 +0000",
        dict(
            from_helo="[192.168.1.20]",
            from_rdns="host.isp.example",
            from_ip="198.51.100.9",
            protocol="esmtpsa",
            tls=True,
            tls_version="TLSv1.2",
            tls_cipher="ECDHE_RSA_AES_256_GCM_SHA384",
        ),
    ),
    (  # Sendmail
        "from mail.example.net (mail.example.net [198.51.100.7]) by mx.example.com (8.17.1/8.17.1) with "
        "ESMTPS id 439ACD7x012345 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT) "
        "for <erin@example.com>; Tue, 9 Apr 2024 10:12:13 GMT",
        dict(
            from_rdns="mail.example.net",
            from_ip="198.51.100.7",
            protocol="ESMTPS",
            tls=True,
            tls_version="TLSv1.3",
            tls_cipher="TLS_AES_256_GCM_SHA384",
            id="439ACD7x012345",
        ),
    ),
    (  # Microsoft Exchange / Office 365
        "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:1::12) by "
        "AM9PR01MB5678.eurprd01.prod.exchangelabs.com (2603:10a6:20b:2::34) with Microsoft SMTP Server "
        "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7452.28; "
        "Tue, 9 Apr 2024 10:12:01 +0000",
        dict(
            from_helo="AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
            from_ip="2603:10a6:208:1::12",
            by_host="AM9PR01MB5678.eurprd01.prod.exchangelabs.com",
            protocol="Microsoft SMTP Server",
            tls=True,
            tls_version="TLSv1.2",
            tls_cipher="TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            id="15.20.7452.28",
        ),
    ),
    (  # Exchange frontend hop, no TLS stated
        "from mail.partner.example (192.0.2.44) by X.mail.protection.outlook.com (10.167.16.117) with "
        "Microsoft SMTP Server id 15.20.7452.22 via Frontend Transport; Tue, 9 Apr 2024 10:12:01 +0000",
        dict(from_ip="192.0.2.44", via="Frontend Transport", tls=False, id="15.20.7452.22"),
    ),
    (  # Gmail internal hop
        "by 2002:a05:6a10:b78d:b0:5a1:2b3c:4d5e with SMTP id x13csp123456pxe;\n        Tue, 9 Apr 2024 "
        "03:12:03 -0700 (PDT)",
        dict(
            from_helo=None,
            by_host="2002:a05:6a10:b78d:b0:5a1:2b3c:4d5e",
            protocol="SMTP",
            id="x13csp123456pxe",
            tls=False,
        ),
    ),
    (  # Gmail MX: rDNS with a trailing dot, TLS said in words
        "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with "
        "SMTPS id a1sor.1 for <g@gmail.com> (Google Transport Security); Tue, 09 Apr 2024 03:12:02 -0700 (PDT)",
        dict(
            from_rdns="mail-sor-f41.google.com",
            from_ip="209.85.220.41",
            protocol="SMTPS",
            tls=True,
            for_addr="g@gmail.com",
        ),
    ),
    (  # qmail
        "from unknown (HELO mail.example.info) (203.0.113.99) by mx.example.net with SMTP; "
        "9 Apr 2024 10:12:04 -0000",
        dict(
            from_helo="mail.example.info",
            from_rdns=None,
            from_ip="203.0.113.99",
            by_host="mx.example.net",
            protocol="SMTP",
            tls=False,
        ),
    ),
    (  # qmail local injection: no clauses at all
        "(qmail 23515 invoked by uid 89); 9 Apr 2024 10:12:05 -0000",
        dict(by_host=None, protocol=None, tls=None),
    ),
]


@pytest.mark.parametrize(("value", "expected"), DIALECTS)
def test_parses_each_dialect(value: str, expected: dict[str, object]) -> None:
    rec = parse_received(value)
    assert rec.timestamp is not None, rec.notes
    for field, want in expected.items():
        assert getattr(rec, field) == want, (field, getattr(rec, field))


@pytest.mark.parametrize(
    ("value", "authenticated"),
    [
        (
            "from [192.0.2.10] (unknown [198.51.100.77]) (Authenticated sender: alice@example.org) by m.example "
            "(Postfix) with ESMTPSA id 1; Tue, 9 Apr 2024 10:00:00 +0000",
            "alice@example.org",
        ),
        (
            "from x ([198.51.100.9]) by old.example with esmtpa (Exim 4.80) id 1; Tue, 9 Apr 2024 10:00:00 +0000",
            "yes",
        ),
        (
            "from a (a [192.0.2.1]) (authenticated bits=0) by b (8.17.1/8.17.1) with ESMTP id 1; "
            "Tue, 9 Apr 2024 10:00:00 +0000",
            "yes",
        ),
        ("from a (a [192.0.2.1]) by b with ESMTPS id 1; Tue, 9 Apr 2024 10:00:00 +0000", None),
    ],
)
def test_smtp_auth_is_recognised(value: str, authenticated: str | None) -> None:
    assert parse_received(value).authenticated == authenticated


@pytest.mark.parametrize(
    ("value", "note"),
    [
        ("from a by b with SMTP id 1; yesterday at noon", "unparsable date"),
        ("from a by b with SMTP id 1", "no date"),
        ("from a by b with SMTP id 1 Tue, 9 Apr 2024 10:00:00 +0000", "no ';' before the date"),
        ("garbage (((( unbalanced", "no date"),
        ("\x1b]0;evil\x07from a by b; Tue, 9 Apr 2024 10:00:00 +0000", None),
    ],
)
def test_broken_headers_give_notes_not_errors(value: str, note: str | None) -> None:
    rec = parse_received(value)
    assert "\x1b" not in rec.raw and "\x07" not in rec.raw
    if note is None:
        assert rec.by_host == "b" and rec.timestamp is not None
    else:
        assert any(n.startswith(note) for n in rec.notes), rec.notes


# (sample file, expected hop count, total seconds, by-hosts oldest first)
SAMPLES = [
    ("postfix_tls.eml", 3, 3, ["mail.example.org", "mx.example.com", "mailstore.example.com"]),
    ("exim.eml", 3, 3, ["old.sender.example", "smtp.sender.example", "mx.example.org"]),
    ("sendmail.eml", 2, 1, ["mail.example.net", "mx.example.com"]),
    ("office365.eml", 4, 2, None),
    ("gmail.eml", 2, 1, ["mx.google.com", "2002:a05:6a10:b78d:b0:5a1:2b3c:4d5e"]),
    ("qmail.eml", 2, 1, ["mx.example.net", None]),
]


@pytest.mark.parametrize(("name", "count", "total", "by_hosts"), SAMPLES)
def test_hop_table_of_samples(name: str, count: int, total: int, by_hosts: list[str | None] | None) -> None:
    table = build_hop_table(received_values(name))
    assert len(table.hops) == count
    assert table.total == total
    assert table.anomalies == ()
    assert [h.number for h in table.hops] == list(range(1, count + 1))
    if by_hosts is not None:
        assert [h.received.by_host for h in table.hops] == by_hosts
    assert table.hops[0].delay is None
    assert all(h.delay is not None and h.delay >= 0 for h in table.hops[1:])


def test_broken_chain_flags_skew_slow_hops_and_bad_dates() -> None:
    table = build_hop_table(received_values("broken.eml"))
    anomalies = {h.number: h.anomalies for h in table.hops}
    assert any("no date" in a for a in anomalies[2])
    assert any("unparsable date" in a for a in anomalies[4])
    assert any("slow hop" in a for a in anomalies[5])  # 25 minutes after the last dated hop
    assert any("negative delay" in a and "clock skew" in a for a in anomalies[6])
    assert table.hops[5].delay == -300
    assert table.total == 20 * 60  # first to last dated hop


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "?"),
        (0, "0s"),
        (59.6, "1m00s"),
        (185, "3m05s"),
        (-12, "-12s"),
        (7260, "2h01m"),
        (90000, "1d01h"),
    ],
)
def test_format_delay(seconds: float | None, text: str) -> None:
    assert format_delay(seconds) == text
