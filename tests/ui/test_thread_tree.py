"""Issue 15: threads drawn with ├ └ │ in the right order in every view (threads, search, limit)."""

from __future__ import annotations

from pathlib import Path

from mailtui.core.models import MessageRef
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.index.tree import tree_prefix
from tests.ui.conftest import BASE_TIME, make_app, settle, wait_until, write_message


def refs(*keys: str) -> list[MessageRef]:
    return [MessageRef(key=k) for k in keys]


def drawn(depths: list[int]) -> list[str]:
    rows = refs(*[f"m{i}" for i in range(len(depths))])
    depth_of = {f"m{i}": d for i, d in enumerate(depths)}
    return [tree_prefix(rows, i, depth_of) for i in range(len(rows))]


def test_siblings_get_a_tee_the_last_a_corner_and_open_levels_a_bar() -> None:
    # root; a (2 replies: a1, a2 with a reply a2x); b; next root; its reply
    assert drawn([0, 1, 2, 2, 3, 1, 0, 1]) == ["", "├>", "│ ├>", "│ └>", "│   └>", "└>", "", "└>"]


def test_a_deep_chain_is_corners_under_each_other() -> None:
    assert drawn([0, 1, 2, 3]) == ["", "└>", "  └>", "    └>"]


def test_a_filtered_view_draws_what_is_shown() -> None:
    # a search that shows a root and two grandchildren of different children
    assert drawn([0, 2, 2]) == ["", "  ├>", "  └>"]


def test_depths_beyond_eight_are_drawn_at_eight() -> None:
    assert drawn([0, 12]) == ["", "  " * 7 + "└>"]


def thread(root: Path) -> Path:
    """A thread: the root (oldest), two replies to it, a reply to the first reply (newest)."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)

    def message(n: int, msgid: str, parent: str | None, subject: str) -> bytes:
        head = f"From: a{n}@example.org\nTo: ops@example.org\nSubject: {subject}\nMessage-ID: <{msgid}>\n"
        head += f"Date: Mon, 0{n + 1} Jun 2026 10:00:00 +0000\n"
        if parent:
            head += f"In-Reply-To: <{parent}>\nReferences: <root@x>{'' if parent == 'root@x' else f' <{parent}>'}\n"
        return (head + "\nbody\n").encode()

    rows = [
        ("root@x", None, "disk full on db1"),
        ("r1@x", "root@x", "Re: disk full on db1"),
        ("r2@x", "root@x", "Re: disk full on db1"),
        ("r1a@x", "r1@x", "Re: disk full on db1"),
    ]
    for n, (msgid, parent, subject) in enumerate(rows):
        write_message(root, "cur", BASE_TIME + n * 86400, n, "S", message(n, msgid, parent, subject))
    return root


def shown(app: object) -> list[str]:
    from mailtui.ui.widgets.index.message_index import MessageIndex

    index = app.screen.query_one(MessageIndex)  # type: ignore[attr-defined]
    return [index.row_text(i) for i in range(index.row_count)]


def tree_of(lines: list[str]) -> list[str]:
    """What is drawn between the sender and the subject of each line."""
    return [
        line.split("disk full")[0].split("example.org", 1)[1].strip().replace("Re:", "").rstrip()
        for line in lines
    ]


async def test_threads_search_and_limit_draw_the_tree_top_down(tmp_path: Path) -> None:
    app = make_app(thread(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: any("├>" in line for line in shown(app)), what="the tree")
        lines = shown(app)
        # root first; r1 (a later sibling r2 follows) with its reply under a bar; r2 last
        assert ["a0" in lines[0], "a1" in lines[1], "a3" in lines[2], "a2" in lines[3]] == [True] * 4
        assert tree_of(lines) == ["", "├>", "│ └>", "└>"]
        await pilot.press("slash", *"~f a3", "enter")  # a search keeps the tree, moves the cursor
        await wait_until(pilot, lambda: app.screen.query_one(MessageIndex).cursor == 2, what="the search")
        assert tree_of(shown(app)) == ["", "├>", "│ └>", "└>"]
        await pilot.press("escape", "l", *"~f a[023]", "enter")  # the limit: root, r1a, r2
        await wait_until(pilot, lambda: len(shown(app)) == 3, what="the limit")
        lines = shown(app)
        assert ["a0" in lines[0], "a3" in lines[1], "a2" in lines[2]] == [True] * 3  # top-down
        assert tree_of(lines) == ["", "│ └>", "└>"]
        # Every ancestor hidden: the replies are trees of their own, not drawn as replies
        # of whatever row is above them.
        await pilot.press("l", "ctrl+u", *"~f a[23]", "enter")
        await wait_until(pilot, lambda: len(shown(app)) == 2, what="the limit without the root")
        assert tree_of(shown(app)) == ["", ""]


def test_under_a_limit_a_reply_counts_only_its_shown_ancestors() -> None:
    """A reply whose every ancestor the limit hides is not drawn under the row above it (a
    message of another thread: tmux trial), but as a tree of its own; one with a shown
    ancestor keeps its depth."""
    from mailtui.ui.widgets.index.tree import shown_depths

    # z (hidden) > y; x; g > p (hidden) > c; g > q
    order = refs("z", "y", "x", "g", "p", "c", "q")
    depth_of = {"y": 1, "p": 1, "c": 2, "q": 1}
    drawn_depths = shown_depths(order, depth_of, frozenset({"y", "x", "g", "c", "q"}))
    assert drawn_depths == {"c": 2, "q": 1}  # y starts its own tree; c stays in g's
    shown = refs("y", "x", "g", "c", "q")
    assert [tree_prefix(shown, i, drawn_depths) for i in range(len(shown))] == ["", "", "", "│ └>", "└>"]
    # Without a hidden ancestor nothing changes.
    assert shown_depths(order, depth_of, frozenset("zyxgpcq")) == depth_of
