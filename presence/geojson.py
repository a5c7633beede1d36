"""Reading JSON and GeoJSON into plain records, safely whatever the bytes.

Small files are read whole; GeoJSON is streamed feature by feature with ijson's C parser, which is fast but
crashes the process on some inputs (numbers of thousands of digits, very deep nesting): such files never
reach it (`presence.limits.streamable`) and go to the standard parser, which names the problem.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from presence.limits import (
    LONG_DIGITS,
    MAX_DATA_FILE_BYTES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NUMBER_CHARS,
    nests_deeper_than,
    streamable,
    too_many,
)
from presence.problems import Problem
from presence.reading import M, Raw, _short, to_records

_NUMBER = (int, float)  # exact types: JSON true/false must not pass as coordinates


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
    # Nor nesting deep enough to crash it (json.loads, which refuses it safely, would hold the whole file).
    with path.open("rb") as handle:
        if nests_deeper_than(iter(lambda: handle.read(1 << 20), b""), MAX_DEPTH):
            message = f"nests arrays and objects more than {MAX_DEPTH} deep, or does not close them all"
            return [], [Problem(name, "", "", message)]
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
