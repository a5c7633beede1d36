"""How much of the footprint the map shows: the published counts of US bases and the sentence on the page."""

from __future__ import annotations

import pytest

from presence.dataset import Dataset
from presence.footprint import coverage, format_count, peak_count
from presence.models import BaseCount


def count(year: int, low: int | None, high: int | None, what: str = "US bases") -> BaseCount:
    return BaseCount(year=year, bases_low=low, bases_high=high, as_of=str(year), what=what, source_ids=["s"])


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(505, 505, "505"), (283, 357, "283 to 357"), (100, None, "more than 100"), (None, 14, "up to 14")],
)
def test_a_count_reads_as_the_source_gives_it(low, high, text):
    assert format_count(count(2008, low, high)) == text


def test_the_peak_of_a_year_is_its_largest_count():
    rows = [count(2011, 20, 20), count(2011, 5, 5), count(2011, 57, 57), count(2010, 92, 92)]
    assert peak_count(rows, 2011).bases_high == 57
    assert peak_count(rows, 2012) is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2008, "Published count for 2008: 505 US bases and military sites at the peak of the US presence"),
        (2011, "Published count for 2011: 20 US bases remaining to be evacuated"),
        (2015, "No count of US bases in Iraq was published for 2015."),
        (2020, "Published count for 16 March 2020: 8 US bases in Iraq"),
    ],
)
def test_the_page_says_how_much_of_the_footprint_it_shows(dataset: Dataset, year, expected):
    text = coverage(dataset.footprint, year, 12, dataset.sources_by_id)
    assert text.startswith(f"The map shows 12 sites that hosted US forces in {year}")
    assert expected in text


def test_every_year_has_a_count_or_says_it_has_none(dataset: Dataset):
    for year in dataset.years:
        rows = [c for c in dataset.footprint if c.year == year]
        assert rows and all(c.counted or c.notes for c in rows), year
