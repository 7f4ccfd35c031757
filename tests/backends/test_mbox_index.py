"""The mbox index (backends/mbox/index.py) as the folder's query index: columns, orders,
search, unread keys, stored orders.

Every answer is compared with the envelope path over the same messages
(`core.index.columns.index_values`, `sort_keys`/`thread_order`, `evaluate.matches` on what
`fetch_envelopes` of an index-free backend reads), before and after the file changes:
by the backend itself (keys shift) and by another program (appends, rewrites, a header
edited in place without changing any key).
"""

from __future__ import annotations

import mailbox
from collections.abc import Sequence
from pathlib import Path

import pytest

from mailtui import paths
from mailtui.backends.base import IndexColumn, SearchField
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.index.columns import index_values
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.core.patterns.evaluate import EnvelopeFacts, matches
from mailtui.core.patterns.nodes import index_answerable
from mailtui.core.patterns.parse import parse
from mailtui.session.search_scan import Query, query_matches, scan_folder
from tests.backends.orders import reference_order

FOLDER = "inbox.mbox"
COLUMNS: tuple[IndexColumn, ...] = (
    "date",
    "size",
    "sender_key",
    "subject_key",
    "message_id",
    "in_reply_to",
    "references",
)
MODES = ("threads", "from:asc", "from:desc", "subject:asc", "subject:desc", "size:asc", "date:asc")
NOW = 1_700_100_000.0


def date(minute: int) -> str:
    return f"Date: Tue, 14 Nov 2023 22:{minute:02d}:00 +0000\n"


# (Status/X-Status lines, headers): RFC 2047 names and subjects, reply prefixes and list
# tags, ties on sender, subject and date, a missing Date, a missing and a duplicate
# Message-ID, a reply to a parent that is not in the folder.
MESSAGES = [
    (
        "Status: RO\n",
        "From: =?utf-8?q?=C3=9Cnal_=C3=96zt=C3=BCrk?= <unal@example.org>\n"
        "Subject: =?utf-8?q?=C3=89T=C3=89_Report?=\nMessage-ID: <a@x>\n" + date(1),
    ),
    (
        "",
        "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\nSubject: Re: [ops] AW: =?utf-8?q?=C3=A9t=C3=A9?= report\n"
        "Message-ID: <b@x>\nIn-Reply-To: <a@x>\nReferences: <a@x>\n" + date(2),
    ),
    (
        "Status: RO\nX-Status: A\n",
        "From: bob@example.net\nTo: Carol <CAROL@Example.COM>\nCc: Dave <dave@example.com>\n"
        "Subject: Fwd: Backup FAILED\nMessage-ID: <c@x>\n" + date(3),
    ),
    (
        "Status: O\n",
        'From: "Zed, Admin" <zed@example.org>\nSubject: backup ok\nMessage-ID: <c@x>\n' + date(3),
    ),
    ("X-Status: F\n", "From: <noname@example.org>\nSubject: =?utf-8?b?zqPOis6jzqXOps6fzqM=?= ticket\n"),
    (
        "Status: R\n",
        "From: Alice <alice@example.org>\nSubject: Re: Re: Fwd: =?utf-8?q?=C3=89T=C3=89?= report\n"
        "Message-ID: <d@x>\nIn-Reply-To: <b@x>\nReferences: <a@x> <b@x>\n" + date(5),
    ),
    (
        "Status: RO\n",
        "From: bob@example.net\nSubject: Re: lost parent\nMessage-ID: <e@x>\n"
        "In-Reply-To: <gone@x>\nReferences: <gone@x>\n" + date(3),
    ),
    ("", "From: Alice <alice@example.org>\nSubject: backup ok\nMessage-ID: <f@x>\n" + date(2)),
]


def entry(i: int, status: str, headers: str, body: str = "") -> bytes:
    from_line = f"From sender@example.org Tue Nov 14 22:{10 + i:02d}:00 2023\n"
    return f"{from_line}{headers}To: root@example.org\n{status}\nbody {'x' * i}\n>From the log\n{body}\n".encode()


