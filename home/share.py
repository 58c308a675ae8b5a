"""分享: a content page's link, its QR code for WeChat groups and its share card.

Only pages anyone may open are shared: a private page (a view restriction on it or on a
section above it) gets no share section, no Open Graph metadata and no QR code.

The link is the address the visitor is on (``request.build_absolute_uri`` of the page's
URL): the Host header is checked against ``ALLOWED_HOSTS``, and unlike the Site record
(``localhost:80`` in the demo) it is an address that opens from another phone.
"""

from __future__ import annotations

import hashlib
import io

import segno
from django.http import HttpRequest
from django.urls import reverse

from home.fragments import kept

# The Open Graph image: WeChat and most crawlers read JPEG or PNG, not WebP.
OG_IMAGE_SPEC = "fill-1200x630|format-jpeg"
# Shown at this size (CSS pixels) in the share section; the SVG scales without blur.
QR_DISPLAY_SIZE = 200
# Medium error correction: still scans from a photo of a screen with a crease or a glare.
QR_ERROR = "m"


def is_shareable(page) -> bool:
    """Live and open to everyone (one query for the view restrictions of the page's path)."""
    return page.live and not page.get_view_restrictions().exists()


def share_url(page, request: HttpRequest) -> str:
    return request.build_absolute_uri(page.get_url(request))


def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as a standalone SVG document: one path, no script, no style."""
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(
        buffer,
        kind="svg",
        scale=4,
        border=4,
        xmldecl=True,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass=None,
        lineclass=None,
    )
    return buffer.getvalue()


def qr_path(page, url: str) -> str:
    """The QR image's address; ``v`` changes with the page's URL, so a moved page's QR code
    is never an old copy from a cache (the image itself is cached for a long time)."""
    version = hashlib.sha256(url.encode()).hexdigest()[:10]
    return f"{reverse('home:share_qr', args=[page.pk])}?v={version}"


def og_image(page, request: HttpRequest) -> dict:
    cover = page.cover_image
    rendition = cover.get_rendition(OG_IMAGE_SPEC)
    return {
        "url": request.build_absolute_uri(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": cover.default_alt_text,
    }


def share_context(page, request: HttpRequest) -> dict | None:
    """What the share section and the share card need, or None for a page not to share."""
    if not is_shareable(page):
        return None
    url = share_url(page, request)
    share = {
        "url": url,
        "qr_url": qr_path(page, url),
        "qr_size": QR_DISPLAY_SIZE,
        "description": page.summary or page.search_description,
        "image": None,
    }
    if page.cover_image_id is not None:
        # The cover's card picture, kept under the content version (pictures and pages
        # replace it): no query for the image or its rendition on a warm page.
        share["image"] = kept(
            request,
            f"og-image:{page.cover_image_id}:{request.scheme}://{request.get_host()}",
            lambda: og_image(page, request),
        )
    return share
