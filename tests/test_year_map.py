"""The data the map carries for every year: it must say what site_status says, for every site and year."""

from __future__ import annotations

import json
from html import escape

import pytest

from presence.dataset import BUNDLED_DATA, Dataset, load_dataset
from presence.year_map import map_data, map_literal, status_in, status_runs, to_script_literal
from presence.years import site_status

DATA = load_dataset(BUNDLED_DATA)


@pytest.mark.parametrize("site", DATA.sites, ids=lambda s: s.id)
def test_runs_agree_with_site_status_in_every_year(site):
    runs = status_runs(site, DATA.years)
    for year in DATA.years:
        expected = site_status(site, year)
        assert status_in(runs, year) == (expected.status.value, escape(expected.describe())), year


@pytest.mark.parametrize(
    ("site", "year", "status"),
    [
        ("al-asad", 2003, "arrived"),
        ("al-asad", 2010, "present"),  # combat mission to August, New Dawn from September: one stay
        ("al-asad", 2012, "absent"),
        ("al-asad", 2026, "left"),
        ("harir", 2026, "present"),
        ("victory-base-complex", 2011, "left"),
    ],
)
def test_runs_on_real_sites(site, year, status):
    assert status_in(status_runs(DATA.sites_by_id[site], DATA.years), year)[0] == status


def test_runs_are_compact(dataset: Dataset):
    # A run starts only where the status or its wording changes: far fewer than one entry per year.
    runs = [status_runs(s, dataset.years) for s in dataset.sites]
    assert sum(len(r) for r in runs) < len(dataset.sites) * len(dataset.years) / 2


def test_every_placed_event_is_carried_once_with_its_year(dataset: Dataset):
    data = map_data(
        dataset.sites,
        dataset.events,
        (),
        dataset.sites_by_id,
        dataset.sources_by_id,
        dataset.years,
        bounds=dataset.boundaries.iraq.bounds,
    )
    placed = [e for e in dataset.events if e.lon is not None]
    assert [e["id"] for e in data["events"]] == [e.id for e in placed]
    assert all(e["year"] == int(x.date[:4]) for e, x in zip(data["events"], placed, strict=True))


def test_events_sharing_a_point_in_a_year_are_fanned_out(dataset: Dataset):
    data = map_data(
        dataset.sites,
        dataset.events,
        (),
        dataset.sites_by_id,
        dataset.sources_by_id,
        dataset.years,
        bounds=dataset.boundaries.iraq.bounds,
    )
    at_asad = [e for e in data["events"] if (e["lon"], e["lat"]) == (42.4411, 33.7856)]
    for year in {e["year"] for e in at_asad}:
        same_year = [e for e in at_asad if e["year"] == year]
        assert len({tuple(e["offset"]) for e in same_year}) == len(same_year)


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "site_id __proto__ a_b"])
def test_the_script_literal_is_safe_in_html_and_reads_back(text):
    literal = to_script_literal({"t": text})
    assert "<" not in literal and "_" not in literal
    assert json.loads(literal) == {"t": text}


def test_the_literal_holds_every_site(dataset: Dataset):
    data = json.loads(map_literal(dataset))
    assert [s["id"] for s in data["sites"]] == [s.id for s in dataset.sites]
    assert data["years"] == [dataset.years.start, dataset.years.stop - 1]
