"""Taking events away: CSV, GeoJSON and ACLED-style CSV, every CSV safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with =, +, -, @, a tab or a carriage return as a formula (OWASP's CSV
injection), and a reader's own events are exported beside the shipped ones. `spreadsheet_safe` prefixes such
a cell with an apostrophe, which spreadsheets show as text; `from_spreadsheet_safe` takes it off again, so
re-importing an export gives back the original text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from presence.acled import ACLED_COLUMNS, acled_rows
from presence.models import Event

EVENT_FIELDS = [f for f in Event.model_fields if f not in {"lon", "lat"}]
EVENT_CSV_COLUMNS = [*EVENT_FIELDS, "longitude", "latitude"]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """A cell's text, with an apostrophe in front when a spreadsheet would read it as a formula (or when it
    already begins with one, so that the apostrophe can always be taken off again)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith((*FORMULA_TRIGGERS, "'")) else text


def from_spreadsheet_safe(text: str) -> str:
    """The original text of a cell written by `spreadsheet_safe`."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith((*FORMULA_TRIGGERS, "'")) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with every cell made safe for spreadsheets; the one writer behind every CSV export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def events_csv(events: Sequence[Event]) -> str:
    """The events as CSV with this dataset's own fields, plus longitude and latitude (empty when nationwide)."""
    rows = ([*(_cell(getattr(e, f)) for f in EVENT_FIELDS), _cell(e.lon), _cell(e.lat)] for e in events)
    return csv_text(EVENT_CSV_COLUMNS, rows)


def events_geojson(events: Sequence[Event]) -> str:
    """The events as a GeoJSON FeatureCollection in the shape of data/events.geojson."""
    features = []
    for event in events:
        geometry = None
        if event.lon is not None and event.lat is not None:
            geometry = {"type": "Point", "coordinates": [event.lon, event.lat]}
        props = event.model_dump(exclude={"lon", "lat"}, exclude_none=False)
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def acled_csv(dataset, events: Sequence[Event]) -> str:
    """ACLED-style CSV of the events (see presence.acled.ACLED_MAPPING)."""
    rows = acled_rows(
        events,
        dataset.sites_by_id,
        dataset.sources_by_id,
        dataset.boundaries.governorate_of,
        dataset.metadata.as_of,
    )
    return csv_text(ACLED_COLUMNS, ([row[c] for c in ACLED_COLUMNS] for row in rows))
