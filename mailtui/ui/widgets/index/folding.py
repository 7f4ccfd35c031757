"""The threads of the message index: reply depths and collapsed threads (`z`, `Z`).

`ThreadFolding` is a part of `MessageIndex` (`index.folding`), plain data testable alone.
The index keeps its thread order whole; collapsing only changes which rows are shown,
computed by `core.threads.fold_threads`. A collapsed thread's first message shows how many
replies it hides and `N` when one of them is unread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mailtui.backends.base import CompactRefs
from mailtui.core.index.threads import fold_threads, thread_root
from mailtui.core.models import Envelope, MessageRef


class ThreadFolding:
    """Thread depths of the index's order, which threads are collapsed and what they hide."""

    def __init__(self) -> None:
        self.depth: dict[str, int] = {}  # thread depth of replies (roots are absent)
        self.folded: set[str] = set()  # roots of collapsed threads
        self.hidden: dict[str, int] = {}  # replies each collapsed root hides
        self.hidden_unread: set[str] = set()  # collapsed roots hiding an unread reply
        self.unread_at_order: frozenset[str] = frozenset()  # unread when the order was made

    @property
    def threaded(self) -> bool:
        """True when the order has threads (some message is a reply)."""
        return bool(self.depth)

    def reset(self, depths: dict[str, int] | None = None, unread: frozenset[str] = frozenset()) -> None:
        """A new order (threads with `depths`, or none): nothing collapsed."""
        self.depth = dict(depths or {})
        self.unread_at_order = unread
        self.folded.clear()
        self.hidden, self.hidden_unread = {}, set()

    def shown(self, ordered: Sequence[MessageRef], envelopes: Mapping[str, Envelope]) -> Sequence[MessageRef]:
        """`ordered` without the replies of collapsed threads (what they hide is kept)."""
        self.hidden, self.hidden_unread = {}, set()
        if not self.folded:
            return ordered

        def is_unread(key: str) -> bool:
            env = envelopes.get(key)
            return env.is_unread if env is not None else key in self.unread_at_order

        keys = keys_of(ordered)
        shown, self.hidden, self.hidden_unread = fold_threads(keys, self.depth, self.folded, is_unread)
        if isinstance(ordered, CompactRefs):  # a compact list stays compact
            return ordered.take(shown)
        return [ordered[i] for i in shown]

    def fold_at(self, rows: Sequence[MessageRef], row: int, fold: bool | None = None) -> str:
        """Collapse or expand (None: toggle) the thread of `rows[row]`; returns its root's key."""
        keys = keys_of(rows)
        root = keys[thread_root(keys, self.depth, row)]
        if fold is None:
            fold = root not in self.folded
        (self.folded.add if fold else self.folded.discard)(root)
        return root

    def expand_to(self, ordered: Sequence[MessageRef], key: str) -> bool:
        """Expand the collapsed thread that hides `key` (a search's match); False when none does."""
        if key not in self.depth or not self.folded:  # a thread's first message is never hidden
            return False
        keys = keys_of(ordered)
        root = keys[thread_root(keys, self.depth, keys.index(key))]
        if root not in self.folded:
            return False
        self.folded.discard(root)
        return True

    def fold_all(self, ordered: Sequence[MessageRef], fold: bool, keep: str | None) -> str | None:
        """Collapse or expand every thread; returns the row to keep the cursor on (its root)."""
        if not fold:
            self.folded.clear()
            return keep
        keys = keys_of(ordered)
        replies = set(self.depth)
        self.folded = {key for key in keys if key not in replies}
        if keep is not None:
            keep = keys[thread_root(keys, self.depth, keys.index(keep))]
        return keep

    @property
    def folded_count(self) -> int:
        """How many threads are collapsed."""
        return len(self.folded)


def keys_of(refs: Sequence[MessageRef]) -> list[str]:
    """The keys of `refs` (a compact ref list gives its own, no ref built)."""
    return refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
