"""Decode what mail headers and bodies contain into str, whatever the sender did.

RFC 2047 encoded words (B and Q), raw 8-bit headers, charset labels that are unknown or
wrong: every function here returns text and never raises. Where the input was broken,
the `...words` / `decode_bytes` variants say how, for the Diagnostics decoder and the
pager's notes.

The results are faithful, NOT sanitized: pass them through `core.sanitize.clean_line` /
`clean_text` before showing them (envelope.py and message.py do).
"""

from __future__ import annotations

import binascii
import codecs
import datetime
import email.utils
import re
from dataclasses import dataclass
from typing import Literal

# Labels mapped to the codec we really decode with: supersets that are strict where the
# label is, so text labelled with the narrow charset still decodes (WHATWG does the same).
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
# Labels that say "no idea": decoded with the fallback chain, noted as such.
_UNKNOWN_LABELS = frozenset({"unknown-8bit", "x-unknown", "unknown", "8bit", "x-user-defined", "default"})
_NOT_CHARSETS = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "mbcs", "oem", "charmap"}
)
_MULTIBYTE = frozenset({"gb18030", "big5hkscs", "cp932", "euc_jp", "iso2022_jp_ext", "cp949", "utf-8"})

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$|\r(?=[ \t])")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_CJK = re.compile("[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class DecodedWord:
    """One piece of a header: an encoded word, or the literal text between words.

    `raw` shows 8-bit bytes that are not UTF-8 as \\xNN escapes.
    """

    raw: str
    text: str
    charset: str | None = None
    encoding: Literal["B", "Q"] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DecodedHeader:
    """A decoded header value with the detail of each word (for Diagnostics)."""

    text: str
    words: tuple[DecodedWord, ...] = ()
    notes: tuple[str, ...] = ()


def codec_for(charset: str | None) -> str | None:
    """The Python codec name used for a MIME charset label, or None when it is unknown."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").split("*", 1)[0].lower()  # RFC 2231 "utf-8*en"
    if label in _UNKNOWN_LABELS:
        return None
    name = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    # Python also has bytes-to-bytes and escape "codecs" (base64, rot13, unicode_escape):
    # a charset label must never select one of those.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode `data` labelled `charset`; returns (text, note) where note says what was wrong.

    Chain: the label's codec (strict); UTF-8 (strict: valid UTF-8 by chance is rare, so a
    label that lies is caught); for multi-byte labels the label with replacement; then
    GB18030 when the bytes decode to CJK text; then windows-1252, then Latin-1.
    """
    label = (charset or "").strip().strip("\"'").lower() or None
    codec = codec_for(label)
    if codec is not None:
        try:
            text = data.decode(codec)
        except (UnicodeError, LookupError, ValueError):
            pass
        else:
            if codec == "utf-8" or data.isascii():
                return text, None
            utf8 = _lying_label_utf8(data, multibyte=codec in _MULTIBYTE)
            if utf8 is not None:
                return utf8, f"labelled {_shown(label)} but valid utf-8, decoded as utf-8"
            return text, None
    if data.isascii():
        text = data.decode("ascii")
        return text, (f"unknown charset {_shown(label)}, decoded as ascii" if _noted(label, codec) else None)
    if codec != "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return text, _fallback_note(label, codec, "utf-8")
    if codec in _MULTIBYTE and codec != "utf-8":
        return data.decode(codec, "replace"), f"invalid bytes for {_shown(label)} replaced"
    if codec == "utf-8" and _mostly_utf8(data):
        return data.decode("utf-8", "replace"), "invalid bytes for utf-8 replaced"
    cjk = _try_cjk(data)
    if cjk is not None:
        return cjk, _fallback_note(label, codec, "gb18030")
    try:
        return data.decode("cp1252"), _fallback_note(label, codec, "windows-1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), _fallback_note(label, codec, "latin-1")


def _lying_label_utf8(data: bytes, multibyte: bool) -> str | None:
    """The UTF-8 reading of data whose label decoded it too, when UTF-8 is the likelier truth.

    A single-byte label always "works", and valid non-ASCII UTF-8 is almost never Latin
    text by chance. A multi-byte label (GB, Big5, Shift_JIS) can also swallow UTF-8, but a
    short GB text can be valid UTF-8 by chance, so ask for more evidence there.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not multibyte:
        return text
    wide = sum(1 for ch in text if ord(ch) >= 0x800)
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    return text if wide or non_ascii >= 3 else None


def _shown(label: str | None) -> str:
    """A charset label as quoted in a note: it comes from the mail, so keep it short."""
    label = label or ""
    return label if len(label) <= 40 else label[:40] + "…"


def _noted(label: str | None, codec: str | None) -> bool:
    return label is not None and codec is None and label not in _UNKNOWN_LABELS


def _fallback_note(label: str | None, codec: str | None, used: str) -> str | None:
    if label is None and used == "utf-8":
        return None  # raw UTF-8 headers are legitimate (RFC 6532)
    if label is None or label in _UNKNOWN_LABELS:
        return f"8-bit text without charset, decoded as {used}"
    if codec is None:
        return f"unknown charset {_shown(label)}, decoded as {used}"
    return f"invalid bytes for {_shown(label)}, decoded as {used}"


def _mostly_utf8(data: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 (a few corrupt bytes in UTF-8 text)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good > 0 and bad <= good


def _try_cjk(data: bytes) -> str | None:
    """GB18030 decoding of unlabelled bytes, kept only when the result reads as CJK text."""
    try:
        # EUC-CN (both bytes >= 0xA1) first: Latin-1 text rarely has such byte pairs,
        # while GBK's ASCII trail bytes would read "élève" as two ideographs.
        data.decode("gb2312")
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    cjk = sum(1 for ch in non_ascii if _CJK.match(ch))
    return text if non_ascii and cjk >= 0.8 * len(non_ascii) else None


def _to_str(raw: str | bytes) -> str:
    """Bytes to str keeping 8-bit bytes as surrogate escapes (decoded later, per piece)."""
    if isinstance(raw, bytes):
        return raw.decode("ascii", "surrogateescape")
    return raw


def _literal(s: str) -> tuple[str, str | None]:
    """Literal (not encoded-word) text, which may carry raw 8-bit bytes as surrogates."""
    if s.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in s):
        return s, None
    return decode_bytes(s.encode("utf-8", "surrogateescape"), None)


def _visible(s: str) -> str:
    """Raw text for display: 8-bit bytes that are not UTF-8 shown as \\xNN escapes."""
    if s.isascii():
        return s
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def unfold(value: str) -> str:
    """Remove header folding (CRLF before whitespace) and a trailing line break."""
    return _FOLD.sub("", value) if ("\n" in value or "\r" in value) else value


def decode_base64(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Lenient base64: whitespace and stray characters skipped, padding repaired, never raises.

    Returns the bytes and notes ("invalid characters in base64", "bad base64 padding",
    "truncated base64"). Chunks padded in the middle (concatenated encodings) are decoded
    one after the other instead of stopping at the first "=".
    """
    notes: list[str] = []
    compact = re.sub(rb"\s+", b"", data)
    if compact.count(b"=") > _MAX_BASE64_CHUNKS:
        return _decode_base64_lossy(compact)
    out = []
    for chunk in re.findall(rb"[^=]+=*|=+", compact):
        stripped = chunk.rstrip(b"=")
        if not stripped:
            continue
        cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", stripped)
        if cleaned != stripped:
            notes.append("invalid characters in base64")
        if len(cleaned) % 4 == 1:
            cleaned = cleaned[:-1]  # 6 bits cannot make a byte: the data was cut
            notes.append("truncated base64")
        padding = -len(cleaned) % 4
        if len(chunk) - len(stripped) != padding:
            notes.append("bad base64 padding")
        try:
            out.append(binascii.a2b_base64(cleaned + b"=" * padding))
        except (binascii.Error, ValueError):
            notes.append("undecodable base64")
    return b"".join(out), tuple(dict.fromkeys(notes))


_MAX_BASE64_CHUNKS = 1000  # "=" signs; more is garbage, decoded in one linear pass


def _decode_base64_lossy(compact: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Base64 with padding all over it (thousands of chunks): padding and stray characters
    dropped, decoded at once. Linear, where one call per chunk would take seconds."""
    notes = ["bad base64 padding"]
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", compact)
    if len(cleaned) < len(compact) - compact.count(b"="):
        notes.append("invalid characters in base64")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
        notes.append("truncated base64")
    try:
        return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4)), tuple(notes)
    except (binascii.Error, ValueError):
        return b"", (*notes, "undecodable base64")


def _word_bytes(encoding: str, text: str) -> tuple[bytes, list[str]]:
    """The bytes an encoded word carries, plus notes when its encoding was broken."""
    payload = text.encode("utf-8", "surrogateescape")
    if encoding == "Q":
        return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), payload.replace(b"_", b" ")), []
    data, notes = decode_base64(payload)
    return data, list(notes)


def decode_header_words(raw: str | bytes) -> DecodedHeader:
    """Decode a header value and describe each encoded word and what was wrong with it."""
    try:
        return _decode_words(raw)
    except Exception as exc:  # a decoder must never take the UI down; say what happened
        text = _to_str(raw) if isinstance(raw, bytes | str) else repr(raw)
        return DecodedHeader(text=text, words=(), notes=(f"decoder error: {type(exc).__name__}",))


def _decode_words(raw: str | bytes) -> DecodedHeader:
    value = unfold(_to_str(raw))
    if "=?" not in value:
        text, note = _literal(value)
        word = DecodedWord(raw=_visible(value), text=text, notes=(note,) if note else ())
        return DecodedHeader(text=text, words=(word,), notes=(note,) if note else ())
    words: list[DecodedWord] = []
    # (charset, bytes) runs of adjacent encoded words, joined before decoding so that a
    # multi-byte character split across two words still decodes (RFC 2047 says it must
    # not be split, but senders do it).
    pieces: list[tuple[str | None, bytes | str]] = []
    notes: list[str] = []
    pos = 0
    last_was_word = False
    for m in _ENCODED_WORD.finditer(value):
        between = value[pos : m.start()]
        if between and not (last_was_word and between.isspace()):
            text, note = _literal(between)
            words.append(DecodedWord(raw=_visible(between), text=text, notes=(note,) if note else ()))
            pieces.append((None, text))
            if note:
                notes.append(note)
        charset, payload = m.group(1), m.group(3)
        enc: Literal["B", "Q"] = "Q" if m.group(2).upper() == "Q" else "B"  # _ENCODED_WORD: [bBqQ]
        data, word_notes = _word_bytes(enc, payload)
        text, note = decode_bytes(data, charset)
        if note:
            word_notes.append(note)
        words.append(DecodedWord(_visible(m.group(0)), text, charset, enc, tuple(word_notes)))
        notes.extend(word_notes)
        label = charset.split("*", 1)[0].lower()
        if pieces and isinstance(pieces[-1][1], bytes) and pieces[-1][0] == label and last_was_word:
            pieces[-1] = (label, pieces[-1][1] + data)
        else:
            pieces.append((label, data))
        pos = m.end()
        last_was_word = True
    tail = value[pos:]
    if tail:
        text, note = _literal(tail)
        words.append(DecodedWord(raw=_visible(tail), text=text, notes=(note,) if note else ()))
        pieces.append((None, text))
        if note:
            notes.append(note)
    out = []
    for label, chunk in pieces:
        out.append(decode_bytes(chunk, label)[0] if isinstance(chunk, bytes) else chunk)
    return DecodedHeader(text="".join(out), words=tuple(words), notes=tuple(dict.fromkeys(notes)))


def decode_header_value(raw: str | bytes) -> str:
    """The decoded text of a header value (RFC 2047 words, raw 8-bit, folding). Never raises."""
    # fast paths: most headers are plain ASCII
    if isinstance(raw, str):
        if raw.isascii() and "=?" not in raw:
            return unfold(raw)
    elif isinstance(raw, bytes) and raw.isascii() and b"=?" not in raw:
        return unfold(raw.decode("ascii"))
    return decode_header_words(raw).text


def format_address(name: str, addr: str) -> str:
    """Display form of one address: "Name <addr>", or just the address (or name)."""
    name, addr = name.strip(), addr.strip()
    if name and addr and name != addr:
        return f"{name} <{addr}>"
    return addr or name


def decode_address_list(raw: str | bytes | list[str] | tuple[str, ...] | None) -> list[tuple[str, str]]:
    """(display name, address) pairs from address header value(s), names decoded. Never raises."""
    if raw is None:
        return []
    values = [_to_str(v) for v in raw] if isinstance(raw, list | tuple) else [_to_str(raw)]
    values = [unfold(v) for v in values]
    try:
        pairs = email.utils.getaddresses(values)
    except Exception:  # getaddresses has raised on hostile input in some Python versions
        return [(decode_header_value(v), "") for v in values if v.strip()]
    result = []
    for name, addr in pairs:
        if not name and not addr:
            continue
        result.append((decode_header_value(name), decode_header_value(addr)))
    if not result and any(v.strip() for v in values):
        # strict getaddresses (CVE-2023-27043 fix) gives ('', '') for what it rejects
        result = [(decode_header_value(v.strip()), "") for v in values if v.strip()]
    return result


def parse_date(raw: str | bytes | None) -> float | None:
    """POSIX timestamp of a Date header value, None when unparsable. Naive dates are UTC.

    Also None for a date Python cannot represent once in UTC (31 Dec 9999 -2359 is in
    year 10000 there), so every caller can convert the timestamp back to a datetime.
    """
    if not raw:
        return None
    try:
        value = unfold(decode_header_value(raw)).strip()
        if len(value) > 200:
            return None  # no real date is this long; spare the parser
        dt = email.utils.parsedate_to_datetime(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=datetime.UTC)
        ts = dt.timestamp()
        datetime.datetime.fromtimestamp(ts, datetime.UTC)  # representable in UTC?
        return ts
    except Exception:  # ValueError, TypeError, OverflowError, IndexError on hostile dates
        return None


def date_out_of_range(raw: str) -> bool:
    """True when `raw` parses as a date whose year Python cannot represent."""
    try:
        parsed = email.utils.parsedate_tz(unfold(raw).strip()[:200])
    except Exception:  # parsedate_tz raises on some hostile input
        parsed = None
    return parsed is not None and (parsed[0] >= 9999 or parsed[0] <= 1)


def date_problem(raw: str) -> str:
    """Why `parse_date` gave None for `raw`: out of Python's date range, or unparsable."""
    if date_out_of_range(raw):
        return "Date cannot be represented (year out of range): shown as written"
    return "unparsable Date header"
