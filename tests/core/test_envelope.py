"""Index rows from header blocks: fields, sanitizing, garbage, and reading only the header."""

from __future__ import annotations

import datetime
import io
import random
from pathlib import Path

import pytest

from mailtui.core.message import envelope as envelope_module
from mailtui.core.message.envelope import (
    INDEX_HEADER_FIELDS,
    envelope_from_headers,
    read_header_block,
    split_headers,
)
from mailtui.core.models import Envelope, Flag, MessageRef

DATA = Path(__file__).parent.parent / "data"
REF = MessageRef(key="k1", timestamp=1.0)


def envelope_of(name: str) -> Envelope:
    raw = (DATA / name).read_bytes()
    return envelope_from_headers(read_header_block(io.BytesIO(raw)), REF, len(raw), frozenset({Flag.SEEN}))


def test_plain_message_fields() -> None:
    env = envelope_of("plain.eml")
    assert env.sender == "Alice Müller <alice@example.org>"
    assert env.sender_address == "alice@example.org"
    assert env.to == "Bob <bob@example.net>, Ops, Team <ops@example.net>"
    assert env.cc == "carol@example.net"
    assert env.subject == "Disk usage on web01 — für review"
    assert env.date == datetime.datetime(2026, 11, 23, 4, 5, tzinfo=datetime.UTC).timestamp()
    assert env.message_id == "<plain-1@example.org>"
    assert env.in_reply_to == "<parent@example.net>"
    assert env.references == ("<root@example.net>", "<parent@example.net>")
    assert env.has_attachments is False
    assert env.flags == frozenset({Flag.SEEN}) and env.ref == REF and env.size > 0


@pytest.mark.parametrize(
    ("name", "subject", "sender", "attachments"),
    [
        ("gb2312.eml", "服务器维护通知", "运维部 <ops@example.cn>", False),
        ("attachments.eml", "Logs and report", "alice@example.org", True),
        ("alternative.eml", "Alternative", "news@example.org", False),
        (
            "bounce.eml",
            "Undelivered Mail Returned to Sender",
            "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
            True,
        ),
        ("raw_8bit_headers.eml", "Grüße aus Köln", "Jürgen <juergen@example.de>", False),
        ("broken_base64.eml", "broken base64", "alice@example.org", False),
        ("lf_only.eml", "LF line ends", "alice@example.org", False),
        ("no_headers.eml", "", "", False),
        ("empty.eml", "", "", False),
    ],
)
def test_envelopes_of_sample_messages(name: str, subject: str, sender: str, attachments: bool) -> None:
    env = envelope_of(name)
    assert (env.subject, env.sender, env.has_attachments) == (subject, sender, attachments)


def test_untrusted_text_is_one_clean_line() -> None:
    env = envelope_of("escapes.eml")
    for text in (env.subject, env.sender):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\n" not in text
    assert env.subject.startswith("Hello") and env.subject.endswith("gnp.exe")
    assert "cm0gLXJmIH4" not in env.subject  # the OSC 52 payload is gone with its sequence


def test_hostile_headers_give_a_row() -> None:
    env = envelope_of("hostile_addresses.eml")
    assert env.subject == "Hostile address headers"
    assert env.date is None
    assert env.sender == '"'


def test_nul_in_subject_is_visible_not_raw() -> None:
    env = envelope_of("nul_bytes.eml")
    assert "\x00" not in env.subject and env.subject.startswith("NUL")


def test_split_headers_unfolds_and_filters() -> None:
    block = b"From someone Mon Nov 23\r\nSubject: a\r\n b\r\nX-Other: y\r\n\tz\r\nDate: d\r\n\r\nBody: no\r\n"
    assert split_headers(block) == [("Subject", b"a b"), ("X-Other", b"y\tz"), ("Date", b"d")]
    assert split_headers(block, frozenset({"subject"})) == [("Subject", b"a b")]


def test_index_fields_cover_the_envelope() -> None:
    assert {"From", "Subject", "Date", "Message-ID", "References", "Content-Type"} <= set(INDEX_HEADER_FIELDS)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (b"multipart/mixed; boundary=x", True),
        (b"Multipart/Report; report-type=delivery-status", True),
        (b"multipart/alternative; boundary=x", False),
        (b"multipart/related; boundary=x", False),
        (b"text/plain", False),
        (b"garbage", False),
    ],
)
def test_has_attachments_heuristic(content_type: bytes, expected: bool) -> None:
    env = envelope_from_headers(b"Content-Type: " + content_type + b"\r\n\r\n", REF, 0, frozenset())
    assert env.has_attachments is expected


class CountingReader(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_read_header_block_stops_at_blank_line() -> None:
    header = b"Subject: hi\r\nFrom: a@b\r\n\r\n"
    reader = CountingReader(header + b"x" * 1_000_000)
    assert read_header_block(reader) == header
    assert reader.bytes_read <= 8192


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Subject: a\n\nbody", b"Subject: a\n\n"),
        (b"\r\nbody only", b"\r\n"),
        (b"\nbody only", b"\n"),
        (b"Subject: no body", b"Subject: no body"),
        (b"", b""),
        (b"A: " + b"y" * 4093 + b"\r\n\r\nbody", b"A: " + b"y" * 4093 + b"\r\n\r\n"),  # across chunks
    ],
)
def test_read_header_block_edges(data: bytes, expected: bytes) -> None:
    assert read_header_block(io.BytesIO(data)) == expected


def test_read_header_block_limit() -> None:
    assert len(read_header_block(io.BytesIO(b"X: " + b"y" * 100_000), limit=10_000)) == 10_000


def test_fuzz_never_raises() -> None:
    rng = random.Random(20261123)
    alphabet = b'ab:=?\r\n \t<>@",;QB\x1b\x00\xff\xe9' + bytes(range(32, 127))
    for _ in range(400):
        n = rng.randint(0, 400)
        if rng.random() < 0.5:
            block = bytes(rng.getrandbits(8) for _ in range(n))
        else:
            field = rng.choice(INDEX_HEADER_FIELDS).encode()
            block = field + b": " + bytes(rng.choice(alphabet) for _ in range(n))
        # the inner builder, not the catch-all wrapper: a crash must fail the test
        env = envelope_module._envelope(block, REF, n, frozenset())
        assert env == envelope_from_headers(block, REF, n, frozenset())
        assert "\n" not in env.subject and "\x1b" not in env.subject and "\x00" not in env.sender
