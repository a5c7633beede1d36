"""The story over time: troop levels, milestones, and each site's presence as bars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from presence import dates
from presence.dataset import Dataset
from presence.details import FIGURE_KINDS
from presence.years import FORCE_LABELS, format_troops

# The milestones a reader needs to read the troop curve; each is an event in the data, so it has sources.
MILESTONE_EVENTS: tuple[tuple[str, str], ...] = (
    ("2003-03-20-invasion-begins", "Invasion"),
    ("2011-12-18-last-us-convoy-leaves-iraq", "Withdrawal, Dec 2011"),
    ("2014-06-19-obama-authorizes-300-advisers", "Return against ISIS"),
    ("2021-12-09-end-of-coalition-combat-mission", "Combat mission ends"),
    ("2024-09-27-us-iraq-joint-statement-two-phase-end", "2024 joint statement"),
    ("2026-01-18-iraq-announces-full-us-withdrawal-federal-territory", "Out of federal Iraq"),
)


@dataclass(frozen=True)
class Milestone:
    """A dated turning point with the records behind it."""

    date: str
    label: str
    title: str
    source_ids: tuple[str, ...]
    event_id: str | None = None


def midpoint(text: str) -> dt.date:
    """A partial date placed at the middle of what it can mean, for drawing on a time axis."""
    first, last = dates.first_day(text), dates.last_day(text)
    return first + (last - first) / 2


def milestones(dataset: Dataset) -> list[Milestone]:
    """The milestone events in date order, plus the troop peak taken from the troop levels."""
    by_id = {e.id: e for e in dataset.events}
    found = [
        Milestone(by_id[i].date, label, by_id[i].title, tuple(by_id[i].source_ids), i)
        for i, label in MILESTONE_EVENTS
        if i in by_id
    ]
    known = [t for t in dataset.troop_levels if t.troops_high is not None and t.troops_low is not None]
    if known:
        peak = max(known, key=lambda t: t.troops_high)
        found.append(
            Milestone(
                peak.as_of or str(peak.year),
                f"Peak, {peak.year}",
                f"Highest US troop level in the data: {format_troops(peak)}",
                tuple(peak.source_ids),
            )
        )
    return sorted(found, key=lambda m: midpoint(m.date))


def troop_series(dataset: Dataset) -> pd.DataFrame:
    """One row per troop figure in date order: when, low, high, what it is, who says so, and the segment of
    the line it belongs to (empty for a year the data marks unknown)."""
    rows = []
    for level in dataset.troop_levels:
        publishers = [dataset.sources_by_id[i].publisher for i in level.source_ids if i in dataset.sources_by_id]
        rows.append(
            {
                "date": pd.Timestamp(midpoint(level.as_of) if level.as_of else dt.date(level.year, 7, 1)),
                "year": level.year,
                "low": level.troops_low,
                "high": level.troops_high,
                "figure": format_troops(level),
                "kind": FIGURE_KINDS[level.figure_kind],
                "as_of": dates.human(level.as_of) if level.as_of else "",
                "disputed": level.troops_low is not None and level.troops_low != level.troops_high,
                "sources": "; ".join(dict.fromkeys(publishers)),
            }
        )
    frame = pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)
    # A year without a figure breaks the line: each run of known figures is its own segment.
    unknown = frame["high"].isna()
    frame["segment"] = unknown.cumsum().where(~unknown)
    return frame.astype({"low": "Int64", "high": "Int64", "segment": "Int64"})


def presence_bars(dataset: Dataset) -> pd.DataFrame:
    """One bar per presence period per site; an open period runs to the as-of date."""
    rows = []
    for site in dataset.sites:
        for period in site.presence:
            rows.append(
                {
                    "site": site.name,
                    "site_id": site.id,
                    "region": "Kurdistan Region" if site.region == "kurdistan" else "Federal Iraq",
                    "start": pd.Timestamp(dates.first_day(period.start)),
                    "end": pd.Timestamp(dates.last_day(period.end) if period.end else dataset.metadata.as_of),
                    "period": f"{dates.human(period.start)} to "
                    + (dates.human(period.end) if period.end else "still present"),
                    "force": FORCE_LABELS[period.force],
                }
            )
    return pd.DataFrame(rows)
