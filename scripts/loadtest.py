"""Load test: N concurrent browser sessions, each stepping the Year slider and opening a site's details;
then the same N again while 2 more readers upload the largest valid file the app accepts (100,000 events,
just under 50 MB) and the worst invalid one (1,000,000 CSV rows with a cell too many).

    python scripts/loadtest.py [--sessions 10] [--presses 30]

Reports errors, slider-to-map latency over every step of every session in both runs (and their ratio), each
upload's time and outcome, and the server's memory (with its upload worker) at start, at its peak and after
every session has closed; writes bench/loadtest.json and a section of bench/results.md. Traffic goes only to
the app on 127.0.0.1, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from harness import CHROMIUM_ARGS, CONTEXT_OPTIONS, MAP_FRAME, ROOT, browser_env, chromium_path, serve
from playwright.async_api import async_playwright
from synthetic import synthetic_events

from bench import BADGE_PROBE, KEY_PROBE, summary

sys.path.insert(0, str(ROOT))
from presence.exports import EVENT_CSV_COLUMNS  # noqa: E402
from presence.limits import MAX_FILE_BYTES, MAX_UPLOAD_EVENTS  # noqa: E402

SECTION = re.compile(r"\n## Load test\n.*?(?=\n## |\Z)", re.S)
RECONNECT_WINDOW = 120  # seconds; streamlit.runtime.memory_session_storage's default


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def server_rss_mb(pid: int) -> float:
    """The server's memory with its child processes (the upload worker, while one runs)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    total = rss_mb(pid)
    for child in children:
        with contextlib.suppress(FileNotFoundError, ValueError):
            total += rss_mb(int(child))
    return round(total, 1)


def upload_files(folder: Path) -> dict[str, Path]:
    """The largest valid upload (MAX_UPLOAD_EVENTS events under MAX_FILE_BYTES) and the worst invalid one."""
    features = synthetic_events(MAX_UPLOAD_EVENTS)
    for f in features:
        f["properties"]["summary"] = "Synthetic, for load testing."
    valid = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()
    assert len(valid) <= MAX_FILE_BYTES, len(valid)
    line = ",".join(["x"] * (len(EVENT_CSV_COLUMNS) + 1)) + "\n"
    invalid = (",".join(EVENT_CSV_COLUMNS) + "\n" + line * 1_000_000).encode()
    assert len(invalid) <= MAX_FILE_BYTES, len(invalid)
    paths = {"largest valid": folder / "largest-valid.geojson", "worst invalid": folder / "worst-invalid.csv"}
    paths["largest valid"].write_bytes(valid)
    paths["worst invalid"].write_bytes(invalid)
    return paths


async def uploader(browser, base: str, path: Path, errors: list[str]) -> dict:
    """One reader who uploads a file and leaves once the page says what became of it."""
    context = await browser.new_context(**CONTEXT_OPTIONS)
    await context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort()
    )
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"uploader {path.name}: {e}"))
    await page.goto(f"{base}/?year=2020&basemap=none", timeout=120_000)
    await page.wait_for_selector(MAP_FRAME, state="attached", timeout=120_000)
    began = time.perf_counter()
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    outcome = page.get_by_text(re.compile("of your events are on the map|This file could not be used"))
    await outcome.first.wait_for(timeout=300_000)
    seconds = round(time.perf_counter() - began, 1)
    text = (await outcome.first.inner_text())[:80]
    await context.close()
    return {"file": path.name, "megabytes": round(path.stat().st_size / 1e6, 1), "seconds": seconds, "outcome": text}


async def reader(
    browser, base: str, presses: int, index: int, errors: list[str], waits: dict | None = None
) -> list[float]:
    """One reader: open the map, step the slider `presses` times, open Al-Asad's details. Returns the slider
    steps' times (ms); `waits`, if given, gets the time to open the page and to show the details (ms)."""
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
    began = time.perf_counter()
    await page.goto(f"{base}/?year=2026&basemap=none", timeout=120_000)
    await page.wait_for_selector(MAP_FRAME, state="attached", timeout=120_000)
    await page.frame_locator(MAP_FRAME).locator(".site-marker").first.wait_for(timeout=120_000)
    opened = time.perf_counter()
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
    asked = time.perf_counter()
    await page.get_by_role("option", name="Al-Asad Air Base").click()
    await page.locator(".st-key-details").get_by_text("Al-Asad Air Base").first.wait_for(timeout=60_000)
    if waits is not None:
        waits["open"] = (opened - began) * 1000
        waits["details"] = (time.perf_counter() - asked) * 1000
    await context.close()
    return times


