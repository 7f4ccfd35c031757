"""Text terms that read the message itself: `~b` body, `~B` whole message, `~h` headers.

`~b` with plain text is `core.index.body_search.body_contains` (the decoded text parts, as
a reader sees them, headers never); a regular expression is searched in the same decoded
parts, each at most `safe_regex.MAX_TEXT` characters. `~h` tries each unfolded header line
("Subject: disk full"), `~B` the header lines and then the body.
"""

from __future__ import annotations

import email
import re
from email import policy

from mailtui.core.index.body_search import body_contains
from mailtui.core.message.decode import decode_bytes
from mailtui.core.message.header_block import split_message
from mailtui.core.message.mimeparts import content_type, part_bytes
from mailtui.core.patterns.nodes import Text, text_matches
from mailtui.core.patterns.safe_regex import MAX_TEXT

_MAX_PARTS = 100
_FOLD = re.compile(r"\r?\n[ \t]+")


def message_matches(term: Text, raw: bytes) -> bool:
    """Whether `raw` matches a ~b, ~B or ~h term."""
    if term.field == "headers":
        return any(text_matches(term, line) for line in header_lines(raw))
    if term.field == "whole":
        if any(text_matches(term, line) for line in header_lines(raw)):
            return True
    return body_matches(term, raw)


def body_matches(term: Text, raw: bytes) -> bool:
    """~b: the decoded text parts of `raw`."""
    if term.plain and not term.case_sensitive:
        return body_contains(raw, term.text)
    return any(text_matches(term, text) for text in body_texts(raw))


def header_lines(raw: bytes) -> list[str]:
    """The header block of `raw` as unfolded lines, decoded as UTF-8 (bad bytes replaced)."""
    head, _body = split_message(raw)
    text = _FOLD.sub(" ", head.decode("utf-8", "replace"))
    return [line for line in text.splitlines() if line.strip()]


def body_texts(raw: bytes) -> list[str]:
    """The decoded text parts of `raw` (a message without MIME: its body)."""
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    texts: list[str] = []
    for count, part in enumerate(msg.walk()):
        if count >= _MAX_PARTS:
            break
        if part.is_multipart() or not content_type(part).startswith("text/"):
            continue
        data, _notes = part_bytes(part)
        text, _note = decode_bytes(data, part.get_content_charset())
        texts.append(text[:MAX_TEXT])
    return texts
