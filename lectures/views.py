"""Lectures' media: the transcoder's renditions, and captions and chapters as WebVTT.

A rendition is served only when its name is listed in the document's current encoding, to
whoever may have the document itself: Wagtail's ``before_serve_document`` hooks decide, as
for ``/documents/`` (one rule; a login or password answer comes back the same way). The
tracks are served only for a live lecture the request may see, and captions only while the
file is not kept from this request; anything else is a 404.
"""

from __future__ import annotations

import posixpath

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from wagtail import hooks

from core.byteranges import serve_stored
from core.privacy import private, shared
from home.media_privacy import is_private
from lectures.captions import CaptionsError, chapters_vtt, parse, to_vtt
from lectures.models import MediaEncoding, MicroLecturePage
from lectures.playback import HASH_CHARS, content_type_of, kind_of

A_YEAR = 365 * 24 * 60 * 60
TRACK_MAX_AGE = 300
VTT = "text/vtt; charset=utf-8"


def refused(document, request: HttpRequest) -> HttpResponse | None:
    """What Wagtail's document hooks answer instead of the file (login, password), if any."""
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    return None


def safe_name(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts


def rendition(request: HttpRequest, document_id: int, token: str, name: str) -> HttpResponse:
    encoding = (
        MediaEncoding.objects.select_related("document").filter(document_id=document_id).first()
    )
    if (
        encoding is None
        or not encoding.is_current()
        or token != encoding.source_hash[:HASH_CHARS]
        or not safe_name(name)
        or name not in encoding.files
    ):
        raise Http404
    answer = refused(encoding.document, request)
    if answer is not None:
        return answer
    response = serve_stored(
        request,
        default_storage,
        posixpath.join(encoding.folder, name),
        content_type_of(name, kind_of(encoding, name)),
        etag=f'"{encoding.source_hash}"',
    )
    if is_private(encoding.document):
        return private(response)
    # The source hash is in the URL: these bytes never change under it.
    patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
    return shared(response)


def visible_lecture(request: HttpRequest, page_id: int) -> tuple[MicroLecturePage, bool]:
    """The live lecture if the request may see it, and whether everyone may."""
    page = (
        MicroLecturePage.objects.live()
        .select_related("captions_file", "media_file__encoding")
        .filter(pk=page_id)
        .first()
    )
    if page is None:
        raise Http404
    restrictions = list(page.get_view_restrictions())
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404
    return page, not restrictions


def track(text: str, public: bool) -> HttpResponse:
    response = HttpResponse(text, content_type=VTT)
    if not public:
        return private(response)
    patch_cache_control(response, public=True, max_age=TRACK_MAX_AGE)
    return shared(response)


def captions(request: HttpRequest, page_id: int) -> HttpResponse:
    page, public = visible_lecture(request, page_id)
    document = page.captions_file
    if document is None or refused(document, request) is not None:
        raise Http404
    try:
        with document.file.open("rb") as handle:
            cues = parse(handle.read())
    except (CaptionsError, OSError):
        raise Http404 from None
    return track(to_vtt(cues), public and not is_private(document))


def chapters(request: HttpRequest, page_id: int) -> HttpResponse:
    page, public = visible_lecture(request, page_id)
    if not page.chapters:
        raise Http404
    starts = [
        (block.value["start_seconds"], block.value["title"])
        for block in page.chapters
        if block.block_type == "chapter"
    ]
    return track(chapters_vtt(starts, page.known_duration()), public)
