"""Reading the data files into plain records, with a Problem for anything that is not well-formed.

Readers take text plus the file's name, so the same rules serve files on disk and uploaded files.
Typed checks of each record (pydantic) happen in `to_records`; rules across records live in validation.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from presence.problems import Problem

M = TypeVar("M", bound=BaseModel)
Raw = tuple[str, dict[str, Any]]  # (record label for messages, field values)

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """A file's UTF-8 text, or a problem saying why it cannot be read."""
    name = path.name
    if not path.is_file():
        return None, [Problem(name, "", "", "is missing from the data folder")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [Problem(name, "", "", f"is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")]
    try:
        return path.read_bytes().decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        return None, [Problem(name, "", "", f"is not UTF-8 text (byte {err.start}: {err.reason})")]


def parse_json(text: str, name: str) -> tuple[Any, list[Problem]]:
    """Parse JSON text; a syntax error becomes a problem naming the line and column."""
    try:
        return json.loads(text), []
    except json.JSONDecodeError as err:
        return None, [Problem(name, "", "", f"is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")]
    except RecursionError:
        return None, [Problem(name, "", "", "is not valid JSON: nested too deeply")]


def _label(props: dict[str, Any], index: int) -> str:
    ident = props.get("id")
    if isinstance(ident, str) and ident.strip() and len(ident) <= 80:
        return ident
    return f"features[{index}]"


def _point(geometry: Any, name: str, label: str) -> tuple[tuple[float, float] | None, list[Problem]]:
    if geometry is None:
        return None, [Problem(name, label, "geometry", "is null; this file needs a Point for every feature")]
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return None, [Problem(name, label, "geometry", f"{kind!r} is not a GeoJSON Point")]
    coords = geometry.get("coordinates")
    ok = (
        isinstance(coords, list)
        and len(coords) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c) for c in coords)
    )
    if not ok:
        return None, [Problem(name, label, "geometry.coordinates", f"{_short(coords)} is not [longitude, latitude]")]
    return (float(coords[0]), float(coords[1])), []


def features_from_text(text: str, name: str, *, geometry_required: bool) -> tuple[list[Raw], list[Problem]]:
    """The Point features of a GeoJSON FeatureCollection as (label, properties + lon/lat) pairs."""
    doc, problems = parse_json(text, name)
    if problems:
        return [], problems
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return [], [Problem(name, "", "", "is not a GeoJSON FeatureCollection (needs type and a features list)")]
    records: list[Raw] = []
    for index, feature in enumerate(doc["features"]):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(name, f"features[{index}]", "type", "is not a GeoJSON Feature"))
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.append(Problem(name, f"features[{index}]", "properties", "must be an object"))
            continue
        label = _label(props, index)
        values = dict(props)
        geometry = feature.get("geometry")
        if geometry is None and not geometry_required:
            values.update(lon=None, lat=None)
        else:
            point, bad = _point(geometry, name, label)
            problems += bad
            if point is None:
                continue
            values.update(lon=point[0], lat=point[1])
        records.append((label, values))
    return records, problems


def rows_from_csv(
    text: str, name: str, columns: Iterable[str], *, list_columns: Iterable[str] = (), label_column: str = ""
) -> tuple[list[Raw], list[Problem]]:
    """Rows of a CSV file with exactly the expected header; empty cells become None, lists split on ';'."""
    columns = list(columns)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as err:
        return [], [Problem(name, "", "", f"is not valid CSV: {err}")]
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = [Problem(name, "header", c, "is missing") for c in missing]
    problems += [Problem(name, "header", c, "is not a known column") for c in extra]
    if problems:
        return [], problems
    records: list[Raw] = []
    try:
        for number, row in enumerate(reader, start=2):
            if None in row:
                problems.append(Problem(name, f"line {number}", "", "has more cells than the header"))
                continue
            values: dict[str, Any] = {k: (v.strip() if v and v.strip() else None) for k, v in row.items()}
            for col in list_columns:
                cell = values.get(col)
                values[col] = [p.strip() for p in cell.split(";") if p.strip()] if cell else []
            ident = values.get(label_column) if label_column else None
            label = f"line {number}" + (f" ({ident})" if isinstance(ident, str) and len(ident) <= 80 else "")
            records.append((label, values))
    except csv.Error as err:
        problems.append(Problem(name, f"line {reader.line_num}", "", f"is not valid CSV: {err}"))
    return records, problems


def to_records(model: type[M], raw: list[Raw], name: str) -> tuple[list[M], list[Problem]]:
    """Typed records from raw ones; each pydantic error becomes a problem naming the field and value."""
    records: list[M] = []
    problems: list[Problem] = []
    for label, values in raw:
        try:
            records.append(model.model_validate(values))
        except ValidationError as err:
            seen: set[str] = set()
            for error in err.errors():
                field = _field_path(error["loc"])
                if field in seen:  # a union reports once per member; the first reason is enough
                    continue
                seen.add(field)
                value = "" if error["type"] == "missing" else _short(error.get("input")) + " "
                problems.append(Problem(name, label, field, value + _reason(error)))
    return records, problems


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _is_union_tag(part):
            path += ("." if path else "") + str(part)
    return path


def _is_union_tag(part: Any) -> bool:
    # pydantic names union members in locations ('str', 'literal[...]', 'function-after[...]'); readers don't care.
    text = str(part)
    return text in {"str", "int", "float", "none"} or "[" in text


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
