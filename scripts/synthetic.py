"""Write a synthetic data folder with N events, for load and scale tests.

The real sites, boundaries, sources and troop levels are kept; events.geojson is replaced by N generated
events with plausible dates (2003 to the as-of date), categories and points inside Iraq (half at the real
sites). Every event cites a real source id so the folder passes validation; titles say they are synthetic.

    python scripts/synthetic.py 100000 synthetic-100k
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sys
from pathlib import Path

from shapely import prepared
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from presence.dataset import BUNDLED_DATA, load_dataset  # noqa: E402
from presence.dates import first_day  # noqa: E402
from presence.validation import latest_fact  # noqa: E402

CATEGORIES = ["attack"] * 6 + ["strike"] * 2 + ["handover", "deployment", "withdrawal", "agreement", "political"]


def synthetic_events(n: int, seed: int = 7) -> list[dict]:
    """N event features as dicts, reproducible for a seed."""
    real = load_dataset(BUNDLED_DATA)
    rng = random.Random(seed)
    iraq = prepared.prep(real.boundaries.iraq)
    west, south, east, north = real.boundaries.iraq.bounds
    first = dt.date(real.metadata.first_year, 3, 20).toordinal()
    span = real.metadata.as_of.toordinal() - first
    sources = [s.id for s in real.sources]
    features = []
    for i in range(n):
        day = dt.date.fromordinal(first + rng.randrange(span + 1)).isoformat()
        category = rng.choice(CATEGORIES)
        site = rng.choice(real.sites) if rng.random() < 0.5 else None
        if site:
            lon, lat = site.lon, site.lat
        else:
            while True:
                lon, lat = round(rng.uniform(west, east), 4), round(rng.uniform(south, north), 4)
                if iraq.contains(Point(lon, lat)):
                    break
        attack = category == "attack"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": f"synthetic-{i:06d}",
                    "date": day,
                    "date_precision": "day",
                    "site_id": site.id if site else None,
                    "category": category,
                    "title": f"Synthetic {category} {i}",
                    "summary": "Generated for load testing; not a real event.",
                    "actor": "Synthetic actor" if attack else None,
                    "actor_attributed_by": None,
                    "us_killed": rng.choice([None, 0, 0, 1]) if attack else None,
                    "us_injured": rng.choice([None, 0, 2]) if attack else None,
                    "other_casualties": None,
                    "location_precision": "site" if site else "city",
                    "location_source_ids": [],
                    "notes": None,
                    "source_ids": [rng.choice(sources)],
                },
            }
        )
    return features


def write_synthetic(folder: Path, n: int, seed: int = 7) -> Path:
    """Copy data/ to `folder` and replace its events with N synthetic ones."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(BUNDLED_DATA, folder)
    features = synthetic_events(n, seed)
    doc = {"type": "FeatureCollection", "features": features}
    (folder / "events.geojson").write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    # The metadata names the latest dated fact, which the generated events may move.
    real = load_dataset(BUNDLED_DATA)
    others = latest_fact(real.sites, [], real.troop_levels, real.footprint)
    facts = [f["properties"]["date"] for f in features] + ([others[0]] if others else [])
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    meta["latest_fact"] = first_day(max(facts, key=first_day)).isoformat()
    (folder / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    write_synthetic(target, count)
    print(f"wrote {count} synthetic events to {target}")
