"""The shipped dataset: its size, its year semantics on real records, and the facts of the seed reports."""

from __future__ import annotations

import pytest

from presence import dates
from presence.dataset import Dataset
from presence.years import Status, events_at, events_in, site_status, troop_level, year_figures


def test_dataset_meets_the_minimum_counts(dataset: Dataset):
    assert len(dataset.sites) >= 14
    assert len(dataset.events) >= 50
    assert {t.year for t in dataset.troop_levels} == set(dataset.years)
    assert dataset.years.start == 2003 and dataset.years.stop - 1 == dataset.metadata.as_of.year


def test_events_reach_past_the_january_2026_handover(dataset: Dataset):
    assert any(e.date > "2026-01-18" for e in dataset.events)
    assert {dates.year_of(e.date) for e in dataset.events} >= set(dataset.years) - {dataset.metadata.as_of.year}


@pytest.mark.parametrize(
    ("site", "year", "status"),
    [
        ("al-asad", 2003, Status.ARRIVED),
        ("al-asad", 2007, Status.PRESENT),
        ("al-asad", 2011, Status.LEFT),
        ("al-asad", 2013, Status.ABSENT),
        ("al-asad", 2014, Status.ARRIVED),
        ("al-asad", 2020, Status.PRESENT),
        ("al-asad", 2026, Status.LEFT),
        ("harir", 2026, Status.PRESENT),
        ("erbil-air-base", 2026, Status.PRESENT),
        ("joc-baghdad", 2026, Status.LEFT),
        ("victory-base-complex", 2011, Status.LEFT),
        ("victory-base-complex", 2020, Status.ABSENT),
        ("bucca", 2009, Status.LEFT),
        ("taji", 2020, Status.LEFT),
        ("qayyarah-west", 2016, Status.ARRIVED),
        ("kalsu", 2011, Status.LEFT),  # handed over 11 December 2011
        ("camp-fallujah", 2010, Status.ABSENT),  # handed over January 2009; US advisers back in 2011
        ("camp-fallujah", 2011, Status.LEFT),
        ("fob-falcon", 2008, Status.PRESENT),
        ("besmaya", 2020, Status.LEFT),  # coalition area handed over July 2020
        ("mosul-palace", 2020, Status.LEFT),
        ("camp-swift", 2016, Status.ARRIVED),
        ("abu-ghraib-prison", 2006, Status.LEFT),
        ("us-embassy-baghdad", 2020, Status.PRESENT),
        ("al-asad", 2010, Status.PRESENT),  # the combat mission handing over to New Dawn is one stay
    ],
)
def test_site_status_on_the_real_data(dataset: Dataset, site, year, status):
    assert site_status(dataset.sites_by_id[site], year).status is status


def test_al_asad_left_in_january_2026(dataset: Dataset):
    result = site_status(dataset.sites_by_id["al-asad"], 2026)
    assert result.when.startswith("2026-01")
    assert "January 2026" in result.describe()


@pytest.mark.parametrize(
    ("site", "region"),
    [("harir", "kurdistan"), ("erbil-air-base", "kurdistan"), ("al-asad", "federal"), ("baghdad-airport", "federal")],
)
def test_regions_agree_with_the_boundary(dataset: Dataset, site, region):
    s = dataset.sites_by_id[site]
    assert s.region == region == dataset.boundaries.region_of(s.lon, s.lat)


def test_after_january_2026_only_kurdistan_sites_host_us_forces(dataset: Dataset):
    hosting = [s for s in dataset.sites if site_status(s, 2026).status is Status.PRESENT]
    assert hosting and all(s.region == "kurdistan" for s in hosting)


def test_events_of_a_year(dataset: Dataset):
    of_2020 = events_in(dataset.events, 2020)
    assert of_2020 and all(e.date.startswith("2020") for e in of_2020)
    through = events_in(dataset.events, 2020, through=True)
    assert len(through) == sum(dates.year_of(e.date) <= 2020 for e in dataset.events) > len(of_2020)


