"""Flag changes made while the IMAP server is unreachable, applied after the next reconnect.

Marking read or flagged must not fail just because the link dropped: `set_flags` queues
the change when the connection is lost for good (ConnectionLostError after the retries),
and the backend replays the queue before its next operation that reaches the server.
A queued change names the folder's UIDVALIDITY: if the folder was re-created meanwhile the
change is dropped (its UIDs now name other messages) and the transcript says so.

The queue lives in memory only: changes still queued when mailtui exits are lost, and
`ImapBackend.pending_flag_changes` lets the UI warn before quitting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from imapclient import IMAPClient

from mailtui.backends.imap_connection import ImapConnection
from mailtui.backends.imap_fetch import chunks
from mailtui.core.errors import BackendError, ConnectionLostError
from mailtui.core.models import Flag


@dataclass(frozen=True)
class FlagChange:
    """One queued UID STORE."""

    folder: str
    uidvalidity: int | None
    uids: tuple[int, ...]
    add: frozenset[Flag]
    remove: frozenset[Flag]


class FlagQueue:
    """A thread-safe FIFO of FlagChange."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changes: list[FlagChange] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._changes)

    def add(self, change: FlagChange) -> None:
        with self._lock:
            self._changes.append(change)

    def replay(self, apply: Callable[[FlagChange], None]) -> int:
        """Apply queued changes in order; stop (keeping the rest) at the first exception.

        Returns how many were applied. The exception propagates to the caller.
        """
        done = 0
        while True:
            with self._lock:
                if not self._changes:
                    return done
                change = self._changes[0]
            apply(change)
            with self._lock:
                if self._changes and self._changes[0] is change:
                    self._changes.pop(0)
            done += 1


def apply_change(conn: ImapConnection, change: FlagChange) -> None:
    """Replay one queued change; ConnectionLostError (still offline) propagates, others drop it."""

    def op(c: IMAPClient) -> None:
        now = conn.uidvalidity.get(change.folder)
        if change.uidvalidity is not None and now is not None and now != change.uidvalidity:
            conn.info(f"dropped a queued flag change: {change.folder} was re-created meanwhile")
            return
        for chunk in chunks(list(change.uids)):
            if change.add:
                c.add_flags(chunk, [f.value for f in change.add], silent=True)
            if change.remove:
                c.remove_flags(chunk, [f.value for f in change.remove], silent=True)

    try:
        conn.run(op, folder=change.folder, action=f"to apply queued flag changes in {change.folder}")
    except ConnectionLostError:
        raise  # still offline: keep the queue, fail the operation that triggered the replay
    except BackendError as exc:
        conn.info(f"dropped a queued flag change in {change.folder}: {exc}")
