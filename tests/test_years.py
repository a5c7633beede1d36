"""Year semantics: a site's status in a year, the events of a year, the troop level of a year."""

from __future__ import annotations

import pytest

from presence.models import Presence, Site, TroopLevel
from presence.years import Status, format_troops, site_status, troop_level


def make_site(*periods: tuple[str, str | None]) -> Site:
    return Site(
        id="test-site",
        name="Test",
        kind="air_base",
        governorate="Anbar",
        region="federal",
        location_precision="airfield",
        location_source_ids=["s"],
        summary="A test site.",
        source_ids=["s"],
        lon=42.44,
        lat=33.79,
        presence=[Presence(start=s, end=e, force="us_combat", source_ids=["s"]) for s, e in periods],
    )


@pytest.mark.parametrize(
    ("periods", "year", "status", "when"),
    [
        ([("2003-04", "2011-12")], 2003, Status.ARRIVED, "2003-04"),
        ([("2003-04", "2011-12")], 2007, Status.PRESENT, None),
        ([("2003-04", "2011-12")], 2011, Status.LEFT, "2011-12"),
        ([("2003-04", "2011-12")], 2012, Status.ABSENT, None),
        ([("2003-04", "2011-12")], 2002, Status.ABSENT, None),
        ([("2014-11", None)], 2026, Status.PRESENT, None),  # open period: still there at the as-of date
        ([("2014-11", None)], 2014, Status.ARRIVED, "2014-11"),
        ([("2016-06", "2016-09")], 2016, Status.LEFT, "2016-09"),  # came and went in one year
        ([("2003", "2011-12-07"), ("2014-11", "2026-01")], 2013, Status.ABSENT, None),
        ([("2003", "2011-12-07"), ("2014-11", "2026-01")], 2014, Status.ARRIVED, "2014-11"),
        ([("2003", "2011-12-07"), ("2014-11", "2026-01")], 2026, Status.LEFT, "2026-01"),
        # one mission hands over to another in the same month: present, not left
        ([("2003-04", "2010-08"), ("2010-08", "2011-12")], 2010, Status.PRESENT, None),
        # ... or the next month (combat mission to August 2010, New Dawn from September): still present
        ([("2003-04", "2010-08"), ("2010-09", "2011-12")], 2010, Status.PRESENT, None),
        ([("2003-04", "2010-08-31"), ("2010-09-01", "2011-12")], 2010, Status.PRESENT, None),
        # a month with no US forces between two periods: they left and came back
        ([("2003-04", "2010-07"), ("2010-09", "2011-12")], 2010, Status.ARRIVED, "2010-09"),
        # left and came back within the year: there at its end, so 'arrived'
        ([("2003-04", "2009-03"), ("2009-10", None)], 2009, Status.ARRIVED, "2009-10"),
    ],
)
def test_site_status_rules(periods, year, status, when):
    result = site_status(make_site(*periods), year)
    assert (result.status, result.when) == (status, when)


def test_status_description_names_the_month_and_force():
    text = site_status(make_site(("2003-04", "2011-12")), 2011).describe()
    assert text == "US forces left in December 2011 (US combat forces)"


def test_status_description_names_the_day_when_known():
    text = site_status(make_site(("2003-04", "2011-12-07")), 2011).describe()
    assert text == "US forces left on 7 December 2011 (US combat forces)"


def level(year, low, high, as_of=None):
    return TroopLevel(
        year=year, troops_low=low, troops_high=high, figure_kind="point_in_time", as_of=as_of, source_ids=["s"]
    )


@pytest.mark.parametrize(
    ("rows", "year", "expected"),
    [
        ([level(2007, 168000, 170000, "2007-10")], 2007, "168,000 to 170,000"),
        ([level(2010, 49700, 49700)], 2010, "about 49,700"),
        ([level(2013, None, None)], 2013, "unknown"),
        ([level(2011, 40000, 41000, "2011-10-21"), level(2011, 147, 160, "2011-12-18")], 2011, "147 to 160"),
        ([level(2010, 49700, 49700)], 2012, "unknown"),
    ],
)
def test_troop_level_of_a_year_is_its_latest_figure(rows, year, expected):
    assert format_troops(troop_level(rows, year)) == expected
