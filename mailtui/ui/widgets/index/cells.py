"""The cells of one message-index row as text: flags, date, sender and size.

Also used by other screens for sizes (attachments, the pager, the send transcript).
"""

from __future__ import annotations

import time

from rich.cells import cell_len, set_cell_size

from mailtui.core.models import Envelope, Flag
from mailtui.core.sanitize import invisible_marks

# Shown before a sender or subject holding invisible or bidi-control characters (already
# revealed as <U+200B> by the envelope parser): a look-alike, as browsers flag IDN ones.
LOOKALIKE_MARK = "⚠ "


def format_size(size: int) -> str:
    """A byte count in at most 5 cells: 999, 1.2K, 34K, 5.6M."""
    value = float(size)
    for unit in ("", "K", "M", "G"):
        if value < 1000 or unit == "G":
            if unit == "":
                return f"{int(value)}"
            return f"{value:.1f}{unit}" if value < 10 else f"{int(value)}{unit}"
        value /= 1024
    return "?"


DATE_FORMAT = "%Y-%m-%d"


def format_date(timestamp: float | None, fmt: str = DATE_FORMAT) -> str:
    """The message's own date in local time, as `fmt` ([ui] date_format) says; never relative
    to the clock. Always as wide as `fmt` makes a date (question marks for a missing one)."""
    width = date_width(fmt)
    if timestamp is None:
        return "?" * width
    try:
        return set_cell_size(time.strftime(fmt, time.localtime(timestamp)), width)
    except (OverflowError, OSError, ValueError):
        return "?" * width


def date_width(fmt: str) -> int:
    """The cells a date takes in `fmt` (the longest of a few dates: month and day names vary)."""
    samples = (0, 86400 * 45, 86400 * 250, 86400 * 300)
    try:
        return max(cell_len(time.strftime(fmt, time.gmtime(t))) for t in samples)
    except ValueError:
        return 10


def marked(text: str) -> str:
    """`text` with the look-alike mark in front when it holds invisible characters."""
    return LOOKALIKE_MARK + text if invisible_marks(text) else text


def display_sender(env: Envelope) -> str:
    """The sender's name when there is one (as mutt's %F), else the address; marked (⚠)
    when the name or address holds invisible characters."""
    sender, address = env.sender, env.sender_address
    if address and sender.endswith(f"<{address}>"):
        name = sender[: -len(address) - 2].strip().strip('"')
        shown = name or address
        return LOOKALIKE_MARK + shown if invisible_marks(sender) else shown
    return marked(sender or address)


def display_subject(env: Envelope) -> str:
    """The subject for the index row, marked (⚠) when it holds invisible characters."""
    return marked(env.subject)


# The flag column, one cell per flag so that none hides another: mutt's letters (N new,
# D deleted, ! flagged, * tagged, r replied), aerc's f for forwarded, @ for attachments.
FLAG_WIDTH = 7


def flag_cells(env: Envelope, tagged: bool = False) -> str:
    """The flag column of a row: `N D ! * r f @`, each in its own cell or a space."""
    flags = env.flags
    return "".join(
        (
            "N" if env.is_unread else " ",
            "D" if Flag.DELETED in flags else " ",
            "!" if Flag.FLAGGED in flags else " ",
            "*" if tagged else " ",
            "r" if Flag.ANSWERED in flags else " ",
            "f" if Flag.FORWARDED in flags else " ",
            "@" if env.has_attachments else " ",
        )
    )


def pending_flag_cells(tagged: bool) -> str:
    """The flag column of a row whose headers have not arrived: only the tag is known."""
    return "   *   " if tagged else " " * FLAG_WIDTH


def row_line(flags: str, date: str, sender: str, subject: str, size: str, width: int) -> str:
    """One index row cut to `width` cells: flags, date (as wide as `date`), sender (20 cells,
    16 under 90 columns), the subject in what is left, the size right-aligned in 5."""
    from_width = 20 if width >= 90 else 16
    subject_width = max(width - (FLAG_WIDTH + 1 + cell_len(date) + 1 + from_width + 1 + 1 + 5), 1)
    return f"{flags} {date} {_cut(sender, from_width)} {_cut(subject, subject_width)} {size:>5}"


def _cut(text: str, width: int) -> str:
    """`text` in exactly `width` cells; a longer one ends in "…" so it is seen to go on."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1) + "…", width) if width > 1 else "…"
