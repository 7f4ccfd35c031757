"""core/threads.py: thread order and depth from References / In-Reply-To."""

from __future__ import annotations

from mailtui.core.index.threads import ThreadLine, ThreadRow, fold_threads, thread_order, thread_root


def row(key: str, mid: str, date: float, irt: str = "", refs: tuple[str, ...] = ()) -> ThreadRow:
    return ThreadRow(key, mid, irt, refs, date)


def test_replies_under_parent_oldest_first_threads_newest_first() -> None:
    rows = [
        row("lone", "<lone>", 50),
        row("r2", "<r2>", 40, "<root>", ("<root>",)),
        row("r1", "<r1>", 30, "<root>", ("<root>",)),
        row("r1a", "<r1a>", 35, "<r1>", ("<root>", "<r1>")),
        row("root", "<root>", 10),
        row("old", "<old>", 5),
    ]
    assert thread_order(rows) == [
        ThreadLine("lone", 0),
        ThreadLine("root", 0),
        ThreadLine("r1", 1),
        ThreadLine("r1a", 2),
        ThreadLine("r2", 1),
        ThreadLine("old", 0),
    ]


def test_missing_parent_children_are_promoted() -> None:
    # The thread's first message is not in this folder: its replies are roots of one group.
    rows = [row("a", "<a>", 2, "<gone>", ("<gone>",)), row("b", "<b>", 3, "<gone>", ("<gone>",))]
    lines = thread_order(rows)
    assert [(x.key, x.depth) for x in lines] == [("a", 0), ("b", 0)]


def test_in_reply_to_only_and_reference_loops() -> None:
    rows = [
        row("p", "<p>", 1),
        row("c", "<c>", 2, "<p>"),
        # A loop: x says its parent is y and y says its parent is x.
        row("x", "<x>", 3, "<y>", ("<y>",)),
        row("y", "<y>", 4, "<x>", ("<x>",)),
    ]
    lines = thread_order(rows)
    assert sorted(x.key for x in lines) == ["c", "p", "x", "y"]
    depth = {x.key: x.depth for x in lines}
    assert depth["c"] == 1 and depth["p"] == 0
    assert sorted((depth["x"], depth["y"])) == [0, 1]


def test_no_id_and_duplicate_ids_are_own_threads() -> None:
    rows = [row("n1", "", 1), row("n2", "", 2), row("d1", "<d>", 3), row("d2", "<d>", 4)]
    lines = thread_order(rows)
    assert sorted(x.key for x in lines) == ["d1", "d2", "n1", "n2"]
    assert all(x.depth == 0 for x in lines)


def test_every_message_once_on_a_big_chain() -> None:
    rows = [row(f"k{i}", f"<{i}>", i, f"<{i - 1}>" if i else "") for i in range(3000)]
    lines = thread_order(rows)
    assert [x.key for x in lines] == [f"k{i}" for i in range(3000)]
    assert lines[-1].depth == 2999


def test_fold_threads_hides_replies_of_folded_roots_only() -> None:
    keys = ["a", "a1", "a2", "b", "c", "c1"]
    depths = {"a1": 1, "a2": 2, "c1": 1}
    assert fold_threads(keys, depths, set()) == ([0, 1, 2, 3, 4, 5], {}, set())
    assert fold_threads(keys, depths, {"a"}) == ([0, 3, 4, 5], {"a": 2}, set())
    unread = {"a2", "c"}.__contains__  # a hidden unread reply marks its root; c itself is shown
    assert fold_threads(keys, depths, {"a", "b", "c"}, unread) == ([0, 3, 4], {"a": 2, "c": 1}, {"a"})
    assert [thread_root(keys, depths, row) for row in range(6)] == [0, 0, 0, 3, 4, 4]
