"""Patterns over IMAP on the suite's Dovecot: SEARCH where it says the same, locally otherwise.

Each pattern's answer is computed three ways and must be one: in Python over the envelopes
and raw messages (`core.patterns.evaluate`), by the server (`search_pattern`, when
imap/search_query.py can say the pattern), and by the session's folder scan, which mixes
the two. What goes to the server is read from the wire transcript.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from mailtui.backends.imap.search_query import criteria
from mailtui.core.errors import BackendError
from mailtui.core.models import Envelope
from mailtui.core.patterns.body import message_matches
from mailtui.core.patterns.evaluate import EnvelopeFacts, matches
from mailtui.core.patterns.nodes import Text
from mailtui.core.patterns.parse import parse
from mailtui.core.transcript import Direction, Transcript
from mailtui.session.search_scan import scan_folder
from tests.backends.imap_helpers import new_user

NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC).timestamp()


def message(headers: str, body: str = "hello") -> bytes:
    return (headers.strip().replace("\n", "\r\n") + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


# (Maildir flags, message)
MESSAGES = [
    (
        "S",
        message(
            "From: Alice <alice@example.org>\nTo: root@example.org\nCc: Ops <ops@example.org>\n"
            "Subject: disk full on /var\nDate: Wed, 13 Mar 2024 10:00:00 +0000\nMessage-ID: <a1@x>",
            "the disk is full",
        ),
    ),
    (
        "FS",
        message(
            "From: bob@example.net\nTo: Carol <carol@example.com>\nSubject: Re: backup report\n"
            "Date: Thu, 14 Mar 2024 10:00:00 +0000\nMessage-ID: <b1@x>\nReferences: <a1@x>\n"
            "In-Reply-To: <a1@x>\nX-Spam-Score: 7"
        ),
    ),
    (
        "",
        message(
            "From: =?utf-8?q?=C3=89mile?= <emile@example.fr>\nTo: root@example.org\n"
            "Subject: =?utf-8?q?=C3=A9t=C3=A9_report?=\nDate: Fri, 01 Mar 2024 10:00:00 +0000\n"
            "Message-ID: <e1@x>"
        ),
    ),
    (
        "RS",
        message(
            "From: cron@backup.example.org\nTo: root@example.org\nSubject: nightly\n"
            "Date: Thu, 14 Mar 2024 03:00:00 +0000\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
            base64.b64encode(b"backup failed: disk full").decode(),
        ),
    ),
    (
        "S",
        message(
            "From: Alice <alice@example.org>\nTo: root@example.org\nSubject: big attachment\n"
            "Date: Sat, 02 Mar 2024 10:00:00 +0000",
            "x" * 150_000,
        ),
    ),
    (
        "",
        message(
            "From: Zed <zed@example.org>\nTo: root@example.org\nSubject: ÉTÉ REPORT\n"
            "Date: Sun, 10 Mar 2024 10:00:00 +0000"
        ),
    ),
]

SERVER_PATTERNS = [
    "~f alice",
    "~f alice@example",
    "~s report",
    "~s été",
    "=s ÉTÉ",
    "report",
    "~t root",
    "~C ops",
    "~N",
    "!~N",
    "~F | ~Q",
    "~s report !~f bob",
    "(~f alice | ~f bob) ~s re",
    "!(~s report | ~F)",
    "~b disk",
    "~B nightly",
    "~i b1@x",
    "~x a1@x",
    "~z >100K",
    "~z <1K",
    "~z 1-100000 ~N",
]
LOCAL_PATTERNS = [
    "~s ^re:",  # a regex
    "~d 13/03/2024-14/03/2024",  # dates: SENTSINCE has whole days of the header's zone
    "~h ^x-spam-score: [5-9]",  # no "any header line" in SEARCH
    "~f alice ~s ^disk",  # FROM on the server, the regex here
    "~f alice | ~s ^nightly",
]


@pytest.fixture
def seeded(dovecot):  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    for flags, raw in MESSAGES:
        dovecot.seed(user.name, [raw], flags=flags)
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    refs = backend.list_refs("INBOX")
    envelopes = backend.fetch_envelopes("INBOX", refs)
    raws = {e.ref.key: backend.fetch_raw("INBOX", e.ref) for e in envelopes}
    yield backend, transcript, refs, envelopes, raws
    backend.close()


class RawFacts(EnvelopeFacts):
    def __init__(self, env: Envelope, raw: bytes) -> None:
        super().__init__(env)
        self.raw = raw

    def message_matches(self, term: Text) -> bool:
        return message_matches(term, self.raw)


def expected_keys(envelopes: list[Envelope], raws: dict[str, bytes], text: str) -> set[str]:
    node = parse(text, now=NOW, tz=UTC)
    return {e.ref.key for e in envelopes if matches(node, RawFacts(e, raws[e.ref.key]))}


def scanned(backend, refs, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    node = parse(text, now=NOW, tz=UTC)
    found = set()
    for _done, chunk in scan_folder(lambda fn: fn(backend), "INBOX", node, refs, {}, lambda: False):
        found |= {m.ref.key if isinstance(m, Envelope) else m.key for m in chunk}
    return found


def test_search_equals_python_where_search_can_say_it(seeded) -> None:  # type: ignore[no-untyped-def]
    backend, transcript, refs, envelopes, raws = seeded
    for text in SERVER_PATTERNS:
        node = parse(text, now=NOW, tz=UTC)
        assert criteria(node) is not None, text
        expected = expected_keys(envelopes, raws, text)
        assert 0 < len(expected) < len(envelopes), text  # each one tells messages apart
        assert backend.search_pattern("INBOX", node) == expected, text
        before = len(transcript.lines())
        assert scanned(backend, refs, text) == expected, text
        sent = [line.text for line in transcript.lines()[before:] if line.direction is Direction.SENT]
        assert any("SEARCH" in s for s in sent), text
        assert not any("BODY.PEEK" in s or "FETCH" in s for s in sent), (text, sent)  # nothing read


def test_the_rest_is_matched_locally_with_the_same_answer(seeded) -> None:  # type: ignore[no-untyped-def]
    backend, _transcript, refs, envelopes, raws = seeded
    for text in LOCAL_PATTERNS:
        node = parse(text, now=NOW, tz=UTC)
        assert criteria(node) is None, text
        assert backend.search_pattern("INBOX", node) is None
        expected = expected_keys(envelopes, raws, text)
        assert 0 < len(expected) < len(envelopes), text
        assert scanned(backend, refs, text) == expected, text


def test_an_and_inside_an_or_is_sent_without_parentheses() -> None:
    node = parse("(~f a ~s b) | ~N", now=NOW, tz=UTC)
    assert criteria(node) == ["OR", "NOT", "OR", "NOT", "FROM", "a", "NOT", "SUBJECT", "b", "UNSEEN"]


def test_size_bounds_are_inclusive_on_the_server_too(seeded) -> None:  # type: ignore[no-untyped-def]
    backend, _transcript, _refs, envelopes, raws = seeded
    size = max(e.size for e in envelopes)  # the big one, alone at its size
    for text in (f"~z {size}-", f"~z -{size - 1}", f"~z ={size}", f"~z {size - 1}-{size}", f"~z >{size - 1}"):
        expected = expected_keys(envelopes, raws, text)
        assert backend.search_pattern("INBOX", parse(text, now=NOW, tz=UTC)) == expected, text
    assert expected_keys(envelopes, raws, f"~z ={size}")  # the bound itself matches


class _Offline:
    """A backend that searches on a server it cannot reach, with its headers cached."""

    IMPLEMENTS_INDEX = False
    IMPLEMENTS_SERVER_SEARCH = True

    def __init__(self, envelopes: list[Envelope]) -> None:
        self.envelopes = {e.ref.key: e for e in envelopes}

    def search_pattern(self, folder: str, node: object) -> set[str] | None:
        raise BackendError("the server is unreachable")

    def fetch_envelopes(self, folder: str, refs: list) -> list[Envelope]:  # type: ignore[type-arg]
        return [self.envelopes[r.key] for r in refs]


def test_a_search_the_server_cannot_answer_now_is_matched_on_the_cached_headers() -> None:
    from mailtui.core.models import MessageRef

    envelopes = [
        Envelope(ref=MessageRef("1"), sender="Alice <alice@x>", subject="disk full"),
        Envelope(ref=MessageRef("2"), sender="bob@y", subject="backup"),
    ]
    backend = _Offline(envelopes)
    node = parse("~f alice | ~s ^back", now=NOW, tz=UTC)
    found = [
        m.ref.key if isinstance(m, Envelope) else m.key
        for _done, chunk in scan_folder(
            lambda fn: fn(backend), "INBOX", node, [e.ref for e in envelopes], {}, lambda: False
        )
        for m in chunk
    ]
    assert found == ["1", "2"]
    node = parse("~f alice", now=NOW, tz=UTC)  # one SEARCH would do: it fails, so here
    found = [
        m.ref.key if isinstance(m, Envelope) else m.key
        for _done, chunk in scan_folder(
            lambda fn: fn(backend), "INBOX", node, [e.ref for e in envelopes], {}, lambda: False
        )
        for m in chunk
    ]
    assert found == ["1"]
