"""Does a message's body contain a text, as a reader would see it? (`~b` search).

Most mail is plain ASCII or UTF-8 with 7bit/8bit bodies: for those the raw bytes after the
header block are searched directly, which is cheap enough for a 100k-message scan. A body
in base64 or quoted-printable, or a non-UTF-8 charset, hides its words from a byte search
(`Grüße` in ISO-8859-1 QP is `Gr=FC=DFe`): such messages are parsed and their text parts
decoded (transfer encoding, then charset) before searching. Headers never match.
"""

from __future__ import annotations

import email
import re
from email import policy

from mailtui.core.message.decode import decode_bytes
from mailtui.core.message.header_block import split_message
from mailtui.core.message.mimeparts import content_type, part_bytes

# Anything that can hide text from a byte search: a transfer encoding or a declared charset
# (UTF-8 and ASCII bodies are searched as bytes already).
_ENCODED = re.compile(
    rb"content-transfer-encoding:\s*(?:base64|quoted-printable)|charset=\"?(?!(?:utf-?8|us-ascii)\b)",
    re.IGNORECASE,
)
_MAX_PARTS = 100  # a hostile message with thousands of parts is not worth decoding for a search


def body_contains(raw: bytes, needle: str) -> bool:
    """Whether the body of `raw` (not its headers) contains `needle`, case-insensitively."""
    if not needle:
        return True
    wanted = needle.lower()
    _head, body = split_message(raw)
    if wanted.encode("utf-8") in body.lower():
        return True
    if _ENCODED.search(raw) is None:
        return False
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    for count, part in enumerate(msg.walk()):
        if count >= _MAX_PARTS:
            break
        if part.is_multipart() or not content_type(part).startswith("text/"):
            continue
        data, _notes = part_bytes(part)
        text, _note = decode_bytes(data, part.get_content_charset())
        if wanted in text.lower():
            return True
    return False
