"""The schema of every record, as pydantic models: one model per kind of record.

Field names here are the data files' field names; `data/README.md` documents each of them and a test keeps
the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from presence import dates

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    # Control characters (NUL among them) are never part of a title or a note, and break exports and screens.
    if found := _CONTROL.search(value):
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(_printable)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000), AfterValidator(_printable)
]


def _partial_date(value: str) -> str:
    dates.parse_partial(value)
    return value


def _http_url(value: str) -> str:
    # Only links a reader can safely follow: no javascript:, data:, file: or relative links.
    lowered = value.strip().lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")) or len(lowered) < 12:
        raise ValueError("must be an http(s) URL")
    if any(ch in value for ch in " \t\r\n\"'<>`"):
        raise ValueError("must not contain spaces, quotes or angle brackets")
    return value.strip()


PartialDate = Annotated[str, AfterValidator(_partial_date)]
HttpUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_http_url)]
SourceIds = Annotated[list[Slug], Field(min_length=1)]
MAX_CASUALTIES = 100_000  # per event

Force = Literal["us_combat", "us_advisers", "coalition"]
SiteKind = Literal["air_base", "airport", "base_complex", "camp", "headquarters"]
Region = Literal["federal", "kurdistan"]
SitePrecision = Literal["airfield", "compound", "city"]
EventCategory = Literal[
    "attack",
    "strike",
    "handover",
    "deployment",
    "withdrawal",
    "agreement",
    "political",
    "incident",
    # Mostly from readers' ACLED files: acts and events with no US or coalition party, kept for what they are.
    "protest",
    "riot",
    "strategic",
    "other_conflict",
]
EventPrecision = Literal["site", "city", "governorate", "country"]
FigureKind = Literal["point_in_time", "yearly_average", "authorised_cap"]
Governorate = Literal[
    "Anbar",
    "Babil",
    "Baghdad",
    "Basra",
    "Dhi Qar",
    "Diyala",
    "Dohuk",
    "Erbil",
    "Karbala",
    "Kirkuk",
    "Maysan",
    "Muthanna",
    "Najaf",
    "Nineveh",
    "Qadisiyyah",
    "Salah al-Din",
    "Sulaymaniyah",
    "Wasit",
]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


SourceKind = Literal["official", "wire", "outlet", "reference", "other"]
Grade = Literal["confirmed", "fair", "weak", "contested"]


class Source(Record):
    """A publication that records cite by id, with the kind of body that published it (for a copy or
    syndication, the originator: an AP story on a local paper's site is `wire`)."""

    id: Slug
    title: Text
    publisher: Text
    published: PartialDate | Literal["unknown"]
    url: HttpUrl
    accessed: dt.date
    note: Text | None = None
    kind: SourceKind


class Presence(Record):
    """A period during which US forces were at a site."""

    start: PartialDate
    end: PartialDate | None = None
    force: Force
    note: Text | None = None
    source_ids: SourceIds
    grade: Grade | None = None  # overrides the grade derived from the sources; needs grade_reason
    grade_reason: Text | None = None


class Handover(Record):
    """The transfer of a site, or of the US part of it, to Iraqi control."""

    date: PartialDate
    to: Text
    note: Text | None = None
    source_ids: SourceIds
    grade: Grade | None = None
    grade_reason: Text | None = None


class Site(Record):
    """A base, airfield or headquarters that hosted US forces; a GeoJSON Point feature."""

    id: Slug
    name: Text
    name_ar: Text | None = None
    aliases: list[Text] = []
    kind: SiteKind
    governorate: Governorate
    region: Region
    location_precision: SitePrecision
    location_source_ids: SourceIds
    presence: list[Presence]
    handovers: list[Handover] = []
    summary: LongText
    notes: LongText | None = None
    source_ids: SourceIds
    lon: float
    lat: float


class Event(Record):
    """Something that happened on a known date: an attack, a strike, a handover, an agreement."""

    id: Slug
    date: PartialDate
    date_precision: dates.Precision
    site_id: Slug | None = None
    category: EventCategory
    title: Text
    summary: LongText
    actor: Text | None = None
    actor_attributed_by: Text | None = None
    # The bound keeps a typo or a hostile file from overflowing the 64-bit columns of the tables and sums;
    # the deadliest single events of the war cost tens of US lives.
    us_killed: Annotated[int, Field(ge=0, le=MAX_CASUALTIES, strict=True)] | None = None
    us_injured: Annotated[int, Field(ge=0, le=MAX_CASUALTIES, strict=True)] | None = None
    other_casualties: Text | None = None
    location_precision: EventPrecision
    location_source_ids: list[Slug] = []
    notes: LongText | None = None
    source_ids: SourceIds
    grade: Grade | None = None
    grade_reason: Text | None = None
    lon: float | None = None
    lat: float | None = None


class TroopLevel(Record):
    """An approximate count of US troops in Iraq for a year; low == high for a single figure."""

    year: int
    troops_low: Annotated[int, Field(ge=0)] | None = None
    troops_high: Annotated[int, Field(ge=0)] | None = None
    figure_kind: FigureKind
    as_of: PartialDate | None = None
    source_ids: SourceIds
    notes: LongText | None = None


class BaseCount(Record):
    """A published count of US bases (or installations, or coalition sites) in Iraq; a row of footprint.csv.

    Both counts empty means no count was published for the year, and `notes` says so.
    """

    year: int
    bases_low: Annotated[int, Field(ge=0)] | None = None
    bases_high: Annotated[int, Field(ge=0)] | None = None
    as_of: PartialDate | None = None
    what: Text | None = None
    source_ids: list[Slug] = []
    notes: LongText | None = None

    @property
    def counted(self) -> bool:
        return self.bases_low is not None or self.bases_high is not None


Measure = Literal["us_deaths", "us_deaths_hostile", "us_deaths_nonhostile", "us_wounded", "attacks"]
Scope = Literal["iraq", "iraq_and_syria"]


class YearlyTotal(Record):
    """An official or widely cited count for a year: US deaths, wounded, or attacks; a row of yearly_totals.csv.

    Empty `low` and `high` mean nothing was published, and `notes` says so. A count that covers less than the
    calendar year, or more than Iraq, says which period (`period_start`/`period_end`) and `scope`.
    """

    year: int
    measure: Measure
    low: Annotated[int, Field(ge=0)] | None = None
    high: Annotated[int, Field(ge=0)] | None = None
    period_start: PartialDate | None = None
    period_end: PartialDate | None = None
    scope: Scope | None = None
    counted_by: Text | None = None
    source_ids: list[Slug] = []
    notes: LongText | None = None

    @property
    def counted(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def calendar_year(self) -> bool:
        """Whether the count covers the whole calendar year (no period given)."""
        return self.period_start is None and self.period_end is None


class City(Record):
    """A city drawn on the map for orientation; a GeoJSON Point feature of cities.geojson."""

    name: Text
    name_geonames: Text
    governorate: Governorate
    major: bool
    source_ids: SourceIds
    lon: float
    lat: float


class Metadata(Record):
    """The dataset's own description: title, dates, licence, credit line, where to send corrections.

    `as_of` is the day the data was last updated (facts checked through that day); `latest_fact` is the date of
    the latest dated fact in the data, which can be much earlier: a presence still open at `as_of` was last
    confirmed by its sources, not on that day.
    """

    title: Text
    as_of: dt.date
    latest_fact: dt.date
    first_year: int
    licence: Text
    credit: Text
    corrections: HttpUrl | Text
    description: LongText
