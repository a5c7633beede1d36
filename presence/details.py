"""The details panel beside the map, as Markdown and tables built from records.

Streamlit renders Markdown, so every piece of data text passes through `md`, which escapes Markdown syntax
(links, emphasis, Streamlit's :colour[...] directives, LaTeX `$`) and keeps bare addresses from becoming
links; raw HTML is never enabled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from presence import dates
from presence.dataset import Dataset
from presence.evidence import GRADE_WORDS, KIND_WORDS, in_citable_order, of_event, of_record
from presence.models import Event, Site, Source, TroopLevel
from presence.popups import attribution, casualties
from presence.style import CATEGORIES
from presence.years import FORCE_LABELS, events_at, format_troops, last_confirmed

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&])")
# GitHub-flavoured Markdown makes links of bare addresses (https://, www., a@b.c) in text after escapes are
# resolved, so escaping does not stop it (and raw HTML shows as text). An invisible word joiner where such a
# link would begin keeps it plain text; the text reads as it was (a copy of it carries the joiner).
_LINK_START = re.compile(r"(?i)(www|https?\\:|@)")
_SPLIT = "\u2060"
PRECISION_WORDS = {
    "airfield": "the airfield",
    "compound": "the compound",
    "city": "the town only (the base's exact position is not sourced)",
}
FIGURE_KINDS = {
    "point_in_time": "count at a date",
    "yearly_average": "yearly average",
    "authorised_cap": "authorised ceiling",
}


def md(text: str | None) -> str:
    """Text shown literally in Streamlit Markdown."""
    # Any line break (a lone carriage return too) would start a heading, list or code block: one line only.
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text or "")
    return " ".join(_LINK_START.sub(r"\1" + _SPLIT, escaped).splitlines())


def _link_target(url: str) -> str:
    # Validated URLs have no spaces or quotes; parentheses would end a Markdown link early.
    return url.replace("(", "%28").replace(")", "%29")


def sources_markdown(source_ids: Sequence[str], sources: Mapping[str, Source]) -> str:
    """A numbered Markdown list of sources, official sources first: linked title, publisher, date, kind, note."""
    lines = []
    for number, ident in enumerate(in_citable_order(source_ids, sources), start=1):
        source = sources.get(ident)
        if source is None:
            lines.append(f"{number}. cited as {md(ident)} (not one of this dataset's sources)")
            continue
        published = "date unknown" if source.published == "unknown" else dates.human(source.published)
        note = f" ({md(source.note)})" if source.note else ""
        lines.append(
            f"{number}. [{md(source.title)}]({_link_target(source.url)}), {md(source.publisher)}, {md(published)}"
            f" · _{md(KIND_WORDS[source.kind])}_{note}"
        )
    return "\n".join(lines)


def site_choice_label(site: Site) -> str:
    """A site as the site list shows it: where it is first (the list is grouped by region and governorate),
    then its name, other names and Arabic name, so typing any of them finds it."""
    region = "Kurdistan Region, " if site.region == "kurdistan" else ""
    names = [*site.aliases, *([site.name_ar] if site.name_ar else [])]
    return f"{region}{site.governorate} · {site.name}" + (f" ({'; '.join(names)})" if names else "")


def sites_in_list_order(sites: Sequence[Site]) -> list[Site]:
    """Federal Iraq first, then the Kurdistan Region; by governorate, then name."""
    return sorted(sites, key=lambda s: (s.region == "kurdistan", s.governorate, s.name.casefold()))


def site_sources(site: Site) -> list[str]:
    """Every source a site record cites, in the order they appear."""
    ids = [*site.source_ids, *site.location_source_ids]
    for period in site.presence:
        ids += period.source_ids
    for handover in site.handovers:
        ids += handover.source_ids
    return list(dict.fromkeys(ids))


def site_markdown(site: Site) -> str:
    """Heading facts of a site: names, where it is, its summary (the map's popup gives the year's status)."""
    region = "Kurdistan Region" if site.region == "kurdistan" else "federal Iraq"
    lines = [f"### {md(site.name)}"]
    if site.name_ar:
        lines.append(f"**{md(site.name_ar)}**")
    kind = site.kind.replace("_", " ").capitalize()
    lines.append(
        f"{md(kind)} in {md(site.governorate)} governorate, {region}. "
        f"Point placed at: {md(PRECISION_WORDS[site.location_precision])}."
    )
    if site.aliases:
        lines.append("Also known as: " + ", ".join(md(a) for a in site.aliases))
    lines.append(md(site.summary))
    return "\n\n".join(lines)


def presence_markdown(site: Site, sources: Mapping[str, Source]) -> str:
    """Presence periods, then handovers, oldest first, as a Markdown list that wraps in a narrow panel: dates,
    what, evidence grade, note. An open period says when it was last confirmed."""

    def until(period) -> str:
        if period.end:
            return dates.human(period.end)
        confirmed = last_confirmed(period, sources)
        return f"still present (last confirmed {dates.human(confirmed)})" if confirmed else "still present"

    lines = []
    for p in site.presence:
        grade = of_record(p.source_ids, sources, p.grade, p.grade_reason).grade
        note = f"  \n{md(p.note)}" if p.note else ""
        lines.append(
            f"- **{md(dates.human(p.start))} to {md(until(p))}**: {md(FORCE_LABELS[p.force])} · *{grade}*{note}"
        )
    for h in site.handovers:
        grade = of_record(h.source_ids, sources, h.grade, h.grade_reason).grade
        note = f"  \n{md(h.note)}" if h.note else ""
        lines.append(f"- **{md(dates.human(h.date))}**: handed over to {md(h.to)} · *{grade}*{note}")
    return "\n".join(lines)


def site_events_markdown(dataset: Dataset, site: Site) -> str:
    """Every event at a site, oldest first, one line each: date, category, title, US casualties, grade."""
    lines = []
    for e in events_at(dataset.events, site.id):
        grade = of_event(e, dataset.sources_by_id).grade
        lines.append(
            f"- **{md(dates.human(e.date))}** · {md(CATEGORIES[e.category][0])}: {md(e.title)} "
            f"({md(casualties(e))}) · *{grade}*"
        )
    return "\n".join(lines)


def events_table(
    events: Sequence[Event], sources: Mapping[str, Source], own_ids: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Events as rows a reader scans: date, category, title, casualties, attribution, evidence, whose data."""
    rows = [
        {
            "Data": "yours" if e.id in own_ids else "shipped",
            "Date": e.date,
            "Category": CATEGORIES[e.category][0],
            "Title": e.title,
            "US killed": e.us_killed,
            "US injured": e.us_injured,
            "By": attribution(e),
            "Evidence": "not graded (yours)" if e.id in own_ids else of_event(e, sources).grade,
            "id": e.id,
        }
        for e in events
    ]
    columns = ["Data", "Date", "Category", "Title", "US killed", "US injured", "By", "Evidence", "id"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"US killed": "Int64", "US injured": "Int64"})


def event_markdown(dataset: Dataset, event: Event) -> str:
    """An event's story: date, category, place, summary, casualties, attribution."""
    site = dataset.sites_by_id.get(event.site_id) if event.site_id else None
    place = f" at {md(site.name)}" if site else ("" if event.lon is not None else ", nationwide")
    lines = [
        f"### {md(event.title)}",
        f"{md(dates.human(event.date))} · {md(CATEGORIES[event.category][0])}{place}",
        md(event.summary),
        f"**Casualties:** {md(casualties(event))}",
    ]
    if event.actor:
        lines.append(f"**By:** {md(attribution(event))}")
    if event.id in dataset.events_by_id:  # a reader's own events are not graded
        evidence = of_event(event, dataset.sources_by_id)
        lines.append(f"**Evidence:** {md(GRADE_WORDS[evidence.grade])} ({md(evidence.reason)})")
    return "\n\n".join(lines)


def troops_caption(level: TroopLevel | None, sources: Mapping[str, Source]) -> str:
    """What the troop figure is, when, and from whom."""
    if level is None:
        return "No figure in the data for this year."
    when = f" as of {dates.human(level.as_of)}" if level.as_of else ""
    cited = [sources[i].publisher for i in level.source_ids if i in sources]
    publishers = ", ".join(dict.fromkeys(cited))
    return f"{FIGURE_KINDS[level.figure_kind]}{when}; {format_troops(level)}; sources: {publishers}"
