"""data/README.md documents every field of every data file; a field missing from it fails here."""

from __future__ import annotations

import csv
import json
import re

import pytest

from presence.dataset import BUNDLED_DATA, FOOTPRINT_COLUMNS, SOURCE_COLUMNS, TOTALS_COLUMNS, TROOP_COLUMNS
from presence.models import City, Event, Handover, Metadata, Presence, Site

README = BUNDLED_DATA / "README.md"


def documented() -> dict[str, set[str]]:
    """{file name: fields in the first column of its section's table}."""
    fields: dict[str, set[str]] = {}
    current: list[str] = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = re.findall(r"`([\w.]+)`", line)
            for name in current:
                fields.setdefault(name, set())
        elif current and (match := re.match(r"\|\s*`([\w.\[\]]+)`\s*\|", line)):
            for name in current:
                fields[name].add(match.group(1))
    return fields


def model_fields(model, *, geometry: bool = False) -> set[str]:
    names = set(model.model_fields) - {"lon", "lat"}
    return names | {"geometry"} if geometry else names


EXPECTED = {
    "metadata.json": model_fields(Metadata),
    "sites.geojson": model_fields(Site, geometry=True)
    | {f"presence[].{f}" for f in Presence.model_fields}
    | {f"handovers[].{f}" for f in Handover.model_fields},
    "events.geojson": model_fields(Event, geometry=True),
    "troop_levels.csv": set(TROOP_COLUMNS),
    "sources.csv": set(SOURCE_COLUMNS),
    "cities.geojson": model_fields(City, geometry=True),
    "footprint.csv": set(FOOTPRINT_COLUMNS),
    "yearly_totals.csv": set(TOTALS_COLUMNS),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_schema_field_is_documented(name):
    missing = EXPECTED[name] - documented().get(name, set())
    assert not missing, f"data/README.md does not document {sorted(missing)} of {name}"


def present_fields(name: str) -> set[str]:
    """The fields actually used in a shipped file."""
    path = BUNDLED_DATA / name
    if name.endswith(".csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            return set(csv.DictReader(handle).fieldnames or [])
    doc = json.loads(path.read_text(encoding="utf-8"))
    if name.endswith(".json"):
        return set(doc)
    keys = {"geometry"}
    for feature in doc["features"]:
        props = feature["properties"]
        keys |= set(props)
        for nested in ("presence", "handovers"):
            for item in props.get(nested, []) if isinstance(props.get(nested), list) else []:
                keys |= {f"{nested}[].{k}" for k in item}
    return keys


SHIPPED = sorted(p.name for p in BUNDLED_DATA.iterdir() if p.suffix in {".json", ".geojson", ".csv"})


@pytest.mark.parametrize("name", SHIPPED)
def test_every_field_in_the_shipped_files_is_documented(name):
    missing = present_fields(name) - documented().get(name, set())
    assert not missing, f"data/README.md does not document {sorted(missing)} of {name}"


def test_the_files_table_lists_every_data_file():
    text = README.read_text(encoding="utf-8")
    table = text.split("## Files", 1)[1].split("Conventions", 1)[0]
    listed = set(re.findall(r"`([\w.]+\.(?:json|geojson|csv))`", table))
    assert listed == set(SHIPPED)


def test_the_files_table_gives_the_true_record_counts(dataset):
    text = README.read_text(encoding="utf-8")
    counts = {
        "sites.geojson": len(dataset.sites),
        "events.geojson": len(dataset.events),
        "troop_levels.csv": len(dataset.troop_levels),
        "sources.csv": len(dataset.sources),
        "footprint.csv": len(dataset.footprint),
        "yearly_totals.csv": len(dataset.yearly_totals),
        "cities.geojson": len(dataset.cities),
    }
    for name, count in counts.items():
        row = re.search(rf"\| `{re.escape(name)}` \|[^|]*\| (\d+) \|", text)
        assert row and int(row.group(1)) == count, f"data/README.md gives the wrong count for {name}"


def test_the_project_readme_gives_the_true_counts(dataset):
    text = (BUNDLED_DATA.parent / "README.md").read_text(encoding="utf-8")
    assert f"{len(dataset.sites)} sites, {len(dataset.events)} events" in text
    assert f"{len(dataset.sources)} sources" in text
