"""Files mailtui keeps for the user: written atomically, named only by safe ids.

Nothing is lost: every write is a temp file plus an atomic rename in the same directory,
fsynced first, so a crash or a full disk leaves the old content or the new, never half.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
from pathlib import Path

from mailtui.core.errors import EX_IOERR, EX_NOINPUT, MailtuiError

# A stored item's id: also its file name, so no "/", no leading dot, nothing to escape with.
VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_counter = itertools.count()


class StoreError(MailtuiError):
    """A file of mailtui's store (drafts, the outbox) could not be read or written."""

    title = "Storage error"
    exit_code = EX_IOERR


def atomic_write(
    path: Path, data: bytes, *, error: type[StoreError] = StoreError, replace: bool = True
) -> None:
    """Write `data` to `path` via a temp file in the same directory: write, fsync, rename.

    When this returns the bytes are on disk (the directory is fsynced too, so the rename
    survives a power cut); on any failure it raises `error` and `path` is as it was. With
    `replace` off an existing `path` is never overwritten (the temp file is hard-linked in).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{next(_counter)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # EEXIST instead of overwriting
            os.unlink(tmp)
        _fsync_directory(path.parent)
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise error(f"{path} already exists; choose another name.") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"cannot write {path}: {exc.strerror or exc}. Check free space and permissions.") from exc


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # file systems without directory fsync
            raise
    finally:
        os.close(fd)


def check_id(kind: str, ident: str, *, error: type[StoreError] = StoreError) -> str:
    """`ident` when it is a safe id (a file name that cannot leave its folder), else `error`."""
    if not VALID_ID.match(ident):
        raise error(f"invalid {kind} id {ident!r}", exit_code=EX_NOINPUT)
    return ident


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists (this process included): whose draft or send is still open."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True
