"""A mutt pattern (`core.patterns`) answered by the mbox index in one query.

`compile_pattern` turns a tree of header, date, size and key-set terms into a SQL
expression over the index's `envelopes` table. The columns are those `evaluate.matches`
reads from an Envelope: the lower-cased find_* columns for case-insensitive header text
(Python's `str.lower` at insert, so `instr` equals `in`), the raw ones otherwise, and the
date falls back to the From_ line's time as `Envelope.sort_date` falls back to the ref's.
Regular expressions and key sets are Python functions on the connection (`mt_re`,
`mt_has`, `mt_in`), so a match is decided by the same code as in Python. Flags and
message terms are not in the index (`core.patterns.nodes.index_answerable` says which
trees come here).

The Maildir index compiles the same trees over the same column names; backends may not
import each other, so the compiler is its own here.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Literal

from mailtui.backends.mbox.index import MboxIndex
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
_DATE = "coalesce(date, from_time)"

# Key sets of the queries running now, by the number passed to mt_in.
_SETS: dict[int, frozenset[str]] = {}
_NUMBERS = itertools.count(1)


class NotInIndex(ValueError):
    """A term the index cannot answer (a flag, a message term)."""


def search(index: MboxIndex, keys: list[str], node: Node) -> tuple[set[str], set[str]]:
    """(keys matching, keys indexed) among `keys` for the pattern `node`."""
    params: list[object] = []
    sets: dict[int, frozenset[str]] = {}
    sql = compile_pattern(node, params, sets)
    _SETS.update(sets)
    try:
        index.register(
            [
                ("mt_re", 4, _mt_re, True),
                ("mt_has", 2, _mt_has, True),
                ("mt_in", 2, _mt_in, False),
            ]
        )
        return index.matching(keys, sql, tuple(params))
    finally:
        for used in sets:
            _SETS.pop(used, None)


FieldName = Literal["any", "from", "to", "subject"]
# Text fields the index's field search answers alike ("to" there is to or cc).
_FIELD_SEARCH: dict[str, FieldName] = {"any": "any", "from": "from", "recipient": "to", "subject": "subject"}


def as_field_search(node: Node) -> tuple[FieldName, str] | None:
    """(field, lower-cased needle) when `node` is one plain, case-insensitive text term
    the field search answers exactly, else None."""
    if isinstance(node, Text) and node.plain and not node.case_sensitive and node.field in _FIELD_SEARCH:
        return _FIELD_SEARCH[node.field], node.text.lower()
    return None


def compile_pattern(node: Node, params: list[object], sets: dict[int, frozenset[str]]) -> str:
    """The SQL expression of `node`, its parameters appended to `params`, its key sets
    to `sets` (by the number mt_in is given)."""
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(compile_pattern(c, params, sets) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {compile_pattern(node.child, params, sets)})"
    if isinstance(node, Flagged):
        if node.state == "all":
            return "1"
        raise NotInIndex(f"~{node.state} is not in the mbox index")
    if isinstance(node, KeysIn):
        number = next(_NUMBERS)
        sets[number] = node.keys
        params.append(number)
        return "mt_in(?, key)"
    if isinstance(node, DateRange):
        return _range(_DATE, ">=", "<", node.low, node.high, params)
    if isinstance(node, SizeRange):
        return _range("size", ">=", "<=", node.low, node.high, params)
    assert isinstance(node, Text)
    return _text(node, params)


def _range(
    column: str, low_op: str, high_op: str, low: float | None, high: float | None, params: list[object]
) -> str:
    parts = []
    if low is not None:
        parts.append(f"{column} {low_op} ?")
        params.append(low)
    if high is not None:
        parts.append(f"{column} {high_op} ?")
        params.append(high)
    return "(" + " AND ".join(parts or ["1"]) + ")"


def _text(term: Text, params: list[object]) -> str:
    if term.field not in _TEXT_COLUMNS:
        raise NotInIndex(f"{term.field} is not in the mbox index")
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
            tests.append(f"mt_has(?, {column})" if term.regex is None else f"mt_re(?, 0, {column}, 1)")
            params.append(term.text)
    else:
        for column in raw:
            tests.append(f"instr({column}, ?) > 0" if term.regex is None else f"mt_re(?, 1, {column}, 0)")
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
