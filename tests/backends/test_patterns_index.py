"""Patterns answered by the Maildir index (backends/maildir/pattern_sql.py) equal Python's.

Every answer is compared with `core.patterns.evaluate.matches` over the envelopes of the
same messages: generated ones (hypothesis: case pairs outside ASCII, missing dates, odd
ids), and a real Maildir through the backend and through the session's folder scan, half
indexed, with flags and a body term that the index cannot answer itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.maildir.header_cache import MaildirHeaderCache
from mailtui.backends.maildir.pattern_sql import NotInIndex, search
from mailtui.core.models import Envelope, MessageRef
from mailtui.core.patterns.evaluate import EnvelopeFacts, matches
from mailtui.core.patterns.nodes import index_answerable
from mailtui.core.patterns.parse import PatternError, parse
from mailtui.session.search_scan import scan_folder

NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC).timestamp()
DAY = 86400.0

WORDS = [
    "alice",
    "Bob",
    "ÉTÉ",
    "été",
    "straße",
    "STRASSE",
    "İstanbul",
    "disk",
    "re:",
    "[ops]",
    "x.y",
    "ß",
    "",
]
texts = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)
envelopes = st.builds(
    lambda i, sender, to, cc, subject, date, size, mid, refs, parent: Envelope(
        ref=MessageRef(f"k{i}", timestamp=NOW - (i % 40) * DAY),
        date=date,
        sender=sender,
        to=to,
        cc=cc,
        subject=subject,
        size=size,
        message_id=mid,
        in_reply_to=parent,
        references=tuple(refs),
    ),
    st.integers(0, 10_000),
    texts,
    texts,
    texts,
    texts,
    st.one_of(st.none(), st.floats(NOW - 90 * DAY, NOW + DAY)),
    st.integers(0, 3 * 1024 * 1024),
    st.sampled_from(["", "<a@x>", "<Alice.1@X>", "<été@x>"]),
    st.lists(st.sampled_from(["<a@x>", "<b@x>", "<Été@x>"]), max_size=3),
    st.sampled_from(["", "<b@x>", "<Z@x>"]),
)

FIELD_TERMS = ["~f", "~t", "~c", "~C", "~s", "~i", "~x", "=f", "=s", "=i", "=x"]
NEEDLES = [
    "alice",
    "bob",
    "été",
    "ÉTÉ",
    "strasse",
    "ß",
    "i̇stanbul",
    "^re:",
    "x.y",
    "[ab]",
    "a@x",
    "z@",
    "\\[ops\\]",
    "e$",
]
leaves = st.one_of(
    st.builds(lambda f, n: f'{f} "{n}"', st.sampled_from(FIELD_TERMS), st.sampled_from(NEEDLES)),
    st.sampled_from(
        ["~A", "~d <7d", "~d >30d", "~d 01/03/2024-10/03/2024", "~z >1M", "~z <10K", "alice", "disk re:"]
    ),
)
patterns = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a, b: f"{a} | {b}", inner, inner),
        st.builds(lambda a: f"!({a})", inner),
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(envelopes, min_size=1, max_size=25, unique_by=lambda e: e.ref.key), text=patterns)
def test_the_index_answers_as_python_on_generated_envelopes(
    tmp_path: Path, batch: list[Envelope], text: str
) -> None:
    node = parse(text, now=NOW, tz=UTC)
    assert index_answerable(node)
    cache = MaildirHeaderCache(tmp_path / f"c{abs(hash(text)) % 10_000}-{len(batch)}.sqlite3")
    try:
        cache.put("INBOX", batch)
        keys = [e.ref.key for e in batch] + ["not-indexed"]
        times = {e.ref.key: e.ref.timestamp for e in batch}
        hits, indexed = search(cache, "INBOX", keys, node, lambda: times)
    finally:
        cache.close()
    assert indexed == {e.ref.key for e in batch}
    assert hits == {e.ref.key for e in batch if matches(node, EnvelopeFacts(e))}, text


CHOSEN = [
    Envelope(
        ref=MessageRef("e1", NOW - DAY), date=None, sender="Alice <alice@x>", subject="Re: ÉTÉ", to="Bob"
    ),
    Envelope(
        ref=MessageRef("e2", NOW - 40 * DAY),
        date=NOW - 2 * DAY,
        sender="STRASSE",
        cc="x.y [ops]",
        subject="disk",
        size=2 * 1024 * 1024,
        message_id="<Alice.1@X>",
        in_reply_to="<Z@x>",
    ),
    Envelope(
        ref=MessageRef("e3", NOW), date=NOW - 20 * DAY, sender="İstanbul", to="straße", references=("<a@x>",)
    ),
]


@pytest.mark.parametrize("text", [f'{f} "{n}"' for f in FIELD_TERMS for n in NEEDLES] + ["~d <7d", "~d >30d"])
def test_the_index_answers_as_python_on_chosen_cases(tmp_path: Path, text: str) -> None:
    node = parse(text, now=NOW, tz=UTC)
    cache = MaildirHeaderCache(tmp_path / "c.sqlite3")
    try:
        cache.put("INBOX", CHOSEN)
        times = {e.ref.key: e.ref.timestamp for e in CHOSEN}
        hits, _indexed = search(cache, "INBOX", [e.ref.key for e in CHOSEN], node, lambda: times)
    finally:
        cache.close()
    assert hits == {e.ref.key for e in CHOSEN if matches(node, EnvelopeFacts(e))}


def test_flags_and_message_terms_are_not_the_index_s() -> None:
    for text in ("~F", "~b disk", "~s a | ~N"):
        node = parse(text, now=NOW, tz=UTC)
        assert not index_answerable(node)
    with pytest.raises(NotInIndex):
        search(None, "INBOX", [], parse("~F", now=NOW, tz=UTC), dict)  # type: ignore[arg-type]


BASE = 1_700_000_000


def build(root: Path, count: int) -> Path:
    """`count` messages: senders and subjects cycle, every 5th flagged, every 3rd unread,
    two in six with "needle" in the body, every 7th without a Date."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        flags = ("F" if i % 5 == 0 else "") + ("" if i % 3 == 0 else "S")
        date = (
            ""
            if i % 7 == 0
            else f"Date: {datetime.fromtimestamp(BASE + i * 3600, UTC):%a, %d %b %Y %H:%M:%S} +0000\n"
        )
        body = "the needle is here" if i % 6 in (0, 1) else "nothing"
        data = (
            f"From: {['Alice <alice@x>', 'bob@y', 'Émile <emile@z>'][i % 3]}\nTo: root@x\n"
            + ("Cc: Ops <ops@x>\n" if i % 4 == 0 else "")
            + f"Subject: {['disk full', 'Re: backup', 'ÉTÉ report'][i % 4 % 3]} {i}\n"
            f"Message-ID: <m{i}@x>\n{date}\n{body}\n"
        )
        (root / "cur" / f"{BASE + i * 3600}.M{i}P1.host:2,{flags}").write_bytes(data.encode())
    return root


