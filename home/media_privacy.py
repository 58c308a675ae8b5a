"""Which images and documents may be shown beside a page: those outside every restricted
collection (a restriction covers the collection's sub-collections too).

The API's nested fields (``config/api.py``), a page's renditions in the API and the virtual
tour's pictures and audio guides all ask here, whatever the request: a linked object is
shown alike to everyone, so one kept privately is left out for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import CollectionViewRestriction


def private_ids(model, ids: Iterable[int]) -> set[int]:
    """The ``model`` rows among ``ids`` kept in a restricted collection (one or two queries)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not paths:
        return set()
    under = Q()
    for path in paths:
        under |= Q(collection__path__startswith=path)
    return set(model.objects.filter(under, pk__in=ids).values_list("pk", flat=True))


def public_ids(objects: Iterable) -> set[int]:
    """The ids of ``objects`` (images or documents of one model, None skipped) shown to all."""
    objects = [obj for obj in objects if obj is not None]
    if not objects:
        return set()
    ids = {obj.pk for obj in objects}
    return ids - private_ids(type(objects[0]), ids)


def is_private(obj) -> bool:
    return obj is not None and obj.pk in private_ids(type(obj), [obj.pk])


class PublicImageRenditionField(ImageRenditionField):
    """A rendition in the API, null while its image is kept in a restricted collection."""

    def to_representation(self, image):
        if is_private(image):
            return None
        return super().to_representation(image)
