"""Run the real app and drive it in Debian's Chromium: shared by the browser tests, the screenshot and the
benchmarks. Playwright cannot download its own browser here, so it launches the system one.
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
]


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
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2"}  # as `make run` starts the app
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


def launch(playwright):
    """Headless Chromium from the system package."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


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
