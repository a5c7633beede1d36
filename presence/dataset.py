"""Loading a data folder into one immutable Dataset, or a DataError listing every problem found."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from presence import geojson, reading
from presence.geo import Boundaries, load_boundaries
from presence.models import BaseCount, City, Event, Metadata, Site, Source, TroopLevel, YearlyTotal
from presence.problems import DataError, Problem
from presence.validation import (
    CITIES_FILE,
    EVENTS_FILE,
    FOOTPRINT_FILE,
    SITES_FILE,
    SOURCES_FILE,
    TOTALS_FILE,
    TROOPS_FILE,
    Context,
    check_cities,
    check_events,
    check_footprint,
    check_latest_fact,
    check_sites,
    check_sources,
    check_troop_levels,
    check_yearly_totals,
    latest_fact,
)

METADATA_FILE = "metadata.json"
DATA_DIR_VARIABLE = "PRESENCE_DATA_DIR"
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"

SOURCE_COLUMNS = ["id", "title", "publisher", "published", "url", "accessed", "note", "kind"]
TROOP_COLUMNS = ["year", "troops_low", "troops_high", "figure_kind", "as_of", "source_ids", "notes"]
FOOTPRINT_COLUMNS = ["year", "bases_low", "bases_high", "as_of", "what", "source_ids", "notes"]
TOTALS_COLUMNS = [
    "year",
    "measure",
    "low",
    "high",
    "period_start",
    "period_end",
    "scope",
    "counted_by",
    "source_ids",
    "notes",
]


def data_dir() -> Path:
    """The folder to read: $PRESENCE_DATA_DIR when set, else the bundled data/."""
    chosen = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(chosen) if chosen else BUNDLED_DATA


@dataclass(frozen=True, eq=False)
class Dataset:
    """Every record of a valid data folder, typed, plus lookups and pandas views."""

    metadata: Metadata
    sources: tuple[Source, ...]
    sites: tuple[Site, ...]
    events: tuple[Event, ...]
    troop_levels: tuple[TroopLevel, ...]
    boundaries: Boundaries
    cities: tuple[City, ...] = ()
    footprint: tuple[BaseCount, ...] = ()
    yearly_totals: tuple[YearlyTotal, ...] = ()
    folder: Path = field(default=BUNDLED_DATA)

    @cached_property
    def sites_by_id(self) -> dict[str, Site]:
        return {s.id: s for s in self.sites}

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @cached_property
    def events_by_year(self) -> dict[int, tuple[Event, ...]]:
        """Events grouped by year, so a year's events cost a lookup, not a scan of every event."""
        grouped: dict[int, list[Event]] = {}
        for event in self.events:
            grouped.setdefault(int(event.date[:4]), []).append(event)
        return {year: tuple(events) for year, events in grouped.items()}

    def events_of(self, year: int, *, through: bool = False) -> list[Event]:
        """The events of `year`, or every event up to it; the same as years.events_in, via the index."""
        if not through:
            return list(self.events_by_year.get(year, ()))
        return [e for y in sorted(self.events_by_year) if y <= year for e in self.events_by_year[y]]

    @property
    def years(self) -> range:
        """Every year the dataset covers, first to the as-of year."""
        return range(self.metadata.first_year, self.metadata.as_of.year + 1)

    def sites_frame(self) -> pd.DataFrame:
        """One row per site; list fields kept as Python lists."""
        return pd.DataFrame([s.model_dump() for s in self.sites])

    def events_frame(self) -> pd.DataFrame:
        """One row per event, with a `year` column and dates as written."""
        frame = pd.DataFrame([e.model_dump() for e in self.events])
        frame["year"] = frame["date"].str.slice(0, 4).astype(int)
        return frame

    def troop_levels_frame(self) -> pd.DataFrame:
        return pd.DataFrame([t.model_dump() for t in self.troop_levels])

    def sources_frame(self) -> pd.DataFrame:
        return pd.DataFrame([s.model_dump() for s in self.sources])


def _read_features(folder: Path, name: str, model, problems: list[Problem], *, geometry_required: bool):
    records, bad = geojson.records_from_geojson_file(folder / name, model, geometry_required=geometry_required)
    problems += bad
    return records


