"""A reader's own events: parsing an uploaded file with the same rules as data/, keeping the good rows.

Accepted: a GeoJSON FeatureCollection of events (this dataset's shape, e.g. the events page's export), a CSV
with this dataset's event columns (the CSV export), or a CSV with ACLED's columns. Uploaded events may cite
their own sources (ids not in sources.csv), but every row must cite at least one. Nothing here touches disk.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from presence.acled import ACLED_COLUMNS, event_from_row, number
from presence.dataset import Dataset
from presence.exports import EVENT_CSV_COLUMNS, from_spreadsheet_safe
from presence.geojson import records_from_geojson_bytes
from presence.limits import MAX_FILE_BYTES, MAX_PROBLEMS, MAX_UPLOAD_EVENTS, kept
from presence.models import Event
from presence.problems import Problem
from presence.reading import csv_problem, rows_from_csv, to_records
from presence.style import CATEGORIES
from presence.validation import Context, check_events

_LIST_FIELDS = ("source_ids", "location_source_ids")
_INT_FIELDS = ("us_killed", "us_injured")


@dataclass(frozen=True)
class Upload:
    """What an uploaded file yielded: the good events, and the problems of the rows left out."""

    name: str
    kind: str  # geojson, csv, acled, or "" when the file could not be read at all
    events: tuple[Event, ...] = ()
    problems: tuple[Problem, ...] = ()
    left_out: tuple[str, ...] = ()  # labels of rows not loaded
    duplicates: tuple[str, ...] = field(default=())  # ids identical to a shipped event, not added again
    more_problems: int = 0  # found beyond the MAX_PROBLEMS kept in `problems`

    @property
    def ok(self) -> bool:
        return not self.problems


def _own_csv_row(values: dict[str, Any]) -> dict[str, Any]:
    """A row of the events CSV export back into event fields (lists split on ';', counts as numbers)."""
    out = {k: v for k, v in values.items() if k not in ("longitude", "latitude")}
    for key in _LIST_FIELDS:
        cell = out.get(key)
        out[key] = [p.strip() for p in cell.split(";") if p.strip()] if isinstance(cell, str) else []
    for key in _INT_FIELDS:
        cell = out.get(key)
        # ASCII digits only: str.isdigit() also accepts '¹', which int() refuses.
        out[key] = int(cell) if isinstance(cell, str) and re.fullmatch(r"[0-9]{1,9}", cell.strip()) else cell
    out["lon"] = number(values.get("longitude"))
    out["lat"] = number(values.get("latitude"))
    return out


def _read(name: str, data: bytes) -> tuple[str, list[Event], list[Problem]]:
    """(kind, typed events, problems of reading and typing) for an uploaded file, within the upload limits."""
    if len(data) > MAX_FILE_BYTES:
        return "", [], [Problem(name, "", "", f"is {len(data):,} bytes, over the limit of {MAX_FILE_BYTES:,}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return "", [], [Problem(name, "", "", f"is not UTF-8 text (byte {err.start}: {err.reason})")]
    stripped = text.lstrip()
    limits = {"limit": MAX_UPLOAD_EVENTS, "max_problems": MAX_PROBLEMS}
    if name.lower().endswith((".geojson", ".json")) or stripped.startswith("{"):
        del text, stripped  # read from the bytes, streamed: the text is not needed any more
        events, problems = records_from_geojson_bytes(data, name, Event, geometry_required=False, **limits)
        return "geojson", events, problems
    if not name.lower().endswith(".csv"):
        return "", [], [Problem(name, "", "", "is neither GeoJSON (.geojson, .json) nor CSV (.csv)")]
    try:
        header = next(csv.reader(io.StringIO(stripped, newline="")), [])
    except csv.Error as err:
        return "", [], [csv_problem(err, name, stripped, 1)]
    if "event_id_cnty" in header:
        kind, columns, label, convert = "acled", ACLED_COLUMNS, "event_id_cnty", event_from_row
    else:
        kind, columns, label, convert = "csv", EVENT_CSV_COLUMNS, "id", _own_csv_row
    raw, problems = rows_from_csv(text, name, columns, label_column=label, **limits)
    del text, stripped
    rows = ((row_label, convert(_unsafe(values))) for row_label, values in raw)
    events, _ = to_records(Event, rows, name, problems=problems, max_problems=MAX_PROBLEMS)
    return kind, events, problems


def _unsafe(values: dict[str, Any]) -> dict[str, Any]:
    # Exports mark cells a spreadsheet would run as formulas; read back, they are the original text.
    return {k: from_spreadsheet_safe(v) if isinstance(v, str) else v for k, v in values.items()}


def upload_name(name: str | None) -> str:
    """A file's name as messages quote it: one line, at most 120 characters (the reader chose it)."""
    return " ".join((name or "upload").splitlines())[:120]


def parse_upload(name: str, data: bytes, dataset: Dataset) -> Upload:
    """Read, type-check and validate an uploaded file against the dataset; never raises for bad content.

    Reading stops early for a file with more than MAX_UPLOAD_EVENTS rows (refused) or MAX_PROBLEMS problems;
    at most MAX_PROBLEMS problems are kept, the rest counted.
    """
    name = upload_name(name)
    kind, events, problems = _read(name, data)
    if problems and not events:
        return Upload(name, kind, problems=kept(problems), more_problems=_beyond(problems))
    unreadable = {p.record for p in problems}
    ctx = Context(
        as_of=dataset.metadata.as_of,
        first_year=dataset.metadata.first_year,
        boundaries=dataset.boundaries,
        source_ids=None,
        sites=dataset.sites_by_id,
    )
    checked = check_events(events, ctx, file=name)
    shipped = {e.id: e for e in dataset.events}
    checked += [
        Problem(name, e.id, "id", f"{e.id!r} is already a different event in the shipped data")
        for e in events
        if e.id in shipped and shipped[e.id] != e
    ]
    rejected = {p.record for p in checked}
    duplicates = tuple(e.id for e in events if shipped.get(e.id) == e)
    good = tuple(e for e in events if e.id not in rejected and e.id not in duplicates)
    left_out = sorted(unreadable - {""}) + [e.id for e in events if e.id in rejected]
    every = problems + checked
    return Upload(
        name,
        kind,
        good,
        kept(every),
        tuple(dict.fromkeys(left_out)),
        duplicates,
        _beyond(every),
    )


def _beyond(problems: list[Problem]) -> int:
    return len(problems) - len(kept(problems))


_APART = "no US or coalition party; their own layer, not in the US figures"


def what_they_are(events: tuple[Event, ...] | list[Event]) -> str:
    """The reader's events by category in words, most first, saying which ones never count in the US figures:
    '40 other conflict events (no US or coalition party; their own layer, not in the US figures), 3 × Attack
    on US or coalition forces'."""
    counts = Counter(e.category for e in events)
    parts = []
    for category, n in counts.most_common():
        label = CATEGORIES[category][0]
        if category == "other_conflict":
            parts.append(f"{n:,} other conflict events ({_APART})")
        else:
            parts.append(f"{n:,} × {label}")
    return ", ".join(parts)
