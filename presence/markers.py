"""Building blocks of the marker layers: point features, one GeoJson layer of icons, fanned-out offsets."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import folium


def point_feature(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Point feature."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


# folium adds each rendered layer to the page as a new Jinja template, so text in the data that reads as one
# ({{ ... }}, {% ... %}, {# ... #}) would be run on the server. An invisible word joiner after the brace keeps
# it text and reads the same.
_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def inert(value: Any) -> Any:
    """`value` (a string, or lists and dicts of them) with every Jinja delimiter broken by a word joiner."""
    if isinstance(value, str):
        return _TEMPLATE_START.sub("{\u2060", value)
    if isinstance(value, list | tuple):
        return [inert(v) for v in value]
    if isinstance(value, dict):
        return {k: inert(v) for k, v in value.items()}
    return value


def marker_layer(
    features: list[dict[str, Any]], name: str, look: Callable[[dict], dict], *, tooltip: bool = True
) -> folium.GeoJson:
    """One GeoJson layer of DivIcon markers (one object for all points, not one per point) whose `popup` and
    `tooltip` properties hold pre-escaped HTML; `look(feature)` gives each marker's icon options."""
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": inert(features)},
        name=name,
        marker=folium.Marker(icon=folium.DivIcon()),
        style_function=look,
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, maxWidth=380),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False) if tooltip else None,
    )


def fan_offsets(points: Sequence[tuple[float, float]], spacing: float = 20.0) -> list[tuple[float, float]]:
    """Pixel offsets that fan out markers sharing a point on a spiral around it, so none hides another.

    The first ring starts one step out, leaving a site marker at that point visible.
    """
    seen: dict[tuple[float, float], int] = defaultdict(int)
    offsets = []
    for point in points:
        k = seen[point]
        seen[point] += 1
        ring, slot = divmod(k, 8)
        angle = (slot + 0.5 * (ring % 2)) * math.pi / 4 - math.pi / 2
        radius = spacing * (1 + ring)
        offsets.append((radius * math.cos(angle), radius * math.sin(angle)))
    return offsets
