"""What the map shows for a year: each site's status, the year's events, its troop level and figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from presence import dates
from presence.models import Event, Presence, Site, Source, TroopLevel

ONE_DAY = timedelta(days=1)


class Status(StrEnum):
    """A site's US presence over one calendar year."""

    PRESENT = "present"  # US forces there all year
    ARRIVED = "arrived"  # US forces arrived that year and were still there at its end
    LEFT = "left"  # US forces left that year
    ABSENT = "absent"  # no US forces that year


STATUS_LABELS = {
    Status.PRESENT: "US forces present all year",
    Status.ARRIVED: "US forces arrived",
    Status.LEFT: "US forces left",
    Status.ABSENT: "No US forces",
}

FORCE_LABELS = {
    "us_combat": "US combat forces",
    "us_advisers": "US advisers",
    "coalition": "US-led coalition",
}


@dataclass(frozen=True)
class SiteYear:
    """A site's status in a year, the presence period it comes from, and the arrival or departure date."""

    status: Status
    period: Presence | None = None
    when: str | None = None

    @property
    def hosted_us_forces(self) -> bool:
        """Whether US forces were at the site at any time that year."""
        return self.status is not Status.ABSENT

    def describe(self) -> str:
        """A sentence-case description such as 'US forces left in January 2026 (US advisers)'."""
        text = STATUS_LABELS[self.status]
        if self.when and self.status in (Status.ARRIVED, Status.LEFT):
            text += (
                f" in {dates.human(self.when)}"
                if dates.precision_of(self.when) != "day"
                else f" on {dates.human(self.when)}"
            )
        if self.period is not None:
            text += f" ({FORCE_LABELS[self.period.force]})"
        return text


def _covers_year_end(period: Presence, year: int) -> bool:
    return dates.year_of(period.start) <= year and (period.end is None or dates.year_of(period.end) > year)


def _arrival(periods: Sequence[Presence], index: int) -> str:
    """When US forces arrived for the stay that period `index` belongs to.

    A period that starts no later than the day after the previous one ends continues it (one mission
    handing over to the next: "to August 2010" then "from September 2010"), so the stay began with the
    earlier period. A gap of at least a day that the dates show means US forces left and came back.
    """
    while index > 0:
        before = periods[index - 1]
        if before.end is None or dates.last_day(before.end) + ONE_DAY < dates.first_day(periods[index].start):
            break
        index -= 1
    return periods[index].start


def site_status(site: Site, year: int) -> SiteYear:
    """Status of US presence at `site` during `year`.

    Arrived: a period starts that year and runs past its end. Left: the last period touching the year ends
    in it (a stay that began and ended in the same year counts as left). An open period (no end) means US
    forces were still there at the dataset's as-of date.
    """
    for index, period in enumerate(site.presence):
        if _covers_year_end(period, year):
            arrival = _arrival(site.presence, index)
            if dates.year_of(arrival) == year:
                return SiteYear(Status.ARRIVED, period, arrival)
            return SiteYear(Status.PRESENT, period)
    ended = [p for p in site.presence if p.end is not None and dates.year_of(p.end) == year]
    if ended:
        last = max(ended, key=lambda p: dates.last_day(p.end))
        return SiteYear(Status.LEFT, last, last.end)
    return SiteYear(Status.ABSENT)


def last_confirmed(period: Presence, sources: Mapping[str, Source]) -> str | None:
    """The publication date of the latest source behind a period: for a presence still open, the day it was
    last confirmed (the dataset's as-of date is when it was checked, not when US forces were seen there)."""
    published = [sources[i].published for i in period.source_ids if i in sources and sources[i].published != "unknown"]
    return max(published, key=dates.first_day) if published else None


def events_in(events: Iterable[Event], year: int, *, through: bool = False) -> list[Event]:
    """The events of `year`, or with `through=True` every event up to and including it."""
    if through:
        return [e for e in events if dates.year_of(e.date) <= year]
    return [e for e in events if dates.year_of(e.date) == year]


def events_at(events: Iterable[Event], site_id: str) -> list[Event]:
    """The events that happened at a site, oldest first."""
    return sorted((e for e in events if e.site_id == site_id), key=lambda e: (e.date, e.id))


def troop_level(levels: Sequence[TroopLevel], year: int) -> TroopLevel | None:
    """The latest troop figure given for `year`, or None when the data has none."""
    rows = [t for t in levels if t.year == year]
    return max(rows, key=lambda t: t.as_of or "") if rows else None


def format_troops(level: TroopLevel | None) -> str:
    """'about 170,000', '5,000 to 5,200', 'at most 2,000' (a ceiling only), or 'unknown'."""
    if level is None or level.troops_high is None:
        return "unknown"
    if level.troops_low is None:
        return f"at most {level.troops_high:,}"
    if level.troops_low == level.troops_high:
        return f"about {level.troops_low:,}"
    return f"{level.troops_low:,} to {level.troops_high:,}"


@dataclass(frozen=True)
class YearFigures:
    """The headline numbers for one year."""

    year: int
    troops: TroopLevel | None
    sites_federal: int  # hosted US forces at some time in the year
    sites_kurdistan: int
    sites_federal_at_end: int  # still hosted them at the year's end (or the as-of date)
    sites_kurdistan_at_end: int
    events: int
    attacks: int
    us_killed: int
    us_injured: int
    casualty_events_unreported: int


def year_figures(
    sites: Sequence[Site], events: Sequence[Event], levels: Sequence[TroopLevel], year: int
) -> YearFigures:
    """Troops, sites hosting US forces by region, attacks and reported US casualties in `year`."""
    statuses = [(s, site_status(s, year).status) for s in sites]
    hosting = [s for s, status in statuses if status is not Status.ABSENT]
    at_end = [s for s, status in statuses if status in (Status.PRESENT, Status.ARRIVED)]
    of_year = events_in(events, year)
    attacks = [e for e in of_year if e.category == "attack"]
    return YearFigures(
        year=year,
        troops=troop_level(levels, year),
        sites_federal=sum(s.region == "federal" for s in hosting),
        sites_kurdistan=sum(s.region == "kurdistan" for s in hosting),
        sites_federal_at_end=sum(s.region == "federal" for s in at_end),
        sites_kurdistan_at_end=sum(s.region == "kurdistan" for s in at_end),
        events=len(of_year),
        attacks=len(attacks),
        us_killed=sum(e.us_killed or 0 for e in of_year),
        us_injured=sum(e.us_injured or 0 for e in of_year),
        casualty_events_unreported=sum(e.us_killed is None and e.category == "attack" for e in of_year),
    )
