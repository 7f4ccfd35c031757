"""core/threads.py: thread order and depth from References / In-Reply-To."""

from __future__ import annotations

import random
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from mailtui.core.index.threads import ThreadLine, ThreadRow, fold_threads, thread_order, thread_root
from mailtui.core.index.threads import _chain as chain_of


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


# -- the fast thread_order equals the plain first version --------------------------------


def reference_thread_order(rows: Iterable[ThreadRow]) -> list[ThreadLine]:
    """The first, plain version of thread_order (kept as the reference the fast one must equal)."""
    parent: dict[str, str] = {}  # node id -> parent node id
    message_of: dict[str, ThreadRow] = {}  # node id -> message
    order: list[str] = []  # node ids of messages, input order
    for row in rows:
        node = row.message_id
        if not node or node in message_of:
            node = f"\0{row.key}"  # no id, or a duplicate: its own node
        message_of[node] = row
        order.append(node)
        chain = chain_of(row)
        # Link the references chain: each id is the parent of the next, unless already set.
        for up, down in zip(chain, chain[1:], strict=False):
            if down not in parent and up != down and not is_ancestor(parent, down, up):
                parent[down] = up
        if chain:
            up = chain[-1]
            # The message's own parent is authoritative (it comes from the message itself).
            if up != node and not is_ancestor(parent, node, up):
                parent[node] = up
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    nodes = set(order)
    nodes.update(parent)  # one set, not a union of three: 100k-message folders
    nodes.update(parent.values())
    for node in nodes:
        node_parent = parent.get(node)
        if node_parent is None:
            roots.append(node)
        else:
            children.setdefault(node_parent, []).append(node)

    def newest(node: str) -> float:
        best = message_of[node].date if node in message_of else float("-inf")
        stack = list(children.get(node, ()))
        while stack:
            n = stack.pop()
            if n in message_of:
                best = max(best, message_of[n].date)
            stack.extend(children.get(n, ()))
        return best

    def oldest_key(node: str) -> tuple[float, str]:
        row = message_of.get(node)
        if row is not None:
            return (row.date, row.key)
        return (-newest(node), node)  # an empty node: ordered by its newest reply

    result: list[ThreadLine] = []
    stamped = sorted(((newest(r), r) for r in roots), key=lambda t: (-t[0], t[1]))
    for _, root in stamped:
        # Iterative depth-first walk; empty (never seen) nodes are skipped, their
        # children move up one level, as in JWZ's pruning step.
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            kids = sorted(children.get(node, ()), key=oldest_key, reverse=True)
            if node in message_of:
                result.append(ThreadLine(message_of[node].key, depth))
                stack.extend((k, depth + 1) for k in kids)
            else:
                stack.extend((k, depth) for k in kids)
    return result


def is_ancestor(parent: dict[str, str], node: str, candidate: str) -> bool:
    """True when `node` is `candidate` or one of its ancestors (linking would make a loop)."""
    seen = 0
    current: str | None = candidate
    while current is not None and seen < 10_000:
        if current == node:
            return True
        current = parent.get(current)
        seen += 1
    return False


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=60))
def test_fast_thread_order_equals_the_reference(rng: random.Random, count: int) -> None:
    """Random folders: replies to earlier or later ids, missing and duplicate ids, loops,
    references to messages never seen, equal dates."""
    ids = [f"<{i}@x>" for i in range(count + 5)]
    rows = []
    for i in range(count):
        mid = rng.choice(["", ids[i], rng.choice(ids)])  # none, own, or maybe a duplicate
        refs = tuple(rng.sample(ids, rng.randint(0, 4))) if rng.random() < 0.6 else ()
        irt = rng.choice(["", rng.choice(ids), refs[-1] if refs else ""])
        rows.append(ThreadRow(f"k{i}", mid, irt, refs, float(rng.randint(0, 10))))
    assert thread_order(rows) == reference_thread_order(rows)


def test_fast_thread_order_equals_the_reference_on_a_big_realistic_folder() -> None:
    rng = random.Random(13)
    rows = []
    for i in range(5000):
        if i > 10 and rng.random() < 0.4:
            up = rng.randint(max(0, i - 200), i - 1)
            chain = (*rows[up].references[-3:], rows[up].message_id)
            rows.append(ThreadRow(f"k{i}", f"<{i}@x>", chain[-1], chain, float(i)))
        else:
            rows.append(ThreadRow(f"k{i}", f"<{i}@x>", "", (), float(i)))
    assert thread_order(rows) == reference_thread_order(rows)
