"""A tour's pictures and audio guides, read in bulk and under one privacy rule, for the page
(``tour_display``) and the API (``tour_api``) alike.

Pictures: one query for the renditions of every image in the tour (panoramas and hotspot
pictures), made when missing; the API leaves out pictures of a private collection. Audio
guides: a document in a private collection is left out of the tour everywhere, not only in
the API, so the page never offers what the API hides. Which are private:
``home.media_privacy``.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model

from exhibits.tour import HOTSPOT_IMAGE_RENDITION, PANORAMA_PREVIEW, PANORAMA_RENDITION, Tour
from home.media_privacy import public_ids

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


def with_public_audio(tour: Tour) -> Tour:
    """The tour with every audio guide from a private collection taken out."""
    public = public_ids([scene.audio for scene in tour.scenes])
    scenes = tuple(
        scene if scene.audio is None or scene.audio.pk in public else replace(scene, audio=None)
        for scene in tour.scenes
    )
    return replace(tour, scenes=scenes)


def with_public_pictures(tour: Tour) -> Tour:
    """The tour with every panorama and hotspot picture from a private collection taken out
    (for the API: the page's viewer needs its panoramas, which ``/media/`` serves anyway)."""
    images = tour_images(tour)
    public = public_ids(images)
    if len(public) == len({image.pk for image in images}):
        return tour

    def shown(image):
        return image if image is not None and image.pk in public else None

    scenes = tuple(
        replace(
            scene,
            panorama=shown(scene.panorama),
            hotspots=tuple(replace(spot, image=shown(spot.image)) for spot in scene.hotspots),
        )
        for scene in tour.scenes
    )
    return replace(tour, scenes=scenes)
