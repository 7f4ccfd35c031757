"""Polling for changes of local mailboxes (Maildir directories, mbox files).

inotify would need a third-party package or ctypes; a stat of two directories (or one
file) every quarter second costs microseconds and shows new mail well within the 5 s the
UI promises. Shared by the Maildir and mbox backends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

POLL_SECONDS = 0.25

S = TypeVar("S", bound=Hashable)  # a folder's state: a tuple of mtimes, sizes, inodes


def wait_for_change(
    probe: Callable[[], S],
    baseline: S | None,
    timeout: float,
    interval: float = POLL_SECONDS,
) -> tuple[bool, S]:
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
