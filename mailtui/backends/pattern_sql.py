"""A mutt pattern (`core.patterns`) as one SQL expression over a header index's rows.

The Maildir header cache and the mbox index keep the same columns in their `envelopes`
table (the backends may not import each other, so the compiler they share is here, beside
`sqlite_store`): the lower-cased find_* columns for case-insensitive header text (Python's
`str.lower` at insert, so `instr` equals `in`), the raw ones otherwise, date and size. The
date of a message without a Date header is each backend's own (the ref's time from a
Maildir name, an mbox From_ line's), so it is passed in as an SQL expression. Regular
expressions and key sets are Python functions registered on the connection (`FUNCTIONS`:
`mt_re`, `mt_has`, `mt_in`), so a match is decided by the same code as in Python. Flags and
message terms (~b ~B ~h) are not in an index: the session answers those
(`core.patterns.nodes.index_answerable` says which trees come here).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal

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

# Key sets of the queries running now, by the number passed to mt_in.
_SETS: dict[int, frozenset[str]] = {}
_NUMBERS = itertools.count(1)


class NotInIndex(ValueError):
    """A term the index cannot answer (a flag, a message term)."""


def next_number() -> int:
    """A number naming one query's data kept beside it (key sets, a backend's ref times)."""
    return next(_NUMBERS)


@contextmanager
def key_sets(sets: dict[int, frozenset[str]]) -> Iterator[None]:
    """The key sets `compile_pattern` collected, seen by mt_in while the query runs."""
    _SETS.update(sets)
    try:
        yield
    finally:
        for used in sets:
            _SETS.pop(used, None)


# Text fields a field search (`MaildirHeaderCache.search`, the mbox index's) answers alike.
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


def compile_pattern(
    node: Node,
    params: list[object],
    sets: dict[int, frozenset[str]],
    date: tuple[str, tuple[object, ...]],
    where: str = "the index",
) -> str:
    """The SQL expression of `node`, its parameters appended to `params`, its key sets to
    `sets` (by the number mt_in is given). `date` is the message date as (SQL, its
    parameters), e.g. `("coalesce(date, from_time)", ())`; `where` names the index in the
    NotInIndex message."""
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(compile_pattern(c, params, sets, date, where) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {compile_pattern(node.child, params, sets, date, where)})"
    if isinstance(node, Flagged):
        if node.state == "all":
            return "1"
        raise NotInIndex(f"~{node.state} is not in {where}")
    if isinstance(node, KeysIn):
        number = next_number()
        sets[number] = node.keys
        params.append(number)
        return "mt_in(?, key)"
    if isinstance(node, DateRange):
        return _range(date, ">=", "<", node.low, node.high, params)
    if isinstance(node, SizeRange):
        return _range(("size", ()), ">=", "<=", node.low, node.high, params)
    assert isinstance(node, Text)
    return _text(node, params, where)


def _range(
    value: tuple[str, tuple[object, ...]],
    low_op: str,
    high_op: str,
    low: float | None,
    high: float | None,
    params: list[object],
) -> str:
    sql, value_params = value
    parts = []
    if low is not None:
        parts.append(f"{sql} {low_op} ?")
        params += [*value_params, low]
    if high is not None:
        parts.append(f"{sql} {high_op} ?")
        params += [*value_params, high]
    return "(" + " AND ".join(parts or ["1"]) + ")"


def _text(term: Text, params: list[object], where: str) -> str:
    if term.field not in _TEXT_COLUMNS:
        raise NotInIndex(f"{term.field} is not in {where}")
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


# (name, number of arguments, function, deterministic) for `create_function`.
FUNCTIONS: list[tuple[str, int, Callable[..., int | float], bool]] = [
    ("mt_re", 4, _mt_re, True),
    ("mt_has", 2, _mt_has, True),
    ("mt_in", 2, _mt_in, False),
]
