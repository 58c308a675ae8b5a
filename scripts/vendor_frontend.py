#!/usr/bin/env python3
"""Vendors the front-end libraries we serve ourselves, from the npm registry.

Each package is pinned below. ``python scripts/vendor_frontend.py`` downloads it with
``npm pack`` (the registry, never a CDN), checks npm's integrity hash, and copies the files
the site serves, with the package's licence, into ``site/static/vendor/<name>/``. The copies
are committed, so a clean clone serves them without node; run this again after changing a
version here. ``--check`` only verifies that what is committed matches the pins.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
VENDOR_DIR = PROJECT_DIR / "site" / "static" / "vendor"

# name: (version, files inside the package to serve, licence file, SPDX licence)
WORKBOX = "7.4.1"  # the service worker's library (offline reading): one version for all modules
# The worker's modules: the one list (offline/shell.py reads them back from VENDORED.json).
WORKBOX_MODULES = [
    "workbox-core",
    "workbox-routing",
    "workbox-strategies",
    "workbox-precaching",
    "workbox-cacheable-response",
    "workbox-range-requests",
]
PACKAGES: dict[str, tuple[str, list[str], str, str]] = {
    "pannellum": ("2.5.7", ["build/pannellum.js", "build/pannellum.css"], "COPYING", "MIT"),
    "leaflet": (
        "1.9.4",
        [
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
        ],
        "LICENSE",
        "BSD-2-Clause",
    ),
    # Lectures' adaptive streams (HLS) where the browser has no HLS of its own; the light
    # build (no subtitles or DRM: captions are a <track> of their own).
    "hls.js": ("1.7.4", ["dist/hls.light.min.js"], "LICENSE", "Apache-2.0"),
    "workbox-sw": (WORKBOX, ["build/workbox-sw.js"], "LICENSE", "MIT"),
    **{
        module: (WORKBOX, [f"build/{module}.prod.js"], "LICENSE", "MIT")
        for module in WORKBOX_MODULES
    },
}
# Packages served from one directory: Workbox's loader finds its modules beside itself.
TARGETS = {name: "workbox" for name in ["workbox-sw", *WORKBOX_MODULES]}
MANIFEST = "VENDORED.json"


def pack(name: str, version: str, work: Path) -> tuple[Path, str]:
    """``npm pack`` the pinned version into ``work``; returns the tarball and its integrity."""
    result = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(work)],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(result.stdout)[0]
    if info["version"] != version:
        raise SystemExit(f"{name}: npm gave {info['version']}, pinned {version}")
    return work / info["filename"], info["integrity"]


def drop_source_map_comment(path: Path) -> None:
    """Source maps are not vendored, so their ``sourceMappingURL`` comments go: collectstatic
    (ManifestStaticFilesStorage) refuses a script that names a file it cannot find."""
    if path.suffix not in (".js", ".css"):
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "# sourceMappingURL=" not in line]
    if len(kept) != len(lines):
        path.write_text("".join(kept), encoding="utf-8")


def vendor(name: str, version: str, files: list[str], licence: str, spdx: str) -> dict:
    target = VENDOR_DIR / TARGETS.get(name, name)
    with tempfile.TemporaryDirectory() as temp:
        tarball, integrity = pack(name, version, Path(temp))
        with tarfile.open(tarball) as archive:
            archive.extractall(temp, filter="data")
        package = Path(temp) / "package"
        for relative in [*files, licence]:
            source = package / relative
            if not source.is_file():
                raise SystemExit(f"{name}@{version}: {relative} is not in the package")
            destination = target / Path(relative).name
            if relative.startswith(("dist/images/", "build/images/")):
                destination = target / "images" / Path(relative).name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            drop_source_map_comment(destination)
    return {"version": version, "integrity": integrity, "licence": spdx, "files": files}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the pins")
    args = parser.parse_args()
    manifest_path = VENDOR_DIR / MANIFEST
    if args.check:
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        wrong = [
            name
            for name, (version, *_rest) in PACKAGES.items()
            if manifest.get(name, {}).get("version") != version
        ]
        if wrong:
            print("vendored packages differ from the pins: " + ", ".join(wrong))
            return 1
        print("vendored packages match the pins")
        return 0
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for directory in {TARGETS.get(name, name) for name in PACKAGES}:
        if (VENDOR_DIR / directory).exists():
            shutil.rmtree(VENDOR_DIR / directory)
    manifest = {name: vendor(name, *spec) for name, spec in PACKAGES.items()}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for name, entry in manifest.items():
        print(
            f"{name} {entry['version']} ({entry['licence']}) → site/static/vendor/{TARGETS.get(name, name)}/"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
