"""Copy Leaflet and its plugins from their npm packages into static/vendor, so the map needs no CDN.

Each package is fetched by name and version with `npm pack`, its SHA-256 is checked, and only the files the
map loads are kept, with the package's licence. Run: python scripts/vendor_assets.py
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "vendor"

# package@version -> (tarball SHA-256, files kept from package/)
PACKAGES = {
    "leaflet@1.9.3": (
        "10d016716b56048661eaf9cde004dc82e80bd3613b52c4f53cf5aec73088006c",
        [
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
            "LICENSE",
        ],
    ),
    "leaflet.markercluster@1.5.3": (
        "fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c",
        [
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
            "MIT-LICENCE.txt",
        ],
    ),
}


def vendor(spec: str, sha256: str, files: list[str], workdir: Path) -> None:
    done = subprocess.run(
        ["npm", "pack", "--silent", spec, "--pack-destination", str(workdir)], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"npm pack {spec} failed:\n{done.stderr}")
    tarball = workdir / done.stdout.strip().splitlines()[-1]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != sha256:
        sys.exit(f"{tarball.name}: SHA-256 {digest} does not match the expected {sha256}")
    name = spec.rsplit("@", 1)[0]
    target = STATIC / name
    with tarfile.open(tarball) as archive:
        for member in files:
            data = archive.extractfile(f"package/{member}").read()
            out = target / member.removeprefix("dist/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
    (target / "VERSION").write_text(f"{spec}\nnpm tarball sha256 {sha256}\n", encoding="utf-8")
    print(f"vendored {spec} into {target.relative_to(STATIC.parent.parent)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for spec, (sha256, files) in PACKAGES.items():
            vendor(spec, sha256, files, Path(tmp))


if __name__ == "__main__":
    main()
