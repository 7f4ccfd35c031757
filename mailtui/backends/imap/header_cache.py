"""The IMAP header cache: header blocks by (folder, UIDVALIDITY, UID) in sqlite, across sessions.

A UID together with its folder's UIDVALIDITY names one immutable message (RFC 3501
2.3.1.1), so a cached header block, size and INTERNALDATE never go stale; only flags
change. With CONDSTORE (imap_sync.py) flags are cached too, together with the folder's
HIGHESTMODSEQ they are current as of, and brought up to date with one `CHANGEDSINCE`
fetch; without it the backend fetches FLAGS fresh with every window and the flag tables
stay empty. When UIDVALIDITY changes the folder's rows are dropped. The raw header block is stored
(not a decoded Envelope), so a better decoder later needs no cache migration.

The cache is an optimisation only: a damaged file is deleted and rebuilt (with a notice
for the UI), any other sqlite error disables it for the session and the backend goes to
the server as if it were empty. The file lives in the XDG cache dir and
may be deleted at any time.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mailtui import paths
from mailtui.backends.sqlite_store import SqliteCache, open_cache

SCHEMA_VERSION = 1
_CHUNK = 500  # host parameters per statement (sqlite's limit is 999 on old builds)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS headers (
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    size INTEGER NOT NULL,
    internaldate REAL NOT NULL,
    header BLOB NOT NULL,
    PRIMARY KEY (folder, uidvalidity, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flags (
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    flags TEXT NOT NULL,
    PRIMARY KEY (folder, uidvalidity, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS modseq (
    folder TEXT NOT NULL PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    highestmodseq INTEGER NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class CachedHeader:
    """What the cache knows of one message."""

    uid: int
    size: int
    internaldate: float  # POSIX time, 0.0 when the server gave none
    header: bytes


def safe_label(label: str) -> str:
    """A connection label ("alice@host:993") as a file name: `alice@host_993`."""
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", label).strip("._") or "imap"


def default_cache_path(label: str) -> Path:
    """`$XDG_CACHE_HOME/mailtui/imap/<user@host_port>.sqlite3` for a connection label."""
    return paths.cache_dir() / "imap" / f"{safe_label(label)}.sqlite3"


class HeaderCache(SqliteCache):
    """A small sqlite store; thread-safe (one lock), disabled on the first sqlite error."""

    def __init__(self, path: Path) -> None:
        opened = open_cache(
            path,
            _SCHEMA,
            what="The IMAP header cache",
            version=SCHEMA_VERSION,
            old_tables=("headers", "flags", "modseq"),
            check=(
                "SELECT h.folder, h.uidvalidity, h.uid, h.size, h.internaldate, h.header, f.flags,"
                " m.highestmodseq FROM headers h, flags f, modseq m LIMIT 0"
            ),
        )
        super().__init__(path, opened)

    def get(self, folder: str, uidvalidity: int, uids: Iterable[int]) -> dict[int, CachedHeader]:
        """Cached rows for those of `uids` the cache has."""
        rows = self._select_uids(
            "SELECT uid, size, internaldate, header FROM headers", folder, uidvalidity, uids
        )
        found: dict[int, CachedHeader] = {}
        for uid, size, internaldate, header in rows:
            # sqlite stores any type in any column: a damaged file must not reach the parser.
            if not (
                isinstance(uid, int)
                and isinstance(size, int)
                and isinstance(internaldate, int | float)
                and isinstance(header, bytes)
            ):
                with self._lock:
                    self._damaged("a row of the wrong type")
                return {}
            found[uid] = CachedHeader(uid, size, float(internaldate), header)
        return found

    def _select_uids(self, select: str, folder: str, uidvalidity: int, uids: Iterable[int]) -> list[tuple]:
        """Rows of `select` for `uids` of one folder, in chunks (SQLite limits parameters)."""
        wanted = list(uids)
        found: list[tuple] = []
        with self._lock:
            if self._db is None:
                return found
            try:
                for start in range(0, len(wanted), _CHUNK):
                    chunk = wanted[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    found += self._db.execute(
                        f"{select} WHERE folder = ? AND uidvalidity = ? AND uid IN ({marks})",
                        (folder, uidvalidity, *chunk),
                    )
            except sqlite3.Error as exc:
                self._error(exc)
                return []
        return found

    def put(self, folder: str, uidvalidity: int, rows: Iterable[CachedHeader]) -> None:
        """Store rows (replacing any with the same key)."""
        with self._lock:
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO headers VALUES (?, ?, ?, ?, ?, ?)",
                        [(folder, uidvalidity, r.uid, r.size, r.internaldate, r.header) for r in rows],
                    )
            except sqlite3.Error as exc:
                self._error(exc)

    def prune(self, folder: str, uidvalidity: int, present: Iterable[int] | None = None) -> int:
        """Drop the folder's rows of other UIDVALIDITYs and of UIDs not `present`; returns how many.

        Without `present` only other UIDVALIDITYs go (cheap: the expunged-UID pass reads
        every cached UID of the folder).
        """
        keep = set(present) if present is not None else None
        gone: list[tuple[str, int, int]] = []
        with self._lock:
            if self._db is None:
                return 0
            try:
                with self._db:
                    removed = 0
                    # Two ranges of the primary key, not `!=`: that would scan every row
                    # (and header blob) of the folder, 100k of them in a big one.
                    for table in ("headers", "flags"):
                        for op in ("<", ">"):
                            count = self._db.execute(
                                f"DELETE FROM {table} WHERE folder = ? AND uidvalidity {op} ?",
                                (folder, uidvalidity),
                            ).rowcount
                            removed += count if table == "headers" else 0
                    self._db.execute(
                        "DELETE FROM modseq WHERE folder = ? AND uidvalidity != ?", (folder, uidvalidity)
                    )
                    if keep is None:
                        return removed
                    cached = [
                        uid
                        for (uid,) in self._db.execute(
                            "SELECT uid FROM headers WHERE folder = ? AND uidvalidity = ?",
                            (folder, uidvalidity),
                        )
                    ]
                    gone = [(folder, uidvalidity, uid) for uid in cached if uid not in keep]
                    for table in ("headers", "flags"):
                        self._db.executemany(
                            f"DELETE FROM {table} WHERE folder = ? AND uidvalidity = ? AND uid = ?", gone
                        )
            except sqlite3.Error as exc:
                self._error(exc)
                return 0
        return removed + len(gone)

    # -- flags, with CONDSTORE (imap_sync.py) ---------------------------------------------
    def modseq(self, folder: str, uidvalidity: int) -> int | None:
        """The HIGHESTMODSEQ the folder's cached flags are current as of (None: no flags cached)."""
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(
                    "SELECT highestmodseq FROM modseq WHERE folder = ? AND uidvalidity = ?",
                    (folder, uidvalidity),
                ).fetchone()
            except sqlite3.Error as exc:
                self._error(exc)
                return None
        if row is not None and not isinstance(row[0], int):
            with self._lock:
                self._damaged("a row of the wrong type")
            return None
        return int(row[0]) if row else None

    def set_modseq(self, folder: str, uidvalidity: int, modseq: int, *, reset: bool = False) -> None:
        """Record that cached flags are current as of `modseq`; `reset` first forgets them all."""
        with self._lock:
            if self._db is None:
                return
            try:
                with self._db:
                    if reset:
                        self._db.execute("DELETE FROM flags WHERE folder = ?", (folder,))
                    self._db.execute(
                        "INSERT OR REPLACE INTO modseq VALUES (?, ?, ?)", (folder, uidvalidity, modseq)
                    )
            except sqlite3.Error as exc:
                self._error(exc)

    def get_flags(self, folder: str, uidvalidity: int, uids: Iterable[int]) -> dict[int, str]:
        """Cached flags (space-separated names) for those of `uids` the cache has."""
        rows = self._select_uids("SELECT uid, flags FROM flags", folder, uidvalidity, uids)
        if not all(isinstance(uid, int) and isinstance(flags, str) for uid, flags in rows):
            with self._lock:
                self._damaged("a row of the wrong type")
            return {}
        return dict(rows)

    def put_flags(self, folder: str, uidvalidity: int, flags: dict[int, str]) -> None:
        """Store flags by UID (replacing what was cached)."""
        with self._lock:
            if self._db is None or not flags:
                return
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO flags VALUES (?, ?, ?, ?)",
                        [(folder, uidvalidity, uid, text) for uid, text in flags.items()],
                    )
            except sqlite3.Error as exc:
                self._error(exc)


def open_header_cache(label: str) -> HeaderCache | None:
    """The on-disk header cache for this server and user (`label`), None when it cannot be opened."""
    cache = HeaderCache(default_cache_path(label))
    return cache if cache.enabled else None
