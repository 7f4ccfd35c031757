"""The rows a limit (`l`, mutt's limit) leaves of a listing, in the listing's order."""

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
