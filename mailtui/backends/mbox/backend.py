"""The mbox backend: one file (often a /var/mail spool), one folder, rewritten in place.

Refs come newest first (the file's order reversed). Flags live in the Status/X-Status
headers. A flag change, delete or append is written back in place under a delivery agent's
locks (`spool.py`): owner, group, mode and inode stay, mail appended by another program
since our listing is kept (the file is re-read under the lock), untouched messages are
copied byte for byte, and an interrupted write is undone at the next open. Keys (see
`format.MboxKey`) change when the file is rewritten: `set_flags` returns the new refs, and
`list_refs` always gives the current ones.

An mbox has no Trash: the backend says so (`has_trash=False`) and the UI marks deleted
messages, removed on purge. A file the user may read but not write opens read-only: flag
changes are kept in memory for the session, and the capabilities carry a note saying so.

Sort, threads and search are answered by an index of the header fields (`index.py`), filled
as header blocks are read; rows follow our rewrites, checked when another program wrote.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mailtui.backends.base import IndexColumn, MailBackend, SearchField
from mailtui.backends.local_watch import wait_for_change
from mailtui.backends.mbox import format as fmt
from mailtui.backends.mbox import queries, spool
from mailtui.backends.mbox.index import Indexed, MboxIndex, default_cache_path, header_crc
from mailtui.core.errors import BackendError, FolderNotFoundError, MessageNotFoundError
from mailtui.core.message.envelope import envelope_from_headers, read_header_block
from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef, SpecialUse, TLSState

_HEADER_LIMIT = 65536

# change(message bytes, From_ line first) -> the new bytes, or None to remove the message
Change = Callable[[bytes], bytes | None]


def _io_error(action: str, path: Path, exc: Exception) -> BackendError:
    why = getattr(exc, "strerror", None) or str(exc)
    return BackendError(
        f"could not {action} the mbox {path}: {why}. Check that the file exists and that you may write it."
    )


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


class MboxBackend(MailBackend):
    """A single mbox file as a one-folder `MailBackend`."""

    IMPLEMENTS_INDEX = True

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 5.0,
        read_only: bool | None = None,
        header_cache: bool | Path = True,
    ) -> None:
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout
        if not self.path.is_file():
            raise BackendError(f"{self.path} is not a file, so it cannot be an mbox.")
        self._seen_state: tuple[int, int, int] | None = None
        self._renamed = fmt.Renames()
        self._notices: list[str] = []
        self._locker = spool.Locker(self.path, lock_timeout, self._notices)
        self._overlay: dict[str, frozenset[Flag]] = {}  # read-only: flags changed in memory
        self._index_setting = header_cache
        self._index: MboxIndex | None = None  # opened on first use
        self._closed = False
        self.read_only = not _writable(self.path) if read_only is None else read_only
        if not self.read_only and spool.journal_path(self.path).exists():
            with self._locked():
                pass  # taking the locks replays the journal

    @property
    def capabilities(self) -> Capabilities:
        # No other folders: moving works only to another mbox path, which the UI cannot offer.
        note = ""
        if self.read_only:
            note = "READ-ONLY: changes are not saved"  # the status bar; the README says more
        return Capabilities(
            can_move=False,
            can_idle=False,
            can_search_body=True,
            can_append=not self.read_only,
            tls=TLSState.LOCAL,
            description=f"mbox {self.path}",
            has_trash=False,
            read_only=self.read_only,
            note=note,
        )

    def take_notices(self) -> list[str]:
        """The dotlock fallback, journal replays and the index rebuilt or off, each said once."""
        notices, self._notices[:] = list(self._notices), []
        notice = self._index.take_notice() if self._index is not None else None
        return [*notices, notice] if notice else notices

    @property
    def index(self) -> MboxIndex | None:
        """The header index (None when turned off, or once the backend is closed)."""
        if self._index is None and self._index_setting is not False and not self._closed:
            setting = self._index_setting
            self._index = MboxIndex(setting if isinstance(setting, Path) else default_cache_path(self.path))
        return self._index

    @property
    def default_folder(self) -> str:
        return self.path.name

    def _check_folder(self, folder: str) -> None:
        if folder != self.path.name:
            raise FolderNotFoundError(
                f"the mbox {self.path} has one folder, {self.path.name!r}, not {folder!r}."
            )

    # -- scanning --------------------------------------------------------------------

    def _state(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except OSError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextmanager
    def _locked(self) -> Iterator[int]:
        """The file open for writing, both locks held, an interrupted write replayed first."""
        try:
            fd = os.open(self.path, os.O_RDWR)
        except PermissionError as exc:
            self.read_only = True
            raise BackendError(
                f"{self.path} cannot be written ({exc.strerror}); it is open read-only now.",
                title="Read-only mailbox",
            ) from exc
        except OSError as exc:
            raise _io_error("open", self.path, exc) from exc
        try:
            with self._locker.held(fd):
                spool.recover(fd, self.path, self._notices.append)
                yield fd
        except OSError as exc:
            raise _io_error("rewrite", self.path, exc) from exc
        finally:
            os.close(fd)

    def _toc(self) -> list[tuple[int, int, bytes]]:
        try:
            with open(self.path, "rb") as f:
                return fmt.scan(f)
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc

    def list_refs(self, folder: str) -> list[MessageRef]:
        """Every message, newest (last in the file) first; timestamps from the From_ lines."""
        self._check_folder(folder)
        self._seen_state = self._state()
        return self._scan_refs()

    def _scan_refs(self) -> list[MessageRef]:
        return [
            MessageRef(str(fmt.make_key(start, stop, line)), fmt.from_line_time(line))
            for start, stop, line in reversed(self._toc())
        ]

    def list_folders(self) -> list[Folder]:
        """The one folder, with total and unread counts (reads each header block)."""
        refs = self._scan_refs()  # not list_refs: the UI's view of the refs is unchanged
        unread = len(self.unread_keys(self.path.name, refs))
        return [
            Folder(
                self.path.name, special_use=SpecialUse.INBOX, delimiter="/", total=len(refs), unread=unread
            )
        ]

    # -- reading ---------------------------------------------------------------------

    def _read(self, f: io.BufferedReader, ref: MessageRef, *, whole: bool) -> tuple[bytes, bytes] | None:
        """(From_ line, message or its first block) if `ref` still names the same message."""
        key = fmt.MboxKey.parse(self._renamed.current(ref.key))
        if key is None:
            return None
        f.seek(key.start)
        from_line = f.readline()
        if fmt.make_key(key.start, key.start + key.length, from_line) != key:
            return None
        left = key.length - len(from_line)
        if left < 0:
            return None
        data = f.read(left if whole else min(left, _HEADER_LIMIT))
        # Where it stopped when listed comes the next From_ line, its blank line or the end
        # (`fmt.scan`); else it grew or shrank in place since (another program).
        f.seek(key.start + key.length)
        after = f.read(6)
        if not (after in (b"", b"\n") or after.startswith((b"From ", b"\nFrom "))):
            return None
        return from_line, data

    def _envelopes(
        self, refs: Sequence[MessageRef]
    ) -> Iterator[tuple[MessageRef, frozenset[Flag], bytes, int, bytes, frozenset[Flag]]]:
        """(ref, flags, header block, size, From_ line, flags in the file) per ref still valid."""
        try:
            with open(self.path, "rb") as f:
                for ref in refs:
                    got = self._read(f, ref, whole=False)
                    key = fmt.MboxKey.parse(self._renamed.current(ref.key))  # not None when `got` is
                    if got is None or key is None:
                        continue
                    header = read_header_block(io.BytesIO(got[1]))
                    stored = fmt.flags_from_letters(fmt.status_letters(header))
                    flags = self._overlay.get(ref.key, stored)
                    size = key.length - len(got[0])
                    yield ref, flags, header, size, got[0], stored
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc

    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        """Envelopes from the header blocks; refs no longer valid (file rewritten) are skipped.

        Each one read is indexed.
        """
        self._check_folder(folder)
        index = self.index
        new, read_at = queries.is_new(index), queries.file_state(self.path)
        envs: list[Envelope] = []
        rows: list[Indexed] = []
        for ref, flags, header, size, from_line, stored in self._envelopes(refs):
            env = envelope_from_headers(header, ref, size, flags)
            envs.append(env)
            # The row's own ref time is the From_ line's, whatever timestamp the caller's ref has.
            rows.append(
                Indexed(env, fmt.from_line_time(from_line), Flag.SEEN not in stored, header_crc(header))
            )
        if index is not None:
            index.put(rows, read_at, new=new)
        return envs

    # -- the index: sort, threads and search as queries (index.py, queries.py) -----------

    def _checked_index(self, folder: str) -> MboxIndex | None:
        """The index, every row checked against the file if anyone changed it since."""
        self._check_folder(folder)
        index = self.index
        if index is None or not index.enabled:
            return None
        try:
            return queries.checked(index, self.path, lambda f, ref: self._read(f, ref, whole=False))
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc

    def index_columns(
        self, folder: str, refs: Sequence[MessageRef], columns: Sequence[IndexColumn]
    ) -> dict[str, tuple[object, ...]]:
        index = self._checked_index(folder)
        return {} if index is None else index.columns(queries.keys_of(refs), columns)

    def index_search(
        self, folder: str, refs: Sequence[MessageRef], field: SearchField, needle: str
    ) -> tuple[set[str], set[str]]:
        index = self._checked_index(folder)
        return (set(), set()) if index is None else queries.search(index, refs, field, needle)

    def unread_keys(self, folder: str, refs: Sequence[MessageRef]) -> set[str]:
        """From the index, flags changed in memory first; messages not indexed are read (and indexed)."""
        index = self._checked_index(folder)
        unread, known = (set(), set()) if index is None else index.unread(queries.keys_of(refs))
        for key, flags in self._overlay.items():  # read-only: flags changed in memory win
            if key in known:
                (unread.discard if Flag.SEEN in flags else unread.add)(key)
        missing = [r for r in refs if r.key not in known]
        unread.update(env.ref.key for env in self.fetch_envelopes(folder, missing) if env.is_unread)
        return unread

    def stored_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
        index = self._checked_index(folder)
        return None if index is None else queries.stored_order(index, refs, mode)

    def store_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, keys: list[str], depths: dict[str, int]
    ) -> None:
        index = self._checked_index(folder)
        if index is not None:
            queries.store_order(index, refs, mode, keys, depths)

    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The message without its From_ line, as stored (">From " lines stay quoted)."""
        self._check_folder(folder)
        return self._entry(ref)[1]

    def _entry(self, ref: MessageRef) -> tuple[bytes, bytes]:
        """The From_ line and the message, as stored."""
        try:
            with open(self.path, "rb") as f:
                got = self._read(f, ref, whole=True)
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc
        if got is None:
            raise self._not_found([ref])
        return got

    def _not_found(self, refs: Sequence[object]) -> MessageNotFoundError:
        return MessageNotFoundError(
            f"{len(refs)} message(s) are no longer where they were in {self.path}: the file was "
            "rewritten since the folder was listed. Reload the folder."
        )

    # -- changing --------------------------------------------------------------------

    def _rewrite(self, changes: dict[str, Change]) -> dict[str, MessageRef]:
        """Apply `changes` (by ref key) under the locks, in place; the changed refs' new refs.

        The file is re-read under the lock, so what was appended since the listing is kept.
        """
        with self._locked() as fd:
            before = queries.state_text(os.fstat(fd))
            data = spool.read_all(fd)
            toc = fmt.scan(io.BytesIO(data).readlines())
            resolved = fmt.resolve(list(changes), toc)
            missing = [k for k in changes if k not in resolved]
            if missing:
                raise self._not_found(missing)
            by_current = {resolved[k]: change for k, change in changes.items()}
            entries: list[bytes] = []
            first: int | None = None
            new_starts: dict[str, int] = {}  # changed (kept) message -> its start in the new file
            shifted: dict[str, int] = {}  # an unchanged message after the first change -> its new start
            dropped: list[str] = []  # changed or removed: their rows are read again
            pos = 0
            for i, (start, stop, line) in enumerate(toc):
                end = toc[i + 1][0] if i + 1 < len(toc) else len(data)
                key = str(fmt.make_key(start, stop, line))
                change = by_current.get(key)
                entry = data[start:end]
                if change is not None:
                    new = change(data[start:stop])
                    entry = b"" if new is None else new + data[stop:end]
                if first is None:
                    if entry == data[start:end]:
                        if change is not None:
                            new_starts[key] = start
                        continue
                    first, pos = i, start
                if change is not None:
                    dropped.append(key)
                if entry:
                    (new_starts if change is not None else shifted)[key] = pos
                    entries.append(entry)
                    pos += len(entry)
            if first is None:
                return {k: MessageRef(resolved[k]) for k in changes}
            offset = toc[first][0]
            tail = b"".join(entries)
            spool.replace_tail(fd, self.path, offset, tail, restore=data[offset:], size_before=len(data))
            new_data = data[:offset] + tail
            after = {
                s: str(fmt.make_key(s, e, line)) for s, e, line in fmt.scan(io.BytesIO(new_data).readlines())
            }
            self._rekey(shifted, after, dropped, before, queries.state_text(os.fstat(fd)))
        result = {
            k: MessageRef(after[new_starts[cur]])
            for k, cur in resolved.items()
            if cur in new_starts and new_starts[cur] in after
        }
        self._renamed.note({old: ref.key for old, ref in result.items()})
        return result

    def _rekey(
        self, shifted: dict[str, int], after: dict[int, str], dropped: list[str], before: str, now: str
    ) -> None:
        """Rows follow the messages our rewrite moved (under the locks: nobody wrote since).

        The rows stay known to match the file only if they did before it.
        """
        index = self.index
        if index is None or not index.enabled:
            return
        moved = {old: after[start] for old, start in shifted.items() if start in after}
        gone = dropped + [old for old, start in shifted.items() if start not in after]
        index.rekey(moved, gone, now if index.checked_state() == before else None)

    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        """Rewrite Status/X-Status of `refs`; returns their new refs (keys change on rewrite).

        Read-only: the change is kept in memory (the refs stay the same). Flags an mbox has
        no letter for (forwarded) are left out, as mutt does.
        """
        self._check_folder(folder)
        add, remove = add & fmt.STORED_FLAGS, remove & fmt.STORED_FLAGS
        refs = list(refs)
        if self.read_only:
            return self._set_flags_in_memory(refs, add, remove)

        def change(raw: bytes) -> bytes:
            return fmt.rewrite_status(raw, add, remove)

        try:
            new = self._rewrite(dict.fromkeys((r.key for r in refs), change))
        except BackendError:
            if not self.read_only:
                raise
            return self._set_flags_in_memory(refs, add, remove)  # found read-only just now
        return [MessageRef(new[r.key].key, r.timestamp) for r in refs if r.key in new]

    def _set_flags_in_memory(
        self, refs: list[MessageRef], add: frozenset[Flag], remove: frozenset[Flag]
    ) -> list[MessageRef]:
        found = {got[0].key: got[1] for got in self._envelopes(refs)}
        missing = [r for r in refs if r.key not in found]
        if missing:
            raise self._not_found(missing)
        for ref in refs:
            self._overlay[ref.key] = (found[ref.key] | add) - remove
        return refs

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Remove the messages from the file (an mbox has no Trash: the UI marks first)."""
        self._check_folder(folder)
        if self.read_only:
            raise BackendError(
                f"{self.path} is read-only for you: no message can be removed from it.",
                title="Read-only mailbox",
            )
        self._rewrite(dict.fromkeys((r.key for r in refs), lambda raw: None))

    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        """Move to another mbox file given by absolute path: append there, then delete here."""
        self._check_folder(folder)
        dest = Path(destination).expanduser()
        if not dest.is_absolute() or not dest.is_file() or dest.resolve() == self.path.resolve():
            raise BackendError(
                f"cannot move from the mbox {self.path} to {destination!r}: an mbox has no other "
                "folders; give the absolute path of another existing mbox file."
            )
        refs = list(refs)
        other = MboxBackend(dest)
        try:
            for ref in refs:
                other._append_raw(b"".join(self._entry(ref)))
        finally:
            other.close()
        self.delete(folder, refs)

    def _append_raw(self, raw: bytes) -> None:
        """Append one entry (From_ line first) under the locks, a blank line before and after."""
        if self.read_only:
            raise BackendError(f"{self.path} is read-only for you: nothing can be added to it.")
        entry = raw if raw.endswith(b"\n") else raw + b"\n"
        with self._locked() as fd:
            st = os.fstat(fd)
            size = st.st_size
            last = os.pread(fd, 2, size - 2) if size >= 2 else os.pread(fd, size, 0)
            sep = b"" if size == 0 or last == b"\n\n" else b"\n" if last.endswith(b"\n") else b"\n\n"
            # Journalled like a rewrite: an interrupted append is taken back, not left half-written.
            spool.replace_tail(fd, self.path, size, sep + entry + b"\n", restore=b"", size_before=size)
            # The messages before stay where they were: rows that matched still do.
            self._rekey({}, {}, [], queries.state_text(st), queries.state_text(os.fstat(fd)))

    def append(self, folder: str, raw: bytes, flags: frozenset[Flag] = frozenset()) -> None:
        """Append under the lock, with a From_ line of the current time and flags in Status."""
        self._check_folder(folder)
        from_line = b"From MAILER-DAEMON " + time.asctime(time.gmtime()).encode("ascii")
        data = from_line + b"\n" + raw
        if flags:
            data = fmt.rewrite_status(data, flags, frozenset())
        self._append_raw(data)

    # -- watching --------------------------------------------------------------------

    def wait_for_changes(self, folder: str, timeout: float) -> bool:
        """Poll inode, size and mtime; True once they differ from the last listing."""
        self._check_folder(folder)
        changed, state = wait_for_change(self._state, self._seen_state, timeout)
        self._seen_state = state
        return changed

    def close(self) -> None:
        """The index's connection; the file is not held open between calls."""
        self._closed = True
        index, self._index = self._index, None
        if index is not None:
            index.close()
