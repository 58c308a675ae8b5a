"""The API's ``tour`` on site pages (issue 15): what a phone app needs to show the virtual
tour, read through ``exhibits.tour.tour_of`` like the page itself.

Images are rendition URLs (the same specs as the viewer, ``exhibits.tour``), made in bulk:
one query for the tour's images with their renditions, however many scenes and hotspots.
Audio guides are documents: only their address under Wagtail's document view (which applies
collection privacy), never a file path, and null while their collection is private.
Scene and artefact indexes are 0-based.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework.fields import Field
from wagtail.api.utils import get_full_url
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Collection, CollectionViewRestriction

from exhibits.tour import (
    HOTSPOT_IMAGE_RENDITION,
    PANORAMA_PREVIEW,
    PANORAMA_RENDITION,
    Hotspot,
    Scene,
    Tour,
    tour_of,
)


class Renditions:
    """Renditions of the images the tour already holds, read in one query, made when
    missing (Wagtail's ``prefetched_renditions``, as ``prefetch_renditions`` sets it)."""

    def __init__(self, wanted: list[tuple[object, str]]):
        wanted = [(image, spec) for image, spec in wanted if image is not None]
        self.images = {image.pk: image for image, _spec in wanted}
        if wanted:
            specs = sorted({spec for _image, spec in wanted})
            model = get_image_model().get_rendition_model()
            prefetch_related_objects(
                list(self.images.values()),
                Prefetch(
                    "renditions",
                    queryset=model.objects.filter(filter_spec__in=specs),
                    to_attr="prefetched_renditions",
                ),
            )

    def of(self, image, spec: str) -> dict | None:
        image = self.images.get(getattr(image, "pk", None))
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


def public_document_ids(documents) -> set[int]:
    """The documents outside private collections (restrictions apply to sub-collections)."""
    documents = [document for document in documents if document is not None]
    if not documents:
        return set()
    restricted = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not restricted:
        return {document.pk for document in documents}
    paths = dict(
        Collection.objects.filter(
            pk__in={document.collection_id for document in documents}
        ).values_list("pk", "path")
    )
    return {
        document.pk
        for document in documents
        if not any(paths.get(document.collection_id, "").startswith(p) for p in restricted)
    }


def hotspot_data(spot: Hotspot, renditions: Renditions) -> dict:
    kind = (
        "scene" if spot.scene is not None else "artefact" if spot.artefact is not None else "text"
    )
    return {
        "kind": kind,
        "yaw": spot.yaw,
        "pitch": spot.pitch,
        "label": spot.label,
        "text": spot.text,
        "image": renditions.of(spot.image, HOTSPOT_IMAGE_RENDITION),
        "artefact": spot.artefact,
        "scene": spot.scene,
    }


def scene_data(scene: Scene, renditions: Renditions, public_ids: set[int], request) -> dict:
    audio = None
    if scene.audio is not None and scene.audio.pk in public_ids:
        audio = {
            "title": scene.audio.title,
            "url": get_full_url(request, scene.audio.url),
        }
    return {
        "title": scene.title,
        "yaw": scene.yaw,
        "pitch": scene.pitch,
        "panorama": renditions.of(scene.panorama, PANORAMA_RENDITION),
        "preview": renditions.of(scene.panorama, PANORAMA_PREVIEW),
        "audio": audio,
        "transcript": scene.transcript,
        "hotspots": [hotspot_data(spot, renditions) for spot in scene.hotspots],
    }


def tour_data(tour: Tour, request) -> dict:
    wanted = []
    for scene in tour.scenes:
        wanted += [(scene.panorama, PANORAMA_RENDITION), (scene.panorama, PANORAMA_PREVIEW)]
        wanted += [(spot.image, HOTSPOT_IMAGE_RENDITION) for spot in scene.hotspots]
    renditions = Renditions(wanted)
    public_ids = public_document_ids([scene.audio for scene in tour.scenes])
    return {
        "intro": tour.intro,
        "scenes": [scene_data(scene, renditions, public_ids, request) for scene in tour.scenes],
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
