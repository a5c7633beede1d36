"""Files built to break the readers: each ends in records or a named problem, never an exception.

The same bytes go through the upload parser (what the sidebar calls) and, as a data file, through the data
folder validator (what `python -m presence validate` runs), which streams GeoJSON with ijson's C parser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import own_event, own_features
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presence import geojson, limits
from presence.dataset import Dataset, check_folder
from presence.exports import EVENT_CSV_COLUMNS
from presence.geojson import records_from_geojson_file
from presence.limits import MAX_NUMBER_CHARS
from presence.models import Event
from presence.reading import rows_from_csv
from presence.upload import parse_upload

HUGE = "9" * 4301  # one digit past the length Python converts to int
HEADER = ",".join(EVENT_CSV_COLUMNS)
POINT = '{"type":"Feature","geometry":{"type":"Point","coordinates":[%s,%s]},"properties":{"us_killed":%s}}'


def collection(*features: str, extra: str = "") -> bytes:
    return ('{"type":"FeatureCollection",' + extra + '"features":[' + ",".join(features) + "]}").encode()


# (case, file name, bytes, data file it stands in for, words the problem must contain)
HOSTILE = [
    (
        "integer of 4,301 digits",
        "n.geojson",
        collection(extra=f'"n":{HUGE},'),
        "events.geojson",
        "a number 4,301 characters long",
    ),
    ("lone CR in the header", "cr.csv", f"id,date\r,{HEADER[8:]}\n".encode(), "troop_levels.csv", "header:"),
    (
        "header cell of 200,000",
        "long.csv",
        ("x" * 200_000 + ",date\n").encode(),
        "sources.csv",
        "a cell of 200,000 characters",
    ),
    (
        "row cell of 150,000",
        "row.csv",
        f"{HEADER}\n{'y' * 150_000}\n".encode(),
        "footprint.csv",
        "line 2: has a cell of 150,000",
    ),
    ("huge coordinate", "c.geojson", collection(POINT % (HUGE, "33", "0")), "sites.geojson", "line 1 column"),
    (
        "long fraction",
        "f.geojson",
        collection(POINT % ("44." + "1" * 200, "33", "0")),
        "events.geojson",
        "203 characters long",
    ),
    (
        "NaN coordinates",
        "nan.geojson",
        collection(POINT % ("NaN", "Infinity", "0")),
        "events.geojson",
        "is not [longitude, latitude]",
    ),
    (
        "1e999 coordinate",
        "e.geojson",
        collection(POINT % ("1e999", "33", "0")),
        "events.geojson",
        "is not [longitude, latitude]",
    ),
    ("NUL in the header", "nul.csv", b"id\x00,date\n", "yearly_totals.csv", "header:"),
    ("NUL after the JSON", "nul.geojson", collection() + b"\x00", "kurdistan_region.geojson", "is not valid JSON"),
    ("CR, LF and CRLF mixed", "mix.csv", f"{HEADER}\r\na,b\rc\n".encode(), "troop_levels.csv", "line"),
    ("quoted field never closed", "q.csv", f'{HEADER}\n"open,1\n'.encode(), "footprint.csv", "line 2"),
    (
        "a key twice",
        "dup.geojson",
        collection('{"type":"Feature","type":"Feature"}'),
        "events.geojson",
        "has the key 'type' twice",
    ),
    (
        "a key twice, deep",
        "dup2.geojson",
        collection(POINT % ("44", "33", '1,"us_killed":2')),
        "events.geojson",
        "has the key 'us_killed' twice",
    ),
]
# Values that read as JSON and CSV but are not what a field may hold; the data folder gets the same rules.
ROWS = [
    (
        "Arabic-Indic digits in a date",
        {"date": "\u0662\u0660\u0662\u0660"},
        "date '\u0662\u0660\u0662\u0660' is not an ISO date",
    ),
    ("a NUL in a title", {"title": "Attack\x00"}, "title 'Attack\\x00' contains the control character U+0000"),
    ("an escape character in a summary", {"summary": "\x1b[31mred"}, "contains the control character U+001B"),
]
IDS = [case[0] for case in HOSTILE]


@pytest.mark.parametrize(("case", "name", "data", "target", "words"), HOSTILE, ids=IDS)
def test_a_hostile_upload_gets_a_named_problem(dataset: Dataset, case, name, data, target, words):
    result = parse_upload(name, data, dataset)
    assert not result.ok and not result.events
    assert any(words in str(p) and str(p).startswith(name) for p in result.problems), result.problems


@pytest.mark.parametrize(("case", "name", "data", "target", "words"), HOSTILE, ids=IDS)
def test_a_hostile_data_file_gets_a_named_problem(data_copy: Path, case, name, data, target, words):
    (data_copy / target).write_bytes(data)
    dataset, problems = check_folder(data_copy)
    assert dataset is None and problems
    assert any(str(p).startswith(target) for p in problems), problems


@pytest.mark.parametrize(("case", "changes", "words"), ROWS, ids=[r[0] for r in ROWS])
def test_a_value_no_field_may_hold_is_named(dataset: Dataset, data_copy: Path, case, changes, words):
    doc = {"type": "FeatureCollection", "features": [own_event(**changes)]}
    result = parse_upload("mine.geojson", json.dumps(doc).encode(), dataset)
    assert not result.events and any(words in str(p) for p in result.problems), result.problems
    # The same value in the shipped data's events file.
    shipped = json.loads((data_copy / "events.geojson").read_text(encoding="utf-8"))
    shipped["features"][0]["properties"].update(changes)
    (data_copy / "events.geojson").write_text(json.dumps(shipped), encoding="utf-8")
    _, problems = check_folder(data_copy)
    assert any(words in str(p) for p in problems), problems[:5]


def test_the_validator_command_names_a_huge_number_instead_of_crashing(data_copy: Path):
    # ijson's C parser dies (segmentation fault) on an integer of over 4,300 digits: it must never see one.
    (data_copy / "events.geojson").write_bytes(collection(extra=f'"n":{HUGE},'))
    done = subprocess.run(
        [sys.executable, "-m", "presence", "validate", str(data_copy)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "events.geojson: has a number 4,301 characters long at line 1 column" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_an_integer_too_wide_for_the_streaming_parser_is_still_read(tmp_path: Path, dataset: Dataset):
    # 20 digits overflow ijson's 64-bit integers; the file is still valid JSON and gets the record's own message
    # (a count that size would also overflow the 64-bit columns of the tables).
    event = dataset.events[0].model_dump(mode="json")
    lon, lat = event.pop("lon"), event.pop("lat")
    event["us_killed"] = 10**19
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": event}
        ],
    }
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(doc))
    records, problems = records_from_geojson_file(path, Event, geometry_required=False)
    assert not records and any(p.field == "us_killed" for p in problems), problems


@pytest.mark.parametrize("at", [5, (1 << 20) - 40, (1 << 20) - MAX_NUMBER_CHARS - 1, (1 << 20) + 5])
def test_a_long_digit_run_is_found_wherever_it_falls_in_a_big_file(tmp_path: Path, monkeypatch, at: int):
    # A file over the size read whole is scanned in 1 MB chunks; a run may straddle two of them.
    monkeypatch.setattr(geojson, "MAX_FILE_BYTES", 4)
    body = collection(extra=f'"n":{"7" * 300},')
    path = tmp_path / "events.geojson"
    path.write_bytes(b" " * at + body)
    records, problems = records_from_geojson_file(path, Event, geometry_required=False)
    start = at + body.index(b"7")
    assert [str(p) for p in problems] == [
        f"events.geojson: has a run of 300 digits at byte {start:,}; a number may have at most 100 digits in a row"
    ]


# Generated inputs: number tokens of any length and shape, CSV text with every kind of line break, NUL bytes
# and cells up to twice the cell limit.
digits_run = st.builds(lambda digit, n: digit * n, st.sampled_from("19"), st.integers(1, 6000))
number_tokens = (
    st.from_regex(r"\A-?[0-9]{1,25}(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,4})?\Z")
    | digits_run
    | st.builds(lambda a, b: f"{a}.{b}", digits_run, digits_run)
    | st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0"])
)
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?|NaN|-?Infinity")
line_breaks = st.sampled_from(["\n", "\r\n", "\r", "\n\r"])
cells = st.text(alphabet=st.sampled_from(list('ab1 ,;"\r\n\x00\t=é')), max_size=12) | st.builds(
    lambda c, n: c * n, st.sampled_from(["x", '"', "\x00"]), st.integers(0, 2 * limits.CSV_CELL_LIMIT)
)


def csv_text(draw_cells: list[str], breaks: list[str], header: str) -> str:
    lines = [header] + [",".join(draw_cells[i : i + 3]) for i in range(0, len(draw_cells), 3)]
    return "".join(line + breaks[i % len(breaks)] for i, line in enumerate(lines))


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(x=number_tokens, y=number_tokens, killed=number_tokens)
def test_any_number_gives_records_or_problems(dataset: Dataset, x, y, killed):
    data = collection(POINT % (x, y, killed))
    result = parse_upload("n.geojson", data, dataset)
    assert result.ok == (not result.problems)
    assert result.problems  # no required field is given
    long_run = re.compile(rf"[0-9]{{{MAX_NUMBER_CHARS + 1}}}")  # a run of digits, not a long number with a point
    if all(map(JSON_NUMBER.fullmatch, (x, y, killed))) and any(map(long_run.search, (x, y, killed))):
        assert any("characters long" in p.message for p in result.problems), result.problems


@SETTINGS
@given(values=st.lists(cells, max_size=9), breaks=st.lists(line_breaks, min_size=1, max_size=4), nul=st.booleans())
def test_any_csv_text_gives_records_or_problems(dataset: Dataset, values, breaks, nul):
    header = HEADER.replace(",", ",\x00", 1) if nul else HEADER
    text = csv_text(values, breaks, header)
    result = parse_upload("t.csv", text.encode(), dataset)
    assert result.ok == (not result.problems)
    raw, problems = rows_from_csv(text, "troop_levels.csv", EVENT_CSV_COLUMNS)
    assert all(p.file == "troop_levels.csv" and p.message for p in problems)


@settings(max_examples=40, deadline=None)
@given(x=number_tokens, killed=number_tokens)
def test_any_number_in_a_data_file_gives_records_or_problems(x, killed):
    # Through the streaming reader the validator uses: must end in records or problems, never crash.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.geojson"
        path.write_bytes(collection(POINT % (x, "33", killed)))
        records, problems = records_from_geojson_file(path, Event, geometry_required=False)
    assert problems  # the record lacks required fields, so it can never pass
    assert not records


def test_an_unforeseen_parser_failure_still_reaches_the_reader_as_a_message(dataset: Dataset, monkeypatch, caplog):
    import shell

    class Broken:
        def parse(self, name, data):
            raise RuntimeError("a case nobody foresaw")

    monkeypatch.setattr(shell, "shared_worker", lambda folder: Broken())
    result = shell._parse("odd.csv", b"id\n", dataset)
    assert not result.ok and not result.events
    assert [str(p) for p in result.problems] == [
        "odd.csv: could not be read (RuntimeError); nothing from it was loaded"
    ]
    assert "a case nobody foresaw" in caplog.text  # the details are in the server's log, not on the page


# Files that test the upload limits (presence.limits), built when the test runs. The sizes prove each rule at
# its real limit; the worst files of the load test are larger versions of the same.
def valid_rows(n: int) -> bytes:
    cells = {
        "id": "{i}",
        "date": "2020-05-01",
        "date_precision": "day",
        "category": "attack",
        "title": "Event {i}",
        "summary": "Something happened.",
        "location_precision": "city",
        "source_ids": "my-notes",
        "longitude": "44.4",
        "latitude": "33.3",
    }
    row = ",".join(cells.get(c, "") for c in EVENT_CSV_COLUMNS) + "\n"
    return (HEADER + "\n" + "".join(row.format(i=f"u-{i}") for i in range(n))).encode()


def features(n: int, **props) -> bytes:
    feature = json.dumps({"type": "Feature", "geometry": None, "properties": props})
    return ('{"type":"FeatureCollection","features":[' + ",".join([feature] * n) + "]}").encode()


def extra_cells(n: int) -> bytes:
    line = ",".join(["a"] * (len(EVENT_CSV_COLUMNS) + 1)) + "\n"
    return (HEADER + "\n" + line * n).encode()


def zipped() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("events.csv", valid_rows(50))
    return out.getvalue()


LIMITS = [
    (
        "100,001 valid rows",
        "many.csv",
        lambda: valid_rows(100_001),
        "has more than 100,000 rows; stopped reading at line 100002",
    ),
    (
        "100,001 features",
        "many.geojson",
        lambda: own_features(
            100_001, id="a", date="2020", date_precision="year", title="t", summary="s", location_precision="city"
        ),
        "has more than 100,000 features",
    ),
    (
        "features without id",
        "noid.geojson",
        lambda: features(50_000, title="x"),
        "reading stopped here after 1,000 problems",
    ),
    ("rows with an extra cell", "extra.csv", lambda: extra_cells(500_000), "reading stopped here after 1,000 problems"),
    (
        "nesting 100,000 deep",
        "deep.geojson",
        lambda: features(1, id="a").replace(b'"id"', b'"x": ' + b"[" * 100_000 + b"]" * 100_000 + b', "id"'),
        "nested too deeply",
    ),
    (
        "a 40 MB title",
        "long.geojson",
        lambda: features(1, id="a", title="t" * 40_000_000),
        "String should have at most 2000 characters",
    ),
    ("UTF-16", "u16.csv", lambda: valid_rows(3).decode().encode("utf-16"), "is not UTF-8 text"),
    ("a zip renamed .csv", "events.csv", zipped, "is not UTF-8 text"),
    (
        "a LineString",
        "line.geojson",
        lambda: features(1).replace(
            b'"geometry": null', b'"geometry": {"type": "LineString", "coordinates": [[44, 33], [45, 34]]}'
        ),
        "'LineString' is not a GeoJSON Point",
    ),
    (
        "a Polygon",
        "poly.geojson",
        lambda: features(1).replace(
            b'"geometry": null',
            b'"geometry": {"type": "Polygon", "coordinates": [[[44, 33], [45, 34], [44, 34], [44, 33]]]}',
        ),
        "'Polygon' is not a GeoJSON Point",
    ),
    (
        "a 1,000,000-character key",
        "key.geojson",
        lambda: features(1, **{"id": "a", "k" * 1_000_000: 1}),
        "(1,000,000 characters) 1 is not a known field",
    ),
]


@pytest.mark.parametrize(("case", "name", "build", "words"), LIMITS, ids=[c[0] for c in LIMITS])
def test_an_upload_past_a_limit_is_stopped_and_named(dataset: Dataset, case, name, build, words):
    data = build()
    assert len(data) <= limits.MAX_FILE_BYTES  # under the upload limit: the rules below hold for any such file
    result = parse_upload(name, data, dataset)
    assert not result.events
    messages = [str(p) for p in result.problems]
    assert any(words in m and m.startswith(name) for m in messages), messages[:5]
    assert len(result.problems) <= 1_001 and max(map(len, messages)) < 400  # bounded, whatever the file


def test_a_file_with_a_byte_order_mark_reads_as_without(dataset: Dataset):
    for data in (valid_rows(3), features(2, **json.loads(json.dumps(dataset.events[0].model_dump(mode="json"))))):
        plain = parse_upload("bom.csv" if data.startswith(b"id") else "bom.geojson", data, dataset)
        marked = parse_upload(plain.name, b"\xef\xbb\xbf" + data, dataset)
        assert marked == plain


def test_problems_past_the_kept_ones_are_counted(dataset: Dataset):
    # 1,500 rows that read well but each break a rule of the dataset (a date after its as-of date).
    result = parse_upload("future.csv", valid_rows(1_500).replace(b"2020-05-01", b"2099-05-01"), dataset)
    assert not result.events and len(result.left_out) == 1_500
    assert len(result.problems) == 1_000 and result.more_problems == 500
    assert all("2099-05-01" in str(p) for p in result.problems)


json_bytes = st.text(alphabet=st.sampled_from(list('[]{}"\\ab:,')), max_size=200).map(str.encode)


@given(json_bytes, st.lists(st.integers(0, 200), max_size=6), st.integers(0, 8))
def test_nesting_found_in_chunks_is_the_nesting_of_the_whole(text: bytes, cuts: list[int], depth: int):
    """A file too big to hold is scanned in chunks: cut anywhere (inside a string, between a backslash and
    the character it escapes), the answer is the one for the whole text."""
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    chunks = [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    assert limits.nests_deeper_than(chunks, depth) == limits.nests_deeper_than(text, depth)


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        (b"[" * 100_000 + b"]" * 100_000, True),
        (b'{"type":"FeatureCollection","features":[' + b"[" * 40 + b"]" * 40 + b"]}", True),
        (b'{"type":"FeatureCollection","features":[' + b"[" * 20 + b"]" * 20 + b"]}", False),
        (b'{"type":"FeatureCollection","features":[], "x":"[[[[\\"' + b"[" * 40 + b'"}', False),
    ],
    ids=["100,000 deep", "40 deep", "20 deep", "brackets in a string"],
)
def test_a_big_data_file_nested_too_deep_is_refused_before_the_streaming_parser(tmp_path, monkeypatch, body, refused):
    monkeypatch.setattr(geojson, "MAX_FILE_BYTES", 4)  # as if the file were over the size read whole
    path = tmp_path / "events.geojson"
    path.write_bytes(body)
    _, problems = records_from_geojson_file(path, Event, geometry_required=False)
    deep = [str(p) for p in problems if "more than 32 deep" in str(p)]
    assert deep == (
        ["events.geojson: nests arrays and objects more than 32 deep, or does not close them all"] if refused else []
    )
