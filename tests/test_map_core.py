"""The map's pure parts: views and links, click handling, layers, popups, the standalone export."""

from __future__ import annotations

import re

import pytest
from streamlit_folium import _get_feature_group_string

from presence.dataset import Dataset
from presence.details import md, sources_markdown
from presence.layers import base_map, standalone_html, year_layers
from presence.markers import fan_offsets
from presence.models import Source
from presence.popups import source_links
from presence.view import View, clicked, params_for, view_from_params


@pytest.mark.parametrize(
    ("params", "expected", "ignored"),
    [
        ({}, View(year=2026), 0),
        ({"year": "2011", "site": "al-asad"}, View(year=2011, site="al-asad"), 0),
        (
            {"year": "2011", "site": "al-asad", "event": "2020-01-08-iran-missiles-al-asad"},
            View(year=2011, event="2020-01-08-iran-missiles-al-asad"),
            0,
        ),
        ({"year": "2030"}, View(year=2026), 1),
        ({"year": "²⁰²⁰"}, View(year=2026), 1),  # digits to str.isdigit(), not to int()
        ({"year": "20x1", "site": "nowhere", "basemap": "x"}, View(year=2026), 3),
        ({"basemap": "none", "through": "1"}, View(year=2026, basemap="none", through=True), 0),
    ],
)
def test_view_from_params(dataset: Dataset, params, expected, ignored):
    if "event" in params and params["event"] not in {e.id for e in dataset.events}:
        params["event"] = next(e.id for e in dataset.events if e.date == "2020-01-08")
        expected = View(year=2011, event=params["event"])
    view, notes = view_from_params(params, dataset)
    assert view == expected
    assert len(notes) == ignored


@pytest.mark.parametrize(
    "view", [View(year=2003), View(year=2020, site="harir", basemap="none"), View(year=2011, event="x", through=True)]
)
def test_params_round_trip(dataset: Dataset, view):
    if view.event:
        view = View(year=2011, event=dataset.events[0].id, through=True)
    assert view_from_params(params_for(view), dataset)[0] == view


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"last_active_drawing": {"properties": {"layer": "site", "id": "al-asad"}}}, ("site", "al-asad")),
        ({"last_active_drawing": {"properties": {"layer": "event", "id": "e-1"}}}, ("event", "e-1")),
        ({"last_active_drawing": {"properties": {"name": "Kurdistan Region"}}}, None),
        ({"last_active_drawing": None}, None),
        ({"last_active_drawing": {"properties": {"layer": "site", "id": 5}}}, None),
        (None, None),
        ("junk", None),
    ],
)
def test_clicked(value, expected):
    assert clicked(value) == expected


def rendered_layers(dataset: Dataset, year: int) -> str:
    fmap = base_map(dataset.boundaries, "none")
    return "".join(_get_feature_group_string(g, fmap, i) for i, g in enumerate(year_layers(dataset, year)))


def test_year_layers_render_identically_run_after_run(dataset: Dataset):
    # Identical scripts let streamlit-folium keep the layers (and an open popup) across reruns.
    assert rendered_layers(dataset, 2020) == rendered_layers(dataset, 2020)
    assert rendered_layers(dataset, 2020) != rendered_layers(dataset, 2019)


def test_base_map_loads_nothing_from_the_internet(dataset: Dataset):
    html = base_map(dataset.boundaries, "none").get_root().render()
    assert re.findall(r'<script src="(https?:[^"]+)"', html) == []
    assert re.findall(r'<link rel="stylesheet" href="(https?:[^"]+)"', html) == []
    assert '<script src="/app/static/vendor/leaflet/leaflet.js">' in html


def test_base_map_does_not_change_with_the_year(dataset: Dataset):
    # Everything year-dependent is in the feature groups; the base map's script decides if the iframe is rebuilt.
    a = base_map(dataset.boundaries, "osm").get_root().render()
    b = base_map(dataset.boundaries, "osm").get_root().render()
    strip = re.compile(r"_[0-9a-f]{32}")
    assert strip.sub("", a) == strip.sub("", b)
    assert "data-year" not in a


def test_events_sharing_a_point_are_fanned_out_distinctly():
    offsets = fan_offsets([(1.0, 1.0)] * 12 + [(2.0, 2.0)])
    assert len(set(offsets[:12])) == 12
    assert offsets[12] == offsets[0]
    assert all(abs(dx) + abs(dy) > 10 for dx, dy in offsets)


def test_standalone_export_is_self_contained(dataset: Dataset):
    html = standalone_html(dataset, 2020, "none")
    assert "/app/static/" not in html
    assert re.findall(r"<script src=", html) == []
    assert "L.map(" in html and 'data-year", "2020"' in html
    assert "Al-Asad Air Base" in html


HOSTILE = Source(
    id="x",
    title='<img src=x onerror="alert(1)">[a](javascript:alert(2)) $x$ :red[y]',
    publisher="<b>P</b>",
    published="2020",
    url="https://example.org/a_(b)",
    accessed="2026-01-01",
)


def test_source_links_escape_html():
    html = source_links(["x"], {"x": HOSTILE})
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>" not in html
    assert 'href="https://example.org/a_(b)"' in html


def test_markdown_escapes_links_directives_and_latex():
    text = sources_markdown(["x"], {"x": HOSTILE})
    assert "[a](javascript" not in text and "\\[a\\]\\(javascript" in text
    assert "\\$x\\$" in text and "\\:red\\[y\\]" in text
    assert "(https://example.org/a_%28b%29)" in text
    assert md("*bold* _it_ `code`") == "\\*bold\\* \\_it\\_ \\`code\\`"


def synthetic_events(n: int, dataset: Dataset) -> list:
    template = next(e for e in dataset.events if e.site_id == "al-asad")
    return [template.model_copy(update={"id": f"e-{i}", "title": f"<b>event {i}</b>"}) for i in range(n)]


@pytest.mark.parametrize(("count", "mode"), [(10, "GeoJson"), (2_000, "FastMarkerCluster"), (25_000, "cells")])
def test_events_layer_mode_follows_the_number_of_events(dataset: Dataset, count, mode):
    from presence.event_layer import events_layer

    group = events_layer(synthetic_events(count, dataset), dataset.sites_by_id, dataset.sources_by_id)
    child = next(iter(group._children.values()))
    html = _render(group, dataset)
    if mode == "cells":
        assert type(child).__name__ == "GeoJson" and '"layer": "cell"' in html and f"{count:,} events" in html
    else:
        assert type(child).__name__ == mode
    assert "<b>event" not in html  # titles are escaped in every mode
    assert "cdnjs" not in html and "cdn.jsdelivr" not in html


def _render(group, dataset: Dataset) -> str:
    fmap = base_map(dataset.boundaries, "none")
    return _get_feature_group_string(group, fmap, 0)
