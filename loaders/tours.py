"""The ``tour`` key of a site line (虚拟参观) and the ``cover`` key of every line.

``tour`` is a list of scenes (or an object with the tour's ``intro`` and its ``scenes``); hotspots name another scene or an artefact by its 0-based index
in the file (the editor shows them from 1, the stored tour too: ``exhibits.tour``). Every
file is read and checked here, with every problem named by its place
(``tour[1].hotspots[0].scene``); the images and documents are stored only by ``apply``,
when the import is written. The rules are the tour's own (``exhibits.tour``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from exhibits.tour import (
    MAX_HOTSPOTS,
    MAX_SCENES,
    PITCH_RANGE,
    YAW_RANGE,
    panorama_problem,
)
from loaders.files import (
    FileData,
    ImageData,
    read_document,
    read_image,
    store_document,
    store_image,
)
from loaders.parsers import InvalidValue, _check_controls, describe_json_type

SCENE_KEYS = {"title", "image", "yaw", "pitch", "audio", "transcript", "hotspots"}
HOTSPOT_KEYS = {"yaw", "pitch", "label", "text", "image", "scene", "artefact"}
HOTSPOT_KINDS = ("text", "scene", "artefact")
TITLE_LIMIT = 80
TEXT_LIMIT = 1000
TRANSCRIPT_LIMIT = 5000
INTRO_LIMIT = 500  # exhibits.tour's 导览说明

Problems = list[tuple[str, str]]  # (where, reason), e.g. ("[0].image", "找不到文件：…")


@dataclass
class PlannedHotspot:
    yaw: float
    pitch: float
    label: str
    text: str = ""
    image: ImageData | None = None
    scene: int | None = None  # 0-based
    artefact: int | None = None  # 0-based


@dataclass
class PlannedScene:
    title: str
    image: ImageData
    yaw: float
    pitch: float
    audio: FileData | None
    transcript: str
    hotspots: list[PlannedHotspot] = field(default_factory=list)


def _angle(item: dict, key: str, bounds: tuple[float, float], where: str, problems: Problems):
    value = item.get(key, 0)
    if value is None:
        value = 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append((f"{where}.{key}", f"必须是数字，不能是{describe_json_type(value)}"))
        return 0.0
    if not bounds[0] <= value <= bounds[1]:
        reason = f"必须在 {bounds[0]:g} 到 {bounds[1]:g} 度之间（现在是 {value:g}）"
        problems.append((f"{where}.{key}", reason))
    return float(value)


def _text(item: dict, key: str, limit: int, where: str, problems: Problems, required=False):
    value = item.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append((f"{where}.{key}", f"必须是字符串，不能是{describe_json_type(value)}"))
        return ""
    value = value.strip()
    if required and not value:
        problems.append((f"{where}.{key}", "缺少必填字段" if key not in item else "不能为空"))
    elif len(value) > limit:
        problems.append((f"{where}.{key}", f"不能超过 {limit} 个字符（现在是 {len(value)} 个）"))
    return value


def _file(reader, item: dict, key: str, folder: Path, where: str, problems: Problems):
    try:
        return reader(item[key], folder)
    except InvalidValue as exc:
        problems.extend((f"{where}.{key}", reason) for reason in exc.reasons)
        return None


def _object(value: Any, where: str, keys: set[str], problems: Problems) -> bool:
    if not isinstance(value, dict):
        problems.append((where, f"必须是对象（{{...}}），不能是{describe_json_type(value)}"))
        return False
    problems.extend((f"{where}.{key}", "未知字段") for key in value if key not in keys)
    return True


def _index(spot: dict, key: str, count: int, where: str, problems: Problems, what: str):
    value = spot[key]
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((f"{where}.{key}", f"必须是整数（从 0 开始的序号），不能是{value!r}"))
        return None
    if not 0 <= value < count:
        problems.append(
            (f"{where}.{key}", f"{what} {value} 不存在（共 {count} 个，序号从 0 开始）")
        )
        return None
    return value


def _hotspot(spot: Any, where: str, context: dict, problems: Problems) -> PlannedHotspot | None:
    if not _object(spot, where, HOTSPOT_KEYS, problems):
        return None
    planned = PlannedHotspot(
        yaw=_angle(spot, "yaw", YAW_RANGE, where, problems),
        pitch=_angle(spot, "pitch", PITCH_RANGE, where, problems),
        label=_text(spot, "label", TITLE_LIMIT, where, problems, required=True),
        text=_text(spot, "text", TEXT_LIMIT, where, problems),
    )
    if "yaw" not in spot:
        problems.append((f"{where}.yaw", "缺少必填字段"))
    kinds = [kind for kind in HOTSPOT_KINDS if spot.get(kind) not in (None, "")]
    if len(kinds) != 1:
        reason = "须且只能有一种内容：text（说明文字）、scene（场景序号）或 artefact（文物序号）"
        problems.append((where, f"{reason}，现在是 {len(kinds)} 种"))
    if spot.get("image") is not None:
        if not planned.text:
            problems.append((f"{where}.image", "说明图片须配说明文字 text"))
        planned.image = _file(read_image, spot, "image", context["folder"], where, problems)
    if spot.get("scene") is not None:
        planned.scene = _index(spot, "scene", context["scenes"], where, problems, "场景")
        if planned.scene == context["own"]:
            problems.append((f"{where}.scene", "不能指向热点所在的场景本身"))
    if spot.get("artefact") is not None:
        what = "馆藏文物"
        planned.artefact = _index(spot, "artefact", context["artefacts"], where, problems, what)
    return planned


def _scene(scene: Any, where: str, context: dict, problems: Problems) -> PlannedScene | None:
    if not _object(scene, where, SCENE_KEYS, problems):
        return None
    title = _text(scene, "title", TITLE_LIMIT, where, problems, required=True)
    image = None
    if "image" not in scene or scene["image"] is None:
        problems.append((f"{where}.image", "缺少必填字段（360° 全景图的路径）"))
    else:
        image = _file(read_image, scene, "image", context["folder"], where, problems)
    if image is not None:
        problem = panorama_problem(SimpleNamespace(width=image.width, height=image.height))
        if problem:
            problems.append((f"{where}.image", str(problem)))
    yaw = _angle(scene, "yaw", YAW_RANGE, where, problems)
    pitch = _angle(scene, "pitch", PITCH_RANGE, where, problems)
    transcript = _text(scene, "transcript", TRANSCRIPT_LIMIT, where, problems)
    audio = None
    if scene.get("audio") is not None:
        audio = _file(read_document, scene, "audio", context["folder"], where, problems)
        if not transcript:
            problems.append((f"{where}.transcript", "有语音讲解 audio 时须提供讲解文稿"))
    spots = scene.get("hotspots") or []
    if not isinstance(spots, list):
        problems.append((f"{where}.hotspots", f"必须是数组，不能是{describe_json_type(spots)}"))
        spots = []
    if len(spots) > MAX_HOTSPOTS:
        problems.append((f"{where}.hotspots", f"最多 {MAX_HOTSPOTS} 个热点"))
    hotspots = [
        _hotspot(spot, f"{where}.hotspots[{number}]", context, problems)
        for number, spot in enumerate(spots)
    ]
    if image is None or title == "":
        return None
    return PlannedScene(title, image, yaw, pitch, audio, transcript, [h for h in hotspots if h])


@dataclass
class PlannedTour:
    intro: str
    scenes: list[PlannedScene]


def parse_tour(value: Any, folder: Path, artefact_count: int) -> PlannedTour | None:
    """A line's ``tour``: its scenes, or an object with an ``intro`` and its ``scenes`` (None:
    remove the tour); InvalidValue names each problem's place (``[0].hotspots[1].scene``)."""
    if value is None:
        return None
    intro, prefix = "", ""
    if isinstance(value, dict):
        intro, prefix = _intro(value), ".scenes"
        value = value.get("scenes")
    if not isinstance(value, list):
        raise InvalidValue(parts=[(prefix, f"必须是场景的数组，不能是{describe_json_type(value)}")])
    if not value:
        raise InvalidValue(parts=[(prefix, "至少要有一个场景（不要虚拟参观请写 null）")])
    problems: Problems = []
    if len(value) > MAX_SCENES:
        problems.append((prefix, f"最多 {MAX_SCENES} 个场景（现在是 {len(value)} 个）"))
    scenes = []
    for number, scene in enumerate(value):
        context = {
            "folder": folder,
            "scenes": len(value),
            "own": number,
            "artefacts": artefact_count,
        }
        scenes.append(_scene(scene, f"{prefix}[{number}]", context, problems))
    if problems:
        raise InvalidValue(parts=problems)
    return PlannedTour(intro, scenes)


