"""The Diagnostics decoder: decode anything an admin pastes (RFC 2047 words, Base64, QP).

`decode_pasted` detects what the text is (a header line, encoded words, a Base64 blob,
quoted-printable), decodes it and says what was wrong with it. Broken input never raises:
the result is a PARTIAL decode with notes ("bad base64 padding", "unknown charset x",
"invalid bytes for utf-8", "not base64"). Pure: str in, values out.

The text in the result is faithful, NOT sanitized: sanitize before showing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mailtui.core.message.decode import (
    DecodedWord,
    codec_for,
    decode_base64,
    decode_bytes,
    decode_header_words,
    unfold,
)

Kind = Literal["header", "base64", "qp"]
Mode = Literal["auto", "header", "base64", "qp"]

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,75}):[ \t]*(.*)$", re.DOTALL)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_BASE64_TEXT = re.compile(r"^[A-Za-z0-9+/=\s]+$")
_QP_ESCAPE = re.compile(r"=(?:[0-9A-Fa-f]{2}|\r?\n)")
_QP_ANY = re.compile(rb"=(\r?\n|[0-9A-Fa-f]{2}|.{0,2})", re.DOTALL)
_BINARY_CONTROLS = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_PREVIEW_BYTES = 64


@dataclass(frozen=True)
class PastedDecoding:
    """What a pasted text was, its decoded text, each encoded word, and what was wrong.

    `data` holds the decoded bytes for base64/qp input (None for headers); `partial` is
    True when something could not be decoded cleanly (see `notes`).
    """

    kind: Kind
    detected: bool  # True when `kind` was guessed (--as auto)
    text: str
    charset: str | None
    data: bytes | None
    header_names: tuple[str, ...]
    words: tuple[DecodedWord, ...]
    notes: tuple[str, ...]  # what is wrong with the input
    info: tuple[str, ...] = ()  # what the decoder did that is not a problem

    @property
    def partial(self) -> bool:
        return bool(self.notes)


def detect_kind(text: str) -> Kind:
    """Guess what a pasted text is: encoded words or a header line, Base64, or QP."""
    stripped = text.strip()
    if _ENCODED_WORD.search(stripped) or _HEADER_LINE.match(stripped):
        return "header"
    if _QP_ESCAPE.search(stripped):
        return "qp"
    compact = re.sub(r"\s+", "", stripped)
    if compact and _BASE64_TEXT.match(stripped) and _looks_base64(compact):
        return "base64"
    return "header"  # plain text: shown as one literal word, nothing to decode


def _looks_base64(compact: str) -> bool:
    """Base64 alphabet alone is not proof ("hello" is valid): ask for shape or content."""
    if len(compact) < 4:
        return False
    if compact.endswith("=") or re.search(r"[0-9+/]", compact):
        return True
    if len(compact) % 4:
        return False
    data, notes = decode_base64(compact.encode("ascii"))
    if notes or not data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_pasted(text: str, mode: Mode = "auto", charset: str | None = None) -> PastedDecoding:
    """Decode a pasted text as `mode` (auto: detect) with an optional forced `charset`."""
    kind: Kind = detect_kind(text) if mode == "auto" else mode
    detected = mode == "auto"
    notes: list[str] = []
    if charset and codec_for(charset) is None:
        notes.append(f"unknown charset {charset[:40]} given with --charset; ignored")
        charset = None
    if kind == "header":
        return _decode_header(text, detected, charset, notes)
    raw = text.strip().encode("utf-8", "surrogateescape")
    if kind == "base64":
        data, b64_notes = decode_base64(raw)
        notes.extend(b64_notes)
        if not re.sub(rb"[^A-Za-z0-9+/]", b"", raw):
            notes.append("not base64: no base64 characters in the input")
    else:
        data, qp_notes = decode_quoted_printable(raw)
        notes.extend(qp_notes)
    body, used = _bytes_to_text(data, charset, notes)
    info = tuple(n for n in notes if n.endswith("(accepted)"))
    problems = tuple(dict.fromkeys(n for n in notes if n not in info))
    return PastedDecoding(kind, detected, body, used, data, (), (), problems, tuple(dict.fromkeys(info)))


def _bytes_to_text(data: bytes, charset: str | None, notes: list[str]) -> tuple[str, str | None]:
    """Text of decoded bytes; binary data is shown as a hex preview instead."""
    if data and sum(1 for b in data if b in _BINARY_CONTROLS) > len(data) // 10:
        notes.append(f"decoded bytes look binary ({len(data)} bytes), not text; showing hex")
        preview = data[:_PREVIEW_BYTES].hex(" ")
        return preview + (" …" if len(data) > _PREVIEW_BYTES else ""), None
    body, note = decode_bytes(data, charset)
    if note:
        notes.append(note)
    return body, charset or ("utf-8" if not data.isascii() and note is None else None)


def decode_quoted_printable(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Lenient quoted-printable (RFC 2045 6.7): bad escapes are kept literally and noted."""
    notes: list[str] = []

    def escape(m: re.Match[bytes]) -> bytes:
        tail = m.group(1)
        if tail.startswith(b"\n") or tail.startswith(b"\r\n"):
            return b""  # soft line break
        if len(tail) == 2 and re.fullmatch(rb"[0-9A-Fa-f]{2}", tail):
            if tail != tail.upper():
                notes.append("lower-case hex in quoted-printable (accepted)")
            return bytes([int(tail, 16)])
        if not tail or tail.isspace():
            notes.append("quoted-printable line ends with '=' followed by spaces or nothing")
            return b""
        shown = tail.decode("ascii", "backslashreplace")
        notes.append(f"invalid quoted-printable escape '={shown}' kept as is")
        return b"=" + tail

    return _QP_ANY.sub(escape, data), tuple(dict.fromkeys(notes))


