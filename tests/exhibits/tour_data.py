"""A site page with a small 虚拟参观, built as an editor would: generated 2:1 panoramas (drawn
rooms with exhibits), a short audio guide, hotspots of all three kinds. Used by the server
tests and, through ``manage.py shell``, by the phone test against the browser server."""

from __future__ import annotations

import hashlib
import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from demo.tones import soft_tone_wav
from exhibits.models import ExhibitIndexPage, RevolutionarySitePage

SCENES = (
    ("序厅", (170, 40, 40)),
    ("第二展厅", (40, 90, 150)),
)
TRANSCRIPT = "欢迎来到序厅。这里陈列着当年的油灯和马灯，讲述红军在井冈山的艰苦岁月。"


def panorama(title: str, colour, width: int = 2048) -> object:
    """A drawn room as a 2:1 JPEG panorama, saved as a Wagtail image."""
    height = width // 2
    picture = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(90, 60, 40))  # floor
    for number in range(8):  # exhibits along the walls
        left = number * width // 8 + width // 32
        draw.rectangle(
            (left, height // 3, left + width // 16, height * 2 // 3), fill=(240, 220, 160)
        )
        draw.ellipse(
            (left, height // 5, left + width // 16, height // 5 + width // 16), fill=(250, 250, 250)
        )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return get_image_model().objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name=f"tour-{uuid.uuid4().hex[:8]}.jpg")
    )


def audio_guide(title: str) -> object:
    data = soft_tone_wav(440, seconds=3.0)
    document = get_document_model()(
        title=title,
        file=ContentFile(data, name=f"tour-{uuid.uuid4().hex[:8]}.wav"),
        file_size=len(data),
        file_hash=hashlib.sha1(data).hexdigest(),
    )
    document.save()
    return document


def item(value: dict) -> dict:
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def hotspot(label: str, yaw: float, pitch: float = 0, **kind) -> dict:
    value = {"yaw": yaw, "pitch": pitch, "label": label, "text": "", "image": None}
    value.update({"artefact": None, "scene": None}, **kind)
    return item(value)


def tour_value(panoramas, audio=None) -> dict:
    first, second = panoramas
    scenes = [
        item(
            {
                "title": SCENES[0][0],
                "panorama": first.pk,
                "yaw": 0,
                "pitch": 0,
                "audio": audio.pk if audio else None,
                "transcript": TRANSCRIPT if audio else "",
                "hotspots": [
                    hotspot("油灯", 20, -5, text="八角楼的油灯：毛泽东在灯下写下了光辉著作。"),
                    hotspot("红军马灯", -30, 0, artefact=1),
                    hotspot("去第二展厅", 0, -10, scene=2),
                ],
            }
        ),
        item(
            {
                "title": SCENES[1][0],
                "panorama": second.pk,
                "yaw": 90,
                "pitch": 0,
                "audio": None,
                "transcript": "",
                "hotspots": [
                    hotspot("会师广场模型", 45, 0, text="井冈山会师的沙盘模型。", image=first.pk),
                    hotspot("回到序厅", 0, -10, scene=1),
                ],
            }
        ),
    ]
    return {"intro": "在手机上走进旧址：拖动画面环顾四周，点热点看展品。", "scenes": scenes}


def tour_site(slug: str, title: str = "虚拟参观测试旧址", with_tour: bool = True):
    """A published site page under the demo's 红色场馆 section, with a two-scene tour."""
    index = ExhibitIndexPage.objects.get()
    page = RevolutionarySitePage(
        title=title,
        slug=slug,
        topic="井冈山精神",
        summary="一处用于测试的革命旧址。",
        province="江西",
        city="井冈山",
        period="土地革命战争时期",
        artefacts=[
            {
                "type": "artefact",
                "value": {"name": "红军马灯", "image": None, "description": "照亮夜行的马灯。"},
            }
        ],
    )
    if with_tour:
        panoramas = [panorama(name, colour) for name, colour in SCENES]
        page.tour = [{"type": "tour", "value": tour_value(panoramas, audio_guide("序厅讲解"))}]
    index.add_child(instance=page)
    page.full_clean()
    page.save_revision().publish()
    page.refresh_from_db()
    return page
