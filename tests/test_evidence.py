"""Evidence grades and source kinds: the rule, the overrides, and what the real data gets."""

from __future__ import annotations

import pytest

from presence.dataset import Dataset
from presence.evidence import (
    GRADES,
    derived,
    grade_counts,
    grade_rows,
    grade_sentence,
    graded_records,
    in_citable_order,
    of_figure,
    originator,
)
from presence.models import Source


def source(ident: str, kind: str, publisher: str, note: str | None = None) -> Source:
    return Source(
        id=ident,
        title="A title",
        publisher=publisher,
        published="2020-01-01",
        url="https://example.org/" + ident,
        accessed="2026-01-01",
        note=note,
        kind=kind,
    )


SOURCES = {
    s.id: s
    for s in [
        source("dod", "official", "U.S. Department of Defense"),
        source("ap-a", "wire", "Associated Press (via The Independent)"),
        source("ap-b", "wire", "ABC News", note="AP report carried by ABC News."),
        source("reuters", "wire", "Reuters"),
        source("nyt", "outlet", "The New York Times"),
        source("nyt-2", "outlet", "The New York Times (International edition)"),
        source("wiki", "reference", "Wikipedia"),
        source("blog", "other", "A blog"),
    ]
}


@pytest.mark.parametrize(
    ("cited", "grade"),
    [
        (["dod"], "confirmed"),
        (["wiki", "dod"], "confirmed"),
        (["ap-a", "reuters"], "confirmed"),
        (["nyt", "reuters"], "confirmed"),
        (["ap-a", "ap-b"], "fair"),  # one AP story on two sites is one report
        (["nyt", "nyt-2"], "fair"),  # two editions of one paper
        (["nyt", "wiki", "blog"], "fair"),
        (["wiki"], "weak"),
        (["wiki", "blog"], "weak"),
        ([], "weak"),
    ],
)
def test_grade_follows_the_kinds_of_the_sources(cited, grade):
    assert derived(cited, SOURCES).grade == grade


@pytest.mark.parametrize(
    ("ident", "expected"),
    [("ap-a", "ap"), ("ap-b", "ap"), ("reuters", "reuters"), ("nyt-2", "the new york times")],
)
def test_a_wire_story_is_its_agency_wherever_it_ran(ident, expected):
    assert originator(SOURCES[ident]) == expected


def test_sources_are_listed_citable_first():
    assert in_citable_order(["blog", "wiki", "nyt", "reuters", "dod"], SOURCES) == [
        "dod",
        "reuters",
        "nyt",
        "wiki",
        "blog",
    ]


@pytest.mark.parametrize(
    ("kind", "record", "grade"),
    [
        # An official Army story, several outlets, reference pages only: graded by the rule.
        ("handover", "fob-rustamiyah handovers[0]", "confirmed"),
        ("presence period", "baghdad-airport presence[0]", "confirmed"),
        ("event", "2004-11-07-second-battle-of-fallujah", "weak"),
        # Set by hand, with a reason: the sources disagree on the day, or back only part of a period.
        ("handover", "cob-delta handovers[0]", "contested"),
        ("presence period", "fob-rustamiyah presence[0]", "weak"),
        ("event", "2003-04-02-black-hawk-crash-near-karbala", "contested"),
        # Figures whose sources give a range.
        ("troop figure", "2003 2003-05-01", "contested"),
        ("published count", "2004 us_deaths, iraq, by ", "contested"),
    ],
)
def test_real_records_get_their_grade(dataset: Dataset, kind, record, grade):
    found = [e for k, r, e in graded_records(dataset) if k == kind and r.startswith(record)]
    assert len(found) == 1, found
    assert found[0].grade == grade and found[0].reason


def test_every_record_is_graded_once(dataset: Dataset):
    graded = graded_records(dataset)
    expected = (
        sum(len(s.presence) + len(s.handovers) for s in dataset.sites)
        + len(dataset.events)
        + len(dataset.troop_levels)
        + sum(t.counted for t in dataset.yearly_totals)
    )
    assert len(graded) == expected
    assert len({(k, r) for k, r, _ in graded}) == expected
    assert {e.grade for _, _, e in graded} == set(GRADES)


def test_grade_counts_add_up_and_read_in_order(dataset: Dataset):
    graded = graded_records(dataset)
    counts = grade_counts(graded)
    sentence = grade_sentence(counts)
    assert [part.split(" ")[1] for part in sentence.split(", ")] == list(GRADES)
    assert sum(int(part.split(" ")[0].replace(",", "")) for part in sentence.split(", ")) == len(graded)
    rows = grade_rows(graded)
    assert sum(r["total"] for r in rows) == len(graded)
    assert all(r["total"] == sum(r[g] for g in GRADES) for r in rows)


def test_a_range_is_contested_and_a_single_figure_graded_by_its_sources(dataset: Dataset):
    for level in dataset.troop_levels:
        spread = level.troops_low is not None and level.troops_high not in (None, level.troops_low)
        assert (of_figure(level, dataset.sources_by_id).grade == "contested") == spread


def test_few_records_rest_only_on_reference_or_other_sources(dataset: Dataset):
    """The share a reader can only check on encyclopedias or blogs; it may only go down."""
    graded = graded_records(dataset)
    weak = [r for _, r, e in graded if e.grade == "weak"]
    assert len(weak) / len(graded) < 0.05, weak
