"""Make untrusted text safe to show in a terminal, and untrusted names safe to save under.

Mail text is data: an escape sequence in a subject must not move the cursor, set the
clipboard (OSC 52), retitle the window or reorder the line with bidi overrides, and an
attachment name must not climb out of the download folder. Pure functions, no I/O.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings ended by
# BEL or ST (ESC \), and the two-byte ESC forms. An unterminated string stops at the end
# of its line, so one stray ESC ] cannot hide the rest of a message. The 8-bit C1
# introducers are removed alone (with _CONTROLS), leaving their harmless payload visible.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI
  | \x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?       # OSC, DCS, SOS, PM, APC
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                             # other ESC sequences
    """,
    re.VERBOSE,
)
# C0 controls except \t and \n, DEL, C1 controls; bidi embeddings/overrides/isolates;
# lone surrogates (from surrogateescape decoding), which cannot be written to a terminal.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NUL_REPLACEMENT = "\ufffd"
_LINE_SEPARATORS = re.compile("\r\n|[\u2028\u2029\x85]")
_LINE_BREAKS = re.compile(r"[ ]*[\n\t]+[ \t\n]*")

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)
_MAX_NAME_BYTES = 200  # well under the usual 255-byte limit, leaves room for " (12)"


def clean_text(s: str) -> str:
    """Text safe to display: no escape sequences, no control characters but \\n and \\t.

    \\r\\n and Unicode line separators become \\n, a lone \\r is dropped, NUL becomes
    U+FFFD, bidi override/isolate controls and lone surrogates are removed.
    """
    if s.isascii() and s.isprintable():
        return s  # fast path: the common case of plain one-line ASCII
    s = _LINE_SEPARATORS.sub("\n", s)
    s = _ESCAPES.sub("", s)
    s = s.replace("\x00", _NUL_REPLACEMENT)
    return _CONTROLS.sub("", s)


def reveal_controls(s: str) -> str:
    """Like `clean_text`, but show what was there instead of dropping it (raw source view).

    Each control character becomes its visible Unicode control picture (ESC -> U+241B) or a
    `<U+202E>` tag, so an admin sees an escape-sequence or bidi attack without the terminal
    acting on it. \r\n stays a line break; \n and \t are kept.
    """
    if s.isascii() and s.isprintable():
        return s
    s = s.replace("\r\n", "\n")
    return _CONTROLS_AND_CR.sub(_control_picture, s)


_CONTROLS_AND_CR = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _control_picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400.. CONTROL PICTURES: ␀ ␛ ␍ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean_line(s: str) -> str:
    """Like `clean_text`, on one line: newlines and tabs (with spaces around them) become one space."""
    s = clean_text(s)
    if "\n" in s or "\t" in s:
        s = _LINE_BREAKS.sub(" ", s)
    return s.strip()


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A file name that stays inside whatever folder it is joined to.

    Keeps only the last path component (for both / and \\), drops control characters,
    leading dots and spaces, characters Windows forbids, shortens long names while
    keeping the extension, and never returns "", "." or "..".
    """
    cleaned = _clean_name(name or "")
    if not cleaned:
        cleaned = _clean_name(fallback) or "attachment"
    return cleaned


def _clean_name(name: str) -> str:
    name = clean_line(name.replace("\x00", ""))  # no U+FFFD stand-in for NUL in a file name
    name = re.split(r"[/\\]", name)[-1]
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = name.strip().lstrip(".").rstrip(". ")
    if not name or set(name) <= {"."}:
        return ""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return _shorten(stem, f".{ext}" if dot else "")


def _shorten(stem: str, ext: str) -> str:
    """Join stem and extension within _MAX_NAME_BYTES (UTF-8), cutting the stem first."""
    if len(ext.encode()) > _MAX_NAME_BYTES // 2:
        ext = ""  # an absurd "extension" is not worth keeping
    budget = _MAX_NAME_BYTES - len(ext.encode())
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip(". ")
    return (stem + ext) if stem else ("attachment" + ext)


# Characters that draw nothing (or reorder what follows) yet make two strings differ:
# zero-width spaces and joiners, word joiner and invisible operators, the BOM, soft hyphen,
# Mongolian vowel separator, and the bidi embeddings/overrides/isolates/marks. In a
# sender or subject they make a look-alike (pay<U+200B>pal) that an admin cannot see.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff"
)
_INVISIBLE_CHARS = re.compile(f"[{_INVISIBLE}]")
_INVISIBLE_OR_TAG = re.compile(f"[{_INVISIBLE}]|<U\\+([0-9A-F]{{4}})>")


def reveal_invisible(s: str) -> str:
    """`s` with each invisible or bidi-control character shown as a `<U+200B>` tag.

    For addresses and subjects (the index and the header inspector), where a hidden
    character is a look-alike attack; the rest of the text is left as it is.
    """
    if s.isascii():
        return s
    return _INVISIBLE_CHARS.sub(lambda m: f"<U+{ord(m.group()):04X}>", s)


def invisible_marks(s: str) -> tuple[str, ...]:
    """The code points ("U+200B", ...) of invisible characters in `s`, raw or already revealed."""
    if s.isascii() and "<U+" not in s:
        return ()
    found: dict[str, None] = {}
    for m in _INVISIBLE_OR_TAG.finditer(s):
        code = int(m.group(1), 16) if m.group(1) else ord(m.group())
        if _INVISIBLE_CHARS.fullmatch(chr(code)) is not None:  # a <U+0041> tag is no mark
            found[f"U+{code:04X}"] = None
    return tuple(found)
