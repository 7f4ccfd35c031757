"""The Maildir header cache as the folder's query index: sort columns, search, unread keys.

Every answer is compared with a reference computed in Python over the envelopes of the
same messages (`core.index.columns.index_values`, `session.search_scan.query_matches`),
so the index path and the envelope path cannot drift apart.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from mailtui.backends.base import IndexColumn, SearchField
from mailtui.backends.maildir import queries
from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.maildir.refs import RefList
from mailtui.core.index.columns import index_values
from mailtui.core.models import Envelope, Flag
from mailtui.session.search_scan import Query, query_matches
from tests.backends.orders import reference_order

COLUMNS: tuple[IndexColumn, ...] = (
    "date",
    "size",
    "sender_key",
    "subject_key",
    "message_id",
    "in_reply_to",
    "references",
)
BASE = 1_700_000_000
ROOT = Path(__file__).resolve().parents[2]  # the checkout, for a child process importing mailtui

# (file name suffix, headers): non-ASCII case pairs, reply prefixes and list tags, a missing
# Date, a missing and a duplicate Message-ID, an RFC 2047 sender, a thread.
MESSAGES = [
    (":2,S", "From: Ünal Öztürk <unal@example.org>\nSubject: ÉTÉ Report\nMessage-ID: <a@x>\n"),
    (
        ":2,",
        "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\nSubject: Re: [ops] AW: été report\n"
        "Message-ID: <b@x>\nIn-Reply-To: <a@x>\nReferences: <a@x>\n",
    ),
    (
        ":2,RS",
        "From: bob@example.net\nTo: Carol <CAROL@Example.COM>\nCc: Dave <dave@example.com>\n"
        "Subject: Fwd: Backup FAILED\nMessage-ID: <c@x>\n",
    ),
    ("", 'From: "Zed, Admin" <zed@example.org>\nSubject: backup ok\nMessage-ID: <c@x>\n'),
    (":2,F", "From: <noname@example.org>\nSubject: ΣΊΣΥΦΟΣ ticket\n"),
    (
        ":2,S",
        "From: Alice <alice@example.org>\nSubject: Re: Re: Fwd: ÉTÉ report\nMessage-ID: <d@x>\n"
        "In-Reply-To: <b@x>\nReferences: <a@x> <b@x>\n",
    ),
]


def build(root: Path, extra: int = 0) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i, (flags, headers) in enumerate(MESSAGES):
        date = "" if i == 4 else f"Date: Tue, 14 Nov 2023 22:{i:02d}:00 +0000\n"
        sub = "new" if not flags else "cur"
        name = f"{BASE + i * 60}.M{i}P1.host{flags}"
        (root / sub / name).write_bytes(f"{headers}{date}To: x@example.org\n\nbody {'x' * i}\n".encode())
    for j in range(extra):
        i = len(MESSAGES) + j
        name = f"{BASE + i * 60}.M{i}P1.host:2,{'S' if j % 3 else ''}"
        subject = f"{'Re: ' if j % 4 == 0 else ''}Report {j % 17} NIGHTLY"
        data = f"From: User {j % 11} <u{j % 11}@example.org>\nSubject: {subject}\nMessage-ID: <e{j}@x>\n\nb\n"
        (root / "cur" / name).write_bytes(data.encode())
    return root


def everything(backend: MaildirBackend) -> list[Envelope]:
    refs = backend.list_refs("INBOX")
    return backend.fetch_envelopes("INBOX", refs)  # reads every file: the index is full


@pytest.fixture
def backend(tmp_path: Path) -> MaildirBackend:
    return MaildirBackend(build(tmp_path / "Mail"), header_cache=tmp_path / "cache.sqlite3")


def test_nothing_is_answered_before_a_message_is_indexed(backend: MaildirBackend) -> None:
    refs = backend.list_refs("INBOX")
    assert backend.index_columns("INBOX", refs, COLUMNS) == {}
    assert backend.index_search("INBOX", refs, "any", "report") == (set(), set())
    backend.fetch_envelopes("INBOX", refs[:2])
    assert set(backend.index_columns("INBOX", refs, ["size"])) == {r.key for r in refs[:2]}
    assert backend.index_search("INBOX", refs, "any", "")[1] == {r.key for r in refs[:2]}


def test_columns_equal_the_values_of_the_envelopes(backend: MaildirBackend) -> None:
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    got = backend.index_columns("INBOX", refs, COLUMNS)
    assert got == {e.ref.key: index_values(e, COLUMNS) for e in envs}
    # A missing Date sorts by the delivery time in the file name, as Envelope.sort_date does.
    undated = next(e for e in envs if e.date is None)
    assert got[undated.ref.key][0] == undated.ref.timestamp and int(undated.ref.timestamp) == BASE + 4 * 60
    # One column alone, in another order, and a subset of the refs.
    assert backend.index_columns("INBOX", refs[1:3], ["subject_key"]) == {
        e.ref.key: index_values(e, ["subject_key"]) for e in envs[1:3]
    }


@pytest.mark.parametrize(
    ("field", "needle"),
    [
        ("any", "report"),
        ("any", "été"),  # the index lower-cases as Python does: ÉTÉ matches
        ("subject", "σίσυφος"),
        ("from", "jürgen"),
        ("from", "zed, admin"),
        ("to", "carol@example.com"),  # To and Cc, as typed in any case
        ("to", "dave"),
        ("subject", "re: re:"),
        ("any", "nothing matches this"),
        ("any", ""),
    ],
)
def test_search_equals_query_matches_over_the_envelopes(
    backend: MaildirBackend, field: SearchField, needle: str
) -> None:
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    hits, indexed = backend.index_search("INBOX", refs, field, needle.lower())
    expected = {e.ref.key for e in envs if query_matches(e, Query(field, needle.lower()))}
    assert hits == expected
    assert indexed == {r.key for r in refs}
    if needle == "été":
        assert len(hits) == 3


def test_big_requests_read_the_folder_in_one_pass_with_the_same_answer(tmp_path: Path) -> None:
    backend = MaildirBackend(build(tmp_path / "Mail", extra=2100), header_cache=tmp_path / "c.sqlite3")
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    assert len(refs) > 2000  # over the size where the folder is read in one pass
    whole = backend.index_columns("INBOX", refs, ["sender_key", "date"])
    assert whole == {e.ref.key: index_values(e, ["sender_key", "date"]) for e in envs}
    # A part of the refs over the same size: only its keys come back.
    part: Sequence = refs[:2050]
    assert set(backend.index_columns("INBOX", part, ["size"])) == {r.key for r in refs[:2050]}
    hits, indexed = backend.index_search("INBOX", part, "subject", "report 3 nightly")
    expected = {e.ref.key for e in envs[:2050] if query_matches(e, Query("subject", "report 3 nightly"))}
    assert hits == expected and len(indexed) == 2050 and hits


def test_unread_keys_follow_the_current_file_names(backend: MaildirBackend, tmp_path: Path) -> None:
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    assert backend.unread_keys("INBOX", refs) == {e.ref.key for e in envs if e.is_unread}
    # Another client reads the message in new/ (moves it to cur/ with S): it is no longer unread.
    cur = tmp_path / "Mail" / "cur"
    new_name = next(iter(os.listdir(tmp_path / "Mail" / "new")))
    os.rename(tmp_path / "Mail" / "new" / new_name, cur / f"{new_name}:2,S")
    refs = backend.list_refs("INBOX")
    again = backend.fetch_envelopes("INBOX", refs)
    assert backend.unread_keys("INBOX", refs) == {e.ref.key for e in again if e.is_unread}
    assert new_name not in backend.unread_keys("INBOX", refs)


def test_a_message_that_left_the_folder_is_not_answered(backend: MaildirBackend, tmp_path: Path) -> None:
    everything(backend)
    refs = backend.list_refs("INBOX")
    gone = refs[0]
    backend.delete("INBOX", [gone])
    refs = backend.list_refs("INBOX")
    assert gone.key not in backend.index_columns("INBOX", refs, ["size"])
    assert gone.key not in backend.index_search("INBOX", refs, "any", "")[1]


def big_from(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """Folders of `count` messages count as big (their index fills in the background)."""
    from mailtui.backends.maildir import backend as maildir_backend

    monkeypatch.setattr(maildir_backend, "BACKGROUND_INDEX_MIN", count)


def test_a_big_folder_is_indexed_in_the_background_by_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_from(monkeypatch, 20)  # "big" for this test
    root = build(tmp_path / "Mail", extra=30)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    backend.fetch_envelopes("INBOX", refs[:5])  # the first screen, indexed by the app itself
    assert backend.prefetch_envelopes("INBOX", refs) == len(refs) - 5  # the rest, by the child
    assert set(backend.index_columns("INBOX", refs, ["size"])) == {r.key for r in refs}
    envs = MaildirBackend(root, header_cache=False).fetch_envelopes("INBOX", refs)
    assert backend.index_columns("INBOX", refs, COLUMNS) == {
        e.ref.key: index_values(e, COLUMNS) for e in envs
    }
    assert backend.prefetch_envelopes("INBOX", refs) == 0  # nothing left to index
    # A small folder is left to the app (read when an order or a search needs it).
    assert backend.prefetch_envelopes("INBOX", refs[:10]) == 0


def test_a_background_fill_asked_to_stop_ends_its_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_from(monkeypatch, 20)
    root = build(tmp_path / "Mail", extra=30)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    started: list[object] = []

    def stop() -> bool:
        started.extend(backend._fill_children)  # the child is running when asked
        return True

    assert backend.prefetch_envelopes("INBOX", refs, should_stop=stop) == 0
    assert started and all(child.poll() is not None for child in started)  # type: ignore[attr-defined]
    assert not backend._fill_children


def test_the_background_fill_stores_the_first_orders_for_this_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_from(monkeypatch, 20)
    root = build(tmp_path / "Mail", extra=40)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    assert backend.stored_order("INBOX", refs, "threads") is None
    backend.prefetch_envelopes("INBOX", refs)
    envs = MaildirBackend(root, header_cache=False).fetch_envelopes("INBOX", refs)
    for mode in ("threads", "from:asc", "subject:asc", "size:desc"):
        assert stored_keys(backend, refs, mode) == reference_order(envs, mode), mode
    assert backend.stored_order("INBOX", refs, "from:desc") is None  # stored once first shown
    # New mail: the listing is another one, so its stored orders do not fit it.
    (root / "new" / f"{BASE + 10**6}.M1P9.host").write_bytes(b"Subject: late\nMessage-ID: <late@x>\n\nx\n")
    assert backend.stored_order("INBOX", backend.list_refs("INBOX"), "threads") is None
    assert backend.stored_order("INBOX", refs, "threads") is not None  # the old listing's is kept


def test_a_stored_order_round_trips_and_a_damaged_one_is_ignored(backend: MaildirBackend) -> None:
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    keys, depths = reference_order(envs, "threads")
    assert depths  # the fixture has replies
    backend.store_order("INBOX", refs, "threads", keys, depths)
    assert stored_keys(backend, refs, "threads") == (keys, depths)
    stored = backend.stored_order("INBOX", refs, "threads")
    assert stored is not None and isinstance(stored[0], RefList) and all(r.hint for r in stored[0])
    backend.store_order("INBOX", refs, "subject:asc", keys[:-1], {})  # not every key: not stored
    assert backend.stored_order("INBOX", refs, "subject:asc") is None
    cache = backend.header_cache
    assert cache is not None
    digest = maildir_backend_digest(refs)
    mode = queries.stored_mode("threads")
    cache.put_order("INBOX", mode, digest, b"\xff" * 4 * len(keys), b"\0" * 4 * len(keys))
    assert backend.stored_order("INBOX", refs, "threads") is None  # positions out of range


def stored_keys(
    backend: MaildirBackend, refs: Sequence, mode: str
) -> tuple[list[str], dict[str, int]] | None:
    stored = backend.stored_order("INBOX", refs, mode)
    return None if stored is None else ([r.key for r in stored[0]], stored[1])


def maildir_backend_digest(refs: Sequence) -> str:
    from mailtui.backends.maildir.queries import listing_digest

    return listing_digest([r.key for r in refs])


def test_a_complete_listing_is_remembered_and_new_mail_is_still_reported_unindexed(tmp_path: Path) -> None:
    root = build(tmp_path / "Mail", extra=2100)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    expected = {e.ref.key for e in envs if query_matches(e, Query("any", "report 1"))}
    for _ in range(2):  # the first search finds the listing complete, the second trusts that
        hits, indexed = backend.index_search("INBOX", refs, "any", "report 1")
        assert hits == expected and indexed == {r.key for r in refs}
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:  # the listing is remembered as complete
        assert db.execute("SELECT folder FROM complete").fetchall() == [("INBOX",)]
    new = f"{BASE + 10**6}.M7P7.host"
    (root / "new" / new).write_bytes(b"Subject: Report 1 late\nMessage-ID: <late@x>\n\nx\n")
    refs = backend.list_refs("INBOX")
    hits, indexed = backend.index_search("INBOX", refs, "any", "report 1")
    assert new not in indexed and len(indexed) == len(refs) - 1 and hits == expected


def test_a_reordered_listing_keeps_the_file_hints(backend: MaildirBackend) -> None:
    refs = backend.list_refs("INBOX")
    assert isinstance(refs, RefList)
    order = list(reversed(range(len(refs))))[:4]
    part = refs.take(order)
    assert [r.key for r in part] == [refs[i].key for i in order]
    assert [r.hint for r in part] == [refs[i].hint for i in order] and all(r.hint for r in part)
    assert part.keys() == [refs[i].key for i in order]
    assert backend.fetch_envelopes("INBOX", part) == backend.fetch_envelopes(
        "INBOX", [refs[i] for i in order]
    )


# -- defects found in review, each with the case that showed it ---------------------------


def test_a_message_moved_back_by_another_client_is_searched_again(tmp_path: Path) -> None:
    """Deleted here (its row follows it to Trash), restored by mutt: the listing has the old
    keys again, but its row is elsewhere, so the folder is no longer known as indexed."""
    root = build(tmp_path / "Mail", extra=2100)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    backend.fetch_envelopes("INBOX", refs)
    victim = next(
        r
        for r in refs
        if "Report 7 NIGHTLY" in "".join(e.subject for e in backend.fetch_envelopes("INBOX", [r]))
    )
    assert victim.key in backend.index_search("INBOX", refs, "subject", "report 7")[0]  # remembered complete
    backend.delete("INBOX", [victim])
    trash = root / ".Trash" / "cur"
    (name,) = os.listdir(trash)
    os.rename(trash / name, root / "cur" / name)  # another client restores it
    again = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = again.list_refs("INBOX")
    assert refs.keys() == backend.list_refs("INBOX").keys()
    _hits, indexed = again.index_search("INBOX", refs, "subject", "report 7")
    assert victim.key not in indexed  # so the search reads it: found, as the envelope path finds it


def test_unread_keys_know_the_other_flag_separators(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for i, suffix in enumerate(["!2,S", ";2,S", "!2,F", ":2,RS"]):  # mbsync, Dovecot, unread, read
        (root / "cur" / f"{BASE + i}.M{i}P1.h{suffix}").write_bytes(b"Subject: x\n\nb\n")
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    envs = backend.fetch_envelopes("INBOX", refs)
    assert backend.unread_keys("INBOX", refs) == {e.ref.key for e in envs if e.is_unread}
    assert len(backend.unread_keys("INBOX", refs)) == 1


def test_missing_dates_and_odd_white_space_equal_the_envelope_path(tmp_path: Path) -> None:
    """Names without a time (refs carry the file's mtime) and a no-break space inside an id."""
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for i, name in enumerate(["msgA:2,S", "msgB:2,S", "msgC:2,S"]):
        refs_line = "References: <foo\xa0bar@x> <baz@x>\n" if i == 1 else ""
        (root / "cur" / name).write_bytes(f"Subject: s{i}\nMessage-ID: <{i}@x>\n{refs_line}\nb\n".encode())
        os.utime(root / "cur" / name, (BASE + i * 100, BASE + i * 100))
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    envs = backend.fetch_envelopes("INBOX", refs)
    assert backend.index_columns("INBOX", refs, COLUMNS) == {
        e.ref.key: index_values(e, COLUMNS) for e in envs
    }
    assert [e.date for e in envs] == [None, None, None] and {e.ref.timestamp for e in envs} != {0.0}
    again = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3").fetch_envelopes("INBOX", refs)
    assert again == envs  # the cached envelope keeps the id's no-break space too


def test_a_file_name_that_is_not_utf8_is_read_but_not_indexed(tmp_path: Path) -> None:
    root = build(tmp_path / "Mail")
    odd = os.fsencode(root / "cur") + f"/{BASE + 99}.M99P1.h".encode() + b"\xff:2,S"
    with open(odd, "wb") as f:
        f.write(b"Subject: odd name\n\nb\n")
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    envs = backend.fetch_envelopes("INBOX", refs)
    assert "odd name" in [e.subject for e in envs]
    odd_key = next(e.ref.key for e in envs if e.subject == "odd name")
    assert odd_key not in backend.index_columns("INBOX", refs, ["size"])
    assert odd_key not in backend.index_search("INBOX", refs, "any", "odd")[1]
    assert len(backend.index_columns("INBOX", refs, ["size"])) == len(refs) - 1


def test_a_closed_backend_opens_no_cache_and_starts_no_fill(backend: MaildirBackend) -> None:
    refs = backend.list_refs("INBOX")
    backend.close()
    assert backend.header_cache is None
    assert backend.prefetch_envelopes("INBOX", refs) == 0 and not backend._fill_children


def test_the_fill_child_ends_when_the_app_dies(tmp_path: Path) -> None:
    """The app killed outright (here: os._exit in a parent process): its fill child goes too."""
    root = build(tmp_path / "Mail", extra=3000)
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, threading, time\n"
        "from pathlib import Path\n"
        "from mailtui.backends.maildir.fill import fill_in_child\n"
        "running = set()\n"
        f"args = (Path({str(root)!r}), 'INBOX', Path({str(tmp_path / 'c.sqlite3')!r}), lambda: False, running)\n"
        "threading.Thread(target=fill_in_child, args=args, daemon=True).start()\n"
        "while not running: time.sleep(0.01)\n"
        "print(next(iter(running)).pid, flush=True)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    child = int(done.stdout.split()[0])
    deadline = time.monotonic() + 60
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for a condition (the child gone), bounded
    assert not _alive(child)
    # It stopped when the parent died, not after indexing all 3006 messages on its own.
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        indexed = db.execute("SELECT count(*) FROM envelopes").fetchone()[0] if "envelopes" in tables else 0
    assert indexed < 3006


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_orders_are_versioned_and_two_listings_keep_theirs(
    backend: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    envs = everything(backend)
    refs = backend.list_refs("INBOX")
    keys, depths = reference_order(envs, "threads")
    backend.store_order("INBOX", refs, "threads", keys, depths)
    shorter = refs[1:]
    backend.store_order("INBOX", shorter, "threads", [k for k in keys if k != refs[0].key], {})
    assert stored_keys(backend, refs, "threads") == (keys, depths)  # the first listing's is kept
    assert stored_keys(backend, shorter, "threads") is not None
    monkeypatch.setattr(queries, "ORDER_VERSION", 99)  # another mailtui's rules
    assert backend.stored_order("INBOX", refs, "threads") is None


def test_a_folder_indexed_with_its_orders_stored_starts_no_fill_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm start of a big folder: every key indexed and the first orders stored for
    this listing, so no child process is started (it would only find nothing to do, and
    its interpreter plus the listing cost as much memory as the app)."""
    from mailtui.backends.maildir import backend as maildir_backend

    big_from(monkeypatch, 20)
    root = build(tmp_path / "Mail", extra=30)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    assert backend.prefetch_envelopes("INBOX", refs) == len(refs)  # the cold start: a child
    children: list[object] = []
    real = maildir_backend.fill_in_child

    def counted(*args: object, **kwargs: object) -> int:
        children.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(maildir_backend, "fill_in_child", counted)
    again = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")  # the next start
    assert again.prefetch_envelopes("INBOX", again.list_refs("INBOX")) == 0
    assert children == []
    # A flag change renames a file but keeps every key: still nothing to start.
    first = again.list_refs("INBOX")[0]
    again.set_flags("INBOX", [first], add=frozenset({Flag.SEEN}))
    assert again.prefetch_envelopes("INBOX", again.list_refs("INBOX")) == 0
    assert children == []
    # New mail: a key not indexed yet, so a child reads it (and stores the new orders).
    (root / "new" / f"{BASE + 10**6}.M1P9.host").write_bytes(b"Subject: late\nMessage-ID: <late@x>\n\nx\n")
    assert again.prefetch_envelopes("INBOX", again.list_refs("INBOX")) == 1
    assert len(children) == 1
    assert again.prefetch_envelopes("INBOX", again.list_refs("INBOX")) == 0
    assert len(children) == 1  # and the next start is warm again


def test_only_stored_orders_missing_still_starts_a_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexed but an order not stored for this listing (a search indexed it all): the
    child stores the orders, so the first ctrl+t and `o` are lookups."""
    big_from(monkeypatch, 20)
    root = build(tmp_path / "Mail", extra=30)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    backend.fetch_envelopes("INBOX", refs)  # all indexed by the app, no order stored
    assert backend.stored_order("INBOX", refs, "threads") is None
    assert backend.prefetch_envelopes("INBOX", refs) == 0
    assert backend.stored_order("INBOX", refs, "threads") is not None


def test_a_fill_that_could_not_store_every_key_does_not_call_the_listing_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name that is not UTF-8 is read but has no row (sqlite cannot take it): the
    listing is not marked complete, so a search still reads that message."""
    big_from(monkeypatch, 20)
    root = build(tmp_path / "Mail", extra=2100)  # a big listing: searched in bulk statements
    odd = os.fsencode(root / "cur") + f"/{BASE + 99 * 60}.M99P1.h".encode() + b"\xff:2,S"
    with open(odd, "wb") as f:
        f.write(b"From: odd@example.org\nSubject: hello odd\nMessage-ID: <odd@x>\n\nb\n")
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    refs = backend.list_refs("INBOX")
    backend.prefetch_envelopes("INBOX", refs)
    hits, indexed = backend.index_search("INBOX", refs, "subject", "hello odd")
    [odd_key] = [r.key for r in refs if "\udcff" in r.key]
    assert odd_key not in indexed  # so the session reads it and finds it
    assert not hits
    found = backend.fetch_envelopes("INBOX", [r for r in refs if r.key == odd_key])
    assert found and found[0].subject == "hello odd"
