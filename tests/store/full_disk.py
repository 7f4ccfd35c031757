"""A real full disk for tests: a tiny tmpfs mounted over a directory, and a filler file.

Mounting needs root (or CAP_SYS_ADMIN); where it is not permitted the test is skipped
with the reason, never faked. The mount is undone when the context ends.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted on `path` (created if missing) with mount `options` ("size=16k",
    "size=64k,ro"); unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs (a real full or read-only disk) needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {done.stderr.strip() or done.returncode}")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def tiny_tmpfs(path: Path, size: str = "16k") -> AbstractContextManager[Path]:
    """A tmpfs of `size` on `path`, only for the user: to be filled up."""
    return tmpfs(path, f"size={size},mode=0700")


def fill_up(directory: Path) -> Path:
    """Write zeros into `directory`/filler until the file system says ENOSPC; the filler's path."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            try:
                os.write(fd, b"\0" * 4096)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
        while True:  # the last partial page too
            try:
                os.write(fd, b"\0")
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    finally:
        os.close(fd)
    return filler
