"""Take the README's screenshot of the running app: python scripts/screenshot.py [URL query]."""

from __future__ import annotations

import sys

from harness import MAP_FRAME, ROOT, close_network, launch, new_context, serve
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "screenshot.png"


def main(query: str = "?year=2020&site=al-asad&basemap=none") -> None:
    with serve() as (base, _), sync_playwright() as playwright:
        browser = launch(playwright)
        context = new_context(browser, viewport={"width": 1440, "height": 1250})
        close_network(context, base)
        page = context.new_page()
        page.goto(base + "/" + query)
        page.wait_for_selector(MAP_FRAME, state="attached", timeout=30_000)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".year-badge").wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        OUT.parent.mkdir(exist_ok=True)
        page.locator('[data-testid="stMain"]').screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