# The seed reports: CNN, 18 January 2026, and a rewrite of it.
def test_seed_facts_are_in_the_data(dataset: Dataset):
    by_id = {e.id: e for e in dataset.events}
    federal = [e for e in dataset.events if e.date == "2026-01-18" and e.category == "withdrawal"]
    assert federal and "federal" in federal[0].title.lower()
    assert any(e.site_id == "joc-baghdad" and e.date.startswith("2026-01") for e in dataset.events)
    missile = [e for e in events_at(dataset.events, "al-asad") if e.date == "2020-01-08"]
    assert missile and missile[0].category == "attack" and "Iran" in (missile[0].actor or "")
    assert any(e.date == "2020-01-03" and "Soleimani" in e.title for e in dataset.events)
    august = [e for e in events_at(dataset.events, "al-asad") if e.date.startswith("2024-08")]
    assert (
        august
        and august[0].us_injured == 5
        and "two" in (august[0].other_casualties or "").lower() + august[0].summary.lower()
    )
    assert troop_level(dataset.troop_levels, 2007).troops_high == 170_000
    assert troop_level(dataset.troop_levels, 2022).troops_high == 2_500
    assert any(e.date.startswith("2014") and "5,000" in e.summary for e in dataset.events)
    assert any(e.date.startswith("2021-12") and "combat mission" in e.title.lower() for e in dataset.events)
    assert by_id  # the ids above were looked up in a non-empty dataset


def test_year_figures_count_sites_by_region(dataset: Dataset):
    figures = year_figures(dataset.sites, dataset.events, dataset.troop_levels, 2026)
    assert figures.sites_kurdistan == sum(
        s.region == "kurdistan" and site_status(s, 2026).hosted_us_forces for s in dataset.sites
    )
    assert figures.sites_kurdistan >= 2
    assert figures.attacks == sum(e.category == "attack" for e in events_in(dataset.events, 2026))


def test_pandas_views_hold_every_record(dataset: Dataset):
    events = dataset.events_frame()
    assert len(events) == len(dataset.events)
    assert (events["year"] == events["date"].str.slice(0, 4).astype(int)).all()
    assert len(dataset.sites_frame()) == len(dataset.sites)
    assert set(dataset.sites_frame()["region"]) == {"federal", "kurdistan"}
    assert len(dataset.troop_levels_frame()) == len(dataset.troop_levels)
    assert dataset.sources_frame()["id"].is_unique


@pytest.mark.parametrize(
    ("year", "federal_at_end", "kurdistan_at_end"),
    [(2011, 0, 0), (2012, 0, 0), (2013, 0, 0), (2026, 0, 2)],  # out of Iraq, then out of federal Iraq
)
def test_sites_with_us_forces_at_the_end_of_a_year(dataset: Dataset, year, federal_at_end, kurdistan_at_end):
    figures = year_figures(dataset.sites, dataset.events_of(year), dataset.troop_levels, year)
    assert (figures.sites_federal_at_end, figures.sites_kurdistan_at_end) == (federal_at_end, kurdistan_at_end)


def test_the_war_years_show_dozens_of_sites_and_the_map_says_how_many_it_leaves_out(dataset: Dataset):
    from presence.footprint import peak_count

    for year in (2004, 2007, 2008, 2010):
        figures = year_figures(dataset.sites, dataset.events_of(year), dataset.troop_levels, year)
        shown = figures.sites_federal + figures.sites_kurdistan
        assert shown >= 35, year
        peak = peak_count(dataset.footprint, year)
        assert peak is None or (peak.bases_high or peak.bases_low) >= shown, year


def test_every_site_lies_in_the_governorate_it_names(dataset: Dataset):
    # Natural Earth's lines are generalised: 20 km of tolerance (see data/README.md, Methodology).
    for site in dataset.sites:
        off = dataset.boundaries.km_outside(site.governorate, site.lon, site.lat)
        assert off is not None and off <= 20.0, (site.id, site.governorate, off)


def test_every_governorate_with_us_forces_has_a_site(dataset: Dataset):
    named = {s.governorate for s in dataset.sites}
    # Every governorate but the three where sources place no US base (Kurdistan Region's Dohuk and
    # Sulaymaniyah; see data/README.md).
    assert set(dataset.boundaries.governorates) - named <= {"Dohuk", "Sulaymaniyah"}