def build(path: Path, extra: int = 0) -> Path:
    parts = [entry(i, status, headers) for i, (status, headers) in enumerate(MESSAGES)]
    for j in range(extra):
        i = len(MESSAGES) + j
        subject = f"{'Re: ' if j % 4 == 0 else ''}Report {j % 17} NIGHTLY"
        headers = f"From: User {j % 11} <u{j % 11}@example.org>\nSubject: {subject}\nMessage-ID: <e{j}@x>\n"
        parts.append(entry(i % 40, "Status: RO\n" if j % 3 else "", headers))
    path.write_bytes(b"".join(parts))
    return path


def truth(path: Path) -> tuple[list[MessageRef], list[Envelope]]:
    """The listing and its envelopes read by a backend without an index: the envelope path."""
    plain = MboxBackend(path, header_cache=False)
    refs = plain.list_refs(FOLDER)
    return refs, plain.fetch_envelopes(FOLDER, refs)


def everything(backend: MboxBackend) -> list[Envelope]:
    return backend.fetch_envelopes(FOLDER, backend.list_refs(FOLDER))  # reads every header: all indexed


def index_order(
    backend: MboxBackend, refs: Sequence[MessageRef], mode: str
) -> tuple[list[str], dict[str, int]]:
    """The order `mode` from the index's columns alone (every message must be indexed)."""
    from mailtui.core.index.columns import order_columns, order_from_rows

    columns: Sequence[IndexColumn] = order_columns(mode)  # type: ignore[assignment]
    rows = backend.index_columns(FOLDER, refs, columns)
    assert set(rows) == {r.key for r in refs}
    return order_from_rows([r.key for r in refs], rows, mode)


def assert_exact(backend: MboxBackend, path: Path) -> None:
    """Every answer of the index equals the envelope path, for the current listing."""
    refs, envs = truth(path)
    backend.fetch_envelopes(FOLDER, refs)  # the rows missing after a change are read
    assert backend.index_columns(FOLDER, refs, COLUMNS) == {e.ref.key: index_values(e, COLUMNS) for e in envs}
    for mode in MODES:
        assert index_order(backend, refs, mode) == reference_order(envs, mode), mode
    assert backend.unread_keys(FOLDER, refs) == {e.ref.key for e in envs if e.is_unread}
    for needle in ("backup", "report", "été", "bob"):
        hits, indexed = backend.index_search(FOLDER, refs, "any", needle)
        assert hits == {e.ref.key for e in envs if query_matches(e, Query("any", needle))}, needle
        assert indexed == {r.key for r in refs}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return build(tmp_path / FOLDER)


@pytest.fixture
def backend(path: Path, tmp_path: Path) -> MboxBackend:
    return MboxBackend(path, header_cache=tmp_path / "index.sqlite3")


def test_nothing_is_answered_before_a_message_is_read(backend: MboxBackend) -> None:
    refs = backend.list_refs(FOLDER)
    assert backend.index_columns(FOLDER, refs, COLUMNS) == {}
    assert backend.index_search(FOLDER, refs, "any", "report") == (set(), set())
    backend.fetch_envelopes(FOLDER, refs[:2])  # the first screen indexes what it reads
    assert set(backend.index_columns(FOLDER, refs, ["size"])) == {r.key for r in refs[:2]}
    assert backend.index_search(FOLDER, refs, "any", "")[1] == {r.key for r in refs[:2]}


def test_columns_and_orders_equal_the_envelope_path(backend: MboxBackend, path: Path) -> None:
    everything(backend)
    assert_exact(backend, path)
    refs, envs = truth(path)
    undated = next(e for e in envs if e.date is None)  # sorts by its From_ line's time
    assert backend.index_columns(FOLDER, [undated.ref], ["date"])[undated.ref.key] == (undated.ref.timestamp,)
    # A ref that lost its timestamp (as `_rewrite` gives them) still sorts by the From_ line.
    bare = MessageRef(undated.ref.key)
    assert backend.index_columns(FOLDER, [bare], ["date"]) == {bare.key: (undated.ref.timestamp,)}
    assert index_order(backend, refs, "threads")[1]  # the fixture has replies


