"""Every UID of the selected IMAP folder, fetched and held compactly (100k-message folders).

`all_uids` asks with ESEARCH (RFC 4731, `UID SEARCH RETURN (ALL) ALL`) when the server
offers it: the answer is a sequence set (`1:100000` for a folder without holes) instead
of 100,000 numbers to send and parse. `UidRefList` holds the UIDs in an `array` (8 bytes
each) and builds a `MessageRef` only when a row asks for one, instead of 100k objects.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from imapclient import IMAPClient

from mailtui.core.models import MessageRef

_ALL = re.compile(rb"\bALL\s+([0-9:,]+)", re.IGNORECASE)


def all_uids(c: IMAPClient) -> array[int]:
    """The selected folder's UIDs, highest (newest arrival) first."""
    if c.has_capability("ESEARCH"):
        # imapclient 4.1 has no ESEARCH: the untagged answer is read from its raw command.
        data = c._raw_command_untagged(b"SEARCH", [b"RETURN", b"(ALL)", b"ALL"], response_name="ESEARCH")
        found = parse_esearch_all(data)
        if found is not None:
            return found
    uids = array("Q", c.search(["ALL"]))
    return array("Q", sorted(uids, reverse=True))


def parse_esearch_all(data: Iterable[object]) -> array[int] | None:
    """UIDs of an ESEARCH answer's ALL item, highest first; None when no answer came at all."""
    lines = [item for item in data if isinstance(item, bytes)]
    if not lines:
        return None
    found = array("Q")
    in_order = True  # servers send the set ascending: then reversing it is enough
    for line in lines:
        m = _ALL.search(line)
        if m is None:
            continue  # no ALL item: no message matched (an empty folder)
        for part in m.group(1).split(b","):
            first, _, last = part.partition(b":")
            low, high = sorted((int(first), int(last or first)))
            in_order = in_order and (not found or low > found[-1])
            found.extend(range(low, high + 1))
    if not in_order:
        return array("Q", sorted(set(found), reverse=True))
    found.reverse()
    return found


class UidRefList(Sequence[MessageRef]):
    """A folder's refs, highest UID first, as an array of UIDs.

    The UI rebuilds lists with `type(refs)(keys)`, so keys (UIDs as str) are accepted too.
    """

    __slots__ = ("_keys", "_uids")

    def __init__(self, uids: Iterable[int] | Iterable[str]) -> None:
        self._uids = uids if isinstance(uids, array) else array("Q", map(int, uids))
        self._keys: list[str] | None = None

    def __len__(self) -> int:
        return len(self._uids)

    @overload
    def __getitem__(self, index: int) -> MessageRef: ...

    @overload
    def __getitem__(self, index: slice) -> UidRefList: ...

    def __getitem__(self, index: int | slice) -> MessageRef | UidRefList:
        if isinstance(index, slice):
            return UidRefList(self._uids[index])
        return MessageRef(str(self._uids[index]))

    def __iter__(self) -> Iterator[MessageRef]:
        for uid in self._uids:
            yield MessageRef(str(uid))

    def uids(self) -> array[int]:
        return self._uids

    def take(self, positions: Sequence[int]) -> UidRefList:
        """The refs at `positions`, in that order (a reordered or filtered listing)."""
        uids = self._uids
        return UidRefList(array("Q", [uids[i] for i in positions]))

    def keys(self) -> list[str]:
        """The keys (UIDs as str) in order, built once when first asked for."""
        if self._keys is None:
            self._keys = list(map(str, self._uids))
        return self._keys

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UidRefList):
            return self._uids == other._uids
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    # Unhashable, like list: object's __hash__ is a method, so None needs the ignore (as in typeshed).
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"UidRefList({len(self._uids)} refs)"
