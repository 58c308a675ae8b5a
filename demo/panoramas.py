"""Drawn 360° panoramas for the demo's virtual tours, so the demo needs no download.

Each panorama is a 2:1 equirectangular picture of a room: a ceiling band with lamps, walls
with pilasters, a floor band, and, at each hotspot's direction, what the hotspot is about:
a framed panel for a text, a lit display case for an artefact, a door for the way to
another scene, each with a Chinese caption (when a CJK font is installed). A point at
(yaw, pitch) is drawn at x = (yaw + 180) / 360 × width, y = (90 − pitch) / 180 × height,
the mapping Pannellum uses, so every hotspot sits on what it describes.

The same scene always gives the same bytes (colours come from a seed, nothing random).
Drawing one takes well under a tenth of a second, so nothing is cached: the nine demo
panoramas add about a second to ``load_demo``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from demo.images import _font, _wrap, palette

# The size the viewer's phone rendition asks for; flat colours keep each JPEG near 0.25 MB.
PANORAMA_SIZE = (4096, 2048)
JPEG_QUALITY = 80

CEILING_PITCH = 32.0  # walls run from here…
FLOOR_PITCH = -28.0  # …down to here
PILLAR_YAWS = (-135.0, -45.0, 45.0, 135.0)  # the room's corners
CREAM = (255, 244, 214)
DARK = (34, 20, 16)


@dataclass(frozen=True)
class Feature:
    """Something drawn on the wall where a hotspot points: ``text``, ``artefact`` or ``door``."""

    kind: str
    yaw: float
    pitch: float
    caption: str


def point(yaw: float, pitch: float, size: tuple[int, int] = PANORAMA_SIZE) -> tuple[float, float]:
    """Where (yaw, pitch) in degrees falls on an equirectangular picture of this size."""
    width, height = size
    return (yaw + 180) / 360 * width, (90 - pitch) / 180 * height


def _px(length: float) -> float:
    """A length given for a 2730 px wide picture, scaled to the panorama's width."""
    return length * PANORAMA_SIZE[0] / 2730


def _shade(colour: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, channel + amount)) for channel in colour)


def _draw_room(draw: ImageDraw.ImageDraw, seed: str) -> None:
    width, height = PANORAMA_SIZE
    deep, gold, _accent = palette(seed)
    wall = _shade(gold, 60)
    _, ceiling_y = point(0, CEILING_PITCH)
    _, floor_y = point(0, FLOOR_PITCH)
    draw.rectangle((0, 0, width, ceiling_y), fill=_shade(wall, 30))
    draw.rectangle((0, ceiling_y, width, floor_y), fill=wall)
    draw.rectangle((0, floor_y, width, height), fill=_shade(deep, -10))
    # Skirting, cornice, floor boards and a red carpet running along the floor.
    draw.rectangle((0, floor_y - 14, width, floor_y), fill=_shade(deep, 20))
    draw.rectangle((0, ceiling_y, width, ceiling_y + 10), fill=_shade(gold, -30))
    for step in range(1, 8):
        y = floor_y + (height - floor_y) * step / 8
        draw.line((0, y, width, y), fill=_shade(deep, -30), width=2)
    _, carpet_top = point(0, -62)
    draw.rectangle((0, carpet_top, width, height), fill=_shade(deep, 25))
    for yaw in PILLAR_YAWS:
        x, _ = point(yaw, 0)
        draw.rectangle((x - 28, ceiling_y, x + 28, floor_y), fill=_shade(wall, -35))
    for yaw in range(-165, 180, 30):
        x, y = point(yaw, 62)
        draw.ellipse((x - 30, y - 12, x + 30, y + 12), fill=(255, 250, 230))


def _caption(
    draw: ImageDraw.ImageDraw, text: str, centre_x: float, top: float, span: float
) -> None:
    font = _font(round(_px(30)))
    if font is None or not text:
        return
    for number, line in enumerate(_wrap(text, font, _px(span))[:2]):
        line_width = font.getlength(line)
        y = top + number * _px(40)
        box = (centre_x - line_width / 2 - _px(10), y - _px(4))
        draw.rectangle((*box, centre_x + line_width / 2 + _px(10), y + _px(38)), fill=DARK)
        draw.text((centre_x - line_width / 2, y), line, font=font, fill=CREAM)


def _box(x: float, y: float, half_width: float, top: float, bottom: float) -> tuple:
    """A rectangle centred on x, its sizes given for a 2730 px wide picture."""
    return (x - _px(half_width), y + _px(top), x + _px(half_width), y + _px(bottom))


def _draw_feature(draw: ImageDraw.ImageDraw, feature: Feature, seed: str) -> None:
    deep, gold, accent = palette(seed)
    x, y = point(feature.yaw, feature.pitch)
    if feature.kind == "door":
        _, top = point(0, 22)
        _, bottom = point(0, FLOOR_PITCH)
        draw.rectangle((x - _px(95), top - _px(12), x + _px(95), bottom), fill=_shade(gold, -60))
        draw.rectangle((x - _px(80), top, x + _px(80), bottom), fill=DARK)
        arrow = [(x - _px(30), y + _px(30)), (x + _px(30), y + _px(30)), (x, y - _px(20))]
        draw.polygon(arrow, fill=gold)
        _caption(draw, feature.caption, x, top - _px(100), 360)
        return
    if feature.kind == "artefact":
        _, plinth_bottom = point(0, FLOOR_PITCH + 2)
        draw.rectangle(
            (x - _px(110), y - _px(150), x + _px(110), plinth_bottom), fill=_shade(deep, 10)
        )
        draw.rectangle(_box(x, y, 95, -138, 40), fill=(210, 232, 236))
        draw.ellipse(_box(x, y, 50, -30, 30), fill=accent)
        _caption(draw, feature.caption, x, y + _px(60), 300)
        return
    # A framed panel of text, with lines standing for its paragraphs.
    draw.rectangle(_box(x, y, 150, -110, 110), fill=_shade(gold, -50))
    draw.rectangle(_box(x, y, 132, -92, 92), fill=(250, 244, 228))
    for row in range(6):
        line_y = y + _px(-60 + row * 24)
        right = x + _px(100 - 40 * (row % 2))
        draw.line((x - _px(100), line_y, right, line_y), fill=deep, width=round(_px(6)))
    _caption(draw, feature.caption, x, y + _px(125), 320)


def panorama_jpeg(title: str, features: list[Feature], seed: str) -> bytes:
    """The scene as a JPEG: the room, its features, and its title above the starting view."""
    picture = Image.new("RGB", PANORAMA_SIZE)
    draw = ImageDraw.Draw(picture)
    _draw_room(draw, seed)
    for feature in features:
        _draw_feature(draw, feature, seed)
    x, y = point(0, 40)
    font = _font(round(_px(56)))
    if font is not None:
        width = font.getlength(title)
        draw.text((x - width / 2, y - 30), title, font=font, fill=DARK)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    return buffer.getvalue()
