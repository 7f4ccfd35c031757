"""The Maildir header cache answering as the folder's index: columns, search, stored orders.

The backend's `index_*`, `stored_order`, `store_order` and `unread_keys` in functions of
the cache and the listing, so `backend.py` keeps to files and names. Values follow
`backends.base.IndexColumn` (what `core.index.columns` computes from an Envelope).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from mailtui.backends import stored_orders
from mailtui.backends.base import IndexColumn, SearchField
from mailtui.backends.maildir import names
from mailtui.backends.maildir.header_cache import RS, MaildirHeaderCache
from mailtui.backends.maildir.refs import RefList
from mailtui.core.index.columns import ORDER_VERSION
from mailtui.core.models import MessageRef


def keys_of(refs: Sequence[MessageRef]) -> list[str]:
    """The keys of `refs` in order (a RefList's without building a MessageRef each)."""
    return refs.keys() if isinstance(refs, RefList) else [r.key for r in refs]


def listing_digest(keys: list[str]) -> str:
    """Names one listing exactly: its keys, in order (a stored order fits only it)."""
    return hashlib.sha1("\n".join(keys).encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def columns(
    cache: MaildirHeaderCache,
    folder: str,
    refs: Sequence[MessageRef],
    wanted: Sequence[IndexColumn],
    *,
    bulk: bool = True,
) -> dict[str, tuple[object, ...]]:
    """key -> values of `wanted` for the indexed ones of `refs`, as `IndexColumn` says:
    a missing Date is the delivery time in the name (Envelope.sort_date), references a tuple.
    `bulk`: as `MaildirHeaderCache.columns`."""
    found = cache.columns(folder, keys_of(refs), wanted, bulk=bulk)
    need_date = "date" in wanted
    need_refs = "references" in wanted
    if not (need_date or need_refs):
        return found
    at_date = wanted.index("date") if need_date else -1
    at_refs = wanted.index("references") if need_refs else -1
    stamps: dict[str, float] | None = None  # ref times, for messages without a Date
    for key, row in found.items():
        values = list(row)
        if need_date and values[at_date] is None:
            if stamps is None:
                stamps = _ref_times(refs)
            values[at_date] = stamps.get(key, 0.0)
        if need_refs:
            text = values[at_refs]
            # Joined by " " when stored; an id holds no " " but may hold other white space.
            values[at_refs] = tuple(text.split(" ")) if isinstance(text, str) and text else ()
        found[key] = tuple(values)
    return found


def _ref_times(refs: Sequence[MessageRef]) -> dict[str, float]:
    """key -> MessageRef.timestamp (what Envelope.sort_date falls back to): a RefList's come
    from the names (no MessageRef built); a listing of names without a time has mtimes."""
    if isinstance(refs, RefList):
        name_time = names.name_time
        return {key: name_time(key) or 0.0 for key in refs.keys()}
    return {r.key: r.timestamp for r in refs}


def search(
    cache: MaildirHeaderCache, folder: str, refs: Sequence[MessageRef], field: SearchField, needle: str
) -> tuple[set[str], set[str]]:
    """(keys matching, keys indexed) among `refs` (`MailBackend.index_search`): `needle`
    in a header field, or a whole pattern tree (`pattern_sql`)."""
    keys = keys_of(refs)
    digest = listing_digest(keys)
    if not isinstance(field, str):
        from mailtui.backends.maildir import pattern_sql  # on the first pattern, not at start-up

        simple = pattern_sql.as_field_search(field)
        if simple is None:
            return pattern_sql.search(cache, folder, keys, field, lambda: _ref_times(refs), digest)
        field, needle = simple  # one plain text term: the field search, the same answer
    return cache.search(folder, keys, field, needle, digest)


def stored_order(
    cache: MaildirHeaderCache, folder: str, refs: Sequence[MessageRef], mode: str
) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
    """The order stored for this listing, as positions in it: the refs come back by `take`,
    hints kept, no key map built. None when none fits."""
    keys = keys_of(refs)
    found = cache.get_order(folder, stored_mode(mode), listing_digest(keys))
    decoded = None if found is None else stored_orders.decode(found, len(keys))
    if decoded is None:
        return None
    positions, levels = decoded
    ordered = refs.take(positions) if isinstance(refs, RefList) else [refs[i] for i in positions]
    return ordered, stored_orders.depths_of(keys.__getitem__, positions, levels)


def store_order(
    cache: MaildirHeaderCache,
    folder: str,
    refs: Sequence[MessageRef],
    mode: str,
    keys: list[str],
    depths: dict[str, int],
) -> None:
    """Stored as positions in the listing (4 bytes a message), keyed by its digest; an
    order that is not a permutation of the listing is not stored."""
    listing = keys_of(refs)
    encoded = stored_orders.encode(listing, keys, depths)
    if encoded is not None:
        cache.put_order(folder, stored_mode(mode), listing_digest(listing), *encoded)


def stored_mode(mode: str) -> str:
    """Stored orders are kept per ORDER_VERSION: a changed thread or sort rule is not read
    from an older mailtui's orders."""
    return f"{mode}/{ORDER_VERSION}"


def unread_keys(listed: list[str], refs: Sequence[MessageRef]) -> set[str]:
    """Keys of `refs` whose file name (as last listed) has no `S` flag."""
    unread = set()
    for name in listed:
        at = name.rfind(":2,")
        if at >= 0:  # the common separator, inline (100k names)
            if "S" not in name[at + 3 :]:
                unread.add(name[:at])
        elif "S" not in names.info_of(name):  # `!2,` (mbsync) or `;2,` (Dovecot) or no flags
            unread.add(names.key_of(name))
    return unread & set(keys_of(refs))


def cached_keys(cache: MaildirHeaderCache, folder: str) -> set[str] | None:
    """The keys of `folder` that have a row, from one string (no row tuple built each:
    a fill of a 100k folder that finds nothing to do stays small); None when the cache is off."""
    text = cache.aggregate("SELECT group_concat(key, char(30)) FROM envelopes WHERE folder = ?", (folder,))
    if text is None:
        return None
    # A key holding RS splits in two and counts as not cached: read again, never wrongly kept.
    return set(text.split(RS)) if text else set()


def index_ready(
    cache: MaildirHeaderCache, folder: str, refs: Sequence[MessageRef], modes: Sequence[str]
) -> bool:
    """Every key of this listing indexed and an order of each of `modes` stored for it, so a
    background fill would find nothing to do. Two small queries: nothing per message but the
    listing's digest."""
    digest = listing_digest(keys_of(refs))
    if cache.aggregate("SELECT digest FROM complete WHERE folder = ?", (folder,)) != digest:
        return False
    wanted = [stored_mode(mode) for mode in modes]
    marks = ",".join("?" * len(wanted))
    found = cache.aggregate(
        "SELECT CAST(count(DISTINCT mode) AS TEXT) FROM orders "
        f"WHERE folder = ? AND digest = ? AND mode IN ({marks})",
        (folder, digest, *wanted),
    )
    return found == str(len(wanted))
