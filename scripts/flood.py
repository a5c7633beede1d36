"""Rerun flood: N clients that each ask the server for R reruns a second, and one reader who steps the Year
slider meanwhile. The flooders speak Streamlit's websocket protocol directly (a browser is not needed to
send reruns, and 20 browsers would measure the browsers); the reader is a real headless Chromium.

    python scripts/flood.py [--flooders 20] [--rate 5] [--visits 3] [--presses 10]

The reader visits the map `visits` times: opens it, steps the slider `presses` times, opens a site's details.
Reports the reader's waits with no flood and under it (every wait, and each kind apart), the reruns sent and
the messages the flooders got back; writes bench/flood.json and a section of bench/results.md. Traffic goes
only to the app on 127.0.0.1, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import time
from pathlib import Path

import websockets
from harness import CHROMIUM_ARGS, ROOT, browser_env, chromium_path, serve
from loadtest import reader, write_report
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg

from bench import summary

SECTION = re.compile(r"\n## Rerun flood\n.*?(?=\n## |\Z)", re.S)


def rerun_request(year: int) -> bytes:
    """A whole-page rerun of the map at a year, as a browser sends it when its address changes."""
    msg = BackMsg()
    msg.rerun_script.query_string = f"year={year}&basemap=none"
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


async def flooder(base: str, rate: float, stop: asyncio.Event, tally: dict) -> None:
    """One client that asks for `rate` reruns a second, each for another year, until told to stop."""
    uri = base.replace("http://", "ws://") + "/_stcore/stream"
    # No keep-alive pings: a flooder does not care whether the server answers them.
    connecting = websockets.connect(uri, subprotocols=["streamlit"], origin=base, max_size=None, ping_interval=None)
    async with connecting as ws:

        async def drain() -> None:
            with contextlib.suppress(websockets.ConnectionClosed):
                async for message in ws:
                    tally["received"] += 1
                    tally["received_bytes"] += len(message)

        draining = asyncio.create_task(drain())
        year = 2003
        while not stop.is_set():
            await ws.send(rerun_request(year))
            tally["sent"] += 1
            year = 2003 + (year - 2002) % 24
            await asyncio.sleep(1 / rate)
        draining.cancel()


async def visits(browser, base: str, count: int, presses: int, errors: list[str]) -> dict[str, list[float]]:
    """The reader's waits (ms) over `count` visits, by kind: opening the map, a slider step, a site's details."""
    waits: dict[str, list[float]] = {"open": [], "step": [], "details": []}
    for index in range(count):
        one: dict = {}
        try:
            waits["step"] += await reader(browser, base, presses, index, errors, one)
        except Exception as exc:  # noqa: BLE001 - a reader who gives up is a result, not a crash
            errors.append(f"visit {index}: {exc!r}"[:300])
        for kind in ("open", "details"):
            if kind in one:
                waits[kind].append(one[kind])
    return waits


def summaries(waits: dict[str, list[float]]) -> dict:
    every = [w for kind in waits.values() for w in kind]
    return {"every": summary(every) if every else None} | {k: summary(v) if v else None for k, v in waits.items()}


async def run(flooders: int, rate: float, count: int, presses: int) -> dict:
    with serve() as (base, _process):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, env=browser_env()
            )
            errors: list[str] = []
            await reader(browser, base, 2, -1, errors)  # warm the server
            quiet = await visits(browser, base, count, presses, errors)
            stop, tally = asyncio.Event(), {"sent": 0, "received": 0, "received_bytes": 0}
            flood = [asyncio.create_task(flooder(base, rate, stop, tally)) for _ in range(flooders)]
            await asyncio.sleep(5)  # the flood is under way before the reader starts
            began = time.perf_counter()
            busy = await visits(browser, base, count, presses, errors)
            seconds = round(time.perf_counter() - began, 1)
            stop.set()
            outcomes = await asyncio.gather(*flood, return_exceptions=True)
            errors += [f"flooder {i}: {o!r}"[:300] for i, o in enumerate(outcomes) if isinstance(o, BaseException)]
            await browser.close()
    return {
        "flooders": flooders,
        "reruns_per_second_each": rate,
        "visits": count,
        "presses": presses,
        "reader_seconds_under_flood": seconds,
        "waits_ms_quiet": summaries(quiet),
        "waits_ms_under_flood": summaries(busy),
        "reruns_sent": tally["sent"],
        "messages_back": tally["received"],
        "megabytes_back": round(tally["received_bytes"] / 1e6, 1),
        "errors": errors,
    }


def markdown(r: dict) -> str:
    rows = ""
    names = {"every": "every wait", "open": "opening the map", "step": "a slider step", "details": "a site's details"}
    for label, key in (("no flood", "waits_ms_quiet"), ("under the flood", "waits_ms_under_flood")):
        for kind, name in names.items():
            s = r[key][kind] or {}
            rows += (
                f"| {name}, {label} | {s.get('median')} | {s.get('p95')} | {s.get('min')} | {s.get('max')} "
                f"| {s.get('n')} |\n"
            )
    return (
        "\n## Rerun flood\n\n"
        f"{r['flooders']} clients each asking for {r['reruns_per_second_each']:g} whole-page reruns a second "
        f"(another year each time), while one reader visits the map {r['visits']} times: opens it, steps the "
        f"Year slider {r['presses']} times and opens a site's details ({r['reader_seconds_under_flood']} s). "
        f"The flooders sent {r['reruns_sent']} reruns and got "
        f"{r['messages_back']} messages ({r['megabytes_back']} MB) back. Errors: {len(r['errors'])}.\n\n"
        "| the reader's wait (ms) | median | p95 | min | max | n |\n|---|---|---|---|---|---|\n" + rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flooders", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()
    result = asyncio.run(run(args.flooders, args.rate, args.visits, args.presses))
    write_report(args.out, "flood.json", result, SECTION, markdown)


if __name__ == "__main__":
    main()
