"""Hostile data, bad data and two readers at once, in the real app (headless Chromium, network closed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from browsing import Session
from conftest import edit_features, edit_rows, feature, own_event, own_features
from harness import MAP_FRAME, serve
from playwright.sync_api import expect

from presence.dataset import BUNDLED_DATA, check_folder

pytestmark = pytest.mark.browser

# Each payload would set window.__pwned if any of it ran as script or markup.
PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '"><svg onload="window.__pwned = 3">',
    "[click me](javascript:window.__pwned=4)",
    "' onmouseover='window.__pwned = 5' x='",
]
HOSTILE = " | ".join(PAYLOADS)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(BUNDLED_DATA, folder)

    def sites(features):
        props = feature(features, "al-asad")["properties"]
        props.update(
            name="Al-Asad " + PAYLOADS[0], summary=HOSTILE, notes=HOSTILE, name_ar=PAYLOADS[1], aliases=PAYLOADS[2:]
        )
        props["presence"][0]["note"] = HOSTILE

    def events(features):
        for f in features:
            if f["properties"]["site_id"] == "al-asad" and f["properties"]["date"].startswith("2020"):
                f["properties"].update(title="Attack " + PAYLOADS[1], summary=HOSTILE, actor=PAYLOADS[4])

    def sources(rows):
        for row in rows:
            row["title"] = row["title"] + " " + PAYLOADS[0]
            row["publisher"] = PAYLOADS[3]

    edit_features(folder, "sites.geojson", sites)
    edit_features(folder, "events.geojson", events)
    edit_rows(folder, "sources.csv", sources)
    assert check_folder(folder)[1] == []  # hostile, yet valid: it must be shown, as text
    with serve(data_dir=folder) as (base, _):
        yield base


# Markup that would exist only if a payload had been inserted as HTML rather than text.
INJECTED = 'img[src="x"], svg[onload], [onerror], [onmouseover], a[href^="javascript"]'


def pwned(session: Session) -> list:
    frames = [session.page.main_frame, *session.page.main_frame.child_frames]
    return [f.evaluate("() => window.__pwned === undefined ? null : window.__pwned") for f in frames]


def injected(session: Session) -> int:
    """How many elements in the page and its frames carry markup from a payload."""
    frames = [session.page.main_frame, *session.page.main_frame.child_frames]
    return sum(f.locator(INJECTED).count() for f in frames)


def test_hostile_strings_are_shown_as_text_and_never_run(browser, hostile_app):
    session = Session(browser, hostile_app).open("?year=2020&site=al-asad&basemap=none")
    details = session.page.locator(".st-key-details")
    expect(details).to_contain_text(PAYLOADS[0])  # in the site's name
    expect(details).to_contain_text(PAYLOADS[3])  # a publisher that looks like a Markdown link
    expect(details).to_contain_text(PAYLOADS[4])  # in the notes
    # The tooltip first, while no popup is open over the marker.
    session.hover_in_map(".site-al-asad")
    expect(session.map.locator(".leaflet-tooltip")).to_contain_text(PAYLOADS[0])
    session.click_in_map(".site-al-asad")
    popup = session.map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(PAYLOADS[0])
    expect(popup).to_contain_text(PAYLOADS[1])  # the Arabic name
    expect(popup).to_contain_text(PAYLOADS[3])
    # The event on a fresh page, so that nothing depends on how far the site's popup moved the map.
    session.open("?year=2020&basemap=none")
    session.click_in_map(".event-2020-01-08-iran-ballistic-missiles-al-asad")
    expect(popup).to_contain_text("Attack " + PAYLOADS[1])
    expect(popup).to_contain_text(PAYLOADS[4])  # the actor
    expect(details).to_contain_text("Attack " + PAYLOADS[1], timeout=15_000)
    session.settled()
    assert pwned(session) == [None] * len(pwned(session))
    assert injected(session) == 0
    session.context.close()


def own_file(tmp_path: Path, name: str = "mine.geojson", **changes) -> Path:
    """A reader's file of one own event placed at a point near Baghdad."""
    feature = own_event(**{"location_precision": "city", **changes})
    feature["geometry"] = {"type": "Point", "coordinates": [43.0, 33.0]}
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


