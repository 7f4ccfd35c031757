"""Subsets of a listing in its order: what a limit (`l`, mutt's limit) leaves, what is left when
messages go, the refs of some keys, the row of a key. A compact listing (Maildir's RefList)
stays compact: compared by key strings, no MessageRef built per row of 100k."""

from __future__ import annotations

from collections.abc import Sequence

from mailtui.backends.base import CompactRefs
from mailtui.core.models import MessageRef


def limited(rows: Sequence[MessageRef], keys: frozenset[str]) -> Sequence[MessageRef]:
    """The refs of `rows` whose key is in `keys`, in order; a compact listing stays compact
    (taken by position, no MessageRef built per row of 100k)."""
    if isinstance(rows, CompactRefs):
        listing = rows.keys()
        return rows.take([i for i, key in enumerate(listing) if key in keys])
    return [ref for ref in rows if ref.key in keys]


def without(refs: Sequence[MessageRef], gone: set[str]) -> Sequence[MessageRef]:
    """`refs` minus the keys in `gone`."""
    if isinstance(refs, CompactRefs):
        return refs.take([i for i, k in enumerate(refs.keys()) if k not in gone])
    return [r for r in refs if r.key not in gone]


def refs_of(refs: Sequence[MessageRef], wanted: set[str]) -> list[MessageRef]:
    """The refs of `refs` whose key is in `wanted`, in order."""
    if not wanted:
        return []
    if isinstance(refs, CompactRefs):
        return [refs[i] for i, k in enumerate(refs.keys()) if k in wanted]
    return [r for r in refs if r.key in wanted]


def row_of(rows: Sequence[MessageRef], key: str, default: int) -> int:
    """The row of `key` in `rows` (`default` when it is not there)."""
    if isinstance(rows, CompactRefs):
        try:
            return rows.keys().index(key)
        except ValueError:
            return default
    return next((i for i, r in enumerate(rows) if r.key == key), default)
