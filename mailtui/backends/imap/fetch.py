"""Fetching index rows over IMAP: header blocks from the cache or the server, flags always fresh.

One window of UIDs costs at most two UID FETCH commands per 1000 UIDs: the full items
(FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (...)]) for UIDs the header cache
lacks, and FLAGS alone for those it has, unless `cached_flags` says the cache's flags are
current (CONDSTORE, imap_sync.py): then flags come from the cache too. UID lists are chunked (library-facts §2: Dovecot
refuses ~20k UIDs in one command, and `fetch("1:*")` breaks imapclient 4.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from imapclient import IMAPClient

from mailtui.backends.imap.header_cache import CachedHeader, HeaderCache
from mailtui.core.message.envelope import INDEX_HEADER_FIELDS
from mailtui.core.models import Flag

CHUNK = 1000  # UIDs per command
HEADER_ITEM = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(f.upper() for f in INDEX_HEADER_FIELDS))
FULL_ITEMS = ["FLAGS", "RFC822.SIZE", "INTERNALDATE", HEADER_ITEM]
_FLAGS = {flag.value.lower(): flag for flag in Flag}


def fetch_rows(
    c: IMAPClient,
    uids: list[int],
    *,
    cache: HeaderCache | None = None,
    folder: str = "",
    uidvalidity: int | None = None,
    cached_flags: bool = False,
) -> dict[int, tuple[frozenset[Flag], CachedHeader]]:
    """(flags, header row) for each of `uids` still in the selected folder.

    With `cached_flags` (the cache's flags were just synced) flags known to the cache are
    served from it, and flags fetched from the server are stored in it.
    """
    if cache is None or uidvalidity is None:  # the cache's rows are keyed by UIDVALIDITY: both or neither
        cache, validity = None, 0
    else:
        validity = uidvalidity
    cached = cache.get(folder, validity, uids) if cache is not None else {}
    cached_flags = cached_flags and cache is not None
    known = cache.get_flags(folder, validity, cached) if cached_flags and cache is not None else {}
    wanted = set(uids)
    rows: dict[int, tuple[frozenset[Flag], CachedHeader]] = {}
    fresh: list[CachedHeader] = []
    for chunk in chunks([uid for uid in uids if uid not in cached]):
        for uid, entry in c.fetch(chunk, FULL_ITEMS).items():
            header = _header(entry)
            if uid not in wanted or header is None:
                continue  # an unsolicited FETCH (another session changed flags)
            row = CachedHeader(uid, int(entry.get(b"RFC822.SIZE") or 0), _timestamp(entry), header)
            fresh.append(row)
            rows[uid] = (parse_flags(entry.get(b"FLAGS", ())), row)
    for uid, text in known.items():
        rows[uid] = (parse_flags(text.split()), cached[uid])
    for chunk in chunks([uid for uid in uids if uid in cached and uid not in known]):
        for uid, entry in c.fetch(chunk, ["FLAGS"]).items():
            if uid in cached and b"FLAGS" in entry:
                rows[uid] = (parse_flags(entry[b"FLAGS"]), cached[uid])
    if fresh and cache is not None:
        cache.put(folder, validity, fresh)
    if cached_flags and cache is not None:
        new = {uid: flags_text(flags) for uid, (flags, _) in rows.items() if uid not in known}
        cache.put_flags(folder, validity, new)
    return rows


def parse_flags(raw: Iterable[object]) -> frozenset[Flag]:
    """Our Flag values among IMAP flags (keywords and \\Recent are left out)."""
    names = (f.decode("ascii", "replace") if isinstance(f, bytes) else str(f) for f in raw)
    return frozenset(_FLAGS[k] for k in (n.lower() for n in names) if k in _FLAGS)


def flags_text(flags: frozenset[Flag]) -> str:
    """Flags as the cache stores them: space-separated IMAP names, sorted."""
    return " ".join(sorted(f.value for f in flags))


def chunks(uids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(uids), CHUNK):
        yield uids[start : start + CHUNK]


def _header(entry: dict[bytes, Any]) -> bytes | None:
    # The key echoes the request: b'BODY[HEADER.FIELDS (FROM TO ...)]'.
    for key, value in entry.items():
        if isinstance(key, bytes) and key.startswith(b"BODY[HEADER"):
            return bytes(value) if value is not None else b""
    return None


def _timestamp(entry: dict[bytes, Any]) -> float:
    value = entry.get(b"INTERNALDATE")
    if isinstance(value, datetime):
        try:
            return value.timestamp()
        except (OverflowError, OSError, ValueError):
            return 0.0
    return 0.0
