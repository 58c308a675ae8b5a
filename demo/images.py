"""Locally drawn placeholder pictures for the demo content.

The demo must work offline and must not ship anyone else's photographs, so every cover,
portrait and gallery picture is drawn here with Pillow: a red-to-gold gradient, a few
translucent shapes and, when a CJK font is installed, the item's title.  The colours are
derived from a seed (the page slug), so each item looks different but the same item
always gets the same picture.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = (1280, 720)
PORTRAIT_SIZE = (720, 900)

# Bold serif first: it reads best as a poster title.  Any of these will do.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-SemiBold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)

CREAM = (255, 244, 214)
SHADOW = (40, 0, 0)


@lru_cache(maxsize=1)
def _cjk_font_file() -> tuple[str, int] | None:
    """The first installed CJK font and the face index of its Simplified Chinese variant."""
    for candidate in CJK_FONT_CANDIDATES:
        if not Path(candidate).is_file():
            continue
        try:
            return candidate, _simplified_chinese_face(candidate)
        except OSError:
            continue
    return None


def _simplified_chinese_face(path: str) -> int:
    """Noto's collections hold JP, KR, SC, TC… faces; SC gives mainland glyph shapes."""
    for index in range(8):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and family.rstrip().endswith("SC"):
            return index
    return 0


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    found = _cjk_font_file()
    if found is None:
        return None
    path, index = found
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return None


def has_cjk_font() -> bool:
    """Whether titles will be drawn (otherwise pictures are shapes only)."""
    return _font(32) is not None


def _seed_numbers(seed: str) -> list[float]:
    """Sixteen stable numbers in [0, 1) from the seed, so pictures are reproducible."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return [byte / 256 for byte in digest[:16]]


def _rgb(hue_degrees: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb((hue_degrees % 360) / 360, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def palette(seed: str) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """A deep red, a gold and an accent, each nudged by the seed."""
    n = _seed_numbers(seed)
    deep = _rgb(350 + n[0] * 18, 0.22 + n[1] * 0.14, 0.70 + n[2] * 0.25)
    gold = _rgb(28 + n[3] * 20, 0.48 + n[4] * 0.12, 0.80 + n[5] * 0.18)
    accent = _rgb(5 + n[6] * 30, 0.55 + n[7] * 0.15, 0.85)
    return deep, gold, accent


def _gradient(size: tuple[int, int], start: tuple, end: tuple, flip: bool) -> Image.Image:
    """A diagonal two-colour gradient (cheap: blended 256px ramps, then resized)."""
    vertical = Image.linear_gradient("L")
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90)
    if flip:
        horizontal = horizontal.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    mask = Image.blend(vertical, horizontal, 0.5).resize(size)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _decorate(picture: Image.Image, seed: str, accent: tuple, gold: tuple) -> Image.Image:
    """Translucent sun, rays and bands: enough shape to tell items apart at a glance."""
    width, height = picture.size
    n = _seed_numbers(seed + ":shapes")
    overlay = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)

    centre_x = width * (0.55 + n[0] * 0.35)
    centre_y = height * (0.15 + n[1] * 0.35)
    radius = min(width, height) * (0.25 + n[2] * 0.2)
    for ring in range(4):
        r = radius * (1 + ring * 0.35)
        draw.ellipse(
            (centre_x - r, centre_y - r, centre_x + r, centre_y + r),
            outline=(*gold, 70 - ring * 14),
            width=3,
        )
    draw.ellipse(
        (
            centre_x - radius * 0.8,
            centre_y - radius * 0.8,
            centre_x + radius * 0.8,
            centre_y + radius * 0.8,
        ),
        fill=(*gold, 60),
    )

    band_count = 3 + int(n[3] * 4)
    slant = height * (0.3 + n[4] * 0.4)
    for band in range(band_count):
        left = width * (n[5] * 0.3) + band * width * 0.09
        draw.polygon(
            [
                (left, height),
                (left + width * 0.035, height),
                (left + width * 0.035 + slant, 0),
                (left + slant, 0),
            ],
            fill=(*accent, 26),
        )

    draw.rectangle((0, height - height * 0.035, width, height), fill=(*gold, 150))
    return Image.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Chinese has no spaces: break between characters when a line gets too wide."""
    lines: list[str] = []
    current = ""
    for char in text:
        if font.getlength(current + char) > max_width and current:
            lines.append(current)
            current = char.lstrip()
        else:
            current += char
    if current:
        lines.append(current)
    return _balanced(text, lines, font, max_width)


