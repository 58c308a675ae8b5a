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
from wagtail.blocks import ListBlockValidationError, StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

YAW_RANGE = (-180.0, 180.0)
PITCH_RANGE = (-90.0, 90.0)
# An equirectangular panorama is twice as wide as it is tall; a pixel of rounding is allowed.
PANORAMA_RATIO = 2
PANORAMA_TOLERANCE_PX = 1
MAX_SCENES = 20
MAX_HOTSPOTS = 30
# One home for the tour's renditions (the viewer and the API both use them): panoramas sized
# for phones, never enlarged, a small first image shown while the big one loads, and a
# hotspot's picture.
PANORAMA_RENDITION = "max-4096x2048|format-webp|webpquality-80"
PANORAMA_PREVIEW = "max-1024x512|format-webp|webpquality-70"
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


def _outside(raw, low: float, high: float) -> bool:
    try:
        return not low <= float(raw) <= high
    except (TypeError, ValueError):
        return False


class AngleMessages:
    """A StructBlock whose yaw/pitch out of range say which angle and what range (Django's
    own "确保该值小于或等于 180" names neither)."""

    ANGLES = {"yaw": YAW_RANGE, "pitch": PITCH_RANGE}

    def clean(self, value):
        try:
            return super().clean(value)
        except StructBlockValidationError as error:
            for name, (low, high) in self.ANGLES.items():
                if name in error.block_errors and _outside(value.get(name), low, high):
                    error.block_errors[name] = ValidationError(
                        _("%(angle)s须在 %(low)d 到 %(high)d 度之间（现在是 %(value)s）。")
                        % {
                            "angle": self.child_blocks[name].label,
                            "low": low,
                            "high": high,
                            "value": value.get(name),
                        }
                    )
            raise


class HotspotBlock(AngleMessages, blocks.StructBlock):
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
            message = (
                _("热点“%(label)s”没有内容：请填说明文字、馆藏文物序号或前往的场景序号中的一项。")
                if not any(kinds)
                else _(
                    "热点“%(label)s”只能有一种内容：说明文字、馆藏文物序号和前往的场景序号"
                    "只填一项。"
                )
            )
            raise StructBlockValidationError(
                non_block_errors=[ValidationError(message % {"label": value.get("label")})]
            )
        if value.get("image") and not value.get("text"):
            raise StructBlockValidationError(
                block_errors={"image": ValidationError(_("说明图片须配说明文字。"))}
            )
        return value


class TourSceneBlock(AngleMessages, blocks.StructBlock):
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

    def clean(self, value):
        if not value.get("scenes"):
            raise StructBlockValidationError(
                block_errors={
                    "scenes": ListBlockValidationError(
                        non_block_errors=[
                            ValidationError(
                                _("虚拟参观至少要有一个场景；不做导览时请删除整个“虚拟参观”。")
                            )
                        ]
                    )
                }
            )
        value = super().clean(value)
        scene_errors = {}
        for index, scene in enumerate(value["scenes"]):
            spot_errors = {}
            for spot_index, spot in enumerate(scene["hotspots"]):
                problem = scene_link_problem(spot.get("scene"), index, len(value["scenes"]))
                if problem:
                    spot_errors[spot_index] = StructBlockValidationError(
                        block_errors={"scene": ValidationError(problem)}
                    )
            if spot_errors:
                scene_errors[index] = StructBlockValidationError(
                    block_errors={"hotspots": ListBlockValidationError(block_errors=spot_errors)}
                )
        if scene_errors:
            raise StructBlockValidationError(
                block_errors={"scenes": ListBlockValidationError(block_errors=scene_errors)}
            )
        return value


def scene_link_problem(number: int | None, own_index: int, scene_count: int) -> str | None:
    """Why a hotspot in scene ``own_index`` (0-based) cannot lead to scene ``number``
    (1-based, as editors write it), or None."""
    if number is None:
        return None
    if not 1 <= number <= scene_count:
        return _("前往的场景 %(target)d 不在本导览中（本导览共 %(count)d 个场景）。") % {
            "target": number,
            "count": scene_count,
        }
    if number == own_index + 1:
        return _("热点不能前往它所在的场景 %(target)d。") % {"target": number}
    return None


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
            target = spot.scene + 1 if spot.scene is not None else None
            problem = scene_link_problem(target, scene.number - 1, len(tour.scenes))
            if problem:
                problems.append(
                    _("场景 %(scene)d 的热点“%(label)s”：%(problem)s")
                    % {"scene": scene.number, "label": spot.label, "problem": problem}
                )
            if spot.artefact is not None and not 0 <= spot.artefact < artefact_count:
                problems.append(
                    _("场景 %(scene)d 的热点“%(label)s”对应的馆藏文物 %(number)d 不存在。")
                    % {"scene": scene.number, "label": spot.label, "number": spot.artefact + 1}
                )
    return problems
