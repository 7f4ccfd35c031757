"""Where a raw message's header block ends: the first empty line (LF or CRLF line ends).

One definition for every module that splits raw bytes (index headers, the pager's raw
fallback, the header inspector, body search, sendmail -t, diagnostic bundles).
"""

from __future__ import annotations

import re

HEADER_END = re.compile(rb"\r?\n\r?\n")


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """(header block without the empty line, body); without an empty line all is header."""
    # bytes.find, not HEADER_END.search: the regex takes a second on 40 MB without a blank line.
    found = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    if not found:
        return raw, b""
    end = min(found)
    start = end - 1 if end > 0 and raw[end - 1 : end] == b"\r" else end
    after = end + (2 if raw[end : end + 2] == b"\n\n" else 3)
    return raw[:start], raw[after:]
