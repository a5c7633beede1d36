"""The timeline, events and sources pages: they run, share the year, filter, and export exactly what is shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presence.dataset import Dataset
from presence.explorer import ACLED_COLUMNS, EventFilter, acled_csv, events_csv, events_geojson, filter_events
from presence.models import Event
from presence.reading import features_from_text, to_records
from presence.timeline import MILESTONE_EVENTS, milestones

ROOT = Path(__file__).resolve().parent.parent
# ACLED's published column list, as in its event exports.
ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def open_page(page: str, **params: str) -> AppTest:
    """Start on the map (as a reader does), then switch to a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(str(ROOT / "pages" / page)).run()


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def shown_count(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if m.value.endswith(" events**"))
    return int(line.strip("*").split(" of ")[0])


def test_timeline_shares_the_year_and_draws_its_charts(dataset: Dataset):
    at = open_page("1_Timeline.py", year="2011")
    assert not at.exception
    assert at.slider(key="year").value == 2011
    assert len(charts(at)) == 4  # troops, deaths, attacks, presence by site
    assert len(at.expander) == len(milestones(dataset)) + 1 == len(MILESTONE_EVENTS) + 2  # and the counts table
    at.slider(key="year").set_value(2020).run()
    assert at.query_params["year"] == "2020"
    at.switch_page(str(ROOT / "app.py")).run()
    assert at.slider(key="year").value == 2020


def test_milestones_all_resolve_to_events(dataset: Dataset):
    ids = {e.id for e in dataset.events}
    assert [i for i, _ in MILESTONE_EVENTS if i not in ids] == []
    assert any(m.label.startswith("Peak, 2007") for m in milestones(dataset))


def test_events_page_filters_change_the_count(dataset: Dataset):
    at = open_page("2_Events.py")
    assert not at.exception
    assert shown_count(at) == len(dataset.events)
    at.multiselect(key="event_categories").select("attack").run()
    attacks = sum(e.category == "attack" for e in dataset.events)
    assert shown_count(at) == attacks
    at.text_input(key="event_text").input("Soleimani").run()
    expected = filter_events(dataset.events, EventFilter(categories=frozenset({"attack"}), text="Soleimani"))
    assert shown_count(at) == len(expected) < attacks
    at.text_input(key="event_text").input("").run()
    at.multiselect(key="event_categories").unselect("attack").run()
    at.multiselect(key="event_sites").select("al-asad").run()
    assert shown_count(at) == sum(e.site_id == "al-asad" for e in dataset.events)


def test_events_page_only_the_shared_year(dataset: Dataset):
    at = open_page("2_Events.py", year="2020")
    at.button[0].click().run()
    assert at.slider(key="event_years").value == (2020, 2020)
    assert shown_count(at) == sum(e.date.startswith("2020") for e in dataset.events)


@pytest.mark.parametrize(
    "wanted",
    [
        EventFilter(),
        EventFilter(2019, 2021),
        EventFilter(categories=frozenset({"handover"})),
        EventFilter(actor="iran"),
        EventFilter(sites=frozenset({"harir", "erbil-air-base"})),
    ],
)
def test_exports_hold_exactly_the_filtered_rows_and_parse_back(dataset: Dataset, wanted):
    chosen = filter_events(dataset.events, wanted)
    assert chosen
    back = list(csv.DictReader(io.StringIO(events_csv(chosen))))
    assert [r["id"] for r in back] == [e.id for e in chosen]
    raw, problems = features_from_text(events_geojson(chosen), "export.geojson", geometry_required=False)
    records, bad = to_records(Event, raw, "export.geojson")
    assert problems == bad == [] and records == chosen
    acled = list(csv.DictReader(io.StringIO(acled_csv(dataset, chosen))))
    assert [r["event_id_cnty"] for r in acled] == [e.id for e in chosen]


def test_acled_export_has_acled_columns_and_sensible_values(dataset: Dataset):
    assert ACLED_COLUMNS == ACLED_HEADER
    event = next(e for e in dataset.events if e.date == "2020-01-08")
    row = next(csv.DictReader(io.StringIO(acled_csv(dataset, [event]))))
    assert list(row) == ACLED_HEADER
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2020-01-08", "2020", "1")
    assert (row["country"], row["iso"], row["admin1"], row["location"]) == ("Iraq", "368", "Anbar", "Al-Asad Air Base")
    assert row["event_type"] == "Explosions/Remote violence" and row["fatalities"] == "0"
    nationwide = next(e for e in dataset.events if e.lon is None)
    row = next(csv.DictReader(io.StringIO(acled_csv(dataset, [nationwide]))))
    assert row["latitude"] == "" and row["geo_precision"] == "3" and row["location"] == "Iraq"


def test_sources_page_lists_every_source_and_filters(dataset: Dataset):
    at = open_page("3_Sources.py")
    assert not at.exception
    assert at.subheader[0].value.startswith(f"{len(dataset.sources)} sources from ")
    at.text_input(key="source_query").input("Rudaw").run()
    caption = next(c.value for c in at.caption if " of " in c.value and "sources" in c.value)
    rudaw = sum("rudaw" in (s.publisher + s.title).casefold() for s in dataset.sources)
    assert caption.startswith(f"{rudaw} of {len(dataset.sources)} sources")


def test_every_source_is_cited_by_some_record(dataset: Dataset):
    from presence.citations import citations

    cited = citations(dataset)
    assert set(cited) == {s.id for s in dataset.sources}
    assert all(
        c.kind in {"site", "event", "troop level", "base count", "yearly total", "city"}
        for cs in cited.values()
        for c in cs
    )


def test_data_zip_holds_every_data_file(dataset: Dataset):
    import zipfile

    from presence.citations import data_zip

    names = set(zipfile.ZipFile(io.BytesIO(data_zip(dataset.folder))).namelist())
    assert {"data/sites.geojson", "data/events.geojson", "data/sources.csv", "data/README.md"} <= names
    assert json.loads(zipfile.ZipFile(io.BytesIO(data_zip(dataset.folder))).read("data/metadata.json"))["as_of"]