def private_file(tmp_path: Path) -> Path:
    return own_file(tmp_path, title="My private event " + PAYLOADS[0], summary="Only I should see this.")


@pytest.fixture(scope="module")
def app_url():
    with serve() as (base, _):
        yield base


def test_one_readers_upload_never_reaches_another(browser, app_url, tmp_path):
    alice = Session(browser, app_url).open("?year=2020&basemap=none")
    bob = Session(browser, app_url).open("?year=2020&basemap=none")
    alice.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(private_file(tmp_path))
    expect(alice.page.get_by_text("1 of your events are on the map")).to_be_visible(timeout=20_000)
    expect(alice.map.locator(".own-event")).to_have_count(1, timeout=20_000)
    alice.click_in_map(".own-event")
    expect(alice.map.locator(".leaflet-popup-content")).to_contain_text("Your data, not verified")
    assert pwned(alice) == [None] * len(pwned(alice)) and injected(alice) == 0
    bob.page.reload()
    bob.page.wait_for_selector(MAP_FRAME, state="attached")
    bob.map.locator(".year-badge").wait_for()
    bob.settled()
    assert bob.map.locator(".own-event").count() == 0
    assert bob.page.get_by_text("your events are on the map").count() == 0
    assert "My private event" not in bob.page.content()
    alice.page.get_by_role("button", name="Remove your events").click()
    expect(alice.map.locator(".own-event")).to_have_count(0, timeout=20_000)
    assert alice.unexpected_errors() == [] and bob.unexpected_errors() == []
    alice.context.close()
    bob.context.close()


def test_an_own_event_stays_plain_text_is_marked_yours_and_is_ringed_on_the_map(browser, app_url, tmp_path):
    path = own_file(
        tmp_path,
        "links.geojson",
        id="mine-link",
        title="Read https://evil.example/steal now",
        summary="Write to mallory@evil.example or see www.evil.example/x",
    )
    session = Session(browser, app_url).open("?year=2020&basemap=none")
    session.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    expect(session.map.locator(".own-event")).to_have_count(1, timeout=20_000)
    session.click_in_map(".own-event")
    details = session.page.locator(".st-key-details")
    expect(details).to_contain_text("Your data, not verified", timeout=20_000)
    # As uploaded, but for an invisible word joiner where a link would begin.
    expect(details).to_contain_text("mallory@\u2060evil.example")
    expect(details).to_contain_text("https:\u2060//evil.example/steal")
    # Plain text in the page and in the map's popup: no link was made of the reader's addresses.
    assert session.page.locator('a[href*="evil.example"]').count() == 0
    assert session.map.locator('a[href*="evil.example"]').count() == 0
    # The map rings the selection although its id stays out of the address.
    expect(session.map.locator(".own-event.selected")).to_have_count(1, timeout=20_000)
    assert "mine-link" not in session.page.url
    assert session.unexpected_errors() == []
    session.context.close()


def test_a_broken_data_folder_shows_the_error_not_a_traceback(browser, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA, folder)
    (folder / "sites.geojson").write_text("{not json", encoding="utf-8")
    edit_features(folder, "events.geojson", lambda fs: fs[0]["properties"].update(date="2020-13-01"))
    with serve(data_dir=folder) as (base, _):
        session = Session(browser, base)
        session.page.goto(base + "/")
        expect(session.page.get_by_text("could not be loaded")).to_be_visible(timeout=30_000)
        expect(session.page.get_by_text("sites.geojson: is not valid JSON")).to_be_visible()
        expect(session.page.get_by_text("has no month 13")).to_be_visible()
        assert "Traceback" not in session.page.content()
        session.context.close()