@pytest.mark.parametrize(
    ("field", "needle"),
    [
        ("any", "report"),
        ("any", "été"),  # lower-cased as Python does: ÉTÉ matches
        ("subject", "σίσυφος"),
        ("from", "jürgen"),
        ("from", "zed, admin"),
        ("to", "carol@example.com"),
        ("to", "dave"),
        ("subject", "re: re:"),
        ("any", "nothing matches this"),
        ("any", ""),
    ],
)
def test_field_search_equals_query_matches(
    backend: MboxBackend, path: Path, field: SearchField, needle: str
) -> None:
    everything(backend)
    refs, envs = truth(path)
    hits, indexed = backend.index_search(FOLDER, refs, field, needle)
    assert hits == {e.ref.key for e in envs if query_matches(e, Query(field, needle))}
    assert indexed == {r.key for r in refs}


PATTERNS = [
    "~f jürgen",
    "~s ^re:",
    "=s ÉTÉ",
    "~C dave",
    "~c dave",
    "~t carol",
    "~i c@x",
    "~x a@x",
    "~x gone",
    "~d 14/11/2023-14/11/2023",
    "~z >150",
    "~z <150",
    "!~s report",
    "~f bob | ~s backup",
    "~f alice ~s backup",
    "(~s report | ~f zed) !~i d@x",
    "ticket",
]


@pytest.mark.parametrize("text", PATTERNS)
def test_patterns_equal_evaluate_over_the_envelopes(backend: MboxBackend, path: Path, text: str) -> None:
    everything(backend)
    refs, envs = truth(path)
    node = parse(text, now=NOW)
    assert index_answerable(node)
    hits, indexed = backend.index_search(FOLDER, refs, node, "")
    assert hits == {e.ref.key for e in envs if matches(node, EnvelopeFacts(e))}
    assert indexed == {r.key for r in refs}


@pytest.mark.parametrize("text", ["~N ~s report", "~F | ~f bob", "!~N backup", "~A"])
def test_the_session_scan_with_flags_equals_evaluate(backend: MboxBackend, path: Path, text: str) -> None:
    """Half indexed: the index answers its part, the unread keys the ~N, the rest is read."""
    refs = backend.list_refs(FOLDER)
    backend.fetch_envelopes(FOLDER, refs[:4])
    node = parse(text, now=NOW)
    found = [
        item.ref.key if isinstance(item, Envelope) else item.key
        for _done, chunk in scan_folder(lambda fn: fn(backend), FOLDER, node, refs, {}, lambda: False)
        for item in chunk
    ]
    _refs, envs = truth(path)
    assert found == [e.ref.key for e in envs if matches(node, EnvelopeFacts(e))]


def test_unread_keys_come_from_the_status_headers_and_in_memory_changes(path: Path, tmp_path: Path) -> None:
    backend = MboxBackend(path, header_cache=tmp_path / "i.sqlite3", read_only=True)
    refs, envs = truth(path)
    assert backend.unread_keys(FOLDER, refs) == {e.ref.key for e in envs if e.is_unread}  # reads them
    assert backend.index_columns(FOLDER, refs, ["size"]).keys() == {r.key for r in refs}  # and indexed them
    unread = [e.ref for e in envs if e.is_unread]
    backend.set_flags(FOLDER, unread[:1], add=frozenset({Flag.SEEN}))  # read-only: kept in memory
    assert backend.unread_keys(FOLDER, refs) == {r.key for r in unread[1:]}
    (folder,) = backend.list_folders()
    assert folder.unread == len(unread) - 1


def test_after_the_backend_changes_flags_and_deletes_the_answers_stay_exact(
    backend: MboxBackend, path: Path
) -> None:
    everything(backend)
    refs = backend.list_refs(FOLDER)
    oldest = refs[-1]  # first in the file: every other message moves
    (new,) = backend.set_flags(FOLDER, [oldest], add=frozenset({Flag.FLAGGED}), remove=frozenset({Flag.SEEN}))
    assert new.key != oldest.key
    after = backend.list_refs(FOLDER)
    indexed = backend.index_columns(FOLDER, after, ["size"])
    # The moved rows followed their messages; only the changed one is read again.
    assert set(indexed) == {r.key for r in after} - {new.key}
    assert oldest.key not in backend.index_columns(FOLDER, refs, ["size"])
    assert_exact(backend, path)
    backend.delete(FOLDER, [after[-2], after[3]])
    later = backend.list_refs(FOLDER)
    assert set(backend.index_columns(FOLDER, later, ["size"])) == {r.key for r in later}
    assert_exact(backend, path)