async def run(sessions: int, presses: int) -> dict:
    with serve() as (base, process), tempfile.TemporaryDirectory() as tmp:
        files = upload_files(Path(tmp))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, env=browser_env()
            )
            warm: list[str] = []
            # The baseline is the server after one whole reader (data loaded, every code path imported and
            # warmed), not a fresh process: the test is whether the readers and uploaders leave memory behind.
            await reader(browser, base, presses, -1, warm)
            await asyncio.sleep(35)  # one housekeeping round
            start_rss = server_rss_mb(process.pid)
            errors: list[str] = []
            began = time.perf_counter()
            quiet = await asyncio.gather(
                *(reader(browser, base, presses, i, errors) for i in range(sessions)), return_exceptions=True
            )
            elapsed = time.perf_counter() - began
            busy = await asyncio.gather(
                *(reader(browser, base, presses, sessions + i, errors) for i in range(sessions)),
                *(uploader(browser, base, path, errors) for path in files.values()),
                return_exceptions=True,
            )
            uploads, busy = busy[sessions:], busy[:sessions]
            results = quiet + busy
            failures = [f"session {i}: {r!r}" for i, r in enumerate(results + uploads) if isinstance(r, BaseException)]
            times = [t for r in quiet if isinstance(r, list) for t in r]
            times_busy = [t for r in busy if isinstance(r, list) for t in r]
            peak_rss = rss_mb(process.pid, "VmHWM")
            # Streamlit keeps a closed session for 2 minutes in case its reader comes back, and drops expired
            # ones when the next session leaves; wait that out, let one reader come and go, then measure.
            await asyncio.sleep(RECONNECT_WINDOW + 5)
            await reader(browser, base, 0, -2, warm)
            await asyncio.sleep(35)  # one housekeeping round: the dropped sessions' memory is collected
            end_rss = server_rss_mb(process.pid)
            await browser.close()
    quiet_lat = summary(times) if times else None
    busy_lat = summary(times_busy) if times_busy else None
    return {
        "sessions": sessions,
        "presses_per_session": presses,
        "seconds": round(elapsed, 1),
        "errors": warm + errors + failures,
        "settle_seconds": RECONNECT_WINDOW + 40,
        "latency_ms": quiet_lat,
        "latency_ms_with_uploads": busy_lat,
        "p95_with_uploads_vs_without": round(busy_lat["p95"] / quiet_lat["p95"], 2) if quiet_lat and busy_lat else None,
        "uploads": [u if isinstance(u, dict) else repr(u) for u in uploads],
        "rss_mb": {
            "start": start_rss,
            "peak": peak_rss,
            "after_close": end_rss,
            "after_close_vs_start": round(end_rss / start_rss - 1, 3),
        },
    }


def markdown(r: dict) -> str:
    lat = r["latency_ms"] or {}
    busy = r["latency_ms_with_uploads"] or {}
    rss = r["rss_mb"]
    uploads = "".join(
        f"| {u['file']} | {u['megabytes']} MB | {u['seconds']} s | {u['outcome']} |\n" if isinstance(u, dict) else ""
        for u in r["uploads"]
    )
    return (
        "\n## Load test\n\n"
        f"{r['sessions']} concurrent browser sessions, {r['presses_per_session']} slider steps each, then a "
        f"site's details ({r['seconds']} s); then {r['sessions']} more while 2 readers upload. "
        f"Errors: {len(r['errors'])}.\n\n"
        "| figure | median | p95 | min | max | n |\n|---|---|---|---|---|---|\n"
        f"| slider to map under load (ms) | {lat.get('median')} | {lat.get('p95')} | {lat.get('min')} | "
        f"{lat.get('max')} | {lat.get('n')} |\n"
        f"| the same while 2 readers upload (ms) | {busy.get('median')} | {busy.get('p95')} | {busy.get('min')} | "
        f"{busy.get('max')} | {busy.get('n')} |\n\n"
        f"p95 with uploads / without: {r['p95_with_uploads_vs_without']}.\n\n"
        "| upload | size | until the page said | outcome |\n|---|---|---|---|\n" + uploads + "\n"
        f"Server memory (with its upload worker): {rss['start']} MB at start, {rss['peak']} MB peak of the server "
        f"process, {rss['after_close']} MB {r['settle_seconds']} s after every session closed "
        f"({rss['after_close_vs_start']:+.1%} of the start).\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()
    write_report(args.out, "loadtest.json", asyncio.run(run(args.sessions, args.presses)), SECTION, markdown)


def write_report(out: Path, name: str, result: dict, section: re.Pattern, markdown) -> None:
    """Write `result` to out/name, put its section in out/results.md in place of the old one, print it."""
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    report = out / "results.md"
    previous = report.read_text(encoding="utf-8") if report.exists() else "# Benchmark results\n"
    report.write_text(section.sub("", previous).rstrip("\n") + "\n" + markdown(result), encoding="utf-8")
    print(markdown(result))
    for line in result["errors"][:20]:
        print("error:", line)


if __name__ == "__main__":
    main()
