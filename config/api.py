"""Wagtail API v2: read-only content for phone apps and WeChat mini-programs.

Listings and detail views only ever return live, public pages (Wagtail's own rule). A page
reached *through* another page's field (an event's recording, the home page's featured
items) is checked the same way: while it is a draft or in a private section it is null,
so no title, transcript or body of it leaves through a link.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from core.text import parse_id


class LinkedPageMixin:
    """For the serializer of a page nested in another's field: null unless live and public."""

    def to_representation(self, page):
        if not page.live or page.get_view_restrictions().exists():
            return None
        return super().to_representation(page)


class IdCheckedMixin:
    """``find/?id=`` with an id that is no id (empty, letters, 20 digits) finds nothing (404);
    Wagtail would pass it to the database and answer 500."""

    def find_object(self, queryset, request):
        if "id" in request.GET and parse_id(request.GET["id"]) is None:
            return None
        return super().find_object(queryset, request)


class IdCheckedImagesAPIViewSet(IdCheckedMixin, ImagesAPIViewSet):
    pass


class IdCheckedDocumentsAPIViewSet(IdCheckedMixin, DocumentsAPIViewSet):
    pass


class VisiblePagesAPIViewSet(IdCheckedMixin, PagesAPIViewSet):
    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        serializer_class = super()._get_serializer_class(
            router, model, fields_config, show_details=show_details, nested=nested
        )
        if not nested:
            return serializer_class  # the queryset is already live and public
        return type(serializer_class.__name__, (LinkedPageMixin, serializer_class), {})


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", VisiblePagesAPIViewSet)
api_router.register_endpoint("images", IdCheckedImagesAPIViewSet)
api_router.register_endpoint("documents", IdCheckedDocumentsAPIViewSet)
