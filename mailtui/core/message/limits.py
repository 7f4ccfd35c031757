"""Bounds on what one message may cost to show, and the header-capping parser.

Hostile mail can make linear-looking parsers quadratic (the stdlib parameter parser on a
2 MB Content-Type, header tokenizers on a 2 MB Authentication-Results). Rather than
trusting each parser, every header value is cut at `MAX_HEADER_CHARS` while the message
is parsed; the cut value ends with a visible marker, so the display says so, and the raw
source (the bytes, never parsed) still shows everything.
"""

from __future__ import annotations

import re
from email.feedparser import FeedParser
from email.message import Message
from email.policy import Compat32

MAX_HEADER_CHARS = 8192  # real headers (DKIM, ARC, References) stay far below this
MAX_INSPECTED_CHARS = 262_144  # structured header parsing (Received, auth results) per message
MAX_TREE_BYTES = 8 * 1024 * 1024  # the header inspector's MIME tree reads this much of a message
MAX_HEADERS_OF_A_KIND = 100  # Received / Authentication-Results / DKIM... parsed per message
CUT_MARK = re.compile(r" \[… cut: (\d+) characters; the raw source shows all\]$")


def cut_value(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """`value`, or its first `limit` characters followed by a visible cut marker."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]} [… cut: {len(value)} characters; the raw source shows all]"


def was_cut(value: str) -> bool:
    """True when `value` ends with the marker of `cut_value`."""
    return value.endswith("the raw source shows all]") and CUT_MARK.search(value) is not None


class _CappedPolicy(Compat32):
    """compat32, with each header value cut while the parser builds the message."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        return name, cut_value(value)


CAPPED_POLICY = _CappedPolicy()


_FEED_CHUNK = 1024 * 1024
MAX_DEPTH = 40  # deeper MIME nesting is an attack or a loop, not mail
DEPTH_NOTE = f"MIME nesting deeper than {MAX_DEPTH} levels: cut there, inner parts not shown"
_BOUNDARY = re.compile(rb"""boundary\s*=\s*"?([^";\r\n]*)""", re.IGNORECASE)


def cut_deep_nesting(raw: bytes, max_depth: int = MAX_DEPTH) -> tuple[bytes, bool]:
    """`raw` cut where more than `max_depth` multipart boundaries are open; (bytes, was cut).

    The stdlib parser recurses once per level (10,000 levels: RecursionError), so the
    nesting is bounded on the bytes first, in one linear pass over the lines.
    """
    if raw.count(b"oundary") <= max_depth:
        return raw, False
    open_boundaries: set[bytes] = set()
    offset = 0
    for line in raw.split(b"\n"):
        m = _BOUNDARY.search(line) if b"oundary" in line or b"OUNDARY" in line else None
        if m is not None:
            open_boundaries.add(m.group(1).strip())
            if len(open_boundaries) > max_depth:
                return raw[:offset], True
        elif line.startswith(b"--"):
            stripped = line.rstrip()
            if stripped.endswith(b"--"):
                open_boundaries.discard(stripped[2:-2])
        offset += len(line) + 1
    return raw, False


def parse_capped(raw: bytes) -> tuple[Message, tuple[str, ...]]:
    """The message parsed like `email.message_from_bytes` with compat32, but bounded.

    Header values are capped (`cut_value`) and nesting is cut at `MAX_DEPTH`; returns the
    message and notes saying what was cut.
    """
    raw, deep = cut_deep_nesting(raw)
    # Fed in slices, not decoded at once as message_from_bytes does: one copy less of a
    # big message (ASCII with surrogate escapes decodes byte by byte, so slices are safe).
    parser = FeedParser(policy=CAPPED_POLICY)
    view = memoryview(raw)
    for start in range(0, len(raw), _FEED_CHUNK):
        parser.feed(bytes(view[start : start + _FEED_CHUNK]).decode("ascii", "surrogateescape"))
    msg = parser.close()
    notes = [f"header {name} too long: cut for display" for name in cut_headers(msg, MAX_DEPTH)]
    if deep:
        notes.append(DEPTH_NOTE)
    return msg, tuple(notes)


def cut_headers(msg: Message, max_depth: int) -> list[str]:
    """Names of the header fields cut in `msg` and its parts (walked to `max_depth`, no deeper)."""
    names: list[str] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        names.extend(k for k, v in part.raw_items() if isinstance(v, str) and was_cut(v))
        payload = part.get_payload()
        if isinstance(payload, list) and depth < max_depth:
            stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
    return list(dict.fromkeys(names))
