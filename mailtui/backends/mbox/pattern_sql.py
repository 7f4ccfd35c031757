"""A mutt pattern (`core.patterns`) answered by the mbox index in one query.

`backends.pattern_sql.compile_pattern` (shared with the Maildir header cache: the same
column names) turns the tree into a SQL expression over the index's `envelopes` table; a
message without a Date has its From_ line's time, as `Envelope.sort_date` falls back to the
ref's. Flags and message terms are not in the index (`core.patterns.nodes.index_answerable`
says which trees come here).
"""

from __future__ import annotations

from mailtui.backends.mbox.index import MboxIndex
from mailtui.backends.pattern_sql import FUNCTIONS, NotInIndex, as_field_search, compile_pattern, key_sets
from mailtui.core.patterns.nodes import Node

__all__ = ["NotInIndex", "as_field_search", "search"]


def search(index: MboxIndex, keys: list[str], node: Node) -> tuple[set[str], set[str]]:
    """(keys matching, keys indexed) among `keys` for the pattern `node`."""
    params: list[object] = []
    sets: dict[int, frozenset[str]] = {}
    sql = compile_pattern(node, params, sets, ("coalesce(date, from_time)", ()), "the mbox index")
    with key_sets(sets):
        index.register(FUNCTIONS)
        return index.matching(keys, sql, tuple(params))
