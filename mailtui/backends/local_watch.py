"""Polling for changes of local mailboxes (Maildir directories, mbox files).

inotify would need a third-party package or ctypes; a stat of two directories (or one
file) every quarter second costs microseconds and shows new mail well within the 5 s the
UI promises. Shared by the Maildir and mbox backends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

POLL_SECONDS = 0.25


def wait_for_change(
    probe: Callable[[], Hashable],
    baseline: Hashable | None,
    timeout: float,
    interval: float = POLL_SECONDS,
) -> tuple[bool, Hashable]:
    """Block until `probe()` differs from `baseline` (or its first value), at most `timeout` s.

    Returns (changed, last state). A `baseline` taken when the folder was last listed makes a
    change that happened before the wait began count too, so no delivery slips through the
    gap between listing and waiting.
    """
    start = probe()
    if baseline is not None and start != baseline:
        return True, start
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, start
        time.sleep(min(interval, left))
        now = probe()
        if now != start:
            return True, now
