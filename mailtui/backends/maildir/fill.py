"""Fill the Maildir header cache (the folder's index) in a child process.

`python -m mailtui.backends.maildir.fill ROOT FOLDER CACHE` reads the header of every
message of FOLDER not indexed yet, newest first, and stores it, 500 at a time (each batch
one short sqlite transaction, so the app's own writes wait milliseconds at most), then
stores the orders that `ctrl+t` and the first presses of `o` show (threads, by sender, by
subject, by size) for this listing, so showing them in the app is a lookup. It runs
at a lower priority in a process of its own: reading 100,000 headers costs 10-20 s of
CPU, which on a thread would hold the GIL the UI needs. Prints how many it indexed.
Messages that vanish meanwhile are skipped; any error ends it quietly (the cache is an
optimisation: the app reads what is still missing itself when it needs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

BATCH = 500
# The orders `o` cycles to and ctrl+t, stored after a fill (the others are stored when first shown).
STORED_MODES = ("threads", "from:asc", "subject:asc", "size:desc")


def fill(root: Path, folder: str, cache: Path) -> int:
    """Index FOLDER's messages that are not in `cache` yet; returns how many were read."""
    from mailtui.backends.base import CompactRefs, IndexColumn
    from mailtui.backends.maildir import queries
    from mailtui.backends.maildir.backend import MaildirBackend
    from mailtui.core.index.columns import order_columns, order_from_rows

    backend = MaildirBackend(root, header_cache=cache)
    try:
        refs = backend.list_refs(folder)
        index = backend.header_cache
        # FOLDER is the parent's own name of the folder (the cache's), as list_refs takes it.
        indexed = queries.cached_keys(index, folder) if index is not None else None
        if indexed is None:
            return 0
        keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
        missing = [i for i, key in enumerate(keys) if key not in indexed]
        del indexed
        done = 0
        for start in range(0, len(missing), BATCH):
            chunk = [refs[i] for i in missing[start : start + BATCH]]
            done += len(backend.fetch_envelopes(folder, chunk))
        if index is not None:
            # Marked only when every key of this listing has its row now (what was read is
            # not always stored: a name that is not UTF-8, a cache rebuilt meanwhile): a
            # complete listing is searched without checking which keys are indexed.
            stored = queries.cached_keys(index, folder)
            if stored is not None and all(key in stored for key in keys):
                index.mark_complete(folder, queries.listing_digest(keys))
            del stored
        for mode in STORED_MODES:
            if backend.stored_order(folder, refs, mode) is not None:
                continue
            columns: list[IndexColumn] = list(order_columns(mode))  # type: ignore[arg-type]
            # Row by row: no UI thread here to leave the GIL to, and a lower peak than the
            # app's one-string read (the child's memory counts beside the app's).
            rows = queries.columns(index, folder, refs, columns, bulk=False) if index is not None else {}
            if not rows:
                continue
            ordered, depths = order_from_rows(keys, rows, mode)
            backend.store_order(folder, refs, mode, ordered, depths)  # only if every key is in it
        return done
    finally:
        backend.close()


def fill_in_child(
    root: Path, folder: str, cache: Path, should_stop: Callable[[], bool], running: set[subprocess.Popen[str]]
) -> int:
    """Run `fill` in a child process and wait for it (from a background thread).

    `should_stop()` is asked four times a second and kills the child; the child is in
    `running` while it runs (the backend kills those when it closes). Returns how many
    headers it read (0 when stopped or when no child process can be started here).
    """
    try:
        # stdin is a pipe the child watches: when this process ends, however it ends (kill -9
        # included), the pipe closes and the child exits too.
        child = subprocess.Popen(
            [sys.executable, "-m", "mailtui.backends.maildir.fill", str(root), folder, str(cache)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return 0  # no child process here: the app indexes what it reads, as before
    running.add(child)
    try:
        while child.poll() is None:
            if should_stop():
                child.kill()
                child.wait()
                return 0
            try:
                child.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                continue
        out = child.stdout.read() if child.stdout is not None else ""
    finally:
        running.discard(child)
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()
    words = (out or "").split()
    return int(words[0]) if words and words[0].isdigit() else 0


def _exit_with_parent() -> None:
    """In the child: end at once when the parent's end of stdin closes (the parent is gone)."""

    def watch() -> None:
        sys.stdin.read()  # returns at EOF only: the parent never writes
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m mailtui.backends.maildir.fill ROOT FOLDER CACHE", file=sys.stderr)
        return 2
    _exit_with_parent()
    try:
        os.nice(10)  # the UI comes first
    except OSError:
        pass
    try:
        print(fill(Path(argv[0]), argv[1], Path(argv[2])))
    except Exception as exc:  # noqa: BLE001 - an optimisation: report, never a traceback
        print(f"0 ({exc})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
