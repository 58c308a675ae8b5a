#!/usr/bin/env python3
"""Draws the app icons (PNG) from the design of ``site/static/icons/icon.svg``.

A red square with rounded corners and the gold star, at 192 and 512 px for the web app
manifest, and a maskable 512 px icon: full-bleed red with the star inside the central safe
zone (a circle of 80 % of the width), so a phone may crop it to any shape. Run it again after
changing the design; the PNGs are committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "site" / "static" / "icons"
RED = "#b71c1c"
GOLD = "#f5c542"
# The star of icon.svg, on its 64 × 64 canvas.
STAR = [
    (32, 10),
    (37.3, 26.2),
    (54, 26.2),
    (40.4, 36.3),
    (45.6, 52.5),
    (32, 42.5),
    (18.4, 52.5),
    (23.6, 36.3),
    (10, 26.2),
    (26.7, 26.2),
]
SUPERSAMPLE = 4


def draw(size: int, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    if maskable:
        canvas.rectangle((0, 0, big, big), fill=RED)
        scale, offset = big * 0.6 / 64, big * 0.2  # the star within the safe zone
    else:
        canvas.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 12 / 64, fill=RED)
        scale, offset = big / 64, 0
    canvas.polygon([(offset + x * scale, offset + y * scale) for x, y in STAR], fill=GOLD)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        draw(size, maskable).save(ICONS / name, optimize=True)
        print(f"site/static/icons/{name} ({size}×{size}{', maskable' if maskable else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
