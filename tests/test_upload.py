"""Uploading one's own events: formats, bad rows, limits, round trips, and inputs that must never crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presence.dataset import Dataset
from presence.exports import acled_csv, events_csv, events_geojson
from presence.limits import MAX_FILE_BYTES
from presence.upload import parse_upload


def own(dataset: Dataset, n: int = 3):
    """Real-shaped events under new ids, as a reader's file would hold."""
    return [
        e.model_copy(update={"id": f"mine-{i}", "title": f"My event {i}"}) for i, e in enumerate(dataset.events[:n])
    ]


@pytest.mark.parametrize("export", [events_csv, events_geojson])
def test_our_own_exports_round_trip_exactly(dataset: Dataset, export):
    mine = own(dataset)
    combined = [*dataset.events[:20], *mine]
    name = "view.csv" if export is events_csv else "view.geojson"
    result = parse_upload(name, export(combined).encode(), dataset)
    assert result.ok, [str(p) for p in result.problems]
    assert list(result.events) == mine
    assert list(result.duplicates) == [e.id for e in dataset.events[:20]]


def test_acled_files_load_as_events(dataset: Dataset):
    mine = own(dataset, 5)
    result = parse_upload("acled.csv", acled_csv(dataset, mine).encode(), dataset)
    assert result.kind == "acled" and result.ok, [str(p) for p in result.problems]
    assert [e.id for e in result.events] == [f"acled-mine-{i}" for i in range(5)]
    assert [(e.date, e.lon, e.lat) for e in result.events] == [(e.date, e.lon, e.lat) for e in mine]


def feature(props: dict, coords=(42.4411, 33.7856)) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(coords)}, "properties": props}


def good_props(i: int, **changes) -> dict:
    props = {
        "id": f"u-{i}",
        "date": "2020-05-01",
        "date_precision": "day",
        "category": "attack",
        "title": f"Event {i}",
        "summary": "Something happened.",
        "location_precision": "city",
        "source_ids": ["my-notes"],
    }
    return {**props, **changes}


def test_bad_rows_are_named_and_the_good_ones_kept(dataset: Dataset):
    features = [
        feature(good_props(1)),
        feature(good_props(2, date="2020-02-31")),
        feature(good_props(3), coords=(33.7856, 42.4411)),
        feature(good_props(4, site_id="atlantis")),
        feature(good_props(5, source_ids=[])),
        feature(good_props(6)),
        feature(good_props(6)),
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = parse_upload("mine.geojson", data, dataset)
    lines = [str(p) for p in result.problems]
    assert [e.id for e in result.events] == ["u-1"]
    assert set(result.left_out) == {"u-2", "u-3", "u-4", "u-5", "u-6"}
    expected = [
        "mine.geojson: u-2: date '2020-02-31' is not a real day",
        "mine.geojson: u-3: geometry.coordinates [33.7856, 42.4411] looks like [latitude, longitude]",
        "mine.geojson: u-4: site_id 'atlantis' is not in sites.geojson",
        "mine.geojson: u-5: source_ids [] ",
        "mine.geojson: u-6: id 'u-6' is used by 2 records",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.csv", b"x" * (MAX_FILE_BYTES + 1), "over the limit of"),
        ("notes.txt", b"hello", "is neither GeoJSON (.geojson, .json) nor CSV (.csv)"),
        ("bad.csv", b"\xff\xfe\x00", "is not UTF-8 text"),
        ("bad.geojson", b"{nope", "is not valid JSON"),
        ("list.json", b"[1, 2]", "is not a GeoJSON FeatureCollection"),
        ("cols.csv", b"a,b\n1,2\n", "header: id is missing"),
        ("empty.geojson", b"", "is not valid JSON"),
    ],
)
def test_unusable_files_get_a_clear_message(dataset: Dataset, name, data, message):
    result = parse_upload(name, data, dataset)
    assert not result.events and not result.ok
    assert any(message in str(p) and str(p).startswith(name) for p in result.problems), result.problems


def test_the_shipped_data_is_never_changed_by_an_upload(dataset: Dataset):
    before = (len(dataset.events), dataset.events[0])
    parse_upload(
        "v.csv", events_csv([e.model_copy(update={"title": "changed"}) for e in dataset.events[:5]]).encode(), dataset
    )
    assert (len(dataset.events), dataset.events[0]) == before


def test_uploaded_text_is_escaped_on_the_map(dataset: Dataset):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    props = good_props(1, title=hostile, summary=hostile, actor=hostile)
    data = json.dumps({"type": "FeatureCollection", "features": [feature(props)]}).encode()
    result = parse_upload("h.geojson", data, dataset)
    assert result.ok
    from presence.year_map import map_literal

    script = map_literal(dataset, result.events)
    assert "<script>alert" not in script and "<img src=x" not in script and "\\u003cimg" not in script
    assert "&lt;script&gt;" in script
    assert "Your data, not verified by this project" in script


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30,
)
event_keys = st.sampled_from(list(good_props(0)) + ["lon", "us_killed", "site_id", "geometry", "notes"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.geojson", "a.json", "a.txt", ""]))
def test_any_bytes_give_problems_not_exceptions(dataset: Dataset, raw, name):
    result = parse_upload(name, raw, dataset)
    assert result.ok or result.problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(event_keys, json_values, max_size=5), coords=st.lists(json_values, max_size=3))
def test_any_event_record_gives_problems_not_exceptions(dataset: Dataset, changes, coords):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": good_props(1, **changes),
            }
        ],
    }
    result = parse_upload("g.geojson", json.dumps(doc).encode(), dataset)
    assert len(result.events) + len(result.left_out) >= 0
    assert result.ok == (not result.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    row=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "date",
                "date_precision",
                "category",
                "title",
                "summary",
                "source_ids",
                "longitude",
                "latitude",
                "us_killed",
            ]
        ),
        st.text(max_size=20),
        max_size=10,
    )
)
def test_any_csv_row_gives_problems_not_exceptions(dataset: Dataset, row):
    import csv
    import io

    from presence.exports import EVENT_CSV_COLUMNS as OWN_CSV_COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OWN_CSV_COLUMNS)
    writer.writeheader()
    writer.writerow({k: row.get(k, "") for k in OWN_CSV_COLUMNS})
    result = parse_upload("r.csv", out.getvalue().encode(), dataset)
    assert result.ok == (not result.problems)
