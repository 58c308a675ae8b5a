"""The QR code of a content page (home.share), served as an SVG image."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.privacy import shared
from core.text import MAX_PAGE_ID
from home.models import ContentPage
from home.share import qr_svg, share_url

# The address in the image only changes with the page's URL, and then the page asks for
# it with another ``v`` (home.share.qr_path): a month in any cache is safe.
QR_MAX_AGE = 30 * 24 * 3600


@require_GET
def qr_code(request: HttpRequest, page_id: int) -> HttpResponse:
    """Live, public content pages only; anything else is "not found", never a hint."""
    page = None
    if page_id <= MAX_PAGE_ID:
        page = ContentPage.objects.visible().filter(pk=page_id).first()
    if page is None:
        raise Http404(_("没有这个可以分享的页面。"))
    response = HttpResponse(qr_svg(share_url(page, request)), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
    response["X-Content-Type-Options"] = "nosniff"
    return shared(response)
