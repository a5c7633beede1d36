"""The map page's logic through streamlit.testing: slider, links, figures, details, bad data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presence.dataset import Dataset
from presence.details import presence_markdown, site_events_markdown
from presence.troops import format_range, readings_line, troop_range
from presence.years import year_figures

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def details_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_opens_on_the_latest_year_with_nothing_selected(dataset: Dataset):
    at = run_app()
    assert not at.exception
    assert at.slider(key="year").value == dataset.metadata.as_of.year
    assert at.query_params["year"] == str(dataset.metadata.as_of.year)
    assert "Click a base or an event" in "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("year", [2003, 2007, 2011, 2013, 2020, 2026])
def test_figures_match_the_data(dataset: Dataset, year):
    at = run_app(year=str(year))
    expected = year_figures(dataset.sites, dataset.events, dataset.troop_levels, year)
    shown = metrics(at)
    readings = troop_range(dataset.troop_levels, year)
    assert shown["US troops in Iraq"] == format_range(readings)
    troops = next(m for m in at.metric if m.label == "US troops in Iraq")
    assert troops.delta == readings_line(readings)  # every reading of the year, with its date
    assert shown["Sites with US forces"] == (f"{expected.sites_federal} federal · {expected.sites_kurdistan} Kurdistan")
    assert shown["Attacks on the map"] == f"{expected.attacks} selected"  # a selection, never a total


@pytest.mark.parametrize(
    ("year", "deaths", "summary"),
    [
        (2007, "899 to 906", "Published counts for 2007: US military deaths 899 to 906 (hostile 768"),
        (2013, "no yearly count", "No official count of US deaths, wounded or attacks in Iraq was published for 2013"),
    ],
)
def test_the_deaths_figure_is_the_official_count(dataset: Dataset, year, deaths, summary):
    at = run_app(year=str(year))
    assert metrics(at)["US military deaths"] == deaths
    assert summary in next(m for m in at.metric if m.label == "US military deaths").proto.help


def test_no_figure_presents_the_events_on_the_map_as_a_total():
    at = run_app(year="2007")
    labels = [m.label for m in at.metric]
    assert not any("recorded" in label for label in labels)
    assert all(m.value.endswith("selected") for m in at.metric if "on the map" in m.label and "Attacks" in m.label)


def test_moving_the_slider_changes_the_year_and_the_url():
    at = run_app(year="2020")
    at.slider(key="year").set_value(2004).run()
    assert at.query_params["year"] == "2004"
    assert metrics(at)["US troops in Iraq"] == "about 138,000"


def test_a_link_selects_its_site_and_fills_the_details(dataset: Dataset):
    at = run_app(year="2011", site="al-asad")
    assert at.slider(key="year").value == 2011
    text = details_text(at)
    assert "### Al\\-Asad Air Base" in text
    assert at.query_params["site"] == "al-asad"
    site = dataset.sites_by_id["al-asad"]
    assert presence_markdown(site, dataset.sources_by_id) in text  # every period and handover, graded
    assert site_events_markdown(dataset, site) in text
    assert text.count("· *confirmed*") + text.count("· *fair*") >= len(site.presence) + len(site.handovers)


def test_a_link_to_an_event_shows_its_story(dataset: Dataset):
    event = next(e for e in dataset.events if e.date == "2020-01-08")
    at = run_app(year="2020", event=event.id)
    assert "**Casualties:** 0 US killed, 110 US injured" in details_text(at)
    # Its site is one click away.
    at.button(key="event_site").click().run()
    assert "### Al\\-Asad Air Base" in details_text(at)
    assert (at.query_params["site"], at.query_params["year"]) == ("al-asad", "2020")


def test_choosing_a_site_in_the_list_selects_it():
    at = run_app(year="2026")
    at.selectbox[0].select("harir").run()
    assert "### Harir Air Base" in details_text(at)
    assert at.query_params["site"] == "harir"


@pytest.mark.parametrize(
    ("params", "warning"),
    [
        ({"year": "1990"}, "year '1990' is not between 2003 and 2026"),
        ({"year": "<script>"}, "year '<script>' is not between"),
        ({"site": "atlantis"}, "site 'atlantis' is not in the data"),
        ({"basemap": "google"}, "basemap 'google' is not one of"),
    ],
)
def test_a_bad_link_is_ignored_with_a_warning(dataset: Dataset, params, warning):
    at = run_app(**params)
    assert not at.exception
    assert any(warning in w.value.replace("\\", "") for w in at.warning)  # shown escaped, as plain text
    assert at.slider(key="year").value == dataset.metadata.as_of.year


def test_a_broken_data_folder_shows_its_problems_not_a_traceback(data_copy, monkeypatch):
    (data_copy / "sites.geojson").write_text("{broken", encoding="utf-8")
    monkeypatch.setenv("PRESENCE_DATA_DIR", str(data_copy))
    at = run_app()
    assert not at.exception
    assert "could not be loaded" in at.error[0].value
    assert "sites.geojson: is not valid JSON" in at.code[0].value
    assert not at.slider


def test_play_from_the_last_year_starts_again_at_the_first(dataset: Dataset):
    at = run_app(year=str(dataset.metadata.as_of.year))
    at.button[0].click().run()
    assert not at.exception
    assert at.slider(key="year").value == dataset.years.start
    assert at.session_state["playing"] is True
    assert at.button[0].label == "Pause"
    at.slider(key="year").set_value(2010).run()  # touching the slider stops playing
    assert at.session_state["playing"] is False


@pytest.mark.parametrize("year", [2008, 2015])
def test_the_page_says_how_many_of_the_years_bases_it_shows(dataset: Dataset, year):
    at = run_app(year=str(year))
    figures = year_figures(dataset.sites, dataset.events, dataset.troop_levels, year)
    shown = figures.sites_federal + figures.sites_kurdistan
    captions = "\n".join(c.value for c in at.caption)
    assert f"The map shows {shown} sites that hosted US forces in {year}" in captions
    assert ("No count of US bases in Iraq was published" in captions) == (year == 2015)


def test_the_site_list_is_grouped_and_searchable_by_other_names():
    at = run_app(year="2008")
    labels = at.selectbox[0].options
    assert any(label.startswith("Anbar · Al-Asad Air Base (") and "Camp Cupcake" in label for label in labels)
    kurdish = [i for i, label in enumerate(labels) if label.startswith("Kurdistan Region")]
    assert kurdish and kurdish == list(range(kurdish[0], len(labels)))  # the Kurdistan Region's sites come last
