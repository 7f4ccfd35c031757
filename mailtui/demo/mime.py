"""Byte-exact MIME building blocks for the demo mailbox.

The demo messages are built by hand, not with `email.generator`, because the generator picks
random boundaries and Message-IDs (the demo must be byte-for-byte deterministic) and because
some demo messages are deliberately broken (raw 8-bit headers, bad base64, overlong lines),
which the generator would repair. Everything here is pure: str/bytes in, bytes out.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

Header = tuple[str, str | bytes]
Part = tuple[list[Header], bytes]

CET = timezone(timedelta(hours=1))
CST = timezone(timedelta(hours=8))  # China Standard Time
JST = timezone(timedelta(hours=9))
EST = timezone(timedelta(hours=-5))


@dataclass(frozen=True)
class DemoMessage:
    """One generated message: where it goes, when it was delivered, its Maildir flags, its bytes."""

    folder: str  # "" is INBOX, else the Maildir++ folder name without the dot ("Sent")
    when: datetime  # delivery time, aware; encoded in the file name
    raw: bytes
    flags: str = "S"  # Maildir info letters, ignored when `new`
    new: bool = False  # in new/ (just delivered, never seen by a mail client)


def _chunks(text: str, charset: str, limit: int) -> list[bytes]:
    """Split `text` into encoded chunks of at most `limit` bytes without cutting a character."""
    out: list[bytes] = []
    cur = b""
    for ch in text:
        enc = ch.encode(charset)
        if cur and len(cur) + len(enc) > limit:
            out.append(cur)
            cur = b""
        cur += enc
    if cur:
        out.append(cur)
    return out


def enc_b(text: str, charset: str = "utf-8") -> str:
    """RFC 2047 B encoding, folded into encoded words of <= 75 characters."""
    words = [f"=?{charset}?B?{base64.b64encode(chunk).decode()}?=" for chunk in _chunks(text, charset, 42)]
    return "\n ".join(words)


def enc_q(text: str, charset: str = "utf-8") -> str:
    """RFC 2047 Q encoding, folded into encoded words of <= 75 characters."""
    words = []
    for chunk in _chunks(text, charset, 18):
        q = "".join(
            "_"
            if b == 0x20
            else chr(b)
            if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122)
            else f"={b:02X}"
            for b in chunk
        )
        words.append(f"=?{charset}?Q?{q}?=")
    return "\n ".join(words)


def addr(name: str, email: str, charset: str = "utf-8") -> str:
    """A From/To address, with the display name quoted or encoded as needed."""
    if not name:
        return email
    if not name.isascii():
        return f"{enc_b(name, charset)} <{email}>"
    if any(c in name for c in ',.;:"()<>@[]'):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{email}>'
    return f"{name} <{email}>"


def fmt_date(when: datetime, tz: timezone = UTC) -> str:
    """RFC 5322 date in the sender's time zone."""
    return format_datetime(when.astimezone(tz))


def render(headers: list[Header], body: bytes) -> bytes:
    """Header lines, a blank line, the body; LF line ends as mail is stored on disk."""
    lines = [
        k.encode("ascii") + b": " + (v if isinstance(v, bytes) else v.encode("utf-8")) for k, v in headers
    ]
    return b"\n".join(lines) + b"\n\n" + body


def encode_body(data: bytes, cte: str) -> bytes:
    """Apply a Content-Transfer-Encoding to bytes (LF line ends)."""
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    return data


def text_part(
    text: str,
    *,
    charset: str = "utf-8",
    cte: str = "8bit",
    subtype: str = "plain",
    format_flowed: bool = False,
) -> Part:
    """A text/* part in `charset` with the given transfer encoding."""
    params = f'; charset="{charset}"' + ("; format=flowed" if format_flowed else "")
    headers: list[Header] = [
        ("Content-Type", f"text/{subtype}{params}"),
        ("Content-Transfer-Encoding", cte),
    ]
    return headers, encode_body(text.encode(charset), cte)


