"""What a site page shows of its 虚拟参观: the renditions every scene needs (loaded in bulk),
and the viewer's configuration, which the page carries as JSON (``json_script``) for
``site/static/js/tour.js``.

The page itself lists every scene as an ordinary picture with its hotspots as text (the
fallback without JavaScript or WebGL, and the way keyboards and screen readers reach it
all). The panorama viewer (Pannellum, ``site/static/vendor/pannellum/``) loads only when the
member taps 开始参观, and takes its pictures from the renditions named here: a phone-sized
panorama and a small first image (``preview``) shown while it arrives.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from exhibits.tour import PANORAMA_PREVIEW, PANORAMA_RENDITION, Hotspot, Tour


def scene_id(index: int) -> str:
    """The viewer's name of a scene (0-based index): ``scene-1`` for the first."""
    return f"scene-{index + 1}"


def hotspot_config(scene_number: int, number: int, spot: Hotspot) -> dict:
    """One of Pannellum's ``hotSpots``. ``show`` names the list item tour.js shows under the
    viewer when the hotspot is tapped, ``goto`` the artefact it scrolls to."""
    config = {"pitch": spot.pitch, "yaw": spot.yaw, "text": spot.label}
    if spot.scene is not None:
        return {**config, "type": "scene", "sceneId": scene_id(spot.scene)}
    if spot.artefact is not None:
        return {**config, "type": "info", "goto": f"artefact-{spot.artefact + 1}"}
    return {**config, "type": "info", "show": f"tour-s{scene_number}-h{number}"}


def viewer_strings() -> dict:
    """Pannellum's own messages, in Chinese."""
    return {
        "loadButtonLabel": _("点击加载全景"),
        "loadingLabel": _("正在加载…"),
        "bylineLabel": "%s",
        "noPanoramaError": _("没有找到全景图。"),
        "fileAccessError": _("无法读取全景图 %s。"),
        "malformedURLError": _("全景图地址有误。"),
        "iOS8WebGLError": _("此设备的浏览器无法显示全景，请看下面的场景图片。"),
        "genericWebGLError": _("此设备的浏览器无法显示全景，请看下面的场景图片。"),
        "textureSizeError": _("全景图太大，此设备无法显示，请看下面的场景图片。"),
        "unknownError": _("全景加载出错，请看下面的场景图片。"),
    }


def viewer_messages() -> dict:
    """What tour.js says in the page's status line."""
    return {
        "loading": _("正在加载全景…"),
        "failed": _("此设备无法显示全景，请看下面的场景图片和热点说明。"),
        "scene": _("当前场景：%s"),
    }


def allow_viewer(response) -> None:
    """Let a page with a tour show the viewer's pictures: Pannellum downloads a panorama and
    draws it from a ``blob:`` URL it makes itself (its stylesheet's ``data:`` icons are
    allowed everywhere). django-csp's per-response update: img-src on this page only."""
    response._csp_update = {"img-src": ["blob:"]}


def viewer_config(tour: Tour) -> dict:
    """The configuration tour.js gives Pannellum (``pannellum.viewer(element, config)``), plus
    ``messages``. Every address in it is a path on our own host. The tour's renditions are
    already loaded (``tour_media.prefetch_renditions``)."""
    scenes = {}
    for scene in tour.scenes:
        renditions = scene.panorama.get_renditions(PANORAMA_RENDITION, PANORAMA_PREVIEW)
        scenes[scene_id(scene.number - 1)] = {
            "title": scene.title,
            "type": "equirectangular",
            "panorama": renditions[PANORAMA_RENDITION].url,
            "preview": renditions[PANORAMA_PREVIEW].url,
            "yaw": scene.yaw,
            "pitch": scene.pitch,
            "hotSpots": [
                hotspot_config(scene.number, number, spot)
                for number, spot in enumerate(scene.hotspots, start=1)
            ],
        }
    return {
        "default": {
            "firstScene": scene_id(0),
            "autoLoad": True,
            "sceneFadeDuration": 600,
            "showFullscreenCtrl": True,
            "strings": viewer_strings(),
        },
        "scenes": scenes,
        "messages": viewer_messages(),
    }
