"""The Maildir header cache: decoded index fields by (folder, unique name) in sqlite.

A Maildir unique name (the file name without its `:2,FLAGS` suffix) names one immutable
message, so a cached row never goes stale; flags are not cached, they come from the
current file name, so another client renaming a file for a flag change costs nothing.
Decoded fields are stored (not raw header blocks): a warm search, sort or thread pass
reads rows without parsing a single header. SCHEMA_VERSION changes when the decoder does.

The cache is an optimisation only. A corrupt file is deleted and rebuilt (with a notice
for the UI); any other sqlite error disables the cache for the session. Nothing here is
ever fatal. The file lives in the XDG cache dir and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from mailtui import paths
from mailtui.backends.sqlite_store import SqliteCache, open_cache
from mailtui.core.index.columns import index_value
from mailtui.core.models import Envelope, Flag, MessageRef

# Bumped when what a row holds changes: the decoder (core/message/envelope.py), the sort
# keys (core/index/sorting.py), the search columns or the tables; an older file is rebuilt.
SCHEMA_VERSION = 4
_CHUNK = 500  # host parameters per statement (old sqlite builds allow 999)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS envelopes (
    folder TEXT NOT NULL,
    key TEXT NOT NULL,
    date REAL,
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
    PRIMARY KEY (folder, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS complete (
    folder TEXT PRIMARY KEY,
    digest TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orders (
    folder TEXT NOT NULL,
    mode TEXT NOT NULL,
    digest TEXT NOT NULL,
    stored REAL NOT NULL,
    positions BLOB NOT NULL,
    depths BLOB NOT NULL,
    PRIMARY KEY (folder, mode, digest)
) WITHOUT ROWID;
"""
# What the index queries read, per column name of `backends.base.IndexColumn`.
_QUERY_COLUMNS = {
    "date": "date",
    "size": "size",
    "sender_key": "sender_key",
    "subject_key": "subject_key",
    "message_id": "message_id",
    "in_reply_to": "in_reply_to",
    "references": "refs",
}
# Separators of the one-step bulk answers (ASCII record and unit separators): no key,
# decoded header text or number holds them (checked: a value that does is read row by row).
RS, US = "\x1e", "\x1f"
_RS, _US = "char(30)", "char(31)"


