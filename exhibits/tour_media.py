"""A tour's pictures and audio guides, read in bulk and under one privacy rule, for the page
(``tour_display``) and the API (``tour_api``) alike.

Pictures: one query for the renditions of every image in the tour (panoramas and hotspot
pictures), made when missing. Audio guides: a document in a private collection is left out
of the tour everywhere, not only in the API, so the page never offers what the API hides.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from exhibits.tour import HOTSPOT_IMAGE_RENDITION, PANORAMA_PREVIEW, PANORAMA_RENDITION, Tour

# The viewer's and the API's pictures, and the page's own (its srcset_image
# ``width-{320,640} format-webp``).
TOUR_SPECS = (PANORAMA_RENDITION, PANORAMA_PREVIEW, HOTSPOT_IMAGE_RENDITION)
PAGE_SPECS = ("width-320|format-webp", "width-640|format-webp")


def tour_images(tour: Tour) -> list:
    """Every image instance the tour holds (each needs its own prefetched renditions)."""
    images = {}
    for scene in tour.scenes:
        images[id(scene.panorama)] = scene.panorama
        for spot in scene.hotspots:
            if spot.image is not None:
                images[id(spot.image)] = spot.image
    return [image for image in images.values() if image is not None]


def prefetch_renditions(tour: Tour, specs=TOUR_SPECS + PAGE_SPECS) -> None:
    """One query for the renditions named by ``specs`` of every picture in the tour; Wagtail's
    ``get_rendition`` then finds them (``prefetched_renditions``) without asking again."""
    images = tour_images(tour)
    if not images:
        return
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    prefetch_related_objects(
        images, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


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


def with_public_audio(tour: Tour) -> Tour:
    """The tour with every audio guide from a private collection taken out."""
    public = public_document_ids([scene.audio for scene in tour.scenes])
    scenes = tuple(
        scene if scene.audio is None or scene.audio.pk in public else replace(scene, audio=None)
        for scene in tour.scenes
    )
    return replace(tour, scenes=scenes)
