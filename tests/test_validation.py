"""Each validator rule catches a broken file with a message naming file, record and field."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import edit_features, edit_rows, feature
from hypothesis import given, settings
from hypothesis import strategies as st

from presence.dataset import BUNDLED_DATA, check_folder


def site_edit(ident: str, change):
    return lambda folder: edit_features(folder, "sites.geojson", lambda fs: change(feature(fs, ident)))


def event_at(site_id: str, change):
    def apply(features):
        change(next(f for f in features if f["properties"]["site_id"] == site_id))

    return lambda folder: edit_features(folder, "events.geojson", apply)


def props(**values):
    return lambda f: f["properties"].update(values)


def swap(f):
    f["geometry"]["coordinates"].reverse()


def duplicate(ident: str):
    return lambda fs: fs.append(feature(fs, ident))


def overwrite(name: str, text: str):
    return lambda folder: (folder / name).write_text(text, encoding="utf-8")


def remove(name: str):
    return lambda folder: (folder / name).unlink()


def source_rows(change):
    return lambda folder: edit_rows(folder, "sources.csv", change)


def troop_rows(change):
    return lambda folder: edit_rows(folder, "troop_levels.csv", change)


def first_presence(**values):
    return lambda f: f["properties"]["presence"][0].update(values)


CASES = [
    # sites.geojson
    (
        "swapped coordinates",
        site_edit("al-asad", swap),
        "sites.geojson: al-asad: geometry.coordinates [33.",
        "looks like [latitude, longitude]",
    ),
    (
        "point outside Iraq",
        site_edit("al-asad", lambda f: f["geometry"].update(coordinates=[35.5, 33.9])),
        "sites.geojson: al-asad: geometry.coordinates [35.5, 33.9] is outside Iraq",
        "",
    ),
    (
        "region disagrees",
        site_edit("harir", props(region="federal")),
        "sites.geojson: harir: region 'federal' disagrees with the boundary",
        "lies in 'kurdistan'",
    ),
    (
        "governorate disagrees",
        site_edit("al-asad", props(governorate="Basra")),
        "sites.geojson: al-asad: governorate 'Basra' disagrees with the boundary",
        "lies in 'Anbar'",
    ),
    (
        "duplicate site id",
        lambda d: edit_features(d, "sites.geojson", duplicate("harir")),
        "sites.geojson: harir: id 'harir' is used by 2 records",
        "",
    ),
    (
        "unknown source id",
        site_edit("al-asad", props(source_ids=["no-such-source"])),
        "sites.geojson: al-asad: source_ids[0] 'no-such-source' is not in sources.csv",
        "",
    ),
    (
        "no source at all",
        site_edit("al-asad", props(source_ids=[])),
        "sites.geojson: al-asad: source_ids [] ",
        "at least 1",
    ),
    (
        "end after as-of date",
        site_edit("al-asad", first_presence(end="2030-01-01")),
        "sites.geojson: al-asad: presence[0].end 2030-01-01 is after the dataset's as-of date",
        "",
    ),
    (
        "end before start",
        site_edit("al-asad", first_presence(start="2005-06", end="2004-01")),
        "sites.geojson: al-asad: presence[0].end 2004-01 is before its start 2005-06",
        "",
    ),
    (
        "periods out of order",
        site_edit("al-asad", lambda f: f["properties"]["presence"].reverse()),
        "sites.geojson: al-asad: presence[",
        "periods must be in order",
    ),
    (
        "not a date",
        site_edit("al-asad", first_presence(start="2003-13")),
        "sites.geojson: al-asad: presence[0].start '2003-13' ",
        "has no month 13",
    ),
    (
        "unknown force",
        site_edit("al-asad", first_presence(force="marines")),
        "sites.geojson: al-asad: presence[0].force 'marines' must be one of",
        "'us_combat'",
    ),
    (
        "unknown field",
        site_edit("al-asad", props(colour="red")),
        "sites.geojson: al-asad: colour 'red' is not a known field",
        "",
    ),
    (
        "missing field",
        site_edit("al-asad", lambda f: f["properties"].pop("name")),
        "sites.geojson: al-asad: name is missing",
        "",
    ),
    (
        "site without geometry",
        site_edit("al-asad", lambda f: f.update(geometry=None)),
        "sites.geojson: al-asad: geometry is null",
        "",
    ),
    # events.geojson
    (
        "event at unknown site",
        event_at("al-asad", props(site_id="atlantis")),
        "events.geojson: ",
        "site_id 'atlantis' is not in sites.geojson",
    ),
    (
        "precision disagrees",
        event_at("al-asad", props(date="2020-01", date_precision="day")),
        "events.geojson: ",
        "date_precision 'day' disagrees with the date 2020-01 (month)",
    ),
    (
        "impossible day",
        event_at("al-asad", props(date="2020-02-30")),
        "events.geojson: ",
        "date '2020-02-30' is not a real day",
    ),
    (
        "null geometry for a local event",
        event_at("al-asad", lambda f: f.update(geometry=None)),
        "events.geojson: ",
        "geometry is null, which only a nationwide event",
    ),
    (
        "event far from its site",
        event_at("al-asad", lambda f: f["geometry"].update(coordinates=[44.3661, 33.3152])),
        "events.geojson: ",
        "km from its site 'al-asad'",
    ),
    (
        "casualties as text",
        event_at("al-asad", props(us_injured="5")),
        "events.geojson: ",
        "us_injured '5' Input should be a valid integer",
    ),
    (
        "unknown category",
        event_at("al-asad", props(category="picnic")),
        "events.geojson: ",
        "category 'picnic' must be one of",
    ),
    (
        "date before the first year",
        event_at("al-asad", props(date="1991-01-17", date_precision="day")),
        "events.geojson: ",
        "date 1991-01-17 is before the dataset's first year 2003",
    ),
    # sources.csv
    (
        "javascript link",
        source_rows(lambda rows: rows[0].update(url="javascript:alert(1)")),
        "sources.csv: line 2 (",
        "url 'javascript:alert(1)' must be an http(s) URL",
    ),
    (
        "quote in a link",
        source_rows(lambda rows: rows[0].update(url='https://example.org/"onmouseover=x')),
        "sources.csv: line 2 (",
        "must not contain spaces, quotes or angle brackets",
    ),
    (
        "duplicate source id",
        source_rows(lambda rows: rows.append(dict(rows[0]))),
        "sources.csv: ",
        "is used by 2 records",
    ),
    (
        "unknown source kind",
        source_rows(lambda rows: rows[0].update(kind="blog")),
        "sources.csv: line 2 (",
        "kind 'blog' must be one of 'official', 'wire', 'outlet', 'reference' or 'other'",
    ),
    (
        "grade without a reason",
        site_edit("al-asad", first_presence(grade="contested")),
        "sites.geojson: al-asad: presence[0].grade_reason is empty",
        "needs both grade and grade_reason",
    ),
    (
        "unknown grade",
        event_at("al-asad", props(grade="solid", grade_reason="two papers")),
        "events.geojson: ",
        "grade 'solid' must be one of",
    ),
    (
        "source header",
        lambda d: (d / "sources.csv").write_text("id,title\nx,y\n", encoding="utf-8"),
        "sources.csv: header: publisher is missing",
        "",
    ),
    # troop_levels.csv
    (
        "missing year",
        troop_rows(lambda rows: [r for r in rows if r["year"] != "2012"]),
        "troop_levels.csv: year 2012: year has no row",
        "",
    ),
    (
        "low above high",
        troop_rows(lambda rows: rows[0].update(troops_low="999999", troops_high="1")),
        "troop_levels.csv: year ",
        "troops_low 999999 is more than troops_high 1",
    ),
    (
        "figure kind",
        troop_rows(lambda rows: rows[0].update(figure_kind="guess")),
        "troop_levels.csv: line 2 (",
        "figure_kind 'guess' must be one of",
    ),
    # whole files
    ("not JSON", overwrite("sites.geojson", "{not json"), "sites.geojson: is not valid JSON: ", "line 1 column 2"),
    ("not GeoJSON", overwrite("events.geojson", "[1, 2, 3]"), "events.geojson: is not a GeoJSON FeatureCollection", ""),
    (
        "not UTF-8",
        lambda d: (d / "sources.csv").write_bytes(b"id,title\n\xff\xfe\n"),
        "sources.csv: is not UTF-8 text",
        "",
    ),
    ("missing file", remove("troop_levels.csv"), "troop_levels.csv: is missing", ""),
    ("bad as-of date", overwrite("metadata.json", '{"as_of": "yesterday"}'), "metadata.json: as_of 'yesterday' ", ""),
    (
        "boundary not a polygon",
        overwrite(
            "kurdistan_region.geojson",
            '{"type":"FeatureCollection","features":[{"type":"Feature",'
            '"properties":{},"geometry":{"type":"Point","coordinates":[44,36]}}]}',
        ),
        "kurdistan_region.geojson: features[0]: geometry is not a valid (multi)polygon",
        "",
    ),
]


@pytest.mark.parametrize(("what", "breakage", "starts", "contains"), CASES, ids=[c[0] for c in CASES])
def test_broken_data_is_caught_with_a_precise_message(data_copy: Path, what, breakage, starts, contains):
    breakage(data_copy)
    dataset, problems = check_folder(data_copy)
    assert dataset is None
    lines = [str(p) for p in problems]
    matching = [line for line in lines if line.startswith(starts) and contains in line]
    assert matching, f"{what}: no problem starts with {starts!r} and contains {contains!r}; got:\n" + "\n".join(lines)


def test_shipped_data_passes_every_rule():
    dataset, problems = check_folder(BUNDLED_DATA)
    assert [str(p) for p in problems] == []
    assert dataset is not None


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "presence", "validate", *args], capture_output=True, text=True)


def test_cli_accepts_the_shipped_data_and_counts_it():
    done = run_cli(str(BUNDLED_DATA))
    assert done.returncode == 0, done.stderr
    assert " ok: " in done.stdout and "sites" in done.stdout and "events" in done.stdout


def test_cli_lists_each_problem_and_fails(data_copy: Path):
    site_edit("harir", props(region="federal"))(data_copy)
    remove("troop_levels.csv")(data_copy)
    done = run_cli(str(data_copy))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.startswith("sites.geojson: harir: region 'federal'") for line in lines)
    assert "troop_levels.csv: is missing from the data folder" in lines
    assert lines[-1].startswith("2 problem(s)")
    assert "Traceback" not in done.stderr


def test_cli_reads_the_data_dir_variable(data_copy: Path, monkeypatch):
    remove("sources.csv")(data_copy)
    done = subprocess.run(
        [sys.executable, "-m", "presence", "validate"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PRESENCE_DATA_DIR": str(data_copy)},
    )
    assert done.returncode == 1
    assert "sources.csv: is missing" in done.stderr


def test_cli_refuses_a_folder_that_does_not_exist(tmp_path: Path):
    done = run_cli(str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "is not a folder" in done.stderr


site_keys = st.sampled_from(
    [
        "name",
        "region",
        "governorate",
        "presence",
        "handovers",
        "source_ids",
        "kind",
        "aliases",
        "location_precision",
        "name_ar",
        "id",
        "summary",
        "extra",
    ]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(changes=st.dictionaries(site_keys, json_values, max_size=4), geometry=json_values)
def test_the_validator_reports_any_site_record_without_raising(changes, geometry):
    def mutate(features):
        target = feature(features, "al-asad")
        target["properties"].update(changes)
        target["geometry"] = geometry

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(BUNDLED_DATA, folder)
        edit_features(folder, "sites.geojson", mutate)
        dataset, problems = check_folder(folder)
    assert (dataset is None) == bool(problems)


@pytest.mark.parametrize(
    ("start", "end", "force", "message"),
    [
        ("2003-04", "2011-12", "us_combat", "'us_combat' for 2003-04 to 2011-12: the combat mission ran"),
        ("2009-01", "2010-08", "us_advisers", "advisers are Operation New Dawn"),
        ("2012-06", "2013", "us_advisers", "advisers are Operation New Dawn"),
        ("2014-11", None, "coalition", "'coalition' for 2014-11 to the present"),
        ("2013", "2015", "coalition", "the coalition period runs from June 2014"),
    ],
)
def test_a_period_must_follow_the_force_rule(data_copy, start, end, force, message):
    def change(features):
        feature(features, "erbil-air-base")["properties"]["presence"] = [
            {"start": start, "end": end, "force": force, "source_ids": ["afp-2014-11-us-troops-anbar"]}
        ]

    edit_features(data_copy, "sites.geojson", change)
    problems = [str(p) for p in check_folder(data_copy)[1]]
    assert any("erbil-air-base: presence[0].force" in p and message in p for p in problems), problems


@pytest.mark.parametrize(
    ("start", "end", "force"),
    [("2014", "2021-12", "coalition"), ("2010-09", "2011-12", "us_advisers"), ("2021-12", None, "us_advisers")],
)
def test_periods_within_the_force_rule_pass(data_copy, start, end, force):
    def change(features):
        feature(features, "erbil-air-base")["properties"]["presence"] = [
            {"start": start, "end": end, "force": force, "source_ids": ["afp-2014-11-us-troops-anbar"]}
        ]

    edit_features(data_copy, "sites.geojson", change)
    assert not [p for p in check_folder(data_copy)[1] if ".force" in p.field]
