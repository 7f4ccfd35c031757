"""The Maildir header cache (sqlite): filled by fetch_envelopes, flags from names, corrupt files rebuilt."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.maildir.header_cache import MaildirHeaderCache, default_cache_path
from mailtui.backends.maildir.refs import RefList, order_by_name_time
from mailtui.core.models import Flag


def mkmaildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def msg(subject: str, mid: str = "", refs: str = "") -> bytes:
    extra = f"Message-ID: {mid}\n" if mid else ""
    extra += f"References: {refs}\nIn-Reply-To: {refs.split()[-1]}\n" if refs else ""
    return f"From: Ann <ann@example.org>\nTo: b@example.org\nSubject: {subject}\n{extra}\nbody\n".encode()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = mkmaildir(tmp_path / "Mail")
    (root / "cur" / "1700000001.M1P1.h:2,S").write_bytes(msg("first", "<1@x>"))
    (root / "cur" / "1700000002.M2P1.h:2,").write_bytes(msg("second", "<2@x>", "<0@x> <1@x>"))
    return root


def test_second_read_comes_from_cache_not_files(root: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    b = MaildirBackend(root, header_cache=db)
    refs = b.list_refs("INBOX")
    first = b.fetch_envelopes("INBOX", refs)
    assert b.header_cache is not None and b.header_cache.count("INBOX") == 2
    # Make the files unreadable as mail: only the cache can still give the subjects.
    for sub in ("cur",):
        for name in os.listdir(root / sub):
            (root / sub / name).write_bytes(b"garbage without headers")
    b2 = MaildirBackend(root, header_cache=db)
    again = b2.fetch_envelopes("INBOX", b2.list_refs("INBOX"))
    assert [e.subject for e in again] == ["second", "first"]
    assert again == first
    assert again[0].references == ("<0@x>", "<1@x>") and again[0].in_reply_to == "<1@x>"


def test_flags_come_from_current_name(root: Path, tmp_path: Path) -> None:
    b = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = b.list_refs("INBOX")
    b.fetch_envelopes("INBOX", refs)
    # Another client flags the message: a rename only.
    os.rename(root / "cur" / "1700000001.M1P1.h:2,S", root / "cur" / "1700000001.M1P1.h:2,FS")
    envs = {e.subject: e for e in b.fetch_envelopes("INBOX", refs)}
    assert envs["first"].flags == frozenset({Flag.SEEN, Flag.FLAGGED})
    assert envs["second"].flags == frozenset()


def test_gone_message_is_skipped_even_when_cached(root: Path, tmp_path: Path) -> None:
    b = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = b.list_refs("INBOX")
    b.fetch_envelopes("INBOX", refs)
    os.unlink(root / "cur" / "1700000002.M2P1.h:2,")
    assert [e.subject for e in b.fetch_envelopes("INBOX", refs)] == ["first"]


def test_corrupt_cache_is_rebuilt_with_notice(root: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    db.write_bytes(b"this is not a database at all" * 100)
    b = MaildirBackend(root, header_cache=db)
    envs = b.fetch_envelopes("INBOX", b.list_refs("INBOX"))
    assert [e.subject for e in envs] == ["second", "first"]
    notices = b.take_notices()
    assert len(notices) == 1 and "rebuilt" in notices[0]
    assert b.take_notices() == []
    assert MaildirHeaderCache(db).count("INBOX") == 2


def test_unusable_cache_location_is_not_fatal(root: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    b = MaildirBackend(root, header_cache=blocker / "sub" / "c.sqlite3")
    assert [e.subject for e in b.fetch_envelopes("INBOX", b.list_refs("INBOX"))] == ["second", "first"]
    assert b.take_notices() and b.header_cache is not None and not b.header_cache.enabled


def test_move_and_delete_keep_cache_in_step(root: Path, tmp_path: Path) -> None:
    mkmaildir(root / ".Archive")
    b = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3", delete_mode="trash")
    refs = b.list_refs("INBOX")
    b.fetch_envelopes("INBOX", refs)
    b.move("INBOX", refs[:1], "Archive")
    cache = b.header_cache
    assert cache is not None
    assert cache.count("INBOX") == 1 and cache.count("Archive") == 1
    moved = b.fetch_envelopes("Archive", b.list_refs("Archive"))
    assert [e.subject for e in moved] == ["second"]


def test_default_path_is_in_xdg_cache(root: Path) -> None:
    path = default_cache_path(root)
    assert "mailtui" in path.parts and path.parent.name == "maildir" and path.suffix == ".sqlite3"
    assert default_cache_path(root) == path != default_cache_path(root.parent)


def test_order_keys_and_reflist() -> None:
    keys = ["1700000001.M5P1.h", "1700000001.M123456P1.h", "1700000003.M1P1.h", "1700000002.x"]
    ordered = order_by_name_time(keys)
    assert ordered == ["1700000003.M1P1.h", "1700000002.x", "1700000001.M123456P1.h", "1700000001.M5P1.h"]
    assert order_by_name_time(["170000000.x", "1700000001.y"]) is None  # mixed widths: the slow path
    refs = RefList(ordered)
    assert len(refs) == 4 and refs[0].key == "1700000003.M1P1.h" and refs[0].timestamp == 1700000003.000001
    assert isinstance(refs[1:3], RefList) and [r.key for r in refs[1:3]] == ordered[1:3]
    assert refs == list(refs) and refs == RefList(list(ordered))


def _damage_rows(db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("UPDATE envelopes SET subject = x'ff00', date = 'soon', refs = x'00ff', size = 'big'")
    con.commit()
    con.close()


def _replace_table(db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("DROP TABLE envelopes")
    con.execute("CREATE TABLE envelopes (folder TEXT, junk BLOB)")
    con.commit()
    con.close()


def _truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2 + 100])


def _random_bytes(db: Path) -> None:
    import random

    data = bytearray(db.read_bytes())
    rng = random.Random(7)
    for i in range(100, len(data), 37):
        data[i] = rng.randrange(256)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [_damage_rows, _replace_table, _truncate, _random_bytes], ids=["types", "table", "cut", "noise"]
)
def test_a_damaged_cache_in_any_shape_is_rebuilt_with_one_notice(
    root: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    db = tmp_path / "c.sqlite3"
    first = MaildirBackend(root, header_cache=db)
    first.fetch_envelopes("INBOX", first.list_refs("INBOX"))
    assert first.header_cache is not None
    first.header_cache.close()
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    damage(db)
    b = MaildirBackend(root, header_cache=db)
    for _ in range(2):
        envs = b.fetch_envelopes("INBOX", b.list_refs("INBOX"))
        assert [e.subject for e in envs] == ["second", "first"]
        assert all(isinstance(e.date, float | None) and isinstance(e.size, int) for e in envs)
        assert all(isinstance(r, str) for e in envs for r in e.references)
    notices = b.take_notices()
    assert len(notices) <= 1 and all("rebuilt" in n for n in notices)
    assert b.header_cache is not None and b.header_cache.enabled
    assert b.header_cache.count("INBOX") == 2
