"""Take the README's screenshots of the running app, as a reader first sees it: the first screen at desktop
size (1440 x 900) and at phone size (390 x 844).

    python scripts/screenshot.py ["?year=2020&site=al-asad&basemap=none"]
"""

from __future__ import annotations

import sys

from harness import MAP_FRAME, ROOT, close_network, launch, new_context, serve
from playwright.sync_api import sync_playwright

SHOTS = {
    "screenshot.png": {"width": 1440, "height": 900},
    "screenshot-phone.png": {"width": 390, "height": 844},
}


def main(query: str = "?year=2020&site=al-asad&basemap=none") -> None:
    with serve() as (base, _), sync_playwright() as playwright:
        browser = launch(playwright)
        for name, viewport in SHOTS.items():
            context = new_context(browser, viewport=viewport)
            close_network(context, base)
            page = context.new_page()
            page.goto(base + "/" + query)
            page.wait_for_selector(MAP_FRAME, state="attached", timeout=30_000)
            page.frame_locator(MAP_FRAME).locator(".year-badge").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # let the popup open and the tiles of the outline settle
            out = ROOT / "docs" / name
            out.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(out))  # the viewport: what is on screen without scrolling
            context.close()
            print(f"wrote {out.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
