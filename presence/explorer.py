"""Finding events and taking them away: filters, and exports as CSV, GeoJSON and ACLED-style CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from presence import dates
from presence.dataset import Dataset
from presence.models import Event
from presence.style import CATEGORIES

EVENT_FIELDS = [f for f in Event.model_fields if f not in {"lon", "lat"}]


@dataclass(frozen=True)
class EventFilter:
    """What the reader asked for; empty sets and strings mean 'any'."""

    first_year: int | None = None
    last_year: int | None = None
    categories: frozenset[str] = field(default_factory=frozenset)
    sites: frozenset[str] = field(default_factory=frozenset)
    actor: str = ""
    text: str = ""


def filter_events(events: Iterable[Event], wanted: EventFilter) -> list[Event]:
    """The events that pass every part of the filter; text and actor match case-insensitively."""
    actor = wanted.actor.strip().casefold()
    words = wanted.text.strip().casefold().split()
    out = []
    for event in events:
        year = dates.year_of(event.date)
        if wanted.first_year is not None and year < wanted.first_year:
            continue
        if wanted.last_year is not None and year > wanted.last_year:
            continue
        if wanted.categories and event.category not in wanted.categories:
            continue
        if wanted.sites and event.site_id not in wanted.sites:
            continue
        if actor and actor not in f"{event.actor or ''} {event.actor_attributed_by or ''}".casefold():
            continue
        if words:
            haystack = " ".join(filter(None, [event.title, event.summary, event.notes, event.actor])).casefold()
            if not all(w in haystack for w in words):
                continue
        out.append(event)
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def events_csv(events: Sequence[Event]) -> str:
    """The events as CSV with this dataset's own fields, plus longitude and latitude (empty when nationwide)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*EVENT_FIELDS, "longitude", "latitude"])
    for event in events:
        writer.writerow([*(_cell(getattr(event, f)) for f in EVENT_FIELDS), _cell(event.lon), _cell(event.lat)])
    return out.getvalue()


def events_geojson(events: Sequence[Event]) -> str:
    """The events as a GeoJSON FeatureCollection in the shape of data/events.geojson."""
    features = []
    for event in events:
        geometry = None
        if event.lon is not None and event.lat is not None:
            geometry = {"type": "Point", "coordinates": [event.lon, event.lat]}
        props = event.model_dump(exclude={"lon", "lat"})
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


# ACLED's event columns, and how each is filled from this dataset. Shown on the events page as documentation.
ACLED_MAPPING: dict[str, str] = {
    "event_id_cnty": "our event id",
    "event_date": "date; a month or year alone is given as its first day (see time_precision)",
    "year": "year of the date",
    "time_precision": "1 for a known day, 3 for a known month or year only",
    "disorder_type": "'Political violence' for attacks and strikes, else 'Strategic developments'",
    "event_type": "'Explosions/Remote violence' for attacks and strikes (most were rocket, drone, missile or air "
    "attacks; ground assaults are not told apart), else 'Strategic developments'",
    "sub_event_type": "our category label",
    "actor1": "actor as attributed",
    "assoc_actor_1": "empty",
    "inter1": "empty (not coded)",
    "actor2": "'US and coalition forces' for attacks on them, else empty",
    "assoc_actor_2": "empty",
    "inter2": "empty (not coded)",
    "interaction": "empty (not coded)",
    "civilian_targeting": "empty (not coded)",
    "iso": "368 (Iraq)",
    "region": "Middle East",
    "country": "Iraq",
    "admin1": "governorate: the site's, or the one whose polygon holds the point",
    "admin2": "empty",
    "admin3": "empty",
    "location": "site name, or 'Iraq' for nationwide events",
    "latitude": "latitude (empty when nationwide)",
    "longitude": "longitude (empty when nationwide)",
    "geo_precision": "1 at a site or town, 2 governorate, 3 nationwide",
    "source": "publishers of the cited sources, '; '-separated",
    "source_scale": "empty",
    "notes": "title and summary",
    "fatalities": "US service members killed, as reported; empty when not reported (other deaths are in tags)",
    "tags": "category, then other casualties in words",
    "timestamp": "the dataset's as-of date as a Unix time",
}
ACLED_COLUMNS = list(ACLED_MAPPING)

_VIOLENT = {"attack", "strike"}
_PRECISION = {"day": 1, "month": 3, "year": 3}
_GEO = {"site": 1, "city": 1, "governorate": 2, "country": 3}


def acled_rows(dataset: Dataset, events: Sequence[Event]) -> list[dict[str, object]]:
    """The events as rows with ACLED's columns, filled as ACLED_MAPPING says."""
    stamp = int(dt.datetime.combine(dataset.metadata.as_of, dt.time(), tzinfo=dt.UTC).timestamp())
    rows = []
    for e in events:
        site = dataset.sites_by_id.get(e.site_id) if e.site_id else None
        admin1 = site.governorate if site else None
        if admin1 is None and e.lon is not None:
            admin1 = dataset.boundaries.governorate_of(e.lon, e.lat)
        publishers = [dataset.sources_by_id[i].publisher for i in e.source_ids if i in dataset.sources_by_id]
        violent = e.category in _VIOLENT
        rows.append(
            {
                "event_id_cnty": e.id,
                "event_date": dates.first_day(e.date).isoformat(),
                "year": dates.year_of(e.date),
                "time_precision": _PRECISION[e.date_precision],
                "disorder_type": "Political violence" if violent else "Strategic developments",
                "event_type": "Explosions/Remote violence" if violent else "Strategic developments",
                "sub_event_type": CATEGORIES[e.category][0],
                "actor1": e.actor or "",
                "assoc_actor_1": "",
                "inter1": "",
                "actor2": "US and coalition forces" if e.category == "attack" else "",
                "assoc_actor_2": "",
                "inter2": "",
                "interaction": "",
                "civilian_targeting": "",
                "iso": 368,
                "region": "Middle East",
                "country": "Iraq",
                "admin1": admin1 or "",
                "admin2": "",
                "admin3": "",
                "location": site.name if site else ("Iraq" if e.lon is None else ""),
                "latitude": e.lat if e.lat is not None else "",
                "longitude": e.lon if e.lon is not None else "",
                "geo_precision": _GEO[e.location_precision],
                "source": "; ".join(dict.fromkeys(publishers)),
                "source_scale": "",
                "notes": f"{e.title}. {e.summary}",
                "fatalities": e.us_killed if e.us_killed is not None else "",
                "tags": "; ".join(filter(None, [e.category, e.other_casualties])),
                "timestamp": stamp,
            }
        )
    return rows


def acled_csv(dataset: Dataset, events: Sequence[Event]) -> str:
    """ACLED-style CSV of the events."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(acled_rows(dataset, events))
    return out.getvalue()
