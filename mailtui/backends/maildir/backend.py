"""The Maildir backend: folders are directories, messages are files, flags are in file names.

Built for big folders: `list_refs` is one listing of `cur/` and `new/` (no stat, no open;
by child processes for a big directory, maildir_listing.py) ordered by the delivery time in
the file names (maildir_refs.py), whose refs carry their file as a hint; envelopes read only
header blocks.
Flag changes are atomic renames as the Maildir spec asks, so mutt, Dovecot or mbsync
working on the same tree at the same time see consistent files. Keys are unique names
without the `:2,` suffix, so they survive flag changes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path

from mailtui.backends.base import IndexColumn, MailBackend, SearchField
from mailtui.backends.local_watch import wait_for_change
from mailtui.backends.maildir import names, queries
from mailtui.backends.maildir.fill import STORED_MODES, fill_in_child
from mailtui.backends.maildir.folders import FolderDir, create_maildirpp, discover, write_message
from mailtui.backends.maildir.header_cache import MaildirHeaderCache, default_cache_path, envelope_from_row
from mailtui.backends.maildir.index import (
    FileIndex,
    Location,
    Lookup,
    io_error,
    scan_listing,
    scan_names,
)
from mailtui.backends.maildir.refs import RefList, drop_twins, order_by_name_time
from mailtui.config import DeleteMode
from mailtui.core.errors import BackendError, FolderNotFoundError, MessageNotFoundError
from mailtui.core.message.envelope import envelope_from_headers, read_header_block
from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef, SpecialUse, TLSState


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building 100k small objects triggers many useless cyclic GC passes (~0.2-0.5 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stat_location(path: Path, loc: Location) -> Location:
    os.stat(path)  # FileNotFoundError makes Lookup.run look for the file's new name
    return loc


# Folders this big get their index filled in the background after the first screen.
BACKGROUND_INDEX_MIN = 5000


class MaildirBackend(MailBackend):
    """A Maildir (plus Maildir++ and plain subfolders) as a `MailBackend`."""

    IMPLEMENTS_EXPUNGE = True

    def __init__(
        self,
        root: Path,
        *,
        delete_mode: DeleteMode = "trash",
        trash_folder: str = "Trash",
        header_cache: bool | Path = True,
    ) -> None:
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise BackendError(f"{self.root} is not a directory, so it cannot be a Maildir.")
        self.delete_mode = delete_mode
        self.trash_folder = trash_folder
        self._folders: dict[str, FolderDir] = discover(self.root)
        if not self._folders:
            raise BackendError(f"{self.root} holds no Maildir (no cur/ and new/ here or in a subdirectory).")
        self._files = FileIndex()
        self._seen_state: dict[str, tuple[int, int]] = {}
        # Opened on first use, so the first listing does not wait for sqlite.
        self._cache_setting = header_cache
        self._fill_children: set[subprocess.Popen[str]] = set()
        self._closed = False
        self._cache: MaildirHeaderCache | None = None

    @property
    def header_cache(self) -> MaildirHeaderCache | None:
        """The sqlite header cache (None when turned off, or once the backend is closed)."""
        if self._cache is None and self._cache_setting is not False and not self._closed:
            setting = self._cache_setting
            path = setting if isinstance(setting, Path) else default_cache_path(self.root)
            self._cache = MaildirHeaderCache(path)
        return self._cache

    def take_notices(self) -> list[str]:
        """Notices for the UI (a rebuilt or disabled header cache), each given once."""
        cache = self._cache
        notice = cache.take_notice() if cache is not None else None
        return [notice] if notice else []

    IMPLEMENTS_INDEX = True
    IMPLEMENTS_PREFETCH = True  # the index fills in a child process (maildir/fill.py)

    # -- properties ------------------------------------------------------------------

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            can_move=True,
            can_idle=False,
            can_search_body=True,
            can_append=True,
            tls=TLSState.LOCAL,
            description=f"Maildir {self.root}",
        )

    @property
    def default_folder(self) -> str:
        return "INBOX" if "INBOX" in self._folders else next(iter(self._folders))

    # -- folders ---------------------------------------------------------------------

    def _folder(self, name: str) -> FolderDir:
        if name.upper() == "INBOX":
            name = "INBOX"  # case-insensitive, as in IMAP (RFC 3501 5.1)
        found = self._folders.get(name)
        if found is None or not found.path.is_dir():
            # Another client may have created or renamed folders since we looked.
            self._folders = discover(self.root)
            found = self._folders.get(name)
        if found is None:
            known = ", ".join(self._folders) or "none"
            raise FolderNotFoundError(f"no folder {name!r} in the Maildir {self.root} (folders: {known})")
        return found

    def list_folders(self) -> list[Folder]:
        """All folders with counts from directory listings (unread = no S flag)."""
        self._folders = discover(self.root)
        result = []
        for fd in self._folders.values():
            total = unread = 0
            known = self._files.file_names(fd.name)
            if known is not None and self._seen_state.get(fd.name) == self._state(fd.path):
                # Listed and unchanged since: count from that listing (no second scan, and
                # no key -> file map built for a 100k folder just to count it).
                total = len(known)
                info_of = names.info_of
                unread = sum(1 for n in known if "S" not in info_of(n))
            else:
                for sub in ("new", "cur"):
                    found = scan_names(fd.path / sub)
                    total += len(found)
                    unread += sum(1 for n in found if "S" not in names.info_of(n))
            special = names.guess_special_use(fd.name)
            if fd.name == self.trash_folder:
                special = SpecialUse.TRASH
            if fd.name == "INBOX":
                special = SpecialUse.INBOX
            result.append(
                Folder(fd.name, delimiter=fd.delimiter, special_use=special, total=total, unread=unread)
            )
        return result

    # -- refs ------------------------------------------------------------------------

    def _state(self, path: Path) -> tuple[int, int]:
        state = []
        for sub in ("cur", "new"):
            try:
                state.append(os.stat(path / sub).st_mtime_ns)
            except OSError:
                state.append(0)
        return (state[0], state[1])

    def list_refs(self, folder: str) -> Sequence[MessageRef]:
        """Every message of `folder`, newest first by the delivery time in its name."""
        fd = self._folder(folder)
        self._seen_state[fd.name] = self._state(fd.path)
        with _gc_paused():
            listing = scan_listing(fd.path)
            self._files.remember(fd.name, listing)
            ordered = order_by_name_time(listing.new + listing.cur)
            if ordered is not None:
                # The common case: every name starts with its time. No key -> file map is
                # built here (refs carry their file as a hint), so 100k names cost ~60 ms.
                new = frozenset(listing.new)
                return RefList(drop_twins(ordered, new), new)
            return self._ordered_refs(fd, self._files.get(fd.name) or {})

    def _ordered_refs(self, fd: FolderDir, index: dict[str, Location]) -> Sequence[MessageRef]:
        # The slow path (some names do not start with their time): sort plain tuples,
        # then build the refs, ~3x faster than sorting dataclasses.
        order: list[tuple[float, str]] = []
        append = order.append
        for key, (sub, filename) in index.items():
            stamp = names.name_time(key)
            if stamp is None:
                # Only names without a time pay for a stat.
                try:
                    stamp = os.stat(fd.path / sub / filename).st_mtime
                except OSError:
                    continue
            append((stamp, key))
        # Compare floats only (tuple comparison is ~3x slower); ties keep listing order.
        order.sort(key=itemgetter(0), reverse=True)
        return [MessageRef(key, stamp) for stamp, key in order]

    def _lookup(self, folder: str) -> Lookup:
        fd = self._folder(folder)
        return self._files.lookup(fd.name, fd.path)

    # -- reading ---------------------------------------------------------------------

    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        """Envelopes for `refs` from header blocks only; vanished messages are skipped."""
        lookup = self._lookup(folder)
        cache = self.header_cache
        cached = cache.get(lookup.folder, [r.key for r in refs]) if cache is not None else {}
        result = []
        fresh = []
        for ref in refs:
            row = cached.get(ref.key)
            if row is not None:
                # The file must still be there, under its current name (flags may have
                # changed): one stat; a rename by another client costs one rescan per call.
                try:
                    loc = lookup.run(ref, _stat_location)
                except OSError as exc:
                    raise io_error("read", lookup.path, exc) from exc
                if loc is not None:
                    result.append(envelope_from_row(ref, row, names.split_name(loc[1]).flags))
                continue

            def read(path: Path, loc: Location, ref: MessageRef = ref) -> Envelope:
                with open(path, "rb") as f:
                    header = read_header_block(f)
                    size = names.name_size(ref.key)
                    if size is None:
                        size = os.fstat(f.fileno()).st_size
                return envelope_from_headers(header, ref, size, names.split_name(loc[1]).flags)

            try:
                env = lookup.run(ref, read)
            except OSError as exc:
                raise io_error("read", lookup.path, exc) from exc
            if env is not None:
                result.append(env)
                fresh.append(env)
        if cache is not None and fresh:
            cache.put(lookup.folder, fresh)
        return result

    # -- the index: sort, threads and search as header-cache queries (maildir/queries.py) --

    def index_columns(
        self, folder: str, refs: Sequence[MessageRef], columns: Sequence[IndexColumn]
    ) -> dict[str, tuple[object, ...]]:
        """Values from the header cache, no file touched: a unique name is one immutable
        message, so a cached row is right for as long as the listing has its key."""
        cache = self.header_cache
        return {} if cache is None else queries.columns(cache, self._folder(folder).name, refs, columns)

    def index_search(
        self, folder: str, refs: Sequence[MessageRef], field: SearchField, needle: str
    ) -> tuple[set[str], set[str]]:
        cache = self.header_cache
        if cache is None:
            return set(), set()
        return queries.search(cache, self._folder(folder).name, refs, field, needle)

    def prefetch_envelopes(
        self,
        folder: str,
        refs: Sequence[MessageRef],
        batch: int = 500,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Index the folder's messages not indexed yet, in a child process (`maildir/fill.py`).

        Only folders of BACKGROUND_INDEX_MIN messages or more (a smaller one is read fast
        enough when an order or a search first needs it), and none when the listing is all
        indexed with its first orders stored. Blocks until the child is done (call it from a
        thread); `should_stop()` (or closing) ends the child. Returns how many it read.
        """
        cache, name = self.header_cache, self._folder(folder).name
        if (
            cache is None
            or len(refs) < BACKGROUND_INDEX_MIN
            or queries.index_ready(cache, name, refs, STORED_MODES)
        ):
            return 0
        stop = lambda: self._closed or (should_stop is not None and should_stop())  # noqa: E731
        return fill_in_child(self.root, name, cache.path, stop, self._fill_children)

    def stored_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
        """An order stored for this very listing (its keys in order hash to the same digest)."""
        cache = self.header_cache
        return None if cache is None else queries.stored_order(cache, self._folder(folder).name, refs, mode)

    def store_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, keys: list[str], depths: dict[str, int]
    ) -> None:
        cache = self.header_cache
        if cache is not None:
            queries.store_order(cache, self._folder(folder).name, refs, mode, keys, depths)

    def unread_keys(self, folder: str, refs: Sequence[MessageRef]) -> set[str]:
        """From the file names of the last listing (no `S` in the flags: unread)."""
        fd = self._folder(folder)
        listed = self._files.file_names(fd.name)
        if listed is None:
            self.list_refs(folder)
            listed = self._files.file_names(fd.name) or []
        return queries.unread_keys(listed, refs)

    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The message file's bytes, unchanged."""
        lookup = self._lookup(folder)
        try:
            data = lookup.run(ref, lambda path, loc: path.read_bytes())
        except OSError as exc:
            raise io_error("read", lookup.path, exc) from exc
        if data is None:
            raise self._not_found(folder, [ref])
        return data

    def _not_found(self, folder: str, refs: Sequence[MessageRef]) -> MessageNotFoundError:
        keys = ", ".join(r.key for r in refs[:3]) + (" ..." if len(refs) > 3 else "")
        return MessageNotFoundError(
            f"{len(refs)} message(s) in {folder} are gone ({keys}): another program moved or "
            "deleted them. Reload the folder."
        )

    # -- changing --------------------------------------------------------------------

    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        """Rename each file into cur/ with the new flag letters (unknown letters kept)."""
        done: list[MessageRef] = []
        missing: list[MessageRef] = []
        lookup = self._lookup(folder)
        for ref in refs:

            def rename(path: Path, loc: Location, ref: MessageRef = ref) -> bool:
                parts = names.split_name(loc[1])
                target = parts.with_letters(names.new_letters(parts.info, add, remove))
                if loc != ("cur", target):
                    os.rename(path, lookup.path / "cur" / target)
                    lookup.index[ref.key] = ("cur", target)
                else:
                    os.stat(path)  # nothing to rename, but `loc` may be a stale hint
                return True

            try:
                ok = lookup.run(ref, rename)
            except OSError as exc:
                raise io_error("rename a message in", lookup.path, exc) from exc
            (done if ok else missing).append(ref)
        if missing:
            raise self._not_found(folder, missing)
        return done

    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        """Rename into the destination folder (cur/ stays cur/, new/ stays new/), flags kept."""
        lookup = self._lookup(folder)
        dst = self._folder(destination)
        if lookup.path == dst.path:
            return
        missing: list[MessageRef] = []
        moved: list[str] = []
        dst_index = self._files.get(dst.name)
        for ref in refs:

            def rename(path: Path, loc: Location, ref: MessageRef = ref) -> bool:
                target = dst.path / loc[0] / loc[1]
                if target.exists():
                    raise BackendError(f"{target} already exists; not overwriting it.")
                os.rename(path, target)
                moved.append(ref.key)
                lookup.index.pop(ref.key, None)
                if dst_index is not None:
                    dst_index[ref.key] = loc
                return True

            try:
                if not lookup.run(ref, rename):
                    missing.append(ref)
            except OSError as exc:
                raise io_error(f"move a message to {destination} in", self.root, exc) from exc
            finally:
                if moved and len(moved) % 1000 == 0:
                    self._cache_moved(lookup.folder, moved, dst.name)
        self._cache_moved(lookup.folder, moved, dst.name)
        if missing:
            raise self._not_found(folder, missing)

    def _cache_moved(self, folder: str, moved: list[str], destination: str) -> None:
        """Cached rows follow moved messages (in batches, so an error keeps what moved)."""
        if moved and self._cache is not None:
            self._cache.move(folder, moved, destination)
        moved.clear()

    def _trash(self) -> FolderDir:
        try:
            return self._folder(self.trash_folder)
        except FolderNotFoundError:
            fd = create_maildirpp(self.root, self.trash_folder)
            self._folders[fd.name] = fd
            return fd

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Trash mode: move to Trash (remove when already there). Mark mode: set T."""
        refs = list(refs)
        if self.delete_mode == "mark":
            self.set_flags(folder, refs, add=frozenset({Flag.DELETED}))
            return
        lookup = self._lookup(folder)
        trash = self._trash()
        if lookup.path != trash.path:
            self.move(folder, refs, trash.name)
            return
        missing = []
        for ref in refs:
            try:
                ok = lookup.run(ref, _unlink)
            except OSError as exc:
                raise io_error("delete a message in", lookup.path, exc) from exc
            if ok:
                lookup.index.pop(ref.key, None)
            else:
                missing.append(ref)
        if self._cache is not None:
            self._cache.forget(lookup.folder, [r.key for r in refs])
        if missing:
            raise self._not_found(folder, missing)

    def expunge(self, folder: str) -> int:
        """Remove every message flagged T (deleted) from `folder`; returns how many."""
        fd = self._folder(folder)
        removed = 0
        for filename in scan_names(fd.path / "cur"):
            if "T" in names.split_name(filename).info:
                try:
                    os.unlink(fd.path / "cur" / filename)
                    removed += 1
                except FileNotFoundError:
                    continue  # someone else was quicker
                except OSError as exc:
                    raise io_error("expunge", fd.path, exc) from exc
        self._files.forget(fd.name)
        return removed

    def append(self, folder: str, raw: bytes, flags: frozenset[Flag] = frozenset()) -> None:
        """Deliver as the spec says: write to tmp/, fsync, rename into new/ (cur/ with flags)."""
        fd = self._folder(folder)
        try:
            key, sub, filename = write_message(fd.path, raw, "".join(f.maildir_letter for f in flags))
        except OSError as exc:
            raise io_error(f"store a message in {folder} at", fd.path, exc) from exc
        known = self._files.get(fd.name)
        if known is not None:
            known[key] = (sub, filename)

    # -- watching --------------------------------------------------------------------

    def wait_for_changes(self, folder: str, timeout: float) -> bool:
        """Poll the mtimes of cur/ and new/; True once they differ from the last listing."""
        fd = self._folder(folder)
        changed, state = wait_for_change(lambda: self._state(fd.path), self._seen_state.get(fd.name), timeout)
        self._seen_state[fd.name] = state
        return changed

    def close(self) -> None:
        """Close the header cache (ending a background fill); message files are opened per call."""
        self._closed = True  # before the kills: a fill starting now stops at its first check
        for child in list(self._fill_children):
            child.kill()
        self._files.clear()
        cache, self._cache = self._cache, None
        if cache is not None:
            cache.close()


def _unlink(path: Path, _location: object) -> bool:
    os.unlink(path)
    return True
