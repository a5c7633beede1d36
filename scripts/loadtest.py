"""Load test: N concurrent browser sessions, each stepping the Year slider and opening a site's details.

    python scripts/loadtest.py [--sessions 10] [--presses 30]

Reports errors, slider-to-map latency over every step of every session, and the server's memory at start,
at its peak and after the sessions close; writes bench/loadtest.json and a section of bench/results.md.
Traffic goes only to the app on 127.0.0.1, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from pathlib import Path

from harness import CHROMIUM_ARGS, CONTEXT_OPTIONS, MAP_FRAME, ROOT, browser_env, chromium_path, serve
from playwright.async_api import async_playwright

from bench import BADGE_PROBE, KEY_PROBE, summary

SECTION = re.compile(r"\n## Load test\n.*", re.S)
RECONNECT_WINDOW = 120  # seconds; streamlit.runtime.memory_session_storage's default


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


async def reader(browser, base: str, presses: int, index: int, errors: list[str]) -> list[float]:
    """One reader: open the map, step the slider `presses` times, open Al-Asad's details."""
    context = await browser.new_context(**CONTEXT_OPTIONS)

    async def only_the_app(route):
        await (route.continue_() if route.request.url.startswith(base) else route.abort())

    await context.route("**/*", only_the_app)
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"session {index}: {e}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"session {index}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("response", lambda r: errors.append(f"session {index}: {r.status} {r.url}") if r.status >= 400 else None)
    await page.goto(f"{base}/?year=2026&basemap=none", timeout=120_000)
    await page.wait_for_selector(MAP_FRAME, state="attached", timeout=120_000)
    await page.frame_locator(MAP_FRAME).locator(".site-marker").first.wait_for(timeout=120_000)
    await page.wait_for_timeout(1500)
    frame = page.frame(url=lambda u: "st_folium" in u)
    await page.evaluate(KEY_PROBE)
    await frame.evaluate(BADGE_PROBE)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]')
    times, year, direction = [], 2026, -1
    for _ in range(presses):
        if not 2003 <= year + direction <= 2026:
            direction = -direction
        year += direction
        await slider.press("ArrowLeft" if direction < 0 else "ArrowRight")
        await frame.wait_for_function("y => window.__badges.some(b => b.year === y)", arg=year, timeout=60_000)
        key_t = await page.evaluate("() => window.__keyTimes[window.__keyTimes.length - 1]")
        badge_t = await frame.evaluate("y => window.__badges.filter(b => b.year === y).pop().t", year)
        await frame.evaluate("() => { window.__badges = []; }")
        times.append(badge_t - key_t)
        await page.wait_for_timeout(100)
    await page.get_by_role("combobox", name="Site").click()
    await page.get_by_role("option", name="Al-Asad Air Base").click()
    await page.locator(".st-key-details").get_by_text("Al-Asad Air Base").first.wait_for(timeout=60_000)
    await context.close()
    return times


async def run(sessions: int, presses: int) -> dict:
    with serve() as (base, process):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, env=browser_env()
            )
            warm: list[str] = []
            # The baseline is the server after one whole reader (data loaded, every code path imported and
            # warmed), not a fresh process: the test is whether ten more readers leave memory behind.
            await reader(browser, base, presses, -1, warm)
            await asyncio.sleep(35)  # one housekeeping round
            start_rss = rss_mb(process.pid)
            errors: list[str] = []
            began = time.perf_counter()
            results = await asyncio.gather(
                *(reader(browser, base, presses, i, errors) for i in range(sessions)), return_exceptions=True
            )
            elapsed = time.perf_counter() - began
            failures = [f"session {i}: {r!r}" for i, r in enumerate(results) if isinstance(r, BaseException)]
            times = [t for r in results if isinstance(r, list) for t in r]
            peak_rss = rss_mb(process.pid, "VmHWM")
            # Streamlit keeps a closed session for 2 minutes in case its reader comes back, and drops expired
            # ones when the next session leaves; wait that out, let one reader come and go, then measure.
            await asyncio.sleep(RECONNECT_WINDOW + 5)
            await reader(browser, base, 0, -2, warm)
            await asyncio.sleep(5)
            end_rss = rss_mb(process.pid)
            await browser.close()
    return {
        "sessions": sessions,
        "presses_per_session": presses,
        "seconds": round(elapsed, 1),
        "errors": warm + errors + failures,
        "settle_seconds": RECONNECT_WINDOW + 10,
        "latency_ms": summary(times) if times else None,
        "rss_mb": {
            "start": start_rss,
            "peak": peak_rss,
            "after_close": end_rss,
            "after_close_vs_start": round(end_rss / start_rss - 1, 3),
        },
    }


def markdown(r: dict) -> str:
    lat = r["latency_ms"] or {}
    rss = r["rss_mb"]
    return (
        "\n## Load test\n\n"
        f"{r['sessions']} concurrent browser sessions, {r['presses_per_session']} slider steps each, then a "
        f"site's details; {r['seconds']} s in all. Errors: {len(r['errors'])}.\n\n"
        "| figure | median | p95 | min | max | n |\n|---|---|---|---|---|---|\n"
        f"| slider to map under load (ms) | {lat.get('median')} | {lat.get('p95')} | {lat.get('min')} | "
        f"{lat.get('max')} | {lat.get('n')} |\n\n"
        f"Server memory: {rss['start']} MB at start, {rss['peak']} MB at peak, {rss['after_close']} MB "
        f"{r['settle_seconds']} s after the sessions closed ({rss['after_close_vs_start']:+.1%} of the start).\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()
    result = asyncio.run(run(args.sessions, args.presses))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "loadtest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    report = args.out / "results.md"
    previous = report.read_text(encoding="utf-8") if report.exists() else "# Benchmark results\n"
    report.write_text(SECTION.sub("", previous).rstrip("\n") + "\n" + markdown(result), encoding="utf-8")
    print(markdown(result))
    for line in result["errors"][:20]:
        print("error:", line)


if __name__ == "__main__":
    main()
