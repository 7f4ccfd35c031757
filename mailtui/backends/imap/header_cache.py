"""The IMAP header cache: header blocks by (folder, UIDVALIDITY, UID) in sqlite, across sessions.

A UID together with its folder's UIDVALIDITY names one immutable message (RFC 3501
2.3.1.1), so a cached header block, size and INTERNALDATE never go stale; only flags
change. With CONDSTORE (imap_sync.py) flags are cached too, together with the folder's
HIGHESTMODSEQ they are current as of, and brought up to date with one `CHANGEDSINCE`
fetch; without it the backend fetches FLAGS fresh with every window and the flag tables
stay empty. The sort and thread keys of a cached block (`keys`) and the orders computed
from them (`orders`) serve sort and threads without an Envelope per message (imap/order.py).
When UIDVALIDITY changes the folder's rows are dropped. The raw header block is stored
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
CREATE TABLE IF NOT EXISTS keys (
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    date REAL,
    sender_key TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    in_reply_to TEXT NOT NULL,
    refs TEXT NOT NULL,
    PRIMARY KEY (folder, uidvalidity, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orders (
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    mode TEXT NOT NULL,
    digest TEXT NOT NULL,
    positions BLOB NOT NULL,
    depths BLOB NOT NULL,
    PRIMARY KEY (folder, uidvalidity, mode)
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
            old_tables=("headers", "flags", "modseq", "keys", "orders"),
            check=(
                "SELECT h.folder, h.uidvalidity, h.uid, h.size, h.internaldate, h.header, f.flags,"
                " m.highestmodseq, k.date, k.sender_key, k.subject_key, k.message_id, k.in_reply_to,"
                " k.refs, o.mode, o.digest, o.positions, o.depths"
                " FROM headers h, flags f, modseq m, keys k, orders o LIMIT 0"
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
                    for table in ("headers", "flags", "keys", "orders"):
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
                    for table in ("headers", "flags", "keys"):
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

    # -- sort and thread keys, stored orders (imap/order.py) -------------------------------
    def put_keys(self, folder: str, uidvalidity: int, rows: Iterable[tuple[object, ...]]) -> None:
        """Store (uid, date or None, sender_key, subject_key, message_id, in_reply_to, refs) rows."""
        self._write(
            "INSERT OR REPLACE INTO keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(folder, uidvalidity, *row) for row in rows],
        )

    def key_rows(
        self, folder: str, uidvalidity: int, columns: Iterable[str]
    ) -> dict[int, tuple[object, ...]]:
        """uid -> the stored values of `columns` (see _KEY_COLUMNS) for every keyed message."""
        wanted = list(columns)
        select = ", ".join(_KEY_COLUMNS[c][0] for c in wanted)
        source = "keys k JOIN headers h USING (folder, uidvalidity, uid)" if "size" in wanted else "keys k"
        rows = self._query(
            f"SELECT k.uid, {select} FROM {source} WHERE k.folder = ? AND k.uidvalidity = ?",
            (folder, uidvalidity),
        )
        typed = self._typed(rows, (int, *(_KEY_COLUMNS[c][1] for c in wanted)))
        return {row[0]: row[1:] for row in typed}

    def get_order(self, folder: str, uidvalidity: int, mode: str, digest: str) -> tuple[bytes, bytes] | None:
        """(positions, depths) stored for `mode` of the listing named by `digest`, if any."""
        rows = self._query(
            "SELECT positions, depths FROM orders WHERE folder = ? AND uidvalidity = ? AND mode = ?"
            " AND digest = ?",
            (folder, uidvalidity, mode, digest),
        )
        typed = self._typed(rows, (bytes, bytes))
        return (typed[0][0], typed[0][1]) if typed else None

    def put_order(
        self, folder: str, uidvalidity: int, mode: str, digest: str, positions: bytes, depths: bytes
    ) -> None:
        """Keep one order per folder and mode (the newest listing's)."""
        self._write(
            "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?)",
            [(folder, uidvalidity, mode, digest, positions, depths)],
        )

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple]:
        with self._lock:
            if self._db is None:
                return []
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self._error(exc)
                return []

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        with self._lock:
            if self._db is None or not rows:
                return
            try:
                with self._db:
                    self._db.executemany(sql, rows)
            except sqlite3.Error as exc:
                self._error(exc)

    def _typed(self, rows: list[tuple], types: tuple[type | tuple[type, ...], ...]) -> list[tuple]:
        """`rows` when every value has its column's type; else the file is damaged: none."""
        for row in rows:
            if not all(isinstance(v, t) for v, t in zip(row, types, strict=True)):
                with self._lock:
                    self._damaged("a row of the wrong type")
                return []
        return rows


# IndexColumn -> (the stored column, its type); a missing Date is NULL.
_KEY_COLUMNS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "date": ("k.date", (float, int, type(None))),
    "size": ("h.size", int),
    "sender_key": ("k.sender_key", str),
    "subject_key": ("k.subject_key", str),
    "message_id": ("k.message_id", str),
    "in_reply_to": ("k.in_reply_to", str),
    "references": ("k.refs", str),
}


def open_header_cache(label: str) -> HeaderCache | None:
    """The on-disk header cache for this server and user (`label`), None when it cannot be opened."""
    cache = HeaderCache(default_cache_path(label))
    return cache if cache.enabled else None
