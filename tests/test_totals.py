"""The published yearly counts (deaths, wounded, attacks), the dataset's latest fact, and last confirmations."""

from __future__ import annotations

import json

import pytest
from conftest import edit_rows

from presence.dataset import Dataset, check_folder
from presence.models import YearlyTotal
from presence.totals import format_value, official_summary, period, year_total
from presence.years import last_confirmed


def total(low, high, start=None, end=None, scope="iraq") -> YearlyTotal:
    return YearlyTotal(
        year=2007,
        measure="attacks",
        low=low,
        high=high,
        period_start=start,
        period_end=end,
        scope=scope,
        counted_by="x",
        source_ids=["s"],
    )


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(904, 904, "904"), (899, 906, "899 to 906"), (4000, None, "more than 4,000"), (None, 50, "up to 50")],
)
def test_a_count_reads_as_published(low, high, text):
    assert format_value(total(low, high)) == text


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (None, None, "the year 2007"),
        ("2007-08", "2007-08", "August 2007"),
        ("2023-10-17", "2024-02-04", "17 October 2023 to 4 February 2024"),
    ],
)
def test_a_count_says_its_period(start, end, text):
    assert period(total(1, 1, start, end)) == text


@pytest.mark.parametrize(
    ("year", "deaths"),
    [(2003, "486"), (2007, "899 to 906"), (2013, None), (2024, None)],  # 2024: only partial, Iraq-and-Syria counts
)
def test_the_headline_is_a_whole_year_in_iraq(dataset: Dataset, year, deaths):
    found = year_total(dataset.yearly_totals, year, "us_deaths")
    assert (format_value(found) if found else None) == deaths


def test_partial_and_wider_counts_say_so(dataset: Dataset):
    text = official_summary(dataset.yearly_totals, 2024)
    assert "17 October 2023 to 4 February 2024, in Iraq and Syria together" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda rows: [r for r in rows if not (r["year"] == "2007" and r["measure"] == "attacks")],
            "2007 attacks: year has no row (one per year and measure)",
        ),
        (
            lambda rows: [
                dict(r, source_ids="") if r["year"] == "2007" and r["measure"] == "us_deaths" else r for r in rows
            ],
            "2007 us_deaths: source_ids is empty; a count needs a source",
        ),
        (
            lambda rows: [
                dict(r, low="", high="", notes="") if r["year"] == "2007" and r["measure"] == "us_deaths" else r
                for r in rows
            ],
            "2007 us_deaths: notes is empty; a year without a count says so here",
        ),
        (
            lambda rows: [dict(r, period_end="") if r["period_start"] else r for r in rows],
            "period_start and period_end go together",
        ),
    ],
)
def test_bad_yearly_totals_are_named(data_copy, change, message):
    edit_rows(data_copy, "yearly_totals.csv", change)
    problems = [str(p) for p in check_folder(data_copy)[1]]
    assert any(message in p for p in problems), problems


def test_the_latest_fact_must_be_the_latest_date_in_the_data(data_copy):
    path = data_copy / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["latest_fact"] = "2026-01-01"
    path.write_text(json.dumps(meta), encoding="utf-8")
    problems = [str(p) for p in check_folder(data_copy)[1]]
    assert any(
        "latest_fact 2026-01-01 is not the date of the latest dated fact in the data (2026-04" in p for p in problems
    )


@pytest.mark.parametrize(("site", "confirmed"), [("harir", "2026-03-10"), ("erbil-air-base", "2026-03-01")])
def test_an_open_presence_says_when_it_was_last_confirmed(dataset: Dataset, site, confirmed):
    period = dataset.sites_by_id[site].presence[-1]
    assert period.end is None and last_confirmed(period, dataset.sources_by_id) == confirmed
