"""Writing an mbox (a /var/mail spool) back in place, under a delivery agent's locks.

The file is never replaced: a new file and a rename would change its owner and group (the
user's own delivery agent could no longer write it) and need a directory the user may write,
which Debian's `2775 root:mail` /var/mail is not. Instead, under an fcntl lock plus a
`<file>.lock` dotlock (as Postfix's local(8), dovecot-lda, procmail and mutt take them), the
file is re-read, and the bytes from the first changed message on are written over the old
ones with the file still open; owner, group, mode and inode stay.

Interruption: before the file is touched, the old bytes from that offset are saved in a
journal under the user's data directory (named after the spool). The steps are
journal (fsynced) -> truncate to the new length -> mark the journal "truncated" -> write ->
fsync -> drop the journal. A journal found at the next open is replayed: the old content
comes back, with whatever a delivery agent appended after the crash kept after it. The replay
itself goes through the same steps (its journal holds the content it restores), so it may
be interrupted too. A rewrite is thus old content or new, nothing in between.

Where the dotlock cannot be created (a directory writable only by group mail), locking
falls back to fcntl alone, as mutt does without its setgid helper, and says so once.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mailtui.core.errors import BackendError
from mailtui.paths import data_dir

_NO_DOTLOCK = (errno.EACCES, errno.EPERM, errno.EROFS)
_JOURNAL_PHASE_AT = 0  # offset of the phase byte: b"J" journalled, b"T" truncated


def journal_path(path: Path) -> Path:
    """The recovery journal of the spool `path`, in the user's data directory."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return data_dir() / "mbox-journal" / f"{path.name}-{digest}"


