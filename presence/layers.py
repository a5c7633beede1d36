"""The map, the folium way: a base map (tiles, Iraq, the Kurdistan Region, the legend) that holds every year
through year_map.YearMap, and the events layers that are too large for the browser, sent a year at a time.

Nothing in the base map depends on the selected year, so streamlit-folium keeps the same iframe (and the
reader's zoom and pan) while the year changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import folium
from branca.element import MacroElement
from jinja2 import Template

from presence import assets
from presence.dataset import Dataset
from presence.event_layer import category_css, events_layer
from presence.geo import Boundaries
from presence.markers import point_feature
from presence.models import City, Event
from presence.style import legend_html
from presence.year_map import CLIENT_EVENT_LIMIT
from presence.years import events_in

BASEMAPS: dict[str, str] = {"osm": "OpenStreetMap", "satellite": "Satellite imagery", "none": "None (outline only)"}

_SATELLITE_URL = "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
_SATELLITE_ATTR = "Imagery &copy; Esri, Maxar, Earthstar Geographics, and the GIS User Community"
MAX_ZOOM = 16


class Legend(MacroElement):
    """A collapsible legend in the map's corner (folium has none for custom markers)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("details", "map-legend");
            div.open = {{ this.open|tojson }};
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, open: bool = True):
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.open = open


def geography(boundaries: Boundaries, cities: Sequence[City]) -> folium.FeatureGroup:
    """What a reader orients by without tiles: neighbouring countries, governorate lines, their names, and the
    major cities. Shown only on the offline map (no tiles chosen, or tiles that failed to load)."""
    group = folium.FeatureGroup(name="Geography", control=False)
    folium.GeoJson(
        boundaries.neighbours_geojson,
        style_function=lambda _: {
            "color": "#b9c1ca",
            "weight": 1,
            "fillColor": "#dde2e7",
            "fillOpacity": 1,
            "className": "geography neighbour",
        },
        interactive=False,
    ).add_to(group)
    folium.GeoJson(
        boundaries.governorates_outline,
        style_function=lambda _: {
            "color": "#a7b0ba",
            "weight": 1,
            "dashArray": "3 3",
            "fill": False,
            "className": "geography governorate-line",
        },
        interactive=False,
    ).add_to(group)
    labels = [
        point_feature(*f["properties"]["label_at"], {"text": escape(f["properties"]["name"]), "kind": "country"})
        for f in boundaries.neighbours_geojson["features"]
    ]
    labels += [
        point_feature(*f["properties"]["label_at"], {"text": escape(f["properties"]["name"]), "kind": "governorate"})
        for f in boundaries.governorates_outline["features"]
    ]
    labels += [
        point_feature(c.lon, c.lat, {"text": escape(c.name), "kind": "city major" if c.major else "city minor"})
        for c in cities
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": labels},
        marker=folium.Marker(icon=folium.DivIcon(), interactive=False, keyboard=False),
        style_function=lambda f: {
            "html": f"<span>{f['properties']['text']}</span>",
            "className": f"geography place-label {f['properties']['kind']}",
            "iconSize": [0, 0],
        },
    ).add_to(group)
    return group


def base_map(
    dataset: Dataset, basemap: str = "osm", static_url: str = assets.STATIC_URL, legend_open: bool = False
) -> folium.Map:
    """Iraq's outline, the Kurdistan Region, the offline geography and the legend over the chosen tiles;
    nothing year-dependent.

    The legend starts folded so it hides no site; marker tooltips name each status too.
    """
    boundaries = dataset.boundaries
    west, south, east, north = boundaries.iraq.bounds
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        min_zoom=4,
        maxZoom=MAX_ZOOM,  # on the Map itself: with no tile layer, clustering needs it (see NOTES)
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,  # fractional zoom lets Iraq fill the frame at any width
    )
    # Marker clustering is loaded up front: the iframe loads scripts only once, and large event sets need it.
    fmap.default_js = assets.local(assets.LEAFLET_JS + assets.CLUSTER_JS + assets.YEAR_MAP_JS, static_url)
    fmap.default_css = assets.local(assets.LEAFLET_CSS + assets.CLUSTER_CSS, static_url)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", max_zoom=MAX_ZOOM).add_to(fmap)
    elif basemap == "satellite":
        folium.TileLayer(_SATELLITE_URL, attr=_SATELLITE_ATTR, name="Satellite", max_zoom=MAX_ZOOM).add_to(fmap)
    geography(boundaries, dataset.cities).add_to(fmap)
    folium.GeoJson(
        boundaries.iraq_outline,
        name="Iraq",
        # Filled white only on the offline map (a CSS rule on .offline-map, see static/map.css), so the
        # script is the same whatever the basemap and whether its tiles load.
        style_function=lambda _: {"color": "#333333", "weight": 2, "fillOpacity": 0, "className": "iraq-outline"},
        interactive=False,
    ).add_to(fmap)
    region = boundaries.kurdistan_geojson["features"][0]["properties"]
    tooltip = (
        f"<b>{escape(region.get('name', 'Kurdistan Region'))}</b><br>{escape(region.get('status', ''))}"
        f"<br><i>{escape(region.get('limits', ''))}</i>"
    )
    folium.GeoJson(
        boundaries.kurdistan_outline,
        name="Kurdistan Region",
        style_function=lambda _: {
            "color": "#b36b00",
            "weight": 2,
            "dashArray": "6 4",
            "fillColor": "#E69F00",
            "fillOpacity": 0.18,
        },
        tooltip=folium.Tooltip(tooltip, sticky=True, max_width=320),
    ).add_to(fmap)
    fmap.add_child(
        Legend(
            legend_html({e.category for e in dataset.events})
            + '<div class="legend-note">Events at one place are fanned out around it. Click a marker for its story '
            "and sources.</div>",
            open=legend_open,
        )
    )
    fmap.get_root().header.add_child(folium.Element(f"<style>{category_css()}</style>"))
    # Iraq is fitted to the map by YearMap's script, at once: folium's fit_bounds would animate a zoom from
    # zoom_start, and a click or a pan during that animation would be undone at its end.
    return fmap


def events_sent_by_year(dataset: Dataset, own_events: Sequence[Event] = ()) -> bool:
    """Whether some events are too many to keep in the browser and so reach the map a year at a time."""
    return len(dataset.events) > CLIENT_EVENT_LIMIT or len(own_events) > CLIENT_EVENT_LIMIT


def per_year_events(
    dataset: Dataset, year: int, *, through: bool = False, own_events: Sequence[Event] = ()
) -> list[folium.FeatureGroup]:
    """The events layers that stay on the server, sent a year at a time: the shipped events and the reader's
    own, each only when it holds more events than the browser keeps (year_map.CLIENT_EVENT_LIMIT)."""
    layers = []
    if len(dataset.events) > CLIENT_EVENT_LIMIT:
        layers.append(
            events_layer(dataset.events_of(year, through=through), dataset.sites_by_id, dataset.sources_by_id)
        )
    if len(own_events) > CLIENT_EVENT_LIMIT:
        mine = events_in(own_events, year, through=through)
        layers.append(events_layer(mine, dataset.sites_by_id, {}, name="Your events", own=True))
    return layers
