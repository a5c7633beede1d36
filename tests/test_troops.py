"""The troop figure a reader sees for a year: the range of that year's readings, each with its date."""

from __future__ import annotations

import pytest

from presence.charts import LOG_TICKS, troop_chart
from presence.dataset import Dataset
from presence.timeline import milestones, troop_series
from presence.troops import format_range, readings_line, troop_range


@pytest.mark.parametrize(
    ("year", "headline", "readings"),
    [
        # The invasion year: the spring peak, not only the autumn figure.
        (2003, "130,000 to 148,000", "1 May: 146,000 to 148,000 · 6 Nov: 130,000 to 132,000"),
        # The withdrawal year: tens of thousands in October, under two hundred in December.
        (2011, "147 to 41,000", "21 Oct: 40,000 to 41,000 · 18 Dec: 147 to 160"),
        (2013, "unknown", "no figure in the data for this year"),
        # A ceiling is named as one, not passed off as a count.
        (2014, "500 to 3,100", "26 Jun: 500 to 560 · 7 Nov: ceiling 3,100"),
        (2016, "5,262 to 6,812", "28 Sep: ceiling 5,262 · Dec: about 6,812"),
        (2008, "about 146,000", "9 Sep: about 146,000"),
        # A reading dated in the next year says its year.
        (2019, "5,000 to 5,200", "5 Jan 2020: 5,000 to 5,200"),
        (2026, "at most 2,500", "18 Jan: at most 2,500"),
    ],
)
def test_a_years_troop_figure_is_its_range_of_readings(dataset: Dataset, year, headline, readings):
    span = troop_range(dataset.troop_levels, year)
    assert format_range(span) == headline
    assert readings_line(span) == readings


def test_every_year_has_a_range_no_wider_than_its_readings(dataset: Dataset):
    for year in dataset.years:
        span = troop_range(dataset.troop_levels, year)
        dates = [r.as_of or "" for r in span.readings]
        assert dates == sorted(dates), year  # in date order, so the line reads left to right
        if span.known:
            assert span.low <= span.high
            assert span.low == min(r.troops_low or r.troops_high for r in span.known)
            assert span.high == max(r.troops_high for r in span.known)


def test_the_troop_line_breaks_at_years_without_a_figure(dataset: Dataset):
    series = troop_series(dataset)
    assert list(series["date"]) == sorted(series["date"])
    unknown = series[series["high"].isna()]
    assert 2013 in set(unknown["year"]) and unknown["segment"].isna().all()
    before = series[(series["year"] == 2012) & series["high"].notna()]["segment"].unique()
    after = series[(series["year"] == 2014) & series["high"].notna()]["segment"].unique()
    assert len(before) == len(after) == 1 and before[0] != after[0]  # 2012 and 2014 are not joined


@pytest.mark.parametrize("log", [False, True])
def test_the_troop_chart_shades_and_names_the_unknown_years(dataset: Dataset, log: bool):
    spec = troop_chart(troop_series(dataset), milestones(dataset), 2011, log=log).to_dict()
    datasets = spec["datasets"].values()
    gaps = [rows for rows in datasets if rows and "start" in rows[0] and "top" in rows[0]]
    assert gaps and [g["start"][:4] for g in gaps[0]] == ["2013"]
    assert any(layer.get("encoding", {}).get("text", {}).get("value") == "no figure" for layer in spec["layer"])
    axes = [layer["encoding"]["y"] for layer in spec["layer"] if layer.get("mark", {}).get("type") == "area"]
    if log:
        assert axes[0]["scale"]["type"] == "log" and axes[0]["axis"]["values"] == LOG_TICKS
        assert len(LOG_TICKS) >= 5  # more than the two ticks Vega picks by itself on this domain
    else:
        assert axes[0]["scale"]["type"] == "linear"