def _decode_header(text: str, detected: bool, charset: str | None, notes: list[str]) -> PastedDecoding:
    """One or more header lines (or bare encoded words), each line decoded on its own."""
    names: list[str] = []
    texts: list[str] = []
    words: list[DecodedWord] = []
    for line in _logical_lines(text):
        m = _HEADER_LINE.match(line)
        name, value = (m.group(1), m.group(2)) if m else (None, line)
        if charset:
            value = _ENCODED_WORD.sub(lambda w: f"=?{charset}?{w.group(2)}?{w.group(3)}?=", value)
        decoded = decode_header_words(value)
        words.extend(decoded.words)
        notes.extend(decoded.notes)
        notes.extend(_word_problems(value))
        if name:
            names.append(name)
            texts.append(f"{name}: {decoded.text}")
        else:
            texts.append(decoded.text)
    info = [f"charset forced to {charset}"] if charset else []
    if not any(w.encoding for w in words) and not notes:
        info.append("no encoded words found: the text is shown as it is")
    used = charset or next((w.charset for w in words if w.charset), None)
    return PastedDecoding(
        "header",
        detected,
        "\n".join(texts),
        used,
        None,
        tuple(names),
        tuple(words),
        tuple(dict.fromkeys(notes)),
        tuple(info),
    )


def _word_problems(value: str) -> list[str]:
    """What decode_header_words does not say: broken-looking words it skipped as literal text."""
    problems = []
    rest = _ENCODED_WORD.sub("", value)
    if "=?" in rest:
        problems.append("malformed encoded word (not =?charset?B|Q?text?=) left undecoded")
    for m in _ENCODED_WORD.finditer(value):
        if m.group(2) in "qQ" and re.search(r"=(?![0-9A-Fa-f]{2})", m.group(3)):
            problems.append("invalid '=' escape in a Q word")
    return problems


def _logical_lines(text: str) -> list[str]:
    """Header lines with their folding undone; blank lines dropped."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        if lines and line[:1] in (" ", "\t"):
            lines[-1] = unfold(lines[-1] + "\n" + line)
        elif line.strip():
            lines.append(line)
    return [line.strip() for line in lines] or [""]
