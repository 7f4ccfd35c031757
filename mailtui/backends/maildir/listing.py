"""Big Maildir directories listed by child processes, so the listing does not wait for the GIL.

Why (the first screen of a 100k folder): `os.listdir` releases the GIL around every
`readdir()`, so on a thread, while Textual starts on the main thread, it advances only in
the main thread's pauses and a 100k listing ends long after Textual is ready. Here
`ls -f --zero DIR | LC_ALL=C sort -z -r` runs on another core and writes into an anonymous
file; the parent sleeps in one `wait()` and reads the result with one `pread`. The names
come back newest first for Maildir names (`<seconds>.<...>` sort by bytes), so the
caller's sort only checks and merges, and Python's share drops from ~170 ms to ~60 ms.

Only for big directories (two spawns cost a few ms). Anything unexpected (no GNU ls 9 with
`--zero`, a failed child, a platform without these tools) returns None and the caller uses
`os.listdir`: the result is the same set of names either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

# Directory size (st_size) from which a child lists it: ~2,800 entries on ext4,
# ~13,000 on tmpfs. Below that os.listdir takes about a millisecond.
BIG_DIRECTORY = 256 * 1024


def list_big_directory(path: Path, min_size: int = BIG_DIRECTORY) -> list[str] | None:
    """Names in `path` (dot files skipped) in reverse byte order; None when small or unavailable."""
    try:
        if os.stat(path).st_size < min_size:
            return None
    except OSError:
        return None  # missing or unreadable: os.listdir gives the right error
    try:
        with _anonymous_file() as out:
            ls = subprocess.Popen(
                ["ls", "-f", "--zero", "--", os.fspath(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            assert ls.stdout is not None
            try:
                sort = subprocess.Popen(
                    ["sort", "-z", "-r"],
                    stdin=ls.stdout,
                    stdout=out,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, "LC_ALL": "C"},  # byte order, whatever the user's locale
                )
            except OSError:
                ls.kill()  # no sort: ls must not be left behind
                ls.wait()
                raise
            finally:
                ls.stdout.close()  # sort holds the read end now; ls gets SIGPIPE if sort died
            sorted_ok = sort.wait() == 0
            if ls.wait() != 0 or not sorted_ok:
                return None
            data = os.pread(out.fileno(), os.fstat(out.fileno()).st_size, 0)
    except OSError:
        return None  # ls or sort not installed, no memfd, ...
    # os.listdir's decoding, so both paths give the same str for every name.
    text = data.decode(sys.getfilesystemencoding(), "surrogateescape")
    # Every name ends with NUL: the last element is empty. Dot files ("." and ".." from -f,
    # editors' and rsync's temp files) are not messages.
    return [n for n in text.split("\0") if n[:1] != "." and n]


def _anonymous_file() -> BinaryIO:
    """A file for the children's output that nobody else sees: memfd on Linux, else a temp file."""
    create = getattr(os, "memfd_create", None)
    if create is not None:
        try:
            return os.fdopen(create("mailtui-listing", os.MFD_CLOEXEC), "w+b")
        except OSError:
            pass
    return tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller's with
