"""Boundaries and where a point lies: in Iraq, in the Kurdistan Region, in which governorate."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely import prepared
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from presence.geojson import parse_json
from presence.problems import Problem
from presence.reading import read_text

IRAQ_FILE = "iraq.geojson"
KURDISTAN_FILE = "kurdistan_region.geojson"
GOVERNORATES_FILE = "governorates.geojson"
NEIGHBOURS_FILE = "neighbours.geojson"

# Generous bounds used only to tell a swapped [lat, lon] pair from a point that is merely outside.
_LON_RANGE = (38.0, 49.5)
_LAT_RANGE = (28.5, 38.0)


@dataclass(frozen=True, eq=False)
class Boundaries:
    """Iraq, the Kurdistan Region and the governorates as shapely geometries, with their GeoJSON."""

    iraq: BaseGeometry
    kurdistan: BaseGeometry
    governorates: dict[str, BaseGeometry]
    iraq_geojson: dict[str, Any]
    kurdistan_geojson: dict[str, Any]
    neighbours_geojson: dict[str, Any]  # the countries around Iraq, already simplified for drawing

    @cached_property
    def iraq_outline(self) -> dict[str, Any]:
        """Iraq's outline for drawing: simplified to about 300 m, which no reader can see at country scale."""
        return _display(self.iraq_geojson)

    @cached_property
    def kurdistan_outline(self) -> dict[str, Any]:
        """The Kurdistan Region for drawing (checks use the full polygon)."""
        return _display(self.kurdistan_geojson)

    @cached_property
    def governorates_outline(self) -> dict[str, Any]:
        """The governorates for drawing, each with its name and a point inside it for the label."""
        features = []
        for name, geometry in self.governorates.items():
            label = geometry.representative_point()
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name, "label_at": [round(label.x, 3), round(label.y, 3)]},
                    "geometry": mapping(geometry),
                }
            )
        return _display({"type": "FeatureCollection", "features": features})

    @cached_property
    def _prepared(self) -> dict[str, Any]:
        # Prepared geometries make repeated point tests about 100 times faster.
        shapes = {"iraq": self.iraq, "kurdistan": self.kurdistan, **self.governorates}
        return {name: prepared.prep(geometry) for name, geometry in shapes.items()}

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies in Iraq (boundary included)."""
        return self._prepared["iraq"].covers(Point(lon, lat))

    def contains_many(self, lons: list[float], lats: list[float]) -> list[bool]:
        """Whether each point lies in Iraq, tested all at once (100,000 points in about 0.05 s)."""
        return shapely.contains_xy(self.iraq, lons, lats).tolist() if lons else []

    def region_of(self, lon: float, lat: float) -> str:
        """'kurdistan' when the point lies in the Kurdistan Region polygon, else 'federal'."""
        return "kurdistan" if self._prepared["kurdistan"].covers(Point(lon, lat)) else "federal"

    def km_outside(self, governorate: str, lon: float, lat: float) -> float | None:
        """How far a point lies outside a governorate's polygon (0 inside); None for an unknown name."""
        geometry = self.governorates.get(governorate)
        if geometry is None:
            return None
        point = Point(lon, lat)
        if self._prepared[governorate].covers(point):
            return 0.0
        nearest = nearest_points(geometry, point)[0]
        return haversine_km(lon, lat, nearest.x, nearest.y)

    def governorate_of(self, lon: float, lat: float) -> str | None:
        """The governorate whose polygon holds the point, or None outside them all."""
        point = Point(lon, lat)
        for name in self.governorates:
            if self._prepared[name].covers(point):
                return name
        return None


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere; ample for "is this point where it claims to be"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def looks_swapped(lon: float, lat: float) -> bool:
    """True when [lon, lat] is outside Iraq's bounds but [lat, lon] would be inside them."""

    def inside(x: float, y: float) -> bool:
        return _LON_RANGE[0] <= x <= _LON_RANGE[1] and _LAT_RANGE[0] <= y <= _LAT_RANGE[1]

    return not inside(lon, lat) and inside(lat, lon)


def _read_polygons(folder: Path, name: str, problems: list[Problem]) -> list[tuple[dict, BaseGeometry]]:
    text, bad = read_text(folder / name)
    problems += bad
    if text is None:
        return []
    doc, bad = parse_json(text, name)
    problems += bad
    if doc is None:
        return []
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        problems.append(Problem(name, "", "", "is not a GeoJSON FeatureCollection with features"))
        return []
    out = []
    for index, feature in enumerate(features):
        try:
            geometry = shape(feature["geometry"])
        except Exception as err:  # shapely raises many kinds for malformed geometry
            problems.append(Problem(name, f"features[{index}]", "geometry", f"is not a valid geometry ({err})"))
            continue
        if geometry.geom_type not in {"Polygon", "MultiPolygon"} or not geometry.is_valid:
            problems.append(Problem(name, f"features[{index}]", "geometry", "is not a valid (multi)polygon"))
            continue
        out.append((feature.get("properties") or {}, geometry))
    return out


def load_boundaries(folder: Path) -> tuple[Boundaries | None, list[Problem]]:
    """Read the three boundary files of a data folder."""
    problems: list[Problem] = []
    iraq = _read_polygons(folder, IRAQ_FILE, problems)
    kurdistan = _read_polygons(folder, KURDISTAN_FILE, problems)
    governorates = _read_polygons(folder, GOVERNORATES_FILE, problems)
    neighbours = _read_polygons(folder, NEIGHBOURS_FILE, problems)
    if problems or not (iraq and kurdistan and governorates):
        return None, problems
    by_name = {}
    for index, (props, geometry) in enumerate(governorates):
        name = props.get("name")
        if not isinstance(name, str):
            problems.append(Problem(GOVERNORATES_FILE, f"features[{index}]", "properties.name", "is missing"))
            continue
        by_name[name] = geometry
    if problems:
        return None, problems
    iraq_doc = {"type": "FeatureCollection", "features": [_feature(p, g) for p, g in iraq]}
    kurdistan_doc = {"type": "FeatureCollection", "features": [_feature(p, g) for p, g in kurdistan]}
    neighbours_doc = {"type": "FeatureCollection", "features": [_feature(p, g) for p, g in neighbours]}
    return (
        Boundaries(
            iraq=iraq[0][1],
            kurdistan=kurdistan[0][1],
            governorates=by_name,
            iraq_geojson=iraq_doc,
            kurdistan_geojson=kurdistan_doc,
            neighbours_geojson=neighbours_doc,
        ),
        [],
    )


def _feature(props: dict, geometry: BaseGeometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry)}


# Drawing tolerance in degrees (about 300 m): the map's polygons are sent to the browser on every rerun.
DISPLAY_TOLERANCE = 0.003


def _display(collection: dict[str, Any]) -> dict[str, Any]:
    features = []
    for feature in collection["features"]:
        geometry = shapely.set_precision(shape(feature["geometry"]).simplify(DISPLAY_TOLERANCE), 1e-4)
        features.append({**feature, "geometry": mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}
