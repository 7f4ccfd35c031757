"""A mutt pattern (`core.patterns`) answered by the Maildir header cache in one query.

`backends.pattern_sql.compile_pattern` turns a tree of header, date, size and key-set terms
into a SQL expression over the `envelopes` table (the mbox index shares it); `search` runs it
for a listing. A message without a Date has the ref's time, as `Envelope.sort_date` does:
from the listing, by `mt_time` (registered with the shared functions on the cache's
connection). Flags and message terms (~b ~B ~h) are not in the cache: the session answers
those (`core.patterns.nodes.index_answerable` says which trees come here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from mailtui.backends.maildir.header_cache import RS, MaildirHeaderCache
from mailtui.backends.maildir.header_cache import _separable as separable
from mailtui.backends.pattern_sql import (
    FUNCTIONS,
    NotInIndex,
    as_field_search,
    compile_pattern,
    key_sets,
    next_number,
)
from mailtui.core.patterns.nodes import Node

__all__ = ["NotInIndex", "as_field_search", "search"]

# Ref times of the queries running now, by the number passed to mt_time.
_TIMES: dict[int, dict[str, float]] = {}

BULK = 2000  # keys over which the folder is answered in aggregate statements


def search(
    cache: MaildirHeaderCache,
    folder: str,
    keys: list[str],
    node: Node,
    ref_times: Callable[[], dict[str, float]],
    digest: str = "",
) -> tuple[set[str], set[str]]:
    """(keys matching, keys indexed) among `keys`; `ref_times` gives each key's ref time
    (for messages without a Date), asked for only when the pattern has a date term;
    `digest` names the listing (`queries.listing_digest`) as the cache's field search takes it."""
    number = next_number()
    params: list[object] = []
    sets: dict[int, frozenset[str]] = {}
    sql = compile_pattern(
        node, params, sets, ("coalesce(date, mt_time(?, key))", (number,)), "the header cache"
    )
    if "mt_time" in sql:
        _TIMES[number] = ref_times()
    try:
        with key_sets(sets):
            _register(cache)
            bulk = _bulk_search(cache, folder, keys, sql, tuple(params), digest)
            if bulk is not None:
                return bulk
            # The cache's own query runner (its lock, chunking and error handling).
            rows = cache._select(folder, keys, f"key, ({sql})", tuple(params))
    finally:
        _TIMES.pop(number, None)
    return {key for key, row in rows.items() if row[0]}, set(rows)


def _bulk_search(
    cache: MaildirHeaderCache, folder: str, keys: list[str], sql: str, params: tuple[object, ...], digest: str
) -> tuple[set[str], set[str]] | None:
    """A big listing answered in aggregate statements (the matching keys as one string,
    the cached keys too unless the cache found this listing whole before), as the cache's
    own field search does: no row crosses into Python one by one. None when the listing
    is small or a key holds a separator."""
    if len(keys) <= BULK or not separable(keys):
        return None
    wanted = set(keys)
    where = f"SELECT group_concat(key, char(30)) FROM envelopes WHERE ({sql}) AND folder = ?"
    hits = cache.aggregate(where, (*params, folder))
    if hits is None:
        return None
    found = set(hits.split(RS)) & wanted if hits else set()
    if digest and cache.aggregate("SELECT digest FROM complete WHERE folder = ?", (folder,)) == digest:
        return found, wanted
    cached = cache.aggregate("SELECT group_concat(key, char(30)) FROM envelopes WHERE folder = ?", (folder,))
    if cached is None:
        return None
    return found, set(cached.split(RS)) & wanted if cached else set()


def _mt_time(number: int, key: object) -> float:
    return _TIMES.get(number, {}).get(key, 0.0) if isinstance(key, str) else 0.0


def _register(cache: MaildirHeaderCache) -> None:
    """The Python functions of the queries, on the cache's connection (again is harmless)."""
    # The connection is the cache's, which has no hook for functions of its own.
    with cache._lock:
        db = cache._db
        if db is None:
            return
        try:
            for name, count, function, deterministic in [*FUNCTIONS, ("mt_time", 2, _mt_time, False)]:
                db.create_function(name, count, function, deterministic=deterministic)
        except sqlite3.Error:
            return  # the query then fails and the cache reports it
