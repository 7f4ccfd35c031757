"""A Maildir folder's listing ordered newest first and held compactly.

`order_by_name_time` sorts file names (or keys) by the delivery time at their start,
`drop_twins` removes a message listed twice because it moved from new/ to cur/ between
the two directory listings, and `RefList` is the ordered folder as a `Sequence` of
`MessageRef` that keeps only one string per message: 100k messages cost 100k strings,
not 100k objects, and a `MessageRef` is built only when a row asks for one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import overload

from mailtui.backends.maildir import names
from mailtui.core.models import MessageRef

# Heads of names joined together: each must be `<10-digit seconds>.`
_TIME_HEADS = re.compile(r"(?:[0-9]{10}\.)*")


def order_by_name_time(found: list[str]) -> list[str] | None:
    """Names (or keys) newest first, when every one starts with `<10-digit secs>.`.

    Same-width times sort as strings (a C-level sort, no per-name Python work; nearly
    free when the listing came sorted); only runs delivered in the same second are
    re-sorted by their microseconds. None when some name has another form (the caller
    then computes every time).
    """
    heads = [n[:11] for n in found]
    joined = "".join(heads)
    # One C-level check of all heads (a short name gives a short head: the length differs).
    if len(joined) != 11 * len(found) or _TIME_HEADS.fullmatch(joined) is None:
        return None
    ordered = sorted(found, reverse=True)
    if len(set(heads)) == len(heads):
        return ordered  # no two messages in the same second: nothing to refine
    heads = [n[:11] for n in ordered]
    i, n = 0, len(ordered)
    name_time = names.name_time
    while i < n - 1:
        if heads[i] != heads[i + 1]:
            i += 1
            continue
        j = i + 1
        while j < n and heads[j] == heads[i]:
            j += 1
        ordered[i:j] = sorted(ordered[i:j], key=lambda k: (name_time(k) or 0.0, k), reverse=True)
        i = j
    return ordered


def drop_twins(ordered: list[str], new: frozenset[str]) -> list[str]:
    """`ordered` without new/ names whose message is also listed in cur/ (cur/ wins).

    new/ is listed before cur/, so a message another client moves between the two
    listings shows up in both rather than in neither. Its cur/ name (`KEY:2,...`) sorts
    right before its new/ name (`KEY`), so only the neighbours of new/ names are compared.
    """
    if not new:
        return ordered
    key_of = names.key_of
    twins = [
        i
        for i, name in enumerate(ordered)
        if name in new and i > 0 and key_of(ordered[i - 1]) == key_of(name)
    ]
    for i in reversed(twins):
        del ordered[i]
    return ordered


def _pick(items: list[str], positions: Sequence[int]) -> list[str]:
    """`[items[i] for i in positions]` in one C call (a stored order of 100k positions is
    taken on each sort: the comprehension was most of showing a stored order)."""
    if len(positions) < 2:
        return [items[i] for i in positions]  # itemgetter of one index gives the item, not a tuple
    return list(itemgetter(*positions)(items))


class RefList(Sequence[MessageRef]):
    """A folder's refs, newest first, as one string per message.

    Built from a listing, each string is a file name and `new` says which of them are in
    new/: a ref then carries its file as `hint` (`cur/<name>`), so the backend finds the
    first screen's files without building its key -> file map. Built from keys (the UI
    reorders and filters with `type(refs)(keys)`), the strings are the keys, no hints.
    """

    __slots__ = ("_keys", "_names", "_new")

    def __init__(self, keys: list[str], new: frozenset[str] | None = None) -> None:
        self._names = keys
        self._new = new
        # From a listing the keys are derived once, when first asked for.
        self._keys: list[str] | None = keys if new is None else None

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> MessageRef: ...

    @overload
    def __getitem__(self, index: slice) -> RefList: ...

    def __getitem__(self, index: int | slice) -> MessageRef | RefList:
        if isinstance(index, slice):
            part = RefList(self._names[index], self._new)
            if self._keys is not None:
                part._keys = self._keys[index]
            return part
        return self._ref(self._names[index])

    def _ref(self, name: str) -> MessageRef:
        if self._new is None:
            return MessageRef(name, names.name_time(name) or 0.0)
        key = names.key_of(name)
        sub = "new" if name in self._new else "cur"
        return MessageRef(key, names.name_time(key) or 0.0, hint=f"{sub}/{name}")

    def __iter__(self) -> Iterator[MessageRef]:
        ref = self._ref
        for name in self._names:
            yield ref(name)

    def take(self, positions: Sequence[int]) -> RefList:
        """The refs at `positions`, in that order: a reordered or filtered listing that keeps
        each ref's file hint (a list rebuilt from keys loses it, and the backend then needs
        the folder's whole key -> file map to find a file)."""
        part = RefList(_pick(self._names, positions), self._new)
        if self._new is not None and self._keys is not None:
            part._keys = _pick(self._keys, positions)
        return part

    def keys(self) -> list[str]:
        """The keys in order (no MessageRef built)."""
        if self._keys is None:
            key_of = names.key_of
            # Inline fast path of key_of (100k names: a function call each is measurable).
            self._keys = [n[:i] if (i := n.rfind(":2,")) >= 0 else key_of(n) for n in self._names]
        return self._keys

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RefList):
            return self.keys() == other.keys()
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    # Unhashable, like list: object's __hash__ is a method, so None needs the ignore (as in typeshed).
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RefList({len(self._names)} refs)"
