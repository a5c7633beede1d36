"""Benchmarks in a real browser: slider to map, cold start, and scale up to 100,000 events.

    python scripts/bench.py                       # full run (make bench)
    python scripts/bench.py --sizes 200 --presses 4 --cold-runs 1 --out smoke-results   # smoke run

Writes results.json and results.md to --out. Times are wall-clock on this machine; each figure reports
median, p95, min and max over its repetitions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from harness import MAP_FRAME, ROOT, close_network, launch, new_context, serve
from playwright.sync_api import sync_playwright
from synthetic import write_synthetic

# Timestamps are taken inside the page (performance.timeOrigin + now is shared by the page and its iframe),
# so Playwright's polling does not add to the figures.
KEY_PROBE = """() => {
  window.__keyTimes = [];
  document.addEventListener('keydown', () => window.__keyTimes.push(performance.timeOrigin + performance.now()),
                            true);
}"""
# The map has shown a year when its badge names it and its layers have stopped changing: the badge changes
# first (the map follows the address), while events that reach the map a year at a time come after it.
BADGE_PROBE = """() => {
  window.__badges = window.__badges || [];
  window.__paneTimes = [];
  window.__sentinel = window.__sentinel || Math.random();
  let last = null;
  const look = () => {
    const el = document.querySelector('[data-year]');
    const year = el && el.getAttribute('data-year');
    if (year && year !== last) {
      last = year;
      window.__badges.push({year: Number(year), t: performance.timeOrigin + performance.now()});
    }
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     attributeFilter: ['data-year']});
  const pane = document.querySelector('.leaflet-map-pane');
  if (pane) {
    new MutationObserver(() => window.__paneTimes.push(performance.timeOrigin + performance.now()))
      .observe(pane, {subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'd']});
  }
  look();
  return window.__sentinel;
}"""


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "min": round(ordered[0], 1),
        "max": round(ordered[-1], 1),
    }


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


class Tab:
    """One browser tab on an app, with probes for key presses, year changes and websocket bytes."""

    def __init__(self, browser, base: str, map_page: bool = True):
        self.context = new_context(browser)
        close_network(self.context, base)
        self.page = self.context.new_page()
        self.bytes_in = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.base, self.map_page = base, map_page

    def _count(self, payload) -> None:
        self.bytes_in += len(payload)

    def open(self, query: str, timeout: float = 120_000) -> float:
        """Open the page; return ms until the map's site markers (or the floor's text) are visible."""
        start = time.perf_counter()
        self.page.goto(self.base + "/" + query, timeout=timeout)
        if self.map_page:
            self.page.wait_for_selector(MAP_FRAME, state="attached", timeout=timeout)
            self.page.frame_locator(MAP_FRAME).locator(".leaflet-marker-pane .site-marker").first.wait_for(
                timeout=timeout
            )
        else:
            self.page.locator(".floor").wait_for(timeout=timeout)
        elapsed = (time.perf_counter() - start) * 1000
        self.page.wait_for_timeout(1500)  # let the first reruns settle
        self.frame = self.page.frame(url=lambda u: "st_folium" in u) if self.map_page else self.page.main_frame
        self.page.evaluate(KEY_PROBE)
        self.sentinel = self.frame.evaluate(BADGE_PROBE)
        return elapsed

    def step(self, key: str, year: int, timeout: float = 60_000) -> tuple[float, int]:
        """Press a key on the Year slider; return (ms until the page shows `year`, websocket bytes)."""
        before = self.bytes_in
        self.page.locator('[data-testid="stSlider"] input[type="range"]').press(key)
        self.frame.wait_for_function("y => window.__badges.some(b => b.year === y)", arg=year, timeout=timeout)
        self.page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)
        self.page.wait_for_timeout(250)  # let trailing messages of the same step arrive
        key_t = self.page.evaluate("() => window.__keyTimes[window.__keyTimes.length - 1]")
        badge_t = self.frame.evaluate("y => window.__badges.filter(b => b.year === y).pop().t", year)
        panes_t = self.frame.evaluate("k => Math.max(0, ...window.__paneTimes.filter(t => t >= k))", key_t)
        self.frame.evaluate("() => { window.__badges = []; window.__paneTimes = []; }")
        return max(badge_t, panes_t) - key_t, self.bytes_in - before

    def rebuilt(self) -> bool:
        """Whether the map iframe was replaced since `open` (its sentinel would be gone)."""
        current = self.page.frame(url=lambda u: "st_folium" in u)
        try:
            return current is None or current.evaluate("() => window.__sentinel") != self.sentinel
        except Exception:
            return True

    def close(self) -> None:
        self.context.close()


def slider_run(tab: Tab, start: int, presses: int, first: int, last: int) -> dict:
    """Press left, then right, bouncing within the years; collect latency and bytes per step."""
    times, sizes, year, direction = [], [], start, -1
    for _ in range(presses):
        if not first <= year + direction <= last:
            direction = -direction
        year += direction
        ms, size = tab.step("ArrowLeft" if direction < 0 else "ArrowRight", year)
        times.append(ms)
        sizes.append(size)
    return {"latency_ms": summary(times), "ws_bytes_per_step": summary([float(s) for s in sizes])}


def machine() -> dict:
    versions = {
        name: metadata.version(name)
        for name in ["streamlit", "folium", "streamlit-folium", "pandas", "shapely", "pydantic", "playwright"]
    }
    mem = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def run(sizes: list[int], presses: int, cold_runs: int, out: Path) -> dict:
    results: dict = {"machine": machine(), "presses": presses}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        # 1. Slider to map on the shipped data, and Streamlit's floor in the same run.
        with serve() as (base, process):
            tab = Tab(browser, base)
            tab.open("?year=2026&basemap=none")
            shipped = slider_run(tab, 2026, presses, 2003, 2026)
            shipped["iframe_rebuilt"] = tab.rebuilt()
            shipped["server_peak_rss_mb"] = peak_rss_mb(process.pid)
            tab.close()
        with serve(script=str(ROOT / "bench" / "floor_app.py")) as (base, _):
            tab = Tab(browser, base, map_page=False)
            tab.open("")
            bare = slider_run(tab, 2026, presses, 2003, 2026)
            tab.close()
        # The same one-slider page beside the app's own pages: Streamlit does more on every rerun of a
        # multipage app, and the map page pays it too.
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(ROOT / "bench" / "floor_app.py", Path(tmp) / "floor_app.py")
            (Path(tmp) / "pages").symlink_to(ROOT / "pages", target_is_directory=True)
            with serve(script=str(Path(tmp) / "floor_app.py")) as (base, _):
                tab = Tab(browser, base, map_page=False)
                tab.open("")
                floor = slider_run(tab, 2026, presses, 2003, 2026)
                tab.close()
        shipped["floor_latency_ms"] = floor["latency_ms"]
        shipped["bare_floor_latency_ms"] = bare["latency_ms"]
        shipped["ratio_to_floor"] = round(shipped["latency_ms"]["median"] / floor["latency_ms"]["median"], 2)
        shipped["ratio_to_bare_floor"] = round(shipped["latency_ms"]["median"] / bare["latency_ms"]["median"], 2)
        results["shipped"] = shipped
        # 2. Cold start: from launching `streamlit run` until the site markers are visible.
        colds = []
        for _ in range(cold_runs):
            start = time.perf_counter()
            with serve() as (base, _):
                tab = Tab(browser, base)
                tab.open("?basemap=none")
                colds.append((time.perf_counter() - start) * 1000 - 1500)  # less open()'s settling pause
                tab.close()
        results["cold_start_ms"] = summary(colds)
        # 3. Scale: synthetic events through PRESENCE_DATA_DIR.
        results["scale"] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for n in sizes:
                folder = write_synthetic(Path(tmp) / f"events-{n}", n)
                with serve(data_dir=folder, timeout=120) as (base, process):
                    tab = Tab(browser, base)
                    first_render = tab.open("?year=2026&basemap=none")
                    figures = slider_run(tab, 2026, presses, 2003, 2026)
                    figures["first_render_ms"] = round(first_render, 1)
                    figures["iframe_rebuilt"] = tab.rebuilt()
                    figures["server_peak_rss_mb"] = peak_rss_mb(process.pid)
                    results["scale"][str(n)] = figures
                    tab.close()
        browser.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    return results


def _row(label: str, s: dict, unit: str = "ms") -> str:
    return f"| {label} | {s['median']} | {s['p95']} | {s['min']} | {s['max']} | {s['n']} | {unit} |"


def markdown(r: dict) -> str:
    m = r["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, {m['platform']}.",
        f"Versions: {versions}. Headless Chromium, network closed to all but the app; {r['presses']} slider "
        "presses per figure.",
        "",
        "| figure | median | p95 | min | max | n | unit |",
        "|---|---|---|---|---|---|---|",
        _row("slider to map, shipped data", r["shipped"]["latency_ms"]),
        _row("slider to text, Streamlit floor (one slider, the app's pages)", r["shipped"]["floor_latency_ms"]),
        _row("slider to text, bare floor (one slider, no pages)", r["shipped"]["bare_floor_latency_ms"]),
        _row("websocket bytes per step, shipped data", r["shipped"]["ws_bytes_per_step"], "bytes"),
        _row("cold start to markers", r["cold_start_ms"]),
    ]
    for n, s in r["scale"].items():
        lines += [
            _row(f"slider to map, {int(n):,} events", s["latency_ms"]),
            _row(f"websocket bytes per step, {int(n):,} events", s["ws_bytes_per_step"], "bytes"),
        ]
    lines += [
        "",
        f"Slider median / floor median: {r['shipped']['ratio_to_floor']} (bare floor: "
        f"{r['shipped']['ratio_to_bare_floor']}). Map iframe rebuilt by a slider "
        f"step: {r['shipped']['iframe_rebuilt']}. Server peak RSS, shipped data: "
        f"{r['shipped']['server_peak_rss_mb']} MB.",
        "",
        "| events | first render (ms) | server peak RSS (MB) | iframe rebuilt |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {int(n):,} | {s['first_render_ms']} | {s['server_peak_rss_mb']} | {s['iframe_rebuilt']} |"
        for n, s in r["scale"].items()
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()
    results = run([int(s) for s in args.sizes.split(",") if s], args.presses, args.cold_runs, args.out)
    sys.stdout.write(markdown(results))


if __name__ == "__main__":
    main()