def _read_rows(folder: Path, name: str, model, columns, problems: list[Problem], **options):
    text, bad = reading.read_text(folder / name)
    problems += bad
    if text is None:
        return []
    raw, bad = reading.rows_from_csv(text, name, columns, **options)
    problems += bad
    records, bad = reading.to_records(model, raw, name)
    problems += bad
    return records


def _read_metadata(folder: Path, problems: list[Problem]) -> Metadata | None:
    text, bad = reading.read_text(folder / METADATA_FILE)
    problems += bad
    if text is None:
        return None
    doc, bad = geojson.parse_json(text, METADATA_FILE)
    problems += bad
    if doc is None:
        return None
    if not isinstance(doc, dict):
        problems.append(Problem(METADATA_FILE, "", "", "must be a JSON object"))
        return None
    records, bad = reading.to_records(Metadata, [("", doc)], METADATA_FILE)
    problems += bad
    return records[0] if records else None


def check_folder(folder: Path) -> tuple[Dataset | None, list[Problem]]:
    """Read and check every file of a data folder; the Dataset is None whenever there is a problem."""
    problems: list[Problem] = []
    metadata = _read_metadata(folder, problems)
    boundaries, bad = load_boundaries(folder)
    problems += bad
    sources = _read_rows(folder, SOURCES_FILE, Source, SOURCE_COLUMNS, problems, label_column="id")
    sites = _read_features(folder, SITES_FILE, Site, problems, geometry_required=True)
    events = _read_features(folder, EVENTS_FILE, Event, problems, geometry_required=False)
    cities = _read_features(folder, CITIES_FILE, City, problems, geometry_required=True)
    footprint = _read_rows(
        folder, FOOTPRINT_FILE, BaseCount, FOOTPRINT_COLUMNS, problems, list_columns=["source_ids"], label_column="year"
    )
    totals = _read_rows(
        folder, TOTALS_FILE, YearlyTotal, TOTALS_COLUMNS, problems, list_columns=["source_ids"], label_column="year"
    )
    levels = _read_rows(
        folder, TROOPS_FILE, TroopLevel, TROOP_COLUMNS, problems, list_columns=["source_ids"], label_column="year"
    )
    unreadable = {p.file for p in problems if p.record in ("", "header")}
    ctx = Context(
        as_of=metadata.as_of if metadata else None,
        first_year=metadata.first_year if metadata else None,
        boundaries=boundaries,
        source_ids=None if SOURCES_FILE in unreadable else frozenset(s.id for s in sources),
        sites=None if SITES_FILE in unreadable else {s.id: s for s in sites},
    )
    problems += check_sources(sources, ctx)
    problems += check_sites(sites, ctx)
    problems += check_events(events, ctx)
    problems += check_troop_levels(levels, ctx)
    problems += check_cities(cities, ctx)
    problems += check_footprint(footprint, ctx)
    problems += check_yearly_totals(totals, ctx)
    if not problems:  # the latest fact is worth checking only on records that are otherwise sound
        problems += check_latest_fact(metadata, latest_fact(sites, events, levels, footprint))
    if problems or metadata is None or boundaries is None:
        return None, problems
    dataset = Dataset(
        metadata=metadata,
        sources=tuple(sources),
        sites=tuple(sites),
        events=tuple(sorted(events, key=lambda e: (e.date, e.id))),
        troop_levels=tuple(sorted(levels, key=lambda t: (t.year, t.as_of or ""))),
        boundaries=boundaries,
        cities=tuple(cities),
        footprint=tuple(sorted(footprint, key=lambda c: (c.year, c.as_of or ""))),
        yearly_totals=tuple(totals),
        folder=folder,
    )
    return dataset, []


def load_dataset(folder: Path | str | None = None) -> Dataset:
    """Load a data folder (default: `data_dir()`); raise DataError naming every problem."""
    dataset, problems = check_folder(Path(folder) if folder is not None else data_dir())
    if dataset is None:
        raise DataError(problems)
    return dataset
