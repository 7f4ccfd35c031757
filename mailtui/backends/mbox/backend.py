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
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mailtui.backends.base import MailBackend
from mailtui.backends.local_watch import wait_for_change
from mailtui.backends.mbox import format as fmt
from mailtui.backends.mbox import spool
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

    def __init__(self, path: Path, *, lock_timeout: float = 5.0, read_only: bool | None = None) -> None:
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout
        if not self.path.is_file():
            raise BackendError(f"{self.path} is not a file, so it cannot be an mbox.")
        self._seen_state: tuple[int, int, int] | None = None
        self._notices: list[str] = []
        self._locker = spool.Locker(self.path, lock_timeout, self._notices)
        self._overlay: dict[str, frozenset[Flag]] = {}  # read-only: flags changed in memory
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
        """The dotlock fallback and journal replays, each said once."""
        notices, self._notices[:] = list(self._notices), []
        return notices

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
        unread = sum(1 for env in self._envelopes(refs) if Flag.SEEN not in env[1])
        return [
            Folder(
                self.path.name, special_use=SpecialUse.INBOX, delimiter="/", total=len(refs), unread=unread
            )
        ]

    # -- reading ---------------------------------------------------------------------

    def _read(self, f: io.BufferedReader, ref: MessageRef, *, whole: bool) -> tuple[bytes, bytes] | None:
        """(From_ line, message or its first block) if `ref` still names the same message."""
        key = fmt.MboxKey.parse(ref.key)
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
        return from_line, data

    def _envelopes(
        self, refs: Sequence[MessageRef]
    ) -> Iterator[tuple[MessageRef, frozenset[Flag], bytes, int]]:
        try:
            with open(self.path, "rb") as f:
                for ref in refs:
                    got = self._read(f, ref, whole=False)
                    key = fmt.MboxKey.parse(ref.key)  # not None when `got` is: _read parsed it too
                    if got is None or key is None:
                        continue
                    header = read_header_block(io.BytesIO(got[1]))
                    flags = self._overlay.get(ref.key)
                    if flags is None:
                        flags = fmt.flags_from_letters(fmt.status_letters(header))
                    size = key.length - len(got[0])
                    yield ref, flags, header, size
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc

    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        """Envelopes from the header blocks; refs no longer valid (file rewritten) are skipped."""
        self._check_folder(folder)
        return [envelope_from_headers(h, ref, size, flags) for ref, flags, h, size in self._envelopes(refs)]

    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The message without its From_ line, as stored (">From " lines stay quoted)."""
        self._check_folder(folder)
        try:
            with open(self.path, "rb") as f:
                got = self._read(f, ref, whole=True)
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc
        if got is None:
            raise self._not_found([ref])
        return got[1]

    def _entry(self, ref: MessageRef) -> bytes:
        """The message with its From_ line, as stored."""
        try:
            with open(self.path, "rb") as f:
                got = self._read(f, ref, whole=True)
        except OSError as exc:
            raise _io_error("read", self.path, exc) from exc
        if got is None:
            raise self._not_found([ref])
        return got[0] + got[1]

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
            data = spool.read_all(fd)
            toc = fmt.scan(io.BytesIO(data).readlines())
            resolved = self._resolve(list(changes), toc)
            missing = [k for k in changes if k not in resolved]
            if missing:
                raise self._not_found(missing)
            by_current = {resolved[k]: change for k, change in changes.items()}
            entries: list[bytes] = []
            first: int | None = None
            new_starts: dict[str, int] = {}  # changed (kept) message -> its start in the new file
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
                if entry:
                    if change is not None:
                        new_starts[key] = pos
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
        return {
            k: MessageRef(after[new_starts[cur]])
            for k, cur in resolved.items()
            if cur in new_starts and new_starts[cur] in after
        }

    @staticmethod
    def _resolve(keys: list[str], toc: list[tuple[int, int, bytes]]) -> dict[str, str]:
        """Each ref key -> the key of the same message now.

        A key not found any more is looked for by its From_ line, which delivery agents keep
        when they rewrite headers (dovecot-lda adds X-UID to every message): found when one
        message alone has that From_ line.
        """
        current = [str(fmt.make_key(s, e, line)) for s, e, line in toc]
        present = set(current)
        by_crc: dict[int, list[str]] = {}
        for key in current:
            parsed = fmt.MboxKey.parse(key)
            if parsed is not None:
                by_crc.setdefault(parsed.crc, []).append(key)
        resolved = {k: k for k in keys if k in present}
        for k in keys:
            parsed = fmt.MboxKey.parse(k)
            if k in resolved or parsed is None:
                continue
            candidates = by_crc.get(parsed.crc, [])
            if len(candidates) == 1 and candidates[0] not in resolved.values():
                resolved[k] = candidates[0]
        return resolved

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
        found = {ref.key: flags for ref, flags, _header, _size in self._envelopes(refs)}
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
        for ref in refs:
            other._append_raw(self._entry(ref))
        self.delete(folder, refs)

    def _append_raw(self, raw: bytes) -> None:
        """Append one entry (From_ line first) under the locks, a blank line before and after."""
        if self.read_only:
            raise BackendError(f"{self.path} is read-only for you: nothing can be added to it.")
        entry = raw if raw.endswith(b"\n") else raw + b"\n"
        with self._locked() as fd:
            size = os.fstat(fd).st_size
            last = os.pread(fd, 2, size - 2) if size >= 2 else os.pread(fd, size, 0)
            sep = b"" if size == 0 or last == b"\n\n" else b"\n" if last.endswith(b"\n") else b"\n\n"
            # Journalled like a rewrite: an interrupted append is taken back, not left half-written.
            spool.replace_tail(fd, self.path, size, sep + entry + b"\n", restore=b"", size_before=size)

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
        """Nothing held open between calls."""
