"""parse_message over tests/data/*.eml: bodies, parts, attachments, notes, and never raising."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest

from mailtui.core.message import view as message_module
from mailtui.core.message.bodytext import unflow
from mailtui.core.message.view import MessageView, attachment_bytes, parse_message, raw_source_text

DATA = Path(__file__).parent.parent / "data"


def view(name: str) -> MessageView:
    return parse_message((DATA / name).read_bytes())


def no_controls(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


# name, text the body must contain, body_source, a note that must be present (or None for no notes)
CASES = [
    ("plain.eml", "/var is at 93 % on web01. Grüße, Alice", "text/plain", None),
    ("gb2312.eml", "今晚十点进行服务器维护", "text/plain", None),
    ("alternative.eml", "The plain version.", "text/plain", None),
    ("html_only.eml", "[full report](https://example.org/report)", "text/html (converted)", None),
    ("attachments.eml", "See the attached files.", "text/plain", None),
    ("bounce.eml", "Diagnostic-Code: smtp; 550 5.1.1", "text/plain", None),
    ("forwarded.eml", "The numbers look fine.", "text/plain", None),
    ("lf_only.eml", "Unix line ends.", "text/plain", None),
    ("broken_base64.eml", "Hello from a broken", "text/plain", "invalid characters in base64"),
    ("wrong_boundary.eml", "The text behind a boundary", "raw", "multipart boundary not found in the body"),
    ("missing_boundary.eml", "Text in a multipart", "raw", "multipart without a boundary parameter"),
    ("unknown_charset.eml", "Café body", "text/plain", "unknown charset x-klingon, decoded as utf-8"),
    (
        "lying_charset.eml",
        "Café crème brûlée",
        "text/plain",
        "invalid bytes for utf-8, decoded as windows-1252",
    ),
    ("nul_bytes.eml", "before\ufffdafter", "text/plain", "message contains NUL bytes"),
    ("long_lines.eml", "short tail", "text/plain", "lines longer than 998 characters"),
    ("no_headers.eml", "This message has no headers at all.", "text/plain", "no headers found"),
    ("truncated.eml", "The text part arrived whole.", "text/plain", "closing MIME boundary missing"),
    ("empty.eml", "", "none", "empty message"),
    ("attachment_only.eml", "", "none", "no text part; see the attachments"),
    ("hostile_addresses.eml", "Address headers that make", "text/plain", "unparsable Date header"),
    ("raw_8bit_headers.eml", "Grüße", "text/plain", None),
    ("escapes.eml", "Clipboard  set, title  changed,\nscreen  cleared, evil text bell.", "text/plain", None),
]


@pytest.mark.parametrize(("name", "body_part", "source", "note"), CASES, ids=[c[0] for c in CASES])
def test_sample_messages(name: str, body_part: str, source: str, note: str | None) -> None:
    v = view(name)
    assert body_part in v.body
    assert v.body_source == source
    if note is None:
        assert v.notes == ()
    else:
        assert any(note in n for n in v.notes), v.notes
    for text in (v.body, v.subject, v.sender, v.to, *(value for _k, value in v.headers)):
        assert no_controls(text) and "\x1b" not in text and "\u202e" not in text
    for _k, value in v.headers:
        assert "\n" not in value


def test_every_sample_is_covered() -> None:
    assert {p.name for p in DATA.glob("*.eml")} == {c[0] for c in CASES}


def test_plain_headers_and_fields() -> None:
    v = view("plain.eml")
    assert v.subject == "Disk usage on web01 — für review"
    assert v.sender == "Alice Müller <alice@example.org>"
    assert v.to == "Bob <bob@example.net>, Ops, Team <ops@example.net>"
    assert (v.cc, v.reply_to) == ("carol@example.net", "helpdesk@example.org")
    assert v.date == "Mon, 23 Nov 2026 05:05:00 +0100" and v.date_ts == 1795406700.0
    assert (v.message_id, v.in_reply_to) == ("<plain-1@example.org>", "<parent@example.net>")
    assert v.references == ("<root@example.net>", "<parent@example.net>")
    names = [k for k, _v in v.headers]
    assert names[:3] == ["Return-Path", "Received", "From"] and len(names) == 14
    assert dict(v.headers)["Received"].startswith("from mx.example.org (mx.example.org [192.0.2.1]) by mail")
    assert v.raw == (DATA / "plain.eml").read_bytes()


def test_attachments_listed_with_safe_names_and_bytes() -> None:
    raw = (DATA / "attachments.eml").read_bytes()
    v = parse_message(raw)
    assert [(a.index, a.filename, a.content_type) for a in v.attachments] == [
        (1, "report.pdf", "application/pdf"),
        (2, "passwd", "text/plain"),
        (3, "报告.png", "image/png"),
        (4, "测试.bin", "application/octet-stream"),
    ]
    pdf = attachment_bytes(raw, v.attachments[0])
    assert pdf.startswith(b"%PDF-1.4") and len(pdf) == v.attachments[0].size
    assert attachment_bytes(raw, v.attachments[1]) == b"root:x:0:0:root:/root:/bin/bash"
    assert attachment_bytes(raw, v.attachments[3]) == bytes(range(5))
    # the HTML alternative and the body are parts, not attachments
    assert [p.path for p in v.parts] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.3", "1.4", "1.5"]
    assert v.parts[0].depth == 0 and v.parts[2].depth == 2


def test_bounce_lists_the_original_and_shows_the_status() -> None:
    raw = (DATA / "bounce.eml").read_bytes()
    v = parse_message(raw)
    assert "Final-Recipient: rfc822; nobody@example.net" in v.body
    assert "Status: 5.1.1" in v.body
    assert "Subject: Quarterly numbers" in v.body  # the enclosed original, summarised
    assert [(a.filename, a.content_type) for a in v.attachments] == [
        ("Quarterly numbers.eml", "message/rfc822")
    ]
    original = attachment_bytes(raw, v.attachments[0])
    assert b"Message-ID: <orig-1@example.org>" in original and b"The numbers are attached." in original
    assert "message/delivery-status" in [p.content_type for p in v.parts]


def test_attachment_only_message_is_not_shown_as_base64() -> None:
    raw = (DATA / "attachment_only.eml").read_bytes()
    v = parse_message(raw)
    assert v.body == "" and [a.filename for a in v.attachments] == ["scan.pdf"]
    assert attachment_bytes(raw, v.attachments[0]).startswith(b"%PDF")


def test_truncated_attachment_still_listed() -> None:
    v = view("truncated.eml")
    assert [a.filename for a in v.attachments] == ["big.pdf"]
    assert any("truncated base64" in n for n in v.notes)


def test_html_scripts_and_styles_are_dropped() -> None:
    v = view("html_only.eml")
    assert "alert" not in v.body and "color: red" not in v.body
    assert "# Quarterly report" in v.body and "* one" in v.body


def test_escape_sequences_never_reach_the_view() -> None:
    v = view("escapes.eml")
    assert v.subject == "Hello  world gnp.exe"
    assert "cm0gLXJmIH4" not in v.body and "pwned" not in v.body


def test_raw_source_text_is_sanitized_and_decoded_per_line() -> None:
    text = raw_source_text((DATA / "raw_8bit_headers.eml").read_bytes())
    assert "Subject: Grüße aus Köln" in text and "X-Utf8: Grüße" in text
    escaped = raw_source_text((DATA / "escapes.eml").read_bytes())
    assert "\x1b" not in escaped and "\r" not in escaped and no_controls(escaped)
    # The attack stays visible as control pictures, so the admin sees what the sender tried.
    assert "\u241b[" in escaped or "\u241b]" in escaped


def build_nested(depth: int) -> bytes:
    head = b"Subject: deep\r\nMIME-Version: 1.0\r\n"
    body = b"Content-Type: text/plain\r\n\r\ninnermost text\r\n"
    for i in range(depth):
        b = f"B{i}".encode()
        body = b"Content-Type: multipart/mixed; boundary=" + b + b"\r\n\r\n--" + b + b"\r\n" + body
        body += b"--" + b + b"--\r\n"
    return head + body


def test_moderate_nesting_renders_and_deep_nesting_is_noted() -> None:
    assert "innermost text" in parse_message(build_nested(5)).body
    deep = parse_message(build_nested(60))
    assert isinstance(deep, MessageView) and deep.notes


def test_attachment_without_name_gets_a_fallback() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
        b"--X\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF")
        + b"\r\n--X--\r\n"
    )
    v = parse_message(raw)
    assert [(a.filename, a.size) for a in v.attachments] == [("part-1.pdf", 4)]
    assert attachment_bytes(raw, v.attachments[0]) == b"%PDF"


def test_fuzz_random_bytes_never_raise() -> None:
    rng = random.Random(1123)
    seeds = [p.read_bytes() for p in sorted(DATA.glob("*.eml"))]
    for i in range(300):
        if i % 3 == 0:
            raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 600)))
        else:  # mutate a real message: cut it, flip bytes, splice garbage
            raw = bytearray(rng.choice(seeds))
            for _ in range(rng.randint(1, 8)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.getrandbits(8)
            raw = bytes(raw[: rng.randint(0, len(raw))])
        # the inner parser, not the catch-all: an exception here is a bug to fix
        v = message_module._parse(raw)
        assert isinstance(v, MessageView) and no_controls(v.body) and no_controls(v.subject)
        for attachment in v.attachments:
            assert isinstance(attachment_bytes(raw, attachment), bytes)


@pytest.mark.parametrize(
    ("text", "delsp", "expected"),
    [
        ("one \ntwo \nthree\nnext", False, "one two three\nnext"),
        ("long\u00adwo \nrd", True, "long\u00adword"),
        ("> quoted \n> more\nmine", False, "> quoted more\nmine"),
        (">> deep \n> shallow", False, ">> deep \n> shallow"),
        ("body \n-- \nsig", False, "body \n-- \nsig"),
        ("text\n-- \nsig", False, "text\n-- \nsig"),
        (" From stuffed", False, "From stuffed"),
    ],
)
def test_unflow(text: str, delsp: bool, expected: str) -> None:
    assert unflow(text, delsp) == expected


def test_format_flowed_body_is_joined() -> None:
    raw = (
        b"Subject: flowed\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
        b"This paragraph was \r\nwrapped by the sender.\r\n\r\n> quoted \r\n> line\r\n"
    )
    assert parse_message(raw).body == "This paragraph was wrapped by the sender.\n\n> quoted line"


def test_html_emphasis_is_text_not_markdown_markers() -> None:
    """Issue 15: an HTML-only status mail read "All systems **operational**"."""
    from mailtui.core.message.view import parse_message

    raw = (
        b"From: status@example.org\nSubject: status\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        b"<p>All systems <b>operational</b>, <i>no</i> <strong>incidents</strong>.</p>"
        b'<p>See <a href="https://status.example.org/">the status page</a>.</p>'
    )
    body = parse_message(raw).body
    assert "All systems operational, no incidents." in body
    assert "*" not in body and "_no_" not in body
    assert "https://status.example.org/" in body  # links are kept