def test_after_another_program_appends_the_old_rows_stay_and_the_new_message_is_read(
    backend: MboxBackend, path: Path
) -> None:
    everything(backend)
    with open(path, "ab") as f:  # what a delivery agent does
        f.write(entry(30, "", "From: late@example.org\nSubject: Re: backup ok\nMessage-ID: <g@x>\n"))
    refs = backend.list_refs(FOLDER)
    assert set(backend.index_columns(FOLDER, refs, ["size"])) == {r.key for r in refs[1:]}
    assert_exact(backend, path)


def test_after_another_program_rewrites_the_file_no_old_row_is_answered(
    backend: MboxBackend, path: Path
) -> None:
    everything(backend)
    old = backend.list_refs(FOLDER)
    box = mailbox.mbox(path)  # another mail program: deletes the oldest, rewrites the rest
    box.lock()
    try:
        first = next(iter(box.keys()))
        box.remove(first)
        box.flush()
    finally:
        box.unlock()
        box.close()
    refs = backend.list_refs(FOLDER)
    gone = {r.key for r in old} - {r.key for r in refs}
    assert gone and not set(backend.index_columns(FOLDER, old, ["size"])) & gone
    assert_exact(backend, path)


def test_a_header_edited_in_place_without_changing_its_key_is_read_again(
    backend: MboxBackend, path: Path
) -> None:
    """Same offset, length and From_ line: the key is the same, the row is not."""
    everything(backend)
    refs, envs = truth(path)
    for mode in MODES:
        backend.store_order(FOLDER, refs, mode, *reference_order(envs, mode))
    data = path.read_bytes()
    edited = data.replace(b"Subject: backup ok\nMessage-ID: <c@x>", b"Subject: zzzzzz ok\nMessage-ID: <c@x>")
    edited = edited.replace(b"X-Status: F\n", b"Status:   R\n")  # flagged, unread -> read
    assert len(edited) == len(data) and edited != data
    with open(path, "r+b") as f:  # in place: another program's same-length edit
        f.write(edited)
    after = backend.list_refs(FOLDER)
    assert [r.key for r in after] == [r.key for r in refs]
    refs, envs = truth(path)
    for mode in MODES:
        stored = backend.stored_order(FOLDER, refs, mode)
        assert stored is None or ([r.key for r in stored[0]], stored[1]) == reference_order(envs, mode)
    assert_exact(backend, path)


def test_a_stored_order_round_trips_and_fits_only_its_listing(backend: MboxBackend, path: Path) -> None:
    everything(backend)
    refs, envs = truth(path)
    keys, depths = reference_order(envs, "threads")
    assert backend.stored_order(FOLDER, refs, "threads") is None
    backend.store_order(FOLDER, refs, "threads", keys, depths)
    stored = backend.stored_order(FOLDER, refs, "threads")
    assert stored is not None and ([r.key for r in stored[0]], stored[1]) == (keys, depths)
    backend.store_order(FOLDER, refs, "subject:asc", keys[:-1], {})  # not every key: not stored
    assert backend.stored_order(FOLDER, refs, "subject:asc") is None
    assert backend.stored_order(FOLDER, refs[1:], "threads") is None  # another listing


def test_big_listings_are_answered_in_one_pass_with_the_same_answer(tmp_path: Path) -> None:
    path = build(tmp_path / FOLDER, extra=2100)
    backend = MboxBackend(path, header_cache=tmp_path / "i.sqlite3")
    everything(backend)
    refs, envs = truth(path)
    assert len(refs) > 2000
    assert backend.index_columns(FOLDER, refs, ["sender_key", "date"]) == {
        e.ref.key: index_values(e, ["sender_key", "date"]) for e in envs
    }
    for text in ("~s report ~f 'user 3'", "!~s report", "~d 14/11/2023-14/11/2023 !~i e1"):
        node = parse(text, now=NOW)
        hits, indexed = backend.index_search(FOLDER, refs, node, "")
        assert hits == {e.ref.key for e in envs if matches(node, EnvelopeFacts(e))} and hits, text
        assert len(indexed) == len(refs)
    hits, indexed = backend.index_search(FOLDER, refs[:2050], "any", "nightly")
    assert hits == {e.ref.key for e in envs[:2050] if query_matches(e, Query("any", "nightly"))} and hits
    assert indexed == {r.key for r in refs[:2050]}
    unread = {e.ref.key for e in envs if e.is_unread}
    assert backend.unread_keys(FOLDER, refs) == unread and 0 < len(unread) < len(refs)


