"""What the reader is looking at, as plain data: the year, the selected site or event, the basemap.

The page keeps it in the URL (`?year=2020&site=al-asad`) so every view is a link; these functions turn query
parameters and map clicks into a View and back, tolerating anything a hand-edited URL may hold.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from presence.dataset import Dataset
from presence.layers import BASEMAPS


@dataclass(frozen=True)
class View:
    """One view of the map."""

    year: int
    site: str | None = None
    event: str | None = None
    basemap: str = "osm"
    through: bool = False

    def selecting(self, layer: str, ident: str) -> View:
        """The same view with a site or an event selected (one at a time)."""
        if layer == "site":
            return replace(self, site=ident, event=None)
        return replace(self, event=ident, site=None)


def default_view(dataset: Dataset) -> View:
    """The latest year, nothing selected."""
    return View(year=dataset.years.stop - 1)


def view_from_params(
    params: Mapping[str, str], dataset: Dataset, own_event_ids: Collection[str] = ()
) -> tuple[View, list[str]]:
    """A View from query parameters, plus a note for each parameter that was ignored and why. `own_event_ids`
    are the reader's own events, which a link in the same tab may select too."""
    view = default_view(dataset)
    notes: list[str] = []
    raw_year = params.get("year")
    if raw_year is not None:
        year = int(raw_year) if re.fullmatch(r"[0-9]{4}", raw_year.strip()) else None
        if year in dataset.years:
            view = replace(view, year=year)
        else:
            notes.append(f"year {raw_year[:20]!r} is not between {dataset.years.start} and {dataset.years.stop - 1}")
    for layer, known in (("site", dataset.sites_by_id), ("event", dataset.events_by_id)):
        ident = params.get(layer)
        if ident is None:
            continue
        if ident in known or (layer == "event" and ident in own_event_ids):
            view = view.selecting(layer, ident)
        else:
            notes.append(f"{layer} {ident[:40]!r} is not in the data")
    basemap = params.get("basemap")
    if basemap is not None:
        if basemap in BASEMAPS:
            view = replace(view, basemap=basemap)
        else:
            notes.append(f"basemap {basemap[:20]!r} is not one of {', '.join(BASEMAPS)}")
    if params.get("through") in {"1", "true"}:
        view = replace(view, through=True)
    return view, notes


def params_for(view: View, private: Collection[str] = ()) -> dict[str, str]:
    """Query parameters that reproduce a view; defaults are left out, the year never is.

    An event in `private` (a reader's own) stays out of the address: a link is what people pass on, and it
    would name the reader's data to someone who cannot see it.
    """
    params = {"year": str(view.year)}
    if view.site:
        params["site"] = view.site
    if view.event and view.event not in private:
        params["event"] = view.event
    if view.basemap != "osm":
        params["basemap"] = view.basemap
    if view.through:
        params["through"] = "1"
    return params


def event_link(event_id: str, date: str) -> dict[str, str]:
    """Query parameters that open an event on the map: its year, the event selected."""
    return params_for(View(year=int(date[:4]), event=event_id))


def clicked(value: Any) -> tuple[str, str] | None:
    """The (layer, id) of the map feature a click returned, e.g. ('site', 'al-asad'); None for anything else.

    streamlit-folium returns the clicked GeoJSON feature as `last_active_drawing`; its properties carry the
    `layer` and `id` the layer builders put there.
    """
    if not isinstance(value, Mapping):
        return None
    feature = value.get("last_active_drawing")
    props = feature.get("properties") if isinstance(feature, Mapping) else None
    if not isinstance(props, Mapping):
        return None
    layer, ident = props.get("layer"), props.get("id")
    if layer in {"site", "event"} and isinstance(ident, str) and ident:
        return layer, ident
    return None
