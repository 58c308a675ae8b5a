"""虚拟参观 (virtual tour) of a revolutionary site: the blocks editors build it with, the
rules it must keep, and the one reader of it (``tour_of``).

A tour is ordered scenes. Each scene is a 360° equirectangular panorama (a Wagtail image,
2:1), a title, the direction the visit starts facing (yaw, pitch), an optional audio guide
(a document) with its transcript, and hotspots. A hotspot sits at a yaw/pitch and shows
either a text (with an optional picture), one of the page's artefacts, or leads to another
scene of the same tour. Scenes and artefacts are named by their number (1-based) in the
editor; ``Hotspot.scene``/``Hotspot.artefact`` below are 0-based indexes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

YAW_RANGE = (-180.0, 180.0)
PITCH_RANGE = (-90.0, 90.0)
# An equirectangular panorama is twice as wide as it is tall; a pixel of rounding is allowed.
PANORAMA_RATIO = 2
PANORAMA_TOLERANCE_PX = 1
MAX_SCENES = 20
MAX_HOTSPOTS = 30
# Rendition specs, shared by the viewer and the API: a phone-sized panorama, a small first
# image shown while it loads, and a hotspot's picture.
PANORAMA_RENDITION = "fill-4096x2048|format-webp"
PANORAMA_PREVIEW = "fill-1024x512|format-webp"
HOTSPOT_IMAGE_RENDITION = "max-800x800|format-webp"


def panorama_problem(image) -> str | None:
    """Why an image cannot be a 360° panorama, or None when it can."""
    if image is None:
        return None
    if abs(image.width - PANORAMA_RATIO * image.height) > PANORAMA_TOLERANCE_PX:
        return _("全景图必须是 2:1 的等距柱状投影图（现在是 %(width)d×%(height)d）。") % {
            "width": image.width,
            "height": image.height,
        }
    return None


def angle_block(label, low: float, high: float, default: float = 0.0, required=True):
    return blocks.FloatBlock(
        label=label,
        min_value=low,
        max_value=high,
        default=default,
        required=required,
        help_text=_("%(low)s 到 %(high)s 度") % {"low": int(low), "high": int(high)},
    )


class HotspotBlock(blocks.StructBlock):
    yaw = angle_block(_("水平角（yaw）"), *YAW_RANGE)
    pitch = angle_block(_("俯仰角（pitch）"), *PITCH_RANGE)
    label = blocks.CharBlock(label=_("名称"), max_length=80)
    text = blocks.TextBlock(label=_("说明文字"), required=False, max_length=1000)
    image = ImageChooserBlock(label=_("说明图片"), required=False)
    artefact = blocks.IntegerBlock(
        label=_("对应的馆藏文物"),
        required=False,
        min_value=1,
        help_text=_("填文物在“馆藏文物”中的序号（从 1 开始）。"),
    )
    scene = blocks.IntegerBlock(
        label=_("前往的场景"),
        required=False,
        min_value=1,
        help_text=_("填本导览中另一个场景的序号（从 1 开始）。"),
    )

    class Meta:
        icon = "pick"
        label = _("热点")

    def clean(self, value):
        value = super().clean(value)
        kinds = [bool(value.get("text")), value.get("artefact") is not None]
        kinds.append(value.get("scene") is not None)
        if sum(kinds) != 1:
            raise StructBlockValidationError(
                block_errors={
                    "text": ValidationError(
                        _("热点须且只能有一种内容：说明文字、馆藏文物序号或前往的场景序号。")
                    )
                }
            )
        if value.get("image") and not value.get("text"):
            raise StructBlockValidationError(
                block_errors={"image": ValidationError(_("说明图片须配说明文字。"))}
            )
        return value


class TourSceneBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("场景名称"), max_length=80)
    panorama = ImageChooserBlock(
        label=_("360° 全景图"), help_text=_("2:1 的等距柱状投影图，建议 4096×2048 以上。")
    )
    yaw = angle_block(_("初始水平角"), *YAW_RANGE)
    pitch = angle_block(_("初始俯仰角"), *PITCH_RANGE)
    audio = DocumentChooserBlock(label=_("语音讲解"), required=False)
    transcript = blocks.TextBlock(label=_("讲解文稿"), required=False, max_length=5000)
    hotspots = blocks.ListBlock(HotspotBlock(), label=_("热点"), max_num=MAX_HOTSPOTS)

    class Meta:
        icon = "view"
        label = _("场景")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        problem = panorama_problem(value.get("panorama"))
        if problem:
            errors["panorama"] = ValidationError(problem)
        if value.get("audio") and not (value.get("transcript") or "").strip():
            errors["transcript"] = ValidationError(_("有语音讲解时须提供讲解文稿。"))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class TourBlock(blocks.StructBlock):
    intro = blocks.TextBlock(label=_("导览说明"), required=False, max_length=500)
    scenes = blocks.ListBlock(TourSceneBlock(), label=_("场景"), min_num=1, max_num=MAX_SCENES)

    class Meta:
        icon = "site"
        label = _("虚拟参观")


# --- reading a tour --------------------------------------------------------------------------


@dataclass(frozen=True)
class Hotspot:
    yaw: float
    pitch: float
    label: str
    text: str
    image: object | None
    artefact: int | None  # 0-based index into the page's artefacts
    scene: int | None  # 0-based index into the tour's scenes


@dataclass(frozen=True)
class Scene:
    number: int  # 1-based, as shown
    title: str
    panorama: object
    yaw: float
    pitch: float
    audio: object | None
    transcript: str
    hotspots: tuple[Hotspot, ...]


@dataclass(frozen=True)
class Tour:
    intro: str
    scenes: tuple[Scene, ...]


def _index(number) -> int | None:
    return number - 1 if number is not None else None


def tour_of(page) -> Tour | None:
    """The page's tour, or None when it has none."""
    for block in page.tour:
        if block.block_type != "tour":
            continue
        scenes = []
        for number, scene in enumerate(block.value["scenes"], start=1):
            hotspots = tuple(
                Hotspot(
                    yaw=spot["yaw"],
                    pitch=spot["pitch"],
                    label=spot["label"],
                    text=spot["text"] or "",
                    image=spot["image"],
                    artefact=_index(spot["artefact"]),
                    scene=_index(spot["scene"]),
                )
                for spot in scene["hotspots"]
            )
            scenes.append(
                Scene(
                    number=number,
                    title=scene["title"],
                    panorama=scene["panorama"],
                    yaw=scene["yaw"],
                    pitch=scene["pitch"],
                    audio=scene["audio"],
                    transcript=scene["transcript"] or "",
                    hotspots=hotspots,
                )
            )
        return Tour(intro=block.value["intro"] or "", scenes=tuple(scenes))
    return None


def tour_problems(tour: Tour | None, artefact_count: int) -> list[str]:
    """What links out of range: hotspots to scenes not in the tour (or their own), or to
    artefacts the page does not have."""
    if tour is None:
        return []
    problems = []
    for scene in tour.scenes:
        for spot in scene.hotspots:
            if spot.scene is not None and not (
                0 <= spot.scene < len(tour.scenes) and spot.scene != scene.number - 1
            ):
                problems.append(
                    _("场景 %(scene)d 的热点“%(label)s”前往的场景 %(target)d 不在本导览中。")
                    % {"scene": scene.number, "label": spot.label, "target": spot.scene + 1}
                )
            if spot.artefact is not None and not 0 <= spot.artefact < artefact_count:
                problems.append(
                    _("场景 %(scene)d 的热点“%(label)s”对应的馆藏文物 %(number)d 不存在。")
                    % {"scene": scene.number, "label": spot.label, "number": spot.artefact + 1}
                )
    return problems
