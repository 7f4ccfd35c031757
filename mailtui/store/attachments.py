"""Saving attachments to disk without overwriting files or writing outside the folder.

The name comes from the mail (untrusted): it is reduced by `core.sanitize.safe_filename`
to one path component, the file is created relative to an open directory descriptor with
O_CREAT|O_EXCL|O_NOFOLLOW (so an existing file or a planted symlink is never written
through), and " (1)", " (2)"... are added until a free name is found.
"""

from __future__ import annotations

import os
from pathlib import Path

from mailtui.core.errors import EX_IOERR, MailtuiError
from mailtui.core.sanitize import safe_filename

_MAX_TRIES = 1000


class AttachmentSaveError(MailtuiError):
    """An attachment could not be written to the chosen folder."""

    title = "Could not save attachment"
    exit_code = EX_IOERR


def _candidates(name: str) -> list[str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    return [name] + [f"{stem} ({i}){suffix}" for i in range(1, _MAX_TRIES)]


def save_attachment(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to a new file in `folder` named after `name`; returns the path written.

    The folder is created when missing. Never overwrites: an existing name gets " (1)",
    " (2)"... before the extension. The file is private to the user (mode 0600).
    Raises AttachmentSaveError when the folder cannot be used or the write fails.
    """
    safe = safe_filename(name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        real_folder = folder.resolve(strict=True)
        dir_fd = os.open(real_folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise AttachmentSaveError(
            f"Cannot use folder {folder}: {exc.strerror or exc}. Choose another folder or fix its permissions."
        ) from exc
    try:
        for candidate in _candidates(safe):
            # safe_filename guarantees one component; checked again because a mistake here
            # would write anywhere on disk.
            target = real_folder / candidate
            if target.parent != real_folder or candidate in (".", "..") or os.sep in candidate:
                raise AttachmentSaveError(f"Refusing to save {name!r}: the name leaves {real_folder}.")
            try:
                fd = os.open(
                    candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dir_fd
                )
            except FileExistsError:
                continue
            except OSError as exc:
                raise AttachmentSaveError(
                    f"Cannot create {target}: {exc.strerror or exc}. Check the folder's permissions and free space."
                ) from exc
            _write_all(fd, data, candidate, dir_fd, target)
            return target
        raise AttachmentSaveError(
            f"Cannot save {safe!r} in {real_folder}: {_MAX_TRIES} files with that name already exist."
        )
    finally:
        os.close(dir_fd)


def _write_all(fd: int, data: bytes, candidate: str, dir_fd: int, target: Path) -> None:
    """Write every byte or remove the partial file (a half attachment looks whole to a user)."""
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        try:
            os.unlink(candidate, dir_fd=dir_fd)
        except OSError:
            pass  # nothing more we can do; the error below names the file
        raise AttachmentSaveError(
            f"Writing {target} failed: {exc.strerror or exc}. Check free space and try again."
        ) from exc
