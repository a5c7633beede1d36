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

    def _map_in_view(self):
        # A run under way may still change the page's layout: let it end first. After Streamlit's layout
        # settles, headless Chromium can hit-test the iframe at its earlier position until the page scrolls:
        # scroll the map to the middle and let two frames be drawn.
        self.settled()
        self.page.locator(MAP_FRAME).evaluate(
            "e => new Promise(done => { e.scrollIntoView({block: 'center'}); "
            "requestAnimationFrame(() => requestAnimationFrame(done)); })"
        )

    def click_in_map(self, selector: str):
        """Click an element of the map, with the map scrolled into view."""
        self._map_in_view()
        self.map.locator(selector).click()

    def hover_in_map(self, selector: str):
        """Point at an element of the map (for its tooltip), with the map scrolled into view."""
        self._map_in_view()
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
