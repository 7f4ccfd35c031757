"""Where the pager's J, K and Tab go: the next or previous row of the index as it is shown.

The index's rows are already sorted, threaded and filtered, so stepping through them is
what a reader sees. Tab looks only at rows whose headers are loaded (the rest cannot be
known to be unread without reading them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mailtui.core.models import Envelope, MessageRef
    from mailtui.ui.widgets.index.message_index import MessageIndex


class Neighbours(Protocol):
    """What the screen that opened the pager answers for J, K and Tab."""

    def __call__(self, key: str, step: int, unread: bool) -> tuple[MessageRef, Envelope | None] | None:
        """The message `step` rows (+1 or -1) from `key`, the next unread one with `unread`,
        made current in the index; None when there is none."""
        ...


def neighbour_row(index: MessageIndex, key: str, step: int, unread: bool) -> int | None:
    """The row `step` rows from the one showing `key` (the next unread with `unread`);
    None past either end.

    A key no longer shown counts as the cursor's row: an mbox gives a message a new key
    when its flags are written (as marking it seen on opening does), and the index keeps
    the cursor on it.
    """
    rows = index.rows
    cursor = index.cursor
    if not (0 <= cursor < len(rows) and rows[cursor].key == key):
        cursor = next((i for i, r in enumerate(rows) if r.key == key), cursor)
    row = cursor + step
    while 0 <= row < len(rows):
        env = index.envelope(rows[row].key)
        if not unread or (env is not None and env.is_unread):
            return row
        row += step
    return None
