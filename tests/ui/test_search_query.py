"""Search text as typed: which queries run, and what is said about the ones that cannot."""

from __future__ import annotations

import pytest

from mailtui.session.search_scan import Query, parse_query, query_problem


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("backup", Query("any", "backup")),
        ("~f Nagios", Query("from", "nagios")),
        ("~b disk full", Query("body", "disk full")),
        ("~A", Query("all", "")),
    ],
)
def test_queries_that_run(text: str, query: Query) -> None:
    assert query_problem(text) is None
    assert parse_query(text) == query


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("~b", "~b needs the text"),
        ("~x foo", "unknown pattern ~x"),
        ("~s Migrating ~f bob", "one pattern at a time"),
        ("backup ~f bob", "put ~f first"),
    ],
)
def test_queries_that_are_refused_say_why(text: str, said: str) -> None:
    problem = query_problem(text)
    assert problem is not None and said in problem
