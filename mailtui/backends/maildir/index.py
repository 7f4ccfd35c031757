"""Which file is message X: the Maildir backend's per-folder map key -> (subdir, file name).

Keys (unique names) are stable, file names are not: another client renames a file when it
changes flags or moves it from new/ to cur/. The map is built from one listing of new/ and
cur/ (no stat, no open) and looked up by `Lookup`, which tries a ref's hint first and
rescans at most once per call when a file is not where the map says.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TypeVar

from mailtui.backends.maildir import names
from mailtui.backends.maildir.listing import list_big_directory
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
    """File names in one of cur/ or new/ (none when it is missing); dot files are skipped.

    A big directory is listed by child processes (see maildir_listing), newest first.
    """
    big = list_big_directory(path)
    if big is not None:
        return big
    try:
        # listdir, not scandir: no DirEntry object per name (100k names: ~30% faster).
        # Dot files are not messages (the spec; also editors' and rsync's temp files).
        return [n for n in os.listdir(path) if n[:1] != "."]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise io_error("list", path, exc) from exc


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing of a folder: the file names in new/ and in cur/."""

    new: list[str]
    cur: list[str]

    def locations(self) -> dict[str, Location]:
        """Every message key -> where its file is (a key in both: cur/ wins)."""
        index: dict[str, Location] = {}
        key_of = names.key_of
        for sub, found in (("new", self.new), ("cur", self.cur)):
            # Inline fast path of key_of (100k names: a function call each is measurable).
            keys = [n[:i] if (i := n.rfind(":2,")) >= 0 else key_of(n) for n in found]
            index.update(zip(keys, zip(repeat(sub), found), strict=True))
        return index


def scan_listing(path: Path) -> Listing:
    """List new/ and cur/ of the Maildir at `path`."""
    # new/ before cur/: a message another client moves new/ -> cur/ between the two
    # listings then shows up in both (same key, cur/ wins) instead of in neither.
    new = scan_names(path / "new")
    return Listing(new, scan_names(path / "cur"))


def scan_folder(path: Path) -> dict[str, Location]:
    """Map every message key of the Maildir at `path` to where its file is now."""
    return scan_listing(path).locations()


class FileIndex:
    """The key -> location maps of the folders listed so far, by folder name.

    A map is built from its folder's `Listing` when first asked for: the first screen of
    a big folder finds its files by the refs' hints and never waits for 100k entries.
    """

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, Location] | Listing] = {}

    def rescan(self, folder: str, path: Path) -> dict[str, Location]:
        found = self._maps[folder] = scan_folder(path)
        return found

    def remember(self, folder: str, listing: Listing) -> None:
        """Keep `listing` as the folder's state; its map is built on first use."""
        self._maps[folder] = listing

    def knows(self, folder: str) -> bool:
        return folder in self._maps

    def file_names(self, folder: str) -> list[str] | None:
        """The folder's file names as last listed, without building its map (None: not listed)."""
        known = self._maps.get(folder)
        if isinstance(known, Listing):
            return known.new + known.cur
        return None if known is None else [name for _sub, name in known.values()]

    def get(self, folder: str) -> dict[str, Location] | None:
        known = self._maps.get(folder)
        if isinstance(known, Listing):
            known = self._maps[folder] = known.locations()
        return known

    def forget(self, folder: str) -> None:
        self._maps.pop(folder, None)

    def clear(self) -> None:
        self._maps.clear()

    def lookup(self, folder: str, path: Path) -> Lookup:
        return Lookup(self, folder, path)


def hinted_location(hint: str) -> Location | None:
    """The (subdir, file name) of a ref's `hint` (`cur/<name>`), None when it has none."""
    sub, _, filename = hint.partition("/")
    return (sub, filename) if filename and sub in ("cur", "new") else None


class Lookup:
    """Finds message files of one folder during one call; rescans the folder at most once.

    A ref's hint (its file at listing time) is tried first; then the folder's map. One
    rescan finds a file renamed by another client since our listing. Only one per call,
    so a window of 50 stale refs in a 100k folder costs one listing, not 50.
    """

    def __init__(self, files: FileIndex, folder: str, path: Path) -> None:
        self._files = files
        self.folder = folder
        self.path = path
        self._index: dict[str, Location] | None = None
        self.rescanned = not files.knows(folder)  # never listed: the first use lists it

    @property
    def index(self) -> dict[str, Location]:
        """The folder's key -> location map (built from the last listing on first use)."""
        if self._index is None:
            known = self._files.get(self.folder)
            self._index = known if known is not None else self._files.rescan(self.folder, self.path)
        return self._index

    def run(self, ref: MessageRef, action: Callable[[Path, Location], _T]) -> _T | None:
        """`action(path, (subdir, filename))` on the message's file; None when it is gone.

        `action` must touch the file, so that a stale location raises FileNotFoundError.
        """
        hinted = hinted_location(ref.hint) if ref.hint else None
        if hinted is not None:
            try:
                return action(self.path / hinted[0] / hinted[1], hinted)
            except FileNotFoundError:
                pass  # renamed or moved since the listing: ask the map
        while True:
            loc = self.index.get(ref.key)
            if loc is not None and loc != hinted:
                try:
                    return action(self.path / loc[0] / loc[1], loc)
                except FileNotFoundError:
                    self.index.pop(ref.key, None)
            if self.rescanned:
                return None
            self.rescanned = True
            self._index = self._files.rescan(self.folder, self.path)
