"""The official or widely cited totals of a year (US deaths, wounded, attacks), and how the page says them.

The events on the map are a selection of landmark events, never a count; these totals are the counts, each
with who counted, the period and the place it covers (yearly_totals.csv).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from presence import dates
from presence.models import Source, YearlyTotal

MEASURE_LABELS = {
    "us_deaths": "US military deaths",
    "us_deaths_hostile": "hostile",
    "us_deaths_nonhostile": "non-hostile",
    "us_wounded": "US wounded in action",
    "attacks": "attacks on US or coalition forces",
}
SCOPE_LABELS = {"iraq": "in Iraq", "iraq_and_syria": "in Iraq and Syria together"}


def counts_of(totals: Sequence[YearlyTotal], year: int, measure: str) -> list[YearlyTotal]:
    """The published counts of a measure for a year (rows that only say none was published left out)."""
    return [t for t in totals if t.year == year and t.measure == measure and t.counted]


def year_total(totals: Sequence[YearlyTotal], year: int, measure: str) -> YearlyTotal | None:
    """The count for the whole calendar year in Iraq, if one was published: the figure a page can headline."""
    whole = [t for t in counts_of(totals, year, measure) if t.calendar_year and t.scope == "iraq"]
    return whole[0] if whole else None


def format_value(total: YearlyTotal) -> str:
    """'904', '899 to 906', 'more than 4,000' (a floor only) or 'up to 50' (a ceiling only)."""
    if total.low is not None and total.high is not None:
        return f"{total.low:,}" if total.low == total.high else f"{total.low:,} to {total.high:,}"
    if total.low is not None:
        return f"more than {total.low:,}"
    return f"up to {total.high:,}"


def period(total: YearlyTotal) -> str:
    """The period a count covers, in words: 'the year', 'August 2007', '17 October 2023 to 18 January 2024'."""
    if total.calendar_year:
        return f"the year {total.year}"
    start, end = dates.human(total.period_start), dates.human(total.period_end)
    return start if start == end else f"{start} to {end}"


def describe(total: YearlyTotal, sources: Mapping[str, Source]) -> str:
    """One count in full: value, what, where, when, who counted, and the publishers of its sources."""
    publishers = ", ".join(dict.fromkeys(sources[i].publisher for i in total.source_ids if i in sources))
    where = SCOPE_LABELS.get(total.scope or "", "")
    return (
        f"{format_value(total)} {MEASURE_LABELS[total.measure]} {where}, {period(total)} "
        f"(counted by {total.counted_by}; {publishers})"
    ).replace("  ", " ")


def headline_deaths(totals: Sequence[YearlyTotal], year: int) -> str:
    """The deaths figure for the page: the year's count, else 'not published' (partial counts are in the notes)."""
    total = year_total(totals, year, "us_deaths")
    return format_value(total) if total else "no yearly count"


def _short(total: YearlyTotal) -> str:
    where = "" if total.scope == "iraq" else f", {SCOPE_LABELS.get(total.scope or '', '')}"
    when = "" if total.calendar_year else f" ({period(total)}{where})"
    return format_value(total) + (when or (f" ({where[2:]})" if where else ""))


def official_summary(totals: Sequence[YearlyTotal], year: int) -> str:
    """The year's published counts in one short sentence: value, and the period or place where it is not the
    year in Iraq. Who counted each is on the Timeline page and in the figures' help."""
    parts = []
    deaths = [_short(t) for t in counts_of(totals, year, "us_deaths")]
    split = [
        f"{MEASURE_LABELS[m]} {', '.join(_short(t) for t in counts_of(totals, year, m))}"
        for m in ("us_deaths_hostile", "us_deaths_nonhostile")
        if counts_of(totals, year, m)
    ]
    if deaths or split:
        parts.append("US military deaths " + ", ".join(deaths) + (f" ({'; '.join(split)})" if split else ""))
    for measure in ("us_wounded", "attacks"):
        found = [_short(t) for t in counts_of(totals, year, measure)]
        if found:
            parts.append(f"{MEASURE_LABELS[measure]} " + ", ".join(found))
    if not parts:
        return f"No official count of US deaths, wounded or attacks in Iraq was published for {year}."
    return f"Published counts for {year}: " + "; ".join(parts) + ". Who counted each: the Timeline page."


def totals_frame(totals: Sequence[YearlyTotal], sources: Mapping[str, Source]) -> pd.DataFrame:
    """The counts for charts and tables: one row per published count, with its period and sources."""
    rows = [
        {
            "year": t.year,
            "measure": t.measure,
            "label": MEASURE_LABELS[t.measure],
            "low": t.low if t.low is not None else t.high,
            "high": t.high if t.high is not None else t.low,
            "value": format_value(t),
            "period": period(t),
            "whole_year": t.calendar_year,
            "scope": SCOPE_LABELS.get(t.scope or "", ""),
            "counted_by": t.counted_by or "",
            "sources": ", ".join(dict.fromkeys(sources[i].publisher for i in t.source_ids if i in sources)),
        }
        for t in totals
        if t.counted
    ]
    columns = [
        "year",
        "measure",
        "label",
        "low",
        "high",
        "value",
        "period",
        "whole_year",
        "scope",
        "counted_by",
        "sources",
    ]
    return pd.DataFrame(rows, columns=columns)
