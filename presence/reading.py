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
from typing import Any, BinaryIO, TypeVar

import ijson
from pydantic import BaseModel, ValidationError

from presence.limits import (
    LONG_DIGITS,
    MAX_DATA_FILE_BYTES,
    MAX_FILE_BYTES,
    MAX_NUMBER_CHARS,
    stopped,
    streamable,
    too_many,
)
from presence.problems import Problem

M = TypeVar("M", bound=BaseModel)
Raw = tuple[str, dict[str, Any]]  # (record label for messages, field values)

_NUMBER = (int, float)  # exact types: JSON true/false must not pass as coordinates
CSV_CELL_LIMIT = csv.field_size_limit()  # Python's default, 131,072 characters


class _LongNumber(ValueError):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _number(convert):
    def parse(token: str):
        if LONG_DIGITS.search(token.encode()):
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


class DuplicateKey(ValueError):
    """An object names the same key twice: JSON parsers keep one value silently, so which is meant is unclear."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key

    def problem(self, name: str) -> Problem:
        return Problem(name, "", "", f"has the key {_short(self.key)} twice in one object; keep one of them")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def _noting_repeats(found: list[str]) -> type[dict]:
    """A mapping type for the streaming parser that notes each key it is given twice in `found`. It must not
    raise: ijson's C parser does not pass an exception from a mapping on (it fails with SystemError)."""

    class NotingRepeats(dict):
        def __setitem__(self, key: str, value: Any) -> None:
            if key in self:
                found.append(key)
            super().__setitem__(key, value)

    return NotingRepeats


def parse_json(text: str, name: str) -> tuple[Any, list[Problem]]:
    """Parse JSON text; a syntax error, an over-long number or a repeated key becomes a problem saying where."""
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, object_pairs_hook=_unique_pairs), []
    except DuplicateKey as err:
        return None, [err.problem(name)]
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
        f"a number may have at most {MAX_NUMBER_CHARS} digits in a row",
    )


def _long_digit_run(path: Path) -> tuple[int, int] | None:
    """(byte offset, length) of the first run of digits longer than a number may be, reading in chunks."""
    overlap = MAX_NUMBER_CHARS + 1
    offset, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            found = LONG_DIGITS.search(block)
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


class TooMany(Exception):
    """A file has more records than the caller's limit: reading stops at once."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _limited(raw: Iterable[Raw], name: str, limit: int | None, what: str) -> Iterator[Raw]:
    for index, item in enumerate(raw):
        if limit is not None and index >= limit:
            raise TooMany(too_many(name, what, item[0]))
        yield item


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
    if size <= MAX_FILE_BYTES:
        return records_from_geojson_bytes(path.read_bytes(), name, model, geometry_required=geometry_required)
    # Too big to check whole: at least no number may reach the streaming parser that would crash it.
    if run := _long_digit_run(path):
        start, length = run
        message = f"has a run of {length:,} digits at byte {start:,}; a number may have at most {MAX_NUMBER_CHARS}"
        return [], [Problem(name, "", "", message + " digits in a row")]
    problems: list[Problem] = []
    try:
        with path.open("rb") as handle:
            raw = _stream_features(handle, name, geometry_required=geometry_required, problems=problems)
            records, _ = to_records(model, raw, name, problems=problems)
    except DuplicateKey as err:
        return [], [err.problem(name)]
    except (ijson.JSONError, UnicodeDecodeError) as err:
        return [], [Problem(name, "", "", f"is not valid JSON ({type(err).__name__})")]
    return records, problems


def records_from_geojson_bytes(
    data: bytes,
    name: str,
    model: type[M],
    *,
    geometry_required: bool,
    limit: int | None = None,
    max_problems: int | None = None,
) -> tuple[list[M], list[Problem]]:
    """Typed records from GeoJSON bytes, streamed when that is safe, stopping at `limit` features (the file is
    refused) or once `max_problems` problems are found."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if streamable(data):
        problems: list[Problem] = []
        try:
            raw = _stream_features(io.BytesIO(data), name, geometry_required=geometry_required, problems=problems)
            records, _ = to_records(
                model, _limited(raw, name, limit, "features"), name, problems=problems, max_problems=max_problems
            )
            return records, problems
        except TooMany as err:
            return [], [err.problem]
        except DuplicateKey as err:
            return [], [err.problem(name)]
        except (ijson.JSONError, UnicodeDecodeError):
            pass  # the streaming parser cannot say where, and refuses some valid JSON (integers over 64 bits)
    # The standard parser reads the rest safely, or names the place, the number or the nesting.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return [], [Problem(name, "", "", f"is not UTF-8 text (byte {err.start}: {err.reason})")]
    raw, problems = features_from_text(text, name, geometry_required=geometry_required)
    if limit is not None and len(raw) > limit:
        return [], [too_many(name, "features", raw[limit][0])]
    records, _ = to_records(model, raw, name, problems=problems, max_problems=max_problems)
    return records, problems


def _stream_features(handle: BinaryIO, name: str, *, geometry_required: bool, problems: list[Problem]) -> Iterator[Raw]:
    kind = next(ijson.items(handle, "type"), None)
    if kind != "FeatureCollection":
        problems.append(Problem(name, "", "", NOT_A_COLLECTION))
        return
    handle.seek(0)
    repeated: list[str] = []
    stream = ijson.items(handle, "features.item", use_float=True, map_type=_noting_repeats(repeated))

    def checked() -> Iterator[Any]:
        for feature in stream:
            if repeated:
                raise DuplicateKey(repeated[0])
            yield feature

    yield from iter_features(checked(), name, geometry_required=geometry_required, problems=problems)


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
    text: str,
    name: str,
    columns: Iterable[str],
    *,
    list_columns: Iterable[str] = (),
    label_column: str = "",
    limit: int | None = None,
    max_problems: int | None = None,
) -> tuple[list[Raw], list[Problem]]:
    """Rows of a CSV file with exactly the expected header; empty cells become None, lists split on ';'.

    A file with more than `limit` rows is refused as soon as the next row is met; reading stops once there
    are `max_problems` problems.
    """
    columns = list(columns)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as err:
        return [], [csv_problem(err, name, text, 1)]
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = [Problem(name, "header", c, "is missing") for c in missing]
    problems += [Problem(name, "header", _short(c), "is not a known column") for c in extra[:20]]
    if len(extra) > 20:
        problems.append(Problem(name, "header", "", f"has {len(extra) - 20:,} more unknown columns"))
    if problems:
        return [], problems
    records: list[Raw] = []
    try:
        for number, row in enumerate(reader, start=2):
            if limit is not None and number - 2 >= limit:
                return [], [too_many(name, "rows", f"line {number}")]
            if max_problems is not None and len(problems) >= max_problems:
                problems.append(stopped(name, f"line {number}"))
                break
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


def to_records(
    model: type[M],
    raw: Iterable[Raw],
    name: str,
    *,
    problems: list[Problem] | None = None,
    max_problems: int | None = None,
) -> tuple[list[M], list[Problem]]:
    """Typed records from raw ones; each pydantic error becomes a problem naming the field and value.

    Problems go to `problems` when given (shared with the reader of `raw`); reading stops once there are
    `max_problems` of them.
    """
    records: list[M] = []
    problems = [] if problems is None else problems
    for label, values in raw:
        if max_problems is not None and len(problems) >= max_problems:
            problems.append(stopped(name, label))
            break
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
    # A field's name can come from the file (an unknown key): never echo more of it than a reader can read.
    return path if len(path) <= 80 else path[:60] + f"... ({len(path):,} characters)"


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
