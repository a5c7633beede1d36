"""How much of the real footprint the map shows: its sites of a year against the published count of US bases.

The map draws the largest installations and every site whose US presence is sourced; in 2008 the US had
hundreds of bases, most of them small outposts no source dates. footprint.csv holds the published counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from presence import dates
from presence.models import BaseCount, Source


def counts_in(counts: Sequence[BaseCount], year: int) -> list[BaseCount]:
    """The published counts of a year (empty rows, which only say none was published, left out)."""
    return [c for c in counts if c.year == year and c.counted]


def peak_count(counts: Sequence[BaseCount], year: int) -> BaseCount | None:
    """The year's largest published count: the map shows every site of the year, so it compares with the peak."""
    found = counts_in(counts, year)
    return max(found, key=lambda c: c.bases_high or c.bases_low or 0) if found else None


def format_count(count: BaseCount) -> str:
    """'505', '283 to 357', 'more than 100' (a floor only) or 'up to 14' (a ceiling only)."""
    if count.bases_low is not None and count.bases_high is not None:
        if count.bases_low == count.bases_high:
            return f"{count.bases_low:,}"
        return f"{count.bases_low:,} to {count.bases_high:,}"
    if count.bases_low is not None:
        return f"more than {count.bases_low:,}"
    return f"up to {count.bases_high:,}"


def coverage(counts: Sequence[BaseCount], year: int, shown: int, sources: Mapping[str, Source]) -> str:
    """One sentence for the map page: how many sites the map shows beside the published count of US bases."""
    sites = f"{shown} site{'s' if shown != 1 else ''}"
    peak = peak_count(counts, year)
    if peak is None:
        return (
            f"The map shows {sites} that hosted US forces in {year}. No count of US bases in Iraq was published "
            f"for {year}."
        )
    publishers = ", ".join(dict.fromkeys(sources[i].publisher for i in peak.source_ids if i in sources))
    when = dates.human(peak.as_of) if peak.as_of else str(year)
    others = len(counts_in(counts, year)) - 1
    more = f" ({others} other count{'s' if others != 1 else ''} of {year} on the Sources page)" if others else ""
    return (
        f"The map shows {sites} that hosted US forces in {year}: the largest, and every one whose US presence is "
        f"sourced. Published count for {when}: {format_count(peak)} {peak.what} ({publishers}){more}."
    )


def footprint_table(dataset) -> pd.DataFrame:
    """Every row of footprint.csv as a reader scans it: year, count, date, what it counts, who says so."""
    rows = [
        {
            "Year": c.year,
            "Count": format_count(c) if c.counted else "none published",
            "As of": dates.human(c.as_of) if c.as_of else "",
            "What": c.what or "",
            "Sources": ", ".join(
                dict.fromkeys(dataset.sources_by_id[i].publisher for i in c.source_ids if i in dataset.sources_by_id)
            ),
            "Notes": c.notes or "",
        }
        for c in dataset.footprint
    ]
    return pd.DataFrame(rows, columns=["Year", "Count", "As of", "What", "Sources", "Notes"])
