"""The events layer, drawn three ways by how many events it holds, so the map stays readable and fast.

- Up to FULL_LIMIT events: lettered markers with full popups, fanned out where they share a place.
- Up to CLUSTER_LIMIT: small lettered markers with short popups (the details panel has the full record and
  its sources), grouped by Leaflet.markercluster so low zooms show counts; sent as compact rows.
- More: a density grid of cells with their counts (a marker per event would not fit a websocket message).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from html import escape

import folium
from folium.plugins import FastMarkerCluster

from presence import dates, popups
from presence.markers import fan_offsets, inert, marker_layer, point_feature
from presence.models import Event, Site, Source
from presence.style import CATEGORIES, category_glyph

EVENT_ICON = 18
OWN_NOTE = '<div class="own-note">Your data, not verified by this project</div>'
FULL_LIMIT = 250
CLUSTER_LIMIT = 20_000
CELL_DEGREES = 0.25


# folium's FastMarkerCluster takes a row-to-marker function. Ours draws the category's letter (a fixed table,
# see category_css) with the pre-escaped short popup, and gives the marker a GeoJSON feature so a click
# reports its id to the app like the other layers do. Row: [lat, lon, id, category, letter, popup].
_CLUSTER_MARKER = """function (row) {
    var icon = L.divIcon({className: "event-dot category-" + row[3], html: row[4], iconSize: [16, 16]});
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: ""});
    marker.feature = {type: "Feature", properties: {id: row[2], layer: "event"}};
    marker.bindPopup(row[5], {maxWidth: 380});
    return marker;
}"""


def category_css() -> str:
    """Styles of the clustered event markers, one rule per category, from the same table as the legend."""
    rules = [
        ".event-dot { border-radius: 4px; color: #fff; font: 700 10px/16px sans-serif; text-align: center; "
        "border: 1px solid #fff; box-shadow: 0 1px 2px rgba(0,0,0,.4); }"
    ]
    rules += [f".event-dot.category-{c} {{ background: {colour}; }}" for c, (_, colour, _) in CATEGORIES.items()]
    return "\n".join(rules)


def _look(feature: dict) -> dict:
    props = feature["properties"]
    half = EVENT_ICON / 2
    own = " own-event" if props.get("own") else ""
    return {
        "html": category_glyph(props["category"], EVENT_ICON).svg,
        "className": f"event-marker event-{props['id']} category-{props['category']}{own}",
        "iconSize": [EVENT_ICON, EVENT_ICON],
        "iconAnchor": props.get("anchor", [half, half]),
    }


def short_popup(event: Event) -> str:
    """Date, category and title, kept short: it travels once per event on every year change."""
    when = escape(dates.human(event.date))
    return f"<b>{when}</b> · {escape(CATEGORIES[event.category][0])}<br>{escape(event.title)}"


def _full(placed: Sequence[Event], sites: Mapping[str, Site], sources: Mapping[str, Source], own: bool) -> list[dict]:
    half = EVENT_ICON / 2
    features = []
    for event, (dx, dy) in zip(placed, fan_offsets([(e.lon, e.lat) for e in placed]), strict=True):
        site = sites.get(event.site_id) if event.site_id else None
        features.append(
            point_feature(
                event.lon,
                event.lat,
                {
                    "id": event.id,
                    "layer": "event",
                    "category": event.category,
                    "anchor": [round(half - dx, 1), round(half - dy, 1)],
                    "popup": (OWN_NOTE if own else "")
                    + popups.event_popup(event, sources, site.name if site else None),
                    "tooltip": ("Your data: " if own else "") + popups.event_tooltip(event),
                    "own": own,
                },
            )
        )
    return features


def _cells(placed: Sequence[Event]) -> list[dict]:
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for event in placed:
        counts[(math.floor(event.lon / CELL_DEGREES), math.floor(event.lat / CELL_DEGREES))][event.category] += 1
    features = []
    for (x, y), by_category in sorted(counts.items()):
        total = sum(by_category.values())
        parts = ", ".join(f"{n:,} {CATEGORIES[c][0].lower()}" for c, n in by_category.most_common())
        text = escape(f"{total:,} events in this cell: {parts}")
        lon, lat = round((x + 0.5) * CELL_DEGREES, 4), round((y + 0.5) * CELL_DEGREES, 4)
        features.append(
            point_feature(
                lon,
                lat,
                {
                    "layer": "cell",
                    "count": total,
                    "popup": text,
                    "tooltip": text,
                    "radius": round(min(28, 3 + 2.2 * math.sqrt(total)), 1),
                },
            )
        )
    return features


def events_layer(
    events: Sequence[Event],
    sites: Mapping[str, Site],
    sources: Mapping[str, Source],
    name: str = "Events",
    own: bool = False,
) -> folium.FeatureGroup:
    """The given events, drawn in the mode their number calls for (see the module's docstring).

    `own` marks a reader's uploaded events: dashed outlines, and popups that say the data is theirs.
    """
    placed = [e for e in events if e.lon is not None and e.lat is not None]
    group = folium.FeatureGroup(name=name)
    if not placed:
        return group
    if len(placed) <= FULL_LIMIT:
        marker_layer(_full(placed, sites, sources, own), name, _look).add_to(group)
    elif len(placed) <= CLUSTER_LIMIT:
        kind = " own-event" if own else ""
        prefix = OWN_NOTE if own else ""
        rows = [
            [e.lat, e.lon, e.id, e.category + kind, CATEGORIES[e.category][2], prefix + short_popup(e)] for e in placed
        ]
        cluster = FastMarkerCluster(inert(rows), callback=_CLUSTER_MARKER, name=name, maxClusterRadius=45)
        cluster.default_js, cluster.default_css = [], []  # served with the base map (assets.CLUSTER_*)
        cluster.add_to(group)
    else:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": _cells(placed)},
            name=name,
            marker=folium.CircleMarker(),
            style_function=lambda f: {
                "radius": f["properties"]["radius"],
                "color": "#7a2a10",
                "weight": 1,
                "fillColor": "#CC3311",
                "fillOpacity": 0.45,
            },
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        ).add_to(group)
    return group
