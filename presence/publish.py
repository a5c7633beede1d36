"""The map as one file to publish: every year, its own slider and Play, figures, legend and credit line.

The file needs no server and no internet (Leaflet, styles and data are inside it), so any web server or CDN
can serve it to any number of readers, and an article can embed it with <iframe>. Tiles, if chosen, are the
only thing it fetches, and it falls back to the outline map when they do not load.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import folium

from presence import assets, dates
from presence.dataset import Dataset
from presence.details import FIGURE_KINDS
from presence.layers import base_map
from presence.models import Event
from presence.year_map import YearMap, map_literal
from presence.years import format_troops, year_figures


def figures_html(dataset: Dataset, year: int, own_events: Sequence[Event] = ()) -> str:
    """The figures panel of a published map for one year: troops, sites with US forces, events shown."""
    figures = year_figures(dataset.sites, [*dataset.events_of(year), *own_events], dataset.troop_levels, year)
    troops = format_troops(figures.troops)
    if figures.troops is not None:
        kind = FIGURE_KINDS[figures.troops.figure_kind]
        when = f", {dates.human(figures.troops.as_of)}" if figures.troops.as_of else ""
        troops += f" ({kind}{when})"
    rows = [
        ("US troops in Iraq", troops),
        ("Sites with US forces, federal Iraq", f"{figures.sites_federal} of the {len(dataset.sites)} on the map"),
        ("Sites with US forces, Kurdistan Region", str(figures.sites_kurdistan)),
        ("Events on the map", f"{figures.events} selected"),
    ]
    cells = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    return f'<div class="figures-year">{year}</div><dl>{cells}</dl>'


def standalone_html(
    dataset: Dataset,
    year: int,
    basemap: str = "none",
    *,
    through: bool = False,
    own_events: Sequence[Event] = (),
) -> str:
    """One self-contained HTML file of the map, opening on `year`. Like the app's map it holds at most
    year_map.CLIENT_EVENT_LIMIT events of each kind (shipped, the reader's own); a larger set is left out."""
    fmap = base_map(dataset, basemap, legend_open=False)
    figures = {y: figures_html(dataset, y, [e for e in own_events if e.date.startswith(str(y))]) for y in dataset.years}
    literal = map_literal(dataset, own_events, popup_sources=None, figures=figures)
    fmap.add_child(YearMap(literal, follow="controls", year=year, through=through))
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<title>{escape(dataset.metadata.title)}</title>"))
    root.header.add_child(folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'))
    credit = f"{dataset.metadata.credit} As of {dataset.metadata.as_of}. {dataset.metadata.licence}"
    root.html.add_child(folium.Element(f'<div class="credit-line">{escape(credit)}</div>'))
    return assets.inline(root.render())
