"""Where a raw message's header block ends: the first empty line (LF or CRLF line ends).

One definition for every module that splits raw bytes (index headers, the pager's raw
fallback, the header inspector, body search, sendmail -t, diagnostic bundles).
"""

from __future__ import annotations

import re

HEADER_END = re.compile(rb"\r?\n\r?\n")


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """(header block without the empty line, body); without an empty line all is header."""
    m = HEADER_END.search(raw)
    return (raw[: m.start()], raw[m.end() :]) if m else (raw, b"")
