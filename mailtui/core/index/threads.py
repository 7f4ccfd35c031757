"""Conversation threads from References and In-Reply-To (a simplified JWZ algorithm, pure).

As in https://www.jwz.org/doc/threading.html, step 1 and the pruning of empty
containers: every Message-ID seen (in a message or in another message's References) is
a node; each References chain links parent -> child unless that would make a loop; a
message's parent is the last id of its chain. Not done (on purpose, for predictability
in an admin's inbox): grouping by subject. Messages without a Message-ID, or with a
duplicate one, are threads of their own.

A change of the output needs `core.index.columns.ORDER_VERSION` bumped (stored orders).
Output is display order: threads newest activity first (the index's default), replies
oldest first under their parent, each with its depth for indentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple


class ThreadRow(NamedTuple):
    """What threading needs of one message (a tuple: 100k of them are built per threading)."""

    key: str
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    date: float


class ThreadLine(NamedTuple):
    """One message in thread order with its indentation depth (0 = thread root)."""

    key: str
    depth: int


def _chain(row: ThreadRow) -> list[str]:
    chain = [r for r in row.references if r]
    if row.in_reply_to and (not chain or chain[-1] != row.in_reply_to):
        if row.in_reply_to not in chain:
            chain.append(row.in_reply_to)
    return chain


def thread_order(rows: Iterable[ThreadRow]) -> list[ThreadLine]:
    """Messages in thread order with depths (see the module docstring).

    Linear in the messages plus their references; the common message (no reply, no
    replies to it) costs a few dict operations, so 100k messages thread in well under a
    second. `tests/core/test_threads.py` compares it with a plain reference version.
    """
    parent: dict[str, str] = {}  # node id -> parent node id
    message_of: dict[str, ThreadRow] = {}  # node id -> message
    order: list[str] = []  # node ids of messages, input order
    for row in rows:
        node = row.message_id
        if not node or node in message_of:
            node = f"\0{row.key}"  # no id, or a duplicate: its own node
        message_of[node] = row
        order.append(node)
        if not row.references and not row.in_reply_to:
            continue  # not a reply: nothing to link
        chain = _chain(row)
        # Link the references chain: each id is the parent of the next, unless already set.
        for up, down in zip(chain, chain[1:], strict=False):
            if down not in parent and up != down and not _is_ancestor(parent, down, up):
                parent[down] = up
        if chain:
            up = chain[-1]
            # The message's own parent is authoritative (it comes from the message itself).
            if up != node and not _is_ancestor(parent, node, up):
                parent[node] = up
    children: dict[str, list[str]] = {}
    for node, node_parent in parent.items():
        children.setdefault(node_parent, []).append(node)
    # Roots: every node without a parent, messages first in input order, then the ids only
    # referenced (their order does not matter: roots are sorted below).
    roots = [n for n in order if n not in parent]
    roots.extend(n for n in children if n not in parent and n not in message_of)

    newest_of: dict[str, float] = {}

    def newest(node: str) -> float:
        """The newest date in the subtree of `node` (memoized: each subtree is walked once)."""
        known = newest_of.get(node)
        if known is not None:
            return known
        best = message_of[node].date if node in message_of else float("-inf")
        stack = list(children.get(node, ()))
        while stack:
            n = stack.pop()
            if n in message_of:
                date = message_of[n].date
                if date > best:
                    best = date
            stack.extend(children.get(n, ()))
        newest_of[node] = best
        return best

    def oldest_key(node: str) -> tuple[float, str]:
        row = message_of.get(node)
        if row is not None:
            return (row.date, row.key)
        return (-newest(node), node)  # an empty node: ordered by its newest reply

    stamped = sorted(
        (
            (message_of[r].date if r not in children else newest(r), r)  # a lone message: its date
            for r in roots
        ),
        key=lambda t: (-t[0], t[1]),
    )
    result: list[ThreadLine] = []
    append = result.append
    for _, root in stamped:
        if root not in children:
            append(ThreadLine(message_of[root].key, 0))  # a thread of one message
            continue
        # Iterative depth-first walk; empty (never seen) nodes are skipped, their
        # children move up one level, as in JWZ's pruning step.
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            kids = children.get(node)
            if kids is not None and len(kids) > 1:
                kids = sorted(kids, key=oldest_key, reverse=True)
            if node in message_of:
                append(ThreadLine(message_of[node].key, depth))
                if kids:
                    stack.extend((k, depth + 1) for k in kids)
            elif kids:
                stack.extend((k, depth) for k in kids)
    return result


def _is_ancestor(parent: dict[str, str], node: str, candidate: str) -> bool:
    """True when `node` is `candidate` or one of its ancestors (linking would make a loop)."""
    seen = 0
    current: str | None = candidate
    while current is not None and seen < 10_000:
        if current == node:
            return True
        current = parent.get(current)
        seen += 1
    return False


def fold_threads(
    keys: Sequence[str],
    depths: Mapping[str, int],
    folded: AbstractSet[str],
    is_unread: Callable[[str], bool] = lambda key: False,
) -> tuple[list[int], dict[str, int], set[str]]:
    """Rows still shown when the threads whose roots are in `folded` are collapsed.

    `keys` is a thread order and `depths` the depth of every reply (roots are absent), as
    `thread_order` gives them. Returns the shown row numbers, per folded root how many
    replies it hides, and the folded roots hiding an unread reply (mutt marks those too).
    """
    shown: list[int] = []
    hidden: dict[str, int] = {}
    unread: set[str] = set()
    root: str | None = None  # the folded root whose replies are being skipped
    for row, key in enumerate(keys):
        if key not in depths:
            root = key if key in folded else None
            shown.append(row)
        elif root is not None:
            hidden[root] = hidden.get(root, 0) + 1
            if root not in unread and is_unread(key):
                unread.add(root)
        else:
            shown.append(row)
    return shown, hidden, unread


def thread_root(keys: Sequence[str], depths: Mapping[str, int], row: int) -> int:
    """The row of the root of the thread that row `row` belongs to."""
    while row > 0 and keys[row] in depths:
        row -= 1
    return row
