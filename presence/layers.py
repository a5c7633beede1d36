"""The map, the folium way: a fixed base map, and one builder per year-dependent layer returning a FeatureGroup.

The base map holds nothing that depends on the year, so streamlit-folium keeps the same iframe (and the
reader's zoom and pan) while the year layers are swapped in through `feature_group_to_add`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import folium
from branca.element import MacroElement
from jinja2 import Template

from presence import assets, popups
from presence.dataset import Dataset
from presence.event_layer import category_css, events_layer
from presence.geo import Boundaries
from presence.markers import marker_layer, point_feature
from presence.models import Event, Site, Source
from presence.style import STATUS_GLYPHS, legend_html
from presence.years import events_in, site_status

BASEMAPS: dict[str, str] = {"osm": "OpenStreetMap", "satellite": "Satellite imagery", "none": "None (outline only)"}

_SATELLITE_URL = "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
_SATELLITE_ATTR = "Imagery &copy; Esri, Maxar, Earthstar Geographics, and the GIS User Community"
MAX_ZOOM = 16
SITE_ICON = 24


class YearBadge(MacroElement):
    """A label over the map naming the year it shows, as `<div class="year-badge" data-year="2020">`.

    Folium has no element for this: it is a tiny Leaflet layer, so it comes and goes with its FeatureGroup.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new (L.Layer.extend({
            onAdd: function (map) {
                this._div = L.DomUtil.create("div", "year-badge", map.getContainer());
                this._div.setAttribute("data-year", {{ this.year|tojson }});
                this._div.setAttribute("role", "status");
                this._div.textContent = {{ this.label|tojson }};
            },
            onRemove: function () { L.DomUtil.remove(this._div); }
        }))();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, year: int, label: str | None = None):
        super().__init__()
        self._name = "YearBadge"
        self.year = str(year)
        self.label = label or str(year)


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


def base_map(
    boundaries: Boundaries, basemap: str = "osm", static_url: str = assets.STATIC_URL, legend_open: bool = False
) -> folium.Map:
    """Iraq's outline, the Kurdistan Region and the legend over the chosen tiles; nothing year-dependent.

    The legend starts folded so it hides no site; marker tooltips name each status too.
    """
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
    fmap.default_js = assets.local(assets.LEAFLET_JS + assets.CLUSTER_JS, static_url)
    fmap.default_css = assets.local(assets.LEAFLET_CSS + assets.CLUSTER_CSS, static_url)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", max_zoom=MAX_ZOOM).add_to(fmap)
    elif basemap == "satellite":
        folium.TileLayer(_SATELLITE_URL, attr=_SATELLITE_ATTR, name="Satellite", max_zoom=MAX_ZOOM).add_to(fmap)
    folium.GeoJson(
        boundaries.iraq_outline,
        name="Iraq",
        style_function=lambda _: {
            "color": "#333333",
            "weight": 2,
            "fill": basemap == "none",
            "fillColor": "#ffffff",
            "fillOpacity": 1,
        },
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
            legend_html() + '<div class="legend-note">Events at one place are fanned out around '
            "it. Click a marker for its story and sources.</div>",
            open=legend_open,
        )
    )
    fmap.get_root().header.add_child(folium.Element(f"<style>{category_css()}</style>"))
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def sites_layer(sites: Sequence[Site], year: int, sources: Mapping[str, Source]) -> folium.FeatureGroup:
    """Every site, drawn by its status in `year`, with its popup and tooltip; plus the year badge."""
    features = []
    for site in sites:
        status = site_status(site, year).status
        features.append(
            point_feature(
                site.lon,
                site.lat,
                {
                    "id": site.id,
                    "layer": "site",
                    "status": status.value,
                    "popup": popups.site_popup(site, year, sources),
                    "tooltip": popups.site_tooltip(site, year),
                },
            )
        )
    half = SITE_ICON // 2
    group = folium.FeatureGroup(name="Sites")
    marker_layer(
        features,
        "Sites",
        lambda f: {
            "html": STATUS_GLYPHS[f["properties"]["status"]].svg,
            "className": f"site-marker site-{f['properties']['id']} status-{f['properties']['status']}",
            "iconSize": [SITE_ICON, SITE_ICON],
            "iconAnchor": [half, half],
        },
    ).add_to(group)
    group.add_child(YearBadge(year))
    return group


def year_layers(
    dataset: Dataset, year: int, *, through: bool = False, own_events: Sequence[Event] = ()
) -> list[folium.FeatureGroup]:
    """Everything that changes with the year: the year's events, the reader's own events (a layer of their
    own, marked as theirs), and the sites by status with the year badge."""
    layers = [events_layer(dataset.events_of(year, through=through), dataset.sites_by_id, dataset.sources_by_id)]
    if own_events:
        mine = events_in(own_events, year, through=through)
        layers.append(events_layer(mine, dataset.sites_by_id, {}, name="Your events", own=True))
    layers.append(sites_layer(dataset.sites, year, dataset.sources_by_id))
    return layers


def standalone_html(
    dataset: Dataset, year: int, basemap: str = "osm", *, through: bool = False, own_events: Sequence[Event] = ()
) -> str:
    """The current view as one self-contained HTML file: Leaflet and styles inlined, data embedded."""
    fmap = base_map(dataset.boundaries, basemap, legend_open=True)
    for group in year_layers(dataset, year, through=through, own_events=own_events):
        group.add_to(fmap)
    title = f"{dataset.metadata.title}: {year}"
    fmap.get_root().header.add_child(folium.Element(f"<title>{escape(title)}</title>"))
    credit = f"{dataset.metadata.credit} As of {dataset.metadata.as_of}. {dataset.metadata.licence}"
    fmap.get_root().html.add_child(
        folium.Element(
            f'<div style="position:fixed;bottom:0;left:0;z-index:900;background:#fff;font:11px sans-serif;'
            f'padding:2px 6px">{escape(credit)}</div>'
        )
    )
    return assets.inline(fmap.get_root().render())
