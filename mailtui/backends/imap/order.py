"""Sort and threads over IMAP: by the server where its answer is exactly ours, else an index.

`core.index` defines the orders (sorting.py, threads.py); the server may answer only where
its rules give the very same list, checked on Dovecot by tests/backends/test_imap_order.py:

- size: RFC822.SIZE both ways. SORT breaks ties by sequence number, ascending even under
  REVERSE (RFC 5256), while ours keep the listing order, highest UID first. So smallest
  first is SORT (REVERSE SIZE) read backwards, biggest first SORT (SIZE) read backwards.
- date: not the server. SORT DATE falls back to INTERNALDATE for a missing or broken Date
  (ours: the listing's timestamp, 0 over IMAP) and parses dates its own way.
- from: not the server. SORT FROM compares the address's mailbox, DISPLAYFROM (RFC 5957)
  the name with Dovecot's i;unicode-casemap: "a_b" comes after "az" there (upper-cased
  compare), before it here (case-folded), and decoded names differ.
- subject: not the server. Its base subject (RFC 5256 section 2.1) keeps "AW:" and strips
  "(fwd)" trailers; ours is mutt-like and wider, and the case mapping differs as for from.
- threads: not the server. THREAD=REFERENCES merges by subject (ours does not); THREAD=REFS
  orders threads by their own dates (INTERNALDATE for a missing Date) and links loops and
  duplicate Message-IDs differently.

The rest comes from the header cache (`OrderIndex`): the sort and thread keys of each
cached header block are computed once, from the Envelope `fetch_envelopes` would build,
and stored next to it, so a sort or threading reads one column per message and builds no
Envelope; orders computed are kept per listing, as Maildir does.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from imapclient import IMAPClient

from mailtui.backends import stored_orders
from mailtui.backends.base import IndexColumn
from mailtui.backends.imap.changes import uids_of
from mailtui.backends.imap.header_cache import HeaderCache
from mailtui.backends.imap.uids import UidRefList
from mailtui.core.errors import ConnectionLostError
from mailtui.core.index.columns import ORDER_VERSION, index_values
from mailtui.core.message.envelope import envelope_from_headers
from mailtui.core.models import MessageRef

T = TypeVar("T")

# Modes the server answers exactly: the SORT criteria, whose answer is read backwards.
SERVER_SORTS: dict[str, list[str]] = {
    "size:asc": ["REVERSE", "SIZE"],
    "size:desc": ["SIZE"],
}
_KEY_COLUMNS = ("date", "sender_key", "subject_key", "message_id", "in_reply_to", "references")
_KEY_BATCH = 1000  # header blocks turned into keys per statement
_AT = {column: i + 1 for i, column in enumerate(_KEY_COLUMNS)}  # in a key_row, after the UID


def listing_uids(refs: Sequence[MessageRef]) -> array[int]:
    """The UIDs of `refs` in order (a UidRefList's array as it is)."""
    return refs.uids() if isinstance(refs, UidRefList) else array("Q", uids_of(refs))


def listing_digest(uids: array[int]) -> str:
    """Names one listing exactly: its UIDs, in order (a stored order fits only it)."""
    return hashlib.sha1(uids.tobytes(), usedforsecurity=False).hexdigest()


def highest_first(uids: array[int]) -> bool:
    """Whether `uids` is in listing order (strictly descending): what SERVER_SORTS assumes."""
    return all(a > b for a, b in zip(uids, uids[1:], strict=False))


def key_row(uid: int, size: int, header: bytes) -> tuple[object, ...]:
    """The stored keys of one cached header block: what `core.index.columns.index_values`
    gives for its Envelope, the date left None when the message has none."""
    env = envelope_from_headers(header, MessageRef(str(uid)), size)
    # The date column keeps None (not sort_date's fallback): the fallback is the listing's.
    _, sender, subject, message_id, in_reply_to, _ = index_values(env, _KEY_COLUMNS)
    # An id holds no " " (message_ids splits on white space), so " " joins them safely.
    return (uid, env.date, sender, subject, message_id, in_reply_to, " ".join(env.references))


class OrderIndex:
    """ImapBackend's `server_order`, `index_columns`, `unread_keys`, `stored_order` and
    `store_order` (a mixin: it uses the backend's connection, cache and UIDVALIDITYs)."""

    _cache: HeaderCache | None
    _listed_validity: dict[str, int]
    if TYPE_CHECKING:  # the backend's own

        def _run(self, fn: Callable[[IMAPClient], T], **kw: Any) -> T: ...
        def _check_validity(self, folder: str) -> int | None: ...

    def server_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[list[str], dict[str, int]] | None:
        """One UID SORT for the modes in SERVER_SORTS (when the server has SORT), else None."""
        criteria = SERVER_SORTS.get(mode)
        uids = listing_uids(refs)
        if criteria is None or not highest_first(uids):
            return None

        def op(c: IMAPClient) -> list[int] | None:
            self._check_validity(folder)
            return list(c.sort(criteria)) if c.has_capability("SORT") else None

        try:
            found = self._run(op, folder=folder, readonly=True, action=f"to sort {folder} on the server")
        except ConnectionLostError:
            return None  # offline: the header cache may still answer
        if found is None:
            return None
        listed = set(uids)
        # Mail arrived or expunged since the listing: keep exactly the listing's messages.
        return [str(uid) for uid in reversed(found) if uid in listed], {}

    def index_columns(
        self, folder: str, refs: Sequence[MessageRef], columns: Sequence[IndexColumn]
    ) -> dict[str, tuple[object, ...]]:
        """key -> `columns` for the messages of `refs` whose header block is cached."""
        cache, validity = self._cache, self._listed_validity.get(folder)
        if cache is None or validity is None or not refs:
            return {}
        uids = listing_uids(refs)
        rows = cache.key_rows(folder, validity, columns)
        unkeyed = [uid for uid in uids if uid not in rows]
        if unkeyed:
            # Cached since the last sort (the window, the prefetch): keys made once, kept.
            rows.update(self._new_keys(cache, folder, validity, unkeyed, columns))
        at_date = columns.index("date") if "date" in columns else -1
        at_refs = columns.index("references") if "references" in columns else -1
        # A missing Date sorts as the ref's timestamp (Envelope.sort_date): 0 for listed UIDs.
        stamps = {} if isinstance(refs, UidRefList) else {r.key: r.timestamp for r in refs}
        found: dict[str, tuple[object, ...]] = {}
        for uid in uids:
            row = rows.get(uid)
            if row is None:
                continue
            key = str(uid)
            if at_date >= 0 or at_refs >= 0:
                values = list(row)
                if at_date >= 0 and values[at_date] is None:
                    values[at_date] = stamps.get(key, 0.0)
                if at_refs >= 0:
                    text = values[at_refs]
                    values[at_refs] = tuple(text.split(" ")) if isinstance(text, str) and text else ()
                row = tuple(values)
            found[key] = row
        return found

    def _new_keys(
        self, cache: HeaderCache, folder: str, validity: int, uids: list[int], columns: Sequence[IndexColumn]
    ) -> dict[int, tuple[object, ...]]:
        """uid -> stored values of `columns` for those of `uids` whose header block is cached,
        their keys computed and stored now."""
        made: dict[int, tuple[object, ...]] = {}
        for start in range(0, len(uids), _KEY_BATCH):
            headers = cache.get(folder, validity, uids[start : start + _KEY_BATCH])
            stored = [key_row(uid, h.size, h.header) for uid, h in headers.items()]
            cache.put_keys(folder, validity, stored)
            for row in stored:
                uid = row[0]
                assert isinstance(uid, int)
                made[uid] = tuple(headers[uid].size if c == "size" else row[_AT[c]] for c in columns)
        return made

    def unread_keys(self, folder: str, refs: Sequence[MessageRef]) -> set[str]:
        """Keys of the unread messages among `refs`: one UID SEARCH UNSEEN; offline, those
        whose cached flags (CONDSTORE) lack \\Seen."""
        listed = listing_uids(refs)
        try:
            found = self._run(
                lambda c: c.search(["UNSEEN"]),
                folder=folder,
                readonly=True,
                action=f"to list unread mail in {folder}",
            )
        except ConnectionLostError:
            cache, validity = self._cache, self._listed_validity.get(folder)
            if cache is None or validity is None:
                raise
            flags = cache.get_flags(folder, validity, listed)
            return {str(uid) for uid, text in flags.items() if "\\Seen" not in text.split()}
        wanted = set(listed)
        return {str(uid) for uid in found if uid in wanted}

    def stored_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
        """The order kept for exactly this listing by `store_order`, None when none fits."""
        cache, validity = self._cache, self._listed_validity.get(folder)
        if cache is None or validity is None:
            return None
        uids = listing_uids(refs)
        found = cache.get_order(folder, validity, f"{mode}/{ORDER_VERSION}", listing_digest(uids))
        if found is None:
            return None
        decoded = stored_orders.decode(found, len(uids))
        if decoded is None:
            return None  # not an order of this listing after all
        positions, levels = decoded
        ordered = refs.take(positions) if isinstance(refs, UidRefList) else [refs[i] for i in positions]
        return ordered, stored_orders.depths_of(lambda i: str(uids[i]), positions, levels)

    def store_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, keys: list[str], depths: dict[str, int]
    ) -> None:
        """Kept as positions in the listing (4 bytes a message); not a permutation: not kept."""
        cache, validity = self._cache, self._listed_validity.get(folder)
        uids = listing_uids(refs)
        if cache is None or validity is None or len(keys) != len(uids):
            return
        encoded = stored_orders.encode([str(uid) for uid in uids], keys, depths)
        if encoded is not None:
            cache.put_order(folder, validity, f"{mode}/{ORDER_VERSION}", listing_digest(uids), *encoded)
