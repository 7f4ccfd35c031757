"""Index rows from raw header blocks, fast: one `Envelope` per message, no email.message.

The header block is split by hand (a compat32-style parse of only the fields an index row
shows) and only those fields are decoded. policy.default would be ~20x slower, and an
index of 100k messages is built from this function.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from mailtui.core.message.decode import decode_address_list, decode_header_value, format_address, parse_date
from mailtui.core.message.header_block import HEADER_END
from mailtui.core.message.limits import MAX_HEADER_CHARS
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.core.sanitize import clean_line, reveal_invisible

# What the IMAP backend fetches with BODY.PEEK[HEADER.FIELDS (...)]: exactly what an
# Envelope needs, nothing more.
INDEX_HEADER_FIELDS: tuple[str, ...] = (
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
)
_WANTED = frozenset(name.lower() for name in INDEX_HEADER_FIELDS)
_MSG_ID = re.compile(r"<[^<>\s]*>")
_CONTENT_TYPE = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
_NOT_ATTACHMENT_MULTIPARTS = frozenset({"alternative", "related"})


def split_headers(header_block: bytes, wanted: frozenset[str] | None = None) -> list[tuple[str, bytes]]:
    """(name, unfolded raw value) pairs of a header section, in order, stopping at the blank line.

    Lenient like real MUAs: an mbox "From " line and lines that are not headers are
    skipped, LF and CRLF both end lines. With `wanted` (lower-case names), others are dropped.
    """
    headers: list[tuple[str, bytes]] = []
    keep_current = False
    for line in header_block.split(b"\n"):
        line = line.removesuffix(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if headers and keep_current:
                key, value = headers[-1]
                if len(value) < MAX_HEADER_CHARS:  # bounded: no quadratic growth on 10k folds
                    headers[-1] = (key, value + line)
            continue
        name, colon, value = line.partition(b":")
        name = name.strip()
        if not colon or not name or b" " in name:
            keep_current = False  # "From " envelope line or garbage
            continue
        key = name.decode("ascii", "replace")
        keep_current = wanted is None or key.lower() in wanted
        if keep_current:
            headers.append((key, value.strip(b" \t")))
    return headers


def envelope_from_headers(
    header_block: bytes, ref: MessageRef, size: int, flags: frozenset[Flag] = frozenset()
) -> Envelope:
    """The index row of a message from its (possibly truncated or garbage) header block.

    Never raises: what cannot be decoded is left empty. Texts are one line, sanitized.
    """
    try:
        return _envelope(header_block, ref, size, flags)
    except Exception:  # an index row must never break the list; show the bare ref
        return Envelope(ref=ref, size=size, flags=flags)


def _envelope(header_block: bytes, ref: MessageRef, size: int, flags: frozenset[Flag]) -> Envelope:
    fields: dict[str, list[bytes]] = {}
    for name, value in split_headers(header_block, _WANTED):
        fields.setdefault(name.lower(), []).append(value)

    def first(name: str) -> bytes:
        values = fields.get(name)
        return values[0] if values else b""

    senders = decode_address_list(first("from").decode("ascii", "surrogateescape"))
    sender, sender_address = "", ""
    if senders:
        name, addr = senders[0]
        # Invisible characters shown as <U+200B>: a look-alike sender must look different.
        sender = clean_line(reveal_invisible(format_address(name, addr)))
        sender_address = clean_line(reveal_invisible(addr))
    in_reply_to = message_ids(first("in-reply-to"))
    return Envelope(
        ref=ref,
        date=parse_date(first("date")),
        sender=sender,
        sender_address=sender_address,
        to=_addresses(fields.get("to", [])),
        cc=_addresses(fields.get("cc", [])),
        subject=clean_line(reveal_invisible(decode_header_value(first("subject")))),
        size=size,
        flags=flags,
        message_id=clean_line(decode_header_value(first("message-id"))),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=tuple(message_ids(first("references"))),
        has_attachments=_has_attachments(first("content-type")),
    )


def _addresses(values: list[bytes]) -> str:
    raw = [v.decode("ascii", "surrogateescape") for v in values]
    return clean_line(", ".join(format_address(n, a) for n, a in decode_address_list(raw)))


def message_ids(value: str | bytes) -> list[str]:
    """The <id> tokens of a Message-ID/In-Reply-To/References value; a bare id is kept as is."""
    text = clean_line(decode_header_value(value))
    ids = _MSG_ID.findall(text)
    if not ids and text and " " not in text:
        ids = [text]
    return ids


def _has_attachments(content_type: bytes) -> bool:
    """Heuristic from the top-level type: multipart/mixed, report, signed... but not alternative/related."""
    m = _CONTENT_TYPE.match(content_type.decode("ascii", "replace"))
    if m is None:
        return False
    maintype, subtype = m.group(1).lower(), m.group(2).lower()
    return maintype == "multipart" and subtype not in _NOT_ATTACHMENT_MULTIPARTS


def read_header_block(fileobj: BinaryIO, limit: int = 65536) -> bytes:
    """Read from `fileobj` up to the end of the header section (the first blank line).

    Reads in chunks and stops at the blank line, at `limit` bytes or at end of file, so
    the body of a large message is not read. The file position afterwards is unspecified.
    Returns the header section including its blank line when found.
    """
    data = b""
    while len(data) < limit:
        chunk = fileobj.read(min(4096, limit - len(data)))
        if not chunk:
            break
        start = max(0, len(data) - 3)  # the blank line may straddle two chunks
        data += chunk
        if data.startswith((b"\n", b"\r\n")):
            return data[: 1 if data.startswith(b"\n") else 2]  # no headers at all
        m = HEADER_END.search(data, start)
        if m is not None:
            return data[: m.end()]
    return data[:limit]
