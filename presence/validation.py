"""Rules across records: unique ids, references that resolve, dates in range, points where they claim to be.

Each `check_*` function takes typed records of one file and returns the problems it finds, so the same rules
serve the shipped data folder and anything a user loads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from presence import dates
from presence.geo import Boundaries, haversine_km, looks_swapped
from presence.models import BaseCount, City, Event, Metadata, Site, Source, TroopLevel, YearlyTotal
from presence.problems import Problem

SOURCES_FILE = "sources.csv"
SITES_FILE = "sites.geojson"
EVENTS_FILE = "events.geojson"
TROOPS_FILE = "troop_levels.csv"
CITIES_FILE = "cities.geojson"
FOOTPRINT_FILE = "footprint.csv"
TOTALS_FILE = "yearly_totals.csv"
METADATA_FILE = "metadata.json"

# An event placed at a site should sit on it; farther than this from the site's point is a data error.
MAX_KM_FROM_SITE = 5.0
# Natural Earth's 10 m governorate lines are generalised: Camp Taji, in Baghdad governorate, lies 13 km
# outside its Baghdad polygon. A site's governorate is wrong only when the point is farther than this from it.
GOVERNORATE_TOLERANCE_KM = 20.0


@dataclass(frozen=True)
class Context:
    """What records are checked against: the dataset's span, its boundaries, and the ids that exist."""

    as_of: dates.dt.date | None
    first_year: int | None
    boundaries: Boundaries | None
    source_ids: frozenset[str] | None  # None: sources.csv could not be read, so references are not checked
    sites: dict[str, Site] | None  # None: sites.geojson could not be read


def duplicate_ids(ids: Iterable[str], file: str) -> list[Problem]:
    """One problem per id that occurs more than once."""
    counts = Counter(ids)
    return [Problem(file, ident, "id", f"{ident!r} is used by {n} records") for ident, n in counts.items() if n > 1]


def _unknown_sources(ids: Sequence[str], ctx: Context, file: str, record: str, field: str) -> list[Problem]:
    if ctx.source_ids is None:
        return []
    return [
        Problem(file, record, f"{field}[{i}]", f"{ident!r} is not in {SOURCES_FILE}")
        for i, ident in enumerate(ids)
        if ident not in ctx.source_ids
    ]


def _in_span(value: str, ctx: Context, file: str, record: str, field: str) -> list[Problem]:
    problems = []
    if ctx.as_of and dates.first_day(value) > ctx.as_of:
        problems.append(Problem(file, record, field, f"{value} is after the dataset's as-of date {ctx.as_of}"))
    if ctx.first_year and dates.year_of(value) < ctx.first_year:
        problems.append(Problem(file, record, field, f"{value} is before the dataset's first year {ctx.first_year}"))
    return problems


def _place(lon: float, lat: float, ctx: Context, file: str, record: str, inside: bool | None = None) -> list[Problem]:
    """Problems with a point: swapped, not a coordinate, outside Iraq. `inside` may be given, precomputed."""
    field = "geometry.coordinates"
    if looks_swapped(lon, lat):
        return [
            Problem(
                file,
                record,
                field,
                f"[{lon}, {lat}] looks like [latitude, longitude]; GeoJSON wants "
                f"[longitude, latitude], i.e. [{lat}, {lon}]",
            )
        ]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return [Problem(file, record, field, f"[{lon}, {lat}] is not a longitude and latitude")]
    if inside is None and ctx.boundaries:
        inside = ctx.boundaries.contains(lon, lat)
    if inside is False:
        return [Problem(file, record, field, f"[{lon}, {lat}] is outside Iraq")]
    return []


def check_sources(sources: Sequence[Source], ctx: Context) -> list[Problem]:
    """Unique ids; publication and access dates not after the as-of date."""
    problems = duplicate_ids((s.id for s in sources), SOURCES_FILE)
    for s in sources:
        label = s.id
        if s.published != "unknown" and ctx.as_of and dates.first_day(s.published) > ctx.as_of:
            problems.append(
                Problem(
                    SOURCES_FILE, label, "published", f"{s.published} is after the dataset's as-of date {ctx.as_of}"
                )
            )
        if ctx.as_of and s.accessed > ctx.as_of:
            problems.append(
                Problem(SOURCES_FILE, label, "accessed", f"{s.accessed} is after the dataset's as-of date {ctx.as_of}")
            )
    return problems