def attachment(filename: str, ctype: str, data: bytes, *, inline: bool = False) -> Part:
    """A base64 attachment; non-ASCII file names use RFC 2231 (and RFC 2047 for old readers)."""
    disposition = "inline" if inline else "attachment"
    if filename.isascii():
        name_param, file_param = f'name="{filename}"', f'filename="{filename}"'
    else:
        name_param = f'name="{enc_b(filename)}"'
        file_param = f"filename*=UTF-8''{quote(filename, safe='')}"
    headers: list[Header] = [
        ("Content-Type", f"{ctype}; {name_param}"),
        ("Content-Disposition", f"{disposition};\n {file_param}"),
        ("Content-Transfer-Encoding", "base64"),
    ]
    return headers, base64.encodebytes(data)


def multipart(
    subtype: str, boundary: str, parts: list[Part], *, params: str = "", preamble: str = ""
) -> Part:
    """A multipart/* entity with a fixed boundary (the generator's are random)."""
    chunks = [preamble.encode() + b"\n\n"] if preamble else []
    for headers, body in parts:
        chunks.append(b"--" + boundary.encode() + b"\n" + render(headers, body).rstrip(b"\n") + b"\n")
    chunks.append(b"--" + boundary.encode() + b"--\n")
    ctype = f'multipart/{subtype}; boundary="{boundary}"' + (f"; {params}" if params else "")
    return [("Content-Type", ctype)], b"".join(chunks)


def received(
    when: datetime, helo: str, ip: str, qid: str, *, by: str = "mx.demo.test", rcpt: str = ""
) -> str:
    """A Postfix-style Received: header value."""
    stamp = format_datetime(when.astimezone(UTC))
    for_ = f"\n\tfor <{rcpt}>" if rcpt else ""
    return f"from {helo} ({helo} [{ip}])\n\tby {by} (Postfix) with ESMTPS id {qid}{for_};\n\t{stamp}"


def png_graph(values: list[int], height: int = 24) -> bytes:
    """A tiny valid PNG (a bar chart of `values`), built from bytes with zlib: no image library."""
    width = len(values)
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 for the scanline
        for v in values:
            on = height - y <= v
            row += bytes((0x2E, 0x86, 0xC1)) if on else bytes((0xF4, 0xF4, 0xF4))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of text and a correct xref table."""
    text = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({ln}) '" for ln in lines) + " ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def qid_for(seed: str) -> str:
    """A deterministic Postfix-like queue id derived from `seed`."""
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:10].upper()


def mail(
    *,
    when: datetime,
    frm: str,
    to: str,
    subject: str | bytes,
    mid: str,
    content: Part,
    tz: timezone = UTC,
    extra: Sequence[Header] = (),
    hop: tuple[str, str] | None = ("mail.example.org", "198.51.100.23"),
    rcpt: str = "admin@demo.test",
    sender: str | None = None,
    written: datetime | None = None,
) -> bytes:
    """A whole message as delivered to `rcpt`: trace headers, then the author's headers and content.

    `when` is the delivery time; the Date: header is `written` (default: 7 s earlier) in `tz`.
    `hop` is the (helo, ip) of the sending server; None for mail that never crossed the network
    (Sent, Drafts).
    """
    written = written or when - timedelta(seconds=7)
    if sender is None:
        sender = frm[frm.rfind("<") + 1 : frm.rfind(">")] if "<" in frm else frm
    headers: list[Header] = []
    if hop is not None:
        headers += [
            ("Return-Path", f"<{sender}>"),
            ("Delivered-To", rcpt),
            ("Received", received(when, hop[0], hop[1], qid_for(mid), rcpt=rcpt)),
        ]
    headers += [
        ("Date", fmt_date(written, tz)),
        ("From", frm),
        ("To", to),
        ("Subject", subject),
        ("Message-ID", mid),
        *extra,
        ("MIME-Version", "1.0"),
        *content[0],
    ]
    return render(headers, content[1])


def mid_for(when: datetime, tag: str, host: str) -> str:
    """A deterministic Message-ID: timestamp, a tag, the sender's host."""
    return f"<{when.strftime('%Y%m%d%H%M%S')}.{tag}@{host}>"


def inbox_message(when: datetime, *, flags: str = "S", new: bool = False, **kw: Any) -> DemoMessage:
    """One INBOX message delivered at `when`; `kw` goes to `mail`."""
    return DemoMessage("", when, mail(when=when, **kw), flags=flags, new=new)
