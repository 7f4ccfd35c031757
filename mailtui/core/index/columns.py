"""The index values of one message, from its Envelope (pure).

A backend with an index (`MailBackend.IMPLEMENTS_INDEX`) answers these from its header
cache; a message it has not indexed yet is read as an Envelope, and its values come from
here. Both must agree exactly, so the cache stores what these functions compute.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import cast

from mailtui.core.index.sorting import base_subject, sender_name
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope


def index_value(env: Envelope, column: str) -> object:
    """One column of `backends.base.IndexColumn` for `env`."""
    if column == "date":
        return env.sort_date
    if column == "size":
        return env.size
    if column == "sender_key":
        return sender_name(env.sender, env.sender_address)
    if column == "subject_key":
        return base_subject(env.subject)
    if column == "message_id":
        return env.message_id
    if column == "in_reply_to":
        return env.in_reply_to
    if column == "references":
        return tuple(env.references)
    raise ValueError(f"unknown index column {column!r}")


def index_values(env: Envelope, columns: Sequence[str]) -> tuple[object, ...]:
    """The values of `columns` for `env`, in order."""
    return tuple(index_value(env, c) for c in columns)


# Bumped with any change of how an order comes out (core/index/threads.py, sorting.py):
# orders stored by an index under another version are not used.
ORDER_VERSION = 1

# What each order needs (`backends.base.IndexColumn`); threads in ThreadRow's field order.
THREAD_COLUMNS = ("message_id", "in_reply_to", "references", "date")
SORT_COLUMN = {"date": "date", "size": "size", "from": "sender_key", "subject": "subject_key"}
_ThreadValues = tuple[str, str, tuple[str, ...], float]


def order_columns(mode: str) -> tuple[str, ...]:
    """The index columns the order `mode` ("threads", "from:asc", ...) is computed from."""
    return THREAD_COLUMNS if mode == "threads" else (SORT_COLUMN[mode.split(":")[0]],)


def order_from_rows(
    keys: Sequence[str], rows: Mapping[str, tuple[object, ...]], mode: str
) -> tuple[list[str], dict[str, int]]:
    """`keys` (the listing, newest first) in the order `mode`, and the thread depths.

    `rows` holds `order_columns(mode)` per key; keys without a row (gone meanwhile) drop
    out. Sorts are stable, so ties keep the listing order; "threads" is `thread_order`.
    """
    present = [k for k in keys if k in rows]
    if mode == "threads":
        lines = thread_order(_thread_rows(present, rows))
        return [line.key for line in lines], {line.key: line.depth for line in lines if line.depth}
    direction = mode.split(":")[1]
    value = {k: rows[k][0] for k in present}
    present.sort(key=value.__getitem__, reverse=direction == "desc")  # type: ignore[arg-type]
    return present, {}


def _thread_rows(keys: list[str], rows: Mapping[str, tuple[object, ...]]) -> Iterator[ThreadRow]:
    """ThreadRows of `keys`, each message-id string once (a reply repeats its ancestors' ids)."""
    same_id: dict[str, str] = {}
    same = same_id.setdefault
    for key in keys:
        message_id, in_reply_to, references, date = cast(_ThreadValues, rows[key])
        yield ThreadRow(
            key,
            same(message_id, message_id),
            same(in_reply_to, in_reply_to),
            tuple(same(r, r) for r in references),
            float(date),
        )
