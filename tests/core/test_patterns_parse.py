"""mutt patterns parsed (core.patterns.parse): the tree of each form, and where a bad one is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailtui.core.patterns.nodes import And, DateRange, Flagged, Not, Or, SizeRange, Text
from mailtui.core.patterns.parse import MAX_PATTERN, PatternError, parse

NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC).timestamp()


def at(text: str) -> object:
    return parse(text, now=NOW, tz=UTC)


def day(d: int, m: int, y: int) -> float:
    return datetime(y, m, d, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # a bare text is mutt's simple search: the whole text, spaces kept, as a substring
        ("disk full", Text("any", "disk full", exact=True, column=1)),
        ("~f alice", Text("from", "alice", column=4)),
        ("=s c++", Text("subject", "c++", exact=True, column=4)),
        ('~s "disk full"', Text("subject", "disk full", column=4)),
        ("~s disk full ~N", And((Text("subject", "disk full", column=4), Flagged("unread")))),
        ("~f a ~s b", And((Text("from", "a", column=4), Text("subject", "b", column=9)))),
        ("~f a | ~f b", Or((Text("from", "a", column=4), Text("from", "b", column=11)))),
        ("~f a|~f b", Or((Text("from", "a", column=4), Text("from", "b", column=9)))),
        ("!~F", Not(Flagged("flagged"))),
        ("!!~F", Not(Not(Flagged("flagged")))),
        (
            "(~f a | ~f b) !~s re:",
            And(
                (
                    Or((Text("from", "a", column=5), Text("from", "b", column=12))),
                    Not(Text("subject", "re:", column=19)),
                )
            ),
        ),
        # | binds looser than juxtaposition, as in mutt
        ("~N ~F | ~D", Or((And((Flagged("unread"), Flagged("flagged"))), Flagged("deleted")))),
        ("~t root", Text("to", "root", column=4)),
        ("~c ops", Text("cc", "ops", column=4)),
        ("~C ops", Text("recipient", "ops", column=4)),
        ("~i <abc@x>", Text("message_id", "<abc@x>", column=4)),
        ("~x <abc@x>", Text("references", "<abc@x>", column=4)),
        ("~b needle", Text("body", "needle", column=4)),
        ("~B needle", Text("whole", "needle", column=4)),
        ("~h X-Spam", Text("headers", "X-Spam", column=4)),
        ("~A", Flagged("all")),
        (
            "~O ~R ~Q ~P ~T ~U",
            And(tuple(Flagged(s) for s in ("old", "read", "replied", "forwarded", "tagged", "unread"))),
        ),
        ("~z >1M", SizeRange(1024 * 1024 + 1, None)),
        ("~z <10K", SizeRange(None, 10 * 1024 - 1)),
        ("~z 10K-1M", SizeRange(10 * 1024, 1024 * 1024)),
        ("~z -500", SizeRange(None, 500)),
        ("~z 2k-", SizeRange(2048, None)),
        ("~z =42", SizeRange(42, 42)),
        ("~d <7d", DateRange(NOW - 7 * 86400, None)),
        ("~d >2w", DateRange(None, NOW - 14 * 86400)),
        ("~d >1m", DateRange(None, datetime(2024, 2, 15, 12, 0, tzinfo=UTC).timestamp())),
        ("~d <1y", DateRange(datetime(2023, 3, 15, 12, 0, tzinfo=UTC).timestamp(), None)),
        ("~d =1d", DateRange(day(14, 3, 2024), day(15, 3, 2024))),
        ("~d 01/02/2024-05/02/2024", DateRange(day(1, 2, 2024), day(6, 2, 2024))),
        ("~d -05/02/2024", DateRange(None, day(6, 2, 2024))),
        ("~d 01/02/2024-", DateRange(day(1, 2, 2024), None)),
        ("~d 29/02/2024", DateRange(day(29, 2, 2024), day(1, 3, 2024))),
        ("~d 3/2", DateRange(day(3, 2, 2024), day(4, 2, 2024))),  # this year
        ("~d 31/12/23", DateRange(day(31, 12, 2023), day(1, 1, 2024))),  # two-digit year
        ("~d <01/03/2024", DateRange(None, day(1, 3, 2024))),
        ("~d >01/03/2024", DateRange(day(2, 3, 2024), None)),
    ],
)
def test_forms(text: str, tree: object) -> None:
    assert at(text) == tree


def test_regex_by_default_plain_text_as_substring() -> None:
    term = at("~s ^re:.*disk")
    assert isinstance(term, Text) and term.regex is not None and not term.plain
    literal = at("~s backup")
    assert isinstance(literal, Text) and literal.plain  # no operator: a substring, as the index can
    exact = at("=s ^re:")
    assert isinstance(exact, Text) and exact.plain and exact.exact


def test_case_insensitive_by_default_and_mutts_smart_case_on_request() -> None:
    assert at("~f Nagios") == Text("from", "Nagios", column=4, case_sensitive=False)
    smart = parse("~f Nagios ~s disk", now=NOW, tz=UTC, smart_case=True)
    assert smart == And(
        (Text("from", "Nagios", column=4, case_sensitive=True), Text("subject", "disk", column=14))
    )


@pytest.mark.parametrize(
    ("text", "said", "column"),
    [
        ("", "an empty pattern", 1),
        ("~", "needs a letter", 1),
        ("~Y x", "unknown pattern ~Y", 1),
        ("~f a ~Y", "unknown pattern ~Y", 6),
        ("%f group", "groups (%) are not supported", 1),
        ("=d <7d", "= goes with a text pattern", 1),
        ("~s", "~s needs something to look for", 1),
        ("~d", "~d needs something to look for, as ~d <7d", 1),
        ("~f a |", "a term is missing here", 7),
        ("| ~f a", "nothing before or after |", 1),
        ("(~f a", "this parenthesis is not closed", 1),
        ("()", "nothing between these parentheses", 1),
        ("~f a )", "a closing parenthesis without an opening one", 6),
        ("!", "! needs a term after it", 1),
        ('~s "open', "this quote is not closed", 4),
        ("~s [a-", "not a regular expression", 4),
        ("~s (a+)+$", "a repeat of a repeat", 4),
        ('~s "(x|xy)*z"', "a repeat of a repeat", 4),  # quoted: | ends a word, as in mutt
        ("~d 32/01/2024", "not a day of the calendar", 4),
        ("~d 05/02/2024-01/02/2024", "ends before it starts", 4),
        ("~d soon", "not a date", 4),
        ("~d -", "a date on one side at least", 4),
        ("~z big", "not a size", 4),
        ("~z 2M-1M", "ends before it starts", 4),
    ],
)
def test_errors_say_what_and_where(text: str, said: str, column: int) -> None:
    with pytest.raises(PatternError) as raised:
        at(text)
    assert said in raised.value.reason
    assert raised.value.column == column


def test_bounds_against_hostile_input() -> None:
    with pytest.raises(PatternError, match="at most"):
        at("~s " + "a" * MAX_PATTERN)
    with pytest.raises(PatternError, match="levels"):
        at("(" * 60 + "~A" + ")" * 60)
    with pytest.raises(PatternError, match="at most 256"):
        at("~s " + "a." * 200)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("~=%!|()\"' \\abfsNFd<>/-1239KM.*+?[]{}^$é")), max_size=60))
def test_any_text_parses_or_says_where_it_is_wrong(text: str) -> None:
    try:
        parse(text, now=NOW, tz=UTC)
    except PatternError as exc:
        assert 1 <= exc.column <= len(text) + 1, (text, exc.column)
