"""Wagtail API v2: read-only content for phone apps and WeChat mini-programs.

Listings and detail views only ever return live, public pages (Wagtail's own rule). A page
reached *through* another page's field (an event's recording, the home page's featured
items) is checked the same way: while it is a draft or in a private section it is null,
so no title, transcript or body of it leaves through a link.

Images and documents reached through a page's fields (a lecture's ``media_file``, a cover,
the documents and pictures chosen in a StreamField such as ``attachments``) are null while
kept in a restricted collection (``home.media_privacy``), as the images and documents
endpoints leave them out of their listings.
"""

from collections import defaultdict

from wagtail import blocks
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import StreamField as StreamFieldSerializer
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet

from core.text import parse_id
from home.media_privacy import is_private, private_ids


class LinkedPageMixin:
    """For the serializer of a page nested in another's field: null unless live and public."""

    def to_representation(self, page):
        if not page.live or page.get_view_restrictions().exists():
            return None
        return super().to_representation(page)


class LinkedMediaMixin:
    """For the serializer of an image or document nested in a page's field: null while it is
    kept in a restricted collection."""

    def to_representation(self, obj):
        if is_private(obj):
            return None
        return super().to_representation(obj)


def media_model(block):
    """The image or document model a block chooses, if it chooses one."""
    if isinstance(block, blocks.ChooserBlock):
        model = block.model_class
        if model in (get_image_model(), get_document_model()):
            return model
    return None


def media_slots(block, data, container=None, key=None):
    """(container, key, model) for every image or document chooser in a block's API data."""
    if model := media_model(block):
        if container is not None and data is not None:
            yield container, key, model
    elif isinstance(block, blocks.StreamBlock):
        for item in data or []:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                yield from media_slots(child, item.get("value"), item, "value")
    elif isinstance(block, blocks.ListBlock):
        for index, item in enumerate(data or []):
            yield from media_slots(block.child_block, item, data, index)
    elif isinstance(block, blocks.StructBlock) and isinstance(data, dict):
        for name, child in block.child_blocks.items():
            yield from media_slots(child, data.get(name), data, name)


class PublicStreamField(StreamFieldSerializer):
    """A StreamField with every chosen image or document of a restricted collection null
    (Wagtail gives their ids; the endpoints would then 404, but an id says it exists)."""

    def to_representation(self, value):
        data = super().to_representation(value)
        slots = list(media_slots(value.stream_block, data))
        chosen = defaultdict(set)
        for container, key, model in slots:
            chosen[model].add(container[key])
        private = {model: private_ids(model, ids) for model, ids in chosen.items()}
        for container, key, model in slots:
            if container[key] in private[model]:
                container[key] = None
        return data


class IdCheckedMixin:
    """``find/?id=`` with an id that is no id (empty, letters, 20 digits) finds nothing (404);
    Wagtail would pass it to the database and answer 500."""

    def find_object(self, queryset, request):
        if "id" in request.GET and parse_id(request.GET["id"]) is None:
            return None
        return super().find_object(queryset, request)


class LinkedMediaEndpoint:
    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        serializer_class = super()._get_serializer_class(
            router, model, fields_config, show_details=show_details, nested=nested
        )
        if not nested:
            return serializer_class  # the endpoint's queryset leaves restricted ones out
        return type(serializer_class.__name__, (LinkedMediaMixin, serializer_class), {})


class IdCheckedImagesAPIViewSet(LinkedMediaEndpoint, IdCheckedMixin, ImagesAPIViewSet):
    pass


class IdCheckedDocumentsAPIViewSet(LinkedMediaEndpoint, IdCheckedMixin, DocumentsAPIViewSet):
    pass


class VisiblePagesAPIViewSet(IdCheckedMixin, PagesAPIViewSet):
    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        serializer_class = super()._get_serializer_class(
            router, model, fields_config, show_details=show_details, nested=nested
        )
        mapping = {**serializer_class.serializer_field_mapping, StreamField: PublicStreamField}
        attrs = {"serializer_field_mapping": mapping}
        if not nested:
            # The queryset is already live and public.
            return type(serializer_class.__name__, (serializer_class,), attrs)
        return type(serializer_class.__name__, (LinkedPageMixin, serializer_class), attrs)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", VisiblePagesAPIViewSet)
api_router.register_endpoint("images", IdCheckedImagesAPIViewSet)
api_router.register_endpoint("documents", IdCheckedDocumentsAPIViewSet)
