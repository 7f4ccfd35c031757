"""mbox details that need no mailbox object: keys, From_ line dates, Status/X-Status flags.

An mbox ref key is `START-LENGTH-CRC`: the byte offset of the message's From_ line, the
message's length, and a CRC-32 of the From_ line. Appends by other programs leave it valid;
a rewrite (ours after a flag change or delete, or another mail program's) changes it. The
CRC and length let us notice a different message now sitting at the same offset, so a
stale ref never flags or deletes the wrong message.
"""

from __future__ import annotations

import calendar
import re
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from mailtui.core.models import Flag

# mboxMessage's letters: Status holds R (read) and O (old); X-Status holds D, F, A (and
# mutt's T for drafts).
_FLAG_LETTERS = {Flag.SEEN: "R", Flag.DELETED: "D", Flag.FLAGGED: "F", Flag.ANSWERED: "A", Flag.DRAFT: "T"}
# What an mbox can keep: mutt writes no letter for forwarded (Flag.FORWARDED), so neither do we.
STORED_FLAGS = frozenset(_FLAG_LETTERS)
_STATUS_LETTERS = "RO"
_FROM_DATE = re.compile(
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    rb"(?:\s+[A-Z]{2,5})?(?:\s+[+-]\d{4})?\s+(\d{4})"
)
_MONTHS = {m: i for i, m in enumerate(("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split(), 1)}
_STATUS_HEADER = re.compile(rb"^(x-)?status:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MboxKey:
    start: int
    length: int
    crc: int

    def __str__(self) -> str:
        return f"{self.start}-{self.length}-{self.crc:08x}"

    @classmethod
    def parse(cls, key: str) -> MboxKey | None:
        try:
            start, length, crc = key.split("-")
            return cls(int(start), int(length), int(crc, 16))
        except ValueError:
            return None


def make_key(start: int, stop: int, from_line: bytes) -> MboxKey:
    return MboxKey(start, stop - start, zlib.crc32(from_line.rstrip(b"\r\n")))


def from_line_time(from_line: bytes) -> float:
    """The date of a `From sender Mon Nov 23 04:05:06 2026` line as POSIX time, 0.0 if unparsable."""
    m = _FROM_DATE.search(from_line)
    if m is None:
        return 0.0
    month = _MONTHS.get(m.group(1).decode("ascii", "replace").title())
    if month is None:
        return 0.0
    try:
        parts = (
            int(m.group(6)),
            month,
            int(m.group(2)),
            int(m.group(3)),
            int(m.group(4)),
            int(m.group(5) or 0),
        )
        # asctime() in From_ lines carries no zone; mailbox writes UTC, so read it as UTC.
        return float(calendar.timegm(time.struct_time((*parts, 0, 0, 0))))
    except (ValueError, OverflowError):
        return 0.0


def _split_header(raw: bytes) -> tuple[bytes, bytes]:
    """Header block (with its final newline) and the rest starting at the blank line."""
    for sep in (b"\n\n", b"\r\n\r\n"):
        pos = raw.find(sep)
        if pos != -1:
            return raw[: pos + len(sep) // 2], raw[pos + len(sep) // 2 :]
    return raw, b""


def status_letters(header: bytes) -> str:
    """Letters of the Status and X-Status headers of a header block."""
    letters = ""
    for line in header.splitlines():
        if _STATUS_HEADER.match(line):
            letters += line.split(b":", 1)[1].strip().decode("ascii", "replace")
    return letters


def flags_from_letters(letters: str) -> frozenset[Flag]:
    return frozenset(flag for flag, letter in _FLAG_LETTERS.items() if letter in letters)


def rewrite_status(raw: bytes, add: frozenset[Flag], remove: frozenset[Flag]) -> bytes:
    """`raw` (From_ line included) with new Status/X-Status headers; the rest is untouched.

    Letters we do not know (O, or another program's) are kept.
    """
    header, rest = _split_header(raw)
    newline = b"\r\n" if header.endswith(b"\r\n") else b"\n"
    letters = set(status_letters(header))
    letters -= {_FLAG_LETTERS[f] for f in remove}
    letters |= {_FLAG_LETTERS[f] for f in add}
    kept: list[bytes] = []
    skipping = False
    for line in header.splitlines(keepends=True):
        if _STATUS_HEADER.match(line):
            skipping = True
            continue
        if skipping and line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the removed header
        skipping = False
        kept.append(line)
    if kept and not kept[-1].endswith(b"\n"):
        kept[-1] += newline
    status = "".join(c for c in _STATUS_LETTERS if c in letters)
    xstatus = "".join(sorted(c for c in letters if c not in _STATUS_LETTERS))
    if status:
        kept.append(b"Status: " + status.encode("ascii") + newline)
    if xstatus:
        kept.append(b"X-Status: " + xstatus.encode("ascii") + newline)
    return b"".join(kept) + rest


def scan(lines: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
    """(start, stop, From_ line) of every message, from the file's lines, as `mailbox.mbox` finds them.

    A message starts at each line beginning with "From "; it stops before the blank line
    that precedes the next one (or at the next one when there is no blank line).
    """
    toc: list[tuple[int, int, bytes]] = []
    start = -1
    from_line = b""
    pos = 0
    last_was_empty = False
    for line in lines:
        if line.startswith(b"From "):
            if start >= 0:
                toc.append((start, pos - 1 if last_was_empty else pos, from_line))
            start, from_line = pos, line
            last_was_empty = False
        elif line == b"\n":
            last_was_empty = True
        else:
            last_was_empty = False
        pos += len(line)
    if start >= 0:
        toc.append((start, pos - 1 if last_was_empty else pos, from_line))
    return toc


def resolve(keys: list[str], toc: list[tuple[int, int, bytes]]) -> dict[str, str]:
    """Each ref key -> the key of the same message now.

    A key not found any more is looked for by its From_ line, which delivery agents keep
    when they rewrite headers (dovecot-lda adds X-UID to every message): found when one
    message alone has that From_ line.
    """
    current = [str(make_key(s, e, line)) for s, e, line in toc]
    present = set(current)
    by_crc: dict[int, list[str]] = {}
    for key in current:
        parsed = MboxKey.parse(key)
        if parsed is not None:
            by_crc.setdefault(parsed.crc, []).append(key)
    resolved = {k: k for k in keys if k in present}
    for k in keys:
        parsed = MboxKey.parse(k)
        if k in resolved or parsed is None:
            continue
        candidates = by_crc.get(parsed.crc, [])
        if len(candidates) == 1 and candidates[0] not in resolved.values():
            resolved[k] = candidates[0]
    return resolved


class Renames:
    """Old key -> new key of the messages our own rewrites changed (a few hundred at most):
    a caller still holding an old ref (a pager opened as its message was marked seen) reads
    the message by its new key, never by the old one, which now ends elsewhere."""

    def __init__(self) -> None:
        self._new: dict[str, str] = {}

    def note(self, changed: dict[str, str]) -> None:
        if len(self._new) > 1000:
            self._new.clear()  # the UI takes the new refs at once: old ones are short-lived
        self._new.update((old, new) for old, new in changed.items() if old != new)

    def current(self, key: str) -> str:
        for _ in range(10):  # a few rewrites in a row
            key = self._new.get(key, key)
        return key
