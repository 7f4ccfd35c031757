"""One message from raw bytes to what the pager shows: headers, readable body, parts, notes.

Parsed with compat32 (address headers cannot raise there) and decoded with our own
lenient decoders, so broken mail still renders: `parse_message` never raises, and what
was wrong (bad base64, missing boundary, unknown charset, NUL bytes...) becomes a short
note shown above the body. Every text in the view is sanitized for the terminal.
"""

from __future__ import annotations

import email.errors
from dataclasses import dataclass
from email.message import Message

from mailtui.core.i18n import tr
from mailtui.core.message.bodytext import render_body
from mailtui.core.message.crypto import find_crypto_parts
from mailtui.core.message.decode import (
    date_out_of_range,
    decode_address_list,
    decode_bytes,
    decode_header_value,
    format_address,
    parse_date,
)
from mailtui.core.message.envelope import message_ids
from mailtui.core.message.header_block import HEADER_END
from mailtui.core.message.limits import MAX_DEPTH, parse_capped
from mailtui.core.message.mimeparts import MimePart, part_bytes, walk_parts
from mailtui.core.sanitize import clean_line, clean_text, reveal_controls, safe_filename

__all__ = ["Attachment", "MessageView", "MimePart", "attachment_bytes", "parse_message", "raw_source_text"]

_MAX_LINE = 998  # RFC 5322 section 2.1.1
_MAX_NOTE = 200
_ATTACHMENT_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/global"})
_INLINE_NON_TEXT = frozenset({"message/delivery-status", "message/global-delivery-status"})

_DEFECT_NOTES: dict[type[email.errors.MessageDefect], str] = {
    email.errors.StartBoundaryNotFoundDefect: "multipart boundary not found in the body",
    email.errors.NoBoundaryInMultipartDefect: "multipart without a boundary parameter",
    email.errors.CloseBoundaryNotFoundDefect: "closing MIME boundary missing: message may be truncated",
    email.errors.MissingHeaderBodySeparatorDefect: "no blank line between headers and body",
    email.errors.FirstHeaderLineIsContinuationDefect: "malformed header lines",
    email.errors.MisplacedEnvelopeHeaderDefect: "malformed header lines",
}


@dataclass(frozen=True)
class Attachment:
    """A part the user can save; `filename` is already safe to join to a folder."""

    index: int
    filename: str
    content_type: str
    size: int
    part_path: str


@dataclass(frozen=True)
class MessageView:
    """Everything the pager needs about one message, decoded and sanitized."""

    subject: str
    sender: str
    to: str
    cc: str
    reply_to: str
    date: str
    date_ts: float | None
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    body: str
    body_source: str  # "text/plain", "text/html (converted)", "raw", "none"
    parts: tuple[MimePart, ...]
    attachments: tuple[Attachment, ...]
    notes: tuple[str, ...]
    raw: bytes
    # "PGP/MIME signed (part 1)", ...: what the pager names; V verifies (diagnostics.signatures)
    security: tuple[str, ...] = ()


def parse_message(raw: bytes) -> MessageView:
    """The view of one raw message. Never raises: broken input gives a fallback view with notes."""
    try:
        return _parse(raw)
    except Exception as exc:  # last resort: the raw source is always showable
        return _raw_view(raw, [f"could not parse the message ({type(exc).__name__}); showing the source"])


def _raw_view(raw: bytes, notes: list[str]) -> MessageView:
    return MessageView(
        subject="",
        sender="",
        to="",
        cc="",
        reply_to="",
        date="",
        date_ts=None,
        message_id="",
        in_reply_to="",
        references=(),
        headers=(),
        body=raw_source_text(raw),
        body_source="raw" if raw else "none",
        parts=(),
        attachments=(),
        notes=_clean_notes(notes),
        raw=raw,
    )


def _parse(raw: bytes) -> MessageView:
    if not raw.strip():
        return _raw_view(raw, ["empty message"])
    notes = _raw_notes(raw)
    msg, cut_notes = parse_capped(raw)
    notes.extend(cut_notes)
    if not msg.keys():
        notes.append("no headers found")

    def header(name: str) -> str:
        values = [v for k, v in msg.raw_items() if k.lower() == name]
        return values[0] if values else ""

    def addresses(name: str) -> str:
        values = [v for k, v in msg.raw_items() if k.lower() == name]
        return clean_line(", ".join(format_address(n, a) for n, a in decode_address_list(values)))

    date_raw = clean_line(decode_header_value(header("date")))
    date_ts = parse_date(date_raw)
    if date_raw and date_ts is None:
        notes.append(
            tr("Date cannot be represented (year out of range): shown as written")
            if date_out_of_range(date_raw)
            else tr("unparsable Date header")
        )
    parts, leaves = walk_parts(msg)
    rendered = render_body(msg)
    for part in parts:
        label = part.path if len(part.path) <= 16 else f"{part.path[:7]}…{part.path[-7:]}"
        notes.extend(f"part {label}: {note}" if len(parts) > 1 else note for note in part.notes)
    for note in _defect_notes(msg):
        notes.append(note)
    body, source = rendered.text, rendered.source
    notes.extend(rendered.notes)
    attachments = _attachments(leaves, rendered.used_paths)
    if not body.strip() and source == "none":
        if attachments:
            notes.append("no text part; see the attachments")
        else:  # nothing to show at all: the structure is broken, show what is there
            body, source = _raw_body(raw, notes)
    in_reply_to = message_ids(header("in-reply-to"))
    return MessageView(
        subject=clean_line(decode_header_value(header("subject"))),
        sender=addresses("from"),
        to=addresses("to"),
        cc=addresses("cc"),
        reply_to=addresses("reply-to"),
        date=date_raw,
        date_ts=date_ts,
        message_id=clean_line(decode_header_value(header("message-id"))),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=tuple(message_ids(header("references"))),
        headers=tuple((clean_line(k), clean_line(decode_header_value(v))) for k, v in msg.raw_items()),
        body=clean_text(body),
        body_source=source,
        parts=tuple(parts),
        attachments=attachments,
        security=_security(raw, notes),
        notes=_clean_notes(notes),
        raw=raw,
    )


