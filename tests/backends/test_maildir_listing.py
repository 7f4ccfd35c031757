"""Big-directory listings by child processes (ls | sort) and the ordering built on them.

Real directories in tmp_path; the size threshold is passed in, so a few files take the
child path. No timings asserted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.maildir.listing import list_big_directory
from mailtui.backends.maildir.refs import RefList, drop_twins, order_by_name_time
from mailtui.core.models import Flag

ODD_NAMES = [
    "1700000003.M9P1.host,S=10:2,S",
    "1700000001.M99P1.host:2,",
    "1700000001.M100000P1.host:2,FS",
    "name with spaces:2,",
    "line\nbreak:2,",
    "quote\"and'apostrophe",
    "caf\u00e9-\u6d4b\u8bd5",
]


def make_dir(path: Path, names: list[str]) -> Path:
    path.mkdir(parents=True)
    for name in names:
        (path / name).write_bytes(b"x")
    return path


def test_child_listing_gives_the_same_names_as_listdir(tmp_path: Path) -> None:
    folder = make_dir(tmp_path / "cur", [*ODD_NAMES, ".hidden", ".rsync-tmp"])
    # Not UTF-8: decoded like os.listdir does (surrogateescape), so both agree.
    (folder / os.fsdecode(b"latin1-\xe9t\xe9")).write_bytes(b"x")
    listed = list_big_directory(folder, min_size=0)
    assert listed is not None
    expected = [n for n in os.listdir(folder) if not n.startswith(".")]
    assert sorted(listed) == sorted(expected) and len(listed) == len(ODD_NAMES) + 1
    # Reverse byte order: the newest Maildir names first.
    assert listed.index("1700000003.M9P1.host,S=10:2,S") < listed.index("1700000001.M99P1.host:2,")


def test_small_directories_missing_ones_and_missing_tools_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_dir(tmp_path / "cur", ODD_NAMES)
    assert list_big_directory(folder) is None  # below the size threshold: os.listdir is cheaper
    assert list_big_directory(tmp_path / "absent", min_size=0) is None
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert list_big_directory(folder, min_size=0) is None  # no ls/sort: the caller lists itself


def test_backend_lists_a_big_folder_through_the_children_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "Mail"
    make_dir(root / "new", ["1700000002.M5P1.host"])
    make_dir(
        root / "cur", ["1700000001.M99P1.host:2,S", "1700000001.M100000P1.host:2,", "1700000003.M1P1.host:2,"]
    )
    (root / "tmp").mkdir()
    calls: list[Path] = []

    def spy(path: Path, min_size: int = 0) -> list[str] | None:
        calls.append(path)
        return list_big_directory(path, min_size=0)

    monkeypatch.setattr("mailtui.backends.maildir.index.list_big_directory", spy)
    backend = MaildirBackend(root, header_cache=False)
    refs = backend.list_refs("INBOX")
    assert calls == [root / "new", root / "cur"]
    # Same second: microseconds decide (M100000 is newer than M99, though it sorts lower as bytes).
    assert [r.key for r in refs] == [
        "1700000003.M1P1.host",
        "1700000002.M5P1.host",
        "1700000001.M100000P1.host",
        "1700000001.M99P1.host",
    ]
    assert refs[1].hint == "new/1700000002.M5P1.host" and refs[3].hint == "cur/1700000001.M99P1.host:2,S"
    envelopes = backend.fetch_envelopes("INBOX", refs)
    assert [e.ref.key for e in envelopes] == [r.key for r in refs]
    assert Flag.SEEN in envelopes[3].flags and Flag.SEEN not in envelopes[2].flags


def test_a_stale_hint_finds_the_renamed_file(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    make_dir(root / "cur", ["1700000001.M1P1.host:2,"])
    make_dir(root / "new", [])
    (root / "tmp").mkdir()
    backend = MaildirBackend(root, header_cache=False)
    (ref,) = backend.list_refs("INBOX")
    # Another client marks it read: the hint now names a file that is gone.
    os.rename(root / "cur" / "1700000001.M1P1.host:2,", root / "cur" / "1700000001.M1P1.host:2,S")
    (env,) = backend.fetch_envelopes("INBOX", [ref])
    assert env.flags == frozenset({Flag.SEEN})
    # Clearing a flag the stale hint does not show still renames the real file.
    backend.set_flags("INBOX", [ref], remove=frozenset({Flag.SEEN}))
    assert os.listdir(root / "cur") == ["1700000001.M1P1.host:2,"]


def test_twins_from_a_move_between_the_two_listings_are_dropped() -> None:
    new = frozenset({"1700000002.M1P1.h", "1700000005.M1P1.h"})
    listed = ["1700000002.M1P1.h:2,S", "1700000003.M1P1.h:2,", *new]
    ordered = order_by_name_time(listed)
    assert ordered is not None
    assert drop_twins(ordered, new) == ["1700000005.M1P1.h", "1700000003.M1P1.h:2,", "1700000002.M1P1.h:2,S"]


def test_reflist_from_file_names_gives_keys_and_hints() -> None:
    refs = RefList(["1700000002.M1P1.h", "1700000001.M1P1.h:2,FS"], frozenset({"1700000002.M1P1.h"}))
    assert refs.keys() == ["1700000002.M1P1.h", "1700000001.M1P1.h"]
    assert [r.hint for r in refs] == ["new/1700000002.M1P1.h", "cur/1700000001.M1P1.h:2,FS"]
    assert refs[1:].keys() == ["1700000001.M1P1.h"] and refs[1:][0].hint == "cur/1700000001.M1P1.h:2,FS"
    # Hints are not identity: a RefList built from keys (as the UI does) is equal.
    assert refs == RefList(refs.keys()) and refs[0] == RefList(refs.keys())[0]