def _intro(value: dict) -> str:
    """The tour's 导览说明 of the object form, checked like the tour block's own field."""
    unknown = sorted(set(value) - {"intro", "scenes"})
    if unknown:
        raise InvalidValue(f"只能有 intro 和 scenes，不能有：{'、'.join(unknown)}")
    intro = value.get("intro") or ""
    if not isinstance(intro, str):
        raise InvalidValue(parts=[(".intro", f"必须是字符串，不能是{describe_json_type(intro)}")])
    intro = intro.strip()
    try:
        _check_controls(intro, multiline=True)
    except InvalidValue as exc:
        raise InvalidValue(parts=[(".intro", reason) for reason in exc.reasons]) from None
    if len(intro) > INTRO_LIMIT:
        raise InvalidValue(
            parts=[(".intro", f"不能超过 {INTRO_LIMIT} 个字符（现在是 {len(intro)} 个）")]
        )
    return intro


ARTEFACT_KEYS = {"name", "description"}
ARTEFACT_NAME_LIMIT = 120  # exhibits.models.ArtefactBlock


def parse_artefacts(value: Any) -> list[tuple[str, str]]:
    """A site's 馆藏文物 as (name, description) pairs (null: none), so a new site's tour can
    point at them; each problem named by its place (``[1].name``)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValue(f"必须是数组，不能是{describe_json_type(value)}")
    problems: Problems = []
    artefacts = []
    for number, item in enumerate(value):
        where = f"[{number}]"
        if _object(item, where, ARTEFACT_KEYS, problems):
            name = _text(item, "name", ARTEFACT_NAME_LIMIT, where, problems, required=True)
            artefacts.append((name, _text(item, "description", TRANSCRIPT_LIMIT, where, problems)))
    if problems:
        raise InvalidValue(parts=problems)
    return artefacts


def artefacts_data(artefacts: list[tuple[str, str]]) -> list[tuple[str, dict]]:
    return [
        ("artefact", {"name": name, "image": None, "description": description})
        for name, description in artefacts
    ]


def parse_cover(value: Any, folder: Path) -> ImageData | None:
    """The cover picture a line names (None: remove the cover)."""
    return None if value is None else read_image(value, folder)


# Writing: only once the whole file has been checked.


def _item(value: dict) -> dict:
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def _hotspot_data(spot: PlannedHotspot) -> dict:
    image = store_image(spot.image, spot.image.stem) if spot.image else None
    return {
        "yaw": spot.yaw,
        "pitch": spot.pitch,
        "label": spot.label,
        "text": spot.text,
        "image": image.pk if image else None,
        # The stored tour counts from 1, as the editor shows (exhibits.tour).
        "artefact": spot.artefact + 1 if spot.artefact is not None else None,
        "scene": spot.scene + 1 if spot.scene is not None else None,
    }


def tour_data(tour: PlannedTour | None) -> list[dict]:
    """The ``tour`` StreamField's data, storing the files (reused when already stored)."""
    if tour is None:
        return []
    values = []
    for scene in tour.scenes:
        audio = store_document(scene.audio, f"{scene.title}·语音讲解") if scene.audio else None
        values.append(
            _item(
                {
                    "title": scene.title,
                    "panorama": store_image(scene.image, scene.title).pk,
                    "yaw": scene.yaw,
                    "pitch": scene.pitch,
                    "audio": audio.pk if audio else None,
                    "transcript": scene.transcript,
                    "hotspots": [_item(_hotspot_data(spot)) for spot in scene.hotspots],
                }
            )
        )
    return [
        {"type": "tour", "id": str(uuid.uuid4()), "value": {"intro": tour.intro, "scenes": values}}
    ]
