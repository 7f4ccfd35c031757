"""core/sorting.py: orderings by date, sender, subject, size."""

from __future__ import annotations

import pytest

from mailtui.core.index.sorting import SortRow, base_subject, next_sort_key, sort_keys, sort_row
from mailtui.core.models import Envelope, MessageRef

ROWS = [
    SortRow("a", 30.0, "zoe", "Re: Backup failed", 500),
    SortRow("b", 10.0, "alice", "disk quota", 9000),
    SortRow("c", 20.0, "bob", "[ops] AW: alpha", 10),
]


@pytest.mark.parametrize(
    ("by", "descending", "expected"),
    [
        ("date", True, ["a", "c", "b"]),
        ("date", False, ["b", "c", "a"]),
        ("from", False, ["b", "c", "a"]),
        ("subject", False, ["c", "a", "b"]),
        ("size", True, ["b", "a", "c"]),
    ],
)
def test_sort_keys(by: str, descending: bool, expected: list[str]) -> None:
    assert sort_keys(ROWS, by, descending) == expected  # type: ignore[arg-type]


def test_ties_keep_input_order() -> None:
    rows = [SortRow(k, 0.0, "same", "same", 1) for k in "xyz"]
    assert sort_keys(rows, "from") == ["x", "y", "z"]


@pytest.mark.parametrize(
    ("subject", "base"),
    [
        ("Re: RE: Fwd: Hello", "hello"),
        ("[list] Re: Disk  Full", "disk full"),
        ("AW:Test", "test"),
        ("Re", "re"),
    ],
)
def test_base_subject(subject: str, base: str) -> None:
    assert base_subject(subject) == base


def test_sort_row_uses_display_name_and_cycle() -> None:
    env = Envelope(MessageRef("k", 5.0), sender='"Zed" <a@x>', sender_address="a@x", subject="S", size=3)
    assert sort_row(env) == SortRow("k", 5.0, "zed", "S", 3)
    assert next_sort_key("size") == "date"
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_keys(ROWS, "color")  # type: ignore[arg-type]
