"""Fill the Maildir header cache (the folder's index) in a child process.

`python -m mailtui.backends.maildir.fill ROOT FOLDER CACHE` reads the header of every
message of FOLDER not indexed yet, newest first, and stores it, 500 at a time (each batch
one short sqlite transaction, so the app's own writes wait milliseconds at most). It runs
at a lower priority in a process of its own: reading 100,000 headers costs 10-20 s of
CPU, which on a thread would hold the GIL the UI needs. Prints how many it indexed.
Messages that vanish meanwhile are skipped; any error ends it quietly (the cache is an
optimisation: the app reads what is still missing itself when it needs it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BATCH = 500


def fill(root: Path, folder: str, cache: Path) -> int:
    """Index FOLDER's messages that are not in `cache` yet; returns how many were read."""
    from mailtui.backends.base import CompactRefs
    from mailtui.backends.maildir.backend import MaildirBackend

    backend = MaildirBackend(root, header_cache=cache)
    try:
        refs = backend.list_refs(folder)
        indexed = backend.index_columns(folder, refs, ["size"])
        keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
        missing = [i for i, key in enumerate(keys) if key not in indexed]
        del indexed
        done = 0
        for start in range(0, len(missing), BATCH):
            chunk = [refs[i] for i in missing[start : start + BATCH]]
            done += len(backend.fetch_envelopes(folder, chunk))
        return done
    finally:
        backend.close()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m mailtui.backends.maildir.fill ROOT FOLDER CACHE", file=sys.stderr)
        return 2
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