@dataclass
class Locker:
    """fcntl plus dotlock on one spool; `notices` collects the one dotlock fallback note."""

    path: Path
    timeout: float
    notices: list[str]
    dotlock_ok: bool = True

    @property
    def dotlock(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def held(self, fd: int) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout
        while True:
            busy = self._try(fd)
            if busy is None:
                break
            if time.monotonic() >= deadline:
                raise BackendError(
                    f"the mbox {self.path} is locked by another program ({busy}). Try again in a "
                    f"moment; if no program is using it, a stale {self.dotlock.name} file may "
                    "be left behind by a crash and can be removed.",
                    title="Mailbox locked",
                )
            time.sleep(0.05)
        try:
            yield
        finally:
            if self.dotlock_ok:
                try:
                    self.dotlock.unlink()
                except OSError:
                    pass
            fcntl.lockf(fd, fcntl.LOCK_UN)

    def _try(self, fd: int) -> str | None:
        """None once both locks are held; else why not (both released)."""
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                return "fcntl lock held"
            raise BackendError(f"cannot lock the mbox {self.path}: {exc.strerror or exc}.") from exc
        if not self.dotlock_ok:
            return None
        try:
            lock_fd = os.open(self.dotlock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if self._remove_if_stale():
                return self._try_again(fd)
            fcntl.lockf(fd, fcntl.LOCK_UN)
            return f"{self.dotlock.name} exists"
        except OSError as exc:
            if exc.errno not in _NO_DOTLOCK:
                fcntl.lockf(fd, fcntl.LOCK_UN)
                raise BackendError(f"cannot create {self.dotlock}: {exc.strerror or exc}.") from exc
            self.dotlock_ok = False
            self.notices.append(
                f"{self.dotlock} cannot be created ({exc.strerror}): the directory is writable only "
                "by its group (a setgid-mail /var/mail). Locking with fcntl alone, as mutt does "
                "without its dotlock helper; Postfix and dovecot-lda take the fcntl lock too."
            )
            return None
        try:
            os.write(lock_fd, f"{os.getpid()}\n".encode())
        finally:
            os.close(lock_fd)
        return None

    def _try_again(self, fd: int) -> str | None:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return self._try(fd)

    def _remove_if_stale(self) -> bool:
        """Our own dotlock (a pid) left by a process that is gone: removed."""
        try:
            pid = int(self.dotlock.read_bytes().strip() or b"0")
        except (OSError, ValueError):
            return False
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            pass
        except PermissionError:
            return False  # alive, another user's
        try:
            self.dotlock.unlink()
        except OSError:
            return False
        return True


# -- the steps of a write, small functions so a test can interrupt any of them ------------------


def _truncate(fd: int, size: int) -> None:
    os.ftruncate(fd, size)


def _write_at(fd: int, offset: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, offset)
        offset += done
        view = view[done:]


def _drop_journal(journal: Path) -> None:
    journal.unlink()
    _fsync_dir(journal.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks = []
    offset = 0
    while offset < size:
        chunk = os.pread(fd, min(1 << 20, size - offset), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _write_journal(journal: Path, header: dict[str, object], restore: bytes) -> None:
    journal.parent.mkdir(parents=True, exist_ok=True)
    tmp = journal.with_name(journal.name + ".new")
    with open(tmp, "wb") as f:
        f.write(b"J" + json.dumps(header).encode("utf-8", "surrogateescape") + b"\n")
        f.write(restore)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, journal)
    _fsync_dir(journal.parent)


def _mark_truncated(journal: Path) -> None:
    with open(journal, "r+b") as f:
        f.seek(_JOURNAL_PHASE_AT)
        f.write(b"T")
        f.flush()
        os.fsync(f.fileno())


def replace_tail(
    fd: int, path: Path, start: int, new: bytes, *, restore: bytes, size_before: int, kind: str = "rewrite"
) -> None:
    """Make the file `prefix + new` from offset `start` on (it is `size_before` bytes long now).

    Called with the locks held and the file just read. Journalled as described in the module
    docstring; the journal holds `restore`, what an interrupted write leaves from `start` on
    (the old tail for a rewrite, the target itself for a replay).
    """
    journal = journal_path(path)
    st = os.fstat(fd)
    prefix = os.pread(fd, start, 0) if start else b""
    header: dict[str, object] = {
        "dev": st.st_dev,
        "ino": st.st_ino,
        "start": start,
        "prefix_crc": zlib.crc32(prefix),
        "size_before": size_before,
        "write_len": len(new),
        "kind": kind,
    }
    _write_journal(journal, header, restore)
    _truncate(fd, start + len(new))
    os.fsync(fd)
    _mark_truncated(journal)
    _write_at(fd, start, new)
    os.fsync(fd)
    _drop_journal(journal)


def recover(fd: int, path: Path, notify: Callable[[str], None]) -> None:
    """Replay the journal of `path` if one is left (locks held): the old content comes back."""
    journal = journal_path(path)
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return
    phase, rest = raw[:1], raw[1:]
    head, _, restore = rest.partition(b"\n")
    try:
        header = json.loads(head)
        start, size_before, write_len = (int(header[k]) for k in ("start", "size_before", "write_len"))
        dev, ino, prefix_crc = int(header["dev"]), int(header["ino"]), int(header["prefix_crc"])
        replay = header.get("kind") == "replay"
    except (ValueError, KeyError, TypeError):
        notify(f"The recovery journal {journal} is damaged; it was left alone, and so was {path}.")
        return
    st = os.fstat(fd)
    data = read_all(fd)
    if (st.st_dev, st.st_ino) != (dev, ino) or len(data) < start or zlib.crc32(data[:start]) != prefix_crc:
        notify(
            f"The recovery journal {journal} does not match {path} any more (the file was replaced "
            "or rewritten by another program since); both were left alone."
        )
        return
    truncated = phase == b"T" or _looks_truncated(data, start, restore, size_before, write_len, replay)
    if not truncated:
        # Crashed before anything was written: the file is the old one, plus any appends.
        if data[start:size_before] == restore:
            _drop_journal(journal)
            return
        appended = data[size_before:]
    else:
        appended = data[start + write_len :]
    target = restore + appended
    # Restoring is itself a write: journalled with the target as what to restore.
    replace_tail(fd, path, start, target, restore=target, size_before=len(data), kind="replay")
    notify(
        f"An interrupted write-back of {path} was undone: the mailbox is as it was before it"
        + (f", with {len(appended)} bytes delivered since kept after it." if appended else ".")
    )


def _looks_truncated(
    data: bytes, start: int, restore: bytes, size_before: int, write_len: int, replay: bool
) -> bool:
    """Phase "journalled": did the truncate happen before the crash (nothing written yet)?

    Only the moment between the truncate and marking the journal leaves a doubt, and only
    when a delivery agent appended in it (after breaking our locks as stale).
    """
    new_end = start + write_len
    if new_end == size_before:
        return False
    if new_end > size_before:
        # Extended with zeros, which no delivered message starts with.
        gap = data[size_before:new_end]
        return len(gap) == new_end - size_before and not gap.strip(b"\0")
    if replay:
        # The bytes a replay overwrites are not kept: judge by the length alone.
        return len(data) < size_before
    # Shortened: the old bytes past the new end are gone (or replaced by an append).
    return data[start:size_before] != restore