def check_sites(sites: Sequence[Site], ctx: Context) -> list[Problem]:
    """Unique ids, place and region, presence periods in order, dates in span, sources that resolve."""
    problems = duplicate_ids((s.id for s in sites), SITES_FILE)
    for site in sites:
        label = site.id
        place = _place(site.lon, site.lat, ctx, SITES_FILE, label)
        problems += place
        if not place and ctx.boundaries:
            region = ctx.boundaries.region_of(site.lon, site.lat)
            if region != site.region:
                problems.append(
                    Problem(
                        SITES_FILE,
                        label,
                        "region",
                        f"{site.region!r} disagrees with the boundary: "
                        f"[{site.lon}, {site.lat}] lies in {region!r} Iraq",
                    )
                )
            governorate = ctx.boundaries.governorate_of(site.lon, site.lat)
            off = ctx.boundaries.km_outside(site.governorate, site.lon, site.lat)
            if governorate and off is not None and off > GOVERNORATE_TOLERANCE_KM:
                problems.append(
                    Problem(
                        SITES_FILE,
                        label,
                        "governorate",
                        f"{site.governorate!r} disagrees with "
                        f"the boundary: [{site.lon}, {site.lat}] lies in {governorate!r}",
                    )
                )
        problems += _unknown_sources(site.source_ids, ctx, SITES_FILE, label, "source_ids")
        problems += _unknown_sources(site.location_source_ids, ctx, SITES_FILE, label, "location_source_ids")
        problems += _check_periods(site, ctx)
        previous = None
        for j, handover in enumerate(site.handovers):
            field = f"handovers[{j}]"
            problems += _grade_pair(handover, SITES_FILE, label, f"{field}.")
            problems += _in_span(handover.date, ctx, SITES_FILE, label, f"{field}.date")
            problems += _unknown_sources(handover.source_ids, ctx, SITES_FILE, label, f"{field}.source_ids")
            if previous and dates.first_day(handover.date) < dates.first_day(previous):
                problems.append(
                    Problem(
                        SITES_FILE,
                        label,
                        f"{field}.date",
                        f"{handover.date} comes before the handover listed above it ({previous})",
                    )
                )
            previous = handover.date
    return problems


# The force rule: which mission a period may name, by when it falls. (first day, last day) of each; None: open.
FORCE_SPANS = {
    "us_combat": ((dt.date(2003, 1, 1), dt.date(2010, 8, 31)),),
    "us_advisers": ((dt.date(2010, 9, 1), dt.date(2011, 12, 31)), (dt.date(2021, 12, 1), None)),
    "coalition": ((dt.date(2014, 6, 1), dt.date(2021, 12, 31)),),
}
FORCE_RULE = {
    "us_combat": "the combat mission ran from 2003 to August 2010",
    "us_advisers": "advisers are Operation New Dawn (September 2010 to December 2011) or after December 2021",
    "coalition": "the coalition period runs from June 2014 to December 2021",
}


def _force_rule(period, field: str, label: str) -> list[Problem]:
    # A date of month or year precision passes when some day it can mean fits ("2014" can be June 2014).
    first, last = dates.last_day(period.start), dates.first_day(period.end) if period.end else None
    for begin, end in FORCE_SPANS[period.force]:
        if first >= begin and (end is None or (last is not None and last <= end)):
            return []
    span = f"{period.start} to {period.end or 'the present'}"
    return [Problem(SITES_FILE, label, f"{field}.force", f"{period.force!r} for {span}: {FORCE_RULE[period.force]}")]


def _grade_pair(record, file: str, label: str, field: str) -> list[Problem]:
    """A grade set in the data overrides the one its sources give, so it must say why (and a reason needs one)."""
    if (record.grade is None) == (record.grade_reason is None):
        return []
    missing = "grade_reason" if record.grade else "grade"
    message = "is empty; a grade set by hand needs both grade and grade_reason"
    return [Problem(file, label, f"{field}{missing}", message)]


