"""Which records cite which source, and the whole data folder as a zip."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from presence.dataset import Dataset
from presence.explorer import searchable


@dataclass(frozen=True)
class Citation:
    """One record citing one source, in one field."""

    source_id: str
    kind: str  # site, event, troop level, base count, yearly total or city
    record: str
    field: str


def citations(dataset: Dataset) -> dict[str, list[Citation]]:
    """For every source id, the records that cite it (and in which field)."""
    found: dict[str, list[Citation]] = defaultdict(list)

    def cite(ids, kind, record, field):
        for ident in ids:
            found[ident].append(Citation(ident, kind, record, field))

    for site in dataset.sites:
        cite(site.source_ids, "site", site.id, "source_ids")
        cite(site.location_source_ids, "site", site.id, "location_source_ids")
        for i, period in enumerate(site.presence):
            cite(period.source_ids, "site", site.id, f"presence[{i}]")
        for i, handover in enumerate(site.handovers):
            cite(handover.source_ids, "site", site.id, f"handovers[{i}]")
    for event in dataset.events:
        cite(event.source_ids, "event", event.id, "source_ids")
        cite(event.location_source_ids, "event", event.id, "location_source_ids")
    for level in dataset.troop_levels:
        cite(level.source_ids, "troop level", str(level.year), "source_ids")
    for row in dataset.footprint:
        cite(row.source_ids, "base count", str(row.year), "source_ids")
    for total in dataset.yearly_totals:
        cite(total.source_ids, "yearly total", f"{total.year} {total.measure}", "source_ids")
    for city in dataset.cities:
        cite(city.source_ids, "city", city.name, "source_ids")
    return dict(found)


def sources_table(dataset: Dataset) -> pd.DataFrame:
    """Every source with its kind and how many records cite it, ordered by publisher then date."""
    cited = citations(dataset)
    rows = [
        {
            "publisher": s.publisher,
            "published": s.published,
            "title": s.title,
            "kind": s.kind,
            "url": s.url,
            "cited by": len({(c.kind, c.record) for c in cited.get(s.id, [])}),
            "records": ", ".join(dict.fromkeys(f"{c.kind} {c.record}" for c in cited.get(s.id, []))),
            "note": s.note or "",
            "id": s.id,
        }
        for s in dataset.sources
    ]
    return pd.DataFrame(rows).sort_values(["publisher", "published", "title"], key=lambda c: c.str.casefold())


def data_zip(folder: Path) -> bytes:
    """Every file of a data folder, zipped, for download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, f"data/{path.name}")
    return buffer.getvalue()


def sources_matching(table: pd.DataFrame, query: str, kinds: Iterable[str] = ()) -> pd.DataFrame:
    """The rows of sources_table whose publisher or title holds `query` (as the events search compares text:
    no case, diacritics or apostrophes) and whose kind is one of `kinds` (any when empty)."""
    shown = table
    wanted = set(kinds)
    if wanted:
        shown = shown[shown["kind"].isin(wanted)]
    needle = searchable(query)
    if needle:
        text = (shown["publisher"] + " " + shown["title"]).map(searchable)
        shown = shown[text.str.contains(needle, regex=False)]
    return shown
