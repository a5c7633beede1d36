"""Every year in one map: the data the browser needs to show any year, and the element that carries it.

The map holds every site with its status year by year (as runs: a new entry only where the status or its
wording changes) and every event with its year, once. Choosing a year then costs the browser a filter and
the server nothing: in the app the map follows the page's URL (`?year=&site=&event=&through=`), which the
page keeps current; in a published file the map draws its own slider and Play button.
static/year_map.js is the script; `YearMap` is the folium element that hands it the data.

Popups and tooltips are HTML built and escaped here; the script only joins the pieces and inserts the year.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from branca.element import Element, MacroElement
from jinja2 import Template

from presence import dates, popups
from presence.dataset import Dataset
from presence.markers import fan_offsets
from presence.models import Event, Site, Source
from presence.style import CATEGORIES, STATUS_GLYPHS, category_glyph
from presence.years import Status, site_status

# More events than this stay on the server and reach the map a year at a time (see event_layer): holding
# every event's marker and popup in the browser stops paying off well before 100,000 (bench/results.md).
CLIENT_EVENT_LIMIT = 5_000
SITE_ICON = 24
EVENT_ICON = 18

Run = tuple[int, str, str]  # (first year, status, HTML-escaped description)


def status_runs(site: Site, years: range) -> list[Run]:
    """The site's status over `years` as runs: (first year of the run, status, description)."""
    runs: list[Run] = []
    for year in years:
        state = site_status(site, year)
        entry = (state.status.value, escape(state.describe()))
        if not runs or runs[-1][1:] != entry:
            runs.append((year, *entry))
    return runs


def status_in(runs: Sequence[Run], year: int) -> tuple[str, str]:
    """(status, description) of `year` from runs, as the browser reads them; before the first run: absent."""
    current = (Status.ABSENT.value, "")
    for first, status, text in runs:
        if first > year:
            break
        current = (status, text)
    return current


def _site(site: Site, years: range, sources: Mapping[str, Source], popup_sources: int | None) -> dict[str, Any]:
    head, body = popups.site_popup_parts(site, sources, limit=popup_sources)
    return {
        "id": site.id,
        "lon": site.lon,
        "lat": site.lat,
        "name": escape(site.name),
        "kind": site.kind,
        "runs": status_runs(site, years),
        "head": head,
        "body": body,
    }


def _event(event: Event, sites: Mapping[str, Site], sources: Mapping[str, Source], own: bool) -> dict[str, Any]:
    site = sites.get(event.site_id) if event.site_id else None
    note = '<div class="own-note">Your data, not verified by this project</div>' if own else ""
    return {
        "id": event.id,
        "year": dates.year_of(event.date),
        "lon": event.lon,
        "lat": event.lat,
        "category": event.category,
        "own": own,
        "popup": note + popups.event_popup(event, sources, site.name if site else None),
        "tooltip": ("Your data: " if own else "") + popups.event_tooltip(event),
    }


def fanned(events: Sequence[dict[str, Any]]) -> None:
    """Give each event a pixel `offset` among the events of its own year, so that none hides another at a shared
    point. ("Every event up to the year" is clustered in the browser instead: hundreds would not fan out.)"""
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        by_year[event["year"]].append(event)
    for group in by_year.values():
        for event, offset in zip(group, fan_offsets([(e["lon"], e["lat"]) for e in group]), strict=True):
            event["offset"] = [round(offset[0], 1), round(offset[1], 1)]


def map_data(
    sites: Sequence[Site],
    events: Sequence[Event],
    own_events: Sequence[Event],
    all_sites: Mapping[str, Site],
    sources: Mapping[str, Source],
    years: range,
    *,
    bounds: tuple[float, float, float, float],
    popup_sources: int | None = popups.POPUP_SOURCES,
    figures: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """Everything the script needs, as plain data. Events without a place are left out (nothing to draw);
    events are expected in date order. `bounds` (west, south, east, north) is what the map keeps fitted until
    the reader moves it. `figures` (published files only) is HTML per year."""
    shipped = [_event(e, all_sites, sources, False) for e in events if e.lon is not None]
    mine = [_event(e, all_sites, {}, True) for e in own_events if e.lon is not None]
    fanned(shipped)
    fanned(mine)
    west, south, east, north = bounds
    return {
        "years": [years.start, years.stop - 1],
        "bounds": [[south, west], [north, east]],
        "glyphs": {status.value: glyph.svg for status, glyph in STATUS_GLYPHS.items()},
        "statusLabels": {status.value: escape(glyph.label) for status, glyph in STATUS_GLYPHS.items()},
        "categoryGlyphs": {c: category_glyph(c, EVENT_ICON).svg for c in CATEGORIES},
        "siteIcon": SITE_ICON,
        "eventIcon": EVENT_ICON,
        "sites": [_site(s, years, sources, popup_sources) for s in sites],
        "events": shipped + mine,
        "figures": {str(year): html for year, html in (figures or {}).items()},
    }


def to_script_literal(data: Any) -> str:
    """JSON for a script, safe inside HTML and kept apart from streamlit-folium's renaming.

    `<` is written as \\u003c so no `</script>` can end the script early. `_` is written as \\u005f because
    streamlit-folium rewrites every `_name` it finds in a map's script (a Python call per match, a large cost
    on a megabyte of data); JSON readers and JavaScript read both escapes back as the same characters.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("_", "\\u005f")


class _Verbatim(Element):
    """Text that goes into the page as it is. folium adds a rendered script to the page as a new template,
    which Jinja then compiles: for the map's data (about 1 MB) that took most of every run, and text in the
    data that looked like a template would have been run as one."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class YearMap(MacroElement):
    """The map's year filter: sites restyled by their status, events shown by year, the year badge.

    `follow` is "url" in the app (the map follows the page's address) or "controls" in a published file
    (the map draws a slider, Play and a figures panel, opening on `year`). `literal` is
    `to_script_literal(map_data(...))`, computed once per dataset and kept: rendering then copies a string.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = presenceYearMap({{ this._parent.get_name() }}, {{ this.literal }},
            {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, literal: str, *, follow: str, year: int | None = None, through: bool = False):
        super().__init__()
        self._name = "YearMap"
        self.literal = literal
        # Following the address, the script must not vary with the view: streamlit-folium would rebuild the
        # map (and resend its data) whenever the script changed.
        self.options = {"follow": follow} if follow == "url" else {"follow": follow, "year": year, "through": through}

    def render(self, **kwargs) -> None:
        """Add the script to the page as it is (MacroElement.render would compile it as a template)."""
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(_Verbatim(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def map_literal(
    dataset: Dataset,
    own_events: Sequence[Event] = (),
    *,
    popup_sources: int | None = popups.POPUP_SOURCES,
    figures: Mapping[int, str] | None = None,
) -> str:
    """The script literal for a dataset and a reader's own events. A set of events larger than
    CLIENT_EVENT_LIMIT is left out: it reaches the map a year at a time (layers.per_year_events)."""
    events = dataset.events if len(dataset.events) <= CLIENT_EVENT_LIMIT else ()
    mine = own_events if len(own_events) <= CLIENT_EVENT_LIMIT else ()
    data = map_data(
        dataset.sites,
        events,
        mine,
        dataset.sites_by_id,
        dataset.sources_by_id,
        dataset.years,
        bounds=dataset.boundaries.iraq.bounds,
        popup_sources=popup_sources,
        figures=figures,
    )
    return to_script_literal(data)
