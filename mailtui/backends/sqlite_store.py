"""Opening mailtui's small sqlite files (header caches, the offline queue) one way.

Each store is a file in the XDG cache dir, shared by every thread of one mailtui (one
connection, the caller holds a lock) and possibly read by a second mailtui at the same
time (WAL: readers never block). A cache can always be thrown away: `open_cache` deletes
a damaged file and starts again, and says so; the offline queue holds pending changes, so
it is opened with `open_store` and never deleted here. `SqliteCache` is what the header
caches share: the lock, the connection, its notice, and turning it off after an error.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def open_store(
    path: Path,
    schema: str,
    *,
    version: int | None = None,
    old_tables: tuple[str, ...] = (),
    synchronous_normal: bool = False,
) -> sqlite3.Connection:
    """Connect to `path` (creating its folder), run `schema`, switch to WAL.

    With `version`, a file of another `PRAGMA user_version` first loses `old_tables`
    (written by an older mailtui: rebuilt, not migrated). Raises sqlite3.Error or OSError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=5, check_same_thread=False)
    try:
        if version is not None:
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found not in (0, version):
                for table in old_tables:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
        db.executescript(schema)
        if version is not None:
            db.execute(f"PRAGMA user_version = {int(version)}")
        db.execute("PRAGMA journal_mode = WAL")  # a second mailtui reading never blocks
        if synchronous_normal:
            db.execute("PRAGMA synchronous = NORMAL")  # a lost last write only costs a re-read
        db.commit()
    except BaseException:
        db.close()
        raise
    return db


@dataclass(frozen=True)
class OpenedCache:
    """A cache connection (None: not usable this session) and what to tell the user, if anything."""

    db: sqlite3.Connection | None
    notice: str | None = None
    # Deletes the file and opens it again, saying why in the notice (a cache found damaged
    # after opening: rows of the wrong type, a table of another shape, a malformed page).
    rebuild: Callable[[str], OpenedCache] | None = None


def open_cache(
    path: Path,
    schema: str,
    *,
    what: str,
    version: int,
    old_tables: tuple[str, ...],
    synchronous_normal: bool = False,
    check: str | None = None,
) -> OpenedCache:
    """`open_store` for a cache: a damaged file is deleted and created again; never raises.

    `what` names the cache in notices ("The Maildir header cache"). `check` is a statement
    that must run on a sound file (a SELECT of every column the cache reads, LIMIT 0):
    a table of another shape under the same name counts as damage.
    """

    def attempt() -> sqlite3.Connection:
        db = open_store(
            path, schema, version=version, old_tables=old_tables, synchronous_normal=synchronous_normal
        )
        if check is not None:
            try:
                db.execute(check).fetchall()
            except BaseException:
                db.close()
                raise
        return db

    def rebuild(reason: str) -> OpenedCache:
        # "file is not a database", "database disk image is malformed", a wrong shape: start again.
        discard(path)
        try:
            return OpenedCache(attempt(), f"{what} {path} was damaged ({reason}); it was rebuilt.")
        except (sqlite3.Error, OSError) as again:
            return OpenedCache(None, f"{what} {path} cannot be used ({again}); it is off for this session.")

    try:
        return OpenedCache(attempt(), rebuild=rebuild)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            return OpenedCache(None, f"{what} {path} cannot be used ({exc}); it is off for this session.")
        return rebuild(str(exc))
    except (sqlite3.Error, OSError) as exc:
        return OpenedCache(None, f"{what} {path} cannot be used ({exc}); it is off for this session.")


def is_damage(exc: sqlite3.Error) -> bool:
    """True for errors that say the file itself is bad (rebuild it), not that it is busy or unwritable."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc).lower()
    return not any(word in text for word in ("locked", "busy", "readonly", "disk i/o", "full", "permission"))


class SqliteCache:
    """A cache on one sqlite connection, shared by threads under `_lock`.

    Opened with `open_cache(path, ...)`. Subclasses run their statements with the lock held
    and call `_disable` on an sqlite error: a broken cache is dropped, never trusted again
    this session (never fatal).
    """

    def __init__(self, path: Path, opened: OpenedCache) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = opened.db
        self.notice: str | None = opened.notice  # a damaged file rebuilt, or the cache off
        self._rebuild = opened.rebuild  # once per session: a file damaged again stays off

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def take_notice(self) -> str | None:
        """The pending notice for the UI (once)."""
        notice, self.notice = self.notice, None
        return notice

    def close(self) -> None:
        with self._lock:
            self._disable()

    def _damaged(self, reason: str) -> bool:
        """The open file turned out damaged (called with the lock held): delete it and start
        again, once per session, with a notice. False when the cache is off instead."""
        self._disable()
        rebuild, self._rebuild = self._rebuild, None
        if rebuild is None:
            return False
        opened = rebuild(reason)
        self._db = opened.db
        self.notice = opened.notice
        return self._db is not None

    def _error(self, exc: sqlite3.Error) -> bool:
        """An sqlite error while in use (lock held): rebuild a damaged file (True), else turn
        the cache off for the session (False)."""
        if is_damage(exc):
            return self._damaged(str(exc))
        self._disable()
        return False

    def _disable(self) -> None:
        """Stop using the connection for this session (called with the lock held)."""
        db, self._db = self._db, None
        close_quietly(db)


def close_quietly(db: sqlite3.Connection | None) -> None:
    """Close a connection that may already be broken; an sqlite error on closing is ignored."""
    if db is not None:
        try:
            db.close()
        except sqlite3.Error:
            pass


def discard(path: Path) -> None:
    """Delete an sqlite file with its WAL and journal side files (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass
