"""HTML shown inside the map: popups and tooltips for sites and events.

Leaflet inserts this HTML as is, so every piece of data text passes through `escape` here, and links are
only ever the validated http(s) URLs of sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from presence import dates
from presence.evidence import GRADE_WORDS, KIND_WORDS, Evidence, in_citable_order, of_event, of_record
from presence.models import Event, Presence, Site, Source
from presence.style import CATEGORIES
from presence.years import FORCE_LABELS, last_confirmed, site_status


def source_links(source_ids: Sequence[str], sources: Mapping[str, Source], limit: int | None = None) -> str:
    """A list of source links, official sources first: title, publisher, date and kind; past `limit`, a count
    of the rest."""
    items = []
    unique = in_citable_order(source_ids, sources)
    for ident in unique[:limit]:
        source = sources.get(ident)
        if source is None:
            continue
        published = "" if source.published == "unknown" else f", {escape(dates.human(source.published))}"
        items.append(
            f'<li><a href="{escape(source.url, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{escape(source.title)}</a> ({escape(source.publisher)}{published}) "
            f'<span class="kind kind-{source.kind}">{escape(KIND_WORDS[source.kind])}</span></li>'
        )
    rest = len(unique) - len(unique[:limit])
    more = f'<div class="more">and {rest} more in the details panel</div>' if rest > 0 else ""
    return f'<ol class="sources">{"".join(items)}</ol>{more}' if items else ""


# Popups travel to the browser on every year change; the details panel lists every source.
POPUP_SOURCES = 4


def period_words(period: Presence, sources: Mapping[str, Source]) -> str:
    """'May 2003 to August 2010', or for an open period 'December 2021 to the present (last confirmed 10 March
    2026)': the present is what the sources last said, not a fresh check."""
    if period.end:
        return f"{dates.human(period.start)} to {dates.human(period.end)}"
    confirmed = last_confirmed(period, sources)
    latest = f" (last confirmed {dates.human(confirmed)})" if confirmed else ""
    return f"{dates.human(period.start)} to the present{latest}"


def site_popup_parts(site: Site, sources: Mapping[str, Source], limit: int | None = POPUP_SOURCES) -> tuple[str, str]:
    """A site's popup in two parts that hold for every year: the head (names, place) and the body (presence
    periods, handovers, sources). The year's status line goes between them (see `status_line`)."""
    arabic = f'<div class="name-ar" lang="ar" dir="rtl">{escape(site.name_ar)}</div>' if site.name_ar else ""
    periods = "".join(
        f"<li>{escape(period_words(p, sources))}: {escape(FORCE_LABELS[p.force])} "
        f"{grade_tag(of_record(p.source_ids, sources, p.grade, p.grade_reason))}</li>"
        for p in site.presence
    )
    handovers = "".join(
        f"<li>{escape(dates.human(h.date))}: to {escape(h.to)} "
        f"{grade_tag(of_record(h.source_ids, sources, h.grade, h.grade_reason))}</li>"
        for h in site.handovers
    )
    region = "Kurdistan Region" if site.region == "kurdistan" else "federal Iraq"
    cited = [
        *site.source_ids,
        *(i for p in site.presence for i in p.source_ids),
        *(i for h in site.handovers for i in h.source_ids),
    ]
    head = (
        f'<div class="popup site-popup" data-site="{escape(site.id, quote=True)}">'
        f"<h4>{escape(site.name)}</h4>{arabic}"
        f'<div class="meta">{escape(site.governorate)} governorate, {region}</div>'
    )
    body = (
        f"<b>US presence</b><ul>{periods or '<li>none recorded</li>'}</ul>"
        + (f"<b>Handovers</b><ul>{handovers}</ul>" if handovers else "")
        + f"<b>Sources</b>{source_links(cited, sources, limit=limit)}</div>"
    )
    return head, body


def status_line(year: int, status: str, description: str) -> str:
    """The popup's line for a year, from an escaped description; the browser builds the same line."""
    return f'<p class="status status-{status}"><b>{year}:</b> {description}</p>'


def site_popup(site: Site, year: int, sources: Mapping[str, Source], limit: int | None = POPUP_SOURCES) -> str:
    """A site's popup for a year: names, status that year, presence periods, handovers, sources."""
    head, body = site_popup_parts(site, sources, limit)
    state = site_status(site, year)
    return head + status_line(year, state.status.value, escape(state.describe())) + body


def site_tooltip(site: Site, year: int) -> str:
    """One line: the site's name and its status in the year."""
    return f"{escape(site.name)}: {escape(site_status(site, year).describe())}"


def casualties(event: Event) -> str:
    """Reported casualties in words; 'not reported' where the sources give no figure."""
    parts = []
    if event.us_killed is not None:
        parts.append(f"{event.us_killed} US killed")
    if event.us_injured is not None:
        parts.append(f"{event.us_injured} US injured")
    text = ", ".join(parts) if parts else "US casualties not reported"
    if event.other_casualties:
        text += f"; {event.other_casualties}"
    return text


def attribution(event: Event) -> str:
    """Who did it, and who said so."""
    if not event.actor:
        return ""
    if event.actor_attributed_by:
        return f"{event.actor} (attributed by: {event.actor_attributed_by})"
    return event.actor


def event_popup(event: Event, sources: Mapping[str, Source], site_name: str | None = None) -> str:
    """An event's popup: date, title, category, place, summary, casualties, attribution, sources."""
    label = CATEGORIES[event.category][0]
    place = f" at {escape(site_name)}" if site_name else ""
    actor = attribution(event)
    return (
        f'<div class="popup event-popup" data-event="{escape(event.id, quote=True)}">'
        f'<div class="meta">{escape(dates.human(event.date))} · {escape(label)}{place}</div>'
        f"<h4>{escape(event.title)}</h4><p>{escape(event.summary)}</p>"
        f"<p><b>Casualties:</b> {escape(casualties(event))}</p>"
        + (f"<p><b>By:</b> {escape(actor)}</p>" if actor else "")
        + (f"<p><b>Evidence:</b> {grade_tag(of_event(event, sources))}</p>" if sources else "")
        + f"<b>Sources</b>{source_links(event.source_ids, sources)}</div>"
    )


def grade_tag(evidence: Evidence) -> str:
    """A record's evidence grade as a small tag whose title says what the grade means and why."""
    title = f"{GRADE_WORDS[evidence.grade]}. {evidence.reason}".strip()
    return (
        f'<span class="grade grade-{evidence.grade}" title="{escape(title, quote=True)}">'
        f"{escape(evidence.grade)}</span>"
    )


def event_tooltip(event: Event) -> str:
    """One line: date and title."""
    return f"{escape(dates.human(event.date))}: {escape(event.title)}"
