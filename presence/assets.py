"""The map's JavaScript and CSS, served by the app itself so the map works with no internet.

Folium's defaults load Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs; this map needs only
Leaflet (and the marker-cluster plugin for large event sets), vendored under static/vendor by
scripts/vendor_assets.py, plus its own stylesheet static/map.css.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Streamlit serves ./static at /app/static when server.enableStaticServing is on.
STATIC_URL = "/app/static/"

LEAFLET_JS = [("leaflet", "vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "vendor/leaflet/leaflet.css"), ("map_css", "map.css")]
CLUSTER_JS = [("markercluster", "vendor/leaflet.markercluster/leaflet.markercluster.js")]
YEAR_MAP_JS = [("year_map", "year_map.js")]  # the project's own: see presence/year_map.py
CLUSTER_CSS = [
    ("markercluster_css", "vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
]


def local(links: list[tuple[str, str]], base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    """(name, URL) pairs pointing at the app's own static files."""
    return [(name, base_url + path) for name, path in links]


def inline(html: str, base_url: str = STATIC_URL) -> str:
    """Replace every link to the app's static files with the file's content, for a standalone HTML file."""

    def script(match: re.Match) -> str:
        path = STATIC_DIR / match.group(1)
        # A closing tag inside the library would end the inline script early; Leaflet has none, guard anyway.
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match) -> str:
        path = STATIC_DIR / match.group(1)
        css = path.read_text(encoding="utf-8")
        # Leaflet's CSS names a few images relatively; embed them so nothing is fetched.
        css = re.sub(r"url\((images/[\w.-]+\.png)\)", lambda m: _data_url(path.parent / m.group(1)), css)
        return f"<style>{css}</style>"

    prefix = re.escape(base_url)
    html = re.sub(rf'<script src="{prefix}([\w./-]+\.js)"></script>', script, html)
    return re.sub(rf'<link rel="stylesheet" href="{prefix}([\w./-]+\.css)"\s*/>', style, html)


def _data_url(path: Path) -> str:
    return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode() + ")"
