"""The arguments of `~d` (dates) and `~z` (sizes), as mutt reads them.

Dates: `<7d` younger than 7 days, `>1m` older than a month, `=1w` on the day a week ago
(units d w m y, and H M S); `DD/MM/YYYY-DD/MM/YYYY` from the first day to the end of the
last, `-DD/MM/YYYY` up to, `DD/MM/YYYY-` from, `DD/MM/YYYY` that day, `<DD/MM/YYYY` before
and `>DD/MM/YYYY` after it; a date may leave out the year (this one) or month and year
(this month), and a two-digit year below 70 is 20YY. Days are local days of `tz`.
Sizes: `<1M`, `>10K`, `=1234`, `100K-1M`, `-1M`, `1M-` (K = 1024 bytes, M = 1024 K).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from mailtui.core.patterns.nodes import DateRange, SizeRange


class RangeProblem(ValueError):
    """What is wrong with a date or size argument."""


_RELATIVE = re.compile(r"([<>=])(\d{1,6})([dwmyHMS])")
_DATE = re.compile(r"(\d{1,2})(?:/(\d{1,2})(?:/(\d{2}|\d{4}))?)?")
_SIZE = re.compile(r"(\d{1,12})([KkMm]?)")
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}


def date_range(text: str, now: float, tz: tzinfo) -> DateRange:
    """`~d`'s argument as a range of POSIX seconds (RangeProblem when it is not one)."""
    today = datetime.fromtimestamp(now, tz)
    found = _RELATIVE.fullmatch(text)
    if found:
        op, count, unit = found.group(1), int(found.group(2)), found.group(3)
        point = _back(today, count, unit)
        if op == "<":  # younger than: after the point
            return DateRange(point.timestamp(), None)
        if op == ">":  # older than
            return DateRange(None, point.timestamp())
        day = _day_start(point)
        return DateRange(day.timestamp(), _next_day(day).timestamp())
    if text[:1] in "<>":
        day = _date(text[1:], today)
        if text[0] == "<":
            return DateRange(None, day.timestamp())
        return DateRange(_next_day(day).timestamp(), None)
    low_text, dash, high_text = text.partition("-")
    if not dash:
        day = _date(text, today)
        return DateRange(day.timestamp(), _next_day(day).timestamp())
    if not low_text and not high_text:
        raise RangeProblem("a date range needs a date on one side at least, as -31/12/2024")
    low = _date(low_text, today).timestamp() if low_text else None
    high = _next_day(_date(high_text, today)).timestamp() if high_text else None
    if low is not None and high is not None and high <= low:
        raise RangeProblem("the range ends before it starts")
    return DateRange(low, high)


def size_range(text: str) -> SizeRange:
    """`~z`'s argument as a range of bytes, both ends included."""
    if text[:1] in "<>=":
        size = _size(text[1:])
        if text[0] == "<":
            return SizeRange(None, size - 1)
        if text[0] == ">":
            return SizeRange(size + 1, None)
        return SizeRange(size, size)
    low_text, dash, high_text = text.partition("-")
    if not dash:
        size = _size(text)
        return SizeRange(size, size)
    if not low_text and not high_text:
        raise RangeProblem("a size range needs a size on one side at least, as -1M")
    low = _size(low_text) if low_text else None
    high = _size(high_text) if high_text else None
    if low is not None and high is not None and high < low:
        raise RangeProblem("the range ends before it starts")
    return SizeRange(low, high)


def _size(text: str) -> int:
    found = _SIZE.fullmatch(text)
    if not found:
        raise RangeProblem(f"{text!r} is not a size: write 500, 10K or 1M")
    return int(found.group(1)) * _SIZE_UNITS[found.group(2).lower()]


def _date(text: str, today: datetime) -> datetime:
    """Midnight (in today's zone) of DD, DD/MM or DD/MM/YY[YY]."""
    found = _DATE.fullmatch(text)
    if not found:
        raise RangeProblem(f"{text!r} is not a date: write DD/MM/YYYY, or <7d, >1m")
    day = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else today.month
    year = today.year
    if found.group(3):
        year = int(found.group(3))
        if year < 100:
            year += 2000 if year < 70 else 1900
    try:
        naive = datetime(year, month, day)
    except ValueError:
        raise RangeProblem(f"{text!r} is not a day of the calendar") from None
    assert today.tzinfo is not None
    return naive.replace(tzinfo=today.tzinfo)


def _back(today: datetime, count: int, unit: str) -> datetime:
    """`today` moved back `count` units (months and years by the calendar)."""
    if unit in "ym":
        months = count * (12 if unit == "y" else 1)
        total = today.year * 12 + today.month - 1 - months
        year, month = divmod(total, 12)
        if year < 1:
            raise RangeProblem("that is before the year 1")
        day = min(today.day, _days_in(year, month + 1))
        return today.replace(year=year, month=month + 1, day=day)
    seconds = {"d": 86400, "w": 7 * 86400, "H": 3600, "M": 60, "S": 1}[unit]
    try:
        return today - timedelta(seconds=count * seconds)
    except OverflowError:
        raise RangeProblem("that is before the year 1") from None


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_day(day: datetime) -> datetime:
    """Midnight after `day` (a calendar step, so a DST change keeps days whole)."""
    following = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=day.tzinfo)
    return following
