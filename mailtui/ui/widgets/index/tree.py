"""The thread tree as drawn in the index: `├>` `└>` and `│` continuation lines, as mutt draws them.

`tree_prefix` looks at the rows shown (a limit shows some messages of a thread,
in thread order) and the depth of each in the whole thread: a reply gets `├>` when a later
row below it is its sibling (the same depth, before the thread goes shallower), else `└>`;
each level above it gets `│ ` while a sibling of that level is still to come, else two
spaces. Depths beyond `MAX_DRAWN` are drawn at that depth. The look-ahead is bounded by
`LOOKAHEAD` rows, so a huge thread costs the same as a small one per drawn row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from mailtui.backends.base import CompactRefs
from mailtui.core.models import MessageRef

MAX_DRAWN = 8
LOOKAHEAD = 2000


def tree_prefix(rows: Sequence[MessageRef], row: int, depth_of: Mapping[str, int]) -> str:
    """The tree drawn before the subject of `rows[row]` ("" for a thread root)."""
    depth = min(depth_of.get(rows[row].key, 0), MAX_DRAWN)
    if depth <= 0:
        return ""
    later = _later_siblings(rows, row, depth, depth_of.get)
    lines = "".join("│ " if later[level] else "  " for level in range(1, depth))
    return lines + ("├>" if later[depth] else "└>")


def _later_siblings(
    rows: Sequence[MessageRef], row: int, depth: int, depth_of: Callable[[str, int], int]
) -> list[bool]:
    """For each level 1..depth: is a row of that level still to come below `row`, before
    the thread goes above that level?"""
    later = [False] * (depth + 1)
    shallowest = depth
    for j in range(row + 1, min(len(rows), row + 1 + LOOKAHEAD)):
        d = min(depth_of(rows[j].key, 0), MAX_DRAWN)
        if d <= 0:
            break  # the next thread
        if d <= shallowest:
            shallowest = d
            later[d] = True
            if d == 1:
                break  # every level above is decided
    return later


def shown_depths(
    ordered: Sequence[MessageRef], depth_of: Mapping[str, int], shown: frozenset[str]
) -> dict[str, int]:
    """The depths to draw under a limit: a reply keeps its depth while some ancestor of it
    is shown (the gap drawn as `│` where its parent is hidden, as in the whole thread); one
    whose every ancestor the limit hides is drawn as a tree of its own, never under whatever
    row happens to come above it (another thread's). `ordered` is the thread order (every
    message), `depth_of` the depths in the whole threads."""
    drawn: dict[str, int] = {}
    path: list[bool] = []  # per level of the current thread path: is that ancestor shown
    keys = ordered.keys() if isinstance(ordered, CompactRefs) else [r.key for r in ordered]
    get = depth_of.get
    for key in keys:
        depth = get(key, 0)
        del path[depth:]
        path.extend([False] * (depth - len(path)))
        visible = key in shown
        if visible and depth and any(path):
            drawn[key] = depth
        path.append(visible)
    return drawn