def _security(raw: bytes, notes: list[str]) -> tuple[str, ...]:
    """Where the message is signed or encrypted (PGP, S/MIME), one label each."""
    try:
        found = find_crypto_parts(raw)
    except Exception as exc:  # the rest of the view stands without it
        notes.append(f"could not look for signatures ({type(exc).__name__})")
        return ()
    return tuple(f"{p.label} (part {p.path})" for p in found)


def _clean_notes(notes: list[str]) -> tuple[str, ...]:
    """Notes quote mail content (charset labels, encodings): sanitize, shorten, dedupe."""
    cleaned = (clean_line(n)[:_MAX_NOTE] for n in notes if n)
    return tuple(dict.fromkeys(n for n in cleaned if n))


def _raw_notes(raw: bytes) -> list[str]:
    notes = []
    if b"\x00" in raw:
        notes.append("message contains NUL bytes")
    if any(len(line) > _MAX_LINE + 2 for line in raw.split(b"\n")):
        notes.append(f"lines longer than {_MAX_LINE} characters")
    return notes


def _defect_notes(msg: Message) -> list[str]:
    notes = []
    stack: list[tuple[Message, int]] = [(msg, 0)]  # not msg.walk(): recursive, and unbounded
    while stack:
        part, depth = stack.pop()
        for defect in getattr(part, "defects", ()):
            note = _DEFECT_NOTES.get(type(defect))
            if note:
                notes.append(note)
        payload = part.get_payload()
        if isinstance(payload, list) and depth < MAX_DEPTH:
            stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
    return notes


def _raw_body(raw: bytes, notes: list[str]) -> tuple[str, str]:
    """The undecoded body text, when no part could be rendered (broken structure)."""
    m = HEADER_END.search(raw)
    body = raw[m.end() :] if m else raw  # no empty line: show it all
    if not body.strip():
        return "", "none"
    text, note = decode_bytes(body, None)
    notes.append("no readable text part; showing the raw body")
    if note:
        notes.append(note)
    return text, "raw"


def _attachments(leaves: list[tuple[Message, MimePart]], used: frozenset[str]) -> tuple[Attachment, ...]:
    result: list[Attachment] = []
    for part, info in leaves:
        if info.path in used and info.disposition != "attachment":
            continue
        is_text = info.content_type.startswith("text/")
        if not (
            info.disposition == "attachment"
            or info.filename
            or info.content_type in _ATTACHMENT_TYPES
            or (not is_text and info.content_type not in _INLINE_NON_TEXT)
        ):
            continue
        fallback = _fallback_name(part, info, len(result) + 1)
        result.append(
            Attachment(
                index=len(result) + 1,
                filename=safe_filename(info.filename, fallback=fallback),
                content_type=info.content_type,
                size=info.size,
                part_path=info.path,
            )
        )
    return tuple(result)


_EXTENSIONS = {
    "message/rfc822": ".eml",
    "text/rfc822-headers": ".txt",
    "text/plain": ".txt",
    "text/html": ".html",
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/zip": ".zip",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "text/calendar": ".ics",
}


def _fallback_name(part: Message, info: MimePart, number: int) -> str:
    """A name for a part that has none: the subject of a message/rfc822, else part-N.ext."""
    ext = _EXTENSIONS.get(info.content_type, ".bin")
    if info.content_type == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            subject = clean_line(decode_header_value(str(inner[0].get("subject", ""))))
            if subject:
                return safe_filename(subject[:80]) + ext
    return f"part-{number}{ext}"


def attachment_bytes(raw: bytes, attachment: Attachment) -> bytes:
    """The decoded payload of the attachment's part (a message/rfc822 as its own source)."""
    try:
        msg, _notes = parse_capped(raw)
        _parts, leaves = walk_parts(msg)
        for part, info in leaves:
            if info.path == attachment.part_path:
                return part_bytes(part)[0]
    except Exception:  # a broken message gives nothing to save rather than a crash
        return b""
    return b""


def raw_source_text(raw: bytes) -> str:
    """The message source for a "view source" screen: decoded line by line, sanitized.

    Line by line because one message mixes encodings (Latin-1 headers, UTF-8 body).
    """
    lines = []
    for line in raw.split(b"\n"):
        if line.isascii():
            lines.append(line.decode("ascii"))
        else:
            lines.append(decode_bytes(line, None)[0])
    # Shown, not dropped: the admin looking at the source should see an escape-sequence attack.
    return reveal_controls("\n".join(lines))
