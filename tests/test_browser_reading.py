"""Reading the map at desktop and phone width, with the mouse and with the keyboard (headless Chromium)."""

from __future__ import annotations

import json
import re

import pytest
from browsing import Session
from harness import MAP_FRAME, serve
from playwright.sync_api import expect

from presence.dataset import BUNDLED_DATA, load_dataset
from presence.years import Status, site_status

pytestmark = pytest.mark.browser
DATA = load_dataset(BUNDLED_DATA)
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def app_url():
    with serve() as (base, _process):
        yield base


@pytest.fixture(params=list(SIZES))
def reader(request, browser, app_url):
    tab = Session(browser, app_url, viewport=SIZES[request.param])
    tab.size = request.param
    yield tab
    tab.context.close()


def play_button(reader):
    return reader.page.locator(".st-key-play").get_by_role("button", name=re.compile("^(Play|Pause)$"))


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, locator
    return found


def test_the_first_screen_holds_the_slider_play_and_the_map(reader):
    reader.open("?year=2011&basemap=none")
    height = SIZES[reader.size]["height"]
    slider = box(reader.page.locator('.st-key-year_row [data-testid="stSlider"]'))
    play = box(play_button(reader))
    frame = box(reader.page.locator(MAP_FRAME))
    assert slider["y"] >= 0 and slider["y"] + slider["height"] <= height
    assert play["y"] >= 0 and play["y"] + play["height"] <= height
    # Play is beside the slider, not under it.
    assert play["y"] < slider["y"] + slider["height"] and play["x"] > slider["x"]
    # At least a usable part of the map is on screen, under the figures.
    assert frame["y"] + 250 <= height, frame
    # The four figures take at most two rows.
    tops = {round(box(m)["y"]) for m in reader.page.locator('.st-key-figures [data-testid="stMetric"]').all()}
    assert len(tops) <= 2, tops
    assert reader.unexpected_errors() == []