NO_LINE_START = "，。、：；！？）》”’·"


def _balanced(
    text: str, greedy: list[str], font: ImageFont.FreeTypeFont, max_width: float
) -> list[str]:
    """Same number of lines, evenly filled, so no line ends up holding a lone character."""
    if len(greedy) < 2:
        return greedy
    per_line = math.ceil(len(text) / len(greedy))
    lines = [text[start : start + per_line] for start in range(0, len(text), per_line)]
    for number in range(1, len(lines)):
        while lines[number] and lines[number][0] in NO_LINE_START:
            lines[number - 1] += lines[number][0]
            lines[number] = lines[number][1:]
    lines = [line for line in lines if line]
    if len(lines) != len(greedy) or any(font.getlength(line) > max_width for line in lines):
        return greedy
    return lines


def _draw_text_block(
    picture: Image.Image,
    heading: str,
    label: str,
    heading_size: int,
    box: tuple[float, float, float],
    max_lines: int = 3,
) -> None:
    """Label above, wrapped heading below, left-aligned at ``box`` (left, top, width)."""
    heading_font = _font(heading_size)
    label_font = _font(max(20, heading_size // 3))
    if heading_font is None or label_font is None:
        return
    left, top, max_width = box
    draw = ImageDraw.Draw(picture)
    if label:
        draw.text((left, top), label, font=label_font, fill=(*CREAM,))
        top += label_font.size * 1.8
    lines = _wrap(heading, heading_font, max_width)[:max_lines]
    for line in lines:
        draw.text((left + 3, top + 3), line, font=heading_font, fill=SHADOW)
        draw.text((left, top), line, font=heading_font, fill=CREAM)
        top += heading_font.size * 1.3


def _to_jpeg(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85, optimize=False)
    return buffer.getvalue()


def cover_jpeg(title: str, label: str, seed: str) -> bytes:
    """A 16:9 cover: gradient, shapes, the kind of content and the title."""
    deep, gold, accent = palette(seed)
    picture = _gradient(COVER_SIZE, deep, gold, flip=_seed_numbers(seed)[8] > 0.5)
    picture = _decorate(picture, seed, accent, gold)
    width, height = COVER_SIZE
    _draw_text_block(picture, title, label, 76, (width * 0.075, height * 0.42, width * 0.8))
    return _to_jpeg(picture)


def gallery_jpeg(caption: str, place: str, seed: str) -> bytes:
    """A 16:9 exhibition picture; darker than covers so the two are not confused."""
    deep, gold, accent = palette(seed)
    darker = tuple(max(0, channel - 40) for channel in deep)
    picture = _gradient(COVER_SIZE, darker, accent, flip=True)
    picture = _decorate(picture, seed, gold, accent)
    width, height = COVER_SIZE
    _draw_text_block(picture, caption, place, 56, (width * 0.075, height * 0.55, width * 0.85), 2)
    return _to_jpeg(picture)


def portrait_jpeg(name: str, label: str, seed: str) -> bytes:
    """A 4:5 name card standing in for a portrait (no invented likeness of a real person)."""
    deep, gold, accent = palette(seed)
    picture = _gradient(PORTRAIT_SIZE, gold, deep, flip=False)
    picture = _decorate(picture, seed, accent, gold)
    width, height = PORTRAIT_SIZE
    _draw_text_block(picture, name, label, 84, (width * 0.1, height * 0.58, width * 0.8), 2)
    return _to_jpeg(picture)


def slide_jpeg(heading: str, label: str, seed: str) -> bytes:
    """A 16:9 lecture slide: darker than the cover it follows, the chapter title large."""
    deep, gold, accent = palette(seed)
    darker = tuple(max(0, channel - 60) for channel in deep)
    picture = _gradient(COVER_SIZE, darker, deep, flip=False)
    picture = _decorate(picture, seed, accent, gold)
    width, height = COVER_SIZE
    _draw_text_block(picture, heading, label, 68, (width * 0.075, height * 0.36, width * 0.85), 3)
    return _to_jpeg(picture)
