"""The map's pure parts: views and links, click handling, layers, popups, the standalone export."""

from __future__ import annotations

import re

import pytest
from streamlit_folium import _get_feature_group_string

from presence.dataset import Dataset
from presence.details import md, sources_markdown
from presence.layers import base_map, per_year_events
from presence.markers import fan_offsets
from presence.models import Source
from presence.popups import source_links
from presence.publish import standalone_html
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


def test_base_map_loads_nothing_from_the_internet(dataset: Dataset):
    html = base_map(dataset, "none").get_root().render()
    assert re.findall(r'<script src="(https?:[^"]+)"', html) == []
    assert re.findall(r'<link rel="stylesheet" href="(https?:[^"]+)"', html) == []
    assert '<script src="/app/static/vendor/leaflet/leaflet.js">' in html


def test_the_app_map_does_not_change_with_the_view(dataset: Dataset):
    # streamlit-folium rebuilds the iframe (and resends every year's data) whenever the map's script changes:
    # in the app the map follows the address, so nothing of the year or selection may be in its script.
    from presence.year_map import YearMap, map_literal

    def script() -> str:
        fmap = base_map(dataset, "osm")
        fmap.add_child(YearMap(map_literal(dataset), follow="url"))
        return re.sub(r"_[0-9a-f]{32}", "", fmap.get_root().render())

    assert script() == script()
    assert '"follow":"url"' in script().replace(" ", "")


def test_events_stay_on_the_server_only_beyond_the_client_limit(dataset: Dataset, monkeypatch):
    assert per_year_events(dataset, 2020) == []  # the shipped events live in the map itself
    monkeypatch.setattr("presence.layers.CLIENT_EVENT_LIMIT", 10)
    groups = per_year_events(dataset, 2020, own_events=synthetic_events(11, dataset))
    assert [g.layer_name for g in groups] == ["Events", "Your events"]


def test_events_sharing_a_point_are_fanned_out_distinctly():
    offsets = fan_offsets([(1.0, 1.0)] * 12 + [(2.0, 2.0)])
    assert len(set(offsets[:12])) == 12
    assert offsets[12] == offsets[0]
    assert all(abs(dx) + abs(dy) > 10 for dx, dy in offsets)


def test_standalone_export_is_self_contained(dataset: Dataset):
    html = standalone_html(dataset, 2020, "none")
    assert "/app/static/" not in html
    assert re.findall(r"<script src=", html) == []
    assert "L.map(" in html and "presenceYearMap(" in html
    assert '{"follow": "controls", "through": false, "year": 2020}' in html
    assert "Al-Asad Air Base" in html
    assert len(html.encode()) < 3 * 1024 * 1024  # the size budget of a published map


HOSTILE = Source(
    id="x",
    title='<img src=x onerror="alert(1)">[a](javascript:alert(2)) $x$ :red[y]',
    publisher="<b>P</b>",
    published="2020",
    url="https://example.org/a_(b)",
    accessed="2026-01-01",
    kind="outlet",
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
    fmap = base_map(dataset, "none")
    return _get_feature_group_string(group, fmap, 0)


def test_export_html_writes_the_published_map(tmp_path, capsys):
    from presence.__main__ import main

    out = tmp_path / "map.html"
    assert main(["export-html", str(out), "--year", "2011"]) == 0
    html = out.read_text(encoding="utf-8")
    assert '"year": 2011' in html and "presenceYearMap(" in html
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "status", "message"), [(["--year", "1990"], 2, "--year 1990 is not between")])
def test_export_html_refuses_a_year_outside_the_data(tmp_path, capsys, args, status, message):
    from presence.__main__ import main

    assert main(["export-html", str(tmp_path / "x.html"), *args]) == status
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_export_html_names_the_problems_of_a_broken_folder(data_copy, tmp_path, capsys):
    from presence.__main__ import main

    (data_copy / "sites.geojson").write_text("{", encoding="utf-8")
    assert main(["export-html", str(tmp_path / "x.html"), "--data", str(data_copy)]) == 1
    assert "sites.geojson: is not valid JSON" in capsys.readouterr().err
