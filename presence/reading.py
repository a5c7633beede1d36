"""Reading text and CSV files into plain records, with a Problem for anything that is not well-formed.

Readers take text plus the file's name, so the same rules serve files on disk and uploaded files.
Typed checks of each record (pydantic) happen in `to_records`; rules across records live in validation.
JSON and GeoJSON have their own module, `presence.geojson`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from presence.limits import CSV_CELL_LIMIT, MAX_FILE_BYTES, stopped, too_many
from presence.problems import Problem

csv.field_size_limit(CSV_CELL_LIMIT)  # the csv module's limit is the one the messages name

M = TypeVar("M", bound=BaseModel)
Raw = tuple[str, dict[str, Any]]  # (record label for messages, field values)


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
