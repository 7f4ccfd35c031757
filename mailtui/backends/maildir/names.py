"""Maildir file names: unique name, delivery time, size and flag letters, without touching files.

A Maildir file is named `UNIQUE[:2,FLAGS]` (see https://cr.yp.to/proto/maildir.html). The
unique part usually starts with the delivery time (`1700000000.M123P45.host`, Dovecot and
mbsync; `1700000000.4567_1.host`, mutt), which orders a 100,000-message folder newest first
from one directory listing. Dovecot adds `,S=<size>` so the size is known without a stat.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import time
from dataclasses import dataclass

from mailtui.core.models import Flag, SpecialUse

# The info part: ":2," and the flag letters. Some tools use ";" or "!" instead of ":" on
# file systems where ":" is not allowed; accept them, write back whatever was found.
_INFO = re.compile(r"([:;!])2,([^:;!/]*)$")
_SIZE = re.compile(r",S=(\d+)")

_counter = itertools.count(1)


@dataclass(frozen=True, slots=True)
class MaildirName:
    """One file name split into its parts."""

    key: str  # the unique name, stable while the message exists
    separator: str  # ":" normally; "" when the name has no info part (fresh in new/)
    info: str  # flag letters after "2,"

    @property
    def flags(self) -> frozenset[Flag]:
        return Flag.from_maildir_info(self.info)

    def with_letters(self, letters: str) -> str:
        """The file name with these flag letters (sorted, as the spec asks)."""
        return f"{self.key}{self.separator or ':'}2,{''.join(sorted(set(letters)))}"


def split_name(filename: str) -> MaildirName:
    """Split `filename` into unique key, separator and flag letters."""
    i = filename.rfind(":2,")
    if i >= 0 and "/" not in filename[i:]:
        return MaildirName(filename[:i], ":", filename[i + 3 :])
    m = _INFO.search(filename) if "2," in filename else None
    if m is None:
        return MaildirName(filename, "", "")
    return MaildirName(filename[: m.start()], m.group(1), m.group(2))


def key_of(filename: str) -> str:
    """The unique name of `filename` (the fast path of `split_name`, for big listings)."""
    i = filename.rfind(":2,")
    if i >= 0:
        return filename[:i]
    if "2," in filename:
        m = _INFO.search(filename)
        if m is not None:
            return filename[: m.start()]
    return filename


def info_of(filename: str) -> str:
    """The flag letters of `filename` (fast path of `split_name`, for counting)."""
    i = filename.rfind(":2,")
    return filename[i + 3 :] if i >= 0 else split_name(filename).info


def name_time(key: str) -> float | None:
    """Delivery time encoded in the unique name (seconds, plus microseconds from `M<usec>`).

    Plain string operations, no regex: called once per message of a 100k listing.
    """
    dot = key.find(".")
    if dot <= 0 or dot > 12:
        return None
    head = key[:dot]
    if not (head.isascii() and head.isdigit()):
        return None
    end = key.find(".", dot + 1)
    part = key[dot + 1 :] if end < 0 else key[dot + 1 : end]
    m = part.find("M")
    if m < 0:
        return float(head)
    digits = part[m + 1 : m + 7]
    if not (digits.isascii() and digits.isdigit()):
        # Fewer than six digits (or none): keep only the leading ones.
        n = 0
        while n < len(digits) and digits[n] in "0123456789":
            n += 1
        digits = digits[:n]
        if not digits:
            return float(head)
    return int(head) + int(digits) / 1_000_000


def name_size(key: str) -> int | None:
    """Message size from a `,S=<size>` field of the unique name, if present."""
    m = _SIZE.search(key)
    return int(m.group(1)) if m else None


def new_letters(info: str, add: frozenset[Flag], remove: frozenset[Flag]) -> str:
    """Flag letters after adding and removing; letters set by other clients are kept."""
    letters = set(info)
    letters -= {f.maildir_letter for f in remove}
    letters |= {f.maildir_letter for f in add}
    return "".join(sorted(letters))


def unique_name(size: int) -> str:
    """A fresh unique name: `time.M<usec>P<pid>Q<counter>.host,S=<size>`."""
    now = time.time()
    seconds = int(now)
    usec = int((now - seconds) * 1_000_000)
    # "/" and ":" would break the name; the spec escapes them as octal.
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072") or "localhost"
    return f"{seconds}.M{usec}P{os.getpid()}Q{next(_counter)}.{host},S={size}"


_SPECIAL_NAMES: dict[str, SpecialUse] = {
    "inbox": SpecialUse.INBOX,
    "sent": SpecialUse.SENT,
    "sent items": SpecialUse.SENT,
    "sent messages": SpecialUse.SENT,
    "sent mail": SpecialUse.SENT,
    "drafts": SpecialUse.DRAFTS,
    "draft": SpecialUse.DRAFTS,
    "trash": SpecialUse.TRASH,
    "deleted messages": SpecialUse.TRASH,
    "deleted items": SpecialUse.TRASH,
    "bin": SpecialUse.TRASH,
    "junk": SpecialUse.JUNK,
    "spam": SpecialUse.JUNK,
    "junk e-mail": SpecialUse.JUNK,
    "junk email": SpecialUse.JUNK,
    "archive": SpecialUse.ARCHIVE,
    "archives": SpecialUse.ARCHIVE,
}


def guess_special_use(name: str) -> SpecialUse | None:
    """The special-use role a folder name commonly has (`Sent Items` -> SENT), or None."""
    return _SPECIAL_NAMES.get(name.strip().lower())
