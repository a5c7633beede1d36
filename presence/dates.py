"""ISO 8601 dates of reduced precision: '2003', '2003-04' or '2003-04-09'.

Sources often give only a month or a year; keeping the string as written says exactly what is known.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import Literal

Precision = Literal["day", "month", "year"]

# ASCII digits only, and nothing after the date: \d would take ٢٠٢٠, and $ a trailing line break.
_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@functools.lru_cache(maxsize=1 << 16)  # large event sets repeat the same few thousand days
def parse_partial(text: str) -> tuple[int, int | None, int | None]:
    """Split a reduced-precision ISO date into (year, month, day); raise ValueError when it is not one."""
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError("is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"has no month {month}")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError("is not a real day") from None
    return year, month, day


def precision_of(text: str) -> Precision:
    """How precise a partial date is: 'day', 'month' or 'year'."""
    _, month, day = parse_partial(text)
    if day is not None:
        return "day"
    return "month" if month is not None else "year"


def first_day(text: str) -> dt.date:
    """The earliest calendar day a partial date can mean."""
    year, month, day = parse_partial(text)
    return dt.date(year, month or 1, day or 1)


def last_day(text: str) -> dt.date:
    """The latest calendar day a partial date can mean."""
    year, month, day = parse_partial(text)
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def year_of(text: str) -> int:
    """The year of a partial date."""
    return parse_partial(text)[0]


def month_name(text: str) -> str | None:
    """The English month name of a partial date, or None when only the year is known."""
    month = parse_partial(text)[1]
    return calendar.month_name[month] if month else None


def human(text: str) -> str:
    """A partial date as a reader writes it: '9 April 2003', 'April 2003' or '2003'."""
    year, month, day = parse_partial(text)
    if month is None:
        return str(year)
    if day is None:
        return f"{calendar.month_name[month]} {year}"
    return f"{day} {calendar.month_name[month]} {year}"
