"""Reading the data files into plain records, with a Problem for anything that is not well-formed.

Readers take text plus the file's name, so the same rules serve files on disk and uploaded files.
Typed checks of each record (pydantic) happen in `to_records`; rules across records live in validation.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import ijson
from pydantic import BaseModel, ValidationError

from presence.problems import Problem

M = TypeVar("M", bound=BaseModel)
Raw = tuple[str, dict[str, Any]]  # (record label for messages, field values)

MAX_FILE_BYTES = 50 * 1024 * 1024  # text files read whole, and uploads
MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024  # GeoJSON in a data folder, streamed
_NUMBER = (int, float)  # exact types: JSON true/false must not pass as coordinates
# The longest number accepted in JSON, in characters. Coordinates and counts need far fewer; longer ones cost
# quadratic time to convert (Python refuses integers over 4,300 digits) and crash ijson's C parser.
MAX_NUMBER_CHARS = 100
_LONG_DIGITS = re.compile(rb"[0-9]{%d,}" % (MAX_NUMBER_CHARS + 1))
CSV_CELL_LIMIT = csv.field_size_limit()  # Python's default, 131,072 characters


class _LongNumber(ValueError):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _number(convert):
    def parse(token: str):
        if len(token) > MAX_NUMBER_CHARS:
            raise _LongNumber(token)
        return convert(token)

    return parse


_parse_int, _parse_float = _number(int), _number(float)


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
    """Parse JSON text; a syntax error or an over-long number becomes a problem naming the line and column."""
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float), []
    except json.JSONDecodeError as err:
        return None, [Problem(name, "", "", f"is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")]
    except RecursionError:
        return None, [Problem(name, "", "", "is not valid JSON: nested too deeply")]
    except _LongNumber as err:
        return None, [_long_number(name, text, err.token)]


def _long_number(name: str, text: str, token: str) -> Problem:
    start = text.find(token)
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    return Problem(
        name,
        "",
        "",
        f"has a number {len(token):,} characters long at line {line} column {column}; "
        f"numbers may be at most {MAX_NUMBER_CHARS} characters",
    )


def _long_digit_run(path: Path) -> tuple[int, int] | None:
    """(byte offset, length) of the first run of digits longer than a number may be, reading in chunks."""
    overlap = MAX_NUMBER_CHARS + 1
    offset, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            found = _LONG_DIGITS.search(block)
            if found:
                start = offset - len(tail) + found.start()
                length = len(found.group())
                if found.end() == len(block):  # the run may go on in the next chunk
                    while (more := handle.read(1 << 16)) and (digits := len(more) - len(more.lstrip(b"0123456789"))):
                        length += digits
                        if digits < len(more):
                            break
                return start, length
            tail = block[-overlap:]
            offset += len(chunk)
    return None


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
        and type(coords[0]) in _NUMBER
        and type(coords[1]) in _NUMBER
        and math.isfinite(coords[0])
        and math.isfinite(coords[1])
    )
    if not ok:
        return None, [Problem(name, label, "geometry.coordinates", f"{_short(coords)} is not [longitude, latitude]")]
    return (float(coords[0]), float(coords[1])), []


NOT_A_COLLECTION = "is not a GeoJSON FeatureCollection (needs type and a features list)"


def iter_features(
    features: Iterable[Any], name: str, *, geometry_required: bool, problems: list[Problem]
) -> Iterator[Raw]:
    """(label, properties + lon/lat) for each well-formed Point feature; the rest become problems.

    The properties dict is reused, not copied: large files are converted feature by feature.
    """
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(name, f"features[{index}]", "type", "is not a GeoJSON Feature"))
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.append(Problem(name, f"features[{index}]", "properties", "must be an object"))
            continue
        label = _label(props, index)
        geometry = feature.get("geometry")
        if geometry is None and not geometry_required:
            props["lon"] = props["lat"] = None
        else:
            point, bad = _point(geometry, name, label)
            problems += bad
            if point is None:
                continue
            props["lon"], props["lat"] = point
        yield label, props


def features_from_text(text: str, name: str, *, geometry_required: bool) -> tuple[list[Raw], list[Problem]]:
    """The Point features of GeoJSON text, as (label, properties + lon/lat) pairs."""
    doc, problems = parse_json(text, name)
    if problems:
        return [], problems
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return [], [Problem(name, "", "", NOT_A_COLLECTION)]
    return list(iter_features(doc["features"], name, geometry_required=geometry_required, problems=problems)), problems


def records_from_geojson_file(path: Path, model: type[M], *, geometry_required: bool) -> tuple[list[M], list[Problem]]:
    """Typed records from a GeoJSON file, streamed feature by feature.

    ijson's C parser reads 100,000 features in about 0.4 s holding one at a time, where json.loads would hold
    the whole file's objects (about 250 MB for 100,000 events) before conversion.
    """
    name = path.name
    if not path.is_file():
        return [], [Problem(name, "", "", "is missing from the data folder")]
    size = path.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        return [], [Problem(name, "", "", f"is {size:,} bytes, over the limit of {MAX_DATA_FILE_BYTES:,}")]
    if size <= MAX_FILE_BYTES and _long_digit_run(path):
        # The standard parser reads it safely and names the number (or keeps a long digit run inside a string).
        return _records_from_text(path, model, geometry_required=geometry_required)
    if run := _long_digit_run(path):
        start, length = run
        message = f"has a run of {length:,} digits at byte {start:,}; numbers may be at most {MAX_NUMBER_CHARS}"
        return [], [Problem(name, "", "", message + " characters")]
    problems: list[Problem] = []
    try:
        with path.open("rb") as handle:
            kind = next(ijson.items(handle, "type"), None)
        if kind != "FeatureCollection":
            return [], [Problem(name, "", "", NOT_A_COLLECTION)]
        with path.open("rb") as handle:
            stream = ijson.items(handle, "features.item", use_float=True)
            raw = iter_features(stream, name, geometry_required=geometry_required, problems=problems)
            records, bad = to_records(model, raw, name)
    except (ijson.JSONError, UnicodeDecodeError) as err:
        # The streaming parser cannot say where, and refuses some valid JSON (integers beyond 64 bits); for
        # files small enough, the standard one reads it or names the place.
        if size <= MAX_FILE_BYTES:
            return _records_from_text(path, model, geometry_required=geometry_required)
        return [], [Problem(name, "", "", f"is not valid JSON ({type(err).__name__})")]
    return records, problems + bad


def _records_from_text(path: Path, model: type[M], *, geometry_required: bool) -> tuple[list[M], list[Problem]]:
    text, bad = read_text(path)
    if text is None:
        return [], bad
    raw, problems = features_from_text(text, path.name, geometry_required=geometry_required)
    records, bad = to_records(model, raw, path.name)
    return records, problems + bad


def csv_problem(err: csv.Error, name: str, text: str, line: int) -> Problem:
    """A csv module error in a reader's words, naming the line (and the cell's size when it is too long)."""
    where = f"line {line}"
    if "field larger than field limit" in str(err):
        long_cell = re.search(rf"[^,\r\n]{{{CSV_CELL_LIMIT + 1},}}", text)
        if long_cell:
            where = f"line {text.count(chr(10), 0, long_cell.start()) + 1}"
            size = f"a cell of {len(long_cell.group()):,} characters"
        else:
            size = f"a cell of more than {CSV_CELL_LIMIT:,} characters"
        return Problem(name, where, "", f"has {size}; cells may be at most {CSV_CELL_LIMIT:,} characters")
    if "new-line character seen in unquoted field" in str(err):
        message = "has a line break inside a cell that is not in double quotes; quote the cell or remove the break"
        return Problem(name, where, "", message)
    return Problem(name, where, "", f"is not valid CSV: {err}")


def rows_from_csv(
    text: str, name: str, columns: Iterable[str], *, list_columns: Iterable[str] = (), label_column: str = ""
) -> tuple[list[Raw], list[Problem]]:
    """Rows of a CSV file with exactly the expected header; empty cells become None, lists split on ';'."""
    columns = list(columns)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as err:
        return [], [csv_problem(err, name, text, 1)]
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
        problems.append(csv_problem(err, name, text, reader.line_num))
    return records, problems


def to_records(model: type[M], raw: Iterable[Raw], name: str) -> tuple[list[M], list[Problem]]:
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
