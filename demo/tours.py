"""The demo sites' 虚拟参观: checking ``content.TOURS`` and turning it into
an import line's ``tour`` (its panoramas, pictures and guides drawn into the line's folder).

The rules are the tour's own (``exhibits.tour``): a 2:1 panorama, hotspots of exactly one
kind with yaw/pitch in range, an audio guide only with its transcript, and links only to
scenes and artefacts the page has (``tour_problems``). They are checked on the content
before the demo touches the database, so a mistake in ``content.TOURS`` names itself
instead of failing half-way through a build.
"""

from __future__ import annotations

from types import SimpleNamespace

from demo import content, images
from demo.panoramas import PANORAMA_SIZE, Feature, panorama_jpeg
from demo.tones import soft_tone_wav
from exhibits.tour import (
    MAX_HOTSPOTS,
    MAX_SCENES,
    PITCH_RANGE,
    YAW_RANGE,
    Hotspot,
    Scene,
    Tour,
    panorama_problem,
    tour_problems,
)

HOTSPOT_KINDS = ("text", "artefact", "scene")
# A tone a little lower than the lectures' (220–440 Hz), so the two are easy to tell apart.
GUIDE_PITCH = 196


def _number(value) -> int | None:
    return None if value is None else value - 1


def _read(spec: dict) -> Tour:
    """``exhibits.tour.Tour`` from the content's numbers (1-based, as the editor shows)."""
    scenes = []
    for number, scene in enumerate(spec["scenes"], start=1):
        hotspots = tuple(
            Hotspot(
                yaw=spot["yaw"],
                pitch=spot["pitch"],
                label=spot["label"],
                text=spot.get("text", ""),
                image=spot.get("image"),
                artefact=_number(spot.get("artefact")),
                scene=_number(spot.get("scene")),
            )
            for spot in scene["hotspots"]
        )
        scenes.append(
            Scene(
                number=number,
                title=scene["title"],
                panorama=None,
                yaw=scene["yaw"],
                pitch=scene["pitch"],
                audio=scene.get("audio"),
                transcript=scene.get("transcript", ""),
                hotspots=hotspots,
            )
        )
    return Tour(intro=spec.get("intro", ""), scenes=tuple(scenes))


def _in_range(value, bounds: tuple[float, float]) -> bool:
    return isinstance(value, int | float) and bounds[0] <= value <= bounds[1]


def _scene_problems(where: str, scene: dict) -> list[str]:
    problems = []
    if not (_in_range(scene["yaw"], YAW_RANGE) and _in_range(scene["pitch"], PITCH_RANGE)):
        problems.append(f"{where}: 初始方向超出范围")
    if scene.get("audio") and not scene.get("transcript", "").strip():
        problems.append(f"{where}: 有语音讲解时须提供讲解文稿")
    if not scene["hotspots"] or len(scene["hotspots"]) > MAX_HOTSPOTS:
        problems.append(f"{where}: 热点应为 1–{MAX_HOTSPOTS} 个")
    for number, spot in enumerate(scene["hotspots"], start=1):
        label = f"{where} 热点 {number}"
        if sum(bool(spot.get(kind)) for kind in HOTSPOT_KINDS) != 1:
            problems.append(f"{label}: 须且只能有一种内容（text、artefact 或 scene）")
        if spot.get("image") and not spot.get("text"):
            problems.append(f"{label}: 说明图片须配说明文字")
        if not (_in_range(spot["yaw"], YAW_RANGE) and _in_range(spot["pitch"], PITCH_RANGE)):
            problems.append(f"{label}: yaw/pitch 超出范围")
    return problems


def tour_content_problems() -> list[str]:
    """Every mistake in ``content.TOURS``, checked with the tour's own rules."""
    sites = {item["slug"]: item for item in content.SITES}
    problems = []
    size_problem = panorama_problem(
        SimpleNamespace(width=PANORAMA_SIZE[0], height=PANORAMA_SIZE[1])
    )
    if size_problem:
        problems.append(f"demo.panoramas: {size_problem}")
    for slug, spec in content.TOURS.items():
        if slug not in sites:
            problems.append(f"{slug}: 虚拟参观所属的场馆不在演示数据中")
            continue
        if not 1 <= len(spec["scenes"]) <= MAX_SCENES:
            problems.append(f"{slug}: 虚拟参观应有 1–{MAX_SCENES} 个场景")
        for number, scene in enumerate(spec["scenes"], start=1):
            problems += _scene_problems(f"{slug} 场景 {number}", scene)
        problems += [
            f"{slug}: {problem}"
            for problem in tour_problems(_read(spec), len(sites[slug]["artefacts"]))
        ]
    return problems


def _features(spec: dict, scene: dict, artefacts: list) -> list[Feature]:
    """What the panorama shows where each hotspot points."""
    features = []
    for spot in scene["hotspots"]:
        if spot.get("scene"):
            target = spec["scenes"][spot["scene"] - 1]["title"]
            features.append(Feature("door", spot["yaw"], spot["pitch"], f"前往：{target}"))
        elif spot.get("artefact"):
            name = artefacts[spot["artefact"] - 1][0]
            features.append(Feature("artefact", spot["yaw"], spot["pitch"], name))
        else:
            features.append(Feature("text", spot["yaw"], spot["pitch"], spot["label"]))
    return features


def _hotspot(item: dict, where: str, spot: dict, files) -> dict:
    """One hotspot as the import line writes it: numbers from 0, a picture by its file."""
    line = {"yaw": spot["yaw"], "pitch": spot["pitch"], "label": spot["label"]}
    if spot.get("scene"):
        return line | {"scene": spot["scene"] - 1}
    if spot.get("artefact"):
        return line | {"artefact": spot["artefact"] - 1}
    line["text"] = spot.get("text", "")
    if spot.get("image"):
        caption = spot["image"]
        line["image"] = files.write(
            f"demo-{item['slug']}-{where}.jpg",
            images.gallery_jpeg(caption, item["title"], f"{item['slug']}:{where}"),
        )
    return line


def _guide(item: dict, scene: dict, number: int, files) -> str | None:
    """A tone standing in for the recorded guide, as a file beside the line."""
    if not scene.get("audio"):
        return None
    tone = soft_tone_wav(GUIDE_PITCH + 20 * number, 3.0)
    return files.write(f"demo-{item['slug']}-tour-{number}.wav", tone)


def tour_line(item: dict, files) -> dict | None:
    """The site's tour as the import line's ``tour`` (pictures and sounds drawn into the
    line's folder by ``files``, a ``demo.lines.DemoFiles``), or None when it has none."""
    spec = content.TOURS.get(item["slug"])
    if spec is None:
        return None
    scenes = []
    for number, scene in enumerate(spec["scenes"], start=1):
        features = _features(spec, scene, item["artefacts"])
        panorama = panorama_jpeg(scene["title"], features, f"{item['slug']}:tour:{scene['title']}")
        scenes.append(
            {
                "title": scene["title"],
                "image": files.write(f"demo-{item['slug']}-panorama-{number}.jpg", panorama),
                "yaw": scene["yaw"],
                "pitch": scene["pitch"],
                "audio": _guide(item, scene, number, files),
                "transcript": scene.get("transcript", ""),
                "hotspots": [
                    _hotspot(item, f"tour-{number}-{place}", spot, files)
                    for place, spot in enumerate(scene["hotspots"], start=1)
                ],
            }
        )
    return {"intro": spec.get("intro", ""), "scenes": scenes}
