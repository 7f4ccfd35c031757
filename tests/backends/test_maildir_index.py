"""The Maildir header cache as the folder's query index: sort columns, search, unread keys.

Every answer is compared with a reference computed in Python over the envelopes of the
same messages (`core.index.columns.index_values`, `session.search_scan.query_matches`),
so the index path and the envelope path cannot drift apart.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from mailtui.backends.base import IndexColumn, SearchField
from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.maildir.refs import RefList
from mailtui.core.index.columns import index_values
from mailtui.core.index.sorting import as_sort_key, sort_keys, sort_row
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope
from mailtui.session.search_scan import Query, query_matches

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


def reference_order(envs: list[Envelope], mode: str) -> tuple[list[str], dict[str, int]]:
    """The order `mode` computed the plain way, from envelopes (sort_keys / thread_order)."""
    if mode == "threads":
        lines = thread_order(
            ThreadRow(e.ref.key, e.message_id, e.in_reply_to, e.references, e.sort_date) for e in envs
        )
        return [line.key for line in lines], {line.key: line.depth for line in lines if line.depth}
    by, direction = mode.split(":")
    return sort_keys([sort_row(e) for e in envs], as_sort_key(by), direction == "desc"), {}


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
    cache.put_order("INBOX", "threads", digest, b"\xff" * 4 * len(keys), b"\0" * 4 * len(keys))
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
