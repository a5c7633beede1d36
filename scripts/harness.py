"""Run the real app and drive it in Debian's Chromium: shared by the browser tests, the screenshot and the
benchmarks. Playwright cannot download its own browser here, so it launches the system one.

Everything a page's layout depends on is fixed here rather than taken from the machine: the fonts (only
those of the Debian package fonts-dejavu-core, through the project's own fontconfig file), the window size
and device scale, the locale and the time zone. A popup then opens at the same place on every machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# As root Chromium needs --no-sandbox; the rest stop it calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # Text metrics without the machine's hinting settings, and the browser's language fixed.
    "--font-render-hinting=none",
    "--lang=en-US",
]

# The project's fontconfig file: Chromium sees only the fonts it names (see that file for why).
FONTCONFIG_FILE = ROOT / "scripts" / "fonts.conf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
# The same process environment for the browser and the app server, whatever the user's shell has.
FIXED_ENV = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "LANGUAGE": "en"}
# Every browser context: one window size, device scale, locale, time zone and colour scheme.
CONTEXT_OPTIONS = {
    "viewport": {"width": 1400, "height": 1000},
    "device_scale_factor": 1,
    "locale": "en-US",
    "timezone_id": "UTC",
    "color_scheme": "light",
    "reduced_motion": "reduce",
}


def chromium_path() -> str:
    """The system Chromium: $CHROMIUM, or chromium / chromium-browser on PATH."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Chromium is not installed: run `make chromium` (Debian package 'chromium').")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    script: str = "app.py", data_dir: Path | None = None, port: int | None = None, timeout: float = 30.0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `streamlit run` on a free port and yield (base URL, process) once it answers its health check."""
    port = port or free_port()
    # As `make run` starts the app, with the locale and time zone fixed.
    env = {**os.environ, **FIXED_ENV, "PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2", "PYTHONMALLOC": "malloc"}
    if data_dir is not None:
        env["PRESENCE_DATA_DIR"] = str(data_dir)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{process.stdout.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in time")
            time.sleep(0.1)
        yield base, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def browser_env() -> dict[str, str]:
    """The browser's environment: the project's fonts only, fixed locale and time zone."""
    if not FONT_DIR.is_dir():
        raise RuntimeError("The test fonts are not installed: run `make browser` (Debian package fonts-dejavu-core).")
    return {**os.environ, **FIXED_ENV, "FONTCONFIG_FILE": str(FONTCONFIG_FILE)}


def launch(playwright):
    """Headless Chromium from the system package, with the project's fonts and locale."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True, env=browser_env()
    )


def new_context(browser, **overrides):
    """A browser context with CONTEXT_OPTIONS (a test may change the window, e.g. to a phone's)."""
    return browser.new_context(**{**CONTEXT_OPTIONS, **overrides})


def close_network(context, base_url: str) -> list[str]:
    """Abort every request that is not to the app; return the list of URLs that were refused."""
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", handle)
    return refused


MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
