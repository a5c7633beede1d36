"""A smoke run of the benchmark with tiny sizes: the script works and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


def test_benchmark_smoke_run(tmp_path: Path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--sizes",
            "300",
            "--presses",
            "3",
            "--cold-runs",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    shipped = results["shipped"]
    assert shipped["latency_ms"]["n"] == 3 and shipped["floor_latency_ms"]["n"] == 3
    assert shipped["iframe_rebuilt"] is False
    assert shipped["ws_bytes_per_step"]["median"] > 0
    assert results["cold_start_ms"]["median"] > 0
    scale = results["scale"]["300"]
    assert scale["first_render_ms"] > 0 and scale["server_peak_rss_mb"] > 50
    assert "| slider to map, 300 events |" in (tmp_path / "results.md").read_text()
