"""The sqlite header cache on its own: keys, pruning, and failing safe on a broken file."""

from __future__ import annotations

from pathlib import Path

from mailtui.backends.imap.header_cache import CachedHeader, HeaderCache, default_cache_path


def _row(uid: int) -> CachedHeader:
    return CachedHeader(uid, 100 + uid, 1_700_000_000.0 + uid, f"Subject: {uid}\r\n".encode())


def test_rows_are_kept_per_folder_and_uidvalidity(tmp_path: Path) -> None:
    cache = HeaderCache(tmp_path / "c.sqlite3")
    cache.put("INBOX", 7, [_row(1), _row(2)])
    cache.put("Archive", 7, [_row(1)])
    cache.close()
    reopened = HeaderCache(tmp_path / "c.sqlite3")
    try:
        assert reopened.get("INBOX", 7, [1, 2, 3]) == {1: _row(1), 2: _row(2)}
        assert reopened.get("INBOX", 8, [1, 2]) == {}  # another UIDVALIDITY: other messages
        assert reopened.get("Archive", 7, [2, 1]) == {1: _row(1)}
    finally:
        reopened.close()


def test_get_handles_more_uids_than_one_statement_takes(tmp_path: Path) -> None:
    cache = HeaderCache(tmp_path / "c.sqlite3")
    try:
        cache.put("INBOX", 1, [_row(uid) for uid in range(1, 2501)])
        found = cache.get("INBOX", 1, range(1, 3001))
    finally:
        cache.close()
    assert sorted(found) == list(range(1, 2501))


def test_prune_drops_expunged_uids_and_old_uidvalidity(tmp_path: Path) -> None:
    cache = HeaderCache(tmp_path / "c.sqlite3")
    try:
        cache.put("INBOX", 1, [_row(1), _row(2), _row(3)])
        cache.put("INBOX", 2, [_row(1)])
        cache.put("Other", 1, [_row(9)])
        assert cache.prune("INBOX", 1, [1, 3]) == 2  # UID 2 expunged, validity 2 gone
        assert sorted(cache.get("INBOX", 1, [1, 2, 3])) == [1, 3]
        assert cache.get("INBOX", 2, [1]) == {}
        assert cache.get("Other", 1, [9]) == {9: _row(9)}
    finally:
        cache.close()


def test_a_broken_file_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not an sqlite database" * 100)
    cache = HeaderCache(path)
    try:
        assert cache.enabled
        notice = cache.take_notice()
        assert notice is not None and "damaged" in notice and "rebuilt" in notice
        assert cache.take_notice() is None  # given once
        cache.put("INBOX", 1, [_row(1)])
        assert cache.get("INBOX", 1, [1]) == {1: _row(1)}
    finally:
        cache.close()


def test_an_unusable_place_turns_the_cache_off_without_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    cache = HeaderCache(blocker / "c.sqlite3")
    assert not cache.enabled
    assert "off for this session" in (cache.take_notice() or "")
    cache.put("INBOX", 1, [_row(1)])
    assert cache.get("INBOX", 1, [1]) == {}
    assert cache.prune("INBOX", 1, []) == 0
    cache.close()


def test_a_file_of_another_schema_version_loses_its_old_tables(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "c.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE headers (x); INSERT INTO headers VALUES (1); PRAGMA user_version = 99;")
    old.commit()
    old.close()
    cache = HeaderCache(path)
    try:
        assert cache.enabled and cache.take_notice() is None
        cache.put("INBOX", 1, [_row(1)])  # the current schema, not the old table
        assert cache.get("INBOX", 1, [1]) == {1: _row(1)}
    finally:
        cache.close()


def test_default_path_is_in_the_xdg_cache_dir_with_a_safe_name(isolated_xdg: Path) -> None:
    path = default_cache_path("alice@example.org@imap.example.org:993/../x")
    assert path.parent == isolated_xdg / "cache" / "mailtui" / "imap"
    assert path.name == "alice@example.org@imap.example.org_993_.._x.sqlite3"  # "/" and ":" replaced


def test_rows_of_the_wrong_type_rebuild_the_cache_with_one_notice(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "c.sqlite3"
    cache = HeaderCache(path)
    cache.put("INBOX", 1, [_row(1), _row(2)])
    cache.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE headers SET header = 7, internaldate = 'x', size = 'big' WHERE uid = 1")
    con.commit()
    con.close()
    cache = HeaderCache(path)
    try:
        got = cache.get("INBOX", 1, [1, 2])
        assert all(isinstance(r.header, bytes) and isinstance(r.internaldate, float) for r in got.values())
        assert 1 not in got
        notice = cache.take_notice()
        assert notice is not None and "rebuilt" in notice
        assert cache.enabled and cache.take_notice() is None
        cache.put("INBOX", 1, [_row(1)])
        assert cache.get("INBOX", 1, [1]) == {1: _row(1)}
    finally:
        cache.close()


def test_a_table_of_another_shape_rebuilds_the_cache(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "c.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE headers (folder TEXT, junk BLOB)")
    con.commit()
    con.close()
    cache = HeaderCache(path)
    try:
        assert cache.get("INBOX", 1, [1]) == {}
        cache.put("INBOX", 1, [_row(1)])
        assert cache.get("INBOX", 1, [1]) == {1: _row(1)}
        notice = cache.take_notice()
        assert notice is not None and "rebuilt" in notice
    finally:
        cache.close()