def _check_periods(site: Site, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    label = site.id
    for i, period in enumerate(site.presence):
        field = f"presence[{i}]"
        problems += _force_rule(period, field, label)
        problems += _grade_pair(period, SITES_FILE, label, f"{field}.")
        problems += _in_span(period.start, ctx, SITES_FILE, label, f"{field}.start")
        problems += _unknown_sources(period.source_ids, ctx, SITES_FILE, label, f"{field}.source_ids")
        if period.end is not None:
            problems += _in_span(period.end, ctx, SITES_FILE, label, f"{field}.end")
            if dates.last_day(period.end) < dates.first_day(period.start):
                problems.append(
                    Problem(SITES_FILE, label, f"{field}.end", f"{period.end} is before its start {period.start}")
                )
        elif i < len(site.presence) - 1:
            problems.append(
                Problem(
                    SITES_FILE,
                    label,
                    f"{field}.end",
                    "is open (null) but a later period follows; only the last may be open",
                )
            )
        if i > 0:
            before = site.presence[i - 1]
            # Periods may share a month (a mission ends and the next begins), never overlap further.
            if before.end is not None and dates.first_day(period.start) < dates.first_day(before.end):
                problems.append(
                    Problem(
                        SITES_FILE,
                        label,
                        f"{field}.start",
                        f"{period.start} is before the end "
                        f"of presence[{i - 1}] ({before.end}); periods must be in order",
                    )
                )
    return problems


def check_events(events: Sequence[Event], ctx: Context, file: str = EVENTS_FILE) -> list[Problem]:
    """Unique ids, precision agreeing with the date, known sites, places in Iraq near their site."""
    problems = duplicate_ids((e.id for e in events), file)
    placed = [e for e in events if e.lon is not None and e.lat is not None]
    inside: dict[str, bool] = {}
    if ctx.boundaries:
        flags = ctx.boundaries.contains_many([e.lon for e in placed], [e.lat for e in placed])
        inside = {e.id: flag for e, flag in zip(placed, flags, strict=True)}
    for event in events:
        label = event.id
        problems += _grade_pair(event, file, label, "")
        problems += _in_span(event.date, ctx, file, label, "date")
        actual = dates.precision_of(event.date)
        if actual != event.date_precision:
            problems.append(
                Problem(
                    file,
                    label,
                    "date_precision",
                    f"{event.date_precision!r} disagrees with the date {event.date} ({actual})",
                )
            )
        problems += _unknown_sources(event.source_ids, ctx, file, label, "source_ids")
        problems += _unknown_sources(event.location_source_ids, ctx, file, label, "location_source_ids")
        site = ctx.sites.get(event.site_id) if event.site_id and ctx.sites is not None else None
        if event.site_id and site is None and ctx.sites is not None:
            problems.append(Problem(file, label, "site_id", f"{event.site_id!r} is not in {SITES_FILE}"))
        if event.lon is None or event.lat is None:
            if event.location_precision != "country":
                problems.append(
                    Problem(
                        file,
                        label,
                        "geometry",
                        "is null, which only a nationwide event (location_precision 'country') may be",
                    )
                )
            continue
        place = _place(event.lon, event.lat, ctx, file, label, inside.get(event.id))
        problems += place
        if site and not place:
            km = haversine_km(event.lon, event.lat, site.lon, site.lat)
            if km > MAX_KM_FROM_SITE:
                problems.append(
                    Problem(
                        file,
                        label,
                        "geometry.coordinates",
                        f"[{event.lon}, {event.lat}] is "
                        f"{km:.0f} km from its site {site.id!r} (at most {MAX_KM_FROM_SITE:g})",
                    )
                )
    return problems


def check_troop_levels(levels: Sequence[TroopLevel], ctx: Context) -> list[Problem]:
    """Years in span and all covered, low <= high, figure dates in their year, sources that resolve."""
    problems: list[Problem] = []
    for level in levels:
        label = f"year {level.year}"
        if ctx.first_year and level.year < ctx.first_year or ctx.as_of and level.year > ctx.as_of.year:
            problems.append(Problem(TROOPS_FILE, label, "year", f"{level.year} is outside the dataset's years"))
        # low alone is meaningless; high alone is a ceiling ("fewer than 2,000"); both empty is unknown.
        if level.troops_low is not None and level.troops_high is None:
            problems.append(
                Problem(
                    TROOPS_FILE, label, "troops_high", "is empty while troops_low is set; give both, or only a ceiling"
                )
            )
        elif level.troops_low is not None and level.troops_low > level.troops_high:
            problems.append(
                Problem(
                    TROOPS_FILE, label, "troops_low", f"{level.troops_low} is more than troops_high {level.troops_high}"
                )
            )
        # A year-end figure is often reported early the next year, so as_of may fall in the following year.
        if level.as_of is not None and dates.year_of(level.as_of) not in (level.year, level.year + 1):
            problems.append(
                Problem(TROOPS_FILE, label, "as_of", f"{level.as_of} is neither in {level.year} nor the year after")
            )
        problems += _unknown_sources(level.source_ids, ctx, TROOPS_FILE, label, "source_ids")
    if levels and ctx.first_year and ctx.as_of:  # no rows at all is the file's own problem
        covered = {level.year for level in levels}
        for year in range(ctx.first_year, ctx.as_of.year + 1):
            if year not in covered:
                problems.append(Problem(TROOPS_FILE, f"year {year}", "year", "has no row (one per year is needed)"))
    return problems


def check_cities(cities: Sequence[City], ctx: Context) -> list[Problem]:
    """Unique names, points in Iraq and in (or near) their governorate, sources that resolve."""
    problems = duplicate_ids((c.name for c in cities), CITIES_FILE)
    for city in cities:
        place = _place(city.lon, city.lat, ctx, CITIES_FILE, city.name)
        problems += place
        if not place and ctx.boundaries:
            off = ctx.boundaries.km_outside(city.governorate, city.lon, city.lat)
            if off is not None and off > GOVERNORATE_TOLERANCE_KM:
                problems.append(
                    Problem(
                        CITIES_FILE,
                        city.name,
                        "governorate",
                        f"{city.governorate!r} disagrees with the boundary: [{city.lon}, {city.lat}] is {off:.0f} km "
                        "outside it",
                    )
                )
        problems += _unknown_sources(city.source_ids, ctx, CITIES_FILE, city.name, "source_ids")
    return problems


def check_footprint(counts: Sequence[BaseCount], ctx: Context) -> list[Problem]:
    """Every year has a row; a count says what it counts, when, and who says so; low <= high."""
    problems: list[Problem] = []
    for row in counts:
        label = f"year {row.year}"
        if ctx.first_year and row.year < ctx.first_year or ctx.as_of and row.year > ctx.as_of.year:
            problems.append(Problem(FOOTPRINT_FILE, label, "year", f"{row.year} is outside the dataset's years"))
        if row.counted:
            for name in ("what", "as_of"):
                if getattr(row, name) is None:
                    problems.append(Problem(FOOTPRINT_FILE, label, name, "is empty; a count must say this"))
            if not row.source_ids:
                problems.append(Problem(FOOTPRINT_FILE, label, "source_ids", "is empty; a count needs a source"))
        elif row.notes is None:
            problems.append(Problem(FOOTPRINT_FILE, label, "notes", "is empty; a year without a count says so here"))
        if row.bases_low is not None and row.bases_high is not None and row.bases_low > row.bases_high:
            problems.append(
                Problem(FOOTPRINT_FILE, label, "bases_low", f"{row.bases_low} is more than bases_high {row.bases_high}")
            )
        if row.as_of is not None and dates.year_of(row.as_of) != row.year:
            problems.append(Problem(FOOTPRINT_FILE, label, "as_of", f"{row.as_of} is not in {row.year}"))
        problems += _unknown_sources(row.source_ids, ctx, FOOTPRINT_FILE, label, "source_ids")
    if counts and ctx.first_year and ctx.as_of:
        covered = {row.year for row in counts}
        for year in range(ctx.first_year, ctx.as_of.year + 1):
            if year not in covered:
                problems.append(Problem(FOOTPRINT_FILE, f"year {year}", "year", "has no row (one per year is needed)"))
    return problems


MEASURES = ("us_deaths", "us_deaths_hostile", "us_deaths_nonhostile", "us_wounded", "attacks")


def check_yearly_totals(totals: Sequence[YearlyTotal], ctx: Context) -> list[Problem]:
    """A row per year and measure; a count says who counted, for where, and cites sources; low <= high;
    a period lies around its year; a year without a count says so."""
    problems: list[Problem] = []
    for row in totals:
        label = f"{row.year} {row.measure}"
        if ctx.first_year and row.year < ctx.first_year or ctx.as_of and row.year > ctx.as_of.year:
            problems.append(Problem(TOTALS_FILE, label, "year", f"{row.year} is outside the dataset's years"))
        if row.counted:
            for name in ("scope", "counted_by"):
                if getattr(row, name) is None:
                    problems.append(Problem(TOTALS_FILE, label, name, "is empty; a count must say this"))
            if not row.source_ids:
                problems.append(Problem(TOTALS_FILE, label, "source_ids", "is empty; a count needs a source"))
        elif row.notes is None:
            problems.append(Problem(TOTALS_FILE, label, "notes", "is empty; a year without a count says so here"))
        if row.low is not None and row.high is not None and row.low > row.high:
            problems.append(Problem(TOTALS_FILE, label, "low", f"{row.low} is more than high {row.high}"))
        if (row.period_start is None) != (row.period_end is None):
            problems.append(
                Problem(TOTALS_FILE, label, "period_start", "and period_end go together: give both or neither")
            )
        elif row.period_start is not None:
            if dates.first_day(row.period_start) > dates.last_day(row.period_end):
                problems.append(
                    Problem(TOTALS_FILE, label, "period_end", f"{row.period_end} is before {row.period_start}")
                )
            # A count reported for a year may run from an earlier year (since October 2023) but must reach it.
            if dates.year_of(row.period_end) != row.year and dates.year_of(row.period_end) != row.year + 1:
                problems.append(
                    Problem(
                        TOTALS_FILE, label, "period_end", f"{row.period_end} does not end in or just after {row.year}"
                    )
                )
            problems += _in_span(row.period_end, ctx, TOTALS_FILE, label, "period_end")
        problems += _unknown_sources(row.source_ids, ctx, TOTALS_FILE, label, "source_ids")
    if totals and ctx.first_year and ctx.as_of:
        covered = {(row.year, row.measure) for row in totals}
        for year in range(ctx.first_year, ctx.as_of.year + 1):
            for measure in MEASURES:
                if (year, measure) not in covered:
                    problems.append(
                        Problem(TOTALS_FILE, f"{year} {measure}", "year", "has no row (one per year and measure)")
                    )
    return problems


def latest_fact(
    sites: Sequence[Site],
    events: Sequence[Event],
    levels: Sequence[TroopLevel],
    counts: Sequence[BaseCount],
) -> tuple[str, str] | None:
    """(date, what) of the latest dated fact in the records: an event, a presence period, a handover, a figure."""
    facts = [(e.date, f"event {e.id}") for e in events]
    for site in sites:
        facts += [(p.start, f"site {site.id}") for p in site.presence]
        facts += [(p.end, f"site {site.id}") for p in site.presence if p.end]
        facts += [(h.date, f"site {site.id}") for h in site.handovers]
    facts += [(t.as_of, f"troop level {t.year}") for t in levels if t.as_of]
    facts += [(c.as_of, f"base count {c.year}") for c in counts if c.as_of]
    return max(facts, key=lambda f: dates.first_day(f[0])) if facts else None


def check_latest_fact(metadata: Metadata | None, latest: tuple[str, str] | None) -> list[Problem]:
    """metadata.json's latest_fact is the date of the latest dated fact, so the page can say how current it is."""
    if metadata is None or latest is None:
        return []
    day = dates.first_day(latest[0])
    if metadata.latest_fact != day:
        return [
            Problem(
                METADATA_FILE,
                "",
                "latest_fact",
                f"{metadata.latest_fact} is not the date of the latest dated fact in the data "
                f"({latest[0]}, {latest[1]})",
            )
        ]
    if metadata.latest_fact > metadata.as_of:
        return [Problem(METADATA_FILE, "", "latest_fact", f"{metadata.latest_fact} is after as_of {metadata.as_of}")]
    return []
