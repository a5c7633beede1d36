"""A browser tab on the running app that records everything that goes wrong in it."""

from __future__ import annotations

import re

from harness import MAP_FRAME, close_network, new_context
from playwright.sync_api import Page

TILE_HOSTS = ("tile.openstreetmap.org", "server.arcgisonline.com")


class Session:
    """A browser tab on the app, recording console errors, page errors and refused requests."""

    def __init__(self, browser, base: str, **context_options):
        self.context = new_context(browser, **context_options)
        self.refused = close_network(self.context, base)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.failed: list[str] = []
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.base = base

    def open(self, query: str = ""):
        self.page.goto(self.base + "/" + query)
        self.page.wait_for_selector(MAP_FRAME, state="attached", timeout=30_000)
        self.map = self.page.frame_locator(MAP_FRAME)
        self.map.locator(".year-badge").wait_for(timeout=30_000)
        self.settled()
        return self

    def settled(self):
        """Wait until the app has finished running its script (Streamlit marks its root element)."""
        self.page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=30_000)

    def _map_in_view(self, selector: str):
        """Scroll the map to the middle of the window, then wait until neither the map's frame in the page nor
        the element in the map has moved for three drawn frames: Streamlit's layout and Leaflet's view both
        settle after a run, and a click in between lands elsewhere."""
        self.settled()
        frame = self.page.locator(MAP_FRAME)
        frame.evaluate("e => e.scrollIntoView({block: 'center'})")
        element = self.map.locator(selector)
        still, last = 0, None
        while still < 3:
            now = (
                frame.evaluate(
                    "e => new Promise(r => requestAnimationFrame(() => r(JSON.stringify(e.getBoundingClientRect()))))"
                ),
                element.evaluate("e => JSON.stringify(e.getBoundingClientRect())"),
            )
            still = still + 1 if now == last else 0
            last = now

    def click_in_map(self, selector: str):
        """Click an element of the map: a click event sent to the element itself, so that the test does not
        depend on what lies under the pointer while the page's layout settles. Whether a marker can be
        clicked where it stands is tested on its own (`click_on_screen`)."""
        self.settled()
        self.map.locator(selector).dispatch_event("click")

    def click_on_screen(self, selector: str):
        """Click an element of the map with the mouse, at its place on the screen."""
        self._map_in_view(selector)
        self.map.locator(selector).click()

    def in_the_open(self, selector: str) -> str:
        """The id class (e.g. `event-2020-01-08-...`) of the first element matching `selector` that nothing
        covers at its centre: at the opening zoom some markers lie under their neighbours."""
        return self.map.locator(selector).evaluate_all(
            """els => {
                const free = els.find(e => {
                    const r = e.getBoundingClientRect();
                    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                    return top && e.contains(top);
                });
                return free ? [...free.classList].find(c => /^(event|site)-/.test(c) && c !== 'event-marker'
                                                       && c !== 'site-marker') : null;
            }"""
        )

    def hover_in_map(self, selector: str):
        """Point at an element of the map (for its tooltip), with the map scrolled into view."""
        self._map_in_view(selector)
        self.map.locator(selector).hover()

    def badge_year(self) -> str:
        return self.map.locator(".year-badge").get_attribute("data-year")

    def unexpected_errors(self) -> list[str]:
        """Script errors, console errors, and failed or refused requests, less the two expected kinds:
        map tiles refused offline, and Streamlit's own probe of `<page>/_stcore/...` when a page URL is
        opened directly (it then finds the server at the root)."""
        bad_refusals = [u for u in self.refused if not any(h in u for h in TILE_HOSTS)]
        probe = re.compile(r"^404 http://127\.0\.0\.1:\d+/[^/]+/_stcore/(health|host-config)$")
        bad_responses = [r for r in self.failed if not probe.match(r)]
        # Each failed request is also logged to the console as "Failed to load resource"; judged above.
        console = [e for e in self.errors if not e.startswith("Failed to load resource")]
        return bad_refusals + bad_responses + console
