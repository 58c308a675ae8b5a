"""Uploads served by Django itself (``SERVE_MEDIA=1``, one machine): images only.

Documents can sit in private collections, so they are only ever served by Wagtail's
document view (``/documents/<id>/<name>``), which applies collection privacy; their files
under ``media/documents/`` answer 404 here, however the path is written; so do lectures'
renditions under ``media/lecture_media/`` (``/lectures/media/…`` serves them). Behind nginx
(``SERVE_MEDIA=0``) the same rule is a ``location`` block (README, 安全).
"""

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.static import serve

from core.privacy import shared

# Lecture renditions follow their document's privacy: only lectures.views.rendition serves them.
PRIVATE_FOLDERS = ("documents", "lecture_media")
# Pictures never change under their name: an upload gets a name of its own
# (core.storage.UniqueImageNameStorage) and a rendition's name comes from its original's.
IMMUTABLE_FOLDERS = ("images", "original_images")
A_YEAR = 365 * 24 * 60 * 60


def serve_public_media(request: HttpRequest, path: str) -> HttpResponse:
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if normalised.split("/", 1)[0] in PRIVATE_FOLDERS:
        raise Http404
    try:
        response = serve(request, normalised, document_root=settings.MEDIA_ROOT)
    except OSError:  # a path the file system cannot look up (a name too long…): no such file
        raise Http404 from None
    if normalised.split("/", 1)[0] in IMMUTABLE_FOLDERS and response.status_code == 200:
        patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
    # Pictures are the same for everyone: a member's request must not make them private.
    return shared(response)
