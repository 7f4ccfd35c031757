"""Index orderings other than delivery time: by date, sender, subject or size (pure).

A change of these rules needs `core.index.columns.ORDER_VERSION` (stored orders) and the
Maildir cache's SCHEMA_VERSION (stored sort keys) bumped. Works on compact `SortRow`s rather than Envelopes, so the browser can order 100,000
messages while holding one small tuple per message. Ties keep the incoming order, which
is newest first, so equal senders or subjects stay in date order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mailtui.core.models import Envelope

SortKey = Literal["date", "from", "subject", "size"]
SORT_KEYS: tuple[SortKey, ...] = ("date", "from", "subject", "size")

# Reply and forward prefixes in the languages admins meet most (mutt's reply_regexp, wider).
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|tr|rif|antw|odp)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SortRow:
    """What ordering needs of one message."""

    key: str
    date: float
    sender: str
    subject: str
    size: int


def base_subject(subject: str) -> str:
    """The subject without Re:/Fwd:/AW: prefixes and list tags, case-folded, for comparing."""
    text = subject.strip()
    while True:
        stripped = _PREFIX.sub("", text)
        if stripped.startswith("[") and "]" in stripped:
            # "[list] Re: x": drop one list tag, then look for prefixes again.
            stripped = stripped[stripped.index("]") + 1 :].strip()
        if stripped == text:
            return " ".join(text.casefold().split())
        text = stripped


def sender_name(sender: str, address: str) -> str:
    """The name shown for a sender (as the index draws it), case-folded for ordering."""
    if address and sender.endswith(f"<{address}>"):
        name = sender[: -len(address) - 2].strip().strip('"')
        return (name or address).casefold()
    return (sender or address).casefold()


def sort_row(env: Envelope, by: str | None = None) -> SortRow:
    """The compact ordering row of an envelope; with `by`, the other text fields stay empty
    (sorting 100k messages by date keeps no sender or subject strings)."""
    sender = sender_name(env.sender, env.sender_address) if by in (None, "from") else ""
    subject = env.subject if by in (None, "subject") else ""
    return SortRow(env.ref.key, env.sort_date, sender, subject, env.size)


def sort_keys(rows: Iterable[SortRow], by: SortKey, descending: bool = False) -> list[str]:
    """Keys ordered by `by`; date and size descending means newest/biggest first.

    For from and subject, ascending is A to Z. Ties keep the input order.
    """
    items = list(rows)
    if by == "date":
        items.sort(key=lambda r: r.date, reverse=descending)
    elif by == "size":
        items.sort(key=lambda r: r.size, reverse=descending)
    elif by == "from":
        items.sort(key=lambda r: r.sender, reverse=descending)
    elif by == "subject":
        items.sort(key=lambda r: base_subject(r.subject), reverse=descending)
    else:
        raise ValueError(f"unknown sort key {by!r}; use one of {', '.join(SORT_KEYS)}")
    return [r.key for r in items]


def as_sort_key(name: str) -> SortKey:
    """`name` ("date", "from", "subject", "size") as a SortKey; ValueError for any other."""
    for key in SORT_KEYS:
        if key == name:
            return key
    raise ValueError(f"unknown sort key {name!r}; use one of {', '.join(SORT_KEYS)}")


def next_sort_key(current: SortKey) -> SortKey:
    """The key after `current` in the cycle date -> from -> subject -> size -> date."""
    return SORT_KEYS[(SORT_KEYS.index(current) + 1) % len(SORT_KEYS)]
