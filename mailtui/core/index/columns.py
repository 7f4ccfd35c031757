"""The index values of one message, from its Envelope (pure).

A backend with an index (`MailBackend.IMPLEMENTS_INDEX`) answers these from its header
cache; a message it has not indexed yet is read as an Envelope, and its values come from
here. Both must agree exactly, so the cache stores what these functions compute.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailtui.core.index.sorting import base_subject, sender_name
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
