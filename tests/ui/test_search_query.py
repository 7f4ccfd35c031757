"""Search text as typed: which patterns run, and what is said about the ones that cannot."""

from __future__ import annotations

import pytest

from mailtui.core.patterns.nodes import And, Flagged, Text
from mailtui.session.search_scan import parse_query, pattern_problem, query_problem


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("backup", Text("any", "backup", exact=True, column=1)),
        ("~f Nagios", Text("from", "Nagios", column=4)),
        ("~b disk full", Text("body", "disk full", column=4)),  # the text runs on over words
        ("~A", Flagged("all")),
        (
            "~s Migrating ~f bob",
            And((Text("subject", "Migrating", column=4), Text("from", "bob", column=17))),
        ),
    ],
)
def test_queries_that_run(text: str, node: object) -> None:
    assert query_problem(text) is None
    assert parse_query(text) == node


@pytest.mark.parametrize(
    ("text", "said", "column"),
    [
        ("~b", "~b needs something to look for", 1),
        ("~Y foo", "unknown pattern ~Y", 1),
        ("~s ok (", "this parenthesis is not closed", 7),
        ("~s (a+)+", "a repeat of a repeat", 4),
        ("~d 31/02/2024", "not a day of the calendar", 4),
    ],
)
def test_queries_that_are_refused_say_why_and_where(text: str, said: str, column: int) -> None:
    problem = query_problem(text)
    assert problem is not None and said in problem
    found = pattern_problem(text)
    assert found is not None and found[1] == column


def test_an_empty_pattern_is_no_problem_for_the_prompts() -> None:
    assert pattern_problem("   ") is None
