"""Which file is message X: the Maildir backend's per-folder map key -> (subdir, file name).

Keys (unique names) are stable, file names are not: another client renames a file when it
changes flags or moves it from new/ to cur/. The map is rebuilt from one `os.scandir` of
new/ and cur/ (no stat, no open) and looked up by `Lookup`, which rescans at most once per
call when a file is not where the map says.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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
        with os.scandir(path) as it:
            # Dot files are not messages (the spec; also editors' and rsync's temp files).
            return [e.name for e in it if not e.name.startswith(".")]
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
