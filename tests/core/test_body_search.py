"""`~b` body search as a reader sees the text: transfer encodings and charsets decoded, headers excluded."""

from __future__ import annotations

import base64

import pytest

from mailtui.core.index.body_search import body_contains


def message(body: bytes, *, cte: str = "7bit", charset: str = "utf-8", ctype: str = "text/plain") -> bytes:
    return (
        b"From: Alice <alice@example.org>\r\nSubject: disk full on web1\r\nMIME-Version: 1.0\r\n"
        + f"Content-Type: {ctype}; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n".encode()
        + body
    )


@pytest.mark.parametrize(
    ("raw", "needle", "expected"),
    [
        (message(b"The backup FAILED at 03:00\r\n"), "failed", True),
        (message(b"all good\r\n"), "failed", False),
        (message(b"all good\r\n"), "disk full", False),  # in the Subject only: headers never match
        (message(base64.encodebytes(b"cron: backup failed\n"), cte="base64"), "backup failed", True),
        (
            message(
                b"Gr=FC=DFe aus Berlin, der Ba=\r\nckup lief\r\n",
                cte="quoted-printable",
                charset="iso-8859-1",
            ),
            "grüße",
            True,
        ),
        # A soft line break in the middle of a word hides it from a byte search.
        (message(b"der Ba=\r\nckup lief\r\n", cte="quoted-printable"), "backup", True),
        (message("测试邮件".encode("gb2312"), cte="8bit", charset="gb2312"), "测试", True),
        (
            message(base64.encodebytes(b"<p>quota <b>exceeded</b></p>"), cte="base64", ctype="text/html"),
            "exceeded",
            True,
        ),
        (message(base64.encodebytes(b"\x89PNG needle"), cte="base64", ctype="image/png"), "needle", False),
        (b"no header end at all", "needle", False),
    ],
)
def test_body_contains(raw: bytes, needle: str, expected: bool) -> None:
    assert body_contains(raw, needle) is expected


def test_multipart_text_part_in_base64_is_found_and_malformed_input_does_not_raise() -> None:
    raw = (
        b"Subject: report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=log.txt\r\n\r\n"
        + base64.encodebytes("kernel: Out of memory – killed process 4242\n".encode())
        + b"--XX--\r\n"
    )
    assert body_contains(raw, "out of memory")
    assert not body_contains(raw, "segfault")
    broken = b"Content-Transfer-Encoding: base64\r\nContent-Type: text/plain\r\n\r\n@@@not base64!!\r\n"
    assert body_contains(broken, "needle") is False
