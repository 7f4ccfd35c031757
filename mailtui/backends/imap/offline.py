"""Changes made while the IMAP server is unreachable: queued in order, kept on disk, replayed.

Marking read, moving or deleting must not fail just because the link dropped: when a
change meets ConnectionLostError (after the connection's own retries with backoff) the
backend queues it, and replays the queue, oldest first, before its next operation that
reaches the server (and after each successful `wait_for_changes`, which the UI calls every
few seconds: that is the reconnect loop). A change made while others are queued is queued
behind them, so the server sees the changes in the order they were made.

The queue is an sqlite file in the XDG data dir (not the cache dir: it holds the user's
work, not disposable data), one per server and user, so a change still queued when
mailtui exits is applied on the next connect. When the file cannot be used the queue
lives in memory only and `persistent` is False.

A queued change names its folder's UIDVALIDITY: if the folder was re-created meanwhile the
change is dropped (its UIDs now name other messages); a change the server refuses is
dropped too. Dropped changes are never silent: the transcript says so and
`OfflineQueue.dropped` lists them for the UI.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from mailtui import paths
from mailtui.backends.imap.header_cache import safe_label
from mailtui.backends.sqlite_store import close_quietly, open_store
from mailtui.core.models import Flag

ChangeKind = Literal["flags", "move", "delete"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER,
    uids TEXT NOT NULL,
    flags_add TEXT NOT NULL,
    flags_remove TEXT NOT NULL,
    destination TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class QueuedChange:
    """One change to replay: a flag STORE, a MOVE, or a delete (to Trash or expunge)."""

    kind: ChangeKind
    folder: str
    uidvalidity: int | None
    uids: tuple[int, ...]
    add: frozenset[Flag] = frozenset()
    remove: frozenset[Flag] = frozenset()
    destination: str = ""
    id: int = 0  # the row in the queue file (0: not stored)

    def describe(self) -> str:
        """For the transcript: "the move of 2 message(s) from INBOX to Archive"."""
        n = f"{len(self.uids)} message(s)"
        if self.kind == "move":
            return f"the move of {n} from {self.folder} to {self.destination}"
        if self.kind == "delete":
            return f"the deletion of {n} in {self.folder}"
        return f"the flag change on {n} in {self.folder}"


def default_queue_path(label: str) -> Path:
    """`$XDG_DATA_HOME/mailtui/imap-queue/<user@host_port>.sqlite3` for a connection label."""
    return paths.data_dir() / "imap-queue" / f"{safe_label(label)}.sqlite3"


class OfflineQueue:
    """A thread-safe FIFO of QueuedChange, mirrored in an sqlite file when `path` is given."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        # One replay at a time: two threads replaying the same head could apply an older
        # change after a newer one (the watcher thread flushes too, see imap_changes.py).
        self._replaying = threading.RLock()
        self._changes: list[QueuedChange] = []
        self._db: sqlite3.Connection | None = None
        self.dropped: list[str] = []  # descriptions of changes given up, for the UI
        if path is not None:
            try:
                db = open_store(path, _SCHEMA)
                self._changes = [_from_row(row) for row in db.execute("SELECT * FROM changes ORDER BY id")]
                self._db = db
            except (sqlite3.Error, OSError, ValueError):
                self._db = None
        self.loaded = len(self._changes)  # queued by an earlier session

    @property
    def persistent(self) -> bool:
        return self._db is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._changes)

    def add(self, change: QueuedChange) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    with self._db:
                        cur = self._db.execute(
                            "INSERT INTO changes (kind, folder, uidvalidity, uids, flags_add, flags_remove, "
                            "destination) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            _to_row(change),
                        )
                    change = replace(change, id=int(cur.lastrowid or 0))
                except sqlite3.Error:
                    self._close_db()  # memory only from now on; the change is still queued
            self._changes.append(change)

    def replay(self, apply: Callable[[QueuedChange], None]) -> int:
        """Apply queued changes in order; stop (keeping the rest) at the first exception.

        `apply` returns normally when the change is done or deliberately dropped. Returns
        how many were taken off the queue; the exception propagates to the caller.
        """
        done = 0
        with self._replaying:
            while True:
                with self._lock:
                    if not self._changes:
                        return done
                    change = self._changes[0]
                apply(change)
                with self._lock:
                    if self._changes and self._changes[0] is change:
                        self._changes.pop(0)
                        self._forget(change)
                done += 1

    def close(self) -> None:
        with self._lock:
            self._close_db()

    def _forget(self, change: QueuedChange) -> None:
        if self._db is not None and change.id:
            try:
                with self._db:
                    self._db.execute("DELETE FROM changes WHERE id = ?", (change.id,))
            except sqlite3.Error:
                self._close_db()

    def _close_db(self) -> None:
        db, self._db = self._db, None
        close_quietly(db)


def _to_row(c: QueuedChange) -> tuple[object, ...]:
    return (
        c.kind,
        c.folder,
        c.uidvalidity,
        json.dumps(list(c.uids)),
        json.dumps(sorted(f.value for f in c.add)),
        json.dumps(sorted(f.value for f in c.remove)),
        c.destination,
    )


def _from_row(row: tuple[object, ...]) -> QueuedChange:
    rowid, kind, folder, validity, uids, add, remove, destination = row
    if kind not in ("flags", "move", "delete"):
        raise ValueError(f"unknown queued change {kind!r}")
    if not isinstance(rowid, int):  # INTEGER PRIMARY KEY: always an int in a sound queue file
        raise ValueError(f"queued change with a bad id {rowid!r}")
    return QueuedChange(
        kind=kind,
        folder=str(folder),
        uidvalidity=int(validity) if isinstance(validity, int) else None,
        uids=tuple(int(u) for u in json.loads(str(uids))),
        add=frozenset(Flag(v) for v in json.loads(str(add))),
        remove=frozenset(Flag(v) for v in json.loads(str(remove))),
        destination=str(destination),
        id=rowid,
    )
