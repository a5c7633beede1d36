"""A browser tab on the running app that records everything that goes wrong in it."""

from __future__ import annotations

import re

from harness import MAP_FRAME, close_network
from playwright.sync_api import Page

TILE_HOSTS = ("tile.openstreetmap.org", "server.arcgisonline.com")


class Session:
    """A browser tab on the app, recording console errors, page errors and refused requests."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
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
        self.wait_idle()
        return self

    def wait_idle(self):
        """Wait until Streamlit has finished running the script (the map's first value triggers a rerun)."""
        self.page.wait_for_timeout(300)
        self.page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=20_000)
        self.page.wait_for_timeout(300)

    def click_in_map(self, selector: str):
        """Click an element of the map. Scrolling the map into view first matters: after Streamlit's layout
        settles, headless Chromium can hit-test the iframe at its earlier position until the page scrolls."""
        self.page.locator(MAP_FRAME).evaluate("e => e.scrollIntoView({block: 'center'})")
        self.page.wait_for_timeout(200)
        self.map.locator(selector).click()

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
