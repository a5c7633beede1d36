"""Shared fixtures: the bundled dataset, and throw-away copies of data/ to break on purpose."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from presence.dataset import BUNDLED_DATA, Dataset, load_dataset


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(BUNDLED_DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA, target)
    return target


def edit_features(folder: Path, name: str, change: Callable[[list[dict]], None]) -> None:
    """Apply `change` to the feature list of a GeoJSON file in place."""
    path = folder / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["features"])
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def feature(features: list[dict], ident: str) -> dict:
    return next(f for f in features if f["properties"]["id"] == ident)


def edit_rows(folder: Path, name: str, change: Callable[[list[dict]], list[dict] | None]) -> None:
    """Apply `change` to the rows (dicts) of a CSV file, in place or by returning new rows; keep the header."""
    path = folder / name
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    changed = change(rows)
    rows = rows if changed is None else changed
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


# The browser tests drive the real app; the harness lives with the scripts that use it too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's) for every browser test."""
    from harness import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def own_event(**changes) -> dict:
    """A minimal, well-formed event of a reader's own: nationwide, so without geometry."""
    props = {
        "id": "mine-1",
        "date": "2020-05-01",
        "date_precision": "day",
        "category": "attack",
        "title": "An attack",
        "summary": "Something happened.",
        "location_precision": "country",
        "source_ids": ["my-notes"],
    }
    return {"type": "Feature", "geometry": None, "properties": {**props, **changes}}


def own_features(n: int, **changes) -> bytes:
    """A GeoJSON upload of `n` copies of one own event, written out without building n objects."""
    feature = json.dumps(own_event(**changes))
    return ('{"type":"FeatureCollection","features":[' + ",".join([feature] * n) + "]}").encode()
