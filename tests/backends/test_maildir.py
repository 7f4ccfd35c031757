"""Maildir specifics: layouts, file names on disk, Trash vs mark+expunge, vanished files, ordering."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mailtui.backends.maildir.backend import MaildirBackend, names
from mailtui.core.errors import BackendError, FolderNotFoundError, MessageNotFoundError
from mailtui.core.models import Flag, MessageRef, SpecialUse

from .conftest import make_message


def mkmaildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def put(folder: Path, name: str, raw: bytes | None = None, sub: str = "cur") -> Path:
    p = folder / sub / name
    p.write_bytes(raw if raw is not None else make_message(0, subject=name))
    return p


def files(folder: Path, sub: str) -> list[str]:
    return sorted(os.listdir(folder / sub))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return mkmaildir(tmp_path / "Mail")


# -- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "key", "info", "time"),
    [
        ("1700000000.M123P45.host,S=99:2,FS", "1700000000.M123P45.host,S=99", "FS", 1700000000.000123),
        ("1700000000.4567_1.host", "1700000000.4567_1.host", "", 1700000000.0),
        ("1700000000.M5P1.h:2,", "1700000000.M5P1.h", "", 1700000000.000005),
        ("1700000001.R1a2b.host;2,S", "1700000001.R1a2b.host", "S", 1700000001.0),
        ("no-time-here:2,S", "no-time-here", "S", None),
    ],
)
def test_name_parsing(filename: str, key: str, info: str, time: float | None) -> None:
    parts = names.split_name(filename)
    assert (parts.key, parts.info) == (key, info)
    assert names.name_time(parts.key) == time


def test_name_size_and_unique_names() -> None:
    assert names.name_size("1700000000.M1P2.h,S=1234,W=1260") == 1234
    assert names.name_size("1700000000.M1P2.h") is None
    a, b = names.unique_name(10), names.unique_name(10)
    assert a != b and a.endswith(",S=10") and ":" not in a and "/" not in a


# -- folders -----------------------------------------------------------------------


def test_maildirpp_and_plain_subfolders(root: Path) -> None:
    for name in (".Sent", ".Archive.2024", ".Deleted Messages", ".Junk"):
        mkmaildir(root / name)
    mkmaildir(root / "Drafts")
    mkmaildir(root / "lists" / "debian")
    (root / ".notmuch" / "xapian").mkdir(parents=True)  # not a Maildir: ignored
    put(root / ".Sent", "1700000000.M1P1.h:2,S")
    put(root / ".Sent", "1700000001.M1P1.h", sub="new")
    folders = {f.name: f for f in MaildirBackend(root).list_folders()}
    assert list(folders)[0] == "INBOX"
    assert set(folders) == {
        "INBOX",
        "Sent",
        "Archive.2024",
        "Deleted Messages",
        "Junk",
        "Drafts",
        "lists/debian",
    }
    assert folders["Archive.2024"].delimiter == "."
    assert folders["lists/debian"].delimiter == "/"
    assert (folders["Sent"].total, folders["Sent"].unread) == (2, 1)
    uses = {name: f.special_use for name, f in folders.items()}
    assert uses["INBOX"] is SpecialUse.INBOX
    assert uses["Sent"] is SpecialUse.SENT
    assert uses["Deleted Messages"] is SpecialUse.TRASH
    assert uses["Junk"] is SpecialUse.JUNK
    assert uses["Drafts"] is SpecialUse.DRAFTS
    assert uses["Archive.2024"] is None


def test_folder_collection_without_own_cur(tmp_path: Path) -> None:
    top = tmp_path / "mbsync"
    mkmaildir(top / "INBOX")
    mkmaildir(top / "Work")
    put(top / "Work", "1700000000.M1P1.h:2,S")
    b = MaildirBackend(top)
    assert b.default_folder == "INBOX"
    assert [f.name for f in b.list_folders()] == ["INBOX", "Work"]
    assert len(b.list_refs("Work")) == 1


def test_unknown_folder(root: Path) -> None:
    with pytest.raises(FolderNotFoundError, match="Nope"):
        MaildirBackend(root).list_refs("Nope")


def test_folder_created_by_another_program_is_found(root: Path) -> None:
    b = MaildirBackend(root)
    b.list_folders()
    mkmaildir(root / ".Later")
    put(root / ".Later", "1700000000.M1P1.h:2,")
    assert len(b.list_refs("Later")) == 1


# -- flags -------------------------------------------------------------------------


def test_flag_renames_on_disk_keep_unknown_letters(root: Path) -> None:
    put(root, "1700000000.M1P1.h:2,Sa")  # "a": a keyword letter set by another client
    b = MaildirBackend(root)
    (ref,) = b.list_refs("INBOX")
    assert ref.key == "1700000000.M1P1.h"
    after = b.set_flags(
        "INBOX", [ref], add=frozenset({Flag.FLAGGED, Flag.ANSWERED}), remove=frozenset({Flag.SEEN})
    )
    assert after == [ref]
    assert files(root, "cur") == ["1700000000.M1P1.h:2,FRa"]
    b.set_flags("INBOX", [ref], remove=frozenset({Flag.FLAGGED}), add=frozenset({Flag.SEEN}))
    assert files(root, "cur") == ["1700000000.M1P1.h:2,RSa"]


def test_new_moves_to_cur_on_flag_change(root: Path) -> None:
    put(root, "1700000000.M1P1.h", sub="new")
    b = MaildirBackend(root)
    (ref,) = b.list_refs("INBOX")
    assert b.fetch_envelopes("INBOX", [ref])[0].flags == frozenset()
    b.set_flags("INBOX", [ref], add=frozenset({Flag.SEEN}))
    assert files(root, "new") == []
    assert files(root, "cur") == ["1700000000.M1P1.h:2,S"]
    assert b.fetch_envelopes("INBOX", [ref])[0].flags == {Flag.SEEN}


def test_file_renamed_by_another_client_is_found_again(root: Path) -> None:
    put(root, "1700000000.M1P1.h", sub="new")
    b = MaildirBackend(root)
    (ref,) = b.list_refs("INBOX")
    # Another MUA reads it: new/ -> cur/ with S, behind our back.
    os.rename(root / "new" / "1700000000.M1P1.h", root / "cur" / "1700000000.M1P1.h:2,S")
    assert b.fetch_envelopes("INBOX", [ref])[0].flags == {Flag.SEEN}
    b.set_flags("INBOX", [ref], add=frozenset({Flag.FLAGGED}))
    assert files(root, "cur") == ["1700000000.M1P1.h:2,FS"]


def test_vanished_file(root: Path) -> None:
    p = put(root, "1700000000.M1P1.h:2,")
    put(root, "1700000001.M1P1.h:2,")
    b = MaildirBackend(root)
    refs = b.list_refs("INBOX")
    p.unlink()
    assert [e.ref.key for e in b.fetch_envelopes("INBOX", refs)] == ["1700000001.M1P1.h"]
    with pytest.raises(MessageNotFoundError):
        b.fetch_raw("INBOX", refs[1])
    with pytest.raises(MessageNotFoundError):
        b.set_flags("INBOX", refs, add=frozenset({Flag.SEEN}))
    # The message that still exists was flagged anyway.
    assert files(root, "cur") == ["1700000001.M1P1.h:2,S"]


# -- delete, move, append ----------------------------------------------------------


def test_delete_to_trash_creates_maildirpp_trash(root: Path) -> None:
    put(root, "1700000000.M1P1.h:2,S")
    b = MaildirBackend(root)
    b.delete("INBOX", b.list_refs("INBOX"))
    assert files(root, "cur") == []
    assert files(root / ".Trash", "cur") == ["1700000000.M1P1.h:2,S"]
    assert (root / ".Trash" / "maildirfolder").exists()
    # Deleting inside Trash removes the file for good.
    b.delete("Trash", b.list_refs("Trash"))
    assert files(root / ".Trash", "cur") == []


def test_delete_uses_configured_trash_folder(root: Path) -> None:
    mkmaildir(root / ".Deleted Items")
    put(root, "1700000000.M1P1.h:2,")
    b = MaildirBackend(root, trash_folder="Deleted Items")
    b.delete("INBOX", b.list_refs("INBOX"))
    assert files(root / ".Deleted Items", "cur") == ["1700000000.M1P1.h:2,"]
    assert not (root / ".Trash").exists()


def test_mark_then_expunge(root: Path) -> None:
    put(root, "1700000000.M1P1.h:2,S")
    put(root, "1700000001.M1P1.h:2,")
    b = MaildirBackend(root, delete_mode="mark")
    refs = b.list_refs("INBOX")
    b.delete("INBOX", [refs[1]])
    assert files(root, "cur") == ["1700000000.M1P1.h:2,ST", "1700000001.M1P1.h:2,"]
    assert b.expunge("INBOX") == 1
    assert files(root, "cur") == ["1700000001.M1P1.h:2,"]
    assert [r.key for r in b.list_refs("INBOX")] == ["1700000001.M1P1.h"]


def test_move_keeps_subdir_and_flags(root: Path) -> None:
    mkmaildir(root / ".Archive")
    put(root, "1700000000.M1P1.h:2,RS")
    put(root, "1700000001.M1P1.h", sub="new")
    b = MaildirBackend(root)
    b.move("INBOX", b.list_refs("INBOX"), "Archive")
    assert files(root / ".Archive", "cur") == ["1700000000.M1P1.h:2,RS"]
    assert files(root / ".Archive", "new") == ["1700000001.M1P1.h"]
    assert b.list_refs("INBOX") == []


def test_append_goes_through_tmp_into_new_or_cur(root: Path) -> None:
    b = MaildirBackend(root)
    raw = make_message(1)
    b.append("INBOX", raw)
    b.append("INBOX", raw, flags=frozenset({Flag.SEEN, Flag.DRAFT}))
    assert files(root, "tmp") == []
    (new,) = files(root, "new")
    (cur,) = files(root, "cur")
    assert new.endswith(f",S={len(raw)}") and ":" not in new
    assert cur.endswith(f",S={len(raw)}:2,DS")
    assert (root / "new" / new).read_bytes() == raw


def test_unwritable_maildir_gives_backend_error(root: Path) -> None:
    # A file where tmp/ should be fails even for root (who ignores permissions).
    (root / "tmp").rmdir()
    (root / "tmp").write_text("not a directory")
    with pytest.raises(BackendError, match="could not store"):
        MaildirBackend(root).append("INBOX", make_message(0))
    assert files(root, "new") == []


# -- ordering and watching ---------------------------------------------------------


def test_thousand_messages_ordered_by_name_time(root: Path) -> None:
    import random

    stamps = list(range(1_600_000_000, 1_600_000_000 + 1000 * 37, 37))
    rng = random.Random(7)
    shuffled = stamps[:]
    rng.shuffle(shuffled)
    for i, ts in enumerate(shuffled):
        sub = "new" if i % 3 == 0 else "cur"
        suffix = "" if sub == "new" else ":2,S"
        (root / sub / f"{ts}.M{i}P9.host{suffix}").write_bytes(b"Subject: x\n\nx\n")
    refs = MaildirBackend(root).list_refs("INBOX")
    assert [int(r.timestamp) for r in refs] == sorted(stamps, reverse=True)


def test_names_without_time_use_mtime(root: Path) -> None:
    old = put(root, "zzz-no-time:2,")
    new = put(root, "aaa-no-time:2,")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(new, (2_000_000, 2_000_000))
    refs = MaildirBackend(root).list_refs("INBOX")
    assert [(r.key, r.timestamp) for r in refs] == [
        ("aaa-no-time", 2_000_000.0),
        ("zzz-no-time", 1_000_000.0),
    ]


def test_delivery_into_new_during_wait(root: Path) -> None:
    b = MaildirBackend(root)
    b.list_refs("INBOX")
    assert b.wait_for_changes("INBOX", 0.3) is False
    go = threading.Event()

    def deliver() -> None:
        go.wait()
        put(root, "1700000000.M1P1.h", sub="tmp")
        os.rename(root / "tmp" / "1700000000.M1P1.h", root / "new" / "1700000000.M1P1.h")

    t = threading.Thread(target=deliver)
    t.start()
    go.set()
    try:
        assert b.wait_for_changes("INBOX", 30) is True
    finally:
        t.join()
    assert [r.key for r in b.list_refs("INBOX")] == ["1700000000.M1P1.h"]


def test_change_between_listing_and_wait_is_reported_once(root: Path) -> None:
    b = MaildirBackend(root)
    b.list_refs("INBOX")
    put(root, "1700000000.M1P1.h", sub="new")
    assert b.wait_for_changes("INBOX", 0) is True
    assert b.wait_for_changes("INBOX", 0.2) is False


def test_missing_message_ref(root: Path) -> None:
    with pytest.raises(MessageNotFoundError, match="Reload"):
        MaildirBackend(root).fetch_raw("INBOX", MessageRef("1.M1P1.nothere"))


def test_inbox_name_is_case_insensitive(root: Path) -> None:
    put(root, "1700000000.M1P1.h:2,")
    b = MaildirBackend(root)
    refs = b.list_refs("inbox")
    assert refs == b.list_refs("INBOX")
    b.set_flags("Inbox", refs, add=frozenset({Flag.SEEN}))
    assert b.fetch_envelopes("INBOX", refs)[0].flags == {Flag.SEEN}
    assert files(root, "cur") == ["1700000000.M1P1.h:2,S"]
