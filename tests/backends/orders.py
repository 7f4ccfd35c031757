"""The order of a folder as the envelope path gives it: what every backend's index and the
server's SORT must equal (`ordering._order_from_envelopes` does the same in the browser)."""

from __future__ import annotations

from mailtui.core.index.sorting import as_sort_key, sort_keys, sort_row
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope


def reference_order(envs: list[Envelope], mode: str) -> tuple[list[str], dict[str, int]]:
    """(keys in the order `mode`, thread depths) from envelopes: sort_keys / thread_order."""
    if mode == "threads":
        lines = thread_order(
            ThreadRow(e.ref.key, e.message_id, e.in_reply_to, e.references, e.sort_date) for e in envs
        )
        return [line.key for line in lines], {line.key: line.depth for line in lines if line.depth}
    by, direction = mode.split(":")
    return sort_keys([sort_row(e, by) for e in envs], as_sort_key(by), direction == "desc"), {}
