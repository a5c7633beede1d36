"""The timeline, events and sources pages: they run, share the year, filter, and export exactly what is shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presence.acled import ACLED_COLUMNS
from presence.dataset import Dataset
from presence.explorer import EventFilter, filter_events
from presence.exports import acled_csv, events_csv, events_geojson
from presence.geojson import features_from_text
from presence.models import Event
from presence.reading import to_records
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


def open_link(page: str, **params: str) -> AppTest:
    """Arrive on a page by a link that carries its own query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(str(ROOT / "pages" / page))
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


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


@pytest.mark.parametrize("spelling", ["Kataib", "Kata'ib", "Kata’ib", "KATAIB", "kataʼib"])
@pytest.mark.parametrize("field", ["actor", "text"])
def test_search_ignores_case_apostrophes_and_accents(dataset: Dataset, spelling, field):
    plain = filter_events(dataset.events, EventFilter(**{field: "Kataib Hezbollah"}))
    assert plain
    assert filter_events(dataset.events, EventFilter(**{field: spelling + " Hezbollah"})) == plain


def test_search_ignores_diacritics(dataset: Dataset):
    assert filter_events(dataset.events, EventFilter(text="Sadr")) == filter_events(
        dataset.events, EventFilter(text="Ṣadr")
    )


@pytest.mark.parametrize(
    "wanted",
    [
        EventFilter(2003, 2026),
        EventFilter(2019, 2020, frozenset({"attack", "strike"}), frozenset({"al-asad"}), "Kata'ib", "rocket"),
        EventFilter(2003, 2026, grades=frozenset({"weak", "contested"})),
        EventFilter(2011, 2011, text="handed over"),
    ],
)
def test_a_filter_survives_its_link(dataset: Dataset, wanted):
    from presence.explorer import filter_from_params, filter_params

    params = filter_params(wanted, dataset.years)
    back, ignored = filter_from_params(params, dataset.years, [s.id for s in dataset.sites])
    assert (back, ignored) == (wanted, [])


def test_a_hand_edited_filter_link_is_used_where_it_makes_sense(dataset: Dataset):
    from presence.explorer import filter_from_params

    params = {"from": "1999", "to": "2008", "category": "attack,picnic", "grade": "solid", "sites": "al-asad,mars"}
    wanted, ignored = filter_from_params(params, dataset.years, [s.id for s in dataset.sites])
    assert (wanted.first_year, wanted.last_year) == (dataset.years.start, 2008)
    assert (wanted.categories, wanted.sites, wanted.grades) == ({"attack"}, {"al-asad"}, frozenset())
    assert len(ignored) == 4 and "'picnic'" in ignored[1]


def test_events_page_opens_from_a_link_and_keeps_its_filters_in_the_url(dataset: Dataset):
    at = open_link(
        "2_Events.py", year="2020", **{"from": "2019", "to": "2020", "actor": "Kata’ib", "grade": "confirmed"}
    )
    assert not at.exception
    assert at.slider(key="event_years").value == (2019, 2020)
    assert (at.text_input(key="event_actor").value, at.multiselect(key="event_grades").value) == (
        "Kata’ib",
        ["confirmed"],
    )
    expected = filter_events(
        dataset.events,
        EventFilter(2019, 2020, actor="Kataib", grades=frozenset({"confirmed"})),
        dataset.sources_by_id,
    )
    assert 0 < shown_count(at) == len(expected)
    at.multiselect(key="event_categories").select("attack").run()
    assert at.query_params["category"] == ["attack"] or at.query_params["category"] == "attack"
    assert shown_count(at) == sum(e.category == "attack" for e in expected)


def test_open_on_the_map_selects_the_event_in_its_year(dataset: Dataset):
    from presence.view import event_link, view_from_params

    event = dataset.events_by_id["2019-12-31-us-embassy-baghdad-stormed"]
    view, ignored = view_from_params(event_link(event.id, event.date), dataset)
    assert (view.year, view.event, view.site, ignored) == (2019, event.id, None, [])
    # A reader's own event, in the tab that holds it.
    view, ignored = view_from_params(event_link("mine-1", "2021-05-02"), dataset, {"mine-1"})
    assert (view.year, view.event, ignored) == (2021, "mine-1", [])
    assert view_from_params(event_link("mine-1", "2021-05-02"), dataset)[1] == ["event 'mine-1' is not in the data"]


def test_sources_page_filters_by_kind_and_counts_the_grades(dataset: Dataset):
    from presence.evidence import grade_counts, grade_sentence, graded_records

    at = open_page("3_Sources.py")
    assert not at.exception
    graded = graded_records(dataset)
    assert any(grade_sentence(grade_counts(graded)) in m.value for m in at.markdown)
    at.multiselect(key="source_kinds").select("official").run()
    caption = next(c.value for c in at.caption if " of " in c.value and "sources" in c.value)
    official = sum(s.kind == "official" for s in dataset.sources)
    assert caption.startswith(f"{official} of {len(dataset.sources)} sources")
    at.text_input(key="source_query").input("army").run()
    caption = next(c.value for c in at.caption if " of " in c.value and "sources" in c.value)
    both = sum(s.kind == "official" and "army" in (s.publisher + " " + s.title).casefold() for s in dataset.sources)
    assert 0 < both < official and caption.startswith(f"{both} of ")