def _encodable(key: str) -> bool:
    """False for a key sqlite cannot store (a file name that is not UTF-8, kept as surrogates)."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _separable(keys: Sequence[str]) -> bool:
    """True when no key holds a separator (a pathological file name: read row by row)."""
    joined = "".join(keys)
    return RS not in joined and US not in joined


def _split(text: str, sep: str) -> list[str]:
    return text.split(sep) if text else []


def _real(text: str) -> float | None:
    """`_EXACT_DATE`: NULL, or a REAL written with 17 significant digits (reads back exactly)."""
    return None if text == "NULL" else float(text)


_CONVERT: dict[str, Callable[[str], object]] = {"date": _real, "size": int}
# sqlite's quote() and %g stop at 15-16 digits; %!.17g round-trips every double.
_EXACT_DATE = "CASE WHEN date IS NULL THEN 'NULL' ELSE printf('%!.17g', date) END"
# The lower-cased columns a header search looks in, per search field.
_FIND_COLUMNS = {
    "any": ("find_sender", "find_subject", "find_to"),
    "from": ("find_sender",),
    "to": ("find_to", "find_cc"),
    "subject": ("find_subject",),
}
_COLUMNS = (
    "key, date, sender, sender_address, to_, cc, subject, size, message_id, in_reply_to, refs, attachments"
)

# One row without the key: what `Envelope` needs besides its ref and flags.
Row = tuple[float | None, str, str, str, str, str, int, str, str, str, int]


def default_cache_path(root: Path) -> Path:
    """`$XDG_CACHE_HOME/mailtui/maildir/<name>-<hash of the path>.sqlite3` for a Maildir root."""
    resolved = str(Path(root).expanduser().resolve())
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(resolved).name).strip("._") or "maildir"
    return paths.cache_dir() / "maildir" / f"{name}-{digest}.sqlite3"


def envelope_from_row(ref: MessageRef, row: Row, flags: frozenset[Flag]) -> Envelope:
    """An Envelope from a cached row, with the flags of the file name as it is now."""
    date, sender, address, to, cc, subject, size, message_id, in_reply_to, refs, attachments = row
    return Envelope(
        ref=ref,
        date=date,
        sender=sender,
        sender_address=address,
        to=to,
        cc=cc,
        subject=subject,
        size=size,
        flags=flags,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=tuple(refs.split(" ")) if refs else (),  # ids hold no " " (stored joined by it)
        has_attachments=bool(attachments),
    )


def _row(folder: str, env: Envelope) -> tuple[object, ...]:
    return (
        folder,
        env.ref.key,
        env.date,
        env.sender,
        env.sender_address,
        env.to,
        env.cc,
        env.subject,
        env.size,
        env.message_id,
        env.in_reply_to,
        " ".join(env.references),
        int(env.has_attachments),
        index_value(env, "sender_key"),
        index_value(env, "subject_key"),
        env.sender.lower(),
        env.to.lower(),
        env.cc.lower(),
        env.subject.lower(),
    )


_TEXT_FIELDS = (1, 2, 3, 4, 5, 7, 8, 9)  # positions of the str fields of a Row


def _checked(row: tuple[object, ...]) -> Row | None:
    """`row` when every field has its type (sqlite stores anything anywhere), else None."""
    if len(row) != 11:
        return None
    date, size, attachments = row[0], row[6], row[10]
    if date is not None and (not isinstance(date, int | float) or isinstance(date, bool)):
        return None
    if not all(isinstance(row[i], str) for i in _TEXT_FIELDS):
        return None
    if not isinstance(size, int) or not isinstance(attachments, int):
        return None
    return (float(date) if date is not None else None, *row[1:])  # type: ignore[return-value]


class MaildirHeaderCache(SqliteCache):
    """A small sqlite store, thread-safe (one lock); `notice` says when it was rebuilt or disabled."""

    def __init__(self, path: Path) -> None:
        opened = open_cache(
            path,
            _SCHEMA,
            what="The Maildir header cache",
            version=SCHEMA_VERSION,
            old_tables=("envelopes", "orders", "complete"),  # an older decoder's rows: rebuilt
            synchronous_normal=True,
            check=f"SELECT folder, {_COLUMNS}, {', '.join(_QUERY_COLUMNS.values())}, "
            "find_sender, find_to, find_cc, find_subject FROM envelopes LIMIT 0",
        )
        super().__init__(path, opened)

    def _fail(self, exc: sqlite3.Error) -> None:
        """Any error after opening: a damaged file is rebuilt, else the cache is off (never fatal)."""
        if not self._error(exc) and self.notice is None:
            self.notice = f"The Maildir header cache {self.path} failed ({exc}); headers are read from files."

    def get(self, folder: str, keys: Sequence[str]) -> dict[str, Row]:
        """Cached rows of these keys (missing keys are simply absent)."""
        found: dict[str, Row] = {}
        with self._lock:
            if self._db is None:
                return found
            try:
                keys = [k for k in keys if _encodable(k)]  # a file name sqlite cannot take: not cached
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    sql = f"SELECT {_COLUMNS} FROM envelopes WHERE folder = ? AND key IN ({marks})"
                    for row in self._db.execute(sql, (folder, *chunk)):
                        checked = _checked(row[1:])
                        if checked is None or not isinstance(row[0], str):
                            self._damaged("a row of the wrong type")
                            return {}
                        found[row[0]] = checked
            except sqlite3.Error as exc:
                self._fail(exc)
                return {}
        return found

    def put(self, folder: str, envelopes: Iterable[Envelope]) -> None:
        """Store envelopes read from files (replacing rows of the same keys)."""
        rows = [_row(folder, env) for env in envelopes if _encodable(env.ref.key)]
        if not rows:
            return
        with self._lock:
            if self._db is None:
                return
            try:
                marks = ",".join("?" * 19)
                self._db.executemany(f"INSERT OR REPLACE INTO envelopes VALUES ({marks})", rows)
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def forget(self, folder: str, keys: Iterable[str]) -> None:
        """Drop rows of messages that left `folder`."""
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.executemany(
                    "DELETE FROM envelopes WHERE folder = ? AND key = ?", [(folder, k) for k in keys]
                )
                # Rows left: a listing with those keys again (moved back by another client)
                # is no longer known to be indexed.
                self._db.execute("DELETE FROM complete WHERE folder = ?", (folder,))
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def move(self, folder: str, keys: Iterable[str], destination: str) -> None:
        """Rows follow their messages to another folder (the unique name is kept by a move)."""
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.executemany(
                    "UPDATE OR REPLACE envelopes SET folder = ? WHERE folder = ? AND key = ?",
                    [(destination, folder, k) for k in keys],
                )
                self._db.execute("DELETE FROM complete WHERE folder IN (?, ?)", (folder, destination))
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def columns(
        self, folder: str, keys: Sequence[str], names: Sequence[str], *, bulk: bool = True
    ) -> dict[str, tuple[object, ...]]:
        """key -> the values of `names` (see `_QUERY_COLUMNS`) for the cached ones of `keys`.

        A big request reads the folder's rows in one pass (see `_bulk_columns`) and keeps those of
        `keys`; a small one asks for its keys. Raw values: date a float or None, size an
        int, the others str (references space-separated). `bulk=False` reads row by row:
        slower in a process whose UI thread wants the GIL, but without the one-string copy
        of every row (a child process ordering 100k threads peaks ~50 MB lower).
        """
        if bulk and len(keys) > 4 * _CHUNK:
            found = self._bulk_columns(folder, keys, names)
            if found is not None:
                return found
        sql_columns = ", ".join(_QUERY_COLUMNS[name] for name in names)
        return self._select(folder, keys, f"key, {sql_columns}", ())

    def search(
        self, folder: str, keys: Sequence[str], field: str, needle: str, digest: str = ""
    ) -> tuple[set[str], set[str]]:
        """(keys matching, keys cached) among `keys`: `needle` (lower-cased) in the field's
        lower-cased columns, compared in sqlite (`instr`, exactly Python's `in`).

        `digest` names the listing `keys` (`listing_digest`): once a search found every one
        of its keys cached, that is remembered, and the next search of the same listing
        skips the query for the cached keys (rows of a listing's keys only leave with it).
        """
        columns = _FIND_COLUMNS[field]
        hit = " OR ".join(f"instr({c}, ?) > 0" for c in columns)
        params = tuple(needle for _ in columns)
        if len(keys) > 4 * _CHUNK and _separable(keys):
            wanted = set(keys)
            complete = (
                bool(digest)
                and self.aggregate("SELECT digest FROM complete WHERE folder = ?", (folder,)) == digest
            )
            cached: set[str] | None = wanted
            if not complete:
                text = self.aggregate(
                    f"SELECT group_concat(key, {_RS}) FROM envelopes WHERE folder = ?", (folder,)
                )
                cached = None if text is None else set(_split(text, RS)) & wanted
            hits = self.aggregate(
                f"SELECT group_concat(key, {_RS}) FROM envelopes WHERE ({hit}) AND folder = ?",
                (*params, folder),
            )
            if cached is not None and hits is not None:
                if digest and not complete and len(cached) == len(wanted):
                    self.mark_complete(folder, digest)
                return set(_split(hits, RS)) & wanted, cached
        rows = self._select(folder, keys, f"key, ({hit})", params)
        return {k for k, row in rows.items() if row[0]}, set(rows)

    def mark_complete(self, folder: str, digest: str) -> None:
        """Remember that every key of the listing `digest` has its row."""
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute("INSERT OR REPLACE INTO complete VALUES (?, ?)", (folder, digest))
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def _bulk_columns(
        self, folder: str, keys: Sequence[str], names: Sequence[str]
    ) -> dict[str, tuple[object, ...]] | None:
        """`columns` for a whole folder in one sqlite step: a row per message comes back as
        one string (fields joined by US, rows by RS), so 100k rows cost no per-row round
        trip through Python, whose sqlite module releases and retakes the GIL the UI thread
        needs on each. None when a value holds a separator (the row-by-row path then)."""
        if not _separable(keys):
            return None
        parts = ["key"]
        for name in names:
            column = _QUERY_COLUMNS[name]
            parts.append(_EXACT_DATE if column == "date" else column)
        joined = f" || {_US} || ".join(parts)
        # The count in the same statement (one snapshot): a separator inside a value shows
        # as more records than rows.
        answer = self.aggregate(
            f"SELECT CAST(count(*) AS TEXT) || {_RS} || coalesce(group_concat({joined}, {_RS}), '') "
            "FROM envelopes WHERE folder = ?",
            (folder,),
        )
        if answer is None:
            return None
        count, _, text = answer.partition(RS)
        records = _split(text, RS)
        if not count.isdigit() or len(records) != int(count):
            return None
        wanted = set(keys)
        width = len(names) + 1
        convert = [_CONVERT.get(_QUERY_COLUMNS[name]) for name in names]
        found: dict[str, tuple[object, ...]] = {}
        for record in records:
            fields = record.split(US)
            if len(fields) != width:
                return None
            key = fields[0]
            if key in wanted:
                try:
                    found[key] = tuple(
                        (c(v) if c is not None else v) for c, v in zip(convert, fields[1:], strict=True)
                    )
                except ValueError:
                    return None
        return found

    def aggregate(self, sql: str, params: tuple[object, ...]) -> str | None:
        """The one value of an aggregate query ("" for no rows); None when the cache is off."""
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc)
                return None
        value = row[0] if row else None
        return value if isinstance(value, str) else ("" if value is None else None)

    def _select(
        self, folder: str, keys: Sequence[str], what: str, params: tuple[object, ...]
    ) -> dict[str, tuple[object, ...]]:
        found: dict[str, tuple[object, ...]] = {}
        with self._lock:
            if self._db is None:
                return found
            try:
                if len(keys) > 4 * _CHUNK:
                    wanted = set(keys)
                    sql = f"SELECT {what} FROM envelopes WHERE folder = ?"
                    for row in self._db.execute(sql, (*params, folder)):
                        if row[0] in wanted:
                            found[row[0]] = row[1:]
                    return found
                keys = [k for k in keys if _encodable(k)]
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    sql = f"SELECT {what} FROM envelopes WHERE folder = ? AND key IN ({marks})"
                    for row in self._db.execute(sql, (*params, folder, *chunk)):
                        found[row[0]] = row[1:]
            except sqlite3.Error as exc:
                self._fail(exc)
                return {}
        return found

    def get_order(self, folder: str, mode: str, digest: str) -> tuple[bytes, bytes] | None:
        """The stored (positions, depths) of `mode` for the listing `digest`, if any."""
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(
                    "SELECT positions, depths FROM orders WHERE folder = ? AND mode = ? AND digest = ?",
                    (folder, mode, digest),
                ).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc)
                return None
        if row is None or not isinstance(row[0], bytes) or not isinstance(row[1], bytes):
            return None
        return row[0], row[1]

    def put_order(self, folder: str, mode: str, digest: str, positions: bytes, depths: bytes) -> None:
        """Keep the orders of `mode` of the folder's last two listings (the app's and a fill's,
        listed a moment apart, do not replace each other)."""
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?)",
                    (folder, mode, digest, time.time(), positions, depths),
                )
                self._db.execute(
                    "DELETE FROM orders WHERE folder = ? AND mode = ? AND digest NOT IN "
                    "(SELECT digest FROM orders WHERE folder = ? AND mode = ? ORDER BY stored DESC LIMIT 2)",
                    (folder, mode, folder, mode),
                )
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)

    def count(self, folder: str) -> int:
        """How many rows `folder` has."""
        with self._lock:
            if self._db is None:
                return 0
            try:
                return int(
                    self._db.execute("SELECT COUNT(*) FROM envelopes WHERE folder = ?", (folder,)).fetchone()[
                        0
                    ]
                )
            except sqlite3.Error as exc:
                self._fail(exc)
                return 0
