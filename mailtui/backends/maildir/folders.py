"""Maildir on disk: finding folders (root = INBOX, Maildir++ `.Sub.Folder`, plain subdirs), creating them, delivering.

Two layouts are common and both are read: Maildir++ (Dovecot, Courier, mbsync's default)
keeps subfolders as hidden `.Name` dirs beside `cur/new/tmp`, with "." as the hierarchy
delimiter; plain layouts (mbsync `SubFolders Verbatim`, offlineimap) nest ordinary
directories, shown with "/" as delimiter. A root without its own `cur/` is a collection of
folders; its `INBOX` subdirectory, if any, is the INBOX.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from mailtui.backends.maildir import names

# Plain layouts nest; stop somewhere sane so a symlink loop or a home dir cannot hang us.
_MAX_DEPTH = 6
_MAILDIR_DIRS = frozenset({"cur", "new", "tmp"})


@dataclass(frozen=True, slots=True)
class FolderDir:
    """Where one folder lives on disk."""

    name: str
    path: Path
    delimiter: str


def is_maildir(path: Path) -> bool:
    """True when `path` has `cur/` and `new/` (a missing `tmp/` is created when needed)."""
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _subdirs(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return [e for e in it if e.is_dir()]
    except OSError:
        return []


def is_folder_collection(path: Path) -> bool:
    """True when `path` is not a Maildir itself but holds at least one Maildir folder."""
    return any(is_maildir(Path(e.path)) for e in _subdirs(path) if e.name not in _MAILDIR_DIRS)


def discover(root: Path) -> dict[str, FolderDir]:
    """Every folder under `root`, by name; INBOX first when it exists."""
    found: dict[str, FolderDir] = {}
    if is_maildir(root):
        found["INBOX"] = FolderDir("INBOX", root, ".")
    entries = sorted(_subdirs(root), key=lambda e: e.name)
    # Maildir++ first: when both `.Sent` and `Sent/` exist, the Maildir++ one is what
    # Dovecot and Courier show, so it keeps the name.
    for entry in entries:
        if entry.name.startswith(".") and entry.name not in (".", "..") and len(entry.name) > 1:
            path = Path(entry.path)
            name = entry.name[1:]
            if is_maildir(path) and name not in found:
                found[name] = FolderDir(name, path, ".")
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _MAILDIR_DIRS:
            continue
        _walk_plain(Path(entry.path), entry.name, found, depth=1)
    if "INBOX" not in found:
        # A folder collection: an `inbox` subdir (any case) plays the INBOX.
        for name in list(found):
            if name.lower() == "inbox":
                found["INBOX"] = FolderDir("INBOX", found.pop(name).path, "/")
                break
    if "INBOX" in found:
        found = {"INBOX": found["INBOX"], **{k: v for k, v in found.items() if k != "INBOX"}}
    return found


def _walk_plain(path: Path, name: str, found: dict[str, FolderDir], depth: int) -> None:
    if depth > _MAX_DEPTH or path.is_symlink() and depth > 1:
        return
    if is_maildir(path) and name not in found:
        found[name] = FolderDir(name, path, "/")
    for entry in sorted(_subdirs(path), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name in _MAILDIR_DIRS:
            continue
        _walk_plain(Path(entry.path), f"{name}/{entry.name}", found, depth + 1)


def create_maildirpp(root: Path, name: str) -> FolderDir:
    """Create the Maildir++ folder `.name` (with cur/new/tmp) under `root`."""
    path = root / ("." + name.replace("/", "."))
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    # Courier and Dovecot mark Maildir++ folders with this empty file.
    (path / "maildirfolder").touch(exist_ok=True)
    return FolderDir(name, path, ".")


def write_message(folder: Path, raw: bytes, letters: str) -> tuple[str, str, str]:
    """Deliver as the spec says: write to tmp/, fsync, rename into new/ (cur/ when flagged).

    Returns (unique key, subdir, file name). Raises OSError; nothing is left in tmp/ then.
    """
    unique = names.unique_name(len(raw))
    tmp = folder / "tmp" / unique
    try:
        tmp.parent.mkdir(exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if letters:
            sub, filename = "cur", names.MaildirName(unique, ":", "").with_letters(letters)
        else:
            sub, filename = "new", unique
        os.rename(tmp, folder / sub / filename)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    return unique, sub, filename
