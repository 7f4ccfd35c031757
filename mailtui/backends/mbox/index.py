"""The mbox index: decoded header fields of one mbox file by message key, in sqlite.

One cache file per mbox (under the XDG cache dir), one row per message keyed by its
`format.MboxKey`. A row is written when the backend reads the message's header block, so
the first screen fills the index as it goes; sort, threads and search then read rows,
never a header. Each row keeps a CRC of the header block it was decoded from: a key names
a start, a length and a From_ line, and another program could rewrite a header in place
without changing any of them (X-Status: F -> A). So the file's state (inode, size, times)
at which every row was last checked is kept too; when the file is found in another state,
the backend checks each row against the file before answering (`stale_keys`), and rows
that no longer match are dropped. The backend's own rewrites move rows to the new keys
and keep that state current, so they cost no check.

A cache, never the truth: a damaged file is rebuilt, any other sqlite error turns the
index off for the session (the backend then reads headers, as without an index).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mailtui import paths
from mailtui.backends.sqlite_store import SqliteCache, open_cache
from mailtui.core.index.columns import index_value
from mailtui.core.models import Envelope

# Bumped when what a row holds changes (the decoder, the sort keys, the columns).
SCHEMA_VERSION = 1
_CHUNK = 500  # host parameters per statement (old sqlite builds allow 999)
_BULK = 4 * _CHUNK  # keys over which the whole table is read in one pass

_SCHEMA = """
CREATE TABLE IF NOT EXISTS envelopes (
    key TEXT PRIMARY KEY,
    date REAL,
    from_time REAL NOT NULL,
    sender TEXT NOT NULL,
    sender_address TEXT NOT NULL,
    to_ TEXT NOT NULL,
    cc TEXT NOT NULL,
    subject TEXT NOT NULL,
    size INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    in_reply_to TEXT NOT NULL,
    refs TEXT NOT NULL,
    attachments INTEGER NOT NULL,
    sender_key TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    find_sender TEXT NOT NULL,
    find_to TEXT NOT NULL,
    find_cc TEXT NOT NULL,
    find_subject TEXT NOT NULL,
    unread INTEGER NOT NULL,
    header_crc INTEGER NOT NULL
) WITHOUT ROWID;
-- Small beside the wide rows: the keys of a listing and its unread ones are read from it.
CREATE INDEX IF NOT EXISTS envelopes_unread ON envelopes (unread);
CREATE TABLE IF NOT EXISTS checked (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    mode TEXT NOT NULL,
    digest TEXT NOT NULL,
    stored REAL NOT NULL,
    positions BLOB NOT NULL,
    depths BLOB NOT NULL,
    PRIMARY KEY (mode, digest)
) WITHOUT ROWID;
"""
_TABLES = ("envelopes", "checked", "orders")
# What each `backends.base.IndexColumn` is read as. A missing Date sorts by the From_
# line's time, as Envelope.sort_date does with the ref's timestamp (taken from that line).
QUERY_COLUMNS = {
    "date": "coalesce(date, from_time)",
    "size": "size",
    "sender_key": "sender_key",
    "subject_key": "subject_key",
    "message_id": "message_id",
    "in_reply_to": "in_reply_to",
    "references": "refs",
}
# The lower-cased columns a header search looks in, per search field.
FIND_COLUMNS = {
    "any": ("find_sender", "find_subject", "find_to"),
    "from": ("find_sender",),
    "to": ("find_to", "find_cc"),
    "subject": ("find_subject",),
}
_ROW_WIDTH = 21
# The keys `format.MboxKey` writes: only these are indexed, so no key holds a separator of
# the one-string answers below or the "~" of a re-keying step.
_KEY = re.compile(r"\d+-\d+-[0-9a-f]{8}")
_RS = "\x1e"


def default_cache_path(mbox: Path) -> Path:
    """`$XDG_CACHE_HOME/mailtui/mbox/<name>-<hash of the path>.sqlite3` for an mbox file."""
    resolved = str(Path(mbox).expanduser().resolve())
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(resolved).name).strip("._") or "mbox"
    return paths.cache_dir() / "mbox" / f"{name}-{digest}.sqlite3"


def header_crc(header: bytes) -> int:
    """What a row remembers of the header block it was decoded from."""
    return zlib.crc32(header)


@dataclass(frozen=True, slots=True)
class Indexed:
    """One message as read from the file, for its row."""

    env: Envelope
    from_time: float  # the From_ line's time (what sorts a message without a Date)
    unread: bool  # from its Status header (not from flags changed in memory)
    header_crc: int


def _row(item: Indexed) -> tuple[object, ...]:
    env = item.env
    return (
        env.ref.key,
        env.date,
        item.from_time,
        env.sender,
        env.sender_address,
        env.to,
        env.cc,
        env.subject,
        env.size,
        env.message_id,
        env.in_reply_to,
        " ".join(env.references),  # ids hold no " "
        int(env.has_attachments),
        index_value(env, "sender_key"),
        index_value(env, "subject_key"),
        env.sender.lower(),
        env.to.lower(),
        env.cc.lower(),
        env.subject.lower(),
        int(item.unread),
        item.header_crc,
    )


class MboxIndex(SqliteCache):
    """The index of one mbox file; thread-safe (one lock), never fatal."""

    def __init__(self, path: Path) -> None:
        opened = open_cache(
            path,
            _SCHEMA,
            what="The mbox index",
            version=SCHEMA_VERSION,
            old_tables=_TABLES,
            synchronous_normal=True,
            check="SELECT key, date, from_time, size, refs, sender_key, subject_key, find_sender, "
            "find_to, find_cc, find_subject, unread, header_crc FROM envelopes LIMIT 0",
        )
        super().__init__(path, opened)
        self.had_rows = False  # see `queries.is_new`

    def _fail(self, exc: sqlite3.Error) -> None:
        if not self._error(exc) and self.notice is None:
            self.notice = f"The mbox index {self.path} failed ({exc}); headers are read from the file."

    def _run(
        self, statements: Iterable[tuple[str, Sequence[object] | Iterable[Sequence[object]], bool]]
    ) -> None:
        """Statements in one transaction: (sql, params, many)."""
        with self._lock:
            if self._db is None:
                return
            try:
                for sql, params, many in statements:
                    if many:
                        self._db.executemany(sql, params)  # type: ignore[arg-type]
                    else:
                        self._db.execute(sql, params)  # type: ignore[arg-type]
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]] | None:
        """All rows of a query; None when the index is off (or just failed)."""
        with self._lock:
            if self._db is None:
                return None
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self._fail(exc)
                return None

    # -- rows ---------------------------------------------------------------------------
    def put(self, items: Iterable[Indexed], read_at: str | None, *, new: bool = False) -> None:
        """Rows of messages just read from the file in the state `read_at` (taken before
        reading; None: unknown), replacing rows of the same keys.

        Rows read in a state other than the one checked last make the index unchecked (a
        second mailtui may have rewritten the file meanwhile); a `new` index is checked at
        `read_at`, as its only rows are these.
        """
        rows = [_row(item) for item in items if _KEY.fullmatch(item.env.ref.key)]
        if not rows:
            return
        marks = ",".join("?" * _ROW_WIDTH)
        statements: list[tuple[str, Sequence[object] | Iterable[Sequence[object]], bool]] = [
            (f"INSERT OR REPLACE INTO envelopes VALUES ({marks})", rows, True)
        ]
        if read_at is None:
            statements.append(("DELETE FROM checked", (), False))
        elif new:
            statements.append(("INSERT OR REPLACE INTO checked VALUES (1, ?)", (read_at,), False))
        else:
            statements.append(("DELETE FROM checked WHERE state != ?", (read_at,), False))
        self._run(statements)

    def forget(self, keys: Iterable[str], *, orders: bool = False) -> None:
        """Drop rows; with `orders`, the stored orders too (their rows changed under the
        same keys, so a listing of the same keys no longer has the same order)."""
        statements: list[tuple[str, Sequence[object] | Iterable[Sequence[object]], bool]] = [
            ("DELETE FROM envelopes WHERE key = ?", [(k,) for k in keys], True)
        ]
        if orders:
            statements.append(("DELETE FROM orders", (), False))
        self._run(statements)

    def rekey(self, moved: Mapping[str, str], dropped: Iterable[str], state: str | None) -> None:
        """Rows follow their messages to new keys after a rewrite (`moved`: old -> new),
        rows of changed or removed messages go (`dropped`); `state`, when given, is the
        file's state now that every row is known to match again."""
        # Two steps through keys no message has ("~" + new key), so a new key equal to
        # another message's old key never collides mid-update.
        statements: list[tuple[str, Sequence[object] | Iterable[Sequence[object]], bool]] = [
            ("DELETE FROM envelopes WHERE key = ?", [(k,) for k in dropped], True),
            ("UPDATE envelopes SET key = ? WHERE key = ?", [("~" + n, o) for o, n in moved.items()], True),
            # A row left from an older file under a key a message moves to is not that message.
            (
                "DELETE FROM envelopes WHERE key IN "
                "(SELECT substr(key, 2) FROM envelopes WHERE key LIKE '~%')",
                (),
                False,
            ),
            ("UPDATE envelopes SET key = substr(key, 2) WHERE key LIKE '~%'", (), False),
            ("DELETE FROM envelopes WHERE key LIKE '~%'", (), False),
        ]
        if state is not None:
            statements.append(("INSERT OR REPLACE INTO checked VALUES (1, ?)", (state,), False))
        self._run(statements)

    # -- checking against the file -------------------------------------------------------
    def checked_state(self) -> str | None:
        """The file's state at which every row was last known to match it."""
        rows = self._rows("SELECT state FROM checked WHERE one = 1")
        return rows[0][0] if rows and isinstance(rows[0][0], str) else None

    def set_checked(self, state: str) -> None:
        self._run([("INSERT OR REPLACE INTO checked VALUES (1, ?)", (state,), False)])

    def crcs(self) -> dict[str, int]:
        """key -> header CRC of every row (to check them against the file)."""
        rows = self._rows("SELECT key, header_crc FROM envelopes")
        return {} if rows is None else {str(k): int(c) for k, c in rows}  # type: ignore[call-overload]

    # -- answers ------------------------------------------------------------------------
    def select(
        self, keys: Sequence[str], what: str, params: Sequence[object] = ()
    ) -> dict[str, tuple[object, ...]]:
        """key -> the values of `what` (an SQL list) for the indexed ones of `keys`."""
        found: dict[str, tuple[object, ...]] = {}
        if len(keys) > _BULK:
            wanted = set(keys)
            rows = self._rows(f"SELECT key, {what} FROM envelopes", params)
            for row in rows or ():
                if row[0] in wanted:
                    found[row[0]] = row[1:]
            return found
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._rows(f"SELECT key, {what} FROM envelopes WHERE key IN ({marks})", (*params, *chunk))
            if rows is None:
                return {}
            for row in rows:
                found[row[0]] = row[1:]  # type: ignore[index]
        return found

    def columns(self, keys: Sequence[str], names: Sequence[str]) -> dict[str, tuple[object, ...]]:
        """key -> values of `names` (`backends.base.IndexColumn`) for the indexed `keys`."""
        found = self.select(keys, ", ".join(QUERY_COLUMNS[n] for n in names))
        if "references" not in names:
            return found
        at = list(names).index("references")
        for key, row in found.items():
            text = row[at]
            values = list(row)
            values[at] = tuple(text.split(" ")) if isinstance(text, str) and text else ()
            found[key] = tuple(values)
        return found

    def search(self, keys: Sequence[str], field: str, needle: str) -> tuple[set[str], set[str]]:
        """(keys matching, keys indexed): lower-cased `needle` in the field's lower-cased
        columns (`instr`, exactly Python's `in`)."""
        columns = FIND_COLUMNS[field]
        hit = " OR ".join(f"instr({c}, ?) > 0" for c in columns)
        return self.matching(keys, hit, tuple(needle for _ in columns))

    def unread(self, keys: Sequence[str]) -> tuple[set[str], set[str]]:
        """(unread keys by their Status header, keys indexed) among `keys`."""
        return self.matching(keys, "unread = 1", ())

    def matching(
        self, keys: Sequence[str], condition: str, params: Sequence[object]
    ) -> tuple[set[str], set[str]]:
        """(keys whose row meets `condition`, keys indexed) among `keys`.

        A big listing is answered in two one-string statements (the matching keys, and all
        keys from the small unread index): no row tuple crosses into Python per message.
        """
        if len(keys) > _BULK:
            hits = self._rows(
                f"SELECT group_concat(key, char(30)) FROM envelopes WHERE ({condition})", params
            )
            every = self._rows("SELECT group_concat(key, char(30)) FROM envelopes")
            if every is None or hits is None:
                return set(), set()
            wanted = set(keys)

            def split(rows: list[tuple[object, ...]]) -> set[str]:
                text = rows[0][0] if rows else None
                return set(text.split(_RS)) & wanted if isinstance(text, str) and text else set()

            return split(hits), split(every)
        found = self.select(keys, f"({condition})", params)
        return {k for k, row in found.items() if row[0]}, set(found)

    def register(self, functions: Iterable[tuple[str, int, object, bool]]) -> None:
        """Python functions for queries (name, arity, function, deterministic)."""
        with self._lock:
            if self._db is None:
                return
            try:
                for name, arity, fn, deterministic in functions:
                    self._db.create_function(name, arity, fn, deterministic=deterministic)  # type: ignore[arg-type]
            except sqlite3.Error as exc:
                self._fail(exc)

    # -- stored orders ------------------------------------------------------------------
    def get_order(self, mode: str, digest: str) -> tuple[bytes, bytes] | None:
        rows = self._rows(
            "SELECT positions, depths FROM orders WHERE mode = ? AND digest = ?", (mode, digest)
        )
        if not rows or not isinstance(rows[0][0], bytes) or not isinstance(rows[0][1], bytes):
            return None
        return rows[0][0], rows[0][1]

    def put_order(self, mode: str, digest: str, positions: bytes, depths: bytes) -> None:
        """Keep the orders of `mode` of the last two listings."""
        self._run(
            [
                (
                    "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?)",
                    (mode, digest, time.time(), positions, depths),
                    False,
                ),
                (
                    "DELETE FROM orders WHERE mode = ? AND digest NOT IN "
                    "(SELECT digest FROM orders WHERE mode = ? ORDER BY stored DESC LIMIT 2)",
                    (mode, mode),
                    False,
                ),
            ]
        )

    def count(self) -> int:
        rows = self._rows("SELECT count(*) FROM envelopes")
        return int(rows[0][0]) if rows else 0  # type: ignore[call-overload]