@pytest.mark.parametrize(
    "text",
    [
        "~f alice",
        "~s ^re: | ~f émile",
        "!~s disk ~z >100",
        "~i m1[0-9]@",
        "~d 15/11/2023-16/11/2023",
        "~F",  # flags: on the envelopes of the candidates
        "~N ~s disk",  # unread from the index's unread keys, then the index
        "~s backup ~b needle",  # the index narrows, the body decides
        "~b needle | ~F",
        "!~N",
    ],
)
def test_a_half_indexed_maildir_scan_equals_python(tmp_path: Path, text: str) -> None:
    root = build(tmp_path / "Mail", 60)
    backend = MaildirBackend(root, header_cache=tmp_path / "c.sqlite3")
    try:
        refs = backend.list_refs("INBOX")
        everything = backend.fetch_envelopes("INBOX", refs)
        raw = {e.ref.key: backend.fetch_raw("INBOX", e.ref) for e in everything}
        backend.close()
        backend = MaildirBackend(root, header_cache=tmp_path / "c2.sqlite3")
        refs = backend.list_refs("INBOX")
        backend.fetch_envelopes("INBOX", refs[::2])  # half the folder indexed
        node = parse(text, now=NOW, tz=UTC)
        expected = [e.ref.key for e in everything if matches(node, _RawFacts(e, raw[e.ref.key]))]
        found = [
            m.ref.key if isinstance(m, Envelope) else m.key
            for _done, chunk in scan_folder(lambda fn: fn(backend), "INBOX", node, refs, {}, lambda: False)
            for m in chunk
        ]
    finally:
        backend.close()
    assert found == expected
    assert expected, text  # each pattern matches something
    assert len(expected) < len(everything) or text == "~b needle | ~F"


class _RawFacts(EnvelopeFacts):
    def __init__(self, env: Envelope, raw: bytes) -> None:
        super().__init__(env)
        self.raw = raw

    def message_matches(self, term):  # type: ignore[no-untyped-def]
        from mailtui.core.patterns.body import message_matches

        return message_matches(term, self.raw)


def test_a_pattern_error_is_raised_before_any_query() -> None:
    with pytest.raises(PatternError):
        parse("~s (a+)+", now=NOW, tz=UTC)


@pytest.mark.parametrize(
    "text", ["~C ops", "~c ops", "~s ^re:", "~f émile ~z >100", "~t root !~C ops", "alice", "=s 2099"]
)
def test_a_big_listing_is_answered_in_aggregate_with_the_same_keys(tmp_path: Path, text: str) -> None:
    backend = MaildirBackend(build(tmp_path / "Mail", 2100), header_cache=tmp_path / "c.sqlite3")
    try:
        refs = backend.list_refs("INBOX")
        everything = backend.fetch_envelopes("INBOX", refs)
        node = parse(text, now=NOW, tz=UTC)
        expected = {e.ref.key for e in everything if matches(node, EnvelopeFacts(e))}
        assert backend.index_search("INBOX", refs, node, "") == (expected, {r.key for r in refs})
        backend.index_search("INBOX", refs, "any", "x")  # the cache now knows the listing is whole
        assert backend.index_search("INBOX", refs, node, "") == (expected, {r.key for r in refs})
    finally:
        backend.close()
    assert 0 < len(expected) < 2100
