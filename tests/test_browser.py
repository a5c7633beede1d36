"""The real app in headless Chromium, with the network closed to everything but the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import TILE_HOSTS, Session
from harness import MAP_FRAME, new_context, serve
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from presence.dataset import BUNDLED_DATA, load_dataset
from presence.years import site_status

pytestmark = pytest.mark.browser
DATA = load_dataset(BUNDLED_DATA)


@pytest.fixture(scope="module")
def app_url():
    with serve() as (base, _process):
        yield base


@pytest.fixture
def session(browser, app_url):
    tab = Session(browser, app_url)
    yield tab
    tab.context.close()


def test_map_renders_every_site_marker_and_the_kurdistan_region(session):
    session.open("?year=2020&basemap=none")
    markers = session.map.locator(".leaflet-marker-pane .site-marker")
    expect(markers).to_have_count(len(DATA.sites))
    assert session.badge_year() == "2020"
    region = session.map.locator('path.leaflet-interactive[stroke="#b36b00"]')
    expect(region).to_have_count(1)
    assert session.map.locator(".map-legend").is_visible()
    assert session.unexpected_errors() == []


def test_clicking_al_asad_opens_its_popup_with_a_source_link_and_fills_the_details(session):
    session.open("?year=2020&basemap=none")
    session.click_in_map(".site-al-asad")
    popup = session.map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Al-Asad Air Base")
    expect(popup).to_contain_text("2020")
    link = popup.locator("ol.sources a").first
    assert link.get_attribute("href").startswith(("https://", "http://"))
    assert link.get_attribute("rel") == "noopener noreferrer"
    # Each presence period and handover says how strong its evidence is, each source what kind it is.
    site = DATA.sites_by_id["al-asad"]
    expect(popup.locator(".grade")).to_have_count(len(site.presence) + len(site.handovers))
    assert popup.locator(".grade").first.get_attribute("title")
    expect(popup.locator("ol.sources .kind").first).to_have_text(re.compile("official|wire service|news outlet"))
    details = session.page.locator(".st-key-details")
    expect(details).to_contain_text("Al-Asad Air Base", timeout=15_000)
    expect(details).to_contain_text("Sources")
    expect(session.page).to_have_url(re.compile(re.escape("site=al-asad")))
    assert session.unexpected_errors() == []


def component_elements(frames: list[bytes]) -> list[int]:
    """Sizes of the map components sent in full among websocket frames (a cached one is a small reference)."""
    sizes = []
    for frame in frames:
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        new = msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
        if new and msg.delta.new_element.WhichOneof("type") == "component_instance":
            sizes.append(len(frame))
    return sizes


def test_moving_the_slider_sends_no_map_data_and_keeps_the_map(session):
    frames: list[bytes] = []
    session.page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    session.open("?year=2026&basemap=none")
    session.map.locator("body").evaluate("() => { window.__sameMap = 'yes'; }")
    expect(session.map.locator(".site-al-asad.status-left")).to_have_count(1)
    thumb = session.page.locator('[data-testid="stSlider"] input[type="range"]')
    for year in range(2025, 2019, -1):
        frames.clear()
        thumb.press("ArrowLeft")
        expect(session.map.locator(f'.year-badge[data-year="{year}"]')).to_have_count(1, timeout=15_000)
        session.settled()
        assert component_elements(frames) == []  # the map itself was not sent again
        assert sum(len(f) for f in frames) < 5_000, year
        for site in DATA.sites:  # every marker shows its status of the year
            status = site_status(site, year).status.value
            expect(session.map.locator(f".site-{site.id}")).to_have_class(re.compile(rf"\bstatus-{status}\b"))
    assert session.map.locator("body").evaluate("() => window.__sameMap") == "yes"
    expect(session.page).to_have_url(re.compile(re.escape("year=2020")))
    assert session.unexpected_errors() == []


def test_a_link_opens_its_view(session):
    session.open("?year=2011&site=al-asad&basemap=none")
    assert session.badge_year() == "2011"
    expect(session.map.locator(".site-al-asad.status-left")).to_have_count(1)
    expect(session.page.locator(".st-key-details")).to_contain_text("Al-Asad Air Base", timeout=15_000)
    expect(session.map.locator(".site-al-asad.selected")).to_have_count(1)  # the linked site stands out
    assert session.unexpected_errors() == []


def test_map_works_with_the_default_tiles_refused(session):
    session.open("?year=2003")
    expect(session.map.locator(".leaflet-marker-pane .site-marker")).to_have_count(len(DATA.sites))
    assert session.badge_year() == "2003"
    assert all(any(h in u for h in TILE_HOSTS) for u in session.refused)
    assert session.unexpected_errors() == []


@pytest.fixture(scope="module")
def published(tmp_path_factory, app_url, browser) -> Path:
    """The map as a reader downloads it from the app."""
    tab = Session(browser, app_url).open("?year=2020&basemap=none")
    with tab.page.expect_download(timeout=30_000) as download:
        tab.page.get_by_role("button", name="Download this map as HTML").click()
    path = tmp_path_factory.mktemp("published") / "map.html"
    download.value.save_as(path)
    tab.context.close()
    return path


@pytest.mark.parametrize("width", [1440, 390])
def test_the_published_map_works_offline_on_its_own(browser, published, width):
    assert published.stat().st_size < 3 * 1024 * 1024
    offline = new_context(browser, viewport={"width": width, "height": 844})
    requested: list[str] = []

    def only_the_file(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    offline.route("**/*", only_the_file)
    page = offline.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
    page.goto(published.as_uri())
    expect(page.locator(".leaflet-marker-pane .site-marker")).to_have_count(len(DATA.sites))
    expect(page.locator(".year-badge")).to_have_attribute("data-year", "2020")  # the year it was downloaded on
    expect(page.locator(".figures-panel")).to_contain_text("US troops in Iraq")
    page.locator(".year-input").fill("2007")  # the slider
    expect(page.locator(".year-badge")).to_have_attribute("data-year", "2007")
    expect(page.locator(".figures-panel")).to_contain_text("2007")
    for site in DATA.sites:
        status = site_status(site, 2007).status.value
        expect(page.locator(f".site-{site.id}")).to_have_class(re.compile(rf"\bstatus-{status}\b"))
    page.locator(".site-al-asad").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Al-Asad Air Base")
    expect(popup).to_contain_text("2007:")
    assert popup.locator("ol.sources a").count() == len(set(site_sources_of("al-asad")))  # every source, no panel
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".year-input").fill("2024")
    page.get_by_role("button", name="Play").click()  # plays to the last year, then stops
    expect(page.locator(".year-badge")).to_have_attribute("data-year", str(DATA.years.stop - 1), timeout=10_000)
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=5_000)
    expect(page.locator(".credit-line")).to_contain_text(DATA.metadata.credit)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    expect(page.locator(".offline-map .place-label.country span", has_text="Syria")).to_be_visible()  # neighbours
    assert requested == [] and errors == []
    offline.close()


def site_sources_of(site_id: str) -> list[str]:
    site = DATA.sites_by_id[site_id]
    return [
        *site.source_ids,
        *(i for p in site.presence for i in p.source_ids),
        *(i for h in site.handovers for i in h.source_ids),
    ]


def test_the_offline_map_shows_neighbours_governorates_and_cities(session):
    session.open("?year=2020&basemap=none")
    for label in ("Syria", "Iran", "Turkey", "Saudi Arabia", "Kuwait", "Jordan"):
        expect(session.map.locator(".place-label.country span", has_text=label)).to_be_visible()
    for label in ("Baghdad", "Basra", "Mosul", "Erbil"):
        expect(session.map.locator(".place-label.city span", has_text=label)).to_be_visible()
    neighbours = session.map.locator("path.neighbour")
    expect(neighbours).to_have_count(len(DATA.boundaries.neighbours_geojson["features"]))
    expect(session.map.locator("path.governorate-line")).to_have_count(18)
    shown = "els => els.every(e => getComputedStyle(e).visibility === 'visible')"
    assert neighbours.evaluate_all(shown) and session.map.locator("path.governorate-line").evaluate_all(shown)
    assert session.unexpected_errors() == []


def test_tiles_that_cannot_load_give_way_to_the_offline_map(session):
    session.open("?year=2020")  # OpenStreetMap tiles, refused by the closed network
    expect(session.map.locator(".leaflet-container.offline-map")).to_have_count(1, timeout=15_000)
    expect(session.map.locator(".leaflet-tile-pane img")).to_have_count(0)
    expect(session.map.locator(".place-label.city span", has_text="Baghdad")).to_be_visible()
    expect(session.map.locator(".leaflet-control-attribution")).to_contain_text("offline map")


def test_play_steps_through_the_years_and_stops_at_the_end(session):
    session.open("?year=2024&basemap=none")
    session.page.get_by_role("button", name="Play").click()
    expect(session.map.locator('.year-badge[data-year="2025"]')).to_have_count(1, timeout=10_000)
    expect(session.map.locator('.year-badge[data-year="2026"]')).to_have_count(1, timeout=10_000)
    expect(session.page.get_by_role("button", name="Play")).to_be_visible(timeout=10_000)
    session.settled()
    assert session.badge_year() == "2026"
    expect(session.page).to_have_url(re.compile(re.escape("year=2026")))
    assert session.unexpected_errors() == []


def test_clicking_an_event_shows_its_story(session):
    session.open("?year=2020&basemap=none")
    markers = session.map.locator(".event-marker")
    expect(markers).to_have_count(sum(e.date.startswith("2020") and e.lon is not None for e in DATA.events))
    session.click_in_map("." + session.in_the_open(".event-marker.category-attack"))
    expect(session.map.locator(".leaflet-popup-content")).to_contain_text("Casualties")
    details = session.page.locator(".st-key-details")
    expect(details).to_contain_text("Casualties:", timeout=15_000)
    expect(session.page).to_have_url(re.compile(re.escape("event=")))
    assert session.unexpected_errors() == []


@pytest.mark.parametrize(
    ("path", "heading"), [("Timeline", "Timeline"), ("Events", "Events"), ("Sources", "Sources and method")]
)
def test_every_page_renders_without_errors(session, path, heading):
    session.page.goto(f"{session.base}/{path}?year=2011")
    expect(session.page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
    if path == "Timeline":
        expect(session.page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(4, timeout=30_000)
        expect(session.page.locator('[data-testid="stSlider"] input[type="range"]')).to_have_value("2011")
    if path == "Events":
        expect(session.page.get_by_text(f"{len(DATA.events)} of {len(DATA.events)} events")).to_be_visible()
    session.settled()
    assert session.unexpected_errors() == []


def test_the_pages_share_the_year(session):
    session.open("?year=2016&basemap=none")
    session.page.get_by_role("link", name="Timeline").click()
    expect(session.page.locator('[data-testid="stSlider"] input[type="range"]')).to_have_value("2016", timeout=30_000)
    session.page.get_by_role("link", name="Map").click()
    session.map = session.page.frame_locator(MAP_FRAME)
    expect(session.map.locator('.year-badge[data-year="2016"]')).to_have_count(1, timeout=30_000)
    assert session.unexpected_errors() == []


def test_the_browser_is_the_same_on_every_machine(session):
    """Layout depends on fonts, window, scale, locale and time zone: the harness fixes each of them."""
    session.open("?year=2020&basemap=none")
    frame = session.page.frame(url=lambda u: "st_folium" in u)
    seen = frame.evaluate(
        """() => {
            const ctx = document.createElement('canvas').getContext('2d');
            const width = font => { ctx.font = font; return ctx.measureText('Al-Asad Air Base قاعدة').width; };
            return {
                sans: width('20px sans-serif'), systemUi: width('20px system-ui'), dejavu: width('20px "DejaVu Sans"'),
                liberation: width('20px "Liberation Sans", monospace'), mono: width('20px monospace'),
                dejavuMono: width('20px "DejaVu Sans Mono"'),
                zone: Intl.DateTimeFormat().resolvedOptions().timeZone, language: navigator.language,
                scale: window.top.devicePixelRatio, width: window.top.innerWidth, height: window.top.innerHeight,
            };
        }"""
    )
    assert seen["sans"] == seen["systemUi"] == seen["dejavu"]  # the generic families are DejaVu Sans
    assert seen["mono"] == seen["dejavuMono"]
    assert seen["liberation"] == seen["mono"]  # a font of the machine's, not the project's, is not seen
    assert (seen["zone"], seen["language"], seen["scale"]) == ("UTC", "en-US", 1)
    assert (seen["width"], seen["height"]) == (1400, 1000)


def test_the_site_list_finds_a_site_by_another_name(session):
    session.open("?year=2008&basemap=none")
    box = session.page.get_by_role("combobox", name="Site")
    box.click()
    box.press_sequentially("Camp Cupcake")  # an alias of Al-Asad Air Base
    session.page.get_by_role("option", name=re.compile("Al-Asad Air Base")).click()
    expect(session.page.locator(".st-key-details")).to_contain_text("Al-Asad Air Base", timeout=15_000)
    expect(session.page).to_have_url(re.compile("site=al-asad"))
    assert session.unexpected_errors() == []


def test_sites_sharing_a_point_stay_apart_and_clickable(session):
    # Sites of the 2010s stand on one point in Baghdad's International Zone; at the opening zoom they are
    # packed side by side, none hiding another, each clickable.
    session.open("?year=2020&basemap=none")
    union = DATA.sites_by_id["union-iii"]
    shared = [s.id for s in DATA.sites if (s.lon, s.lat) == (union.lon, union.lat)]
    assert len(shared) >= 2
    selector = ", ".join(f".site-{i}" for i in shared)
    expect(session.map.locator(selector)).to_have_count(len(shared))
    boxes = session.map.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:  # no two markers overlap
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    target = shared[-1]
    session.click_on_screen(f".site-{target}")
    expect(session.page).to_have_url(re.compile(f"site={target}"), timeout=15_000)
    expect(session.page.locator(".st-key-details")).to_contain_text(DATA.sites_by_id[target].name)
    assert session.unexpected_errors() == []
