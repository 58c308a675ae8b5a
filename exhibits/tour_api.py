"""The API's ``tour`` on site pages: what a phone app needs to show the virtual
tour, read through ``exhibits.tour.tour_of`` like the page itself.

Images are rendition URLs (the same specs as the viewer, ``exhibits.tour``), made in bulk
(``exhibits.tour_media``): one query for the tour's images with their renditions, however
many scenes and hotspots. Audio guides are documents: only their address under Wagtail's
document view, never a file path, and null while their collection is private (the page
leaves them out under the same rule); pictures of a private collection are null too.
Scene and artefact indexes are 0-based.
"""

from __future__ import annotations

from rest_framework.fields import Field
from wagtail.api.utils import get_full_url
from wagtail.images.models import SourceImageIOError

from exhibits.tour import (
    HOTSPOT_IMAGE_RENDITION,
    PANORAMA_PREVIEW,
    PANORAMA_RENDITION,
    Hotspot,
    Scene,
    Tour,
    tour_of,
)
from exhibits.tour_media import (
    TOUR_SPECS,
    prefetch_renditions,
    with_public_audio,
    with_public_pictures,
)


def rendition_data(image, spec: str) -> dict | None:
    """A rendition's address and size (already loaded, ``tour_media.prefetch_renditions``)."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        return {"error": "SourceImageIOError"}
    return {
        "url": rendition.url,
        "full_url": rendition.full_url,
        "width": rendition.width,
        "height": rendition.height,
    }


def hotspot_data(spot: Hotspot) -> dict:
    kind = (
        "scene" if spot.scene is not None else "artefact" if spot.artefact is not None else "text"
    )
    return {
        "kind": kind,
        "yaw": spot.yaw,
        "pitch": spot.pitch,
        "label": spot.label,
        "text": spot.text,
        "image": rendition_data(spot.image, HOTSPOT_IMAGE_RENDITION),
        "artefact": spot.artefact,
        "scene": spot.scene,
    }


def scene_data(scene: Scene, request) -> dict:
    audio = None
    if scene.audio is not None:
        audio = {
            "title": scene.audio.title,
            "url": get_full_url(request, scene.audio.url),
        }
    return {
        "title": scene.title,
        "yaw": scene.yaw,
        "pitch": scene.pitch,
        "panorama": rendition_data(scene.panorama, PANORAMA_RENDITION),
        "preview": rendition_data(scene.panorama, PANORAMA_PREVIEW),
        "audio": audio,
        "transcript": scene.transcript,
        "hotspots": [hotspot_data(spot) for spot in scene.hotspots],
    }


def tour_data(tour: Tour, request) -> dict:
    tour = with_public_pictures(with_public_audio(tour))
    prefetch_renditions(tour, TOUR_SPECS)
    return {
        "intro": tour.intro,
        "scenes": [scene_data(scene, request) for scene in tour.scenes],
    }


class TourField(Field):
    """The API's ``tour``: null when the page has none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page) -> dict | None:
        tour = tour_of(page)
        if tour is None:
            return None
        return tour_data(tour, self.context.get("request"))
