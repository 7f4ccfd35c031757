"""`Rotated`: the rows a search goes through after the cursor, in mutt's order (the cursor's
own row last), and which of them are reached by wrapping past the bottom."""

from __future__ import annotations

import pytest

from mailtui.core.models import MessageRef
from mailtui.session.search_scan import Rotated


def refs(count: int) -> list[MessageRef]:
    return [MessageRef(key=f"k{i}") for i in range(count)]


@pytest.mark.parametrize("start", [0, 2, 4])
def test_rotated_starts_after_the_cursor_and_ends_on_it(start: int) -> None:
    rows = refs(5)
    ahead = Rotated(rows, start)
    keys = [r.key for r in ahead[0:5]]
    assert keys == [r.key for r in rows[start + 1 :] + rows[: start + 1]]
    assert [ahead[i].key for i in range(5)] == keys and ahead[-1].key == f"k{start}"
    assert [ahead.wrapped(i) for i in range(5)] == [i >= 4 - start for i in range(5)]
    assert [r.key for r in ahead[1:3]] == keys[1:3] and ahead[3:99] == ahead[3:5]
    with pytest.raises(IndexError):
        ahead[5]


def test_rotated_of_no_rows_is_empty() -> None:
    assert len(Rotated([], 0)) == 0 and Rotated([], 0)[0:3] == []
