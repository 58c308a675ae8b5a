"""The demo content as import lines: what the importer (``loaders``) has keys for goes
through its rules (plain text to HTML, tags, covers, questions, lecture media); what it has
no key for (chapters, timelines, galleries, agendas…) is set on the planned page after.

Generated pictures and sounds are written into a folder first and named by file, as an
editor's import folder holds its pictures, and stored by ``loaders.files`` (equal content
is reused, so a second run stores nothing new).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from demo import content, images
from demo.lecture_media import LectureMedia
from demo.tours import tour_line
from home.kinds import Kind
from lectures.models import MediaKind, MicroLecturePage
from loaders.files import read_image, store_image
from stories.models import SubjectKind


def body_line(body: list[tuple[str, object]]) -> list[dict]:
    """content.py's body blocks in the importer's array form: all text stays plain text."""
    blocks = []
    for kind, value in body:
        if kind == "quote":
            blocks.append({"quote": value["text"], "source": value.get("source", "")})
        else:
            blocks.append({kind: value})
    return blocks


def local_time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


class DemoFiles:
    """Pictures and sounds drawn into ``folder``, stored through the importer's file rules."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, name: str, data: bytes) -> str:
        (self.folder / name).write_bytes(data)
        return name

    def copy(self, source: Path, name: str) -> str:
        shutil.copyfile(source, self.folder / name)
        return name

    def image(self, title: str, description: str, filename: str, render: Callable[[], bytes]):
        picture = store_image(read_image(self.write(filename, render()), self.folder), title)
        if not picture.description:
            picture.description = description[:255]
            picture.save(update_fields=["description"])
        return picture


def import_line(
    kind: Kind, item: dict, files: DemoFiles, made: LectureMedia | None, now: datetime
) -> dict:
    """The import line of one demo item (its cover drawn into the folder)."""
    line = {
        "type": kind.name,
        "slug": item["slug"],
        "title": item["title"],
        "summary": item["summary"],
        "topic": item["topic"],
        "tags": item["tags"],
        "body": body_line(item["body"]),
        **content.SELF_CHECKS.get(item["slug"], {}),
    }
    line["cover"] = files.write(
        f"demo-{item['slug']}-cover.jpg",
        images.cover_jpeg(item["title"], str(kind.label), item["slug"]),
    )
    return line | KIND_LINES[kind.name](item, files, made, now)


def lecture_line(item: dict, files: DemoFiles, made: LectureMedia | None, now: datetime) -> dict:
    line = {
        "speaker": item["speaker"],
        "transcript": item["transcript"],
        "media_kind": MediaKind.AUDIO if item["audio"] else item["media_kind"],
    }
    if made is None:
        return line | {"duration_seconds": item["duration_seconds"]}
    # The length comes from the made file, as for an editor's media.
    return line | {
        "media": files.copy(made.media, f"demo-{item['slug']}{made.media.suffix}"),
        "captions": files.copy(made.captions, f"demo-{item['slug']}{made.captions.suffix}"),
    }


def site_line(item: dict, files: DemoFiles, made: LectureMedia | None, now: datetime) -> dict:
    tour = tour_line(item, files)
    return ({"tour": tour} if tour else {}) | {
        "province": item["province"],
        "city": item["city"],
        "address": item["address"],
        "latitude": float(item["latitude"]),
        "longitude": float(item["longitude"]),
        "period": item["period"],
        "artefacts": [
            {"name": name, "description": description} for name, description in item["artefacts"]
        ],
    }


def story_line(item: dict, files: DemoFiles, made: LectureMedia | None, now: datetime) -> dict:
    return {key: item[key] for key in ("person", "organisation", "category")}


def event_line(item: dict, files: DemoFiles, made: LectureMedia | None, now: datetime) -> dict:
    zone = timezone.get_default_timezone()
    day = now.astimezone(zone).date() + timedelta(days=item["starts_in_days"])
    starts_at = datetime.combine(day, local_time(item["start_time"]), tzinfo=zone)
    return {
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(minutes=item["duration_minutes"])).isoformat(),
        "venue": item["venue"],
        "capacity": item["capacity"],
        "online_url": item.get("online_url") or None,
    }


KIND_LINES = {"lecture": lecture_line, "site": site_line, "story": story_line, "event": event_line}


def extra_fields(kind: str, item: dict, files: DemoFiles, made: LectureMedia | None) -> dict:
    """The page fields the import file has no key for."""
    if kind == "lecture":
        starts = made.chapter_starts if made else [start for start, _title in item["chapters"]]
        return {
            "chapters": [
                ("chapter", {"start_seconds": start, "title": title})
                for start, (_planned, title) in zip(starts, item["chapters"], strict=True)
            ],
            "key_points": [("point", point) for point in item["key_points"]],
        }
    if kind == "site":
        return {
            "timeline": [("entry", {"date": d, "event": e}) for d, e in item["timeline"]],
            "gallery": gallery(item, files),
            "visiting_information": item["visiting_information"],
        }
    if kind == "story":
        return story_extras(item, files)
    return event_extras(item)


def gallery(item: dict, files: DemoFiles) -> list[tuple[str, dict]]:
    place = " ".join(part for part in (item["province"], item["city"]) if part)
    blocks = []
    for number, caption in enumerate(item["gallery"], start=1):
        picture = files.image(
            f"{item['title']}·{caption}",
            f"演示用生成图片：{item['title']}，{caption}",
            f"demo-{item['slug']}-gallery-{number}.jpg",
            lambda caption=caption, number=number: images.gallery_jpeg(
                caption, place, f"{item['slug']}:gallery:{number}"
            ),
        )
        image = {"image": picture, "alt_text": picture.description, "decorative": False}
        blocks.append(("image", {"image": image, "caption": caption}))
    return blocks


def story_extras(item: dict, files: DemoFiles) -> dict:
    label = "先进集体" if item["subject_kind"] == SubjectKind.TEAM else "先进典型"
    portrait = files.image(
        f"{item['person']}·人物卡",
        f"演示用生成图片：写有“{item['person']}”的人物卡（非真实照片）",
        f"demo-{item['slug']}-portrait.jpg",
        lambda: images.portrait_jpeg(item["person"], label, f"{item['slug']}:portrait"),
    )
    return {
        "subject_kind": item["subject_kind"],
        "portrait": portrait,
        "achievements": [("achievement", text) for text in item["achievements"]],
    }


def event_extras(item: dict) -> dict:
    recording = item.get("recording")
    return {
        "recording": MicroLecturePage.objects.filter(slug=recording).first() if recording else None,
        "materials": [
            ("link", {"title": title, "url": url}) for title, url in item.get("materials", [])
        ],
        "speakers": [
            ("speaker", {"name": name, "title": title}) for name, title in item["speakers"]
        ],
        "agenda": [
            ("item", {"time": local_time(at), "title": title, "speaker": speaker})
            for at, title, speaker in item["agenda"]
        ],
    }