def test_bad_rows_are_listed_and_the_good_ones_can_be_loaded(browser, app_url, tmp_path):
    good = {
        "id": "mine-ok",
        "date": "2020-05-01",
        "date_precision": "day",
        "category": "attack",
        "title": "A good row",
        "summary": "Fine.",
        "location_precision": "city",
        "source_ids": ["my-notes"],
    }
    bad = {**good, "id": "mine-bad", "date": "2020-02-31"}
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.0, 33.0]}, "properties": p}
            for p in (good, bad)
        ],
    }
    path = tmp_path / "[x](javascript:window.__pwned=6) <img src=x onerror=window.__pwned=7>.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    session = Session(browser, app_url).open("?year=2020&basemap=none")
    session.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    sidebar = session.page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("1 row(s) of")).to_be_visible(timeout=20_000)
    expect(sidebar).to_contain_text("mine-bad: date '2020-02-31' is not a real day")
    expect(sidebar).to_contain_text("[x](javascript:window.__pwned=6) <img src=x onerror=window.__pwned=7>.geojson")
    assert injected(session) == 0
    sidebar.get_by_role("button", name="Load the 1 good rows").click()
    expect(session.map.locator(".own-event")).to_have_count(1, timeout=20_000)
    assert pwned(session) == [None] * len(pwned(session))
    assert session.unexpected_errors() == []
    session.context.close()


def test_an_acled_file_keeps_other_conflict_apart_from_the_us_figures(browser, app_url, tmp_path):
    from test_acled import ROWS, acled_file

    rows = {what: row for what, row, _ in ROWS}
    path = tmp_path / "acled-iraq.csv"
    path.write_bytes(acled_file(rows["militia drone attack on US forces"], rows["Iraqi army clash with IS at Hawija"]))
    session = Session(browser, app_url).open("?year=2024&basemap=none")
    attacks = session.page.locator('[data-testid="stMetric"]').filter(has_text="Attacks on the map")
    before = int(attacks.locator('[data-testid="stMetricValue"]').inner_text().split()[0])
    session.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    sidebar = session.page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("1 other conflict events (no US or coalition party", timeout=20_000)
    # The attack on US forces is drawn with the year's events and counted; the clash is grey, apart, uncounted.
    expect(session.map.locator(".own-event.category-attack")).to_have_count(1, timeout=20_000)
    expect(session.map.locator(".own-event.category-other_conflict")).to_have_count(1)
    expect(attacks.locator('[data-testid="stMetricValue"]')).to_have_text(f"{before + 1} selected")
    switch = session.map.get_by_label("Other conflict events (no US or coalition party)")
    switch.uncheck()
    expect(session.map.locator(".own-event.category-other_conflict")).to_have_count(0)
    expect(session.map.locator(".own-event.category-attack")).to_have_count(1)
    assert session.unexpected_errors() == []
    session.context.close()


def test_a_heavy_upload_never_holds_another_readers_map(browser, app_url, tmp_path):
    # 100,001 well-formed features: read one by one until the limit refuses the file, several seconds of work
    # in the upload worker, during which another reader steps through the years as usual.
    heavy = tmp_path / "heavy.geojson"
    heavy.write_bytes(own_features(100_001, id="heavy"))
    alice = Session(browser, app_url).open("?year=2020&basemap=none")
    bob = Session(browser, app_url).open("?year=2020&basemap=none")
    alice.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(heavy)
    expect(alice.page.get_by_text("in the background, one upload at a time")).to_be_visible(timeout=20_000)
    thumb = bob.page.locator('[data-testid="stSlider"] input[type="range"]')
    for year in (2021, 2022, 2023):
        thumb.press("ArrowRight")
        expect(bob.map.locator(f'.year-badge[data-year="{year}"]')).to_have_count(1, timeout=15_000)
        bob.settled()
    # Bob's three years came while Alice's file was still being read.
    expect(alice.page.get_by_text("in the background, one upload at a time")).to_be_visible()
    sidebar = alice.page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("has more than 100,000 features", timeout=60_000)
    assert alice.map.locator(".own-event").count() == 0
    assert alice.unexpected_errors() == [] and bob.unexpected_errors() == []
    alice.context.close()
    bob.context.close()
