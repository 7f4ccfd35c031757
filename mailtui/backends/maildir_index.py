"""Which file is message X: the Maildir backend's per-folder map key -> (subdir, file name).

Keys (unique names) are stable, file names are not: another client renames a file when it
changes flags or moves it from new/ to cur/. The map is rebuilt from one `os.scandir` of
new/ and cur/ (no stat, no open) and looked up by `Lookup`, which rescans at most once per
call when a file is not where the map says.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar, overload

from mailtui.backends import maildir_names as names
from mailtui.core.errors import BackendError
from mailtui.core.models import MessageRef

_T = TypeVar("_T")

# (subdir, filename) of a message inside its folder directory
Location = tuple[str, str]


def io_error(action: str, path: Path | str, exc: OSError) -> BackendError:
    """A BackendError for a failed file operation, with what to check."""
    return BackendError(
        f"could not {action} {path}: {exc.strerror or exc}. "
        "Check that the Maildir exists and that you may read and write it."
    )


def scan_names(path: Path) -> list[str]:
    """File names in one of cur/ or new/ (none when it is missing); dot files are skipped."""
    try:
        # listdir, not scandir: no DirEntry object per name (100k names: ~30% faster).
        # Dot files are not messages (the spec; also editors' and rsync's temp files).
        return [n for n in os.listdir(path) if n[:1] != "."]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise io_error("list", path, exc) from exc


def scan_folder(path: Path) -> dict[str, Location]:
    """Map every message key of the Maildir at `path` to where its file is now."""
    index: dict[str, Location] = {}
    key_of = names.key_of
    # new/ before cur/: a message another client moves new/ -> cur/ between the two
    # listings then shows up in both (same key, cur/ wins) instead of in neither.
    for sub in ("new", "cur"):
        found = scan_names(path / sub)
        # Inline fast path of key_of (100k names: a function call each is measurable).
        keys = [n[:i] if (i := n.rfind(":2,")) >= 0 else key_of(n) for n in found]
        index.update(zip(keys, [(sub, n) for n in found], strict=True))
    return index


class FileIndex:
    """The key -> location maps of the folders listed so far, by folder name."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, Location]] = {}

    def rescan(self, folder: str, path: Path) -> dict[str, Location]:
        self._maps[folder] = scan_folder(path)
        return self._maps[folder]

    def get(self, folder: str) -> dict[str, Location] | None:
        return self._maps.get(folder)

    def forget(self, folder: str) -> None:
        self._maps.pop(folder, None)

    def clear(self) -> None:
        self._maps.clear()

    def lookup(self, folder: str, path: Path) -> Lookup:
        return Lookup(self, folder, path)


class Lookup:
    """Finds message files of one folder during one call; rescans the folder at most once.

    One rescan finds a file renamed by another client since our listing. Only one per
    call, so a window of 50 stale refs in a 100k folder costs one listing, not 50.
    """

    def __init__(self, files: FileIndex, folder: str, path: Path) -> None:
        self._files = files
        self.folder = folder
        self.path = path
        known = files.get(folder)
        self.rescanned = known is None
        self.index = known if known is not None else files.rescan(folder, path)

    def run(self, ref: MessageRef, action: Callable[[Path, Location], _T]) -> _T | None:
        """`action(path, (subdir, filename))` on the message's file; None when it is gone."""
        while True:
            loc = self.index.get(ref.key)
            if loc is not None:
                try:
                    return action(self.path / loc[0] / loc[1], loc)
                except FileNotFoundError:
                    self.index.pop(ref.key, None)
            if self.rescanned:
                return None
            self.rescanned = True
            self.index = self._files.rescan(self.folder, self.path)


_TEN_DIGIT_TIME = re.compile(r"\d{10}\.")


def order_keys(keys: list[str]) -> list[str] | None:
    """Keys newest first by their name time, when every key starts with `<10-digit secs>.`.

    Same-width times sort as strings (a C-level sort, no per-key Python work); only runs
    of keys delivered in the same second are re-sorted by their microseconds. None when
    some key has another form (the caller then computes every time).
    """
    if not all(map(_TEN_DIGIT_TIME.match, keys)):
        return None
    ordered = sorted(keys, reverse=True)
    heads = [k[:10] for k in ordered]
    if len(set(heads)) == len(heads):
        return ordered  # no two messages in the same second: nothing to refine
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


class RefList(Sequence[MessageRef]):
    """A folder's refs as a compact sequence: one key string per message.

    `MessageRef`s (with the time from the name) are built when a row asks for one, so
    listing 100k messages creates no per-message object besides the key strings.
    """

    __slots__ = ("_keys",)

    def __init__(self, keys: list[str]) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> MessageRef: ...

    @overload
    def __getitem__(self, index: slice) -> RefList: ...

    def __getitem__(self, index: int | slice) -> MessageRef | RefList:
        if isinstance(index, slice):
            return RefList(self._keys[index])
        key = self._keys[index]
        return MessageRef(key, names.name_time(key) or 0.0)

    def __iter__(self) -> Iterator[MessageRef]:
        name_time = names.name_time
        for key in self._keys:
            yield MessageRef(key, name_time(key) or 0.0)

    def keys(self) -> list[str]:
        """The keys in order (no MessageRef built)."""
        return self._keys

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RefList):
            return self._keys == other._keys
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence, like list

    def __repr__(self) -> str:
        return f"RefList({len(self._keys)} refs)"
