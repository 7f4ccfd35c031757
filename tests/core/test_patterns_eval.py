"""Patterns matched on one message (core.patterns.evaluate, body): every term, and what is read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.core.patterns.body import message_matches
from mailtui.core.patterns.evaluate import EnvelopeFacts, matches
from mailtui.core.patterns.nodes import KeysIn, Text, needs_envelope, needs_message, replace_states
from mailtui.core.patterns.parse import parse

NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC).timestamp()
DAY = 86400.0

ENV = Envelope(
    ref=MessageRef("k1", timestamp=NOW - 30 * DAY),
    date=NOW - 2 * DAY,
    sender="Nagios <nagios@mon.example.org>",
    sender_address="nagios@mon.example.org",
    to="root@example.org",
    cc="Ops Team <ops@example.org>",
    subject="PROBLEM: disk /var is 95% full",
    size=3 * 1024 * 1024,
    flags=frozenset({Flag.FLAGGED, Flag.ANSWERED}),
    message_id="<alert-42@mon.example.org>",
    in_reply_to="<alert-41@mon.example.org>",
    references=("<alert-40@mon.example.org>", "<alert-41@mon.example.org>"),
)


def hit(text: str, env: Envelope = ENV) -> bool:
    return matches(parse(text, now=NOW, tz=UTC), EnvelopeFacts(env))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nagios", True),  # simple search: from
        ("disk /var", True),  # simple search: subject, spaces kept
        ("root@", True),  # simple search: to
        ("ops team", False),  # simple search is from/to/subject, not cc
        ("~f NAGIOS", True),  # case-insensitive
        ("~f ^nagios", True),  # a regular expression
        ("~f ^mon", False),
        ("=f ^nagios", False),  # = is a substring, not a regex
        ("=s 95%", True),
        ("~s 9[0-9]%", True),
        ("~t root", True),
        ("~t ops", False),  # ~t is To only (mutt); ~C is to or cc
        ("~c ops", True),
        ("~C ops", True),
        ("~C nobody", False),
        ("~i alert-42", True),
        ("~i alert-41", False),
        ("~x alert-40", True),  # References
        ("~x alert-41", True),  # In-Reply-To too
        ("~x alert-42", False),
        ("~F", True),
        ("~Q", True),  # replied
        ("~P", False),
        ("~D", False),
        ("~N", True),  # no \\Seen
        ("~U", True),
        ("~O", True),  # mutt's old is not kept apart from unread
        ("~R", False),
        ("~A", True),
        ("~d <7d", True),  # two days old
        ("~d <1d", False),
        ("~d >1d", True),
        ("~d >1w", False),
        ("~d =2d", True),  # the day two days ago
        ("~d 13/03/2024", True),
        ("~d 14/03/2024-", False),
        ("~d -13/03/2024", True),
        ("~z >1M", True),
        ("~z <1M", False),
        ("~z 3M-3M", True),
        ("~f nagios ~s disk", True),  # juxtaposition: and
        ("~f nagios ~s memory", False),
        ("~f nobody | ~s disk", True),
        ("~f nobody | ~s memory", False),
        ("!~f nagios", False),
        ("!(~f nobody | ~D)", True),
        ("~F !~D (~d <7d | ~z <1K)", True),
    ],
)
def test_terms_on_an_envelope(text: str, expected: bool) -> None:
    assert hit(text) is expected


def test_a_missing_date_is_the_refs_time_as_sort_date() -> None:
    undated = Envelope(ref=MessageRef("k2", timestamp=NOW - 30 * DAY))
    assert hit("~d >1w", undated) and not hit("~d <1w", undated)


def test_tagged_is_answered_by_the_index_tags() -> None:
    node = parse("~T ~F", now=NOW, tz=UTC)
    assert not matches(node, EnvelopeFacts(ENV))  # never tagged without the index's answer
    tagged = replace_states(node, {"tagged": frozenset({"k1"})})
    assert matches(tagged, EnvelopeFacts(ENV))
    assert matches(KeysIn(frozenset({"k1"})), EnvelopeFacts(ENV))


RAW = (
    b"From: cron@example.org\r\nSubject: nightly\r\nX-Spam-Score: 7.5\r\n"
    b"Received: from relay.example.org\r\n  by mx.example.org\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"YmFja3VwIGZhaWxlZDogZGlzayBmdWxs\r\n"  # "backup failed: disk full"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("~b disk full", True),  # decoded from base64
        ("~b ^backup", True),  # a regex on the decoded text
        ("~b nightly", False),  # a header is not the body
        ("~B nightly", True),  # the whole message
        ("~B disk full", True),
        ("~h ^x-spam-score: [5-9]", True),  # one header line
        ("~h relay.*by mx", True),  # a folded header, unfolded
        ("~h disk", False),
    ],
)
def test_message_terms_on_the_raw_message(text: str, expected: bool) -> None:
    node = parse(text, now=NOW, tz=UTC)
    assert isinstance(node, Text) and needs_message(node) and not needs_envelope(node)
    assert message_matches(node, RAW) is expected


class CountingFacts(EnvelopeFacts):
    """Envelope facts that count how often the message itself was needed."""

    def __init__(self, env: Envelope, raw: bytes) -> None:
        super().__init__(env)
        self.raw = raw
        self.reads = 0

    def message_matches(self, term: Text) -> bool:
        self.reads += 1
        return message_matches(term, self.raw)


@pytest.mark.parametrize(
    ("text", "expected", "reads"),
    [
        ("~b disk ~f nobody", False, 0),  # the header term decides first, wherever it is written
        ("~b disk | ~f nagios", True, 0),
        ("~b disk ~f nagios", True, 1),
        ("!~F | ~b disk", True, 1),
    ],
)
def test_the_message_is_read_last_and_only_when_needed(text: str, expected: bool, reads: int) -> None:
    facts = CountingFacts(ENV, RAW)
    assert matches(parse(text, now=NOW, tz=UTC), facts) is expected
    assert facts.reads == reads


def test_a_header_only_facts_refuses_message_terms() -> None:
    with pytest.raises(ValueError, match="reads the message"):
        matches(parse("~b x", now=NOW, tz=UTC), EnvelopeFacts(ENV))
