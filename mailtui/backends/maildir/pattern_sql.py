"""A mutt pattern (`core.patterns`) answered by the Maildir header cache in one query.

`compile_pattern` turns a tree of header, date, size and key-set terms into a SQL
expression over the `envelopes` table; `search` runs it for a listing. The columns are
those `evaluate.matches` reads from an Envelope: the lower-cased find_* columns for
case-insensitive header text (Python's `str.lower` at insert, so `instr` equals `in`), the
raw ones otherwise, and the date falls back to the ref's time as `Envelope.sort_date`
does. Regular expressions and key sets are Python functions registered on the connection
(`mt_re`, `mt_has`, `mt_in`, `mt_time`), so a match is decided by the same code as in
Python. Flags and message terms (~b ~B ~h) are not in the cache: the session answers
those (`core.patterns.nodes.index_answerable` says which trees come here).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from mailtui.backends.maildir.header_cache import RS, MaildirHeaderCache
from mailtui.backends.maildir.header_cache import _separable as separable
from mailtui.core.patterns.nodes import And, DateRange, Flagged, KeysIn, Node, Not, Or, SizeRange, Text

# Header text per field: (lower-cased columns, raw columns).
_TEXT_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "any": (("find_sender", "find_subject", "find_to"), ("sender", "subject", "to_")),
    "from": (("find_sender",), ("sender",)),
    "to": (("find_to",), ("to_",)),
    "cc": (("find_cc",), ("cc",)),
    "recipient": (("find_to", "find_cc"), ("to_", "cc")),
    "subject": (("find_subject",), ("subject",)),
    "message_id": ((), ("message_id",)),
    "references": ((), ("refs", "in_reply_to")),
}

# Key sets and ref times of the queries running now, by a number passed to mt_in / mt_time.
_SETS: dict[int, frozenset[str]] = {}
_TIMES: dict[int, dict[str, float]] = {}
_NUMBERS = itertools.count(1)
BULK = 2000  # keys over which the folder is answered in aggregate statements


class NotInIndex(ValueError):
    """A term the cache cannot answer (a flag, a message term)."""


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
    number = next(_NUMBERS)
    params: list[object] = []
    sets: dict[int, frozenset[str]] = {}
    sql = compile_pattern(node, params, number, sets)
    if "mt_time" in sql:
        _TIMES[number] = ref_times()
    _SETS.update(sets)
    try:
        _register(cache)
        bulk = _bulk_search(cache, folder, keys, sql, tuple(params), digest)
        if bulk is not None:
            return bulk
        # The cache's own query runner (its lock, chunking and error handling).
        rows = cache._select(folder, keys, f"key, ({sql})", tuple(params))
    finally:
        for used in sets:
            _SETS.pop(used, None)
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


# Text fields the cache's field search (`MaildirHeaderCache.search`) answers alike.
FieldName = Literal["any", "from", "to", "subject"]
_FIELD_SEARCH: dict[str, FieldName] = {
    "any": "any",
    "from": "from",
    "recipient": "to",  # the field search's "to" is to or cc
    "subject": "subject",
}


def as_field_search(node: Node) -> tuple[FieldName, str] | None:
    """(field, lower-cased needle) when `node` is one plain, case-insensitive text term the
    field search answers exactly (with its whole-listing shortcuts), else None."""
    if isinstance(node, Text) and node.plain and not node.case_sensitive and node.field in _FIELD_SEARCH:
        return _FIELD_SEARCH[node.field], node.text.lower()
    return None


def compile_pattern(node: Node, params: list[object], number: int, sets: dict[int, frozenset[str]]) -> str:
    """The SQL expression of `node`, its parameters appended to `params`, its key sets to
    `sets` (by the number mt_in is given); `number` names the query's ref times."""
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(compile_pattern(c, params, number, sets) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {compile_pattern(node.child, params, number, sets)})"
    if isinstance(node, Flagged):
        if node.state == "all":
            return "1"
        raise NotInIndex(f"~{node.state} is not in the header cache")
    if isinstance(node, KeysIn):
        key_number = next(_NUMBERS)
        sets[key_number] = node.keys
        params.append(key_number)
        return "mt_in(?, key)"
    if isinstance(node, DateRange):
        date = "coalesce(date, mt_time(?, key))"
        parts = []
        if node.low is not None:
            parts.append(f"{date} >= ?")
            params += [number, node.low]
        if node.high is not None:
            parts.append(f"{date} < ?")
            params += [number, node.high]
        return "(" + " AND ".join(parts or ["1"]) + ")"
    if isinstance(node, SizeRange):
        parts = []
        if node.low is not None:
            parts.append("size >= ?")
            params.append(node.low)
        if node.high is not None:
            parts.append("size <= ?")
            params.append(node.high)
        return "(" + " AND ".join(parts or ["1"]) + ")"
    assert isinstance(node, Text)
    return _text(node, params)


def _text(term: Text, params: list[object]) -> str:
    if term.field not in _TEXT_COLUMNS:
        raise NotInIndex(f"{term.field} is not in the header cache")
    lowered, raw = _TEXT_COLUMNS[term.field]
    tests: list[str] = []
    if not term.case_sensitive and lowered:
        for column in lowered:  # stored as str.lower(): compared as they are
            if term.regex is None:
                tests.append(f"instr({column}, ?) > 0")
                params.append(term.text.lower())
            else:
                tests.append(f"mt_re(?, 0, {column}, 0)")
                params.append(term.text)
    elif not term.case_sensitive:
        for column in raw:  # lower-cased in Python, as evaluate does
            if term.regex is None:
                tests.append(f"mt_has(?, {column})")
            else:
                tests.append(f"mt_re(?, 0, {column}, 1)")
            params.append(term.text)
    else:
        for column in raw:
            if term.regex is None:
                tests.append(f"instr({column}, ?) > 0")
            else:
                tests.append(f"mt_re(?, 1, {column}, 0)")
            params.append(term.text)
    return "(" + " OR ".join(tests) + ")"


@lru_cache(maxsize=64)
def _compiled(text: str, case_sensitive: int) -> re.Pattern[str]:
    # Checked by core.patterns.safe_regex when the pattern was parsed.
    return re.compile(text, 0 if case_sensitive else re.IGNORECASE)


def _mt_re(text: str, case_sensitive: int, value: object, lower: int) -> int:
    if not isinstance(value, str):
        return 0
    return int(_compiled(text, case_sensitive).search(value.lower() if lower else value) is not None)


def _mt_has(needle: str, value: object) -> int:
    return int(isinstance(value, str) and needle.lower() in value.lower())


def _mt_in(number: int, key: object) -> int:
    return int(key in _SETS.get(number, frozenset()))


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
            db.create_function("mt_re", 4, _mt_re, deterministic=True)
            db.create_function("mt_has", 2, _mt_has, deterministic=True)
            db.create_function("mt_in", 2, _mt_in)
            db.create_function("mt_time", 2, _mt_time)
        except sqlite3.Error:
            return  # the query then fails and the cache reports it
