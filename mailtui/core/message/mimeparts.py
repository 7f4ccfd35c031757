"""The MIME tree of a parsed message: part paths, metadata and decoded payloads.

Split from message.py so the tree walk (used for the part list, attachments and saving)
is in one place. Paths are "1" for the root and "1.2.1" below it, stable for a given raw
message, so an attachment found once is found again by `attachment_bytes`.
"""

from __future__ import annotations

import email.policy
import email.utils
import quopri
from dataclasses import dataclass
from email.message import Message

from mailtui.core.message.decode import decode_base64, decode_header_value
from mailtui.core.message.limits import DEPTH_NOTE
from mailtui.core.message.limits import MAX_DEPTH as MAX_DEPTH
from mailtui.core.sanitize import clean_line

_PLAIN_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
_UUENCODE = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})
# Parsed by compat32 into header blocks, yet a single leaf for us.
LEAF_CONTAINERS = frozenset({"message/delivery-status", "message/global-delivery-status"})
ENCLOSED_MESSAGES = frozenset({"message/rfc822", "message/global"})


@dataclass(frozen=True)
class MimePart:
    """One node of the MIME tree, as the part list and the Diagnostics view show it."""

    path: str
    content_type: str
    charset: str | None
    transfer_encoding: str | None
    size: int  # decoded bytes (for containers: the sum of their leaves)
    filename: str | None
    disposition: str | None
    depth: int
    notes: tuple[str, ...] = ()


def content_type(part: Message) -> str:
    """The lower-case type/subtype, application/octet-stream when unreadable."""
    try:
        return part.get_content_type()
    except Exception:  # a Header object or garbage in Content-Type
        return "application/octet-stream"


def disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:  # garbage Content-Disposition is treated as absent
        return None


def charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # non-ASCII or otherwise broken charset parameter
        return None


def part_filename(part: Message) -> str | None:
    """The decoded file name (RFC 2231, or the common non-standard encoded words), one line."""
    try:
        name = part.get_filename() or part.get_param("name")
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    except Exception:  # broken RFC 2231 parameters
        return None
    if not name:
        return None
    return clean_line(decode_header_value(str(name))) or None


def part_bytes(part: Message) -> tuple[bytes, tuple[str, ...]]:
    """The decoded payload of a leaf (an enclosed message as its source) and what was wrong."""
    payload = part.get_payload()
    if isinstance(payload, list):
        try:
            gen_policy = email.policy.compat32
            return b"\n".join(m.as_bytes(policy=gen_policy) for m in payload if isinstance(m, Message)), ()
        except Exception:  # generator failures on broken enclosed messages
            return b"", ("enclosed message could not be regenerated",)
    # The stored payload, not get_payload(): for 8-bit bodies get_payload() already decodes
    # with the declared charset and "replace", losing the bytes our fallback chain needs.
    raw_payload = getattr(part, "_payload", payload)
    if not isinstance(raw_payload, str):
        return b"", ()
    data = raw_payload.encode("utf-8", "surrogateescape")  # the original bytes back
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte == "base64":
        return decode_base64(data)
    if cte == "quoted-printable":
        return quopri.decodestring(data), ()
    if cte in _UUENCODE:
        try:
            decoded = part.get_payload(decode=True)
        except Exception:  # uu errors
            decoded = None
        return (decoded if isinstance(decoded, bytes) else data), ()
    if cte not in _PLAIN_ENCODINGS:
        return data, (f"unknown transfer encoding {clean_line(cte)[:40]}",)
    return data, ()


def walk_parts(msg: Message, *, decode: bool = True) -> tuple[list[MimePart], list[tuple[Message, MimePart]]]:
    """All parts depth-first, and the attachment candidates.

    Candidates are the leaves outside enclosed messages; an enclosed message/rfc822 is
    itself one candidate (saved as a .eml), while its own parts are listed for display.
    With `decode=False` leaves are not decoded: sizes are estimated from the encoded
    length (3/4 of it for base64) and encoding notes are not given (the header inspector).
    """
    parts: list[MimePart] = []
    leaves: list[tuple[Message, MimePart]] = []
    _walk(msg, "1", 0, parts, leaves, enclosed=False, decode=decode)
    return parts, leaves


_DECODE_ALWAYS = 1024 * 1024  # smaller leaves are decoded anyway: exact size, encoding notes


def _estimated_size(part: Message) -> int:
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, str):
        return 0
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    return len(payload) * 3 // 4 if cte == "base64" else len(payload)


def _walk(
    part: Message,
    path: str,
    depth: int,
    parts: list[MimePart],
    leaves: list[tuple[Message, MimePart]],
    enclosed: bool,
    decode: bool = True,
) -> int:
    ctype = content_type(part)
    payload = part.get_payload()
    index = len(parts)
    parts.append(_info(part, path, depth, ctype, 0, ()))  # placeholder, keeps depth-first order
    if isinstance(payload, list) and ctype not in LEAF_CONTAINERS:
        if depth >= MAX_DEPTH:
            parts[index] = _info(part, path, depth, ctype, 0, (DEPTH_NOTE,))
            return 0
        size = 0
        is_message = ctype in ENCLOSED_MESSAGES
        if is_message and not enclosed and decode:
            data, _ = part_bytes(part)
            size = len(data)
        for i, child in enumerate(payload, 1):
            if isinstance(child, Message):
                child_size = _walk(
                    child, f"{path}.{i}", depth + 1, parts, leaves, enclosed or is_message, decode
                )
                size = size if is_message else size + child_size
        parts[index] = _info(part, path, depth, ctype, size, ())
        if is_message and not enclosed:
            leaves.append((part, parts[index]))
        return size
    if decode or _estimated_size(part) <= _DECODE_ALWAYS:
        data, notes = part_bytes(part)
        size = len(data)
    else:
        size, notes = _estimated_size(part), ()
    parts[index] = _info(part, path, depth, ctype, size, notes)
    if not enclosed:
        leaves.append((part, parts[index]))
    return size


def _info(part: Message, path: str, depth: int, ctype: str, size: int, notes: tuple[str, ...]) -> MimePart:
    cte = part.get("content-transfer-encoding")
    return MimePart(
        path=path,
        content_type=ctype,
        charset=charset(part),
        transfer_encoding=clean_line(str(cte)).lower() if cte is not None else None,
        size=size,
        filename=part_filename(part),
        disposition=disposition(part),
        depth=depth,
        notes=notes,
    )
