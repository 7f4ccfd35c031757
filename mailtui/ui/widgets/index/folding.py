"""Collapsing threads in the message index (`z`, `Z`): a mixin of `MessageIndex`.

The index keeps its thread order whole; collapsing only changes which rows are shown,
computed by `core.threads.fold_threads`. A collapsed thread's first message shows how many
replies it hides and `N` when one of them is unread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mailtui.core.index.threads import fold_threads, thread_root
from mailtui.core.models import Envelope, MessageRef


class ThreadFolding:
    """Collapsed threads of `MessageIndex` (its attributes are declared there)."""

    _refs: Sequence[MessageRef]
    _rows: Sequence[MessageRef]
    _ordered: Sequence[MessageRef] | None
    _depth: dict[str, int]
    _folded: set[str]
    _hidden: dict[str, int]
    _hidden_unread: set[str]
    _unread_at_order: frozenset[str]
    _filtered: bool
    _envelopes: dict[str, Envelope]
    cursor: int

    if TYPE_CHECKING:  # MessageIndex's own

        @property
        def current_ref(self) -> MessageRef | None: ...

        def _unfiltered(self) -> Sequence[MessageRef]: ...

        def _place_cursor(self, keep_key: str | None) -> None: ...

    def _fold(self, ordered: Sequence[MessageRef]) -> Sequence[MessageRef]:
        """`ordered` without the replies of collapsed threads."""
        if not self._folded:
            return ordered
        keys = keys_of(ordered)
        shown, self._hidden, self._hidden_unread = fold_threads(
            keys, self._depth, self._folded, self._is_unread
        )
        if callable(getattr(ordered, "keys", None)):  # a compact list stays compact
            return type(ordered)([keys[i] for i in shown])  # type: ignore[call-arg]
        return [ordered[i] for i in shown]

    def _is_unread(self, key: str) -> bool:
        env = self._envelopes.get(key)
        return env.is_unread if env is not None else key in self._unread_at_order

    def fold_thread(self, fold: bool | None = None) -> bool:
        """Collapse or expand (None: toggle) the thread under the cursor; False when not threaded."""
        if self._ordered is None or not self._depth or self._filtered or self.current_ref is None:
            return False
        keys = keys_of(self._rows)
        root = keys[thread_root(keys, self._depth, self.cursor)]
        if fold is None:
            fold = root not in self._folded
        (self._folded.add if fold else self._folded.discard)(root)
        self._rows = self._unfiltered()
        self._place_cursor(root)
        return True

    def fold_all_threads(self, fold: bool) -> bool:
        """Collapse or expand every thread; False when not threaded."""
        if self._ordered is None or not self._depth or self._filtered:
            return False
        keep = self.current_ref.key if self.current_ref else None
        if fold:
            keys = keys_of(self._ordered)
            replies = set(self._depth)
            self._folded = {key for key in keys if key not in replies}
            if keep is not None:
                keep = keys[thread_root(keys, self._depth, keys.index(keep))]
        else:
            self._folded.clear()
        self._rows = self._unfiltered()
        self._place_cursor(keep)
        return True

    @property
    def folded_count(self) -> int:
        """How many threads are collapsed."""
        return len(self._folded)


def keys_of(refs: Sequence[MessageRef]) -> list[str]:
    """The keys of `refs` (a compact ref list gives its own, no ref built)."""
    keys = getattr(refs, "keys", None)
    return keys() if callable(keys) else [r.key for r in refs]
