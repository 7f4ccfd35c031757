"""The header inspection view model and its text form, over the sample header files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.core.headers.inspection import format_inspection, inspect_message

DATA = Path(__file__).parent.parent / "data"
HEADERS = DATA / "headers"


def load(name: str) -> bytes:
    return (HEADERS / name).read_bytes()


def test_postfix_sample_end_to_end() -> None:
    ins = inspect_message(load("postfix_tls.eml"), ["mx.example.com"])
    assert ins.return_path == "<alice@example.org>"
    assert ins.message_id == "<20240409101201.12345@mail.example.org>"
    assert ins.subject == "Quarterly report – Q1"
    assert len(ins.hops.hops) == 3
    assert [(v.method, v.result) for v in ins.verdicts] == [
        ("dkim", "pass"),
        ("spf", "pass"),
        ("dmarc", "pass"),
    ]
    assert [a.trusted for a in ins.auth_results] == [True, False]
    assert ins.dkim[0].domain == "example.org" and ins.dkim[0].signed_headers[0] == "From"
    assert ins.received_spf[0].result == "pass"
    assert [(p.path, p.content_type) for p in ins.parts] == [
        ("1", "multipart/mixed"),
        ("1.1", "multipart/alternative"),
        ("1.1.1", "text/plain"),
        ("1.1.2", "text/html"),
        ("1.2", "application/pdf"),
    ]
    assert ins.parts[4].filename == "report-q1.pdf" and ins.parts[4].transfer_encoding == "base64"
    assert ins.notes == ()


def test_untrusted_results_are_shown_but_never_give_verdicts() -> None:
    ins = inspect_message(load("postfix_tls.eml"), ["someone.else"])
    assert ins.verdicts == ()
    assert len(ins.auth_results) == 2
    text = format_inspection(ins)
    assert "evil.example.net [UNTRUSTED" in text and "mx.example.com [UNTRUSTED" in text
    assert "Trusted verdicts" not in text


def test_no_trusted_ids_configured_is_noted() -> None:
    ins = inspect_message(load("gmail.eml"))
    assert ins.verdicts == ()
    assert any("ui.trusted_authserv_ids" in n for n in ins.notes)


# (file, trusted ids, fragments the text must show)
TEXTS = [
    (
        "postfix_tls.eml",
        ["mx.example.com"],
        [
            "TLSv1.3 TLS_AES_256_GCM_SHA384",
            "ESMTPSA auth=alice@example.org",
            "LMTP",
            "mx.example.com [trusted]",
            "Trusted verdicts: dkim=pass, spf=pass",
            '"report-q1.pdf"',
            "1.1.1 text/plain  charset=utf-8  quoted-printable",
        ],
    ),
    (
        "office365.eml",
        [],
        [
            "Microsoft SMTP Server",
            "TLSv1.2",
            "(none) [UNTRUSTED: no authserv-id]",
            "ARC-Seal: i=1 cv=none d=microsoft.com",
            "ARC-Authentication-Results: i=1 mx.microsoft.com",
        ],
    ),
    (
        "gmail.eml",
        ["mx.google.com"],
        [
            "SMTPS  yes",
            "2002:a05:6a10:b78d:b0:5a1:2b3c:4d5e",
            "mx.google.com [trusted]",
            "DKIM-Signature: d=sender.example s=google a=rsa-sha256 bh present",
        ],
    ),
    (
        "broken.eml",
        [],
        [
            "negative delay -5m00s",
            "unparsable date",
            "bh MISSING",
            "unparsable Date header",
            "Message-ID is not of the form",
        ],
    ),
    ("qmail.eml", [], ["mail.example.info", "203.0.113.99", "total 1s"]),
]


@pytest.mark.parametrize(("name", "trusted", "fragments"), TEXTS)
def test_format_shows_each_section(name: str, trusted: list[str], fragments: list[str]) -> None:
    text = format_inspection(inspect_message(load(name), trusted))
    for fragment in fragments:
        assert fragment in text, fragment
    assert "Received chain:" in text and "MIME structure:" in text


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.eml")))
def test_every_sample_message_inspects_without_error(name: str) -> None:
    ins = inspect_message((DATA / name).read_bytes())
    text = format_inspection(ins)
    assert "\x1b" not in text and "\x00" not in text


def test_escape_sequences_in_headers_are_removed() -> None:
    raw = (
        b"Received: from evil (\x1b]52;c;SGVsbG8=\x07evil [192.0.2.1]) by mx\x1b[2J.example with SMTP; "
        b"Tue, 9 Apr 2024 10:00:00 +0000\r\nAuthentication-Results: mx.example; spf=pass\x1b[31m smtp.mailfrom=a\r\n"
        b"Subject: \x1b[31mred\r\n\r\nbody\r\n"
    )
    text = format_inspection(inspect_message(raw, ["mx.example"]))
    assert "\x1b" not in text and "\x07" not in text
    assert "192.0.2.1" in text


def test_empty_and_headerless_input() -> None:
    assert "no headers found" in inspect_message(b"").notes
    ins = inspect_message(b"just a body line without a colon\n")
    assert ins.hops.hops == () and "no Date header" in ins.notes


def test_random_header_garbage_never_raises() -> None:
    import random

    from mailtui.core.headers.authres import parse_arc, parse_authentication_results, parse_dkim_signature
    from mailtui.core.headers.received import parse_received
    from mailtui.core.message.transfer_decode import decode_pasted

    rng = random.Random(2024)  # fixed seed: the same inputs every run
    alphabet = 'ab=;()"\\ .:/[]<>@?_-1\n\t\x1bé=?QB'
    for _ in range(2000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert "\x1b" not in parse_received(s).raw
        parse_authentication_results(s, ["a"])
        parse_arc("ARC-Authentication-Results", s)
        parse_dkim_signature(s)
        for mode in ("auto", "base64", "qp"):
            decode_pasted(s, mode)  # type: ignore[arg-type]
        raw = f"Received: {s}\nAuthentication-Results: {s}\n\nbody".encode("utf-8", "surrogateescape")
        assert "\x1b" not in format_inspection(inspect_message(raw))
