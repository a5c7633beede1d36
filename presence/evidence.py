"""How strong the evidence for a record is: a grade derived from the kinds of its sources, as Airwars grades
incidents, and overridable in the data with a reason.

- confirmed: an official source (a government, military or international body), or two independent wire
  services or outlets (independent: different originators; an AP story on two papers' sites is one);
- fair: one wire service or outlet;
- weak: only reference pages (encyclopedias and their mirrors) or other sources (blogs, aggregators);
- contested: the sources disagree on the fact itself (for a figure: they give different numbers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from presence.models import Event, Source, TroopLevel, YearlyTotal

GRADES = ("confirmed", "fair", "weak", "contested")
GRADE_WORDS = {
    "confirmed": "Confirmed: an official source, or two independent wire services or outlets",
    "fair": "Fair: one wire service or outlet",
    "weak": "Weak: only reference pages or other sources",
    "contested": "Contested: the sources disagree",
}
KIND_WORDS = {
    "official": "official",
    "wire": "wire service",
    "outlet": "news outlet",
    "reference": "reference page",
    "other": "other (blog, aggregator)",
}
# The order sources are listed in: what a journalist can cite first.
KIND_ORDER = {kind: rank for rank, kind in enumerate(KIND_WORDS)}
_AGENCIES = re.compile(
    r"\b(AP|Associated Press|AFP|Agence France-Presse|Reuters|KUNA|Kuwait News Agency|NINA|Xinhua|dpa|Anadolu|EFE|"
    r"UPI|TASS|Europa Press|PTI)\b",
    re.IGNORECASE,
)
_AGENCY_NAMES = {"associated press": "ap", "agence france-presse": "afp", "kuwait news agency": "kuna"}


@dataclass(frozen=True)
class Evidence:
    """A record's grade, and why."""

    grade: str
    reason: str


def originator(source: Source) -> str:
    """Who a story comes from: the agency of a wire story wherever it was republished, else the publisher."""
    if source.kind == "wire":
        found = _AGENCIES.search(source.publisher) or _AGENCIES.search(source.note or "")
        if found:
            name = found.group(1).lower()
            return _AGENCY_NAMES.get(name, name)
    return source.publisher.split(" (")[0].strip().casefold()


def derived(source_ids: Iterable[str], sources: Mapping[str, Source]) -> Evidence:
    """The grade the sources give a record, with the reason in words."""
    cited = [sources[i] for i in dict.fromkeys(source_ids) if i in sources]
    kinds = Counter(s.kind for s in cited)
    if kinds["official"]:
        return Evidence("confirmed", f"{kinds['official']} official source(s)")
    press = {originator(s) for s in cited if s.kind in ("wire", "outlet")}
    if len(press) >= 2:
        return Evidence("confirmed", f"{len(press)} independent wire services or outlets")
    if press:
        return Evidence("fair", "one wire service or outlet")
    return Evidence("weak", "only reference pages or other sources")


def of_record(
    source_ids: Iterable[str], sources: Mapping[str, Source], grade: str | None, reason: str | None
) -> Evidence:
    """A record's grade: its own, where the data sets one with a reason, else the one its sources give."""
    if grade:
        return Evidence(grade, reason or "")
    return derived(source_ids, sources)


def of_figure(figure: TroopLevel | YearlyTotal, sources: Mapping[str, Source]) -> Evidence:
    """A figure whose sources give different numbers (a range) is contested; else graded by its sources."""
    low = getattr(figure, "troops_low", getattr(figure, "low", None))
    high = getattr(figure, "troops_high", getattr(figure, "high", None))
    if low is not None and high is not None and low != high:
        return Evidence("contested", f"the sources give {low:,} to {high:,}")
    return derived(figure.source_ids, sources)


def of_event(event: Event, sources: Mapping[str, Source]) -> Evidence:
    return of_record(event.source_ids, sources, event.grade, event.grade_reason)


def in_citable_order(source_ids: Sequence[str], sources: Mapping[str, Source]) -> list[str]:
    """Source ids with official sources first, then wires, outlets, reference pages, others; stable within."""
    return sorted(dict.fromkeys(source_ids), key=lambda i: KIND_ORDER.get(sources[i].kind, 9) if i in sources else 9)


def graded_records(dataset) -> list[tuple[str, str, Evidence]]:
    """(kind of record, record, evidence) for every graded record: presence periods, handovers, events, troop
    figures and published counts."""
    sources = dataset.sources_by_id
    out = []
    for site in dataset.sites:
        for i, p in enumerate(site.presence):
            out.append(
                (
                    "presence period",
                    f"{site.id} presence[{i}]",
                    of_record(p.source_ids, sources, p.grade, p.grade_reason),
                )
            )
        for i, h in enumerate(site.handovers):
            out.append(
                ("handover", f"{site.id} handovers[{i}]", of_record(h.source_ids, sources, h.grade, h.grade_reason))
            )
    out += [("event", e.id, of_event(e, sources)) for e in dataset.events]
    out += [("troop figure", f"{t.year} {t.as_of or ''}".strip(), of_figure(t, sources)) for t in dataset.troop_levels]
    out += [("published count", count_label(t), of_figure(t, sources)) for t in dataset.yearly_totals if t.counted]
    return out


def count_label(total: YearlyTotal) -> str:
    """'2024 attacks, 2023-10-17 to 2024-01-18, iraq, by CRS': a year can have several counts of one measure,
    even over one period."""
    parts = [f"{total.year} {total.measure}"]
    if total.period_start:
        parts.append(f"{total.period_start} to {total.period_end or '?'}")
    parts += [total.scope or "", f"by {total.counted_by}" if total.counted_by else ""]
    return ", ".join(p for p in parts if p)


def grade_counts(graded: Iterable[tuple[str, str, Evidence]]) -> Counter[str]:
    """How many records have each grade."""
    return Counter(evidence.grade for _, _, evidence in graded)


def grade_sentence(counts: Mapping[str, int]) -> str:
    """'497 confirmed, 119 fair, 33 weak, 23 contested': every grade, in the order of GRADES."""
    return ", ".join(f"{counts.get(grade, 0):,} {grade}" for grade in GRADES)


def grade_rows(graded: Iterable[tuple[str, str, Evidence]]) -> list[dict[str, object]]:
    """A row per kind of record with its count of each grade and the total, in the order first met."""
    rows: dict[str, Counter[str]] = {}
    for kind, _, evidence in graded:
        rows.setdefault(kind, Counter())[evidence.grade] += 1
    return [
        {"record": kind, **{grade: counts[grade] for grade in GRADES}, "total": sum(counts.values())}
        for kind, counts in rows.items()
    ]