def test_nothing_scrolls_sideways(reader):
    reader.open("?year=2011&basemap=none&site=al-asad")
    expect(reader.page.locator(".st-key-details")).to_contain_text("Al-Asad Air Base", timeout=15_000)
    width = SIZES[reader.size]["width"]
    overflow = reader.page.evaluate(
        """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
            .map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert overflow == [0, 0]
    assert reader.page.evaluate("document.documentElement.scrollWidth") <= width


# Everything a popup must stay clear of, in the map's frame.
CONTROLS = [
    ".year-badge",
    ".leaflet-control-zoom",
    ".leaflet-control-attribution",
    ".map-legend",
    ".leaflet-control-scale",
]
RECTS = """sels => {
  const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const popup = document.querySelector('.leaflet-popup');
  return {
    map: r(document.querySelector('.leaflet-container')),
    popup: popup ? r(popup.querySelector('.leaflet-popup-content-wrapper')) : null,
    controls: sels.map(s => [...document.querySelectorAll(s)].map(r)).flat(),
  };
}"""


def stable_rects(reader) -> dict:
    """The rectangles once the popup has stopped moving (Leaflet pans to show it)."""
    last, still = None, 0
    while still < 3:
        now = reader.map.locator("body").evaluate(f"_ => ({RECTS})({json.dumps(CONTROLS)})")
        still = still + 1 if now == last else 0
        last = now
        reader.page.wait_for_timeout(50)
    return last


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    "marker",
    # A site near the map's west edge with a long popup, a site in the Kurdistan Region, and the event whose
    # popup used to run past the bottom of the map.
    [".site-al-asad", ".site-harir", ".event-2020-01-08-iran-ballistic-missiles-al-asad"],
)
def test_popups_open_in_the_maps_free_area(reader, marker):
    reader.open("?year=2020&basemap=none")
    reader.click_in_map(marker)
    expect(reader.map.locator(".leaflet-popup-content")).to_be_visible()
    rects = stable_rects(reader)
    popup, area = rects["popup"], rects["map"]
    assert area[0] <= popup[0] and popup[2] <= area[2] and area[1] <= popup[1] and popup[3] <= area[3], rects
    assert [c for c in rects["controls"] if overlaps(popup, c)] == [], rects
    assert reader.unexpected_errors() == []


def leaflet_view(reader) -> dict:
    return reader.map.locator("body").evaluate(
        """_ => { const m = Object.values(window).find(v => v instanceof L.Map);
                  return {zoom: m.getZoom(), center: m.getCenter()}; }"""
    )


def pan_far_east(reader) -> None:
    reader.map.locator("body").evaluate(
        "_ => Object.values(window).find(v => v instanceof L.Map).panTo([33, 90], {animate: false})"
    )


def in_map(reader, selector: str) -> bool:
    return reader.map.locator(selector).evaluate(
        """e => { const m = e.closest('.leaflet-container').getBoundingClientRect(), r = e.getBoundingClientRect();
                  const x = r.left + r.width / 2, y = r.top + r.height / 2;
                  return x > m.left && x < m.right && y > m.top && y < m.bottom; }"""
    )


def test_a_site_chosen_in_the_list_is_highlighted_and_brought_into_view(reader):
    reader.open("?year=2020&basemap=none")
    zoom = leaflet_view(reader)["zoom"]
    pan_far_east(reader)
    assert not in_map(reader, ".site-al-asad")
    picker = reader.page.locator('[data-testid="stSelectbox"]').first
    picker.click()
    reader.page.keyboard.type("Al-Asad")
    reader.page.keyboard.press("Enter")
    expect(reader.map.locator(".site-al-asad")).to_have_class(re.compile(r"\bselected\b"), timeout=15_000)
    expect(reader.page.locator(".st-key-details")).to_contain_text("Al-Asad Air Base")
    assert in_map(reader, ".site-al-asad")
    assert leaflet_view(reader)["zoom"] == zoom  # the reader's zoom is kept
    # Only the selection is highlighted.
    expect(reader.map.locator(".site-marker.selected")).to_have_count(1)
    assert reader.unexpected_errors() == []


def test_a_link_to_an_event_highlights_it(reader):
    event = "2020-01-08-iran-ballistic-missiles-al-asad"
    reader.open(f"?year=2020&event={event}&basemap=none")
    expect(reader.map.locator(f".event-{event}")).to_have_class(re.compile(r"\bselected\b"), timeout=15_000)
    assert in_map(reader, f".event-{event}")
    assert reader.unexpected_errors() == []


def test_the_keyboard_path(reader):
    reader.open("?year=2020&basemap=none")
    page = reader.page
    # From Play, a few Tabs (past the figures' help buttons) reach the skip link before any marker.
    play_button(reader).focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('skip-link')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Skip the map: go to the site list"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('[class*=\"st-key-site_pick\"]')")
    # Markers are named buttons: the site and its status; an event by its date and title, not a letter.
    site = reader.map.locator(".site-al-asad")
    status = site_status(DATA.sites_by_id["al-asad"], 2020)
    assert site.get_attribute("role") == "button" and site.get_attribute("tabindex") == "0"
    assert site.get_attribute("aria-label").startswith("Al-Asad Air Base, ")
    assert status.status is Status.PRESENT
    for label in reader.map.locator(".event-marker").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"):
        assert label and len(label) > 12, label
    # Enter on a marker selects it as a click does, and focus goes on to the details.
    site.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".st-key-details h3").first).to_contain_text("Al-Asad Air Base", timeout=15_000)
    expect(page).to_have_url(re.compile(r"site=al-asad"))
    page.wait_for_function("document.activeElement.closest('.st-key-details') !== null", timeout=15_000)
    assert page.evaluate("document.activeElement.tagName") == "H3"
    expect(site).to_have_class(re.compile(r"\bselected\b"))
    assert reader.unexpected_errors() == []


@pytest.mark.parametrize("year", [2008, 2011, 2020])
def test_every_site_can_be_clicked_where_it_stands(browser, app_url, year):
    """No marker, label or shape lies over the centre of a site that hosted US forces (sites above events,
    crowded sites packed apart)."""
    reader = Session(browser, app_url, viewport=SIZES["desktop"]).open(f"?year={year}&basemap=none")
    reader._map_in_view(".site-al-asad")
    covered = reader.map.locator(".site-marker:not(.status-absent)").evaluate_all(
        """els => els.filter(e => {
            const r = e.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !(top && e.contains(top));
        }).map(e => e.className)"""
    )
    hosting = sum(site_status(s, year).status is not Status.ABSENT for s in DATA.sites)
    assert reader.map.locator(".site-marker:not(.status-absent)").count() == hosting
    assert covered == []
    reader.context.close()


def test_every_event_up_to_the_year_fades_with_age(browser, app_url):
    reader = Session(browser, app_url, viewport=SIZES["desktop"]).open("?year=2020&basemap=none&through=1")
    expect(reader.page.get_by_text("Showing every event from 2003 to 2020")).to_be_visible()
    # Baghdad's Green Zone at a zoom where clusters open: attacks of 2020 beside those of earlier years.
    reader.map.locator("body").evaluate(
        "_ => Object.values(window).find(v => v instanceof L.Map).setView([33.30, 44.39], 13, {animate: false})"
    )
    reader.map.locator(".event-marker.current").first.wait_for()
    opacity = reader.map.locator(".event-marker").evaluate_all(
        """els => els.map(e => [e.classList.contains('current') ? 0 : +(e.className.match(/age-(\\d)/) || [0, 9])[1],
                                 +getComputedStyle(e.querySelector('svg')).opacity])"""
    )
    by_age = {}
    for age, value in opacity:
        by_age.setdefault(age, set()).add(value)
    assert by_age[0] == {1.0}  # the year's own events in full
    assert all(max(by_age[a]) < 1 for a in by_age if a)  # older ones paler
    ages = sorted(a for a in by_age if a)
    assert ages and [max(by_age[a]) for a in ages] == sorted((max(by_age[a]) for a in ages), reverse=True)
    reader.context.close()
