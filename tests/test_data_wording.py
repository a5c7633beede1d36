"""Text in the data speaks of events and sources, never of how the data was gathered."""

from __future__ import annotations

import re

import pytest

from presence.dataset import Dataset

# Wording about gathering the data, not about the facts: searches, tools, stored copies, what "was not found".
COMPILING = re.compile(
    r"\bsearch(es|ed|ing)?\b|\btools?\b|stored cop(y|ies)|snippets?|excerpts?|not returned|"
    r"sources? (read|consulted|checked|seen)\b|"
    r"\b(was|were|could not be|couldn't be|not|never) (found|located|retrieved)\b|"
    r"\bfound no\b|\bno (source|report)s? (was |were )?(found|located)|\bI (could|found|used|did|chose)\b|"
    r"\bwe (found|used|could)\b|unreadable|could not (be )?(read|confirm|verify|find|locate|pin)",
    re.IGNORECASE,
)


def texts(dataset: Dataset):
    """(where, text) of every free-text field but quoted headlines (a source's title is quoted as published)."""
    for site in dataset.sites:
        yield f"sites.geojson: {site.id}: summary", site.summary
        yield f"sites.geojson: {site.id}: notes", site.notes
        for i, period in enumerate(site.presence):
            yield f"sites.geojson: {site.id}: presence[{i}].note", period.note
        for i, handover in enumerate(site.handovers):
            yield f"sites.geojson: {site.id}: handovers[{i}].note", handover.note
    for event in dataset.events:
        for field in ("title", "summary", "notes", "other_casualties", "actor", "actor_attributed_by"):
            yield f"events.geojson: {event.id}: {field}", getattr(event, field)
    for source in dataset.sources:
        yield f"sources.csv: {source.id}: publisher", source.publisher
        yield f"sources.csv: {source.id}: note", source.note
    for level in dataset.troop_levels:
        yield f"troop_levels.csv: {level.year}: notes", level.notes
    for total in dataset.yearly_totals:
        yield f"yearly_totals.csv: {total.year} {total.measure}: notes", total.notes
        yield f"yearly_totals.csv: {total.year} {total.measure}: counted_by", total.counted_by
    for count in dataset.footprint:
        yield f"footprint.csv: {count.year}: notes", count.notes
        yield f"footprint.csv: {count.year}: what", count.what


def test_no_text_speaks_of_how_the_data_was_gathered(dataset: Dataset):
    found = [
        f"{where}: {COMPILING.search(text).group(0)!r}"
        for where, text in texts(dataset)
        if text and COMPILING.search(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "the original cnn.com URL was not returned by the search tool",
        "headline not shown in stored copy",
        "Exact date not found.",
        "number not given in the sources read",
    ],
)
def test_the_rule_catches_the_known_compiling_notes(text):
    assert COMPILING.search(text)
