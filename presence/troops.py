"""A year's troop figures as the reader should see them: every reading of the year, low to high, with dates.

One number per year misleads in the years of change: 2011 began with tens of thousands of US troops and ended
with about 150, and 2003 peaked in spring. So the headline is the range of the year's readings, and each
reading is named with its date and kind (a ceiling is not a count).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass

from presence import dates
from presence.models import TroopLevel
from presence.years import format_troops


@dataclass(frozen=True)
class TroopRange:
    """Every troop figure given for one year, in date order (undated ones last)."""

    year: int
    readings: tuple[TroopLevel, ...]

    @property
    def known(self) -> tuple[TroopLevel, ...]:
        return tuple(t for t in self.readings if t.troops_high is not None)

    @property
    def low(self) -> int | None:
        """The lowest figure of the year: a reading's lower bound, or its ceiling when it gives only that."""
        lows = [t.troops_low if t.troops_low is not None else t.troops_high for t in self.known]
        return min(lows) if lows else None

    @property
    def high(self) -> int | None:
        highs = [t.troops_high for t in self.known]
        return max(highs) if highs else None


def troop_range(levels: Sequence[TroopLevel], year: int) -> TroopRange:
    """The year's readings (possibly none)."""
    rows = sorted((t for t in levels if t.year == year), key=lambda t: (t.as_of is None, t.as_of or ""))
    return TroopRange(year, tuple(rows))


def format_range(span: TroopRange) -> str:
    """'130,000 to 148,000' over several readings; one reading as format_troops gives it; 'unknown'."""
    known = span.known
    if len(known) == 1:
        return format_troops(known[0])
    if not known:
        return "unknown"
    if span.low == span.high:
        return f"about {span.low:,}"
    return f"{span.low:,} to {span.high:,}"


def _short_date(reading: TroopLevel) -> str:
    """'1 May', 'Dec' or 'undated': the year is the headline's."""
    if not reading.as_of:
        return "undated"
    year, month, day = dates.parse_partial(reading.as_of)
    if month is None:
        return str(year)
    label = f"{day} {calendar.month_abbr[month]}" if day else calendar.month_abbr[month]
    return label if year == reading.year else f"{label} {year}"


def readings_line(span: TroopRange) -> str:
    """'1 May: 146,000 to 148,000 · 6 Nov: 130,000 to 132,000'; a ceiling says so ('ceiling 3,100')."""
    parts = []
    for reading in span.known:
        figure = format_troops(reading)
        if reading.figure_kind == "authorised_cap":
            figure = f"ceiling {reading.troops_high:,}"
        parts.append(f"{_short_date(reading)}: {figure}")
    return " · ".join(parts) if parts else "no figure in the data for this year"
