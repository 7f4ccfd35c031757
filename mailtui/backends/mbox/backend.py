"""The mbox backend: one file, one folder, read and rewritten with the stdlib `mailbox` module.

Refs come newest first (the file's order reversed). Flags live in the Status/X-Status
headers. A flag change or delete rewrites the file under the mailbox module's locks
(fcntl + dotlock): the table of contents is built *after* taking the lock, so mail that
another program appended since our listing is kept, and untouched messages are copied
byte for byte. Keys (see `mbox_format.MboxKey`) change when the file is rewritten:
`set_flags` returns the new refs, and `list_refs` always gives the current ones.
"""

from __future__ import annotations

import io
import mailbox
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mailtui.backends.base import MailBackend
from mailtui.backends.local_watch import wait_for_change
from mailtui.backends.mbox import format as fmt
from mailtui.core.errors import BackendError, FolderNotFoundError, MessageNotFoundError
from mailtui.core.message.envelope import envelope_from_headers, read_header_block
from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef, SpecialUse, TLSState

_HEADER_LIMIT = 65536


def _io_error(action: str, path: Path, exc: Exception) -> BackendError:
    why = getattr(exc, "strerror", None) or str(exc)
    return BackendError(
        f"could not {action} the mbox {path}: {why}. "
        "Check that the file exists, that you may write it and its directory (for the lock file)."
    )


class MboxBackend(MailBackend):
    """A single mbox file as a one-folder `MailBackend`."""

    def __init__(self, path: Path, *, lock_timeout: float = 5.0) -> None:
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout
        if not self.path.is_file():
            raise BackendError(f"{self.path} is not a file, so it cannot be an mbox.")
        self._seen_state: tuple[int, int, int] | None = None

    @property
    def capabilities(self) -> Capabilities:
        # No other folders: moving works only to another mbox path, which the UI cannot offer.
        return Capabilities(
            can_move=False,
            can_idle=False,
            can_search_body=True,
            can_append=True,
            tls=TLSState.LOCAL,
            description=f"mbox {self.path}",
        )

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
    def _mailbox(self, *, locked: bool) -> Iterator[mailbox.mbox]:
        try:
            box = mailbox.mbox(self.path, create=False)
        except (OSError, mailbox.Error) as exc:
            raise _io_error("open", self.path, exc) from exc
        try:
            if locked:
                self._lock(box)
            try:
                yield box
            finally:
                if locked:
                    box.unlock()
        finally:
            box.close()

    def _lock(self, box: mailbox.mbox) -> None:
        # A delivering MDA holds the lock for milliseconds: retry a little before giving up.
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                box.lock()
                return
            except (OSError, mailbox.Error) as exc:
                if time.monotonic() >= deadline:
                    raise BackendError(
                        f"the mbox {self.path} is locked by another program ({exc}). Try again in a "
                        f"moment; if no program is using it, a stale {self.path.name}.lock file may "
                        "be left behind by a crash and can be removed.",
                        title="Mailbox locked",
                    ) from exc
                time.sleep(0.1)

    @staticmethod
    def _toc(box: mailbox.mbox) -> list[tuple[int, int, fmt.MboxKey, bytes]]:
        """(mailbox key, start, key, From_ line) for every message, in file order."""
        box.keys()  # builds the table of contents (under the lock, when held)
        # The offsets mailbox itself rewrites by: no public API gives them, and typeshed leaves the
        # private attributes out.
        toc: dict[int, tuple[int, int]] = box._toc  # type: ignore[attr-defined]
        result = []
        f = box._file  # type: ignore[attr-defined]  # private as well: the open file the offsets are in
        for mkey in sorted(toc):
            start, stop = toc[mkey]
            f.seek(start)
            from_line = f.readline()
            result.append((mkey, start, fmt.make_key(start, stop, from_line), from_line))
        return result

    def list_refs(self, folder: str) -> list[MessageRef]:
        """Every message, newest (last in the file) first; timestamps from the From_ lines."""
        self._check_folder(folder)
        self._seen_state = self._state()
        return self._scan_refs()

    def _scan_refs(self) -> list[MessageRef]:
        with self._mailbox(locked=False) as box:
            try:
                toc = self._toc(box)
            except OSError as exc:
                raise _io_error("read", self.path, exc) from exc
        return [MessageRef(str(key), fmt.from_line_time(line)) for _, _, key, line in reversed(toc)]

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

    def _not_found(self, refs: Sequence[MessageRef]) -> MessageNotFoundError:
        return MessageNotFoundError(
            f"{len(refs)} message(s) are no longer where they were in {self.path}: the file was "
            "rewritten since the folder was listed. Reload the folder."
        )

    # -- changing --------------------------------------------------------------------

    def _rewrite(
        self, refs: Iterable[MessageRef], change: Callable[[mailbox.mbox, int, bytes], bool]
    ) -> list[MessageRef]:
        """Apply `change(box, mailbox_key, raw_with_from_line) -> bool` under the lock, then flush.

        Returns the refs of the changed messages as they are after the rewrite.
        """
        wanted = {r.key: r for r in refs}
        with self._mailbox(locked=True) as box:
            try:
                toc = self._toc(box)
                by_key = {str(key): mkey for mkey, _, key, _ in toc}
                missing = [r for k, r in wanted.items() if k not in by_key]
                if missing:
                    raise self._not_found(missing)
                kept: list[tuple[int, MessageRef]] = []
                for k, ref in wanted.items():
                    mkey = by_key[k]
                    if change(box, mkey, box.get_bytes(mkey, from_=True)):  # type: ignore[arg-type]  # mbox keys are ints at run time; typeshed types every Mailbox key as str
                        kept.append((mkey, ref))
                box.flush()
                new_toc = {mkey: (start, key, line) for mkey, start, key, line in self._toc(box)}
            except (OSError, mailbox.Error) as exc:
                raise _io_error("rewrite", self.path, exc) from exc
        return [MessageRef(str(new_toc[mkey][1]), ref.timestamp) for mkey, ref in kept if mkey in new_toc]

    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        """Rewrite Status/X-Status of `refs`; returns their new refs (keys change on rewrite)."""
        self._check_folder(folder)

        def change(box: mailbox.mbox, mkey: int, raw: bytes) -> bool:
            new = fmt.rewrite_status(raw, add, remove)
            if new != raw:
                # bytes starting with the From_ line: kept as is
                box[mkey] = new  # type: ignore[index]  # mbox keys are ints at run time; typeshed types every Mailbox key as str
            return True

        return self._rewrite(refs, change)

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Remove the messages from the file (an mbox has no Trash)."""
        self._check_folder(folder)

        def change(box: mailbox.mbox, mkey: int, raw: bytes) -> bool:
            box.discard(mkey)  # type: ignore[arg-type]  # mbox keys are ints at run time; typeshed types every Mailbox key as str
            return False

        self._rewrite(refs, change)

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
            other._append_raw(self.fetch_raw(folder, ref))
        self.delete(folder, refs)

    def _append_raw(self, raw: bytes) -> None:
        with self._mailbox(locked=True) as box:
            try:
                box.add(raw)
                box.flush()
            except (OSError, mailbox.Error) as exc:
                raise _io_error("append to", self.path, exc) from exc

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
