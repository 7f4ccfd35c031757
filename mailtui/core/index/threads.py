"""Conversation threads from References and In-Reply-To (a simplified JWZ algorithm, pure).

As in https://www.jwz.org/doc/threading.html, step 1 and the pruning of empty
containers: every Message-ID seen (in a message or in another message's References) is
a node; each References chain links parent -> child unless that would make a loop; a
message's parent is the last id of its chain. Not done (on purpose, for predictability
in an admin's inbox): grouping by subject. Messages without a Message-ID, or with a
duplicate one, are threads of their own.

Output is display order: threads newest activity first (the index's default), replies
oldest first under their parent, each with its depth for indentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """What threading needs of one message."""

    key: str
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    date: float


@dataclass(frozen=True, slots=True)
class ThreadLine:
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
    """Messages in thread order with depths (see the module docstring)."""
    parent: dict[str, str] = {}  # node id -> parent node id
    message_of: dict[str, ThreadRow] = {}  # node id -> message
    order: list[str] = []  # node ids of messages, input order
    for row in rows:
        node = row.message_id
        if not node or node in message_of:
            node = f"\0{row.key}"  # no id, or a duplicate: its own node
        message_of[node] = row
        order.append(node)
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
