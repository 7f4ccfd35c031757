"""The mbox index answering as the folder's index: search, stored orders, checking rows.

The backend's `index_search`, `stored_order` and `store_order` as functions of the index
and the listing, and the check of every row against the file after another program
changed it, so `backend.py` keeps to the file. Values follow `backends.base.IndexColumn`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from mailtui.backends import stored_orders
from mailtui.backends.base import SearchField
from mailtui.backends.mbox import format as fmt
from mailtui.backends.mbox.index import MboxIndex, header_crc
from mailtui.core.index.columns import ORDER_VERSION
from mailtui.core.message.envelope import read_header_block
from mailtui.core.models import MessageRef

# (open file, ref) -> (From_ line, the first block of the message), None when the ref no
# longer names a message there: the backend's own reader.
Reader = Callable[[io.BufferedReader, MessageRef], tuple[bytes, bytes] | None]


def keys_of(refs: Sequence[MessageRef]) -> list[str]:
    return [r.key for r in refs]


def listing_digest(keys: list[str]) -> str:
    """Names one listing exactly: its keys, in order (a stored order fits only it)."""
    return hashlib.sha1("\n".join(keys).encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def state_text(st: os.stat_result) -> str:
    """The file's state the index's rows were checked at: a change by anyone changes it."""
    return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}-{st.st_ctime_ns}"


def checked(index: MboxIndex, path: Path, read: Reader) -> MboxIndex | None:
    """`index` once every row is known to match the file at `path` (None: the index is off).

    The state is taken before the rows are read, so a change meanwhile is checked next
    time. Raises OSError when the file cannot be read.
    """
    state = state_text(os.stat(path))
    if index.checked_state() != state:
        with open(path, "rb") as f:
            stale = stale_keys(f, index.crcs(), read)
        index.forget(stale, orders=bool(stale))
        index.set_checked(state)
    return index if index.enabled else None


def file_state(path: Path) -> str | None:
    """`state_text` of the file now; None when it cannot be seen."""
    try:
        return state_text(os.stat(path))
    except OSError:
        return None


def is_new(index: MboxIndex | None) -> bool:
    """True while `index` has no row and was never checked (found out once per index)."""
    if index is None or not index.enabled or index.had_rows:
        return False
    if index.checked_state() is not None or index.count():
        index.had_rows = True
        return False
    return True


def stale_keys(f: io.BufferedReader, crcs: dict[str, int], read: Reader) -> list[str]:
    """Keys of rows that no longer match the file: no message under the key any more, or
    one with another header block. Read in file order (one forward pass)."""
    stale: list[str] = []
    parsed = []
    for key in crcs:
        mk = fmt.MboxKey.parse(key)
        if mk is None:
            stale.append(key)
        else:
            parsed.append((mk.start, key))
    parsed.sort()
    for _start, key in parsed:
        got = read(f, MessageRef(key))
        if got is None or header_crc(read_header_block(io.BytesIO(got[1]))) != crcs[key]:
            stale.append(key)
    return stale


def search(
    index: MboxIndex, refs: Sequence[MessageRef], field: SearchField, needle: str
) -> tuple[set[str], set[str]]:
    """(keys matching, keys indexed) among `refs`: `needle` in a header field, or a whole
    pattern tree (`pattern_sql`); a tree it cannot say is answered for no message (all are
    then matched on their envelopes)."""
    keys = keys_of(refs)
    if not isinstance(field, str):
        from mailtui.backends.mbox import pattern_sql  # on the first pattern, not at start-up

        simple = pattern_sql.as_field_search(field)
        if simple is None:
            try:
                return pattern_sql.search(index, keys, field)
            except pattern_sql.NotInIndex:
                return set(), set()
        field, needle = simple
    return index.search(keys, field, needle)


def stored_mode(mode: str) -> str:
    """Orders are kept per ORDER_VERSION: a changed sort or thread rule is not read back."""
    return f"{mode}/{ORDER_VERSION}"


def stored_order(
    index: MboxIndex, refs: Sequence[MessageRef], mode: str
) -> tuple[list[MessageRef], dict[str, int]] | None:
    """The order stored for exactly this listing, as positions in it; None when none fits."""
    keys = keys_of(refs)
    found = index.get_order(stored_mode(mode), listing_digest(keys))
    decoded = None if found is None else stored_orders.decode(found, len(keys))
    if decoded is None:
        return None
    positions, levels = decoded
    return [refs[i] for i in positions], stored_orders.depths_of(keys.__getitem__, positions, levels)


def store_order(
    index: MboxIndex, refs: Sequence[MessageRef], mode: str, keys: list[str], depths: dict[str, int]
) -> None:
    """Stored as positions in the listing (4 bytes a message) under its digest; an order
    that is not a permutation of the listing is not stored."""
    listing = keys_of(refs)
    encoded = stored_orders.encode(listing, keys, depths)
    if encoded is not None:
        index.put_order(stored_mode(mode), listing_digest(listing), *encoded)