def test_an_mbox_without_a_writable_cache_dir_still_works(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir would be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    backend = MboxBackend(path)
    refs, envs = truth(path)
    assert backend.fetch_envelopes(FOLDER, refs) == envs
    assert backend.index_columns(FOLDER, refs, COLUMNS) == {}  # nothing indexed: the envelope path
    assert backend.index_search(FOLDER, refs, "any", "x") == (set(), set())
    assert backend.unread_keys(FOLDER, refs) == {e.ref.key for e in envs if e.is_unread}
    assert backend.stored_order(FOLDER, refs, "threads") is None
    backend.store_order(FOLDER, refs, "threads", *reference_order(envs, "threads"))
    (folder,) = backend.list_folders()
    assert folder.total == len(refs)
    notices = backend.take_notices()
    assert any("mbox index" in n and "off for this session" in n for n in notices)
    backend.set_flags(FOLDER, refs[:1], add=frozenset({Flag.SEEN}))
    assert backend.take_notices() == []  # said once


def test_the_default_index_lives_in_the_cache_dir(path: Path) -> None:
    backend = MboxBackend(path)
    everything(backend)
    index = backend.index
    assert index is not None and index.path.is_relative_to(paths.cache_dir() / "mbox")
    assert index.count() == len(MESSAGES)
    backend.close()
    assert backend.index is None


def test_a_warm_index_answers_without_reading_the_file_until_someone_changes_it(
    backend: MboxBackend, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything(backend)  # a new index: what it read matches the file as it was
    reads: list[str] = []
    real = backend._read

    def counted(f, ref, *, whole):  # type: ignore[no-untyped-def]
        reads.append(ref.key)
        return real(f, ref, whole=whole)

    monkeypatch.setattr(backend, "_read", counted)
    refs = backend.list_refs(FOLDER)
    for mode in MODES:
        index_order(backend, refs, mode)
    backend.unread_keys(FOLDER, refs)
    assert reads == []
    with open(path, "ab") as f:
        f.write(entry(31, "", "From: late@example.org\nSubject: late\n"))
    backend.index_columns(FOLDER, backend.list_refs(FOLDER), ["size"])
    assert sorted(reads) == sorted(r.key for r in refs)  # every row checked once, then trusted
    reads.clear()
    backend.index_columns(FOLDER, backend.list_refs(FOLDER), ["size"])
    assert reads == []


def test_a_ref_key_in_another_spelling_is_read_but_not_indexed(backend: MboxBackend) -> None:
    ref = backend.list_refs(FOLDER)[0]
    odd = MessageRef(" " + ref.key, ref.timestamp)  # parses to the same MboxKey
    assert [e.ref.key for e in backend.fetch_envelopes(FOLDER, [odd])] == [odd.key]
    assert backend.index_columns(FOLDER, [odd, ref], ["size"]) == {}


def test_rows_read_by_a_second_mailtui_before_a_rewrite_are_not_trusted(
    backend: MboxBackend, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B reads headers, A rewrites the file, then B writes its rows: under the old keys."""
    everything(backend)
    other = MboxBackend(path, header_cache=tmp_path / "index.sqlite3")  # the same index file
    old = other.list_refs(FOLDER)
    real = other._envelopes

    def then_a_rewrites(refs):  # type: ignore[no-untyped-def]
        yield from list(real(refs))  # read before the rewrite ...
        backend.set_flags(FOLDER, [old[-1]], add=frozenset({Flag.FLAGGED}))  # ... A rewrites

    monkeypatch.setattr(other, "_envelopes", then_a_rewrites)
    other.fetch_envelopes(FOLDER, old)  # ... and B's rows land after it
    now = {r.key for r in backend.list_refs(FOLDER)}
    assert set(backend.index_columns(FOLDER, old, ["size"])) <= now
    assert_exact(backend, path)
